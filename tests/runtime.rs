//! The support code every generated crate carries (`templates/`), compiled and unit-tested on
//! its own, outside any generated crate: the models helpers, the client runtime and the server
//! runtime, each included as the module it becomes.

#[path = "../templates/models/private.rs"]
#[allow(dead_code, missing_docs, unused_imports)]
mod __private;

#[path = "../templates/client/runtime.rs"]
#[allow(dead_code, missing_docs, clippy::all)]
mod client_runtime;

#[path = "../templates/server/runtime.rs"]
#[allow(dead_code, missing_docs, clippy::all)]
mod server_runtime;

/// What the server runtime calls in the models crate.
mod models {
    pub fn strictly<R>(decode: impl FnOnce() -> R) -> R {
        let _guard = crate::__private::StrictGuard::enter();
        decode()
    }
}

use __private::TextRule;

#[test]
fn strict_mode_is_scoped_and_survives_a_panic() {
    assert!(!__private::strict());
    models::strictly(|| {
        assert!(__private::strict());
        // Nested: still strict inside, still strict after the inner scope ends.
        models::strictly(|| assert!(__private::strict()));
        assert!(__private::strict());
    });
    assert!(!__private::strict());
    let panicked = std::panic::catch_unwind(|| models::strictly(|| panic!("decoding failed")));
    assert!(panicked.is_err());
    assert!(
        !__private::strict(),
        "the guard restored the mode while unwinding"
    );
}

#[test]
fn unknown_values_are_refused_only_in_strict_mode() {
    let known: &'static [&'static str] = &["a", "b"];
    assert!(__private::check_known::<serde_json::Error>("c", known).is_ok());
    let err = models::strictly(|| __private::check_known::<serde_json::Error>("c", known))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown variant `c`"), "{err}");
    assert!(models::strictly(|| __private::check_known::<serde_json::Error>("a", known)).is_ok());
}

#[test]
fn text_rules_and_bounds() {
    assert!(__private::Email::allows("a@example.com"));
    assert!(!__private::Email::allows("not an address"));
    assert!(__private::Ipv4::allows("10.0.0.1") && !__private::Ipv4::allows("10.0.0"));
    assert!(__private::Ipv6::allows("::1") && !__private::Ipv6::allows("1.2.3.4"));
    assert!(__private::Uri::allows("https://example.com/x"));
    let check = |value: &String, min, max| {
        models::strictly(|| {
            __private::check::<String, __private::AnyText, serde_json::Error>(value, min, max)
        })
    };
    assert!(check(&"abc".to_owned(), 1, 3).is_ok());
    let err = check(&"abcd".to_owned(), 1, 3).unwrap_err().to_string();
    assert!(err.contains("length"), "{err}");
    // Outside strict mode nothing is checked.
    assert!(
        __private::check::<String, __private::AnyText, serde_json::Error>(&"abcd".into(), 1, 3)
            .is_ok()
    );
}

#[test]
fn an_exact_read_refuses_undeclared_properties() {
    let value = serde_json::json!({"a": 1, "b": 2});
    let declared: &[&str] = &["a"];
    let exact: Option<serde_json::Map<String, serde_json::Value>> =
        __private::decode_exact(&value, Some(declared));
    assert!(exact.is_none());
    let loose: Option<serde_json::Map<String, serde_json::Value>> =
        __private::decode_exact(&value, None);
    assert_eq!(loose.map(|m| m.len()), Some(2));
    let kept: serde_json::Value =
        __private::undecoded::<serde_json::Error>(value.clone(), "U").unwrap();
    assert_eq!(kept, value);
    let err = models::strictly(|| __private::undecoded::<serde_json::Error>(value, "U"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("none of the alternatives of `U`"), "{err}");
}

#[test]
fn the_client_encodes_path_segments_and_parameter_text() {
    assert_eq!(
        client_runtime::__encode_path("a b/c?d#e%"),
        "a%20b%2Fc%3Fd%23e%25"
    );
    assert_eq!(
        client_runtime::__encode_path("ok-._~!$&'()*+,;=:@"),
        "ok-._~!$&'()*+,;=:@"
    );
    assert_eq!(client_runtime::__encode_path("é"), "%C3%A9");
    assert_eq!(client_runtime::__text(&true), "true");
    assert_eq!(client_runtime::__text(&42), "42");
    assert_eq!(client_runtime::__text("text"), "text");
    let client = client_runtime::Client::new("https://api.example.com/v1/").unwrap();
    assert_eq!(client.base_url(), "https://api.example.com/v1");
    assert!(client_runtime::Client::new("not a url").is_err());
}

#[test]
fn the_server_parses_queries_and_refuses_wrong_bodies() {
    use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
    let query = server_runtime::__Query::parse(Some("n=1&tag=a&tag=b&bad=x"));
    assert_eq!(query.one::<i64>("n").ok().flatten(), Some(1));
    assert_eq!(
        query.all::<String>("tag").ok().flatten(),
        Some(vec!["a".to_owned(), "b".to_owned()])
    );
    let err = query
        .one::<String>("tag")
        .expect_err("two values of one parameter");
    assert_eq!(err.code, "invalid_query_parameter");
    let err = query.one::<i64>("bad").expect_err("not an integer");
    assert!(err.detail.contains("\"x\" is not valid"), "{}", err.detail);
    assert_eq!(query.one::<i64>("absent").ok().flatten(), None);

    let mut headers = HeaderMap::new();
    let body = axum::body::Bytes::from_static(br#"{"a":1}"#);
    let err = server_runtime::__json_body::<serde_json::Value>(&headers, &body).unwrap_err();
    assert_eq!(err.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/merge-patch+json"),
    );
    let value = server_runtime::__json_body::<serde_json::Value>(&headers, &body).unwrap();
    assert_eq!(value["a"], 1);
    let bad = axum::body::Bytes::from_static(b"{\"a\":");
    let err = server_runtime::__json_body::<serde_json::Value>(&headers, &bad).unwrap_err();
    assert_eq!(
        (err.status, err.code),
        (StatusCode::BAD_REQUEST, "invalid_body")
    );
}

/// Every event `text` holds, fed to the client's parser in pieces of `size` bytes.
fn parse_events(text: &[u8], size: usize) -> Vec<client_runtime::Event<String>> {
    let mut parser = client_runtime::EventParser::new(1 << 20);
    let mut out = std::collections::VecDeque::new();
    for piece in text.chunks(size.max(1)) {
        parser.feed(piece, &mut out).unwrap();
    }
    parser.finish(&mut out);
    out.into_iter().collect()
}

#[test]
fn the_event_parser_reads_the_same_events_however_the_bytes_are_split() {
    let text: &[u8] = b"\xEF\xBB\xBF: comment\r\nevent: a\r\nid: 1\r\ndata: x\r\ndata:  y\r\n\r\n\
        data:z\r\rretry: 30\nretry: no\nid\ndata: w\n\n\
        event: only a name\n\n\
        data\n\n\
        id: bad\0id\ndata: last";
    let whole = parse_events(text, text.len());
    /// An event's name, id, retry (ms) and data.
    type Seen<'a> = (Option<&'a str>, Option<&'a str>, Option<u128>, &'a str);
    let seen: Vec<Seen<'_>> = whole
        .iter()
        .map(|e| {
            (
                e.event.as_deref(),
                e.id.as_deref(),
                e.retry.map(|r| r.as_millis()),
                e.data.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            // One space after the colon is dropped, the next is data.
            (Some("a"), Some("1"), None, "x\n y"),
            (None, Some("1"), None, "z"),
            // `retry: no` is ignored; an empty `id` resets it.
            (None, None, Some(30), "w"),
            // An event with no data is not dispatched; a bare `data` line is empty data.
            (None, None, None, ""),
            // An id with a NUL is ignored; the stream's last event has no blank line.
            (None, None, None, "last"),
        ]
    );
    for size in 1..text.len() {
        assert_eq!(parse_events(text, size), whole, "split every {size} bytes");
    }
}

#[test]
fn the_event_parser_refuses_an_event_past_its_limit() {
    let mut parser = client_runtime::EventParser::new(64);
    let mut out = std::collections::VecDeque::new();
    parser.feed(b"data: short\n\n", &mut out).unwrap();
    assert_eq!(out.len(), 1);
    // Many lines of one event count together.
    let line = b"data: 0123456789\n";
    let refused = (0..10).find_map(|_| parser.feed(line, &mut out).err());
    assert!(
        matches!(
            refused,
            Some(client_runtime::EventError::TooLarge { limit: 64 })
        ),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_server_writes_events_as_the_format_says_and_keeps_the_connection_alive() {
    use futures_util::StreamExt;
    let events = vec![
        server_runtime::Event::new("two\r\nlines".to_owned())
            .named("bad\nname")
            .with_id("7")
            .with_retry(std::time::Duration::from_millis(250)),
        server_runtime::Event::new(String::new()),
    ];
    let response = server_runtime::__text_events(
        200u16,
        server_runtime::Events::new(futures_util::stream::iter(events)),
    );
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&body).unwrap(),
        "event: bad name\nid: 7\nretry: 250\ndata: two\ndata: lines\n\ndata: \n\n"
    );

    // A stream that waits: keep-alive comments while it does.
    let slow = futures_util::stream::once(async {
        tokio::time::sleep(std::time::Duration::from_millis(120)).await;
        server_runtime::Event::new(serde_json::json!({ "n": 1 }))
    });
    let events =
        server_runtime::Events::new(slow).keep_alive(Some(std::time::Duration::from_millis(20)));
    let response = server_runtime::__events(200u16, events);
    let mut body = response.into_body().into_data_stream();
    let mut text = String::new();
    while let Some(chunk) = body.next().await {
        text.push_str(std::str::from_utf8(&chunk.unwrap()).unwrap());
    }
    assert!(text.starts_with(":\n\n"), "{text:?}");
    assert!(text.ends_with("data: {\"n\":1}\n\n"), "{text:?}");
}

#[test]
fn the_mock_routes_requests_to_operations_by_template() {
    let table: &[(&str, &str, &str)] = &[
        ("list", "GET", "/pets"),
        ("get", "GET", "/pets/{id}"),
        ("file", "GET", "/files/{name}.json"),
        ("delete", "DELETE", "/pets/{id}"),
    ];
    let get = axum::http::Method::GET;
    let of = |method: &axum::http::Method, path: &str| {
        server_runtime::__mock_operation(table, method, path)
    };
    assert_eq!(of(&get, "/pets"), Some("list"));
    assert_eq!(of(&get, "/pets/"), Some("list"));
    assert_eq!(of(&get, "/pets/7"), Some("get"));
    assert_eq!(of(&axum::http::Method::DELETE, "/pets/7"), Some("delete"));
    assert_eq!(of(&get, "/files/a.json"), Some("file"));
    assert_eq!(of(&get, "/files/.json"), None);
    assert_eq!(of(&get, "/pets/7/toys"), None);
    assert_eq!(of(&axum::http::Method::POST, "/pets"), None);
}

#[test]
fn retry_after_dates_are_read_in_all_three_http_date_forms() {
    use chrono::{TimeZone, Utc};
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap();
    let expected = Utc.with_ymd_and_hms(1994, 11, 6, 8, 49, 37).unwrap();
    for text in [
        "Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT", // RFC 850
        "Sun Nov  6 08:49:37 1994",       // asctime
    ] {
        assert_eq!(
            client_runtime::http_date(text, now),
            Some(expected),
            "{text}"
        );
    }
    // RFC 850's two-digit year: not more than 50 years ahead of now.
    let soon = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(
        client_runtime::http_date("Tuesday, 01-Jan-30 00:00:00 GMT", now),
        Some(soon)
    );
    let past = Utc.with_ymd_and_hms(1980, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(
        client_runtime::http_date("Tuesday, 01-Jan-80 00:00:00 GMT", now),
        Some(past)
    );
    assert_eq!(
        client_runtime::http_date("Wed Nov 16 08:49:37 1994", now).map(|d| d.timestamp()),
        Some(784_975_777)
    );
    for bad in [
        "",
        "tomorrow",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov  6 08:49:37",
    ] {
        assert_eq!(client_runtime::http_date(bad, now), None, "{bad}");
    }
}

#[test]
fn a_decode_error_names_the_path_of_the_property_and_the_type_it_starts_at() {
    use serde::de::Error as _;
    let inner = serde_json::Error::custom("input contains invalid characters");
    let at = __private::at("created", inner);
    assert_eq!(
        at.to_string(),
        "at `created`: input contains invalid characters"
    );
    // An object's error names its type; the property holding it joins the path.
    let typed =
        serde_json::Error::custom("at `created` in `SshKey`: input contains invalid characters");
    assert_eq!(
        __private::at("key", typed).to_string(),
        "at `key.created`: input contains invalid characters"
    );
    // serde_json's position is dropped on the way; the outermost error gets its own.
    let positioned = serde_json::from_str::<u8>("300").unwrap_err();
    assert!(
        positioned.to_string().ends_with("at line 1 column 3"),
        "{positioned}"
    );
    assert_eq!(
        __private::at("port", positioned).to_string(),
        "at `port`: invalid value: integer `300`, expected u8"
    );
}
