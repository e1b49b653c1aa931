//! `cargo xtask codegen`: regenerates this repository's committed crates through the library:
//! the authentik models, client and server from `apigen.toml` at the workspace root, and the
//! streaming example's from `examples/streaming/apigen.toml`.
//!
//! `--check` changes nothing and fails, with a unified diff, when a generated file is stale,
//! missing or orphaned. For any other document, use the `apigen` command.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};

/// `cargo xtask codegen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Change nothing; fail with a diff when a generated file is stale, missing or orphaned.
    #[arg(long)]
    check: bool,
    /// List every diagnostic with its pointer, instead of one line per kind.
    #[arg(long, short)]
    verbose: bool,
}

/// Runs `cargo xtask codegen` as `args` say.
pub fn main(args: &Args) -> Result<()> {
    let mode = if args.check {
        apigen::Mode::Check
    } else {
        apigen::Mode::Write
    };
    run(&project_root(), mode, args.verbose)
}

/// The workspace root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// The configs of the committed crates, relative to the workspace root.
const CONFIGS: &[&str] = &["apigen.toml", "examples/streaming/apigen.toml"];

/// Generates from each of [`CONFIGS`] and makes the tree match (or checks that it does).
fn run(root: &Path, mode: apigen::Mode, verbose: bool) -> Result<()> {
    let mut failures = Vec::new();
    for config in CONFIGS {
        if let Err(err) = run_one(&root.join(config), mode, verbose) {
            failures.push(format!("{config}: {err:#}"));
        }
    }
    if !failures.is_empty() {
        bail!("{}", failures.join("\n"));
    }
    Ok(())
}

/// Generates from `config` and makes the tree match (or checks that it does).
fn run_one(config: &Path, mode: apigen::Mode, verbose: bool) -> Result<()> {
    let started = Instant::now();
    let project = apigen::config::Project::open(config)?;
    let generated = project.generate()?;
    let spec = &project.spec.file;
    eprint!(
        "{}",
        apigen::diagnostics::summary(spec, &generated.diagnostics, verbose)
    );
    let outcome = apigen::output::sync(&project.out_dir, &generated, mode)?;
    for change in &outcome.changes {
        eprintln!("{change}");
    }
    if mode == apigen::Mode::Check && !outcome.is_clean() {
        bail!(
            "{} generated file(s) out of date; run `cargo xtask codegen` and commit the result",
            outcome.changes.len()
        );
    }
    eprintln!(
        "{spec}: {} operations, {} types, {} files ({} changed) in {:.0} ms",
        generated.operations,
        generated.types,
        generated.files.len(),
        outcome.changes.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when the committed generated code does not match the spec.
    #[test]
    fn generated_code_is_fresh() {
        if let Err(err) = run(&project_root(), apigen::Mode::Check, false) {
            panic!("{err:#}");
        }
    }
}
