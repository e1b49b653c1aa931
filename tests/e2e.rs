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
    Client, CoreUsersDestroyError, Error,
    ProvidersMicrosoftEntraSyncStatusRetrieveError as ClientError,
};
use authentik_models::params::{
    CoreUsersListParams, FlowsExecutorGetParams, ProvidersSamlMetadataRetrieveParams,
};
use authentik_models::{
    AccessDeniedChallenge, Binary, ChallengeTypes, ContextualFlowInfo,
    ContextualFlowInfoLayoutEnum, CoreUsersListTypeItem, FileUploadRequest, GenericError,
    LdapProviderRequest, LogLevelEnum, ModelRequest, PaginatedUserList, Pagination,
    PatchedUserRequest, ProvidersSamlMetadataRetrieveForceBinding, RedirectChallenge, SamlMetadata,
    SyncStatus, SystemTask, SystemTaskStatusEnum, User, UserTypeEnum, ValidationError,
};
use authentik_server::{
    CoreApi, CoreApplicationsSetIconCreateResponse, CoreUsersDestroyResponse,
    CoreUsersListResponse, CoreUsersPartialUpdateResponse, FlowsApi, FlowsExecutorGetResponse,
    ProvidersAllTestCreateResponse, ProvidersApi,
    ProvidersMicrosoftEntraSyncStatusRetrieveResponse as Answer,
    ProvidersSamlMetadataRetrieveResponse, Refusal, RequestContext,
};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;

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
const AGENT_TOKEN: &str = "agent-token";

/// Answers by provider id, and records what reached it.
#[derive(Default)]
struct Service {
    calls: Mutex<Vec<(i64, String)>>,
    /// The parameters of every `core_users_list` call.
    list_params: Mutex<Vec<CoreUsersListParams>>,
    /// The principal of every `core_users_list` and `flows_executor_get` call.
    authorizations: Mutex<Vec<Option<Caller>>>,
    /// Every uploaded icon.
    uploads: Mutex<Vec<(String, Option<FileUploadRequest>)>>,
    /// Every partial update.
    patches: Mutex<Vec<(i64, Option<PatchedUserRequest>)>>,
    /// Every provider configuration tested.
    tested: Mutex<Vec<ModelRequest>>,
}

/// The users `core_users_list` pages through, `USERS_PER_PAGE` at a time by default.
const USERS: i64 = 5;
const USERS_PER_PAGE: i64 = 2;

fn user(pk: i64) -> User {
    User {
        pk,
        username: format!("user{pk}"),
        name: format!("User {pk}"),
        is_active: Some(true),
        last_login: None,
        type_: Some(UserTypeEnum::Internal),
        uuid: uuid::Uuid::from_u128(pk as u128),
        attributes: None,
    }
}

/// Who a request acts for: the security scheme and the token it was verified with.
type Caller = (String, String);

/// Accepts `TOKEN` as the `authentik` bearer and `AGENT_TOKEN` as the device agent's.
impl authentik_server::Authenticator for Service {
    type Principal = Caller;

    async fn authenticate(
        &self,
        credentials: &[authentik_server::Credential<'_>],
    ) -> Result<Caller, Refusal> {
        let [credential] = credentials else {
            return Err(Refusal::Unauthenticated);
        };
        let expected = match credential.scheme {
            "authentik" => TOKEN,
            "authentik_device_auth" => AGENT_TOKEN,
            _ => return Err(Refusal::Unauthenticated),
        };
        if credential.secret() != expected {
            return Err(Refusal::Unauthenticated);
        }
        Ok((credential.scheme.to_owned(), credential.secret().to_owned()))
    }
}

impl CoreApi for Service {
    async fn core_users_list(
        &self,
        _: RequestContext,
        principal: Caller,
        params: CoreUsersListParams,
    ) -> CoreUsersListResponse {
        self.authorizations.lock().unwrap().push(Some(principal));
        self.list_params.lock().unwrap().push(params.clone());
        let size = params.page_size.unwrap_or(USERS_PER_PAGE);
        let page = params.page.unwrap_or(1);
        if size < 1 || page < 1 {
            return CoreUsersListResponse::BadRequest(validation_error());
        }
        let first = (page - 1) * size + 1;
        let results: Vec<User> = (first..first + size)
            .filter(|pk| *pk <= USERS)
            .map(user)
            .collect();
        let total_pages = (USERS + size - 1) / size;
        let next = if page < total_pages { page + 1 } else { 0 };
        CoreUsersListResponse::Ok(PaginatedUserList {
            pagination: Pagination {
                next: next as f64,
                previous: (page - 1) as f64,
                count: USERS as f64,
                current: page as f64,
                total_pages: total_pages as f64,
                start_index: first as f64,
                end_index: (first + results.len() as i64 - 1) as f64,
            },
            results,
            autocomplete: BTreeMap::new(),
        })
    }

    async fn core_users_destroy(
        &self,
        _: RequestContext,
        _: Caller,
        id: i64,
    ) -> CoreUsersDestroyResponse {
        if id == 1 {
            CoreUsersDestroyResponse::NoContent
        } else {
            CoreUsersDestroyResponse::Forbidden(GenericError {
                detail: "no".to_owned(),
                code: None,
            })
        }
    }

    async fn core_users_partial_update(
        &self,
        _: RequestContext,
        _: Caller,
        id: i64,
        body: Option<PatchedUserRequest>,
    ) -> CoreUsersPartialUpdateResponse {
        self.patches.lock().unwrap().push((id, body.clone()));
        let mut updated = user(id);
        if let Some(body) = body {
            if let Some(name) = body.name {
                updated.name = name;
            }
            if let Some(last_login) = body.last_login {
                updated.last_login = Some(last_login);
            }
        }
        CoreUsersPartialUpdateResponse::Ok(updated)
    }

    async fn core_applications_set_icon_create(
        &self,
        _: RequestContext,
        _: Caller,
        slug: String,
        body: Option<FileUploadRequest>,
    ) -> CoreApplicationsSetIconCreateResponse {
        self.uploads.lock().unwrap().push((slug, body));
        CoreApplicationsSetIconCreateResponse::Ok
    }
}

impl FlowsApi for Service {
    async fn flows_executor_get(
        &self,
        _: RequestContext,
        principal: Option<Caller>,
        flow_slug: String,
        params: FlowsExecutorGetParams,
    ) -> FlowsExecutorGetResponse {
        self.authorizations.lock().unwrap().push(principal);
        let flow_info = || ContextualFlowInfo {
            title: Some("Welcome".to_owned()),
            background: None,
            cancel_url: "/flows/-/cancel/".to_owned(),
            layout: ContextualFlowInfoLayoutEnum::Stacked,
        };
        FlowsExecutorGetResponse::Ok(match flow_slug.as_str() {
            "denied" => ChallengeTypes::AccessDeniedChallenge(AccessDeniedChallenge {
                flow_info: Some(flow_info()),
                component: None,
                response_errors: None,
                pending_user: params.query,
                error_message: Some("Flow does not apply to current user.".to_owned()),
            }),
            "redirect" => ChallengeTypes::RedirectChallenge(RedirectChallenge {
                flow_info: None,
                component: Some("xak-flow-redirect".to_owned()),
                to: "/if/user/".to_owned(),
            }),
            _ => ChallengeTypes::Unknown(serde_json::json!({
                "component": "ak-stage-from-the-future",
                "flow_info": {"cancel_url": "/c/", "layout": "stacked"},
                "hologram": {"depth": 3},
            })),
        })
    }
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
    async fn providers_all_test_create(
        &self,
        _: RequestContext,
        _: Caller,
        body: ModelRequest,
    ) -> ProvidersAllTestCreateResponse {
        self.tested.lock().unwrap().push(body.clone());
        ProvidersAllTestCreateResponse::Ok(body)
    }

    async fn providers_saml_metadata_retrieve(
        &self,
        _: RequestContext,
        _: Option<Caller>,
        id: i64,
        params: ProvidersSamlMetadataRetrieveParams,
    ) -> ProvidersSamlMetadataRetrieveResponse {
        if id != 1 {
            return ProvidersSamlMetadataRetrieveResponse::NotFound;
        }
        ProvidersSamlMetadataRetrieveResponse::Ok(SamlMetadata {
            metadata: format!(
                "<EntityDescriptor binding={:?}/>",
                params.force_binding.map(|b| b.to_string())
            ),
            download_url: format!("/download?download={:?}", params.download),
        })
    }

    async fn providers_microsoft_entra_sync_status_retrieve(
        &self,
        _: RequestContext,
        (_, token): Caller,
        id: i64,
    ) -> Answer {
        self.calls.lock().unwrap().push((id, token));
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

/// A plain HTTP client that sends the token with every request.
fn authorized() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {TOKEN}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
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

    fn calls(&self) -> Vec<(i64, String)> {
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
    let raw: serde_json::Value = authorized()
        .get(format!(
            "{}/providers/microsoft_entra/5/sync/status/",
            harness.base
        ))
        .send()
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
async fn secured_operations_serve_only_what_the_authenticator_accepts() {
    let harness = Harness::start().await;
    harness
        .client()
        .providers_microsoft_entra_sync_status_retrieve(4)
        .await
        .unwrap_err();
    // The principal reached the implementation; nothing else did.
    assert_eq!(harness.calls(), [(4, TOKEN.to_owned())]);
    let url = format!("{}/providers/microsoft_entra/1/sync/status/", harness.base);
    let http = reqwest::Client::new();
    let refused = [
        ("none", None),
        ("wrong token", Some("Bearer wrong".to_owned())),
        ("wrong scheme", Some(format!("Basic {TOKEN}"))),
        ("empty", Some("Bearer ".to_owned())),
    ];
    for (case, authorization) in refused {
        let mut request = http.get(&url);
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        let response = request.send().await.unwrap();
        // authentik documents 403 (and not 401) for its operations, with a `GenericError`.
        assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN, "{case}");
        assert!(
            !response.headers().contains_key("www-authenticate"),
            "{case}"
        );
        let body: GenericError = response.json().await.unwrap();
        assert!(!body.detail.is_empty(), "{case}");
    }
    // The generated client reads the refusal as the documented error.
    let without = Client::new(&harness.base)
        .unwrap()
        .providers_microsoft_entra_sync_status_retrieve(1)
        .await
        .unwrap_err();
    assert_eq!(without.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(harness.calls(), [(4, TOKEN.to_owned())]);
}

#[tokio::test]
async fn non_integer_id_is_a_400_before_the_implementation() {
    let harness = Harness::start().await;
    for id in ["abc", "1.5", "99999999999999999999", "%F0%9F%98%80"] {
        let response = authorized()
            .get(format!(
                "{}/providers/microsoft_entra/{id}/sync/status/",
                harness.base
            ))
            .send()
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
        // Sent as `text/plain`, where JSON is documented: the content type is the problem.
        Error::UnexpectedContentType { expected, response } => {
            assert_eq!(expected, "application/json");
            assert_eq!(response.status.as_u16(), 200);
            assert_eq!(&response.body[..], b"<html>not json</html>");
        }
        other => panic!("expected an unexpected content type, got {other:?}"),
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

#[tokio::test]
async fn paginated_list_streams_every_item_of_every_page() {
    let harness = Harness::start().await;
    let client = harness.client();
    let users: Vec<User> = client
        .core_users_list_stream(&CoreUsersListParams::default())
        .try_collect()
        .await
        .unwrap();
    let pks: Vec<i64> = users.iter().map(|u| u.pk).collect();
    assert_eq!(pks, [1, 2, 3, 4, 5]);
    // Three pages of two, fetched in order: the first as the caller asked (no `page`), then by
    // the page numbers the server announced.
    let pages: Vec<Option<i64>> = harness
        .service
        .list_params
        .lock()
        .unwrap()
        .iter()
        .map(|p| p.page)
        .collect();
    assert_eq!(pages, [None, Some(2), Some(3)]);
    let from_two: Vec<User> = client
        .core_users_list_stream(&CoreUsersListParams {
            page: Some(2),
            page_size: Some(3),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(from_two.iter().map(|u| u.pk).collect::<Vec<_>>(), [4, 5]);
    // An error ends the stream with that error.
    let err = client
        .core_users_list_stream(&CoreUsersListParams {
            page_size: Some(0),
            ..Default::default()
        })
        .try_collect::<Vec<User>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.api_error(),
            Some(authentik_client::CoreUsersListError::BadRequest(_))
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn query_parameters_of_every_kind_arrive_as_sent() {
    let harness = Harness::start().await;
    let sent = CoreUsersListParams {
        date_joined_gt: Some(time("2024-09-13T14:05:42.123+02:00")),
        is_active: Some(false),
        name_iexact: Some("Ann & Bob + Co/ä?".to_owned()),
        ordering: Some("-date_joined".to_owned()),
        page: Some(1),
        page_size: Some(50),
        search: None,
        type_: Some(vec![
            CoreUsersListTypeItem::Internal,
            CoreUsersListTypeItem::ServiceAccount,
        ]),
        uuid: Some(vec![uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2)]),
    };
    harness.client().core_users_list(&sent).await.unwrap();
    assert_eq!(harness.service.list_params.lock().unwrap()[0], sent);
    // The client sends an enum value it does not know as is; the server, which owns the API,
    // refuses it before the implementation sees it.
    let unknown = CoreUsersListParams {
        type_: Some(vec![CoreUsersListTypeItem::Other("robot".to_owned())]),
        ..Default::default()
    };
    let err = harness
        .client()
        .core_users_list(&unknown)
        .await
        .unwrap_err();
    match err.api_error() {
        Some(authentik_client::CoreUsersListError::BadRequest(body)) => {
            assert_eq!(body.code.as_deref(), Some("invalid_parameter"));
        }
        other => panic!("expected a 400, got {other:?}"),
    }
    assert_eq!(harness.service.list_params.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn query_arrays_follow_explode_and_date_times_are_rfc_3339_on_the_wire() {
    // A bare server that records the raw query string.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = Arc::clone(&seen);
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let record = Arc::clone(&record);
        async move {
            record
                .lock()
                .unwrap()
                .push(uri.query().unwrap_or_default().to_owned());
            (axum::http::StatusCode::FORBIDDEN, r#"{"detail":"no"}"#)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = Client::new(format!("http://{addr}")).unwrap();
    let params = CoreUsersListParams {
        date_joined_gt: Some(time("2024-09-13T14:05:42.5Z")),
        is_active: Some(true),
        name_iexact: Some("a+b c".to_owned()),
        type_: Some(vec![
            CoreUsersListTypeItem::Internal,
            CoreUsersListTypeItem::External,
        ]),
        uuid: Some(vec![uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2)]),
        ..Default::default()
    };
    let err = client.core_users_list(&params).await.unwrap_err();
    assert_eq!(err.status(), Some(reqwest::StatusCode::FORBIDDEN));
    let query = seen.lock().unwrap()[0].clone();
    assert_eq!(
        query,
        "date_joined__gt=2024-09-13T14%3A05%3A42.500Z&is_active=true&name__iexact=a%2Bb+c\
         &type=internal&type=external\
         &uuid=00000000-0000-0000-0000-000000000001%2C00000000-0000-0000-0000-000000000002"
    );
}

#[tokio::test]
async fn multipart_upload_sends_file_bytes_name_type_and_fields() {
    let harness = Harness::start().await;
    let bytes = vec![0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, b'\n'];
    let upload = FileUploadRequest {
        file: Some(
            Binary::new(bytes.clone())
                .with_file_name("icon.png")
                .with_content_type("image/png"),
        ),
        clear: Some(true),
    };
    let response = harness
        .client()
        .core_applications_set_icon_create("my app/ä", Some(&upload))
        .await
        .unwrap();
    assert_eq!(response.status, reqwest::StatusCode::OK);
    let uploads = harness.service.uploads.lock().unwrap().clone();
    assert_eq!(uploads, [("my app/ä".to_owned(), Some(upload))]);
    // Without a body the operation still goes through (the body is optional).
    harness
        .client()
        .core_applications_set_icon_create("empty", None)
        .await
        .unwrap();
    assert_eq!(
        harness.service.uploads.lock().unwrap()[1],
        ("empty".to_owned(), None)
    );
}

#[tokio::test]
async fn tagged_union_decodes_by_tag_and_keeps_unknown_tags() {
    let harness = Harness::start().await;
    let client = Client::new(&harness.base).unwrap();
    let params = |query: &str| FlowsExecutorGetParams {
        query: query.to_owned(),
    };
    match client
        .flows_executor_get("denied", &params("ann"))
        .await
        .unwrap()
        .into_inner()
    {
        ChallengeTypes::AccessDeniedChallenge(challenge) => {
            assert_eq!(challenge.pending_user, "ann");
            // The tag the variant declares (optionally) comes back set: written exactly once.
            assert_eq!(
                challenge.component.as_deref(),
                Some("ak-stage-access-denied")
            );
            assert_eq!(
                challenge.flow_info.unwrap().layout,
                ContextualFlowInfoLayoutEnum::Stacked
            );
        }
        other => panic!("expected access denied, got {other:?}"),
    }
    let redirect = client
        .flows_executor_get("redirect", &params(""))
        .await
        .unwrap();
    assert!(matches!(&*redirect, ChallengeTypes::RedirectChallenge(r) if r.to == "/if/user/"));
    let unknown = client
        .flows_executor_get("future", &params(""))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(unknown.tag(), Some("ak-stage-from-the-future"));
    match &unknown {
        ChallengeTypes::Unknown(value) => assert_eq!(value["hologram"]["depth"], 3),
        other => panic!("expected the unknown tag to be kept, got {other:?}"),
    }
    // Serialising writes the tag once, with the variant's value.
    let json = serde_json::to_string(&ChallengeTypes::RedirectChallenge(RedirectChallenge {
        flow_info: None,
        component: Some("stale".to_owned()),
        to: "/x".to_owned(),
    }))
    .unwrap();
    assert_eq!(json.matches("\"component\"").count(), 1, "{json}");
    assert!(
        json.contains(r#""component":"xak-flow-redirect""#),
        "{json}"
    );
}

#[tokio::test]
async fn union_body_whose_variants_lack_the_tag_round_trips() {
    let harness = Harness::start().await;
    let sent = ModelRequest::LdapProviderRequest(LdapProviderRequest {
        name: "ldap".to_owned(),
        base_dn: Some("dc=example,dc=com".to_owned()),
        tls_server_name: None,
    });
    let wire = serde_json::to_value(&sent).unwrap();
    assert_eq!(
        wire["provider_model"],
        "authentik_providers_ldap.ldapprovider"
    );
    let echoed = harness
        .client()
        .providers_all_test_create(&sent)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(echoed, sent);
    assert_eq!(harness.service.tested.lock().unwrap().clone(), [sent]);
}

#[tokio::test]
async fn optional_authentication_and_alternative_schemes() {
    let harness = Harness::start().await;
    let params = FlowsExecutorGetParams {
        query: String::new(),
    };
    // `[{authentik: []}, {}]`: callable with and without a token.
    Client::new(&harness.base)
        .unwrap()
        .flows_executor_get("redirect", &params)
        .await
        .unwrap();
    harness
        .client()
        .flows_executor_get("redirect", &params)
        .await
        .unwrap();
    // `[{authentik: []}, {authentik_device_auth: []}]`: the first scheme with a credential.
    let agent = Client::new(&harness.base)
        .unwrap()
        .with_credential("authentik_device_auth", "agent-token")
        .unwrap();
    agent
        .core_users_list(&CoreUsersListParams::default())
        .await
        .unwrap();
    let both = agent.with_bearer_token(TOKEN).unwrap();
    both.core_users_list(&CoreUsersListParams::default())
        .await
        .unwrap();
    // What reached the implementation: the principal the authenticator made of the first
    // requirement whose credentials were sent (none for the optional one without a token).
    let auth = |scheme: &str, token: &str| Some((scheme.to_owned(), token.to_owned()));
    assert_eq!(
        harness.service.authorizations.lock().unwrap().clone(),
        [
            None,
            auth("authentik", TOKEN),
            auth("authentik_device_auth", AGENT_TOKEN),
            auth("authentik", TOKEN),
        ]
    );
    // An optional requirement still refuses credentials that are sent and wrong.
    let wrong = Client::new(&harness.base)
        .unwrap()
        .with_bearer_token("wrong")
        .unwrap()
        .flows_executor_get("redirect", &params)
        .await
        .unwrap_err();
    assert_eq!(wrong.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(harness.service.authorizations.lock().unwrap().len(), 4);
}

#[tokio::test]
async fn patch_sends_absent_null_and_values_and_delete_answers_204() {
    let harness = Harness::start().await;
    let patch = PatchedUserRequest {
        name: Some("Renamed".to_owned()),
        last_login: Some(None),
        ..Default::default()
    };
    // Absent fields are not sent; an explicit null is.
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        serde_json::json!({"name": "Renamed", "last_login": null})
    );
    let updated = harness
        .client()
        .core_users_partial_update(3, Some(&patch))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.name, "Renamed");
    assert_eq!(updated.last_login, Some(None));
    assert_eq!(
        harness.service.patches.lock().unwrap().clone(),
        [(3, Some(patch))]
    );

    let deleted = harness.client().core_users_destroy(1).await.unwrap();
    assert_eq!(deleted.status, reqwest::StatusCode::NO_CONTENT);
    let refused = harness.client().core_users_destroy(2).await.unwrap_err();
    assert!(matches!(
        refused.api_error(),
        Some(CoreUsersDestroyError::Forbidden(_))
    ));
}

#[tokio::test]
async fn json_is_chosen_over_xml_and_enum_query_values_with_colons_travel() {
    let harness = Harness::start().await;
    let metadata = Client::new(&harness.base)
        .unwrap()
        .providers_saml_metadata_retrieve(
            1,
            &ProvidersSamlMetadataRetrieveParams {
                download: Some(true),
                force_binding: Some(
                    ProvidersSamlMetadataRetrieveForceBinding::UrnOasisNamesTcSaml2_0BindingsHttpPost,
                ),
            },
        )
        .await
        .unwrap();
    assert_eq!(metadata.headers["content-type"], "application/json");
    assert_eq!(
        metadata.metadata,
        r#"<EntityDescriptor binding=Some("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")/>"#
    );
    assert_eq!(metadata.download_url, "/download?download=Some(true)");
}

#[tokio::test]
async fn server_refuses_bad_bodies_and_parameters_with_json_errors() {
    // A 1 KiB body limit, set the way a service would (`DefaultBodyLimit`), to test 413.
    let service = Arc::new(Service::default());
    let app = authentik_server::router(Arc::clone(&service), "/api/v3")
        .layer(axum::extract::DefaultBodyLimit::max(1024));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = authorized();
    let url = |path: &str| format!("http://{addr}/api/v3{path}");
    let check = |response: reqwest::Response, status: u16, code: &'static str| async move {
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], code, "{body}");
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{body}"
        );
    };
    let patch = |body: String, content_type: &'static str| {
        http.patch(url("/core/users/1/"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let json = "application/json";
    let truncated = patch(r#"{"name": "#.to_owned(), json).await.unwrap();
    check(truncated, 400, "invalid_body").await;
    let mistyped = patch(r#"{"name": 5}"#.to_owned(), json).await.unwrap();
    check(mistyped, 400, "invalid_body").await;
    let text = patch("name=x".to_owned(), "text/plain").await.unwrap();
    check(text, 415, "unsupported_media_type").await;
    let large = format!(r#"{{"name": "{}"}}"#, "x".repeat(4096));
    check(patch(large, json).await.unwrap(), 413, "body_too_large").await;
    let missing = http.post(url("/providers/all/test/")).send().await.unwrap();
    check(missing, 400, "missing_body").await;
    let page = http.get(url("/core/users/?page=two")).send().await.unwrap();
    check(page, 400, "invalid_query_parameter").await;
    let twice = http
        .get(url("/core/users/?page=1&page=2"))
        .send()
        .await
        .unwrap();
    check(twice, 400, "invalid_query_parameter").await;
    let required = http.get(url("/flows/executor/x/")).send().await.unwrap();
    check(required, 400, "missing_parameter").await;
    // Requests are decoded strictly (responses tolerantly, see the union and enum tests): an
    // enum value the document does not list, a null where the property is not nullable, and a
    // union body without (or with an unknown) tag are refused.
    let unknown_enum = patch(r#"{"type": "robot"}"#.to_owned(), json)
        .await
        .unwrap();
    check(unknown_enum, 400, "invalid_body").await;
    let null = patch(r#"{"attributes": null}"#.to_owned(), json)
        .await
        .unwrap();
    check(null, 400, "invalid_body").await;
    let nullable = patch(r#"{"last_login": null}"#.to_owned(), json)
        .await
        .unwrap();
    assert_eq!(nullable.status().as_u16(), 200);
    // `username`: minLength 1, maxLength 150; `email`: maxLength 254 (counted in characters).
    let empty = patch(r#"{"username": ""}"#.to_owned(), json).await.unwrap();
    check(empty, 400, "invalid_body").await;
    let long = format!(r#"{{"username": "{}"}}"#, "é".repeat(151));
    check(patch(long, json).await.unwrap(), 400, "invalid_body").await;
    let longest = format!(r#"{{"username": "{}"}}"#, "é".repeat(150));
    assert_eq!(patch(longest, json).await.unwrap().status().as_u16(), 200);
    let email = format!(r#"{{"email": "{}@example.com"}}"#, "a".repeat(250));
    let refused = patch(email, json).await.unwrap();
    let detail = refused.text().await.unwrap();
    assert!(
        detail.contains("length 262 is outside the allowed ..=254"),
        "{detail}"
    );
    // A struct body is an object, not an array of its fields.
    let array = patch(r#"[null, null]"#.to_owned(), json).await.unwrap();
    check(array, 400, "invalid_body").await;
    // `email` is `format: email`.
    for not_email in ["", "user", "a b@example.com", "@example.com"] {
        let body = serde_json::json!({ "email": not_email }).to_string();
        let refused = patch(body, json).await.unwrap();
        assert_eq!(refused.status().as_u16(), 400, "{not_email:?}");
        let detail = refused.text().await.unwrap();
        assert!(detail.contains("is not an email address"), "{detail}");
    }
    let email = patch(r#"{"email": "user@example.com"}"#.to_owned(), json);
    assert_eq!(email.await.unwrap().status().as_u16(), 200);
    let test_provider = |body: &'static str| {
        http.post(url("/providers/all/test/"))
            .header("content-type", json)
            .body(body)
            .send()
    };
    let untagged = test_provider(r#"{"name": "x"}"#).await.unwrap();
    check(untagged, 400, "invalid_body").await;
    let unknown_tag = test_provider(r#"{"name": "x", "provider_model": "nope"}"#)
        .await
        .unwrap();
    check(unknown_tag, 400, "invalid_body").await;
    let tagged = test_provider(
        r#"{"name": "x", "base_dn": "dc=x", "provider_model": "authentik_providers_ldap.ldapprovider"}"#,
    )
    .await
    .unwrap();
    assert_eq!(tagged.status().as_u16(), 200);
    // The accepted patches reached the implementation; none of the refused requests did.
    assert_eq!(service.patches.lock().unwrap().len(), 3);
    service.patches.lock().unwrap().clear();
    // None of them reached the implementation.
    assert!(service.patches.lock().unwrap().is_empty());
    assert!(service.list_params.lock().unwrap().is_empty());
}

#[tokio::test]
async fn client_turns_a_misbehaving_server_into_typed_errors() {
    // Answers by the provider id in the path.
    let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move {
        let id = uri.path().split('/').nth(5).unwrap_or_default().to_owned();
        let json = [("content-type", "application/json")];
        match id.as_str() {
            "1" => (axum::http::StatusCode::OK, json, r#"{"is_running": tr"#).into_response(),
            "2" => (axum::http::StatusCode::OK, json, "<html>oops</html>").into_response(),
            "3" => (axum::http::StatusCode::OK, json, "").into_response(),
            "4" => (
                axum::http::StatusCode::OK,
                json,
                r#"{"is_running": "yes", "tasks": []}"#,
            )
                .into_response(),
            "5" => (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                [("content-type", "text/html")],
                "<html>maintenance</html>",
            )
                .into_response(),
            "6" => {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                (
                    axum::http::StatusCode::OK,
                    json,
                    r#"{"is_running": true, "tasks": []}"#,
                )
                    .into_response()
            }
            _ => (
                axum::http::StatusCode::OK,
                json,
                r#"{"is_running": true, "tasks": [], "new_field": {"x": 1}}"#,
            )
                .into_response(),
        }
    });
    use axum::response::IntoResponse as _;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let client = Client::with_http_client(format!("http://{addr}/api/v3"), http).unwrap();
    for (id, body) in [
        (1, &br#"{"is_running": tr"#[..]),
        (2, b"<html>oops</html>"),
        (3, b""),
        (4, br#"{"is_running": "yes", "tasks": []}"#),
    ] {
        match client
            .providers_microsoft_entra_sync_status_retrieve(id)
            .await
        {
            Err(Error::Decode { response, .. }) => {
                assert_eq!(response.status.as_u16(), 200);
                assert_eq!(&response.body[..], body, "id {id}: the raw body is kept");
            }
            other => panic!("id {id}: expected a decode error, got {other:?}"),
        }
    }
    match client
        .providers_microsoft_entra_sync_status_retrieve(5)
        .await
    {
        Err(Error::UnexpectedStatus(response)) => {
            assert_eq!(response.status.as_u16(), 503);
            assert_eq!(&response.body[..], b"<html>maintenance</html>");
        }
        other => panic!("expected an unexpected status, got {other:?}"),
    }
    match client
        .providers_microsoft_entra_sync_status_retrieve(6)
        .await
    {
        Err(Error::Transport(err)) => assert!(err.is_timeout(), "{err}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Unknown fields are tolerated.
    let status = client
        .providers_microsoft_entra_sync_status_retrieve(7)
        .await
        .unwrap();
    assert!(status.is_running);
    // A call's future is `Send`: it can run on another task of a multi-threaded runtime.
    let spawned = tokio::spawn(async move {
        client
            .providers_microsoft_entra_sync_status_retrieve(7)
            .await
    });
    assert!(spawned.await.unwrap().unwrap().is_running);
}

#[test]
fn strict_decoding_is_scoped_to_its_closure() {
    let robot = r#""robot""#;
    let lenient: UserTypeEnum = serde_json::from_str(robot).unwrap();
    assert!(!lenient.is_known());
    let strict = authentik_models::strictly(|| serde_json::from_str::<UserTypeEnum>(robot));
    assert!(
        strict
            .unwrap_err()
            .to_string()
            .contains("unknown variant `robot`")
    );
    // The mode ends with the closure, also when it panics.
    let panicked = std::panic::catch_unwind(|| authentik_models::strictly(|| panic!("decoding")));
    assert!(panicked.is_err());
    assert!(serde_json::from_str::<UserTypeEnum>(robot).is_ok());
}

#[test]
fn binary_is_a_json_string_when_it_is_text_and_bytes_otherwise() {
    use authentik_models::Binary;
    let text = Binary::new("version: 1\n");
    assert_eq!(serde_json::to_string(&text).unwrap(), r#""version: 1\n""#);
    let bytes = Binary::new(vec![0xff, 0, 7]);
    assert_eq!(serde_json::to_string(&bytes).unwrap(), "[255,0,7]");
    for value in [text, bytes] {
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(serde_json::from_str::<Binary>(&json).unwrap(), value);
    }
}

/// Servers that bend their own documents: an undocumented 2xx, an error body of another shape,
/// a success in another content type; with tolerant answers off (the default) and on.
#[tokio::test]
async fn tolerant_answers_are_opt_in_and_keep_what_arrived() {
    use axum::response::IntoResponse as _;
    let app = axum::Router::new().fallback(|uri: axum::http::Uri| async move {
        let id = uri.path().split('/').nth(5).unwrap_or_default().to_owned();
        let json = [("content-type", "application/json")];
        let ok = r#"{"is_running": true, "tasks": []}"#;
        match id.as_str() {
            // 201 where 200 is documented, with the documented body.
            "1" => (axum::http::StatusCode::CREATED, json, ok).into_response(),
            // 201 with a body that is not the documented one.
            "2" => (axum::http::StatusCode::CREATED, json, r#"{"other": 1}"#).into_response(),
            // A documented 400 whose body is an HTML page, not a `ValidationError`.
            "3" => (
                axum::http::StatusCode::BAD_REQUEST,
                [("content-type", "text/html; charset=utf-8")],
                "<html>bad</html>",
            )
                .into_response(),
            // A documented 403 whose JSON body has another shape than `GenericError`.
            "4" => (axum::http::StatusCode::FORBIDDEN, json, r#"[1, 2]"#).into_response(),
            // The documented 200, in CSV.
            _ => (
                axum::http::StatusCode::OK,
                [("content-type", "text/csv")],
                "is_running,tasks\ntrue,\n",
            )
                .into_response(),
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let strict = Client::new(format!("http://{addr}/api/v3")).unwrap();
    let tolerant = strict.clone().accept_undocumented_success(true);

    // Off: an undocumented 2xx is an undocumented status. On: read as the documented success,
    // its status kept.
    match strict
        .providers_microsoft_entra_sync_status_retrieve(1)
        .await
    {
        Err(Error::UnexpectedStatus(response)) => assert_eq!(response.status.as_u16(), 201),
        other => panic!("expected an unexpected status, got {other:?}"),
    }
    let value = tolerant
        .providers_microsoft_entra_sync_status_retrieve(1)
        .await
        .unwrap();
    assert_eq!(value.status.as_u16(), 201);
    assert!(value.body.is_running);
    // On, but the body is not the documented success: still an undocumented status, body kept.
    match tolerant
        .providers_microsoft_entra_sync_status_retrieve(2)
        .await
    {
        Err(Error::UnexpectedStatus(response)) => {
            assert_eq!(&response.body[..], br#"{"other": 1}"#);
        }
        other => panic!("expected an unexpected status, got {other:?}"),
    }
    // Error bodies of another shape: typed, with status, content type and text; never a bare
    // decode error, whatever the setting.
    for client in [&strict, &tolerant] {
        match client
            .providers_microsoft_entra_sync_status_retrieve(3)
            .await
        {
            Err(Error::UnexpectedErrorBody(response)) => {
                assert_eq!(response.status.as_u16(), 400);
                assert_eq!(response.content_type(), Some("text/html; charset=utf-8"));
                assert_eq!(response.text(), "<html>bad</html>");
            }
            other => panic!("expected an unexpected error body, got {other:?}"),
        }
        match client
            .providers_microsoft_entra_sync_status_retrieve(4)
            .await
        {
            Err(err @ Error::UnexpectedErrorBody(_)) => {
                assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
                assert!(err.to_string().contains("another shape"), "{err}");
            }
            other => panic!("expected an unexpected error body, got {other:?}"),
        }
        // A success in another content type than documented: typed, the body kept.
        match client
            .providers_microsoft_entra_sync_status_retrieve(5)
            .await
        {
            Err(Error::UnexpectedContentType { expected, response }) => {
                assert_eq!(expected, "application/json");
                assert_eq!(response.content_type(), Some("text/csv"));
                assert_eq!(response.text(), "is_running,tasks\ntrue,\n");
            }
            other => panic!("expected an unexpected content type, got {other:?}"),
        }
    }
}
