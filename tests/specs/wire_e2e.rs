//! Copied into the generated `wire-server` crate by `tests/full_authentik.rs` and run there:
//! the generated client of `tests/specs/wire.yaml` against a hand-written server that sends
//! nulls, absences and pinned tags as real servers do, and against the generated server.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wire_client::Client;
use wire_server::models::{
    Circle, Note, Response, ResponseError, ResponseFinishReason, Shape, Status, StreamEvent,
    TextDelta, TextDeltaType, Usage,
};
use wire_server::{
    GetErrorResponse, GetResponseResponse, PutResponseResponse, RequestContext, SendEventResponse,
    SendShapeResponse, WireApi,
};

/// A server written by hand: it answers each request with the next of `bodies` (status 200,
/// JSON) and records each request's body.
async fn raw_server(bodies: Vec<&'static str>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&received);
    tokio::spawn(async move {
        for body in bodies {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            // Headers, then as many bytes as Content-Length says.
            let (head_end, length) = loop {
                let n = socket.read(&mut buffer).await.unwrap();
                assert!(n > 0, "the client closed before its request ended");
                request.extend_from_slice(&buffer[..n]);
                if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                    break (end + 4, length);
                }
            };
            while request.len() < head_end + length {
                let n = socket.read(&mut buffer).await.unwrap();
                request.extend_from_slice(&buffer[..n]);
            }
            record
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request[head_end..]).into_owned());
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(answer.as_bytes()).await.unwrap();
        }
    });
    (base, received)
}

/// A response whose every nullable property is null (or left out: the same nothing).
fn nothing(id: &str) -> Response {
    Response {
        id: id.to_owned(),
        error: None,
        usage: None,
        status: None,
        maybe_usage: None,
        alias: None,
        wrapped: None,
        note: None,
        finish_reason: None,
        refusal: None,
        errors: Vec::new(),
    }
}

#[tokio::test]
async fn the_client_reads_nulls_absences_and_values_through_every_nullable_construct() {
    let (base, _) = raw_server(vec![
        // Every required nullable property left out, as servers that omit nulls send it.
        r#"{"id": "absent", "errors": []}"#,
        // Every one null.
        r#"{"id": "null", "error": null, "usage": null, "status": null, "maybe_usage": null,
            "alias": null, "wrapped": null, "note": null, "finish_reason": null,
            "refusal": null, "errors": [null, {"code": "c", "message": "m"}]}"#,
        // Every one a value.
        r#"{"id": "value", "error": {"code": "c", "message": "m"}, "usage": {"tokens": 3},
            "status": "done", "maybe_usage": {"tokens": 4}, "alias": {"code": "a", "message": "b"},
            "wrapped": {"tokens": 5}, "note": {"text": "t"}, "finish_reason": "stop",
            "refusal": "no", "errors": []}"#,
        // A nullable component as the whole body.
        "null",
        r#"{"code": "c", "message": "m"}"#,
    ])
    .await;
    let client = Client::new(base).unwrap();

    let absent = client.get_response("absent").await.unwrap().into_inner();
    assert_eq!(absent, nothing("absent"));

    let null = client.get_response("null").await.unwrap().into_inner();
    assert_eq!(null.error, None);
    assert_eq!(null.status, None);
    // Optional and nullable: null is kept apart from absent.
    assert_eq!(null.maybe_usage, Some(None));
    let error = ResponseError {
        code: "c".to_owned(),
        message: "m".to_owned(),
    };
    assert_eq!(null.errors, vec![None, Some(error.clone())]);
    // A declared null is written back as null.
    let written = serde_json::to_value(&null).unwrap();
    assert_eq!(written["maybe_usage"], Value::Null);
    assert_eq!(written["error"], Value::Null);

    let value = client.get_response("value").await.unwrap().into_inner();
    assert_eq!(value.error, Some(error.clone()));
    assert_eq!(value.usage, Some(Usage { tokens: Some(3) }));
    assert_eq!(value.status, Some(Status::Done));
    assert_eq!(value.maybe_usage, Some(Some(Usage { tokens: Some(4) })));
    assert_eq!(value.wrapped, Some(Usage { tokens: Some(5) }));
    assert_eq!(
        value.note,
        Some(Note {
            text: Some("t".to_owned())
        })
    );
    assert_eq!(value.finish_reason, Some(ResponseFinishReason::Stop));
    assert_eq!(value.refusal.as_deref(), Some("no"));

    assert_eq!(client.get_error().await.unwrap().into_inner(), None);
    assert_eq!(client.get_error().await.unwrap().into_inner(), Some(error));
}

#[tokio::test]
async fn pinned_tags_are_read_as_sent_and_written_as_pinned() {
    let (base, received) = raw_server(vec![
        r#"{"type": "response.output_text.delta", "delta": "Hel"}"#,
        // The specification's fallback (the schema name) is read too.
        r#"{"type": "TextDelta", "delta": "lo"}"#,
        r#"{"type": "response.output_text.done", "text": "Hello"}"#,
        r#"{"type": "response.created", "id": "r1"}"#,
        r#"{"type": "response.failed", "error": null}"#,
        // Nothing pins this one: its schema name is its tag.
        r#"{"type": "Heartbeat"}"#,
        r#"{"type": "response.unknown", "x": 1}"#,
    ])
    .await;
    let client = Client::new(base).unwrap();
    let delta = StreamEvent::TextDelta(TextDelta {
        type_: TextDeltaType::ResponseOutputTextDelta,
        delta: "Hel".to_owned(),
    });
    let mut read = Vec::new();
    for _ in 0..7 {
        read.push(client.send_event(&delta).await.unwrap().into_inner());
    }
    assert_eq!(read[0], delta);
    assert!(
        matches!(&read[1], StreamEvent::TextDelta(d) if d.delta == "lo"),
        "{:?}",
        read[1]
    );
    assert!(
        matches!(&read[2], StreamEvent::TextDone(d) if d.text == "Hello"),
        "{:?}",
        read[2]
    );
    assert!(matches!(&read[3], StreamEvent::Created(c) if c.id.as_deref() == Some("r1")));
    assert!(
        matches!(&read[4], StreamEvent::Failed(f) if f.error == Some(None)),
        "{:?}",
        read[4]
    );
    assert!(
        matches!(&read[5], StreamEvent::Heartbeat(_)),
        "{:?}",
        read[5]
    );
    assert!(matches!(&read[6], StreamEvent::Unknown(_)), "{:?}", read[6]);
    // What the client sent carries the pinned value, which the alternative's schema accepts.
    for body in received.lock().unwrap().iter() {
        let sent: Value = serde_json::from_str(body).unwrap();
        assert_eq!(sent["type"], "response.output_text.delta", "{body}");
    }
    // A value read by its schema name is written with the pinned value.
    assert_eq!(
        serde_json::to_value(&read[1]).unwrap()["type"],
        "response.output_text.delta"
    );
    assert_eq!(read[2].tag(), Some("response.output_text.done"));
}

/// The generated server, answering with what it read.
struct Echo;

impl WireApi for Echo {
    async fn get_response(&self, _: RequestContext, id: String) -> GetResponseResponse {
        GetResponseResponse::Ok(nothing(&id))
    }

    async fn put_response(
        &self,
        _: RequestContext,
        _: String,
        body: Response,
    ) -> PutResponseResponse {
        PutResponseResponse::Ok(body)
    }

    async fn send_event(&self, _: RequestContext, body: StreamEvent) -> SendEventResponse {
        SendEventResponse::Ok(body)
    }

    async fn send_shape(&self, _: RequestContext, body: Shape) -> SendShapeResponse {
        SendShapeResponse::Ok(body)
    }

    async fn send_animal(
        &self,
        _: RequestContext,
        body: wire_server::models::Animal,
    ) -> wire_server::SendAnimalResponse {
        wire_server::SendAnimalResponse::Ok(body)
    }

    async fn get_error(&self, _: RequestContext) -> GetErrorResponse {
        GetErrorResponse::Ok(None)
    }
}

async fn generated_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = wire_server::router(Arc::new(Echo), "");
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn the_generated_client_and_server_agree_and_the_server_stays_strict() {
    let base = generated_server().await;
    let client = Client::new(base.clone()).unwrap();

    // Nulls written by the client are what the strict server demands: present.
    let empty = client.get_response("x").await.unwrap().into_inner();
    let echoed = client
        .put_response("x", &empty)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(echoed, empty);
    assert_eq!(client.get_error().await.unwrap().into_inner(), None);

    // A request that leaves a required nullable property out is refused, naming it.
    let http = reqwest::Client::new();
    let refused = http
        .put(format!("{base}/responses/x"))
        .header("content-type", "application/json")
        .body(r#"{"id": "x", "errors": []}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let detail: Value = refused.json().await.unwrap();
    assert!(
        detail["detail"]
            .as_str()
            .unwrap()
            .contains("missing field `error`"),
        "{detail}"
    );

    // Pinned tags cross both ways; the strict server accepts the pinned value.
    let delta = StreamEvent::TextDelta(TextDelta {
        type_: TextDeltaType::ResponseOutputTextDelta,
        delta: "d".to_owned(),
    });
    assert_eq!(client.send_event(&delta).await.unwrap().into_inner(), delta);
    let raw = http
        .post(format!("{base}/events"))
        .header("content-type", "application/json")
        .body(r#"{"type": "response.output_text.done", "text": "t"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(
        raw.json::<Value>().await.unwrap(),
        json!({"type": "response.output_text.done", "text": "t"})
    );

    // A schema mapped from several values is one variant that writes back the value it read.
    for kind in ["circle", "round"] {
        let shape = Shape::Circle(Circle {
            kind: kind.to_owned(),
            radius: 1.5,
        });
        let echoed = client.send_shape(&shape).await.unwrap().into_inner();
        assert_eq!(echoed, shape);
        assert_eq!(serde_json::to_value(&echoed).unwrap()["kind"], kind);
    }
    // A variant built with a value of none of its own is written with its first.
    let odd = Shape::Circle(Circle {
        kind: "oval".to_owned(),
        radius: 1.0,
    });
    assert_eq!(serde_json::to_value(&odd).unwrap()["kind"], "circle");
}

#[test]
fn a_value_that_does_not_decode_names_the_path_to_it() {
    let error = serde_json::from_str::<Response>(
        r#"{"id": "x", "errors": [], "usage": {"tokens": "many"}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("at `usage.tokens` in `Response`: invalid type: string \"many\""),
        "{error}"
    );
    // Through an array and a union's alternative too.
    let error =
        serde_json::from_str::<Response>(r#"{"id": "x", "errors": [{"code": 1, "message": "m"}]}"#)
            .unwrap_err()
            .to_string();
    assert!(
        error.starts_with("at `errors.code` in `Response`"),
        "{error}"
    );
    let error = serde_json::from_str::<StreamEvent>(
        r#"{"type": "response.output_text.delta", "delta": 5}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(error.starts_with("at `delta` in `TextDelta`"), "{error}");
}

#[tokio::test]
async fn the_mock_answers_with_the_examples_on_schemas_and_properties() {
    let mock = wire_server::mock::Mock::new();
    let server = mock.start().await.unwrap();
    let client = Client::new(server.base_url()).unwrap();
    let response = client.get_response("x").await.unwrap().into_inner();
    assert_eq!(response.id, "resp_123");
    assert_eq!(
        response.refusal.as_deref(),
        Some("I cannot help with that.")
    );
    let error = client.get_error().await.unwrap().into_inner();
    assert_eq!(
        error,
        Some(ResponseError {
            code: "rate_limited".to_owned(),
            message: "Slow down".to_owned()
        })
    );
}

#[tokio::test]
async fn every_mapped_value_of_an_inheritance_base_round_trips() {
    use wire_server::models::Animal;
    let base = generated_server().await;
    let client = Client::new(base).unwrap();
    for (species, json) in [
        ("animal", json!({"species": "animal", "name": "generic"})),
        ("fish", json!({"species": "fish", "name": "Nemo"})),
        ("cat", json!({"species": "cat", "name": "Tom", "lives": 9})),
        (
            "kitten",
            json!({"species": "kitten", "name": "Kit", "lives": 9}),
        ),
    ] {
        let animal: Animal = serde_json::from_value(json.clone()).unwrap();
        let expected = match species {
            "animal" => matches!(animal, Animal::AnimalBase(_)),
            "fish" => matches!(animal, Animal::Fish(_)),
            _ => matches!(animal, Animal::Cat(_)),
        };
        assert!(expected, "{species}: {animal:?}");
        let echoed = client.send_animal(&animal).await.unwrap().into_inner();
        assert_eq!(echoed, animal, "{species}");
        assert_eq!(serde_json::to_value(&echoed).unwrap(), json, "{species}");
    }
}
