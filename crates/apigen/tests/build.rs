//! The build-script API: what it reads (so that Cargo re-runs it when any of it changes) and
//! what it writes.

use std::path::{Path, PathBuf};

use apigen::build::Builder;
use apigen::config::CrateKind;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("crates/apigen sits two levels below the root")
        .to_path_buf()
}

#[test]
fn every_file_of_a_multi_file_document_is_an_input() {
    let out = tempfile::tempdir().unwrap();
    let config = out.path().join("apigen.toml");
    let spec = repo().join("tests/specs/multifile/openapi.yaml");
    std::fs::write(
        &config,
        format!(
            "spec = {:?}\n[select]\nall = true\n",
            spec.to_string_lossy()
        ),
    )
    .unwrap();
    let built = Builder::new(&config)
        .out_dir(out.path())
        .rerun_if_changed(false)
        .crates(&[CrateKind::Models, CrateKind::Client])
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
    let inputs: Vec<String> = built
        .inputs
        .iter()
        .map(|p| {
            p.canonicalize()
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let root = repo().join("tests/specs/multifile").canonicalize().unwrap();
    // Every file of the folder is part of the document.
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 10, "{files:?}");
    for file in files {
        let expected = file.to_string_lossy().replace('\\', "/");
        assert!(inputs.contains(&expected), "{expected} not in {inputs:#?}");
    }
    assert!(inputs.iter().any(|i| i.ends_with("/apigen.toml")));
    // One file per crate, its modules inline, no inner attributes left for `include!`.
    assert_eq!(built.files.len(), 2);
    for file in &built.files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            !text.lines().any(|l| l.starts_with("#![")),
            "{}",
            file.display()
        );
        // Inner docs only where Rust allows them in an included file: at the top of an inline
        // module, after its `{` (and other comments).
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if line.trim_start().starts_with("//!") {
                let before = lines[..index]
                    .iter()
                    .rev()
                    .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
                    .unwrap_or(&"");
                assert!(
                    before.trim_end().ends_with('{'),
                    "{}: line {}",
                    file.display(),
                    index + 1
                );
            }
        }
        assert!(!text.contains("mod generated;"), "{}", file.display());
    }
    let client = std::fs::read_to_string(out.path().join("apigen/client.rs")).unwrap();
    assert!(client.contains("mod runtime {"), "{client}");
    // Tags are not features in a build script's output.
    assert!(!client.contains("cfg(feature"), "{client}");
}

#[test]
fn without_out_dir_it_says_to_run_from_a_build_script() {
    // Integration tests run without OUT_DIR (it is set only while a build script runs).
    assert!(std::env::var_os("OUT_DIR").is_none());
    let err = Builder::new("/nonexistent/apigen.toml")
        .rerun_if_changed(false)
        .generate()
        .unwrap_err()
        .to_string();
    assert!(err.contains("OUT_DIR"), "{err}");
}
