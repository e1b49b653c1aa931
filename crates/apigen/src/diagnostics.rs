//! Problems found in a document, each tied to the JSON pointer of the node that caused it.
//!
//! Stages push into a [`Diagnostics`] accumulator instead of returning at the first problem, so
//! one run reports everything wrong with a document. [`Diagnostics::check`] turns the collected
//! errors into a single [`crate::Error`] at the end of a stage.

use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The construct was generated, but not exactly: the message names the fallback used.
    Degraded,
    /// The document cannot be generated as it is.
    Error,
}

/// One problem, located by the JSON pointer of the offending node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// RFC 6901 pointer into the document, such as `/paths/~1pets/get`.
    pub pointer: String,
    /// What is wrong, and what was done or should be done about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Degraded => "degraded",
            Severity::Error => "error",
        };
        write!(f, "{level}: #{}: {}", self.pointer, self.message)
    }
}

/// Accumulates diagnostics across a stage.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records an error at `pointer`.
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, pointer.into(), message.into());
    }

    /// Records a degradation at `pointer`: generated, with the fallback `message` names.
    pub fn degraded(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Degraded, pointer.into(), message.into());
    }

    fn push(&mut self, severity: Severity, pointer: String, message: String) {
        self.items.push(Diagnostic {
            severity,
            pointer,
            message,
        });
    }

    /// Whether any error (not degradation) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Fails with every recorded diagnostic when any of them is an error.
    pub fn check(&mut self, file: &str) -> Result<(), crate::Error> {
        if self.has_errors() {
            return Err(crate::Error::Invalid {
                file: file.to_owned(),
                diagnostics: std::mem::take(&mut self.items),
            });
        }
        Ok(())
    }

    /// The diagnostics recorded so far, in the order they were found.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// Builds JSON pointers, escaping `~` and `/` in each token as RFC 6901 requires.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the document root.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Parses an already-encoded pointer, such as the fragment of a `$ref`.
    pub fn from_encoded(encoded: &str) -> Self {
        Self(encoded.to_owned())
    }

    /// This pointer extended by one reference token.
    pub fn push(&self, token: impl fmt::Display) -> Self {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{token}", self.0))
    }

    /// The encoded pointer, empty for the root.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Pointer> for String {
    fn from(pointer: Pointer) -> Self {
        pointer.0
    }
}

impl From<&Pointer> for String {
    fn from(pointer: &Pointer) -> Self {
        pointer.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_tokens() {
        let p = Pointer::root()
            .push("paths")
            .push("/providers/{id}/")
            .push("a~b");
        assert_eq!(p.as_str(), "/paths/~1providers~1{id}~1/a~0b");
    }

    #[test]
    fn check_fails_only_on_errors() {
        let mut d = Diagnostics::default();
        d.degraded("/a", "fell back");
        assert!(d.check("f.yaml").is_ok());
        d.error("/b", "broken");
        let err = d.check("f.yaml").unwrap_err().to_string();
        assert!(err.contains("f.yaml"), "{err}");
        assert!(err.contains("#/b: broken"), "{err}");
        assert!(err.contains("#/a: fell back"), "{err}");
    }
}
