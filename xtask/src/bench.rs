//! `cargo xtask bench`: how fast the generator is, and how fast what it generates compiles.
//!
//! Generation is timed in-process, stage by stage (parse, lower, emit and render), over several
//! runs; the report gives medians (the machines are shared and noisy) and the range. With
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
    /// Also time `cargo check` and `cargo build` of the generated workspace.
    #[arg(long)]
    cargo_check: bool,
}

const DEFAULT_SPEC: &str = "../shared/specs/authentik/schema-latest.yml";

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
        let config = apigen::standalone_config(&spec_name, &name, select.clone());
        let generated = apigen::generate_workspace(&spec, &config)?;
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
        "{spec_name}: {} operations, {} types, {} files, {lines} lines, {} degraded",
        generated.operations,
        generated.types,
        generated.files.len(),
        generated.diagnostics.len()
    );
    println!(
        "generation over {} runs on {} threads (median, min..max):",
        args.runs,
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    for (stage, times) in [
        ("parse (serde_yaml → openapiv3)", &mut parse),
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
    println!(
        "  total / parse: {:.1}×",
        ms(total[total.len() / 2]) / median_parse
    );
    if args.cargo_check {
        cargo_timings(root, &name, &generated)?;
    }
    Ok(())
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

/// Writes the workspace under `target/bench/<name>` and times cargo on it.
fn cargo_timings(root: &Path, name: &str, generated: &apigen::Generated) -> Result<()> {
    let dir = root.join("target/bench").join(name);
    for file in &generated.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap_or(&dir))?;
        std::fs::write(&path, &file.contents)?;
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let target = dir.join("target");
    let cargo = |args: &[&str]| -> Result<Duration> {
        let started = Instant::now();
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-D warnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .context("cannot run cargo")?;
        if !status.success() {
            bail!("cargo {} failed in {}", args.join(" "), dir.display());
        }
        Ok(started.elapsed())
    };
    let models = format!("{name}-models");
    let client = format!("{name}-client");
    let server = format!("{name}-server");
    println!("cargo on the generated workspace ({}):", dir.display());
    // Dependencies first, untimed: both profiles.
    cargo(&["check", "--workspace", "--quiet"])?;
    cargo(&["build", "--workspace", "--quiet"])?;
    let clean = |packages: &[&str]| -> Result<()> {
        let mut args = vec!["clean", "--quiet"];
        for package in packages {
            args.extend(["-p", package]);
        }
        cargo(&args).map(|_| ())
    };
    for (what, packages, command) in [
        ("check, models crate", vec![&models], "check"),
        ("check, models + client", vec![&models, &client], "check"),
        (
            "check, whole workspace",
            vec![&models, &client, &server],
            "check",
        ),
        (
            "build (debug), models + client",
            vec![&models, &client],
            "build",
        ),
        (
            "build (debug), whole workspace",
            vec![&models, &client, &server],
            "build",
        ),
    ] {
        let names: Vec<&str> = packages.iter().map(|p| p.as_str()).collect();
        clean(&names)?;
        let mut args = vec![command, "--quiet"];
        for package in &names {
            args.extend(["-p", package]);
        }
        let time = cargo(&args)?;
        println!("  {what:<45} {:>8.1} s", time.as_secs_f64());
    }
    Ok(())
}
