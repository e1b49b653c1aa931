//! The streaming example's generated client against its generated server and against
//! hand-written servers: typed event streams and their conventions, byte streams, retries,
//! per-call options, token renewal, middleware and tracing.

#[path = "streaming_service.rs"]
mod service;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt, stream};
use reqwest::header::{HeaderName, HeaderValue};
use service::{Answer, Service, pattern, raw_server, serve};
use streaming_client::{
    BumpCounterError, Client, Error, EventError, FeedOkEvent, OperationInfo, ReadCounterError,
    RefreshingToken, RetryPolicy, TicksError, Upload,
};
use streaming_models::params::{DownloadParams, TicksParams};
use streaming_models::{ChatRequest, Like, Post, Problem};

async fn client() -> (Client, Arc<Service>) {
    let service = Arc::new(Service::default());
    let url = serve(Arc::clone(&service)).await;
    (Client::new(url).unwrap(), service)
}

fn ticks(count: i64) -> TicksParams {
    TicksParams { count }
}

#[tokio::test]
async fn typed_events_arrive_in_order_with_their_names_and_ids() {
    let (client, _) = client().await;
    let answer = client.ticks(&ticks(1000)).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.headers["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let events: Vec<_> = answer.into_inner().try_collect().await.unwrap();
    assert_eq!(events.len(), 1000);
    for (n, event) in events.iter().enumerate() {
        assert_eq!(event.data.n, n as i64);
        assert_eq!(event.data.text.len(), 1000);
        assert_eq!(
            event.event.as_deref(),
            Some(if n % 2 == 0 { "even" } else { "odd" })
        );
        assert_eq!(event.id.as_deref(), Some(n.to_string().as_str()));
    }
}

#[tokio::test]
async fn an_error_documented_as_events_is_the_typed_error() {
    let (client, _) = client().await;
    let err = client.ticks(&ticks(20_000_000)).await.unwrap_err();
    match err {
        Error::Api(response) => {
            assert_eq!(response.status, 422);
            assert_eq!(
                response.body,
                TicksError::UnprocessableEntity(Problem {
                    error: "20000000 is too many".to_owned()
                })
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn text_events_keep_their_lines_and_field_described_events_their_data() {
    let (client, _) = client().await;
    let log: Vec<_> = client
        .tail_log()
        .await
        .unwrap()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    let data: Vec<&str> = log.iter().map(|e| e.data.as_str()).collect();
    // Text data keeps its line break; an empty text event is an event.
    assert_eq!(data, ["starting\nwith two lines", "", "done"]);
    assert_eq!(log[1].event.as_deref(), Some("empty"));
    assert_eq!(log[2].retry, Some(Duration::from_millis(1500)));

    let updates: Vec<_> = client
        .updates()
        .await
        .unwrap()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0].event.as_deref(), Some("created"));
    assert_eq!(updates[0].data.title.as_deref(), Some("one"));
    assert_eq!(updates[1].event.as_deref(), Some("deleted"));
    assert_eq!(updates[1].data.id, 1);
}

#[tokio::test]
async fn events_of_several_schemas_are_told_apart_by_name() {
    let (client, _) = client().await;
    let feed: Vec<_> = client
        .feed()
        .await
        .unwrap()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    let data: Vec<&FeedOkEvent> = feed.iter().map(|e| &e.data).collect();
    assert_eq!(
        data,
        [
            &FeedOkEvent::Post(Post {
                id: 1,
                text: "hello".to_owned()
            }),
            &FeedOkEvent::Like(Like { post: 1 }),
            // Another name: kept, with its data as text.
            &FeedOkEvent::Other {
                event: Some("poll".to_owned()),
                data: r#"{"question":"?"}"#.to_owned()
            },
        ]
    );
    // The server named each event after its variant.
    let names: Vec<Option<&str>> = feed.iter().map(|e| e.event.as_deref()).collect();
    assert_eq!(names, [Some("post"), Some("like"), Some("poll")]);
    assert_eq!(feed[0].data.event_name(), Some("post"));

    // A `like` whose data is a post's does not decode: an error item, and the stream goes on.
    let chunks: &[&[u8]] = &[
        b"event: like\ndata: {\"id\":1,\"text\":\"not a like\"}\n\n",
        b"event: post\ndata: {\"id\":2,\"text\":\"a post\"}\n\n",
    ];
    let (url, _) = raw_server(vec![Answer::events(chunks)]).await;
    let items: Vec<_> = Client::new(url)
        .unwrap()
        .feed()
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    assert!(
        matches!(items[0], Err(EventError::Decode { .. })),
        "{:?}",
        items[0]
    );
    assert!(matches!(
        items[1].as_ref().unwrap().data,
        FeedOkEvent::Post(Post { id: 2, .. })
    ));
}

#[tokio::test]
async fn an_operation_documented_as_json_and_events_has_a_method_for_each() {
    let (client, _) = client().await;
    let whole = client
        .chat(&ChatRequest {
            prompt: "one two three".to_owned(),
            stream: None,
        })
        .await
        .unwrap();
    assert_eq!(whole.text, "one two three");
    let chunks: Vec<String> = client
        .chat_events(&ChatRequest {
            prompt: "one two three".to_owned(),
            stream: Some(true),
        })
        .await
        .unwrap()
        .into_inner()
        .map_ok(|event| event.data.delta)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chunks, ["one", "two", "three"]);
    // Its errors are the operation's.
    let err = client
        .chat_events(&ChatRequest {
            prompt: String::new(),
            stream: Some(true),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api(ref r) if r.status == 429),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_hand_written_server_s_conventions_are_read() {
    // A byte-order mark split across reads, CRLF, CR and LF line ends, a CRLF split between
    // two reads, comments and keep-alives, multi-line JSON data, an id kept from event to
    // event, a retry, an event with empty data (a keep-alive for JSON), unknown fields, and
    // events after `[DONE]`, which are never delivered.
    let chunks: &[&[u8]] = &[
        b"\xEF\xBB",
        b"\xBF: welcome\r\n",
        b"event: tick\r\nid: 7\r\ndata: {\"n\": 1,\r",
        b"\ndata: \"text\": \"a\"}\r\n\r\n",
        b": keep-alive\n\n",
        b"data:\n\n",
        b"foo: bar\rretry: 2500\rdata:{\"n\":2,\"text\":\"b\"}\r\r",
        b"event: tick\nda",
        b"ta: {\"n\":3,\"text\":\"line one\\nline two\"}\n\n",
        b"data: [DONE]\n\n",
        b"data: {\"n\":4,\"text\":\"after the end\"}\n\n",
    ];
    let (url, seen) = raw_server(vec![Answer::events(chunks)]).await;
    let client = Client::new(url).unwrap();
    let events: Vec<_> = client
        .ticks(&ticks(3))
        .await
        .unwrap()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    /// An event's number, text, name, id and retry.
    type Seen<'a> = (
        i64,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<Duration>,
    );
    let got: Vec<Seen<'_>> = events
        .iter()
        .map(|e| {
            (
                e.data.n,
                e.data.text.as_str(),
                e.event.as_deref(),
                e.id.as_deref(),
                e.retry,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "a", Some("tick"), Some("7"), None),
            (2, "b", None, Some("7"), Some(Duration::from_millis(2500))),
            (3, "line one\nline two", Some("tick"), Some("7"), None),
        ]
    );
    let request = seen.lock().unwrap()[0].to_ascii_lowercase();
    assert!(request.contains("accept: text/event-stream"), "{request}");
}

#[tokio::test]
async fn an_event_that_does_not_decode_is_an_error_item_and_the_stream_goes_on() {
    let chunks: &[&[u8]] = &[
        b"data: {\"n\":1,\"text\":\"a\"}\n\n",
        b"event: oops\ndata: {\"n\":\"not a number\"}\n\n",
        b"data: {\"n\":3,\"text\":\"c\"}\n\n",
        // The stream ends without the last blank line: the event is still delivered.
        b"data: {\"n\":4,\"text\":\"d\"}",
    ];
    let (url, _) = raw_server(vec![Answer::events(chunks)]).await;
    let client = Client::new(url).unwrap();
    let items: Vec<_> = client
        .ticks(&ticks(4))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].as_ref().unwrap().data.n, 1);
    match &items[1] {
        Err(EventError::Decode { event, .. }) => {
            assert_eq!(event.event.as_deref(), Some("oops"));
            assert_eq!(event.data, r#"{"n":"not a number"}"#);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(items[2].as_ref().unwrap().data.n, 3);
    assert_eq!(items[3].as_ref().unwrap().data.n, 4);
}

#[tokio::test]
async fn an_event_past_the_limit_ends_the_stream() {
    let long = format!("data: {}", "x".repeat(10_000));
    let chunks: Vec<&[u8]> = vec![b"data: {\"n\":1,\"text\":\"a\"}\n\n", long.as_bytes()];
    let (url, _) = raw_server(vec![Answer::events(&chunks)]).await;
    let client = Client::new(url).unwrap();
    let items: Vec<_> = client
        .ticks(&ticks(2))
        .await
        .unwrap()
        .into_inner()
        .max_event_size(4096)
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(
        matches!(items[1], Err(EventError::TooLarge { limit: 4096 })),
        "{:?}",
        items[1]
    );
}

/// A stream that breaks after two events and the start of a third, then (on the second
/// connection) resumes from the id it is given.
fn broken_then_resumed() -> Vec<Answer> {
    vec![
        Answer::chunked_events(
            &[
                b"retry: 10\nid: 1\ndata: {\"n\":1,\"text\":\"a\"}\n\n",
                b"id: 2\ndata: {\"n\":2,\"text\":\"b\"}\n\n",
                b"id: 3\ndata: {\"n\":3,\"te",
            ],
            false,
        ),
        Answer::chunked_events(&[b"id: 3\ndata: {\"n\":3,\"text\":\"c\"}\n\n"], true),
    ]
}

#[tokio::test]
async fn a_broken_stream_resumes_from_the_last_id_when_asked() {
    let (url, seen) = raw_server(broken_then_resumed()).await;
    let client = Client::new(url).unwrap();
    let events: Vec<i64> = client
        .ticks(&ticks(3))
        .await
        .unwrap()
        .into_inner()
        .reconnect(2)
        .map_ok(|event| event.data.n)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(events, [1, 2, 3]);
    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    assert!(!requests[0].to_ascii_lowercase().contains("last-event-id"));
    assert!(
        requests[1]
            .to_ascii_lowercase()
            .contains("last-event-id: 2\r\n"),
        "{}",
        requests[1]
    );

    // Not asked: the break ends the stream with the transport error.
    let (url, seen) = raw_server(broken_then_resumed()).await;
    let items: Vec<_> = Client::new(url)
        .unwrap()
        .ticks(&ticks(3))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert!(
        matches!(items[2], Err(EventError::Transport(_))),
        "{:?}",
        items[2]
    );
    assert_eq!(seen.lock().unwrap().len(), 1);

    // A server that refuses the resumption ends the stream with why.
    let mut script = broken_then_resumed();
    script[1] = Answer::http("404 Not Found", &[], "");
    let (url, _) = raw_server(script).await;
    let items: Vec<_> = Client::new(url)
        .unwrap()
        .ticks(&ticks(3))
        .await
        .unwrap()
        .into_inner()
        .reconnect(1)
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    match &items[2] {
        Err(err @ EventError::Resume(_)) => assert!(err.to_string().contains("404"), "{err}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_stream_outlasts_the_call_timeout_and_another_answer_is_an_error_that_shows_it() {
    // Four events 150 ms apart, under a 200 ms timeout for answers read whole.
    let events: Vec<Vec<u8>> = (1..=4)
        .map(|n| format!("data: {{\"n\":{n},\"text\":\"t\"}}\n\n").into_bytes())
        .collect();
    let mut chunks = vec![
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n".to_vec(),
    ];
    chunks.extend(events);
    let (url, _) = raw_server(vec![Answer::Paced(chunks, Duration::from_millis(150))]).await;
    let client = Client::new(url)
        .unwrap()
        .with_timeout(Duration::from_millis(200));
    let got: Vec<i64> = client
        .ticks(&ticks(4))
        .await
        .unwrap()
        .into_inner()
        .map_ok(|event| event.data.n)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got, [1, 2, 3, 4]);

    // JSON where events were asked for: an error with what the server sent, not an empty
    // stream.
    let (url, _) = raw_server(vec![Answer::http(
        "200 OK",
        &[("content-type", "application/json")],
        r#"{"text":"the whole answer"}"#,
    )])
    .await;
    let items: Vec<_> = Client::new(url)
        .unwrap()
        .ticks(&ticks(1))
        .await
        .unwrap()
        .into_inner()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(EventError::NotEvents { content_type, body }) => {
            assert_eq!(content_type, "application/json");
            assert_eq!(body, r#"{"text":"the whole answer"}"#);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn dropping_the_event_stream_closes_the_connection() {
    let (client, service) = client().await;
    let mut events = client.ticks(&ticks(1_000_000)).await.unwrap().into_inner();
    for n in 0..3 {
        assert_eq!(events.next().await.unwrap().unwrap().data.n, n);
    }
    drop(events);
    // The server's stream is dropped when the connection closes.
    for _ in 0..500 {
        if service.dropped.load(Ordering::SeqCst) == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server kept streaming after the client dropped its stream");
}

#[tokio::test]
async fn downloads_stream_and_collect_and_uploads_take_streams() {
    let (client, _) = client().await;
    let size = 3 * service::CHUNK as i64 + 17;
    let answer = client
        .download("data.bin", &DownloadParams { size })
        .await
        .unwrap();
    let body = answer.into_inner();
    let bytes = body.collect().await.unwrap();
    assert_eq!(bytes.len() as i64, size);
    assert!(
        bytes
            .iter()
            .enumerate()
            .all(|(i, b)| *b == pattern(i as u64))
    );
    // A documented error of a streamed operation is typed as usual.
    let err = client
        .download("missing", &DownloadParams { size: 1 })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api(ref r) if r.status == 404),
        "{err:?}"
    );

    // Bytes in memory, and a stream of chunks.
    let data: Vec<u8> = (0..100_000u64).map(pattern).collect();
    let stored = client.upload("memory", data.clone()).await.unwrap();
    assert_eq!((stored.name.as_str(), stored.size), ("memory", 100_000));
    let chunks = data
        .chunks(7000)
        .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
        .collect::<Vec<_>>();
    let stored = client
        .upload("stream", Upload::stream(stream::iter(chunks)))
        .await
        .unwrap();
    assert_eq!((stored.name.as_str(), stored.size), ("stream", 100_000));
}

fn counter_json(attempts: usize) -> String {
    format!(r#"{{"key":"k","value":1,"attempts":{attempts}}}"#)
}

fn retrying() -> RetryPolicy {
    RetryPolicy::new(3).backoff(Duration::from_millis(10), Duration::from_millis(50))
}

#[tokio::test]
async fn an_idempotent_call_is_retried_after_503_with_retry_after_and_a_dropped_connection() {
    let (url, seen) = raw_server(vec![
        Answer::http("503 Service Unavailable", &[("retry-after", "1")], ""),
        Answer::Drop,
        Answer::http(
            "200 OK",
            &[("content-type", "application/json")],
            &counter_json(3),
        ),
    ])
    .await;
    let client = Client::new(url).unwrap().with_retry(retrying());
    let started = Instant::now();
    let counter = client.read_counter("k").await.unwrap();
    assert_eq!(counter.attempts, 3);
    assert_eq!(seen.lock().unwrap().len(), 3);
    // The server asked for a second: it was waited.
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_non_idempotent_call_is_not_retried() {
    let (url, seen) = raw_server(vec![
        Answer::http("503 Service Unavailable", &[("retry-after", "0")], ""),
        Answer::http(
            "200 OK",
            &[("content-type", "application/json")],
            &counter_json(2),
        ),
    ])
    .await;
    let client = Client::new(url).unwrap().with_retry(retrying());
    let err = client.bump_counter("k").await.unwrap_err();
    assert!(
        matches!(err.api_error(), Some(BumpCounterError::ServiceUnavailable)),
        "{err:?}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);

    let (url, seen) = raw_server(vec![
        Answer::Drop,
        Answer::http(
            "200 OK",
            &[("content-type", "application/json")],
            &counter_json(2),
        ),
    ])
    .await;
    let client = Client::new(url).unwrap().with_retry(retrying());
    let err = client.bump_counter("k").await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(seen.lock().unwrap().len(), 1);

    // Unless the policy says the API's writes are idempotent.
    let (url, seen) = raw_server(vec![
        Answer::Drop,
        Answer::http(
            "200 OK",
            &[("content-type", "application/json")],
            &counter_json(2),
        ),
    ])
    .await;
    let client = Client::new(url)
        .unwrap()
        .with_retry(retrying().retry_non_idempotent(true));
    assert_eq!(client.bump_counter("k").await.unwrap().attempts, 2);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn retries_stop_at_the_attempts_and_at_a_retry_after_too_long() {
    let unavailable = Answer::http("503 Service Unavailable", &[], "");
    let (url, seen) = raw_server(vec![unavailable]).await;
    let client = Client::new(url).unwrap().with_retry(retrying());
    let err = client.read_counter("k").await.unwrap_err();
    assert!(
        matches!(err.api_error(), Some(ReadCounterError::ServiceUnavailable)),
        "{err:?}"
    );
    assert_eq!(seen.lock().unwrap().len(), 3);

    let (url, seen) = raw_server(vec![Answer::http(
        "503 Service Unavailable",
        &[("retry-after", "3600")],
        "",
    )])
    .await;
    let client = Client::new(url).unwrap().with_retry(retrying());
    let started = Instant::now();
    assert!(client.read_counter("k").await.is_err());
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(60));

    // A date: one in the past is no wait, one too far ahead is not waited for.
    let (url, seen) = raw_server(vec![
        Answer::http(
            "429 Too Many Requests",
            &[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")],
            "",
        ),
        Answer::http(
            "200 OK",
            &[("content-type", "application/json")],
            &counter_json(2),
        ),
    ])
    .await;
    let client = Client::new(url).unwrap().with_retry(retrying());
    assert_eq!(client.read_counter("k").await.unwrap().attempts, 2);
    assert_eq!(seen.lock().unwrap().len(), 2);
    let (url, seen) = raw_server(vec![Answer::http(
        "503 Service Unavailable",
        &[("retry-after", "Fri, 01 Jan 2100 00:00:00 GMT")],
        "",
    )])
    .await;
    let client = Client::new(url).unwrap().with_retry(retrying());
    assert!(client.read_counter("k").await.is_err());
    assert_eq!(seen.lock().unwrap().len(), 1);

    // No policy, no retry.
    let (url, seen) = raw_server(vec![Answer::Drop]).await;
    let client = Client::new(url).unwrap();
    assert!(client.read_counter("k").await.is_err());
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn per_call_timeout_and_headers() {
    let (client, service) = client().await;
    let with_id = client.with_header(
        HeaderName::from_static("x-request-id"),
        HeaderValue::from_static("abc-1"),
    );
    with_id.read_counter("k").await.unwrap();
    client.read_counter("k").await.unwrap();
    assert_eq!(
        *service.request_ids.lock().unwrap(),
        [Some("abc-1".to_owned()), None]
    );

    // A server that never answers: the call's own timeout ends it.
    let (url, _) = raw_server(vec![Answer::Chunks(vec![])]).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    drop(url);
    let client = Client::new(silent).unwrap();
    let started = Instant::now();
    let err = client
        .with_timeout(Duration::from_millis(200))
        .read_counter("k")
        .await
        .unwrap_err();
    match err {
        Error::Transport(err) => assert!(err.is_timeout(), "{err:?}"),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_and_then_cached() {
    let (client, service) = client().await;
    *service.valid_token.lock().unwrap() = "token-2".to_owned();
    let fetches = service::counter();
    let count = Arc::clone(&fetches);
    let tokens = RefreshingToken::new(move || {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Ok((format!("token-{n}"), Some(Duration::from_secs(3600)))) }
    });
    let client = client.with_token_source(tokens);
    // token-1 is refused; token-2 is fetched and the call sent again.
    assert_eq!(client.whoami().await.unwrap().subject, "token-2");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    // Then it is cached.
    assert_eq!(client.whoami().await.unwrap().subject, "token-2");
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    // A source that fails is the call's error.
    let failing = RefreshingToken::new(|| async { Err("the vault is sealed".into()) });
    let err = client
        .with_token_source(failing)
        .whoami()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Token(_)), "{err:?}");
}

/// Records the operation of each request, and gives it a request id.
struct Recorder(Arc<Mutex<Vec<String>>>);

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Recorder {
    async fn handle(
        &self,
        mut request: reqwest::Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let op = extensions.get::<OperationInfo>().expect("the operation");
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {} {}", op.id, op.method, op.path));
        request
            .headers_mut()
            .insert("x-request-id", HeaderValue::from_static("from-middleware"));
        next.run(request, extensions).await
    }
}

#[tokio::test]
async fn middleware_sees_each_operation() {
    let (client, service) = client().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let middleware = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(Recorder(Arc::clone(&seen)))
        .build();
    let client = client.with_middleware(middleware);
    client.read_counter("k").await.unwrap();
    client.bump_counter("k").await.unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "read_counter GET /counters/{key}",
            "bump_counter POST /counters/{key}"
        ]
    );
    assert_eq!(
        *service.request_ids.lock().unwrap(),
        [Some("from-middleware".to_owned())]
    );
}

/// A tracing subscriber that keeps each new span's name and fields.
#[derive(Default, Clone)]
struct Spans(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(span.metadata().name().to_owned());
        span.record(&mut fields);
        let mut all = self.0.lock().unwrap();
        all.push(fields.0);
        tracing::span::Id::from_u64(all.len() as u64)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        let mut all = self.0.lock().unwrap();
        let index = usize::try_from(span.into_u64()).unwrap() - 1;
        all[index].push_str(&fields.0);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_call_has_a_tracing_span() {
    let (client, _) = client().await;
    let spans = Spans::default();
    let dispatch = tracing::Dispatch::new(spans.clone());
    let call = client.read_counter("k");
    tracing::dispatcher::with_default(&dispatch, || {
        // The span is made when the call is first polled.
        let waker = futures_util::task::noop_waker();
        let mut context = std::task::Context::from_waker(&waker);
        let mut call = Box::pin(call);
        let _ = call.as_mut().poll(&mut context);
        drop(call);
    });
    let spans = spans.0.lock().unwrap().clone();
    assert!(
        spans.iter().any(|s| s
            .starts_with("call operation=\"read_counter\" method=GET path=\"/counters/{key}\"")),
        "{spans:?}"
    );
}
