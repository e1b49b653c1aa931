//! The whole authentik API, both upstream documents: every operation generates with no
//! degradation, and the generated workspace compiles with `-D warnings`.
//!
//! The documents are read from `../shared/specs/authentik` (upstream data, never copied into this
//! repository) and the output goes to `target/authentik-full/<version>/`, which is never
//! committed. Both workspaces share one target directory, so the dependencies compile once.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Generates the full workspace for one document into `target/authentik-full/<version>`,
/// writing only files whose contents changed so that repeated runs stay incremental.
fn generate(
    version: &str,
    operations: usize,
    degraded: &[&str],
) -> (PathBuf, Option<tests::oracle::Harness>) {
    let root = tests::root();
    let spec_path = root.join(format!("../shared/specs/authentik/schema-{version}.yml"));
    let spec_name = format!("../shared/specs/authentik/schema-{version}.yml");
    let spec = apigen::load(&spec_path, &spec_name).unwrap_or_else(|e| {
        panic!("{e} (the upstream documents live in ../shared/specs/authentik)")
    });
    let select = apigen::config::Selection {
        all: true,
        ..Default::default()
    };
    let config = apigen::Config::standalone(&spec_name, "authentik", select);
    let generated = apigen::generate(&spec, &config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.operations, operations, "operations of {version}");
    let diagnostics: Vec<String> = generated
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(diagnostics, degraded, "what {version} degrades");
    let out = root.join("target/authentik-full").join(version);
    for file in &generated.files {
        tests::write_if_changed(&out.join(&file.path), &file.contents);
    }
    // The generator workspace's lock file pins the same dependency versions the committed
    // generated crates are tested with; cargo prunes what this workspace does not use.
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    tests::write_if_changed(&out.join("Cargo.lock"), &lock);
    // The examples oracle's harness (tests/oracle.rs), in the models crate.
    let raw = apigen::load::bundled(&spec_path, &spec_name).expect("the document");
    let harness = tests::oracle::write_harness(&raw, &spec, &config, &generated, &out);
    (out, harness)
}

/// `cargo check --workspace --all-targets --all-features` (the mock, middleware and tracing
/// too) with warnings denied, in `dir`.
fn cargo_check(dir: &Path) {
    cargo(
        dir,
        &[
            "check",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--quiet",
        ],
    );
}

/// `cargo <args>` with warnings denied, in `dir`, sharing one target directory.
fn cargo(dir: &Path, args: &[&str]) {
    let target = tests::root().join("target/authentik-full/target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {} failed in {}:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A consumer that enables a few tags (default features off) compiles only the model types
/// their operations reach: each subset compiles with `-D warnings` (a type left out that a
/// compiled one needs is an error; an import or helper only a left-out type used is a warning).
fn tag_subsets_compile(dir: &Path) {
    for (package, features) in [
        ("authentik-client", "core,flows"),
        ("authentik-client", "providers"),
        ("authentik-server", "flows"),
        ("authentik-server", "admin,events"),
        // The models crate alone with no tag: only the types every tag (or none) uses.
        ("authentik-models", ""),
    ] {
        cargo(
            dir,
            &[
                "check",
                "-p",
                package,
                "--no-default-features",
                "--features",
                features,
                "--quiet",
            ],
        );
    }
}

#[test]
fn both_authentik_documents_generate_completely_and_compile_without_warnings() {
    // One after the other: the second reuses the dependencies the first compiled.
    // 2024.8 documents a JSON body on a 204, which HTTP does not carry (Prism found it).
    let import_204 = "degraded: #/paths/~1flows~1instances~1import~1/post/responses/204/content: \
                      a 204 response has no body in HTTP; its declared content is ignored";
    // (version, operations, what it degrades, its examples: accepted by the validator, decoded,
    // round-tripped).
    for (version, operations, degraded, examples) in [
        ("2024.8", 875, vec![import_204], (0, 0, 0)),
        ("latest", 1_192, vec![], (1, 1, 1)),
    ] {
        let (dir, harness) = generate(version, operations, &degraded);
        cargo_check(&dir);
        let harness = harness.expect("a single-file document has an examples harness");
        let output = if !harness
            .collected
            .accepted
            .iter()
            .any(|e| harness.rust.contains_key(&e.schema))
        {
            String::new()
        } else {
            let target = tests::root().join("target/authentik-full/target");
            tests::oracle::run(&dir, &harness.package, &target).unwrap_or_else(|e| panic!("{e}"))
        };
        let tally = tests::oracle::Tally::from_output(
            &harness.collected,
            &harness.rust,
            &harness.types,
            &output,
        );
        println!("{version}: examples {tally:?}");
        assert_eq!(
            (tally.accepted, tally.decoded, tally.round_tripped),
            examples,
            "{version}: the examples the validator accepts (decoded, round-tripped): {:?}",
            tally.failures
        );
        if version == "latest" {
            // Descriptions are Markdown written for web pages: rustdoc must read them cleanly
            // (raw tags, bare URLs, brackets), and the generator's own links must resolve.
            cargo(&dir, &["doc", "--no-deps", "--workspace", "--quiet"]);
            tag_subsets_compile(&dir);
        }
    }
    // Every construct, and every collision, again with the settings that change what is
    // emitted: closed enums (string and integer), every checked derive (kept only where valid),
    // undeclared properties kept, a crate-name stem, package metadata, edition 2021.
    for (name, spec) in [
        ("settings", "tests/specs/constructs.yaml"),
        ("settings-collisions", "tests/specs/collisions.yaml"),
    ] {
        let settings = format!(
            "spec = {:?}\nname = {name:?}\n[select]\nall = true\n[package]\nlicense = \"MIT\"\n\
             publish = false\nedition = \"2021\"\n[types]\nenums = \"closed\"\nunknown_fields = \"keep\"\n\
             derive = [\"Eq\", \"Hash\", \"PartialOrd\", \"Ord\", \"Copy\", \"Default\"]\n",
            tests::root().join(spec).to_string_lossy()
        );
        let dir = tests::root().join("target/authentik-full").join(name);
        tests::write_if_changed(&dir.join("apigen.toml"), &settings);
        let project = apigen::config::Project::open(&dir.join("apigen.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
        let generated = project.generate().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            generated
                .diagnostics
                .iter()
                .any(|d| d.message.contains("extra derive `Eq` left out")),
            "an f64 somewhere in {spec} forbids Eq"
        );
        for file in &generated.files {
            tests::write_if_changed(&dir.join(&file.path), &file.contents);
        }
        let lock = std::fs::read_to_string(tests::root().join("Cargo.lock")).expect("Cargo.lock");
        tests::write_if_changed(&dir.join("Cargo.lock"), &lock);
        // Edition 2021, and nothing of std newer than the `rust-version` the crates declare
        // (clippy's `incompatible_msrv` reads it), with every feature and warnings denied.
        let manifest = std::fs::read_to_string(dir.join(format!("{name}-models/Cargo.toml")))
            .expect("Cargo.toml");
        assert!(manifest.contains("edition = \"2021\""), "{manifest}");
        cargo(
            &dir,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--quiet",
                "--",
                "-A",
                "clippy::all",
                "-D",
                "clippy::incompatible_msrv",
            ],
        );
    }

    // The constructs authentik does not use, the awkward names and what real documents collide
    // on compile too, with warnings denied.
    for name in [
        "constructs",
        "names",
        "openapi31",
        "collisions",
        "wire",
        "schemas_only",
    ] {
        let generated = tests::generate_spec(&format!("tests/specs/{name}.yaml"));
        let dir = tests::root().join("target/authentik-full").join(name);
        for file in &generated.files {
            tests::write_if_changed(&dir.join(&file.path), &file.contents);
        }
        let lock = std::fs::read_to_string(tests::root().join("Cargo.lock")).expect("Cargo.lock");
        tests::write_if_changed(&dir.join("Cargo.lock"), &lock);
        if name == "constructs" {
            // What strict decoding checks, run inside the generated models crate.
            let strict =
                std::fs::read_to_string(tests::root().join("tests/specs/constructs_strict.rs"))
                    .expect("constructs_strict.rs");
            tests::write_if_changed(&dir.join("constructs-models/tests/strict.rs"), &strict);
            cargo(
                &dir,
                &[
                    "test",
                    "-p",
                    "constructs-models",
                    "--test",
                    "strict",
                    "--quiet",
                ],
            );
        }
        if name == "constructs" {
            // The router authenticates before the implementation runs, tested over the router
            // itself (tower's `oneshot`) inside the generated server crate.
            let auth =
                std::fs::read_to_string(tests::root().join("tests/specs/constructs_auth.rs"))
                    .expect("constructs_auth.rs");
            tests::write_if_changed(&dir.join("constructs-server/tests/auth.rs"), &auth);
            let manifest = dir.join("constructs-server/Cargo.toml");
            let generated = std::fs::read_to_string(&manifest).expect("Cargo.toml");
            tests::write_if_changed(
                &manifest,
                &format!(
                    "{generated}\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\ntower = {{ version = \"0.5\", features = [\"util\"] }}\n"
                ),
            );
            cargo(
                &dir,
                &[
                    "test",
                    "-p",
                    "constructs-server",
                    "--test",
                    "auth",
                    "--quiet",
                ],
            );
        }
        if name == "openapi31" {
            // Webhooks sent as the API sends them arrive at the generated webhook router typed.
            let webhooks =
                std::fs::read_to_string(tests::root().join("tests/specs/openapi31_webhooks.rs"))
                    .expect("openapi31_webhooks.rs");
            tests::write_if_changed(&dir.join("pet-events-server/tests/webhooks.rs"), &webhooks);
            let manifest = dir.join("pet-events-server/Cargo.toml");
            let generated = std::fs::read_to_string(&manifest).expect("Cargo.toml");
            tests::write_if_changed(
                &manifest,
                &format!(
                    "{generated}\n[dev-dependencies]\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\ntower = {{ version = \"0.5\", features = [\"util\"] }}\n"
                ),
            );
            cargo(
                &dir,
                &[
                    "test",
                    "-p",
                    "pet-events-server",
                    "--test",
                    "webhooks",
                    "--quiet",
                ],
            );
        }
        if name == "wire" {
            // What real servers send (nulls, absences, pinned tags) reaches the generated client
            // typed, and the generated client and server agree on it.
            let wire = std::fs::read_to_string(tests::root().join("tests/specs/wire_e2e.rs"))
                .expect("wire_e2e.rs");
            tests::write_if_changed(&dir.join("wire-server/tests/wire.rs"), &wire);
            let manifest = dir.join("wire-server/Cargo.toml");
            let generated = std::fs::read_to_string(&manifest).expect("Cargo.toml");
            tests::write_if_changed(
                &manifest,
                &format!(
                    "{generated}\n[dev-dependencies]\nwire-client = {{ path = \"../wire-client\" }}\nreqwest = {{ version = \"0.13\", default-features = false, features = [\"json\"] }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\", \"net\", \"io-util\"] }}\n"
                ),
            );
            cargo(
                &dir,
                &[
                    "test",
                    "-p",
                    "wire-server",
                    "--features",
                    "mock",
                    "--test",
                    "wire",
                    "--quiet",
                ],
            );
        }
        cargo_check(&dir);
        cargo(&dir, &["doc", "--no-deps", "--workspace", "--quiet"]);
    }
}
