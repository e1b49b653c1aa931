//! The server Schemathesis tests: the generated server crate's own mock (its `mock` feature),
//! which answers each operation's first documented success with an example of the document
//! (its own when valid, one built from the schema otherwise: [`apigen::example`]), and
//! accepts only the conformance token, so that the generated router refuses every other
//! request to a secured operation before the mock is called (which is what Schemathesis'
//! authentication checks test). The answers are chosen by `apigen::emit::mock::answers`, which
//! this reads too, to know which answers no valid value exists for.

use std::fmt::Write as _;

use apigen::emit::mock::answers;
use apigen::ir::{Api, Encoding};
use serde_json::Value;

use apigen::example::{Direction, Examples};

/// The token the stub accepts (and Schemathesis and the Prism runner send).
pub const TOKEN: &str = "conformance-token";

/// The stub for one document.
pub struct Stub {
    /// Its `main.rs`.
    pub source: String,
    /// Operations the mock has no answer for, with why (they answer with a panic, which
    /// Schemathesis reports).
    pub problems: Vec<String>,
    /// Operations (`METHOD /path`) whose answer no valid value exists for under JSON Schema (a
    /// `oneOf` whose alternatives overlap), with why: a schema check is expected to refuse it.
    pub predicted: std::collections::BTreeMap<String, String>,
}

/// The stub's `main.rs` for the generated server crate `krate` (built with its `mock`
/// feature), serving under `base_path`.
pub fn source(api: &Api, krate: &str, document: &Value, base_path: &str) -> Stub {
    let mut problems = Vec::new();
    let mut predicted = std::collections::BTreeMap::new();
    // Webhooks are not served: only the operations' answers matter.
    for (op, answer) in api.operations.iter().zip(answers(api, document)) {
        if let Err(why) = &answer.example {
            problems.push(format!("{}: {why}", op.id));
        }
        if !answer.invalid.is_empty() {
            predicted.insert(
                format!("{} {}", op.method.as_str(), op.path),
                answer.invalid.join("; "),
            );
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! Serves the generated mock; written by `cargo xtask conformance --server`.\n\n\
         #[tokio::main]\nasync fn main() {{\n    \
         let address = std::env::args().nth(1).expect(\"the address to listen on\");\n    \
         let mock = {krate}::mock::Mock::new().accept_only({TOKEN:?});\n    \
         let app = mock.router({base_path:?});\n    \
         let listener = tokio::net::TcpListener::bind(address).await.expect(\"bind\");\n    \
         println!(\"listening\");\n    \
         axum::serve(listener, app).await.expect(\"serve\");\n}}"
    );
    Stub {
        source: out,
        problems,
        predicted,
    }
}

/// What Schemathesis is expected to report for this document and why, by `(code, "METHOD
/// /path")`: findings that follow from the document itself or from a documented limit of the
/// generated server, computed for every operation (never listed by hand).
///
/// - ST108 (response violates its schema): the stub's answer has no valid form (see
///   [`Stub::predicted`]).
/// - ST202 (valid request refused): an integer parameter without `format` is an `i64`, while
///   JSON Schema integers are unbounded; a multipart body, whose part names Schemathesis fills
///   with control characters that are not valid header text (axum's parser refuses them); a
///   body with a discriminated `oneOf` whose alternatives do not require the tag property (the
///   server needs the tag, as OpenAPI says it must be present; JSON Schema does not).
pub fn expectations(
    api: &Api,
    document: &Value,
    stub: &Stub,
) -> std::collections::BTreeMap<(String, String), String> {
    let examples = Examples::new(document, Direction::Request);
    let mut expected = std::collections::BTreeMap::new();
    for (operation, why) in &stub.predicted {
        expected.insert(("ST108".to_owned(), operation.clone()), why.clone());
    }
    for op in &api.operations {
        let key = |code: &str| {
            (
                code.to_owned(),
                format!("{} {}", op.method.as_str(), op.path),
            )
        };
        let Some(item) = document.get("paths").and_then(|p| p.get(&op.path)) else {
            continue;
        };
        let Some(operation) = item.get(op.method.as_str().to_ascii_lowercase()) else {
            continue;
        };
        let parameters = [item, operation]
            .into_iter()
            .filter_map(|o| o.get("parameters").and_then(Value::as_array))
            .flatten();
        let unbounded: Vec<String> = parameters
            .filter_map(|parameter| {
                let parameter = examples.deref(parameter).ok()?;
                let schema = examples.deref(parameter.get("schema")?).ok()?;
                (schema.get("type").and_then(Value::as_str) == Some("integer")
                    && schema.get("format").is_none())
                .then(|| {
                    format!(
                        "`{}`",
                        parameter.get("name").and_then(Value::as_str).unwrap_or("?")
                    )
                })
            })
            .collect();
        if !unbounded.is_empty() {
            expected.insert(
                key("ST202"),
                format!(
                    "integer parameters without `format` ({}) are `i64`s; larger values are refused with 400",
                    unbounded.join(", ")
                ),
            );
        }
        let Some(body) = &op.body else { continue };
        if body.encoding == Encoding::Multipart {
            expected.insert(
                key("ST202"),
                "multipart part names with control characters are not valid header text; axum's parser refuses them with 400".to_owned(),
            );
        }
        let schema = operation
            .get("requestBody")
            .and_then(|b| examples.deref(b).ok())
            .and_then(|b| b.get("content"))
            .and_then(|c| c.get(&body.media))
            .and_then(|m| m.get("schema"));
        let reasons: Vec<String> = schema
            .into_iter()
            .flat_map(|s| {
                [
                    optional_tag(&examples, s),
                    unbounded_integer(&examples, s).map(|at| {
                        format!("integer properties without `format` (such as `{at}`) are `i64`s, in bodies as in parameters; larger values are refused with 400")
                    }),
                ]
            })
            .flatten()
            .collect();
        if !reasons.is_empty() {
            let entry = expected.entry(key("ST202")).or_default();
            for why in reasons {
                if !entry.is_empty() {
                    entry.push_str("; ");
                }
                entry.push_str(&why);
            }
        }
    }
    expected
}

/// Where `schema` reaches an integer without `format` (a JSON pointer-like path of property
/// names, `[]` for items), when it does.
fn unbounded_integer(examples: &Examples<'_>, schema: &Value) -> Option<String> {
    first_reached(examples, schema, "", &mut Vec::new(), &|schema, at| {
        (schema.get("type").and_then(Value::as_str) == Some("integer")
            && schema.get("format").is_none())
        .then(|| {
            if at.is_empty() {
                "/".to_owned()
            } else {
                at.to_owned()
            }
        })
    })
}

/// The first discriminated `oneOf` reachable from `schema` with an alternative that does not
/// require the tag property, described.
fn optional_tag(examples: &Examples<'_>, schema: &Value) -> Option<String> {
    first_reached(examples, schema, "", &mut Vec::new(), &|schema, _| {
        let alternatives = schema.get("oneOf").and_then(Value::as_array)?;
        let tag = schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str)?;
        let optional = alternatives.iter().find(|alternative| {
            examples.deref(alternative).is_ok_and(|resolved| {
                !resolved
                    .get("required")
                    .and_then(Value::as_array)
                    .is_some_and(|r| r.iter().any(|name| name == tag))
            })
        })?;
        let name = optional
            .get("$ref")
            .and_then(Value::as_str)
            .unwrap_or("an alternative");
        Some(format!(
            "the discriminator `{tag}` is not a required property of {name}, so a value without it is valid JSON Schema; the server needs the tag and refuses it with 400"
        ))
    })
}

/// What `found` reports for the first schema reachable from `schema` (itself, then through
/// `$ref`s once each, properties, `additionalProperties`, items and `allOf`/`oneOf`/`anyOf`
/// members) it reports something for; `at` is the path of property names there (`[]` for
/// items, `*` for undeclared properties).
fn first_reached(
    examples: &Examples<'_>,
    schema: &Value,
    at: &str,
    seen: &mut Vec<String>,
    found: &dyn Fn(&Value, &str) -> Option<String>,
) -> Option<String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if seen.iter().any(|s| s == reference) {
            return None;
        }
        seen.push(reference.to_owned());
        let target = examples.resolve(reference).ok()?;
        return first_reached(examples, target, at, seen, found);
    }
    if let Some(why) = found(schema, at) {
        return Some(why);
    }
    let mut children: Vec<(&Value, String)> = Vec::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        children.extend(
            properties
                .iter()
                .map(|(name, s)| (s, format!("{at}/{name}"))),
        );
    }
    if let Some(additional @ Value::Object(_)) = schema.get("additionalProperties") {
        children.push((additional, format!("{at}/*")));
    }
    if let Some(items) = schema.get("items") {
        children.push((items, format!("{at}/[]")));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        let members = schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        children.extend(members.map(|member| (member, at.to_owned())));
    }
    children
        .into_iter()
        .find_map(|(child, at)| first_reached(examples, child, &at, seen, found))
}
