//! `cargo xtask bench --decode --baseline DIR`: how fast the generated models decode large
//! responses, against another models crate generated from the same document (by an earlier
//! generator, say), measured in one run.
//!
//! Three payloads, built from the document's schemas by [`crate::example`] (an independent
//! reading of them): a page of 1,000 users (`PaginatedUserList`), every alternative of the
//! `ChallengeTypes` union (repeated to a few hundred values), and the object schema with the most
//! optional properties, all of them filled in (repeated likewise). Both crates decode each payload
//! in alternating rounds, in a release build; the report gives the median time per decode and
//! the ratio.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use apigen::example::{Direction, Examples};

/// What one payload decodes as: the Rust type, with `CRATE::` where each crate's name goes, and
/// the file.
struct Payload {
    what: String,
    rust_type: String,
    file: &'static str,
}

/// Builds the payloads, writes the harness under `target/bench/decode` and runs it.
pub fn run(
    root: &Path,
    spec_path: &Path,
    ours: &Path,
    baseline: &Path,
    rounds: usize,
) -> Result<()> {
    let spec_name = spec_path.to_string_lossy().replace('\\', "/");
    let spec = apigen::load(spec_path, &spec_name)?;
    let select = apigen::config::Selection {
        all: true,
        ..Default::default()
    };
    let mut diags = apigen::diagnostics::Diagnostics::default();
    let config = apigen::Config {
        select,
        ..Default::default()
    };
    let api = apigen::lower::lower(&spec.document, &config, &mut diags);
    let document = serde_json::to_value(&spec.document)?;
    let examples = Examples::new(&document, Direction::Response);
    let rust_name = |schema: &str| -> Result<String> {
        api.types
            .iter()
            .find(|t| t.wire_name == schema)
            .map(|t| t.name.clone())
            .with_context(|| format!("no generated type for the schema `{schema}`"))
    };
    let schema = |name: &str| -> Result<Value> {
        examples
            .value(&serde_json::json!({ "$ref": format!("#/components/schemas/{name}") }))
            .map_err(|e| anyhow::anyhow!("no example for `{name}`: {e}"))
    };
    let dir = root.join("target/bench/decode");
    std::fs::create_dir_all(dir.join("payloads"))?;
    let mut payloads = Vec::new();

    // A page of 1,000 users.
    let mut page = schema("PaginatedUserList")?;
    let user = schema("User")?;
    let users: Vec<Value> = (0..1000)
        .map(|i| {
            let mut user = user.clone();
            user["pk"] = Value::from(i + 1);
            user["username"] = Value::from(format!("user-{i}"));
            user
        })
        .collect();
    page["results"] = Value::Array(users);
    write(&dir, "users.json", &page)?;
    payloads.push(Payload {
        what: "a page of 1,000 users".into(),
        rust_type: format!("CRATE::{}", rust_name("PaginatedUserList")?),
        file: "users.json",
    });

    // Every alternative of `ChallengeTypes`, by its discriminator mapping.
    let mapping = document
        .pointer("/components/schemas/ChallengeTypes/discriminator/mapping")
        .and_then(Value::as_object)
        .context("ChallengeTypes has no discriminator mapping")?;
    let mut challenges = Vec::new();
    for (tag, reference) in mapping {
        let name = reference
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .context("a mapping that is not a reference")?;
        let mut value = schema(name)?;
        value["component"] = Value::from(tag.as_str());
        challenges.push(value);
    }
    let alternatives = challenges.len();
    let challenges: Vec<Value> = challenges
        .iter()
        .cycle()
        .take(alternatives * 10)
        .cloned()
        .collect();
    write(&dir, "challenges.json", &Value::Array(challenges))?;
    payloads.push(Payload {
        what: format!("ChallengeTypes, its {alternatives} alternatives x 10"),
        rust_type: format!("::std::vec::Vec<CRATE::{}>", rust_name("ChallengeTypes")?),
        file: "challenges.json",
    });

    // The object with the most optional properties.
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .context("no component schemas")?;
    let optional = |schema: &Value| -> usize {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        schema
            .get("properties")
            .and_then(Value::as_object)
            .map_or(0, |p| {
                p.keys().filter(|k| !required.contains(&k.as_str())).count()
            })
    };
    let (widest, count) = schemas
        .iter()
        .map(|(name, schema)| (name, optional(schema)))
        .max_by_key(|(name, count)| (*count, std::cmp::Reverse(*name)))
        .context("no object schemas")?;
    let value = schema(widest)?;
    write(&dir, "optional.json", &Value::Array(vec![value; 500]))?;
    payloads.push(Payload {
        what: format!("{widest} ({count} optional properties) x 500"),
        rust_type: format!("::std::vec::Vec<CRATE::{}>", rust_name(widest)?),
        file: "optional.json",
    });

    // The baseline, renamed so that both crates fit one build.
    let copy = dir.join("baseline");
    if copy.exists() {
        std::fs::remove_dir_all(&copy)?;
    }
    copy_dir(baseline, &copy)?;
    let manifest = copy.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("{} is not a models crate", baseline.display()))?;
    let Some(name_line) = text.lines().find(|l| l.starts_with("name = ")) else {
        bail!("{} has no package name", manifest.display());
    };
    std::fs::write(
        &manifest,
        text.replacen(name_line, "name = \"baseline-models\"", 1),
    )?;

    let ours = std::path::absolute(ours)?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"decode-bench\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nours = {{ package = \"{}\", path = {:?} }}\nbaseline = {{ package = \"baseline-models\", path = \"baseline\" }}\nserde_json = \"1\"\n\n\
             [profile.release]\ndebug = false\n\n[workspace]\n",
            package_name(&ours)?,
            ours.display().to_string()
        ),
    )?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("src/main.rs"), harness(&payloads))?;
    println!("decoding, release build, {rounds} alternating rounds (median time per decode):");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--release", "--quiet", "--"])
        .arg(rounds.to_string())
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("the decode benchmark failed in {}", dir.display());
    }
    Ok(())
}

fn write(dir: &Path, name: &str, value: &Value) -> Result<()> {
    std::fs::write(dir.join("payloads").join(name), serde_json::to_vec(value)?)?;
    Ok(())
}

fn package_name(krate: &Path) -> Result<String> {
    let text = std::fs::read_to_string(krate.join("Cargo.toml"))
        .with_context(|| format!("{} is not a crate", krate.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
        .map(str::to_owned)
        .with_context(|| format!("{} has no package name", krate.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "target") {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// The harness: for each payload, alternating rounds of decoding with each crate.
fn harness(payloads: &[Payload]) -> String {
    let mut cases = String::new();
    for payload in payloads {
        let ours = payload.rust_type.replace("CRATE::", "ours::");
        let baseline = payload.rust_type.replace("CRATE::", "baseline::");
        cases.push_str(&format!(
            "    {{\n        let bytes = std::fs::read(\"payloads/{file}\").expect(\"payload\");\n        \
             let (ours, baseline) = measure(rounds, &bytes, |b| {{ std::hint::black_box(serde_json::from_slice::<{ours}>(b).expect(\"ours decodes\")); }}, |b| {{ std::hint::black_box(serde_json::from_slice::<{baseline}>(b).expect(\"baseline decodes\")); }});\n        \
             report({what:?}, bytes.len(), ours, baseline);\n    }}\n",
            file = payload.file,
            what = payload.what,
        ));
    }
    format!(
        r#"//! Written by `cargo xtask bench --decode`; not part of any crate.
use std::time::{{Duration, Instant}};

fn median(mut times: Vec<Duration>) -> Duration {{
    times.sort();
    times[times.len() / 2]
}}

/// Alternating rounds, each decoding the payload enough times to take about 50 ms.
fn measure(rounds: usize, bytes: &[u8], ours: impl Fn(&[u8]), baseline: impl Fn(&[u8])) -> (Duration, Duration) {{
    let started = Instant::now();
    ours(bytes);
    baseline(bytes);
    let per_round = ((Duration::from_millis(100).as_secs_f64() / started.elapsed().as_secs_f64()) as usize).max(1);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {{
        let started = Instant::now();
        for _ in 0..per_round {{ ours(bytes); }}
        a.push(started.elapsed() / per_round as u32);
        let started = Instant::now();
        for _ in 0..per_round {{ baseline(bytes); }}
        b.push(started.elapsed() / per_round as u32);
    }}
    (median(a), median(b))
}}

fn report(what: &str, len: usize, ours: Duration, baseline: Duration) {{
    let mbps = |t: Duration| len as f64 / t.as_secs_f64() / 1e6;
    println!(
        "  {{what:<50}} {{:>7.0}} KB  ours {{:>8.1}} µs ({{:>5.0}} MB/s)  baseline {{:>8.1}} µs ({{:>5.0}} MB/s)  ours: {{:.2}}x the baseline's speed",
        len as f64 / 1e3,
        ours.as_secs_f64() * 1e6,
        mbps(ours),
        baseline.as_secs_f64() * 1e6,
        mbps(baseline),
        baseline.as_secs_f64() / ours.as_secs_f64(),
    );
}}

fn main() {{
    let rounds: usize = std::env::args().nth(1).and_then(|r| r.parse().ok()).unwrap_or(15);
{cases}}}
"#
    )
}
