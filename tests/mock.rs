//! The generated mock, as a downstream crate's tests use it: the client pointed at it in one
//! line, one operation answered by the test, the others by the document's examples, and the
//! requests it received asserted on.

use authentik_client::Client as AuthentikClient;
use authentik_models::GenericError;
use authentik_server::ProvidersMicrosoftEntraSyncStatusRetrieveResponse as SyncStatusAnswer;
use authentik_server::mock::Mock as AuthentikMock;
use futures_util::TryStreamExt;
use streaming_client::{Client, ReadCounterError};
use streaming_models::params::TicksParams;
use streaming_models::{ChatRequest, Counter};
use streaming_server::ReadCounterResponse;
use streaming_server::mock::Mock;

#[tokio::test]
async fn a_test_answers_one_operation_and_reads_what_was_sent() {
    let mock = Mock::new();
    mock.on_read_counter(|context, key| {
        if key == "missing" {
            return ReadCounterResponse::ServiceUnavailable;
        }
        let attempts = context.headers.len() as i64;
        ReadCounterResponse::Ok(Counter {
            key,
            value: 42,
            attempts,
        })
    });
    let server = mock.start().await.unwrap();
    let client = Client::new(server.base_url()).unwrap();

    // The answer the test gave.
    let counter = client.read_counter("visits").await.unwrap();
    assert_eq!((counter.key.as_str(), counter.value), ("visits", 42));
    let err = client.read_counter("missing").await.unwrap_err();
    assert!(
        matches!(err.api_error(), Some(ReadCounterError::ServiceUnavailable)),
        "{err:?}"
    );

    // The other operations answer with the document's examples, typed.
    let ticks: Vec<_> = client
        .ticks(&TicksParams { count: 3 })
        .await
        .unwrap()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ticks.len(), 1);
    // Events told apart by name: the first kind, under its name.
    let feed: Vec<_> = client
        .feed()
        .await
        .unwrap()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(feed[0].event.as_deref(), Some("post"));
    assert!(matches!(
        feed[0].data,
        streaming_client::FeedOkEvent::Post(_)
    ));
    let answer = client
        .chat(&ChatRequest {
            prompt: "hello there".to_owned(),
            stream: Some(false),
        })
        .await
        .unwrap();
    assert!(!answer.text.is_empty());
    // The same operation asked for events: the example, as one event.
    let chunks: Vec<_> = client
        .chat_events(&ChatRequest {
            prompt: "hello there".to_owned(),
            stream: Some(true),
        })
        .await
        .unwrap()
        .into_inner()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(chunks.len(), 1);

    // What it received, in order, with the operation each went to.
    let requests = mock.requests();
    let operations: Vec<Option<&str>> = requests.iter().map(|r| r.operation).collect();
    assert_eq!(
        operations,
        [
            Some("read_counter"),
            Some("read_counter"),
            Some("ticks"),
            Some("feed"),
            Some("chat"),
            Some("chat")
        ]
    );
    assert_eq!(requests[0].path, "/counters/visits");
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[2].query_pairs(),
        [("count".to_owned(), "3".to_owned())]
    );
    assert_eq!(requests[2].header("accept"), Some("text/event-stream"));
    let sent: ChatRequest = requests[4].json().unwrap();
    assert_eq!(sent.prompt, "hello there");
    mock.clear_requests();
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn the_authentik_mock_answers_with_examples_and_checks_credentials_when_asked() {
    let mock = AuthentikMock::new().accept_only("mock-token");
    let server = mock.start().await.unwrap();
    let client = AuthentikClient::new(server.base_url())
        .unwrap()
        .with_bearer_token("mock-token")
        .unwrap();
    // The seed operation's example: a `SyncStatus` built from the schema.
    let status = client
        .providers_microsoft_entra_sync_status_retrieve(1)
        .await
        .unwrap();
    assert!(status.tasks.iter().all(|task| !task.name.is_empty()));

    // A wrong token is refused as the operation documents.
    let stranger = AuthentikClient::new(server.base_url())
        .unwrap()
        .with_bearer_token("stranger")
        .unwrap();
    let err = stranger
        .providers_microsoft_entra_sync_status_retrieve(1)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403), "{err:?}");

    // An answer of the test's own, by its typed response.
    mock.on_providers_microsoft_entra_sync_status_retrieve(|_context, id| {
        if id == 404 {
            return SyncStatusAnswer::NotFound;
        }
        SyncStatusAnswer::Forbidden(GenericError {
            detail: format!("provider {id} is not yours"),
            code: None,
        })
    });
    let err = client
        .providers_microsoft_entra_sync_status_retrieve(7)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| { r.operation == Some("providers_microsoft_entra_sync_status_retrieve") })
    );
    assert_eq!(
        requests[2].path,
        "/providers/microsoft_entra/7/sync/status/"
    );
}

#[tokio::test]
async fn an_unknown_path_is_recorded_without_an_operation() {
    let mock = Mock::new();
    let server = mock.start().await.unwrap();
    let response = reqwest::get(format!("{}/nowhere", server.base_url()))
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(mock.requests()[0].operation, None);
}
