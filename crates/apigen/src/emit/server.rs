//! The server crate: a trait per group of operations, a response enum per operation, and axum
//! routers that parse each request, call the trait and turn its answer into a response.
//!
//! The shape follows tonic: `pub trait <Tag>Api: Send + Sync + 'static` with one async method per
//! operation, and a router function generic over the implementation, held in an `Arc`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::client::response_doc;
use super::local_type_tokens as type_tokens;
use super::{doc, ident, is_part_scalar, paragraphs, struct_of};
use crate::ir::{
    Api, AuthKind, AuthScheme, Body, Encoding, Group, Method, Operation, Param, ParamLocation,
    ParamStyle, Presence, Primitive, RequestBody, Status, TypeKind, TypeRef,
};

/// The server code for one group of operations (one module, behind the group's Cargo feature):
/// its trait, routes, handlers and response enums.
pub fn emit_group_module(api: &Api, group: &Group, models: &TokenStream) -> TokenStream {
    let ops = api.operations_of(group);
    let responses = group
        .operations
        .iter()
        .map(|&i| emit_response_enum(&ops[i], models));
    let events: Vec<TokenStream> = group
        .operations
        .iter()
        .flat_map(|&i| {
            let op = &ops[i];
            super::named_events(op).into_iter().map(move |named| {
                let about = format!(
                    "The events `{}` answers with, told apart by their names.",
                    op.id
                );
                super::emit_named_events(named, &about, models, true)
            })
        })
        .collect();
    let group = emit_group(api, group, models);
    let body = quote! {
        #(#responses)*
        #(#events)*
        #group
    };
    let imports = super::use_models(&body);
    quote! {
        use ::std::sync::Arc;

        use ::axum::extract::State;

        #imports

        #body
    }
}

fn emit_response_enum(op: &Operation, models: &TokenStream) -> TokenStream {
    let name = ident(&op.response_type);
    let doc_text = format!(
        "The documented responses of `{}`, one variant per status.",
        op.id
    );
    let docs_attr = doc(Some(&doc_text));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for response in &op.responses {
        let variant = ident(&response.variant);
        let docs = doc(response_doc(response).as_deref());
        // A status class (`4XX`) needs the exact status from the implementation.
        let (status_field, status) = match response.status {
            Status::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                (None, quote!(#code))
            }
            Status::Range(_) | Status::Default => {
                (Some(quote!(::axum::http::StatusCode,)), quote!(status))
            }
        };
        let binding = status_field.as_ref().map(|_| quote!(status,));
        match &response.body {
            Body::Empty => {
                let fields = status_field.as_ref().map(|f| quote!((#f)));
                variants.push(quote!(#docs #variant #fields,));
                let pattern = binding.as_ref().map(|b| quote!((#b)));
                arms.push(quote!(Self::#variant #pattern => crate::runtime::__empty(#status),));
            }
            Body::Json(ty) => {
                let ty = type_tokens(ty, models);
                variants.push(quote!(#docs #variant(#status_field #ty),));
                arms.push(quote!(Self::#variant(#binding body) => crate::runtime::__json(#status, &body),));
            }
            Body::Text(media) => {
                variants.push(quote!(#docs #variant(#status_field String),));
                arms.push(quote!(Self::#variant(#binding body) => crate::runtime::__bytes(#status, #media, body),));
            }
            Body::Bytes(media) if super::streams(op, response) => {
                variants.push(quote!(#docs #variant(#status_field ::axum::body::Body),));
                arms.push(quote!(Self::#variant(#binding body) => crate::runtime::__body(#status, #media, body),));
            }
            Body::Bytes(media) => {
                variants.push(quote!(#docs #variant(#status_field ::axum::body::Bytes),));
                arms.push(quote!(Self::#variant(#binding body) => crate::runtime::__bytes(#status, #media, body),));
            }
            Body::Events(events) => {
                let (variant_ty, arm) =
                    event_answer(events, response.is_success(), models, &status);
                variants.push(quote!(#docs #variant(#status_field #variant_ty),));
                arms.push(quote!(Self::#variant(#binding body) => #arm,));
            }
        }
        // The same success as events, when the request asks for them.
        if let Some(events) = response.events.as_ref().filter(|_| response.is_success()) {
            let events_variant = ident(&format!("{}Events", response.variant));
            let (variant_ty, arm) = event_answer(events, true, models, &status);
            let docs = doc(Some(&format!(
                "{}, as events (`text/event-stream`), for a request that asks for them.",
                response_doc(response).unwrap_or_default()
            )));
            variants.push(quote!(#docs #events_variant(#status_field #variant_ty),));
            arms.push(quote!(Self::#events_variant(#binding body) => #arm,));
        }
    }
    // A body still being written is neither cloned nor compared.
    let streaming = op
        .responses
        .iter()
        .any(|r| super::streams(op, r) || (r.is_success() && r.events.is_some()));
    let derives = if streaming {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    quote! {
        #docs_attr
        #derives
        pub enum #name {
            #(#variants)*
        }

        impl ::axum::response::IntoResponse for #name {
            fn into_response(self) -> ::axum::response::Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The variant type and the answer of a response documented as events: a stream of them for
/// a success, one event for an error.
fn event_answer(
    events: &crate::ir::Events,
    success: bool,
    models: &TokenStream,
    status: &TokenStream,
) -> (TokenStream, TokenStream) {
    if let Some(named) = &events.named {
        let name = ident(&named.type_name);
        return if success {
            (
                quote!(crate::Events<#name>),
                quote!(crate::runtime::__named_events(#status, body)),
            )
        } else {
            (
                quote!(#name),
                quote!(crate::runtime::__named_event(#status, &body)),
            )
        };
    }
    let data = match &events.data {
        Some(ty) => type_tokens(ty, models),
        None => quote!(String),
    };
    match (success, events.data.is_some()) {
        (true, true) => (
            quote!(crate::Events<#data>),
            quote!(crate::runtime::__events(#status, body)),
        ),
        (true, false) => (
            quote!(crate::Events<String>),
            quote!(crate::runtime::__text_events(#status, body)),
        ),
        (false, true) => (data, quote!(crate::runtime::__event(#status, &body))),
        (false, false) => (data, quote!(crate::runtime::__text_event(#status, body))),
    }
}

fn emit_group(api: &Api, group: &Group, models: &TokenStream) -> TokenStream {
    let trait_name = ident(&group.trait_name);
    let ops = api.operations_of(group);
    let operations: Vec<&Operation> = group.operations.iter().map(|&i| &ops[i]).collect();
    let trait_docs = if group.webhooks {
        format!(
            "The webhooks tagged `{}`: requests the API sends to you. Implement it and serve it with [`{}`] (or, with the `full` feature, the crate's `webhook_router`).",
            group.tag, group.routes_fn
        )
    } else {
        format!(
            "The operations tagged `{}`. Implement it and serve it with [`{}`] (or, with the `full` feature, the crate's `router`).",
            group.tag, group.routes_fn
        )
    };
    let trait_docs = doc(Some(&trait_docs));
    let methods = operations.iter().map(|op| emit_trait_method(op, models));
    let guards = Guards::new(api, &operations);
    let handlers = operations
        .iter()
        .zip(&guards.of_operation)
        .map(|(op, guard)| {
            let guard = guard.map(|index| guards.guards[index].0.as_str());
            emit_handler(api, op, guard, &trait_name, models)
        });
    let guard_consts = guards.emit();
    let routes_fn = ident(&group.routes_fn);
    let routes_docs = doc(Some(&format!(
        "The routes of [`{}`], relative to the API's base path.",
        group.trait_name
    )));
    // axum wants one `route` call per path, with every method of that path on it.
    let mut by_path: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &operations {
        by_path.entry(op.path.as_str()).or_default().push(op);
    }
    let routes = by_path.into_iter().map(|(path, ops)| {
        let mut methods = ops.iter().map(|op| {
            let method = ident(&method_fn(op.method));
            let handler = ident(&op.handler);
            quote!(#method(#handler::<T>))
        });
        let first = methods.next();
        quote!(.route(#path, ::axum::routing::#first #(.#methods)*))
    });
    // A group with secured operations authenticates them, with the service's authenticator.
    let bound = if operations.iter().any(|op| secured(op)) {
        quote!(crate::Authenticator)
    } else {
        quote!(Send + Sync + 'static)
    };
    quote! {
        #trait_docs
        pub trait #trait_name: #bound {
            #(#methods)*
        }

        #routes_docs
        pub fn #routes_fn<T: #trait_name>(api: Arc<T>) -> ::axum::Router {
            ::axum::Router::new()
                #(#routes)*
                .with_state(api)
        }

        #guard_consts
        #(#handlers)*
    }
}

fn method_fn(method: Method) -> String {
    method.as_str().to_ascii_lowercase()
}

fn emit_trait_method(op: &Operation, models: &TokenStream) -> TokenStream {
    let name = ident(&op.name);
    let response = ident(&op.response_type);
    let signature = format!("`{} {}`", op.method.as_str(), op.path);
    let docs = doc(paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&signature),
    ])
    .as_deref());
    let mut params: Vec<TokenStream> = op
        .path_params()
        .map(|p| {
            let name = ident(&p.name);
            let ty = type_tokens(&p.ty, models);
            quote!(#name: #ty)
        })
        .collect();
    if let Some(params_type) = &op.params_type {
        let params_type = ident(params_type);
        params.push(quote!(params: #models::params::#params_type));
    }
    if let Some(body) = &op.body {
        let ty = body_type(body, models);
        params.push(if body.required {
            quote!(body: #ty)
        } else {
            quote!(body: Option<#ty>)
        });
    }
    // The verified principal of a secured operation: the easy path is reading it.
    let principal = trait_principal(op, &quote!(Self::Principal));
    let docs = match (secured(op), op.security.optional) {
        (true, false) => {
            quote!(#docs #[doc = ""] #[doc = " Called only for requests the authenticator accepted, with its `principal`."])
        }
        (true, true) => {
            quote!(#docs #[doc = ""] #[doc = " Authentication is optional: `principal` is `None` for a request without credentials (one with refused credentials is not served)."])
        }
        (false, _) => docs,
    };
    quote! {
        #docs
        fn #name(&self, context: crate::RequestContext, #principal #(#params),*) -> impl ::std::future::Future<Output = #response> + Send;
    }
}

/// The principal argument of a trait method (`principal: P,`), for a secured operation.
pub(super) fn trait_principal(op: &Operation, principal: &TokenStream) -> Option<TokenStream> {
    match (secured(op), op.security.optional) {
        (false, _) => None,
        (true, false) => Some(quote!(principal: #principal,)),
        (true, true) => Some(quote!(principal: Option<#principal>,)),
    }
}

/// Whether the router authenticates `op`: it lists security requirements (optional ones too).
fn secured(op: &Operation) -> bool {
    !op.security.schemes.is_empty()
}

/// What the router checks before a secured operation runs: the requirements it accepts and the
/// bodies it answers a refused request with. Operations of a module with the same guard share
/// one constant.
#[derive(PartialEq)]
struct Guard<'a> {
    schemes: &'a [AuthScheme],
    unauthorized: Option<String>,
    forbidden: Option<String>,
    otherwise: Option<String>,
}

/// The guard of `op`, or `None` when it is not secured.
fn guard<'a>(api: &Api, op: &'a Operation) -> Option<Guard<'a>> {
    if !secured(op) {
        return None;
    }
    let documented = |status: Status, code: u16| {
        op.responses
            .iter()
            .find(|r| r.status == status)
            .map(|response| refusal_body(api, &response.body, code))
    };
    // Where neither 401 nor 403 is documented by its code, the refusal is a 401 in the shape of
    // the response that covers client errors.
    let otherwise = if op.responses.iter().any(|r| r.status == Status::Range(4)) {
        documented(Status::Range(4), 401)
    } else {
        documented(Status::Default, 401)
    };
    Some(Guard {
        schemes: &op.security.schemes,
        unauthorized: documented(Status::Code(401), 401),
        forbidden: documented(Status::Code(403), 403),
        otherwise,
    })
}

/// The distinct guards of a module's operations, in order of first use, each with the name
/// of its constant: the client's name for the schemes (`AUTH_<SCHEMES>`), numbered from the
/// second guard with the same schemes (other scopes or refusal bodies).
struct Guards<'a> {
    guards: Vec<(String, Guard<'a>)>,
    /// Per operation of the module, in order: the index of its guard.
    of_operation: Vec<Option<usize>>,
}

impl<'a> Guards<'a> {
    fn new(api: &Api, operations: &[&'a Operation]) -> Self {
        let mut guards: Vec<(String, Guard<'a>)> = Vec::new();
        let of_operation = operations
            .iter()
            .map(|op| {
                let guard = guard(api, op)?;
                if let Some(index) = guards.iter().position(|(_, g)| *g == guard) {
                    return Some(index);
                }
                let base = op.security.const_name.as_deref().unwrap_or("AUTH");
                let mut name = base.to_owned();
                let mut number = 1;
                while guards.iter().any(|(taken, _)| *taken == name) {
                    number += 1;
                    name = format!("{base}_{number}");
                }
                guards.push((name, guard));
                Some(guards.len() - 1)
            })
            .collect();
        Guards {
            guards,
            of_operation,
        }
    }

    /// The constants, one per guard.
    fn emit(&self) -> TokenStream {
        let consts = self.guards.iter().map(|(name, guard)| {
            let name = ident(name);
            let requirements = guard.schemes.iter().map(|s| {
                let schemes: Vec<TokenStream> = match &s.kind {
                    AuthKind::All(all) => all.iter().map(scheme_tokens).collect(),
                    _ => vec![scheme_tokens(s)],
                };
                quote!(&[#(#schemes),*])
            });
            let body = |body: &Option<String>| match body {
                Some(body) => quote!(Some(#body)),
                None => quote!(None),
            };
            let (unauthorized, forbidden, otherwise) = (
                body(&guard.unauthorized),
                body(&guard.forbidden),
                body(&guard.otherwise),
            );
            let accepted = guard
                .schemes
                .iter()
                .map(|s| match &s.kind {
                    AuthKind::All(all) => all
                        .iter()
                        .map(|s| format!("`{}`", s.name))
                        .collect::<Vec<_>>()
                        .join(" and "),
                    _ => format!("`{}`", s.name),
                })
                .collect::<Vec<_>>()
                .join(" or ");
            let docs = doc(Some(&format!(
                "How the operations that accept {accepted} authenticate a request, and answer one they refuse."
            )));
            quote! {
                #docs
                const #name: crate::runtime::__Guard = crate::runtime::__Guard {
                    requirements: &[#(#requirements),*],
                    refusals: crate::runtime::__Refusals { unauthorized: #unauthorized, forbidden: #forbidden, otherwise: #otherwise },
                };
            }
        });
        quote!(#(#consts)*)
    }
}

fn scheme_tokens(s: &AuthScheme) -> TokenStream {
    let name = &s.name;
    let kind = match &s.kind {
        AuthKind::Http(scheme) => quote!(Http(#scheme)),
        AuthKind::Header(key) => quote!(Header(#key)),
        AuthKind::Query(key) => quote!(Query(#key)),
        AuthKind::Cookie(key) => quote!(Cookie(#key)),
        AuthKind::All(_) => unreachable!("combined requirements are flattened"),
    };
    let scopes = &s.scopes;
    quote!(crate::runtime::__Scheme { name: #name, kind: crate::runtime::CredentialKind::#kind, scopes: &[#(#scopes),*] })
}

/// The statements that authenticate a request to `op` with the module's guard constant `guard`
/// before anything else, binding `principal` (an `Option` where authentication is optional).
fn emit_authentication(op: &Operation, guard: &str) -> TokenStream {
    let guard = ident(guard);
    let authenticate = if op.security.optional {
        quote!(__authenticate_optional)
    } else {
        quote!(__authenticate)
    };
    quote! {
        let principal = match crate::runtime::#authenticate(&*api, &headers, raw_query.as_deref(), &#guard).await {
            Ok(principal) => principal,
            Err(refused) => return Ok(refused),
        };
    }
}

/// The body a refusal with `code` answers with where the operation documents one: a minimal
/// JSON value of the documented type (its required properties; a `detail`, `message` or
/// `error` text), or empty for a documented response without a JSON body.
fn refusal_body(api: &Api, body: &Body, code: u16) -> String {
    let Body::Json(ty) = body else {
        return String::new();
    };
    let detail = if code == 401 {
        "Authentication credentials were not provided or are not valid."
    } else {
        "The credentials were not provided, are not valid, or do not allow this action."
    };
    minimal_json(api, ty, detail, code, 0).to_string()
}

fn minimal_json(
    api: &Api,
    ty: &TypeRef,
    detail: &str,
    code: u16,
    depth: usize,
) -> serde_json::Value {
    use serde_json::{Value, json};
    match ty {
        TypeRef::Primitive(primitive) => match primitive {
            Primitive::String | Primitive::Binary => json!(detail),
            Primitive::Bool => json!(false),
            Primitive::I32 | Primitive::I64 => json!(code),
            Primitive::F32 | Primitive::F64 => json!(f64::from(code)),
            Primitive::Uuid => json!("00000000-0000-0000-0000-000000000000"),
            Primitive::DateTime => json!("1970-01-01T00:00:00Z"),
            Primitive::Date => json!("1970-01-01"),
        },
        TypeRef::Vec(_) => json!([]),
        TypeRef::Tuple(items) if items.is_empty() => Value::Null,
        TypeRef::Tuple(items) => Value::Array(
            items
                .iter()
                .map(|t| minimal_json(api, t, detail, code, depth + 1))
                .collect(),
        ),
        TypeRef::Map(_) => json!({}),
        TypeRef::Nullable(inner) => minimal_json(api, inner, detail, code, depth),
        TypeRef::Any => json!({ "detail": detail }),
        // A user's type: what it reads is the user's business.
        TypeRef::External(_) => Value::Null,
        TypeRef::Named(_) if depth > 8 => Value::Null,
        TypeRef::Named(name) => {
            let Some(def) = api.types.iter().find(|t| &t.name == name) else {
                return Value::Null;
            };
            match &def.kind {
                TypeKind::Alias(target) => minimal_json(api, target, detail, code, depth + 1),
                TypeKind::Enum(e) => e.variants.first().map_or(Value::Null, |v| match e.repr {
                    crate::ir::EnumRepr::String => json!(v.value),
                    _ => json!(v.value.parse::<i64>().unwrap_or_default()),
                }),
                TypeKind::Union(u) => {
                    let Some(first) = u.variants.first() else {
                        return Value::Null;
                    };
                    let mut value = minimal_json(api, &first.ty, detail, code, depth + 1);
                    if let (Some(tag), Some(tag_value), Value::Object(map)) =
                        (&u.tag, &first.tag_value, &mut value)
                    {
                        map.insert(tag.clone(), json!(tag_value));
                    }
                    value
                }
                TypeKind::Struct(s) => {
                    let mut map = serde_json::Map::new();
                    for field in &s.fields {
                        let text = matches!(field.ty, TypeRef::Primitive(Primitive::String));
                        let message = text
                            && ["detail", "message", "error"].contains(&field.wire_name.as_str());
                        let value = match field.presence {
                            Presence::Required => {
                                minimal_json(api, &field.ty, detail, code, depth + 1)
                            }
                            Presence::RequiredNullable => Value::Null,
                            _ if message => json!(detail),
                            _ => continue,
                        };
                        map.insert(field.wire_name.clone(), value);
                    }
                    Value::Object(map)
                }
            }
        }
    }
}

pub(super) fn body_type(body: &RequestBody, models: &TokenStream) -> TokenStream {
    match body.encoding {
        Encoding::Text => quote!(String),
        Encoding::Bytes => quote!(crate::Upload),
        _ => type_tokens(&body.ty, models),
    }
}

/// The handler of `op`, authenticating with the module's constant `guard` where it is secured.
fn emit_handler(
    api: &Api,
    op: &Operation,
    guard: Option<&str>,
    trait_name: &proc_macro2::Ident,
    models: &TokenStream,
) -> TokenStream {
    let name = ident(&op.name);
    let handler = ident(&op.handler);
    let has_path = op.path_params().next().is_some();
    let has_query = op.params.iter().any(|p| p.location == ParamLocation::Query);
    let path_extractor = has_path.then(|| quote!(path: crate::runtime::__PathParams,));
    let authentication = guard.map(|guard| emit_authentication(op, guard));
    let query_extractor = (has_query || authentication.is_some())
        .then(|| quote!(::axum::extract::RawQuery(raw_query): ::axum::extract::RawQuery,));
    let path_parse = has_path.then(|| quote!(let path = path?;));
    let query_parse = has_query
        .then(|| quote!(let query = crate::runtime::__Query::parse(raw_query.as_deref());));
    let path_params = op.path_params().map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let ty = type_tokens(&p.ty, models);
        if p.structured {
            return quote!(let #name: #ty = crate::runtime::__path_value(&path, #wire)?;);
        }
        quote!(let #name: #ty = crate::runtime::__path_param(&path, #wire)?;)
    });
    let params = op.params_type.as_ref().map(|params_type| {
        let params_type = ident(params_type);
        let fields = op.non_path_params().map(|p| {
            let field = ident(&p.name);
            let value = param_value(p);
            quote!(#field: #value,)
        });
        quote!(let params = #models::params::#params_type { #(#fields)* };)
    });
    // Enum parameters parse into the catch-all for unknown values; the server, which owns the
    // API, refuses those with a 400 instead of passing them on.
    let enum_checks = op.params.iter().filter_map(|p| {
        let (item, many) = match &p.ty {
            TypeRef::Vec(item) => (item.as_ref(), true),
            ty => (ty, false),
        };
        let TypeRef::Named(name) = item else {
            return None;
        };
        if !super::is_part_scalar(api, item) {
            return None;
        }
        let enum_name = ident(name);
        let field = ident(&p.name);
        let wire = &p.wire_name;
        let values = match (p.location, many, p.required) {
            (ParamLocation::Path, _, _) => quote!(::std::iter::once(&#field)),
            (_, false, true) => quote!(::std::iter::once(&params.#field)),
            (_, false, false) => quote!(params.#field.iter()),
            (_, true, true) => quote!(params.#field.iter()),
            (_, true, false) => quote!(params.#field.iter().flatten()),
        };
        Some(quote!(crate::runtime::__known(#values, #models::#enum_name::is_known, #wire)?;))
    });
    let (body_extractor, body_parse) = match &op.body {
        Some(body) => emit_body_parse(api, body, models),
        None => (None, None),
    };
    let mut args: Vec<TokenStream> = op
        .path_params()
        .map(|p| {
            let name = ident(&p.name);
            quote!(#name)
        })
        .collect();
    if op.params_type.is_some() {
        args.push(quote!(params));
    }
    if op.body.is_some() {
        args.push(quote!(body));
    }
    let principal_arg = secured(op).then(|| quote!(principal,));
    quote! {
        async fn #handler<T: #trait_name>(
            State(api): State<Arc<T>>,
            #path_extractor
            #query_extractor
            headers: ::axum::http::HeaderMap,
            #body_extractor
        ) -> crate::runtime::__Handled {
            #authentication
            #path_parse
            #query_parse
            #(#path_params)*
            #params
            #(#enum_checks)*
            #body_parse
            let context = crate::RequestContext::new(headers);
            crate::runtime::__respond(api.#name(context, #principal_arg #(#args),*).await)
        }
    }
}

/// The expression that parses one query or header parameter, `?`-ing a 400 on failure.
fn param_value(p: &Param) -> TokenStream {
    let wire = &p.wire_name;
    let source = match p.location {
        ParamLocation::Header => quote!(crate::runtime::__Query::header(&headers, #wire)?),
        _ => quote!(query),
    };
    let styled = p.structured || !matches!(p.style, ParamStyle::Form | ParamStyle::Simple);
    let style = match p.style {
        ParamStyle::DeepObject => "deepObject",
        ParamStyle::SpaceDelimited => "spaceDelimited",
        ParamStyle::PipeDelimited => "pipeDelimited",
        ParamStyle::Form | ParamStyle::Simple => "form",
    };
    let explode = p.explode && p.location == ParamLocation::Query;
    let value = match (&p.ty, p.location) {
        _ if styled => quote!(#source.styled(#wire, #style, #explode)?),
        (TypeRef::Vec(_), ParamLocation::Query) if p.explode => quote!(#source.all(#wire)?),
        (TypeRef::Vec(_), _) => quote!(#source.split(#wire)?),
        _ => quote!(#source.one(#wire)?),
    };
    if p.required {
        quote!(crate::runtime::__required(#value, #wire)?)
    } else {
        value
    }
}

/// The body extractor and the statements that turn it into `body`.
fn emit_body_parse(
    api: &Api,
    body: &RequestBody,
    models: &TokenStream,
) -> (Option<TokenStream>, Option<TokenStream>) {
    let required = body.required;
    let ty = body_type(body, models);
    if body.encoding == Encoding::Multipart {
        let extractor = quote!(multipart: crate::runtime::__Multipart,);
        let fields = struct_of(api, &body.ty).into_iter().flat_map(|s| &s.fields).map(|field| {
            let name = ident(&field.name);
            let wire = &field.wire_name;
            let (item, many) = match &field.ty {
                TypeRef::Vec(item) if is_part_scalar(api, item) => (item.as_ref(), true),
                ty => (ty, false),
            };
            let kind = match item {
                TypeRef::Primitive(Primitive::Binary) => quote!(file),
                ty if is_part_scalar(api, ty) => quote!(text),
                _ => quote!(json),
            };
            let value = if many {
                let all = ident(&format!("all_{kind}"));
                quote!(form.#all(#wire)?)
            } else {
                quote!(form.#kind(#wire)?)
            };
            let value = match item {
                TypeRef::Primitive(Primitive::Binary) if many => quote!(#value.map(|files| files.into_iter().map(|(bytes, file_name, content_type)| #models::Binary { bytes, file_name, content_type }).collect())),
                TypeRef::Primitive(Primitive::Binary) => quote!(#value.map(|(bytes, file_name, content_type)| #models::Binary { bytes, file_name, content_type })),
                _ => value,
            };
            let value = match field.presence {
                Presence::Required => quote!(crate::runtime::__required(#value, #wire)?),
                Presence::RequiredNullable => quote!(#value),
                Presence::Optional => value,
                Presence::OptionalNullable => quote!(#value.map(Some)),
            };
            let value = if field.boxed { quote!(Box::new(#value)) } else { value };
            quote!(#name: #value,)
        });
        let additional = struct_of(api, &body.ty)
            .and_then(|s| s.additional.as_ref())
            .map(|additional| {
                let name = ident(&additional.name);
                quote!(#name: Default::default(),)
            });
        // The parts are read one by one; the checks of strict decoding then apply to the whole.
        let build = quote!(crate::runtime::__checked(#ty { #(#fields)* #additional })?);
        let parse = if required {
            quote! {
                let form = crate::runtime::__Form::read(multipart?).await?;
                let body = #build;
            }
        } else {
            quote! {
                let body = match multipart {
                    Ok(multipart) => {
                        let form = crate::runtime::__Form::read(multipart).await?;
                        Some(#build)
                    }
                    Err(_) => None,
                };
            }
        };
        return (Some(extractor), Some(parse));
    }
    if body.encoding == Encoding::Bytes {
        // Read as it arrives, by the implementation: no body limit applies.
        let extractor = quote!(upload: ::axum::body::Body,);
        let parse = if required {
            quote!(let body = crate::Upload::__new(&headers, upload);)
        } else {
            quote!(let body = crate::Upload::__optional(&headers, upload);)
        };
        return (Some(extractor), Some(parse));
    }
    let extractor = quote!(bytes: crate::runtime::__Body,);
    let decode = match body.encoding {
        // serde reads a struct from an array of its fields too; a struct's body must be an object.
        Encoding::Json if struct_of(api, &body.ty).is_some() => {
            quote!(crate::runtime::__json_object_body::<#ty>(&headers, &bytes)?)
        }
        Encoding::Json => quote!(crate::runtime::__json_body::<#ty>(&headers, &bytes)?),
        Encoding::Form => quote!(crate::runtime::__form_body::<#ty>(&headers, &bytes)?),
        Encoding::Text => quote!(crate::runtime::__text_body(&bytes)?),
        Encoding::Bytes | Encoding::Multipart => quote! {
            #models::Binary {
                bytes: bytes.to_vec(),
                file_name: None,
                content_type: crate::runtime::__content_type(&headers),
            }
        },
    };
    let parse = if required {
        quote! {
            let bytes = bytes?;
            let body = #decode;
        }
    } else {
        quote! {
            let bytes = bytes?;
            let body = if bytes.is_empty() { None } else { Some(#decode) };
        }
    };
    (Some(extractor), Some(parse))
}

/// The server crate's `generated` module root: the per-tag modules and the router over all of
/// them.
pub fn emit_root(api: &Api, mock: &[super::mock::MockAnswer]) -> TokenStream {
    let modules = super::module_tree(api.server_groups(), api.features);
    let router = emit_router(api);
    let webhook_router = emit_webhook_router(api);
    let mock = super::mock::emit_mock(api, mock);
    quote! {
        #modules
        #router
        #webhook_router
        #mock
    }
}

fn emit_webhook_router(api: &Api) -> Option<TokenStream> {
    if api.webhook_groups.is_empty() {
        return None;
    }
    let docs = quote! {
        /// Every webhook, served under `base_path` (such as `/hooks`): each at its name
        /// (`POST {base_path}/{webhook}`), parsed and typed like an operation before the
        /// implementation is called. Point the API's webhook settings at these URLs.
        ///
        /// Needs the `full` feature (on by default): with only some tags enabled, merge their
        /// `<tag>_webhooks_routes` instead.
    };
    Some(merged_router(
        "webhook_router",
        &api.webhook_groups,
        docs,
        api.features,
    ))
}

fn emit_router(api: &Api) -> TokenStream {
    let docs = quote! {
        /// Every operation, served under `base_path` (such as `/api/v3`).
        ///
        /// A request that does not match a route gets 404, a known path with another method 405,
        /// and a malformed parameter 400 with a JSON body, before the implementation is called.
        /// Needs the `full` feature (on by default): with only some tags enabled, merge their
        /// `<tag>_routes` instead.
    };
    merged_router("router", &api.groups, docs, api.features)
}

/// A function `name` (behind the `full` feature) that serves the routes of every group in
/// `groups` under a base path, generic over one implementation of all their traits.
fn merged_router(name: &str, groups: &[Group], docs: TokenStream, features: bool) -> TokenStream {
    let name = ident(name);
    let bounds = groups.iter().map(|g| ident(&g.trait_name));
    let merges = groups.iter().map(|g| {
        let routes = ident(&g.routes_fn);
        quote!(.merge(#routes(::std::sync::Arc::clone(&api))))
    });
    let generic = (!groups.is_empty()).then(|| quote!(<T: #(#bounds)+*>));
    let param = (!groups.is_empty()).then(|| quote!(api: ::std::sync::Arc<T>,));
    let cfg = features.then(|| quote!(#[cfg(feature = "full")]));
    quote! {
        #docs
        #cfg
        pub fn #name #generic(#param base_path: &str) -> ::axum::Router {
            crate::runtime::nest(base_path, ::axum::Router::new() #(#merges)*)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Guards;

    #[test]
    fn operations_with_the_same_guard_share_one_constant() {
        let op = |id: &str, unauthorized: &str| {
            format!(
                "    get:\n      operationId: {id}\n      tags: [t]\n      security: [{{key: []}}]\n      \
                 responses:\n        '200': {{description: ok}}\n{unauthorized}"
            )
        };
        let documented = "        '401':\n          description: no\n          content:\n            \
                          application/json:\n              schema: {type: string}\n";
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n{}  /b:\n{}  \
             /c:\n{}  /d:\n{}components:\n  securitySchemes:\n    key: {{type: apiKey, in: header, \
             name: X-Key}}\n",
            op("a", documented),
            op("b", ""),
            op("c", documented),
            "    get:\n      operationId: d\n      tags: [t]\n      security: []\n      responses:\n        \
             '200': {description: ok}\n",
        );
        let spec = crate::parse("t.yaml", &yaml).expect("the document parses");
        let selection = crate::config::Selection {
            all: true,
            ..Default::default()
        };
        let config = crate::Config {
            select: selection,
            ..Default::default()
        };
        let api = crate::lower::lower(&spec.document, &config, &mut Default::default());
        let group = api.server_groups().next().expect("one group");
        let ops = api.operations_of(group);
        let operations: Vec<_> = group.operations.iter().map(|&i| &ops[i]).collect();
        let ids: Vec<&str> = operations.iter().map(|op| op.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        let guards = Guards::new(&api, &operations);
        let names: Vec<&str> = guards.guards.iter().map(|(n, _)| n.as_str()).collect();
        // The same scheme with another refusal body: a second constant, numbered.
        assert_eq!(names, ["AUTH_KEY", "AUTH_KEY_2"]);
        assert_eq!(guards.of_operation, [Some(0), Some(1), Some(0), None]);
        assert_eq!(
            guards.guards[0].1.unauthorized.as_deref(),
            Some("\"Authentication credentials were not provided or are not valid.\"")
        );
        assert_eq!(guards.guards[1].1.unauthorized, None);
    }
}
