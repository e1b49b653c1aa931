//! Schemas: component and inline schemas to structs, enums, unions and aliases.

use super::*;

impl<'a> Lowerer<'a, '_> {
    /// Names every component schema the selection reaches, in name order, before lowering any.
    pub(super) fn name_components(&mut self, selected: &[Selected<'a>], every: bool) {
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
        let replace = &self.settings.replace;
        let reached =
            resolve::schema_closure(self.components, roots, |name| !replace.contains_key(name));
        let mut names = reached.clone();
        if every {
            if let Some(components) = &self.doc.components {
                names.extend(components.schemas.keys().map(String::as_str));
            }
        }
        let base = Pointer::root().push("components").push("schemas");
        for (schema, path) in replace {
            if let Some((key, _)) = self
                .doc
                .components
                .as_ref()
                .and_then(|c| c.schemas.get_key_value(schema))
            {
                self.replaced.insert(key.as_str(), path.clone());
            } else {
                self.diags.warning(
                    "/components/schemas",
                    format!("`types.replace` names `{schema}`, which is not a component schema"),
                );
            }
        }
        let names: Vec<&'a str> = names
            .into_iter()
            .filter(|name| !self.replaced.contains_key(name))
            .collect();
        // Names the user chose are claimed first, so that the derived ones give way to them.
        let renamed = |name: &&'a str| self.renames.types.contains_key(*name);
        let (first, rest): (Vec<&'a str>, Vec<&'a str>) = names.into_iter().partition(renamed);
        for name in first.into_iter().chain(rest) {
            let wanted = self
                .renames
                .types
                .get(name)
                .cloned()
                .unwrap_or_else(|| naming::type_name(name));
            let rust = self.type_names.claim(wanted.clone());
            if self.renames.types.contains_key(name) && rust != wanted {
                self.diags.warning(
                    base.push(name),
                    format!(
                        "`rename.types` gives `{name}` the taken name `{wanted}`; it is `{rust}`"
                    ),
                );
            } else if rust != wanted {
                let why = if wanted == "Binary" {
                    "the models crate's own type for `format: binary`"
                } else if super::MODELS_RESERVED.contains(&wanted.as_str()) {
                    "a name of the std prelude, which a type of that name would shadow for every `use models::*`"
                } else {
                    "the name of another schema after case conversion"
                };
                self.diags.warning(
                    base.push(name),
                    format!("schema `{name}` is the type `{rust}`: `{wanted}` is {why}"),
                );
            }
            if !reached.contains(name) {
                self.unreached.insert(rust.clone());
            }
            self.component_names.insert(name, rust);
        }
        let names: Vec<&'a str> = self.component_names.keys().copied().collect();
        for name in names {
            if self.admits_null(name) {
                self.nullable_components.insert(name);
            }
        }
    }

    /// Whether component `name` admits `null` by any route normalisation leaves: `nullable`
    /// (which `type: [X, "null"]`, a `null` alternative of `anyOf`/`oneOf`, `enum: [null]` and
    /// `const: null` become), or a `$ref` or single-`$ref` `allOf` to a component that does.
    /// Such a component's type is the type without `null`; each use of it is an `Option`.
    fn admits_null(&self, name: &str) -> bool {
        let mut current = name;
        for _ in 0..resolve::MAX_REF_DEPTH {
            let next = match self.components.schema(current) {
                Some(ReferenceOr::Item(schema)) => {
                    if schema.schema_data.nullable {
                        return true;
                    }
                    match ref_wrapper(schema) {
                        Some(reference) => reference,
                        None => return false,
                    }
                }
                Some(ReferenceOr::Reference { reference }) => reference.as_str(),
                None => return false,
            };
            match resolve::component_name(next, "schemas") {
                Ok(next) if !self.replaced.contains_key(next) => current = next,
                _ => return false,
            }
        }
        false
    }

    pub(super) fn lower_components(&mut self) {
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
        // A nullable component is its type without `null`: its uses carry the `Option`.
        let ty = if lowered.nullable && !self.nullable_components.contains(wire) {
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
            schema.schema_data.extensions.get(crate::spec::BASES_MARK),
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
                let mut e = self.string_enum(&string.enumeration, pointer);
                self.name_variants(&mut e, schema, pointer);
                TypeKind::Enum(e)
            }
            SchemaKind::Type(Type::Integer(integer)) if !integer.enumeration.is_empty() => {
                TypeKind::Enum(self.integer_enum(integer, schema, pointer))
            }
            SchemaKind::OneOf { one_of } => {
                TypeKind::Union(self.union(name, one_of, schema, pointer))
            }
            SchemaKind::Any(any) if !any.one_of.is_empty() && any.all_of.is_empty() => {
                TypeKind::Union(self.union(name, &any.one_of, schema, pointer))
            }
            // An alias of a nullable component is of the type without `null`; its uses add
            // the `Option` (see `nullable_components`).
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
            let name = names.claim(
                self.renames
                    .fields
                    .get(&format!("{type_name}.{wire}"))
                    .cloned()
                    .unwrap_or_else(|| naming::snake_name(wire)),
            );
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
        let keep = self.settings.unknown_fields == crate::config::UnknownFields::Keep;
        let additional = match additional {
            None if keep => Some(TypeRef::Any),
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
        let named = values
            .iter()
            .map(|v| v.as_ref().map(|v| (naming::variant_name(v), v.clone())));
        self.enumeration(named, EnumRepr::String, pointer)
    }

    /// An integer enumeration: a Rust enum over the values (`V1`, `Neg1`, or the names an
    /// `x-enum-varnames`-style extension gives), with a catch-all for other integers.
    fn integer_enum(
        &mut self,
        integer: &'a openapiv3::IntegerType,
        schema: &'a Schema,
        pointer: &Pointer,
    ) -> Enum {
        let named = integer.enumeration.iter().map(|v| {
            v.map(|v| {
                let name = if v < 0 {
                    naming::variant_name(&format!("Neg{}", v.unsigned_abs()))
                } else {
                    naming::variant_name(&v.to_string())
                };
                (name, v.to_string())
            })
        });
        let repr = match integer.format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => EnumRepr::I32,
            _ => EnumRepr::I64,
        };
        let mut e = self.enumeration(named, repr, pointer);
        self.name_variants(&mut e, schema, pointer);
        e
    }

    /// An enum over `values` (each with the variant name it asks for, `None` for a `null`):
    /// repeated values once, names unique, a catch-all that no value's name takes.
    fn enumeration(
        &mut self,
        values: impl Iterator<Item = Option<(String, String)>>,
        repr: EnumRepr,
        pointer: &Pointer,
    ) -> Enum {
        let mut names = Namespace::default();
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        let mut null = false;
        for value in values {
            let Some((name, value)) = value else {
                null = true;
                continue;
            };
            if seen.insert(value.clone()) {
                variants.push(Variant {
                    name: names.claim(name),
                    value,
                });
            }
        }
        if null {
            self.diags.degraded(
                pointer.push("enum"),
                "`null` among the enum values; null is accepted where the schema is nullable and ignored as a value",
            );
        }
        let other = ["Other", "UnknownValue"]
            .into_iter()
            .find(|candidate| !names.contains(candidate))
            .map_or_else(|| names.claim("Other".to_owned()), str::to_owned);
        Enum {
            variants,
            other,
            closed: self.settings.enums == crate::config::EnumStyle::Closed,
            repr,
        }
    }

    /// Variant names an extension gives (`x-enum-varnames`, `x-enumNames`, `x-enum-names`:
    /// what NSwag, openapi-generator and others write), one per value in order, when it has one
    /// name per value; the derived names otherwise.
    fn name_variants(&mut self, e: &mut Enum, schema: &'a Schema, pointer: &Pointer) {
        let extensions = &schema.schema_data.extensions;
        let Some((key, names)) = ["x-enum-varnames", "x-enumNames", "x-enum-names"]
            .iter()
            .find_map(|key| extensions.get(*key).map(|v| (*key, v)))
        else {
            return;
        };
        let names: Option<Vec<&str>> = names
            .as_array()
            .and_then(|items| items.iter().map(serde_json::Value::as_str).collect());
        match names {
            Some(names) if names.len() == e.variants.len() => {
                let mut taken = Namespace::with_reserved(&[e.other.as_str()]);
                for (variant, name) in e.variants.iter_mut().zip(names) {
                    variant.name = taken.claim(naming::variant_name(name));
                }
            }
            _ => self.diags.warning(
                pointer.push(key),
                format!("`{key}` does not give one name per enum value; the names are derived from the values"),
            ),
        }
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
        let mut discriminator = schema.schema_data.discriminator.as_ref();
        if let Some(problem) = discriminator.and_then(|d| self.discriminator_problem(one_of, d)) {
            // The tag does not tell these alternatives apart; their shapes may.
            self.diags.warning(
                pointer.push("discriminator"),
                format!(
                    "the discriminator `{}` {problem}; the union is read by the alternatives' shapes instead",
                    discriminator.map_or("", |d| d.property_name.as_str())
                ),
            );
            discriminator = None;
        }
        let any_of = schema
            .schema_data
            .extensions
            .contains_key(crate::spec::ANY_OF_MARK);
        let keyword = if any_of { "anyOf" } else { "oneOf" };
        let mut names = Namespace::default();
        let mut variants = Vec::with_capacity(one_of.len());
        let variant_name = |ty: &TypeRef, fallback: &str| match ty {
            TypeRef::Named(name) => name.clone(),
            _ => naming::type_name(fallback),
        };
        let tag = match discriminator {
            Some(discriminator) => {
                let property = discriminator.property_name.as_str();
                let mut mapped: BTreeSet<&str> = BTreeSet::new();
                let mapping = pointer.push("discriminator").push("mapping");
                // Entries naming one schema are one variant, selected by each of their values.
                let mut groups: Vec<(&str, Vec<&String>)> = Vec::new();
                for (tag, reference) in &discriminator.mapping {
                    match groups.iter_mut().find(|(r, _)| *r == reference.as_str()) {
                        Some((_, tags)) => tags.push(tag),
                        None => groups.push((reference.as_str(), vec![tag])),
                    }
                }
                for (reference, tags) in groups {
                    let ty = self.reference(reference, &mapping.push(tags[0])).ty;
                    mapped.insert(reference);
                    variants.push(UnionVariant {
                        name: names.claim(variant_name(&ty, tags[0])),
                        tag_value: Some(tags[0].clone()),
                        also: tags[1..].iter().map(|t| (*t).clone()).collect(),
                        keeps_tag: tags.len() > 1,
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
                        // Servers send the value the alternative pins (a one-value `enum` or
                        // `const`), which is what its own schema accepts; the schema's name,
                        // the specification's fallback, is read too.
                        let (tag_value, also) = match self.single_tag_value(alternative, property) {
                            Some(pinned) if pinned != tag => (pinned, vec![tag.to_owned()]),
                            Some(pinned) => (pinned, Vec::new()),
                            None => (tag.to_owned(), Vec::new()),
                        };
                        variants.push(UnionVariant {
                            name: names.claim(variant_name(&ty, tag)),
                            tag_value: Some(tag_value),
                            also,
                            keeps_tag: false,
                            ty,
                        });
                        continue;
                    }
                    // An inline alternative is selected by the single value its tag property allows.
                    let value = self.single_tag_value(alternative, property);
                    match value {
                        Some(value) => {
                            let context = format!("{name}{}", naming::type_name(&value));
                            let ty = nullable_if(self.type_of(alternative, &context, &at));
                            variants.push(UnionVariant {
                                name: names.claim(variant_name(&ty, &context)),
                                tag_value: Some(value),
                                also: Vec::new(),
                                keeps_tag: false,
                                ty,
                            });
                        }
                        None => self.diags.degraded(
                            &at,
                            "an inline alternative of a discriminated `oneOf` whose tag value is not a single string is not generated; such values are kept as JSON in the catch-all variant",
                        ),
                    }
                }
                // A value that selects one variant never also selects another.
                let written: BTreeSet<String> = variants
                    .iter()
                    .filter_map(|v| v.tag_value.clone())
                    .collect();
                let mut seen = BTreeSet::new();
                for variant in &mut variants {
                    variant
                        .also
                        .retain(|a| !written.contains(a) && seen.insert(a.clone()));
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
                            also: Vec::new(),
                            keeps_tag: false,
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
                            also: Vec::new(),
                            keeps_tag: false,
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
    pub(super) fn resolved<T: std::borrow::Borrow<Schema>>(
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

    /// Why `discriminator` cannot tell the alternatives apart, if it cannot: it gives one value to
    /// two alternatives (mapped, named after their schema, or the single value an inline
    /// alternative allows), or an inline alternative allows no single value for it.
    fn discriminator_problem(
        &self,
        one_of: &'a [ReferenceOr<Schema>],
        discriminator: &'a openapiv3::Discriminator,
    ) -> Option<String> {
        let mut values: BTreeSet<String> = BTreeSet::new();
        let mut mapped: BTreeSet<&str> = BTreeSet::new();
        for (tag, reference) in &discriminator.mapping {
            values.insert(tag.clone());
            mapped.insert(reference);
        }
        for alternative in one_of {
            let reference = match alternative {
                ReferenceOr::Reference { reference } => Some(reference.as_str()),
                ReferenceOr::Item(item) => ref_wrapper(item),
            };
            let value = match reference {
                Some(reference) if mapped.contains(reference) => continue,
                // The value it pins, else its name (as `union` reads it).
                Some(reference) => self
                    .single_tag_value(alternative, &discriminator.property_name)
                    .or_else(|| {
                        resolve::component_name(reference, "schemas")
                            .ok()
                            .map(str::to_owned)
                    }),
                None => match self.single_tag_value(alternative, &discriminator.property_name) {
                    Some(value) => Some(value),
                    None => {
                        return Some(
                            "has no single value in an inline alternative, and no mapping names it"
                                .to_owned(),
                        );
                    }
                },
            };
            if let Some(value) = value {
                if !values.insert(value.clone()) {
                    return Some(format!(
                        "has the value `{value}` for more than one alternative, so it cannot tell them apart"
                    ));
                }
            }
        }
        None
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

    pub(super) fn type_of<T: std::borrow::Borrow<Schema>>(
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
        if let Some(path) = self.replaced.get(name) {
            return Lowered::new(TypeRef::External(crate::ir::ExternalType {
                path: path.clone(),
                with: None,
            }));
        }
        match self.component_names.get(name) {
            Some(rust) => Lowered {
                ty: TypeRef::Named(rust.clone()),
                nullable: self.nullable_components.contains(name),
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
        if schema
            .schema_data
            .extensions
            .contains_key(crate::spec::NULL_MARK)
        {
            // `type: null`: always null, the unit type.
            return Lowered::new(TypeRef::Tuple(Vec::new()));
        }
        let nullable = schema.schema_data.nullable;
        if let (SchemaKind::AllOf { all_of }, Some(_)) = (
            &schema.schema_kind,
            schema.schema_data.extensions.get(crate::spec::TUPLE_MARK),
        ) {
            let items = all_of
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    nullable_if(self.type_of(
                        item,
                        &format!("{context}{index}"),
                        &pointer.push("prefixItems").push(index),
                    ))
                })
                .collect();
            return Lowered {
                ty: TypeRef::Tuple(items),
                nullable,
            };
        }
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
                match self.settings.format.get(format_name(&string.format)) {
                    Some(mapped) => TypeRef::External(crate::ir::ExternalType {
                        path: mapped.path().to_owned(),
                        with: mapped.with().map(str::to_owned),
                    }),
                    None => TypeRef::Primitive(string_format(&string.format)),
                }
            }
            SchemaKind::Type(Type::Integer(integer)) if !integer.enumeration.is_empty() => {
                self.named_inline(schema, context, pointer)
            }
            SchemaKind::Type(Type::Integer(integer)) => TypeRef::Primitive(match integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Primitive::I32,
                _ => Primitive::I64,
            }),
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

pub(super) fn nullable_if(lowered: Lowered) -> TypeRef {
    if lowered.nullable {
        TypeRef::Nullable(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

/// A string schema's `format` as written (`date-time`, `uuid`), empty when it has none.
fn format_name(format: &VariantOrUnknownOrEmpty<StringFormat>) -> &str {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => "date",
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => "date-time",
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => "password",
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "byte",
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => "binary",
        VariantOrUnknownOrEmpty::Unknown(format) => format,
        VariantOrUnknownOrEmpty::Empty => "",
    }
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
