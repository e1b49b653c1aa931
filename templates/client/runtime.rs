//! Support code for the generated operations: the client handle, responses and errors.
//!
//! This file is the same for every API; the generator copies it into each client crate so that
//! the crate has no dependency beyond the ecosystem's.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};

/// An async client for the API, cheap to clone (the connection pool is shared).
///
/// Configure it once with the base URL (everything before the operation paths, such as
/// `https://authentik.example.com/api/v3`) and, where the operations need it, a bearer token;
/// then call one method per operation.
#[derive(Clone)]
pub struct Client {
    base_url: String,
    http: reqwest::Client,
    bearer_token: Option<String>,
    credentials: Vec<(String, String)>,
    undocumented_success: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<&str> = self
            .credentials
            .iter()
            .map(|(scheme, _)| scheme.as_str())
            .collect();
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("credentials_for", &schemes)
            .field("undocumented_success", &self.undocumented_success)
            .finish_non_exhaustive()
    }
}

/// A security scheme an operation accepts: its name, and how its credential is sent.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum __Auth {
    /// `Authorization: <scheme> <credential>`.
    Http(&'static str, &'static str),
    /// An API key in a header.
    Header(&'static str, &'static str),
    /// An API key in a query parameter.
    Query(&'static str, &'static str),
    /// An API key in a cookie.
    Cookie(&'static str, &'static str),
    /// Several schemes at once (one requirement naming several): all are sent, or none.
    All(&'static [__Auth]),
}

/// Why a [`Client`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A token or credential holds characters an HTTP header cannot carry.
    InvalidToken,
    /// The HTTP client could not be set up (for example, no TLS backend).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL {url:?}: {reason}"),
            Self::InvalidToken => f.write_str("the bearer token is not a valid header value"),
            Self::Http(err) => write!(f, "cannot build the HTTP client: {err}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(err) => Some(err),
            _ => None,
        }
    }
}

impl Client {
    /// A client for the API at `base_url`, with a default HTTP client: 10 s to connect, 60 s for
    /// a whole request, and this crate's name and version as the user agent.
    pub fn new(base_url: impl Into<String>) -> Result<Self, BuildError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(BuildError::Http)?;
        Self::with_http_client(base_url, http)
    }

    /// A client for the API at `base_url` that sends through `http`, the caller's own
    /// `reqwest::Client` with its timeouts, proxies and connection pool.
    pub fn with_http_client(
        base_url: impl Into<String>,
        http: reqwest::Client,
    ) -> Result<Self, BuildError> {
        let mut base_url = base_url.into();
        let invalid = |reason: String| BuildError::InvalidBaseUrl {
            url: base_url.clone(),
            reason,
        };
        let parsed = reqwest::Url::parse(&base_url).map_err(|err| invalid(err.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "the scheme is {:?}, not http or https",
                parsed.scheme()
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("a base URL has no query or fragment".to_owned()));
        }
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Ok(Self {
            base_url,
            http,
            bearer_token: None,
            credentials: Vec::new(),
            undocumented_success: false,
        })
    }

    /// This client, sending `token` as `Authorization: Bearer <token>` to every operation that
    /// accepts a `bearer` HTTP security scheme with no credential of its own (see
    /// [`with_credential`](Self::with_credential)).
    pub fn with_bearer_token(mut self, token: impl AsRef<str>) -> Result<Self, BuildError> {
        let token = token.as_ref();
        HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| BuildError::InvalidToken)?;
        self.bearer_token = Some(token.to_owned());
        Ok(self)
    }

    /// This client, sending `credential` for the security scheme named `scheme` (its name in the
    /// document's `components/securitySchemes`): after the scheme's own name in the
    /// `Authorization` header for HTTP schemes (a token for `bearer` or `bearer+agent`, the
    /// base64 `user:password` for `basic`), as the key for API-key schemes.
    ///
    /// An operation that accepts several schemes uses the first, in the document's order, that
    /// has a credential.
    pub fn with_credential(
        mut self,
        scheme: impl Into<String>,
        credential: impl AsRef<str>,
    ) -> Result<Self, BuildError> {
        let credential = credential.as_ref();
        HeaderValue::try_from(credential).map_err(|_| BuildError::InvalidToken)?;
        let scheme = scheme.into();
        self.credentials.retain(|(name, _)| *name != scheme);
        self.credentials.push((scheme, credential.to_owned()));
        Ok(self)
    }

    /// Accepts an undocumented 2xx (a 201 where 200 is documented, a 200 where 204 is) when its
    /// body reads as the operation's only documented success; the status stays in the
    /// [`ResponseValue`]. Off by default: an undocumented status is an
    /// [`Error::UnexpectedStatus`], since a server that bends its document may mean something
    /// else by it.
    pub fn accept_undocumented_success(mut self, accept: bool) -> Self {
        self.undocumented_success = accept;
        self
    }

    /// Whether undocumented 2xx answers are accepted (see
    /// [`Client::accept_undocumented_success`]).
    #[doc(hidden)]
    pub fn __undocumented_success(&self) -> bool {
        self.undocumented_success
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The underlying HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    /// The credential configured for the scheme `name`, sent as `prefix` for HTTP schemes.
    fn credential(&self, name: &str, prefix: Option<&str>) -> Option<&str> {
        let own = self
            .credentials
            .iter()
            .find(|(scheme, _)| scheme == name)
            .map(|(_, value)| value.as_str());
        own.or_else(|| match prefix {
            Some(prefix) if prefix.eq_ignore_ascii_case("bearer") => self.bearer_token.as_deref(),
            _ => None,
        })
    }

    /// Whether the client has the credential(s) `scheme` needs.
    fn has(&self, scheme: &__Auth) -> bool {
        match *scheme {
            __Auth::Http(name, prefix) => self.credential(name, Some(prefix)).is_some(),
            __Auth::Header(name, _) | __Auth::Query(name, _) | __Auth::Cookie(name, _) => {
                self.credential(name, None).is_some()
            }
            __Auth::All(schemes) => schemes.iter().all(|s| self.has(s)),
        }
    }

    /// Adds the credential(s) of `scheme`; the caller checked [`Client::has`].
    fn apply(&self, mut request: RequestBuilder, scheme: &__Auth) -> RequestBuilder {
        let sensitive = |text: String| {
            HeaderValue::try_from(text).ok().map(|mut value| {
                value.set_sensitive(true);
                value
            })
        };
        match *scheme {
            __Auth::Http(name, prefix) => {
                let credential = self.credential(name, Some(prefix)).unwrap_or_default();
                if let Some(value) = sensitive(format!("{prefix} {credential}")) {
                    request = request.header(header::AUTHORIZATION, value);
                }
            }
            __Auth::Header(name, header_name) => {
                if let Some(value) =
                    sensitive(self.credential(name, None).unwrap_or_default().to_owned())
                {
                    request = request.header(header_name, value);
                }
            }
            __Auth::Query(name, param) => {
                request =
                    request.query(&[(param, self.credential(name, None).unwrap_or_default())]);
            }
            __Auth::Cookie(name, cookie) => {
                let credential = self.credential(name, None).unwrap_or_default();
                if let Some(value) = sensitive(format!("{cookie}={credential}")) {
                    request = request.header(header::COOKIE, value);
                }
            }
            __Auth::All(schemes) => {
                for scheme in schemes {
                    request = self.apply(request, scheme);
                }
            }
        }
        request
    }

    /// Starts a request to `path` (already encoded), with the credential of the first of
    /// `schemes` the client has one for.
    #[doc(hidden)]
    pub fn __request(&self, method: Method, path: &str, schemes: &[__Auth]) -> RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}{}", self.base_url, path));
        match schemes.iter().find(|scheme| self.has(scheme)) {
            Some(scheme) => self.apply(request, scheme),
            None => request,
        }
    }
}

/// The future of one operation's call: builds the request with `build` when first polled,
/// sends it, and decodes the response with `decode`, the operation's choice of type by status.
///
/// Both are closures of the operation, so everything an operation does is generic code, compiled
/// only into the programs that await that operation (as an `async fn` body would be); but there
/// is no state machine per operation: every call awaits the one sending future, boxed.
#[doc(hidden)]
pub fn __call<T, E, B, D>(build: B, decode: D) -> __Call<T, E, B, D>
where
    B: FnOnce() -> Result<RequestBuilder, Error<E>>,
    D: FnOnce(RawResponse) -> Result<ResponseValue<T>, Error<E>>,
{
    __Call {
        build: Some(build),
        decode: Some(decode),
        sending: None,
        output: PhantomData,
    }
}

/// Sends a request and reads the whole response.
async fn send(request: RequestBuilder) -> Result<RawResponse, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// See [`__call`].
#[doc(hidden)]
pub struct __Call<T, E, B, D> {
    build: Option<B>,
    decode: Option<D>,
    sending: Option<Sending>,
    output: PhantomData<fn() -> (T, E)>,
}

/// The request in flight.
type Sending = Pin<Box<dyn Future<Output = Result<RawResponse, reqwest::Error>> + Send>>;

// Nothing in a call is pinned in place: the request in flight is pinned in its box.
impl<T, E, B, D> Unpin for __Call<T, E, B, D> {}

impl<T, E, B, D> Future for __Call<T, E, B, D>
where
    B: FnOnce() -> Result<RequestBuilder, Error<E>>,
    D: FnOnce(RawResponse) -> Result<ResponseValue<T>, Error<E>>,
{
    type Output = Result<ResponseValue<T>, Error<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(build) = this.build.take() {
            match build() {
                Ok(request) => this.sending = Some(Box::pin(send(request))),
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
        let Some(sending) = &mut this.sending else {
            panic!("an operation's future was polled after it completed");
        };
        let response = std::task::ready!(sending.as_mut().poll(cx));
        this.sending = None;
        // `decode` is taken only here, with `sending`.
        let decode = this.decode.take().expect("present while sending");
        Poll::Ready(response.map_err(Error::Transport).and_then(decode))
    }
}

/// A parameter value as sent in a query string or header: RFC 3339 for date-times, the wire
/// value for enums, `Display` for the rest.
#[doc(hidden)]
pub trait __Param {
    /// The text sent.
    fn param(&self) -> String;
}

macro_rules! display_params {
    ($($ty:ty),*) => {
        $(impl __Param for $ty {
            fn param(&self) -> String {
                self.to_string()
            }
        })*
    };
}

display_params!(
    String,
    str,
    bool,
    i32,
    i64,
    f32,
    f64,
    uuid::Uuid,
    chrono::NaiveDate
);

impl __Param for chrono::DateTime<chrono::Utc> {
    fn param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// The query or header parameters of one request, as `(name, text)` pairs.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct __Params(Vec<(std::borrow::Cow<'static, str>, String)>);

/// How a structured parameter is serialised (OpenAPI's `style`).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum __Style {
    /// `name=value`; arrays repeated or comma-joined; objects one pair per property or
    /// `name=key,value,...`.
    Form,
    /// Arrays joined with spaces.
    SpaceDelimited,
    /// Arrays joined with `|`.
    PipeDelimited,
    /// `name[key]=value`, nested `name[a][b]`, array items `name[key][0]`.
    DeepObject,
}

/// The text of a JSON scalar as a parameter carries it; objects and arrays as JSON text.
fn __scalar_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// The text of a parameter whose type is not a plain scalar (a union of scalars, say), through
/// its serde form.
#[doc(hidden)]
pub fn __text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .as_ref()
        .and_then(__scalar_text)
        .unwrap_or_default()
}

fn __deep(
    prefix: String,
    value: &serde_json::Value,
    out: &mut Vec<(std::borrow::Cow<'static, str>, String)>,
) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                __deep(format!("{prefix}[{key}]"), value, out);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                __deep(format!("{prefix}[{index}]"), value, out);
            }
        }
        scalar => out.extend(__scalar_text(scalar).map(|text| (prefix.into(), text))),
    }
}

impl __Params {
    /// A required scalar.
    pub fn one<V: __Param + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.0.push((name.into(), value.param()));
    }

    /// An optional scalar, left out when `None`.
    pub fn opt<V: __Param>(&mut self, name: &'static str, value: &Option<V>) {
        if let Some(value) = value {
            self.one(name, value);
        }
    }

    /// An array, one pair per item (`explode: true`).
    pub fn each<V: __Param>(&mut self, name: &'static str, values: &[V]) {
        for value in values {
            self.one(name, value);
        }
    }

    /// An optional array, one pair per item.
    pub fn opt_each<V: __Param>(&mut self, name: &'static str, values: &Option<Vec<V>>) {
        if let Some(values) = values {
            self.each(name, values);
        }
    }

    /// An array in one comma-separated pair (`explode: false`, and headers).
    pub fn csv<V: __Param>(&mut self, name: &'static str, values: &[V]) {
        let text: Vec<String> = values.iter().map(__Param::param).collect();
        self.0.push((name.into(), text.join(",")));
    }

    /// Any value, serialised through serde in `style` (`None` and `null` send nothing).
    pub fn styled<V: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &V,
        style: __Style,
        explode: bool,
    ) {
        let Ok(value) = serde_json::to_value(value) else {
            return;
        };
        match (&value, style) {
            (serde_json::Value::Null, _) => {}
            (_, __Style::DeepObject) => __deep(name.to_owned(), &value, &mut self.0),
            (serde_json::Value::Array(items), _) => {
                let texts: Vec<String> = items.iter().filter_map(__scalar_text).collect();
                match style {
                    __Style::Form if explode => {
                        self.0.extend(texts.into_iter().map(|t| (name.into(), t)))
                    }
                    __Style::SpaceDelimited => self.0.push((name.into(), texts.join(" "))),
                    __Style::PipeDelimited => self.0.push((name.into(), texts.join("|"))),
                    _ => self.0.push((name.into(), texts.join(","))),
                }
            }
            (serde_json::Value::Object(map), _) if explode => {
                for (key, value) in map {
                    match value {
                        serde_json::Value::Array(items) => {
                            for item in items.iter().filter_map(__scalar_text) {
                                self.0.push((key.clone().into(), item));
                            }
                        }
                        value => self
                            .0
                            .extend(__scalar_text(value).map(|t| (key.clone().into(), t))),
                    }
                }
            }
            (serde_json::Value::Object(map), _) => {
                let mut texts = Vec::with_capacity(map.len() * 2);
                for (key, value) in map {
                    if let Some(text) = __scalar_text(value) {
                        texts.push(key.clone());
                        texts.push(text);
                    }
                }
                self.0.push((name.into(), texts.join(",")));
            }
            (scalar, _) => self
                .0
                .extend(__scalar_text(scalar).map(|t| (name.into(), t))),
        }
    }

    /// An optional array in one comma-separated pair.
    pub fn opt_csv<V: __Param>(&mut self, name: &'static str, values: &Option<Vec<V>>) {
        if let Some(values) = values {
            self.csv(name, values);
        }
    }

    /// Adds the pairs to the request's query string.
    pub fn query(self, request: RequestBuilder) -> RequestBuilder {
        if self.0.is_empty() {
            request
        } else {
            request.query(&self.0)
        }
    }

    /// Adds the pairs as request headers (an invalid header value fails the request when sent).
    pub fn headers(self, mut request: RequestBuilder) -> RequestBuilder {
        for (name, value) in self.0 {
            request = request.header(name.as_ref(), value);
        }
        request
    }
}

/// Sets a JSON body.
#[doc(hidden)]
pub fn __json_body<T: serde::Serialize, E>(
    request: RequestBuilder,
    body: &T,
) -> Result<RequestBuilder, Error<E>> {
    let bytes = serde_json::to_vec(body).map_err(|err| Error::InvalidRequest(Box::new(err)))?;
    Ok(request
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )
        .body(bytes))
}

/// A value sent as the JSON text of one multipart part.
#[doc(hidden)]
pub fn __json_text<T: serde::Serialize, E>(value: &T) -> Result<String, Error<E>> {
    serde_json::to_string(value).map_err(|err| Error::InvalidRequest(Box::new(err)))
}

/// A file part of a multipart body.
#[doc(hidden)]
pub fn __file_part<E>(
    bytes: &[u8],
    file_name: Option<&str>,
    content_type: Option<&str>,
) -> Result<reqwest::multipart::Part, Error<E>> {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec())
        .file_name(file_name.unwrap_or("file").to_owned());
    part.mime_str(content_type.unwrap_or("application/octet-stream"))
        .map_err(|err| Error::InvalidRequest(Box::new(err)))
}

/// Every item of every page: `fetch` gets the parameters of a page and answers with its items and
/// the parameters of the next page, if there is one.
#[doc(hidden)]
pub fn __paginate<P, T, E, F, Fut>(
    first: P,
    mut fetch: F,
) -> impl futures_util::Stream<Item = Result<T, Error<E>>>
where
    F: FnMut(P) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<P>), Error<E>>>,
{
    use futures_util::{StreamExt, TryStreamExt, stream};
    stream::try_unfold(Some(first), move |params| {
        let page = params.map(&mut fetch);
        async move {
            match page {
                None => Ok(None),
                Some(page) => {
                    let (items, next) = page.await?;
                    Ok(Some((items, next)))
                }
            }
        }
    })
    .map_ok(|items| stream::iter(items).map(Ok))
    .try_flatten()
}

/// A pagination object's `next` field: the next page number, 0 (or less) after the last page.
#[doc(hidden)]
pub trait __PageNumber {
    /// The next page, if there is one.
    fn next_page(self) -> Option<i64>;
}

impl __PageNumber for i64 {
    fn next_page(self) -> Option<i64> {
        (self >= 1).then_some(self)
    }
}

impl __PageNumber for i32 {
    fn next_page(self) -> Option<i64> {
        i64::from(self).next_page()
    }
}

impl __PageNumber for f64 {
    fn next_page(self) -> Option<i64> {
        // Whole numbers only, and only those an `i64` holds exactly.
        (self >= 1.0 && self.fract() == 0.0 && self < 9.0e15).then_some(self as i64)
    }
}

impl __PageNumber for f32 {
    fn next_page(self) -> Option<i64> {
        f64::from(self).next_page()
    }
}

/// The next page number from a pagination object's `next` field.
#[doc(hidden)]
pub fn __next_page<N: __PageNumber>(next: N) -> Option<i64> {
    next.next_page()
}

/// Percent-encodes a value for use as one path segment.
#[doc(hidden)]
pub fn __encode_path(value: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    // RFC 3986 `pchar` less what would change the path's structure or meaning.
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'/')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// A response as received: status, headers and the raw body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, exactly as received.
    pub body: Bytes,
}

impl RawResponse {
    /// Decodes the body as JSON of type `T`; a body that does not decode is an
    /// [`Error::UnexpectedContentType`] when the server said it sent something other than JSON,
    /// and an [`Error::Decode`] otherwise; both keep the whole response.
    #[doc(hidden)]
    pub fn __json<T: serde::de::DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        serde_json::from_slice(&self.body).map_err(|source| {
            let essence = self.content_type().map(|c| {
                c.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            });
            match essence {
                Some(essence) if essence != "application/json" && !essence.ends_with("+json") => {
                    Error::UnexpectedContentType {
                        expected: "application/json",
                        response: self.clone(),
                    }
                }
                _ => Error::Decode {
                    response: self.clone(),
                    source: Box::new(source),
                },
            }
        })
    }

    /// The body as text; a body that is not UTF-8 is an [`Error::Decode`].
    #[doc(hidden)]
    pub fn __text<E>(&self) -> Result<String, Error<E>> {
        String::from_utf8(self.body.to_vec()).map_err(|source| Error::Decode {
            response: self.clone(),
            source: Box::new(source),
        })
    }

    /// A success with a JSON body, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn __json_ok<T: serde::de::DeserializeOwned, S, E>(
        self,
        wrap: impl FnOnce(T) -> S,
    ) -> Result<ResponseValue<S>, Error<E>> {
        let body = self.__json()?;
        Ok(self.__value(wrap(body)))
    }

    /// A documented error with a JSON body, wrapped by `wrap`; a body of another shape is an
    /// [`Error::UnexpectedErrorBody`].
    #[doc(hidden)]
    pub fn __json_err<T: serde::de::DeserializeOwned, V, E>(
        self,
        wrap: impl FnOnce(T) -> E,
    ) -> Result<V, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Err(self.__error(wrap(body))),
            Err(_) => Err(Error::UnexpectedErrorBody(self)),
        }
    }

    /// An undocumented status: with [`Client::accept_undocumented_success`], a 2xx is decoded
    /// by `decode` (as the operation's only documented success, the status kept in the
    /// [`ResponseValue`]); otherwise, and for any other status, an [`Error::UnexpectedStatus`].
    #[doc(hidden)]
    pub fn __undocumented<T, E>(
        self,
        accept: bool,
        decode: impl FnOnce(Self) -> Result<ResponseValue<T>, Error<E>>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        if accept && self.status.is_success() {
            // Only a body that reads as the documented success is taken.
            if let Ok(value) = decode(self.clone()) {
                return Ok(value);
            }
        }
        Err(Error::UnexpectedStatus(self))
    }

    /// The `Content-Type` header, as sent.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }

    /// The body as text, with any bytes that are not UTF-8 replaced.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// A success with a text body, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn __text_ok<S, E>(
        self,
        wrap: impl FnOnce(String) -> S,
    ) -> Result<ResponseValue<S>, Error<E>> {
        let body = self.__text()?;
        Ok(self.__value(wrap(body)))
    }

    /// A documented error with a text body, wrapped by `wrap`; a body that is not text is an
    /// [`Error::UnexpectedErrorBody`].
    #[doc(hidden)]
    pub fn __text_err<V, E>(self, wrap: impl FnOnce(String) -> E) -> Result<V, Error<E>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(body) => Err(self.__error(wrap(body))),
            Err(_) => Err(Error::UnexpectedErrorBody(self)),
        }
    }

    /// A success with a binary body, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn __bytes_ok<S, E>(
        self,
        wrap: impl FnOnce(Bytes) -> S,
    ) -> Result<ResponseValue<S>, Error<E>> {
        let body = self.body.clone();
        Ok(self.__value(wrap(body)))
    }

    /// A documented error with a binary body, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn __bytes_err<V, E>(self, wrap: impl FnOnce(Bytes) -> E) -> Result<V, Error<E>> {
        let body = self.body.clone();
        Err(self.__error(wrap(body)))
    }

    /// A success without a body.
    #[doc(hidden)]
    pub fn __empty_ok<S, E>(self, value: S) -> Result<ResponseValue<S>, Error<E>> {
        Ok(self.__value(value))
    }

    /// A documented error without a body.
    #[doc(hidden)]
    pub fn __empty_err<V, E>(self, value: E) -> Result<V, Error<E>> {
        Err(self.__error(value))
    }

    /// A status the operation does not document.
    #[doc(hidden)]
    pub fn __unexpected_err<V, E>(self) -> Result<V, Error<E>> {
        Err(Error::UnexpectedStatus(self))
    }

    /// Wraps a decoded success body.
    #[doc(hidden)]
    pub fn __value<T>(self, body: T) -> ResponseValue<T> {
        ResponseValue {
            status: self.status,
            headers: self.headers,
            body,
        }
    }

    /// Wraps a decoded documented error.
    #[doc(hidden)]
    pub fn __error<E>(self, body: E) -> Error<E> {
        Error::Api(ErrorResponse {
            status: self.status,
            headers: self.headers,
            body,
            raw: self.body,
        })
    }
}

/// A successful response: the decoded body, with the status and headers it came with.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseValue<T> {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> ResponseValue<T> {
    /// The decoded body, dropping status and headers.
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// A documented error response, decoded.
#[derive(Debug, Clone)]
pub struct ErrorResponse<E> {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded error, one variant per documented status.
    pub body: E,
    /// The body exactly as received (empty for statuses documented without one).
    pub raw: Bytes,
}

/// Everything an operation can fail with. `E` is the operation's enum of documented errors.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with a status the operation documents as an error.
    Api(ErrorResponse<E>),
    /// The server answered with a status the operation does not document.
    UnexpectedStatus(RawResponse),
    /// A status the operation documents as an error came with a body of another shape than
    /// documented (an HTML error page, another error format): the status, content type and text
    /// are all in the response ([`RawResponse::content_type`], [`RawResponse::text`]).
    UnexpectedErrorBody(RawResponse),
    /// A success came in another content type than documented (CSV where JSON is documented),
    /// and does not read as the documented type; the body is kept.
    UnexpectedContentType {
        /// The documented media type.
        expected: &'static str,
        /// The whole response, body included.
        response: RawResponse,
    },
    /// A documented status came with a body that does not decode as documented.
    Decode {
        /// The whole response, body included.
        response: RawResponse,
        /// Why it does not decode (a `serde_json::Error`, or a UTF-8 error for text bodies).
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The request could not be built from the arguments (a value that does not serialize, a
    /// media type that does not parse); nothing was sent.
    InvalidRequest(Box<dyn std::error::Error + Send + Sync>),
    /// The request could not be sent, or the response not read (connection, TLS, timeout).
    Transport(reqwest::Error),
}

impl<E> Error<E> {
    /// The response status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(response) => Some(response.status),
            Self::UnexpectedStatus(response)
            | Self::UnexpectedErrorBody(response)
            | Self::UnexpectedContentType { response, .. }
            | Self::Decode { response, .. } => Some(response.status),
            Self::Transport(err) => err.status(),
            Self::InvalidRequest(_) => None,
        }
    }

    /// The documented error, when that is what the server answered.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Self::Api(response) => Some(&response.body),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(response) => write!(
                f,
                "the server answered {}: {:?}",
                response.status, response.body
            ),
            Self::UnexpectedStatus(response) => write!(
                f,
                "the server answered with undocumented status {} ({} bytes)",
                response.status,
                response.body.len()
            ),
            Self::UnexpectedErrorBody(response) => write!(
                f,
                "the server answered {} with an error body of another shape than documented ({}, {} bytes)",
                response.status,
                response.content_type().unwrap_or("no content type"),
                response.body.len()
            ),
            Self::UnexpectedContentType { expected, response } => write!(
                f,
                "the {} response is {}, not the documented {expected} ({} bytes)",
                response.status,
                response.content_type().unwrap_or("of no content type"),
                response.body.len()
            ),
            Self::Decode { response, source } => write!(
                f,
                "the {} response does not decode as documented: {source}",
                response.status
            ),
            Self::Transport(err) => write!(f, "the request failed: {err}"),
            Self::InvalidRequest(err) => write!(f, "the request cannot be built: {err}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode { source, .. } | Self::InvalidRequest(source) => Some(source.as_ref()),
            Self::Transport(err) => Some(err),
            _ => None,
        }
    }
}
