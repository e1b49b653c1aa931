//! `cargo xtask bench`: how fast the generator is, and how fast what it generates compiles.
//!
//! Generation is timed in-process, stage by stage (parse, lower, emit and render), over several
//! runs; the report gives medians (the machines are shared and noisy) and the range, and
//! OpenAPI Generator's `rust` generator timed in the same run (a few runs) for the ratio. With
//! `--cargo-check`, the generated workspace is written under `target/bench/` and timed with
//! `cargo check` and `cargo build`: first with the dependencies compiled (untimed), then the
//! generated crates alone, from clean.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document to generate (default: the latest upstream authentik document).
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// How many timed runs.
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Also time `cargo check` and `cargo build` of the generated crates, side by side with
    /// OpenAPI Generator's `rust` client for the same document when its CLI is installed.
    #[arg(long)]
    cargo_check: bool,
    /// The tags of the subset build (default features off): comma-separated; by default
    /// `core,flows` for the authentik document and no subset for another.
    #[arg(long, value_name = "TAGS")]
    subset: Option<String>,
    /// The OpenAPI Generator command (`pip install openapi-generator-cli`), timed beside ours;
    /// `none` to skip it.
    #[arg(long, value_name = "COMMAND", default_value = "openapi-generator-cli")]
    peer: String,
    /// Skip the release builds (they take the longest).
    #[arg(long)]
    no_release: bool,
    /// Time decoding large responses with the generated models against `--baseline`.
    #[arg(long, requires = "baseline")]
    decode: bool,
    /// A models crate generated from the same document by another generator (an earlier
    /// version of this one, say), for `--decode`.
    #[arg(long, value_name = "DIR")]
    baseline: Option<PathBuf>,
}

const DEFAULT_SPEC: &str = "../shared/specs/authentik/schema-latest.yml";

/// How many times OpenAPI Generator runs (at most `--runs`).
const PEER_RUNS: usize = 3;

/// Generates OpenAPI Generator's `rust` client (models and client in one crate, async, with
/// rustls like ours) into `dir`, its own workspace: how long that took, or `None` (said once)
/// when its CLI cannot be run.
fn peer_generate(peer: &str, spec_path: &Path, dir: &Path) -> Result<Option<Duration>> {
    let src = dir.join("src");
    if src.exists() {
        std::fs::remove_dir_all(&src)?;
    }
    let started = Instant::now();
    let status = Command::new(peer)
        .args(["generate", "-g", "rust", "-i"])
        .arg(spec_path)
        .arg("-o")
        .arg(dir)
        .args([
            "--additional-properties=supportAsync=true,packageName=peer-client",
            "--skip-validate-spec",
        ])
        .stdout(std::process::Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => {
            let elapsed = started.elapsed();
            // Its own workspace, outside this one.
            let manifest = dir.join("Cargo.toml");
            let text = std::fs::read_to_string(&manifest)?;
            if !text.contains("\n[workspace]") {
                std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
            }
            Ok(Some(elapsed))
        }
        Ok(status) => bail!("{peer} failed ({status})"),
        Err(error) => {
            println!(
                "(no OpenAPI Generator: cannot run `{peer}`: {error}; `pip install openapi-generator-cli`)"
            );
            Ok(None)
        }
    }
}

/// Runs the benchmark.
pub fn run(root: &Path, args: &Args) -> Result<()> {
    let (spec_path, spec_name) = match &args.spec {
        Some(spec) => (spec.clone(), spec.to_string_lossy().replace('\\', "/")),
        None => (root.join(DEFAULT_SPEC), DEFAULT_SPEC.to_owned()),
    };
    let text =
        std::fs::read_to_string(&spec_path).with_context(|| format!("cannot read {spec_name}"))?;
    if args.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let select = apigen::config::Selection {
        all: true,
        ..Default::default()
    };
    let mut parse = Vec::new();
    let mut lower = Vec::new();
    let mut render = Vec::new();
    let mut total = Vec::new();
    let mut last = None;
    // One untimed run warms the allocator and the page cache.
    for run in 0..=args.runs {
        let started = Instant::now();
        let spec = apigen::parse(&spec_name, &text)?;
        let parsed = started.elapsed();
        let name = apigen::default_name(&spec);
        let config = apigen::Config::standalone(&spec_name, &name, select.clone());
        let generated = apigen::generate(&spec, &config)?;
        let elapsed = started.elapsed();
        if run > 0 {
            parse.push(parsed);
            total.push(elapsed);
            for (stage, time) in &generated.timings {
                match *stage {
                    "lower" => lower.push(*time),
                    _ => render.push(*time),
                }
            }
        }
        last = Some((name, generated));
    }
    let Some((name, generated)) = last else {
        bail!("no run");
    };
    let lines: usize = generated
        .files
        .iter()
        .map(|f| f.contents.lines().count())
        .sum();
    println!(
        "{spec_name}: {} operations, {} types, {} files, {lines} lines, {} warnings, {} degraded",
        generated.operations,
        generated.types,
        generated.files.len(),
        generated.count(apigen::Severity::Warning),
        generated.count(apigen::Severity::Degraded)
    );
    println!(
        "generation over {} runs on {} threads (median, min..max):",
        args.runs,
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    for (stage, times) in [
        ("parse (read, normalise → openapiv3)", &mut parse),
        ("lower (resolve, names, IR)", &mut lower),
        ("emit and render (quote, syn, prettyplease)", &mut render),
        ("total", &mut total),
    ] {
        times.sort();
        println!(
            "  {stage:<45} {:>8.1} ms  ({:.1}..{:.1})",
            ms(times[times.len() / 2]),
            ms(times[0]),
            ms(times[times.len() - 1])
        );
    }
    let median_parse = ms(parse[parse.len() / 2]);
    let median_total = ms(total[total.len() / 2]);
    println!("  total / parse: {:.1}×", median_total / median_parse);
    // The peer in the same run, its JVM start included (what a user waits for): fewer runs,
    // each takes seconds.
    let peer_dir = root.join("target/bench/openapi-generator");
    let mut peer_times = Vec::new();
    if args.peer != "none" {
        for _ in 0..args.runs.min(PEER_RUNS) {
            match peer_generate(&args.peer, &spec_path, &peer_dir)? {
                Some(time) => peer_times.push(time),
                None => break,
            }
        }
    }
    peer_times.sort();
    let peer_median = peer_times.get(peer_times.len() / 2).copied();
    if let Some(median) = peer_median {
        println!(
            "  OpenAPI Generator `rust`, {} runs{:<15} {:>8.1} ms  ({:.1}..{:.1})",
            peer_times.len(),
            "",
            ms(median),
            ms(peer_times[0]),
            ms(peer_times[peer_times.len() - 1])
        );
        println!(
            "  OpenAPI Generator / ours: {:.1}× (ours is that many times faster)",
            ms(median) / median_total
        );
    }
    let workspace = write_workspace(root, &name, &generated)?;
    if let Some(baseline) = args.baseline.as_deref().filter(|_| args.decode) {
        let models = workspace.join(format!("{name}-models"));
        crate::decode::run(root, &spec_path, &models, baseline, args.runs.max(5))?;
    }
    if args.cargo_check {
        let subset = match &args.subset {
            Some(tags) => Some(tags.clone()),
            None => (args.spec.is_none()).then(|| "core,flows".to_owned()),
        };
        let total_ms = ms(total[total.len() / 2]);
        cargo_table(
            root,
            &name,
            &generated,
            total_ms,
            subset.as_deref(),
            peer_median.map(|time| (peer_dir.as_path(), time)),
            !args.no_release,
        )?;
    }
    Ok(())
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

/// Writes the generated workspace under `target/bench/<name>` (only the files that changed, so
/// that cargo's fingerprints hold) and returns its directory.
fn write_workspace(root: &Path, name: &str, generated: &apigen::Generated) -> Result<PathBuf> {
    let dir = root.join("target/bench").join(name);
    let mut files: Vec<(PathBuf, &str)> = generated
        .files
        .iter()
        .map(|f| (dir.join(&f.path), f.contents.as_str()))
        .collect();
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))?;
    files.push((dir.join("Cargo.lock"), &lock));
    for (path, contents) in files {
        if std::fs::read_to_string(&path).is_ok_and(|current| current == contents) {
            continue;
        }
        std::fs::create_dir_all(path.parent().unwrap_or(&dir))?;
        std::fs::write(&path, contents)?;
    }
    Ok(dir)
}

/// One timed cargo run: wall time and the peak resident memory of the largest process it ran
/// (cargo waits for each rustc, so the kernel's figure for cargo covers them).
#[derive(Clone, Copy)]
struct Run {
    time: Duration,
    peak_bytes: Option<u64>,
}

/// A workspace to time cargo on.
struct Workspace {
    dir: PathBuf,
    /// Extra environment: `-D warnings` for ours (the generated crates compile without any).
    rustflags: &'static str,
}

impl Workspace {
    fn cargo(&self, args: &[&str]) -> Result<Run> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        // GNU time reports the peak resident memory of cargo and of every rustc it waited for.
        let report = self.dir.join("target/peak-memory");
        let time = Path::new("/usr/bin/time");
        let mut command = if time.exists() {
            let mut command = Command::new(time);
            command.args(["-f", "%M", "-o"]).arg(&report).arg(&cargo);
            command
        } else {
            Command::new(&cargo)
        };
        command
            .args(args)
            .arg("--quiet")
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", self.dir.join("target"))
            .env("RUSTFLAGS", self.rustflags)
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTC_WORKSPACE_WRAPPER");
        let started = Instant::now();
        std::fs::create_dir_all(self.dir.join("target"))?;
        let _ = std::fs::remove_file(&report);
        let status = command.status().context("cannot run cargo")?;
        let time = started.elapsed();
        let peak_bytes = std::fs::read_to_string(&report)
            .ok()
            .and_then(|kib| kib.trim().parse::<u64>().ok())
            .map(|kib| kib * 1024);
        if !status.success() {
            bail!("cargo {} failed in {}", args.join(" "), self.dir.display());
        }
        Ok(Run { time, peak_bytes })
    }

    /// Times `command` (`check` or `build`) of `packages` after cleaning `generated` (the
    /// generated crates it builds), their dependencies built.
    fn timed(
        &self,
        command: &str,
        release: bool,
        packages: &[&str],
        generated: &[&str],
        extra: &[&str],
    ) -> Result<Run> {
        let mut clean = vec!["clean"];
        let mut run = vec![command];
        if release {
            clean.push("--release");
            run.push("--release");
        }
        for package in generated {
            clean.extend(["-p", package]);
        }
        for package in packages {
            run.extend(["-p", package]);
        }
        run.extend(extra);
        // Dependencies first, untimed (a no-op after the first run of a profile).
        self.cargo(&run)?;
        self.cargo(&clean)?;
        self.cargo(&run)
    }
}

fn seconds(run: &Run) -> String {
    let memory = run
        .peak_bytes
        .map(|bytes| format!(", {:.2} GB", bytes as f64 / 1e9))
        .unwrap_or_default();
    format!("{:.1} s{memory}", run.time.as_secs_f64())
}

/// The lines of the Rust files under `dir` (outside `target` directories).
fn rust_lines(dir: &Path) -> Result<usize> {
    let mut lines = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                lines += std::fs::read_to_string(&path)?.lines().count();
            }
        }
    }
    Ok(lines)
}

/// Writes our workspace and OpenAPI Generator's crate under `target/bench/`, times cargo on
/// both in the same run and prints the side-by-side table.
fn cargo_table(
    root: &Path,
    name: &str,
    generated: &apigen::Generated,
    generation_ms: f64,
    subset: Option<&str>,
    peer: Option<(&Path, Duration)>,
    release: bool,
) -> Result<()> {
    let ours = Workspace {
        dir: root.join("target/bench").join(name),
        rustflags: "-D warnings",
    };
    let models = format!("{name}-models");
    let client = format!("{name}-client");
    let server = format!("{name}-server");

    let theirs = peer.map(|(dir, time)| {
        (
            Workspace {
                dir: dir.to_owned(),
                rustflags: "--cap-lints=allow",
            },
            time,
        )
    });
    let peer_features = ["--no-default-features", "--features", "rustls"];

    let our_lines: usize = generated
        .files
        .iter()
        .filter(|f| f.path.ends_with(".rs") && !f.path.contains("-server/"))
        .map(|f| f.contents.lines().count())
        .sum();
    println!();
    println!(
        "cargo, crate only (dependencies built first), CARGO_INCREMENTAL=0, {} threads:",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    println!(
        "| {:<42} | {:>18} | {:>18} | {:>13} |",
        "", "ours", "OpenAPI Generator", "ours / theirs"
    );
    println!("|{:-<44}|{:->20}|{:->20}|{:->15}|", "", "", "", "");
    let row = |what: &str, ours: String, theirs: Option<String>, ratio: Option<f64>| {
        println!(
            "| {what:<42} | {ours:>18} | {:>18} | {:>13} |",
            theirs.unwrap_or_else(|| "-".into()),
            ratio
                .map(|r| format!("{r:.2}"))
                .unwrap_or_else(|| "-".into())
        );
    };
    let their_lines = theirs
        .as_ref()
        .map(|(w, _)| rust_lines(&w.dir.join("src")))
        .transpose()?;
    row(
        "generated Rust lines (models + client)",
        our_lines.to_string(),
        their_lines.map(|l| l.to_string()),
        their_lines.map(|l| our_lines as f64 / l as f64),
    );
    row(
        "generation (whole document)",
        format!("{generation_ms:.0} ms"),
        theirs
            .as_ref()
            .map(|(_, t)| format!("{:.0} ms", t.as_secs_f64() * 1000.0)),
        theirs
            .as_ref()
            .map(|(_, t)| generation_ms / (t.as_secs_f64() * 1000.0)),
    );
    let ours_full = [models.as_str(), client.as_str()];
    let mut profiles = vec![("check", false), ("build", false)];
    if release {
        profiles.push(("build", true));
    }
    let label = |command: &str, release: bool| match (command, release) {
        ("check", _) => "check",
        (_, false) => "build (debug)",
        _ => "build (release)",
    };
    let mut theirs_full = Vec::new();
    for &(command, release) in &profiles {
        let mine = ours.timed(command, release, &ours_full, &ours_full, &[])?;
        let other = theirs
            .as_ref()
            .map(|(w, _)| {
                w.timed(
                    command,
                    release,
                    &["peer-client"],
                    &["peer-client"],
                    &peer_features,
                )
            })
            .transpose()?;
        theirs_full.push(other);
        row(
            &format!("{}, models + client", label(command, release)),
            seconds(&mine),
            other.as_ref().map(seconds),
            other.map(|o| mine.time.as_secs_f64() / o.time.as_secs_f64()),
        );
    }
    if let Some(tags) = subset {
        for (&(command, release), other) in profiles.iter().zip(&theirs_full) {
            let mine = ours.timed(
                command,
                release,
                &[client.as_str()],
                &ours_full,
                &["--no-default-features", "--features", tags],
            )?;
            row(
                &format!("{}, only {tags}", label(command, release)),
                seconds(&mine),
                other.as_ref().map(|o| format!("(full) {}", seconds(o))),
                other.map(|o| mine.time.as_secs_f64() / o.time.as_secs_f64()),
            );
        }
    }
    let all = [models.as_str(), client.as_str(), server.as_str()];
    let mine = ours.timed("check", false, &all, &all, &[])?;
    row(
        "check, models + client + server",
        seconds(&mine),
        None,
        None,
    );
    println!("(peak: the largest resident memory of a process cargo ran, rustc's)");
    Ok(())
}
