//! Stage 3, lower: turns the selected part of an `openapiv3` document into the [`ir`](crate::ir).
//!
//! Names come from [`crate::naming`]; this module decides what each construct *is*. Component
//! schemas are named first, so references resolve to final Rust names before any body is
//! lowered; inline schemas that need a type of their own (an object or enum inside a property,
//! parameter or response) are named after where they sit, such as `<Struct><Property>`.
//! Anything that cannot be represented exactly is lowered to the nearest faithful type and
//! reported as a degradation with its pointer; anything that cannot be generated at all is an
//! error.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use openapiv3::{
    APIKeyLocation, AdditionalProperties, ArrayType, IntegerFormat, NumberFormat, OpenAPI,
    Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema, SchemaKind,
    SecurityScheme, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::config::Selection;
use crate::diagnostics::{Diagnostics, Pointer};
use crate::ir::{
    Additional, Api, AuthKind, AuthScheme, Body, Checks, Encoding, Enum, Field, Group, Operation,
    Pagination, Param, ParamLocation, ParamStyle, PathSegment, Presence, Primitive, RequestBody,
    Response, Security, Status, Struct, TextRule, TypeDef, TypeKind, TypeRef, Union, UnionVariant,
    Variant,
};
use crate::naming::{self, Namespace};
use crate::resolve::{self, Components, Selected};

/// Names the emitters claim in every generated crate's root, kept free for them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Client",
    "Error",
    "ResponseValue",
    "RequestContext",
    "Binary",
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

/// Lowers the operations `selection` picks from `doc`, and every schema they reach.
pub fn lower(doc: &OpenAPI, selection: &Selection, diags: &mut Diagnostics) -> Api {
    let components = Components::new(doc);
    let selected = resolve::select(doc, selection, diags);
    let mut lowerer = Lowerer {
        doc,
        components,
        diags,
        types: Vec::new(),
        kinds: HashMap::new(),
        type_names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
        component_names: HashMap::new(),
        nullable_components: BTreeSet::new(),
    };
    lowerer.name_components(&selected);
    lowerer.lower_components();
    let mut fn_names = Namespace::default();
    let mut op_types = Namespace::with_reserved(RESERVED_TYPE_NAMES);
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
            pagination.stream_name = fn_names.claim(format!("{}_stream", op.name));
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
            let words: Vec<String> = op
                .security
                .schemes
                .iter()
                .map(|s| {
                    naming::snake_name(&s.name)
                        .trim_matches('_')
                        .to_ascii_uppercase()
                })
                .collect();
            const_names.claim(format!("AUTH_{}", words.join("_OR_")))
        });
        op.security.const_name = Some(name.clone());
    }
    directional_presence(&mut types, &operations);
    mark_boxed(&mut types);
    compatible_bases(&mut types);
    types.sort_by(|a, b| a.name.cmp(&b.name));
    let groups = group(&operations, &mut op_types);
    Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        types,
        operations,
        groups,
    }
}

struct Lowerer<'a, 'd> {
    doc: &'a OpenAPI,
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

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A schema's documentation: its title and description, when present.
fn schema_doc(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    match (non_empty(&data.title), non_empty(&data.description)) {
        (Some(title), Some(description)) => Some(format!("{title}\n\n{description}")),
        (title, description) => title.or(description),
    }
}

impl<'a> Lowerer<'a, '_> {
    /// Names every component schema the selection reaches, in name order, before lowering any.
    fn name_components(&mut self, selected: &[Selected<'a>]) {
        let mut roots: Vec<&'a ReferenceOr<Schema>> = Vec::new();
        for op in selected {
            for param in op.path_params.iter().chain(&op.operation.parameters) {
                if let Ok(param) = self.components.parameter(param) {
                    if let ParameterSchemaOrContent::Schema(schema) =
                        &param.parameter_data_ref().format
                    {
                        roots.push(schema);
                    }
                }
            }
            if let Some(body) = &op.operation.request_body {
                if let Ok(body) = self.components.request_body(body) {
                    roots.extend(body.content.values().filter_map(|m| m.schema.as_ref()));
                }
            }
            let responses = &op.operation.responses;
            for response in responses.responses.values().chain(&responses.default) {
                if let Ok(response) = self.components.response(response) {
                    roots.extend(response.content.values().filter_map(|m| m.schema.as_ref()));
                }
            }
        }
        for name in resolve::schema_closure(self.components, roots) {
            let rust = self.type_names.claim(naming::type_name(name));
            self.component_names.insert(name, rust);
            if let Some(ReferenceOr::Item(schema)) = self.components.schema(name) {
                if schema.schema_data.nullable {
                    self.nullable_components.insert(name);
                }
            }
        }
    }

    fn lower_components(&mut self) {
        let mut names: Vec<(&'a str, String)> = self
            .component_names
            .iter()
            .map(|(wire, rust)| (*wire, rust.clone()))
            .collect();
        names.sort();
        let base = Pointer::root().push("components").push("schemas");
        for (wire, rust) in names {
            let pointer = base.push(wire);
            let Some(schema) = self.components.schema(wire) else {
                continue;
            };
            let def = match schema {
                ReferenceOr::Reference { .. } => {
                    if let Some(cycle) = self.alias_cycle(wire) {
                        self.diags.error(
                            &pointer,
                            format!("reference cycle with no type in between: {cycle}; give one of them a schema"),
                        );
                        continue;
                    }
                    let lowered = self.type_of(schema, &rust, &pointer);
                    self.alias(&rust, wire, &pointer, None, lowered)
                }
                ReferenceOr::Item(schema) => self.define(&rust, wire, schema, &pointer),
            };
            self.push_type(def);
        }
    }

    /// The chain `A → B → A` when component `start` is a `$ref` that leads back to itself
    /// through `$ref`s alone (an alias of itself, which no type can express).
    fn alias_cycle(&self, start: &'a str) -> Option<String> {
        let mut chain = vec![start];
        let mut current = start;
        while let Some(ReferenceOr::Reference { reference }) = self.components.schema(current) {
            let next = resolve::component_name(reference, "schemas").ok()?;
            if next == start {
                chain.push(next);
                return Some(chain.join(" → "));
            }
            if chain.contains(&next) {
                // A cycle further down the chain; it is reported at its own members.
                return None;
            }
            chain.push(next);
            current = next;
        }
        None
    }

    fn alias(
        &self,
        name: &str,
        wire: &str,
        pointer: &Pointer,
        doc: Option<String>,
        lowered: Lowered,
    ) -> TypeDef {
        let ty = if lowered.nullable {
            TypeRef::Nullable(Box::new(lowered.ty))
        } else {
            lowered.ty
        };
        TypeDef {
            name: name.to_owned(),
            wire_name: wire.to_owned(),
            pointer: pointer.to_string(),
            doc,
            kind: TypeKind::Alias(ty),
        }
    }

    /// Lowers a schema that gets a name of its own: a struct, an enum or an alias.
    fn define(&mut self, name: &str, wire: &str, schema: &'a Schema, pointer: &Pointer) -> TypeDef {
        let doc = schema_doc(schema);
        let mut kind = self.define_kind(name, schema, pointer);
        if let (TypeKind::Struct(s), Some(serde_json::Value::Array(bases))) = (
            &mut kind,
            schema
                .schema_data
                .extensions
                .get(crate::normalize::BASES_MARK),
        ) {
            // Candidates by Rust name; `compatible_bases` keeps those every field of which this
            // struct has unchanged.
            s.bases = bases
                .iter()
                .filter_map(|b| b.as_str())
                .filter_map(|b| self.component_names.get(b).cloned())
                .filter(|b| b != name)
                .collect();
        }
        if let TypeKind::Alias(_) = kind {
            let mut lowered = self.inline(schema, name, pointer);
            lowered.nullable |= schema.schema_data.nullable;
            return self.alias(name, wire, pointer, doc, lowered);
        }
        TypeDef {
            name: name.to_owned(),
            wire_name: wire.to_owned(),
            pointer: pointer.to_string(),
            doc,
            kind,
        }
    }

    /// What a named schema is; `Alias` (with a placeholder) for what [`Self::inline`] lowers.
    fn define_kind(&mut self, name: &str, schema: &'a Schema, pointer: &Pointer) -> TypeKind {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object))
                if object_is_struct(&object.properties, &object.additional_properties) =>
            {
                TypeKind::Struct(self.object(
                    name,
                    &object.properties,
                    &object.required,
                    &object.additional_properties,
                    pointer,
                ))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => TypeKind::Struct(self.object(
                name,
                &any.properties,
                &any.required,
                &any.additional_properties,
                pointer,
            )),
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                TypeKind::Enum(self.string_enum(&string.enumeration, pointer))
            }
            SchemaKind::OneOf { one_of } => {
                TypeKind::Union(self.union(name, one_of, schema, pointer))
            }
            SchemaKind::Any(any) if !any.one_of.is_empty() && any.all_of.is_empty() => {
                TypeKind::Union(self.union(name, &any.one_of, schema, pointer))
            }
            // An alias of a nullable type keeps its nullability in the type; uses of the
            // component add no second layer (see `nullable_components`).
            _ => TypeKind::Alias(TypeRef::Any),
        }
    }

    fn object(
        &mut self,
        type_name: &str,
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: &'a Option<AdditionalProperties>,
        pointer: &Pointer,
    ) -> Struct {
        let mut names = Namespace::default();
        let mut fields = Vec::with_capacity(properties.len());
        let props_pointer = pointer.push("properties");
        for (wire, property) in properties {
            let field_pointer = props_pointer.push(wire);
            let name = names.claim(naming::snake_name(wire));
            let context = format!("{type_name}{}", naming::type_name(wire));
            let lowered = self.type_of(property, &context, &field_pointer);
            let (doc, read_only, write_only, checks) = match property {
                ReferenceOr::Item(schema) => (
                    non_empty(&schema.schema_data.description),
                    schema.schema_data.read_only,
                    schema.schema_data.write_only,
                    checks_of(schema),
                ),
                ReferenceOr::Reference { .. } => (None, false, false, None),
            };
            fields.push(Field {
                name,
                wire_name: wire.clone(),
                ty: lowered.ty,
                presence: Presence::new(required.contains(wire), lowered.nullable),
                boxed: false,
                doc,
                read_only,
                write_only,
                checks,
            });
        }
        for name in required.iter().filter(|r| !properties.contains_key(*r)) {
            self.diags.warning(
                pointer.push("required"),
                format!("required property `{name}` is not declared in `properties`; it is not generated"),
            );
        }
        let additional = match additional {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Any),
            Some(AdditionalProperties::Schema(schema)) => {
                let context = format!("{type_name}Value");
                let lowered = self.type_of(schema, &context, &pointer.push("additionalProperties"));
                Some(nullable_if(lowered))
            }
        };
        Struct {
            fields,
            bases: Vec::new(),
            additional: additional.map(|ty| Additional {
                name: names.claim("additional_properties".to_owned()),
                ty,
            }),
        }
    }

    fn string_enum(&mut self, values: &[Option<String>], pointer: &Pointer) -> Enum {
        let mut names = Namespace::default();
        let mut variants = Vec::with_capacity(values.len());
        let mut seen = BTreeSet::new();
        for value in values.iter().flatten() {
            if !seen.insert(value.as_str()) {
                continue;
            }
            variants.push(Variant {
                name: names.claim(naming::variant_name(value)),
                value: value.clone(),
            });
        }
        if values.iter().any(Option::is_none) {
            self.diags.degraded(
                pointer.push("enum"),
                "`null` among the enum values; null is accepted where the schema is nullable and ignored as a value",
            );
        }
        let other = ["Other", "UnknownValue"]
            .into_iter()
            .find(|candidate| !names.contains(candidate))
            .map_or_else(|| names.claim("Other".to_owned()), str::to_owned);
        Enum { variants, other }
    }

    /// A `oneOf` (or an `anyOf`, which normalisation marks): tagged by its discriminator
    /// (explicit mapping first, then the schema names of unmapped alternatives, as OpenAPI
    /// specifies), or by a tag it implies (every alternative an object with one required property
    /// whose schema allows a single string), or untagged, its alternatives tried most specific
    /// first.
    fn union(
        &mut self,
        name: &str,
        one_of: &'a [ReferenceOr<Schema>],
        schema: &'a Schema,
        pointer: &Pointer,
    ) -> Union {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let any_of = schema
            .schema_data
            .extensions
            .contains_key(crate::normalize::ANY_OF_MARK);
        let keyword = if any_of { "anyOf" } else { "oneOf" };
        let mut names = Namespace::default();
        let mut variants = Vec::with_capacity(one_of.len());
        let variant_name = |ty: &TypeRef, fallback: &str| match ty {
            TypeRef::Named(name) => name.clone(),
            _ => naming::type_name(fallback),
        };
        let tag = match discriminator {
            Some(discriminator) => {
                let mut mapped: BTreeSet<&str> = BTreeSet::new();
                let mapping = pointer.push("discriminator").push("mapping");
                for (tag, reference) in &discriminator.mapping {
                    let ty = self.reference(reference, &mapping.push(tag)).ty;
                    mapped.insert(reference);
                    variants.push(UnionVariant {
                        name: names.claim(variant_name(&ty, tag)),
                        tag_value: Some(tag.clone()),
                        ty,
                    });
                }
                for (index, alternative) in one_of.iter().enumerate() {
                    let at = pointer.push(keyword).push(index);
                    let reference = match alternative {
                        ReferenceOr::Reference { reference } => Some(reference.as_str()),
                        ReferenceOr::Item(item) => ref_wrapper(item),
                    };
                    if let Some(reference) = reference {
                        if mapped.contains(reference) {
                            continue;
                        }
                        let Ok(tag) = resolve::component_name(reference, "schemas") else {
                            self.diags.error(&at, "a discriminated `oneOf` alternative must be a `$ref` to a component schema");
                            continue;
                        };
                        let ty = self.reference(reference, &at).ty;
                        variants.push(UnionVariant {
                            name: names.claim(variant_name(&ty, tag)),
                            tag_value: Some(tag.to_owned()),
                            ty,
                        });
                        continue;
                    }
                    // An inline alternative is selected by the single value its tag property allows.
                    let value = self.single_tag_value(alternative, &discriminator.property_name);
                    match value {
                        Some(value) => {
                            let context = format!("{name}{}", naming::type_name(&value));
                            let ty = nullable_if(self.type_of(alternative, &context, &at));
                            variants.push(UnionVariant {
                                name: names.claim(variant_name(&ty, &context)),
                                tag_value: Some(value),
                                ty,
                            });
                        }
                        None => self.diags.degraded(
                            &at,
                            "an inline alternative of a discriminated `oneOf` whose tag value is not a single string is not generated; such values are kept as JSON in the catch-all variant",
                        ),
                    }
                }
                Some(discriminator.property_name.clone())
            }
            None => match self.implied_tag(one_of) {
                Some((tag, values)) => {
                    for ((index, alternative), value) in one_of.iter().enumerate().zip(values) {
                        let context = format!("{name}{}", naming::type_name(&value));
                        let ty = nullable_if(self.type_of(
                            alternative,
                            &context,
                            &pointer.push(keyword).push(index),
                        ));
                        variants.push(UnionVariant {
                            name: names.claim(variant_name(&ty, &context)),
                            tag_value: Some(value),
                            ty,
                        });
                    }
                    Some(tag)
                }
                None => {
                    let mut order: Vec<(usize, Specificity)> = one_of
                        .iter()
                        .enumerate()
                        .map(|(index, alternative)| (index, self.specificity(alternative)))
                        .collect();
                    // Most specific first; ties keep the document's order.
                    order.sort_by_key(|a| a.1.rank());
                    if let Some((a, b)) = ambiguous_pair(&order) {
                        self.diags.degraded(
                            pointer.push(keyword),
                            format!("`{keyword}` alternatives `{a}` and `{b}` can both match one value; the generated untagged enum tries them most specific first and the first that decodes wins"),
                        );
                    }
                    for (index, _) in order {
                        let alternative = &one_of[index];
                        let context = format!("{name}Variant{index}");
                        let lowered =
                            self.type_of(alternative, &context, &pointer.push(keyword).push(index));
                        let ty = nullable_if(lowered);
                        variants.push(UnionVariant {
                            name: names.claim(variant_name(&ty, &context)),
                            tag_value: None,
                            ty,
                        });
                    }
                    None
                }
            },
        };
        let other = ["Unknown", "UnknownVariant"]
            .into_iter()
            .find(|candidate| !names.contains(candidate))
            .map_or_else(|| names.claim("Unknown".to_owned()), str::to_owned);
        Union {
            tag,
            variants,
            other,
        }
    }

    /// The schema a reference (or a single-reference wrapper) leads to, following chains.
    fn resolved<T: std::borrow::Borrow<Schema>>(
        &self,
        schema: &'a ReferenceOr<T>,
    ) -> Option<&'a Schema> {
        let mut reference = match schema {
            ReferenceOr::Item(item) => {
                let item: &'a Schema = item.borrow();
                match ref_wrapper(item) {
                    Some(reference) => reference,
                    None => return Some(item),
                }
            }
            ReferenceOr::Reference { reference } => reference.as_str(),
        };
        for _ in 0..resolve::MAX_REF_DEPTH {
            let name = resolve::component_name(reference, "schemas").ok()?;
            match self.components.schema(name)? {
                ReferenceOr::Item(item) => match ref_wrapper(item) {
                    Some(next) => reference = next,
                    None => return Some(item),
                },
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// The properties and required names of an object schema.
    fn object_parts(schema: &'a Schema) -> Option<ObjectParts<'a>> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                Some((&o.properties, &o.required))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                Some((&any.properties, &any.required))
            }
            _ => None,
        }
    }

    /// The one string `property` of `alternative` allows (a single-value `enum`), if any.
    fn single_tag_value<T: std::borrow::Borrow<Schema>>(
        &self,
        alternative: &'a ReferenceOr<T>,
        property: &str,
    ) -> Option<String> {
        let (properties, _) = Self::object_parts(self.resolved(alternative)?)?;
        let schema = self.resolved(properties.get(property)?)?;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
                [Some(value)] => Some(value.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// A tag the alternatives imply: a property every alternative requires, each allowing one
    /// string of its own (distinct across alternatives).
    fn implied_tag(&self, one_of: &'a [ReferenceOr<Schema>]) -> Option<(String, Vec<String>)> {
        if one_of.len() < 2 {
            return None;
        }
        let (first_properties, first_required) = Self::object_parts(self.resolved(&one_of[0])?)?;
        'candidates: for candidate in first_required {
            if !first_properties.contains_key(candidate) {
                continue;
            }
            let mut values = Vec::with_capacity(one_of.len());
            for alternative in one_of {
                let (_, required) = self.resolved(alternative).and_then(Self::object_parts)?;
                if !required.contains(candidate) {
                    continue 'candidates;
                }
                match self.single_tag_value(alternative, candidate) {
                    Some(value) if !values.contains(&value) => values.push(value),
                    _ => continue 'candidates,
                }
            }
            return Some((candidate.clone(), values));
        }
        None
    }

    /// What kind of JSON an alternative accepts, for ordering an untagged union.
    fn specificity(&self, alternative: &'a ReferenceOr<Schema>) -> Specificity {
        let Some(schema) = self.resolved(alternative) else {
            return Specificity::Any;
        };
        if let Some((properties, required)) = Self::object_parts(schema) {
            let required: BTreeSet<String> = required
                .iter()
                .filter(|r| properties.contains_key(*r))
                .cloned()
                .collect();
            return Specificity::Object {
                required,
                properties: properties.keys().cloned().collect(),
            };
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Boolean(_)) => Specificity::Bool,
            SchemaKind::Type(Type::Integer(_)) => Specificity::Integer,
            SchemaKind::Type(Type::Number(_)) => Specificity::Number,
            SchemaKind::Type(Type::String(string)) => {
                if !string.enumeration.is_empty() {
                    Specificity::StringEnum
                } else if !matches!(string_format(&string.format), Primitive::String)
                    || string.pattern.is_some()
                {
                    Specificity::FormattedString
                } else {
                    Specificity::String
                }
            }
            SchemaKind::Type(Type::Array(_)) => Specificity::Array,
            SchemaKind::Type(Type::Object(_)) => Specificity::Map,
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => Specificity::Union,
            _ => Specificity::Any,
        }
    }

    fn type_of<T: std::borrow::Borrow<Schema>>(
        &mut self,
        schema: &'a ReferenceOr<T>,
        context: &str,
        pointer: &Pointer,
    ) -> Lowered {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.inline(schema.borrow(), context, pointer),
        }
    }

    fn reference(&mut self, reference: &str, pointer: &Pointer) -> Lowered {
        let name = match resolve::component_name(reference, "schemas") {
            Ok(name) => name,
            Err(message) => {
                self.diags.error(pointer, message);
                return Lowered::new(TypeRef::Any);
            }
        };
        match self.component_names.get(name) {
            Some(rust) => Lowered {
                ty: TypeRef::Named(rust.clone()),
                nullable: false,
            },
            None => {
                self.diags
                    .error(pointer, format!("`$ref: {reference}` points to nothing"));
                Lowered::new(TypeRef::Any)
            }
        }
    }

    /// Lowers an inline schema; objects and enums become named types called `context`.
    fn inline(&mut self, schema: &'a Schema, context: &str, pointer: &Pointer) -> Lowered {
        let nullable = schema.schema_data.nullable;
        if let Some(reference) = ref_wrapper(schema) {
            let inner = self.reference(reference, &pointer.push("allOf").push(0));
            return Lowered {
                ty: inner.ty,
                nullable: nullable || inner.nullable,
            };
        }
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                self.named_inline(schema, context, pointer)
            }
            SchemaKind::Type(Type::String(string)) => {
                TypeRef::Primitive(string_format(&string.format))
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                if !integer.enumeration.is_empty() {
                    self.diags.degraded(
                        pointer.push("enum"),
                        "integer enum generated as a plain integer; its values are not checked",
                    );
                }
                TypeRef::Primitive(match integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Primitive::I32,
                    _ => Primitive::I64,
                })
            }
            SchemaKind::Type(Type::Number(number)) => TypeRef::Primitive(match number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Primitive::F32,
                _ => Primitive::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Primitive(Primitive::Bool),
            SchemaKind::Type(Type::Array(array)) => {
                let items = match &array.items {
                    Some(items) => nullable_if(self.type_of(
                        items,
                        &format!("{context}Item"),
                        &pointer.push("items"),
                    )),
                    None => TypeRef::Any,
                };
                TypeRef::Vec(Box::new(items))
            }
            SchemaKind::Type(Type::Object(object)) => {
                if object_is_struct(&object.properties, &object.additional_properties) {
                    self.named_inline(schema, context, pointer)
                } else {
                    match &object.additional_properties {
                        Some(AdditionalProperties::Schema(value)) => {
                            let value = self.type_of(
                                value,
                                &format!("{context}Value"),
                                &pointer.push("additionalProperties"),
                            );
                            TypeRef::Map(Box::new(nullable_if(value)))
                        }
                        _ => TypeRef::Map(Box::new(TypeRef::Any)),
                    }
                }
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                self.named_inline(schema, context, pointer)
            }
            SchemaKind::Any(any)
                if any.one_of.is_empty()
                    && any.all_of.is_empty()
                    && any.any_of.is_empty()
                    && any.not.is_none() =>
            {
                if let Some(typ) = &any.typ {
                    self.unreadable_typed_schema(typ, any, pointer);
                }
                TypeRef::Any
            }
            SchemaKind::OneOf { .. } => self.named_inline(schema, context, pointer),
            SchemaKind::Any(any) if !any.one_of.is_empty() && any.all_of.is_empty() => {
                self.named_inline(schema, context, pointer)
            }
            SchemaKind::Not { .. } => {
                self.diags.degraded(
                    pointer,
                    "`not` has no Rust equivalent; the value is kept as `serde_json::Value`",
                );
                TypeRef::Any
            }
            SchemaKind::AllOf { .. } => {
                self.diags.degraded(pointer, "this `allOf` could not be merged (a member is not a schema of this document, or members of several unions); the value is kept as `serde_json::Value`");
                TypeRef::Any
            }
            SchemaKind::AnyOf { .. } | SchemaKind::Any(_) => {
                self.diags.degraded(pointer, "this combination of `anyOf`, `oneOf`, `allOf` or `not` with other keywords has no Rust equivalent; the value is kept as `serde_json::Value`");
                TypeRef::Any
            }
        };
        Lowered { ty, nullable }
    }

    /// A schema with a `type` that `openapiv3` could not read as that type, because a keyword has
    /// the wrong shape: an `enum` value of another type is an error (the values could not be
    /// sent), anything else (a fractional `minimum` on an integer) is reported and kept as JSON.
    fn unreadable_typed_schema(
        &mut self,
        typ: &str,
        any: &openapiv3::AnySchema,
        pointer: &Pointer,
    ) {
        let fits = |value: &serde_json::Value| match typ {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if let Some((index, value)) = any
            .enumeration
            .iter()
            .enumerate()
            .find(|(_, value)| !value.is_null() && !fits(value))
        {
            self.diags.error(
                pointer.push("enum").push(index),
                format!(
                    "the `enum` value {value} is not of the schema's `type: {typ}`{}",
                    if typ == "string" {
                        " (quote it, as in '1', if the API sends it as a string)"
                    } else {
                        ""
                    }
                ),
            );
        } else {
            self.diags.degraded(
                pointer,
                format!(
                    "a keyword of this `type: {typ}` schema has the wrong shape for its type (such as a fractional bound on an integer); the value is kept as `serde_json::Value`"
                ),
            );
        }
    }

    /// Gives an inline object or enum schema a type of its own.
    fn named_inline(&mut self, schema: &'a Schema, context: &str, pointer: &Pointer) -> TypeRef {
        let name = self.type_names.claim(naming::type_name(context));
        let def = self.define(&name, &name, schema, pointer);
        self.push_type(def);
        TypeRef::Named(name)
    }

    fn operation(
        &mut self,
        selected: &Selected<'a>,
        fn_names: &mut Namespace,
        op_types: &mut Namespace,
        params_names: &mut Namespace,
    ) -> Option<Operation> {
        let op = selected.operation;
        let pointer = &selected.pointer;
        let name = fn_names.claim(naming::snake_name(&selected.id));
        let type_stem = naming::type_name(&selected.id);
        let error_type = op_types.claim(format!("{type_stem}Error"));
        let response_type = op_types.claim(format!("{type_stem}Response"));
        let success_type = op_types.claim(format!("{type_stem}Success"));
        let before = self.diags.has_errors();

        let mut params = self.parameters(selected, &type_stem);
        let path_segments = self.path_template(selected, &mut params);
        let params_type = params
            .iter()
            .any(|p| p.location != ParamLocation::Path)
            .then(|| params_names.claim(format!("{type_stem}Params")));
        let body = self.request_body(selected, &type_stem);
        let responses = self.responses(selected, &type_stem);
        let security = self.security(op.security.as_ref().or(self.doc.security.as_ref()), pointer);
        if self.diags.has_errors() && !before {
            return None;
        }
        Some(Operation {
            id: selected.id.clone(),
            name,
            type_stem,
            error_type,
            response_type,
            success_type,
            tag: op
                .tags
                .first()
                .cloned()
                .unwrap_or_else(|| "untagged".to_owned()),
            pointer: pointer.to_string(),
            method: selected.method,
            path: selected.path.to_owned(),
            path_segments,
            summary: non_empty(&op.summary),
            description: non_empty(&op.description),
            deprecated: op.deprecated,
            params,
            responses,
            body,
            params_type,
            security,
            pagination: None,
        })
    }

    /// Path-item parameters overridden by the operation's own, path parameters first.
    fn parameters(&mut self, selected: &Selected<'a>, type_stem: &str) -> Vec<Param> {
        let mut merged: Vec<(&'a Parameter, Pointer)> = Vec::new();
        let item_pointer = Pointer::root()
            .push("paths")
            .push(selected.path)
            .push("parameters");
        let op_pointer = selected.pointer.push("parameters");
        let sources = selected
            .path_params
            .iter()
            .enumerate()
            .map(|(i, p)| (p, item_pointer.push(i)))
            .chain(
                selected
                    .operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, op_pointer.push(i))),
            );
        for (param, pointer) in sources {
            let param = match self.components.parameter(param) {
                Ok(param) => param,
                Err(message) => {
                    self.diags.error(&pointer, message);
                    continue;
                }
            };
            let key = |p: &Parameter| {
                (
                    std::mem::discriminant(p),
                    p.parameter_data_ref().name.clone(),
                )
            };
            merged.retain(|(existing, _)| key(existing) != key(param));
            merged.push((param, pointer));
        }
        // Path parameters become arguments and locals of the generated methods and handlers, next
        // to these; query and header parameters become fields of the parameter struct.
        let mut fields = Namespace::default();
        let mut names = Namespace::with_reserved(PATH_LOCALS);
        let mut params = Vec::with_capacity(merged.len());
        for (param, pointer) in merged {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => ParamLocation::Header,
                Parameter::Cookie { .. } => {
                    self.diags.degraded(
                        &pointer,
                        "cookie parameters are not generated; set the cookie on your own `reqwest::Client`",
                    );
                    continue;
                }
            };
            let (style, explode) = match param {
                Parameter::Query { style, .. } => {
                    let style = match style {
                        QueryStyle::Form => ParamStyle::Form,
                        QueryStyle::DeepObject => ParamStyle::DeepObject,
                        QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                        QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    };
                    (style, data.explode.unwrap_or(style == ParamStyle::Form))
                }
                _ => (ParamStyle::Simple, data.explode.unwrap_or(false)),
            };
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let context = format!("{type_stem}{}", naming::type_name(&data.name));
                    self.type_of(schema, &context, &pointer.push("schema")).ty
                }
                ParameterSchemaOrContent::Content(content) => {
                    // `content` parameters carry their value serialised in the media type; JSON
                    // (the only one in practice) is sent as JSON text.
                    match content.iter().next() {
                        Some((media, media_type)) if is_json(media) => match &media_type.schema {
                            Some(schema) => {
                                let context =
                                    format!("{type_stem}{}", naming::type_name(&data.name));
                                let ty = self
                                    .type_of(
                                        schema,
                                        &context,
                                        &pointer.push("content").push(media).push("schema"),
                                    )
                                    .ty;
                                if !self.is_scalar(&ty) {
                                    self.diags.warning(
                                        pointer.push("content"),
                                        "a parameter given by JSON `content` is sent as JSON text",
                                    );
                                }
                                ty
                            }
                            None => TypeRef::Primitive(Primitive::String),
                        },
                        _ => {
                            self.diags.degraded(
                                pointer.push("content"),
                                "a parameter given by non-JSON `content` is sent as a string",
                            );
                            TypeRef::Primitive(Primitive::String)
                        }
                    }
                }
            };
            if matches!(&ty, TypeRef::Primitive(Primitive::Binary)) {
                self.diags
                    .degraded(pointer.push("schema"), "a binary parameter is sent as text");
            }
            let ty = match ty {
                TypeRef::Primitive(Primitive::Binary) => TypeRef::Primitive(Primitive::String),
                ty => ty,
            };
            let scalar_list = match (&ty, location) {
                (TypeRef::Vec(item), ParamLocation::Query | ParamLocation::Header) => {
                    self.is_scalar(item)
                }
                (ty, _) => self.is_scalar(ty),
            };
            // Anything else (objects, maps, unions, nested arrays) travels through serde, in the
            // parameter's style (`deepObject`, exploded or not).
            let structured = !scalar_list;
            params.push(Param {
                name: if location == ParamLocation::Path {
                    names.claim(naming::snake_name(&data.name))
                } else {
                    fields.claim(naming::snake_name(&data.name))
                },
                wire_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                explode,
                style,
                structured,
                doc: non_empty(&data.description),
            });
        }
        params
    }

    /// Splits the path template, checking it against the declared path parameters: a declared
    /// path parameter the template does not use is dropped, and a template variable no parameter
    /// declares becomes a required string parameter (both reported).
    fn path_template(
        &mut self,
        selected: &Selected<'a>,
        params: &mut Vec<Param>,
    ) -> Vec<PathSegment> {
        let pointer = Pointer::root().push("paths").push(selected.path);
        // The template's pieces: literal text and variable names.
        let mut pieces: Vec<(bool, &str)> = Vec::new();
        let mut rest = selected.path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.diags
                    .error(&pointer, "unclosed `{` in the path template");
                return Vec::new();
            };
            if open > 0 {
                pieces.push((false, &rest[..open]));
            }
            pieces.push((true, &rest[open + 1..close]));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push((false, rest));
        }
        let variables: BTreeSet<&str> =
            pieces.iter().filter(|(v, _)| *v).map(|(_, n)| *n).collect();
        params.retain(|param| {
            let keep = param.location != ParamLocation::Path || variables.contains(param.wire_name.as_str());
            if !keep {
                self.diags.warning(
                    &selected.pointer,
                    format!(
                        "path parameter `{}` does not appear in the path template; it is not generated",
                        param.wire_name
                    ),
                );
            }
            keep
        });
        let mut segments = Vec::with_capacity(pieces.len());
        for (variable, text) in pieces {
            if !variable {
                segments.push(PathSegment::Literal(text.to_owned()));
                continue;
            }
            let index = match params
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire_name == text)
            {
                Some(index) => index,
                None => {
                    self.diags.warning(
                        &selected.pointer,
                        format!("the path template uses `{{{text}}}`, which no parameter declares; it is generated as a required string path parameter"),
                    );
                    let mut name = naming::snake_name(text);
                    let mut n = 2;
                    while params.iter().any(|p| p.name == name)
                        || PATH_LOCALS.contains(&name.as_str())
                    {
                        name = format!("{}_{n}", naming::snake_name(text));
                        n += 1;
                    }
                    params.push(Param {
                        name,
                        wire_name: text.to_owned(),
                        location: ParamLocation::Path,
                        ty: TypeRef::Primitive(Primitive::String),
                        required: true,
                        explode: false,
                        style: ParamStyle::Simple,
                        structured: false,
                        doc: None,
                    });
                    params.len() - 1
                }
            };
            segments.push(PathSegment::Param(index));
        }
        segments
    }

    fn responses(&mut self, selected: &Selected<'a>, type_stem: &str) -> Vec<Response> {
        let responses = &selected.operation.responses;
        let base = selected.pointer.push("responses");
        let mut names = Namespace::default();
        let mut sorted: Vec<(&StatusCode, &'a ReferenceOr<openapiv3::Response>)> =
            responses.responses.iter().collect();
        sorted.sort_by_key(|(status, _)| match status {
            StatusCode::Code(code) => (0, *code),
            StatusCode::Range(class) => (1, *class),
        });
        let mut out = Vec::with_capacity(sorted.len() + 1);
        let default = responses
            .default
            .as_ref()
            .map(|response| (None, response, base.push("default")));
        let documented = sorted
            .into_iter()
            .map(|(status, response)| (Some(status), response, base.push(status)));
        for (status, response, pointer) in documented.chain(default) {
            let response = match self.components.response(response) {
                Ok(response) => response,
                Err(message) => {
                    self.diags.error(&pointer, message);
                    continue;
                }
            };
            let (status, variant) = match status {
                Some(StatusCode::Code(code)) => {
                    (Status::Code(*code), naming::status_variant(*code))
                }
                Some(StatusCode::Range(class)) => {
                    (Status::Range(*class), naming::status_range_variant(*class))
                }
                None => (Status::Default, "Default".to_owned()),
            };
            let variant = names.claim(variant);
            // RFC 9110: 204, 205 and 304 responses end at the headers; HTTP clients (hyper among
            // them) never read a body there, so declared content could never be decoded.
            let body = match status {
                Status::Code(code @ (204 | 205 | 304)) if !response.content.is_empty() => {
                    self.diags.degraded(
                        pointer.push("content"),
                        format!(
                            "a {code} response has no body in HTTP; its declared content is ignored"
                        ),
                    );
                    Body::Empty
                }
                _ => self.response_body(response, &format!("{type_stem}{variant}"), &pointer),
            };
            out.push(Response {
                status,
                variant,
                description: non_empty(&Some(response.description.clone())),
                body,
            });
        }
        out
    }

    fn response_body(
        &mut self,
        response: &'a openapiv3::Response,
        context: &str,
        pointer: &Pointer,
    ) -> Body {
        let content = pointer.push("content");
        if let Some((media, schema)) = response.content.iter().find(|(media, _)| is_json(media)) {
            return match &schema.schema {
                Some(schema) => {
                    let lowered = self.type_of(
                        schema,
                        &format!("{context}Body"),
                        &content.push(media).push("schema"),
                    );
                    Body::Json(nullable_if(lowered))
                }
                None => Body::Json(TypeRef::Any),
            };
        }
        match response.content.keys().next() {
            Some(media) if is_text(media) => Body::Text(media.clone()),
            Some(media) => Body::Bytes(media.clone()),
            None => Body::Empty,
        }
    }

    /// The request body: JSON when the operation accepts it, else multipart, form, text or
    /// bytes, in that order of preference.
    fn request_body(&mut self, selected: &Selected<'a>, type_stem: &str) -> Option<RequestBody> {
        let body = selected.operation.request_body.as_ref()?;
        let pointer = selected.pointer.push("requestBody");
        let body = match self.components.request_body(body) {
            Ok(body) => body,
            Err(message) => {
                self.diags.error(&pointer, message);
                return None;
            }
        };
        let rank = |media: &str| {
            let essence = media_essence(media);
            if is_json(media) {
                0
            } else if essence == "multipart/form-data" {
                1
            } else if essence == "application/x-www-form-urlencoded" {
                2
            } else if is_text(media) {
                3
            } else {
                4
            }
        };
        let Some((media, content)) = body.content.iter().min_by_key(|(media, _)| rank(media))
        else {
            self.diags.error(
                &pointer,
                "a request body must declare at least one media type",
            );
            return None;
        };
        let encoding = match rank(media) {
            0 => Encoding::Json,
            1 => Encoding::Multipart,
            2 => Encoding::Form,
            3 => Encoding::Text,
            _ => Encoding::Bytes,
        };
        let schema_pointer = pointer.push("content").push(media).push("schema");
        let mut encoding = encoding;
        let ty = match (&content.schema, encoding) {
            (_, Encoding::Text) => TypeRef::Primitive(Primitive::String),
            (_, Encoding::Bytes) => TypeRef::Primitive(Primitive::Binary),
            (None, Encoding::Json) => TypeRef::Any,
            (Some(schema), _) => {
                nullable_if(self.type_of(schema, &format!("{type_stem}Body"), &schema_pointer))
            }
            (None, _) => TypeRef::Any,
        };
        let ty = if matches!(encoding, Encoding::Multipart | Encoding::Form)
            && !matches!(&ty, TypeRef::Named(name) if self.is_struct(name))
        {
            // No parts to name: the caller sends the body already encoded.
            self.diags.degraded(
                &schema_pointer,
                format!("a `{media}` body whose schema is not an object with properties is sent as bytes the caller encodes"),
            );
            encoding = Encoding::Bytes;
            TypeRef::Primitive(Primitive::Binary)
        } else {
            ty
        };
        Some(RequestBody {
            media: media.clone(),
            encoding,
            ty,
            required: body.required,
            doc: non_empty(&body.description),
        })
    }

    fn push_type(&mut self, def: TypeDef) {
        match def.kind {
            TypeKind::Struct(_) => {
                self.kinds.insert(def.name.clone(), true);
            }
            TypeKind::Enum(_) => {
                self.kinds.insert(def.name.clone(), false);
            }
            _ => {}
        }
        self.types.push(def);
    }

    /// Whether a parameter of this type travels as one piece of text: a primitive or an enum.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        matches!(ty, TypeRef::Primitive(_)) || self.is_enum(ty)
    }

    fn is_struct(&self, name: &str) -> bool {
        self.kinds.get(name) == Some(&true)
    }

    fn is_enum(&self, ty: &TypeRef) -> bool {
        matches!(ty, TypeRef::Named(name) if self.kinds.get(name) == Some(&false))
    }

    fn security(
        &mut self,
        requirements: Option<&'a Vec<openapiv3::SecurityRequirement>>,
        pointer: &Pointer,
    ) -> Security {
        let mut security = Security::default();
        let Some(requirements) = requirements else {
            security.optional = true;
            return security;
        };
        if requirements.is_empty() {
            security.optional = true;
        }
        let schemes = self.doc.components.as_ref().map(|c| &c.security_schemes);
        for (index, requirement) in requirements.iter().enumerate() {
            if requirement.is_empty() {
                security.optional = true;
            }
            let at = pointer.push("security").push(index);
            let mut all = Vec::with_capacity(requirement.len());
            for name in requirement.keys() {
                let kind = match schemes.and_then(|s| s.get(name)) {
                    Some(ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. })) => {
                        // Registered schemes as their RFCs spell them (scheme names are
                        // case-insensitive); others, such as `bearer+agent`, as declared.
                        let registered = ["Basic", "Bearer", "Digest"]
                            .into_iter()
                            .find(|known| known.eq_ignore_ascii_case(scheme));
                        AuthKind::Http(registered.map_or_else(|| scheme.clone(), str::to_owned))
                    }
                    Some(ReferenceOr::Item(SecurityScheme::APIKey {
                        location,
                        name: key,
                        ..
                    })) => match location {
                        APIKeyLocation::Header => AuthKind::Header(key.clone()),
                        APIKeyLocation::Query => AuthKind::Query(key.clone()),
                        APIKeyLocation::Cookie => AuthKind::Cookie(key.clone()),
                    },
                    // OAuth 2 and OpenID Connect end in a bearer token the caller obtains.
                    Some(ReferenceOr::Item(
                        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. },
                    )) => AuthKind::Http("Bearer".to_owned()),
                    Some(ReferenceOr::Reference { .. }) => {
                        self.diags.error(
                            &at,
                            format!("security scheme `{name}` is a `$ref`, which is not supported"),
                        );
                        continue;
                    }
                    None => {
                        self.diags.warning(&at, format!("security scheme `{name}` is not declared in `#/components/securitySchemes`; the requirement is ignored"));
                        all.clear();
                        break;
                    }
                };
                all.push(AuthScheme {
                    name: name.clone(),
                    kind,
                });
            }
            let scheme = match all.len() {
                0 => continue,
                1 => all.remove(0),
                _ => AuthScheme {
                    name: all
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" and "),
                    kind: AuthKind::All(all),
                },
            };
            if !security.schemes.iter().any(|s| s.name == scheme.name) {
                security.schemes.push(scheme);
            }
        }
        if security.schemes.is_empty() && !requirements.is_empty() && !security.optional {
            // Every requirement named undeclared schemes: nothing can be sent.
            security.optional = true;
        }
        security
    }
}

/// The properties and required names of an object schema.
type ObjectParts<'a> = (
    &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    &'a [String],
);

/// What an untagged union's alternative accepts, most specific first (see [`Specificity::rank`]).
#[derive(Debug, Clone)]
enum Specificity {
    Bool,
    Integer,
    Number,
    StringEnum,
    FormattedString,
    String,
    Array,
    Object {
        required: BTreeSet<String>,
        properties: BTreeSet<String>,
    },
    Map,
    Union,
    Any,
}

impl Specificity {
    /// The order alternatives are tried in: integers before numbers (a number would take them),
    /// constrained strings before plain ones, objects with more required properties first, maps
    /// and anything-goes alternatives last.
    fn rank(&self) -> (u8, std::cmp::Reverse<usize>, std::cmp::Reverse<usize>) {
        use std::cmp::Reverse;
        match self {
            Self::Bool => (0, Reverse(0), Reverse(0)),
            Self::Integer => (1, Reverse(0), Reverse(0)),
            Self::Number => (2, Reverse(0), Reverse(0)),
            Self::StringEnum => (3, Reverse(0), Reverse(0)),
            Self::FormattedString => (4, Reverse(0), Reverse(0)),
            Self::String => (5, Reverse(0), Reverse(0)),
            Self::Array => (6, Reverse(0), Reverse(0)),
            Self::Object {
                required,
                properties,
            } => (7, Reverse(required.len()), Reverse(properties.len())),
            Self::Map => (8, Reverse(0), Reverse(0)),
            Self::Union => (9, Reverse(0), Reverse(0)),
            Self::Any => (10, Reverse(0), Reverse(0)),
        }
    }
}

/// Two alternatives (by index) that one JSON value can match, when there are such: two of the
/// same scalar kind, or two objects neither of which requires a property the other does not
/// declare. Enums, maps, nested unions and free-form alternatives are left out (enums of
/// distinct values do not overlap; the others are fallbacks by nature, tried last).
fn ambiguous_pair(order: &[(usize, Specificity)]) -> Option<(usize, usize)> {
    for (i, (a_index, a)) in order.iter().enumerate() {
        for (b_index, b) in &order[i + 1..] {
            let overlap = match (a, b) {
                (
                    Specificity::Object {
                        required: ra,
                        properties: pa,
                    },
                    Specificity::Object {
                        required: rb,
                        properties: pb,
                    },
                ) => {
                    let a_distinct = ra.iter().any(|r| !pb.contains(r));
                    let b_distinct = rb.iter().any(|r| !pa.contains(r));
                    !a_distinct && !b_distinct
                }
                (Specificity::Bool, Specificity::Bool)
                | (Specificity::Integer, Specificity::Integer)
                | (Specificity::Number, Specificity::Number)
                | (Specificity::String, Specificity::String)
                | (Specificity::FormattedString, Specificity::FormattedString)
                | (Specificity::Array, Specificity::Array) => true,
                _ => false,
            };
            if overlap {
                let (x, y) = if a_index < b_index {
                    (*a_index, *b_index)
                } else {
                    (*b_index, *a_index)
                };
                return Some((x, y));
            }
        }
    }
    None
}

fn object_is_struct(
    properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    additional: &Option<AdditionalProperties>,
) -> bool {
    // A property-less object with `additionalProperties` is a map; one with neither is a free-form
    // object (also a map). Anything with declared properties is a struct.
    !properties.is_empty() || matches!(additional, Some(AdditionalProperties::Any(false)))
}

fn nullable_if(lowered: Lowered) -> TypeRef {
    if lowered.nullable {
        TypeRef::Nullable(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

fn media_essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media: &str) -> bool {
    let essence = media_essence(media);
    essence == "application/json" || essence.ends_with("+json")
}

/// Media types whose bodies are text: `text/*`, XML and YAML.
fn is_text(media: &str) -> bool {
    let essence = media_essence(media);
    essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/xml"
                | "application/yaml"
                | "application/x-yaml"
                | "application/javascript"
        )
        || essence.ends_with("+xml")
        || essence.ends_with("+yaml")
}

fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Primitive {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Primitive::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Primitive::Date,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Primitive::Uuid,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Primitive::Binary,
        // `byte` is base64 text: kept as the `String` it is on the wire.
        _ => Primitive::String,
    }
}

/// Groups operations by their first tag (operations without one go to `untagged`), and names the
/// server trait and module of each group.
fn group(operations: &[Operation], op_types: &mut Namespace) -> Vec<Group> {
    let mut by_tag: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, op) in operations.iter().enumerate() {
        by_tag.entry(op.tag.as_str()).or_default().push(index);
    }
    // Module names double as Cargo feature names, so `default` and `full` are taken too.
    let mut modules = Namespace::with_reserved(&[
        "models",
        "runtime",
        "router",
        "generated",
        "default",
        "full",
    ]);
    by_tag
        .into_iter()
        .map(|(tag, operations)| Group {
            tag: tag.to_owned(),
            trait_name: op_types.claim(format!("{}Api", naming::type_name(tag))),
            module: modules.claim(naming::snake_name(tag)),
            operations,
        })
        .collect()
}

/// The named types `roots` reach, through fields, items, map values, union variants and aliases.
fn reachable<'t>(
    types: &[TypeDef],
    roots: impl IntoIterator<Item = &'t TypeRef>,
) -> HashSet<String> {
    fn named<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
        match ty {
            TypeRef::Named(name) => out.push(name),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                named(inner, out)
            }
            TypeRef::Primitive(_) | TypeRef::Any => {}
        }
    }
    let by_name: HashMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut stack = Vec::new();
    for root in roots {
        named(root, &mut stack);
    }
    let mut seen = HashSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.to_owned()) {
            continue;
        }
        match by_name.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => {
                for field in &s.fields {
                    named(&field.ty, &mut stack);
                }
                if let Some(additional) = &s.additional {
                    named(&additional.ty, &mut stack);
                }
            }
            Some(TypeKind::Union(u)) => u.variants.iter().for_each(|v| named(&v.ty, &mut stack)),
            Some(TypeKind::Alias(target)) => named(target, &mut stack),
            Some(TypeKind::Enum(_)) | None => {}
        }
    }
    seen
}

/// `required` on a `readOnly` property takes effect on responses only, and on a `writeOnly` one
/// on requests only (OpenAPI 3.0, Fixed Fields of the Schema Object). A struct only ever sent
/// has its required read-only properties optional (a request need not invent an `id`), one
/// only ever received its required write-only ones (a response may leave out a password). A
/// struct that goes both ways is one Rust type and keeps them required: decoding a response
/// stays exact (and untagged unions keep telling their alternatives apart by them), and a
/// request carries a value the server ignores, as the field's documentation says.
fn directional_presence(types: &mut [TypeDef], operations: &[Operation]) {
    let sent = reachable(
        types,
        operations.iter().flat_map(|op| {
            op.body
                .iter()
                .map(|b| &b.ty)
                .chain(op.params.iter().map(|p| &p.ty))
        }),
    );
    let received = reachable(
        types,
        operations
            .iter()
            .flat_map(|op| &op.responses)
            .filter_map(|r| match &r.body {
                Body::Json(ty) => Some(ty),
                _ => None,
            }),
    );
    for def in types.iter_mut() {
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        let (in_requests, in_responses) = (sent.contains(&def.name), received.contains(&def.name));
        for field in &mut s.fields {
            let loosen = (field.read_only && in_requests && !in_responses)
                || (field.write_only && in_responses && !in_requests);
            if !loosen {
                continue;
            }
            field.presence = match field.presence {
                Presence::Required => Presence::Optional,
                Presence::RequiredNullable => Presence::OptionalNullable,
                other => other,
            };
        }
    }
}

/// Keeps, of each struct's `allOf` bases, the structs whose every field (and undeclared-property
/// map) it has with the same wire name, type, presence and boxing, so that `From` can move them.
fn compatible_bases(types: &mut [TypeDef]) {
    let structs: HashMap<String, Struct> = types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some((t.name.clone(), s.clone())),
            _ => None,
        })
        .collect();
    for def in types.iter_mut() {
        let TypeKind::Struct(this) = &mut def.kind else {
            continue;
        };
        let candidates = std::mem::take(&mut this.bases);
        this.bases = candidates
            .into_iter()
            .filter(|base| {
                let Some(base) = structs.get(base) else {
                    return false;
                };
                let fields_fit = base.fields.iter().all(|bf| {
                    this.fields.iter().any(|f| {
                        f.wire_name == bf.wire_name
                            && f.ty == bf.ty
                            && f.presence == bf.presence
                            && f.boxed == bf.boxed
                    })
                });
                let additional_fits = match (&base.additional, &this.additional) {
                    (None, _) => true,
                    (Some(b), Some(t)) => b.ty == t.ty,
                    (Some(_), None) => false,
                };
                fields_fit && additional_fits
            })
            .collect();
    }
}

/// Boxes every struct field whose type leads back to the struct without a `Vec` or map between,
/// which would otherwise make the type infinitely large.
fn mark_boxed(types: &mut [TypeDef]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let direct = |ty: &TypeRef| -> Option<usize> {
        match ty {
            TypeRef::Named(name) => index.get(name).copied(),
            TypeRef::Nullable(inner) => match inner.as_ref() {
                TypeRef::Named(name) => index.get(name).copied(),
                _ => None,
            },
            _ => None,
        }
    };
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
            TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
            TypeKind::Enum(_) => Vec::new(),
        })
        .collect();
    // A field must be boxed when its type leads back to its struct: when both are in the same
    // strongly connected component of the "contains directly" graph.
    let component = strongly_connected(&edges);
    let mut boxed: Vec<(usize, usize)> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        if let TypeKind::Struct(s) = &t.kind {
            for (f, field) in s.fields.iter().enumerate() {
                if direct(&field.ty).is_some_and(|target| component[target] == component[i]) {
                    boxed.push((i, f));
                }
            }
        }
    }
    for (i, f) in boxed {
        if let TypeKind::Struct(s) = &mut types[i].kind {
            s.fields[f].boxed = true;
        }
    }
}

/// The page walker of an operation that returns one page of a DRF-style paginated list: a
/// `page` integer query parameter, and a success body with `results: Vec<T>` and a
/// `pagination` object whose `next` field is the next page number (0 after the last page).
fn pagination(op: &Operation, types: &[TypeDef]) -> Option<Pagination> {
    let page = op.params.iter().find(|p| {
        p.location == ParamLocation::Query
            && p.wire_name == "page"
            && !p.required
            && matches!(p.ty, TypeRef::Primitive(Primitive::I32 | Primitive::I64))
    })?;
    let mut successes = op.responses.iter().filter(|r| r.is_success());
    let body = match (successes.next(), successes.next()) {
        (Some(response), None) => &response.body,
        _ => return None,
    };
    let struct_named = |ty: &TypeRef| -> Option<&Struct> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        types
            .iter()
            .find(|t| &t.name == name)
            .and_then(|t| match &t.kind {
                TypeKind::Struct(s) => Some(s),
                _ => None,
            })
    };
    let Body::Json(ty) = body else {
        return None;
    };
    let list = struct_named(ty)?;
    let required = |f: &&Field| f.presence == Presence::Required;
    let results = list
        .fields
        .iter()
        .filter(required)
        .find(|f| f.wire_name == "results")?;
    let TypeRef::Vec(item) = &results.ty else {
        return None;
    };
    let pagination = list
        .fields
        .iter()
        .filter(required)
        .find(|f| f.wire_name == "pagination")?;
    let next = struct_named(&pagination.ty)?
        .fields
        .iter()
        .filter(required)
        .find(|f| f.wire_name == "next")?;
    if !matches!(
        next.ty,
        TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::F32 | Primitive::F64)
    ) {
        return None;
    }
    Some(Pagination {
        stream_name: String::new(),
        page_param: page.name.clone(),
        page_is_i32: page.ty == TypeRef::Primitive(Primitive::I32),
        results_field: results.name.clone(),
        pagination_field: pagination.name.clone(),
        next_field: next.name.clone(),
        item: (**item).clone(),
    })
}

/// The strongly connected component of every node of `edges` (Tarjan's algorithm, iterative so
/// that deep type graphs cannot overflow the stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNVISITED; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        // (node, position of the next edge to follow)
        let mut work = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == UNVISITED {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
