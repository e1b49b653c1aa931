//! The examples oracle: every example a document gives for a component schema that an
//! independent JSON Schema validator (the `jsonschema` crate) accepts must decode into the
//! generated type and re-encode to an equal value.
//!
//! The examples are read from the document as published (not from the generator's normalised
//! reading of it): a schema's `example` and 3.1 `examples`, an object composed of its
//! properties' examples, and the `example`/`examples` of every media type whose schema is the
//! component (or an array of it), through `components/examples`. The validator reads the same
//! schemas, 3.0's `nullable` and boolean exclusive bounds rewritten into JSON Schema's forms,
//! with formats asserted. What it accepts is written into the generated models crate as a test
//! that decodes each example into its Rust type and prints what it re-encodes to, and
//! [`Tally::from_output`] compares that with the example, as JSON, `1` and `1.0` being equal
//! and so two spellings of one instant or one UUID.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::{Map, Value};

/// One example of a component schema.
#[derive(Debug, Clone)]
pub struct Example {
    /// The component schema's name.
    pub schema: String,
    /// Where the example is in the document (a JSON pointer, or a pointer and what was composed).
    pub pointer: String,
    /// The example.
    pub value: Value,
}

/// The examples of a document, sorted by what the validator said.
#[derive(Debug, Default)]
pub struct Collected {
    /// Valid against their schema: each must decode and round-trip.
    pub accepted: Vec<Example>,
    /// Invalid against their schema (the document's fault), with the validator's first reason.
    pub rejected: Vec<(Example, String)>,
    /// Schemas the validator could not read, with why (their examples are not counted).
    pub unreadable: Vec<(String, String)>,
}

/// Every example `raw` (the document as published, parsed) gives for its component schemas.
pub fn collect(raw: &Value) -> Collected {
    let Some(schemas) = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Collected::default();
    };
    let v30 = raw
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.0"));
    let mut found: Vec<Example> = Vec::new();
    let mut push = |schema: &str, pointer: String, value: &Value| {
        if !found
            .iter()
            .any(|e| e.schema == schema && &e.value == value)
        {
            found.push(Example {
                schema: schema.to_owned(),
                pointer,
                value: value.clone(),
            });
        }
    };
    for (name, schema) in schemas {
        let at = format!("/components/schemas/{}", escape(name));
        for (pointer, value) in own_examples(schema, &at) {
            push(name, pointer, &value);
        }
        if let Some(composed) = composed(raw, schema) {
            push(name, format!("{at}/properties (composed)"), &composed);
        }
    }
    // Media types whose schema is a component, or an array of one.
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                let at = format!("/paths/{}/{method}", escape(path));
                let mut holders: Vec<(String, &Value)> = Vec::new();
                if let Some(body) = operation.get("requestBody") {
                    holders.push((format!("{at}/requestBody"), deref(raw, body)));
                }
                if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
                    for (status, response) in responses {
                        holders.push((format!("{at}/responses/{status}"), deref(raw, response)));
                    }
                }
                for (holder_at, holder) in holders {
                    let Some(content) = holder.get("content").and_then(Value::as_object) else {
                        continue;
                    };
                    for (media_type, media) in content {
                        let media_at = format!("{holder_at}/content/{}", escape(media_type));
                        let Some(schema) = media.get("schema") else {
                            continue;
                        };
                        let (name, array) = match component_name(schema) {
                            Some(name) => (name, false),
                            None => match schema.get("items").and_then(component_name) {
                                Some(name)
                                    if schema.get("type").and_then(Value::as_str)
                                        == Some("array") =>
                                {
                                    (name, true)
                                }
                                _ => continue,
                            },
                        };
                        if !schemas.contains_key(name) {
                            continue;
                        }
                        for (pointer, value) in media_examples(raw, media, &media_at) {
                            match (array, &value) {
                                (false, value) => push(name, pointer, value),
                                (true, Value::Array(items)) => {
                                    for (index, item) in items.iter().enumerate() {
                                        push(name, format!("{pointer}/{index}"), item);
                                    }
                                }
                                (true, _) => {}
                            }
                        }
                    }
                }
            }
        }
    }
    // The validator reads the document's schemas in JSON Schema's forms.
    let mut components = raw.get("components").cloned().unwrap_or(Value::Null);
    json_schema_forms(&mut components, v30);
    let mut validators: BTreeMap<String, Result<jsonschema::Validator, String>> = BTreeMap::new();
    let mut collected = Collected::default();
    for example in found {
        let validator = validators.entry(example.schema.clone()).or_insert_with(|| {
            let schema = serde_json::json!({
                "$ref": format!("#/components/schemas/{}", escape(&example.schema)),
                "components": components,
            });
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| e.to_string())
        });
        match validator {
            Ok(validator) => {
                let why = validator.iter_errors(&example.value).next().map(|error| {
                    // The message quotes the value, which may be a whole document.
                    let message: String = error.to_string().chars().take(160).collect();
                    format!("{message} at `{}`", error.instance_path())
                });
                match why {
                    None => collected.accepted.push(example),
                    Some(why) => collected.rejected.push((example, why)),
                }
            }
            Err(why) => {
                if !collected
                    .unreadable
                    .iter()
                    .any(|(s, _)| s == &example.schema)
                {
                    collected
                        .unreadable
                        .push((example.schema.clone(), why.clone()));
                }
            }
        }
    }
    collected
}

/// A JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The component a schema is a bare reference to.
fn component_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)?
        .strip_prefix("#/components/schemas/")
        .filter(|name| !name.contains('/'))
}

/// `node`, or what its local `$ref` points to (one level, as responses and bodies refer).
fn deref<'a>(raw: &'a Value, node: &'a Value) -> &'a Value {
    node.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| raw.pointer(pointer))
        .unwrap_or(node)
}

/// A schema's own examples: `example`, and each of 3.1's `examples` array.
fn own_examples(schema: &Value, at: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(example) = schema.get("example") {
        out.push((format!("{at}/example"), example.clone()));
    }
    if let Some(Value::Array(examples)) = schema.get("examples") {
        for (index, example) in examples.iter().enumerate() {
            out.push((format!("{at}/examples/{index}"), example.clone()));
        }
    }
    out
}

/// An object of the examples `schema`'s properties give (their own, or their component's),
/// when every required property has one and at least one property does.
fn composed(raw: &Value, schema: &Value) -> Option<Value> {
    let properties = schema.get("properties")?.as_object()?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut object = Map::new();
    for (name, property) in properties {
        let target = deref(raw, property);
        let example = [property, target].into_iter().find_map(|s| {
            s.get("example")
                .or_else(|| s.get("examples").and_then(|e| e.as_array()?.first()))
        });
        match example {
            Some(example) => {
                object.insert(name.clone(), example.clone());
            }
            None if required.contains(&name.as_str()) => return None,
            None => {}
        }
    }
    (!object.is_empty()).then_some(Value::Object(object))
}

/// A media type's examples: `example`, and the `value` of each of `examples` (through
/// `components/examples`).
fn media_examples(raw: &Value, media: &Value, at: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(example) = media.get("example") {
        out.push((format!("{at}/example"), example.clone()));
    }
    if let Some(examples) = media.get("examples").and_then(Value::as_object) {
        for (name, example) in examples {
            if let Some(value) = deref(raw, example).get("value") {
                out.push((format!("{at}/examples/{}", escape(name)), value.clone()));
            }
        }
    }
    out
}

/// Rewrites OpenAPI 3.0's schema forms into JSON Schema's: `nullable: true` admits null, and
/// boolean `exclusiveMinimum`/`exclusiveMaximum` become the numeric bounds (3.1 documents are
/// JSON Schema already). Values (`example`, `enum`, `default`, `const`) are left alone.
fn json_schema_forms(node: &mut Value, v30: bool) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if !matches!(
                    key.as_str(),
                    "example" | "examples" | "enum" | "default" | "const" | "x-examples"
                ) {
                    json_schema_forms(value, v30);
                }
            }
            if !v30 {
                return;
            }
            for (flag, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(Value::Bool(exclusive)) = map.get(flag).cloned() {
                    map.remove(flag);
                    if exclusive {
                        if let Some(limit) = map.remove(bound) {
                            map.insert(flag.to_owned(), limit);
                        }
                    }
                }
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    if !values.contains(&Value::Null) {
                        values.push(Value::Null);
                    }
                }
                match map.get("type").cloned() {
                    Some(Value::String(ty)) => {
                        map.insert("type".to_owned(), serde_json::json!([ty, "null"]));
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert(
                            "anyOf".to_owned(),
                            serde_json::json!([inner, {"type": "null"}]),
                        );
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| json_schema_forms(i, v30)),
        _ => {}
    }
}

/// The test written into the models crate `models` (its Rust identifier) that decodes each
/// accepted example into its type (`rust`: component schema to Rust type name) and prints what
/// it re-encodes to, and its data file: `(tests/examples.rs, tests/examples.json)`.
pub fn harness(
    models: &str,
    accepted: &[Example],
    rust: &BTreeMap<String, String>,
) -> (String, String) {
    let list: Vec<(&str, String)> = accepted
        .iter()
        .filter_map(|e| Some((rust.get(&e.schema)?.as_str(), e.value.to_string())))
        .collect();
    let used: BTreeSet<&str> = list.iter().map(|(ty, _)| *ty).collect();
    let mut arms = String::new();
    for ty in used {
        let _ = writeln!(arms, "            {ty:?} => round::<{models}::{ty}>(json),");
    }
    let test = format!(
        "//! Written by the workspace's examples oracle (tests/oracle.rs): each example of the\n\
         //! document decoded into its type and encoded again.\n\n\
         fn round<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> String {{\n\
         \x20   match serde_json::from_str::<T>(json) {{\n\
         \x20       Ok(value) => match serde_json::to_string(&value) {{\n\
         \x20           Ok(text) => format!(\"ok\\t{{text}}\"),\n\
         \x20           Err(error) => format!(\"encode\\t{{error}}\"),\n\
         \x20       }},\n\
         \x20       Err(error) => format!(\"decode\\t{{error}}\"),\n\
         \x20   }}\n\
         }}\n\n\
         #[test]\n\
         fn examples() {{\n\
         \x20   let list: Vec<(String, String)> =\n\
         \x20       serde_json::from_str(include_str!(\"examples.json\")).expect(\"examples.json\");\n\
         \x20   for (index, (ty, json)) in list.iter().enumerate() {{\n\
         \x20       let json = json.as_str();\n\
         \x20       let outcome = match ty.as_str() {{\n\
         {arms}\
         \x20           _ => String::from(\"decode\\tno type\"),\n\
         \x20       }};\n\
         \x20       println!(\"EXAMPLE\\t{{index}}\\t{{}}\", outcome.replace('\\n', \" \"));\n\
         \x20   }}\n\
         }}\n"
    );
    let data = serde_json::to_string(&list).expect("examples serialise");
    (test, data)
}

/// What a document's examples came to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Examples found for component schemas.
    pub examples: usize,
    /// Rejected by the validator (the document's fault).
    pub rejected: usize,
    /// Accepted by the validator.
    pub accepted: usize,
    /// Accepted and decoded into the generated type.
    pub decoded: usize,
    /// Decoded and re-encoded to an equal value.
    pub round_tripped: usize,
    /// Decoded and re-encoded to an equal value but for properties the schema does not declare
    /// (dropped by default; `[types] unknown_fields = "keep"` keeps them).
    pub undeclared_dropped: usize,
    /// Each accepted example that did not decode or round-trip: its pointer and why.
    pub failures: Vec<String>,
}

impl Tally {
    /// Compares what the harness printed (`cargo test` output) with the accepted examples.
    pub fn from_output(
        collected: &Collected,
        rust: &BTreeMap<String, String>,
        types: &[apigen::ir::TypeDef],
        output: &str,
    ) -> Self {
        let accepted: Vec<&Example> = collected
            .accepted
            .iter()
            .filter(|e| rust.contains_key(&e.schema))
            .collect();
        let mut tally = Tally {
            examples: collected.accepted.len() + collected.rejected.len(),
            rejected: collected.rejected.len(),
            accepted: collected.accepted.len(),
            ..Tally::default()
        };
        let mut printed: BTreeMap<usize, (String, String)> = BTreeMap::new();
        for line in output.lines() {
            let mut parts = line.splitn(4, '\t');
            if parts.next() != Some("EXAMPLE") {
                continue;
            }
            let index = parts.next().and_then(|i| i.parse().ok());
            let kind = parts.next().unwrap_or_default().to_owned();
            let rest = parts.next().unwrap_or_default().to_owned();
            if let Some(index) = index {
                printed.insert(index, (kind, rest));
            }
        }
        for example in collected
            .accepted
            .iter()
            .filter(|e| !rust.contains_key(&e.schema))
        {
            tally.failures.push(format!(
                "{}: no generated type for `{}`",
                example.pointer, example.schema
            ));
        }
        for (index, example) in accepted.iter().enumerate() {
            match printed.get(&index) {
                Some((kind, text)) if kind == "ok" => {
                    tally.decoded += 1;
                    let again: Value = serde_json::from_str(text).unwrap_or(Value::Null);
                    let ty = rust.get(&example.schema).map_or("", String::as_str);
                    let undeclared = |path: &str| !declared(types, ty, path);
                    let mut dropped = Vec::new();
                    match equivalent_but(&example.value, &again, "", &undeclared, &mut dropped) {
                        Ok(()) if dropped.is_empty() => tally.round_tripped += 1,
                        Ok(()) => tally.undeclared_dropped += 1,
                        Err(why) => tally.failures.push(format!(
                            "{}: re-encoded differently: {why}",
                            example.pointer
                        )),
                    }
                }
                Some((kind, text)) => tally
                    .failures
                    .push(format!("{}: {kind}: {text}", example.pointer)),
                None => tally
                    .failures
                    .push(format!("{}: the harness printed nothing", example.pointer)),
            }
        }
        tally
    }
}

/// Whether `again` (re-encoded) says what `original` does: numbers by value, strings that are
/// both instants (RFC 3339) or both UUIDs by what they name, objects by their properties (a
/// property written as null that the original left out is the same nothing), arrays item by
/// item. The error names the path of the first difference.
pub fn equivalent(original: &Value, again: &Value, at: &str) -> Result<(), String> {
    equivalent_but(original, again, at, &|_| false, &mut Vec::new())
}

/// [`equivalent`], where a property that was dropped at a path `droppable` allows is recorded
/// in `dropped` instead of being a difference.
pub fn equivalent_but(
    original: &Value,
    again: &Value,
    at: &str,
    droppable: &dyn Fn(&str) -> bool,
    dropped: &mut Vec<String>,
) -> Result<(), String> {
    let differ = || Err(format!("at `{at}`: {original} became {again}"));
    match (original, again) {
        (Value::Number(a), Value::Number(b)) => {
            // Equal as numbers; a fraction also within a float's precision (a `format: float`
            // is an `f32`, and a decimal written with more digits than an `f64` holds reads as
            // the nearest one, which prints shorter).
            let (x, y) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            let close = (x - y).abs() <= 2.0 * f64::from(f32::EPSILON) * x.abs().max(y.abs());
            if x == y || (x.fract() != 0.0 && close) {
                Ok(())
            } else {
                differ()
            }
        }
        (Value::String(a), Value::String(b)) => {
            if a == b {
                return Ok(());
            }
            let instants = chrono::DateTime::parse_from_rfc3339(a)
                .ok()
                .zip(chrono::DateTime::parse_from_rfc3339(b).ok());
            if instants.is_some_and(|(a, b)| a == b) {
                return Ok(());
            }
            let uuids = uuid::Uuid::parse_str(a)
                .ok()
                .zip(uuid::Uuid::parse_str(b).ok());
            if uuids.is_some_and(|(a, b)| a == b) {
                return Ok(());
            }
            differ()
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return differ();
            }
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                equivalent_but(x, y, &format!("{at}/{index}"), droppable, dropped)?;
            }
            Ok(())
        }
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let path = format!("{at}/{key}");
                match b.get(key) {
                    Some(other) => equivalent_but(value, other, &path, droppable, dropped)?,
                    None if droppable(&path) => dropped.push(path),
                    None => return Err(format!("at `{path}`: {value} was dropped")),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) && !value.is_null() {
                    return Err(format!("at `{at}/{key}`: {value} was added"));
                }
            }
            Ok(())
        }
        _ if original == again => Ok(()),
        _ => differ(),
    }
}

/// Whether the property at `path` (`/items/0/name`) of a value of the Rust type `ty` is one the
/// types declare: followed through fields, items, map values, aliases and nullability; a path
/// through a union or an undeclared map counts as declared (a difference there is not excused).
fn declared(types: &[apigen::ir::TypeDef], ty: &str, path: &str) -> bool {
    use apigen::ir::{TypeKind, TypeRef};
    let find = |name: &str| types.iter().find(|t| t.name == name);
    let mut current = TypeRef::Named(ty.to_owned());
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    for segment in &segments {
        // Through what holds the value to the named type it is.
        loop {
            match current {
                TypeRef::Nullable(inner) => current = *inner,
                TypeRef::Named(ref name) => match find(name).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => current = target.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        current = match current {
            TypeRef::Vec(item) if segment.parse::<usize>().is_ok() => *item,
            TypeRef::Map(value) => *value,
            TypeRef::Named(name) => match find(&name).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => {
                    match s.fields.iter().find(|f| f.wire_name == *segment) {
                        Some(field) => field.ty.clone(),
                        // Undeclared: dropped unless the struct keeps what it does not declare.
                        None => return s.additional.is_some(),
                    }
                }
                _ => return true,
            },
            _ => return true,
        };
    }
    true
}

/// A document's examples (see `tests/oracle.rs`), the models package the harness runs in, the
/// Rust type of each component schema and the types.
pub struct Harness {
    /// The examples, judged by the validator.
    pub collected: Collected,
    /// The models package the harness is written into.
    pub package: String,
    /// Each component schema's Rust type name.
    pub rust: BTreeMap<String, String>,
    /// The lowered types, to tell the properties they declare.
    pub types: Vec<apigen::ir::TypeDef>,
}

/// Collects the examples of a document as published (`raw`, its other files bundled in by
/// `apigen::load::bundled`), and writes the harness that decodes the accepted ones into the
/// generated models crate under `dir` (`tests/examples.rs`).
pub fn write_harness(
    raw: &Value,
    spec: &apigen::Spec,
    config: &apigen::Config,
    generated: &apigen::Generated,
    dir: &Path,
) -> Option<Harness> {
    let collected = collect(raw);
    // The Rust type of each component schema, from the IR the crates were emitted from.
    let mut diags = apigen::diagnostics::Diagnostics::default();
    let config = config.with_crate_names(spec);
    let api = apigen::lower::lower(&spec.document, &config, &mut diags);
    let rust: BTreeMap<String, String> = api
        .types
        .iter()
        .filter(|t| {
            let escaped = t.wire_name.replace('~', "~0").replace('/', "~1");
            t.pointer == format!("/components/schemas/{escaped}")
                || t.pointer == format!("#/components/schemas/{escaped}")
        })
        .map(|t| (t.wire_name.clone(), t.name.clone()))
        .collect();
    let manifest = generated
        .files
        .iter()
        .find(|f| f.path.ends_with("-models/Cargo.toml"))?;
    let folder = manifest.path.trim_end_matches("/Cargo.toml");
    let package = manifest
        .contents
        .lines()
        .find_map(|l| l.strip_prefix("name = "))?
        .trim_matches('"')
        .to_owned();
    let tests = dir.join(folder).join("tests");
    if collected
        .accepted
        .iter()
        .any(|e| rust.contains_key(&e.schema))
    {
        let (test, data) = harness(&package.replace('-', "_"), &collected.accepted, &rust);
        crate::write_if_changed(&tests.join("examples.rs"), &test);
        crate::write_if_changed(&tests.join("examples.json"), &data);
    } else {
        // Nothing to decode: no harness (an empty one would have unused items).
        let _ = std::fs::remove_file(tests.join("examples.rs"));
        let _ = std::fs::remove_file(tests.join("examples.json"));
    }
    Some(Harness {
        collected,
        package,
        rust,
        types: api.types,
    })
}

/// Runs the harness written into `dir` (a generated workspace) for the package `package`, with
/// every feature: what it printed.
pub fn run(dir: &Path, package: &str, target: &Path) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "test",
            "-p",
            package,
            "--all-features",
            "--test",
            "examples",
            "--quiet",
            "--",
            "--nocapture",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first: Vec<&str> = stderr.lines().take(30).collect();
        return Err(first.join("\n"));
    }
    Ok(stdout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equivalence_reads_numbers_instants_and_uuids_by_value() {
        assert!(equivalent(&json!({"a": 1}), &json!({"a": 1.0}), "").is_ok());
        assert!(equivalent(&json!(0.897599995136261), &json!(0.8976), "").is_ok());
        assert!(equivalent(&json!(0.8976), &json!(0.8977), "").is_err());
        assert!(equivalent(&json!(16777217), &json!(16777216), "").is_err());
        assert!(
            equivalent(
                &json!("2016-01-30T23:55:00Z"),
                &json!("2016-01-30T23:55:00+00:00"),
                ""
            )
            .is_ok()
        );
        assert!(
            equivalent(
                &json!("3FA85F64-5717-4562-B3FC-2C963F66AFA6"),
                &json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
                ""
            )
            .is_ok()
        );
        let dropped = equivalent(&json!({"a": {"b": null}}), &json!({"a": {}}), "").unwrap_err();
        assert!(dropped.contains("at `/a/b`"), "{dropped}");
        assert!(equivalent(&json!({}), &json!({"a": null}), "").is_ok());
        assert!(equivalent(&json!({}), &json!({"a": 1}), "").is_err());
        assert!(equivalent(&json!("a"), &json!("b"), "").is_err());
    }

    #[test]
    fn examples_are_collected_and_judged_by_the_validator() {
        let raw = json!({
            "openapi": "3.0.3",
            "paths": {"/pets": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                "example": [{"id": 1, "name": "Rex", "tag": null}]
            }}}}}}},
            "components": {"schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "integer", "example": 10, "exclusiveMinimum": true, "minimum": 0},
                        "name": {"type": "string", "example": "doggie"},
                        "tag": {"type": "string", "nullable": true}
                    },
                    "example": {"id": 0, "name": "Zero"}
                }
            }}
        });
        let collected = collect(&raw);
        let accepted: Vec<&Value> = collected.accepted.iter().map(|e| &e.value).collect();
        assert_eq!(
            accepted,
            [
                &json!({"id": 10, "name": "doggie"}),
                &json!({"id": 1, "name": "Rex", "tag": null})
            ]
        );
        // `id: 0` breaks the exclusive minimum: the document's fault, not counted against us.
        assert_eq!(collected.rejected.len(), 1, "{:?}", collected.rejected);
        assert!(collected.rejected[0].0.pointer.ends_with("/Pet/example"));
    }
}
