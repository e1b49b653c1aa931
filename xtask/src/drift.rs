//! `cargo xtask drift OLD NEW`: what changed between two spec versions, and what it breaks.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use apigen::drift::{Report, Verdict};

/// Report formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Plain text, one line per change.
    Text,
    /// Markdown tables, for pull requests.
    Markdown,
    /// JSON, for tools.
    Json,
}

/// When to exit non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Never (the default): report only.
    Never,
    /// Any change breaking for HTTP clients or for Rust users.
    Breaking,
    /// Changes breaking for HTTP clients.
    WireBreaking,
    /// Changes breaking for users of the generated Rust crates.
    RustBreaking,
}

/// `cargo xtask drift` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The old document.
    old: PathBuf,
    /// The new document.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Shorthand for `--format json`.
    #[arg(long)]
    json: bool,
    /// Exit with status 1 when the report has such changes.
    #[arg(long, value_enum, default_value = "never")]
    fail_on: FailOn,
}

/// Runs the comparison and prints the report on stdout.
pub fn run(args: &Args) -> Result<()> {
    let started = Instant::now();
    let old = apigen::load(&args.old, &args.old.to_string_lossy())?;
    let new = apigen::load(&args.new, &args.new.to_string_lossy())?;
    let loaded = started.elapsed();
    let report = apigen::drift::diff(&old.document, &new.document);
    let compared = started.elapsed() - loaded;
    let format = if args.json { Format::Json } else { args.format };
    let text = match format {
        Format::Text => report.to_text(),
        Format::Markdown => report.to_markdown(),
        Format::Json => report.to_json(),
    };
    println!("{text}");
    eprintln!(
        "drift: parsed both documents in {:.0} ms, compared in {:.1} ms",
        loaded.as_secs_f64() * 1000.0,
        compared.as_secs_f64() * 1000.0
    );
    if fails(&report, args.fail_on) {
        bail!("{}", report.summary());
    }
    Ok(())
}

fn fails(report: &Report, fail_on: FailOn) -> bool {
    let any = |pred: &dyn Fn(&apigen::drift::Change) -> bool| report.changes.iter().any(pred);
    match fail_on {
        FailOn::Never => false,
        FailOn::Breaking => any(&|c| c.wire == Verdict::Breaking || c.rust == Verdict::Breaking),
        FailOn::WireBreaking => any(&|c| c.wire == Verdict::Breaking),
        FailOn::RustBreaking => any(&|c| c.rust == Verdict::Breaking),
    }
}
