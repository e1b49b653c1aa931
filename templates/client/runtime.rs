//! Support code for the generated operations: the client handle, how a call is sent (options,
//! retries, middleware, tokens), responses, event streams and errors.
//!
//! This file is the same for every API; the generator copies it into each client crate so that
//! the crate has no dependency beyond the ecosystem's.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::Stream;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};

/// An error of the caller's code (a token source, a middleware), boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A boxed future that can cross threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An async client for the API, cheap to clone (the settings and the connection pool are
/// shared).
///
/// Configure it once with the base URL (everything before the operation paths, such as
/// `https://api.example.com/v1`) and, where the operations need it, a credential; then call
/// one method per operation. The `with_*` settings return a new client and leave this one as
/// it is, so a setting for one call is a setting of a client made for it:
///
/// ```ignore
/// let answer = client
///     .with_timeout(Duration::from_secs(2))
///     .with_header(HeaderName::from_static("x-request-id"), HeaderValue::from_static("42"))
///     .get_pet(7)
///     .await?;
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What a client holds; cloned only when a setting changes.
#[derive(Clone)]
struct Inner {
    base_url: String,
    http: reqwest::Client,
    #[cfg(feature = "middleware")]
    middleware: Option<reqwest_middleware::ClientWithMiddleware>,
    bearer_token: Option<String>,
    credentials: Vec<(String, String)>,
    token_source: Option<Arc<dyn TokenSource>>,
    undocumented_success: bool,
    timeout: Option<Duration>,
    headers: HeaderMap,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let schemes: Vec<&str> = inner
            .credentials
            .iter()
            .map(|(scheme, _)| scheme.as_str())
            .collect();
        let headers: Vec<&str> = inner.headers.keys().map(HeaderName::as_str).collect();
        let mut debug = f.debug_struct("Client");
        debug
            .field("base_url", &inner.base_url)
            .field(
                "bearer_token",
                &inner.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("credentials_for", &schemes)
            .field("token_source", &inner.token_source.is_some())
            .field("undocumented_success", &inner.undocumented_success)
            .field("timeout", &inner.timeout)
            .field("headers", &headers)
            .field("retry", &inner.retry);
        #[cfg(feature = "middleware")]
        debug.field("middleware", &inner.middleware.is_some());
        debug.finish_non_exhaustive()
    }
}

/// The operation a request is sent for, as the document names it: what a middleware, a
/// tracing span or a log line knows about a call.
///
/// A [`reqwest_middleware`](https://docs.rs/reqwest-middleware) middleware finds it in the
/// request's extensions (with the crate's `middleware` feature):
/// `extensions.get::<OperationInfo>()`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The `operationId`.
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template, as in the document (`/pets/{id}`).
    pub path: &'static str,
}

impl OperationInfo {
    #[doc(hidden)]
    pub const fn __new(id: &'static str, method: Method, path: &'static str) -> Self {
        Self { id, method, path }
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

impl __Auth {
    /// Whether the scheme takes a bearer token (OAuth 2 and OpenID Connect access tokens too).
    fn bearer(&self) -> bool {
        matches!(self, Self::Http(_, prefix) if prefix.eq_ignore_ascii_case("bearer"))
    }
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
    /// A client for the API at `base_url`, with a default HTTP client: 10 s to connect, 60 s
    /// for a whole request whose answer is read whole (see [`Client::with_timeout`]), 120 s at
    /// most between two reads (a stream's keep-alives keep it open), and this crate's name and
    /// version as the user agent.
    pub fn new(base_url: impl Into<String>) -> Result<Self, BuildError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(120))
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(BuildError::Http)?;
        Ok(Self::with_http_client(base_url, http)?.with_timeout(Duration::from_secs(60)))
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
            inner: Arc::new(Inner {
                base_url,
                http,
                #[cfg(feature = "middleware")]
                middleware: None,
                bearer_token: None,
                credentials: Vec::new(),
                token_source: None,
                undocumented_success: false,
                timeout: None,
                headers: HeaderMap::new(),
                retry: RetryPolicy::never(),
            }),
        })
    }

    /// This client with one setting changed.
    fn with(mut self, change: impl FnOnce(&mut Inner)) -> Self {
        change(Arc::make_mut(&mut self.inner));
        self
    }

    /// This client, sending every request through `middleware`, a
    /// [`reqwest_middleware`](https://docs.rs/reqwest-middleware) client with its middleware
    /// stack (tracing, caching, signing, your own). Each middleware finds the call's
    /// [`OperationInfo`] in its extensions. The requests are still built by this client's own
    /// HTTP client (see [`Client::with_http_client`]) and sent by `middleware`'s.
    ///
    /// ```
    #[doc = concat!("use ", env!("CARGO_CRATE_NAME"), "::{Client, OperationInfo};")]
    /// use reqwest_middleware::{ClientBuilder, Middleware, Next, Result};
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use tracing::Instrument;
    ///
    /// /// Gives every request an `x-request-id` and runs it in a span named after the operation.
    /// struct RequestIds(AtomicU64);
    ///
    /// #[async_trait::async_trait]
    /// impl Middleware for RequestIds {
    ///     async fn handle(
    ///         &self,
    ///         mut request: reqwest::Request,
    ///         extensions: &mut http::Extensions,
    ///         next: Next<'_>,
    ///     ) -> Result<reqwest::Response> {
    ///         let id = self.0.fetch_add(1, Ordering::Relaxed).to_string();
    ///         request.headers_mut().insert("x-request-id", id.parse().unwrap());
    ///         let operation = extensions.get::<OperationInfo>().map_or("unknown", |op| op.id);
    ///         let span = tracing::info_span!("call", operation, request_id = %id);
    ///         next.run(request, extensions).instrument(span).await
    ///     }
    /// }
    ///
    /// let middleware = ClientBuilder::new(reqwest::Client::new())
    ///     .with(RequestIds(AtomicU64::new(1)))
    ///     .build();
    /// let client = Client::new("https://api.example.com")?.with_middleware(middleware);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "middleware")]
    pub fn with_middleware(self, middleware: reqwest_middleware::ClientWithMiddleware) -> Self {
        self.with(|inner| inner.middleware = Some(middleware))
    }

    /// This client, sending `token` as `Authorization: Bearer <token>` to every operation that
    /// accepts a `bearer` HTTP security scheme with no credential of its own (see
    /// [`with_credential`](Self::with_credential)).
    pub fn with_bearer_token(self, token: impl AsRef<str>) -> Result<Self, BuildError> {
        let token = token.as_ref();
        HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| BuildError::InvalidToken)?;
        let token = token.to_owned();
        Ok(self.with(|inner| inner.bearer_token = Some(token)))
    }

    /// This client, sending `credential` for the security scheme named `scheme` (its name in the
    /// document's `components/securitySchemes`): after the scheme's own name in the
    /// `Authorization` header for HTTP schemes (a token for `bearer` or `bearer+agent`, the
    /// base64 `user:password` for `basic`), as the key for API-key schemes.
    ///
    /// An operation that accepts several schemes uses the first, in the document's order, that
    /// has a credential.
    pub fn with_credential(
        self,
        scheme: impl Into<String>,
        credential: impl AsRef<str>,
    ) -> Result<Self, BuildError> {
        let credential = credential.as_ref();
        HeaderValue::try_from(credential).map_err(|_| BuildError::InvalidToken)?;
        let (scheme, credential) = (scheme.into(), credential.to_owned());
        Ok(self.with(|inner| {
            inner.credentials.retain(|(name, _)| *name != scheme);
            inner.credentials.push((scheme, credential));
        }))
    }

    /// This client, asking `source` for a bearer token before each request of an operation
    /// that accepts one (bearer, OAuth 2 and OpenID Connect schemes) when no fixed credential
    /// applies; when the server answers 401, the source is asked again once, with the token
    /// that was refused, and the request is sent again if its body can be. See
    /// [`RefreshingToken`] for a source that caches a token until it expires.
    pub fn with_token_source(self, source: impl TokenSource) -> Self {
        let source: Arc<dyn TokenSource> = Arc::new(source);
        self.with(|inner| inner.token_source = Some(source))
    }

    /// A client like this one that gives up on each request (each attempt, with retries)
    /// after `timeout`, or after the HTTP client's own timeout when `None`. This one is left
    /// as it is: `client.with_timeout(t).operation(..)` sets it for one call.
    ///
    /// It applies to the operations whose answers are read whole: an event stream or a
    /// download lasts as long as it lasts (drop it to stop it, or wrap the reading in
    /// `tokio::time::timeout`), and only the HTTP client's own timeouts apply to it.
    pub fn with_timeout(&self, timeout: impl Into<Option<Duration>>) -> Self {
        let timeout = timeout.into();
        self.clone().with(|inner| inner.timeout = timeout)
    }

    /// A client like this one that sends the header `name: value` with every request
    /// (replacing the value an operation would send under that name). This one is left as it
    /// is: `client.with_header(n, v).operation(..)` sets it for one call.
    pub fn with_header(&self, name: HeaderName, value: HeaderValue) -> Self {
        self.clone().with(|inner| {
            inner.headers.insert(name, value);
        })
    }

    /// A client like this one that retries as `policy` says (by default a client does not
    /// retry; see [`RetryPolicy`]). This one is left as it is:
    /// `client.with_retry(p).operation(..)` sets it for one call.
    pub fn with_retry(&self, policy: RetryPolicy) -> Self {
        self.clone().with(|inner| inner.retry = policy)
    }

    /// Accepts an undocumented 2xx (a 201 where 200 is documented, a 200 where 204 is) when its
    /// body reads as the operation's only documented success; the status stays in the
    /// [`ResponseValue`]. Off by default: an undocumented status is an
    /// [`Error::UnexpectedStatus`], since a server that bends its document may mean something
    /// else by it.
    pub fn accept_undocumented_success(self, accept: bool) -> Self {
        self.with(|inner| inner.undocumented_success = accept)
    }

    /// Whether undocumented 2xx answers are accepted (see
    /// [`Client::accept_undocumented_success`]).
    #[doc(hidden)]
    pub fn __undocumented_success(&self) -> bool {
        self.inner.undocumented_success
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The underlying HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The credential configured for the scheme `name`, sent as `prefix` for HTTP schemes.
    fn credential(&self, name: &str, prefix: Option<&str>) -> Option<&str> {
        let inner = &self.inner;
        let own = inner
            .credentials
            .iter()
            .find(|(scheme, _)| scheme == name)
            .map(|(_, value)| value.as_str());
        own.or_else(|| match prefix {
            Some(prefix) if prefix.eq_ignore_ascii_case("bearer") => inner.bearer_token.as_deref(),
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
            .inner
            .http
            .request(method, format!("{}{}", self.inner.base_url, path));
        match schemes.iter().find(|scheme| self.has(scheme)) {
            Some(scheme) => self.apply(request, scheme),
            None => request,
        }
    }
}

/// A header value marked sensitive (left out of debug output), if `text` can be one.
fn sensitive(text: String) -> Option<HeaderValue> {
    HeaderValue::try_from(text).ok().map(|mut value| {
        value.set_sensitive(true);
        value
    })
}

/// Where a client gets bearer tokens that expire: an OAuth 2 client-credentials grant, a
/// refresh-token grant, a vault.
///
/// `refused` is the token the server just refused with a 401, if that is why the client asks:
/// a source that caches tokens fetches a new one then.
pub trait TokenSource: Send + Sync + 'static {
    /// A token to send as `Authorization: Bearer <token>`.
    fn token<'a>(&'a self, refused: Option<&'a str>) -> BoxFuture<'a, Result<String, BoxError>>;
}

/// A [`TokenSource`] that calls `fetch` for a token and its lifetime, keeps it until shortly
/// before it expires (a tenth of its lifetime, at most 60 s, before), and fetches again then,
/// or when the server refuses it. Concurrent calls wait for one fetch.
///
/// ```ignore
/// let tokens = RefreshingToken::new(move || {
///     let http = http.clone();
///     async move {
///         // An OAuth 2 client-credentials grant.
///         let answer: serde_json::Value = http
///             .post("https://auth.example.com/oauth/token")
///             .form(&[("grant_type", "client_credentials"), ("client_id", ID), ("client_secret", SECRET)])
///             .send().await?.error_for_status()?.json().await?;
///         let token = answer["access_token"].as_str().ok_or("no access_token")?.to_owned();
///         let lifetime = answer["expires_in"].as_u64().map(Duration::from_secs);
///         Ok((token, lifetime))
///     }
/// });
/// let client = Client::new(base_url)?.with_token_source(tokens);
/// ```
pub struct RefreshingToken<F> {
    fetch: F,
    cached: tokio::sync::Mutex<Option<(String, Option<Instant>)>>,
}

impl<F> fmt::Debug for RefreshingToken<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingToken").finish_non_exhaustive()
    }
}

impl<F, Fut> RefreshingToken<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(String, Option<Duration>), BoxError>> + Send + 'static,
{
    /// A source that fetches with `fetch`: a token, and how long it lives (`None`: until
    /// refused).
    pub fn new(fetch: F) -> Self {
        Self {
            fetch,
            cached: tokio::sync::Mutex::new(None),
        }
    }
}

impl<F, Fut> TokenSource for RefreshingToken<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(String, Option<Duration>), BoxError>> + Send + 'static,
{
    fn token<'a>(&'a self, refused: Option<&'a str>) -> BoxFuture<'a, Result<String, BoxError>> {
        Box::pin(async move {
            let mut cached = self.cached.lock().await;
            if let Some((token, renew_at)) = cached.as_ref() {
                let fresh = renew_at.is_none_or(|at| Instant::now() < at);
                if fresh && refused != Some(token.as_str()) {
                    return Ok(token.clone());
                }
            }
            let (token, lifetime) = (self.fetch)().await?;
            let renew_at = lifetime.map(|lifetime| {
                let early = (lifetime / 10).min(Duration::from_secs(60));
                Instant::now() + (lifetime - early)
            });
            *cached = Some((token.clone(), renew_at));
            Ok(token)
        })
    }
}

/// When a call is sent again after a failure.
///
/// The default is never: a retry changes what a caller sees (latency, load on a server that is
/// already failing), so it is the caller's decision. [`RetryPolicy::new`] retries
///
/// - only idempotent methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE), unless
///   [`retry_non_idempotent`](Self::retry_non_idempotent) says otherwise: a POST that failed
///   may have been carried out;
/// - after a failure to connect, send or read (a dropped connection, a timeout), and after
///   408, 429, 502, 503 and 504;
/// - waiting as a `Retry-After` header says (seconds or a date), when there is one and it
///   asks for no more than [`max_retry_after`](Self::max_retry_after); a longer wait is not
///   waited, and the answer is returned;
/// - otherwise waiting an exponential backoff with jitter: half to all of
///   `initial * 2^(attempt - 1)`, at most `max_backoff`;
/// - within a bounded number of attempts and a total deadline, after which the last answer
///   or error is returned as it is.
///
/// A request whose body is a stream is sent once, whatever the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    deadline: Option<Duration>,
    max_retry_after: Duration,
    non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::never()
    }
}

impl RetryPolicy {
    /// Every call is sent once.
    pub fn never() -> Self {
        Self {
            attempts: 1,
            ..Self::new(1)
        }
    }

    /// At most `attempts` attempts in all (the first included), with backoff from 200 ms to
    /// 10 s, waiting at most 60 s for a `Retry-After`, within 60 s in all.
    pub fn new(attempts: u32) -> Self {
        Self {
            attempts: attempts.max(1),
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            deadline: Some(Duration::from_secs(60)),
            max_retry_after: Duration::from_secs(60),
            non_idempotent: false,
        }
    }

    /// The first backoff and the longest.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The time from the first attempt after which no other starts (`None`: no limit but the
    /// number of attempts).
    pub fn deadline(mut self, deadline: impl Into<Option<Duration>>) -> Self {
        self.deadline = deadline.into();
        self
    }

    /// The longest `Retry-After` waited for.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Whether POST and PATCH calls are retried too (default: no). Say yes only for an API
    /// whose writes are idempotent (an idempotency key, a server that says so).
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.non_idempotent = retry;
        self
    }

    /// The number of attempts, the first included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How long to wait before attempt `attempt + 1`, or `None` to stop at this outcome.
    fn delay(
        &self,
        attempt: u32,
        method: &Method,
        outcome: &Result<(RawResponse, __Live), Failure>,
        started: Instant,
    ) -> Option<Duration> {
        if attempt >= self.attempts {
            return None;
        }
        let idempotent = matches!(
            *method,
            Method::GET
                | Method::HEAD
                | Method::OPTIONS
                | Method::TRACE
                | Method::PUT
                | Method::DELETE
        );
        if !idempotent && !self.non_idempotent {
            return None;
        }
        let delay = match outcome {
            Err(Failure::Transport(err)) if !err.is_builder() && !err.is_redirect() => {
                self.backoff_for(attempt)
            }
            Ok((response, _))
                if matches!(response.status.as_u16(), 408 | 429 | 502 | 503 | 504) =>
            {
                match retry_after(&response.headers) {
                    Some(wait) if wait > self.max_retry_after => return None,
                    Some(wait) => wait,
                    None => self.backoff_for(attempt),
                }
            }
            _ => return None,
        };
        match self.deadline {
            Some(deadline) if started.elapsed() + delay > deadline => None,
            _ => Some(delay),
        }
    }

    /// Half to all of `initial * 2^(attempt - 1)`, at most `max_backoff`.
    fn backoff_for(&self, attempt: u32) -> Duration {
        use std::hash::{BuildHasher, Hasher};
        let exponent = attempt.saturating_sub(1).min(30);
        let full = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        // Jitter from a randomly keyed hasher: no dependency for a few random bits.
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u32(attempt);
        let fraction = (hasher.finish() % 1024) as u32;
        full / 2 + (full / 2) * fraction / 1024
    }
}

/// A `Retry-After` header: delay seconds, or an HTTP date in any of its three forms.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // `From<SystemTime>`: the generated crates build chrono without its `clock` feature.
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let at = http_date(text, now)?;
    Some(Duration::from_secs(
        u64::try_from(at.timestamp() - now.timestamp()).unwrap_or(0),
    ))
}

/// The instant an HTTP date names, in the three forms RFC 9110 (section 5.6.7) says a recipient
/// must read: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
/// (`Sunday, 06-Nov-94 08:49:37 GMT`, whose two-digit year is the most recent year with those
/// digits that is not more than 50 years after `now`) and asctime's (`Sun Nov  6 08:49:37 1994`).
pub(crate) fn http_date(
    text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::{Datelike, NaiveDateTime};
    let text = text.trim();
    if let Ok(date) = chrono::DateTime::parse_from_rfc2822(text) {
        return Some(date.to_utc());
    }
    // RFC 850: the year has two digits; spell it out before parsing.
    if let Some((day, rest)) = text.split_once(", ") {
        let parts: Vec<&str> = rest.splitn(3, '-').collect();
        if let [date, month, tail] = parts.as_slice() {
            let (year, time) = tail.split_once(' ')?;
            let short: i32 = year.parse().ok().filter(|_| year.len() == 2)?;
            let mut full = now.year() - now.year().rem_euclid(100) + short;
            if full > now.year() + 50 {
                full -= 100;
            }
            let spelled = format!("{day}, {date}-{month}-{full} {time}");
            return NaiveDateTime::parse_from_str(&spelled, "%A, %d-%b-%Y %H:%M:%S GMT")
                .ok()
                .map(|date| date.and_utc());
        }
        return None;
    }
    // asctime: the day of the month is padded with a space (`Nov  6`).
    let words: Vec<&str> = text.split_whitespace().collect();
    NaiveDateTime::parse_from_str(&words.join(" "), "%a %b %d %H:%M:%S %Y")
        .ok()
        .map(|date| date.and_utc())
}

/// Why a request got no response.
enum Failure {
    Transport(reqwest::Error),
    Middleware(BoxError),
    Token(BoxError),
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Transport(err) => Error::Transport(err),
            Failure::Middleware(err) => Error::Middleware(err),
            Failure::Token(err) => Error::Token(err),
        }
    }
}

/// A response body still arriving, for the statuses an operation streams (events, downloads),
/// and how to send its request again (for an event stream that resumes).
#[doc(hidden)]
#[derive(Default)]
pub struct __Live {
    response: Option<reqwest::Response>,
    again: Option<Again>,
}

impl fmt::Debug for __Live {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("__Live")
            .field("response", &self.response)
            .finish_non_exhaustive()
    }
}

/// A request that can be sent again, with the client that sent it.
struct Again {
    client: Arc<Inner>,
    op: &'static OperationInfo,
    request: reqwest::Request,
}

/// `outcome`, able to send its request again when its body is still arriving.
fn with_again(
    mut outcome: Result<(RawResponse, __Live), Failure>,
    client: &Arc<Inner>,
    op: &'static OperationInfo,
    request: reqwest::Request,
) -> Result<(RawResponse, __Live), Failure> {
    if let Ok((_, live)) = &mut outcome {
        if live.response.is_some() {
            live.again = Some(Again {
                client: Arc::clone(client),
                op,
                request,
            });
        }
    }
    outcome
}

/// Sends a call: the client's settings, the token, the retries; the response is read whole
/// unless its status is one `streamed` says to leave streaming (`None`: every response is read
/// whole).
async fn execute(
    client: Arc<Inner>,
    op: &'static OperationInfo,
    schemes: &'static [__Auth],
    mut request: reqwest::Request,
    streamed: Option<fn(u16) -> bool>,
) -> Result<(RawResponse, __Live), Failure> {
    let started = Instant::now();
    // A stream lasts as long as it lasts: the timeout is for answers read whole.
    if client.timeout.is_some() && streamed.is_none() {
        *request.timeout_mut() = client.timeout;
    }
    request.headers_mut().extend(client.headers.clone());
    // A token, when the operation takes a bearer token and no fixed credential was sent.
    let source = client.token_source.as_ref().filter(|_| {
        !request.headers().contains_key(header::AUTHORIZATION) && schemes.iter().any(__Auth::bearer)
    });
    let mut token = None;
    if let Some(source) = source {
        let fresh = source.token(None).await.map_err(Failure::Token)?;
        set_token(&mut request, &fresh)?;
        token = Some(fresh);
    }
    // The request is kept for a second attempt only when there may be one: a retry, a
    // renewed token, or a stream to resume.
    let may_again = client.retry.attempts > 1 || source.is_some() || streamed.is_some();
    let mut attempt = 1;
    loop {
        let next = if may_again { request.try_clone() } else { None };
        let outcome = attempt_once(&client, op, request, streamed).await;
        #[cfg(feature = "tracing")]
        if let Ok((response, _)) = &outcome {
            tracing::Span::current().record("status", response.status.as_u16());
        }
        let Some(mut again) = next else {
            return outcome;
        };
        // A refused token is renewed once.
        let unauthorized =
            matches!(&outcome, Ok((response, _)) if response.status == StatusCode::UNAUTHORIZED);
        if let (Some(source), Some(refused), true) = (source, &token, unauthorized) {
            let fresh = source.token(Some(refused)).await.map_err(Failure::Token)?;
            if fresh != *refused {
                set_token(&mut again, &fresh)?;
                token = Some(fresh);
                request = again;
                continue;
            }
        }
        match client.retry.delay(attempt, &op.method, &outcome, started) {
            Some(delay) => {
                #[cfg(feature = "tracing")]
                tracing::debug!(attempt, ?delay, "retrying");
                drop(outcome);
                tokio::time::sleep(delay).await;
                attempt += 1;
                request = again;
            }
            None => return with_again(outcome, &client, op, again),
        }
    }
}

/// Sets `Authorization: Bearer <token>`.
fn set_token(request: &mut reqwest::Request, token: &str) -> Result<(), Failure> {
    let value = sensitive(format!("Bearer {token}"))
        .ok_or_else(|| Failure::Token("the token is not a valid header value".into()))?;
    request.headers_mut().insert(header::AUTHORIZATION, value);
    Ok(())
}

/// One attempt: sends, and reads the body unless its status streams.
async fn attempt_once(
    client: &Inner,
    op: &'static OperationInfo,
    request: reqwest::Request,
    streamed: Option<fn(u16) -> bool>,
) -> Result<(RawResponse, __Live), Failure> {
    let response = send_once(client, op, request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    if streamed.is_some_and(|streamed| streamed(status.as_u16())) {
        let raw = RawResponse {
            status,
            headers,
            body: Bytes::new(),
        };
        let live = __Live {
            response: Some(response),
            again: None,
        };
        return Ok((raw, live));
    }
    let body = response.bytes().await.map_err(Failure::Transport)?;
    Ok((
        RawResponse {
            status,
            headers,
            body,
        },
        __Live::default(),
    ))
}

/// Sends `request` once, through the middleware when there is one.
async fn send_once(
    client: &Inner,
    op: &'static OperationInfo,
    request: reqwest::Request,
) -> Result<reqwest::Response, Failure> {
    #[cfg(feature = "middleware")]
    let response = match &client.middleware {
        Some(middleware) => {
            let mut extensions = http::Extensions::new();
            extensions.insert(op.clone());
            middleware
                .execute_with_extensions(request, &mut extensions)
                .await
                .map_err(|err| match err {
                    reqwest_middleware::Error::Reqwest(err) => Failure::Transport(err),
                    reqwest_middleware::Error::Middleware(err) => Failure::Middleware(err.into()),
                })?
        }
        None => client
            .http
            .execute(request)
            .await
            .map_err(Failure::Transport)?,
    };
    #[cfg(not(feature = "middleware"))]
    let response = {
        let _ = op;
        client
            .http
            .execute(request)
            .await
            .map_err(Failure::Transport)?
    };
    Ok(response)
}

/// The future of one operation's call: builds the request with `build` when first polled,
/// sends it, and decodes the response with `decode`, the operation's choice of type by status.
///
/// Both are closures of the operation, so everything an operation does is generic code, compiled
/// only into the programs that await that operation (as an `async fn` body would be); but there
/// is no state machine per operation: every call awaits the one sending future, boxed.
#[doc(hidden)]
pub fn __call<T, E, B, D>(
    client: &Client,
    op: &'static OperationInfo,
    schemes: &'static [__Auth],
    streamed: Option<fn(u16) -> bool>,
    build: B,
    decode: D,
) -> __Call<T, E, B, D>
where
    B: FnOnce() -> Result<RequestBuilder, Error<E>>,
    D: FnOnce(RawResponse, __Live) -> Result<ResponseValue<T>, Error<E>>,
{
    __Call {
        client: Arc::clone(&client.inner),
        op,
        schemes,
        streamed,
        build: Some(build),
        decode: Some(decode),
        sending: None,
        output: PhantomData,
    }
}

/// See [`__call`].
#[doc(hidden)]
pub struct __Call<T, E, B, D> {
    client: Arc<Inner>,
    op: &'static OperationInfo,
    schemes: &'static [__Auth],
    streamed: Option<fn(u16) -> bool>,
    build: Option<B>,
    decode: Option<D>,
    sending: Option<Sending>,
    output: PhantomData<fn() -> (T, E)>,
}

/// The request in flight.
type Sending = BoxFuture<'static, Result<(RawResponse, __Live), Failure>>;

// Nothing in a call is pinned in place: the request in flight is pinned in its box.
impl<T, E, B, D> Unpin for __Call<T, E, B, D> {}

impl<T, E, B, D> Future for __Call<T, E, B, D>
where
    B: FnOnce() -> Result<RequestBuilder, Error<E>>,
    D: FnOnce(RawResponse, __Live) -> Result<ResponseValue<T>, Error<E>>,
{
    type Output = Result<ResponseValue<T>, Error<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(build) = this.build.take() {
            let request = match build().and_then(|r| r.build().map_err(Error::Transport)) {
                Ok(request) => request,
                Err(err) => return Poll::Ready(Err(err)),
            };
            let sending = execute(
                Arc::clone(&this.client),
                this.op,
                this.schemes,
                request,
                this.streamed,
            );
            #[cfg(feature = "tracing")]
            let sending = tracing::Instrument::instrument(
                sending,
                tracing::info_span!(
                    "call",
                    operation = this.op.id,
                    method = %this.op.method,
                    path = this.op.path,
                    status = tracing::field::Empty,
                ),
            );
            this.sending = Some(Box::pin(sending));
        }
        let Some(sending) = &mut this.sending else {
            panic!("an operation's future was polled after it completed");
        };
        let response = std::task::ready!(sending.as_mut().poll(cx));
        this.sending = None;
        // `decode` is taken only here, with `sending`.
        let decode = this.decode.take().expect("present while sending");
        Poll::Ready(match response {
            Ok((response, live)) => decode(response, live),
            Err(failure) => Err(failure.into()),
        })
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
                None => Ok::<_, Error<E>>(None),
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
        decode: impl FnOnce(Self, __Live) -> Result<ResponseValue<T>, Error<E>>,
    ) -> Result<ResponseValue<T>, Error<E>> {
        if accept && self.status.is_success() {
            // Only a body that reads as the documented success is taken (undocumented statuses
            // are read whole, streams included).
            if let Ok(value) = decode(self.clone(), __Live::default()) {
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

    /// A success whose binary body is read as it arrives, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn __stream_ok<S, E>(
        mut self,
        live: __Live,
        wrap: impl FnOnce(ByteStream) -> S,
    ) -> Result<ResponseValue<S>, Error<E>> {
        let body = std::mem::take(&mut self.body);
        Ok(self.__value(wrap(ByteStream::__new(live, body))))
    }

    /// A success whose events of JSON data are read as they arrive, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn __events_ok<T: serde::de::DeserializeOwned, S, E>(
        mut self,
        live: __Live,
        wrap: impl FnOnce(EventStream<T>) -> S,
    ) -> Result<ResponseValue<S>, Error<E>> {
        let body = std::mem::take(&mut self.body);
        Ok(self.__value(wrap(EventStream::__json(live, body))))
    }

    /// A success whose events, told apart by name, are read as they arrive, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn __named_events_ok<T: __NamedEvent, S, E>(
        mut self,
        live: __Live,
        wrap: impl FnOnce(EventStream<T>) -> S,
    ) -> Result<ResponseValue<S>, Error<E>> {
        let body = std::mem::take(&mut self.body);
        Ok(self.__value(wrap(EventStream::__named(live, body))))
    }

    /// A documented error documented as events told apart by name: its first event.
    #[doc(hidden)]
    pub fn __named_events_err<T: __NamedEvent, V, E>(
        self,
        wrap: impl FnOnce(T) -> E,
    ) -> Result<V, Error<E>> {
        let first = self
            .first_event()
            .and_then(|event| T::__from_event(event.event.as_deref(), &event.data).ok());
        match first {
            Some(body) => Err(self.__error(wrap(body))),
            None => Err(Error::UnexpectedErrorBody(self)),
        }
    }

    /// A success whose events of text are read as they arrive, wrapped by `wrap`.
    #[doc(hidden)]
    pub fn __text_events_ok<S, E>(
        mut self,
        live: __Live,
        wrap: impl FnOnce(EventStream<String>) -> S,
    ) -> Result<ResponseValue<S>, Error<E>> {
        let body = std::mem::take(&mut self.body);
        Ok(self.__value(wrap(EventStream::__text(live, body))))
    }

    /// A documented error documented as events of JSON data: the body as JSON, or the data of
    /// its first event; any other body is an [`Error::UnexpectedErrorBody`].
    #[doc(hidden)]
    pub fn __events_err<T: serde::de::DeserializeOwned, V, E>(
        self,
        wrap: impl FnOnce(T) -> E,
    ) -> Result<V, Error<E>> {
        if let Ok(body) = serde_json::from_slice(&self.body) {
            return Err(self.__error(wrap(body)));
        }
        let first = self
            .first_event()
            .and_then(|event| serde_json::from_str(&event.data).ok());
        match first {
            Some(body) => Err(self.__error(wrap(body))),
            None => Err(Error::UnexpectedErrorBody(self)),
        }
    }

    /// The first event of a body read whole as an event stream.
    fn first_event(&self) -> Option<Event<String>> {
        let mut events = VecDeque::new();
        let mut parser = EventParser::new(usize::MAX);
        parser.feed(&self.body, &mut events).ok()?;
        parser.finish(&mut events);
        events.pop_front()
    }

    /// A documented error documented as events of text: the body's text.
    #[doc(hidden)]
    pub fn __text_events_err<V, E>(self, wrap: impl FnOnce(String) -> E) -> Result<V, Error<E>> {
        self.__text_err(wrap)
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
    /// A middleware (see `Client::with_middleware`) failed the request.
    Middleware(BoxError),
    /// The token source (see [`Client::with_token_source`]) gave no token.
    Token(BoxError),
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
            Self::InvalidRequest(_) | Self::Middleware(_) | Self::Token(_) => None,
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
            Self::Middleware(err) => write!(f, "a middleware failed the request: {err}"),
            Self::Token(err) => write!(f, "no token for the request: {err}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode { source, .. }
            | Self::InvalidRequest(source)
            | Self::Middleware(source)
            | Self::Token(source) => Some(source.as_ref()),
            Self::Transport(err) => Some(err),
            _ => None,
        }
    }
}

/// One server-sent event: its `data` decoded, with the fields that came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's name (`event:`), when the server named it; `message` is the default.
    pub event: Option<String>,
    /// The last event id the stream set (`id:`), which a reconnection sends as
    /// `Last-Event-ID`.
    pub id: Option<String>,
    /// The reconnection time the server asked for with this event (`retry:`).
    pub retry: Option<Duration>,
    /// The data: JSON of the documented schema, or the text when none is documented.
    pub data: T,
}

/// Why an event stream yielded an error.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventError {
    /// The connection failed while the stream was read; the stream ends.
    Transport(reqwest::Error),
    /// One event's data does not decode as documented; the stream goes on with the next.
    Decode {
        /// The event as received, its data as text.
        event: Event<String>,
        /// Why it does not decode.
        source: serde_json::Error,
    },
    /// An event grew past the stream's limit (see [`EventStream::max_event_size`]) before it
    /// ended; the stream ends.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The server answered with another media type than `text/event-stream` (JSON, say, for a
    /// request that did not ask for a stream); the stream ends.
    NotEvents {
        /// The media type it sent.
        content_type: String,
        /// Its body (the first 64 KiB), as text.
        body: String,
    },
    /// The connection broke and the stream could not be resumed (see
    /// [`EventStream::reconnect`]): the server refused, or a middleware or token source failed;
    /// the stream ends.
    Resume(BoxError),
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(err) => write!(f, "the event stream failed: {err}"),
            Self::Decode { event, source } => write!(
                f,
                "an event{} does not decode as documented: {source}",
                event
                    .event
                    .as_deref()
                    .map(|name| format!(" `{name}`"))
                    .unwrap_or_default()
            ),
            Self::TooLarge { limit } => write!(f, "an event is larger than {limit} bytes"),
            Self::Resume(err) => write!(f, "the event stream broke and cannot resume: {err}"),
            Self::NotEvents { content_type, body } => write!(
                f,
                "the server answered {content_type}, not an event stream ({} bytes)",
                body.len()
            ),
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(err) => Some(err),
            Self::Decode { source, .. } => Some(source),
            Self::Resume(err) => Some(err.as_ref()),
            Self::TooLarge { .. } | Self::NotEvents { .. } => None,
        }
    }
}

/// The bytes of a body still arriving.
type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// The body of `response`, as it arrives; or `body`, when it was read whole.
fn chunks(live: Option<reqwest::Response>, body: Bytes) -> Chunks {
    match live {
        Some(response) => Box::pin(response.bytes_stream()),
        None => Box::pin(futures_util::stream::iter(
            (!body.is_empty()).then_some(Ok(body)),
        )),
    }
}

/// A `text/event-stream` body, read as it arrives: a [`Stream`] of [`Event`]s whose data is
/// decoded as the operation documents it.
///
/// It reads the format as the HTML standard defines it (lines ending in LF, CR or CRLF, a
/// leading byte-order mark, `data` lines joined with newlines, `id` kept from event to event,
/// `retry` in milliseconds, unknown fields ignored), with these conventions:
///
/// - comment lines (`: keep-alive`) are skipped;
/// - for JSON data, an event whose data is empty is a keep-alive and skipped, and the data
///   `[DONE]` ends the stream (the OpenAI convention);
/// - an event the stream ends in before its blank line is delivered, not dropped;
/// - an event larger than [`max_event_size`](Self::max_event_size) ends the stream with
///   [`EventError::TooLarge`]: memory stays bounded whatever the server sends.
///
/// Only the event being read is held in memory. Dropping the stream closes the connection.
pub struct EventStream<T> {
    body: Option<Chunks>,
    parser: EventParser,
    ready: VecDeque<Event<String>>,
    decode: fn(Option<&str>, &str) -> Result<T, serde_json::Error>,
    json: bool,
    /// How to send the request again, to resume after a broken connection.
    again: Option<Again>,
    /// Resumptions left (see [`EventStream::reconnect`]).
    reconnects: u32,
    /// The resumption under way.
    reconnecting: Option<BoxFuture<'static, Result<reqwest::Response, Failure>>>,
    /// The media type of a body that is not an event stream, and what of it was read.
    not_events: Option<(String, Vec<u8>)>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("open", &self.body.is_some())
            .field("pending", &self.ready.len())
            .finish_non_exhaustive()
    }
}

/// An enum of events told apart by their names (generated per operation).
#[doc(hidden)]
pub trait __NamedEvent: Sized {
    /// The event named `event` whose data is `data`.
    fn __from_event(event: Option<&str>, data: &str) -> Result<Self, serde_json::Error>;
}

/// The default limit of one event: 16 MiB.
const MAX_EVENT_SIZE: usize = 16 << 20;

impl<T: serde::de::DeserializeOwned> EventStream<T> {
    /// Events whose data is JSON of type `T`.
    #[doc(hidden)]
    pub fn __json(live: __Live, body: Bytes) -> Self {
        Self::with(live, body, |_, data| serde_json::from_str(data), true)
    }
}

impl<T: __NamedEvent> EventStream<T> {
    /// Events whose data is JSON of the type their name tells.
    #[doc(hidden)]
    pub fn __named(live: __Live, body: Bytes) -> Self {
        Self::with(live, body, T::__from_event, true)
    }
}

impl EventStream<String> {
    /// Events whose data is text.
    #[doc(hidden)]
    pub fn __text(live: __Live, body: Bytes) -> Self {
        Self::with(live, body, |_, data| Ok(data.to_owned()), false)
    }
}

impl<T> EventStream<T> {
    fn with(
        live: __Live,
        body: Bytes,
        decode: fn(Option<&str>, &str) -> Result<T, serde_json::Error>,
        json: bool,
    ) -> Self {
        // A server that answers something else (JSON, when the request did not ask for a
        // stream) gets an error that shows what it sent, not an empty stream.
        let content_type = live
            .response
            .as_ref()
            .and_then(|r| r.headers().get(header::CONTENT_TYPE))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let not_events = content_type
            .filter(|media| {
                let essence = media.split(';').next().unwrap_or_default().trim();
                !essence.eq_ignore_ascii_case("text/event-stream")
            })
            .map(|media| (media, Vec::new()));
        Self {
            not_events,
            body: Some(chunks(live.response, body)),
            parser: EventParser::new(MAX_EVENT_SIZE),
            ready: VecDeque::new(),
            decode,
            json,
            again: live.again,
            reconnects: 0,
            reconnecting: None,
        }
    }

    /// This stream, resuming up to `attempts` times when its connection breaks: the request is
    /// sent again with `Last-Event-ID` (the last `id` the server set, if any), after the
    /// reconnection time the server last asked for with `retry` (3 s unless it did), as a
    /// browser's `EventSource` does. Off by default, since it sends the request again: use it
    /// for an API that resumes a stream from an id, not for one that would start over (an LLM
    /// completion). A stream that ends cleanly is finished, and is not resumed. The event being
    /// read when the connection broke is dropped; the server resends from the id.
    pub fn reconnect(mut self, attempts: u32) -> Self {
        self.reconnects = attempts;
        self
    }

    /// Starts resuming, when the stream may; whether it does.
    fn resume(&mut self) -> bool {
        let Some(again) = self.again.as_ref().filter(|_| self.reconnects > 0) else {
            return false;
        };
        let Some(mut request) = again.request.try_clone() else {
            return false;
        };
        self.reconnects -= 1;
        let last_id = self.parser.last_id.as_deref();
        if let Some(value) = last_id.and_then(|id| HeaderValue::try_from(id).ok()) {
            request
                .headers_mut()
                .insert(HeaderName::from_static("last-event-id"), value);
        }
        let delay = self.parser.reconnection.unwrap_or(Duration::from_secs(3));
        let (client, op) = (Arc::clone(&again.client), again.op);
        self.parser.restart();
        self.reconnecting = Some(Box::pin(async move {
            tokio::time::sleep(delay).await;
            send_once(&client, op, request).await
        }));
        true
    }

    /// This stream, ending with [`EventError::TooLarge`] when an event grows past `bytes`
    /// (default: 16 MiB).
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.parser.limit = bytes;
        self
    }

    /// Closes the connection; the events already received are still delivered.
    pub fn close(&mut self) {
        self.body = None;
    }
}

impl<T> Unpin for EventStream<T> {}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, EventError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.ready.pop_front() {
                if this.json {
                    if raw.data == "[DONE]" {
                        this.body = None;
                        this.ready.clear();
                        return Poll::Ready(None);
                    }
                    if raw.data.trim().is_empty() {
                        continue;
                    }
                }
                return Poll::Ready(Some(match (this.decode)(raw.event.as_deref(), &raw.data) {
                    Ok(data) => Ok(Event {
                        event: raw.event,
                        id: raw.id,
                        retry: raw.retry,
                        data,
                    }),
                    Err(source) => Err(EventError::Decode { event: raw, source }),
                }));
            }
            if let Some(reconnecting) = &mut this.reconnecting {
                let answer = std::task::ready!(reconnecting.as_mut().poll(cx));
                this.reconnecting = None;
                match answer {
                    Ok(response) if response.status() == StatusCode::OK => {
                        this.body = Some(Box::pin(response.bytes_stream()));
                    }
                    Ok(response) => {
                        return Poll::Ready(Some(Err(EventError::Resume(
                            format!(
                                "the server answered {} to the resumption",
                                response.status()
                            )
                            .into(),
                        ))));
                    }
                    Err(Failure::Transport(err)) => {
                        if !this.resume() {
                            return Poll::Ready(Some(Err(EventError::Transport(err))));
                        }
                    }
                    Err(Failure::Middleware(err) | Failure::Token(err)) => {
                        return Poll::Ready(Some(Err(EventError::Resume(err))));
                    }
                }
                continue;
            }
            let Some(body) = &mut this.body else {
                return Poll::Ready(None);
            };
            if let Some((_, read)) = &mut this.not_events {
                // Up to 64 KiB of it, for the error.
                let chunk = std::task::ready!(body.as_mut().poll_next(cx));
                if let Some(Ok(chunk)) = chunk.as_ref().filter(|_| read.len() < 64 << 10) {
                    read.extend_from_slice(chunk);
                    continue;
                }
                this.body = None;
                let (content_type, read) = this.not_events.take().unwrap_or_default();
                return Poll::Ready(Some(Err(EventError::NotEvents {
                    content_type,
                    body: String::from_utf8_lossy(&read).into_owned(),
                })));
            }
            match std::task::ready!(body.as_mut().poll_next(cx)) {
                Some(Ok(chunk)) => {
                    if let Err(err) = this.parser.feed(&chunk, &mut this.ready) {
                        this.body = None;
                        return Poll::Ready(Some(Err(err)));
                    }
                }
                Some(Err(err)) => {
                    this.body = None;
                    if !this.resume() {
                        return Poll::Ready(Some(Err(EventError::Transport(err))));
                    }
                }
                None => {
                    this.body = None;
                    this.parser.finish(&mut this.ready);
                }
            }
        }
    }
}

/// Reads `text/event-stream` bytes into events, holding only the line and the event being read.
#[doc(hidden)]
#[derive(Debug)]
pub struct EventParser {
    /// The line being read, without its end.
    line: Vec<u8>,
    /// The last byte was a CR: an LF right after it ends no other line.
    after_cr: bool,
    /// At the very start: a byte-order mark is skipped.
    start: bool,
    data: String,
    has_data: bool,
    event: Option<String>,
    /// The id the lines read so far set (the standard's "last event ID buffer").
    id: Option<String>,
    /// The id of the last event ended (the standard's "last event ID string"): the one a
    /// resumption sends.
    last_id: Option<String>,
    retry: Option<Duration>,
    /// The last `retry` of the stream: how long to wait before resuming it.
    reconnection: Option<Duration>,
    limit: usize,
}

impl EventParser {
    /// A parser refusing events of more than `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            line: Vec::new(),
            after_cr: false,
            start: true,
            data: String::new(),
            has_data: false,
            event: None,
            id: None,
            last_id: None,
            retry: None,
            reconnection: None,
            limit,
        }
    }

    /// A new connection of the same stream: what was being read is dropped; the last id and
    /// reconnection time stay.
    pub fn restart(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.start = true;
        self.data.clear();
        self.has_data = false;
        self.event = None;
        self.retry = None;
        self.id.clone_from(&self.last_id);
    }

    /// Reads `chunk`, adding each event it completes to `out`.
    pub fn feed(
        &mut self,
        mut chunk: &[u8],
        out: &mut VecDeque<Event<String>>,
    ) -> Result<(), EventError> {
        if self.start && !chunk.is_empty() {
            // The byte-order mark may arrive split; it is three bytes of one line start.
            self.line.extend_from_slice(chunk);
            if self.line.len() < 3 && b"\xEF\xBB\xBF".starts_with(&self.line) {
                return Ok(());
            }
            self.start = false;
            let pending = std::mem::take(&mut self.line);
            let pending = pending.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&pending);
            return self.feed_lines(pending, out);
        }
        if chunk.is_empty() {
            return Ok(());
        }
        if self.after_cr && chunk[0] == b'\n' {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        self.feed_lines(chunk, out)
    }

    fn feed_lines(
        &mut self,
        mut chunk: &[u8],
        out: &mut VecDeque<Event<String>>,
    ) -> Result<(), EventError> {
        while let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&chunk[..end]);
            self.check()?;
            let line = std::mem::take(&mut self.line);
            self.line_done(&line, out);
            self.line = line;
            self.line.clear();
            let cr = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            if cr {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.line.extend_from_slice(chunk);
        self.check()
    }

    /// The event being read stays within the limit.
    fn check(&self) -> Result<(), EventError> {
        if self.line.len() + self.data.len() > self.limit {
            return Err(EventError::TooLarge { limit: self.limit });
        }
        Ok(())
    }

    fn line_done(&mut self, line: &[u8], out: &mut VecDeque<Event<String>>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => {
                self.id = (!value.is_empty()).then(|| value.to_owned());
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
                self.reconnection = self.retry.or(self.reconnection);
            }
            _ => {}
        }
    }

    /// Ends the event being read: delivered when it has data, as the standard says.
    fn dispatch(&mut self, out: &mut VecDeque<Event<String>>) {
        self.last_id.clone_from(&self.id);
        let event = self.event.take();
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        out.push_back(Event {
            event,
            id: self.id.clone(),
            retry,
            data: std::mem::take(&mut self.data),
        });
    }

    /// The stream ended: a last line and event without their ends are delivered.
    pub fn finish(&mut self, out: &mut VecDeque<Event<String>>) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.line_done(&line, out);
        }
        self.dispatch(out);
    }
}

/// A binary body, read as it arrives: a [`Stream`] of chunks, or all of it with
/// [`collect`](Self::collect). Dropping it closes the connection.
pub struct ByteStream {
    body: Chunks,
    length: Option<u64>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.length)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    #[doc(hidden)]
    pub fn __new(live: __Live, body: Bytes) -> Self {
        let length = match &live.response {
            Some(response) => response.content_length(),
            None => Some(body.len() as u64),
        };
        Self {
            body: chunks(live.response, body),
            length,
        }
    }

    /// The length the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.length
    }

    /// The whole body, in memory.
    pub async fn collect(self) -> Result<Bytes, reqwest::Error> {
        use futures_util::TryStreamExt;
        let mut parts: Vec<Bytes> = self.body.try_collect().await?;
        Ok(match parts.len() {
            1 => parts.pop().unwrap_or_default(),
            _ => parts.concat().into(),
        })
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, reqwest::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().body.as_mut().poll_next(cx)
    }
}

/// A binary request body: bytes in memory, or a stream sent as it is read (a file of any
/// size), with its media type.
///
/// ```ignore
/// // A file, streamed: never held whole in memory.
/// let file = tokio::fs::File::open("backup.tar").await?;
/// let length = file.metadata().await?.len();
/// client.upload("backup.tar", Upload::new(file).with_length(length)).await?;
/// ```
///
/// A request whose body is a stream is sent once: it is not retried.
pub struct Upload {
    body: reqwest::Body,
    content_type: Option<String>,
    length: Option<u64>,
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upload")
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Upload {
    /// A body of `body`: bytes, a `String`, a `tokio::fs::File`, a `reqwest::Body`.
    pub fn new(body: impl Into<reqwest::Body>) -> Self {
        let body = body.into();
        let length = body.as_bytes().map(|bytes| bytes.len() as u64);
        Self {
            body,
            content_type: None,
            length,
        }
    }

    /// A body of the chunks of `stream`, sent as they come.
    pub fn stream<S>(stream: S) -> Self
    where
        S: futures_util::TryStream + Send + 'static,
        S::Error: Into<BoxError>,
        Bytes: From<S::Ok>,
    {
        Self {
            body: reqwest::Body::wrap_stream(stream),
            content_type: None,
            length: None,
        }
    }

    /// This body, sent with the media type `content_type` (default: the one the operation
    /// documents).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// This body, announced as `length` bytes (`Content-Length`); a stream of unknown length
    /// is sent in chunks.
    pub fn with_length(mut self, length: u64) -> Self {
        self.length = Some(length);
        self
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<reqwest::Body> for Upload {
    fn from(body: reqwest::Body) -> Self {
        Self::new(body)
    }
}

/// Sets a binary body, sent with `media` unless the upload names its own.
#[doc(hidden)]
pub fn __upload(request: RequestBuilder, upload: Upload, media: &'static str) -> RequestBuilder {
    let content_type = upload.content_type.as_deref().unwrap_or(media);
    let mut request = request.header(header::CONTENT_TYPE, content_type);
    if let Some(length) = upload.length {
        request = request.header(header::CONTENT_LENGTH, length);
    }
    request.body(upload.body)
}
