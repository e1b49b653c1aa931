//! Snapshots of what the generator emits for the seed spec: models, client and server.
//!
//! Review changes with `cargo insta review`; CI runs these in check mode, so an unreviewed
//! change fails.

use tests::{file, generate};

#[test]
fn seed_models() {
    let generated = generate("authentik");
    insta::assert_snapshot!(
        "models",
        file(&generated, "authentik-models/src/generated.rs")
    );
}

#[test]
fn seed_client() {
    let generated = generate("authentik");
    insta::assert_snapshot!(
        "client",
        file(&generated, "authentik-client/src/generated.rs")
    );
}

#[test]
fn seed_server() {
    let generated = generate("authentik");
    insta::assert_snapshot!(
        "server",
        file(&generated, "authentik-server/src/generated.rs")
    );
}
