//! Stage 1, load: reads a document from disk and parses it into [`openapiv3::OpenAPI`].
//!
//! Parse errors carry the file, the line and column where the YAML parser knows them, and the
//! JSON pointer of the node the OpenAPI model rejected (through `serde_path_to_error`), so a bad
//! document is reported as precisely as a compiler error, never as a panic.

use std::path::Path;

use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde_path_to_error::Segment;

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
    // The text itself, read by the YAML parser, knows lines and columns; when it reads without
    // error, the problem is in what normalisation left, which has a pointer but no line.
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let result: Result<OpenAPI, _> = serde_path_to_error::deserialize(deserializer);
    let Err(err) = result else {
        return locate_in_value(file, normalized);
    };
    let pointer = pointer_of(err.path());
    let inner = err.into_inner();
    let location = inner.location();
    let (pointer, message) =
        refine(text, &pointer).unwrap_or_else(|| (pointer, strip_location(&inner.to_string())));
    Error::Parse {
        file: file.to_owned(),
        line: location.as_ref().map(|l| l.line()),
        column: location.as_ref().map(|l| l.column()),
        pointer,
        message,
    }
}

fn locate_in_value(file: &str, value: &serde_json::Value) -> Error {
    let result: Result<OpenAPI, _> = serde_path_to_error::deserialize(value.clone());
    let Err(err) = result else {
        return Error::Internal {
            message: format!("{file} failed to parse once and then parsed"),
        };
    };
    let pointer = pointer_of(err.path());
    let message = err.into_inner().to_string();
    let yaml: Option<serde_yaml::Value> = serde_yaml::to_value(value).ok();
    let (pointer, message) = yaml
        .and_then(|y| serde_yaml::to_string(&y).ok())
        .and_then(|text| refine(&text, &pointer))
        .unwrap_or((pointer, message));
    Error::Parse {
        file: file.to_owned(),
        line: None,
        column: None,
        pointer,
        message,
    }
}

/// Narrows an error reported at a map that `openapiv3` deserializes through `flatten` (which
/// hides the path below it): re-reads each entry of `paths` and of the component sections on its
/// own, and reports the first that fails with its full pointer. Runs only on the error path.
fn refine(text: &str, pointer: &str) -> Option<(String, String)> {
    fn first_failure<T: serde::de::DeserializeOwned>(
        base: Pointer,
        map: &serde_yaml::Mapping,
    ) -> Option<(String, String)> {
        map.iter().find_map(|(key, value)| {
            let key = key.as_str()?;
            let err = serde_path_to_error::deserialize::<_, T>(value.clone()).err()?;
            let mut pointer = base.push(key).to_string();
            pointer.push_str(&pointer_of(err.path()));
            Some((pointer, strip_location(&err.into_inner().to_string())))
        })
    }
    if !(pointer.is_empty() || pointer.starts_with("/paths") || pointer.starts_with("/components"))
    {
        return None;
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    let root = Pointer::root();
    if let Some(paths) = value.get("paths").and_then(|p| p.as_mapping()) {
        if let Some(found) = first_failure::<openapiv3::PathItem>(root.push("paths"), paths) {
            return Some(found);
        }
    }
    let components = value.get("components")?;
    let base = root.push("components");
    type Finder = fn(Pointer, &serde_yaml::Mapping) -> Option<(String, String)>;
    let sections: [(&str, Finder); 4] = [
        ("schemas", first_failure::<ReferenceOr<Schema>>),
        ("parameters", first_failure::<ReferenceOr<Parameter>>),
        ("responses", first_failure::<ReferenceOr<Response>>),
        ("requestBodies", first_failure::<ReferenceOr<RequestBody>>),
    ];
    sections.into_iter().find_map(|(name, finder)| {
        let map = components.get(name)?.as_mapping()?;
        finder(base.push(name), map)
    })
}

/// Converts the path `serde_path_to_error` tracked into an RFC 6901 pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    let mut pointer = Pointer::root();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer.push(index),
            Segment::Map { key } => pointer.push(key),
            Segment::Enum { variant } => pointer.push(variant),
            Segment::Unknown => pointer.push("?"),
        };
    }
    pointer.into()
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
        // The YAML parser stops at the path item: openapiv3 reads path items through `flatten`,
        // which hides positions below it; the pointer above is exact.
        assert_eq!(*line, Some(6));
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
