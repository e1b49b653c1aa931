//! Copied into the generated `constructs-models` crate by `tests/full_authentik.rs` and run
//! there: what strict decoding (a server reading a request) refuses and the default decoding
//! (a client reading a response) keeps, on the constructs of `tests/specs/constructs.yaml`.

use constructs_models::{Problem, Settings, strictly};

fn strict(json: &str) -> Result<Settings, String> {
    strictly(|| serde_json::from_str::<Settings>(json)).map_err(|e| e.to_string())
}

#[test]
fn a_required_nullable_property_is_demanded_strictly_and_read_as_null_when_absent() {
    // A server (strict decoding) demands it, and names it.
    let error = strictly(|| serde_json::from_str::<Problem>(r#"{"title": "x"}"#)).unwrap_err();
    assert!(error.to_string().contains("missing field `instance`"), "{error}");
    // A client reads it absent as null: both carry nothing, and servers that leave nulls out
    // (pydantic's `exclude_none`) mean exactly that.
    let absent = serde_json::from_str::<Problem>(r#"{"title": "x"}"#).unwrap();
    assert_eq!(absent.instance, None);
    let null = serde_json::from_str::<Problem>(r#"{"title": "x", "instance": null}"#).unwrap();
    assert_eq!(null, absent);
    // It is written as null: present, as the document requires.
    assert_eq!(serde_json::to_value(&absent).unwrap()["instance"], serde_json::Value::Null);
    // A required property that is not nullable is still demanded.
    assert!(serde_json::from_str::<Problem>(r#"{"instance": null}"#).is_err());
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

#[test]
fn untagged_unions_take_the_alternative_that_reads_the_value_exactly() {
    use constructs_models::{Channel, Grouping};
    // The first alternative, tried first, would take both (its enum is open to values it does
    // not know, and it ignores properties it does not declare) and lose what it does not read.
    let phone: Channel = serde_json::from_str(r#"{"kind": "sms", "country": 44}"#).unwrap();
    assert!(matches!(phone, Channel::ChannelVariant1(_)), "{phone:?}");
    let push: Channel = serde_json::from_str(r#"{"kind": "push", "device": "x"}"#).unwrap();
    assert!(matches!(push, Channel::ChannelVariant0(_)), "{push:?}");
    let timeout: Grouping = serde_json::from_str(r#"{"timeout": 3}"#).unwrap();
    assert!(matches!(timeout, Grouping::GroupingVariant1(_)), "{timeout:?}");
    assert_eq!(serde_json::to_string(&timeout).unwrap(), r#"{"timeout":3}"#);
    // No alternative reads a value exactly: the first that decodes still takes it, and what
    // none decodes is kept as received (or refused when decoding strictly).
    let mixed: Grouping = serde_json::from_str(r#"{"timeout": 3, "other": 1}"#).unwrap();
    assert!(matches!(mixed, Grouping::GroupingVariant0(_)), "{mixed:?}");
    let unknown: Channel = serde_json::from_str("[1]").unwrap();
    assert!(matches!(unknown, Channel::Unknown(_)), "{unknown:?}");
    let refused = strictly(|| serde_json::from_str::<Channel>("[1]")).unwrap_err();
    assert!(refused.to_string().contains("none of the alternatives of `Channel`"), "{refused}");
}
