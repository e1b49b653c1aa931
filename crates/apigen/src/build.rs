//! Generating from a build script (`build.rs`), into `OUT_DIR`.
//!
//! ```no_run
//! // In the build.rs of a crate that holds the models of the API `apigen.toml` describes:
//! apigen::build::Builder::new("apigen.toml").generate().unwrap();
//! ```
//!
//! and in its `src/lib.rs`:
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/apigen/models.rs"));
//! ```
//!
//! The build script runs the same generation as `apigen generate`, with the same config, and
//! writes one file per generated crate (`models.rs`, `client.rs`, `server.rs`) in which the
//! crate's modules are inline, so that one `include!` takes them all. It prints
//! `cargo:rerun-if-changed` for the config and for every file of the document, a multi-file
//! document's other files included, so that Cargo re-runs it when any of them changes.
//!
//! What differs from the crates `apigen generate` writes: tags are not Cargo features (the
//! including crate has none of them; every type and operation is compiled), and the crate
//! roots' inner attributes are left to the including crate. The including crate depends on
//! what the generated code uses (see the README of a generated crate); a client crate also
//! depends on the models crate the config names.

use std::path::{Path, PathBuf};

use crate::config::{CrateKind, Project};
use crate::{Error, GeneratedFile};

/// Generation from a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    config: PathBuf,
    out_dir: Option<PathBuf>,
    kinds: Option<Vec<CrateKind>>,
    rerun: bool,
    features: Vec<String>,
}

/// The features of the generated crates' runtimes: in a build script's output each is on or
/// off as the builder says ([`Builder::runtime_features`]), since the including crate has no
/// such features of its own.
pub const RUNTIME_FEATURES: &[&str] = &["middleware", "tracing", "mock"];

/// What a build script generated.
#[derive(Debug, Clone)]
pub struct Built {
    /// The files written, one per crate: `<out_dir>/apigen/<kind>.rs`.
    pub files: Vec<PathBuf>,
    /// Every input read: the config and each file of the document.
    pub inputs: Vec<PathBuf>,
    /// The warnings and degradations, as `apigen generate` prints them.
    pub summary: String,
}

impl Builder {
    /// Generation as the config file at `config` (relative to the crate's manifest directory
    /// when relative) describes it.
    pub fn new(config: impl Into<PathBuf>) -> Self {
        Self {
            config: config.into(),
            out_dir: None,
            kinds: None,
            rerun: true,
            features: Vec::new(),
        }
    }

    /// Turns on these runtime features (of [`RUNTIME_FEATURES`]; default: none):
    /// `middleware` (the client sends through `reqwest_middleware`; the including crate then
    /// depends on `reqwest-middleware` and `http`), `tracing` (a span per call; it depends on
    /// `tracing`). The server's `mock` needs the crate's `full` feature and is never generated
    /// by a build script.
    pub fn runtime_features(mut self, features: &[&str]) -> Self {
        self.features = features.iter().map(|f| (*f).to_owned()).collect();
        self
    }

    /// Writes into `dir` instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates only these crates (default: the config's `crates.emit`).
    pub fn crates(mut self, kinds: &[CrateKind]) -> Self {
        self.kinds = Some(kinds.to_vec());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` lines (default: yes).
    pub fn rerun_if_changed(mut self, rerun: bool) -> Self {
        self.rerun = rerun;
        self
    }

    /// Generates, writes the files whose bytes changed, and prints the `cargo:` lines and a
    /// `cargo:warning` per kind of diagnostic.
    pub fn generate(self) -> Result<Built, Error> {
        let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        let config_path = match &manifest {
            Some(dir) if self.config.is_relative() => dir.join(&self.config),
            _ => self.config.clone(),
        };
        let out_dir = match self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
        {
            Some(dir) => dir,
            None => {
                return Err(Error::Config {
                    file: config_path.display().to_string(),
                    message: "no OUT_DIR: call this from a build script, or give out_dir()".into(),
                });
            }
        };
        let Project {
            config,
            spec_path,
            spec,
            ..
        } = Project::open(&config_path)?;
        let mut inputs = vec![config_path.clone(), spec_path.clone()];
        if self.rerun {
            println!("cargo:rerun-if-changed={}", config_path.display());
            println!("cargo:rerun-if-changed={}", spec_path.display());
        }
        // The other files are named as the root is, relative to the config's folder.
        for file in &spec.sources {
            let path = config_path.parent().unwrap_or(Path::new(".")).join(file);
            if !inputs.contains(&path) {
                if self.rerun {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
                inputs.push(path);
            }
        }
        let mut config = config.with_crate_names(&spec);
        config.crates.features = false;
        config.crates.workspace = false;
        if let Some(kinds) = &self.kinds {
            config.crates.emit = kinds.clone();
        }
        let generated = crate::generate(&spec, &config)?;
        let summary = crate::diagnostics::summary(&config.spec, &generated.diagnostics, false);
        if self.rerun {
            for line in summary.lines() {
                println!("cargo:warning={line}");
            }
        }
        let dir = out_dir.join("apigen");
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
            file: dir.display().to_string(),
            source,
        })?;
        let mut files = Vec::new();
        for kind in &config.crates.emit {
            let krate = config.crates.get(*kind);
            let text = settle_features(
                &inline_crate(&generated.files, &krate.path)?,
                &self.features,
            );
            let path = dir.join(format!("{}.rs", kind_name(*kind)));
            let current = std::fs::read_to_string(&path).ok();
            if current.as_deref() != Some(text.as_str()) {
                std::fs::write(&path, text).map_err(|source| Error::Io {
                    file: path.display().to_string(),
                    source,
                })?;
            }
            files.push(path);
        }
        Ok(Built {
            files,
            inputs,
            summary,
        })
    }
}

/// `text` with each runtime feature's `cfg` settled: `feature = "x"` becomes `all()` (true)
/// for the features turned on and `any()` (false) for the others, so that the including crate
/// sees no `cfg` of a feature it does not have.
fn settle_features(text: &str, on: &[String]) -> String {
    let mut text = text.to_owned();
    for feature in RUNTIME_FEATURES {
        let settled = if on.iter().any(|f| f == feature) {
            "all()"
        } else {
            "any()"
        };
        text = text.replace(&format!("feature = \"{feature}\""), settled);
    }
    text
}

fn kind_name(kind: CrateKind) -> &'static str {
    match kind {
        CrateKind::Models => "models",
        CrateKind::Client => "client",
        CrateKind::Server => "server",
    }
}

/// One crate's sources as a single file for `include!`: `src/lib.rs` without its inner
/// attributes and docs, each `mod name;` replaced by `mod name { <the module's file> }`.
pub fn inline_crate(files: &[GeneratedFile], crate_path: &str) -> Result<String, Error> {
    let src = format!("{crate_path}/src");
    let lib = find(files, &format!("{src}/lib.rs"))?;
    let body: String = lib
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !line.starts_with("#![") && !line.starts_with("//!")
        })
        .map(|line| format!("{line}\n"))
        .collect();
    inline_modules(files, &src, &body, 0)
}

fn find<'f>(files: &'f [GeneratedFile], path: &str) -> Result<&'f str, Error> {
    files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.as_str())
        .ok_or_else(|| Error::Internal {
            message: format!("the generated crate has no {path}"),
        })
}

/// `text` (a file of the module whose own files live in `dir`) with its `mod x;` lines inlined.
fn inline_modules(
    files: &[GeneratedFile],
    dir: &str,
    text: &str,
    depth: usize,
) -> Result<String, Error> {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        let declaration = trimmed
            .strip_prefix("pub mod ")
            .or_else(|| trimmed.strip_prefix("mod "))
            .and_then(|rest| rest.strip_suffix(';'))
            .filter(|name| name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()));
        let Some(name) = declaration.filter(|_| depth < 8) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let flat = format!("{dir}/{name}.rs");
        let nested = format!("{dir}/{name}/mod.rs");
        let (file, child_dir) = if let Ok(file) = find(files, &flat) {
            (file, format!("{dir}/{name}"))
        } else {
            (find(files, &nested)?, format!("{dir}/{name}"))
        };
        let inner = inline_modules(files, &child_dir, file, depth + 1)?;
        let head = &line[..line.len() - 1];
        out.push_str(head);
        out.push_str(" {\n");
        out.push_str(&inner);
        out.push_str("}\n");
    }
    Ok(out)
}
