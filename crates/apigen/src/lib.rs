//! apigen: generates Rust models, an async client and an axum server from an OpenAPI 3.0 document.
//!
//! The pipeline runs in stages, one module each:
//! [`load`](mod@load) (JSON as JSON, YAML as YAML, with file, line and JSON pointer on errors) →
//! [`normalize`] (the quirks real documents have, read the one sensible way and reported;
//! [`normalize::merge`] merges `allOf`s) → `openapiv3` →
//! [`resolve`] (select operations, follow `$ref`s, collect the schemas they reach) →
//! [`lower`] (build the [`ir`], with every name decided by [`naming`]) →
//! [`emit`] (IR to token streams: models, client, server) →
//! [`render`] (prettyplease, headers, templates).
//! Only [`load()`] reads files and nothing here writes any: the caller (the xtask) decides what
//! to do with the [`Generated`] files.

pub mod build;
pub mod bundle;
pub mod config;
pub mod diagnostics;
pub mod drift;
pub mod emit;
pub mod example;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod normalize;
pub mod output;
pub mod render;
pub mod resolve;
pub mod spec;
pub mod syntax;

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

pub use config::Config;
pub use diagnostics::{Diagnostic, Severity};
pub use load::{Spec, load, parse};
pub use output::{Mode, Outcome};

use crate::emit::ident;
use crate::render::templates;

/// Everything that can go wrong while generating.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The document is not valid YAML or JSON, or not an OpenAPI 3.0 document.
    #[error("{}", fmt_parse(file, *line, *column, pointer, message))]
    Parse {
        /// The file.
        file: String,
        /// The line, where the parser knows it (1-based).
        line: Option<usize>,
        /// The column, where the parser knows it (1-based).
        column: Option<usize>,
        /// JSON pointer of the node that failed.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The codegen config file is invalid.
    #[error("{file}: {message}")]
    Config {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The document parses but cannot be generated as it is.
    #[error("{}", fmt_invalid(file, diagnostics))]
    Invalid {
        /// The file.
        file: String,
        /// Every problem found (errors, and degradations found along the way).
        diagnostics: Vec<Diagnostic>,
    },
    /// A bug in the generator: please report it with the document that triggers it.
    #[error("internal error (a generator bug): {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// Whether the error is the generator's fault rather than the input's.
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Internal { .. })
    }
}

fn fmt_parse(
    file: &str,
    line: Option<usize>,
    column: Option<usize>,
    pointer: &str,
    message: &str,
) -> String {
    let mut out = file.to_owned();
    if let Some(line) = line {
        let _ = write!(out, ":{line}");
        if let Some(column) = column {
            let _ = write!(out, ":{column}");
        }
    }
    let _ = write!(out, ": ");
    if !pointer.is_empty() {
        let _ = write!(out, "at #{pointer}: ");
    }
    out.push_str(message);
    out
}

fn fmt_invalid(file: &str, diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut out = format!(
        "{file}: cannot generate ({errors} error{}):",
        if errors == 1 { "" } else { "s" }
    );
    // Errors one by one (each needs fixing); the rest grouped by kind.
    for diagnostic in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        let _ = write!(out, "\n  {diagnostic}");
    }
    let rest: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Error)
        .cloned()
        .collect();
    for line in diagnostics::summary("", &rest, false).lines() {
        let _ = write!(out, "\n  {}", line.trim_start_matches(": "));
    }
    out
}

/// One generated file, with its path relative to the workspace root (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Where it goes.
    pub path: String,
    /// What it holds.
    pub contents: String,
}

/// The result of a generation run.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// The directories the generator owns: any other file in them is stale.
    pub owned_dirs: Vec<String>,
    /// Warnings (quirks read the one sensible way) and degradations (constructs generated, but
    /// not exactly); never errors, which fail the run.
    pub diagnostics: Vec<Diagnostic>,
    /// How many operations were generated.
    pub operations: usize,
    /// How many webhooks were generated (in the server's webhook router).
    pub webhooks: usize,
    /// How many named types were generated.
    pub types: usize,
    /// How long each stage took.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Generated {
    /// How many of the diagnostics have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Generates the crates `config` describes from `spec`: the models, client and server crates
/// it emits, and with `crates.workspace` a `Cargo.toml` making them a workspace of their own.
///
/// Paths are relative to the config's `out`; crate names and paths the config leaves empty
/// come from its `name`, or the document's title.
pub fn generate(spec: &Spec, config: &Config) -> Result<Generated, Error> {
    let started = std::time::Instant::now();
    let config = &config.with_crate_names(spec);
    let mut diags = diagnostics::Diagnostics::default();
    diags.extend(spec.diagnostics.iter().cloned());
    let api = lower::lower(&spec.document, config, &mut diags);
    diags.check(&spec.file)?;
    let lowered = started.elapsed();
    let derives = emit::Derives::new(&api, &config.types, &mut diags);
    let mut files = render_crates(&api, spec, config, &derives)?;
    let timings = vec![
        ("lower", lowered),
        ("emit and render", started.elapsed() - lowered),
    ];
    let crates = &config.crates;
    let emitted: Vec<&config::CrateConfig> = crates.emit.iter().map(|k| crates.get(*k)).collect();
    files.retain(|file| {
        emitted
            .iter()
            .any(|krate| file.path.starts_with(&format!("{}/", krate.path)))
    });
    if crates.workspace {
        let members = emitted
            .iter()
            .map(|c| format!("    \"{}\",\n", c.path))
            .collect::<String>();
        files.push(GeneratedFile {
            path: "Cargo.toml".to_owned(),
            contents: format!(
                "# @generated by apigen from {}. Do not edit by hand.\n\n\
                 [workspace]\nresolver = \"3\"\nmembers = [\n{members}]\n",
                spec.file
            ),
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(Generated {
        files,
        owned_dirs: emitted.iter().map(|c| c.path.clone()).collect(),
        diagnostics: diags.into_vec(),
        operations: api.operations.len(),
        webhooks: api.webhooks.len(),
        types: api.types.len(),
        timings,
    })
}

/// A crate-name stem for a document: its title in kebab case (`api` when that leaves nothing).
pub fn default_name(spec: &Spec) -> String {
    let name = naming::snake_name(&spec.document.info.title)
        .trim_matches('_')
        .replace('_', "-");
    if name.is_empty() {
        "api".to_owned()
    } else {
        name
    }
}

/// A Cargo-compatible version for the generated crates: `info.version` when it is
/// `MAJOR.MINOR.PATCH` (with an optional pre-release), `0.0.0` otherwise.
fn crate_version(version: &str) -> &str {
    let core = version.split_once('-').map_or(version, |(core, _)| core);
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
    };
    if parts.len() == 3 && parts.iter().all(numeric) {
        version
    } else {
        "0.0.0"
    }
}

/// The `[package]` lines the config adds (license, publish, ...), each ending in a newline.
fn package_lines(package: &config::Package) -> String {
    let quote = |s: &str| format!("{s:?}");
    let list = |items: &[String]| {
        let items: Vec<String> = items.iter().map(|s| quote(s)).collect();
        format!("[{}]", items.join(", "))
    };
    let mut out = String::new();
    if let Some(license) = &package.license {
        let _ = writeln!(out, "license = {}", quote(license));
    }
    if !package.authors.is_empty() {
        let _ = writeln!(out, "authors = {}", list(&package.authors));
    }
    if let Some(repository) = &package.repository {
        let _ = writeln!(out, "repository = {}", quote(repository));
    }
    if let Some(homepage) = &package.homepage {
        let _ = writeln!(out, "homepage = {}", quote(homepage));
    }
    if !package.keywords.is_empty() {
        let _ = writeln!(out, "keywords = {}", list(&package.keywords));
    }
    if !package.categories.is_empty() {
        let _ = writeln!(out, "categories = {}", list(&package.categories));
    }
    match &package.publish {
        Some(config::Publish::Flag(flag)) => {
            let _ = writeln!(out, "publish = {flag}");
        }
        Some(config::Publish::Registries(registries)) => {
            let _ = writeln!(out, "publish = {}", list(registries));
        }
        None => {}
    }
    out
}

/// The `[features]` table of a crate: one feature per tag, `full` for all of them (with the
/// server's all-in-one router), and `full` by default. In the client and server crates each
/// tag's feature enables the models crate's (`models`), which compiles the types its
/// operations reach.
fn cargo_features<'a>(
    groups: impl Iterator<Item = &'a ir::Group> + Clone,
    models: Option<&str>,
) -> String {
    let mut out = String::from("[features]\ndefault = [\"full\"]\n");
    let all: Vec<String> = groups
        .clone()
        .map(|g| format!("\"{}\"", g.module))
        .collect();
    let _ = writeln!(out, "full = [{}]", all.join(", "));
    for group in groups {
        let enables = models.map_or_else(String::new, |m| format!("\"{m}/{}\"", group.module));
        let _ = writeln!(out, "{} = [{enables}]", group.module);
    }
    out
}

/// The relative path from directory `from` to directory `to`, both relative to one root.
fn relative(from: &str, to: &str) -> String {
    let from: Vec<&str> = from
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let to: Vec<&str> = to
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

fn render_crates(
    api: &ir::Api,
    spec: &Spec,
    config: &Config,
    derives: &emit::Derives,
) -> Result<Vec<GeneratedFile>, Error> {
    let crates = &config.crates;
    let file = spec.file.as_str();
    let version = config
        .package
        .version
        .as_deref()
        .unwrap_or_else(|| crate_version(&api.version));
    let edition = config.package.edition.as_deref().unwrap_or("2024");
    let package = package_lines(&config.package);
    let dependencies: String = config
        .types
        .dependencies
        .iter()
        .map(|(name, value)| format!("{name} = {}\n", config::inline_toml(value)))
        .collect();
    let models_ident = crates.models.ident();
    let client_ident = crates.client.ident();
    // The client calls operations; the server also receives webhooks.
    let models_name = crates.models.name.as_str();
    let mut client_features = cargo_features(api.groups.iter(), Some(models_name));
    client_features.push_str(
        "# Sending through a `reqwest_middleware::ClientWithMiddleware`.\n\
         middleware = [\"dep:reqwest-middleware\", \"dep:http\"]\n\
         # A `tracing` span per call.\n\
         tracing = [\"dep:tracing\"]\n",
    );
    let mut server_features = cargo_features(api.server_groups(), Some(models_name));
    // Declared whatever the API holds: the runtime's mock support is behind it, and a feature
    // its code tests but the manifest lacks is a warning (an API of schemas alone has no mock).
    server_features.push_str(
        "# A mock of the API for tests: `mock::Mock`.\n\
         mock = [\"full\", \"tokio/net\", \"tokio/rt\"]\n",
    );
    let mut models_features = cargo_features(api.server_groups(), None);
    if api.components_feature {
        // Types of component schemas no operation reaches, and what they use.
        let tags: Vec<String> = api
            .server_groups()
            .map(|g| format!("\"{}\"", g.module))
            .collect();
        models_features = models_features.replacen(
            "full = [",
            if tags.is_empty() {
                "full = [\"components\""
            } else {
                "full = [\"components\", "
            },
            1,
        );
        let _ = writeln!(models_features, "components = [{}]", tags.join(", "));
    }
    let vars_for = |krate: &config::CrateConfig| -> Vec<(&'static str, String)> {
        vec![
            ("spec", file.to_owned()),
            ("name", krate.name.clone()),
            ("version", version.to_owned()),
            ("edition", edition.to_owned()),
            ("package", package.clone()),
            ("dependencies", dependencies.clone()),
            ("api_version", api.version.clone()),
            ("title", api.title.clone()),
            ("models_name", crates.models.name.clone()),
            ("models_path", relative(&krate.path, &crates.models.path)),
            ("client_name", crates.client.name.clone()),
            ("client_ident", client_ident.clone()),
            (
                "client_dir",
                relative(&crates.models.path, &crates.client.path),
            ),
            ("server_name", crates.server.name.clone()),
            (
                "features",
                if krate.path == crates.server.path {
                    server_features.clone()
                } else if krate.path == crates.models.path {
                    models_features.clone()
                } else {
                    client_features.clone()
                },
            ),
            (
                "server_dir",
                relative(&crates.models.path, &crates.server.path),
            ),
        ]
    };
    let mut files = Vec::new();
    let mut push_text =
        |krate: &config::CrateConfig, name: &str, template: &str| -> Result<(), Error> {
            let vars = vars_for(krate);
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            files.push(GeneratedFile {
                path: format!("{}/{name}", krate.path),
                contents: render::fill(template, &vars, name)?,
            });
            Ok(())
        };
    push_text(&crates.models, "Cargo.toml", templates::MODELS_CARGO)?;
    push_text(&crates.models, "README.md", templates::MODELS_README)?;
    push_text(&crates.client, "Cargo.toml", templates::CLIENT_CARGO)?;
    push_text(&crates.client, "README.md", templates::CLIENT_README)?;
    push_text(&crates.server, "Cargo.toml", templates::SERVER_CARGO)?;
    push_text(&crates.server, "README.md", templates::SERVER_README)?;

    let title = &api.title;
    let api_doc = |what: &str| {
        let mut text = format!(
            "{what} for the {title} API {}, generated from `{file}`.",
            api.version
        );
        if let Some(description) = &api.description {
            let _ = write!(text, "\n\n{description}");
        }
        text
    };
    let models_crate = ident(&models_ident);
    let lib = |what: &str, runtime: Option<TokenStream>, empty: bool| {
        let docs = emit::inner_doc(&api_doc(what));
        // A webhooks-only API has nothing for the client to call.
        let allow = empty.then(|| quote!(#[allow(unused_imports)]));
        quote! {
            #docs
            // Types of large APIs nest deeply (boxed recursive schemas, unions of unions): the
            // compiler's default depth does not always cover rustdoc's auto-trait checks.
            #![recursion_limit = "256"]

            #runtime

            #[rustfmt::skip]
            mod generated;
            #allow
            pub use generated::*;
        }
    };
    // Errors carry the whole response (status, headers, raw body) so that nothing is lost; that
    // makes them large, which is the point, and they are built only on the error path.
    let client_runtime = quote! {
        #![allow(clippy::result_large_err)]

        // The support code is the same for every API; what this one does not use is dead here.
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod runtime;
        /// The models crate this client speaks.
        pub use ::#models_crate as models;
        // One line each, in rustfmt's order, so that rustfmt and prettyplease agree.
        pub use runtime::{BoxError, BoxFuture, OperationInfo};
        pub use runtime::{BuildError, Client, Error, ErrorResponse, RawResponse, ResponseValue};
        pub use runtime::{ByteStream, Event, EventError, EventStream, Upload};
        pub use runtime::{RefreshingToken, RetryPolicy, TokenSource};
    };
    let server_runtime = quote! {
        // The support code is the same for every API; what this one does not use is dead here.
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod runtime;
        /// The models crate this server speaks.
        pub use ::#models_crate as models;
        pub use runtime::{Authenticator, Credential, CredentialKind, Refusal, Unverified};
        pub use runtime::{Event, Events, Upload};
        pub use runtime::{Rejection, RequestContext, nest};
    };
    // The helpers the written-out serde impls call: not part of the crate's API.
    let models_runtime = quote! {
        #[doc(hidden)]
        #[rustfmt::skip]
        pub mod __private;
    };
    let roots = [
        (
            &crates.models,
            lib("Serde types", Some(models_runtime), false),
        ),
        (
            &crates.client,
            lib(
                "An async client",
                Some(client_runtime),
                api.operations.is_empty(),
            ),
        ),
        (
            &crates.server,
            lib(
                "Server traits and an axum router",
                Some(server_runtime),
                api.server_groups().next().is_none(),
            ),
        ),
    ];
    for (krate, tokens) in roots {
        let what = format!("{}/src/lib.rs", krate.name);
        files.push(GeneratedFile {
            path: format!("{}/src/lib.rs", krate.path),
            contents: render::rust(tokens, file, &what)?,
        });
    }

    // The bulk is emitted and formatted in parallel, one file per task, largest first. Token
    // streams cannot cross threads, so each task builds its own from the shared IR.
    enum Part<'a> {
        Models(std::ops::Range<usize>),
        ModelsRest,
        ClientRoot,
        ServerRoot,
        Client(&'a ir::Group),
        Server(&'a ir::Group),
    }
    // The models file, the largest, in several parts joined after formatting.
    let models_file = "src/generated.rs";
    let mut parts: Vec<_> = emit::models::parts(api, 8)
        .into_iter()
        .map(|range| (&crates.models, models_file.to_owned(), Part::Models(range)))
        .collect();
    parts.extend([
        (&crates.models, models_file.to_owned(), Part::ModelsRest),
        (
            &crates.client,
            "src/generated/mod.rs".to_owned(),
            Part::ClientRoot,
        ),
        (
            &crates.server,
            "src/generated/mod.rs".to_owned(),
            Part::ServerRoot,
        ),
    ]);
    let gates = emit::Gates::new(api);
    let mut groups: Vec<&ir::Group> = api.server_groups().collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.operations.len()));
    for group in groups {
        let name = format!("src/generated/{}.rs", group.module);
        if !group.webhooks {
            parts.push((&crates.client, name.clone(), Part::Client(group)));
        }
        parts.push((&crates.server, name, Part::Server(group)));
    }
    // The bulk of the work: only for the crates the config writes (`generate` leaves out the
    // other crates' small files).
    let written: Vec<&str> = crates
        .emit
        .iter()
        .map(|kind| crates.get(*kind).path.as_str())
        .collect();
    parts.retain(|(krate, ..)| written.contains(&krate.path.as_str()));
    // The server's mock answers with examples of the document, chosen here.
    let mock = if api.features && written.contains(&crates.server.path.as_str()) {
        let document = serde_json::to_value(&spec.document).map_err(|err| Error::Internal {
            message: format!("the document does not serialise as JSON: {err}"),
        })?;
        emit::mock::answers(api, &document)
    } else {
        Vec::new()
    };
    let rendered = render::parallel(&parts, |(krate, name, part)| {
        // Group modules name the models crate through the `use crate::models;` they start with.
        let models = quote!(models);
        let tokens = match part {
            Part::Models(range) => emit::models::emit_types(api, &gates, derives, range.clone()),
            Part::ModelsRest => emit::models::emit_rest(api, &gates),
            Part::ClientRoot => emit::client::emit_root(api, &quote!(crate::models)),
            Part::ServerRoot => emit::server::emit_root(api, &mock),
            Part::Client(group) => emit::client::emit_group(api, group, &models),
            Part::Server(group) => emit::server::emit_group_module(api, group, &models),
        };
        let what = format!("{}/{name}", krate.name);
        let first = matches!(part, Part::Models(range) if range.start == 0);
        let contents = if matches!(part, Part::Models(_) | Part::ModelsRest) && !first {
            render::rust_items(tokens, &what)?
        } else {
            render::rust(tokens, file, &what)?
        };
        Ok(GeneratedFile {
            path: format!("{}/{name}", krate.path),
            contents,
        })
    })?;
    // The parts of one file are consecutive: join them.
    for part in rendered {
        match files.last_mut() {
            Some(last) if last.path == part.path => last.contents.push_str(&part.contents),
            _ => files.push(part),
        }
    }
    let mut private = render::rust_verbatim(templates::MODELS_PRIVATE, file);
    let rules = emit::models::pattern_rules(api);
    if !rules.is_empty() {
        private.push('\n');
        private.push_str(&render::rust_items(rules, "the pattern rules")?);
    }
    files.push(GeneratedFile {
        path: format!("{}/src/__private.rs", crates.models.path),
        contents: private,
    });
    files.push(GeneratedFile {
        path: format!("{}/src/runtime.rs", crates.client.path),
        contents: render::rust_verbatim(templates::CLIENT_RUNTIME, file),
    });
    files.push(GeneratedFile {
        path: format!("{}/src/runtime.rs", crates.server.path),
        contents: render::rust_verbatim(templates::SERVER_RUNTIME, file),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_versions() {
        assert_eq!(crate_version("2024.8.1"), "2024.8.1");
        assert_eq!(crate_version("2026.11.0-rc1"), "2026.11.0-rc1");
        assert_eq!(crate_version("1.0"), "0.0.0");
        assert_eq!(crate_version("v3"), "0.0.0");
        assert_eq!(crate_version("01.2.3"), "0.0.0");
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative("crates/a", "crates/b"), "../b");
        assert_eq!(relative("out/client", "models"), "../../models");
    }
}
