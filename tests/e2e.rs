//! The generated client against the generated server, over real HTTP on 127.0.0.1.
//!
//! A test implementation of `ProvidersApi` answers by provider id; each test checks one promise
//! of the generated code: the documentation page's example survives the round trip field by
//! field, every documented status arrives as its own typed value, unknown enum values and the
//! three states of an optional nullable field are kept, the bearer token reaches the
//! implementation, and a malformed path parameter is refused before it does.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use authentik_client::{
    Client, Error, ProvidersMicrosoftEntraSyncStatusRetrieveError as ClientError,
};
use authentik_models::{
    GenericError, LogLevelEnum, SyncStatus, SystemTask, SystemTaskStatusEnum, ValidationError,
};
use authentik_server::{
    ProvidersApi, ProvidersMicrosoftEntraSyncStatusRetrieveResponse as Answer, RequestContext,
};
use chrono::{DateTime, Utc};

/// The 200 example of the documentation page, verbatim.
const DOC_EXAMPLE: &str = r#"{
 "is_running": true,
 "tasks": [
  {
   "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
   "name": "string",
   "full_name": "string",
   "uid": "string",
   "description": "string",
   "start_timestamp": "2024-09-13T14:05:42.400Z",
   "finish_timestamp": "2024-09-13T14:05:42.400Z",
   "duration": 0,
   "status": "unknown",
   "messages": [
    {
     "timestamp": "2024-09-13T14:05:42.400Z",
     "log_level": "critical",
     "logger": "string",
     "event": "string",
     "attributes": {}
    }
   ],
   "expires": "2024-09-13T14:05:42.400Z",
   "expiring": true
  }
 ]
}"#;

const TOKEN: &str = "secret-token";

/// Answers by provider id, and records what reached it.
#[derive(Default)]
struct Service {
    calls: Mutex<Vec<(i64, Option<String>)>>,
}

fn time(text: &str) -> DateTime<Utc> {
    text.parse().expect("valid RFC 3339")
}

fn task(
    name: &str,
    expires: Option<Option<DateTime<Utc>>>,
    status: SystemTaskStatusEnum,
) -> SystemTask {
    SystemTask {
        uuid: uuid::Uuid::from_u128(7),
        name: name.to_owned(),
        full_name: format!("{name}:full"),
        uid: None,
        description: "d".to_owned(),
        start_timestamp: time("2024-09-13T14:05:42Z"),
        finish_timestamp: time("2024-09-13T14:05:43.5Z"),
        duration: 1.5,
        status,
        messages: Vec::new(),
        expires,
        expiring: None,
    }
}

fn validation_error() -> ValidationError {
    ValidationError {
        non_field_errors: Some(vec!["Invalid provider.".to_owned()]),
        code: Some("invalid".to_owned()),
        additional_properties: BTreeMap::from([
            (
                "name".to_owned(),
                serde_json::json!(["This field is required."]),
            ),
            (
                "slug".to_owned(),
                serde_json::json!(["Enter a valid slug.", "Too long."]),
            ),
        ]),
    }
}

impl ProvidersApi for Service {
    async fn providers_microsoft_entra_sync_status_retrieve(
        &self,
        context: RequestContext,
        id: i64,
    ) -> Answer {
        self.calls
            .lock()
            .unwrap()
            .push((id, context.bearer_token().map(str::to_owned)));
        match id {
            1 => Answer::Ok(serde_json::from_str(DOC_EXAMPLE).unwrap()),
            2 => Answer::BadRequest(validation_error()),
            3 => Answer::Forbidden(GenericError {
                detail: "You do not have permission to perform this action.".to_owned(),
                code: Some("permission_denied".to_owned()),
            }),
            5 => Answer::Ok(SyncStatus {
                is_running: false,
                tasks: vec![
                    task("absent", None, SystemTaskStatusEnum::Successful),
                    task("null", Some(None), SystemTaskStatusEnum::Unknown),
                    task(
                        "set",
                        Some(Some(time("2030-01-02T03:04:05Z"))),
                        SystemTaskStatusEnum::Other("paused".to_owned()),
                    ),
                ],
            }),
            _ => Answer::NotFound,
        }
    }
}

struct Harness {
    base: String,
    service: Arc<Service>,
}

impl Harness {
    async fn start() -> Self {
        let service = Arc::new(Service::default());
        let app = authentik_server::router(Arc::clone(&service), "/api/v3");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            base: format!("http://{addr}/api/v3"),
            service,
        }
    }

    fn client(&self) -> Client {
        Client::new(&self.base)
            .unwrap()
            .with_bearer_token(TOKEN)
            .unwrap()
    }

    fn calls(&self) -> Vec<(i64, Option<String>)> {
        self.service.calls.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn documentation_example_round_trips_field_by_field() {
    let harness = Harness::start().await;
    let response = harness
        .client()
        .providers_microsoft_entra_sync_status_retrieve(1)
        .await
        .unwrap();
    assert_eq!(response.status, reqwest::StatusCode::OK);
    assert_eq!(response.headers["content-type"], "application/json");
    let status = response.into_inner();
    assert!(status.is_running);
    assert_eq!(status.tasks.len(), 1);
    let task = &status.tasks[0];
    let stamp = time("2024-09-13T14:05:42.400Z");
    assert_eq!(
        task.uuid,
        "3fa85f64-5717-4562-b3fc-2c963f66afa6"
            .parse::<uuid::Uuid>()
            .unwrap()
    );
    assert_eq!(task.name, "string");
    assert_eq!(task.full_name, "string");
    assert_eq!(task.uid.as_deref(), Some("string"));
    assert_eq!(task.description, "string");
    assert_eq!(task.start_timestamp, stamp);
    assert_eq!(task.finish_timestamp, stamp);
    assert_eq!(task.duration, 0.0);
    assert_eq!(task.status, SystemTaskStatusEnum::Unknown);
    assert_eq!(task.expires, Some(Some(stamp)));
    assert_eq!(task.expiring, Some(true));
    assert_eq!(task.messages.len(), 1);
    let message = &task.messages[0];
    assert_eq!(message.timestamp, stamp);
    assert_eq!(message.log_level, LogLevelEnum::Critical);
    assert_eq!(message.logger, "string");
    assert_eq!(message.event, "string");
    assert!(message.attributes.is_empty());

    // Written back, it is the example again (the example's `0` duration is a float here).
    let mut expected: serde_json::Value = serde_json::from_str(DOC_EXAMPLE).unwrap();
    expected["tasks"][0]["duration"] = serde_json::json!(0.0);
    assert_eq!(serde_json::to_value(&status).unwrap(), expected);
}

#[tokio::test]
async fn bad_request_keeps_per_field_errors() {
    let harness = Harness::start().await;
    let err = harness
        .client()
        .providers_microsoft_entra_sync_status_retrieve(2)
        .await
        .unwrap_err();
    let Error::Api(response) = err else {
        panic!("expected a documented error, got {err:?}");
    };
    assert_eq!(response.status, reqwest::StatusCode::BAD_REQUEST);
    assert_eq!(response.body, ClientError::BadRequest(validation_error()));
    let raw: serde_json::Value = serde_json::from_slice(&response.raw).unwrap();
    assert_eq!(
        raw["slug"],
        serde_json::json!(["Enter a valid slug.", "Too long."])
    );
}

#[tokio::test]
async fn forbidden_and_not_found_are_their_own_variants() {
    let harness = Harness::start().await;
    let client = harness.client();
    let forbidden = client
        .providers_microsoft_entra_sync_status_retrieve(3)
        .await
        .unwrap_err();
    assert_eq!(forbidden.status(), Some(reqwest::StatusCode::FORBIDDEN));
    assert!(
        matches!(forbidden.api_error(), Some(ClientError::Forbidden(e)) if e.code.as_deref() == Some("permission_denied")),
        "{forbidden:?}"
    );
    let missing = client
        .providers_microsoft_entra_sync_status_retrieve(4)
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(reqwest::StatusCode::NOT_FOUND));
    assert_eq!(missing.api_error(), Some(&ClientError::NotFound));
}

#[tokio::test]
async fn unknown_enum_values_and_all_three_expires_states_survive() {
    let harness = Harness::start().await;
    let status = harness
        .client()
        .providers_microsoft_entra_sync_status_retrieve(5)
        .await
        .unwrap()
        .into_inner();
    let [absent, null, set] = &status.tasks[..] else {
        panic!("three tasks expected: {status:?}");
    };
    assert_eq!(absent.expires, None);
    assert_eq!(null.expires, Some(None));
    assert_eq!(set.expires, Some(Some(time("2030-01-02T03:04:05Z"))));
    assert_eq!(set.status, SystemTaskStatusEnum::Other("paused".to_owned()));
    assert!(!set.status.is_known());

    // On the wire: the absent field is left out, the null one is `null`, the unknown value as sent.
    let raw: serde_json::Value = reqwest::get(format!(
        "{}/providers/microsoft_entra/5/sync/status/",
        harness.base
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let tasks = raw["tasks"].as_array().unwrap();
    assert!(!tasks[0].as_object().unwrap().contains_key("expires"));
    assert_eq!(tasks[1]["expires"], serde_json::Value::Null);
    assert_eq!(tasks[2]["expires"], "2030-01-02T03:04:05Z");
    assert_eq!(tasks[2]["status"], "paused");
}

#[tokio::test]
async fn bearer_token_reaches_the_implementation() {
    let harness = Harness::start().await;
    harness
        .client()
        .providers_microsoft_entra_sync_status_retrieve(4)
        .await
        .unwrap_err();
    Client::new(&harness.base)
        .unwrap()
        .providers_microsoft_entra_sync_status_retrieve(4)
        .await
        .unwrap_err();
    assert_eq!(harness.calls(), [(4, Some(TOKEN.to_owned())), (4, None)]);
}

#[tokio::test]
async fn non_integer_id_is_a_400_before_the_implementation() {
    let harness = Harness::start().await;
    for id in ["abc", "1.5", "99999999999999999999", "%F0%9F%98%80"] {
        let response = reqwest::get(format!(
            "{}/providers/microsoft_entra/{id}/sync/status/",
            harness.base
        ))
        .await
        .unwrap();
        assert_eq!(
            response.status(),
            reqwest::StatusCode::BAD_REQUEST,
            "id {id}"
        );
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "invalid_path_parameter", "id {id}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains("`id`"),
            "id {id}: {body}"
        );
    }
    assert!(harness.calls().is_empty());
}

#[tokio::test]
async fn routing_outside_the_api_is_404_and_405() {
    let harness = Harness::start().await;
    let http = reqwest::Client::new();
    let elsewhere = http
        .get(format!(
            "{}/providers/microsoft_entra/1/sync/",
            harness.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), reqwest::StatusCode::NOT_FOUND);
    let wrong_method = http
        .post(format!(
            "{}/providers/microsoft_entra/1/sync/status/",
            harness.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong_method.status(),
        reqwest::StatusCode::METHOD_NOT_ALLOWED
    );
    assert!(harness.calls().is_empty());
}

/// A server that does not follow the document: the client keeps everything it sent.
#[tokio::test]
async fn undocumented_status_and_undecodable_body_keep_the_raw_response() {
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/api/v3/providers/microsoft_entra/1/sync/status/",
            get(|| async { (axum::http::StatusCode::IM_A_TEAPOT, "short and stout") }),
        )
        .route(
            "/api/v3/providers/microsoft_entra/2/sync/status/",
            get(|| async { "<html>not json</html>" }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::new(format!("http://{addr}/api/v3/")).unwrap();

    match client
        .providers_microsoft_entra_sync_status_retrieve(1)
        .await
        .unwrap_err()
    {
        Error::UnexpectedStatus(raw) => {
            assert_eq!(raw.status.as_u16(), 418);
            assert_eq!(&raw.body[..], b"short and stout");
        }
        other => panic!("expected an unexpected status, got {other:?}"),
    }
    match client
        .providers_microsoft_entra_sync_status_retrieve(2)
        .await
        .unwrap_err()
    {
        Error::Decode { response, source } => {
            assert_eq!(response.status.as_u16(), 200);
            assert_eq!(&response.body[..], b"<html>not json</html>");
            assert!(source.is_syntax(), "{source}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn client_rejects_bad_base_urls_and_tokens() {
    assert!(Client::new("not a url").is_err());
    assert!(Client::new("ftp://example.com/api").is_err());
    assert!(Client::new("https://example.com/api?x=1").is_err());
    let client = Client::new("https://example.com/api/v3/").unwrap();
    assert_eq!(client.base_url(), "https://example.com/api/v3");
    assert!(client.with_bearer_token("bad\ntoken").is_err());
    let debug = format!(
        "{:?}",
        Client::new("https://e.com")
            .unwrap()
            .with_bearer_token(TOKEN)
            .unwrap()
    );
    assert!(
        !debug.contains(TOKEN),
        "the token must not leak into logs: {debug}"
    );
}
