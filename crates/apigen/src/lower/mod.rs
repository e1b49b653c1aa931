//! Stage 3, lower: turns the selected part of an `openapiv3` document into the [`ir`](crate::ir).
//!
//! Names come from [`crate::naming`]; this module decides what each construct *is*. Component
//! schemas are named first, so references resolve to final Rust names before any body is
//! lowered; inline schemas that need a type of their own (an object or enum inside a property,
//! parameter or response) are named after where they sit, such as `<Struct><Property>`.
//! Anything that cannot be represented exactly is lowered to the nearest faithful type and
//! reported as a degradation with its pointer; anything that cannot be generated at all is an
//! error.
//!
//! By concept: `schemas` (component and inline schemas), `operations` (parameters, bodies,
//! responses, security, groups) and `passes` (what is computed over the lowered types once
//! they are all known). They share the `Lowerer` state and this module's helpers.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use openapiv3::{
    APIKeyLocation, AdditionalProperties, ArrayType, IntegerFormat, NumberFormat, OpenAPI,
    Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema, SchemaKind,
    SecurityScheme, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::config::{Config, Renames, Types};
use crate::diagnostics::{Diagnostics, Pointer};
use crate::ir::{
    Additional, Api, AuthKind, AuthScheme, Body, Checks, Encoding, Enum, EnumRepr, Events, Field,
    Group, NamedEvent, NamedEvents, Operation, Pagination, Param, ParamLocation, ParamStyle,
    PathSegment, Presence, Primitive, RequestBody, Response, Security, SharedEnum, Status, Struct,
    TextRule, TypeDef, TypeKind, TypeRef, Union, UnionVariant, Variant,
};
use crate::naming::{self, Namespace};
use crate::resolve::{self, Components, Selected};

mod operations;
mod passes;
mod schemas;

use operations::*;
use passes::*;
use schemas::*;

/// Names the emitters claim in the client's and server's roots, where the types named after
/// operations live: kept free for them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Client",
    "Error",
    "ResponseValue",
    "RequestContext",
    "Binary",
];

/// The models crate's own names, and the type names of the std prelude: a schema keeps its name
/// unless it is one of these (a `pub type Vec` or `pub struct Option` in the models crate would
/// shadow the prelude for every user who writes `use models::*`).
const MODELS_RESERVED: &[&str] = &[
    "Binary",
    // The std prelude's types and traits (Rust 2024).
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "Default",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Debug",
    "Hash",
    "Future",
    "IntoFuture",
];

/// What else the client's support code exports from its root, where the types named after
/// operations live too.
const CLIENT_RUNTIME_NAMES: &[&str] = &[
    "ErrorResponse",
    "RawResponse",
    "BuildError",
    "BoxError",
    "BoxFuture",
    "OperationInfo",
    "RefreshingToken",
    "RetryPolicy",
    "TokenSource",
    "ByteStream",
    "Event",
    "EventError",
    "EventStream",
    "Events",
    "Upload",
];

/// The names generated methods and handlers use for their own locals, next to path parameters.
const PATH_LOCALS: &[&str] = &[
    "params",
    "body",
    "context",
    "api",
    "path",
    "query",
    "headers",
    "request",
    "response",
    "form",
    "multipart",
    "bytes",
    "pairs",
    "start",
];

/// Lowers the operations `config.select` picks from `doc`, and every schema they reach (every
/// component schema, with `select.components`), with the config's types and renames.
pub fn lower(doc: &OpenAPI, config: &Config, diags: &mut Diagnostics) -> Api {
    let components = Components::new(doc);
    let selection = &config.select;
    let selected = resolve::select(doc, selection, diags);
    let mut lowerer = Lowerer {
        doc,
        components,
        diags,
        types: Vec::new(),
        kinds: HashMap::new(),
        type_names: Namespace::with_reserved(MODELS_RESERVED),
        component_names: HashMap::new(),
        nullable_components: BTreeSet::new(),
        replaced: HashMap::new(),
        settings: &config.types,
        renames: &config.rename,
        unreached: BTreeSet::new(),
        renamed_ops: HashMap::new(),
    };
    lowerer.name_components(&selected, selection.unreached_components());
    lowerer.lower_components();
    let mut fn_names = Namespace::default();
    // Operations the user named keep those names; the others are named around them.
    for op in &selected {
        if let Some(name) = config.rename.operations.get(&op.id) {
            let claimed = fn_names.claim(name.clone());
            if &claimed != name {
                lowerer.diags.warning(
                    &op.pointer,
                    format!(
                        "`rename.operations` names two operations `{name}`; this one is `{claimed}`"
                    ),
                );
            }
            lowerer.renamed_ops.insert(op.id.clone(), claimed);
        }
    }
    let mut op_types =
        Namespace::with_reserved(&[RESERVED_TYPE_NAMES, CLIENT_RUNTIME_NAMES].concat());
    let mut params_names = Namespace::default();
    let mut operations = Vec::with_capacity(selected.len());
    for op in &selected {
        if let Some(op) = lowerer.operation(op, &mut fn_names, &mut op_types, &mut params_names) {
            operations.push(op);
        }
    }
    let mut types = std::mem::take(&mut lowerer.types);
    for op in &mut operations {
        op.pagination = pagination(op, &types);
        if let Some(pagination) = &mut op.pagination {
            // Claimed after every operation's own name, so an operation called `x_stream`
            // keeps its name and the walker of `x` gets another.
            pagination.stream_name = fn_names.claim(naming::snake_compound(&[&op.name, "stream"]));
        }
        // A success documented both as JSON and as events: the client's second method asks
        // for the events.
        let mut successes = op.responses.iter().filter(|r| r.is_success());
        if let (Some(success), None) = (successes.next(), successes.next())
            && success.events.is_some()
            && op.webhook.is_none()
        {
            op.events_name = Some(fn_names.claim(naming::snake_compound(&[&op.name, "events"])));
        }
        // Events told apart by name: an enum of them, named with the operation's types.
        let stem = op.type_stem.clone();
        for response in &mut op.responses {
            let variant = response.variant.clone();
            let events = match &mut response.body {
                Body::Events(events) => Some(events),
                _ => None,
            };
            for events in events.into_iter().chain(response.events.as_mut()) {
                if let Some(named) = &mut events.named
                    && named.type_name.is_empty()
                {
                    named.type_name = op_types.claim(format!("{stem}{variant}Event"));
                }
            }
        }
    }
    // One constant per distinct list of schemes, named after them (`AUTH_A_OR_B`).
    let mut const_names = Namespace::default();
    let mut by_schemes: HashMap<Vec<String>, String> = HashMap::new();
    for op in &mut operations {
        if op.security.schemes.is_empty() {
            continue;
        }
        let key: Vec<String> = op.security.schemes.iter().map(|s| s.name.clone()).collect();
        let name = by_schemes.entry(key).or_insert_with(|| {
            // A scheme listed twice (with other scopes) is named once.
            let mut words: Vec<String> = Vec::new();
            for scheme in &op.security.schemes {
                let word = naming::snake_name(&scheme.name)
                    .trim_matches('_')
                    .to_ascii_uppercase();
                if !words.contains(&word) {
                    words.push(word);
                }
            }
            const_names.claim(format!("AUTH_{}", words.join("_OR_")))
        });
        op.security.const_name = Some(name.clone());
    }
    directional_presence(&mut types, &operations);
    mark_boxed(&mut types);
    compatible_bases(&mut types);
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let (webhooks, mut operations): (Vec<Operation>, Vec<Operation>) =
        operations.into_iter().partition(|op| op.webhook.is_some());
    // Module names double as Cargo feature names, so `default` and `full` are taken too.
    let mut modules = Namespace::with_reserved(&[
        "models",
        "runtime",
        "router",
        "generated",
        "default",
        "full",
        "webhooks",
        "components",
        "middleware",
        "tracing",
        "mock",
    ]);
    let groups = group(&mut operations, &mut op_types, &mut modules, "Api", "");
    let mut webhooks = webhooks;
    let webhook_groups = group(
        &mut webhooks,
        &mut op_types,
        &mut modules,
        "Webhooks",
        "_webhooks",
    );
    // The client calls operations, not webhooks: only theirs share error enums.
    let shared_errors = operations::share_errors(&mut operations, &mut op_types);
    Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: non_empty(&doc.info.description),
        types,
        operations,
        groups,
        webhooks,
        webhook_groups,
        shared_errors,
        components_feature: !lowerer.unreached.is_empty(),
        features: config.crates.features,
    }
}

struct Lowerer<'a, 'd> {
    doc: &'a OpenAPI,
    /// Component schemas the user replaced with a type of their own, to its path.
    replaced: HashMap<&'a str, String>,
    /// `[types]` of the config.
    settings: &'d Types,
    /// `[rename]` of the config.
    renames: &'d Renames,
    /// Rust names of the component schemas no selected operation reaches (typed because the
    /// config asks for every component).
    unreached: BTreeSet<String>,
    /// operationId to the method name the user gave it, claimed before any other.
    renamed_ops: HashMap<String, String>,
    components: Components<'a>,
    diags: &'d mut Diagnostics,
    types: Vec<TypeDef>,
    /// Whether each lowered type is a struct (`true`) or an enum (`false`); others are absent.
    kinds: HashMap<String, bool>,
    type_names: Namespace,
    /// Component schema name to Rust type name, for every schema in the closure.
    component_names: HashMap<&'a str, String>,
    /// Component schemas that are nullable themselves, so every use of them is.
    nullable_components: BTreeSet<&'a str>,
}

/// A lowered type expression and whether the schema allowed null.
struct Lowered {
    ty: TypeRef,
    nullable: bool,
}

impl Lowered {
    fn new(ty: TypeRef) -> Self {
        Self {
            ty,
            nullable: false,
        }
    }
}

/// What a strict decoder checks of a string, array, integer or number schema (see [`Checks`]).
fn checks_of(schema: &Schema) -> Option<Checks> {
    let count = |n: Option<usize>| n.and_then(|n| i64::try_from(n).ok());
    let whole = |n: Option<f64>| {
        n.filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            // Whole and small enough to be exact.
            .map(|n| n as i64)
    };
    let (min, max) = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => (count(s.min_length), count(s.max_length)),
        SchemaKind::Type(Type::Array(a)) => (count(a.min_items), count(a.max_items)),
        SchemaKind::Type(Type::Integer(i)) => (
            i.minimum.map(|m| {
                if i.exclusive_minimum {
                    m.saturating_add(1)
                } else {
                    m
                }
            }),
            i.maximum.map(|m| {
                if i.exclusive_maximum {
                    m.saturating_sub(1)
                } else {
                    m
                }
            }),
        ),
        SchemaKind::Type(Type::Number(n)) => (
            whole(n.minimum.filter(|_| !n.exclusive_minimum)),
            whole(n.maximum.filter(|_| !n.exclusive_maximum)),
        ),
        SchemaKind::Any(any) => (
            count(any.min_length).or(count(any.min_items)),
            count(any.max_length).or(count(any.max_items)),
        ),
        _ => (None, None),
    };
    // `minLength: 0` and the like bound nothing.
    let numeric = matches!(
        schema.schema_kind,
        SchemaKind::Type(Type::Integer(_) | Type::Number(_))
    );
    let min = min.filter(|m| *m != 0 || numeric);
    let text = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match (&s.pattern, &s.format) {
            // A pattern the checker's regex engine does not read is not checked.
            (Some(pattern), _) if regex_lite::Regex::new(pattern).is_ok() => {
                Some(TextRule::Pattern(pattern.clone()))
            }
            (_, VariantOrUnknownOrEmpty::Unknown(format))
                if matches!(format.as_str(), "email" | "uri" | "ipv4" | "ipv6") =>
            {
                Some(TextRule::Format(format.clone()))
            }
            _ => None,
        },
        _ => None,
    };
    // The checks of an array's items (one level: items of items are not checked).
    let items = match &schema.schema_kind {
        SchemaKind::Type(Type::Array(ArrayType {
            items: Some(ReferenceOr::Item(item)),
            ..
        })) => checks_of(item)
            .map(|c| Checks { items: None, ..c })
            .map(Box::new),
        _ => None,
    };
    (min.is_some() || max.is_some() || text.is_some() || items.is_some()).then_some(Checks {
        min,
        max,
        text,
        items,
    })
}

/// The single `$ref` of an `allOf` that only wraps it to add `nullable`, `readOnly` or docs.
///
/// Validation keywords beside the `allOf` (`minLength`, `default`, which make `openapiv3` read the
/// schema as `Any`) do not change the type.
fn ref_wrapper(schema: &Schema) -> Option<&str> {
    let all_of = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any)
            if any.typ.is_none()
                && any.properties.is_empty()
                && any.items.is_none()
                && any.enumeration.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none() =>
        {
            &any.all_of
        }
        _ => return None,
    };
    match all_of.as_slice() {
        [ReferenceOr::Reference { reference }] => Some(reference),
        _ => None,
    }
}

/// Documentation text from the document, when there is some. Intra-doc links the document's
/// own generator wrote (`` [`init_flags`] ``, copied from Rust doc comments by schemars and
/// utoipa) name items of *its* crate, not of the generated ones: they become plain code spans.
fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(unlink_intra_doc)
}

fn unlink_intra_doc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let target = after.find("`]").filter(|&end| {
            let inner = &after[..end];
            !inner.is_empty() && !inner.contains(['`', ' ', '\n'])
        });
        match target {
            Some(end) if !after[end + 2..].starts_with(['(', '[', ':']) => {
                out.push('`');
                out.push_str(&after[..end]);
                out.push('`');
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("[`");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A schema's documentation: its title and description, when present.
fn schema_doc(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    match (non_empty(&data.title), non_empty(&data.description)) {
        (Some(title), Some(description)) => Some(format!("{title}\n\n{description}")),
        (title, description) => title.or(description),
    }
}

#[cfg(test)]
mod tests {
    use super::unlink_intra_doc;

    /// Every operation of an inline document, lowered.
    fn lowered(yaml: &str) -> crate::ir::Api {
        let spec = crate::parse("t.yaml", yaml).expect("the document parses");
        let config = crate::Config {
            select: crate::config::Selection::all(),
            ..Default::default()
        };
        super::lower(&spec.document, &config, &mut Default::default())
    }

    #[test]
    fn operations_documenting_the_same_errors_share_one_enum() {
        let op = |id: &str, errors: &str| {
            format!(
                "    get:\n      operationId: {id}\n      tags: [t{id}]\n      responses:\n        \
                 '200': {{description: ok}}\n{errors}"
            )
        };
        let forbidden = "        '403':\n          description: no\n          content:\n            \
                         application/json:\n              schema: {type: string}\n";
        let missing = "        '404': {description: gone}\n";
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n{}  /b:\n{}  \
             /c:\n{}  /d:\n{}  /e:\n{}",
            op("a", forbidden),
            op("b", &format!("{forbidden}{missing}")),
            op("c", forbidden),
            op("d", "        '403': {description: no}\n"),
            op("e", "        '403': {description: no}\n"),
        );
        let api = lowered(&yaml);
        let shared: Vec<(&str, Vec<&str>)> = api
            .shared_errors
            .iter()
            .map(|s| {
                let ops = s.operations.iter().map(|&i| api.operations[i].id.as_str());
                (s.name.as_str(), ops.collect())
            })
            .collect();
        // Same variants, other bodies: a second name, numbered in the order of the contents.
        assert_eq!(
            shared,
            [
                ("ForbiddenError", vec!["d", "e"]),
                ("ForbiddenError2", vec!["a", "c"])
            ]
        );
        let b = api.operations.iter().find(|op| op.id == "b").unwrap();
        assert_eq!(
            (b.error_type.as_str(), b.shared_error.as_deref()),
            ("BError", None)
        );
        let a = api.operations.iter().find(|op| op.id == "a").unwrap();
        assert_eq!(a.shared_error.as_deref(), Some("ForbiddenError2"));
    }

    /// The events of the first response of the operation `id`: its body's, or its second
    /// method's.
    fn events_of<'a>(api: &'a crate::ir::Api, id: &str) -> &'a crate::ir::Events {
        let op = api.operations.iter().find(|op| op.id == id).unwrap();
        match &op.responses[0].body {
            crate::ir::Body::Events(events) => events,
            _ => op.responses[0].events.as_ref().expect("events"),
        }
    }

    #[test]
    fn event_streams_are_typed_by_their_schema_their_item_schema_or_their_event_names() {
        let yaml = r##"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /item:
    get:
      operationId: item
      responses:
        '200':
          description: 3.2's itemSchema
          content:
            text/event-stream:
              itemSchema: {$ref: '#/components/schemas/Tick'}
  /text:
    get:
      operationId: text
      responses:
        '200': {description: no schema, content: {text/event-stream: {}}}
  /frame:
    get:
      operationId: frame
      responses:
        '200':
          description: the event's fields
          content:
            text/event-stream:
              schema:
                type: object
                properties:
                  event: {type: string}
                  data: {$ref: '#/components/schemas/Tick'}
  /named:
    get:
      operationId: named
      responses:
        '200':
          description: two kinds, by name
          content:
            text/event-stream:
              schema:
                oneOf:
                  - {type: object, properties: {event: {const: tick}, data: {$ref: '#/components/schemas/Tick'}}}
                  - {type: object, properties: {event: {enum: [tock]}, data: {type: string}}}
  /union:
    get:
      operationId: union
      responses:
        '200':
          description: a union of data, not of events
          content:
            text/event-stream:
              schema:
                oneOf:
                  - {$ref: '#/components/schemas/Tick'}
                  - {type: string}
  /both:
    post:
      operationId: both
      responses:
        '200':
          description: JSON or events
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Tick'}
            text/event-stream:
              schema: {$ref: '#/components/schemas/Tick'}
components:
  schemas:
    Tick:
      type: object
      properties:
        n: {type: integer}
"##;
        let api = lowered(yaml);
        let tick = crate::ir::TypeRef::Named("Tick".to_owned());
        assert_eq!(events_of(&api, "item").data, Some(tick.clone()));
        assert_eq!(events_of(&api, "text").data, None);
        assert!(events_of(&api, "text").named.is_none());
        assert_eq!(events_of(&api, "frame").data, Some(tick.clone()));
        let named = events_of(&api, "named")
            .named
            .as_ref()
            .expect("named events");
        let variants: Vec<(&str, &str)> = named
            .variants
            .iter()
            .map(|v| (v.event.as_str(), v.variant.as_str()))
            .collect();
        assert_eq!(variants, [("tick", "Tick"), ("tock", "Tock")]);
        assert_eq!(named.variants[0].data, tick);
        assert_eq!(named.type_name, "NamedOkEvent");
        // A union of data schemas is one data type, not events by name.
        let union = events_of(&api, "union");
        assert!(union.named.is_none() && union.data.is_some());
        // JSON and events: the JSON body, the events, and a second method for them.
        let both = api.operations.iter().find(|op| op.id == "both").unwrap();
        assert_eq!(both.responses[0].body, crate::ir::Body::Json(tick.clone()));
        assert_eq!(both.events_name.as_deref(), Some("both_events"));
        assert_eq!(events_of(&api, "both").data, Some(tick));
    }

    #[test]
    fn intra_doc_links_of_the_documents_generator_become_code_spans() {
        assert_eq!(
            unlink_intra_doc("when passed into [`init_feature_flags`]."),
            "when passed into `init_feature_flags`."
        );
        // Links with a target, reference definitions and other brackets stay.
        for kept in [
            "[`x`](https://x.io)",
            "[`x`][ref]",
            "[`x`]: https://x.io",
            "[a b] and [`a b`]",
        ] {
            assert_eq!(unlink_intra_doc(kept), kept);
        }
    }
}
