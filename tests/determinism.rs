//! The same spec gives byte-identical output, run after run.

use tests::generate;

#[test]
fn two_runs_are_byte_identical() {
    let first = generate();
    let second = generate();
    assert_eq!(first.files.len(), second.files.len());
    for (a, b) in first.files.iter().zip(&second.files) {
        assert_eq!(a.path, b.path);
        assert!(
            a.contents == b.contents,
            "{} differs between two runs",
            a.path
        );
    }
}

#[test]
fn output_does_not_depend_on_document_order() {
    // Reversing the order of the component schemas must not change a byte: types are emitted
    // sorted by name, never in hash or document order.
    let root = tests::root();
    let text = std::fs::read_to_string(root.join("specs/authentik.yaml")).unwrap();
    let mut spec = apigen::parse("specs/authentik.yaml", &text).unwrap();
    if let Some(components) = spec.document.components.as_mut() {
        components.schemas.reverse();
    }
    let config = apigen::config::Project::open(&root.join("apigen.toml"))
        .unwrap()
        .config;
    let reordered = apigen::generate(&spec, &config).unwrap();
    assert_eq!(reordered.files, generate().files);
}
