//! Stage 1a, bundle: turns a document split over several files into one document.
//!
//! Runs on the root document as JSON, after [`crate::load()`] parsed it and before
//! [`crate::normalize`], so every later stage sees one self-contained document whose references
//! are all local (`#/...`). A `$ref` to another file (`models/droplet.yml`,
//! `shared/responses.yml#/not_found`) is read relative to the file that holds it, as JSON
//! Reference says; a fragment-less reference is the whole file.
//!
//! Invariants:
//! - A referenced **schema** becomes a component schema of the bundled document, named after its
//!   component name where the target file has one (`#/components/schemas/Droplet`), else after
//!   the fragment's last word or the file's stem; a clash takes the parent folder's name, then a
//!   number. The same target always gets the same name, so cycles across files end at the name.
//!   A bare scalar schema (a string, integer, number or boolean with no values listed), which
//!   would only be an alias, is copied in place instead.
//! - Anything else (path items, operations, responses, parameters, a tag's description) is
//!   copied in place; its own references are read relative to its file. A cycle of such copies
//!   has no finite reading and is refused.
//! - Literal data (`example`, `examples` values, `default`, `enum`, `const`) is never read for
//!   references.
//! - Only files inside the root document's folder are read; `http(s)` references are refused,
//!   never fetched. A missing or unreadable file, or a fragment that points at nothing, is an
//!   error naming the file and JSON pointer of the `$ref`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::Error;
use crate::diagnostics::{Diagnostics, Pointer};
use crate::spec::{escape, percent_decode, unescape};

/// What a position in the document holds, for knowing whether a `$ref` there names a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The document's top level.
    Root,
    /// `components`.
    Components,
    /// A map whose values are schemas (`components/schemas`, `properties`, `$defs`).
    SchemaMap,
    /// A schema.
    Schema,
    /// Any other OpenAPI object (path items, operations, responses, ...).
    Other,
}

/// Where a node was read from, for error messages and for resolving relative references.
#[derive(Clone)]
struct Origin {
    /// The canonical path of the file.
    file: PathBuf,
    /// The pointer of the node within that file.
    at: Pointer,
}

/// Bundles `doc`, read from `path` (shown as `display`), in place. Returns the files read
/// besides the root (as shown in messages), in the order first read.
pub(crate) fn bundle(
    doc: &mut Value,
    path: &Path,
    display: &str,
    diags: &mut Diagnostics,
) -> Result<Vec<String>, Error> {
    if !has_external_refs(doc) {
        return Ok(Vec::new());
    }
    let root_file = path.canonicalize().map_err(|source| Error::Io {
        file: display.to_owned(),
        source,
    })?;
    let root_dir = root_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let display_dir = match display.rfind('/') {
        Some(slash) => display[..=slash].to_owned(),
        None => String::new(),
    };
    let mut taken: BTreeSet<String> = BTreeSet::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        taken.extend(schemas.keys().cloned());
    }
    let mut bundler = Bundler {
        root_file: root_file.clone(),
        root_dir,
        display_dir,
        root_display: display.to_owned(),
        files: HashMap::new(),
        read_order: Vec::new(),
        hoisted: HashMap::new(),
        taken,
        schemas: Vec::new(),
        copying: Vec::new(),
        diags,
    };
    bundler
        .files
        .insert(root_file.clone(), std::rc::Rc::new(doc.clone()));
    let origin = Origin {
        file: root_file,
        at: Pointer::root(),
    };
    // Component schemas first, so that a component that is a reference to another file keeps
    // its own name for what it refers to.
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        let base = origin.at.push("components").push("schemas");
        for (name, schema) in schemas.iter_mut() {
            let at = Origin {
                file: origin.file.clone(),
                at: base.push(name),
            };
            bundler.component_entry(name, schema, &at)?;
        }
    }
    bundler.walk(doc, &origin, Ctx::Root)?;
    let hoisted = std::mem::take(&mut bundler.schemas);
    let read = bundler
        .read_order
        .iter()
        .map(|file| bundler.display_of(file))
        .collect();
    if !hoisted.is_empty() {
        let root = doc.as_object_mut().expect("the document is an object");
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if !components.is_object() {
            *components = Value::Object(Map::new());
        }
        let schemas = components
            .as_object_mut()
            .expect("an object")
            .entry("schemas")
            .or_insert_with(|| Value::Object(Map::new()));
        if !schemas.is_object() {
            *schemas = Value::Object(Map::new());
        }
        let schemas = schemas.as_object_mut().expect("an object");
        for (name, schema) in hoisted {
            schemas.insert(name, schema);
        }
    }
    Ok(read)
}

/// Whether any `$ref` in the document names another file.
fn has_external_refs(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, value)| match (key.as_str(), value) {
            ("$ref", Value::String(reference)) => !reference.starts_with('#'),
            ("example" | "examples" | "default" | "enum" | "const", _) => false,
            _ => has_external_refs(value),
        }),
        Value::Array(items) => items.iter().any(has_external_refs),
        _ => false,
    }
}

/// Splits a reference into its file part (percent-decoded) and its fragment (a JSON pointer).
fn split_ref(reference: &str) -> (String, String) {
    let (file, fragment) = match reference.split_once('#') {
        Some((file, fragment)) => (file, fragment),
        None => (reference, ""),
    };
    let decode = |text: &str| percent_decode(text).unwrap_or_else(|| text.to_owned());
    (decode(file), decode(fragment))
}

/// Whether a schema is a bare scalar (it would only be an alias): copied in place.
fn is_bare_scalar(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    let scalar = matches!(
        map.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    );
    scalar
        && !map.keys().any(|k| {
            matches!(
                k.as_str(),
                "$ref" | "enum" | "const" | "allOf" | "anyOf" | "oneOf" | "not" | "x-enum-varnames"
            )
        })
}

/// Folder names that say nothing about what a schema is, skipped when naming one.
const GENERIC_FOLDERS: &[&str] = &[
    "models",
    "model",
    "schemas",
    "schema",
    "definitions",
    "components",
    "shared",
    "common",
    "resources",
    "attributes",
    "specification",
];

struct Bundler<'d> {
    root_file: PathBuf,
    root_dir: PathBuf,
    display_dir: String,
    root_display: String,
    /// Every file read, parsed, by canonical path (the root included).
    files: HashMap<PathBuf, std::rc::Rc<Value>>,
    read_order: Vec<PathBuf>,
    /// (file, fragment) of every schema made a component, and its name.
    hoisted: HashMap<(PathBuf, String), String>,
    /// Component schema names in use.
    taken: BTreeSet<String>,
    /// The component schemas to add, in the order found.
    schemas: Vec<(String, Value)>,
    /// The non-schema targets being copied, to refuse a cycle of copies.
    copying: Vec<(PathBuf, String)>,
    diags: &'d mut Diagnostics,
}

impl Bundler<'_> {
    /// How messages name a file: relative to the root document's folder, as the root is shown.
    fn display_of(&self, file: &Path) -> String {
        if *file == self.root_file {
            return self.root_display.clone();
        }
        match file.strip_prefix(&self.root_dir) {
            Ok(relative) => format!("{}{}", self.display_dir, relative.to_string_lossy()),
            Err(_) => file.to_string_lossy().into_owned(),
        }
    }

    fn refuse(&self, origin: &Origin, message: String) -> Error {
        Error::Parse {
            file: self.display_of(&origin.file),
            line: None,
            column: None,
            pointer: origin.at.push("$ref").to_string(),
            message,
        }
    }

    /// The file a reference names, read and parsed (once).
    fn file(
        &mut self,
        name: &str,
        origin: &Origin,
    ) -> Result<(PathBuf, std::rc::Rc<Value>), Error> {
        if name.is_empty() {
            let value = self.files[&origin.file].clone();
            return Ok((origin.file.clone(), value));
        }
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || lower.contains("://") {
            return Err(self.refuse(
                origin,
                format!("`{name}` is a remote reference; references are read from files next to the document and never fetched (download it and refer to the file)"),
            ));
        }
        let base = origin.file.parent().unwrap_or(Path::new("."));
        let joined = base.join(name);
        let canonical = joined.canonicalize().map_err(|err| {
            self.refuse(
                origin,
                format!(
                    "the referenced file `{name}` cannot be read ({}): {err}",
                    self.display_of(&joined)
                ),
            )
        })?;
        if !canonical.starts_with(&self.root_dir) {
            return Err(self.refuse(
                origin,
                format!("`{name}` is outside the document's folder; only files in the folder of the root document (and below) are read"),
            ));
        }
        if let Some(value) = self.files.get(&canonical) {
            return Ok((canonical, value.clone()));
        }
        let display = self.display_of(&canonical);
        let text = std::fs::read_to_string(&canonical).map_err(|err| {
            self.refuse(
                origin,
                format!("the referenced file `{display}` cannot be read: {err}"),
            )
        })?;
        let structured = [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| lower.ends_with(ext));
        let value = if structured {
            crate::syntax::parse_value(&display, &text)?
        } else {
            // A text file (a Markdown description): its text.
            Value::String(text)
        };
        let value = std::rc::Rc::new(value);
        self.files.insert(canonical.clone(), value.clone());
        self.read_order.push(canonical.clone());
        Ok((canonical, value))
    }

    /// The target of `reference` (met at `origin`): its file, fragment and a copy of its value.
    /// `None` for a local reference of the root document, which stays as it is.
    fn target(
        &mut self,
        reference: &str,
        origin: &Origin,
    ) -> Result<Option<(PathBuf, String, Value)>, Error> {
        let (name, fragment) = split_ref(reference);
        if name.is_empty() && origin.file == self.root_file {
            return Ok(None);
        }
        let (file, value) = self.file(&name, origin)?;
        let found = if fragment.is_empty() {
            Some(&*value)
        } else {
            value.pointer(&fragment)
        };
        match found {
            Some(found) => Ok(Some((file, fragment, found.clone()))),
            None if name.is_empty() => {
                // A local reference in another file that its file does not have: hand-split
                // documents often mean the root document's components.
                let root = self.files[&self.root_file].clone();
                if root.pointer(&fragment).is_some() {
                    self.diags.warning(
                        origin.at.push("$ref").to_string(),
                        format!(
                            "`{reference}` in {} points at nothing in that file; read as the root document's `{reference}`",
                            self.display_of(&origin.file)
                        ),
                    );
                    return Ok(None);
                }
                Err(self.refuse(
                    origin,
                    format!(
                        "`{reference}` points at nothing in {}",
                        self.display_of(&file)
                    ),
                ))
            }
            None => Err(self.refuse(
                origin,
                format!(
                    "`{reference}`: `#{fragment}` points at nothing in {}",
                    self.display_of(&file)
                ),
            )),
        }
    }

    /// A name for a schema target: its component name, else the fragment's last word, else the
    /// file's stem; a clash takes parent folder names, then a number.
    fn name_for(&mut self, file: &Path, fragment: &str) -> String {
        let tokens: Vec<String> = fragment
            .split('/')
            .skip(1)
            .map(unescape)
            .filter(|t| !t.is_empty())
            .collect();
        let stem = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = stem
            .split('.')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("Schema")
            .to_owned();
        let meaningful: Vec<&String> = tokens
            .iter()
            .filter(|t| {
                !matches!(
                    t.as_str(),
                    "components" | "schemas" | "definitions" | "$defs" | "properties" | "items"
                ) && t.parse::<usize>().is_err()
            })
            .collect();
        let base = match meaningful.last() {
            Some(last) => (*last).clone(),
            None => stem.clone(),
        };
        let mut candidates = vec![base.clone()];
        if !meaningful.is_empty() {
            candidates.push(format!("{stem}_{base}"));
        }
        let relative = file.strip_prefix(&self.root_dir).unwrap_or(file);
        let mut prefix = String::new();
        let folders: Vec<String> = relative
            .parent()
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        for folder in folders.iter().rev() {
            if GENERIC_FOLDERS.contains(&folder.to_ascii_lowercase().as_str()) {
                continue;
            }
            prefix = if prefix.is_empty() {
                folder.clone()
            } else {
                format!("{folder}_{prefix}")
            };
            candidates.push(format!("{prefix}_{base}"));
        }
        let name = candidates
            .into_iter()
            .find(|c| !self.taken.contains(c))
            .unwrap_or_else(|| {
                let mut n = 2;
                while self.taken.contains(&format!("{base}{n}")) {
                    n += 1;
                }
                format!("{base}{n}")
            });
        self.taken.insert(name.clone());
        name
    }

    /// A root component schema that is a reference to another file takes that target's place
    /// under its own name.
    fn component_entry(
        &mut self,
        name: &str,
        schema: &mut Value,
        origin: &Origin,
    ) -> Result<(), Error> {
        let Some(reference) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return Ok(());
        };
        if reference.starts_with('#') || schema.as_object().is_some_and(|m| m.len() != 1) {
            return Ok(());
        }
        let Some((file, fragment, mut value)) = self.target(&reference, origin)? else {
            return Ok(());
        };
        let key = (file.clone(), fragment.clone());
        if self.hoisted.contains_key(&key) {
            return Ok(());
        }
        self.hoisted.insert(key, name.to_owned());
        let at = Origin {
            file,
            at: Pointer::from_encoded(&fragment),
        };
        self.walk(&mut value, &at, Ctx::Schema)?;
        *schema = value;
        Ok(())
    }

    /// Resolves the references under `node`, which sits at `ctx`.
    fn walk(&mut self, node: &mut Value, origin: &Origin, ctx: Ctx) -> Result<(), Error> {
        match node {
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    let at = Origin {
                        file: origin.file.clone(),
                        at: origin.at.push(index),
                    };
                    self.walk(item, &at, ctx)?;
                }
                Ok(())
            }
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    return self.reference(node, &reference, origin, ctx);
                }
                for (key, value) in map.iter_mut() {
                    let child = match (ctx, key.as_str()) {
                        (_, "example") => continue,
                        (Ctx::Root, "components") => Ctx::Components,
                        (Ctx::Components, "schemas") => Ctx::SchemaMap,
                        (Ctx::SchemaMap, _) => Ctx::Schema,
                        (Ctx::Schema, "discriminator") => {
                            let at = origin.at.push(key);
                            self.mapping(
                                value,
                                &Origin {
                                    file: origin.file.clone(),
                                    at,
                                },
                            )?;
                            continue;
                        }
                        (
                            Ctx::Schema,
                            "properties" | "patternProperties" | "$defs" | "definitions"
                            | "dependentSchemas",
                        ) => Ctx::SchemaMap,
                        (
                            Ctx::Schema,
                            "items"
                            | "additionalProperties"
                            | "not"
                            | "allOf"
                            | "anyOf"
                            | "oneOf"
                            | "prefixItems"
                            | "if"
                            | "then"
                            | "else"
                            | "contains"
                            | "propertyNames"
                            | "unevaluatedProperties"
                            | "unevaluatedItems"
                            | "additionalItems",
                        ) => Ctx::Schema,
                        (Ctx::Schema, _) => continue,
                        (_, "schema") => Ctx::Schema,
                        (Ctx::Other | Ctx::Components | Ctx::Root, "value") => continue,
                        _ => Ctx::Other,
                    };
                    let at = Origin {
                        file: origin.file.clone(),
                        at: origin.at.push(key),
                    };
                    self.walk(value, &at, child)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// A discriminator's mapping values are references to schemas too.
    fn mapping(&mut self, discriminator: &mut Value, origin: &Origin) -> Result<(), Error> {
        let Some(Value::Object(mapping)) = discriminator.get_mut("mapping") else {
            return Ok(());
        };
        for (key, target) in mapping.iter_mut() {
            let Value::String(reference) = target else {
                continue;
            };
            let external = !reference.starts_with('#')
                && (reference.contains('/')
                    || reference.ends_with(".yaml")
                    || reference.ends_with(".yml")
                    || reference.ends_with(".json"));
            let local_elsewhere = reference.starts_with('#') && origin.file != self.root_file;
            if !external && !local_elsewhere {
                continue;
            }
            let at = Origin {
                file: origin.file.clone(),
                at: origin.at.push("mapping").push(key),
            };
            let mut holder = serde_json::json!({ "$ref": reference.clone() });
            let reference = reference.clone();
            self.reference(&mut holder, &reference, &at, Ctx::Schema)?;
            if let Some(Value::String(local)) = holder.get("$ref") {
                *target = Value::String(local.clone());
            }
        }
        Ok(())
    }

    /// Resolves the `$ref` of `node` (a schema when `ctx` is one).
    fn reference(
        &mut self,
        node: &mut Value,
        reference: &str,
        origin: &Origin,
        ctx: Ctx,
    ) -> Result<(), Error> {
        let Some((file, fragment, mut target)) = self.target(reference, origin)? else {
            // A local reference of the root document: its siblings may still refer elsewhere.
            return self.siblings(node, origin, ctx);
        };
        let target_origin = Origin {
            file: file.clone(),
            at: Pointer::from_encoded(&fragment),
        };
        let schema = matches!(ctx, Ctx::Schema);
        if schema && !is_bare_scalar(&target) {
            let key = (file.clone(), fragment.clone());
            let name = match self.hoisted.get(&key) {
                Some(name) => name.clone(),
                None => {
                    // Named before its own references are read, so a cycle ends here.
                    let name = self.name_for(&file, &fragment);
                    self.hoisted.insert(key, name.clone());
                    self.walk(&mut target, &target_origin, Ctx::Schema)?;
                    self.schemas.push((name.clone(), target));
                    name
                }
            };
            if let Some(map) = node.as_object_mut() {
                map.insert(
                    "$ref".to_owned(),
                    Value::String(format!("#/components/schemas/{}", escape(&name))),
                );
            }
            return self.siblings(node, origin, ctx);
        }
        let key = (file.clone(), fragment.clone());
        if self.copying.contains(&key) {
            return Err(self.refuse(
                origin,
                format!("`{reference}` is part of a cycle of references that are not schemas; it has no finite reading"),
            ));
        }
        self.copying.push(key);
        let walked = self.walk(&mut target, &target_origin, ctx);
        self.copying.pop();
        walked?;
        // The reference's siblings (a 3.1 `summary` or `description`) override the target's.
        let siblings: Map<String, Value> = node
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| *k != "$ref")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if let Value::Object(map) = &mut target {
            map.extend(siblings);
        }
        *node = target;
        Ok(())
    }

    /// Walks the keys beside a `$ref` (3.1 allows some on schemas).
    fn siblings(&mut self, node: &mut Value, origin: &Origin, ctx: Ctx) -> Result<(), Error> {
        let Some(map) = node.as_object_mut() else {
            return Ok(());
        };
        if map.len() == 1 {
            return Ok(());
        }
        let reference = map.remove("$ref");
        let mut rest = Value::Object(std::mem::take(map));
        let walked = self.walk(&mut rest, origin, ctx);
        let Value::Object(rest) = rest else {
            unreachable!("an object stays an object")
        };
        let map = node.as_object_mut().expect("an object");
        if let Some(reference) = reference {
            map.insert("$ref".to_owned(), reference);
        }
        map.extend(rest);
        walked
    }
}
