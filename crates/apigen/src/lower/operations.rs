//! Operations: parameters, path templates, request and response bodies, security, groups.

use super::*;

impl<'a> Lowerer<'a, '_> {
    pub(super) fn operation(
        &mut self,
        selected: &Selected<'a>,
        fn_names: &mut Namespace,
        op_types: &mut Namespace,
        params_names: &mut Namespace,
    ) -> Option<Operation> {
        let op = selected.operation;
        let pointer = &selected.pointer;
        let name = match self.renamed_ops.get(&selected.id) {
            // Claimed before any operation was named.
            Some(name) => name.clone(),
            None => fn_names.claim(naming::snake_name(&selected.id)),
        };
        let type_stem = naming::type_name(&selected.id);
        let error_type = op_types.claim(naming::type_compound(&type_stem, "Error"));
        let response_type = op_types.claim(naming::type_compound(&type_stem, "Response"));
        let success_type = op_types.claim(naming::type_compound(&type_stem, "Success"));
        let before = self.diags.has_errors();

        let mut params = self.parameters(selected, &type_stem);
        let path_segments = self.path_template(selected, &mut params);
        let params_type = params
            .iter()
            .any(|p| p.location != ParamLocation::Path)
            .then(|| params_names.claim(naming::type_compound(&type_stem, "Params")));
        let body = self.request_body(selected, &type_stem);
        let responses = self.responses(selected, &type_stem);
        // The document's default security is how callers authenticate to the API; a webhook,
        // which the API calls, is secured only by what it declares itself.
        let default_security = if selected.webhook.is_some() {
            None
        } else {
            self.doc.security.as_ref()
        };
        let security = self.security(op.security.as_ref().or(default_security), pointer);
        if self.diags.has_errors() && !before {
            return None;
        }
        Some(Operation {
            id: selected.id.clone(),
            name,
            // Named with the others of its server module, once the groups are known.
            handler: String::new(),
            type_stem,
            error_type,
            shared_error: None,
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
            webhook: selected.webhook.map(str::to_owned),
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
            events_name: None,
        })
    }

    /// Path-item parameters overridden by the operation's own, path parameters first.
    fn parameters(&mut self, selected: &Selected<'a>, type_stem: &str) -> Vec<Param> {
        let mut merged: Vec<(&'a Parameter, Pointer)> = Vec::new();
        let item_pointer = selected.item_pointer.push("parameters");
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
        let pointer = selected.item_pointer.clone();
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
            let (body, events) = match status {
                Status::Code(code @ (204 | 205 | 304)) if !response.content.is_empty() => {
                    self.diags.degraded(
                        pointer.push("content"),
                        format!(
                            "a {code} response has no body in HTTP; its declared content is ignored"
                        ),
                    );
                    (Body::Empty, None)
                }
                _ => self.response_body(response, &format!("{type_stem}{variant}"), &pointer),
            };
            out.push(Response {
                status,
                variant,
                description: non_empty(&Some(response.description.clone())),
                body,
                events,
            });
        }
        out
    }

    /// The body of a response, and its events when it is documented both as JSON and as an
    /// event stream.
    fn response_body(
        &mut self,
        response: &'a openapiv3::Response,
        context: &str,
        pointer: &Pointer,
    ) -> (Body, Option<Events>) {
        let content = pointer.push("content");
        let events = response
            .content
            .iter()
            .find(|(media, _)| media_essence(media) == "text/event-stream")
            .map(|(media, media_type)| {
                self.events(media_type, context, &content.push(media).push("schema"))
            });
        if let Some((media, schema)) = response.content.iter().find(|(media, _)| is_json(media)) {
            let body = match &schema.schema {
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
            return (body, events);
        }
        if let Some(events) = events {
            return (Body::Events(events), None);
        }
        let body = match response.content.keys().next() {
            Some(media) if is_text(media) => Body::Text(media.clone()),
            Some(media) => Body::Bytes(media.clone()),
            None => Body::Empty,
        };
        (body, None)
    }

    /// The events of a `text/event-stream` body: each one's `data` is JSON of the schema (the
    /// 3.2 `itemSchema` is read as `schema` when loading), or text when there is none.
    ///
    /// A schema that describes the event's own fields (an object whose properties are `data`
    /// and some of `event`, `id` and `retry`, as FastAPI and Speakeasy documents write it)
    /// gives `data` the schema of its `data` property.
    fn events(
        &mut self,
        media_type: &'a openapiv3::MediaType,
        context: &str,
        pointer: &Pointer,
    ) -> Events {
        let Some(schema) = &media_type.schema else {
            return Events {
                data: None,
                named: None,
            };
        };
        if let Some(named) = self.named_events(schema, context, pointer) {
            return Events {
                data: None,
                named: Some(named),
            };
        }
        if let Some(frame) = self.resolved(schema)
            && let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &frame.schema_kind
            && let Some(data) = object.properties.get("data")
            && object
                .properties
                .keys()
                .all(|key| matches!(key.as_str(), "data" | "event" | "id" | "retry"))
        {
            let at = match schema {
                openapiv3::ReferenceOr::Reference { reference } => {
                    Pointer::from_encoded(reference.trim_start_matches('#'))
                }
                openapiv3::ReferenceOr::Item(_) => pointer.clone(),
            };
            self.diags.warning(
                pointer,
                format!(
                    "the event-stream schema describes each event's fields ({}): an event's `data` is read as the schema of the `data` property",
                    object
                        .properties
                        .keys()
                        .map(|key| format!("`{key}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            let data = self.type_of(
                data,
                &format!("{context}EventData"),
                &at.push("properties").push("data"),
            );
            return Events {
                data: Some(nullable_if(data)),
                named: None,
            };
        }
        let data = self.type_of(schema, &format!("{context}Event"), pointer);
        Events {
            data: Some(nullable_if(data)),
            named: None,
        }
    }

    /// Events of several schemas told apart by name: a `oneOf` (or `anyOf`) whose alternatives
    /// each describe an event (an object whose properties are `event`, `data` and some of `id`
    /// and `retry`) with one `event` value of its own. The enum is named once the operation's
    /// types are (`type_name` is left empty here).
    fn named_events(
        &mut self,
        schema: &'a openapiv3::ReferenceOr<openapiv3::Schema>,
        context: &str,
        pointer: &Pointer,
    ) -> Option<NamedEvents> {
        let union = self.resolved(schema)?;
        let alternatives = match &union.schema_kind {
            openapiv3::SchemaKind::OneOf { one_of } => one_of,
            openapiv3::SchemaKind::AnyOf { any_of } => any_of,
            _ => return None,
        };
        let mut found = Vec::new();
        for alternative in alternatives {
            let frame = self.resolved(alternative)?;
            let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &frame.schema_kind
            else {
                return None;
            };
            let fields_only = object
                .properties
                .keys()
                .all(|key| matches!(key.as_str(), "data" | "event" | "id" | "retry"));
            let (Some(event), Some(data)) = (
                object.properties.get("event"),
                object.properties.get("data"),
            ) else {
                return None;
            };
            let event = self.resolved(event)?;
            let openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) = &event.schema_kind
            else {
                return None;
            };
            let [Some(name)] = string.enumeration.as_slice() else {
                return None;
            };
            if !fields_only || found.iter().any(|(n, _): &(String, _)| n == name) {
                return None;
            }
            found.push((name.clone(), data));
        }
        if found.is_empty() {
            return None;
        }
        let mut names = naming::Namespace::with_reserved(&["Other"]);
        let variants = found
            .into_iter()
            .enumerate()
            .map(|(index, (event, data))| {
                let variant = names.claim(naming::type_name(&event));
                let at = pointer
                    .push("oneOf")
                    .push(index)
                    .push("properties")
                    .push("data");
                let ty = self.type_of(data, &format!("{context}{variant}EventData"), &at);
                NamedEvent {
                    event,
                    variant,
                    data: nullable_if(ty),
                }
            })
            .collect();
        Some(NamedEvents {
            type_name: String::new(),
            variants,
            other: "Other".to_owned(),
        })
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

    pub(super) fn push_type(&mut self, def: TypeDef) {
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
            for (name, scopes) in requirement {
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
                    scopes: scopes.clone(),
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
                    scopes: Vec::new(),
                },
            };
            // The same scheme with other scopes is another alternative (`read` or `write`).
            if !security
                .schemes
                .iter()
                .any(|s| s.name == scheme.name && s.scopes == scheme.scopes)
            {
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

/// Groups operations by their first tag (operations without one go to `untagged`), and names the
/// server trait (`<Tag><trait_suffix>`) and module (`<tag><module_suffix>`) of each group.
pub(super) fn group(
    operations: &mut [Operation],
    op_types: &mut Namespace,
    modules: &mut Namespace,
    trait_suffix: &str,
    module_suffix: &str,
) -> Vec<Group> {
    let mut by_tag: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, op) in operations.iter().enumerate() {
        by_tag.entry(op.tag.as_str()).or_default().push(index);
    }
    let groups: Vec<Group> = by_tag
        .into_iter()
        .map(|(tag, indices)| {
            let module = modules.claim(naming::snake_compound(&[
                &naming::snake_name(tag),
                module_suffix,
            ]));
            Group {
                tag: tag.to_owned(),
                trait_name: op_types
                    .claim(naming::type_compound(&naming::type_name(tag), trait_suffix)),
                routes_fn: naming::snake_compound(&[&module, "routes"]),
                module,
                operations: indices,
                webhooks: !module_suffix.is_empty(),
            }
        })
        .collect();
    // A server module's functions: its routes function, then one handler per operation.
    for group in &groups {
        let mut names = Namespace::with_reserved(&[group.routes_fn.as_str()]);
        for &index in &group.operations {
            let op = &mut operations[index];
            op.handler = names.claim(naming::snake_compound(&["handle", &op.name]));
        }
    }
    groups
}

/// Shares one client error enum among the operations that document the same error responses
/// (statuses, descriptions and bodies), named after its variants; each operation's own error
/// type becomes an alias of it. A large API repeats a handful of error shapes over hundreds of
/// operations, and every enum costs the client's build three derived impls. Shapes are taken in
/// the order of their contents, so the names do not depend on the order of the operations.
pub(super) fn share_errors(operations: &mut [Operation], names: &mut Namespace) -> Vec<SharedEnum> {
    let mut shapes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, op) in operations.iter().enumerate() {
        let errors: Vec<_> = op
            .error_responses()
            .map(|r| (&r.variant, r.status, &r.description, &r.body))
            .collect();
        shapes.entry(format!("{errors:?}")).or_default().push(index);
    }
    let mut shared = Vec::new();
    for (_, indices) in shapes {
        if indices.len() < 2 {
            continue;
        }
        let variants: Vec<&str> = operations[indices[0]]
            .error_responses()
            .map(|r| r.variant.as_str())
            .collect();
        let name = if variants.is_empty() {
            names.claim("NoDocumentedError".to_owned())
        } else {
            names.claim(format!("{}Error", variants.join("Or")))
        };
        for &index in &indices {
            operations[index].shared_error = Some(name.clone());
        }
        shared.push(SharedEnum {
            name,
            operations: indices,
        });
    }
    shared
}
