//! Rules for the OpenAPI objects around the schemas (parameters, request bodies, responses,
//! references), each derived from what the 3.0 and 3.1 specifications require: a document that
//! breaks one with a single sensible reading is read that way and the rule reported at its
//! pointer. The README's tolerance table lists every rule with the fixture that proves it
//! (`tests/tolerance.rs`).

use serde_json::{Map, Value};

use super::METHODS;
use crate::diagnostics::{Diagnostics, Pointer};
use crate::spec::unescape;

/// Runs every object rule over the document, before the schema rules.
pub(super) fn tolerate(doc: &mut Value, diags: &mut Diagnostics) {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let at = Pointer::root().push("paths").push(path);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            if let Some(Value::Array(params)) = item.get_mut("parameters") {
                for (index, param) in params.iter_mut().enumerate() {
                    parameter(param, &at.push("parameters").push(index), diags);
                }
            }
            for method in METHODS {
                let Some(Value::Object(op)) = item.get_mut(*method) else {
                    continue;
                };
                operation(op, &at.push(method), &components, diags);
            }
        }
    }
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        let base = Pointer::root().push("components");
        if let Some(Value::Object(params)) = components.get_mut("parameters") {
            for (name, param) in params.iter_mut() {
                parameter(param, &base.push("parameters").push(name), diags);
            }
        }
        if let Some(Value::Object(responses)) = components.get_mut("responses") {
            for (name, response) in responses.iter_mut() {
                response_object(response, &base.push("responses").push(name), diags);
            }
        }
    }
    dangling_references(doc, diags);
}

fn operation(
    op: &mut Map<String, Value>,
    at: &Pointer,
    components: &Value,
    diags: &mut Diagnostics,
) {
    boolean_words(op, &["deprecated"], at, diags);
    if let Some(Value::Object(body)) = op.get_mut("requestBody") {
        boolean_words(body, &["required"], &at.push("requestBody"), diags);
    }
    if let Some(Value::Array(params)) = op.get_mut("parameters") {
        for (index, param) in params.iter_mut().enumerate() {
            parameter(param, &at.push("parameters").push(index), diags);
        }
    }
    swagger2_body_parameters(op, at, components, diags);
    match op.get_mut("responses") {
        Some(Value::Object(responses)) => {
            let base = at.push("responses");
            for (status, response) in responses.iter_mut() {
                response_object(response, &base.push(status), diags);
            }
            if responses.is_empty() {
                diags.warning(
                    base,
                    "`responses` is empty; read as one `default` response without a body",
                );
                responses.insert("default".to_owned(), empty_response());
            }
        }
        Some(_) => {} // Not an object: the parser says where, with its line.
        None => {
            diags.warning(
                at.push("responses"),
                "the operation has no `responses` (a required field); read as one `default` response without a body",
            );
            let mut responses = Map::new();
            responses.insert("default".to_owned(), empty_response());
            op.insert("responses".to_owned(), Value::Object(responses));
        }
    }
}

fn empty_response() -> Value {
    let mut response = Map::new();
    response.insert("description".to_owned(), Value::String(String::new()));
    Value::Object(response)
}

/// The fields of a Parameter Object that are booleans.
const PARAMETER_FLAGS: &[&str] = &[
    "required",
    "deprecated",
    "allowEmptyValue",
    "explode",
    "allowReserved",
];

/// A parameter: booleans written as words, a style its location does not allow, a path
/// parameter not marked required, and the Swagger 2.0 form (`type` beside `in`, no `schema`).
fn parameter(param: &mut Value, at: &Pointer, diags: &mut Diagnostics) {
    let Some(map) = param.as_object_mut() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    boolean_words(map, PARAMETER_FLAGS, at, diags);
    let location = map
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let allowed: &[&str] = match location.as_str() {
        "path" => &["simple", "label", "matrix"],
        "header" => &["simple"],
        "cookie" => &["form"],
        "query" => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
        _ => &[],
    };
    if let Some(style) = map.get("style").and_then(Value::as_str).map(str::to_owned) {
        if !allowed.is_empty() && !allowed.contains(&style.as_str()) {
            diags.warning(
                at.push("style"),
                format!(
                    "`style: {style}` is not allowed `in: {location}` (only {}); read as `{}`",
                    allowed
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    allowed[0]
                ),
            );
            map.insert("style".to_owned(), Value::String(allowed[0].to_owned()));
        }
    }
    if location == "path" && map.get("required") != Some(&Value::Bool(true)) {
        diags.warning(
            at.push("required"),
            "a path parameter must be `required: true`; read as required",
        );
        map.insert("required".to_owned(), Value::Bool(true));
    }
    if !map.contains_key("schema") && !map.contains_key("content") {
        // Swagger 2.0: the schema's keywords sit on the parameter itself.
        let mut schema = Map::new();
        for key in SWAGGER2_SCHEMA_KEYS {
            if let Some(value) = map.remove(*key) {
                schema.insert((*key).to_owned(), value);
            }
        }
        if let Some(Value::String(format)) = map.remove("collectionFormat") {
            let style = match format.as_str() {
                "ssv" => Some(("spaceDelimited", false)),
                "pipes" => Some(("pipeDelimited", false)),
                "multi" => Some(("form", true)),
                _ => Some(("form", false)),
            };
            if let Some((style, explode)) = style.filter(|_| location == "query") {
                map.insert("style".to_owned(), Value::String(style.to_owned()));
                map.insert("explode".to_owned(), Value::Bool(explode));
            }
        }
        let described = if schema.is_empty() {
            "without a `schema`; read as any value".to_owned()
        } else {
            "with the Swagger 2.0 `type` beside `in`; read as its `schema`".to_owned()
        };
        diags.warning(at.push("schema"), format!("a parameter {described}"));
        map.insert("schema".to_owned(), Value::Object(schema));
    }
}

/// The keywords a Swagger 2.0 parameter carries for its value, which OpenAPI 3 moves into
/// `schema`.
const SWAGGER2_SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
];

/// Swagger 2.0's `in: body` and `in: formData` parameters, left in a 3.x document: one request
/// body, JSON for `body`, a form (multipart when a part is a `file`) for `formData`.
fn swagger2_body_parameters(
    op: &mut Map<String, Value>,
    at: &Pointer,
    components: &Value,
    diags: &mut Diagnostics,
) {
    let Some(Value::Array(params)) = op.get_mut("parameters") else {
        return;
    };
    let location = |param: &Value| -> String {
        let param = match param.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| components.get("parameters")?.get(unescape(name)))
                .unwrap_or(param),
            None => param,
        };
        param
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let mut body: Option<Value> = None;
    let mut form = Map::new();
    let mut required = Vec::new();
    let mut multipart = false;
    let mut kept = Vec::new();
    for (index, param) in std::mem::take(params).into_iter().enumerate() {
        match location(&param).as_str() {
            "body" => {
                diags.warning(
                    at.push("parameters").push(index),
                    "an `in: body` parameter (Swagger 2.0); read as the operation's JSON request body",
                );
                body = Some(param);
            }
            "formData" => {
                diags.warning(
                    at.push("parameters").push(index),
                    "an `in: formData` parameter (Swagger 2.0); read as a property of the operation's form request body",
                );
                let Some(name) = param.get("name").and_then(Value::as_str).map(str::to_owned)
                else {
                    continue;
                };
                let mut schema = param
                    .get("schema")
                    .cloned()
                    .unwrap_or_else(|| Value::Object(Map::new()));
                if let Some(map) = schema.as_object_mut() {
                    if map.get("type").and_then(Value::as_str) == Some("file") {
                        multipart = true;
                        map.insert("type".to_owned(), Value::String("string".to_owned()));
                        map.insert("format".to_owned(), Value::String("binary".to_owned()));
                    }
                    if let Some(description) = param.get("description") {
                        map.entry("description").or_insert(description.clone());
                    }
                }
                if matches!(param.get("required"), Some(Value::Bool(true))) {
                    required.push(Value::String(name.clone()));
                }
                form.insert(name, schema);
            }
            _ => kept.push(param),
        }
    }
    *params = kept;
    if op.contains_key("requestBody") {
        return;
    }
    if let Some(param) = body {
        let mut content = Map::new();
        let mut media = Map::new();
        media.insert(
            "schema".to_owned(),
            param
                .get("schema")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
        );
        content.insert("application/json".to_owned(), Value::Object(media));
        let mut request = Map::new();
        request.insert("content".to_owned(), Value::Object(content));
        request.insert(
            "required".to_owned(),
            Value::Bool(matches!(param.get("required"), Some(Value::Bool(true)))),
        );
        if let Some(description) = param.get("description") {
            request.insert("description".to_owned(), description.clone());
        }
        op.insert("requestBody".to_owned(), Value::Object(request));
    } else if !form.is_empty() {
        let mut schema = Map::new();
        schema.insert("type".to_owned(), Value::String("object".to_owned()));
        schema.insert("properties".to_owned(), Value::Object(form));
        if !required.is_empty() {
            schema.insert("required".to_owned(), Value::Array(required.clone()));
        }
        let mut media = Map::new();
        media.insert("schema".to_owned(), Value::Object(schema));
        let media_type = if multipart {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut content = Map::new();
        content.insert(media_type.to_owned(), Value::Object(media));
        let mut request = Map::new();
        request.insert("content".to_owned(), Value::Object(content));
        request.insert("required".to_owned(), Value::Bool(!required.is_empty()));
        op.insert("requestBody".to_owned(), Value::Object(request));
    }
}

/// A response: `description` is required (a missing one is read as empty).
fn response_object(response: &mut Value, at: &Pointer, diags: &mut Diagnostics) {
    let Some(map) = response.as_object_mut() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    if !map.get("description").is_some_and(Value::is_string) {
        diags.warning(
            at.push("description"),
            "a response needs a `description` (a required field); read as empty",
        );
        map.insert("description".to_owned(), Value::String(String::new()));
    }
    // OpenAPI 3.2 describes the items of a sequential media type (events, JSON lines) with
    // `itemSchema`; the earlier versions' documents write it as `schema`, which is how it is
    // read.
    if let Some(Value::Object(content)) = map.get_mut("content") {
        for media in content.values_mut() {
            if let Some(media) = media.as_object_mut()
                && !media.contains_key("schema")
                && let Some(item) = media.remove("itemSchema")
            {
                media.insert("schema".to_owned(), item);
            }
        }
    }
}

/// `true`, `false`, `"true"`, `"False"`, `"yes"`: the boolean fields of an object written as
/// words are read as the booleans they spell.
pub(super) fn boolean_words(
    map: &mut Map<String, Value>,
    keys: &[&str],
    at: &Pointer,
    diags: &mut Diagnostics,
) {
    for key in keys {
        let Some(Value::String(word)) = map.get(*key) else {
            continue;
        };
        let value = match word.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => true,
            "false" | "no" | "0" | "" => false,
            // `required: optional` (and `required: required`) say what they mean.
            "required" | "mandatory" if *key == "required" => true,
            "optional" if *key == "required" => false,
            _ => continue,
        };
        diags.warning(
            at.push(key),
            format!("`{key}` is the word \"{word}\", not a boolean; read as `{value}`"),
        );
        map.insert((*key).to_owned(), Value::Bool(value));
    }
}

/// `$ref`s to component entries that do not exist: a schema is any JSON value (degraded, so the
/// user sees it), a discriminator mapping entry to nowhere is dropped, a parameter or request
/// body to nowhere is left out and a response to nowhere has no body; each is reported.
fn dangling_references(doc: &mut Value, diags: &mut Diagnostics) {
    let names = |section: &str| -> std::collections::BTreeSet<String> {
        doc.pointer(&format!("/components/{section}"))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let existing: Vec<(&str, std::collections::BTreeSet<String>)> = [
        "schemas",
        "parameters",
        "responses",
        "requestBodies",
        "headers",
        "examples",
        "links",
        "callbacks",
        "securitySchemes",
        "pathItems",
    ]
    .into_iter()
    .map(|section| (section, names(section)))
    .collect();
    let dangling = |reference: &str| -> Option<String> {
        let rest = reference.strip_prefix("#/components/")?;
        let (section, name) = rest.split_once('/')?;
        let name = unescape(&crate::spec::percent_decode(name).unwrap_or_else(|| name.to_owned()));
        let (_, names) = existing.iter().find(|(s, _)| *s == section)?;
        (!name.contains('/') && !names.contains(&name)).then(|| section.to_owned())
    };
    walk(doc, &Pointer::root(), &dangling, diags);
}

fn walk(
    node: &mut Value,
    at: &Pointer,
    dangling: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) {
    match node {
        Value::Object(map) => {
            if let Some(section) = map.get("$ref").and_then(Value::as_str).and_then(dangling) {
                let reference = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                match section.as_str() {
                    "schemas" => {
                        diags.degraded(
                            at.push("$ref"),
                            format!("`$ref: {reference}` points to nothing; the value is any JSON, kept as `serde_json::Value`"),
                        );
                        map.remove("$ref");
                    }
                    "responses" => {
                        diags.warning(
                            at.push("$ref"),
                            format!("`$ref: {reference}` points to nothing; read as a response without a body"),
                        );
                        *node = empty_response();
                    }
                    _ => {
                        diags.warning(
                            at.push("$ref"),
                            format!("`$ref: {reference}` points to nothing; left out"),
                        );
                        map.insert(DANGLING_MARK.to_owned(), Value::Bool(true));
                    }
                }
                return;
            }
            if let Some(Value::Object(mapping)) = map
                .get_mut("discriminator")
                .and_then(|d| d.get_mut("mapping"))
            {
                let base = at.push("discriminator").push("mapping");
                mapping.retain(|tag, target| {
                    let gone = target.as_str().and_then(dangling).is_some();
                    if gone {
                        diags.warning(
                            base.push(tag),
                            format!(
                                "the discriminator mapping `{tag}` points to nothing (`{}`); dropped",
                                target.as_str().unwrap_or_default()
                            ),
                        );
                    }
                    !gone
                });
            }
            for (key, value) in map.iter_mut() {
                walk(value, &at.push(key), dangling, diags);
            }
            // Entries of lists that pointed to nothing are left out.
            for list in ["parameters", "allOf", "oneOf", "anyOf"] {
                if let Some(Value::Array(items)) = map.get_mut(list) {
                    items.retain(|item| item.get(DANGLING_MARK).is_none());
                }
            }
            if map
                .get("requestBody")
                .is_some_and(|body| body.get(DANGLING_MARK).is_some())
            {
                map.remove("requestBody");
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk(item, &at.push(index), dangling, diags);
            }
        }
        _ => {}
    }
}

/// Marks an object whose `$ref` pointed to nothing, so that the list holding it leaves it out.
const DANGLING_MARK: &str = "x-apigen-dangling";
