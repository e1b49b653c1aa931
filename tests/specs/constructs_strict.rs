//! Copied into the generated `constructs-models` crate by `tests/full_authentik.rs` and run
//! there: what strict decoding (a server reading a request) refuses and the default decoding
//! (a client reading a response) keeps, on the constructs of `tests/specs/constructs.yaml`.

use constructs_models::{Problem, Settings, strictly};

fn strict(json: &str) -> Result<Settings, String> {
    strictly(|| serde_json::from_str::<Settings>(json)).map_err(|e| e.to_string())
}

#[test]
fn a_required_nullable_property_must_be_present() {
    assert!(serde_json::from_str::<Problem>(r#"{"title": "x"}"#).is_err());
    let null = serde_json::from_str::<Problem>(r#"{"title": "x", "instance": null}"#).unwrap();
    assert_eq!(null.instance, None);
}

#[test]
fn strict_decoding_checks_patterns_formats_bounds_and_items() {
    let valid = r#"{"version": "2", "slug": "a-b_1", "homepage": null, "address": "127.0.0.1",
                    "retries": -1, "servers": ["::1"], "ports": [1, 65535]}"#;
    assert!(strict(valid).is_ok(), "{:?}", strict(valid));
    let cases = [
        (r#"{"version": "2", "slug": "a b"}"#, "is not matching `^[-a-zA-Z0-9_]+$`"),
        (r#"{"version": "2", "slug": "é"}"#, "is not matching"),
        (r#"{"version": "2", "homepage": "no scheme"}"#, "is not a URI"),
        (r#"{"version": "2", "address": "::1"}"#, "is not an IPv4 address"),
        (r#"{"version": "2", "retries": -2}"#, "value -2 is outside the allowed -1..=9"),
        (r#"{"version": "2", "retries": 10}"#, "value 10 is outside the allowed -1..=9"),
        (r#"{"version": "2", "servers": ["1", "2", "3", "4", "5"]}"#, "number of items 5"),
        (r#"{"version": "2", "servers": ["::1", "x"]}"#, "item 1: \"x\" is not an IPv6 address"),
        (r#"{"version": "2", "ports": [80, 0]}"#, "item 1: value 0 is outside the allowed 1..=65535"),
        (r#"{"version": "9"}"#, "unknown variant `9`"),
        (r#"{"version": "2", "self": null}"#, "invalid type: null"),
    ];
    for (json, expected) in cases {
        let error = strict(json).expect_err(json);
        assert!(error.contains(expected), "{json}: {error}");
        // The default decoding keeps what it can: unknown values in the catch-all, the rest
        // unchecked (a null where the property is not nullable reads as absent).
        assert!(serde_json::from_str::<Settings>(json).is_ok(), "{json}");
    }
}
