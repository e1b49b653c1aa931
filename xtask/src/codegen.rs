//! `cargo xtask codegen`: runs the generator for each config and makes the tree match its output.
//!
//! Files are written only when their contents change (so mtimes, and incremental builds, are
//! left alone), files the generator no longer produces are deleted from the directories it owns,
//! and `--check` reports all of that as a unified diff instead of doing it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// `cargo xtask codegen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Change nothing; fail with a diff when a generated file is stale, missing or orphaned.
    #[arg(long)]
    check: bool,
    /// Only this codegen config (default: every `specs/*.codegen.yaml`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["spec", "out"])]
    config: Vec<PathBuf>,
    /// Generate from this document instead of the configs, into `--out`.
    #[arg(long, value_name = "FILE", requires = "out")]
    spec: Option<PathBuf>,
    /// The directory of the standalone workspace `--spec` generates.
    #[arg(long, value_name = "DIR", requires = "spec")]
    out: Option<PathBuf>,
    /// With `--spec`: every operation.
    #[arg(long, requires = "spec")]
    all: bool,
    /// With `--spec`: every operation whose first tag is T (repeatable).
    #[arg(long = "tag", value_name = "T", requires = "spec")]
    tags: Vec<String>,
    /// With `--spec`: this operation (repeatable).
    #[arg(long = "operation", value_name = "ID", requires = "spec")]
    operations: Vec<String>,
    /// With `--spec`: the crate-name stem (default: the document's title in kebab case).
    #[arg(long, value_name = "NAME", requires = "spec")]
    name: Option<String>,
    /// Fail when a construct is generated inexactly (a degradation), instead of only reporting it.
    #[arg(long)]
    deny_degraded: bool,
    /// Fail on any warning or degradation: quirks of the document are errors too.
    #[arg(long)]
    strict: bool,
    /// List every diagnostic with its pointer, instead of one line per kind.
    #[arg(long, short)]
    verbose: bool,
}

/// How strictly diagnostics are taken, and how they are printed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Report {
    /// Degradations fail the run.
    pub deny_degraded: bool,
    /// Warnings and degradations fail the run.
    pub strict: bool,
    /// Print every diagnostic.
    pub verbose: bool,
}

/// Runs `cargo xtask codegen` as `args` say.
pub fn main(args: &Args) -> Result<()> {
    let mode = if args.check { Mode::Check } else { Mode::Write };
    match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => standalone(args, spec, out, mode),
        _ => run_with(&project_root(), &args.config, mode, report(args)),
    }
}

fn report(args: &Args) -> Report {
    Report {
        deny_degraded: args.deny_degraded,
        strict: args.strict,
        verbose: args.verbose,
    }
}

/// `--spec FILE --out DIR`: a standalone workspace for one document.
fn standalone(args: &Args, spec_path: &Path, out: &Path, mode: Mode) -> Result<()> {
    let select = apigen::config::Selection {
        all: args.all,
        tags: args.tags.clone(),
        operations: args.operations.clone(),
    };
    if !select.all && select.tags.is_empty() && select.operations.is_empty() {
        bail!("say what to generate: --all, --tag T or --operation ID (repeatable)");
    }
    let spec_name = spec_path.to_string_lossy().replace('\\', "/");
    let started = Instant::now();
    let spec = apigen::load(spec_path, &spec_name)?;
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| apigen::default_name(&spec));
    let config = apigen::standalone_config(&spec_name, &name, select);
    let generated = apigen::generate_workspace(&spec, &config)?;
    let elapsed = started.elapsed();
    finish(out, &spec_name, &generated, mode, elapsed, report(args))
}

/// Prints the diagnostics and summary of one run and makes `root` match it.
fn finish(
    root: &Path,
    spec_name: &str,
    generated: &apigen::Generated,
    mode: Mode,
    elapsed: std::time::Duration,
    report: Report,
) -> Result<()> {
    use apigen::Severity;
    let diagnostics = &generated.diagnostics;
    eprint!(
        "{}",
        apigen::diagnostics::summary(spec_name, diagnostics, report.verbose)
    );
    let (warnings, degraded) = (
        generated.count(Severity::Warning),
        generated.count(Severity::Degraded),
    );
    let fallbacks = diagnostics
        .iter()
        .filter(|d| apigen::diagnostics::is_value_fallback(d))
        .count();
    if report.strict && warnings + degraded > 0 {
        bail!("{spec_name}: {warnings} warning(s) and {degraded} degradation(s) (--strict)");
    }
    if report.deny_degraded && degraded > 0 {
        bail!(
            "{spec_name}: {degraded} construct{} would be generated inexactly (--deny-degraded)",
            if degraded == 1 { "" } else { "s" }
        );
    }
    let problems = ensure(root, generated, mode)?;
    let lines: usize = generated
        .files
        .iter()
        .map(|f| f.contents.lines().count())
        .sum();
    match mode {
        Mode::Write => {
            eprintln!(
                "{spec_name}: {} operation{}, {} webhooks, {} types, {} files ({} changed, {lines} lines), {warnings} warnings, {degraded} degraded ({fallbacks} kept as serde_json::Value), in {:.1} ms",
                generated.operations,
                if generated.operations == 1 { "" } else { "s" },
                generated.webhooks,
                generated.types,
                generated.files.len(),
                problems.len(),
                elapsed.as_secs_f64() * 1000.0,
            );
            let stages: Vec<String> = generated
                .timings
                .iter()
                .map(|(stage, time)| format!("{stage} {:.1} ms", time.as_secs_f64() * 1000.0))
                .collect();
            eprintln!("  ({})", stages.join(", "));
            Ok(())
        }
        Mode::Check if problems.is_empty() => Ok(()),
        Mode::Check => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            bail!(
                "{} generated file{} out of date; run `cargo xtask codegen` and commit the result",
                problems.len(),
                if problems.len() == 1 { " is" } else { "s are" }
            )
        }
    }
}

/// Whether to write the output or only compare with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Make the tree match the generator's output.
    Write,
    /// Change nothing; fail when the tree does not match.
    Check,
}

/// The workspace root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Every `specs/*.codegen.yaml`, sorted.
fn default_configs(root: &Path) -> Result<Vec<PathBuf>> {
    let specs = root.join("specs");
    let mut configs: Vec<PathBuf> = std::fs::read_dir(&specs)
        .with_context(|| format!("cannot list {}", specs.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".codegen.yaml"))
        .collect();
    configs.sort();
    if configs.is_empty() {
        bail!("no `*.codegen.yaml` in {}", specs.display());
    }
    Ok(configs)
}

/// `path` relative to `root`, with `/` separators, for messages and headers.
fn display(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// Runs codegen for `configs` (or every config under `specs/`).
fn run_with(root: &Path, configs: &[PathBuf], mode: Mode, report: Report) -> Result<()> {
    let configs = if configs.is_empty() {
        default_configs(root)?
    } else {
        configs.iter().map(|c| root.join(c)).collect()
    };
    let mut problems = Vec::new();
    for config_path in &configs {
        problems.extend(run_one(root, config_path, mode, report)?);
    }
    if problems.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for problem in &problems {
        text.push_str(problem);
        text.push('\n');
    }
    eprint!("{text}");
    bail!(
        "{} generated file{} out of date; run `cargo xtask codegen` and commit the result",
        problems.len(),
        if problems.len() == 1 { " is" } else { "s are" }
    )
}

fn run_one(root: &Path, config_path: &Path, mode: Mode, report: Report) -> Result<Vec<String>> {
    let config_name = display(root, config_path);
    let text = std::fs::read_to_string(config_path)
        .with_context(|| format!("cannot read {config_name}"))?;
    let config = apigen::Config::from_yaml(&config_name, &text)?;
    let spec_path = config_path.parent().unwrap_or(root).join(&config.spec);
    let spec_name = display(root, &spec_path);

    let started = Instant::now();
    let spec = apigen::load(&spec_path, &spec_name)?;
    let generated = apigen::generate(&spec, &config)?;
    let elapsed = started.elapsed();
    match mode {
        Mode::Write => {
            finish(root, &spec_name, &generated, mode, elapsed, report)?;
            Ok(Vec::new())
        }
        // Problems of every config are reported together, after all of them ran.
        Mode::Check => {
            eprint!(
                "{}",
                apigen::diagnostics::summary(&spec_name, &generated.diagnostics, report.verbose)
            );
            let degraded = generated.count(apigen::Severity::Degraded);
            if (report.deny_degraded && degraded > 0)
                || (report.strict && !generated.diagnostics.is_empty())
            {
                bail!("{spec_name}: degraded constructs or warnings (--deny-degraded / --strict)");
            }
            ensure(root, &generated, mode)
        }
    }
}

/// Makes the owned directories match `generated` (in `Write` mode) or describes how they differ.
fn ensure(root: &Path, generated: &apigen::Generated, mode: Mode) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let expected: BTreeSet<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
    for file in &generated.files {
        let path = root.join(&file.path);
        let current = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text.replace("\r\n", "\n")),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", file.path)),
        };
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        match mode {
            Mode::Write => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
                std::fs::write(&path, &file.contents)
                    .with_context(|| format!("cannot write {}", file.path))?;
                problems.push(format!("wrote {}", file.path));
            }
            Mode::Check => problems.push(match current {
                Some(current) => format!(
                    "stale: {}\n{}",
                    file.path,
                    unified_diff(&file.path, &current, &file.contents)
                ),
                None => format!("missing: {}", file.path),
            }),
        }
    }
    for dir in &generated.owned_dirs {
        for path in files_under(&root.join(dir))? {
            let relative = display(root, &path);
            if expected.contains(relative.as_str()) {
                continue;
            }
            match mode {
                Mode::Write => {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("cannot delete {relative}"))?;
                    problems.push(format!("deleted {relative}"));
                }
                Mode::Check => problems.push(format!(
                    "orphaned: {relative} (the generator no longer produces it)"
                )),
            }
        }
    }
    Ok(problems)
}

/// Every file below `dir`, skipping build output; nothing when `dir` does not exist.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err).with_context(|| format!("cannot list {}", dir.display())),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(path);
                }
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let _ = write!(
        out,
        "{}",
        diff.unified_diff().context_radius(3).header(
            &format!("a/{path} (committed)"),
            &format!("b/{path} (generated)")
        )
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when the committed generated code does not match the specs.
    #[test]
    fn generated_code_is_fresh() {
        if let Err(err) = run_with(&project_root(), &[], Mode::Check, Report::default()) {
            panic!("{err:#}");
        }
    }

    #[test]
    fn check_reports_stale_missing_and_orphaned_files() {
        let dir = std::env::temp_dir().join(format!("xtask-ensure-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("out/src")).unwrap();
        std::fs::write(dir.join("out/a.txt"), "old\n").unwrap();
        std::fs::write(dir.join("out/src/stray.rs"), "").unwrap();
        let generated = apigen::Generated {
            files: vec![
                apigen::GeneratedFile {
                    path: "out/a.txt".into(),
                    contents: "new\n".into(),
                },
                apigen::GeneratedFile {
                    path: "out/b.txt".into(),
                    contents: "b\n".into(),
                },
            ],
            owned_dirs: vec!["out".into()],
            diagnostics: Vec::new(),
            operations: 0,
            webhooks: 0,
            types: 0,
            timings: Vec::new(),
        };
        let problems = ensure(&dir, &generated, Mode::Check).unwrap();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].starts_with("stale: out/a.txt\n--- a/out/a.txt"),
            "{}",
            problems[0]
        );
        assert!(problems[0].contains("-old\n+new"), "{}", problems[0]);
        assert_eq!(problems[1], "missing: out/b.txt");
        assert!(
            problems[2].starts_with("orphaned: out/src/stray.rs"),
            "{}",
            problems[2]
        );
        // Check mode changed nothing; write mode fixes all three, and a second run has nothing to do.
        assert_eq!(
            std::fs::read_to_string(dir.join("out/a.txt")).unwrap(),
            "old\n"
        );
        assert_eq!(ensure(&dir, &generated, Mode::Write).unwrap().len(), 3);
        assert!(ensure(&dir, &generated, Mode::Check).unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
