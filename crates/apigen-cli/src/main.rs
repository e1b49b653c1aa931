//! `apigen`: generates Rust models, an async client and an axum server from an OpenAPI document.
//!
//! A thin layer over the `apigen` library: it parses arguments, reads `apigen.toml`, prints
//! diagnostics and makes the output folder match the generator's output. Exit codes: 0 done,
//! 1 a check failed (stale output, breaking drift), 2 the input was refused (a bad document or
//! config), 3 a generator bug.

mod init;
mod list;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use apigen::config::{Config, Project, Selection};
use apigen::{Generated, Mode, Severity};
use clap::{Args, Parser, Subcommand};

/// Generation builds and drops many small token trees on every core; mimalloc serves them
/// about twice as fast as the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "apigen",
    version,
    about = "Generate Rust models, an async client and an axum server from an OpenAPI 3.0 or 3.1 document",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the crates, from apigen.toml or from --spec and --out.
    Generate(GenerateArgs),
    /// Change nothing; exit 1 with a diff when the generated files are stale.
    Check(GenerateArgs),
    /// What changed between two versions of a document, and what it breaks.
    Drift(DriftArgs),
    /// Write a commented apigen.toml for a document, listing its tags.
    Init(InitArgs),
    /// List a document's tags, operations and schemas, and what each tag reaches.
    List(ListArgs),
}

/// Where the settings come from: a config file, or a document and flags.
#[derive(Debug, Args)]
struct Source {
    /// The config file (default: apigen.toml in the current folder).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["spec", "out"])]
    config: Option<PathBuf>,
    /// Generate from this document instead of a config file.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// With --spec: the folder of the generated workspace.
    #[arg(long, value_name = "DIR", requires = "spec")]
    out: Option<PathBuf>,
    /// With --spec: every operation (and every component schema).
    #[arg(long, requires = "spec")]
    all: bool,
    /// With --spec: every operation whose first tag is T (repeatable).
    #[arg(long = "tag", value_name = "T", requires = "spec")]
    tags: Vec<String>,
    /// With --spec: this operation, by operationId (repeatable).
    #[arg(long = "operation", value_name = "ID", requires = "spec")]
    operations: Vec<String>,
    /// With --spec: every operation whose path matches this glob (repeatable): `/pets/**`.
    #[arg(long = "path", value_name = "GLOB", requires = "spec")]
    paths: Vec<String>,
    /// With --spec: leave out operations whose first tag is T (repeatable).
    #[arg(long = "exclude-tag", value_name = "T", requires = "spec")]
    exclude_tags: Vec<String>,
    /// With --spec: leave out this operation (repeatable).
    #[arg(long = "exclude-operation", value_name = "ID", requires = "spec")]
    exclude_operations: Vec<String>,
    /// With --spec: the crate-name stem (default: the document's title in kebab case).
    #[arg(long, value_name = "NAME", requires = "spec")]
    name: Option<String>,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    #[command(flatten)]
    source: Source,
    /// Fail when a construct is generated inexactly (a degradation).
    #[arg(long)]
    deny_degraded: bool,
    /// Fail on any warning or degradation: quirks of the document are errors too.
    #[arg(long)]
    strict: bool,
    /// List every diagnostic with its pointer, instead of one line per kind.
    #[arg(long, short)]
    verbose: bool,
    /// Print a machine-readable summary (JSON) on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct DriftArgs {
    /// The old document.
    old: PathBuf,
    /// The new document.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: DriftFormat,
    /// Shorthand for --format json.
    #[arg(long)]
    json: bool,
    /// Exit with status 1 when the report has such changes.
    #[arg(long, value_enum, default_value = "never")]
    fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DriftFormat {
    /// Plain text, one line per change.
    Text,
    /// Markdown tables, for pull requests.
    Markdown,
    /// JSON, for tools.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// Never: report only.
    Never,
    /// Any change breaking for HTTP clients or for Rust users.
    Breaking,
    /// Changes breaking for HTTP clients.
    WireBreaking,
    /// Changes breaking for users of the generated Rust crates.
    RustBreaking,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The document to generate from.
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Where to write the config.
    #[arg(long, value_name = "FILE", default_value = "apigen.toml")]
    config: PathBuf,
    /// Overwrite an existing config.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// The config whose document to list (default: apigen.toml in the current folder).
    #[arg(long, value_name = "FILE", conflicts_with = "spec")]
    config: Option<PathBuf>,
    /// The document to list.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Exit code of a failed check.
const EXIT_CHECK: u8 = 1;
/// Exit code for input the generator refuses (a bad document or config).
const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a generator bug.
const EXIT_INTERNAL: u8 = 3;

/// A failed check: the output is stale, or the drift is breaking. Exit code 1.
#[derive(Debug)]
struct CheckFailed(String);

impl std::fmt::Display for CheckFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CheckFailed {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = match &cli.command {
        Command::Generate(args) | Command::Check(args) => args.json,
        Command::Drift(args) => args.json || matches!(args.format, DriftFormat::Json),
        Command::List(args) => args.json,
        Command::Init(_) => false,
    };
    let result = match cli.command {
        Command::Generate(args) => generate(&args, Mode::Write),
        Command::Check(args) => generate(&args, Mode::Check),
        Command::Drift(args) => drift(&args),
        Command::Init(args) => init::run(&args.spec, &args.config, args.force),
        Command::List(args) => list::run(args.config.as_deref(), args.spec.as_deref(), args.json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            let code = exit_code(&err);
            if json {
                // A tool reading stdout gets one JSON object, also when the input is refused
                // (a failed check has already printed its summary).
                if err.downcast_ref::<CheckFailed>().is_none() {
                    println!("{}", error_json(&err, code));
                }
            }
            ExitCode::from(code)
        }
    }
}

/// One diagnostic as `--json` prints it.
fn diagnostic_json(d: &apigen::Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "severity": d.severity.as_str(),
        "pointer": d.pointer,
        "message": d.message,
    })
}

/// The JSON object `--json` prints for a run that failed: the message, the exit code and, for
/// a document or config the generator refuses, its file, line, column, pointer and diagnostics.
fn error_json(err: &anyhow::Error, code: u8) -> serde_json::Value {
    let mut error = serde_json::json!({ "message": format!("{err:#}") });
    match err.downcast_ref::<apigen::Error>() {
        Some(apigen::Error::Parse {
            file,
            line,
            column,
            pointer,
            message,
        }) => {
            error["file"] = file.clone().into();
            error["line"] = (*line).into();
            error["column"] = (*column).into();
            error["pointer"] = pointer.clone().into();
            error["message"] = message.clone().into();
        }
        Some(apigen::Error::Io { file, .. } | apigen::Error::Config { file, .. }) => {
            error["file"] = file.clone().into();
        }
        Some(apigen::Error::Invalid { file, diagnostics }) => {
            error["file"] = file.clone().into();
            error["diagnostics"] = diagnostics.iter().map(diagnostic_json).collect();
        }
        _ => {}
    }
    serde_json::json!({ "ok": false, "exit_code": code, "error": error })
}

/// 1 for a failed check, 2 for input the generator refuses (and for anything else the user
/// can fix: a missing file, a folder that cannot be written), 3 for a generator bug.
fn exit_code(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<CheckFailed>().is_some() {
        return EXIT_CHECK;
    }
    match err.downcast_ref::<apigen::Error>() {
        Some(e) if e.is_internal() => EXIT_INTERNAL,
        _ => EXIT_BAD_INPUT,
    }
}

/// What a run generates from, and where it writes.
struct Run {
    project: Project,
    /// How the command that regenerates is spelled, for messages.
    fix: String,
    /// How messages name the document: as the user gave it (the `--spec` path as typed, or the
    /// config's `spec`, relative to `apigen.toml`); generated headers name it relative to the
    /// output instead.
    shown: String,
}

fn open(source: &Source) -> Result<Run> {
    if let Some(spec_path) = &source.spec {
        let out = source
            .out
            .clone()
            .context("--spec needs --out DIR: the folder of the generated workspace")?;
        let select = Selection {
            all: source.all,
            tags: source.tags.clone(),
            operations: source.operations.clone(),
            paths: source.paths.clone(),
            exclude_tags: source.exclude_tags.clone(),
            exclude_operations: source.exclude_operations.clone(),
            ..Selection::default()
        };
        if select.is_empty() {
            bail!(
                "say what to generate: --all, --tag T, --operation ID or --path GLOB (repeatable)"
            );
        }
        // Messages name the document as typed; headers relative to the output, the same in
        // every clone.
        let shown = spec_path.to_string_lossy().replace('\\', "/");
        let display = relative_to(&out, spec_path);
        let mut spec = apigen::load(spec_path, &shown)?;
        spec.file = display.clone();
        let name = source
            .name
            .clone()
            .unwrap_or_else(|| apigen::default_name(&spec));
        let config = Config::standalone(&display, &name, select);
        return Ok(Run {
            project: Project {
                config,
                config_file: PathBuf::new(),
                out_dir: out,
                spec_path: spec_path.clone(),
                spec,
            },
            fix: regenerate_command(),
            shown,
        });
    }
    let path = source
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from("apigen.toml"));
    if !path.exists() {
        bail!(
            "{}: no such config; write one with `apigen init --spec FILE`, or generate with \
             `--spec FILE --out DIR --all`",
            path.display()
        );
    }
    let project = Project::open(&path)?;
    let shown = project.spec.file.clone();
    Ok(Run {
        project,
        fix: regenerate_command(),
        shown,
    })
}

/// This command line with `generate` for `check` and without `--json`: what fixes stale output.
fn regenerate_command() -> String {
    let mut words = vec!["apigen".to_owned()];
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "check" if words.len() == 1 => words.push("generate".to_owned()),
            "--json" => {}
            _ if arg.contains(' ') => words.push(format!("'{arg}'")),
            _ => words.push(arg),
        }
    }
    words.join(" ")
}

/// `target` relative to the folder `from`, lexically, `/`-separated (both made absolute from
/// the current folder first).
fn relative_to(from: &Path, target: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = |p: &Path| {
        let joined = cwd.join(p);
        let mut parts: Vec<String> = Vec::new();
        for component in joined.components() {
            match component {
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                std::path::Component::Normal(part) => {
                    parts.push(part.to_string_lossy().into_owned());
                }
                _ => {}
            }
        }
        parts
    };
    let (from, target) = (absolute(from), absolute(target));
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(target[common..].iter().cloned());
    parts.join("/")
}

fn generate(args: &GenerateArgs, mode: Mode) -> Result<()> {
    let started = Instant::now();
    let run = open(&args.source)?;
    let project = &run.project;
    let spec_name = run.shown.clone();
    let generated = project.generate()?;
    let elapsed = started.elapsed();
    eprint!(
        "{}",
        apigen::diagnostics::summary(&spec_name, &generated.diagnostics, args.verbose)
    );
    let warnings = generated.count(Severity::Warning);
    let degraded = generated.count(Severity::Degraded);
    if args.strict && warnings + degraded > 0 {
        return Err(apigen::Error::Invalid {
            file: spec_name.clone(),
            diagnostics: generated.diagnostics.clone(),
        })
        .context(format!(
            "{warnings} warning(s) and {degraded} degradation(s) (--strict)"
        ));
    }
    if args.deny_degraded && degraded > 0 {
        return Err(apigen::Error::Invalid {
            file: spec_name.clone(),
            diagnostics: generated.diagnostics.clone(),
        })
        .context(format!(
            "{degraded} construct(s) would be generated inexactly (--deny-degraded)"
        ));
    }
    let outcome = apigen::output::sync(&project.out_dir, &generated, mode)?;
    if args.json {
        println!("{}", summary_json(&spec_name, &generated, &outcome, mode));
    }
    match mode {
        Mode::Write => {
            report_written(&spec_name, &generated, &outcome, elapsed);
            Ok(())
        }
        Mode::Check if outcome.is_clean() => {
            eprintln!(
                "{spec_name}: {} generated files are up to date",
                generated.files.len()
            );
            Ok(())
        }
        Mode::Check => {
            for change in &outcome.changes {
                eprintln!("{change}");
            }
            let n = outcome.changes.len();
            Err(CheckFailed(format!(
                "{n} generated file{} out of date; run `{}` and commit the result",
                if n == 1 { " is" } else { "s are" },
                run.fix
            ))
            .into())
        }
    }
}

fn report_written(
    spec_name: &str,
    generated: &Generated,
    outcome: &apigen::Outcome,
    elapsed: std::time::Duration,
) {
    let lines: usize = generated
        .files
        .iter()
        .map(|f| f.contents.lines().count())
        .sum();
    let fallbacks = generated
        .diagnostics
        .iter()
        .filter(|d| apigen::diagnostics::is_value_fallback(d))
        .count();
    eprintln!(
        "{spec_name}: {} operation{}, {} webhooks, {} types, {} files ({} changed, {lines} lines), \
         {} warnings, {} degraded ({fallbacks} kept as serde_json::Value), in {:.1} ms",
        generated.operations,
        if generated.operations == 1 { "" } else { "s" },
        generated.webhooks,
        generated.types,
        generated.files.len(),
        outcome.changes.len(),
        generated.count(Severity::Warning),
        generated.count(Severity::Degraded),
        elapsed.as_secs_f64() * 1000.0,
    );
}

fn summary_json(
    spec_name: &str,
    generated: &Generated,
    outcome: &apigen::Outcome,
    mode: Mode,
) -> String {
    let diagnostics: Vec<serde_json::Value> =
        generated.diagnostics.iter().map(diagnostic_json).collect();
    let value = serde_json::json!({
        "spec": spec_name,
        "mode": match mode { Mode::Write => "generate", Mode::Check => "check" },
        "operations": generated.operations,
        "webhooks": generated.webhooks,
        "types": generated.types,
        "files": generated.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        "changes": outcome.changes.iter().map(|c| c.lines().next().unwrap_or_default()).collect::<Vec<_>>(),
        "up_to_date": outcome.is_clean(),
        "warnings": generated.count(Severity::Warning),
        "degraded": generated.count(Severity::Degraded),
        "value_fallbacks": generated.diagnostics.iter().filter(|d| apigen::diagnostics::is_value_fallback(d)).count(),
        "diagnostics": diagnostics,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

fn drift(args: &DriftArgs) -> Result<()> {
    use apigen::drift::Verdict;
    let old = apigen::load(&args.old, &args.old.to_string_lossy())?;
    let new = apigen::load(&args.new, &args.new.to_string_lossy())?;
    let report = apigen::drift::diff(&old.document, &new.document);
    let format = if args.json {
        DriftFormat::Json
    } else {
        args.format
    };
    let text = match format {
        DriftFormat::Text => report.to_text(),
        DriftFormat::Markdown => report.to_markdown(),
        DriftFormat::Json => report.to_json(),
    };
    println!("{text}");
    let any = |pred: &dyn Fn(&apigen::drift::Change) -> bool| report.changes.iter().any(pred);
    let fails = match args.fail_on {
        FailOn::Never => false,
        FailOn::Breaking => any(&|c| c.wire == Verdict::Breaking || c.rust == Verdict::Breaking),
        FailOn::WireBreaking => any(&|c| c.wire == Verdict::Breaking),
        FailOn::RustBreaking => any(&|c| c.rust == Verdict::Breaking),
    };
    if fails {
        return Err(CheckFailed(report.summary()).into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_tell_checks_bad_input_and_generator_bugs_apart() {
        let internal = anyhow::Error::new(apigen::Error::Internal {
            message: "a bug".to_owned(),
        })
        .context("generating x.yaml");
        assert_eq!(exit_code(&internal), EXIT_INTERNAL);
        let bad = apigen::parse("x.yaml", "openapi: [").unwrap_err();
        assert_eq!(
            exit_code(&anyhow::Error::new(bad).context("x")),
            EXIT_BAD_INPUT
        );
        assert_eq!(exit_code(&CheckFailed("stale".into()).into()), EXIT_CHECK);
    }

    #[test]
    fn relative_paths_are_lexical() {
        assert_eq!(
            relative_to(Path::new("/a/b/out"), Path::new("/a/specs/x.yaml")),
            "../../specs/x.yaml"
        );
        assert_eq!(
            relative_to(Path::new("/a/out/../gen"), Path::new("/a/x.yaml")),
            "../x.yaml"
        );
    }
}
