//! Stage 2, resolve: selects the operations to generate and follows `$ref`s.
//!
//! Only local references into `#/components/...` are supported; anything else is reported with
//! the pointer of the `$ref`. Chains of references are followed up to [`MAX_REF_DEPTH`] links so
//! that a reference cycle is an error, not a hang. [`schema_closure`] collects every component
//! schema the selected operations reach, transitively, in a deterministic order.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, Parameter, ReferenceOr, RequestBody, Response,
    Schema, SchemaKind, Type,
};

use crate::config::Selection;
use crate::diagnostics::{Diagnostics, Pointer};
use crate::ir::Method;

pub use crate::spec::MAX_REF_DEPTH;

/// An operation picked by the selection, with where it sits in the document.
#[derive(Debug, Clone)]
pub struct Selected<'a> {
    /// The operationId, or a name derived from method and path when the document has none.
    pub id: String,
    /// The path template (for a webhook, the path its generated receiver serves).
    pub path: &'a str,
    /// The webhook's name, for a webhook (an operation the API calls, not one it serves).
    pub webhook: Option<&'a str>,
    /// The pointer of the path item (`/paths/~1pets`, `/webhooks/newPet`).
    pub item_pointer: Pointer,
    /// The HTTP method.
    pub method: Method,
    /// Parameters declared on the path item, shared by its operations.
    pub path_params: &'a [ReferenceOr<Parameter>],
    /// The operation object.
    pub operation: &'a Operation,
    /// The pointer of the operation object.
    pub pointer: Pointer,
}

/// The method for an OpenAPI path-item key such as `get`.
pub(crate) fn method_of(name: &str) -> Method {
    match name {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        _ => Method::Trace,
    }
}

/// Picks the operations `selection` asks for, in document order.
///
/// Reports operationIds used twice, selected operationIds and tags that match nothing, and path
/// items given as references (which OpenAPI 3.0 allows only to other files).
pub fn select<'a>(
    doc: &'a OpenAPI,
    selection: &Selection,
    diags: &mut Diagnostics,
) -> Vec<Selected<'a>> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut selected = Vec::new();
    let mut matched_ids = BTreeSet::new();
    let mut matched_tags = BTreeSet::new();
    let mut excluded_ids = BTreeSet::new();
    let mut excluded_tags = BTreeSet::new();
    let paths = Pointer::root().push("paths");
    for (key, item) in doc.paths.iter() {
        let mut path = key.as_str();
        let mut item_pointer = paths.push(key);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                diags.error(
                    &item_pointer,
                    format!(
                        "path item references `{reference}`; only inline path items are supported"
                    ),
                );
                continue;
            }
        };
        let mark = |name: &str| item.extensions.get(name).and_then(|v| v.as_str());
        let webhook = if key.starts_with(crate::spec::WEBHOOK_KEY) {
            let (Some(name), Some(route)) = (
                mark(crate::spec::WEBHOOK_NAME_MARK),
                mark(crate::spec::WEBHOOK_ROUTE_MARK),
            ) else {
                continue;
            };
            path = route;
            if let Some(pointer) = mark(crate::spec::WEBHOOK_POINTER_MARK) {
                item_pointer = Pointer::from_encoded(pointer);
            }
            Some(name)
        } else {
            None
        };
        for (method, operation) in item.iter() {
            let pointer = item_pointer.push(method);
            let id = match &operation.operation_id {
                Some(id) if !id.trim().is_empty() => id.clone(),
                // A webhook is named after itself (its method is nearly always `post`).
                _ if webhook.is_some() => {
                    let name = webhook.unwrap_or_default();
                    if method == "post" {
                        name.to_owned()
                    } else {
                        format!("{name}_{method}")
                    }
                }
                _ => {
                    let derived = derived_id(method, path);
                    diags.warning(
                        &pointer,
                        format!("operation has no operationId; named `{derived}` after its method and path"),
                    );
                    derived
                }
            };
            let id = if let Some(first) = seen.get(&id) {
                let mut n = 2;
                while seen.contains_key(&format!("{id}_{n}")) {
                    n += 1;
                }
                let renamed = format!("{id}_{n}");
                diags.warning(
                    &pointer,
                    format!("operationId `{id}` is already used by `#{first}`; this one is named `{renamed}`"),
                );
                renamed
            } else {
                id
            };
            seen.insert(id.clone(), pointer.to_string());
            let tag = operation.tags.first();
            let by_id = selection.operations.contains(&id);
            let by_tag = tag.is_some_and(|t| selection.tags.contains(t));
            let by_path = selection
                .paths
                .iter()
                .any(|glob| crate::config::path_matches(glob, path));
            if by_id {
                matched_ids.insert(id.clone());
            }
            if by_tag {
                matched_tags.extend(tag.cloned());
            }
            let excluded_id = selection.exclude_operations.contains(&id);
            let excluded_tag = tag.is_some_and(|t| selection.exclude_tags.contains(t));
            if excluded_id {
                excluded_ids.insert(id.clone());
            }
            if excluded_tag {
                excluded_tags.extend(tag.cloned());
            }
            let excluded = excluded_id
                || excluded_tag
                || selection
                    .exclude_paths
                    .iter()
                    .any(|glob| crate::config::path_matches(glob, path));
            if (selection.all || by_id || by_tag || by_path) && !excluded {
                selected.push(Selected {
                    id,
                    path,
                    webhook,
                    item_pointer: item_pointer.clone(),
                    method: method_of(method),
                    path_params: &item.parameters,
                    operation,
                    pointer,
                });
            }
        }
    }
    for id in selection
        .operations
        .iter()
        .filter(|id| !matched_ids.contains(*id))
    {
        diags.error(
            "/paths",
            format!("selected operation `{id}` is not in the document"),
        );
    }
    for tag in selection.tags.iter().filter(|t| !matched_tags.contains(*t)) {
        diags.error(
            "/paths",
            format!("selected tag `{tag}` is the first tag of no operation"),
        );
    }
    // An exclusion that matches nothing excludes nothing: worth a word, not a refusal.
    for id in selection
        .exclude_operations
        .iter()
        .filter(|id| !excluded_ids.contains(*id))
    {
        diags.warning(
            "/paths",
            format!("excluded operation `{id}` is not in the document"),
        );
    }
    for tag in selection
        .exclude_tags
        .iter()
        .filter(|t| !excluded_tags.contains(*t))
    {
        diags.warning(
            "/paths",
            format!("excluded tag `{tag}` is the first tag of no operation"),
        );
    }
    for glob in selection.paths.iter().filter(|glob| {
        !doc.paths
            .paths
            .keys()
            .any(|path| crate::config::path_matches(glob, path))
    }) {
        diags.error(
            "/paths",
            format!("selected path glob `{glob}` matches no path"),
        );
    }
    selected
}

/// A Rust-friendly operation id from a method and a path: `get /api/v1/items/{id}` is
/// `get_api_v1_items_id`.
pub(crate) fn derived_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for word in path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        id.push('_');
        id.push_str(word);
    }
    id
}

/// The name of the component a local reference such as `#/components/schemas/Foo` points to.
///
/// Fails with a message when the reference is not local, or points into another section.
pub fn component_name<'r>(reference: &'r str, section: &str) -> Result<&'r str, String> {
    let prefix = format!("#/components/{section}/");
    match reference.strip_prefix(&prefix) {
        Some(name) if !name.is_empty() && !name.contains('/') => Ok(name),
        _ if !reference.starts_with('#') => Err(format!(
            "`$ref: {reference}` points into another document; only local references are supported"
        )),
        _ => Err(format!(
            "`$ref: {reference}` does not name an entry of `#/components/{section}`"
        )),
    }
}

/// Looks up `#/components/<section>/<name>` references, following chains.
#[derive(Clone, Copy)]
pub struct Components<'a> {
    doc: &'a OpenAPI,
}

macro_rules! lookup {
    ($(#[$doc:meta])* $fn:ident, $ty:ty, $section:literal, $field:ident) => {
        $(#[$doc])*
        pub fn $fn(&self, item: &'a ReferenceOr<$ty>) -> Result<&'a $ty, String> {
            let mut current = item;
            for _ in 0..MAX_REF_DEPTH {
                let reference = match current {
                    ReferenceOr::Item(item) => return Ok(item),
                    ReferenceOr::Reference { reference } => reference,
                };
                let name = component_name(reference, $section)?;
                current = self
                    .doc
                    .components
                    .as_ref()
                    .and_then(|c| c.$field.get(name))
                    .ok_or_else(|| format!("`$ref: {reference}` points to nothing"))?;
            }
            Err(format!("a chain of more than {MAX_REF_DEPTH} `$ref`s from here; is it a cycle?"))
        }
    };
}

impl<'a> Components<'a> {
    /// Lookups into `doc`'s components.
    pub fn new(doc: &'a OpenAPI) -> Self {
        Self { doc }
    }

    lookup!(
        /// Resolves a parameter or a reference to one.
        parameter, Parameter, "parameters", parameters
    );
    lookup!(
        /// Resolves a response or a reference to one.
        response, Response, "responses", responses
    );
    lookup!(
        /// Resolves a request body or a reference to one.
        request_body, RequestBody, "requestBodies", request_bodies
    );

    /// The component schema called `name`.
    pub fn schema(&self, name: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.doc.components.as_ref()?.schemas.get(name)
    }

    /// Every component schema, in document order.
    pub fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.doc.components.iter().flat_map(|c| c.schemas.iter())
    }
}

/// Visits every schema reference directly inside `schema` (not through other references).
fn direct_refs<'s>(schema: &'s Schema, out: &mut Vec<&'s str>) {
    fn visit<'s, T: std::borrow::Borrow<Schema>>(item: &'s ReferenceOr<T>, out: &mut Vec<&'s str>) {
        match item {
            ReferenceOr::Reference { reference } => out.push(reference),
            ReferenceOr::Item(schema) => direct_refs(schema.borrow(), out),
        }
    }
    fn visit_additional<'s>(additional: &'s Option<AdditionalProperties>, out: &mut Vec<&'s str>) {
        if let Some(AdditionalProperties::Schema(schema)) = additional {
            visit(schema, out);
        }
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.values().for_each(|p| visit(p, out));
            visit_additional(&object.additional_properties, out);
        }
        SchemaKind::Type(Type::Array(array)) => array.items.iter().for_each(|i| visit(i, out)),
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: list }
        | SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list } => list.iter().for_each(|s| visit(s, out)),
        SchemaKind::Not { not } => visit(not, out),
        SchemaKind::Any(any) => {
            any.properties.values().for_each(|p| visit(p, out));
            visit_additional(&any.additional_properties, out);
            any.items.iter().for_each(|i| visit(i, out));
            for list in [&any.one_of, &any.all_of, &any.any_of] {
                list.iter().for_each(|s| visit(s, out));
            }
            any.not.iter().for_each(|n| visit(n, out));
        }
    }
}

/// Every component schema reachable from `roots`, sorted by name.
///
/// A reference that points to nothing is reported at `pointer_of_root` (the root that led there)
/// and left out, so that lowering reports it again precisely where it is used.
pub fn schema_closure<'a>(
    components: Components<'a>,
    roots: impl IntoIterator<Item = &'a ReferenceOr<Schema>>,
    follow: impl Fn(&str) -> bool,
) -> BTreeSet<&'a str> {
    let mut found: BTreeSet<&'a str> = BTreeSet::new();
    let mut queue: Vec<&'a str> = Vec::new();
    let mut refs = Vec::new();
    for root in roots {
        match root {
            ReferenceOr::Reference { reference } => refs.push(reference.as_str()),
            ReferenceOr::Item(schema) => direct_refs(schema, &mut refs),
        }
    }
    loop {
        for reference in refs.drain(..) {
            if let Ok(name) = component_name(reference, "schemas") {
                if let Some((key, _)) = components
                    .doc
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get_key_value(name))
                {
                    if follow(key) && found.insert(key.as_str()) {
                        queue.push(key.as_str());
                    }
                }
            }
        }
        let Some(name) = queue.pop() else { break };
        match components.schema(name) {
            Some(ReferenceOr::Item(schema)) => direct_refs(schema, &mut refs),
            Some(ReferenceOr::Reference { reference }) => refs.push(reference),
            None => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> OpenAPI {
        crate::load::parse("t.yaml", text).unwrap().document
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn component_names() {
        assert_eq!(
            component_name("#/components/schemas/Foo", "schemas"),
            Ok("Foo")
        );
        assert!(
            component_name("other.yaml#/Foo", "schemas")
                .unwrap_err()
                .contains("another document")
        );
        assert!(component_name("#/components/responses/Foo", "schemas").is_err());
    }

    #[test]
    fn closure_is_transitive_and_ignores_unreached() {
        let d = doc(&format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{b: {{$ref: '#/components/schemas/B'}}}}}}\n    B: {{type: array, items: {{$ref: '#/components/schemas/C'}}}}\n    C: {{type: object, properties: {{a: {{$ref: '#/components/schemas/A'}}}}}}\n    D: {{type: string}}\n"
        ));
        let root = ReferenceOr::ref_("#/components/schemas/A");
        let names: Vec<_> = schema_closure(Components::new(&d), [&root], |_| true)
            .into_iter()
            .collect();
        assert_eq!(names, ["A", "B", "C"]);
    }

    #[test]
    fn selection_reports_unknown_and_duplicate_ids() {
        let d = doc(&format!(
            "{HEAD}paths:\n  /a:\n    get: {{operationId: x, responses: {{}}}}\n    put: {{operationId: x, responses: {{}}}}\n"
        ));
        let mut diags = Diagnostics::default();
        let selection = Selection {
            operations: vec!["x".into(), "missing".into()],
            ..Selection::default()
        };
        let picked = select(&d, &selection, &mut diags);
        assert_eq!(picked.len(), 1);
        let all: Vec<String> = diags.into_vec().iter().map(ToString::to_string).collect();
        assert_eq!(
            all,
            [
                "warning: #/paths/~1a/put: operationId `x` is already used by `#/paths/~1a/get`; this one is named `x_2`",
                "error: #/paths: selected operation `missing` is not in the document",
            ]
        );
    }
}
