//! Copied into the generated `constructs-server` crate by `tests/full_authentik.rs` and run
//! there: the router authenticates every secured operation of `tests/specs/constructs.yaml`
//! before the implementation runs, with an implementation that never looks at credentials.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use constructs_server::{
    AdminApi, Authenticator, Credential, GetReportResponse, GetUntaggedResponse, PurgeResponse,
    PutReportResponse, Refusal, ReportsApi, RequestContext, SettingsApi, SettingsUpdateResponse,
    UntaggedApi, UploadRawResponse, models,
};
use tower::ServiceExt as _;

/// `user:pass`, as HTTP basic sends it.
const BASIC: &str = "dXNlcjpwYXNz";
const HEADER_KEY: &str = "header-key";
const QUERY_KEY: &str = "query-key";
/// A valid key whose holder may not do anything.
const FORBIDDEN_KEY: &str = "forbidden-key";

/// Records which principals reached the implementation and what the authenticator printed.
#[derive(Default)]
struct Service {
    served: Mutex<Vec<(&'static str, String)>>,
    debug: Mutex<Vec<String>>,
}

impl Service {
    fn served(&self, operation: &'static str, principal: String) {
        self.served.lock().unwrap().push((operation, principal));
    }
}

impl Authenticator for Service {
    type Principal = String;

    async fn authenticate(&self, credentials: &[Credential<'_>]) -> Result<String, Refusal> {
        self.debug.lock().unwrap().push(format!("{credentials:?}"));
        let mut principal = Vec::new();
        for credential in credentials {
            let expected = match credential.scheme {
                "basic" => BASIC,
                "api_key" if credential.secret() == FORBIDDEN_KEY => {
                    return Err(Refusal::Forbidden);
                }
                "api_key" => HEADER_KEY,
                "query_key" => QUERY_KEY,
                _ => return Err(Refusal::Unauthenticated),
            };
            if credential.secret() != expected {
                return Err(Refusal::Unauthenticated);
            }
            principal.push(credential.scheme);
        }
        Ok(principal.join("+"))
    }
}

impl AdminApi for Service {
    async fn purge(&self, _: RequestContext, principal: String) -> PurgeResponse {
        self.served("purge", principal);
        PurgeResponse::NoContent
    }
}

impl ReportsApi for Service {
    async fn get_report(
        &self,
        _: RequestContext,
        principal: String,
        _: uuid::Uuid,
        _: models::params::GetReportParams,
    ) -> GetReportResponse {
        self.served("get_report", principal);
        GetReportResponse::Ok("report: yes".to_owned())
    }

    async fn put_report(
        &self,
        _: RequestContext,
        principal: String,
        _: uuid::Uuid,
        _: String,
    ) -> PutReportResponse {
        self.served("put_report", principal);
        PutReportResponse::NoContent
    }

    async fn upload_raw(
        &self,
        _: RequestContext,
        principal: String,
        _: uuid::Uuid,
        _: Option<constructs_server::Upload>,
    ) -> UploadRawResponse {
        self.served("upload_raw", principal);
        UploadRawResponse::Created
    }
}

impl SettingsApi for Service {
    async fn settings_update(
        &self,
        _: RequestContext,
        principal: String,
        _: models::Settings,
    ) -> SettingsUpdateResponse {
        self.served("settings_update", principal);
        SettingsUpdateResponse::Ok(models::Effective::default())
    }
}

impl UntaggedApi for Service {
    async fn get_untagged(&self, _: RequestContext) -> GetUntaggedResponse {
        self.served("get_untagged", String::new());
        GetUntaggedResponse::Ok(Default::default())
    }
}

struct Answer {
    status: StatusCode,
    challenge: Option<String>,
    body: String,
}

async fn call(service: &Arc<Service>, method: &str, uri: &str, headers: &[(&str, &str)]) -> Answer {
    send(service, method, uri, headers, "").await
}

async fn send(
    service: &Arc<Service>,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &'static str,
) -> Answer {
    let app = constructs_server::router(Arc::clone(service), "/");
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app.oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
    let status = response.status();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    Answer { status, challenge, body: String::from_utf8(bytes.to_vec()).unwrap() }
}

const REPORT: &str = "/reports/3fa85f64-5717-4562-b3fc-2c963f66afa6";

#[tokio::test]
async fn a_requirement_that_combines_two_keys_needs_both() {
    let service = Arc::new(Service::default());
    let header = ("x-api-key", HEADER_KEY);
    let refused = [
        ("/admin", vec![]),
        ("/admin", vec![header]),
        ("/admin?key=query-key", vec![]),
        ("/admin?key=wrong", vec![header]),
        ("/admin?key=query-key", vec![("x-api-key", "wrong")]),
        // A valid key the authenticator forbids: the operation documents 401 only.
        ("/admin?key=query-key", vec![("x-api-key", FORBIDDEN_KEY)]),
    ];
    for (uri, headers) in refused {
        let answer = call(&service, "DELETE", uri, &headers).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{uri} {headers:?}");
        // The documented 401 body, a `Problem`, and a challenge naming both schemes.
        let problem: models::Problem = serde_json::from_str(&answer.body).expect(&answer.body);
        assert!(!problem.title.is_empty());
        let challenge = answer.challenge.expect("a WWW-Authenticate challenge");
        assert!(challenge.contains(r#"ApiKey in="header", name="X-API-Key""#), "{challenge}");
        assert!(challenge.contains(r#"ApiKey in="query", name="key""#), "{challenge}");
    }
    assert!(service.served.lock().unwrap().is_empty());
    let both = call(&service, "DELETE", "/admin?key=query-key", &[header]).await;
    assert_eq!(both.status, StatusCode::NO_CONTENT);
    assert_eq!(*service.served.lock().unwrap(), [("purge", "api_key+query_key".to_owned())]);
}

#[tokio::test]
async fn alternatives_accept_any_one_and_refuse_wrong_or_wrong_scheme_credentials() {
    let service = Arc::new(Service::default());
    let id = ("x-request-id", "r1");
    let basic = format!("Basic {BASIC}");
    for (credential, principal) in
        [(("authorization", basic.as_str()), "basic"), (("x-api-key", HEADER_KEY), "api_key")]
    {
        let answer = call(&service, "GET", REPORT, &[id, credential]).await;
        assert_eq!(answer.status, StatusCode::OK, "{credential:?}");
        assert_eq!(service.served.lock().unwrap().pop(), Some(("get_report", principal.to_owned())));
    }
    let wrong_scheme = format!("Bearer {BASIC}");
    let refused = [
        vec![id],
        vec![id, ("authorization", "Basic d3Jvbmc6d3Jvbmc=")],
        vec![id, ("authorization", wrong_scheme.as_str())],
        vec![id, ("x-api-key", "wrong")],
        // An empty key is no key.
        vec![id, ("x-api-key", "")],
    ];
    for headers in refused {
        let answer = call(&service, "GET", REPORT, &headers).await;
        // Neither 401 nor 403 is documented: 401, in the shape of the `default` response.
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert!(serde_json::from_str::<models::Problem>(&answer.body).is_ok(), "{}", answer.body);
        let challenge = answer.challenge.unwrap();
        assert!(challenge.starts_with("Basic, ApiKey"), "{challenge}");
    }
    // A valid credential the authenticator forbids gets 403 where nothing else is documented.
    let forbidden = call(&service, "GET", REPORT, &[id, ("x-api-key", FORBIDDEN_KEY)]).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(forbidden.challenge.is_none());
    assert!(service.served.lock().unwrap().is_empty());
    // Credentials come before parameters: a request without either is refused as unauthenticated.
    let anonymous = call(&service, "GET", REPORT, &[]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_document_default_applies_and_security_none_overrides_it() {
    let service = Arc::new(Service::default());
    let raw = format!("{REPORT}/raw");
    assert_eq!(call(&service, "POST", &raw, &[]).await.status, StatusCode::UNAUTHORIZED);
    let basic = format!("Basic {BASIC}");
    let served = call(&service, "POST", &raw, &[("authorization", &basic)]).await;
    assert_eq!(served.status, StatusCode::CREATED);
    let key = format!("{REPORT}?key={QUERY_KEY}");
    let put = send(&service, "PUT", &key, &[("content-type", "text/plain")], "text").await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    let public = call(&service, "GET", "/untagged", &[]).await;
    assert_eq!(public.status, StatusCode::OK);
    assert_eq!(
        *service.served.lock().unwrap(),
        [
            ("upload_raw", "basic".to_owned()),
            ("put_report", "query_key".to_owned()),
            ("get_untagged", String::new()),
        ]
    );
}

#[tokio::test]
async fn credentials_never_show_in_debug_output() {
    let service = Arc::new(Service::default());
    let headers = [("x-request-id", "r1"), ("x-api-key", HEADER_KEY)];
    call(&service, "GET", REPORT, &headers).await;
    let printed = service.debug.lock().unwrap().join("\n");
    assert!(printed.contains("api_key") && !printed.contains(HEADER_KEY), "{printed}");
    let mut request_headers = axum::http::HeaderMap::new();
    request_headers.insert("authorization", format!("Basic {BASIC}").parse().unwrap());
    request_headers.insert("cookie", "session=s3cr3t".parse().unwrap());
    let context = format!("{:?}", RequestContext::new(request_headers));
    assert!(!context.contains(BASIC) && !context.contains("s3cr3t"), "{context}");
}
