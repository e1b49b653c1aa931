//! What to generate and how: the `apigen.toml` settings.
//!
//! The CLI, the build-script API ([`crate::build`]) and this repository's xtask all read the same
//! file, parsed by [`Config::from_toml`]; the library only ever sees the parsed [`Config`]. Every
//! key is documented in the README and in the file `apigen init` writes; unknown keys are
//! refused, with the key and its line, so a typo never passes silently.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::Error;

/// Everything `generate` needs besides the document.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The document (one file, or the root file of a document split over several), relative
    /// to the config file.
    pub spec: String,
    /// The crate-name stem: crates are `<name>-models`, `<name>-client` and `<name>-server`
    /// unless named one by one. Default: the document's title in kebab case.
    #[serde(default)]
    pub name: Option<String>,
    /// Where the crates go, relative to the config file (default: its folder).
    #[serde(default)]
    pub out: Option<String>,
    /// Which operations to generate.
    #[serde(default)]
    pub select: Selection,
    /// The generated crates.
    #[serde(default)]
    pub crates: Crates,
    /// Package metadata every generated crate carries.
    #[serde(default)]
    pub package: Package,
    /// How schemas become Rust types.
    #[serde(default)]
    pub types: Types,
    /// Rust names chosen by the user instead of the ones derived from the document.
    #[serde(default)]
    pub rename: Renames,
}

/// Which operations to generate: what the include keys select (the union of `all`, `tags`,
/// `operations` and `paths`), less what the exclude keys name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Every operation of the document.
    #[serde(default)]
    pub all: bool,
    /// Every operation whose first tag is one of these.
    #[serde(default)]
    pub tags: Vec<String>,
    /// These operations, by operationId.
    #[serde(default)]
    pub operations: Vec<String>,
    /// Every operation whose path template matches one of these globs (`*` is one path
    /// segment or part of one, `**` any number of segments): `/pets/**`.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Leave out operations whose first tag is one of these.
    #[serde(default)]
    pub exclude_tags: Vec<String>,
    /// Leave out these operations, by operationId.
    #[serde(default)]
    pub exclude_operations: Vec<String>,
    /// Leave out operations whose path template matches one of these globs.
    #[serde(default)]
    pub exclude_paths: Vec<String>,
    /// Also give a type to every component schema that no selected operation reaches (stream
    /// events, file formats, the bases of an `allOf` chain), compiled behind the models crate's
    /// `components` feature. Default: on with `all`, off otherwise.
    #[serde(default)]
    pub components: Option<bool>,
}

impl Selection {
    /// Every operation, and every component schema.
    pub fn all() -> Self {
        Self {
            all: true,
            ..Self::default()
        }
    }

    /// Whether the selection includes anything at all.
    pub fn is_empty(&self) -> bool {
        !self.all && self.tags.is_empty() && self.operations.is_empty() && self.paths.is_empty()
    }

    /// Whether component schemas no operation reaches get types too.
    pub fn unreached_components(&self) -> bool {
        self.components.unwrap_or(self.all)
    }
}

/// One of the generated crates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrateKind {
    /// Serde types for the schemas.
    Models,
    /// The async client.
    Client,
    /// The server traits and router.
    Server,
}

/// The generated crates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crates {
    /// Which crates to write (default: all three). A crate left out is not written, but the
    /// others still depend on it by its name and path, so it can come from another config.
    #[serde(default = "all_crates")]
    pub emit: Vec<CrateKind>,
    /// Also write a `Cargo.toml` with a `[workspace]` of the written crates at `out`, so that
    /// the output builds on its own. Default: on.
    #[serde(default = "yes")]
    pub workspace: bool,
    /// Make each tag a Cargo feature that compiles its types and operations (default: on).
    /// The build-script API turns it off: the including crate has no such features.
    #[serde(default = "yes")]
    pub features: bool,
    /// Serde types for the schemas.
    #[serde(default)]
    pub models: CrateConfig,
    /// The async client.
    #[serde(default)]
    pub client: CrateConfig,
    /// The server traits and router.
    #[serde(default)]
    pub server: CrateConfig,
}

fn all_crates() -> Vec<CrateKind> {
    vec![CrateKind::Models, CrateKind::Client, CrateKind::Server]
}

fn yes() -> bool {
    true
}

impl Default for Crates {
    fn default() -> Self {
        Self {
            emit: all_crates(),
            workspace: true,
            features: true,
            models: CrateConfig::default(),
            client: CrateConfig::default(),
            server: CrateConfig::default(),
        }
    }
}

impl Crates {
    /// Whether `kind` is written.
    pub fn emits(&self, kind: CrateKind) -> bool {
        self.emit.contains(&kind)
    }

    /// The crate of `kind`.
    pub fn get(&self, kind: CrateKind) -> &CrateConfig {
        match kind {
            CrateKind::Models => &self.models,
            CrateKind::Client => &self.client,
            CrateKind::Server => &self.server,
        }
    }
}

/// Where one generated crate lives and what it is called; both are filled from the name stem
/// when left out.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    /// The Cargo package name, such as `authentik-models`.
    #[serde(default)]
    pub name: String,
    /// Its directory, relative to `out`.
    #[serde(default)]
    pub path: String,
}

impl CrateConfig {
    /// The name Rust code uses for the crate (`-` becomes `_`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// `[package]` metadata of every generated crate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The crates' version (default: `info.version` when it is `MAJOR.MINOR.PATCH`, else
    /// `0.0.0`).
    #[serde(default)]
    pub version: Option<String>,
    /// The Rust edition (default: `2024`).
    #[serde(default)]
    pub edition: Option<String>,
    /// An SPDX license expression.
    #[serde(default)]
    pub license: Option<String>,
    /// Whether `cargo publish` may publish them (default: Cargo's, true), or the registries it
    /// may publish to.
    #[serde(default)]
    pub publish: Option<Publish>,
    /// The repository URL.
    #[serde(default)]
    pub repository: Option<String>,
    /// The homepage URL.
    #[serde(default)]
    pub homepage: Option<String>,
    /// The authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// crates.io keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// crates.io categories.
    #[serde(default)]
    pub categories: Vec<String>,
}

/// `publish = false`, or `publish = ["registry"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Publish {
    /// Whether it may be published at all.
    Flag(bool),
    /// The registries it may be published to.
    Registries(Vec<String>),
}

/// `[types]`: how schemas become Rust types.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Types {
    /// Component schemas replaced by the user's own types, by schema name: `Money =
    /// "my_crate::Money"`. The schema gets no type; everything that used it uses this path,
    /// which must implement `Serialize`, `Deserialize`, `Debug`, `Clone` and `PartialEq` (and
    /// `Display` and `FromStr` where it is a path or query parameter).
    #[serde(default)]
    pub replace: BTreeMap<String, String>,
    /// String formats given the user's types: `date-time = "time::OffsetDateTime"`, with the
    /// same requirements as `replace`, or `{ type = "...", with = "..." }` to read and write the
    /// type through a serde `with` module (`serialize` and `deserialize` functions), as
    /// `time::serde::rfc3339` does for `time::OffsetDateTime` (known, so the short form takes
    /// it too: `time`'s own serde form is not RFC 3339).
    #[serde(default)]
    pub format: BTreeMap<String, FormatType>,
    /// Extra derives for every generated model type: `["Eq", "Hash"]`. The std traits `Eq`,
    /// `Hash`, `PartialOrd`, `Ord`, `Copy` and `Default` are derived only where every field
    /// allows it (never `Eq` over an `f64`); a type left without one is reported.
    #[serde(default)]
    pub derive: Vec<String>,
    /// Extra derives for some types only, by Rust type name: `Pet = ["Hash"]`.
    #[serde(default)]
    pub derive_for: BTreeMap<String, Vec<String>>,
    /// The crates the replacements and derives come from, added to every generated crate's
    /// `[dependencies]` as written (`my_crate = { version = "1" }`; a `path` is relative to each
    /// generated crate's folder).
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
    /// Whether string enums keep values unknown when the crate was generated (`open`, the
    /// default: a catch-all variant) or refuse them (`closed`: decoding an unknown value fails).
    #[serde(default)]
    pub enums: EnumStyle,
    /// What a struct does with properties its schema does not declare, where the schema says
    /// nothing of them: `ignore` (the default) drops them on decoding; `keep` keeps them in an
    /// `additional_properties` map and writes them back, so that a read-modify-write client
    /// does not drop what a newer server added. A schema that allows them explicitly
    /// (`additionalProperties: true` or a schema) always keeps them, one that forbids them
    /// (`false`) never does.
    #[serde(default)]
    pub unknown_fields: UnknownFields,
}

/// `[types] unknown_fields`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownFields {
    /// Undeclared properties are dropped where the schema does not allow them explicitly.
    #[default]
    Ignore,
    /// Undeclared properties are kept wherever the schema does not forbid them.
    Keep,
}

/// A type a string format is given: `"time::OffsetDateTime"`, or
/// `{ type = "time::OffsetDateTime", with = "time::serde::rfc3339" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum FormatType {
    /// The type's path; read and written through its own serde implementation, or the adapter
    /// [`FormatType::with`] knows for it.
    Path(String),
    /// The type's path and the serde `with` module to read and write it through.
    Adapted(AdaptedType),
}

/// `{ type = "...", with = "..." }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdaptedType {
    /// The Rust type.
    #[serde(rename = "type")]
    pub ty: String,
    /// The serde `with` module (`serialize` and `deserialize` functions) for it.
    pub with: Option<String>,
}

/// The serde `with` modules known for types whose own serde form is not what the format says:
/// `time`'s `OffsetDateTime` serialises as a tuple of numbers, not as RFC 3339 text (`chrono`,
/// `jiff` and `uuid` types need none: their serde forms are the formats').
const KNOWN_ADAPTERS: &[(&str, &str)] = &[
    ("time::OffsetDateTime", "time::serde::rfc3339"),
    ("::time::OffsetDateTime", "time::serde::rfc3339"),
];

impl FormatType {
    /// The type's path.
    pub fn path(&self) -> &str {
        match self {
            Self::Path(path) => path,
            Self::Adapted(adapted) => &adapted.ty,
        }
    }

    /// The serde `with` module the type is read and written through: the one given, else the
    /// one known for the type.
    pub fn with(&self) -> Option<&str> {
        if let Self::Adapted(AdaptedType {
            with: Some(with), ..
        }) = self
        {
            return Some(with);
        }
        let path: String = self.path().split_whitespace().collect();
        KNOWN_ADAPTERS
            .iter()
            .find(|(ty, _)| *ty == path)
            .map(|(_, with)| *with)
    }
}

/// `[types] enums`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EnumStyle {
    /// A catch-all variant keeps any value the crate does not know, and writes it back.
    #[default]
    Open,
    /// Only the documented values; anything else is a decoding error.
    Closed,
}

/// A TOML value written inline (`{ version = "1", features = ["x"] }`).
pub fn inline_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("{s:?}"),
        toml::Value::Table(table) => {
            let items: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{} = {}", inline_key(k), inline_toml(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline_toml).collect();
            format!("[{}]", items.join(", "))
        }
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(n) => n.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
    }
}

fn inline_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_owned()
    } else {
        format!("{key:?}")
    }
}

/// `[rename]`: names the user picks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renames {
    /// Component schema name to Rust type name: `PetStatusEnum = "PetStatus"`.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// operationId to Rust method name: `listPets = "pets"`.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// `Schema.property` to Rust field name: `"Pet.type" = "kind"`.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

impl Config {
    /// Parses an `apigen.toml`'s text; `file` names it in errors, which give the line and the
    /// key.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, Error> {
        let config: Self = toml::from_str(text).map_err(|err| Error::Config {
            file: file.to_owned(),
            message: toml_message(text, &err),
        })?;
        config.validate(file)?;
        Ok(config)
    }

    /// The config `apigen generate --spec FILE` stands for: the selection, and crates
    /// `<name>-models`, `<name>-client` and `<name>-server` in folders of the same names.
    pub fn standalone(spec_file: &str, name: &str, select: Selection) -> Self {
        let mut config = Self {
            spec: spec_file.to_owned(),
            name: Some(name.to_owned()),
            select,
            ..Self::default()
        };
        config.fill_crate_names(name);
        config
    }

    /// This config with every crate name and path filled: from `name`, or the title of `spec`.
    pub fn with_crate_names(&self, spec: &crate::Spec) -> Self {
        let mut config = self.clone();
        let name = config
            .name
            .clone()
            .unwrap_or_else(|| crate::default_name(spec));
        config.fill_crate_names(&name);
        config
    }

    /// Fills every crate name and path left empty from the stem `name` (kebab-cased).
    pub fn fill_crate_names(&mut self, name: &str) {
        let kebab = crate::naming::snake_name(name)
            .trim_matches('_')
            .replace('_', "-");
        let stem = if kebab.is_empty() { "api" } else { &kebab };
        for (krate, suffix) in [
            (&mut self.crates.models, "models"),
            (&mut self.crates.client, "client"),
            (&mut self.crates.server, "server"),
        ] {
            if krate.name.is_empty() {
                krate.name = format!("{stem}-{suffix}");
            }
            if krate.path.is_empty() {
                krate.path = krate.name.clone();
            }
        }
    }

    fn validate(&self, file: &str) -> Result<(), Error> {
        let fail = |message: String| {
            Err(Error::Config {
                file: file.to_owned(),
                message,
            })
        };
        if self.spec.trim().is_empty() {
            return fail(
                "`spec` is empty: name the OpenAPI document, relative to this file".into(),
            );
        }
        if self.crates.emit.is_empty() {
            return fail(
                "`crates.emit` is empty: list at least one of models, client, server".into(),
            );
        }
        let formats = self.types.format.iter().flat_map(|(key, mapped)| {
            std::iter::once((key, mapped.path())).chain(mapped.with().map(|with| (key, with)))
        });
        for (key, path) in self
            .types
            .replace
            .iter()
            .map(|(key, path)| (key, path.as_str()))
            .chain(formats)
        {
            if syn::parse_str::<syn::Path>(path).is_err() {
                return fail(format!("`{key} = \"{path}\"`: not a Rust type path"));
            }
        }
        for derive in self
            .types
            .derive
            .iter()
            .chain(self.types.derive_for.values().flatten())
        {
            if syn::parse_str::<syn::Path>(derive).is_err() {
                return fail(format!("derive `{derive}` is not a Rust path"));
            }
        }
        for (what, names) in [
            ("types", &self.rename.types),
            ("operations", &self.rename.operations),
        ] {
            for (from, to) in names {
                if syn::parse_str::<syn::Ident>(to).is_err() {
                    return fail(format!(
                        "`rename.{what}`: `{from} = \"{to}\"`: not a Rust identifier"
                    ));
                }
            }
        }
        for (from, to) in &self.rename.fields {
            if !from.contains('.') {
                return fail(format!(
                    "`rename.fields`: `{from}` should be `Schema.property`"
                ));
            }
            if syn::parse_str::<syn::Ident>(to).is_err() {
                return fail(format!(
                    "`rename.fields`: `{from} = \"{to}\"`: not a Rust identifier"
                ));
            }
        }
        Ok(())
    }
}

/// A config file read, with the document it names loaded.
#[derive(Debug, Clone)]
pub struct Project {
    /// The settings.
    pub config: Config,
    /// The config file.
    pub config_file: std::path::PathBuf,
    /// The folder the crate paths are relative to (`out`, relative to the config's folder).
    pub out_dir: std::path::PathBuf,
    /// The document's root file.
    pub spec_path: std::path::PathBuf,
    /// The document, named in messages and headers as the config names it (relative to the
    /// config's folder, so the same on every machine).
    pub spec: crate::Spec,
}

impl Project {
    /// Reads the config at `path` and loads its document.
    pub fn open(path: &std::path::Path) -> Result<Self, Error> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            file: shown.clone(),
            source,
        })?;
        let config = Config::from_toml(&shown, &text)?;
        let dir = path.parent().unwrap_or(std::path::Path::new(""));
        let spec_path = dir.join(&config.spec);
        let display = config.spec.replace('\\', "/");
        let spec = crate::load(&spec_path, &display)?;
        let out_dir = dir.join(config.out.as_deref().unwrap_or(""));
        Ok(Self {
            config,
            config_file: path.to_path_buf(),
            out_dir,
            spec_path,
            spec,
        })
    }

    /// Generates what the config describes.
    pub fn generate(&self) -> Result<crate::Generated, Error> {
        crate::generate(&self.spec, &self.config)
    }
}

/// A TOML error as `line N: message`, without the excerpt the parser quotes.
fn toml_message(text: &str, err: &toml::de::Error) -> String {
    let message = err.message().trim_end().to_owned();
    match err.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// Whether the path template `path` matches the glob `pattern`: `*` matches within one segment,
/// `**` as a whole segment matches any number of segments (none included), and a trailing `/`
/// on either side is ignored.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    fn segments(s: &str) -> Vec<&str> {
        s.trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    }
    fn segment(pattern: &[u8], text: &[u8]) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some((b'*', rest)) => (0..=text.len()).any(|skip| segment(rest, &text[skip..])),
            Some((b'?', rest)) => !text.is_empty() && segment(rest, &text[1..]),
            Some((c, rest)) => text.first() == Some(c) && segment(rest, &text[1..]),
        }
    }
    fn walk(pattern: &[&str], path: &[&str]) -> bool {
        match pattern.split_first() {
            None => path.is_empty(),
            Some((&"**", rest)) => (0..=path.len()).any(|skip| walk(rest, &path[skip..])),
            Some((first, rest)) => path.split_first().is_some_and(|(p, tail)| {
                segment(first.as_bytes(), p.as_bytes()) && walk(rest, tail)
            }),
        }
    }
    walk(&segments(pattern), &segments(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let err = Config::from_toml("apigen.toml", "spec = \"a.yaml\"\n\n[selcet]\nall = true\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("apigen.toml: line 3:"), "{err}");
        assert!(err.contains("selcet"), "{err}");
        let err = Config::from_toml("c.toml", "spec = \"a.yaml\"\n[select]\nal = true\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("`al`"), "{err}");
    }

    /// The README's `apigen.toml` lists every setting; it must be a config this version reads.
    #[test]
    fn the_readme_config_example_parses() {
        let readme = include_str!("../../../README.md");
        let block = readme
            .split("```toml\n")
            .skip(1)
            .filter_map(|rest| rest.split_once("```").map(|(block, _)| block))
            .find(|block| block.starts_with("spec = "))
            .expect("the README shows an apigen.toml");
        let config = Config::from_toml("README.md", block).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            config.types.format["date-time"].with(),
            Some("time::serde::rfc3339")
        );
        assert_eq!(config.types.unknown_fields, UnknownFields::Ignore);
        // Each commented alternative of a setting parses in its place too.
        for line in block.lines().filter_map(|l| l.strip_prefix("# ")) {
            let Some((key, _)) = line.split_once(" = ") else {
                continue;
            };
            let replaced: String = block
                .lines()
                .map(|l| {
                    if l.starts_with(&format!("{key} = ")) {
                        line
                    } else {
                        l
                    }
                })
                .map(|l| format!("{l}\n"))
                .collect();
            Config::from_toml("README.md", &replaced).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }

    #[test]
    fn a_format_is_given_a_type_and_the_serde_module_it_is_read_through() {
        let text = "spec = \"a.yaml\"\n[types]\nformat = { date-time = { type = \"my::Instant\", with = \"my::rfc3339\" }, uuid = \"my::Id\", date = { type = \"my::Day\" } }\n";
        let config = Config::from_toml("apigen.toml", text).unwrap();
        let format = &config.types.format;
        assert_eq!(
            (format["date-time"].path(), format["date-time"].with()),
            ("my::Instant", Some("my::rfc3339"))
        );
        assert_eq!(
            (format["uuid"].path(), format["uuid"].with()),
            ("my::Id", None)
        );
        assert_eq!(
            (format["date"].path(), format["date"].with()),
            ("my::Day", None)
        );
        let bad = "spec = \"a.yaml\"\n[types]\nformat = { date-time = { type = \"my::Instant\", with = \"not a path\" } }\n";
        let err = Config::from_toml("apigen.toml", bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a Rust type path"), "{err}");
        let unknown = "spec = \"a.yaml\"\n[types]\nformat = { date-time = { type = \"my::Instant\", using = \"x\" } }\n";
        assert!(Config::from_toml("apigen.toml", unknown).is_err());
    }

    #[test]
    fn a_full_config_parses() {
        let text = r#"
spec = "openapi.yaml"
name = "pets"
out = "generated"
[select]
tags = ["pets"]
paths = ["/store/**"]
exclude_operations = ["deletePet"]
components = true
[crates]
emit = ["models", "client"]
workspace = false
models = { name = "pet-models", path = "models" }
[package]
version = "1.2.3"
license = "MIT"
publish = false
authors = ["A <a@example.com>"]
[types]
derive = ["Eq", "Hash"]
replace = { Money = "my_crate::Money" }
format = { date-time = "time::OffsetDateTime" }
derive_for = { Pet = ["PartialOrd"] }
[rename]
types = { PetStatusEnum = "PetStatus" }
operations = { listPets = "pets" }
fields = { "Pet.type" = "kind" }
"#;
        let mut config = Config::from_toml("apigen.toml", text).unwrap();
        config.fill_crate_names("pets");
        assert_eq!(config.crates.models.path, "models");
        assert_eq!(config.crates.client.name, "pets-client");
        assert!(!config.crates.emits(CrateKind::Server));
        assert!(config.select.unreached_components());
        assert_eq!(
            config.types.format["date-time"].path(),
            "time::OffsetDateTime"
        );
        assert_eq!(
            config.types.format["date-time"].with(),
            Some("time::serde::rfc3339")
        );
        assert!(matches!(config.package.publish, Some(Publish::Flag(false))));
    }

    #[test]
    fn bad_values_are_refused() {
        for (text, needle) in [
            ("spec = \"\"", "`spec` is empty"),
            (
                "spec = \"a\"\n[crates]\nemit = []",
                "`crates.emit` is empty",
            ),
            (
                "spec = \"a\"\n[crates]\nemit = [\"docs\"]",
                "unknown variant",
            ),
            (
                "spec = \"a\"\n[types]\nreplace = { A = \"not a path\" }",
                "not a Rust type path",
            ),
            (
                "spec = \"a\"\n[rename]\ntypes = { A = \"9x\" }",
                "not a Rust identifier",
            ),
            (
                "spec = \"a\"\n[rename]\nfields = { A = \"b\" }",
                "Schema.property",
            ),
        ] {
            let err = Config::from_toml("c.toml", text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn path_globs() {
        assert!(path_matches("/pets/**", "/pets"));
        assert!(path_matches("/pets/**", "/pets/{id}/photos/"));
        assert!(path_matches("/pets/*", "/pets/{id}"));
        assert!(!path_matches("/pets/*", "/pets/{id}/photos"));
        assert!(path_matches(
            "/providers/*/*/sync/**",
            "/providers/microsoft_entra/{id}/sync/status/"
        ));
        assert!(!path_matches(
            "/providers/*/*/sync/**",
            "/providers/microsoft_entra/"
        ));
        assert!(path_matches("/v?/items", "/v1/items"));
        assert!(path_matches("/**/status/", "/a/b/status"));
        assert!(path_matches("/core/users*", "/core/users_me/"));
        assert!(!path_matches("/core", "/core/users"));
    }
}
