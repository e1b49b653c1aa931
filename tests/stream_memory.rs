//! Resident memory while the generated client and server stream: 100,000 events of a kilobyte,
//! a 512 MB download and a 512 MB upload, all through real HTTP on 127.0.0.1.
//!
//! One test in its own binary, so that no other test shares the process whose memory it
//! measures. It asserts memory only, never time: the machines are shared and noisy.

#[path = "streaming_service.rs"]
mod service;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use futures_util::{StreamExt, stream};
use service::{CHUNK, Service, pattern, resident_bytes, serve};
use streaming_client::{Client, Upload};
use streaming_models::params::{DownloadParams, TicksParams};

const MB: u64 = 1 << 20;

/// The highest resident memory seen while `f` runs, sampled every few milliseconds.
async fn peak_while<F: std::future::Future>(f: F) -> (F::Output, u64) {
    let peak = Arc::new(AtomicU64::new(resident_bytes()));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (Arc::clone(&peak), Arc::clone(&done));
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                peak.fetch_max(resident_bytes(), Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let output = f.await;
    done.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    (output, peak.load(Ordering::SeqCst))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_keep_memory_flat() {
    if !std::path::Path::new("/proc/self/statm").exists() {
        eprintln!("no /proc/self/statm: resident memory cannot be read here");
        return;
    }
    let service = Arc::new(Service::default());
    let client = Client::new(serve(service).await).unwrap();

    // 100,000 events of a kilobyte each (about 100 MB in all), typed: memory at the start,
    // the middle and the end stays within a few megabytes of the start.
    let mut events = client
        .ticks(&TicksParams { count: 100_000 })
        .await
        .unwrap()
        .into_inner();
    let mut samples = Vec::new();
    let mut n = 0;
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        assert_eq!(event.data.n, n);
        if matches!(n, 1_000 | 50_000 | 99_999) {
            samples.push(resident_bytes());
        }
        n += 1;
    }
    assert_eq!(n, 100_000);
    let [start, middle, end] = samples[..] else {
        panic!("{samples:?}")
    };
    eprintln!(
        "events: resident {} MB at the start, {} MB in the middle, {} MB at the end",
        start / MB,
        middle / MB,
        end / MB
    );
    assert!(
        middle < start + 16 * MB && end < start + 16 * MB,
        "memory grew with the stream: {start} / {middle} / {end} bytes"
    );

    // A 512 MB download, read as it arrives and checked byte by byte.
    let size: u64 = 512 * MB;
    let (received, peak) = peak_while(async {
        let mut body = client
            .download("big.bin", &DownloadParams { size: size as i64 })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(body.content_length(), None);
        let mut offset: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.unwrap();
            assert!(
                chunk
                    .iter()
                    .enumerate()
                    .all(|(i, b)| *b == pattern(offset + i as u64))
            );
            offset += chunk.len() as u64;
        }
        offset
    })
    .await;
    eprintln!(
        "download: {} MB, peak resident {} MB",
        received / MB,
        peak / MB
    );
    assert_eq!(received, size);
    assert!(peak < 100 * MB, "peak resident memory {peak} bytes");

    // A 512 MB upload from a stream, checked byte by byte by the server.
    let (stored, peak) = peak_while(async {
        let chunks = size / CHUNK as u64;
        let body = stream::iter(0..chunks).map(|index| {
            let start = index * CHUNK as u64;
            let bytes: Vec<u8> = (start..start + CHUNK as u64).map(pattern).collect();
            Ok::<_, std::io::Error>(Bytes::from(bytes))
        });
        client
            .upload("big.bin", Upload::stream(body).with_length(size))
            .await
            .unwrap()
            .into_inner()
    })
    .await;
    eprintln!(
        "upload: {} MB, peak resident {} MB",
        stored.size as u64 / MB,
        peak / MB
    );
    assert_eq!(stored.name, "big.bin");
    assert_eq!(stored.size as u64, size);
    assert!(peak < 100 * MB, "peak resident memory {peak} bytes");
}
