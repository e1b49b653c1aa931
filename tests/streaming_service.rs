//! The streaming example's server implementation the stream tests run the generated client
//! against, and the raw HTTP servers (hand-written, not generated) for what a generated server
//! cannot be told to do: drop a connection, send bytes in odd chunks.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use streaming_models::params::{DownloadParams, TicksParams};
use streaming_models::{
    ChatAnswer, ChatChunk, ChatRequest, Counter, FileInfo, Like, Me, Post, Problem, Tick, Update,
};
use streaming_server::{
    AccountApi, Authenticator, BumpCounterResponse, ChatResponse, CountersApi, Credential,
    DownloadResponse, Event, Events, EventsApi, FeedOkEvent, FeedResponse, FilesApi,
    ReadCounterResponse, Refusal, RequestContext, TailLogResponse, TicksResponse, UpdatesResponse,
    Upload, UploadResponse, WhoamiResponse,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The size of each chunk the download writes.
pub const CHUNK: usize = 64 * 1024;

/// The byte at `offset` of every download: a pattern a test can check without holding it.
pub fn pattern(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// Answers the streaming example's operations; records what reached it.
#[derive(Default)]
pub struct Service {
    /// The `x-request-id` header of every counter read.
    pub request_ids: Mutex<Vec<Option<String>>>,
    /// Set when the stream of a `ticks` call was dropped (the client went away).
    pub dropped: Arc<AtomicUsize>,
    /// The token `whoami` accepts.
    pub valid_token: Mutex<String>,
}

/// Counts the drops of a stream, for the test that a client closing its stream closes the
/// server's.
struct DropGuard(Arc<AtomicUsize>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl EventsApi for Service {
    async fn ticks(&self, _context: RequestContext, params: TicksParams) -> TicksResponse {
        if params.count > 10_000_000 {
            return TicksResponse::UnprocessableEntity(Problem {
                error: format!("{} is too many", params.count),
            });
        }
        let guard = DropGuard(Arc::clone(&self.dropped));
        let events = stream::iter(0..params.count).map(move |n| {
            let _alive = &guard;
            Event::new(Tick {
                n,
                // A kilobyte per event: a client that held the stream would grow by it.
                text: "x".repeat(1000),
            })
            .named(if n % 2 == 0 { "even" } else { "odd" })
            .with_id(n.to_string())
        });
        TicksResponse::Ok(Events::new(events))
    }

    async fn tail_log(&self, _context: RequestContext) -> TailLogResponse {
        let lines = vec![
            Event::new("starting\nwith two lines".to_owned()),
            Event::new(String::new()).named("empty"),
            Event::new("done".to_owned()).with_retry(std::time::Duration::from_millis(1500)),
        ];
        TailLogResponse::Ok(Events::new(stream::iter(lines)))
    }

    async fn updates(&self, _context: RequestContext) -> UpdatesResponse {
        let updates = vec![
            Event::new(Update {
                id: 1,
                title: Some("one".to_owned()),
            })
            .named("created"),
            Event::new(Update { id: 1, title: None }).named("deleted"),
        ];
        UpdatesResponse::Ok(Events::new(stream::iter(updates)))
    }

    async fn feed(&self, _context: RequestContext) -> FeedResponse {
        let events = vec![
            Event::new(FeedOkEvent::Post(Post {
                id: 1,
                text: "hello".to_owned(),
            }))
            .with_id("1"),
            Event::new(FeedOkEvent::Like(Like { post: 1 })),
            Event::new(FeedOkEvent::Other {
                event: Some("poll".to_owned()),
                data: "{\"question\":\"?\"}".to_owned(),
            }),
        ];
        FeedResponse::Ok(Events::new(stream::iter(events)))
    }

    async fn chat(&self, _context: RequestContext, body: ChatRequest) -> ChatResponse {
        if body.prompt.is_empty() {
            return ChatResponse::TooManyRequests(Problem {
                error: "slow down".to_owned(),
            });
        }
        let words: Vec<String> = body.prompt.split(' ').map(str::to_owned).collect();
        if body.stream == Some(true) {
            let chunks = words.into_iter().map(|delta| ChatChunk { delta });
            return ChatResponse::OkEvents(Events::from_data(stream::iter(chunks)));
        }
        ChatResponse::Ok(ChatAnswer {
            text: words.join(" "),
        })
    }
}

impl FilesApi for Service {
    async fn download(
        &self,
        _context: RequestContext,
        name: String,
        params: DownloadParams,
    ) -> DownloadResponse {
        if name == "missing" {
            return DownloadResponse::NotFound(Problem {
                error: format!("no file {name}"),
            });
        }
        let size = u64::try_from(params.size).unwrap_or(0);
        // One chunk of the pattern, shared by every chunk sent: CHUNK is a multiple of 251
        // plus an offset that the chunk's start keeps aligned.
        let chunks = size.div_ceil(CHUNK as u64);
        let body = stream::iter(0..chunks).map(move |index| {
            let start = index * CHUNK as u64;
            let len = (size - start).min(CHUNK as u64);
            let bytes: Vec<u8> = (start..start + len).map(pattern).collect();
            Ok::<_, std::convert::Infallible>(Bytes::from(bytes))
        });
        DownloadResponse::Ok(axum::body::Body::from_stream(body))
    }

    async fn upload(&self, _context: RequestContext, name: String, body: Upload) -> UploadResponse {
        let mut stream = body.into_stream();
        let mut size: u64 = 0;
        let mut intact = true;
        while let Some(chunk) = stream.next().await {
            let Ok(chunk) = chunk else {
                intact = false;
                break;
            };
            intact &= chunk
                .iter()
                .enumerate()
                .all(|(i, byte)| *byte == pattern(size + i as u64));
            size += chunk.len() as u64;
        }
        UploadResponse::Created(FileInfo {
            name: if intact {
                name
            } else {
                format!("{name} (corrupt)")
            },
            size: i64::try_from(size).unwrap_or(-1),
        })
    }
}

impl CountersApi for Service {
    async fn read_counter(&self, context: RequestContext, key: String) -> ReadCounterResponse {
        let id = context
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        self.request_ids.lock().unwrap().push(id);
        ReadCounterResponse::Ok(Counter {
            key,
            value: 1,
            attempts: 1,
        })
    }

    async fn bump_counter(&self, _context: RequestContext, key: String) -> BumpCounterResponse {
        BumpCounterResponse::Ok(Counter {
            key,
            value: 2,
            attempts: 1,
        })
    }
}

impl Authenticator for Service {
    type Principal = String;

    async fn authenticate(&self, credentials: &[Credential<'_>]) -> Result<String, Refusal> {
        let valid = self.valid_token.lock().unwrap().clone();
        credentials
            .iter()
            .find(|c| c.secret() == valid)
            .map(|c| c.secret().to_owned())
            .ok_or(Refusal::Unauthenticated)
    }
}

impl AccountApi for Service {
    async fn whoami(&self, _context: RequestContext, principal: String) -> WhoamiResponse {
        WhoamiResponse::Ok(Me { subject: principal })
    }
}

/// Serves `service` on an ephemeral loopback port; the base URL.
pub async fn serve(service: Arc<Service>) -> String {
    let app = streaming_server::router(service, "/");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

/// What a raw server does with one request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Closes the connection without answering.
    Drop,
    /// Writes these chunks, one write (and one flush) each, then closes.
    Chunks(Vec<Vec<u8>>),
    /// Writes these chunks with a pause before each but the first, then closes.
    Paced(Vec<Vec<u8>>, std::time::Duration),
}

impl Answer {
    /// A whole response: status line, headers (`Content-Length` added) and body.
    pub fn http(status: &str, headers: &[(&str, &str)], body: &str) -> Self {
        let mut head = format!("HTTP/1.1 {status}\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ));
        Self::Chunks(vec![head.into_bytes()])
    }

    /// An event stream sent with chunked transfer encoding, one HTTP chunk per item of
    /// `chunks`; without the last (empty) chunk when `complete` is false, so that the client
    /// sees the connection break in the middle of the body.
    pub fn chunked_events(chunks: &[&[u8]], complete: bool) -> Self {
        let head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
            transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            .to_vec();
        let mut all = vec![head];
        for chunk in chunks {
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(chunk);
            framed.extend_from_slice(b"\r\n");
            all.push(framed);
        }
        if complete {
            all.push(b"0\r\n\r\n".to_vec());
        }
        Self::Chunks(all)
    }

    /// An event stream whose body is written in `chunks`, as they are, then closed.
    pub fn events(chunks: &[&[u8]]) -> Self {
        let head =
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
                .to_vec();
        let mut all = vec![head];
        all.extend(chunks.iter().map(|c| c.to_vec()));
        Self::Chunks(all)
    }
}

/// A request a raw server received: its head, as text.
pub type Seen = Arc<Mutex<Vec<String>>>;

/// A hand-written HTTP/1.1 server on an ephemeral port that answers the n-th request with
/// `script[n]` (the last one again after the end); the base URL and the requests seen.
pub async fn raw_server(script: Vec<Answer>) -> (String, Seen) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        let mut served = 0;
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&head).into_owned());
            let answer = script[served.min(script.len() - 1)].clone();
            served += 1;
            let (chunks, pause) = match answer {
                Answer::Drop => {
                    drop(socket);
                    continue;
                }
                Answer::Chunks(chunks) => (chunks, std::time::Duration::from_millis(2)),
                Answer::Paced(chunks, pause) => (chunks, pause),
            };
            {
                {
                    for chunk in chunks {
                        if socket.write_all(&chunk).await.is_err() {
                            break;
                        }
                        let _ = socket.flush().await;
                        // Each chunk its own read on the other side.
                        tokio::time::sleep(pause).await;
                    }
                    let _ = socket.shutdown().await;
                }
            }
        }
    });
    (format!("http://{addr}"), seen)
}

/// The resident memory of this process, in bytes (Linux).
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// A counter shared with a closure.
pub fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

/// `HashMap` re-exported for the tests' bookkeeping.
pub type Map<K, V> = HashMap<K, V>;
