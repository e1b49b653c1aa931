//! Support code for the generated routers: request context, rejections and response helpers.
//!
//! This file is the same for every API; the generator copies it into each server crate so that
//! the crate has no dependency beyond the ecosystem's.

use std::fmt::Display;
use std::str::FromStr;

use axum::Router;
use axum::extract::RawPathParams;
use axum::extract::rejection::RawPathParamsRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What an implementation gets to know about a request besides its parameters.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// The request headers.
    pub headers: HeaderMap,
    bearer_token: Option<String>,
}

impl RequestContext {
    /// A context for a request with these headers.
    pub fn new(headers: HeaderMap) -> Self {
        let bearer_token = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
            })
            .filter(|token| !token.is_empty());
        Self { headers, bearer_token }
    }

    /// The token of an `Authorization: Bearer <token>` header, if the request has one.
    ///
    /// The router does not check it: deciding who may do what is the implementation's job.
    pub fn bearer_token(&self) -> Option<&str> {
        self.bearer_token.as_deref()
    }
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
        Self { status: StatusCode::BAD_REQUEST, code, detail: detail.into() }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "detail": self.detail, "code": self.code });
        json_bytes(self.status, body.to_string().into_bytes())
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
        return Err(Rejection::bad_request("missing_path_parameter", format!("path parameter `{name}` is missing")));
    };
    value.parse().map_err(|err| {
        Rejection::bad_request("invalid_path_parameter", format!("path parameter `{name}`: {value:?} is not valid: {err}"))
    })
}

/// A JSON response with `status` and `body`.
#[doc(hidden)]
pub fn __json<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
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
pub fn __empty(status: StatusCode) -> Response {
    status.into_response()
}

fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut response = (status, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
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

/// The status with code `code`; the generator only emits codes from 100 to 599.
#[doc(hidden)]
pub fn __status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
