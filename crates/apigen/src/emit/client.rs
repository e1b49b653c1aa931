//! The client crate: one method per operation, returning a future of its result, and an enum
//! of documented errors for each (shared by the operations that document the same ones).
//!
//! A response is chosen by its status code alone, never by guessing from the body: each
//! documented status decodes into its own type, and any other status comes back as
//! `Error::UnexpectedStatus` with the raw response.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::local_type_tokens as type_tokens;
use super::{doc, ident, is_part_scalar, paragraphs, param_to_string, streams, struct_of};
use crate::ir::{
    Api, AuthKind, Body, Encoding, Group, Operation, ParamLocation, ParamStyle, PathSegment,
    Presence, Primitive, RequestBody, Response, Security, Status, TypeRef,
};

/// The client code for one group of operations (one module, behind the group's Cargo feature).
pub fn emit_group(api: &Api, group: &Group, models: &TokenStream) -> TokenStream {
    let operations: Vec<&Operation> = group
        .operations
        .iter()
        .map(|&i| &api.operations[i])
        .collect();
    let methods = operations.iter().map(|op| emit_method(api, op, models));
    let pagers = operations.iter().filter_map(|op| emit_pager(op, models));
    let errors = operations.iter().map(|op| emit_error_enum(op, models));
    let events = operations.iter().flat_map(|op| {
        super::named_events(op).into_iter().map(move |named| {
            let about = format!(
                "The events of [`Client::{0}`](crate::Client::{0}), told apart by their names.",
                op.name
            );
            super::emit_named_events(named, &about, models, false)
        })
    });
    let body = quote! {
        impl crate::Client {
            #(#methods)*
            #(#pagers)*
        }
        #(#errors)*
        #(#events)*
    };
    let imports = super::use_models(&body);
    quote! {
        #imports

        #body
    }
}

/// The success type: the body of the one documented success, or `()` when it has none.
fn success_type(op: &Operation, models: &TokenStream) -> TokenStream {
    let mut successes = op.responses.iter().filter(|r| r.is_success());
    match (successes.next(), successes.next()) {
        (Some(response), None) => body_type(op, response, models),
        (None, _) => quote!(()),
        (Some(_), Some(_)) => {
            let name = ident(&op.success_type);
            quote!(#name)
        }
    }
}

fn body_type(op: &Operation, response: &Response, models: &TokenStream) -> TokenStream {
    match &response.body {
        Body::Empty => quote!(()),
        Body::Json(ty) => type_tokens(ty, models),
        Body::Text(_) => quote!(String),
        Body::Bytes(_) if streams(op, response) => quote!(crate::ByteStream),
        Body::Bytes(_) => quote!(::bytes::Bytes),
        Body::Events(events) => {
            let data = match (&events.data, &events.named) {
                (_, Some(named)) => {
                    let name = ident(&named.type_name);
                    quote!(#name)
                }
                (Some(ty), None) => type_tokens(ty, models),
                (None, None) => quote!(String),
            };
            if response.is_success() {
                quote!(crate::EventStream<#data>)
            } else {
                data
            }
        }
    }
}

/// The runtime helper that decodes `response` (`__json_ok`, `__events_err`...), and whether it
/// takes the body still arriving.
fn decode_helper(op: &Operation, response: &Response, success: bool) -> (proc_macro2::Ident, bool) {
    let suffix = if success { "ok" } else { "err" };
    let (kind, live) = match &response.body {
        Body::Empty => ("empty", false),
        Body::Json(_) => ("json", false),
        Body::Text(_) => ("text", false),
        Body::Bytes(_) if streams(op, response) => ("stream", true),
        Body::Bytes(_) => ("bytes", false),
        Body::Events(events) => (
            match (&events.data, &events.named) {
                (_, Some(_)) => "named_events",
                (Some(_), None) => "events",
                (None, None) => "text_events",
            },
            success,
        ),
    };
    (ident(&format!("__{kind}_{suffix}")), live)
}

fn status_pattern(status: Status) -> TokenStream {
    match status {
        Status::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        Status::Range(class) => {
            let low = Literal::u16_unsuffixed(class * 100);
            let high = Literal::u16_unsuffixed(class * 100 + 99);
            quote!(#low..=#high)
        }
        Status::Default => quote!(_),
    }
}

/// The method's documentation: summary, description and the HTTP signature.
fn method_docs(op: &Operation) -> TokenStream {
    let signature = format!("`{} {}`", op.method.as_str(), op.path);
    doc(paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&signature),
    ])
    .as_deref())
}

/// The arguments every method takes: path parameters by position, then the parameter struct,
/// then the body, each reference borrowed for `'a`, the lifetime of the returned future (named,
/// so that edition 2021, where a returned `impl Trait` captures no lifetime it is not told of,
/// compiles the same code).
fn method_args(op: &Operation, models: &TokenStream) -> Vec<TokenStream> {
    let lifetime = quote!('a);
    let mut args: Vec<TokenStream> = op
        .path_params()
        .map(|p| {
            let name = ident(&p.name);
            let ty = arg_type_for(&p.ty, models, &lifetime);
            quote!(#name: #ty)
        })
        .collect();
    if let Some(params) = &op.params_type {
        let params = ident(params);
        args.push(quote!(params: &'a #models::params::#params));
    }
    if let Some(body) = &op.body {
        let ty = match body.encoding {
            Encoding::Text => quote!(&'a str),
            // Bytes in memory, or a stream of any size.
            Encoding::Bytes => quote!(impl Into<crate::Upload> + 'a),
            _ => {
                let ty = type_tokens(&body.ty, models);
                quote!(&'a #ty)
            }
        };
        args.push(if body.required {
            quote!(body: #ty)
        } else {
            quote!(body: Option<#ty>)
        });
    }
    args
}

fn emit_method(api: &Api, op: &Operation, models: &TokenStream) -> TokenStream {
    let method = emit_call(api, op, models, None);
    // A success documented both as JSON and as events: a second method asks for the events.
    let events = op.events_name.as_ref().map(|events_name| {
        let mut events_op = op.clone();
        events_op.name = events_name.clone();
        for response in &mut events_op.responses {
            if let Some(events) = response.events.take().filter(|_| response.is_success()) {
                response.body = Body::Events(events);
            }
        }
        let note = format!(
            "The events of [`{0}`](Self::{0}), read as they arrive: it asks for \
             `text/event-stream`. Where the API has the request choose too (a `stream: true` \
             field), set that in the body as well.",
            op.name
        );
        emit_call(api, &events_op, models, Some(&note))
    });
    quote! {
        #method
        #events
    }
}

fn emit_call(api: &Api, op: &Operation, models: &TokenStream, note: Option<&str>) -> TokenStream {
    let name = ident(&op.name);
    let error = ident(&op.error_type);
    let success = success_type(op, models);
    let method = ident(op.method.as_str());
    let docs = match note {
        Some(note) => {
            let note = doc(Some(note));
            let docs = method_docs(op);
            quote!(#note #[doc = ""] #docs)
        }
        None => method_docs(op),
    };
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let args = method_args(op, models);
    let path = emit_path(op);
    let path_arg = if op.path_params().next().is_some() {
        quote!(&path)
    } else {
        quote!(path)
    };
    let auth = match security_const(&op.security) {
        Some(name) => {
            let name = ident(&name);
            quote!(crate::generated::#name)
        }
        None => quote!(&[]),
    };
    let query = emit_params(op, ParamLocation::Query);
    let headers = emit_params(op, ParamLocation::Header);
    let accept = accept(op)
        .map(|accept| quote!(request = request.header(::reqwest::header::ACCEPT, #accept);));
    let body = op.body.as_ref().map(|body| emit_body(api, body, models));
    let multiple_successes = op.responses.iter().filter(|r| r.is_success()).count() > 1;
    let has_default = op.responses.iter().any(|r| r.status == Status::Default);
    let mut uses_live = false;
    let arms: Vec<TokenStream> = op
        .responses
        .iter()
        .map(|response| {
            let pattern = status_pattern(response.status);
            let variant = ident(&response.variant);
            let wrap = if response.is_success() && multiple_successes {
                let success = ident(&op.success_type);
                quote!(#success::#variant)
            } else if response.is_success() {
                match response.body {
                    Body::Empty => quote!(()),
                    _ => quote!(::std::convert::identity),
                }
            } else {
                quote!(#error::#variant)
            };
            let (helper, live) = decode_helper(op, response, response.is_success());
            if live {
                uses_live = true;
                quote!(#pattern => response.#helper(live, #wrap),)
            } else {
                quote!(#pattern => response.#helper(#wrap),)
            }
        })
        .collect();
    // An undocumented 2xx reads as the only documented success, when the client accepts it.
    let mut successes = op.responses.iter().filter(|r| r.is_success());
    let only_success = match (successes.next(), successes.next()) {
        (Some(success), None) => Some(success),
        _ => None,
    };
    let unexpected = (!has_default).then(|| match only_success {
        Some(success) => {
            let (helper, live) = decode_helper(op, success, true);
            let wrap = match success.body {
                Body::Empty => quote!(()),
                _ => quote!(::std::convert::identity),
            };
            let decode = if live {
                quote!(|response, live| response.#helper(live, #wrap))
            } else {
                quote!(|response, _| response.#helper(#wrap))
            };
            quote!(_ => response.__undocumented(self.__undocumented_success(), #decode),)
        }
        None => quote!(_ => response.__unexpected_err(),),
    });
    // The statuses whose bodies are read as they arrive.
    let streamed: Vec<TokenStream> = op
        .responses
        .iter()
        .filter(|r| streams(op, r))
        .map(|r| status_pattern(r.status))
        .collect();
    let streamed = if streamed.is_empty() {
        quote!(None)
    } else {
        quote!(Some(|status: u16| matches!(status, #(#streamed)|*)))
    };
    let live = if uses_live { quote!(live) } else { quote!(_) };
    let mutable =
        (op.params_type.is_some() || op.body.is_some() || accept.is_some()).then(|| quote!(mut));
    let (id, template) = (&op.id, &op.path);
    // The method returns the future of a call to the runtime: the request is built and the
    // response decoded by two closures, which are compiled only where the future is awaited, as
    // an `async fn` body would be, without a state machine per operation.
    quote! {
        #docs
        #deprecated
        pub fn #name<'a>(&'a self, #(#args),*)
            -> impl ::std::future::Future<Output = Result<crate::ResponseValue<#success>, crate::Error<#error>>> + 'a
        {
            static OPERATION: crate::OperationInfo =
                crate::OperationInfo::__new(#id, ::reqwest::Method::#method, #template);
            crate::runtime::__call(
                self,
                &OPERATION,
                #auth,
                #streamed,
                move || {
                    let path = #path;
                    let #mutable request = self.__request(::reqwest::Method::#method, #path_arg, #auth);
                    #accept
                    #query
                    #headers
                    #body
                    Ok(request)
                },
                |response, #live| match response.status.as_u16() {
                    #(#arms)*
                    #unexpected
                },
            )
        }
    }
}

/// The name of the constant (in the client's `generated` module) listing the schemes an
/// operation accepts, or `None` when it accepts none (claimed during lowering).
fn security_const(security: &Security) -> Option<String> {
    security.const_name.clone()
}

fn auth_tokens(scheme: &crate::ir::AuthScheme) -> TokenStream {
    let name = &scheme.name;
    match &scheme.kind {
        AuthKind::Http(prefix) => quote!(crate::runtime::__Auth::Http(#name, #prefix)),
        AuthKind::Header(header) => quote!(crate::runtime::__Auth::Header(#name, #header)),
        AuthKind::Query(param) => quote!(crate::runtime::__Auth::Query(#name, #param)),
        AuthKind::Cookie(cookie) => quote!(crate::runtime::__Auth::Cookie(#name, #cookie)),
        AuthKind::All(all) => {
            let all = all.iter().map(auth_tokens);
            quote!(crate::runtime::__Auth::All(&[#(#all),*]))
        }
    }
}

/// The client's `generated` module root: the tag modules, the security-scheme lists the
/// operations share, and how enums travel as parameters.
pub fn emit_root(api: &Api, models: &TokenStream) -> TokenStream {
    let modules = super::module_tree(api.groups.iter(), api.features);
    let mut consts: BTreeMap<String, &Security> = BTreeMap::new();
    for op in &api.operations {
        if let Some(name) = security_const(&op.security) {
            consts.entry(name).or_insert(&op.security);
        }
    }
    let consts = consts.into_iter().map(|(name, security)| {
        let docs = doc(Some(&format!(
            "Operations that accept {}, in that order of preference.",
            security
                .schemes
                .iter()
                .map(|s| format!("`{}`", s.name))
                .collect::<Vec<_>>()
                .join(" or ")
        )));
        let name = ident(&name);
        let schemes = security.schemes.iter().map(auth_tokens);
        quote! {
            #docs
            #[allow(dead_code)]
            pub(crate) const #name: &[crate::runtime::__Auth] = &[#(#schemes),*];
        }
    });
    // Enums used as parameters travel as their wire value; each impl is compiled with the
    // features of the groups whose operations use it (the models crate compiles the enum then).
    let mut enums: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for group in &api.groups {
        for &index in &group.operations {
            let op = &api.operations[index];
            for param in op.non_path_params().filter(|p| !p.structured) {
                let ty = match &param.ty {
                    TypeRef::Vec(item) => item.as_ref(),
                    ty => ty,
                };
                if let TypeRef::Named(name) = ty {
                    enums.entry(name).or_default().insert(&group.module);
                }
            }
        }
    }
    let enum_impls = enums.into_iter().map(|(name, features)| {
        let integer = api.types.iter().any(|t| {
            t.name == *name
                && matches!(&t.kind, crate::ir::TypeKind::Enum(e) if e.repr != crate::ir::EnumRepr::String)
        });
        let text = if integer {
            quote!(self.to_string())
        } else {
            quote!(self.as_str().to_owned())
        };
        let name = ident(name);
        let features: Vec<&str> = features.into_iter().collect();
        let cfg =
            (api.features && features.len() < api.groups.len()).then(|| super::cfg_any(&features));
        quote! {
            #cfg
            impl crate::runtime::__Param for #models::#name {
                fn param(&self) -> String {
                    #text
                }
            }
        }
    });
    // Error enums that several operations share, each compiled with the features of the groups
    // of the operations that name it.
    let mut group_of = vec![""; api.operations.len()];
    for group in &api.groups {
        for &index in &group.operations {
            group_of[index] = &group.module;
        }
    }
    let shared_errors = api.shared_errors.iter().map(|shared| {
        let ops: Vec<&Operation> = shared
            .operations
            .iter()
            .map(|&i| &api.operations[i])
            .collect();
        let features: BTreeSet<&str> = shared.operations.iter().map(|&i| group_of[i]).collect();
        let features: Vec<&str> = features.into_iter().collect();
        let cfg =
            (api.features && features.len() < api.groups.len()).then(|| super::cfg_any(&features));
        // The aliases are plain names, not links: a build without their group has none.
        let aliases: Vec<String> = ops
            .iter()
            .take(3)
            .map(|op| format!("`{}`", op.error_type))
            .collect();
        let more = match ops.len() {
            n if n > 3 => format!(" and {} more", n - 3),
            _ => String::new(),
        };
        let about = format!(
            "The documented error responses of {} operations, each of which names this enum \
             with an alias of its own: {}{more}. Name it through those: its own name follows \
             from the shapes of errors in the whole document, and may change with it.",
            ops.len(),
            aliases.join(", ")
        );
        let errors = emit_status_enum(
            ops[0],
            &shared.name,
            &about,
            ops[0].error_responses(),
            models,
        );
        quote! {
            #cfg
            #errors
        }
    });
    // Binary bodies take the models' `Binary` as they take any other upload.
    let uploads = api
        .operations
        .iter()
        .any(|op| {
            op.body
                .as_ref()
                .is_some_and(|b| b.encoding == Encoding::Bytes)
        })
        .then(|| {
            quote! {
                impl ::std::convert::From<&#models::Binary> for crate::Upload {
                    fn from(binary: &#models::Binary) -> Self {
                        binary.clone().into()
                    }
                }

                impl ::std::convert::From<#models::Binary> for crate::Upload {
                    fn from(binary: #models::Binary) -> Self {
                        let upload = crate::Upload::new(binary.bytes);
                        match binary.content_type {
                            Some(content_type) => upload.with_content_type(content_type),
                            None => upload,
                        }
                    }
                }
            }
        });
    quote! {
        #modules
        #(#consts)*
        #(#enum_impls)*
        #(#shared_errors)*
        #uploads
    }
}

/// The `Accept` header: the media types of the documented response bodies.
fn accept(op: &Operation) -> Option<String> {
    let mut media: Vec<&str> = Vec::new();
    for response in &op.responses {
        let this = match &response.body {
            Body::Empty => continue,
            Body::Json(_) => "application/json",
            Body::Text(m) | Body::Bytes(m) => m.as_str(),
            Body::Events(_) => "text/event-stream",
        };
        if !media.contains(&this) {
            media.push(this);
        }
    }
    (!media.is_empty()).then(|| media.join(", "))
}

/// Collects the query (or header) parameters into pairs and adds them to the request.
fn emit_params(op: &Operation, location: ParamLocation) -> TokenStream {
    let pushes: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.location == location)
        .map(|p| {
            let field = ident(&p.name);
            let wire = &p.wire_name;
            // Header arrays are one comma-separated value (`simple` style).
            let explode = p.explode && location == ParamLocation::Query;
            if p.structured || !matches!(p.style, ParamStyle::Form | ParamStyle::Simple) {
                let style = match p.style {
                    ParamStyle::DeepObject => quote!(DeepObject),
                    ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
                    ParamStyle::PipeDelimited => quote!(PipeDelimited),
                    ParamStyle::Form | ParamStyle::Simple => quote!(Form),
                };
                return quote!(pairs.styled(#wire, &params.#field, crate::runtime::__Style::#style, #explode););
            }
            let helper = match (&p.ty, explode, p.required) {
                (TypeRef::Vec(_), true, true) => "each",
                (TypeRef::Vec(_), true, false) => "opt_each",
                (TypeRef::Vec(_), false, true) => "csv",
                (TypeRef::Vec(_), false, false) => "opt_csv",
                (_, _, true) => "one",
                (_, _, false) => "opt",
            };
            let helper = ident(helper);
            quote!(pairs.#helper(#wire, &params.#field);)
        })
        .collect();
    if pushes.is_empty() {
        return TokenStream::new();
    }
    let apply = match location {
        ParamLocation::Header => quote!(headers),
        _ => quote!(query),
    };
    quote! {
        let mut pairs = crate::runtime::__Params::default();
        #(#pushes)*
        request = pairs.#apply(request);
    }
}

fn emit_body(api: &Api, body: &RequestBody, models: &TokenStream) -> TokenStream {
    let media = &body.media;
    let set = match body.encoding {
        Encoding::Json => quote!(request = crate::runtime::__json_body(request, body)?;),
        Encoding::Form => quote!(request = request.form(body);),
        Encoding::Text => quote! {
            request = request
                .header(::reqwest::header::CONTENT_TYPE, #media)
                .body(body.to_owned());
        },
        Encoding::Bytes => quote! {
            request = crate::runtime::__upload(request, body.into(), #media);
        },
        Encoding::Multipart => emit_multipart(api, &body.ty, models),
    };
    if body.required {
        set
    } else {
        quote!(if let Some(body) = body { #set })
    }
}

/// A multipart form with one part per property: files for binary values, JSON text for objects
/// and arrays of objects, plain text for everything else; absent and null values are left out.
fn emit_multipart(api: &Api, ty: &TypeRef, _models: &TokenStream) -> TokenStream {
    let parts = struct_of(api, ty).into_iter().flat_map(|s| &s.fields).map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire_name;
        let (item, many) = match &field.ty {
            TypeRef::Vec(item) if is_part_scalar(api, item) => (item.as_ref(), true),
            ty => (ty, false),
        };
        let push = match item {
            TypeRef::Primitive(Primitive::Binary) => quote! {
                form = form.part(#wire, crate::runtime::__file_part(&value.bytes, value.file_name.as_deref(), value.content_type.as_deref())?);
            },
            ty if is_part_scalar(api, ty) => {
                let text = param_to_string(&quote!(value), ty);
                quote!(form = form.text(#wire, #text);)
            }
            _ => quote!(form = form.text(#wire, crate::runtime::__json_text(value)?);),
        };
        let push = if many { quote!(for value in value { #push }) } else { push };
        match field.presence {
            Presence::Required => quote!({ let value = &body.#name; #push }),
            Presence::RequiredNullable | Presence::Optional => {
                quote!(if let Some(value) = &body.#name { #push })
            }
            Presence::OptionalNullable => {
                quote!(if let Some(Some(value)) = &body.#name { #push })
            }
        }
    });
    quote! {
        let mut form = ::reqwest::multipart::Form::new();
        #(#parts)*
        request = request.multipart(form);
    }
}

/// `<op>_stream`: every item of every page, fetched one page at a time as the stream is polled.
fn emit_pager(op: &Operation, models: &TokenStream) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let params_type = ident(op.params_type.as_ref()?);
    let name = ident(&pagination.stream_name);
    let method = ident(&op.name);
    let error = ident(&op.error_type);
    let item = type_tokens(&pagination.item, models);
    let page = ident(&pagination.page_param);
    let results = ident(&pagination.results_field);
    let pagination_field = ident(&pagination.pagination_field);
    let next = ident(&pagination.next_field);
    let (page_ty, narrow) = if pagination.page_is_i32 {
        (
            quote!(i32),
            Some(quote!(.and_then(|next| i32::try_from(next).ok()))),
        )
    } else {
        (quote!(i64), None)
    };
    let lifetime = quote!('a);
    let path_args: Vec<TokenStream> = op
        .path_params()
        .map(|p| {
            let name = ident(&p.name);
            let ty = arg_type_for(&p.ty, models, &lifetime);
            quote!(#name: #ty)
        })
        .collect();
    let path_names: Vec<_> = op.path_params().map(|p| ident(&p.name)).collect();
    let body_arg = op.body.as_ref().map(|_| quote!(body,));
    let body_param = op.body.as_ref().map(|body| {
        let ty = type_tokens(&body.ty, models);
        if body.required {
            quote!(body: &'a #ty,)
        } else {
            quote!(body: Option<&'a #ty>,)
        }
    });
    let docs = doc(Some(&format!(
        "Every item of every page of [`{0}`](Self::{0}), as a stream that fetches the next page when \
         it needs it, starting at `params.{1}` (or the first page).\n\n\
         The stream ends after the last page, or with the first error.",
        op.name, pagination.page_param
    )));
    Some(quote! {
        #docs
        pub fn #name<'a>(&'a self, #(#path_args,)* params: &#models::params::#params_type, #body_param)
            -> impl ::futures_util::Stream<Item = Result<#item, crate::Error<#error>>> + 'a
        {
            let start = params.clone();
            crate::runtime::__paginate(start, move |params: #models::params::#params_type| async move {
                let current: #page_ty = params.#page.unwrap_or(1);
                let page = self.#method(#(#path_names,)* &params, #body_arg).await?.into_inner();
                let next = crate::runtime::__next_page(page.#pagination_field.#next)
                    #narrow
                    .filter(|next| *next > current)
                    .map(|next| #models::params::#params_type { #page: Some(next), ..params });
                Ok((page.#results, next))
            })
        }
    })
}

/// How a method takes a parameter: `Copy` scalars by value, strings as `&str`, the rest by
/// reference, borrowed for `lifetime`.
fn arg_type_for(ty: &TypeRef, models: &TokenStream, lifetime: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::String) => quote!(&#lifetime str),
        TypeRef::Primitive(Primitive::Binary)
        | TypeRef::Named(_)
        | TypeRef::Vec(_)
        | TypeRef::Tuple(_)
        | TypeRef::Map(_)
        | TypeRef::Nullable(_)
        | TypeRef::Any
        | TypeRef::External(_) => {
            let ty = type_tokens(ty, models);
            quote!(&#lifetime #ty)
        }
        TypeRef::Primitive(_) => type_tokens(ty, models),
    }
}

/// The request path: literal text as written, parameters percent-encoded.
fn emit_path(op: &Operation) -> TokenStream {
    let mut pieces = Vec::new();
    let mut has_params = false;
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => pieces.push(quote!(#text)),
            PathSegment::Param(index) => {
                has_params = true;
                let param = &op.params[*index];
                let name = ident(&param.name);
                pieces.push(match param.ty {
                    // Strings are taken as `&str` already.
                    TypeRef::Primitive(Primitive::String) => {
                        quote!(&crate::runtime::__encode_path(#name))
                    }
                    _ if param.structured => {
                        quote!(&crate::runtime::__encode_path(&crate::runtime::__text(&#name)))
                    }
                    _ => {
                        let text = param_to_string(&quote!(#name), &param.ty);
                        quote!(&crate::runtime::__encode_path(&#text))
                    }
                });
            }
        }
    }
    if !has_params {
        let literal: String = op
            .path_segments
            .iter()
            .map(|s| match s {
                PathSegment::Literal(text) => text.as_str(),
                PathSegment::Param(_) => "",
            })
            .collect();
        return quote!(#literal);
    }
    quote!([#(#pieces),*].concat())
}

fn emit_error_enum(op: &Operation, models: &TokenStream) -> TokenStream {
    let about = format!(
        "The documented error responses of [`Client::{0}`](crate::Client::{0}).",
        op.name
    );
    let errors = match &op.shared_error {
        // Other operations document the same errors: theirs is one enum, this is its name here.
        Some(shared) => {
            let name = ident(&op.error_type);
            let docs = doc(Some(&format!(
                "{about}\n\nOther operations document the same ones: this names the enum they \
                 share, [`{shared}`](crate::{shared})."
            )));
            let shared = ident(shared);
            quote! {
                #docs
                pub type #name = crate::#shared;
            }
        }
        None => emit_status_enum(op, &op.error_type, &about, op.error_responses(), models),
    };
    let success = (op.responses.iter().filter(|r| r.is_success()).count() > 1).then(|| {
        emit_status_enum(
            op,
            &op.success_type,
            &format!(
                "The documented successful responses of [`Client::{0}`](crate::Client::{0}).",
                op.name
            ),
            op.responses.iter().filter(|r| r.is_success()),
            models,
        )
    });
    quote! {
        #errors
        #success
    }
}

/// An enum with one variant per response, carrying the decoded body where there is one.
fn emit_status_enum<'r>(
    op: &Operation,
    name: &str,
    doc_text: &str,
    responses: impl Iterator<Item = &'r Response>,
    models: &TokenStream,
) -> TokenStream {
    let name = ident(name);
    let docs_attr = doc(Some(doc_text));
    let responses: Vec<&Response> = responses.collect();
    // A body still arriving is neither cloned nor compared.
    let derives = if responses.iter().any(|r| streams(op, r)) {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    let variants = responses.iter().map(|response| {
        let variant = ident(&response.variant);
        let docs = doc(response_doc(response).as_deref());
        match &response.body {
            Body::Empty => quote!(#docs #variant,),
            _ => {
                let ty = body_type(op, response, models);
                quote!(#docs #variant(#ty),)
            }
        }
    });
    quote! {
        #docs_attr
        #derives
        pub enum #name {
            #(#variants)*
        }
    }
}

/// `404: Task not found`, or just the status when the description is empty.
pub(crate) fn response_doc(response: &Response) -> Option<String> {
    let status = match response.status {
        Status::Code(code) => code.to_string(),
        Status::Range(class) => format!("{class}XX"),
        Status::Default => "Any other status".to_owned(),
    };
    Some(match &response.description {
        Some(description) => format!("{status}: {description}"),
        None => format!("Status {status}."),
    })
}
