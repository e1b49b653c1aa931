//! Fuzzing load and generation with proptest: mutations of real documents (the seed spec and
//! the constructs spec) must give a result or a non-internal error, never a panic.
//!
//! CI runs a short smoke run (`PROPTEST_CASES`, default 64 per target); run longer by hand with
//! `PROPTEST_CASES=20000 cargo test -p tests --release --test fuzz`.

use proptest::prelude::*;

/// One edit of a document's text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at a position (as a fraction of the length) with an ASCII byte.
    Byte(f64, u8),
    /// Delete a line.
    DeleteLine(f64),
    /// Duplicate a line.
    DuplicateLine(f64),
    /// Cut the text at a position.
    Truncate(f64),
    /// Swap two lines.
    SwapLines(f64, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0, proptest::char::range(' ', '~')).prop_map(|(at, c)| Mutation::Byte(at, c as u8)),
        (0.0..1.0).prop_map(Mutation::DeleteLine),
        (0.0..1.0).prop_map(Mutation::DuplicateLine),
        (0.0..1.0).prop_map(Mutation::Truncate),
        (0.0..1.0, 0.0..1.0).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn index(at: f64, len: usize) -> usize {
    ((at * len as f64) as usize).min(len.saturating_sub(1))
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for mutation in mutations {
        if lines.is_empty() {
            break;
        }
        match *mutation {
            Mutation::Byte(at, byte) => {
                let joined = lines.join("\n");
                let mut bytes = joined.into_bytes();
                let i = index(at, bytes.len());
                bytes[i] = byte;
                // ASCII over ASCII or over a UTF-8 lead byte may break UTF-8; keep what parses.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                lines = text.lines().map(str::to_owned).collect();
            }
            Mutation::DeleteLine(at) => {
                lines.remove(index(at, lines.len()));
            }
            Mutation::DuplicateLine(at) => {
                let i = index(at, lines.len());
                lines.insert(i, lines[i].clone());
            }
            Mutation::Truncate(at) => {
                lines.truncate(index(at, lines.len()));
            }
            Mutation::SwapLines(a, b) => {
                let (a, b) = (index(a, lines.len()), index(b, lines.len()));
                lines.swap(a, b);
            }
        }
    }
    lines.join("\n")
}

/// Loads and generates `text`; panics only when the generator does something it must not.
fn check(text: &str) {
    let spec = match apigen::parse("fuzz.yaml", text) {
        Ok(spec) => spec,
        Err(err) => {
            assert!(!err.is_internal(), "internal error on load: {err}");
            return;
        }
    };
    let select = apigen::config::Selection {
        all: true,
        ..Default::default()
    };
    let config = apigen::Config::standalone("fuzz.yaml", "fuzz", select);
    if let Err(err) = apigen::generate(&spec, &config) {
        assert!(
            !err.is_internal(),
            "internal error on generate: {err}\n---\n{text}"
        );
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn document(path: &str) -> String {
    std::fs::read_to_string(tests::root().join(path)).expect("the document exists")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_seed_spec_never_panics(mutations in proptest::collection::vec(mutation(), 1..8)) {
        check(&apply(&document("specs/authentik.yaml"), &mutations));
    }

    #[test]
    fn mutated_constructs_spec_never_panics(mutations in proptest::collection::vec(mutation(), 1..8)) {
        check(&apply(&document("tests/specs/constructs.yaml"), &mutations));
    }
}
