//! Stage 3, lower: turns the selected part of an `openapiv3` document into the [`ir`](crate::ir).
//!
//! Names come from [`crate::naming`]; this module decides what each construct *is*. Component
//! schemas are named first, so references resolve to final Rust names before any body is
//! lowered; inline schemas that need a type of their own (an object or enum inside a property,
//! parameter or response) are named after where they sit, such as `<Struct><Property>`.
//! Anything that cannot be represented exactly is lowered to the nearest faithful type and
//! reported as a degradation with its pointer; anything that cannot be generated at all is an
//! error.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, SecurityScheme, StatusCode,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::config::Selection;
use crate::diagnostics::{Diagnostics, Pointer};
use crate::ir::{
    Additional, Api, Body, Enum, Field, Group, Operation, Param, ParamLocation, PathSegment,
    Presence, Primitive, Response, Security, Status, Struct, TypeDef, TypeKind, TypeRef, Variant,
};
use crate::naming::{self, Namespace};
use crate::resolve::{self, Components, Selected};

/// Names the emitters claim in every generated crate's root, kept free for them.
const RESERVED_TYPE_NAMES: &[&str] = &["Client", "Error", "ResponseValue", "RequestContext"];

/// Lowers the operations `selection` picks from `doc`, and every schema they reach.
pub fn lower(doc: &OpenAPI, selection: &Selection, diags: &mut Diagnostics) -> Api {
    let components = Components::new(doc);
    let selected = resolve::select(doc, selection, diags);
    let mut lowerer = Lowerer {
        doc,
        components,
        diags,
        types: Vec::new(),
        type_names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
        component_names: HashMap::new(),
        nullable_components: BTreeSet::new(),
    };
    lowerer.name_components(&selected);
    lowerer.lower_components();
    let mut fn_names = Namespace::default();
    let mut op_types = Namespace::with_reserved(RESERVED_TYPE_NAMES);
    let mut operations = Vec::with_capacity(selected.len());
    for op in &selected {
        if let Some(op) = lowerer.operation(op, &mut fn_names, &mut op_types) {
            operations.push(op);
        }
    }
    let mut types = std::mem::take(&mut lowerer.types);
    mark_boxed(&mut types);
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

/// The single `$ref` of an `allOf` that only wraps it to add `nullable`, `readOnly` or docs.
fn ref_wrapper(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => Some(reference),
            ReferenceOr::Item(_) => None,
        },
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
                    let lowered = self.type_of(schema, &rust, &pointer);
                    self.alias(&rust, wire, &pointer, None, lowered)
                }
                ReferenceOr::Item(schema) => self.define(&rust, wire, schema, &pointer),
            };
            self.types.push(def);
        }
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
        let kind = match &schema.schema_kind {
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
            _ => {
                // An alias of a nullable type keeps its nullability in the type; uses of the
                // component add no second layer (see `nullable_components`).
                let mut lowered = self.inline(schema, name, pointer);
                lowered.nullable |= schema.schema_data.nullable;
                return self.alias(name, wire, pointer, doc, lowered);
            }
        };
        TypeDef {
            name: name.to_owned(),
            wire_name: wire.to_owned(),
            pointer: pointer.to_string(),
            doc,
            kind,
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
            let (doc, read_only, write_only) = match property {
                ReferenceOr::Item(schema) => (
                    non_empty(&schema.schema_data.description),
                    schema.schema_data.read_only,
                    schema.schema_data.write_only,
                ),
                ReferenceOr::Reference { .. } => (None, false, false),
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
            });
        }
        for name in required.iter().filter(|r| !properties.contains_key(*r)) {
            self.diags.degraded(
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
                TypeRef::Primitive(string_format(&string.format, pointer, self.diags))
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
                TypeRef::Any
            }
            SchemaKind::OneOf { .. }
            | SchemaKind::AnyOf { .. }
            | SchemaKind::AllOf { .. }
            | SchemaKind::Not { .. }
            | SchemaKind::Any(_) => {
                self.diags.degraded(pointer, "oneOf, anyOf, allOf and not are not generated yet; the value is kept as `serde_json::Value`");
                TypeRef::Any
            }
        };
        Lowered { ty, nullable }
    }

    /// Gives an inline object or enum schema a type of its own.
    fn named_inline(&mut self, schema: &'a Schema, context: &str, pointer: &Pointer) -> TypeRef {
        let name = self.type_names.claim(naming::type_name(context));
        let def = self.define(&name, &name, schema, pointer);
        self.types.push(def);
        TypeRef::Named(name)
    }

    fn operation(
        &mut self,
        selected: &Selected<'a>,
        fn_names: &mut Namespace,
        op_types: &mut Namespace,
    ) -> Option<Operation> {
        let op = selected.operation;
        let pointer = &selected.pointer;
        let name = fn_names.claim(naming::snake_name(&selected.id));
        let type_stem = naming::type_name(&selected.id);
        let error_type = op_types.claim(format!("{type_stem}Error"));
        let response_type = op_types.claim(format!("{type_stem}Response"));
        let success_type = op_types.claim(format!("{type_stem}Success"));
        let before = self.diags.has_errors();

        let params = self.parameters(selected, &type_stem);
        let path_segments = self.path_template(selected, &params);
        if op.request_body.is_some() {
            self.diags.error(
                pointer.push("requestBody"),
                "request bodies are not generated yet",
            );
        }
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
                .unwrap_or_else(|| "default".to_owned()),
            pointer: pointer.to_string(),
            method: selected.method,
            path: selected.path.to_owned(),
            path_segments,
            summary: non_empty(&op.summary),
            description: non_empty(&op.description),
            deprecated: op.deprecated,
            params,
            responses,
            security,
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
        let mut names = Namespace::default();
        let mut params = Vec::with_capacity(merged.len());
        for (param, pointer) in merged {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => ParamLocation::Header,
                Parameter::Cookie { .. } => {
                    self.diags
                        .error(&pointer, "cookie parameters are not supported");
                    continue;
                }
            };
            if location != ParamLocation::Path {
                self.diags.error(
                    &pointer,
                    "query and header parameters are not generated yet",
                );
                continue;
            }
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let context = format!("{type_stem}{}", naming::type_name(&data.name));
                    self.type_of(schema, &context, &pointer.push("schema")).ty
                }
                ParameterSchemaOrContent::Content(_) => {
                    self.diags.degraded(
                        pointer.push("content"),
                        "a parameter given by `content` is sent as a string",
                    );
                    TypeRef::Primitive(Primitive::String)
                }
            };
            if !matches!(ty, TypeRef::Primitive(_)) && !is_enum(&ty, &self.types) {
                self.diags.error(
                    pointer.push("schema"),
                    "path parameters must be scalars or string enums",
                );
            }
            params.push(Param {
                name: names.claim(naming::snake_name(&data.name)),
                wire_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: non_empty(&data.description),
            });
        }
        params
    }

    /// Splits the path template, checking it against the declared path parameters, and
    /// reorders the parameters so that path parameters come first, in template order.
    fn path_template(&mut self, selected: &Selected<'a>, params: &[Param]) -> Vec<PathSegment> {
        let mut segments = Vec::new();
        let mut rest = selected.path;
        let mut used = BTreeSet::new();
        let pointer = Pointer::root().push("paths").push(selected.path);
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.diags
                    .error(&pointer, "unclosed `{` in the path template");
                return segments;
            };
            if open > 0 {
                segments.push(PathSegment::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            match params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == name) {
                Some(index) => {
                    used.insert(index);
                    segments.push(PathSegment::Param(index));
                }
                None => self.diags.error(
                    &selected.pointer,
                    format!("the path template uses `{{{name}}}`, which is not declared as a path parameter"),
                ),
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        for (index, param) in params.iter().enumerate() {
            if param.location == ParamLocation::Path && !used.contains(&index) {
                self.diags.error(
                    &selected.pointer,
                    format!(
                        "path parameter `{}` does not appear in the path template",
                        param.wire_name
                    ),
                );
            }
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
        if responses.default.is_some() {
            self.diags.degraded(base.push("default"), "the `default` response is not generated yet; such answers are returned as unexpected statuses with their raw body");
        }
        let mut out = Vec::with_capacity(sorted.len());
        for (status, response) in sorted {
            let pointer = base.push(status);
            let response = match self.components.response(response) {
                Ok(response) => response,
                Err(message) => {
                    self.diags.error(&pointer, message);
                    continue;
                }
            };
            let (status, variant) = match *status {
                StatusCode::Code(code) => (Status::Code(code), naming::status_variant(code)),
                StatusCode::Range(class) => {
                    (Status::Range(class), naming::status_range_variant(class))
                }
            };
            let variant = names.claim(variant);
            let body = self.response_body(response, &format!("{type_stem}{variant}"), &pointer);
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
        if let Some(media) = response.content.keys().next() {
            self.diags.degraded(
                content.push(media),
                format!(
                    "`{media}` bodies are not generated yet; the raw body is kept in the response"
                ),
            );
        }
        Body::Empty
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
            for name in requirement.keys() {
                let scheme = schemes.and_then(|s| s.get(name));
                match scheme {
                    Some(ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. })) if scheme.eq_ignore_ascii_case("bearer") => {
                        if !security.bearer.contains(name) {
                            security.bearer.push(name.clone());
                        }
                    }
                    Some(_) => self.diags.degraded(
                        pointer.push("security").push(index),
                        format!("security scheme `{name}` is not a bearer scheme, which is all this generator sends yet; credentials for it are not sent"),
                    ),
                    None => self.diags.error(
                        pointer.push("security").push(index),
                        format!("security scheme `{name}` is not declared in `#/components/securitySchemes`"),
                    ),
                }
            }
        }
        security
    }
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

fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

fn is_enum(ty: &TypeRef, types: &[TypeDef]) -> bool {
    match ty {
        TypeRef::Named(name) => types
            .iter()
            .any(|t| &t.name == name && matches!(t.kind, TypeKind::Enum(_))),
        _ => false,
    }
}

fn string_format(
    format: &VariantOrUnknownOrEmpty<StringFormat>,
    pointer: &Pointer,
    diags: &mut Diagnostics,
) -> Primitive {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Primitive::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Primitive::Date,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Primitive::Uuid,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary | StringFormat::Byte) => {
            diags.degraded(
                pointer.push("format"),
                "binary string formats are kept as `String` in JSON",
            );
            Primitive::String
        }
        _ => Primitive::String,
    }
}

/// Groups operations by their first tag (operations without one go to `default`), and names the
/// server trait and module of each group.
fn group(operations: &[Operation], op_types: &mut Namespace) -> Vec<Group> {
    let mut by_tag: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, op) in operations.iter().enumerate() {
        by_tag.entry(op.tag.as_str()).or_default().push(index);
    }
    let mut modules = Namespace::with_reserved(&["models", "runtime", "router"]);
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
            TypeKind::Enum(_) => Vec::new(),
        })
        .collect();
    let reaches = |from: usize, to: usize| -> bool {
        let mut stack = vec![from];
        let mut seen = vec![false; edges.len()];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if !std::mem::replace(&mut seen[n], true) {
                stack.extend(&edges[n]);
            }
        }
        false
    };
    let mut boxed: Vec<(usize, usize)> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        if let TypeKind::Struct(s) = &t.kind {
            for (f, field) in s.fields.iter().enumerate() {
                if direct(&field.ty).is_some_and(|target| reaches(target, i)) {
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
