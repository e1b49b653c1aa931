//! The CLI as users run it: exit codes and messages for bad input.

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn codegen(spec: &str, text: &[u8]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(spec), text).unwrap();
    let out = xtask(
        &["codegen", "--spec", spec, "--out", "out", "--all"],
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

    let (code, stderr) = codegen(
        "refs.yaml",
        b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Nope'}\n",
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("/paths/~1a/get/responses/200"), "{stderr}");

    let (code, stderr) = codegen("binary.yaml", b"\x00\xff\xfe garbage");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("UTF-8"), "{stderr}");
}

#[test]
fn a_missing_document_exits_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = xtask(
        &["codegen", "--spec", "nope.yaml", "--out", "out", "--all"],
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
    let out = xtask(
        &["codegen", "--spec", "ok.yaml", "--out", "out", "--all"],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("out/Cargo.toml").exists());
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
        "codegen",
        "--spec",
        "spec/openapi.yaml",
        "--out",
        "out",
        "--all",
    ];
    let out = xtask(&args, dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let models = std::fs::read_to_string(dir.path().join("out/t-models/src/generated.rs")).unwrap();
    assert!(models.contains("pub struct Thing "), "{models}");
    let check: Vec<&str> = args.iter().copied().chain(["--check"]).collect();
    let out = xtask(&check, dir.path());
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
    let out = xtask(&check, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("+    pub size"), "{stderr}");
}
