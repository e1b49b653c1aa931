//! A stub implementation of every server trait of a document, for Schemathesis: each operation
//! answers its first documented success with an example built from the document's own schema
//! (see [`crate::example`]). It never looks at credentials: its authenticator accepts the
//! conformance token, and the generated router refuses every other request to a secured
//! operation before the stub is called (which is what Schemathesis' authentication checks test).

use std::fmt::Write as _;

use apigen::emit::rust_type;
use apigen::ir::{Api, Body, Encoding, Operation, Response, Status};
use serde_json::Value;

use crate::example::{Direction, Examples};

/// The token the stub accepts (and Schemathesis and the Prism runner send).
pub const TOKEN: &str = "conformance-token";

/// The stub for one document.
pub struct Stub {
    /// Its `main.rs`.
    pub source: String,
    /// Operations it could not build an answer for, with why (they answer with a panic, which
    /// Schemathesis reports).
    pub problems: Vec<String>,
    /// Operations (`METHOD /path`) whose answer no valid value exists for under JSON Schema (a
    /// `oneOf` whose alternatives overlap), with why: a schema check is expected to refuse it.
    pub predicted: std::collections::BTreeMap<String, String>,
}

/// The stub's `main.rs` for the generated server crate `krate`.
pub fn source(api: &Api, krate: &str, document: &Value, base_path: &str) -> Stub {
    let examples = Examples::new(document, Direction::Response);
    let mut problems = Vec::new();
    let mut predicted = std::collections::BTreeMap::new();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! Answers every operation with schema-valid data; written by `cargo xtask conformance --server`.\n\
         #![allow(deprecated, unused_variables, clippy::all)]\n\n\
         use {krate}::{{RequestContext, models}};\n\n\
         struct Stub;\n\n\
         /// Accepts the conformance token for every scheme.\n\
         impl {krate}::Authenticator for Stub {{\n\
         \x20   type Principal = ();\n\n\
         \x20   async fn authenticate(&self, credentials: &[{krate}::Credential<'_>]) -> Result<(), {krate}::Refusal> {{\n\
         \x20       if credentials.iter().all(|c| c.secret() == {TOKEN:?}) {{ Ok(()) }} else {{ Err({krate}::Refusal::Unauthenticated) }}\n\
         \x20   }}\n\
         }}\n\n\
         fn example<T: serde::de::DeserializeOwned>(operation: &str, json: &str) -> T {{\n\
         \x20   serde_json::from_str(json).unwrap_or_else(|e| panic!(\"{{operation}}: the example does not decode: {{e}}\"))\n\
         }}\n"
    );
    for group in &api.groups {
        let _ = writeln!(out, "impl {krate}::{} for Stub {{", group.trait_name);
        for &index in &group.operations {
            let op = &api.operations[index];
            match method(&examples, op, krate) {
                Ok((method, invalid)) => {
                    out.push_str(&method);
                    if !invalid.is_empty() {
                        predicted.insert(
                            format!("{} {}", op.method.as_str(), op.path),
                            invalid.join("; "),
                        );
                    }
                }
                Err(why) => {
                    problems.push(format!("{}: {why}", op.id));
                    let _ = writeln!(
                        out,
                        "    {} {{\n        panic!({:?})\n    }}",
                        signature(op, krate),
                        format!("{}: no example answer: {why}", op.id)
                    );
                }
            }
        }
        out.push_str("}\n\n");
    }
    let _ = writeln!(
        out,
        "#[tokio::main]\nasync fn main() {{\n    \
         let address = std::env::args().nth(1).expect(\"the address to listen on\");\n    \
         let app = {krate}::router(std::sync::Arc::new(Stub), {base_path:?});\n    \
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

fn signature(op: &Operation, krate: &str) -> String {
    let mut args = vec!["&self".to_owned(), "context: RequestContext".to_owned()];
    if !op.security.schemes.is_empty() {
        args.push(if op.security.optional {
            "principal: Option<()>".to_owned()
        } else {
            "principal: ()".to_owned()
        });
    }
    for param in op.path_params() {
        args.push(format!(
            "{}: {}",
            param.name,
            rust_type(&param.ty, "models")
        ));
    }
    if let Some(params) = &op.params_type {
        args.push(format!("params: models::params::{params}"));
    }
    if let Some(body) = &op.body {
        let ty = match body.encoding {
            Encoding::Text => "String".to_owned(),
            _ => rust_type(&body.ty, "models"),
        };
        args.push(if body.required {
            format!("body: {ty}")
        } else {
            format!("body: Option<{ty}>")
        });
    }
    format!(
        "async fn {}({}) -> {krate}::{}",
        op.name,
        args.join(", "),
        op.response_type
    )
}

/// The method, and what makes its answers invalid under JSON Schema (empty when nothing does).
fn method(
    examples: &Examples<'_>,
    op: &Operation,
    krate: &str,
) -> Result<(String, Vec<String>), String> {
    let mut invalid = Vec::new();
    let success = op
        .responses
        .iter()
        .find(|r| r.is_success() && matches!(r.status, Status::Code(_)))
        .or_else(|| op.responses.iter().find(|r| r.is_success()))
        .or_else(|| op.responses.iter().find(|r| r.status == Status::Default))
        .ok_or("no success or default response is documented")?;
    let mut body = String::new();
    let _ = writeln!(
        body,
        "        {}",
        answer(examples, op, success, krate, &mut invalid)?
    );
    Ok((
        format!("    {} {{\n{body}    }}\n", signature(op, krate)),
        invalid,
    ))
}

/// The expression answering `response` with an example body.
fn answer(
    examples: &Examples<'_>,
    op: &Operation,
    response: &Response,
    krate: &str,
    invalid: &mut Vec<String>,
) -> Result<String, String> {
    let mut fields = Vec::new();
    if !matches!(response.status, Status::Code(_)) {
        let code = match response.status {
            Status::Range(class) => class * 100,
            _ => 200,
        };
        fields.push(format!("axum::http::StatusCode::from_u16({code}).unwrap()"));
    }
    match &response.body {
        Body::Empty => {}
        Body::Json(_) => {
            let (value, problems) =
                response_example(examples, op, response, |media| media.contains("json"))?;
            invalid.extend(problems);
            fields.push(format!("example({:?}, {:?})", op.id, value.to_string()));
        }
        Body::Text(media) => {
            let (value, _) = response_example(examples, op, response, |m| m == media)?;
            let text = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            fields.push(format!("{text:?}.to_owned()"));
        }
        Body::Bytes(_) => fields.push("b\"conformance\".to_vec().into()".to_owned()),
        Body::Events(_) => return Err("the stub answers no event streams".to_owned()),
    }
    let path = format!("{krate}::{}::{}", op.response_type, response.variant);
    Ok(if fields.is_empty() {
        path
    } else {
        format!("{path}({})", fields.join(", "))
    })
}

/// An example of the response's body for the first media type `pick` accepts, and what makes it
/// invalid under JSON Schema (see [`Examples::problems`]).
fn response_example(
    examples: &Examples<'_>,
    op: &Operation,
    response: &Response,
    pick: impl Fn(&str) -> bool,
) -> Result<(Value, Vec<String>), String> {
    let status = match response.status {
        Status::Code(code) => code.to_string(),
        Status::Range(class) => format!("{class}XX"),
        Status::Default => "default".to_owned(),
    };
    let operation = examples
        .resolve("#/paths")?
        .get(&op.path)
        .and_then(|item| item.get(op.method.as_str().to_ascii_lowercase()))
        .ok_or_else(|| format!("no operation at {}", op.pointer))?;
    let responses = operation.get("responses").ok_or("no responses")?;
    let documented = responses
        .get(&status)
        .or_else(|| responses.get(status.to_ascii_lowercase()))
        .ok_or_else(|| format!("no response `{status}`"))?;
    let documented = examples.deref(documented)?;
    let schema = documented
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.iter().find(|(media, _)| pick(media)))
        .and_then(|(_, media)| media.get("schema"))
        .ok_or_else(|| format!("no schema for the `{status}` response"))?;
    let value = examples.value(schema)?;
    let problems = examples.problems(&value, schema);
    Ok((value, problems))
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
