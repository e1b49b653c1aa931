//! Helpers shared by the workspace tests: where things are, and generating the seed spec.
//!
//! The README's Rust examples are compiled as this crate's doctests, so they stay true.

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use std::path::PathBuf;

pub mod oracle;

/// Writes `contents` to `path` (making its folder) unless it already holds them, so that cargo
/// sees no change in a generated workspace written again.
pub fn write_if_changed(path: &std::path::Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|current| current == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("files have a parent")).expect("mkdir");
    std::fs::write(path, contents).expect("write");
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits below the workspace root")
        .to_path_buf()
}

/// Generates what `apigen.toml` at the workspace root describes, as `cargo xtask codegen` does.
pub fn generate() -> apigen::Generated {
    apigen::config::Project::open(&root().join("apigen.toml"))
        .and_then(|project| project.generate())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The contents of the generated file whose path ends with `suffix`.
pub fn file<'g>(generated: &'g apigen::Generated, suffix: &str) -> &'g str {
    generated
        .files
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("no generated file ends with {suffix}"))
}

/// Generates a standalone workspace (crates `<name>-models`, ...) with every operation of the
/// document at `path`, relative to the workspace root; the name is the document's title.
pub fn generate_spec(path: &str) -> apigen::Generated {
    let spec = apigen::load(&root().join(path), path).unwrap_or_else(|e| panic!("{e}"));
    let select = apigen::config::Selection {
        all: true,
        ..Default::default()
    };
    let name = apigen::default_name(&spec);
    let config = apigen::Config::standalone(path, &name, select);
    apigen::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"))
}

/// Every generated Rust source of one crate except the fixed runtime and models helpers (tested
/// on their own by `tests/runtime.rs`), each under a
/// `// ---- <path>` line, in path order.
pub fn crate_sources(generated: &apigen::Generated, krate: &str) -> String {
    let prefix = format!("{krate}/src/");
    let mut out = String::new();
    for file in &generated.files {
        let Some(name) = file.path.rsplit_once(&prefix).map(|(_, name)| name) else {
            continue;
        };
        if name == "runtime.rs" || name == "__private.rs" || !name.ends_with(".rs") {
            continue;
        }
        out.push_str(&format!("// ---- {name}\n{}\n", file.contents));
    }
    assert!(!out.is_empty(), "no sources for {krate}");
    out
}
