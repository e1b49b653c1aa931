//! `apigen list`: a document's tags, operations and schemas, and what each tag reaches.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use apigen::config::{Config, Selection};

/// Prints the listing of the document `spec` names (or the config's document).
pub fn run(config: Option<&Path>, spec: Option<&Path>, json: bool) -> Result<()> {
    let spec = match spec {
        Some(path) => apigen::load(path, &path.to_string_lossy().replace('\\', "/"))?,
        None => {
            let path = config.map_or_else(|| PathBuf::from("apigen.toml"), Path::to_path_buf);
            if !path.exists() {
                bail!(
                    "{}: no such config; name a document with --spec FILE",
                    path.display()
                );
            }
            apigen::config::Project::open(&path)?.spec
        }
    };
    let listing = Listing::new(&spec);
    if json {
        println!("{}", listing.json());
    } else {
        print!("{}", listing.text());
    }
    Ok(())
}

/// What `list` prints.
pub struct Listing {
    title: String,
    tags: Vec<Tag>,
    /// Component schema names, sorted.
    schemas: Vec<String>,
    /// Component schemas no operation reaches.
    unreached: Vec<String>,
}

struct Tag {
    name: String,
    operations: Vec<(String, String, String)>,
    types: BTreeSet<String>,
}

impl Listing {
    /// Lowers every operation of `spec` and collects what each tag reaches.
    pub fn new(spec: &apigen::Spec) -> Self {
        let config = Config {
            select: Selection {
                all: true,
                components: Some(false),
                ..Selection::default()
            },
            ..Config::default()
        };
        let mut diags = apigen::diagnostics::Diagnostics::default();
        let api = apigen::lower::lower(&spec.document, &config, &mut diags);
        let by_name: HashMap<&str, &apigen::ir::TypeDef> =
            api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut reached_wire: BTreeSet<&str> = BTreeSet::new();
        let tags = api
            .server_groups()
            .map(|group| {
                let types = apigen::emit::reached_types(&api, group, &by_name);
                reached_wire.extend(types.iter().map(|t| by_name[t].wire_name.as_str()));
                Tag {
                    name: group.tag.clone(),
                    operations: group
                        .operations
                        .iter()
                        .map(|&i| {
                            let op = &api.operations_of(group)[i];
                            (
                                op.id.clone(),
                                op.method.as_str().to_owned(),
                                op.path.clone(),
                            )
                        })
                        .collect(),
                    types: types.into_iter().map(str::to_owned).collect(),
                }
            })
            .collect();
        let schemas: Vec<String> = spec
            .document
            .components
            .as_ref()
            .map(|c| c.schemas.keys().cloned().collect())
            .unwrap_or_default();
        let mut schemas = schemas;
        schemas.sort();
        let unreached = schemas
            .iter()
            .filter(|s| !reached_wire.contains(s.as_str()))
            .cloned()
            .collect();
        Self {
            title: spec.document.info.title.clone(),
            tags,
            schemas,
            unreached,
        }
    }

    /// The listing as text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let ops: usize = self.tags.iter().map(|t| t.operations.len()).sum();
        let _ = writeln!(
            out,
            "{}: {} tags, {ops} operations, {} component schemas ({} reached by no operation)\n",
            self.title,
            self.tags.len(),
            self.schemas.len(),
            self.unreached.len()
        );
        for tag in &self.tags {
            let _ = writeln!(
                out,
                "tag {}: {} operations, reaches {} types",
                tag.name,
                tag.operations.len(),
                tag.types.len()
            );
            for (id, method, path) in &tag.operations {
                let _ = writeln!(out, "  {id}  {method} {path}");
            }
            if !tag.types.is_empty() {
                let types: Vec<&str> = tag.types.iter().map(String::as_str).collect();
                let _ = writeln!(out, "  types: {}", types.join(", "));
            }
            out.push('\n');
        }
        let _ = writeln!(out, "schemas: {}", self.schemas.join(", "));
        if !self.unreached.is_empty() {
            let _ = writeln!(
                out,
                "reached by no operation (typed with `select.components`): {}",
                self.unreached.join(", ")
            );
        }
        out
    }

    /// The listing as JSON.
    pub fn json(&self) -> String {
        let tags: Vec<serde_json::Value> = self
            .tags
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name,
                    "operations": t.operations.iter().map(|(id, method, path)| serde_json::json!({
                        "id": id, "method": method, "path": path,
                    })).collect::<Vec<_>>(),
                    "types": t.types,
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "title": self.title,
            "tags": tags,
            "schemas": self.schemas,
            "unreached_schemas": self.unreached,
        }))
        .unwrap_or_default()
    }
}
