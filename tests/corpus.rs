//! Real public OpenAPI 3.0 and 3.1 documents (`../shared/specs/corpus/`, upstream data read in
//! place, never copied; one of them split over 2,900 files): every one generates with `--all`,
//! and every generated workspace compiles and documents with `-D warnings`.
//!
//! Per document the test prints (and writes to `target/corpus/report.md`) operations, webhooks, types,
//! diagnostics by kind and the values that fall back to `serde_json::Value` where the schema had a
//! shape, and compares the counts with the table below, so that a change that types less (or
//! more) of a real document is seen, not silently accepted: update the table with the reason.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use apigen::Severity;

/// (document under `../shared/specs/corpus/`, operations, webhooks, fallbacks to
/// `serde_json::Value`): what each document generates today.
const EXPECTED: &[(&str, usize, usize, usize)] = &[
    ("v3.0/digitalocean/DigitalOcean-public.v2.yaml", 659, 0, 0),
    ("v3.0/immich.json", 236, 0, 0),
    ("v3.0/nextcloud-notifications.json", 16, 0, 0),
    ("v3.0/nomad.yaml", 99, 0, 0),
    ("v3.0/objects-api.yaml", 22, 0, 0),
    ("v3.0/ory-hydra.json", 52, 0, 0),
    ("v3.0/overseerr.yaml", 170, 0, 0),
    ("v3.0/pagerduty.json", 465, 0, 0),
    ("v3.0/plaid.yaml", 329, 0, 0),
    ("v3.0/qdrant.json", 69, 0, 0),
    ("v3.0/radarr.json", 238, 0, 0),
    ("v3.0/stripe.json", 417, 0, 0),
    ("v3.0/temporal.yaml", 226, 0, 0),
    ("v3.0/tgi.json", 12, 0, 0),
    ("v3.1/adyen-bp-config-notification-v2.json", 0, 26, 0),
    ("v3.1/adyen-checkout-v71.json", 28, 0, 0),
    ("v3.1/coolify.yaml", 275, 0, 0),
    ("v3.1/iceberg-rest-catalog.yaml", 35, 0, 0),
    ("v3.1/mastodon.json", 210, 0, 0),
    ("v3.1/mistral.yaml", 173, 0, 0),
    ("v3.1/museum.yaml", 8, 1, 0),
    ("v3.1/svix.json", 252, 14, 0),
];

/// (document, examples accepted by the validator, decoded, round-tripped, round-tripped but for
/// undeclared properties): what the examples oracle (`tests/oracle.rs`) finds of each document
/// today. A document missing here gives no accepted example.
const EXAMPLES: &[(&str, usize, usize, usize, usize)] = &[
    // Two examples give 9223372036854776000 to a `format: int64`, beyond `i64`.
    (
        "v3.0/digitalocean/DigitalOcean-public.v2.yaml",
        710,
        708,
        695,
        13,
    ),
    ("v3.0/immich.json", 10, 10, 10, 0),
    ("v3.0/ory-hydra.json", 7, 7, 7, 0),
    ("v3.0/overseerr.yaml", 44, 44, 44, 0),
    ("v3.0/pagerduty.json", 97, 97, 83, 14),
    ("v3.0/plaid.yaml", 599, 599, 597, 2),
    ("v3.0/qdrant.json", 8, 8, 8, 0),
    ("v3.0/tgi.json", 12, 12, 12, 0),
    ("v3.1/adyen-checkout-v71.json", 110, 110, 110, 0),
    ("v3.1/coolify.yaml", 1, 1, 1, 0),
    ("v3.1/iceberg-rest-catalog.yaml", 56, 56, 56, 0),
    ("v3.1/mastodon.json", 71, 71, 66, 5),
    ("v3.1/mistral.yaml", 19, 19, 19, 0),
    ("v3.1/museum.yaml", 26, 26, 25, 1),
    ("v3.1/svix.json", 66, 66, 66, 0),
];

/// The documents of the corpus: the files of each version's folder, and the root document of
/// each multi-file document (the one document file at the top of its folder).
fn corpus_documents(corpus: &Path) -> Vec<String> {
    let is_document =
        |name: &str| name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml");
    let mut found = Vec::new();
    for version in ["v3.0", "v3.1"] {
        for entry in std::fs::read_dir(corpus.join(version)).expect("corpus") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_file() && is_document(&name) {
                found.push(format!("{version}/{name}"));
            } else if entry.path().is_dir() {
                let roots: Vec<String> = std::fs::read_dir(entry.path())
                    .expect("folder")
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| {
                        is_document(n)
                            && std::fs::read_to_string(entry.path().join(n))
                                .is_ok_and(|t| t.contains("openapi"))
                    })
                    .collect();
                for root in roots {
                    found.push(format!("{version}/{name}/{root}"));
                }
            }
        }
    }
    found.sort();
    found
}

/// The name a document's workspace is generated under: its file stem (`mistral`).
fn stem_of(file: &str) -> &str {
    let name = file.rsplit('/').next().expect("a file name");
    name.split('.').next().expect("a stem")
}

/// `cargo <command> --workspace` with warnings denied (rustc's and rustdoc's) in `dir`, sharing
/// one target directory; the first lines of the errors when it fails.
fn cargo(command: &[&str], dir: &Path, target: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(command)
        .args(["--workspace", "--quiet", "--message-format", "short"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first: Vec<&str> = stderr.lines().take(40).collect();
    Err(first.join("\n"))
}

struct Row {
    file: String,
    operations: usize,
    webhooks: usize,
    types: usize,
    lines: usize,
    warnings: usize,
    degraded: usize,
    fallbacks: Vec<String>,
    kinds: Vec<String>,
    /// Component schemas, and those without a type of their own name.
    components: usize,
    untyped: Vec<String>,
    /// Component schemas a diagnostic is about (at their pointer).
    explained: Vec<String>,
    /// The document's examples (see `tests/oracle.rs`), the models package the harness runs
    /// in, and the Rust type of each component schema; `None` for a multi-file document.
    examples: Option<tests::oracle::Harness>,
}

fn generate(root: &Path, file: &str, out: &Path) -> Result<Row, String> {
    let spec_name = format!("../shared/specs/corpus/{file}");
    let spec = apigen::load(&root.join(&spec_name), &spec_name).map_err(|e| e.to_string())?;
    let stem = stem_of(file);
    let select = apigen::config::Selection {
        all: true,
        ..Default::default()
    };
    let config = apigen::Config::standalone(&spec_name, stem, select);
    let generated = apigen::generate(&spec, &config).map_err(|e| e.to_string())?;
    let dir = out.join(stem);
    for file in &generated.files {
        tests::write_if_changed(&dir.join(&file.path), &file.contents);
    }
    // With `all`, every component schema has a type of its own name (in Rust case), reached by
    // an operation or not.
    let models = generated
        .files
        .iter()
        .find(|f| f.path.ends_with("-models/src/generated.rs"))
        .map_or("", |f| f.contents.as_str());
    let names: Vec<&String> = spec
        .document
        .components
        .as_ref()
        .map(|c| c.schemas.keys().collect())
        .unwrap_or_default();
    let untyped: Vec<String> = names
        .iter()
        .filter(|name| {
            let rust = apigen::naming::type_name(name);
            ![
                "pub struct {} ",
                "pub struct {};",
                "pub enum {} ",
                "pub type {} ",
            ]
            .iter()
            .any(|form| models.contains(&form.replace("{}", &rust)))
        })
        .map(|name| name.to_string())
        .collect();
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    tests::write_if_changed(&dir.join("Cargo.lock"), &lock);
    // The document as published, its other files bundled in.
    let examples = apigen::load::bundled(&root.join(&spec_name), &spec_name)
        .ok()
        .and_then(|raw| tests::oracle::write_harness(&raw, &spec, &config, &generated, &dir));
    let kinds = apigen::diagnostics::group(&generated.diagnostics)
        .into_iter()
        .map(|g| {
            let level = g.severity.as_str();
            format!("{} × {level}: {}", g.items.len(), g.kind)
        })
        .collect();
    Ok(Row {
        file: file.to_owned(),
        operations: generated.operations,
        webhooks: generated.webhooks,
        types: generated.types,
        lines: generated
            .files
            .iter()
            .map(|f| f.contents.lines().count())
            .sum(),
        warnings: generated.count(Severity::Warning),
        degraded: generated.count(Severity::Degraded),
        fallbacks: generated
            .diagnostics
            .iter()
            .filter(|d| apigen::diagnostics::is_value_fallback(d))
            .map(|d| format!("#{}: {}", d.pointer, d.message))
            .collect(),
        kinds,
        components: names.len(),
        explained: untyped
            .iter()
            .filter(|name| {
                let pointer = format!(
                    "/components/schemas/{}",
                    name.replace('~', "~0").replace('/', "~1")
                );
                generated.diagnostics.iter().any(|d| d.pointer == pointer)
            })
            .cloned()
            .collect(),
        untyped,
        examples,
    })
}

#[test]
fn every_corpus_document_generates_and_compiles_without_warnings() {
    let root = tests::root();
    let corpus = root.join("../shared/specs/corpus");
    assert!(
        corpus.is_dir(),
        "the corpus lives in ../shared/specs/corpus (upstream data)"
    );
    let listed: Vec<&str> = EXPECTED.iter().map(|(f, ..)| *f).collect();
    assert_eq!(
        corpus_documents(&corpus),
        listed,
        "every corpus document has a row in EXPECTED"
    );

    let out: PathBuf = root.join("target/corpus");
    // The target directory of `full_authentik.rs`: the dependencies compile once for both.
    let target = root.join("target/authentik-full/target");
    let mut report = String::from(
        "| document | operations | webhooks | types | component schemas typed | lines | generates | compiles | documents | warnings | degraded | `Value` fallbacks |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut details = String::new();
    let mut failures = Vec::new();
    let mut examples_report = String::from(
        "| document | examples | rejected by the validator | accepted | decoded | round-tripped | round-tripped but for undeclared properties |\n|---|---|---|---|---|---|---|\n",
    );
    let mut examples_details = String::new();
    // `APIGEN_CORPUS=v3.1,digitalocean` runs only the documents whose path contains one of the
    // words (for working on a few); CI runs them all.
    let only: Vec<String> = std::env::var("APIGEN_CORPUS")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    for (file, operations, webhooks, fallbacks) in EXPECTED {
        if !only.is_empty() && !only.iter().any(|word| file.contains(word.as_str())) {
            continue;
        }
        let row = match generate(&root, file, &out) {
            Ok(row) => row,
            Err(err) => {
                let _ = writeln!(report, "| {file} | | | | | | no | | | | | |");
                failures.push(format!("{file} does not generate: {err}"));
                continue;
            }
        };
        let stem = stem_of(file);
        // Every feature: the server's mock and the client's middleware and tracing too.
        let compiled = cargo(&["check", "--all-features"], &out.join(stem), &target);
        // Descriptions are Markdown written for web pages; rustdoc must read them cleanly.
        let documented = match &compiled {
            Ok(()) => cargo(&["doc", "--no-deps"], &out.join(stem), &target),
            Err(_) => Err("does not compile".to_owned()),
        };
        let yes = |result: &Result<(), String>| if result.is_ok() { "yes" } else { "no" };
        let _ = writeln!(
            report,
            "| {} | {} | {} | {} | {} of {} | {} | yes | {} | {} | {} | {} | {} |",
            row.file,
            row.operations,
            row.webhooks,
            row.types,
            row.components - row.untyped.len(),
            row.components,
            row.lines,
            yes(&compiled),
            yes(&documented),
            row.warnings,
            row.degraded,
            row.fallbacks.len()
        );
        let _ = writeln!(details, "\n### {file}\n");
        for kind in &row.kinds {
            let _ = writeln!(details, "- {kind}");
        }
        for fallback in &row.fallbacks {
            let _ = writeln!(details, "- fallback {fallback}");
        }
        if !row.untyped.is_empty() {
            let _ = writeln!(
                details,
                "- component schemas without a type of their own name (each with a warning saying \
                 why): {}",
                row.untyped.join(", ")
            );
        }
        // The examples oracle: each example the validator accepts decodes and round-trips.
        let expected = EXAMPLES
            .iter()
            .find(|(f, ..)| f == file)
            .map_or((0, 0, 0, 0), |(_, a, d, r, u)| (*a, *d, *r, *u));
        match (&row.examples, &compiled) {
            (
                Some(tests::oracle::Harness {
                    collected,
                    package,
                    rust,
                    types,
                }),
                Ok(()),
            ) => {
                let output = if !collected
                    .accepted
                    .iter()
                    .any(|e| rust.contains_key(&e.schema))
                {
                    Ok(String::new())
                } else {
                    tests::oracle::run(&out.join(stem), package, &target)
                };
                match output {
                    Ok(output) => {
                        let tally =
                            tests::oracle::Tally::from_output(collected, rust, types, &output);
                        let _ = writeln!(
                            examples_report,
                            "| {file} | {} | {} | {} | {} | {} | {} |",
                            tally.examples,
                            tally.rejected,
                            tally.accepted,
                            tally.decoded,
                            tally.round_tripped,
                            tally.undeclared_dropped
                        );
                        if !tally.failures.is_empty()
                            || !collected.unreadable.is_empty()
                            || !collected.rejected.is_empty()
                        {
                            let _ = writeln!(examples_details, "\n### {file}\n");
                        }
                        for failure in &tally.failures {
                            let _ = writeln!(examples_details, "- {failure}");
                        }
                        for (example, why) in &collected.rejected {
                            let _ = writeln!(
                                examples_details,
                                "- rejected by the validator: {}: {why}",
                                example.pointer
                            );
                        }
                        for (schema, why) in &collected.unreadable {
                            let first = why.lines().next().unwrap_or_default();
                            let _ = writeln!(
                                examples_details,
                                "- `{schema}`: the validator cannot read the schema ({first})"
                            );
                        }
                        let measured = (
                            tally.accepted,
                            tally.decoded,
                            tally.round_tripped,
                            tally.undeclared_dropped,
                        );
                        if measured != expected {
                            failures.push(format!(
                                "{file}: examples (accepted, decoded, round-tripped, but for undeclared) are {measured:?}, expected {expected:?}:\n  {}",
                                tally.failures.join("\n  ")
                            ));
                        }
                    }
                    Err(err) => {
                        failures.push(format!("{file}: the examples harness fails:\n{err}"))
                    }
                }
            }
            (None, _) => {
                let _ = writeln!(
                    examples_report,
                    "| {file} | (the document could not be read as published) | | | | | |"
                );
            }
            _ => {}
        }
        if let Err(err) = compiled {
            failures.push(format!("{file} does not compile:\n{err}"));
        } else if let Err(err) = documented {
            failures.push(format!("{file}: rustdoc warns:\n{err}"));
        }
        for name in &row.untyped {
            if !row.explained.contains(name) {
                failures.push(format!(
                    "{file}: component schema `{name}` has no type of its name, and no warning says why"
                ));
            }
        }
        if row.operations != *operations {
            failures.push(format!(
                "{file}: {} operations, expected {operations}",
                row.operations
            ));
        }
        if row.webhooks != *webhooks {
            failures.push(format!(
                "{file}: {} webhooks, expected {webhooks}",
                row.webhooks
            ));
        }
        if row.fallbacks.len() != *fallbacks {
            failures.push(format!(
                "{file}: {} fallbacks to serde_json::Value, expected {fallbacks}:\n  {}",
                row.fallbacks.len(),
                row.fallbacks.join("\n  ")
            ));
        }
    }
    report.push_str(&details);
    report.push_str("\n## Examples\n\n");
    report.push_str(&examples_report);
    report.push_str(&examples_details);
    tests::write_if_changed(&out.join("report.md"), &report);
    println!("{report}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
