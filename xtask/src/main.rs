//! `cargo xtask`: this repository's own chores, over the `apigen` library (the `apigen` command
//! is what users run).
//!
//! - `cargo xtask codegen` regenerates the committed authentik crates from `apigen.toml`.
//! - `cargo xtask codegen --check` changes nothing and fails, with a diff, when any generated
//!   file is stale, missing or orphaned.
//! - `cargo xtask bench [--cargo-check]` times generation of a whole document, stage by stage,
//!   and optionally how long the generated workspace takes to check and build.
//! - `cargo xtask conformance` calls every operation through the generated client against a
//!   Prism mock of each authentik document.

mod bench;
mod codegen;
mod conformance;
mod decode;

use std::process::ExitCode;

/// Generation builds and drops millions of small token trees on every core; mimalloc serves
/// them about twice as fast as the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Workspace automation for the OpenAPI generator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the committed crates from apigen.toml.
    Codegen(codegen::Args),
    /// Time generation of a whole document (and, with --cargo-check, compiling the result).
    Bench(bench::Args),
    /// Call every operation through the generated client against a Prism mock of the document.
    Conformance(conformance::Args),
}

/// Exit code for input the generator rejects (a bad spec or config).
const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for a generator bug.
const EXIT_INTERNAL: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen(args) => codegen::main(&args),
        Command::Bench(args) => bench::run(&codegen::project_root(), &args),
        Command::Conformance(args) => conformance::run(&codegen::project_root(), &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code(&err))
        }
    }
}

/// 2 for input the generator rejects, 3 for a generator bug, 1 for anything else (a failed
/// check, an I/O error writing the output, a tool that would not start).
fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<apigen::Error>() {
        Some(e) if e.is_internal() => EXIT_INTERNAL,
        Some(_) => EXIT_BAD_INPUT,
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_tell_bad_input_from_generator_bugs() {
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
        assert_eq!(exit_code(&anyhow::anyhow!("drift found")), 1);
    }
}
