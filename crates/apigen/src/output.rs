//! Making a folder match a [`Generated`] result, or saying how it differs.
//!
//! The one module of the library that writes. Files are written only when their bytes change
//! (so mtimes, and incremental builds, are left alone); files the generator no longer produces
//! are deleted from the directories it owns; [`Mode::Check`] changes nothing and describes
//! every difference as a unified diff instead.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{Error, Generated};

/// Whether to write the output or only compare with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Make the folder match the generator's output.
    Write,
    /// Change nothing; report where the folder does not match.
    Check,
}

/// What [`sync`] did, or in check mode what it would have done: one line (with a diff for a
/// stale file) per file written, missing, stale, deleted or orphaned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// One entry per file that differs.
    pub changes: Vec<String>,
}

impl Outcome {
    /// Whether the folder already matched.
    pub fn is_clean(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Makes `root` match `generated` ([`Mode::Write`]) or describes how it differs
/// ([`Mode::Check`]). Paths of `generated` are relative to `root`.
pub fn sync(root: &Path, generated: &Generated, mode: Mode) -> Result<Outcome, Error> {
    let io = |path: &Path, source: std::io::Error| Error::Io {
        file: path.display().to_string(),
        source,
    };
    let mut changes = Vec::new();
    let expected: BTreeSet<&str> = generated.files.iter().map(|f| f.path.as_str()).collect();
    for file in &generated.files {
        let path = root.join(&file.path);
        let current = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text.replace("\r\n", "\n")),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(io(&path, err)),
        };
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        match mode {
            Mode::Write => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
                }
                std::fs::write(&path, &file.contents).map_err(|e| io(&path, e))?;
                changes.push(format!("wrote {}", file.path));
            }
            Mode::Check => changes.push(match current {
                Some(current) => format!(
                    "stale: {}\n{}",
                    file.path,
                    unified_diff(&file.path, &current, &file.contents)
                ),
                None => format!("missing: {}", file.path),
            }),
        }
    }
    for dir in &generated.owned_dirs {
        for path in files_under(&root.join(dir)).map_err(|(p, e)| io(&p, e))? {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if expected.contains(relative.as_str()) {
                continue;
            }
            match mode {
                Mode::Write => {
                    std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
                    changes.push(format!("deleted {relative}"));
                }
                Mode::Check => changes.push(format!(
                    "orphaned: {relative} (the generator no longer produces it)"
                )),
            }
        }
    }
    Ok(Outcome { changes })
}

/// Every file below `dir`, skipping build output (`target`) and hidden folders; nothing when
/// `dir` does not exist.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>, (PathBuf, std::io::Error)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err((dir, err)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| (dir.clone(), e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| (path.clone(), e))?;
            if kind.is_dir() {
                let name = entry.file_name();
                if name != "target" && !name.to_string_lossy().starts_with('.') {
                    stack.push(path);
                }
            } else if entry.file_name() != "Cargo.lock" {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A unified diff of one file, committed against generated.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let _ = write!(
        out,
        "{}",
        diff.unified_diff().context_radius(3).header(
            &format!("a/{path} (committed)"),
            &format!("b/{path} (generated)")
        )
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GeneratedFile;

    #[test]
    fn check_reports_stale_missing_and_orphaned_files() {
        let dir = std::env::temp_dir().join(format!("apigen-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("out/src")).unwrap();
        std::fs::create_dir_all(dir.join("out/target")).unwrap();
        std::fs::write(dir.join("out/a.txt"), "old\n").unwrap();
        std::fs::write(dir.join("out/src/stray.rs"), "").unwrap();
        std::fs::write(dir.join("out/target/build.bin"), "").unwrap();
        std::fs::write(dir.join("out/Cargo.lock"), "").unwrap();
        let generated = Generated {
            files: vec![
                GeneratedFile {
                    path: "out/a.txt".into(),
                    contents: "new\n".into(),
                },
                GeneratedFile {
                    path: "out/b.txt".into(),
                    contents: "b\n".into(),
                },
            ],
            owned_dirs: vec!["out".into()],
            diagnostics: Vec::new(),
            operations: 0,
            webhooks: 0,
            types: 0,
            timings: Vec::new(),
        };
        let problems = sync(&dir, &generated, Mode::Check).unwrap().changes;
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].starts_with("stale: out/a.txt\n--- a/out/a.txt"),
            "{}",
            problems[0]
        );
        assert!(problems[0].contains("-old\n+new"), "{}", problems[0]);
        assert_eq!(problems[1], "missing: out/b.txt");
        assert!(
            problems[2].starts_with("orphaned: out/src/stray.rs"),
            "{}",
            problems[2]
        );
        // Check mode changed nothing; write mode fixes all three, and a second run has nothing
        // to do; build output and the lock file are never touched.
        assert_eq!(
            std::fs::read_to_string(dir.join("out/a.txt")).unwrap(),
            "old\n"
        );
        assert_eq!(
            sync(&dir, &generated, Mode::Write).unwrap().changes.len(),
            3
        );
        assert!(sync(&dir, &generated, Mode::Check).unwrap().is_clean());
        assert!(dir.join("out/target/build.bin").exists());
        assert!(dir.join("out/Cargo.lock").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
