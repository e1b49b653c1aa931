//! The server crate: a trait per group of operations, a response enum per operation, and axum
//! routers that parse each request, call the trait and turn its answer into a response.
//!
//! The shape follows tonic: `pub trait <Tag>Api: Send + Sync + 'static` with one async method per
//! operation, and a router function generic over the implementation, held in an `Arc`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::client::response_doc;
use super::{doc, ident, paragraphs, type_tokens};
use crate::ir::{Api, Body, Group, Method, Operation, ParamLocation, Status};

/// The server crate's `generated` module; `models` is the path of the models crate.
pub fn emit(api: &Api, models: &TokenStream) -> TokenStream {
    let responses = api
        .operations
        .iter()
        .map(|op| emit_response_enum(op, models));
    let groups = api
        .groups
        .iter()
        .map(|group| emit_group(api, group, models));
    let router = emit_router(api);
    quote! {
        #(#responses)*
        #(#groups)*
        #router
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
                (None, quote!(crate::runtime::__status(#code)))
            }
            Status::Range(_) => (Some(quote!(::axum::http::StatusCode,)), quote!(status)),
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
        }
    }
    quote! {
        #docs_attr
        #[derive(Debug, Clone, PartialEq)]
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

fn emit_group(api: &Api, group: &Group, models: &TokenStream) -> TokenStream {
    let trait_name = ident(&group.trait_name);
    let operations: Vec<&Operation> = group
        .operations
        .iter()
        .map(|&i| &api.operations[i])
        .collect();
    let trait_docs = format!(
        "The operations tagged `{}`. Implement it and serve it with [`{}_routes`] or [`router`].",
        group.tag, group.module
    );
    let trait_docs = doc(Some(&trait_docs));
    let methods = operations.iter().map(|op| emit_trait_method(op, models));
    let handlers = operations
        .iter()
        .map(|op| emit_handler(op, &trait_name, models));
    let routes_fn = ident(&format!("{}_routes", group.module));
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
            let handler = ident(&format!("handle_{}", op.name));
            quote!(#method(#handler::<T>))
        });
        let first = methods.next();
        quote!(.route(#path, ::axum::routing::#first #(.#methods)*))
    });
    quote! {
        #trait_docs
        pub trait #trait_name: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }

        #routes_docs
        pub fn #routes_fn<T: #trait_name>(api: ::std::sync::Arc<T>) -> ::axum::Router {
            ::axum::Router::new()
                #(#routes)*
                .with_state(api)
        }

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
    let params = op.params.iter().map(|p| {
        let name = ident(&p.name);
        let ty = type_tokens(&p.ty, models);
        quote!(#name: #ty)
    });
    quote! {
        #docs
        fn #name(&self, context: crate::RequestContext, #(#params),*) -> impl ::std::future::Future<Output = #response> + ::std::marker::Send;
    }
}

fn emit_handler(
    op: &Operation,
    trait_name: &proc_macro2::Ident,
    models: &TokenStream,
) -> TokenStream {
    let name = ident(&op.name);
    let handler = ident(&format!("handle_{}", op.name));
    let has_path = op.params.iter().any(|p| p.location == ParamLocation::Path);
    let path_extractor = has_path.then(|| {
        quote!(path: ::std::result::Result<::axum::extract::RawPathParams, ::axum::extract::rejection::RawPathParamsRejection>,)
    });
    let path_parse = has_path.then(|| quote!(let path = path?;));
    let params = op.params.iter().map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let ty = type_tokens(&p.ty, models);
        quote!(let #name: #ty = crate::runtime::__path_param(&path, #wire)?;)
    });
    let args = op.params.iter().map(|p| ident(&p.name));
    quote! {
        async fn #handler<T: #trait_name>(
            ::axum::extract::State(api): ::axum::extract::State<::std::sync::Arc<T>>,
            #path_extractor
            headers: ::axum::http::HeaderMap,
        ) -> ::std::result::Result<::axum::response::Response, crate::Rejection> {
            #path_parse
            #(#params)*
            let context = crate::RequestContext::new(headers);
            let response = api.#name(context, #(#args),*).await;
            ::std::result::Result::Ok(::axum::response::IntoResponse::into_response(response))
        }
    }
}

fn emit_router(api: &Api) -> TokenStream {
    let bounds = api.groups.iter().map(|g| ident(&g.trait_name));
    let merges = api.groups.iter().map(|g| {
        let routes = ident(&format!("{}_routes", g.module));
        quote!(.merge(#routes(::std::sync::Arc::clone(&api))))
    });
    let generic = (!api.groups.is_empty()).then(|| quote!(<T: #(#bounds)+*>));
    let param = (!api.groups.is_empty()).then(|| quote!(api: ::std::sync::Arc<T>,));
    quote! {
        /// Every operation, served under `base_path` (authentik serves its API under `/api/v3`).
        ///
        /// A request that does not match a route gets 404, a known path with another method 405,
        /// and a malformed parameter 400 with a JSON body, before the implementation is called.
        pub fn router #generic(#param base_path: &str) -> ::axum::Router {
            crate::runtime::nest(base_path, ::axum::Router::new() #(#merges)*)
        }
    }
}
