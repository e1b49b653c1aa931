//! The `apigen` command as users run it: every command and flag, exit codes and messages.

use std::path::Path;
use std::process::{Command, Output};

fn apigen(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn codegen(spec: &str, text: &[u8]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(spec), text).unwrap();
    let out = apigen(
        &["generate", "--spec", spec, "--out", "out", "--all"],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code(), stderr)
}

#[test]
fn bad_documents_exit_with_2_and_say_where() {
    let (code, stderr) = codegen("broken.yaml", b"openapi: 3.0.3\ninfo: [\n");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("broken.yaml:"), "{stderr}");

    // A value that fits nowhere: refused at its line, column and pointer.
    let (code, stderr) = codegen(
        "bad.yaml",
        b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      deprecated: [1]\n      responses: {'200': {description: ok}}\n",
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.yaml:7:19: at #/paths/~1a/get/deprecated"),
        "{stderr}"
    );

    // A reference to nothing has a reading (any value), degraded: generated, and refused only
    // with --deny-degraded.
    let refs = b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n";
    let (code, stderr) = codegen("refs.yaml", refs);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("degraded: #/paths/~1a/get/responses/200"),
        "{stderr}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("refs.yaml"), refs).unwrap();
    let out = apigen(
        &[
            "generate",
            "--spec",
            "refs.yaml",
            "--out",
            "out",
            "--all",
            "--deny-degraded",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));

    let (code, stderr) = codegen("binary.yaml", b"\x00\xff\xfe garbage");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("UTF-8"), "{stderr}");

    // With --json, a refusal is one JSON object on stdout too: the error where it is, the code.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      deprecated: [1]\n      responses: {'200': {description: ok}}\n",
    )
    .unwrap();
    let out = apigen(
        &[
            "generate", "--spec", "bad.yaml", "--out", "out", "--all", "--json",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(json["ok"], false);
    assert_eq!(json["exit_code"], 2);
    assert_eq!(json["error"]["file"], "bad.yaml");
    assert_eq!(json["error"]["line"], 7);
    assert_eq!(json["error"]["pointer"], "/paths/~1a/get/deprecated");
}

#[test]
fn a_missing_document_exits_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = apigen(
        &["generate", "--spec", "nope.yaml", "--out", "out", "--all"],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nope.yaml"), "{stderr}");
}

#[test]
fn a_good_document_exits_with_0_and_writes_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ok.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses: {'204': {description: ok}}\n",
    )
    .unwrap();
    let out = apigen(
        &["generate", "--spec", "ok.yaml", "--out", "out", "--all"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("out/Cargo.toml").exists());
    // Messages name the document as typed; generated headers relative to the output.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("ok.yaml: 1 operation"), "{stderr}");
    let header = std::fs::read_to_string(dir.path().join("out/Cargo.toml")).unwrap();
    assert!(
        header.starts_with("# @generated by apigen from ../ok.yaml."),
        "{header}"
    );
}

#[test]
fn check_sees_a_change_in_any_file_of_a_multi_file_document() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "spec/openapi.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      $ref: paths/a.yml\n",
    );
    write(
        "spec/paths/a.yml",
        "operationId: a\nresponses:\n  '200':\n    description: ok\n    content:\n      application/json:\n        schema: {$ref: ../models/thing.yml}\n",
    );
    write(
        "spec/models/thing.yml",
        "type: object\nproperties:\n  name: {type: string}\n",
    );
    let args = [
        "generate",
        "--spec",
        "spec/openapi.yaml",
        "--out",
        "out",
        "--all",
    ];
    let out = apigen(&args, dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let models = std::fs::read_to_string(dir.path().join("out/t-models/src/generated.rs")).unwrap();
    assert!(models.contains("pub struct Thing "), "{models}");
    let check: Vec<&str> = ["check"]
        .into_iter()
        .chain(args.iter().copied().skip(1))
        .collect();
    let out = apigen(&check, dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A property added in a file the root does not name directly: the check fails with a diff.
    write(
        "spec/models/thing.yml",
        "type: object\nproperties:\n  name: {type: string}\n  size: {type: integer}\n",
    );
    let out = apigen(&check, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("+    pub size"), "{stderr}");
    assert!(
        stderr.contains("run `apigen generate --spec spec/openapi.yaml --out out --all`"),
        "{stderr}"
    );
}

const PETS: &str = r#"openapi: 3.0.3
info: {title: Pet Store, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
  /pets/{id}:
    delete:
      operationId: deletePet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses: {'204': {description: gone}}
  /store/inventory:
    get:
      operationId: inventory
      tags: [store]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Inventory'}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        weight: {type: number}
    Inventory:
      type: object
      properties:
        count: {type: integer}
    Error:
      type: object
      properties:
        message: {type: string}
    Vec:
      type: array
      items: {type: string}
"#;

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = apigen(args, dir);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn init_generate_check_from_a_config() {
    let dir = folder(&[("api/pets.yaml", PETS)]);
    let (code, _, stderr) = run(&["init", "--spec", "api/pets.yaml"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let config = read(dir.path(), "apigen.toml");
    assert!(config.contains("spec = \"api/pets.yaml\""), "{config}");
    assert!(config.contains("#   \"pets\": 2 operations"), "{config}");
    assert!(config.contains("#   \"store\": 1 operation"), "{config}");
    // init does not overwrite without --force.
    let (code, _, stderr) = run(&["init", "--spec", "api/pets.yaml"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    let (code, _, _) = run(&["init", "--spec", "api/pets.yaml", "--force"], dir.path());
    assert_eq!(code, 0);

    // `check` before anything was generated: every file is missing.
    let (code, _, stderr) = run(&["check"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("missing: pet-store-models/Cargo.toml"),
        "{stderr}"
    );
    assert!(stderr.contains("run `apigen generate`"), "{stderr}");

    let (code, _, stderr) = run(&["generate"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let models = read(dir.path(), "pet-store-models/src/generated.rs");
    // The header names the document as the config does, never by absolute path.
    assert!(
        models.starts_with("// @generated by apigen from api/pets.yaml."),
        "{models}"
    );
    // `Error` keeps its name in the models crate; `Vec` would shadow the prelude.
    assert!(models.contains("pub struct Error {"), "{models}");
    assert!(models.contains("pub type Vec2 ="), "{models}");
    // With `all`, component schemas no operation reaches are typed behind `components`.
    assert!(
        models.contains("#[cfg(feature = \"components\")]\n/// The values of")
            || models.contains("#[cfg(feature = \"components\")]"),
        "{models}"
    );
    let cargo = read(dir.path(), "pet-store-models/Cargo.toml");
    assert!(
        cargo.contains("components = [\"pets\", \"store\"]"),
        "{cargo}"
    );

    let (code, stdout, stderr) = run(&["check", "--json"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["up_to_date"], true);
    assert_eq!(summary["operations"], 3);

    // The document changes: check fails with a diff and the fixing command, generate fixes it.
    let changed = PETS.replace(
        "        weight: {type: number}",
        "        weight: {type: number}\n        tag: {type: string}",
    );
    std::fs::write(dir.path().join("api/pets.yaml"), changed).unwrap();
    let (code, _, stderr) = run(&["check"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("stale: pet-store-models/src/generated.rs"),
        "{stderr}"
    );
    assert!(stderr.contains("+    pub tag:"), "{stderr}");
    let (code, stdout, stderr) = run(&["generate", "--json"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        summary["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "wrote pet-store-models/src/generated.rs")
    );
    let (code, _, stderr) = run(&["check"], dir.path());
    assert_eq!(code, 0, "{stderr}");

    // A config that does not parse is refused with its line.
    std::fs::write(
        dir.path().join("bad.toml"),
        "spec = \"api/pets.yaml\"\n[select]\nal = true\n",
    )
    .unwrap();
    let (code, _, stderr) = run(&["generate", "--config", "bad.toml"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("bad.toml: line 3"), "{stderr}");
    let (code, _, stderr) = run(&["generate", "--config", "none.toml"], dir.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("apigen init"), "{stderr}");
}

#[test]
fn selection_flags_pick_operations() {
    let dir = folder(&[("pets.yaml", PETS)]);
    let generate = |extra: &[&str]| {
        let mut args = vec![
            "generate",
            "--spec",
            "pets.yaml",
            "--out",
            "out",
            "--name",
            "zoo",
        ];
        args.extend(extra);
        let (code, _, stderr) = run(&args, dir.path());
        assert_eq!(code, 0, "{extra:?}: {stderr}");
        let client = read(dir.path(), "out/zoo-client/src/generated/mod.rs");
        let mut client_all = client.clone();
        for module in ["pets", "store"] {
            if let Ok(text) = std::fs::read_to_string(
                dir.path()
                    .join(format!("out/zoo-client/src/generated/{module}.rs")),
            ) {
                client_all.push_str(&text);
            }
        }
        client_all
    };
    let all = generate(&["--all"]);
    assert!(all.contains("fn list_pets") && all.contains("fn inventory"));
    let tag = generate(&["--tag", "store"]);
    assert!(
        tag.contains("fn inventory") && !tag.contains("fn list_pets"),
        "{tag}"
    );
    let op = generate(&["--operation", "listPets"]);
    assert!(
        op.contains("fn list_pets") && !op.contains("fn delete_pet"),
        "{op}"
    );
    let path = generate(&["--path", "/pets/**", "--exclude-operation", "deletePet"]);
    assert!(
        path.contains("fn list_pets")
            && !path.contains("fn delete_pet")
            && !path.contains("fn inventory"),
        "{path}"
    );
    let excluded = generate(&["--all", "--exclude-tag", "pets"]);
    assert!(
        excluded.contains("fn inventory") && !excluded.contains("fn list_pets"),
        "{excluded}"
    );
    // Nothing selected is an error, not an empty crate.
    let (code, _, stderr) = run(
        &["generate", "--spec", "pets.yaml", "--out", "out"],
        dir.path(),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--all"), "{stderr}");
}

#[test]
fn strict_and_deny_degraded_refuse_quirks() {
    // No operationId: a warning; two union alternatives that read one value: a degradation.
    let quirky = "openapi: 3.0.3\ninfo: {title: q, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {oneOf: [{type: string}, {type: string, maxLength: 3}, {type: integer}]}\n";
    let dir = folder(&[("q.yaml", quirky)]);
    let base = ["generate", "--spec", "q.yaml", "--out", "out", "--all"];
    let (code, _, stderr) = run(&base, dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no operationId"), "{stderr}");
    let with = |flag: &str| {
        let mut args = base.to_vec();
        args.push(flag);
        run(&args, dir.path())
    };
    let (code, _, stderr) = with("--strict");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--strict"), "{stderr}");
    let (code, _, stderr) = with("--deny-degraded");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--deny-degraded"), "{stderr}");
    let (code, _, stderr) = with("--verbose");
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("/paths/~1a/get"), "{stderr}");
}

#[test]
fn list_shows_tags_operations_and_reach() {
    let dir = folder(&[("pets.yaml", PETS)]);
    let (code, stdout, stderr) = run(&["list", "--spec", "pets.yaml"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("tag pets: 2 operations, reaches 1 types"),
        "{stdout}"
    );
    assert!(stdout.contains("listPets  GET /pets"), "{stdout}");
    assert!(
        stdout.contains("reached by no operation (typed with `select.components`): Error, Vec"),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["list", "--spec", "pets.yaml", "--json"], dir.path());
    assert_eq!(code, 0);
    let listing: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(listing["tags"][1]["name"], "store");
    assert_eq!(listing["tags"][1]["types"][0], "Inventory");
    assert_eq!(
        listing["unreached_schemas"],
        serde_json::json!(["Error", "Vec"])
    );
}

#[test]
fn drift_reports_and_fails_on_breaking_changes() {
    let new = PETS.replace(
        "      required: [name]\n",
        "      required: [name, weight]\n",
    );
    let dir = folder(&[("old.yaml", PETS), ("new.yaml", &new)]);
    let (code, stdout, stderr) = run(&["drift", "old.yaml", "new.yaml"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("weight"), "{stdout}");
    let (code, stdout, _) = run(&["drift", "old.yaml", "new.yaml", "--json"], dir.path());
    assert_eq!(code, 0);
    assert!(
        serde_json::from_str::<serde_json::Value>(&stdout).is_ok(),
        "{stdout}"
    );
    let (code, _, stderr) = run(
        &["drift", "old.yaml", "new.yaml", "--fail-on", "breaking"],
        dir.path(),
    );
    assert_eq!(code, 1, "{stderr}");
    let (code, _, _) = run(
        &["drift", "old.yaml", "old.yaml", "--fail-on", "breaking"],
        dir.path(),
    );
    assert_eq!(code, 0);
}

/// The same document and config give the same bytes in two clones at different paths.
#[test]
fn two_clones_at_different_paths_give_identical_bytes() {
    let config = "spec = \"specs/pets.yaml\"\nout = \"gen\"\n[select]\nall = true\n";
    let a = folder(&[("specs/pets.yaml", PETS), ("apigen.toml", config)]);
    let b = folder(&[
        ("deeper/clone/specs/pets.yaml", PETS),
        ("deeper/clone/apigen.toml", config),
    ]);
    let b_root = b.path().join("deeper/clone");
    assert_eq!(run(&["generate"], a.path()).0, 0);
    assert_eq!(run(&["generate"], &b_root).0, 0);
    // And through --spec/--out, from another working folder.
    assert_eq!(
        run(
            &[
                "generate",
                "--spec",
                "specs/pets.yaml",
                "--out",
                "flag",
                "--all"
            ],
            a.path()
        )
        .0,
        0
    );
    assert_eq!(
        run(
            &[
                "generate",
                "--spec",
                "clone/specs/pets.yaml",
                "--out",
                "clone/flag",
                "--all"
            ],
            &b.path().join("deeper")
        )
        .0,
        0
    );
    let files = |root: &Path, dir: &str| -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.push((rel, std::fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    };
    for dir in ["gen", "flag"] {
        let (one, two) = (files(a.path(), dir), files(&b_root, dir));
        assert!(one.len() > 10, "{dir}: {}", one.len());
        assert_eq!(one.len(), two.len());
        for ((p1, c1), (p2, c2)) in one.iter().zip(&two) {
            assert_eq!(p1, p2);
            assert!(c1 == c2, "{p1} differs between the two clones");
            let text = String::from_utf8_lossy(c1);
            assert!(
                !text.contains(&*a.path().to_string_lossy()),
                "{p1} names the clone's path"
            );
        }
    }
}
