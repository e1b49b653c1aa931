//! A bounded load test on loopback: the generated client against the generated server, on the
//! seed operation (`providers_microsoft_entra_sync_status_retrieve`).
//!
//! `cargo run --release -p tests --example load -- [REQUESTS] [CONNECTIONS]` (default 20,000
//! over 64) prints throughput, latency percentiles, failures and the process's resident memory
//! before, halfway and after, so that growth shows.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use authentik_client::Client;
use authentik_models::{ModelRequest, params::ProvidersSamlMetadataRetrieveParams};
use authentik_models::{SyncStatus, SystemTask, SystemTaskStatusEnum};
use authentik_server::{
    Authenticator, Credential, ProvidersAllTestCreateResponse, ProvidersApi,
    ProvidersMicrosoftEntraSyncStatusRetrieveResponse as Answer,
    ProvidersSamlMetadataRetrieveResponse, Refusal, RequestContext,
};

struct Service;

/// The token the load client sends; the router checks it on every request.
const TOKEN: &str = "load";

impl Authenticator for Service {
    type Principal = ();

    async fn authenticate(&self, credentials: &[Credential<'_>]) -> Result<(), Refusal> {
        match credentials {
            [credential] if credential.secret() == TOKEN => Ok(()),
            _ => Err(Refusal::Unauthenticated),
        }
    }
}

impl ProvidersApi for Service {
    async fn providers_microsoft_entra_sync_status_retrieve(
        &self,
        _: RequestContext,
        (): (),
        id: i64,
    ) -> Answer {
        let stamp = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("valid");
        Answer::Ok(SyncStatus {
            is_running: id % 2 == 0,
            tasks: vec![SystemTask {
                uuid: uuid::Uuid::from_u128(id as u128),
                name: format!("task {id}"),
                full_name: format!("sync:task {id}"),
                uid: None,
                description: "sync".to_owned(),
                start_timestamp: stamp,
                finish_timestamp: stamp,
                duration: 0.5,
                status: SystemTaskStatusEnum::Successful,
                messages: Vec::new(),
                expires: Some(None),
                expiring: Some(true),
            }],
        })
    }

    async fn providers_all_test_create(
        &self,
        _: RequestContext,
        (): (),
        body: ModelRequest,
    ) -> ProvidersAllTestCreateResponse {
        ProvidersAllTestCreateResponse::Ok(body)
    }

    async fn providers_saml_metadata_retrieve(
        &self,
        _: RequestContext,
        _: Option<()>,
        _: i64,
        _: ProvidersSamlMetadataRetrieveParams,
    ) -> ProvidersSamlMetadataRetrieveResponse {
        ProvidersSamlMetadataRetrieveResponse::NotFound
    }
}

/// Resident memory of this process, in KiB (Linux), or 0 where unknown.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let connections: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);

    let app = authentik_server::nest(
        "/api/v3",
        authentik_server::providers_routes(Arc::new(Service)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let client = Client::with_http_client(format!("http://{addr}/api/v3"), http)
        .expect("valid base URL")
        .with_bearer_token(TOKEN)
        .expect("valid token");

    let before = rss_kib();
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let halfway = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (client, next, failures, halfway) = (
            client.clone(),
            Arc::clone(&next),
            Arc::clone(&failures),
            Arc::clone(&halfway),
        );
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                if n == requests / 2 {
                    halfway.store(rss_kib() as usize, Ordering::Relaxed);
                }
                let sent = Instant::now();
                let id = n as i64;
                match client
                    .providers_microsoft_entra_sync_status_retrieve(id)
                    .await
                {
                    Ok(status)
                        if status.tasks.len() == 1
                            && status.tasks[0].name == format!("task {id}") => {}
                    _ => {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    for worker in workers {
        latencies.extend(worker.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    let after = rss_kib();
    latencies.sort();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{requests} requests over {connections} connections in {:.2} s: {:.0} requests/s",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(0.5),
        percentile(0.99),
        percentile(1.0)
    );
    println!("failed: {}", failures.load(Ordering::Relaxed));
    let halfway = halfway.load(Ordering::Relaxed) as u64;
    println!("resident memory: {before} KiB before, {halfway} KiB halfway, {after} KiB after");
    // A bounded run for CI: every request must succeed, and the second half must not keep
    // growing the process (beyond the latency samples this test keeps: 16 bytes a request).
    let failed = failures.load(Ordering::Relaxed);
    let samples_kib = (requests as u64 * 16) / 1024;
    let growth_limit = halfway + halfway / 2 + samples_kib;
    if failed > 0 {
        eprintln!("{failed} request(s) failed");
        std::process::exit(1);
    }
    if halfway > 0 && after > growth_limit {
        eprintln!("memory kept growing: {halfway} KiB halfway, {after} KiB after");
        std::process::exit(1);
    }
}
