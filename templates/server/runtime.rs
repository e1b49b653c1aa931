//! Support code for the generated routers: request context, rejections and response helpers.
//!
//! This file is the same for every API; the generator copies it into each server crate so that
//! the crate has no dependency beyond the ecosystem's.

use std::fmt::Display;
use std::str::FromStr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::RawPathParams;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::rejection::{BytesRejection, RawPathParamsRejection};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What an implementation gets to know about a request besides its parameters.
///
/// The router has already authenticated the request (see [`Authenticator`]): the verified
/// principal is a parameter of each secured method. Credentials the request carries are marked
/// sensitive in `headers`, so that `Debug` (and so logs) never shows them.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The request headers.
    pub headers: HeaderMap,
}

impl RequestContext {
    /// A context for a request with these headers.
    pub fn new(mut headers: HeaderMap) -> Self {
        for name in [
            header::AUTHORIZATION,
            header::COOKIE,
            header::PROXY_AUTHORIZATION,
        ] {
            if let header::Entry::Occupied(mut entry) = headers.entry(name) {
                entry.iter_mut().for_each(|value| value.set_sensitive(true));
            }
        }
        Self { headers }
    }
}

/// How a credential travels, as the document's security scheme says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// `Authorization: <scheme> <credential>`, with the scheme as the document names it
    /// (`Bearer`, also for OAuth 2 and OpenID Connect; `Basic`, whose credential is the
    /// base64 of `user:password`).
    Http(&'static str),
    /// An API key in the named header.
    Header(&'static str),
    /// An API key in the named query parameter.
    Query(&'static str),
    /// An API key in the named cookie.
    Cookie(&'static str),
}

/// A credential a request carries for one security scheme of the operation it calls.
///
/// `Debug` shows where it came from, never the credential itself.
#[derive(Clone, Copy)]
pub struct Credential<'a> {
    /// The security scheme's name in the document (`components/securitySchemes`).
    pub scheme: &'static str,
    /// How it was sent.
    pub kind: CredentialKind,
    /// The scopes the operation requires of it (OAuth 2 and OpenID Connect; empty otherwise).
    pub scopes: &'static [&'static str],
    value: &'a str,
}

impl<'a> Credential<'a> {
    /// The credential as sent: the token, the API key, or Basic's base64 `user:password`.
    /// Compare it in constant time.
    pub fn secret(&self) -> &'a str {
        self.value
    }
}

impl std::fmt::Debug for Credential<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("scheme", &self.scheme)
            .field("kind", &self.kind)
            .field("scopes", &self.scopes)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Why an [`Authenticator`] refuses credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not valid (unknown, expired): answered with 401 where the operation documents it.
    Unauthenticated,
    /// Valid, but not allowed to do this (a missing scope, a role): answered with 403 where the
    /// operation documents it.
    Forbidden,
}

/// Turns the credentials a request carries into the service's principal, or refuses them.
///
/// Every server trait requires it, so a service implements it once; the router calls it for
/// every operation the document secures, before the implementation runs, and passes what it
/// returns to the method. Requests without the credentials an operation requires never reach
/// it (nor the implementation): they get 401 or 403, as the operation documents.
///
/// ```ignore
/// impl Authenticator for Service {
///     type Principal = User;
///     async fn authenticate(&self, credentials: &[Credential<'_>]) -> Result<User, Refusal> {
///         let token = credentials[0].secret();
///         self.users.iter()
///             .find(|(known, _)| constant_time_eq(known.as_bytes(), token.as_bytes()))
///             .map(|(_, user)| user.clone())
///             .ok_or(Refusal::Unauthenticated)
///     }
/// }
/// ```
///
/// A service that really wants to check credentials itself says so with
/// [`Unverified::accept`], which a reviewer sees.
pub trait Authenticator: Send + Sync + 'static {
    /// Who a verified request acts for.
    type Principal: Send + 'static;

    /// Verifies the credentials of one of the operation's security requirements: one, or every
    /// scheme of a requirement that combines several (all present, in the document's order).
    fn authenticate(
        &self,
        credentials: &[Credential<'_>],
    ) -> impl std::future::Future<Output = Result<Self::Principal, Refusal>> + Send;
}

/// Credentials accepted without checking them, for a service that checks them itself: every
/// method then gets what the request sent and must decide on its own. Use only on purpose.
#[derive(Clone, PartialEq, Eq)]
pub struct Unverified {
    /// The scheme and the credential as sent, for each scheme of the requirement.
    pub credentials: Vec<(&'static str, String)>,
}

impl Unverified {
    /// Accepts `credentials` as they are: the opt-out of authentication by the router.
    pub fn accept(credentials: &[Credential<'_>]) -> Result<Self, Refusal> {
        Ok(Self {
            credentials: credentials
                .iter()
                .map(|c| (c.scheme, c.value.to_owned()))
                .collect(),
        })
    }
}

impl std::fmt::Debug for Unverified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let schemes: Vec<&str> = self.credentials.iter().map(|(scheme, _)| *scheme).collect();
        f.debug_struct("Unverified")
            .field("schemes", &schemes)
            .finish_non_exhaustive()
    }
}

/// One scheme of a security requirement, as the generated handlers list them.
pub struct __Scheme {
    pub name: &'static str,
    pub kind: CredentialKind,
    pub scopes: &'static [&'static str],
}

/// What an operation answers a request it refuses: for 401 and for 403, whether the operation
/// documents it and with which JSON body (empty for none), and the body of the response that
/// covers other errors (`4XX`, else `default`), if it documents one.
pub struct __Refusals {
    pub unauthorized: Option<&'static str>,
    pub forbidden: Option<&'static str>,
    pub otherwise: Option<&'static str>,
}

/// What the router checks before a secured operation runs: the requirements it accepts (in
/// order of preference; each one scheme or several combined) and what it answers a request it
/// refuses. The generated modules hold one constant per distinct guard.
pub struct __Guard {
    pub requirements: &'static [&'static [__Scheme]],
    pub refusals: __Refusals,
}

/// The credential of `kind` the request carries, if any.
fn __credential(kind: CredentialKind, headers: &HeaderMap, query: &__Query) -> Option<String> {
    match kind {
        CredentialKind::Http(scheme) => {
            headers
                .get_all(header::AUTHORIZATION)
                .iter()
                .find_map(|value| {
                    let (sent, credential) = value.to_str().ok()?.split_once(' ')?;
                    let credential = credential.trim();
                    (sent.eq_ignore_ascii_case(scheme) && !credential.is_empty())
                        .then(|| credential.to_owned())
                })
        }
        CredentialKind::Header(name) => headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty())
            .map(str::to_owned),
        CredentialKind::Query(name) => query
            .pairs
            .iter()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.clone()),
        CredentialKind::Cookie(name) => headers.get_all(header::COOKIE).iter().find_map(|value| {
            value.to_str().ok()?.split(';').find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                (key == name && !value.is_empty()).then(|| value.trim_matches('"').to_owned())
            })
        }),
    }
}

/// Authenticates a request against an operation's security requirements (alternatives, each
/// one scheme or several combined), before the implementation runs: the first requirement whose
/// credentials are all present and accepted gives the principal. A request with none of them
/// gets 401 (or 403, see `__refuse`); one whose credentials are all refused gets the
/// authenticator's first refusal.
pub async fn __authenticate<A: Authenticator>(
    authenticator: &A,
    headers: &HeaderMap,
    query: Option<&str>,
    guard: &__Guard,
) -> Result<A::Principal, Response> {
    match __verify(authenticator, headers, query, guard.requirements).await {
        Ok(principal) => Ok(principal),
        Err(refused) => Err(__refuse(refused, guard)),
    }
}

/// `__authenticate` for an operation whose authentication is optional: a request without
/// any of the credentials gets `None`; refused credentials are still refused.
pub async fn __authenticate_optional<A: Authenticator>(
    authenticator: &A,
    headers: &HeaderMap,
    query: Option<&str>,
    guard: &__Guard,
) -> Result<Option<A::Principal>, Response> {
    match __verify(authenticator, headers, query, guard.requirements).await {
        Ok(principal) => Ok(Some(principal)),
        Err(None) => Ok(None),
        Err(refused) => Err(__refuse(refused, guard)),
    }
}

/// The principal of the first requirement whose credentials are all present and accepted;
/// else the first refusal, or `None` when no requirement's credentials are all present.
async fn __verify<A: Authenticator>(
    authenticator: &A,
    headers: &HeaderMap,
    query: Option<&str>,
    requirements: &[&[__Scheme]],
) -> Result<A::Principal, Option<Refusal>> {
    let query = __Query::parse(query);
    let mut refused = None;
    for requirement in requirements {
        let Some(values) = requirement
            .iter()
            .map(|scheme| __credential(scheme.kind, headers, &query))
            .collect::<Option<Vec<String>>>()
        else {
            continue;
        };
        let credentials: Vec<Credential<'_>> = requirement
            .iter()
            .zip(&values)
            .map(|(scheme, value)| Credential {
                scheme: scheme.name,
                kind: scheme.kind,
                scopes: scheme.scopes,
                value,
            })
            .collect();
        match authenticator.authenticate(&credentials).await {
            Ok(principal) => return Ok(principal),
            Err(refusal) => {
                refused.get_or_insert(refusal);
            }
        }
    }
    Err(refused)
}

/// The answer to a refused request (`None`: no credentials): 401 for missing or invalid
/// credentials and 403 for ones
/// that are not allowed, each where the operation documents it (else the other one it
/// documents), in the documented body, with a `WWW-Authenticate` challenge on a 401.
fn __refuse(refused: Option<Refusal>, guard: &__Guard) -> Response {
    let (requirements, refusals) = (guard.requirements, &guard.refusals);
    let (refusal, detail) = match refused {
        None => (Refusal::Unauthenticated, "credentials were not provided"),
        Some(refusal) => (refusal, "the credentials were refused"),
    };
    let unauthorized = match (refusal, refusals.unauthorized, refusals.forbidden) {
        (Refusal::Unauthenticated, None, Some(_)) => false,
        (Refusal::Unauthenticated, _, _) => true,
        (Refusal::Forbidden, Some(_), None) => true,
        (Refusal::Forbidden, _, _) => false,
    };
    let (status, documented) = if unauthorized {
        (StatusCode::UNAUTHORIZED, refusals.unauthorized)
    } else {
        (StatusCode::FORBIDDEN, refusals.forbidden)
    };
    let mut response = match documented.or(refusals.otherwise) {
        Some("") => status.into_response(),
        Some(body) => json_bytes(status, body.as_bytes().to_vec()),
        None => {
            let code = if unauthorized {
                "not_authenticated"
            } else {
                "permission_denied"
            };
            Rejection {
                status,
                code,
                detail: detail.to_owned(),
            }
            .into_response()
        }
    };
    if unauthorized {
        let mut challenges: Vec<String> = Vec::new();
        for scheme in requirements.iter().flat_map(|r| r.iter()) {
            let challenge = match scheme.kind {
                CredentialKind::Http(name) => name.to_owned(),
                CredentialKind::Header(name) => format!("ApiKey in=\"header\", name=\"{name}\""),
                CredentialKind::Query(name) => format!("ApiKey in=\"query\", name=\"{name}\""),
                CredentialKind::Cookie(name) => format!("ApiKey in=\"cookie\", name=\"{name}\""),
            };
            if !challenges.contains(&challenge) {
                challenges.push(challenge);
            }
        }
        if let Ok(value) = HeaderValue::from_str(&challenges.join(", ")) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
    }
    response
}

/// A request the router refused before it reached the implementation.
///
/// It answers with its status and a JSON body `{"detail": "...", "code": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The status to answer with.
    pub status: StatusCode,
    /// A stable, machine-readable reason such as `invalid_path_parameter`.
    pub code: &'static str,
    /// What was wrong, for people.
    pub detail: String,
}

impl Rejection {
    /// A 400 rejection.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            detail: detail.into(),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "detail": self.detail, "code": self.code });
        json_bytes(self.status, body.to_string().into_bytes())
    }
}

impl From<MultipartRejection> for Rejection {
    fn from(rejection: MultipartRejection) -> Self {
        let status = rejection.status();
        let code = if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            "unsupported_media_type"
        } else {
            "invalid_body"
        };
        Self {
            status,
            code,
            detail: rejection.body_text(),
        }
    }
}

impl From<BytesRejection> for Rejection {
    fn from(rejection: BytesRejection) -> Self {
        let status = rejection.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "body_too_large"
        } else {
            "invalid_body"
        };
        Self {
            status,
            code,
            detail: rejection.body_text(),
        }
    }
}

impl From<MultipartError> for Rejection {
    fn from(err: MultipartError) -> Self {
        Self {
            status: err.status(),
            code: "invalid_body",
            detail: err.body_text(),
        }
    }
}

impl From<RawPathParamsRejection> for Rejection {
    fn from(rejection: RawPathParamsRejection) -> Self {
        Self::bad_request("invalid_path_parameter", rejection.body_text())
    }
}

/// Parses the path parameter `name`.
#[doc(hidden)]
pub fn __path_param<T>(params: &RawPathParams, name: &str) -> Result<T, Rejection>
where
    T: FromStr,
    T::Err: Display,
{
    let Some((_, value)) = params.iter().find(|(key, _)| *key == name) else {
        return Err(Rejection::bad_request(
            "missing_path_parameter",
            format!("path parameter `{name}` is missing"),
        ));
    };
    value.parse().map_err(|err| {
        Rejection::bad_request(
            "invalid_path_parameter",
            format!("path parameter `{name}`: {value:?} is not valid: {err}"),
        )
    })
}

/// A response status: a code the generator checked (100 to 599), or a `StatusCode`.
#[doc(hidden)]
pub trait __Status {
    /// The status.
    fn status(self) -> StatusCode;
}

impl __Status for u16 {
    fn status(self) -> StatusCode {
        __status(self)
    }
}

impl __Status for StatusCode {
    fn status(self) -> StatusCode {
        self
    }
}

/// The path parameters of a request, or why axum could not read them.
#[doc(hidden)]
pub type __PathParams = Result<RawPathParams, RawPathParamsRejection>;

/// A request body, or why axum could not read it (such as 413 over the body limit, which
/// `axum::extract::DefaultBodyLimit` sets: 2 MB unless the router is given another).
#[doc(hidden)]
pub type __Body = Result<Bytes, BytesRejection>;

/// A multipart body, or why axum could not read it.
#[doc(hidden)]
pub type __Multipart = Result<Multipart, MultipartRejection>;

/// What a handler answers: the implementation's response, or a rejection.
#[doc(hidden)]
pub type __Handled = Result<Response, Rejection>;

/// The implementation's answer as a response.
#[doc(hidden)]
pub fn __respond<R: IntoResponse>(response: R) -> __Handled {
    Ok(response.into_response())
}

/// A JSON response with `status` and `body`.
#[doc(hidden)]
pub fn __json<T: serde::Serialize>(status: impl __Status, body: &T) -> Response {
    let status = status.status();
    match serde_json::to_vec(body) {
        Ok(bytes) => json_bytes(status, bytes),
        Err(err) => Rejection {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "unserializable_response",
            detail: format!("the response body cannot be serialized: {err}"),
        }
        .into_response(),
    }
}

/// A response with `status` and no body.
#[doc(hidden)]
pub fn __empty(status: impl __Status) -> Response {
    status.status().into_response()
}

fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Serves `routes` under `base_path`, such as `/api/v3`; an empty base path or `/` serves them at
/// the root.
pub fn nest(base_path: &str, routes: Router) -> Router {
    let trimmed = base_path.trim_matches('/');
    if trimmed.is_empty() {
        routes
    } else {
        Router::new().nest(&format!("/{trimmed}"), routes)
    }
}

/// A structured path parameter (a union of scalars, say), decoded through serde: first as the
/// JSON scalar its text spells, then as a string.
#[doc(hidden)]
pub fn __path_value<T: serde::de::DeserializeOwned>(
    params: &RawPathParams,
    name: &str,
) -> Result<T, Rejection> {
    let Some((_, value)) = params.iter().find(|(key, _)| *key == name) else {
        return Err(Rejection::bad_request(
            "missing_path_parameter",
            format!("path parameter `{name}` is missing"),
        ));
    };
    let text = serde_json::Value::String(value.to_owned());
    let mut last = String::new();
    for candidate in [__typed(text.clone()), text] {
        match crate::models::strictly(|| serde_json::from_value::<T>(candidate)) {
            Ok(decoded) => return Ok(decoded),
            Err(err) => last = err.to_string(),
        }
    }
    Err(Rejection::bad_request(
        "invalid_path_parameter",
        format!("path parameter `{name}`: {value:?} is not valid: {last}"),
    ))
}

/// Reads each string leaf as the JSON scalar it spells, where it spells one.
fn __typed(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(text) => match serde_json::from_str::<Value>(&text) {
            Ok(scalar @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => scalar,
            _ => Value::String(text),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(__typed).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, __typed(v))).collect())
        }
        other => other,
    }
}

/// Puts `value` at `segments` of a tree of objects (`a[b][c]=v`; an empty segment appends).
fn __insert(tree: &mut serde_json::Value, segments: &[String], value: &str) {
    use serde_json::Value;
    let Some((first, rest)) = segments.split_first() else {
        *tree = Value::String(value.to_owned());
        return;
    };
    if !tree.is_object() {
        *tree = Value::Object(serde_json::Map::new());
    }
    let Value::Object(map) = tree else { return };
    let key = if first.is_empty() {
        map.len().to_string()
    } else {
        first.clone()
    };
    let entry = map.entry(key).or_insert(Value::Null);
    __insert(entry, rest, value);
}

/// Turns objects whose keys are `0`, `1`, ... into arrays.
fn __arrays(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let indexed =
                !map.is_empty() && (0..map.len()).all(|i| map.contains_key(&i.to_string()));
            if indexed {
                let mut map = map;
                Value::Array(
                    (0..map.len())
                        .map(|i| __arrays(map.remove(&i.to_string()).unwrap_or(Value::Null)))
                        .collect(),
                )
            } else {
                Value::Object(map.into_iter().map(|(k, v)| (k, __arrays(v))).collect())
            }
        }
        other => other,
    }
}

/// The status with code `code`; the generator only emits codes from 100 to 599.
#[doc(hidden)]
pub fn __status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The query string of a request, split into decoded pairs.
#[doc(hidden)]
pub struct __Query {
    pairs: Vec<(String, String)>,
    location: &'static str,
}

impl __Query {
    /// Splits a raw query string (`None` when the URL has none).
    pub fn parse(query: Option<&str>) -> Self {
        let pairs = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
        Self {
            pairs,
            location: "query",
        }
    }

    /// The values of header `name`, one pair per header line.
    pub fn header(headers: &HeaderMap, name: &str) -> Result<Self, Rejection> {
        let mut pairs = Vec::new();
        for value in headers.get_all(name) {
            let value = value.to_str().map_err(|_| {
                Rejection::bad_request(
                    "invalid_header",
                    format!("header `{name}` is not visible ASCII"),
                )
            })?;
            pairs.push((name.to_owned(), value.to_owned()));
        }
        Ok(Self {
            pairs,
            location: "header",
        })
    }

    fn parse_value<T>(&self, name: &str, value: &str) -> Result<T, Rejection>
    where
        T: FromStr,
        T::Err: Display,
    {
        value.parse().map_err(|err| {
            let code = if self.location == "header" {
                "invalid_header"
            } else {
                "invalid_query_parameter"
            };
            Rejection::bad_request(
                code,
                format!(
                    "{} parameter `{name}`: {value:?} is not valid: {err}",
                    self.location
                ),
            )
        })
    }

    /// The one value of `name`; more than one is an error.
    pub fn one<T>(&self, name: &str) -> Result<Option<T>, Rejection>
    where
        T: FromStr,
        T::Err: Display,
    {
        let mut values = self.pairs.iter().filter(|(key, _)| key == name);
        let Some((_, value)) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            let code = if self.location == "header" {
                "invalid_header"
            } else {
                "invalid_query_parameter"
            };
            return Err(Rejection::bad_request(
                code,
                format!(
                    "{} parameter `{name}` is given more than once",
                    self.location
                ),
            ));
        }
        self.parse_value(name, value).map(Some)
    }

    /// Every value of `name` (`name=a&name=b`), or `None` when there is none.
    pub fn all<T>(&self, name: &str) -> Result<Option<Vec<T>>, Rejection>
    where
        T: FromStr,
        T::Err: Display,
    {
        let values: Vec<T> = self
            .pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| self.parse_value(name, value))
            .collect::<Result<_, _>>()?;
        Ok((!values.is_empty()).then_some(values))
    }

    /// A structured parameter (an object, a union, nested arrays) in `style` (`form`,
    /// `spaceDelimited`, `pipeDelimited` or `deepObject`), decoded strictly through serde.
    ///
    /// Query text carries no types: each leaf is first read as the JSON scalar it spells (`3`,
    /// `true`), then, if that does not decode, every leaf as a string.
    pub fn styled<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        style: &str,
        explode: bool,
    ) -> Result<Option<T>, Rejection> {
        use serde_json::Value;
        let own: Vec<&str> = self
            .pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let mut candidates: Vec<Value> = Vec::new();
        match style {
            "deepObject" => {
                let prefix = format!("{name}[");
                let mut tree = Value::Null;
                let mut found = false;
                for (key, value) in &self.pairs {
                    let Some(rest) = key.strip_prefix(&prefix) else {
                        continue;
                    };
                    found = true;
                    let segments: Vec<String> = rest
                        .split('[')
                        .map(|s| s.trim_end_matches(']').to_owned())
                        .collect();
                    __insert(&mut tree, &segments, value);
                }
                if !found {
                    return Ok(None);
                }
                candidates.push(__arrays(tree));
            }
            "spaceDelimited" | "pipeDelimited" if !own.is_empty() => {
                let separator = if style == "spaceDelimited" { ' ' } else { '|' };
                let items = own
                    .iter()
                    .flat_map(|v| v.split(separator))
                    .map(|v| Value::String(v.to_owned()))
                    .collect();
                candidates.push(Value::Array(items));
            }
            _ => {
                match own.as_slice() {
                    [] => {}
                    [one] => {
                        candidates.push(Value::String((*one).to_owned()));
                        let items: Vec<&str> = one.split(',').collect();
                        candidates.push(Value::Array(
                            items
                                .iter()
                                .map(|v| Value::String((*v).to_owned()))
                                .collect(),
                        ));
                        if !explode && items.len() % 2 == 0 {
                            let map = items
                                .chunks(2)
                                .map(|kv| (kv[0].to_owned(), Value::String(kv[1].to_owned())))
                                .collect();
                            candidates.push(Value::Object(map));
                        }
                    }
                    many => candidates.push(Value::Array(
                        many.iter()
                            .map(|v| Value::String((*v).to_owned()))
                            .collect(),
                    )),
                }
                if explode && own.is_empty() {
                    // An exploded object: its properties are pairs of their own.
                    let mut map = serde_json::Map::new();
                    for (key, value) in &self.pairs {
                        match map.get_mut(key) {
                            Some(Value::Array(items)) => items.push(Value::String(value.clone())),
                            Some(existing) => {
                                *existing = Value::Array(vec![
                                    existing.clone(),
                                    Value::String(value.clone()),
                                ])
                            }
                            None => {
                                map.insert(key.clone(), Value::String(value.clone()));
                            }
                        }
                    }
                    if map.is_empty() {
                        return Ok(None);
                    }
                    candidates.push(Value::Object(map));
                }
            }
        }
        if candidates.is_empty() {
            return Ok(None);
        }
        let mut last = None;
        for candidate in candidates {
            for value in [__typed(candidate.clone()), candidate] {
                match crate::models::strictly(|| serde_json::from_value::<T>(value)) {
                    Ok(decoded) => return Ok(Some(decoded)),
                    Err(err) => last = Some(err),
                }
            }
        }
        let err = last.map(|e| e.to_string()).unwrap_or_default();
        let code = if self.location == "header" {
            "invalid_header"
        } else {
            "invalid_query_parameter"
        };
        Err(Rejection::bad_request(
            code,
            format!("{} parameter `{name}` is not valid: {err}", self.location),
        ))
    }

    /// The comma-separated values of `name` (`name=a,b`), or `None` when it is absent.
    pub fn split<T>(&self, name: &str) -> Result<Option<Vec<T>>, Rejection>
    where
        T: FromStr,
        T::Err: Display,
    {
        let mut found = false;
        let mut values = Vec::new();
        for (_, value) in self.pairs.iter().filter(|(key, _)| key == name) {
            found = true;
            for item in value.split(',').filter(|item| !item.is_empty()) {
                values.push(self.parse_value(name, item.trim())?);
            }
        }
        Ok(found.then_some(values))
    }
}

/// Refuses enum values the API does not define (they parse into the enum's catch-all).
#[doc(hidden)]
pub fn __known<'a, T: 'a + std::fmt::Display>(
    values: impl IntoIterator<Item = &'a T>,
    known: impl Fn(&T) -> bool,
    name: &str,
) -> Result<(), Rejection> {
    for value in values {
        if !known(value) {
            return Err(Rejection::bad_request(
                "invalid_parameter",
                format!(
                    "parameter `{name}`: {value:?} is not one of its values",
                    value = value.to_string()
                ),
            ));
        }
    }
    Ok(())
}

/// A required parameter or property: its absence is a 400.
#[doc(hidden)]
pub fn __required<T>(value: Option<T>, name: &str) -> Result<T, Rejection> {
    value
        .ok_or_else(|| Rejection::bad_request("missing_parameter", format!("`{name}` is required")))
}

/// The request's `Content-Type`, if it has a readable one.
#[doc(hidden)]
pub fn __content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

fn media_essence(headers: &HeaderMap) -> String {
    content_type(headers)
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn unsupported(expected: &str, headers: &HeaderMap) -> Rejection {
    Rejection {
        status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
        code: "unsupported_media_type",
        detail: format!(
            "expected a `{expected}` body, got content type {:?}",
            content_type(headers)
        ),
    }
}

/// Decodes a JSON request body; another content type is a 415, bad JSON a 400 that says where.
#[doc(hidden)]
pub fn __json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, Rejection> {
    if body.is_empty() && !headers.contains_key(header::CONTENT_TYPE) {
        return Err(Rejection::bad_request(
            "missing_body",
            "this operation needs a JSON body",
        ));
    }
    let essence = media_essence(headers);
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(unsupported("application/json", headers));
    }
    crate::models::strictly(|| serde_json::from_slice(body)).map_err(|err| {
        Rejection::bad_request("invalid_body", format!("the JSON body is not valid: {err}"))
    })
}

/// Decodes a JSON request body that must be an object, as the body of an object schema: serde
/// would also read the struct from an array of its fields, in order.
#[doc(hidden)]
pub fn __json_object_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, Rejection> {
    let value = __json_body(headers, body)?;
    if body.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Rejection::bad_request(
            "invalid_body",
            "the JSON body must be an object",
        ));
    }
    Ok(value)
}

/// Applies the checks of strict decoding (`models::strictly`) to a body assembled from multipart
/// parts: its JSON form is decoded again strictly, and the body is kept as it is.
#[doc(hidden)]
pub fn __checked<T: serde::Serialize + serde::de::DeserializeOwned>(
    body: T,
) -> Result<T, Rejection> {
    let invalid = |err: serde_json::Error| {
        Rejection::bad_request(
            "invalid_body",
            format!("the multipart body is not valid: {err}"),
        )
    };
    let json = serde_json::to_value(&body).map_err(invalid)?;
    crate::models::strictly(|| serde_json::from_value::<T>(json)).map_err(invalid)?;
    Ok(body)
}

/// Decodes an `application/x-www-form-urlencoded` request body.
#[doc(hidden)]
pub fn __form_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, Rejection> {
    if media_essence(headers) != "application/x-www-form-urlencoded" {
        return Err(unsupported("application/x-www-form-urlencoded", headers));
    }
    crate::models::strictly(|| serde_urlencoded::from_bytes(body)).map_err(|err| {
        Rejection::bad_request("invalid_body", format!("the form body is not valid: {err}"))
    })
}

/// A text request body, which must be UTF-8.
#[doc(hidden)]
pub fn __text_body(body: &Bytes) -> Result<String, Rejection> {
    String::from_utf8(body.to_vec())
        .map_err(|_| Rejection::bad_request("invalid_body", "the body is not UTF-8 text"))
}

/// A `multipart/form-data` body, read whole.
#[doc(hidden)]
pub struct __Form {
    parts: Vec<Part>,
}

/// One part of a multipart body.
struct Part {
    name: String,
    bytes: Vec<u8>,
    file_name: Option<String>,
    content_type: Option<String>,
}

/// A file part: bytes, file name and media type.
type FilePart = (Vec<u8>, Option<String>, Option<String>);

impl Part {
    fn file(&self) -> FilePart {
        (
            self.bytes.clone(),
            self.file_name.clone(),
            self.content_type.clone(),
        )
    }
}

impl __Form {
    /// Reads every part.
    pub async fn read(mut multipart: Multipart) -> Result<Self, Rejection> {
        let mut parts = Vec::new();
        while let Some(field) = multipart.next_field().await? {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await?.to_vec();
            parts.push(Part {
                name,
                bytes,
                file_name,
                content_type,
            });
        }
        Ok(Self { parts })
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Part> + 'a {
        self.parts.iter().filter(move |part| part.name == name)
    }

    fn text_of<T>(name: &str, bytes: &[u8]) -> Result<T, Rejection>
    where
        T: FromStr,
        T::Err: Display,
    {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            Rejection::bad_request("invalid_body", format!("part `{name}` is not UTF-8 text"))
        })?;
        text.parse().map_err(|err| {
            Rejection::bad_request(
                "invalid_body",
                format!("part `{name}`: {text:?} is not valid: {err}"),
            )
        })
    }

    fn json_of<T: serde::de::DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<T, Rejection> {
        crate::models::strictly(|| serde_json::from_slice(bytes)).map_err(|err| {
            Rejection::bad_request(
                "invalid_body",
                format!("part `{name}` is not valid JSON: {err}"),
            )
        })
    }

    /// The text part `name`, parsed.
    pub fn text<T>(&self, name: &str) -> Result<Option<T>, Rejection>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.values(name)
            .next()
            .map(|part| Self::text_of(name, &part.bytes))
            .transpose()
    }

    /// Every text part `name`, parsed.
    pub fn all_text<T>(&self, name: &str) -> Result<Option<Vec<T>>, Rejection>
    where
        T: FromStr,
        T::Err: Display,
    {
        let values: Vec<T> = self
            .values(name)
            .map(|part| Self::text_of(name, &part.bytes))
            .collect::<Result<_, _>>()?;
        Ok((!values.is_empty()).then_some(values))
    }

    /// The part `name` holding JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        self.values(name)
            .next()
            .map(|part| Self::json_of(name, &part.bytes))
            .transpose()
    }

    /// Every part `name` holding JSON.
    pub fn all_json<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<Vec<T>>, Rejection> {
        let values: Vec<T> = self
            .values(name)
            .map(|part| Self::json_of(name, &part.bytes))
            .collect::<Result<_, _>>()?;
        Ok((!values.is_empty()).then_some(values))
    }

    /// The file part `name`: bytes, file name and media type.
    pub fn file(&self, name: &str) -> Result<Option<FilePart>, Rejection> {
        Ok(self.values(name).next().map(Part::file))
    }

    /// Every file part `name`.
    pub fn all_file(&self, name: &str) -> Result<Option<Vec<FilePart>>, Rejection> {
        let values: Vec<FilePart> = self.values(name).map(Part::file).collect();
        Ok((!values.is_empty()).then_some(values))
    }
}

/// A response with `status`, a body and its media type.
#[doc(hidden)]
pub fn __bytes(status: impl __Status, media: &'static str, body: impl Into<Bytes>) -> Response {
    let mut response = (status.status(), body.into()).into_response();
    let media = HeaderValue::from_str(media)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(header::CONTENT_TYPE, media);
    response
}

/// A response with `status` and a body that may still be arriving (a stream, a file).
#[doc(hidden)]
pub fn __body(status: impl __Status, media: &'static str, body: axum::body::Body) -> Response {
    let mut response = (status.status(), body).into_response();
    let media = HeaderValue::from_str(media)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(header::CONTENT_TYPE, media);
    response
}

/// One server-sent event to send: its data, and the fields that go with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The data: sent as JSON, or as it is for text events.
    pub data: T,
    /// The event's name (`event:`); the client's default is `message`.
    pub event: Option<String>,
    /// The event id (`id:`), which a client reconnecting sends back as `Last-Event-ID`.
    pub id: Option<String>,
    /// The reconnection time to ask of the client (`retry:`).
    pub retry: Option<std::time::Duration>,
}

impl<T> Event<T> {
    /// An event of `data`, with no name, id or retry.
    pub fn new(data: T) -> Self {
        Self {
            data,
            event: None,
            id: None,
            retry: None,
        }
    }

    /// This event, named `name`.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.event = Some(name.into());
        self
    }

    /// This event, with the id `id`.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// This event, asking the client to wait `retry` before reconnecting.
    pub fn with_retry(mut self, retry: std::time::Duration) -> Self {
        self.retry = Some(retry);
        self
    }
}

/// An event stream to answer with: sent as `text/event-stream` as the events come, with a
/// keep-alive comment every 15 s (see [`Events::keep_alive`]) so that proxies keep the
/// connection open. The stream ends the response when it ends.
pub struct Events<T> {
    stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = Event<T>> + Send>>,
    keep_alive: Option<std::time::Duration>,
}

impl<T> std::fmt::Debug for Events<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("keep_alive", &self.keep_alive)
            .finish_non_exhaustive()
    }
}

impl<T> Events<T> {
    /// The events of `stream`.
    pub fn new(stream: impl futures_util::Stream<Item = Event<T>> + Send + 'static) -> Self {
        Self {
            stream: Box::pin(stream),
            keep_alive: Some(std::time::Duration::from_secs(15)),
        }
    }

    /// An event of each item of `stream`, with no name, id or retry.
    pub fn from_data(stream: impl futures_util::Stream<Item = T> + Send + 'static) -> Self
    where
        T: 'static,
    {
        use futures_util::StreamExt;
        Self::new(stream.map(Event::new))
    }

    /// This stream, with a keep-alive comment every `interval`, or none.
    pub fn keep_alive(mut self, interval: Option<std::time::Duration>) -> Self {
        self.keep_alive = interval;
        self
    }
}

/// A field value without the line breaks (and NULs) the format cannot carry in it.
fn sse_field(value: &str) -> String {
    value.replace(['\r', '\n', '\0'], " ")
}

/// The wire form of an event whose data is `data`: its fields, one `data:` line per line of
/// `data` (an empty one included, so that an event of empty text is still an event), and the
/// blank line that ends it.
fn sse_event<T>(event: &Event<T>, data: &str) -> Bytes {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(data.len() + 16);
    if let Some(name) = &event.event {
        let _ = writeln!(out, "event: {}", sse_field(name));
    }
    if let Some(id) = &event.id {
        let _ = writeln!(out, "id: {}", sse_field(id));
    }
    if let Some(retry) = event.retry {
        let _ = writeln!(out, "retry: {}", retry.as_millis());
    }
    let data = data.replace("\r\n", "\n").replace('\r', "\n");
    for line in data.split('\n') {
        let _ = writeln!(out, "data: {line}");
    }
    out.push('\n');
    Bytes::from(out)
}

/// The body of an event stream: each event as it comes, and a keep-alive comment after each
/// `interval` without one.
struct SseBody<S> {
    events: S,
    interval: Option<std::time::Duration>,
    idle: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl<S: futures_util::Stream<Item = Bytes> + Unpin> futures_util::Stream for SseBody<S> {
    type Item = Result<Bytes, std::convert::Infallible>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        if let Poll::Ready(event) = std::pin::Pin::new(&mut this.events).poll_next(cx) {
            if let (Some(idle), Some(interval)) = (&mut this.idle, this.interval) {
                idle.as_mut().reset(tokio::time::Instant::now() + interval);
            }
            return Poll::Ready(event.map(Ok));
        }
        if let (Some(idle), Some(interval)) = (&mut this.idle, this.interval) {
            // `Future` by path: it is in the prelude of edition 2024 only.
            if std::future::Future::poll(idle.as_mut(), cx).is_ready() {
                idle.as_mut().reset(tokio::time::Instant::now() + interval);
                return Poll::Ready(Some(Ok(Bytes::from_static(b":\n\n"))));
            }
        }
        Poll::Pending
    }
}

/// Answers with the events of `events`, each one's data as JSON.
#[doc(hidden)]
pub fn __events<T: serde::Serialize + 'static>(
    status: impl __Status,
    events: Events<T>,
) -> Response {
    use futures_util::StreamExt;
    let stream = events.stream.map(|event| {
        let data = serde_json::to_string(&event.data).unwrap_or_else(|err| {
            // The client sees an event that does not decode, and why.
            serde_json::json!({ "error": format!("the event cannot be serialized: {err}") })
                .to_string()
        });
        sse_event(&event, &data)
    });
    sse(status, stream, events.keep_alive)
}

/// An enum of events told apart by their names (generated per operation).
#[doc(hidden)]
pub trait __NamedEvent {
    /// The event's name.
    fn __name(&self) -> Option<&str>;
    /// Its data, as JSON (or as text for an event of another name).
    fn __data(&self) -> Result<String, serde_json::Error>;
}

/// The data of an event for the wire: its JSON, or why it has none.
fn event_data(data: Result<String, serde_json::Error>) -> String {
    data.unwrap_or_else(|err| {
        // The client sees an event that does not decode, and why.
        serde_json::json!({ "error": format!("the event cannot be serialized: {err}") }).to_string()
    })
}

/// Answers with the events of `events`, each named as its variant says (unless the event
/// names itself).
#[doc(hidden)]
pub fn __named_events<T: __NamedEvent + 'static>(
    status: impl __Status,
    events: Events<T>,
) -> Response {
    use futures_util::StreamExt;
    let stream = events.stream.map(|mut event| {
        if event.event.is_none() {
            event.event = event.data.__name().map(str::to_owned);
        }
        let data = event_data(event.data.__data());
        sse_event(&event, &data)
    });
    sse(status, stream, events.keep_alive)
}

/// Answers an error documented as events told apart by name with one event of `body`.
#[doc(hidden)]
pub fn __named_event<T: __NamedEvent>(status: impl __Status, body: &T) -> Response {
    let mut event = Event::new(());
    event.event = body.__name().map(str::to_owned);
    let data = event_data(body.__data());
    __bytes(status, "text/event-stream", sse_event(&event, &data))
}

/// Answers with the events of `events`, each one's data as text.
#[doc(hidden)]
pub fn __text_events(status: impl __Status, events: Events<String>) -> Response {
    use futures_util::StreamExt;
    let stream = events.stream.map(|event| sse_event(&event, &event.data));
    sse(status, stream, events.keep_alive)
}

fn sse<S>(status: impl __Status, events: S, keep_alive: Option<std::time::Duration>) -> Response
where
    S: futures_util::Stream<Item = Bytes> + Send + Unpin + 'static,
{
    let idle = keep_alive.map(|interval| Box::pin(tokio::time::sleep(interval)));
    let body = SseBody {
        events,
        interval: keep_alive,
        idle,
    };
    let mut response = (status.status(), axum::body::Body::from_stream(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Answers an error documented as events with one event whose data is `body` as JSON.
#[doc(hidden)]
pub fn __event<T: serde::Serialize>(status: impl __Status, body: &T) -> Response {
    match serde_json::to_string(body) {
        Ok(json) => __bytes(status, "text/event-stream", format!("data: {json}\n\n")),
        Err(err) => Rejection {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "unserializable_response",
            detail: format!("the response body cannot be serialized: {err}"),
        }
        .into_response(),
    }
}

/// Answers an error documented as text events with one event of `body`.
#[doc(hidden)]
pub fn __text_event(status: impl __Status, body: String) -> Response {
    let data: String = match body.is_empty() {
        true => "data: \n".to_owned(),
        false => body.lines().map(|line| format!("data: {line}\n")).collect(),
    };
    __bytes(status, "text/event-stream", format!("{data}\n"))
}

/// A binary request body, read as it arrives: no body limit applies to it, so the
/// implementation sets its own (see [`Upload::bytes`]) or streams it where it goes.
pub struct Upload {
    /// The media type the client sent, if any.
    pub content_type: Option<String>,
    /// The length the client announced (`Content-Length`), if it did.
    pub content_length: Option<u64>,
    body: axum::body::Body,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

impl Upload {
    #[doc(hidden)]
    pub fn __new(headers: &HeaderMap, body: axum::body::Body) -> Self {
        Self {
            content_type: __content_type(headers),
            content_length: headers
                .get(header::CONTENT_LENGTH)
                .and_then(|value| value.to_str().ok())
                .and_then(|text| text.parse().ok()),
            body,
        }
    }

    /// An optional body: none when the request announces no content (no body, no media type).
    #[doc(hidden)]
    pub fn __optional(headers: &HeaderMap, body: axum::body::Body) -> Option<Self> {
        let upload = Self::__new(headers, body);
        let chunked = headers.contains_key(header::TRANSFER_ENCODING);
        let empty = upload.content_length.is_none_or(|length| length == 0);
        (upload.content_type.is_some() || chunked || !empty).then_some(upload)
    }

    /// The chunks, as they arrive.
    pub fn into_stream(self) -> axum::body::BodyDataStream {
        self.body.into_data_stream()
    }

    /// The body, as axum has it.
    pub fn into_body(self) -> axum::body::Body {
        self.body
    }

    /// The whole body in memory, refused with a 413 [`Rejection`] past `limit` bytes.
    pub async fn bytes(self, limit: usize) -> Result<Bytes, Rejection> {
        axum::body::to_bytes(self.body, limit)
            .await
            .map_err(|_| Rejection {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                code: "body_too_large",
                detail: format!("the body is larger than {limit} bytes, or could not be read"),
            })
    }
}

/// A request a mock received, as it arrived (see the `mock` module, with the `mock` feature).
#[cfg(feature = "mock")]
#[derive(Debug, Clone)]
pub struct MockRequest {
    /// The `operationId` of the operation it was routed to, if any.
    pub operation: Option<&'static str>,
    /// The method.
    pub method: axum::http::Method,
    /// The path, below the mock's base URL.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

#[cfg(feature = "mock")]
impl MockRequest {
    /// The body as JSON of type `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.body)
    }

    /// The body as text (bytes that are not UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The pairs of the query string, decoded.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    /// The first value of the header `name`, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// The operation of the API a request goes to: the first of `operations` (`operationId`,
/// method, path template) whose method is the request's and whose template matches its path.
#[cfg(feature = "mock")]
#[doc(hidden)]
pub fn __mock_operation(
    operations: &[(&'static str, &'static str, &'static str)],
    method: &axum::http::Method,
    path: &str,
) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    operations
        .iter()
        .find(|(_, op_method, template)| {
            let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
            *op_method == method.as_str()
                && parts.len() == segments.len()
                && parts.iter().zip(&segments).all(|(part, segment)| {
                    match (part.find('{'), part.rfind('}')) {
                        // A segment with a parameter: its literal text around it.
                        (Some(open), Some(close)) => {
                            segment.len() > open + (part.len() - close - 1)
                                && segment.starts_with(&part[..open])
                                && segment.ends_with(&part[close + 1..])
                        }
                        _ => {
                            *part == *segment || percent_decoded(segment).as_deref() == Some(*part)
                        }
                    }
                })
        })
        .map(|(id, ..)| *id)
}

#[cfg(feature = "mock")]
fn percent_decoded(segment: &str) -> Option<String> {
    let bytes: Vec<u8> = form_urlencoded::parse(format!("x={segment}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned().into_bytes())?;
    String::from_utf8(bytes).ok()
}

/// Where a mock keeps the requests it received.
#[cfg(feature = "mock")]
#[doc(hidden)]
pub type __MockLog = std::sync::Arc<std::sync::Mutex<Vec<MockRequest>>>;

/// The largest body a mock records: larger ones are refused with 413.
#[cfg(feature = "mock")]
const MOCK_BODY_LIMIT: usize = 256 << 20;

/// `router`, recording each request in `log` (with its operation, by `operations`) before it
/// is served.
#[cfg(feature = "mock")]
#[doc(hidden)]
pub fn __mock_router(
    router: Router,
    log: __MockLog,
    operations: &'static [(&'static str, &'static str, &'static str)],
) -> Router {
    router.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let log = std::sync::Arc::clone(&log);
            async move {
                let (parts, body) = request.into_parts();
                let Ok(body) = axum::body::to_bytes(body, MOCK_BODY_LIMIT).await else {
                    return StatusCode::PAYLOAD_TOO_LARGE.into_response();
                };
                let path = parts.uri.path().to_owned();
                let recorded = MockRequest {
                    operation: __mock_operation(operations, &parts.method, &path),
                    method: parts.method.clone(),
                    path,
                    query: parts.uri.query().map(str::to_owned),
                    headers: parts.headers.clone(),
                    body: body.clone(),
                };
                log.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(recorded);
                let request =
                    axum::extract::Request::from_parts(parts, axum::body::Body::from(body));
                next.run(request).await
            }
        },
    ))
}

/// A mock serving on a loopback port; it stops when dropped.
#[cfg(feature = "mock")]
#[derive(Debug)]
pub struct MockServer {
    base_url: String,
    task: tokio::task::JoinHandle<()>,
}

#[cfg(feature = "mock")]
impl MockServer {
    /// Serves `router` on an ephemeral port of 127.0.0.1.
    #[doc(hidden)]
    pub async fn __start(router: Router) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self { base_url, task })
    }

    /// The URL to point a client at (`http://127.0.0.1:<port>`, no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

#[cfg(feature = "mock")]
impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A value of `T` from an example of the document: the mock's default answer.
#[cfg(feature = "mock")]
#[doc(hidden)]
pub fn __example<T: serde::de::DeserializeOwned>(operation: &str, json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|err| {
        panic!("the mock's example answer of `{operation}` does not decode ({err}); give it an answer of your own")
    })
}

/// One answer a test gave a mock, for one operation.
#[cfg(feature = "mock")]
#[doc(hidden)]
pub struct __Slot<T: ?Sized>(std::sync::Mutex<Option<std::sync::Arc<T>>>);

#[cfg(feature = "mock")]
impl<T: ?Sized> Default for __Slot<T> {
    fn default() -> Self {
        Self(std::sync::Mutex::new(None))
    }
}

#[cfg(feature = "mock")]
impl<T: ?Sized> __Slot<T> {
    /// Answers with `answer` from now on.
    pub fn set(&self, answer: std::sync::Arc<T>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(answer);
    }

    /// The answer given, if any.
    pub fn get(&self) -> Option<std::sync::Arc<T>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// Whether a request asks for an event stream first (`Accept: text/event-stream`, before any
/// other media type it lists).
#[cfg(feature = "mock")]
#[doc(hidden)]
pub fn __wants_events(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .and_then(|accept| accept.split(',').next())
        .is_some_and(|first| {
            first
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("text/event-stream")
        })
}
