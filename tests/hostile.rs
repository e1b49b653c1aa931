//! A corpus of small hostile documents: each gets a precise error (or a documented, compiling
//! disambiguation), never a panic, a hang or an internal error.

use apigen::config::Selection;

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn all() -> Selection {
    Selection {
        all: true,
        ..Default::default()
    }
}

/// Parses and generates `text`; the error's text, or the generated output.
fn run(text: &str) -> Result<apigen::Generated, String> {
    let spec = apigen::parse("hostile.yaml", text).map_err(|e| {
        assert!(
            !e.is_internal(),
            "a bad document is not an internal error: {e}"
        );
        e.to_string()
    })?;
    let config = apigen::Config::standalone("hostile.yaml", "hostile", all());
    apigen::generate(&spec, &config).map_err(|e| {
        assert!(
            !e.is_internal(),
            "a bad document is not an internal error: {e}"
        );
        e.to_string()
    })
}

fn error(text: &str) -> String {
    match run(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(message) => message,
    }
}

fn assert_contains(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "{part:?} not in:\n{message}");
    }
}

#[test]
fn malformed_documents() {
    assert_contains(&error(""), &["hostile.yaml", "empty"]);
    assert_contains(&error("  \n\n"), &["empty"]);
    assert_contains(&error("openapi: 3.0.3\ninfo: [\n"), &["hostile.yaml:"]);
    assert_contains(
        &error(r#"{"openapi": "3.0.3", "info": }"#),
        &["hostile.yaml:1:"],
    );
    assert_contains(
        &error(&format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses: 7\n"
        )),
        &["/paths/~1a/get/responses"],
    );
}

#[test]
fn unsupported_versions_say_which_are_supported() {
    let swagger = error("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_contains(&swagger, &["Swagger 2.0", "3.0"]);
    let json_swagger = error(r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}}"#);
    assert_contains(&json_swagger, &["Swagger 2.0"]);
    let v32 = error("openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_contains(&v32, &["3.2.0", "3.0.x and 3.1.x"]);
}

#[test]
fn non_utf8_files_are_refused() {
    let path = std::env::temp_dir().join(format!("hostile-{}.yaml", std::process::id()));
    std::fs::write(
        &path,
        b"openapi: 3.0.3\ninfo: {title: \"\xff\xfe\", version: '1'}\n",
    )
    .unwrap();
    let err = apigen::load(&path, "hostile.yaml").unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(!err.is_internal());
    assert_contains(&err.to_string(), &["hostile.yaml", "UTF-8"]);
}

#[test]
fn alias_bombs_and_deep_nesting_are_bounded() {
    let mut bomb = format!(
        "{HEAD}paths: {{}}\nx-bomb:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    );
    let mut previous = 'a';
    for name in "bcdefghi".chars() {
        let items = vec![format!("*{previous}"); 9].join(", ");
        bomb.push_str(&format!("  {name}: &{name} [{items}]\n"));
        previous = name;
    }
    assert_contains(&error(&bomb), &["repetition limit"]);
    let deep = format!(
        "{HEAD}paths: {{}}\nx-deep: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert_contains(&error(&deep), &["recursion limit"]);
}

fn one_op(responses: &str, components: &str) -> String {
    format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n{responses}components:\n  schemas:\n{components}"
    )
}

#[test]
fn bad_references() {
    let body = |schema: &str| {
        format!(
            "        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\n"
        )
    };
    // A reference to nothing is read as any value, and said at its pointer.
    let missing = run(&one_op(
        &body("{$ref: '#/components/schemas/Nope'}"),
        "    A: {type: string}\n",
    ))
    .unwrap();
    let said: Vec<String> = missing
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        said.iter().any(|d| d.starts_with("degraded: #/paths/~1a/get/responses/200/content/application~1json/schema/$ref: `$ref: #/components/schemas/Nope` points to nothing")),
        "{said:#?}"
    );
    let external = error(&one_op(
        &body("{$ref: 'other.yaml#/components/schemas/A'}"),
        "    A: {type: string}\n",
    ));
    assert_contains(&external, &["other.yaml"]);
    let cycle = error(&one_op(
        &body("{$ref: '#/components/schemas/A'}"),
        "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
    ));
    assert_contains(&cycle, &["#/components/schemas/"]);
    // Recursion through a property is a valid type: it is boxed.
    let generated = run(&one_op(
        &body("{$ref: '#/components/schemas/Node'}"),
        "    Node:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n",
    ))
    .unwrap();
    let models = generated
        .files
        .iter()
        .find(|f| f.path == "hostile-models/src/generated.rs")
        .unwrap();
    assert!(
        models.contents.contains("::std::boxed::Box<crate::Node>"),
        "{}",
        models.contents
    );
}

#[test]
fn operations_ids_and_path_templates() {
    // Quirks with one reading are read that way and reported as warnings.
    let warnings = |generated: &apigen::Generated| -> Vec<String> {
        generated
            .diagnostics
            .iter()
            .filter(|d| d.severity == apigen::Severity::Warning)
            .map(ToString::to_string)
            .collect()
    };
    let twice = run(&format!(
        "{HEAD}paths:\n  /a:\n    get: {{operationId: same, responses: {{'204': {{description: ok}}}}}}\n  /b:\n    get: {{operationId: same, responses: {{'204': {{description: ok}}}}}}\n"
    ))
    .unwrap();
    assert_eq!(twice.operations, 2);
    assert_eq!(
        warnings(&twice),
        [
            "warning: #/paths/~1b/get: operationId `same` is already used by `#/paths/~1a/get`; this one is named `same_2`"
        ]
    );
    let client = tests::file(&twice, "hostile-client/src/generated/untagged.rs");
    assert!(client.contains("pub fn same_2<'a>("), "{client}");
    let derived = run(&format!(
        "{HEAD}paths:\n  /things/{{id}}:\n    get:\n      parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
    ))
    .unwrap();
    assert_eq!(derived.operations, 1);
    assert_eq!(
        warnings(&derived),
        [
            "warning: #/paths/~1things~1{id}/get: operation has no operationId; named `get_things_id` after its method and path"
        ]
    );
    let undeclared = run(&format!(
        "{HEAD}paths:\n  /things/{{id}}:\n    get: {{operationId: a, responses: {{'204': {{description: ok}}}}}}\n"
    ))
    .unwrap();
    assert_contains(
        &warnings(&undeclared).join("\n"),
        &["{id}", "no parameter declares", "required string"],
    );
    let client = tests::file(&undeclared, "hostile-client/src/generated/untagged.rs");
    assert!(client.contains("id: &'a str"), "{client}");
    let unused = run(&format!(
        "{HEAD}paths:\n  /things:\n    get:\n      operationId: a\n      parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]\n      responses: {{'204': {{description: ok}}}}\n"
    ))
    .unwrap();
    assert_contains(
        &warnings(&unused).join("\n"),
        &["`id`", "does not appear", "not generated"],
    );
    let unclosed = error(&format!(
        "{HEAD}paths:\n  /things/{{id:\n    get: {{operationId: a, responses: {{'204': {{description: ok}}}}}}\n"
    ));
    assert_contains(&unclosed, &["unclosed"]);
}

#[test]
fn colliding_and_awkward_names_are_disambiguated_deterministically() {
    let text = std::fs::read_to_string(tests::root().join("tests/specs/names.yaml")).unwrap();
    let first = run(&text).unwrap();
    let second = run(&text).unwrap();
    assert_eq!(first.files, second.files, "deterministic");
    let find = |suffix: &str| {
        first
            .files
            .iter()
            .find(|f| f.path.ends_with(suffix))
            .map(|f| f.contents.clone())
            .unwrap()
    };
    // Names the emitters invent are claimed like the others: the page walker of `list` is
    // not the operation `list_stream`, and each scheme list has its own constant.
    let client = find("hostile-client/src/generated/untagged.rs");
    assert!(client.contains("pub fn list_stream<'a>(\n"), "{client}");
    assert!(client.contains("pub fn list_stream2"), "{client}");
    let root = find("hostile-client/src/generated/mod.rs");
    assert!(
        root.contains("AUTH_API_KEY:") && root.contains("AUTH_API_KEY2:"),
        "{root}"
    );
    let models = find("hostile-models/src/generated.rs");
    for expected in [
        "pub struct Foo ",
        "pub struct Foo2 ",
        "pub foo_bar:",
        "pub foo_bar2:",
        "pub type_:",
        "pub _2fa:",
        // Names of the std prelude would shadow it for `use models::*` users: they give way.
        "pub enum Option2 ",
        "pub struct Result2 ",
        "pub type Box2 = ::std::string::String;",
        "V1_1",
        "V6",
    ] {
        assert!(models.contains(expected), "{expected:?} not in:\n{models}");
    }
    let client = find("hostile-client/src/generated/untagged.rs");
    assert!(client.contains("pub fn get_foo<'a>("), "{client}");
    assert!(client.contains("pub fn get_foo2<'a>("), "{client}");
}

/// Every file of `tests/specs/hostile/`: the lines `# expect: <text>` at its top name what its
/// error must say (`# expect: ok` when it must generate). Regression inputs found by fuzzing go
/// there.
#[test]
fn corpus() {
    let dir = tests::root().join("tests/specs/hostile");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the corpus is missing: {}", dir.display());
    let mut mismatches = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|line| line.strip_prefix("# expect: "))
            .collect();
        assert!(
            !expected.is_empty(),
            "{}: no `# expect:` line",
            path.display()
        );
        let name = path.file_name().unwrap().to_string_lossy();
        match (run(&text), expected.as_slice()) {
            (Ok(_), ["ok"]) => {}
            // A document with one sensible reading generates, and a diagnostic says which.
            (Ok(generated), _) => {
                let said: Vec<String> = generated
                    .diagnostics
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                for part in &expected {
                    if !said.iter().any(|d| d.contains(part)) {
                        mismatches.push(format!(
                            "{name}: generated, and no diagnostic says {part:?}:\n{}",
                            said.join("\n")
                        ));
                    }
                }
            }
            (Err(message), _) => {
                for part in &expected {
                    if !message.contains(part) {
                        mismatches.push(format!("{name}: {part:?} not in:\n{message}"));
                    }
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

/// Loads and generates the document at `path` (relative to the workspace root).
fn run_file(path: &str) -> Result<apigen::Generated, String> {
    let spec = apigen::load(&tests::root().join(path), path).map_err(|e| {
        assert!(
            !e.is_internal(),
            "a bad document is not an internal error: {e}"
        );
        e.to_string()
    })?;
    let config = apigen::Config::standalone(path, "multi", all());
    apigen::generate(&spec, &config).map_err(|e| e.to_string())
}

#[test]
fn multi_file_documents_bundle_into_one() {
    let path = "tests/specs/multifile/openapi.yaml";
    let spec = apigen::load(&tests::root().join(path), path).unwrap_or_else(|e| panic!("{e}"));
    // Every file read once, named as the root is.
    for file in [
        "tests/specs/multifile/docs/pets.md",
        "tests/specs/multifile/models/pet.yml",
        "tests/specs/multifile/models/owner.yml",
        "tests/specs/multifile/shared/errors.yml",
    ] {
        assert!(
            spec.sources.iter().any(|s| s == file),
            "{file} not in {:?}",
            spec.sources
        );
    }
    let doc = &spec.document;
    // A tag's description in a Markdown file is its text.
    assert_eq!(
        doc.tags[0].description.as_deref(),
        Some("Pets: the animals the kennel keeps.\n")
    );
    // Schemas become components named after their component name or their file; a component
    // that is a reference to a file keeps its own name; a bare scalar is copied in place.
    let names: Vec<&str> = doc
        .components
        .as_ref()
        .unwrap()
        .schemas
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["Pet", "status", "owner", "Error"]);
    let generated = run_file(path).unwrap();
    assert_eq!(generated.operations, 2);
    let models = tests::file(&generated, "multi-models/src/generated.rs");
    for expected in [
        "pub struct Pet ",
        "pub struct Owner ",
        "pub enum Status ",
        "pub owner: ::std::option::Option<crate::Owner>",
        "pub pets: ::std::option::Option<::std::vec::Vec<crate::Pet>>",
        "pub id: i64",
    ] {
        assert!(models.contains(expected), "{expected:?} not in:\n{models}");
    }
}

#[test]
fn multi_file_errors_name_the_referring_file_and_pointer() {
    let schema = "#/paths/~1a/get/responses/200/content/application~1json/schema/$ref";
    let dir = "tests/specs/multifile-errors";
    for (case, parts) in [
        (
            "missing",
            vec![
                "missing/openapi.yaml",
                schema,
                "models/nothing.yml",
                "cannot be read",
            ],
        ),
        (
            "outside",
            vec![
                "outside/openapi.yaml",
                schema,
                "outside the document's folder",
            ],
        ),
        (
            "remote",
            vec!["remote/openapi.yaml", schema, "never fetched"],
        ),
        (
            "fragment",
            vec![
                "fragment/openapi.yaml",
                schema,
                "`#/Nothing` points at nothing",
                "fragment/models.yml",
            ],
        ),
        ("cycle", vec!["cycle/b.yml", "#/$ref", "cycle"]),
    ] {
        let message = match run_file(&format!("{dir}/{case}/openapi.yaml")) {
            Ok(_) => panic!("{case}: expected an error"),
            Err(message) => message,
        };
        assert_contains(&message, &parts);
    }
    // A document held in memory has no folder to read other files from.
    let message = error(&format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: models/pet.yml\n"
    ));
    assert_contains(&message, &["models/pet.yml"]);
}

/// Names built from names (`tests/specs/collisions.yaml`) are built from the parts, never by
/// pasting an escaped name: no doubled `_`, no keyword escape or digit prefix in the middle.
#[test]
fn names_derived_from_names_stay_valid() {
    let generated = tests::generate_spec("tests/specs/collisions.yaml");
    let server: String = generated
        .files
        .iter()
        .filter(|f| f.path.starts_with("collisions-server/src/generated/"))
        .map(|f| f.contents.as_str())
        .collect();
    for expected in [
        "async fn handle_3gpp_registration<",
        "pub fn enum_routes<",
        "pub fn type_routes<",
        "pub fn _3d_routes<",
        "async fn handle_self<",
        "pub enum SelfResponse {",
        "pub enum T3gppRegistrationResponse {",
    ] {
        assert!(server.contains(expected), "{expected:?} not in the server");
    }
    let client = tests::crate_sources(&generated, "collisions-client");
    assert!(client.contains("pub fn type_stream<"), "{client}");
    for file in &generated.files {
        let doubled = file
            .contents
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|w| w.contains("__") && !w.starts_with("__"));
        assert_eq!(doubled, None, "{}: a name doubles an underscore", file.path);
    }
    // What the two discriminators could not tell apart is read by shape, and said once each.
    let said: Vec<&str> = generated
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("read by the alternatives' shapes"))
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(
        said,
        [
            "/components/schemas/Blob/discriminator",
            "/components/schemas/Event/discriminator"
        ]
    );
}
