//! Problems found in a document, each tied to the JSON pointer of the node that caused it.
//!
//! Stages push into a [`Diagnostics`] accumulator instead of returning at the first problem, so
//! one run reports everything wrong with a document. [`Diagnostics::check`] turns the collected
//! errors into a single [`crate::Error`] at the end of a stage.

use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A quirk of the document with one sensible reading, read that way: the output is exact.
    Warning,
    /// The construct was generated, but not exactly: the message names the fallback used.
    Degraded,
    /// The document cannot be generated as it is.
    Error,
}

impl Severity {
    /// How messages name it: `warning`, `degraded` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Degraded => "degraded",
            Self::Error => "error",
        }
    }
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

impl Diagnostic {
    /// What kind of problem this is: the message with every `quoted` name replaced by `…`, so
    /// that the same problem at many places groups under one kind.
    pub fn kind(&self) -> String {
        let mut kind = String::with_capacity(self.message.len());
        let mut parts = self.message.split('`');
        if let Some(first) = parts.next() {
            kind.push_str(first);
        }
        for (index, part) in parts.enumerate() {
            if index % 2 == 0 {
                kind.push_str("`…`");
            } else {
                kind.push_str(part);
            }
        }
        kind
    }
}

/// Diagnostics of one kind: how many, and the pointer of the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group<'a> {
    /// The severity shared by the group.
    pub severity: Severity,
    /// See [`Diagnostic::kind`].
    pub kind: String,
    /// Every diagnostic of the kind, in the order found.
    pub items: Vec<&'a Diagnostic>,
}

impl Group<'_> {
    /// The kind as a person reads it: the message with every `quoted` span that is the same in
    /// all the group's diagnostics kept (the keywords, the type kept), and only those that differ
    /// (the names, the values) folded to `…`.
    pub fn headline(&self) -> String {
        let spans = |message: &str| -> Vec<String> {
            message
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect()
        };
        let first = &self.items[0].message;
        let first_spans = spans(first);
        let same: Vec<bool> = (0..first_spans.len())
            .map(|i| {
                self.items
                    .iter()
                    .all(|d| spans(&d.message).get(i) == Some(&first_spans[i]))
            })
            .collect();
        let mut out = String::with_capacity(first.len());
        for (index, part) in first.split('`').enumerate() {
            if index % 2 == 0 {
                out.push_str(part);
            } else if same.get(index / 2).copied().unwrap_or(false) {
                out.push('`');
                out.push_str(part);
                out.push('`');
            } else {
                out.push_str("`…`");
            }
        }
        out
    }
}

/// Groups diagnostics by severity (errors first) and kind, largest groups first within a
/// severity, then by kind; deterministic.
pub fn group(diagnostics: &[Diagnostic]) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut index: std::collections::HashMap<(Severity, String), usize> =
        std::collections::HashMap::new();
    for diagnostic in diagnostics {
        let key = (diagnostic.severity, diagnostic.kind());
        match index.get(&key) {
            Some(&at) => groups[at].items.push(diagnostic),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push(Group {
                    severity: key.0,
                    kind: key.1,
                    items: vec![diagnostic],
                });
            }
        }
    }
    groups.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.items.len().cmp(&a.items.len()))
            .then(a.kind.cmp(&b.kind))
    });
    groups
}

/// Whether a diagnostic reports a value that falls back to `serde_json::Value` where the schema
/// gave a shape (every such fallback says so in these words).
pub fn is_value_fallback(diagnostic: &Diagnostic) -> bool {
    diagnostic.severity != Severity::Warning
        && diagnostic.message.contains("kept as `serde_json::Value`")
}

/// Diagnostics as a person reads them: one block per kind, with its count and the first pointer
/// (every pointer and message when `verbose`), errors first.
pub fn summary(file: &str, diagnostics: &[Diagnostic], verbose: bool) -> String {
    use fmt::Write as _;
    let mut out = String::new();
    for group in group(diagnostics) {
        let level = group.severity.as_str();
        let count = group.items.len();
        if verbose || count == 1 {
            for item in &group.items {
                let _ = writeln!(out, "{file}: {item}");
            }
            continue;
        }
        let first = group.items[0];
        let _ = writeln!(out, "{file}: {level} ×{count}: {}", group.headline());
        let _ = writeln!(
            out,
            "  first at #{}: {} (and {} more; --verbose lists every one)",
            first.pointer,
            first.message,
            count - 1
        );
    }
    out
}

#[cfg(test)]
mod grouping_tests {
    use super::*;

    fn warning(pointer: &str, message: &str) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            pointer: pointer.to_owned(),
            message: message.to_owned(),
        }
    }

    #[test]
    fn a_group_keeps_the_words_its_members_share() {
        let items = [
            warning(
                "/a",
                "this combination of `oneOf`, `not` with other keywords has no Rust equivalent; the value is kept as `serde_json::Value`",
            ),
            warning(
                "/b",
                "this combination of `oneOf`, `not` with other keywords has no Rust equivalent; the value is kept as `serde_json::Value`",
            ),
        ];
        let groups = group(&items);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].headline(), items[0].message);
        let items = [
            warning(
                "/a",
                "extra derive `Eq` left out of `Pet`: `weight` holds a float",
            ),
            warning(
                "/b",
                "extra derive `Eq` left out of `Order`: `total` holds a float",
            ),
        ];
        let groups = group(&items);
        assert_eq!(
            groups[0].headline(),
            "extra derive `Eq` left out of `…`: `…` holds a float"
        );
        let text = summary("x.yaml", &items, false);
        assert!(
            text.contains("warning ×2: extra derive `Eq` left out of `…`"),
            "{text}"
        );
        assert!(
            text.contains("first at #/a: extra derive `Eq` left out of `Pet`"),
            "{text}"
        );
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = self.severity.as_str();
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

    /// Records a warning at `pointer`: a quirk read the one sensible way, `message` says how.
    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, pointer.into(), message.into());
    }

    /// Adds diagnostics found by an earlier stage.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics);
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
    fn groups_by_kind() {
        let mut d = Diagnostics::default();
        d.warning("/a", "scheme `x` is odd");
        d.degraded("/b", "kept `A` as JSON");
        d.warning("/c", "scheme `y` is odd");
        let items = d.into_vec();
        let groups = group(&items);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].kind, "kept `…` as JSON");
        assert_eq!(groups[1].kind, "scheme `…` is odd");
        assert_eq!(groups[1].items.len(), 2);
        assert_eq!(groups[1].items[0].pointer, "/a");
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
