//! Snapshots of what the generator emits, reviewed by hand: the seed spec (one operation per
//! construct the authentik API needs) and `tests/specs/constructs.yaml` (constructs authentik
//! does not use: text and binary bodies, `default` responses, other security schemes, header
//! parameters, untagged unions, form bodies).
//!
//! Review changes with `cargo insta review`; CI runs these in check mode, so an unreviewed
//! change fails.

use tests::{crate_sources, generate, generate_spec};

#[test]
fn seed_models() {
    let generated = generate();
    insta::assert_snapshot!("models", crate_sources(&generated, "authentik-models"));
}

#[test]
fn seed_client() {
    let generated = generate();
    insta::assert_snapshot!("client", crate_sources(&generated, "authentik-client"));
}

#[test]
fn seed_server() {
    let generated = generate();
    insta::assert_snapshot!("server", crate_sources(&generated, "authentik-server"));
}

#[test]
fn constructs_models() {
    let generated = generate_spec("tests/specs/constructs.yaml");
    insta::assert_snapshot!(
        "constructs_models",
        crate_sources(&generated, "constructs-models")
    );
}

#[test]
fn constructs_client() {
    let generated = generate_spec("tests/specs/constructs.yaml");
    insta::assert_snapshot!(
        "constructs_client",
        crate_sources(&generated, "constructs-client")
    );
}

#[test]
fn constructs_server() {
    let generated = generate_spec("tests/specs/constructs.yaml");
    insta::assert_snapshot!(
        "constructs_server",
        crate_sources(&generated, "constructs-server")
    );
}

#[test]
fn openapi31_models() {
    let generated = generate_spec("tests/specs/openapi31.yaml");
    insta::assert_snapshot!(
        "openapi31_models",
        crate_sources(&generated, "pet-events-models")
    );
}

#[test]
fn openapi31_server() {
    let generated = generate_spec("tests/specs/openapi31.yaml");
    insta::assert_snapshot!(
        "openapi31_server",
        crate_sources(&generated, "pet-events-server")
    );
}

/// The build-script example's settings (`examples/petstore/apigen.toml`): a replaced schema and
/// a mapped format used by path, derives only where valid, renames, an excluded operation, a
/// schema no operation reaches behind `components`, closed over nothing else.
#[test]
fn settings_models() {
    let project =
        apigen::config::Project::open(&tests::root().join("examples/petstore/apigen.toml"))
            .unwrap_or_else(|e| panic!("{e}"));
    let generated = project.generate().unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = generated
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(
        "settings_models",
        format!(
            "// ---- diagnostics\n{}\n{}",
            warnings.join("\n"),
            crate_sources(&generated, "petstore-models")
        )
    );
}
