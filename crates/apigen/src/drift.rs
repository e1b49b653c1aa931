//! Spec drift: what changed between two versions of a document, and what each change breaks.
//!
//! Operations are matched by operationId and schemas by name, so a rename is a removal plus an
//! addition. Every change gets two verdicts:
//!
//! - **wire**: for an HTTP client written against the old document (in the spirit of oasdiff's
//!   categories): breaking when a request that used to work may now fail, or a response may now
//!   carry something the client did not expect;
//! - **rust**: for code written against the old generated crates: breaking when it may no longer
//!   compile or behave the same. The generated code shapes this verdict: an added enum value is
//!   compatible because every enum has a catch-all variant; an added status is breaking because
//!   the per-operation enums are matched exhaustively; an added property is compatible only where
//!   the struct derives `Default` (all its properties optional), since struct literals must
//!   otherwise name every field.
//!
//! Where the verdict depends on what lowering made of a schema (whether a struct derives
//! `Default`, whether a property is an `Option`), it is read from the two lowered APIs (every
//! operation of each document), not re-derived from the documents: a property can be optional in
//! Rust while `required` in the document (a required `readOnly` property of a type only ever
//! sent), and the verdict follows the generated code as lowering grows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, StatusCode, Type,
};
use serde::Serialize;

use crate::diagnostics::{Diagnostics, Pointer};
use crate::ir::{Api, Presence, Struct, TypeKind};
use crate::resolve::{Components, component_name, method_of};

/// Whether a change breaks its audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Old users keep working.
    Compatible,
    /// Old users may break.
    Breaking,
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Subject {
    /// An operation, by operationId.
    Operation(String),
    /// A component schema, by name.
    Schema(String),
}

/// One change between the two documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The operation or schema it belongs to.
    pub subject: Subject,
    /// JSON pointer of the node (in the new document, or the old one for removals).
    pub pointer: String,
    /// What changed, in words.
    pub what: String,
    /// For HTTP clients of the old document.
    pub wire: Verdict,
    /// For code written against the old generated crates.
    pub rust: Verdict,
}

/// The semver bump the generated crates need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing in the generated API changed.
    None,
    /// Only fixes: changes without effect on the Rust API.
    Patch,
    /// Additions that old code keeps compiling with.
    Minor,
    /// Changes that break old code.
    Major,
}

/// Everything that changed, with counts.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `info.version` of the old document.
    pub old_version: String,
    /// `info.version` of the new document.
    pub new_version: String,
    /// Operations only in the new document.
    pub operations_added: usize,
    /// Operations only in the old document.
    pub operations_removed: usize,
    /// Operations in both, with at least one change.
    pub operations_changed: usize,
    /// Schemas only in the new document.
    pub schemas_added: usize,
    /// Schemas only in the old document.
    pub schemas_removed: usize,
    /// Schemas in both, with at least one change.
    pub schemas_changed: usize,
    /// Changes breaking for HTTP clients.
    pub wire_breaking: usize,
    /// Changes breaking for Rust code.
    pub rust_breaking: usize,
    /// The suggested bump of the generated crates.
    pub bump: Bump,
    /// Every change, operations first (by id), then schemas (by name).
    pub changes: Vec<Change>,
}

use Verdict::{Breaking, Compatible};

/// Compares two documents.
pub fn diff(old: &OpenAPI, new: &OpenAPI) -> Report {
    let (old_api, new_api) = (lowered(old), lowered(new));
    let mut cx = Cx {
        old: Components::new(old),
        new: Components::new(new),
        old_structs: structs(&old_api),
        new_structs: structs(&new_api),
        changes: Vec::new(),
    };
    let schema_changes = cx.schemas(old, new);
    let changed_schemas: BTreeMap<String, (Verdict, Verdict)> = schema_changes
        .iter()
        .filter_map(|c| match &c.subject {
            Subject::Schema(name) => Some((name.clone(), (c.wire, c.rust))),
            Subject::Operation(_) => None,
        })
        .fold(BTreeMap::new(), |mut acc, (name, (w, r))| {
            let entry = acc.entry(name).or_insert((Compatible, Compatible));
            entry.0 = entry.0.max(w);
            entry.1 = entry.1.max(r);
            acc
        });
    cx.operations(old, new, &changed_schemas);
    let mut changes = cx.changes;
    changes.extend(schema_changes);
    changes.sort_by(|a, b| a.subject.cmp(&b.subject));

    let count = |pred: &dyn Fn(&Change) -> bool| changes.iter().filter(|c| pred(c)).count();
    let distinct = |prefix: &str, is_op: bool| {
        changes
            .iter()
            .filter(|c| {
                matches!(c.subject, Subject::Operation(_)) == is_op && c.what.starts_with(prefix)
            })
            .map(|c| &c.subject)
            .collect::<BTreeSet<_>>()
            .len()
    };
    let changed = |is_op: bool| {
        let (added, removed) = if is_op {
            ("added operation", "removed operation")
        } else {
            ("added schema", "removed schema")
        };
        changes
            .iter()
            .filter(|c| {
                matches!(c.subject, Subject::Operation(_)) == is_op
                    && !c.what.starts_with(added)
                    && !c.what.starts_with(removed)
            })
            .map(|c| &c.subject)
            .collect::<BTreeSet<_>>()
            .len()
    };
    let rust_breaking = count(&|c| c.rust == Breaking);
    let bump = if rust_breaking > 0 {
        Bump::Major
    } else if changes.iter().any(|c| c.what.starts_with("added")) {
        Bump::Minor
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Patch
    };
    Report {
        old_version: old.info.version.clone(),
        new_version: new.info.version.clone(),
        operations_added: distinct("added operation", true),
        operations_removed: distinct("removed operation", true),
        operations_changed: changed(true),
        schemas_added: distinct("added schema", false),
        schemas_removed: distinct("removed schema", false),
        schemas_changed: changed(false),
        wire_breaking: count(&|c| c.wire == Breaking),
        rust_breaking,
        bump,
        changes,
    }
}

struct Cx<'a> {
    old: Components<'a>,
    new: Components<'a>,
    /// The generated structs of each side, by the pointer of the schema they come from.
    old_structs: HashMap<&'a str, &'a Struct>,
    new_structs: HashMap<&'a str, &'a Struct>,
    changes: Vec<Change>,
}

/// Every operation of `doc`, lowered as `codegen --all` would (diagnostics are the generator's
/// business, not drift's).
fn lowered(doc: &OpenAPI) -> Api {
    let selection = crate::config::Selection {
        all: true,
        components: Some(false),
        ..Default::default()
    };
    let config = crate::Config {
        select: selection,
        ..Default::default()
    };
    crate::lower::lower(doc, &config, &mut Diagnostics::default())
}

fn structs(api: &Api) -> HashMap<&str, &Struct> {
    api.types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some((t.pointer.as_str(), s)),
            _ => None,
        })
        .collect()
}

/// Whether the generated struct derives `Default` (every field may be left out).
fn derives_default(s: &Struct) -> bool {
    s.fields
        .iter()
        .all(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable))
}

/// How the generated struct has the property `wire`.
fn presence_of(s: Option<&&Struct>, wire: &str) -> Option<Presence> {
    s?.fields
        .iter()
        .find(|f| f.wire_name == wire)
        .map(|f| f.presence)
}

/// An operation with where it is.
struct Op<'a> {
    method: &'static str,
    path: &'a str,
    pointer: Pointer,
    item_params: &'a [ReferenceOr<Parameter>],
    op: &'a openapiv3::Operation,
}

fn operations_by_id(doc: &OpenAPI) -> BTreeMap<&str, Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, op) in item.iter() {
            let Some(id) = op.operation_id.as_deref() else {
                continue;
            };
            out.entry(id).or_insert(Op {
                method: method_of(method).as_str(),
                path,
                pointer: Pointer::root().push("paths").push(path).push(method),
                item_params: &item.parameters,
                op,
            });
        }
    }
    out
}

/// A short, comparable description of a schema's type: `ref Foo`, `string/date-time`,
/// `array of ref Foo`, `object`, `oneOf(...)`.
fn signature<T: std::borrow::Borrow<Schema>>(schema: &ReferenceOr<T>) -> String {
    match schema {
        ReferenceOr::Reference { reference } => match component_name(reference, "schemas") {
            Ok(name) => format!("`{name}`"),
            Err(_) => reference.clone(),
        },
        ReferenceOr::Item(schema) => {
            let schema = schema.borrow();
            match &schema.schema_kind {
                SchemaKind::AllOf { all_of } if all_of.len() == 1 => signature(&all_of[0]),
                SchemaKind::Type(Type::String(s)) => typed("string", &s.format),
                SchemaKind::Type(Type::Integer(i)) => typed("integer", &i.format),
                SchemaKind::Type(Type::Number(n)) => typed("number", &n.format),
                SchemaKind::Type(Type::Boolean(_)) => "boolean".to_owned(),
                SchemaKind::Type(Type::Array(a)) => match &a.items {
                    Some(items) => format!("array of {}", signature(items)),
                    None => "array".to_owned(),
                },
                SchemaKind::Type(Type::Object(o)) => {
                    match (&o.additional_properties, o.properties.is_empty()) {
                        (Some(AdditionalProperties::Schema(v)), true) => {
                            format!("map of {}", signature(v))
                        }
                        _ => "object".to_owned(),
                    }
                }
                SchemaKind::OneOf { one_of } => format!(
                    "oneOf({})",
                    one_of.iter().map(signature).collect::<Vec<_>>().join(", ")
                ),
                SchemaKind::AnyOf { any_of } => format!(
                    "anyOf({})",
                    any_of.iter().map(signature).collect::<Vec<_>>().join(", ")
                ),
                SchemaKind::AllOf { all_of } => format!(
                    "allOf({})",
                    all_of.iter().map(signature).collect::<Vec<_>>().join(", ")
                ),
                SchemaKind::Not { .. } => "not".to_owned(),
                SchemaKind::Any(any) => any.typ.clone().unwrap_or_else(|| "any".to_owned()),
            }
        }
    }
}

/// `type/format`, or just `type` without a format; known formats print as the document
/// spells them (openapiv3 serializes them back to their names).
fn typed<F: Serialize>(ty: &str, format: &openapiv3::VariantOrUnknownOrEmpty<F>) -> String {
    let name = match format {
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
        openapiv3::VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Item(f) => serde_json::to_value(f)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
    };
    match name {
        Some(name) => format!("{ty}/{name}"),
        None => ty.to_owned(),
    }
}

fn nullable<T: std::borrow::Borrow<Schema>>(schema: &ReferenceOr<T>) -> bool {
    match schema {
        ReferenceOr::Item(s) => s.borrow().schema_data.nullable,
        ReferenceOr::Reference { .. } => false,
    }
}

/// The named schema a JSON body refers to, if it is a plain reference.
fn body_schema(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&String, &ReferenceOr<Schema>)> {
    content
        .iter()
        .find(|(media, _)| media.contains("json"))
        .or_else(|| content.first())
        .and_then(|(media, m)| m.schema.as_ref().map(|s| (media, s)))
}

impl<'a> Cx<'a> {
    fn push(
        &mut self,
        subject: &Subject,
        pointer: &Pointer,
        what: String,
        wire: Verdict,
        rust: Verdict,
    ) {
        self.changes.push(Change {
            subject: subject.clone(),
            pointer: pointer.to_string(),
            what,
            wire,
            rust,
        });
    }

    fn operations(
        &mut self,
        old: &'a OpenAPI,
        new: &'a OpenAPI,
        changed_schemas: &BTreeMap<String, (Verdict, Verdict)>,
    ) {
        let old_ops = operations_by_id(old);
        let new_ops = operations_by_id(new);
        for (id, op) in &old_ops {
            if !new_ops.contains_key(id) {
                let subject = Subject::Operation((*id).to_owned());
                self.push(
                    &subject,
                    &op.pointer,
                    format!("removed operation `{} {}`", op.method, op.path),
                    Breaking,
                    Breaking,
                );
            }
        }
        for (id, new_op) in &new_ops {
            let subject = Subject::Operation((*id).to_owned());
            let Some(old_op) = old_ops.get(id) else {
                self.push(
                    &subject,
                    &new_op.pointer,
                    format!("added operation `{} {}`", new_op.method, new_op.path),
                    Compatible,
                    Compatible,
                );
                continue;
            };
            if old_op.method != new_op.method || old_op.path != new_op.path {
                self.push(
                    &subject,
                    &new_op.pointer,
                    format!(
                        "moved from `{} {}` to `{} {}`",
                        old_op.method, old_op.path, new_op.method, new_op.path
                    ),
                    Breaking,
                    Compatible,
                );
            }
            self.parameters(&subject, old_op, new_op);
            self.request_body(&subject, old_op, new_op, changed_schemas);
            self.responses(&subject, old_op, new_op, changed_schemas);
            self.security(&subject, old_op, new_op, old, new);
        }
    }

    fn params_of(
        components: Components<'a>,
        op: &Op<'a>,
    ) -> BTreeMap<(String, &'static str), &'a Parameter> {
        let mut out = BTreeMap::new();
        for param in op.item_params.iter().chain(&op.op.parameters) {
            let Ok(param) = components.parameter(param) else {
                continue;
            };
            let location = match param {
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Path { .. } => "path",
                Parameter::Cookie { .. } => "cookie",
            };
            out.insert((param.parameter_data_ref().name.clone(), location), param);
        }
        out
    }

    fn parameters(&mut self, subject: &Subject, old_op: &Op<'a>, new_op: &Op<'a>) {
        let old = Self::params_of(self.old, old_op);
        let new = Self::params_of(self.new, new_op);
        let pointer = new_op.pointer.push("parameters");
        for (name, location) in old.keys() {
            if !new.contains_key(&(name.clone(), *location)) {
                self.push(
                    subject,
                    &old_op.pointer.push("parameters"),
                    format!("removed {location} parameter `{name}`"),
                    Breaking,
                    Breaking,
                );
            }
        }
        for ((name, location), param) in &new {
            let data = param.parameter_data_ref();
            let Some(old_param) = old.get(&(name.clone(), *location)) else {
                let (verdict, what) = if data.required {
                    (Breaking, "required")
                } else {
                    (Compatible, "optional")
                };
                // An optional parameter is a field with a default in the generated parameters.
                self.push(
                    subject,
                    &pointer,
                    format!("added {what} {location} parameter `{name}`"),
                    verdict,
                    verdict,
                );
                continue;
            };
            let old_data = old_param.parameter_data_ref();
            if data.required && !old_data.required {
                self.push(
                    subject,
                    &pointer,
                    format!("{location} parameter `{name}` became required"),
                    Breaking,
                    Breaking,
                );
            } else if !data.required && old_data.required {
                self.push(
                    subject,
                    &pointer,
                    format!("{location} parameter `{name}` became optional"),
                    Compatible,
                    Breaking,
                );
            }
            let sig = |d: &openapiv3::ParameterData| match &d.format {
                ParameterSchemaOrContent::Schema(s) => signature(s),
                ParameterSchemaOrContent::Content(_) => "content".to_owned(),
            };
            let (before, after) = (sig(old_data), sig(data));
            if before != after {
                self.push(
                    subject,
                    &pointer,
                    format!("{location} parameter `{name}` changed type from {before} to {after}"),
                    Breaking,
                    Breaking,
                );
            }
            if old_data.explode != data.explode || style_of(old_param) != style_of(param) {
                self.push(
                    subject,
                    &pointer,
                    format!("{location} parameter `{name}` changed its serialization style"),
                    Breaking,
                    Compatible,
                );
            }
        }
    }

    fn request_body(
        &mut self,
        subject: &Subject,
        old_op: &Op<'a>,
        new_op: &Op<'a>,
        changed: &BTreeMap<String, (Verdict, Verdict)>,
    ) {
        let resolve = |c: Components<'a>, op: &Op<'a>| {
            op.op
                .request_body
                .as_ref()
                .and_then(|b| c.request_body(b).ok())
        };
        let (old, new) = (resolve(self.old, old_op), resolve(self.new, new_op));
        let pointer = new_op.pointer.push("requestBody");
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(
                subject,
                &pointer,
                "removed the request body".to_owned(),
                Breaking,
                Breaking,
            ),
            (None, Some(body)) => {
                let verdict = if body.required { Breaking } else { Compatible };
                self.push(
                    subject,
                    &pointer,
                    format!(
                        "added a{} request body",
                        if body.required {
                            " required"
                        } else {
                            "n optional"
                        }
                    ),
                    verdict,
                    Breaking,
                );
            }
            (Some(old), Some(new)) => {
                if new.required && !old.required {
                    self.push(
                        subject,
                        &pointer,
                        "the request body became required".to_owned(),
                        Breaking,
                        Breaking,
                    );
                }
                let old_media: BTreeSet<&String> = old.content.keys().collect();
                let new_media: BTreeSet<&String> = new.content.keys().collect();
                for media in old_media.difference(&new_media) {
                    self.push(
                        subject,
                        &pointer,
                        format!("the request body no longer accepts `{media}`"),
                        Breaking,
                        Breaking,
                    );
                }
                self.compare_bodies(
                    subject,
                    &pointer,
                    "the request body",
                    body_schema(&old.content),
                    body_schema(&new.content),
                    changed,
                );
            }
        }
    }

    fn compare_bodies(
        &mut self,
        subject: &Subject,
        pointer: &Pointer,
        what: &str,
        old: Option<(&String, &ReferenceOr<Schema>)>,
        new: Option<(&String, &ReferenceOr<Schema>)>,
        changed: &BTreeMap<String, (Verdict, Verdict)>,
    ) {
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.push(
                subject,
                pointer,
                format!("{what} lost its body"),
                Breaking,
                Breaking,
            ),
            (None, Some((media, _))) => self.push(
                subject,
                pointer,
                format!("{what} gained a `{media}` body"),
                Breaking,
                Breaking,
            ),
            (Some((_, old)), Some((_, new))) => {
                let (before, after) = (signature(old), signature(new));
                if before != after {
                    self.push(
                        subject,
                        pointer,
                        format!("{what} changed from {before} to {after}"),
                        Breaking,
                        Breaking,
                    );
                } else if let ReferenceOr::Reference { reference } = new {
                    let name = component_name(reference, "schemas").unwrap_or(reference);
                    if let Some((wire, rust)) = changed.get(name) {
                        self.push(
                            subject,
                            pointer,
                            format!("{what} schema `{name}` changed (see the schema)"),
                            *wire,
                            *rust,
                        );
                    }
                }
            }
        }
    }

    fn responses(
        &mut self,
        subject: &Subject,
        old_op: &Op<'a>,
        new_op: &Op<'a>,
        changed: &BTreeMap<String, (Verdict, Verdict)>,
    ) {
        let old = &old_op.op.responses.responses;
        let new = &new_op.op.responses.responses;
        let base = new_op.pointer.push("responses");
        let is_success = |s: &StatusCode| {
            matches!(s, StatusCode::Code(c) if (200..300).contains(c))
                || matches!(s, StatusCode::Range(2))
        };
        for status in old.keys() {
            if !new.contains_key(status) {
                // A success that disappears leaves old clients waiting for it; an error that
                // disappears only stops arriving. Either way its Rust variant is gone.
                let wire = if is_success(status) {
                    Breaking
                } else {
                    Compatible
                };
                self.push(
                    subject,
                    &old_op.pointer.push("responses").push(status),
                    format!("removed response {status}"),
                    wire,
                    Breaking,
                );
            }
        }
        for (status, new_response) in new {
            let pointer = base.push(status);
            let Ok(new_response) = self.new.response(new_response) else {
                continue;
            };
            let Some(old_response) = old.get(status) else {
                // Clients of the old document do not expect it; the Rust enums gain a variant.
                self.push(
                    subject,
                    &pointer,
                    format!("added response {status}"),
                    Breaking,
                    Breaking,
                );
                continue;
            };
            let Ok(old_response) = self.old.response(old_response) else {
                continue;
            };
            let what = format!("response {status}");
            self.compare_bodies(
                subject,
                &pointer,
                &what,
                body_schema(&old_response.content),
                body_schema(&new_response.content),
                changed,
            );
        }
    }

    fn security(
        &mut self,
        subject: &Subject,
        old_op: &Op<'a>,
        new_op: &Op<'a>,
        old: &OpenAPI,
        new: &OpenAPI,
    ) {
        let set = |op: &Op<'a>, doc: &OpenAPI| -> BTreeSet<Vec<String>> {
            op.op
                .security
                .as_ref()
                .or(doc.security.as_ref())
                .map(|reqs| reqs.iter().map(|r| r.keys().cloned().collect()).collect())
                .unwrap_or_default()
        };
        let (before, after) = (set(old_op, old), set(new_op, new));
        if before == after {
            return;
        }
        let pointer = new_op.pointer.push("security");
        let describe = |s: &BTreeSet<Vec<String>>| {
            s.iter()
                .map(|r| {
                    if r.is_empty() {
                        "none".to_owned()
                    } else {
                        r.join(" + ")
                    }
                })
                .collect::<Vec<_>>()
                .join(" | ")
        };
        // Fewer or looser requirements keep old clients working; anything else may not.
        let looser =
            before.is_empty() == after.is_empty() && before.iter().all(|r| after.contains(r));
        self.push(
            subject,
            &pointer,
            format!(
                "security changed from [{}] to [{}]",
                describe(&before),
                describe(&after)
            ),
            if looser { Compatible } else { Breaking },
            Compatible,
        );
    }

    fn schemas(&mut self, old: &'a OpenAPI, new: &'a OpenAPI) -> Vec<Change> {
        let saved = std::mem::take(&mut self.changes);
        let old_schemas: BTreeMap<&String, &ReferenceOr<Schema>> =
            Components::new(old).schemas().collect();
        let new_schemas: BTreeMap<&String, &ReferenceOr<Schema>> =
            Components::new(new).schemas().collect();
        let base = Pointer::root().push("components").push("schemas");
        for name in old_schemas.keys().filter(|n| !new_schemas.contains_key(*n)) {
            let subject = Subject::Schema((*name).clone());
            self.push(
                &subject,
                &base.push(name),
                format!("removed schema `{name}`"),
                Compatible,
                Breaking,
            );
        }
        for (name, new_schema) in &new_schemas {
            let subject = Subject::Schema((*name).clone());
            let pointer = base.push(name);
            let Some(old_schema) = old_schemas.get(name) else {
                self.push(
                    &subject,
                    &pointer,
                    format!("added schema `{name}`"),
                    Compatible,
                    Compatible,
                );
                continue;
            };
            self.schema(&subject, &pointer, "", old_schema, new_schema);
        }
        std::mem::replace(&mut self.changes, saved)
    }

    /// Compares two versions of one schema; `at` names the property path inside it.
    fn schema<T: std::borrow::Borrow<Schema>>(
        &mut self,
        subject: &Subject,
        pointer: &Pointer,
        at: &str,
        old: &ReferenceOr<T>,
        new: &ReferenceOr<T>,
    ) {
        let (before, after) = (signature(old), signature(new));
        let here = if at.is_empty() {
            String::new()
        } else {
            format!("`{at}` ")
        };
        if before != after {
            self.push(
                subject,
                pointer,
                format!("{here}changed type from {before} to {after}"),
                Breaking,
                Breaking,
            );
            return;
        }
        match (nullable(old), nullable(new)) {
            (false, true) => self.push(
                subject,
                pointer,
                format!("{here}became nullable"),
                Breaking,
                Breaking,
            ),
            (true, false) => self.push(
                subject,
                pointer,
                format!("{here}is no longer nullable"),
                Compatible,
                Breaking,
            ),
            _ => {}
        }
        let (ReferenceOr::Item(old), ReferenceOr::Item(new)) = (old, new) else {
            return;
        };
        let (old, new) = (old.borrow(), new.borrow());
        self.enum_values(subject, pointer, &here, old, new);
        self.discriminator(subject, pointer, &here, old, new);
        let (Some((old_props, old_required)), Some((new_props, new_required))) =
            (props_of(old), props_of(new))
        else {
            if let (SchemaKind::Type(Type::Array(a)), SchemaKind::Type(Type::Array(b))) =
                (&old.schema_kind, &new.schema_kind)
            {
                if let (Some(a), Some(b)) = (&a.items, &b.items) {
                    let at = if at.is_empty() {
                        "[]".to_owned()
                    } else {
                        format!("{at}[]")
                    };
                    self.schema(subject, &pointer.push("items"), &at, a, b);
                }
            }
            return;
        };
        let has_default = new_required.is_empty();
        let props_pointer = pointer.push("properties");
        for name in old_props.keys().filter(|n| !new_props.contains_key(*n)) {
            let path = join(at, name);
            self.push(
                subject,
                &props_pointer.push(name),
                format!("removed property `{path}`"),
                Breaking,
                Breaking,
            );
        }
        for (name, new_prop) in new_props {
            let path = join(at, name);
            let prop_pointer = props_pointer.push(name);
            let required = new_required.contains(name);
            let Some(old_prop) = old_props.get(name) else {
                let (wire, what) = if required {
                    (Breaking, "required")
                } else {
                    (Compatible, "optional")
                };
                let rust = match self.new_structs.get(pointer.as_str()) {
                    Some(generated) if derives_default(generated) => Compatible,
                    Some(_) => Breaking,
                    None if has_default && !required => Compatible,
                    None => Breaking,
                };
                self.push(
                    subject,
                    &prop_pointer,
                    format!("added {what} property `{path}`"),
                    wire,
                    rust,
                );
                continue;
            };
            let was_required = old_required.contains(name);
            // Breaking for Rust code only where the generated field changed with it.
            let rust = match (
                presence_of(self.old_structs.get(pointer.as_str()), name),
                presence_of(self.new_structs.get(pointer.as_str()), name),
            ) {
                (Some(before), Some(after)) if before == after => Compatible,
                _ => Breaking,
            };
            if required && !was_required {
                self.push(
                    subject,
                    &prop_pointer,
                    format!("property `{path}` became required"),
                    Breaking,
                    rust,
                );
            } else if !required && was_required {
                self.push(
                    subject,
                    &prop_pointer,
                    format!("property `{path}` became optional"),
                    Breaking,
                    rust,
                );
            }
            self.schema(subject, &prop_pointer, &path, old_prop, new_prop);
        }
    }

    fn enum_values(
        &mut self,
        subject: &Subject,
        pointer: &Pointer,
        here: &str,
        old: &Schema,
        new: &Schema,
    ) {
        let values = |s: &Schema| -> Vec<String> {
            match &s.schema_kind {
                SchemaKind::Type(Type::String(t)) => {
                    t.enumeration.iter().flatten().cloned().collect()
                }
                SchemaKind::Type(Type::Integer(t)) => t
                    .enumeration
                    .iter()
                    .flatten()
                    .map(ToString::to_string)
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (before, after) = (values(old), values(new));
        if before.is_empty() && after.is_empty() {
            return;
        }
        let pointer = pointer.push("enum");
        for value in before.iter().filter(|v| !after.contains(v)) {
            self.push(
                subject,
                &pointer,
                format!("{here}removed enum value `{value}`"),
                Breaking,
                Breaking,
            );
        }
        for value in after.iter().filter(|v| !before.contains(v)) {
            // Clients with closed enums reject it; the generated enums keep it in their catch-all.
            self.push(
                subject,
                &pointer,
                format!("{here}added enum value `{value}`"),
                Breaking,
                Compatible,
            );
        }
    }

    fn discriminator(
        &mut self,
        subject: &Subject,
        pointer: &Pointer,
        here: &str,
        old: &Schema,
        new: &Schema,
    ) {
        let mapping = |s: &Schema| {
            s.schema_data
                .discriminator
                .as_ref()
                .map(|d| d.mapping.clone())
                .unwrap_or_default()
        };
        let (before, after) = (mapping(old), mapping(new));
        let pointer = pointer.push("discriminator");
        for (tag, target) in &before {
            match after.get(tag) {
                None => self.push(subject, &pointer, format!("{here}removed discriminator mapping `{tag}`"), Breaking, Breaking),
                Some(new_target) if new_target != target => self.push(
                    subject,
                    &pointer,
                    format!("{here}discriminator mapping `{tag}` now points to `{new_target}` instead of `{target}`"),
                    Breaking,
                    Breaking,
                ),
                Some(_) => {}
            }
        }
        for tag in after.keys().filter(|t| !before.contains_key(*t)) {
            // An unknown tag is kept by the generated unions, so old code still decodes it.
            self.push(
                subject,
                &pointer,
                format!("{here}added discriminator mapping `{tag}`"),
                Breaking,
                Compatible,
            );
        }
    }
}

type Props<'s> = (
    &'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    &'s Vec<String>,
);

fn props_of(schema: &Schema) -> Option<Props<'_>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some((&o.properties, &o.required)),
        SchemaKind::Any(a) if !a.properties.is_empty() => Some((&a.properties, &a.required)),
        _ => None,
    }
}

fn style_of(param: &Parameter) -> String {
    match param {
        Parameter::Query { style, .. } => format!("{style:?}"),
        Parameter::Header { style, .. } => format!("{style:?}"),
        Parameter::Path { style, .. } => format!("{style:?}"),
        Parameter::Cookie { style, .. } => format!("{style:?}"),
    }
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

impl Report {
    /// One line: counts, breaking changes and the suggested bump.
    pub fn summary(&self) -> String {
        format!(
            "{} → {}: operations +{} -{} ~{}; schemas +{} -{} ~{}; {} breaking on the wire, {} breaking for Rust users; suggested bump: {}",
            self.old_version,
            self.new_version,
            self.operations_added,
            self.operations_removed,
            self.operations_changed,
            self.schemas_added,
            self.schemas_removed,
            self.schemas_changed,
            self.wire_breaking,
            self.rust_breaking,
            match self.bump {
                Bump::None => "none",
                Bump::Patch => "patch",
                Bump::Minor => "minor",
                Bump::Major => "major",
            },
        )
    }

    /// Plain text: the summary, then one line per change, grouped by subject.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n", self.summary());
        let mut current: Option<&Subject> = None;
        for change in &self.changes {
            if current != Some(&change.subject) {
                let _ = writeln!(out, "\n{}", subject_title(&change.subject));
                current = Some(&change.subject);
            }
            let _ = writeln!(
                out,
                "  {} [wire: {}, rust: {}]",
                change.what,
                verdict(change.wire),
                verdict(change.rust)
            );
        }
        out
    }

    /// Markdown: the summary and a table per subject kind.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("## Spec drift\n\n{}\n", self.summary());
        for (title, is_op) in [("Operations", true), ("Schemas", false)] {
            let rows: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| matches!(c.subject, Subject::Operation(_)) == is_op)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let _ = write!(
                out,
                "\n### {title}\n\n| {} | change | wire | Rust |\n|---|---|---|---|\n",
                if is_op { "operation" } else { "schema" }
            );
            for change in rows {
                let name = match &change.subject {
                    Subject::Operation(n) | Subject::Schema(n) => n,
                };
                let _ = writeln!(
                    out,
                    "| `{name}` | {} | {} | {} |",
                    change.what.replace('|', "\\|"),
                    verdict(change.wire),
                    verdict(change.rust)
                );
            }
        }
        out
    }

    /// JSON for tools.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn subject_title(subject: &Subject) -> String {
    match subject {
        Subject::Operation(id) => format!("operation {id}"),
        Subject::Schema(name) => format!("schema {name}"),
    }
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Compatible => "compatible",
        Breaking => "BREAKING",
    }
}
