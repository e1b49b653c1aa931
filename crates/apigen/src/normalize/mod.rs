//! Stage 1b, normalise: turns the quirks real documents have into the one form later stages read.
//!
//! Runs on the document as JSON, after [`crate::load()`] parsed it and before `openapiv3` reads it,
//! so every later stage (resolve, lower, drift) sees the same, normalised document. Each rewrite
//! has exactly one sensible reading and is reported as a [`Severity::Warning`] with the pointer of
//! the node it changed (`--strict` makes them errors); nothing here guesses.
//!
//! The rewrites, in the order they run:
//! 1. `$ref`s to any JSON pointer inside the document that is not a component entry
//!    (`#/components/schemas/Subnet/properties/label`, `#/paths/...`) are replaced by a copy of
//!    what they point to; percent-encoded references are decoded.
//! 2. Per schema: `type` arrays (`[string, "null"]`), numeric `exclusiveMinimum` /
//!    `exclusiveMaximum` (the 3.1 form), integer bounds that are fractional or outside `i64`,
//!    enum values of the wrong type (`4.1` in a string enum), `required: true` on a property,
//!    `$ref` with sibling keywords (read as a single-`$ref` `allOf` that adds them),
//!    `null` alternatives of `anyOf` / `oneOf` (`anyOf: [X, {type: null}]` is a nullable `X`),
//!    single-alternative `anyOf` / `oneOf`, `anyOf` as `oneOf` (marked, so lowering can say so),
//!    unions of strings (an open enum), and `anyOf` / `oneOf` of bare constraints (dropped).
//! 3. `allOf` with several members merged into one schema ([`merge`]).
//!
//! [`Severity::Warning`]: crate::diagnostics::Severity::Warning

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostics, Pointer};

pub mod merge;
mod objects;

use crate::spec::{
    ANY_OF_MARK, NULL_MARK, TUPLE_MARK, WEBHOOK_KEY, WEBHOOK_NAME_MARK, WEBHOOK_POINTER_MARK,
    WEBHOOK_ROUTE_MARK, escape, percent_decode, unescape,
};

/// HTTP methods of a path item.
pub(crate) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Normalises `doc` in place, reporting each rewrite.
pub fn normalize(doc: &mut Value, diags: &mut Diagnostics) {
    let v31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    info_defaults(doc, diags);
    document_31(doc, diags);
    defs_refs(doc, diags);
    wrong_section_refs(doc, diags);
    inline_pointer_refs(doc, diags);
    objects::tolerate(doc, diags);
    ignored_header_params(doc, diags);
    visit_schemas(
        doc,
        &mut |schema, pointer, diags| fix_schema(schema, pointer, diags, v31),
        diags,
    );
    merge::merge_all_of(doc, diags);
    visit_schemas(
        doc,
        &mut |schema, pointer, diags| tuple(schema, pointer, diags),
        diags,
    );
    webhooks_into_paths(doc);
}

/// `$ref: '#/$defs/Name'` where the document has no root `$defs` entry of that name (a JSON
/// Schema habit): the component schema of that name when there is one (a warning), else a
/// reference to nothing, which is read as any value (degraded, by the dangling-reference rule).
fn defs_refs(doc: &mut Value, diags: &mut Diagnostics) {
    let root_defs: std::collections::BTreeSet<String> = doc
        .get("$defs")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let schemas: std::collections::BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    fn walk(
        node: &mut Value,
        at: &Pointer,
        root_defs: &std::collections::BTreeSet<String>,
        schemas: &std::collections::BTreeSet<String>,
        diags: &mut Diagnostics,
    ) {
        match node {
            Value::Object(map) => {
                let target = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .filter(|name| !name.contains('/') && !root_defs.contains(*name))
                    .map(str::to_owned);
                if let Some(name) = target {
                    if schemas.contains(&name) {
                        diags.warning(
                            at.push("$ref"),
                            format!("`$ref: #/$defs/{name}`: the document has no root `$defs`; read as the component schema `{name}`"),
                        );
                        map.insert(
                            "$ref".to_owned(),
                            Value::String(format!("#/components/schemas/{name}")),
                        );
                    } else {
                        diags.degraded(
                            at.push("$ref"),
                            format!("`$ref: #/$defs/{name}` points to nothing (no root `$defs` and no component schema `{name}`); the value is any JSON, kept as `serde_json::Value`"),
                        );
                        map.remove("$ref");
                    }
                }
                for (key, value) in map.iter_mut() {
                    walk(value, &at.push(key), root_defs, schemas, diags);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    walk(item, &at.push(index), root_defs, schemas, diags);
                }
            }
            _ => {}
        }
    }
    walk(doc, &Pointer::root(), &root_defs, &schemas, diags);
}

/// `prefixItems` (a 3.1 tuple: `[timestamp, value]`) with no further items: a Rust tuple. With
/// further `items`, the array is read as an array of those.
fn tuple(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    let Some(Value::Array(prefix)) = map.get("prefixItems") else {
        return;
    };
    if prefix.is_empty() || map.get("items").is_some_and(|i| i.is_object()) {
        if !prefix.is_empty() {
            diags.warning(
                at.push("prefixItems"),
                "`prefixItems` followed by more `items`: read as an array of `items` (the first items' own schemas are not checked)",
            );
        }
        map.remove("prefixItems");
        return;
    }
    let Some(prefix) = map.remove("prefixItems") else {
        return;
    };
    for key in ["type", "items", "minItems", "maxItems", "uniqueItems"] {
        map.remove(key);
    }
    map.insert("allOf".to_owned(), prefix);
    map.insert(TUPLE_MARK.to_owned(), Value::Bool(true));
}

/// The document-level forms of OpenAPI 3.1 (read in 3.0 documents too, which is liberal and
/// harmless): `paths` may be absent (a webhooks-only document), path items may be references to
/// `components/pathItems`, and `webhooks` (or the 3.0 extension `x-webhooks`) hold path items.
fn document_31(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if !root.get("paths").is_some_and(Value::is_object) {
        if root.get("paths").is_some_and(|p| !p.is_null()) {
            diags.warning("/paths", "`paths` is not a mapping; read as no paths");
        }
        root.insert("paths".to_owned(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        if let Some(license) = info.get("license") {
            if !license.get("name").is_some_and(Value::is_string) {
                diags.warning(
                    "/info/license",
                    "the license has no `name`; it is not used by the generated code and is ignored",
                );
                info.remove("license");
            }
        }
    }
    let path_items = root
        .get("components")
        .and_then(|c| c.get("pathItems"))
        .cloned();
    for key in ["paths", "webhooks", "x-webhooks"] {
        let Some(Value::Object(items)) = root.get_mut(key) else {
            continue;
        };
        for (name, item) in items.iter_mut() {
            let Some(reference) = item.get("$ref").and_then(Value::as_str) else {
                continue;
            };
            let at = Pointer::root().push(key).push(name);
            let target = reference
                .strip_prefix("#/components/pathItems/")
                .and_then(|n| path_items.as_ref()?.get(unescape(n)));
            match target {
                Some(target) => {
                    let mut copy = target.clone();
                    if let (Value::Object(copy), Value::Object(item)) = (&mut copy, &*item) {
                        // A reference's `summary` and `description` override the target's.
                        for (k, v) in item.iter().filter(|(k, _)| *k != "$ref") {
                            copy.insert(k.clone(), v.clone());
                        }
                    }
                    *item = copy;
                }
                None => diags.error(
                    at.push("$ref"),
                    format!(
                        "path item reference `{reference}` names no entry of `components/pathItems`"
                    ),
                ),
            }
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        components.remove("pathItems");
    }
    // `webhooks` (3.1) and `x-webhooks` (the 3.0 extension, which some 3.1 documents keep as
    // well): one set, the 3.1 entry winning where both name a webhook.
    let legacy = root.remove("x-webhooks");
    if let Some(Value::Object(legacy)) = legacy {
        let webhooks = root
            .entry("webhooks")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(webhooks) = webhooks {
            for (name, item) in legacy {
                if !webhooks.contains_key(&name) {
                    if let Value::Object(mut item) = item {
                        item.insert(
                            WEBHOOK_POINTER_MARK.to_owned(),
                            Value::String(Pointer::root().push("x-webhooks").push(&name).into()),
                        );
                        webhooks.insert(name, Value::Object(item));
                    }
                }
            }
        }
    }
    if root.get("webhooks").is_some_and(|w| !w.is_object()) {
        diags.warning("/webhooks", "`webhooks` is not a mapping; ignored");
        root.remove("webhooks");
    }
}

/// The webhooks, normalised like paths, move into `paths` under [`WEBHOOK_KEY`] keys (marked
/// with their name and route), so that `openapiv3` reads them and every later stage finds them
/// beside the operations; [`crate::resolve::select`] tells them apart.
fn webhooks_into_paths(doc: &mut Value) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let Some(Value::Object(webhooks)) = root.remove("webhooks") else {
        return;
    };
    let Some(Value::Object(paths)) = root.get_mut("paths") else {
        return;
    };
    for (name, item) in webhooks {
        let Value::Object(mut item) = item else {
            continue;
        };
        let route: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '~') {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        item.insert(WEBHOOK_NAME_MARK.to_owned(), Value::String(name.clone()));
        item.insert(
            WEBHOOK_ROUTE_MARK.to_owned(),
            Value::String(format!("/{route}")),
        );
        item.entry(WEBHOOK_POINTER_MARK.to_owned())
            .or_insert_with(|| Value::String(Pointer::root().push("webhooks").push(&name).into()));
        paths.insert(format!("{WEBHOOK_KEY}{name}"), Value::Object(item));
    }
}

/// A `$ref` of a response, request body or parameter that names an entry of another component
/// section (`responses: {200: {$ref: '#/components/requestBodies/X'}}`): the entry it names is
/// used, read as what the position needs (content stays content).
fn wrong_section_refs(doc: &mut Value, diags: &mut Diagnostics) {
    let wrong = |value: &Value, section: &str| {
        value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/"))
            .is_some_and(|r| !r.starts_with(section))
    };
    let any = doc
        .get("paths")
        .and_then(Value::as_object)
        .is_some_and(|paths| {
            paths.values().filter_map(Value::as_object).any(|item| {
                METHODS.iter().filter_map(|m| item.get(*m)).any(|op| {
                    op.get("requestBody")
                        .is_some_and(|b| wrong(b, "requestBodies/"))
                        || op
                            .get("responses")
                            .and_then(Value::as_object)
                            .is_some_and(|r| r.values().any(|v| wrong(v, "responses/")))
                })
            })
        });
    if !any {
        return;
    }
    let snapshot = doc.clone();
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    let base = Pointer::root().push("paths");
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(Value::Object(op)) = item.get_mut(*method) else {
                continue;
            };
            let at = base.push(path).push(method);
            if let Some(body) = op.get_mut("requestBody") {
                fix_section(
                    body,
                    "requestBodies",
                    &at.push("requestBody"),
                    &snapshot,
                    diags,
                );
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for (status, response) in responses.iter_mut() {
                    fix_section(
                        response,
                        "responses",
                        &at.push("responses").push(status),
                        &snapshot,
                        diags,
                    );
                }
            }
        }
    }
}

fn fix_section(
    value: &mut Value,
    section: &str,
    at: &Pointer,
    snapshot: &Value,
    diags: &mut Diagnostics,
) {
    let Some(Value::String(reference)) = value.get("$ref") else {
        return;
    };
    let Some(rest) = reference.strip_prefix("#/components/") else {
        return;
    };
    let Some((other, _)) = rest.split_once('/') else {
        return;
    };
    if other == section || !matches!(other, "responses" | "requestBodies") {
        return;
    }
    let Some(Value::Object(target)) = snapshot.pointer(&reference[1..]) else {
        return;
    };
    let mut replacement = target.clone();
    if section == "responses" {
        replacement.retain(|k, _| {
            matches!(k.as_str(), "description" | "content" | "headers") || k.starts_with("x-")
        });
        replacement
            .entry("description")
            .or_insert_with(|| Value::from(""));
    } else {
        replacement.retain(|k, _| {
            matches!(k.as_str(), "description" | "content" | "required") || k.starts_with("x-")
        });
    }
    diags.warning(
        at,
        format!("`$ref: {reference}` names an entry of `{other}` where an entry of `{section}` belongs; its content is used"),
    );
    *value = Value::Object(replacement);
}

/// Header parameters named `Accept`, `Content-Type` or `Authorization` "SHALL be ignored"
/// (OpenAPI 3.0, Parameter Object): the media types and the security requirements say what
/// these headers carry. They are removed from the path items and operations that list them.
fn ignored_header_params(doc: &mut Value, diags: &mut Diagnostics) {
    const IGNORED: &[&str] = &["accept", "content-type", "authorization"];
    let components = doc.pointer("/components/parameters").cloned();
    let ignored = |param: &Value| {
        let param = match param.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| components.as_ref()?.get(unescape(name)))
            {
                Some(target) => target,
                None => return false,
            },
            None => param,
        };
        param.get("in").and_then(Value::as_str) == Some("header")
            && param
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| IGNORED.contains(&name.to_ascii_lowercase().as_str()))
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let at = Pointer::root().push("paths").push(path);
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (key, holder) in item.iter_mut() {
            let (list, at) = if key == "parameters" {
                (Some(holder), at.push("parameters"))
            } else if METHODS.contains(&key.as_str()) {
                (
                    holder.get_mut("parameters"),
                    at.push(key).push("parameters"),
                )
            } else {
                continue;
            };
            let Some(Value::Array(list)) = list else {
                continue;
            };
            let mut index = 0;
            list.retain(|param| {
                let keep = !ignored(param);
                if !keep {
                    diags.warning(
                        at.push(index),
                        "a header parameter named `Accept`, `Content-Type` or `Authorization` is ignored, as OpenAPI says (the media types and the security requirements set these headers)",
                    );
                }
                index += 1;
                keep
            });
        }
    }
}

/// `info.title` and `info.version` are required; a document without them still has one reading.
fn info_defaults(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let info = root
        .entry("info")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(info) = info.as_object_mut() else {
        return;
    };
    for (key, fallback) in [("title", "API"), ("version", "0.0.0")] {
        if !info.get(key).is_some_and(Value::is_string) {
            let text = match info.get(key) {
                Some(Value::Number(n)) => n.to_string(),
                _ => fallback.to_owned(),
            };
            diags.warning(
                format!("/info/{key}"),
                format!("`info.{key}` is missing or not a string; read as `{text}`"),
            );
            info.insert(key.to_owned(), Value::String(text));
        }
    }
}

/// Whether `reference` names a component entry (`#/components/<section>/<name>`), which later
/// stages resolve by name.
fn is_component_ref(reference: &str) -> bool {
    let Some(rest) = reference.strip_prefix("#/components/") else {
        return false;
    };
    let mut parts = rest.split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some(s), Some(n), None) if !s.is_empty() && !n.is_empty())
}

/// Replaces `$ref`s to pointers that are not component entries: a schema target becomes a
/// component schema of its own (named after its pointer, shared by every reference to it), any
/// other target (a parameter, a response) is copied in place.
fn inline_pointer_refs(doc: &mut Value, diags: &mut Diagnostics) {
    if !has_pointer_refs(doc) {
        return;
    }
    let mut hoisted: Vec<(String, String)> = Vec::new();
    // A target may itself hold such references: a few rounds resolve chains; what is left after
    // them (a reference into its own target) is left for the resolver to report.
    for _round in 0..8 {
        let snapshot = doc.clone();
        let mut changed = false;
        let mut pass = RefPass {
            snapshot: &snapshot,
            hoisted: &mut hoisted,
            changed: &mut changed,
        };
        pass.rewrite(doc, &Pointer::root(), diags);
        let new: Vec<(String, Value)> = hoisted
            .iter()
            .filter(|(_, name)| {
                doc.pointer(&format!("/components/schemas/{}", escape(name)))
                    .is_none()
            })
            .filter_map(|(target, name)| Some((name.clone(), snapshot.pointer(target)?.clone())))
            .collect();
        if !new.is_empty() {
            let root = doc.as_object_mut().expect("checked by load");
            let components = root
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components {
                let schemas = components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(schemas) = schemas {
                    for (name, schema) in new {
                        schemas.insert(name, schema);
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Whether any `$ref` (or discriminator mapping) is not a plain component reference.
fn has_pointer_refs(node: &Value) -> bool {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if !is_component_ref(reference) || reference.contains('%') {
                    return true;
                }
            }
            if let Some(Value::Object(mapping)) =
                map.get("discriminator").and_then(|d| d.get("mapping"))
            {
                if mapping
                    .values()
                    .any(|v| v.as_str().is_some_and(|r| !is_component_ref(r)))
                {
                    return true;
                }
            }
            map.iter()
                .filter(|(k, _)| *k != "example" && *k != "examples")
                .any(|(_, v)| has_pointer_refs(v))
        }
        Value::Array(items) => items.iter().any(has_pointer_refs),
        _ => false,
    }
}

/// Whether a JSON value reads as a schema (rather than a parameter, response or body).
fn looks_like_schema(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        !map.contains_key("in")
            && !map.contains_key("content")
            && [
                "type",
                "properties",
                "allOf",
                "anyOf",
                "oneOf",
                "$ref",
                "enum",
                "items",
                "additionalProperties",
            ]
            .iter()
            .any(|k| map.contains_key(*k))
    })
}

struct RefPass<'s, 'h> {
    snapshot: &'s Value,
    /// (target pointer, component name) of every hoisted schema, in the order found.
    hoisted: &'h mut Vec<(String, String)>,
    changed: &'h mut bool,
}

impl RefPass<'_, '_> {
    /// The component name for a hoisted target: its pointer's words in UpperCamel case, less the
    /// structural ones (`components`, `schemas`, `content`, `schema`), unique among components.
    fn name_for(&mut self, target: &str) -> String {
        if let Some((_, name)) = self.hoisted.iter().find(|(t, _)| t == target) {
            return name.clone();
        }
        let words: Vec<String> = target
            .split('/')
            .skip(1)
            .map(unescape)
            .filter(|t| {
                !matches!(
                    t.as_str(),
                    "components"
                        | "schemas"
                        | "content"
                        | "schema"
                        | "paths"
                        | "$defs"
                        | "definitions"
                )
            })
            .collect();
        let stem = crate::naming::type_name(&words.join("_"));
        let stem = if stem.is_empty() {
            "Schema".to_owned()
        } else {
            stem
        };
        let taken = |name: &str, hoisted: &[(String, String)]| {
            self.snapshot
                .pointer(&format!("/components/schemas/{}", escape(name)))
                .is_some()
                || hoisted.iter().any(|(_, n)| n == name)
        };
        let mut name = stem.clone();
        let mut n = 2;
        while taken(&name, self.hoisted) {
            name = format!("{stem}{n}");
            n += 1;
        }
        self.hoisted.push((target.to_owned(), name.clone()));
        name
    }

    /// A discriminator mapping value: a bare schema name is the component of that name; a
    /// pointer inside another object is hoisted like a `$ref` to it.
    fn mapping_target(&mut self, target: &mut Value, at: &Pointer, diags: &mut Diagnostics) {
        let Value::String(reference) = target else {
            return;
        };
        if !reference.starts_with('#') && !reference.contains('/') && !reference.contains('.') {
            if self
                .snapshot
                .pointer(&format!("/components/schemas/{}", escape(reference)))
                .is_some()
            {
                *reference = format!("#/components/schemas/{reference}");
                *self.changed = true;
            }
            return;
        }
        let Some(pointer) = reference.strip_prefix('#') else {
            return;
        };
        if is_component_ref(reference) || pointer.is_empty() {
            return;
        }
        let pointer = pointer.to_owned();
        if self
            .snapshot
            .pointer(&pointer)
            .is_some_and(looks_like_schema)
        {
            let name = self.name_for(&pointer);
            diags.warning(
                at,
                format!("discriminator mapping `{reference}` points inside another object; its target is read as the component schema `{name}`"),
            );
            *reference = format!("#/components/schemas/{}", escape(&name));
            *self.changed = true;
        }
    }

    fn rewrite(&mut self, node: &mut Value, pointer: &Pointer, diags: &mut Diagnostics) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    if let Some(decoded) = percent_decode(&reference) {
                        diags.warning(
                            pointer.push("$ref"),
                            format!("`$ref: {reference}` is percent-encoded; read as `{decoded}`"),
                        );
                        map.insert("$ref".to_owned(), Value::String(decoded));
                        *self.changed = true;
                        return;
                    }
                    let target = reference.strip_prefix('#').unwrap_or_default();
                    if reference.starts_with('#')
                        && !is_component_ref(&reference)
                        && !target.is_empty()
                    {
                        let Some(found) = self.snapshot.pointer(target) else {
                            return; // reported by the resolver, with the reference's pointer
                        };
                        if looks_like_schema(found) {
                            let name = self.name_for(target);
                            // `$defs` (JSON Schema's place for reusable schemas) is meant to
                            // be referred to; anywhere else, the reference is a quirk.
                            let defs =
                                target.contains("/$defs/") || target.contains("/definitions/");
                            if !defs {
                                diags.warning(
                                pointer,
                                format!("`$ref: {reference}` points inside another object, not to a component entry; its target is read as the component schema `{name}`"),
                            );
                            }
                            map.insert(
                                "$ref".to_owned(),
                                Value::String(format!("#/components/schemas/{}", escape(&name))),
                            );
                            *self.changed = true;
                            return;
                        }
                        // A target that contains the reference itself would never end.
                        if pointer.as_str().starts_with(target) {
                            return;
                        }
                        diags.warning(
                            pointer,
                            format!("`$ref: {reference}` points inside another object, not to a component entry; its target is used in place"),
                        );
                        let mut replacement = found.clone();
                        if let (Value::Object(new), true) = (&mut replacement, map.len() > 1) {
                            for (key, value) in map.iter().filter(|(k, _)| *k != "$ref") {
                                new.insert(key.clone(), value.clone());
                            }
                        }
                        *node = replacement;
                        *self.changed = true;
                        return;
                    }
                }
                if let Some(Value::Object(discriminator)) = map.get_mut("discriminator") {
                    if let Some(Value::Object(mapping)) = discriminator.get_mut("mapping") {
                        let at = pointer.push("discriminator").push("mapping");
                        for (tag, target) in mapping.iter_mut() {
                            self.mapping_target(target, &at.push(tag), diags);
                        }
                        // A pointer that leads nowhere (through a `$ref`, say) cannot select
                        // anything: the alternative is found by the tag value it allows instead.
                        let snapshot = self.snapshot;
                        mapping.retain(|tag, target| {
                            let Some(pointer) = target.as_str().and_then(|t| t.strip_prefix('#')) else {
                                return true;
                            };
                            let keep = is_component_ref(&format!("#{pointer}")) || snapshot.pointer(pointer).is_some();
                            if !keep {
                                diags.warning(
                                    at.push(tag),
                                    format!("discriminator mapping `#{pointer}` leads to nothing in this document; the alternative is selected by the tag value it allows"),
                                );
                            }
                            keep
                        });
                    }
                }
                for (key, value) in map.iter_mut() {
                    if key == "example" || key == "examples" || key == "discriminator" {
                        continue;
                    }
                    self.rewrite(value, &pointer.push(key), diags);
                }
            }
            Value::Array(items) => {
                for (index, value) in items.iter_mut().enumerate() {
                    self.rewrite(value, &pointer.push(index), diags);
                }
            }
            _ => {}
        }
    }
}

/// A callback for every schema object of the document, children before parents.
pub(crate) type SchemaVisitor<'f> =
    dyn FnMut(&mut Map<String, Value>, &Pointer, &mut Diagnostics) + 'f;

/// Calls `f` on every schema of the document: component schemas, and the schemas of parameters,
/// headers, request bodies and responses (in components and in paths), and every sub-schema.
pub(crate) fn visit_schemas(doc: &mut Value, f: &mut SchemaVisitor<'_>, diags: &mut Diagnostics) {
    let root = Pointer::root();
    let Some(doc) = doc.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        let base = root.push("components");
        for (section, visit) in [
            ("schemas", schema as Visit),
            ("parameters", parameter),
            ("responses", response),
            ("requestBodies", content_holder),
            ("headers", parameter),
        ] {
            if let Some(Value::Object(entries)) = components.get_mut(section) {
                let at = base.push(section);
                for (name, value) in entries.iter_mut() {
                    visit(value, &at.push(name), f, diags);
                }
            }
        }
    }
    for key in ["paths", "webhooks", "x-webhooks"] {
        if let Some(Value::Object(paths)) = doc.get_mut(key) {
            let base = root.push(key);
            for (path, item) in paths.iter_mut() {
                path_item(item, &base.push(path), f, diags);
            }
        }
    }
}

type Visit = fn(&mut Value, &Pointer, &mut SchemaVisitor<'_>, &mut Diagnostics);

fn path_item(item: &mut Value, at: &Pointer, f: &mut SchemaVisitor<'_>, diags: &mut Diagnostics) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(params)) = item.get_mut("parameters") {
        for (index, param) in params.iter_mut().enumerate() {
            parameter(param, &at.push("parameters").push(index), f, diags);
        }
    }
    for method in METHODS {
        let Some(Value::Object(op)) = item.get_mut(*method) else {
            continue;
        };
        let at = at.push(method);
        if let Some(Value::Array(params)) = op.get_mut("parameters") {
            for (index, param) in params.iter_mut().enumerate() {
                parameter(param, &at.push("parameters").push(index), f, diags);
            }
        }
        if let Some(body) = op.get_mut("requestBody") {
            content_holder(body, &at.push("requestBody"), f, diags);
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            let base = at.push("responses");
            for (status, value) in responses.iter_mut() {
                response(value, &base.push(status), f, diags);
            }
        }
    }
}

fn parameter(param: &mut Value, at: &Pointer, f: &mut SchemaVisitor<'_>, diags: &mut Diagnostics) {
    if let Some(value) = param.get_mut("schema") {
        schema(value, &at.push("schema"), f, diags);
    }
    content_holder(param, at, f, diags);
}

fn response(value: &mut Value, at: &Pointer, f: &mut SchemaVisitor<'_>, diags: &mut Diagnostics) {
    content_holder(value, at, f, diags);
    if let Some(Value::Object(headers)) = value.get_mut("headers") {
        let base = at.push("headers");
        for (name, header) in headers.iter_mut() {
            parameter(header, &base.push(name), f, diags);
        }
    }
}

fn content_holder(
    value: &mut Value,
    at: &Pointer,
    f: &mut SchemaVisitor<'_>,
    diags: &mut Diagnostics,
) {
    if let Some(Value::Object(content)) = value.get_mut("content") {
        let base = at.push("content");
        for (media, entry) in content.iter_mut() {
            if let Some(value) = entry.get_mut("schema") {
                schema(value, &base.push(media).push("schema"), f, diags);
            }
        }
    }
}

/// Visits a schema and its sub-schemas, children first.
pub(crate) fn schema(
    value: &mut Value,
    at: &Pointer,
    f: &mut SchemaVisitor<'_>,
    diags: &mut Diagnostics,
) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(Value::Object(properties)) = map.get_mut(key) {
            let base = at.push(key);
            for (name, property) in properties.iter_mut() {
                schema(property, &base.push(name), f, diags);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(value @ Value::Object(_)) = map.get_mut(key) {
            schema(value, &at.push(key), f, diags);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            let base = at.push(key);
            for (index, member) in members.iter_mut().enumerate() {
                schema(member, &base.push(index), f, diags);
            }
        }
    }
    f(map, at, diags);
}

/// Keywords that describe a schema without constraining its shape.
pub(crate) fn is_annotation(key: &str) -> bool {
    matches!(
        key,
        "description"
            | "title"
            | "nullable"
            | "readOnly"
            | "writeOnly"
            | "default"
            | "example"
            | "examples"
            | "deprecated"
            | "externalDocs"
            | "xml"
            | "format"
    ) || key.starts_with("x-")
}

/// Whether a union member only says "null".
fn is_null_schema(member: &Value) -> bool {
    let Some(map) = member.as_object() else {
        return false;
    };
    if map.get(NULL_MARK) == Some(&Value::Bool(true)) {
        return true;
    }
    match map.get("type") {
        Some(Value::String(t)) if t == "null" => return true,
        Some(_) => return false,
        None => {}
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        return values.iter().all(Value::is_null) && !values.is_empty();
    }
    // schemars writes `{nullable: true}` (3.0 has no null type) for the null alternative.
    map.get("nullable") == Some(&Value::Bool(true))
        && map.keys().all(|k| is_annotation(k))
        && !map.contains_key("$ref")
}

/// Whether a union member constrains an object without giving it a shape of its own (such as
/// `anyOf: [{required: [a]}, {required: [b]}]`).
fn is_bare_constraint(member: &Value) -> bool {
    member.as_object().is_some_and(|map| {
        !map.is_empty()
            && map.keys().all(|k| {
                matches!(
                    k.as_str(),
                    "required" | "minProperties" | "maxProperties" | "not"
                ) || is_annotation(k)
            })
            && !map.contains_key("type")
    })
}

fn fix_schema(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics, v31: bool) {
    boolean_subschemas(map, at, diags);
    schema_words(map, at, diags, v31);
    type_array(map, at, diags, v31);
    null_type(map);
    restated_reference(map, at, diags);
    json_schema_keywords(map, at, diags);
    inapplicable_keywords(map, at, diags);
    exclusive_bounds(map, at, diags, v31);
    integer_bounds(map, at, diags);
    enum_values(map, at, diags);
    required_flags(map, at, diags);
    ref_siblings(map, at, diags, v31);
    // `{type: object, allOf: [{$ref: X}]}`: the `type` says nothing `X` does not.
    if map.get("type").and_then(Value::as_str) == Some("object")
        && map.contains_key("allOf")
        && !map.keys().any(|k| {
            matches!(
                k.as_str(),
                "properties"
                    | "additionalProperties"
                    | "required"
                    | "patternProperties"
                    | "minProperties"
                    | "maxProperties"
                    | "oneOf"
                    | "anyOf"
            )
        })
    {
        map.remove("type");
    }
    for key in ["anyOf", "oneOf"] {
        union_members(map, key, at, diags);
    }
    properties_beside_union(map, at, diags);
}

/// Object keywords that give a schema its own properties.
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "patternProperties",
];

/// `{properties: {...}, oneOf: [A, B]}`: a value has those properties and is one of the
/// alternatives. Without a discriminator that is `allOf: [{properties}, {oneOf: [A, B]}]`, which
/// merging distributes (`oneOf: [props+A, props+B]`), so nothing either part declares is lost.
/// With one, the alternatives are told apart by their tag: the value is read as the
/// alternative it names, which is where the properties beside the union are read.
fn properties_beside_union(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    let Some(key) = ["oneOf", "anyOf"]
        .into_iter()
        .find(|k| map.contains_key(*k))
    else {
        return;
    };
    if !map.contains_key("properties") {
        return;
    }
    if map.contains_key("discriminator") {
        let names: Vec<String> = map
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().map(|k| format!("`{k}`")).collect())
            .unwrap_or_default();
        diags.warning(
            at.push("properties"),
            format!(
                "properties beside a `{key}` with a discriminator: the value is read as the alternative its tag names, so {} are read where that alternative declares them",
                names.join(", ")
            ),
        );
        for keyword in OBJECT_KEYWORDS {
            map.remove(*keyword);
        }
        if map.get("type").and_then(Value::as_str) == Some("object") {
            map.remove("type");
        }
        return;
    }
    let mut object = Map::new();
    for keyword in OBJECT_KEYWORDS {
        if let Some(value) = map.remove(*keyword) {
            object.insert((*keyword).to_owned(), value);
        }
    }
    if map.get("type").and_then(Value::as_str) == Some("object") {
        map.remove("type");
    }
    object.insert("type".to_owned(), Value::from("object"));
    let mut union = Map::new();
    for keyword in [key, ANY_OF_MARK] {
        if let Some(value) = map.remove(keyword) {
            union.insert(keyword.to_owned(), value);
        }
    }
    let mut members = match map.remove("allOf") {
        Some(Value::Array(members)) => members,
        _ => Vec::new(),
    };
    members.push(Value::Object(object));
    members.push(Value::Object(union));
    map.insert("allOf".to_owned(), Value::Array(members));
    map.insert(crate::spec::BESIDE_MARK.to_owned(), Value::Bool(true));
}

/// `true` and `false` as schemas (JSON Schema, so OpenAPI 3.1): `true` allows anything (`{}`),
/// `false` nothing (`{not: {}}`). `additionalProperties` keeps its boolean, which 3.0 has too.
fn boolean_subschemas(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    let as_schema = |value: &mut Value| {
        if let Value::Bool(allowed) = *value {
            *value = if allowed {
                Value::Object(Map::new())
            } else {
                serde_json::json!({"not": {}})
            };
        }
    };
    for key in ["properties", "patternProperties", "$defs"] {
        if let Some(Value::Object(entries)) = map.get_mut(key) {
            entries.values_mut().for_each(as_schema);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            members.iter_mut().for_each(as_schema);
        }
    }
    match map.get("items") {
        Some(Value::Bool(true)) => {
            map.insert("items".to_owned(), Value::Object(Map::new()));
        }
        Some(Value::Bool(false)) => {
            // `items: false` after `prefixItems`: no items beyond the listed ones.
            map.remove("items");
            if !map.contains_key("prefixItems") {
                diags.warning(
                    at.push("items"),
                    "`items: false` without `prefixItems` allows only an empty array; read as an array of any values",
                );
            }
        }
        _ => {}
    }
}

/// JSON Schema keywords 3.1 brought in, read as their 3.0 equivalents where there is one:
/// `const` is a one-value `enum`, `examples` gives the `example`, `contentEncoding` /
/// `contentMediaType` on a string are the `byte` / `binary` formats, `$defs` entries were
/// hoisted by the reference pass. What has no Rust form (`if`/`then`/`else`,
/// `dependentSchemas`, `unevaluatedProperties`, `$dynamicRef`, ...) is reported and not checked.
fn json_schema_keywords(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    if let Some(value) = map.remove("const") {
        if !map.contains_key("enum") {
            if value.is_null() {
                map.insert("nullable".to_owned(), Value::Bool(true));
                map.insert("enum".to_owned(), Value::Array(vec![Value::Null]));
            } else {
                if !map.contains_key("type") {
                    let typ = match &value {
                        Value::String(_) => Some("string"),
                        Value::Bool(_) => Some("boolean"),
                        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                        Value::Number(_) => Some("number"),
                        _ => None,
                    };
                    if let Some(typ) = typ {
                        map.insert("type".to_owned(), Value::from(typ));
                    }
                }
                map.insert("enum".to_owned(), Value::Array(vec![value]));
            }
        }
    }
    if let Some(Value::Array(examples)) = map.remove("examples") {
        if let Some(first) = examples.into_iter().next() {
            map.entry("example").or_insert(first);
        }
    }
    let is_string = map.get("type").and_then(Value::as_str) == Some("string");
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    map.remove("contentSchema");
    if is_string && !map.contains_key("format") {
        let format = match (encoding.as_ref().and_then(Value::as_str), media.as_ref()) {
            (Some("base64" | "base64url"), _) => Some("byte"),
            (Some(_), _) => None,
            (None, Some(Value::String(media)))
                if !media.starts_with("text/") && !media.contains("json") =>
            {
                Some("binary")
            }
            _ => None,
        };
        if let Some(format) = format {
            map.insert("format".to_owned(), Value::from(format));
        }
    }
    for key in ["$schema", "$id", "$anchor", "$comment", "$dynamicAnchor"] {
        map.remove(key);
    }
    const UNSUPPORTED: &[(&str, &str)] = &[
        (
            "if",
            "conditional schemas (`if`/`then`/`else`) have no Rust form; the schema is read without them",
        ),
        ("then", ""),
        ("else", ""),
        (
            "dependentSchemas",
            "`dependentSchemas` has no Rust form; not checked",
        ),
        (
            "dependentRequired",
            "`dependentRequired` has no Rust form; not checked",
        ),
        (
            "unevaluatedProperties",
            "`unevaluatedProperties` is not checked (unknown properties are kept, as everywhere)",
        ),
        ("unevaluatedItems", "`unevaluatedItems` is not checked"),
        (
            "$dynamicRef",
            "`$dynamicRef` is not followed; the schema is read as any JSON value",
        ),
        (
            "$recursiveRef",
            "`$recursiveRef` is not followed; the schema is read as any JSON value",
        ),
        (
            "contains",
            "`contains` (and `minContains`/`maxContains`) is not checked",
        ),
        (
            "propertyNames",
            "`propertyNames` is not checked (map keys are any strings)",
        ),
    ];
    for (key, message) in UNSUPPORTED {
        if map.remove(*key).is_some() && !message.is_empty() {
            diags.warning(at.push(key), *message);
        }
    }
    map.remove("minContains");
    map.remove("maxContains");
    if let Some(Value::Object(defs)) = map.get("$defs") {
        if defs.is_empty() {
            map.remove("$defs");
        }
    }
}

/// Keywords of another type (`minLength` on an array, `items` on a string) constrain nothing a
/// value of this type has; they are dropped.
fn inapplicable_keywords(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    const STRING: &[&str] = &["format", "pattern", "minLength", "maxLength", "enum"];
    const NUMBER: &[&str] = &[
        "format",
        "multipleOf",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "enum",
    ];
    const ARRAY: &[&str] = &[
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "prefixItems",
    ];
    const OBJECT: &[&str] = OBJECT_KEYWORDS;
    const OTHER: &[&str] = &["enum", "format"];
    let own: &[&str] = match map.get("type").and_then(Value::as_str) {
        Some("string") => STRING,
        Some("integer" | "number") => NUMBER,
        Some("array") => ARRAY,
        Some("object") => OBJECT,
        Some("boolean") => OTHER,
        _ => return,
    };
    let foreign: Vec<String> = map
        .keys()
        .filter(|k| {
            let k = k.as_str();
            !own.contains(&k)
                && (STRING.contains(&k)
                    || NUMBER.contains(&k)
                    || ARRAY.contains(&k)
                    || OBJECT.contains(&k))
        })
        .cloned()
        .collect();
    for key in foreign {
        let typ = map
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        diags.warning(
            at.push(&key),
            format!("`{key}` does not apply to a `type: {typ}` schema; ignored"),
        );
        map.remove(&key);
    }
}

/// `type: [string, "null"]` is a nullable string; several non-null types are a `oneOf`.
fn type_array(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics, v31: bool) {
    let Some(Value::Array(types)) = map.get("type") else {
        return;
    };
    let nullable = types.iter().any(|t| t == "null");
    let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    if !v31 {
        diags.warning(
            at.push("type"),
            "`type` is an array (the OpenAPI 3.1 form); read as the types it lists, null as `nullable`",
        );
    }
    match rest.as_slice() {
        [] => {
            // Only null: the unit type.
            map.insert("type".to_owned(), Value::String("null".to_owned()));
            return;
        }
        [one] => {
            map.insert("type".to_owned(), one.clone());
        }
        several => {
            map.remove("type");
            let members = several
                .iter()
                .map(|t| {
                    let mut member = Map::new();
                    member.insert("type".to_owned(), t.clone());
                    if t == "array" {
                        if let Some(items) = map.get("items") {
                            member.insert("items".to_owned(), items.clone());
                        }
                    }
                    Value::Object(member)
                })
                .collect();
            map.insert("oneOf".to_owned(), Value::Array(members));
        }
    }
    if nullable {
        map.insert("nullable".to_owned(), Value::Bool(true));
    }
}

/// `exclusiveMinimum: 0` (3.1) is `minimum: 0, exclusiveMinimum: true` (3.0).
fn exclusive_bounds(
    map: &mut Map<String, Value>,
    at: &Pointer,
    diags: &mut Diagnostics,
    v31: bool,
) {
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        let Some(value @ Value::Number(_)) = map.get(exclusive).cloned() else {
            continue;
        };
        if !v31 {
            diags.warning(
                at.push(exclusive),
                format!("`{exclusive}` is a number (the OpenAPI 3.1 form); read as `{bound}` with `{exclusive}: true`"),
            );
        }
        map.insert(bound.to_owned(), value);
        map.insert(exclusive.to_owned(), Value::Bool(true));
    }
    for key in ["exclusiveMinimum", "exclusiveMaximum"] {
        if map.get(key).is_some_and(|v| !v.is_boolean()) {
            diags.warning(
                at.push(key),
                format!("`{key}` is neither a boolean nor a number; ignored"),
            );
            map.remove(key);
        }
    }
}

fn null_type(map: &mut Map<String, Value>) {
    if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert(NULL_MARK.to_owned(), Value::Bool(true));
    }
}

/// `allOf: [{$ref: X}]` (or a 3.1 `$ref`) with `type`, `format` or `enum` beside it, restating
/// what `X` says (what .NET's Swashbuckle writes for every enum property): read as `X`.
fn restated_reference(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    let single_ref = match map.get("allOf") {
        Some(Value::Array(members)) => {
            members.len() == 1
                && members[0]
                    .as_object()
                    .is_some_and(|m| m.len() == 1 && m.contains_key("$ref"))
        }
        _ => map.contains_key("$ref"),
    };
    if !single_ref {
        return;
    }
    let restated: Vec<&str> = ["enum", "type", "format"]
        .into_iter()
        .filter(|key| map.contains_key(*key))
        .collect();
    if !restated.contains(&"enum") {
        return;
    }
    diags.warning(
        at.clone(),
        format!(
            "{} beside a reference restates the referenced schema; read as the reference",
            restated
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    for key in restated {
        map.remove(key);
    }
}

/// The boolean keywords of a schema, which documents write as words.
const SCHEMA_FLAGS: &[&str] = &[
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "uniqueItems",
];

/// The keywords that count (lengths, numbers of items and properties): non-negative integers.
const COUNT_KEYWORDS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// Keywords written in a form the specification does not allow but with one reading: booleans
/// as words, `required` as one name instead of a list, a type by another name (`String`,
/// `long`, `int`, `datetime`), counts as floats or text.
fn schema_words(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics, v31: bool) {
    objects::boolean_words(map, SCHEMA_FLAGS, at, diags);
    if !v31 {
        objects::boolean_words(map, &["exclusiveMinimum", "exclusiveMaximum"], at, diags);
    }
    if let Some(Value::String(name)) = map.get("required") {
        let name = name.clone();
        diags.warning(
            at.push("required"),
            format!("`required` is the name `{name}`, not a list of names; read as `[{name}]`"),
        );
        map.insert(
            "required".to_owned(),
            Value::Array(vec![Value::String(name)]),
        );
    }
    if let Some(Value::String(typ)) = map.get("type") {
        let typ = typ.clone();
        match type_alias(&typ) {
            Some((real, _)) if real == typ => {}
            Some((real, format)) => {
                let format = format.filter(|_| !map.contains_key("format"));
                let reading = match format {
                    Some(format) => format!("`type: {real}, format: {format}`"),
                    None => format!("`type: {real}`"),
                };
                diags.warning(
                    at.push("type"),
                    format!("`type: {typ}` is not an OpenAPI type; read as {reading}"),
                );
                map.insert("type".to_owned(), Value::String(real.to_owned()));
                if let Some(format) = format {
                    map.insert("format".to_owned(), Value::String(format.to_owned()));
                }
            }
            None => {
                diags.degraded(
                    at.push("type"),
                    format!("`type: {typ}` is not an OpenAPI type, nor another name for one; the value is kept as `serde_json::Value`"),
                );
                map.remove("type");
            }
        }
    }
    for key in COUNT_KEYWORDS {
        let Some(value) = map.get(*key) else {
            continue;
        };
        if value.is_u64() {
            continue;
        }
        let number = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(text) => text.trim().parse::<f64>().ok(),
            _ => None,
        };
        let minimum = key.starts_with("min");
        match number {
            // An integral count written as a float (`3.0`) says exactly what the integer says.
            Some(n) if n >= 0.0 && n.fract() == 0.0 && value.is_number() && n < 9.0e15 => {
                map.insert((*key).to_owned(), Value::from(n as u64));
            }
            Some(n) if (0.0..9.0e15).contains(&n) => {
                let whole = if minimum { n.ceil() } else { n.floor() };
                diags.warning(
                    at.push(key),
                    format!("`{key}: {value}` is not a whole number; read as {whole}"),
                );
                map.insert((*key).to_owned(), Value::from(whole as u64));
            }
            _ => {
                diags.warning(
                    at.push(key),
                    format!("`{key}: {value}` is not a count (a non-negative integer); ignored"),
                );
                map.remove(*key);
            }
        }
    }
}

/// The OpenAPI type (and format) another name for one stands for: `String`, `long`, `int`,
/// `bool`, `double`, `datetime`, `file`; the type itself for a valid one.
fn type_alias(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "string" | "str" | "text" | "char" | "varchar" => ("string", None),
        "integer" | "int" | "uint" | "short" => ("integer", None),
        "int32" | "integer32" | "uint32" => ("integer", Some("int32")),
        "long" | "int64" | "integer64" | "bigint" | "uint64" => ("integer", Some("int64")),
        "number" | "numeric" | "decimal" => ("number", None),
        "float" | "float32" | "single" => ("number", Some("float")),
        "double" | "float64" => ("number", Some("double")),
        "boolean" | "bool" => ("boolean", None),
        "object" | "map" | "dict" | "dictionary" | "hash" => ("object", None),
        "array" | "list" => ("array", None),
        "null" => ("null", None),
        "uuid" | "guid" => ("string", Some("uuid")),
        "date" => ("string", Some("date")),
        "datetime" | "date-time" | "timestamp" => ("string", Some("date-time")),
        "file" | "binary" => ("string", Some("binary")),
        _ => return None,
    })
}

/// Integer bounds must be whole `i64`s: a fractional bound is rounded inwards, one outside
/// `i64` bounds nothing an `i64` can hold and is dropped; an integral one written as a float
/// (`30.0`) is that integer.
fn integer_bounds(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    if map.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for (key, up) in [("minimum", true), ("maximum", false)] {
        let Some(Value::Number(n)) = map.get(key) else {
            continue;
        };
        if n.is_i64() {
            continue;
        }
        let float = n.as_f64().unwrap_or(0.0);
        let rounded = if up { float.ceil() } else { float.floor() };
        if float.fract() == 0.0 && float.abs() < 9.2e18 && !n.is_u64() {
            map.insert(key.to_owned(), Value::from(float as i64));
            continue;
        }
        if n.is_u64() || rounded.abs() >= 9.2e18 {
            diags.warning(
                at.push(key),
                format!("integer bound `{key}: {n}` is outside the 64-bit range; it bounds nothing and is ignored"),
            );
            map.remove(key);
        } else {
            diags.warning(
                at.push(key),
                format!("integer bound `{key}: {n}` is fractional; read as {rounded}"),
            );
            map.insert(key.to_owned(), Value::from(rounded as i64));
        }
    }
}

/// Enum values of the wrong type: in a string enum, numbers and booleans are read as their text.
fn enum_values(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    let typ = map.get("type").and_then(Value::as_str).map(str::to_owned);
    let Some(Value::Array(values)) = map.get_mut("enum") else {
        return;
    };
    if values.iter().any(Value::is_null) {
        // `null` is not a value of the type: the enum is a nullable one. That is how a nullable
        // enum is written where the schema admits null (3.0.3's `nullable: true`, 3.1's
        // `type: [string, "null"]`), or has no `type`, or is only `null` (`enum: [null]`, the
        // null alternative of a union); only a `type` that excludes null is a quirk.
        let only_null = values.iter().all(Value::is_null);
        values.retain(|v| !v.is_null());
        let empty = values.is_empty();
        let declared = map.get("nullable") == Some(&Value::Bool(true));
        if typ.is_some() && !declared && !only_null {
            diags.warning(
                at.push("enum"),
                "`null` among the enum values of a type that excludes null; read as a nullable enum of the other values",
            );
        }
        map.insert("nullable".to_owned(), Value::Bool(true));
        if empty {
            map.remove("enum");
        }
        return enum_values(map, at, diags);
    }
    match typ.as_deref() {
        Some("string") => {
            for (index, value) in values.iter_mut().enumerate() {
                let text = match value {
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => continue,
                };
                diags.warning(
                    at.push("enum").push(index),
                    format!("enum value `{text}` is not a string in a `type: string` enum; read as the string `{text}`"),
                );
                *value = Value::String(text);
            }
        }
        None if !values.is_empty() && values.iter().all(|v| v.is_string() || v.is_null()) => {
            // An enum of strings without `type` is a string enum.
            diags.warning(
                at.push("enum"),
                "an `enum` of strings without `type`; read as `type: string`",
            );
            map.insert("type".to_owned(), Value::from("string"));
        }
        _ => {}
    }
}

/// `required: true` on a property (the Swagger 2.0 habit) is not a list; it is dropped here and
/// the enclosing object's list is left as it is.
fn required_flags(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics) {
    if let Some(Value::Bool(_)) = map.get("required") {
        diags.warning(
            at.push("required"),
            "`required` is a boolean on a schema (it is a list of property names on the object); ignored",
        );
        map.remove("required");
    }
    if let Some(Value::Object(properties)) = map.get("properties") {
        let wanted: Vec<String> = properties
            .iter()
            .filter(|(_, p)| p.get("required") == Some(&Value::Bool(true)))
            .map(|(k, _)| k.clone())
            .collect();
        if !wanted.is_empty() {
            let list = map
                .entry("required")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                for name in wanted {
                    if !list.iter().any(|v| v == name.as_str()) {
                        list.push(Value::String(name));
                    }
                }
            }
        }
    }
}

/// `{$ref: X, nullable: true, description: ...}`: 3.0 ignores the siblings of a `$ref`, but they
/// were written to apply; read as `allOf: [{$ref: X}]` with them, which lowering treats as `X`.
fn ref_siblings(map: &mut Map<String, Value>, at: &Pointer, diags: &mut Diagnostics, v31: bool) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    // A `type` beside a `$ref` repeats the target's (a different one would allow no value).
    let typ = map.remove("type");
    if map.is_empty() {
        map.insert("$ref".to_owned(), reference);
        return;
    }
    // `{$ref: Status, const: done}` (or `enum: [...]`): the listed values of the target, which
    // are all the schema allows: an enum of them (the implied tag of a `oneOf` is one).
    if let Some(Value::Array(values)) = map.get("enum") {
        let typ = typ.or_else(|| {
            let first = values.first()?;
            Some(Value::from(match first {
                Value::String(_) => "string",
                Value::Bool(_) => "boolean",
                Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                Value::Number(_) => "number",
                _ => return None,
            }))
        });
        if let Some(typ) = typ {
            map.insert("type".to_owned(), typ);
            return;
        }
    }
    let meaningful: Vec<String> = map
        .keys()
        .filter(|k| !k.starts_with("x-") && *k != "description" && *k != "summary")
        .cloned()
        .collect();
    // 3.1 allows keywords beside a `$ref`; 3.0 ignores them, but they were written to apply.
    if !meaningful.is_empty() && !v31 {
        diags.warning(
            at,
            format!(
                "`$ref` has sibling keywords ({}); read as an `allOf` of the reference that adds them",
                meaningful.join(", ")
            ),
        );
    }
    let mut member = Map::new();
    member.insert("$ref".to_owned(), reference);
    map.insert(
        "allOf".to_owned(),
        Value::Array(vec![Value::Object(member)]),
    );
}

/// `null` alternatives, single alternatives, string unions and bare constraints of a union.
fn union_members(map: &mut Map<String, Value>, key: &str, at: &Pointer, diags: &mut Diagnostics) {
    let Some(Value::Array(members)) = map.get(key) else {
        return;
    };
    let at = at.push(key);
    let before = members.len();
    let mut nullable = members.iter().any(is_null_schema);
    let mut members: Vec<Value> = members
        .iter()
        .filter(|m| !is_null_schema(m))
        .cloned()
        .collect();
    // A member that admits null beside its shape (`{type: object, nullable: true}`) makes the
    // union admit it: the union is nullable, the member the shape alone.
    for member in &mut members {
        if let Value::Object(member) = member {
            if member.get("nullable") == Some(&Value::Bool(true)) && !member.contains_key("$ref") {
                member.remove("nullable");
                nullable = true;
            }
        }
    }
    if nullable {
        map.insert("nullable".to_owned(), Value::Bool(true));
    }
    if members.is_empty() {
        map.remove(key);
        return;
    }
    if members.iter().all(is_bare_constraint) && before > 0 {
        diags.warning(
            &at,
            format!("`{key}` of bare constraints (such as alternative `required` lists) is not checked; the schema is read without it"),
        );
        map.remove(key);
        return;
    }
    // Bare constraints beside real alternatives constrain nothing a type can say.
    members.retain(|m| !is_bare_constraint(m));
    let has_shape = map.keys().any(|k| {
        matches!(
            k.as_str(),
            "properties" | "items" | "type" | "allOf" | "enum"
        )
    });
    if members.len() == 1 && !has_shape && !map.contains_key("discriminator") {
        map.remove(key);
        let member = members.pop().unwrap_or_default();
        match member {
            Value::Object(member) if member.contains_key("$ref") => {
                map.insert(
                    "allOf".to_owned(),
                    Value::Array(vec![Value::Object(member)]),
                );
            }
            Value::Object(member) => {
                for (k, v) in member {
                    if k == "nullable" {
                        if v == Value::Bool(true) {
                            map.insert(k, v);
                        }
                        continue;
                    }
                    map.entry(k).or_insert(v);
                }
            }
            _ => {}
        }
        return;
    }
    if let Some(merged) = string_union(&members) {
        map.remove(key);
        for (k, v) in merged {
            map.entry(k).or_insert(v);
        }
        return;
    }
    if members.len() != before || key == "anyOf" {
        map.insert(key.to_owned(), Value::Array(members));
    }
    if key == "anyOf" && !map.contains_key("oneOf") {
        // An `anyOf` lowers as a union whose alternatives are tried most specific first.
        if let Some(members) = map.remove("anyOf") {
            map.insert("oneOf".to_owned(), members);
            map.insert(ANY_OF_MARK.to_owned(), Value::Bool(true));
        }
    }
}

/// A union whose alternatives are all inline strings (plain, enums, formats) is one string
/// schema: an enum of every listed value when any lists values (the generated enums keep
/// unknown values, so a plain-string alternative loses nothing), else a plain string.
fn string_union(members: &[Value]) -> Option<Map<String, Value>> {
    let mut values: Vec<Value> = Vec::new();
    let mut formats: Vec<&Value> = Vec::new();
    for member in members {
        let member = member.as_object()?;
        if member.get("type")? != "string" || member.contains_key("$ref") {
            return None;
        }
        if let Some(Value::Array(list)) = member.get("enum") {
            for value in list {
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
        }
        if let Some(format) = member.get("format") {
            formats.push(format);
        }
    }
    let mut merged = Map::new();
    merged.insert("type".to_owned(), Value::from("string"));
    if !values.is_empty() {
        merged.insert("enum".to_owned(), Value::Array(values));
    } else if let [format] = formats.as_slice() {
        if formats.len() == members.len() {
            merged.insert("format".to_owned(), (*format).clone());
        }
    }
    Some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(schema: serde_json::Value) -> (Value, Vec<String>) {
        let mut doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"S": schema, "X": {"type": "string"}}}
        });
        let mut diags = Diagnostics::default();
        normalize(&mut doc, &mut diags);
        let messages = diags.into_vec().into_iter().map(|d| d.message).collect();
        (doc["components"]["schemas"]["S"].clone(), messages)
    }

    #[test]
    fn any_of_with_null_is_a_nullable_reference() {
        let (s, _) = run(
            serde_json::json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"nullable": true}]}),
        );
        assert_eq!(
            s,
            serde_json::json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/X"}]})
        );
    }

    #[test]
    fn any_of_of_objects_becomes_a_marked_one_of() {
        let (s, _) = run(
            serde_json::json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"$ref": "#/components/schemas/Y"}]}),
        );
        assert_eq!(s[ANY_OF_MARK], Value::Bool(true));
        assert_eq!(s["oneOf"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn open_enum_is_an_enum() {
        let (s, _) = run(
            serde_json::json!({"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "string"}]}),
        );
        assert_eq!(s, serde_json::json!({"type": "string", "enum": ["a", "b"]}));
    }

    #[test]
    fn numeric_exclusive_minimum_and_wrong_enum_types() {
        let (s, warnings) = run(
            serde_json::json!({"type": "integer", "exclusiveMinimum": 0, "maximum": 1.8446744073709552e19}),
        );
        assert_eq!(
            s,
            serde_json::json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let (s, _) = run(serde_json::json!({"type": "string", "enum": ["a", 4.1, true]}));
        assert_eq!(s["enum"], serde_json::json!(["a", "4.1", "true"]));
    }

    #[test]
    fn type_arrays() {
        let (s, _) = run(serde_json::json!({"type": ["string", "null"]}));
        assert_eq!(s, serde_json::json!({"type": "string", "nullable": true}));
        let (s, _) = run(serde_json::json!({"type": ["integer", "string"]}));
        assert_eq!(
            s,
            serde_json::json!({"oneOf": [{"type": "integer"}, {"type": "string"}]})
        );
    }

    #[test]
    fn pointer_refs_are_inlined() {
        let mut doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"label": {"type": "string", "maxLength": 3}}},
                "B": {"$ref": "#/components/schemas/A/properties/label"}
            }}
        });
        let mut diags = Diagnostics::default();
        normalize(&mut doc, &mut diags);
        assert_eq!(
            doc["components"]["schemas"]["B"],
            serde_json::json!({"$ref": "#/components/schemas/APropertiesLabel"})
        );
        assert_eq!(
            doc["components"]["schemas"]["APropertiesLabel"],
            serde_json::json!({"type": "string", "maxLength": 3})
        );
    }
}
