//! Helpers shared by the workspace tests: where things are, and generating the seed spec.
//!
//! The README's Rust examples are compiled as this crate's doctests, so they stay true.

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits below the workspace root")
        .to_path_buf()
}

/// Generates what `specs/<name>.codegen.yaml` describes, as `cargo xtask codegen` would.
pub fn generate(name: &str) -> apigen::Generated {
    let root = root();
    let config_name = format!("specs/{name}.codegen.yaml");
    let text = std::fs::read_to_string(root.join(&config_name)).expect("config exists");
    let config = apigen::Config::from_yaml(&config_name, &text).expect("config parses");
    let spec_name = format!("specs/{}", config.spec);
    let spec = apigen::load(&root.join(&spec_name), &spec_name).expect("spec loads");
    apigen::generate(&spec, &config).expect("spec generates")
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
