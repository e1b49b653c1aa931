//! Tolerance by rule, and mutation.
//!
//! `RULES` is the README's tolerance table: for each rule the OpenAPI 3.0 and 3.1 specifications
//! (or Swagger 2.0, which converted documents keep) set, a document that breaks it, and the
//! reading: one sensible reading is read and reported once at its pointer; no sensible reading
//! is an error with its pointer. Then every mutation of `MUTATIONS` breaks one rule at a time in
//! each valid fixture: each mutant generates with a diagnostic at the mutated place, or fails
//! with an error there, and never panics. Every mutant that generates is compiled, all of them
//! in one workspace with warnings denied.

use std::path::{Path, PathBuf};
use std::process::Command;

use apigen::Severity;
use serde_json::{Value, json};

/// What a broken rule must produce.
#[derive(Clone, Copy)]
enum Reading {
    /// Read one way, reported as a warning.
    Warning,
    /// Read one way, but not exactly (reported as a degradation).
    Degraded,
    /// No sensible reading: the document is refused.
    Error,
}

/// One row of the tolerance table.
struct Rule {
    /// What the specification says.
    rule: &'static str,
    /// Breaks it in the base document.
    mutate: fn(&mut Value),
    /// The reading.
    reading: Reading,
    /// The pointer the diagnostic names (a prefix of it).
    pointer: &'static str,
    /// What its message says.
    says: &'static str,
}

/// A small valid document: one operation with a path parameter, a query parameter, a JSON body
/// and a response referring to a component.
fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Base", "version": "1.0.0"},
        "paths": {
            "/pets/{id}": {
                "post": {
                    "operationId": "updatePet",
                    "tags": ["pets"],
                    "parameters": [
                        {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 50},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "age": {"type": "integer", "minimum": 0}
                    }
                },
                "Status": {"type": "string", "enum": ["available", "sold"]}
            }
        }
    })
}

fn op(doc: &mut Value) -> &mut Value {
    &mut doc["paths"]["/pets/{id}"]["post"]
}

fn pet(doc: &mut Value) -> &mut Value {
    &mut doc["components"]["schemas"]["Pet"]
}

const RULES: &[Rule] = &[
    Rule {
        rule: "an event stream's schema describes one event's data",
        mutate: |d| {
            op(d)["responses"]["200"]["content"] = json!({"text/event-stream": {"schema": {
                "type": "object",
                "properties": {
                    "event": {"type": "string"},
                    "data": {"$ref": "#/components/schemas/Pet"}
                }
            }}});
        },
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/responses/200/content/text~1event-stream/schema",
        says: "read as the schema of the `data` property",
    },
    Rule {
        rule: "a response has a `description`",
        mutate: |d| {
            op(d)["responses"]["200"]
                .as_object_mut()
                .unwrap()
                .remove("description");
        },
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/responses/200/description",
        says: "read as empty",
    },
    Rule {
        rule: "an operation has `responses`",
        mutate: |d| {
            op(d).as_object_mut().unwrap().remove("responses");
        },
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/responses",
        says: "one `default` response",
    },
    Rule {
        rule: "`info` has a `title` and a `version`",
        mutate: |d| {
            d["info"].as_object_mut().unwrap().remove("title");
        },
        reading: Reading::Warning,
        pointer: "/info/title",
        says: "read as `API`",
    },
    Rule {
        rule: "a path parameter is `required: true`",
        mutate: |d| op(d)["parameters"][0]["required"] = json!(false),
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/parameters/0/required",
        says: "read as required",
    },
    Rule {
        rule: "a header parameter's style is `simple`",
        mutate: |d| op(d)["parameters"][1]["style"] = json!("form"),
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/parameters/1/style",
        says: "read as `simple`",
    },
    Rule {
        rule: "boolean fields are booleans",
        mutate: |d| op(d)["parameters"][1]["required"] = json!("True"),
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/parameters/1/required",
        says: "read as `true`",
    },
    Rule {
        rule: "`required` is a boolean",
        mutate: |d| op(d)["parameters"][1]["required"] = json!("optional"),
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/parameters/1/required",
        says: "read as `false`",
    },
    Rule {
        rule: "a `$ref` to `#/$defs/X` needs a root `$defs` entry",
        mutate: |d| pet(d)["properties"]["status"] = json!({"$ref": "#/$defs/Status"}),
        reading: Reading::Warning,
        pointer: "/components/schemas/Pet/properties/status/$ref",
        says: "read as the component schema `Status`",
    },
    Rule {
        rule: "a `$ref` to `#/$defs/X` points to a schema",
        mutate: |d| pet(d)["properties"]["status"] = json!({"$ref": "#/$defs/Gone"}),
        reading: Reading::Degraded,
        pointer: "/components/schemas/Pet/properties/status/$ref",
        says: "points to nothing",
    },
    Rule {
        rule: "a parameter has a `schema` or `content` (Swagger 2.0 puts `type` beside `in`)",
        mutate: |d| {
            op(d)["parameters"].as_array_mut().unwrap().push(
                json!({"name": "limit", "in": "query", "type": "integer", "format": "int32"}),
            );
        },
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/parameters/2/schema",
        says: "Swagger 2.0",
    },
    Rule {
        rule: "`in` is path, query, header or cookie (Swagger 2.0's `formData`)",
        mutate: |d| {
            let op = op(d).as_object_mut().unwrap();
            op.remove("requestBody");
            op["parameters"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "photo", "in": "formData", "type": "file", "required": true}));
        },
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/parameters/2",
        says: "`in: formData`",
    },
    Rule {
        rule: "`in` is path, query, header or cookie (Swagger 2.0's `body`)",
        mutate: |d| {
            let op = op(d).as_object_mut().unwrap();
            op.remove("requestBody");
            op["parameters"].as_array_mut().unwrap().push(json!({
                "name": "pet", "in": "body", "required": true,
                "schema": {"$ref": "#/components/schemas/Pet"}
            }));
        },
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/parameters/2",
        says: "`in: body`",
    },
    Rule {
        rule: "a schema `$ref` points to a schema",
        mutate: |d| pet(d)["properties"]["status"] = json!({"$ref": "#/components/schemas/Gone"}),
        reading: Reading::Degraded,
        pointer: "/components/schemas/Pet/properties/status/$ref",
        says: "points to nothing",
    },
    Rule {
        rule: "a discriminator mapping points to a schema",
        mutate: |d| {
            d["components"]["schemas"]["Either"] = json!({
                "oneOf": [{"$ref": "#/components/schemas/Pet"}],
                "discriminator": {"propertyName": "name", "mapping": {"cat": "#/components/schemas/Cat"}}
            });
            pet(d)["properties"]["other"] = json!({"$ref": "#/components/schemas/Either"});
        },
        reading: Reading::Warning,
        pointer: "/components/schemas/Either/discriminator/mapping/cat",
        says: "dropped",
    },
    Rule {
        rule: "a response `$ref` points to a response",
        mutate: |d| op(d)["responses"]["404"] = json!({"$ref": "#/components/responses/NotFound"}),
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/responses/404/$ref",
        says: "without a body",
    },
    Rule {
        rule: "a parameter `$ref` points to a parameter",
        mutate: |d| {
            op(d)["parameters"]
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/components/parameters/Nope"}));
        },
        reading: Reading::Warning,
        pointer: "/paths/~1pets~1{id}/post/parameters/2/$ref",
        says: "left out",
    },
    Rule {
        rule: "`required` is a list of property names",
        mutate: |d| pet(d)["required"] = json!("name"),
        reading: Reading::Warning,
        pointer: "/components/schemas/Pet/required",
        says: "read as `[name]`",
    },
    Rule {
        rule: "`type` is one of the seven JSON Schema types",
        mutate: |d| pet(d)["properties"]["age"]["type"] = json!("long"),
        reading: Reading::Warning,
        pointer: "/components/schemas/Pet/properties/age/type",
        says: "read as `type: integer, format: int64`",
    },
    Rule {
        rule: "`type` is a type (an unknown word has no reading)",
        mutate: |d| pet(d)["properties"]["age"]["type"] = json!("whatever"),
        reading: Reading::Degraded,
        pointer: "/components/schemas/Pet/properties/age/type",
        says: "kept as `serde_json::Value`",
    },
    Rule {
        rule: "counts (`maxLength`, `minItems`, ...) are non-negative integers",
        mutate: |d| pet(d)["properties"]["name"]["maxLength"] = json!(50.5),
        reading: Reading::Warning,
        pointer: "/components/schemas/Pet/properties/name/maxLength",
        says: "read as 50",
    },
    Rule {
        rule: "an integer bound is an integer",
        mutate: |d| pet(d)["properties"]["age"]["minimum"] = json!(0.5),
        reading: Reading::Warning,
        pointer: "/components/schemas/Pet/properties/age/minimum",
        says: "read as 1",
    },
    Rule {
        rule: "an enum beside `allOf: [$ref]` restates the reference (Swashbuckle)",
        mutate: |d| {
            pet(d)["properties"]["status"] = json!({
                "allOf": [{"$ref": "#/components/schemas/Status"}],
                "type": "string",
                "enum": ["available", "sold"]
            });
        },
        reading: Reading::Warning,
        pointer: "/components/schemas/Pet/properties/status",
        says: "read as the reference",
    },
    Rule {
        rule: "operationIds are unique",
        mutate: |d| {
            let copy = op(d).clone();
            d["paths"]["/pets"] = json!({"post": copy});
        },
        reading: Reading::Warning,
        pointer: "/paths/~1pets/post",
        says: "is already used",
    },
    Rule {
        rule: "a discriminator tells its alternatives apart",
        mutate: |d| {
            d["components"]["schemas"]["Either"] = json!({
                "oneOf": [
                    {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "a": {"type": "string"}}},
                    {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, "b": {"type": "integer"}}}
                ],
                "discriminator": {"propertyName": "kind"}
            });
            pet(d)["properties"]["other"] = json!({"$ref": "#/components/schemas/Either"});
        },
        reading: Reading::Warning,
        pointer: "/components/schemas/Either/discriminator",
        says: "read by the alternatives' shapes",
    },
    Rule {
        rule: "a `$ref` to a component points inside this document (a remote one is never fetched)",
        mutate: |d| {
            pet(d)["properties"]["status"] = json!({"$ref": "https://example.com/s.yaml#/S"})
        },
        reading: Reading::Error,
        pointer: "/components/schemas/Pet/properties/status",
        says: "https://example.com/s.yaml",
    },
];

/// Runs the generator on `doc` the way `apigen generate --all` does, catching panics.
fn generate(doc: &Value, name: &str) -> Result<Result<apigen::Generated, apigen::Error>, String> {
    let text = serde_json::to_string_pretty(doc).unwrap();
    let name = name.to_owned();
    std::panic::catch_unwind(move || {
        let spec = apigen::parse(&format!("{name}.json"), &text)?;
        let config = apigen::Config::standalone(
            &format!("{name}.json"),
            &name,
            apigen::config::Selection::all(),
        );
        apigen::generate(&spec, &config)
    })
    .map_err(|_| "the generator panicked".to_owned())
}

/// Checks one mutant: the reading expected, at the pointer expected. The generated files of a
/// mutant that generates, for the batch compile.
fn check(
    label: &str,
    doc: &Value,
    stem: &str,
    reading: Reading,
    pointer: &str,
    says: &str,
    failures: &mut Vec<String>,
) -> Option<apigen::Generated> {
    match (generate(doc, stem), reading) {
        (Err(panic), _) => failures.push(format!("{label}: {panic}")),
        (Ok(Err(err)), _) if err.is_internal() => {
            failures.push(format!("{label}: a generator bug: {err}"));
        }
        (Ok(Err(err)), Reading::Error) => {
            let text = err.to_string();
            if !text.contains(says) || !text.contains(pointer) {
                failures.push(format!(
                    "{label}: the error does not say {says:?} at {pointer}:\n{text}"
                ));
            }
        }
        (Ok(Err(err)), _) => failures.push(format!("{label}: refused, expected a reading:\n{err}")),
        (Ok(Ok(_)), Reading::Error) => {
            failures.push(format!("{label}: generated, expected an error"))
        }
        (Ok(Ok(generated)), reading) => {
            let severity = match reading {
                Reading::Warning => Severity::Warning,
                _ => Severity::Degraded,
            };
            let found = generated.diagnostics.iter().any(|d| {
                d.severity == severity && d.pointer.starts_with(pointer) && d.message.contains(says)
            });
            if !found {
                let said: Vec<String> = generated
                    .diagnostics
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                failures.push(format!(
                    "{label}: no {severity:?} at {pointer} saying {says:?}; said:\n  {}",
                    said.join("\n  ")
                ));
            }
            return Some(generated);
        }
    }
    None
}

/// A generic mutation: where in a document it applies (if anywhere), and what it must produce.
struct Mutation {
    name: &'static str,
    /// Breaks one rule in `doc`; the pointer of the place, or `None` when the document has no
    /// such place.
    apply: fn(&mut Value) -> Option<String>,
    reading: Reading,
    says: &'static str,
}

/// The first operation of a document: its pointer and the object.
fn first_operation(doc: &mut Value) -> Option<(String, &mut serde_json::Map<String, Value>)> {
    let pointer = {
        let paths = doc.get("paths")?.as_object()?;
        paths.iter().find_map(|(path, item)| {
            ["get", "post", "put", "patch", "delete"]
                .into_iter()
                .find(|method| item.get(*method).is_some_and(Value::is_object))
                .map(|method| {
                    format!(
                        "/paths/{}/{method}",
                        path.replace('~', "~0").replace('/', "~1")
                    )
                })
        })?
    };
    let op = doc.pointer_mut(&pointer)?.as_object_mut()?;
    Some((pointer, op))
}

/// The first component schema property that is a `$ref`: its pointer and the value.
fn first_ref_property(doc: &mut Value) -> Option<(String, &mut Value)> {
    let pointer = {
        let schemas = doc.pointer("/components/schemas")?.as_object()?;
        schemas.iter().find_map(|(name, schema)| {
            let properties = schema.get("properties")?.as_object()?;
            properties
                .iter()
                .find(|(_, value)| value.get("$ref").is_some())
                .map(|(property, _)| {
                    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
                    format!(
                        "/components/schemas/{}/properties/{}",
                        escape(name),
                        escape(property)
                    )
                })
        })?
    };
    let value = doc.pointer_mut(&pointer)?;
    Some((pointer, value))
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        name: "delete a required field (a response's description)",
        apply: |doc| {
            let (pointer, op) = first_operation(doc)?;
            let responses = op.get_mut("responses")?.as_object_mut()?;
            let (status, response) = responses
                .iter_mut()
                .find(|(_, r)| r.get("description").is_some())?;
            response.as_object_mut()?.remove("description");
            Some(format!("{pointer}/responses/{status}/description"))
        },
        reading: Reading::Warning,
        says: "description",
    },
    Mutation {
        name: "point a `$ref` at nothing",
        apply: |doc| {
            let (pointer, value) = first_ref_property(doc)?;
            *value = json!({"$ref": "#/components/schemas/MutantNothing"});
            Some(format!("{pointer}/$ref"))
        },
        reading: Reading::Degraded,
        says: "points to nothing",
    },
    Mutation {
        name: "insert a Swagger 2.0 construct (a formData file)",
        apply: |doc| {
            let (pointer, op) = first_operation(doc)?;
            op.remove("requestBody");
            let params = op.entry("parameters").or_insert_with(|| json!([]));
            let params = params.as_array_mut()?;
            params.push(json!({"name": "mutantFile", "in": "formData", "type": "file"}));
            Some(format!("{pointer}/parameters/{}", params.len() - 1))
        },
        reading: Reading::Warning,
        says: "formData",
    },
    Mutation {
        name: "change a keyword's type (a boolean as a word)",
        apply: |doc| {
            let (pointer, op) = first_operation(doc)?;
            op.insert("deprecated".to_owned(), json!("false"));
            let params = op.entry("parameters").or_insert_with(|| json!([]));
            let params = params.as_array_mut()?;
            params.push(json!({"name": "mutantFlag", "in": "query", "required": "no", "schema": {"type": "boolean"}}));
            Some(format!(
                "{pointer}/parameters/{}/required",
                params.len() - 1
            ))
        },
        reading: Reading::Warning,
        says: "not a boolean",
    },
    Mutation {
        name: "change a keyword's type (a type by another name)",
        apply: |doc| {
            let (pointer, value) = first_ref_property(doc)?;
            *value = json!({"type": "Integer", "maxLength": 3.0});
            Some(format!("{pointer}/type"))
        },
        reading: Reading::Warning,
        says: "not an OpenAPI type",
    },
    Mutation {
        name: "duplicate a name (an operationId)",
        apply: |doc| {
            let (_, op) = first_operation(doc)?;
            op.get("operationId")?;
            let copy = Value::Object(op.clone());
            let paths = doc.get_mut("paths")?.as_object_mut()?;
            paths.insert("/mutant-copy".to_owned(), json!({"get": copy}));
            Some("/paths/~1mutant-copy/get".to_owned())
        },
        reading: Reading::Warning,
        says: "is already used",
    },
    Mutation {
        name: "empty a name (an operationId)",
        apply: |doc| {
            let (pointer, op) = first_operation(doc)?;
            op.insert("operationId".to_owned(), json!(""));
            Some(pointer)
        },
        reading: Reading::Warning,
        says: "no operationId",
    },
    Mutation {
        name: "repeat an enum beside a `$ref`",
        apply: |doc| {
            let (pointer, value) = first_ref_property(doc)?;
            let reference = value.get("$ref")?.clone();
            *value = json!({"allOf": [{"$ref": reference}], "enum": ["a", "b"], "type": "string"});
            Some(pointer)
        },
        reading: Reading::Warning,
        says: "read as the reference",
    },
];

/// The valid documents the mutations break.
fn fixtures() -> Vec<(String, Value)> {
    let root = tests::root();
    let mut out = vec![("base".to_owned(), base())];
    for path in [
        "tests/specs/constructs.yaml",
        "tests/specs/collisions.yaml",
        "tests/specs/openapi31.yaml",
        "examples/petstore/petstore.yaml",
        "../shared/specs/corpus/v3.1/museum.yaml",
    ] {
        // The document as the generator reads it: valid, whatever quirks it had.
        let spec = apigen::load(&root.join(path), path).unwrap_or_else(|e| panic!("{e}"));
        let value = serde_json::to_value(&spec.document).unwrap();
        let stem = Path::new(path)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        out.push((stem, value));
    }
    out
}

#[test]
fn every_rule_reads_as_the_table_says_and_every_mutant_compiles() {
    let mut failures = Vec::new();
    let mut generated = Vec::new();
    for (index, rule) in RULES.iter().enumerate() {
        let mut doc = base();
        (rule.mutate)(&mut doc);
        let stem = format!("rule{index}");
        let label = format!("rule {index} ({})", rule.rule);
        if let Some(output) = check(
            &label,
            &doc,
            &stem,
            rule.reading,
            rule.pointer,
            rule.says,
            &mut failures,
        ) {
            generated.push((stem, output));
        }
    }
    let mut mutants = 0;
    for (fixture, document) in fixtures() {
        for (index, mutation) in MUTATIONS.iter().enumerate() {
            let mut doc = document.clone();
            let Some(pointer) = (mutation.apply)(&mut doc) else {
                continue;
            };
            mutants += 1;
            let stem = format!("m-{fixture}-{index}");
            let label = format!("{fixture}: {}", mutation.name);
            if let Some(output) = check(
                &label,
                &doc,
                &stem,
                mutation.reading,
                &pointer,
                mutation.says,
                &mut failures,
            ) {
                generated.push((stem, output));
            }
        }
    }
    // The README's figures: every rule a row, every mutation applied to every fixture it fits.
    assert_eq!(
        RULES.len(),
        26,
        "the README's tolerance table counts 26 rules"
    );
    assert_eq!(mutants, 48, "the README counts 48 mutants");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    compile_all(&generated);
}

/// Writes every generated workspace under one `target/tolerance/` workspace and checks it with
/// warnings denied, sharing the dependencies the other compile tests build.
fn compile_all(generated: &[(String, apigen::Generated)]) {
    let root = tests::root();
    let out: PathBuf = root.join("target/tolerance");
    let mut members = Vec::new();
    for (stem, output) in generated {
        for file in &output.files {
            if file.path == "Cargo.toml" {
                continue;
            }
            let path = out.join(stem).join(&file.path);
            if std::fs::read_to_string(&path).is_ok_and(|current| current == file.contents) {
                continue;
            }
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &file.contents).unwrap();
        }
        for dir in &output.owned_dirs {
            members.push(format!("    \"{stem}/{dir}\",\n"));
        }
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [\n{}]\n",
        members.concat()
    );
    std::fs::write(out.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["check", "--workspace", "--quiet"])
        .current_dir(&out)
        .env(
            "CARGO_TARGET_DIR",
            root.join("target/authentik-full/target"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the mutants' crates do not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
