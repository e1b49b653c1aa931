//! `cargo xtask conformance --server`: Schemathesis against the generated server.
//!
//! Schemathesis (pinned in `conformance/requirements.txt`, installed into
//! `target/conformance/venv`) reads the document itself, generates requests from it (the
//! document's examples, boundary values, random data, and invalid requests that must be refused)
//! and checks every response: no server error, a documented status, a body that conforms to its
//! schema, the documented content type, 4XX for invalid requests and for missing credentials. The
//! server is the generated one, with the stub implementation from [`super::stub`].

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::stub::TOKEN;
use super::{build, free_port, prepare};

/// Runs Schemathesis against the stub server of each document; fails on any failed check.
pub fn run(root: &Path, specs: &[PathBuf], max_examples: usize) -> Result<()> {
    let st = install(root)?;
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for spec in specs {
        let workspace = prepare(root, spec)?;
        if !workspace.stub_problems.is_empty() {
            eprintln!("{}: operations the stub cannot answer:", workspace.stem);
            for problem in &workspace.stub_problems {
                eprintln!("  {problem}");
            }
        }
        let stub = build(root, &workspace, "conformance-stub")?;
        let port = free_port()?;
        let _server = Stub::start(&stub, port)?;
        let url = format!("http://127.0.0.1:{port}{}", workspace.base_path);
        eprintln!("{}: schemathesis against {url}", workspace.stem);
        let output = Command::new(&st)
            .arg("--config-file")
            .arg(root.join("conformance/schemathesis.toml"))
            .arg("run")
            .arg(spec)
            .args(["--url", &url])
            .args(["--header", &format!("Authorization: Bearer {TOKEN}")])
            .args(["--checks", "all"])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--max-examples", &max_examples.to_string()])
            .args(["--seed", "1"])
            .args(["--workers", "2"])
            .arg("--no-color")
            .env("SCHEMATHESIS_HOOKS", "")
            .current_dir(root.join("target/conformance"))
            .output()
            .context("cannot run schemathesis")?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        println!("{stdout}");
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        rows.push(format!(
            "| {} | {} | {} | {} |",
            workspace.stem,
            workspace.api.operations.len(),
            summary(&stdout, "Test cases:"),
            if output.status.success() {
                "passed"
            } else {
                "FAILED"
            },
        ));
        if !output.status.success() {
            failed.push(workspace.stem.clone());
        }
    }
    println!("| document | operations | test cases | checks |");
    println!("|---|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!("schemathesis found failures for {}", failed.join(", "))
    }
}

/// The rest of the first line of Schemathesis' summary that starts with `label`.
fn summary(stdout: &str, label: &str) -> String {
    stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix(label))
        .map_or_else(|| "?".to_owned(), |rest| rest.trim().to_owned())
}

/// A virtual environment with Schemathesis in `target/conformance/venv`; the path of `st`.
fn install(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/conformance/venv");
    let st = venv.join("bin/st");
    if st.exists() {
        return Ok(st);
    }
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
    Ok(st)
}

/// The running stub server, stopped on drop.
struct Stub(Child);

impl Stub {
    fn start(binary: &Path, port: u16) -> Result<Self> {
        let mut child = Command::new(binary)
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the stub server")?;
        let stdout = child.stdout.take().context("the stub has no stdout")?;
        let mut server = Self(child);
        let started = Instant::now();
        let mut lines = BufReader::new(stdout).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line == "listening" => break,
                Some(Ok(_)) => {}
                _ => {
                    server.stop();
                    bail!("the stub server stopped before listening");
                }
            }
            if started.elapsed() > Duration::from_secs(60) {
                server.stop();
                bail!("the stub server did not start within a minute");
            }
        }
        Ok(server)
    }

    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop();
    }
}
