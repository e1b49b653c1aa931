//! `cargo xtask conformance`: the generated client against Prism, an independent mock server.
//!
//! Prism (`@stoplight/prism-cli`, pinned in `conformance/package-lock.json`) mocks the document
//! as the generator reads it (normalised: quirks rewritten, `allOf` merged; written beside the
//! workspace as `document.json`, because Prism answers some real-world quirks, such as a schema
//! with no `type`, with a copy of the schema instead of data), answers every operation with
//! random data that conforms to the schemas, and checks every request: a request that does not
//! match the document gets 422, one without credentials 401. For each document this writes the
//! full generated workspace plus a runner crate under `target/conformance/`, where the runner
//! calls every operation through the generated client (required parameters and request bodies
//! filled with valid values, a credential for every security scheme), and reports for each call
//! whether the response decoded into its typed result, Prism rejected the request (and whether
//! the document predicts that: a body no value of which is valid), Prism's answer breaks the
//! document itself, or something else failed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use apigen::ir::{
    Api, AuthKind, Encoding, Operation, Param, ParamLocation, Primitive, RequestBody, Response,
    TypeKind, TypeRef,
};
use serde_json::Value;

use apigen::example::{Direction, Examples};

mod schemathesis;
mod stub;

/// `cargo xtask conformance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Documents to check (default: both upstream authentik documents).
    #[arg(long = "spec", value_name = "FILE")]
    specs: Vec<PathBuf>,
    /// Rounds per document; each round gets fresh random data from Prism.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// Check the generated server under Schemathesis instead of the client against Prism
    /// (default document: the seed, `specs/authentik.yaml`).
    #[arg(long)]
    server: bool,
    /// With `--server`: examples Schemathesis generates per operation and phase.
    #[arg(long, default_value_t = 20)]
    max_examples: usize,
}

const DEFAULT_SPECS: &[&str] = &[
    "../shared/specs/authentik/schema-2024.8.yml",
    "../shared/specs/authentik/schema-latest.yml",
];

/// Runs the conformance check; fails when any call failed or was rejected.
pub fn run(root: &Path, args: &Args) -> Result<()> {
    if args.server {
        let specs = if args.specs.is_empty() {
            vec![root.join("specs/authentik.yaml")]
        } else {
            args.specs.clone()
        };
        return schemathesis::run(root, &specs, args.max_examples);
    }
    let specs: Vec<PathBuf> = if args.specs.is_empty() {
        DEFAULT_SPECS.iter().map(|s| root.join(s)).collect()
    } else {
        args.specs.clone()
    };
    let prism = install_prism(root)?;
    let mut reports = Vec::new();
    for spec_path in &specs {
        reports.push(check_document(root, &prism, spec_path, args.rounds)?);
    }
    println!();
    println!(
        "| document | operations called | decoded | refused: the mock's answer breaks the document | rejected | rejected as the document predicts | failed | with a request body: decoded/sent |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for report in &reports {
        println!("{}", report.row);
    }
    let notes: Vec<&String> = reports.iter().flat_map(|r| &r.notes).collect();
    if !notes.is_empty() {
        println!(
            "\nNo valid body exists for these (the document's schema is ambiguous under JSON Schema, \
             which a validating mock enforces; the example follows the discriminator, as the real \
             server reads it):"
        );
        for note in notes {
            println!("- {note}");
        }
    }
    let invalid: Vec<&String> = reports.iter().flat_map(|r| &r.invalid_answers).collect();
    if !invalid.is_empty() {
        println!(
            "\nAnswers the client refused with a typed decode error, rightly: the mock's body is \
             not valid against the response schema read as the document's discriminators say \
             (a validating mock ignores discriminators and may send one alternative with \
             another's tag):"
        );
        for answer in invalid {
            println!("- {answer}");
        }
    }
    let failures: Vec<&String> = reports.iter().flat_map(|r| &r.failures).collect();
    if failures.is_empty() {
        return Ok(());
    }
    println!();
    for failure in &failures {
        println!("{failure}");
    }
    bail!("{} call(s) did not conform", failures.len())
}

/// `npm ci` in `conformance/` when Prism is not installed yet; the path of its binary.
fn install_prism(root: &Path) -> Result<PathBuf> {
    let dir = root.join("conformance");
    let prism = dir.join("node_modules/.bin/prism");
    if !prism.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .context("cannot run npm (Node.js and npm are needed for Prism)")?;
        if !status.success() {
            bail!("npm ci failed in {}", dir.display());
        }
    }
    Ok(prism)
}

/// The generated workspace of one document under `target/conformance/<stem>/`: the models,
/// client and server crates plus the Prism runner and the Schemathesis stub.
struct Workspace {
    stem: String,
    dir: PathBuf,
    api: Api,
    runner: Runner,
    stub: stub::Stub,
    base_path: String,
    document: Value,
    /// The document as the generator reads it (normalised: quirks rewritten, `allOf` merged),
    /// written beside the workspace for Prism.
    read_as: PathBuf,
}

/// Generates the workspace of `spec_path` (files rewritten only when they change).
fn prepare(root: &Path, spec_path: &Path) -> Result<Workspace> {
    let spec_name = spec_path.to_string_lossy().replace('\\', "/");
    let spec = apigen::load(spec_path, &spec_name)?;
    let name = apigen::default_name(&spec);
    let select = apigen::config::Selection {
        all: true,
        ..Default::default()
    };
    let config = apigen::Config::standalone(&spec_name, &name, select.clone());
    let generated = apigen::generate(&spec, &config)?;
    let mut diags = apigen::diagnostics::Diagnostics::default();
    let api = apigen::lower::lower(&spec.document, &config, &mut diags);

    let stem = spec_path
        .file_stem()
        .map_or_else(|| "spec".to_owned(), |s| s.to_string_lossy().into_owned());
    let dir = root.join("target/conformance").join(&stem);
    for file in &generated.files {
        write_if_changed(&dir.join(&file.path), &file.contents)?;
    }
    let mut document = serde_json::to_value(&spec.document)?;
    // The normalised document is in 3.0's form whichever version it declared (Prism then reads
    // `nullable` and boolean `exclusiveMinimum` as written); webhooks, kept among the paths,
    // are not served by the API and leave.
    document["openapi"] = serde_json::Value::from("3.0.3");
    if let Some(serde_json::Value::Object(paths)) = document.get_mut("paths") {
        paths.retain(|path, _| !path.starts_with(apigen::spec::WEBHOOK_KEY));
    }
    let runner = runner_source(&api, &name, &document);
    write_if_changed(&dir.join("conformance-runner/src/main.rs"), &runner.source)?;
    write_if_changed(
        &dir.join("conformance-runner/Cargo.toml"),
        &format!(
            "[package]\nname = \"conformance-runner\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{name}-client = {{ path = \"../{name}-client\" }}\n\
             chrono = {{ version = \"0.4.38\", default-features = false, features = [\"std\"] }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
             serde_json = \"1\"\n\
             uuid = \"1.8\"\n"
        ),
    )?;
    let base_path = base_path(&document);
    let server_crate = format!("{}_server", name.replace('-', "_"));
    let stub = stub::source(&api, &server_crate, &document, &base_path);
    write_if_changed(&dir.join("conformance-stub/src/main.rs"), &stub.source)?;
    write_if_changed(
        &dir.join("conformance-stub/Cargo.toml"),
        &format!(
            "[package]\nname = \"conformance-stub\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{name}-server = {{ path = \"../{name}-server\", features = [\"mock\"] }}\n\
             axum = {{ version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\"] }}\n\
             chrono = {{ version = \"0.4.38\", default-features = false, features = [\"std\"] }}\n\
             serde = \"1\"\n\
             serde_json = \"1\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\"] }}\n\
             uuid = \"1.8\"\n"
        ),
    )?;
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\"{name}-models\", \"{name}-client\", \"{name}-server\", \"conformance-runner\", \"conformance-stub\"]\n"
        ),
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let read_as = dir.join("document.json");
    write_if_changed(&read_as, &serde_json::to_string_pretty(&document)?)?;
    Ok(Workspace {
        read_as,
        stem,
        dir,
        api,
        runner,
        stub,
        base_path,
        document,
    })
}

/// The path of the document's first server URL (`/api/v3` of `http://host/api/v3`), or "".
fn base_path(document: &Value) -> String {
    let url = document
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("");
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    path.trim_end_matches('/').to_owned()
}

/// Builds one package of the workspace; the path of its binary.
fn build(root: &Path, workspace: &Workspace, package: &str) -> Result<PathBuf> {
    eprintln!("{}: building {package}...", workspace.stem);
    let target = root.join("target/conformance/target");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "-p", package])
        .current_dir(&workspace.dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("{package} does not build in {}", workspace.dir.display());
    }
    // The target directory is shared by every document (its dependencies build once), so the
    // binary is copied out before another document's build replaces it.
    let binary = workspace.dir.join("bin").join(package);
    std::fs::create_dir_all(workspace.dir.join("bin"))?;
    std::fs::copy(target.join("debug").join(package), &binary)
        .with_context(|| format!("cannot copy {package} to {}", binary.display()))?;
    Ok(binary)
}

/// Builds and runs the runner for one document against Prism.
fn check_document(root: &Path, prism: &Path, spec_path: &Path, rounds: usize) -> Result<Report> {
    let workspace = prepare(root, spec_path)?;
    let runner_bin = build(root, &workspace, "conformance-runner")?;
    let (stem, api, runner) = (&workspace.stem, &workspace.api, &workspace.runner);
    let called = runner.calls;
    let with_body: std::collections::HashSet<&str> = api
        .operations
        .iter()
        .filter(|op| op.body.is_some())
        .map(|op| op.id.as_str())
        .collect();

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut notes = std::collections::BTreeSet::new();
    let mut invalid_answers = std::collections::BTreeSet::new();
    for round in 1..=rounds {
        let port = free_port()?;
        let mut server = start_prism(prism, &workspace.read_as, port)?;
        let output = Command::new(&runner_bin)
            .arg(format!("http://127.0.0.1:{port}"))
            .output()
            .context("cannot run the conformance runner")?;
        server.stop();
        if !output.status.success() {
            bail!(
                "the runner failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let mut fields = line.splitn(3, '\t');
            let (Some(id), Some(outcome), reason) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let mut reason = reason.map(str::to_owned);
            let outcome = match outcome {
                "decoded" => "decoded",
                "rejected" => "rejected",
                "undecodable" => {
                    let (verdict, why) =
                        undecodable(&workspace, id, reason.as_deref().unwrap_or(""));
                    if verdict == "invalid" {
                        invalid_answers.insert(format!("{stem}: {id}: {why}"));
                    }
                    reason = Some(why);
                    verdict
                }
                _ => "failed",
            };
            let outcome = match runner.predicted.get(id) {
                Some(why) if outcome == "rejected" => {
                    notes.insert(format!("{id}: {why}"));
                    "predicted"
                }
                _ => outcome,
            };
            *counts.entry(outcome).or_default() += 1;
            if with_body.contains(id) {
                *counts.entry("sent").or_default() += 1;
                if outcome == "decoded" {
                    *counts.entry("accepted").or_default() += 1;
                }
            }
            if outcome == "rejected" || outcome == "failed" {
                failures.push(format!(
                    "{stem} round {round}: {id}: {outcome}: {}",
                    reason.unwrap_or_default()
                ));
            }
        }
    }
    let count = |k: &str| counts.get(k).copied().unwrap_or(0);
    let row = format!(
        "| {stem} | {} | {} | {} | {} | {} | {} | {}/{} |",
        called * rounds,
        count("decoded"),
        count("invalid"),
        count("rejected"),
        count("predicted"),
        count("failed"),
        count("accepted"),
        count("sent"),
    );
    Ok(Report {
        row,
        failures,
        notes: notes
            .into_iter()
            .map(|note| format!("{stem}: {note}"))
            .collect(),
        invalid_answers: invalid_answers.into_iter().collect(),
    })
}

/// What one document's check found.
struct Report {
    /// Its row of the table.
    row: String,
    /// Calls that did not conform, with why.
    failures: Vec<String>,
    /// Calls rejected as the document predicts, with why.
    notes: Vec<String>,
    /// Answers the client refused because the mock's body breaks the document, with why.
    invalid_answers: Vec<String>,
}

/// Why an answer of the operation `id` did not decode: `("invalid", why)` when the body breaks
/// the document (the client was right to refuse it), else `("failed", why)`. `fields` is
/// `status <TAB> decode error <TAB> body`, as the runner writes it.
fn undecodable(workspace: &Workspace, id: &str, fields: &str) -> (&'static str, String) {
    let mut parts = fields.splitn(3, '\t');
    let (status, error, body) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let failed = || {
        (
            "failed",
            format!("{status} does not decode: {error}; body: {body}"),
        )
    };
    let Ok(body_value) = serde_json::from_str::<Value>(body) else {
        return failed();
    };
    let Some(op) = workspace.api.operations.iter().find(|op| op.id == id) else {
        return failed();
    };
    let examples = Examples::new(&workspace.document, Direction::Response).following_tags();
    let schema = (|| {
        let responses = examples
            .resolve("#/paths")
            .ok()?
            .get(&op.path)?
            .get(op.method.as_str().to_ascii_lowercase())?
            .get("responses")?;
        let range = format!("{}XX", status.chars().next()?);
        let response = [status, range.as_str(), "default"]
            .iter()
            .find_map(|key| responses.get(*key))?;
        let content = examples.deref(response).ok()?.get("content")?.as_object()?;
        content
            .iter()
            .find(|(media, _)| media.contains("json"))
            .and_then(|(_, media)| media.get("schema"))
    })();
    let Some(schema) = schema else {
        return failed();
    };
    let problems = examples.problems(&body_value, schema);
    if problems.is_empty() {
        return failed();
    }
    let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
    (
        "invalid",
        format!("{status} body: {} ({error})", shown.join("; ")),
    )
}

fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|current| current == contents) {
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A server the checks run against (Prism, the stub), killed on drop.
struct Background(Child);

impl Background {
    /// Starts `command` and waits (up to `timeout`) for a line of its output that `ready`
    /// accepts; its output is drained from then on, so that it never blocks on a full pipe.
    fn start(
        mut command: Command,
        what: &str,
        ready: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Result<Self> {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {what}"))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut server = Self(child);
        // The lines are read on a thread of their own, so that the timeout holds also when the
        // process prints nothing (Prism loading a large document); it drains them from then on.
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                // Once the caller stopped listening, lines are only drained.
                let _ = sender.send(line);
            }
        });
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match receiver.recv_timeout(left) {
                Ok(line) if ready(&line) => return Ok(server),
                Ok(_) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    server.stop();
                    bail!("{what} did not start within {} s", timeout.as_secs());
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    server.stop();
                    bail!("{what} stopped before listening");
                }
            }
        }
    }

    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `prism mock --dynamic` of `spec` on 127.0.0.1:`port`.
fn start_prism(prism: &Path, spec: &Path, port: u16) -> Result<Background> {
    let mut command = Command::new(prism);
    command
        .args([
            "mock",
            "--dynamic",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(spec);
    Background::start(
        command,
        "prism",
        |line| line.contains("Prism is listening"),
        Duration::from_secs(120),
    )
}

/// The runner's `main.rs`: one function per body-less operation, each returning one line
/// `operation_id <TAB> outcome <TAB> reason`. Also how many operations it calls and skips.
fn runner_source(api: &Api, name: &str, document: &Value) -> Runner {
    let krate = format!("{}_client", name.replace('-', "_"));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! Calls every operation without a request body; written by `cargo xtask conformance`.\n\
         #![allow(deprecated, clippy::all)]\n\n\
         use {krate}::{{Client, Error, ResponseValue, models}};\n\n\
         /// `errors_only`: the operation documents no success, so a decoded documented error is\n\
         /// the answer it is meant to give.\n\
         fn outcome<T, E: std::fmt::Debug>(id: &str, errors_only: bool, result: Result<ResponseValue<T>, Error<E>>) -> String {{\n\
         \x20   let reason = match result {{\n\
         \x20       Ok(_) => return format!(\"{{id}}\\tdecoded\"),\n\
         \x20       // Prism lists what it found wrong with a request in `sl-violations`.\n\
         \x20       Err(Error::Api(e)) if e.headers.contains_key(\"sl-violations\") => return format!(\"{{id}}\\trejected\\t{{}}\", String::from_utf8_lossy(e.headers[\"sl-violations\"].as_bytes())),\n\
         \x20       Err(Error::UnexpectedStatus(r)) if r.headers.contains_key(\"sl-violations\") => return format!(\"{{id}}\\trejected\\t{{}}\", String::from_utf8_lossy(r.headers[\"sl-violations\"].as_bytes())),\n\
         \x20       Err(Error::UnexpectedStatus(r)) if r.status.as_u16() == 422 => return format!(\"{{id}}\\trejected\\t{{}}\", String::from_utf8_lossy(&r.body)),\n\
         \x20       Err(Error::Api(_)) if errors_only => return format!(\"{{id}}\\tdecoded\"),\n\
         \x20       Err(Error::Api(e)) => format!(\"documented error {{}}: {{}}\", e.status, String::from_utf8_lossy(&e.raw)),\n\
         \x20       Err(Error::UnexpectedStatus(r)) => format!(\"undocumented status {{}}: {{}}\", r.status, String::from_utf8_lossy(&r.body)),\n\
         \x20       // The body travels on, so that the check can tell a client that misreads a valid\n\
         \x20       // answer from a mock that sent an invalid one.\n\
         \x20       Err(Error::Decode {{ response, source }}) => return format!(\"{{id}}\\tundecodable\\t{{}}\\t{{}}\\t{{}}\", response.status.as_u16(), source.to_string().replace(['\\n', '\\t'], \" \"), String::from_utf8_lossy(&response.body).replace(['\\n', '\\t'], \" \")),\n\
         \x20       Err(Error::UnexpectedErrorBody(response) | Error::UnexpectedContentType {{ response, .. }}) => return format!(\"{{id}}\\tundecodable\\t{{}}\\t{{}}\\t{{}}\", response.status.as_u16(), \"the body does not read as documented\", String::from_utf8_lossy(&response.body).replace(['\\n', '\\t'], \" \")),\n\
         \x20       Err(other) => format!(\"{{other}}\"),\n\
         \x20   }};\n\
         \x20   format!(\"{{id}}\\tfailed\\t{{}}\", reason.replace(['\\n', '\\t'], \" \"))\n\
         }}\n"
    );
    let examples = Examples::new(document, Direction::Request);
    let mut calls = Vec::new();
    let mut predicted = BTreeMap::new();
    for op in &api.operations {
        let mut args = Vec::new();
        for param in op.path_params() {
            args.push(param_value(api, &examples, op, param, true));
        }
        if let Some(params) = &op.params_type {
            let fields: Vec<String> = op
                .non_path_params()
                .map(|p| {
                    let value = if p.required {
                        param_value(api, &examples, op, p, false)
                    } else {
                        "None".to_owned()
                    };
                    format!("{}: {value}", p.name)
                })
                .collect();
            args.push(format!(
                "&models::params::{params} {{ {} }}",
                fields.join(", ")
            ));
        }
        let mut prepare = String::new();
        if let Some(body) = &op.body {
            let example = body_example(&examples, op, body);
            let arg = match (example, body.encoding) {
                (Err(reason), _) => {
                    let _ = writeln!(
                        out,
                        "async fn call_{0}(_: &Client) -> String {{\n    {1:?}.to_owned()\n}}\n",
                        op.name,
                        format!(
                            "{}\tfailed\tno example body: {}",
                            op.id,
                            reason.replace(['\n', '\t'], " ")
                        )
                    );
                    calls.push(op.name.clone());
                    continue;
                }
                (Ok((Value::String(text), _)), Encoding::Text) => format!("{text:?}"),
                (Ok((other, _)), Encoding::Text) => format!("{:?}", other.to_string()),
                (Ok((example, problems)), _) => {
                    if !problems.is_empty() {
                        predicted.insert(op.id.clone(), problems.join("; "));
                    }
                    let _ = write!(
                        prepare,
                        "    let body = match serde_json::from_str({:?}) {{\n        Ok(body) => body,\n        \
                         Err(e) => return format!(\"{}\\tfailed\\tthe example body does not decode: {{e}}\"),\n    }};\n",
                        example.to_string(),
                        op.id
                    );
                    "&body".to_owned()
                }
            };
            args.push(if body.required {
                arg
            } else {
                format!("Some({arg})")
            });
        }
        let _ = writeln!(
            out,
            "async fn call_{0}(client: &Client) -> String {{\n{prepare}    outcome({1:?}, {3}, client.{0}({2}).await)\n}}\n",
            op.name,
            op.id,
            args.join(", "),
            !op.responses.iter().any(Response::is_success),
        );
        calls.push(op.name.clone());
    }
    // Every scheme gets a credential (Prism checks only that one is there), including each
    // member of a requirement that combines several.
    fn names<'a>(scheme: &'a apigen::ir::AuthScheme, out: &mut Vec<(&'a str, bool)>) {
        match &scheme.kind {
            AuthKind::All(members) => members.iter().for_each(|m| names(m, out)),
            AuthKind::Http(prefix) => {
                out.push((&scheme.name, prefix.eq_ignore_ascii_case("basic")))
            }
            _ => out.push((&scheme.name, false)),
        }
    }
    let mut schemes = Vec::new();
    for scheme in api.operations.iter().flat_map(|op| &op.security.schemes) {
        names(scheme, &mut schemes);
    }
    schemes.sort_unstable();
    schemes.dedup();
    let _ = writeln!(
        out,
        "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {{\n    \
         let base = std::env::args().nth(1).expect(\"the base URL\");\n    \
         let client = Client::new(base).unwrap().with_bearer_token(\"conformance-token\").unwrap();"
    );
    for (scheme, basic) in schemes {
        // HTTP basic sends `user:password` in base64 (`conformance:token`), which Prism checks.
        let credential = if basic {
            "Y29uZm9ybWFuY2U6dG9rZW4="
        } else {
            "conformance-token"
        };
        let _ = writeln!(
            out,
            "    let client = client.with_credential({scheme:?}, {credential:?}).unwrap();"
        );
    }
    for call in &calls {
        let _ = writeln!(out, "    println!(\"{{}}\", call_{call}(&client).await);");
    }
    out.push_str("}\n");
    Runner {
        source: out,
        calls: calls.len(),
        predicted,
    }
}

/// The runner's source and what the document predicts of its calls.
struct Runner {
    /// `main.rs`.
    source: String,
    /// How many operations it calls.
    calls: usize,
    /// Operations whose example body no body can fix (see [`body_example`]), with why.
    predicted: BTreeMap<String, String>,
}

/// The example request body of `op`, built from the document's schema for its media type.
///
/// Also what makes the example invalid under JSON Schema, when the document allows no valid one
/// (a `oneOf` whose alternatives overlap): a validating mock is then expected to refuse it.
fn body_example(
    examples: &Examples<'_>,
    op: &Operation,
    body: &RequestBody,
) -> Result<(Value, Vec<String>), String> {
    let operation = examples
        .resolve("#/paths")?
        .get(&op.path)
        .and_then(|item| item.get(op.method.as_str().to_ascii_lowercase()))
        .ok_or_else(|| format!("no operation at {}", op.pointer))?;
    let request_body = examples.deref(
        operation
            .get("requestBody")
            .ok_or("the operation has no requestBody")?,
    )?;
    let schema = request_body
        .get("content")
        .and_then(|content| content.get(&body.media))
        .and_then(|media| media.get("schema"))
        .ok_or_else(|| format!("no schema for `{}`", body.media))?;
    let value = examples.value(schema)?;
    let problems = examples.problems(&value, schema);
    Ok((value, problems))
}

/// A valid value of `param`, as Rust source: for a string, one built from the document's
/// schema (which knows its format, pattern and length); else one of its Rust type.
fn param_value(
    api: &Api,
    examples: &Examples<'_>,
    op: &Operation,
    param: &Param,
    arg: bool,
) -> String {
    if param.ty == TypeRef::Primitive(Primitive::String)
        && let Some(Value::String(text)) =
            param_schema(examples, op, param).and_then(|schema| examples.value(schema).ok())
    {
        return if arg {
            format!("{text:?}")
        } else {
            format!("{text:?}.to_owned()")
        };
    }
    value(api, &param.ty, arg)
}

/// The document's schema of `param`: the operation's own declaration, else its path item's.
fn param_schema<'d>(examples: &Examples<'d>, op: &Operation, param: &Param) -> Option<&'d Value> {
    let location = match param.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    };
    let item = examples.resolve("#/paths").ok()?.get(&op.path)?;
    let operation = item.get(op.method.as_str().to_ascii_lowercase())?;
    [operation, item]
        .into_iter()
        .filter_map(|holder| holder.get("parameters")?.as_array())
        .flatten()
        .filter_map(|declared| examples.deref(declared).ok())
        .find(|declared| {
            declared.get("name").and_then(Value::as_str) == Some(param.wire_name.as_str())
                && declared.get("in").and_then(Value::as_str) == Some(location)
        })?
        .get("schema")
}

/// A valid value of `ty`, as Rust source; `arg` for a positional argument (`&str`, `&Enum`).
fn value(api: &Api, ty: &TypeRef, arg: bool) -> String {
    match ty {
        TypeRef::Primitive(primitive) => match primitive {
            Primitive::String if arg => "\"conformance\"".to_owned(),
            Primitive::String => "\"conformance\".to_owned()".to_owned(),
            Primitive::Bool => "true".to_owned(),
            Primitive::I32 | Primitive::I64 => "1".to_owned(),
            Primitive::F32 | Primitive::F64 => "1.0".to_owned(),
            Primitive::Uuid => {
                "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\".parse::<uuid::Uuid>().unwrap()".to_owned()
            }
            Primitive::DateTime => {
                "chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap()".to_owned()
            }
            Primitive::Date => "chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()".to_owned(),
            Primitive::Binary => "models::Binary::new(vec![1, 2, 3])".to_owned(),
        },
        TypeRef::Named(name) => {
            let value = named_value(api, name, 0);
            if arg { format!("&{value}") } else { value }
        }
        TypeRef::Vec(item) => format!("vec![{}]", value(api, item, false)),
        TypeRef::Tuple(items) => {
            let items: Vec<String> = items.iter().map(|t| value(api, t, false)).collect();
            let value = format!("({},)", items.join(", "));
            if arg { format!("&{value}") } else { value }
        }
        TypeRef::Nullable(inner) => format!("Some({})", value(api, inner, arg)),
        TypeRef::Map(_) | TypeRef::Any => "Default::default()".to_owned(),
        // A user's type: the stubs are generated without replacements, so none reach here.
        TypeRef::External(external) => format!("<{} as Default>::default()", external.path),
    }
}

/// A valid value of the named type `name`, as Rust source: an enum's first variant, a union's
/// first alternative, a struct with its required fields filled and the others left out.
fn named_value(api: &Api, name: &str, depth: usize) -> String {
    let Some(ty) = api.types.iter().find(|t| t.name == name) else {
        return "Default::default()".to_owned();
    };
    let inner = |ty: &TypeRef| match ty {
        // A type that refers back to itself is cut short; `Default` exists where every
        // field may be left out, which is how such cycles end in valid documents.
        TypeRef::Named(inner) if depth > 8 => format!("models::{inner}::default()"),
        TypeRef::Named(inner) => named_value(api, inner, depth + 1),
        other => value(api, other, false),
    };
    match &ty.kind {
        TypeKind::Enum(e) => match e.variants.first() {
            Some(variant) => format!("models::{name}::{}", variant.name),
            None => format!("models::{name}::default()"),
        },
        TypeKind::Union(union) => match union.variants.first() {
            Some(variant) => format!("models::{name}::{}({})", variant.name, inner(&variant.ty)),
            None => format!("models::{name}::default()"),
        },
        TypeKind::Alias(target) => inner(target),
        TypeKind::Struct(s) => {
            let mut fields: Vec<String> = s
                .fields
                .iter()
                .map(|field| {
                    let boxed = |value: String| {
                        if field.boxed {
                            format!("Box::new({value})")
                        } else {
                            value
                        }
                    };
                    let value = match field.presence {
                        apigen::ir::Presence::Required => boxed(inner(&field.ty)),
                        apigen::ir::Presence::RequiredNullable => {
                            format!("Some({})", boxed(inner(&field.ty)))
                        }
                        _ => "None".to_owned(),
                    };
                    format!("{}: {value}", field.name)
                })
                .collect();
            if let Some(additional) = &s.additional {
                fields.push(format!("{}: Default::default()", additional.name));
            }
            format!("models::{name} {{ {} }}", fields.join(", "))
        }
    }
}
