//! Stage 1, load: reads a document from disk and parses it into [`openapiv3::OpenAPI`].
//!
//! Parse errors carry the file, the line and column where the YAML parser knows them, and the
//! JSON pointer of the node the OpenAPI model rejected (through `serde_path_to_error`), so a bad
//! document is reported as precisely as a compiler error, never as a panic.

use std::path::Path;

use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

use crate::Error;
use crate::diagnostics::Pointer;
use crate::syntax::{refusal, strip_location};

/// A parsed document and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Spec {
    /// How diagnostics and generated headers name the document (a path relative to the workspace).
    pub file: String,
    /// The `openapi` version the document declares (`3.0.3`, `3.1.0`).
    pub version: String,
    /// The other files a multi-file document was bundled from (as shown in messages), in the
    /// order first read; empty for a single-file document.
    pub sources: Vec<String>,
    /// The parsed, normalised document (bundled into one, whichever version it was).
    pub document: OpenAPI,
    /// The quirks [`crate::normalize`] read (warnings), in the order found.
    pub diagnostics: Vec<crate::Diagnostic>,
}

/// The document at `path` as published, its other files bundled in (every `$ref` local), but
/// not normalised: what a tool that reads the document independently (the examples oracle's
/// validator) sees.
pub fn bundled(path: &Path, display: &str) -> Result<serde_json::Value, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        file: display.to_owned(),
        source,
    })?;
    let mut value = crate::syntax::parse_value(display, &text)?;
    let mut diags = crate::diagnostics::Diagnostics::default();
    if value.is_object() {
        crate::bundle::bundle(&mut value, path, display, &mut diags)?;
    }
    Ok(value)
}

/// Reads and parses the document at `path`, reporting it as `display` in messages.
pub fn load(path: &Path, display: &str) -> Result<Spec, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        file: display.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|err| Error::Parse {
        file: display.to_owned(),
        line: None,
        column: None,
        pointer: String::new(),
        message: format!(
            "the file is not UTF-8 text (invalid byte at offset {}); OpenAPI documents are UTF-8",
            err.utf8_error().valid_up_to()
        ),
    })?;
    let mut value = crate::syntax::parse_value(display, &text)?;
    let mut diags = crate::diagnostics::Diagnostics::default();
    let sources = if value.is_object() {
        crate::bundle::bundle(&mut value, path, display, &mut diags)?
    } else {
        Vec::new()
    };
    let mut spec = finish(display, &text, value, diags)?;
    spec.sources = sources;
    Ok(spec)
}

/// Parses a YAML or JSON document held in memory, normalises it (see [`crate::normalize`]) and
/// reads it as OpenAPI. A document held in memory has no folder: a reference to another file is
/// an error (read it with [`load()`]).
pub fn parse(file: &str, text: &str) -> Result<Spec, Error> {
    let value = crate::syntax::parse_value(file, text)?;
    finish(
        file,
        text,
        value,
        crate::diagnostics::Diagnostics::default(),
    )
}

/// Checks the version, normalises and reads the document as OpenAPI.
fn finish(
    file: &str,
    text: &str,
    mut value: serde_json::Value,
    mut diags: crate::diagnostics::Diagnostics,
) -> Result<Spec, Error> {
    let refuse = |pointer: &str, message: String| refusal(file, pointer, message);
    if !value.is_object() {
        return Err(refuse(
            "",
            "the document is not a mapping of OpenAPI fields".to_owned(),
        ));
    }
    if value.get("swagger").is_some() || (value.get("openapi").is_none() && declares_swagger(text))
    {
        return Err(refuse(
            "/swagger",
            "this is a Swagger 2.0 document; this generator reads OpenAPI 3.0.x (convert it first, for example with swagger2openapi)".to_owned(),
        ));
    }
    match value.get("openapi") {
        Some(serde_json::Value::String(version))
            if version.starts_with("3.0") || version.starts_with("3.1") => {}
        Some(serde_json::Value::String(version)) => {
            return Err(refuse(
                "/openapi",
                format!(
                    "OpenAPI version {version:?} is not supported; this generator reads OpenAPI 3.0.x and 3.1.x documents"
                ),
            ));
        }
        Some(other) => {
            return Err(refuse(
                "/openapi",
                format!("`openapi` must be a version string such as \"3.0.3\", not {other}"),
            ));
        }
        None => {
            return Err(refuse(
                "/openapi",
                "the document has no `openapi` version field; is it an OpenAPI document?"
                    .to_owned(),
            ));
        }
    }
    let version = value["openapi"].as_str().unwrap_or_default().to_owned();
    crate::normalize::normalize(&mut value, &mut diags);
    // openapiv3 can panic on some malformed documents (its `ReferenceOr` deserializer expects a
    // second parse to fail the way the first did); such a panic is a parse error, not a crash.
    let parsed = quietly(|| <OpenAPI as serde::Deserialize>::deserialize(&value));
    let document = match parsed {
        Ok(Ok(document)) => document,
        _ => return Err(quietly(|| locate_error(file, text, &value)).unwrap_or_else(|_| {
            refuse(
                "",
                "the document is malformed in a way openapiv3 cannot report (it panicked); check it with an OpenAPI validator".to_owned(),
            )
        })),
    };
    Ok(Spec {
        file: file.to_owned(),
        version,
        sources: Vec::new(),
        document,
        diagnostics: diags.into_vec(),
    })
}

/// Whether the document's top level has a `swagger` key (YAML or JSON).
fn declares_swagger(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start_matches(['{', ' ']);
        line.starts_with("swagger:") || line.starts_with("\"swagger\"")
    })
}

/// Parses `text` again, tracking the path, to report where it fails.
/// Runs `f`, turning a panic into `Err` without printing it: the process's panic hook is wrapped
/// once so that it stays silent on this thread while `f` runs (and behaves as before otherwise).
fn quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> std::thread::Result<T> {
    use std::cell::Cell;
    thread_local!(static QUIET: Cell<bool> = const { Cell::new(false) });
    static WRAP_HOOK: std::sync::Once = std::sync::Once::new();
    WRAP_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was_quiet = QUIET.with(|quiet| quiet.replace(true));
    let result = std::panic::catch_unwind(f);
    QUIET.with(|quiet| quiet.set(was_quiet));
    result
}

fn locate_error(file: &str, text: &str, normalized: &serde_json::Value) -> Error {
    // What failed is the normalised document: find the node there, then its line and column in
    // the text (where normalisation left it in place; a quirk it already read is not the error).
    let (pointer, message) = narrow(normalized);
    let (line, column) = crate::syntax::locate(text, &pointer).unzip();
    Error::Parse {
        file: file.to_owned(),
        line,
        column,
        pointer,
        message,
    }
}

/// The pointer of the node that keeps `document` from reading as OpenAPI, and why.
///
/// `openapiv3` reads much through `flatten` and untagged enums, which hide where below them a
/// value failed; so the failing entry of `paths` or of a component section is read alone, and
/// within it each child is left out in turn: the child whose absence lets the entry read is the
/// culprit, searched again below it. Runs only on the error path.
fn narrow(document: &serde_json::Value) -> (String, String) {
    use serde::de::DeserializeOwned;
    use serde_json::Value;

    fn reads<T: DeserializeOwned>(value: &Value) -> bool {
        quietly(|| T::deserialize(value).is_ok()).unwrap_or(false)
    }
    fn message<T: DeserializeOwned>(value: &Value) -> String {
        match quietly(|| serde_path_to_error::deserialize::<_, T>(value).err()) {
            Ok(Some(err)) => strip_location(&err.into_inner().to_string()),
            _ => "the value does not fit here".to_owned(),
        }
    }
    /// Below `at` in `root`, the deepest node whose removal lets `root` read as `T`.
    fn culprit<T: DeserializeOwned>(root: &Value, at: &mut Vec<String>) {
        let node = at.iter().try_fold(root, |node, token| match node {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        });
        let children: Vec<String> = match node {
            Some(Value::Object(map)) => map.keys().cloned().collect(),
            Some(Value::Array(items)) => (0..items.len()).map(|i| i.to_string()).collect(),
            _ => return,
        };
        for child in children {
            let mut without = root.clone();
            let parent = at.iter().try_fold(&mut without, |node, token| match node {
                Value::Object(map) => map.get_mut(token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
                _ => None,
            });
            match parent {
                Some(Value::Object(map)) => {
                    map.remove(&child);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = child.parse::<usize>() {
                        items.remove(index);
                    }
                }
                _ => return,
            }
            // Without it the rest reads, or only misses it (a required field whose value is
            // wrong): it is the culprit, or holds it.
            let missing = format!("missing field `{child}`");
            if reads::<T>(&without) || message::<T>(&without).contains(&missing) {
                at.push(child);
                culprit::<T>(root, at);
                return;
            }
        }
    }
    fn search<T: DeserializeOwned>(base: &Pointer, root: &Value) -> (String, String) {
        let mut at = Vec::new();
        culprit::<T>(root, &mut at);
        let mut pointer = base.clone();
        for token in &at {
            pointer = pointer.push(token);
        }
        let node = at.iter().try_fold(root, |node, token| match node {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        });
        let mut why = message::<T>(root);
        if why.contains("untagged enum") || why.contains("did not match any variant") {
            let found = node.map(|n| {
                let mut text = n.to_string();
                if text.len() > 80 {
                    text.truncate(77);
                    text.push_str("...");
                }
                text
            });
            why = match (at.last(), found) {
                (Some(key), Some(found)) => {
                    format!("`{key}` is {found}, which is not what OpenAPI allows there")
                }
                _ => "this object is not what OpenAPI allows here".to_owned(),
            };
        }
        (pointer.into(), why)
    }

    let root = Pointer::root();
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (path, item) in paths {
            if !reads::<openapiv3::PathItem>(item) {
                return search::<openapiv3::PathItem>(&root.push("paths").push(path), item);
            }
        }
    }
    if let Some(Value::Object(components)) = document.get("components") {
        type Section = fn(&Pointer, &Value) -> Option<(String, String)>;
        fn section<T: DeserializeOwned>(base: &Pointer, entry: &Value) -> Option<(String, String)> {
            (!reads::<T>(entry)).then(|| search::<T>(base, entry))
        }
        let sections: [(&str, Section); 6] = [
            ("schemas", section::<ReferenceOr<Schema>>),
            ("parameters", section::<ReferenceOr<Parameter>>),
            ("responses", section::<ReferenceOr<Response>>),
            ("requestBodies", section::<ReferenceOr<RequestBody>>),
            ("headers", section::<ReferenceOr<openapiv3::Header>>),
            (
                "securitySchemes",
                section::<ReferenceOr<openapiv3::SecurityScheme>>,
            ),
        ];
        for (name, find) in sections {
            if let Some(Value::Object(entries)) = components.get(name) {
                let base = root.push("components").push(name);
                for (key, entry) in entries {
                    if let Some(found) = find(&base.push(key), entry) {
                        return found;
                    }
                }
            }
        }
    }
    search::<OpenAPI>(&root, document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_pointer_and_line_of_a_bad_node() {
        let text = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let err = parse("bad.yaml", text).unwrap_err();
        let Error::Parse {
            file,
            line,
            pointer,
            ..
        } = &err
        else {
            panic!("unexpected error {err:?}");
        };
        assert_eq!(file, "bad.yaml");
        assert_eq!(pointer, "/paths/~1a/get/responses");
        // The node itself, not the path item above it (which `flatten` used to report).
        assert_eq!(*line, Some(8));
    }

    #[test]
    fn names_the_node_that_failed_not_a_quirk_already_read() {
        // `required: "no"` is a quirk normalisation reads; `deprecated: [1]` has no reading. The
        // error is the latter's, at its line and column.
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: f, in: query, required: 'no', schema: {type: string}}\n      deprecated: [1]\n      responses: {'200': {description: ok}}\n";
        let err = parse("bad.yaml", text).unwrap_err();
        let Error::Parse {
            line,
            column,
            pointer,
            ..
        } = &err
        else {
            panic!("unexpected error {err:?}");
        };
        assert_eq!(pointer, "/paths/~1a/get/deprecated", "{err}");
        assert_eq!((*line, *column), (Some(8), Some(19)), "{err}");
        assert!(
            err.to_string()
                .starts_with("bad.yaml:8:19: at #/paths/~1a/get/deprecated:"),
            "{err}"
        );
    }

    #[test]
    fn reports_pointer_inside_components() {
        let text = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object}\n    B:\n      type: object\n      properties: 3\n";
        let err = parse("bad.yaml", text).unwrap_err();
        let Error::Parse { pointer, .. } = &err else {
            panic!("unexpected error {err:?}");
        };
        assert!(pointer.starts_with("/components/schemas/B"), "{err}");
    }

    #[test]
    fn rejects_other_versions() {
        let text = "openapi: 3.2.0\ninfo:\n  title: t\n  version: '1'\npaths: {}\n";
        let err = parse("v31.yaml", text).unwrap_err().to_string();
        assert!(err.contains("3.2.0"), "{err}");
        assert!(err.contains("#/openapi"), "{err}");
    }

    #[test]
    fn malformed_yaml_is_an_error_not_a_panic() {
        let err = parse("broken.yaml", "openapi: [\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("broken.yaml:"), "{err}");
    }
}
