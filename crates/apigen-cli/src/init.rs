//! `apigen init --spec FILE`: a commented `apigen.toml` for a document.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, bail};

/// Writes the config at `config` for the document at `spec`; refuses to overwrite one unless
/// `force`.
pub fn run(spec_path: &Path, config: &Path, force: bool) -> Result<()> {
    if config.exists() && !force {
        bail!("{} exists; pass --force to overwrite it", config.display());
    }
    let dir = config.parent().filter(|d| !d.as_os_str().is_empty());
    let spec_ref = crate::relative_to(dir.unwrap_or(Path::new(".")), spec_path);
    let spec = apigen::load(spec_path, &spec_ref)?;
    let text = render(&spec, &spec_ref);
    std::fs::write(config, text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", config.display()))?;
    eprintln!(
        "wrote {}; edit the selection, then run `apigen generate`",
        config.display()
    );
    Ok(())
}

/// The config's text: every setting, commented, with the document's tags and operation counts.
pub fn render(spec: &apigen::Spec, spec_ref: &str) -> String {
    let doc = &spec.document;
    let mut diags = apigen::diagnostics::Diagnostics::default();
    let selected = apigen::resolve::select(doc, &apigen::config::Selection::all(), &mut diags);
    let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
    let mut untagged = 0;
    for op in &selected {
        match op.operation.tags.first() {
            Some(tag) => *tags.entry(tag.as_str()).or_default() += 1,
            None => untagged += 1,
        }
    }
    let schemas = doc.components.as_ref().map_or(0, |c| c.schemas.len());
    let name = apigen::default_name(spec);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# apigen.toml: what `apigen generate` generates from {spec_ref}\n\
         # ({} {}: {} operations, {} component schemas).\n\
         # Paths are relative to this file. Every key is optional but `spec`.\n",
        doc.info.title,
        doc.info.version,
        selected.len(),
        schemas
    );
    let _ = writeln!(
        out,
        "# The document: one file, or the root file of a document split over several.\n\
         spec = {spec_ref:?}\n\n\
         # The crate-name stem: crates are <name>-models, <name>-client and <name>-server.\n\
         name = {name:?}\n\n\
         # Where the crates go (default: this file's folder).\n\
         # out = \"generated\"\n"
    );
    let _ = writeln!(
        out,
        "[select]\n\
         # What to generate: the union of `all`, `tags`, `operations` and `paths`, less the\n\
         # `exclude_*` keys. Every schema the selected operations reach is generated too.\n\
         all = true\n\
         # The document's tags (the first tag of each operation), with their operation counts:"
    );
    let listed: Vec<String> = tags.keys().map(|t| format!("{t:?}")).collect();
    for (tag, count) in &tags {
        let _ = writeln!(
            out,
            "#   {tag:?}: {count} operation{}",
            if *count == 1 { "" } else { "s" }
        );
    }
    if untagged > 0 {
        let _ = writeln!(
            out,
            "#   (untagged: {untagged}, generated in the `default` group)"
        );
    }
    let _ = writeln!(
        out,
        "# tags = [{}]\n\
         # operations = [\"operationId\"]\n\
         # Path globs: `*` is one segment or part of one, `**` any number of segments.\n\
         # paths = [\"/pets/**\"]\n\
         # exclude_tags = []\n\
         # exclude_operations = []\n\
         # exclude_paths = []\n\
         # Also give a type to every component schema no selected operation reaches, behind the\n\
         # models crate's `components` feature (default: on with `all`, off otherwise).\n\
         # components = true\n",
        listed.join(", ")
    );
    let _ = writeln!(
        out,
        "[crates]\n\
         # Which crates to write: any of models, client, server. A crate left out is not written,\n\
         # but the others still depend on it by the name and path below.\n\
         # emit = [\"models\", \"client\", \"server\"]\n\
         # Write a Cargo.toml making the crates a workspace of their own (default: true).\n\
         # workspace = true\n\
         # Make each tag a Cargo feature compiling its types and operations (default: true).\n\
         # features = true\n\
         # Names and folders (relative to `out`), by default <name>-models and so on:\n\
         # models = {{ name = \"{name}-models\", path = \"{name}-models\" }}\n\
         # client = {{ name = \"{name}-client\", path = \"{name}-client\" }}\n\
         # server = {{ name = \"{name}-server\", path = \"{name}-server\" }}\n"
    );
    let _ = writeln!(
        out,
        "[package]\n\
         # Metadata of every generated crate. The version defaults to info.version when it is\n\
         # MAJOR.MINOR.PATCH, else 0.0.0; the edition to 2024.\n\
         # version = \"1.0.0\"\n\
         # edition = \"2024\"\n\
         # license = \"MIT OR Apache-2.0\"\n\
         # publish = false\n\
         # repository = \"https://example.com/repo\"\n\
         # homepage = \"https://example.com\"\n\
         # authors = [\"Name <name@example.com>\"]\n\
         # keywords = []\n\
         # categories = []\n"
    );
    let _ = writeln!(
        out,
        "[types]\n\
         # Extra derives for every model type. Eq, Hash, PartialOrd, Ord, Copy and Default are\n\
         # derived only where every field allows it (never Eq over an f64); each type left\n\
         # without one is reported. Other derives are passed through as written.\n\
         # derive = [\"Eq\", \"Hash\"]\n\
         # ... or for some types only, by Rust type name:\n\
         # derive_for = {{ Pet = [\"Hash\"] }}\n\
         # Component schemas replaced by your own types (which must implement Serialize,\n\
         # Deserialize, Debug, Clone and PartialEq, and Display and FromStr as parameters):\n\
         # replace = {{ Money = \"my_crate::Money\" }}\n\
         # String formats given your own types, with the same requirements; a type is read and\n\
         # written through a serde `with` module where one is given, as in\n\
         #   {{ type = \"my_crate::Instant\", with = \"my_crate::rfc3339\" }},\n\
         # or known (time::OffsetDateTime takes time::serde::rfc3339: time's serde-well-known):\n\
         # format = {{ date-time = \"time::OffsetDateTime\" }}\n\
         # String enums: \"open\" (a catch-all variant keeps unknown values) or \"closed\":\n\
         # enums = \"open\"\n\
         # Undeclared properties where the schema says nothing of them: \"ignore\" (dropped) or\n\
         # \"keep\" (kept in `additional_properties` and written back):\n\
         # unknown_fields = \"ignore\"\n\
         # The crates those types come from, added to every generated crate's [dependencies]\n\
         # (a `path` is relative to each generated crate's folder):\n\
         # dependencies = {{ my_crate = {{ version = \"1\" }} }}\n"
    );
    let _ = writeln!(
        out,
        "[rename]\n\
         # Names you choose instead of the derived ones.\n\
         # types = {{ PetStatusEnum = \"PetStatus\" }}        # component schema -> type\n\
         # operations = {{ listPets = \"pets\" }}              # operationId -> method\n\
         # fields = {{ \"Pet.type\" = \"kind\" }}              # Type.property -> field"
    );
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_written_config_parses_and_lists_the_tags() {
        let text = "openapi: 3.0.3\ninfo: {title: Pet Store, version: 1.0.0}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      tags: [pets]\n      responses: {'200': {description: ok}}\n    post:\n      operationId: addPet\n      tags: [pets]\n      responses: {'200': {description: ok}}\n  /store:\n    get:\n      operationId: inventory\n      tags: [store]\n      responses: {'200': {description: ok}}\n";
        let spec = apigen::parse("pets.yaml", text).unwrap();
        let config = super::render(&spec, "pets.yaml");
        assert!(config.contains("#   \"pets\": 2 operations"), "{config}");
        assert!(config.contains("#   \"store\": 1 operation\n"), "{config}");
        assert!(
            config.contains("# tags = [\"pets\", \"store\"]"),
            "{config}"
        );
        let parsed = apigen::Config::from_toml("apigen.toml", &config).unwrap();
        assert_eq!(parsed.spec, "pets.yaml");
        assert_eq!(parsed.name.as_deref(), Some("pet-store"));
        assert!(parsed.select.all);
        // Every commented setting parses too, once uncommented.
        let uncommented: String = config
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                // A trailing `# ...` after a value is a TOML comment, and stays.
                Some(rest) if rest.contains(" = ") && !rest.starts_with(' ') => format!("{rest}\n"),
                _ => format!("{line}\n"),
            })
            .collect();
        if let Err(err) = apigen::Config::from_toml("apigen.toml", &uncommented) {
            panic!("{err}\n{uncommented}");
        }
        // Every key the config types know is written (a new key cannot be forgotten): the
        // keys of each section are the ones serde's error for an unknown key lists.
        for section in ["", "select", "crates", "package", "types", "rename"] {
            let probe = match section {
                "" => "spec = \"x\"\nzzz_probe = 1\n".to_owned(),
                section => format!("spec = \"x\"\n[{section}]\nzzz_probe = 1\n"),
            };
            let err = apigen::Config::from_toml("probe.toml", &probe)
                .expect_err("an unknown key is refused")
                .to_string();
            let expected = err
                .split_once("expected one of ")
                .map_or_else(|| panic!("{err}"), |(_, keys)| keys);
            let keys: Vec<&str> = expected.split(", ").map(|k| k.trim_matches('`')).collect();
            assert!(!keys.is_empty(), "{err}");
            let header = format!("[{section}]");
            let body = if section.is_empty() {
                config.split("\n[").next().unwrap_or_default()
            } else {
                let start = config
                    .find(&header)
                    .unwrap_or_else(|| panic!("no {header}"));
                let rest = &config[start + header.len()..];
                rest.split("\n[").next().unwrap_or_default()
            };
            for key in keys {
                // A table of the root is its own section.
                let written = config.contains(&format!("\n[{key}]\n"))
                    || body.lines().any(|line| {
                        let line = line.trim_start_matches("# ");
                        line.starts_with(&format!("{key} ="))
                    });
                assert!(
                    written,
                    "`{key}` of [{section}] is not in the config init writes"
                );
            }
        }
    }
}
