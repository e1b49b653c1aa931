//! What to generate: the operation selection and the names and places of the three crates.
//!
//! A workspace keeps this next to its spec as `<spec>.codegen.yaml`; the xtask reads it and the
//! library only ever sees the parsed [`Config`].

use serde::Deserialize;

use crate::Error;

/// Everything `generate` needs besides the document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The document, relative to the config file.
    pub spec: String,
    /// Which operations to generate.
    #[serde(default)]
    pub select: Selection,
    /// The generated crates.
    pub crates: Crates,
}

/// Which operations to generate; the union of what each field selects.
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
}

/// The three generated crates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crates {
    /// Serde types for the schemas.
    pub models: CrateConfig,
    /// The async client.
    pub client: CrateConfig,
    /// The server traits and router.
    pub server: CrateConfig,
}

/// Where one generated crate lives and what it is called.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    /// The Cargo package name, such as `authentik-models`.
    pub name: String,
    /// Its directory, relative to the workspace root.
    pub path: String,
}

impl CrateConfig {
    /// The name Rust code uses for the crate (`-` becomes `_`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }
}

impl Config {
    /// Parses a config file's text.
    pub fn from_yaml(file: &str, text: &str) -> Result<Self, Error> {
        serde_yaml::from_str(text).map_err(|err| Error::Config {
            file: file.to_owned(),
            message: err.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Config::from_yaml("c.yaml", "spec: a.yaml\nselcet: {}\ncrates: {}\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("selcet"), "{err}");
    }
}
