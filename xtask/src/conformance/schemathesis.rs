//! `cargo xtask conformance --server`: Schemathesis against the generated server.
//!
//! Schemathesis (pinned in `conformance/requirements.txt`, installed into
//! `target/conformance/venv`) reads the document itself, generates requests from it (the
//! document's examples, boundary values, random data, and invalid requests that must be refused)
//! and checks every response: no server error, a documented status, a body that conforms to its
//! schema, the documented content type, 4XX for invalid requests and for missing credentials. The
//! server is the generated one, with the stub implementation from [`super::stub`].

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::stub::TOKEN;
use super::{Background, build, free_port, prepare};

/// Runs Schemathesis against the stub server of each document; fails on any finding that
/// [`super::stub::expectations`] does not explain.
pub fn run(root: &Path, specs: &[PathBuf], max_examples: usize) -> Result<()> {
    let st = install(root)?;
    let mut rows = Vec::new();
    let mut unexplained = Vec::new();
    let mut explained = Vec::new();
    for spec in specs {
        // Schemathesis runs in the document's workspace directory.
        let spec = &std::fs::canonicalize(spec)
            .with_context(|| format!("cannot read {}", spec.display()))?;
        let workspace = prepare(root, spec)?;
        let stem = workspace.stem.clone();
        if !workspace.stub.problems.is_empty() {
            eprintln!("{stem}: operations the stub cannot answer:");
            for problem in &workspace.stub.problems {
                eprintln!("  {problem}");
            }
        }
        let stub = build(root, &workspace, "conformance-stub")?;
        let port = free_port()?;
        let mut command = Command::new(&stub);
        command.arg(format!("127.0.0.1:{port}"));
        let _server = Background::start(
            command,
            "the stub server",
            |line| line == "listening",
            Duration::from_secs(60),
        )?;
        let url = format!("http://127.0.0.1:{port}{}", workspace.base_path);
        let report_path = workspace.dir.join("schemathesis-report.json");
        let _ = std::fs::remove_file(&report_path);
        eprintln!("{stem}: schemathesis against {url}");
        let output = Command::new(&st)
            .arg("run")
            .arg(spec)
            .args(["--url", &url])
            .args(["--header", &format!("Authorization: Bearer {TOKEN}")])
            .args(["--checks", "all"])
            // Schemathesis hard-codes 401 for a request without its `Authorization` header (it
            // cannot be configured); authentik answers, and documents, 403 and no 401, and the
            // stub answers what the document says. `ignored_auth`, which checks that
            // credentials are enforced at all, stays on.
            .args(["--exclude-checks", "missing_required_header"])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--max-examples", &max_examples.to_string()])
            .args(["--seed", "1"])
            .args(["--workers", "2"])
            .args(["--report", "json", "--report-json-path"])
            .arg(&report_path)
            .arg("--no-color")
            .current_dir(&workspace.dir)
            .output()
            .context("cannot run schemathesis")?;
        println!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        let report: Value = std::fs::read(&report_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .with_context(|| {
                format!("schemathesis wrote no report to {}", report_path.display())
            })?;
        let expected =
            super::stub::expectations(&workspace.api, &workspace.document, &workspace.stub);
        let mut counts = [0_usize; 2];
        for (code, operation) in findings(&report) {
            let line = format!("{stem}: {code} {operation}");
            match expected.get(&(code, operation)) {
                Some(why) => {
                    counts[1] += 1;
                    explained.push(format!("{line}: expected: {why}"));
                }
                None => {
                    counts[0] += 1;
                    unexplained.push(line);
                }
            }
        }
        for error in report["errors"].as_array().into_iter().flatten() {
            unexplained.push(format!("{stem}: error: {error}"));
        }
        let cases = &report["test_cases"];
        rows.push(format!(
            "| {stem} | {} | {} | {} | {} |",
            report["operations"]["tested"], cases["generated"], counts[0], counts[1],
        ));
    }
    println!(
        "| document | operations tested | test cases | failures | expected (document or documented limit) |"
    );
    println!("|---|---|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    for line in &explained {
        println!("- {line}");
    }
    if unexplained.is_empty() {
        return Ok(());
    }
    println!();
    for line in &unexplained {
        println!("{line}");
    }
    bail!("{} schemathesis finding(s) to fix", unexplained.len())
}

/// Every `(code, operation)` pair the report lists.
fn findings(report: &Value) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for failure in report["failures"].as_array().into_iter().flatten() {
        let code = failure["code"].as_str().unwrap_or("?");
        for operation in failure["operations"].as_array().into_iter().flatten() {
            pairs.push((
                code.to_owned(),
                operation.as_str().unwrap_or("?").to_owned(),
            ));
        }
    }
    pairs
}

/// A virtual environment with Schemathesis in `target/conformance/venv`; the path of `st`.
fn install(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/conformance/venv");
    let st = venv.join("bin/st");
    let requirements = std::fs::read_to_string(root.join("conformance/requirements.txt"))?;
    // The requirements the environment was built from: a changed pin rebuilds it.
    let installed = venv.join("requirements.txt");
    if st.exists() && std::fs::read_to_string(&installed).is_ok_and(|r| r == requirements) {
        return Ok(st);
    }
    let _ = std::fs::remove_dir_all(&venv);
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .context("cannot run python3 (Python 3.9 or newer is needed for Schemathesis)")?;
    if !status.success() {
        bail!("python3 -m venv {} failed", venv.display());
    }
    let status = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(root.join("conformance/requirements.txt"))
        .status()
        .context("cannot run pip")?;
    if !status.success() || !st.exists() {
        bail!("installing conformance/requirements.txt failed");
    }
    std::fs::write(&installed, requirements)?;
    Ok(st)
}
