//! The client crate: one async method per operation and an enum of documented errors for each.
//!
//! A response is chosen by its status code alone, never by guessing from the body: each
//! documented status decodes into its own type, and any other status comes back as
//! `Error::UnexpectedStatus` with the raw response.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc, ident, paragraphs, param_to_string, type_tokens};
use crate::ir::{Api, Body, Operation, PathSegment, Primitive, Response, Status, TypeRef};

/// The client crate's `generated` module; `models` is the path of the models crate.
pub fn emit(api: &Api, models: &TokenStream) -> TokenStream {
    let methods = api.operations.iter().map(|op| emit_method(op, models));
    let errors = api.operations.iter().map(|op| emit_error_enum(op, models));
    quote! {
        impl crate::Client {
            #(#methods)*
        }
        #(#errors)*
    }
}

/// The success type: the body of the one documented success, or `()` when it has none.
fn success_type(op: &Operation, models: &TokenStream) -> TokenStream {
    let mut successes = op.responses.iter().filter(|r| r.is_success());
    match (successes.next(), successes.next()) {
        (Some(response), None) => body_type(response, models),
        (None, _) => quote!(()),
        (Some(_), Some(_)) => {
            let name = ident(&op.success_type);
            quote!(#name)
        }
    }
}

fn body_type(response: &Response, models: &TokenStream) -> TokenStream {
    match &response.body {
        Body::Empty => quote!(()),
        Body::Json(ty) => type_tokens(ty, models),
    }
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
    }
}

fn emit_method(op: &Operation, models: &TokenStream) -> TokenStream {
    let name = ident(&op.name);
    let error = ident(&op.error_type);
    let success = success_type(op, models);
    let method = ident(op.method.as_str());
    let signature = format!("`{} {}`", op.method.as_str(), op.path);
    let docs = doc(paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&signature),
    ])
    .as_deref());
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let params = op.params.iter().map(|p| {
        let name = ident(&p.name);
        let ty = arg_type(&p.ty, models);
        quote!(#name: #ty)
    });
    let path = emit_path(op);
    let bearer = !op.security.bearer.is_empty();
    let multiple_successes = op.responses.iter().filter(|r| r.is_success()).count() > 1;
    let arms = op.responses.iter().map(|response| {
        let pattern = status_pattern(response.status);
        let variant = ident(&response.variant);
        let decode = match response.body {
            Body::Empty => None,
            Body::Json(_) => Some(quote!(let body = response.__json()?;)),
        };
        let value = match response.body {
            Body::Empty => quote!(()),
            Body::Json(_) => quote!(body),
        };
        let result = if response.is_success() && multiple_successes {
            let success = ident(&op.success_type);
            let wrapped = match response.body {
                Body::Empty => quote!(#success::#variant),
                Body::Json(_) => quote!(#success::#variant(body)),
            };
            quote!(::std::result::Result::Ok(response.__value(#wrapped)))
        } else if response.is_success() {
            quote!(::std::result::Result::Ok(response.__value(#value)))
        } else {
            let wrapped = match response.body {
                Body::Empty => quote!(#error::#variant),
                Body::Json(_) => quote!(#error::#variant(body)),
            };
            quote!(::std::result::Result::Err(response.__error(#wrapped)))
        };
        quote!(#pattern => { #decode #result })
    });
    quote! {
        #docs
        #deprecated
        pub async fn #name(&self, #(#params),*) -> ::std::result::Result<crate::ResponseValue<#success>, crate::Error<#error>> {
            let path = #path;
            let request = self.__request(::reqwest::Method::#method, &path, #bearer);
            let response = self.__send(request).await?;
            match response.status.as_u16() {
                #(#arms)*
                _ => ::std::result::Result::Err(response.__unexpected()),
            }
        }
    }
}

/// How a method takes a parameter: `Copy` scalars by value, strings as `&str`, the rest by
/// reference.
fn arg_type(ty: &TypeRef, models: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::String) => quote!(&str),
        TypeRef::Primitive(_) => type_tokens(ty, models),
        _ => {
            let ty = type_tokens(ty, models);
            quote!(&#ty)
        }
    }
}

/// The request path: literal text as written, parameters percent-encoded.
fn emit_path(op: &Operation) -> TokenStream {
    let mut format = String::new();
    let mut args = Vec::new();
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => {
                format.push_str(&text.replace('{', "{{").replace('}', "}}"))
            }
            PathSegment::Param(index) => {
                let param = &op.params[*index];
                let name = ident(&param.name);
                let text = param_to_string(&quote!(#name), &param.ty);
                format.push_str("{}");
                args.push(quote!(crate::runtime::__encode_path(&#text)));
            }
        }
    }
    quote!(::std::format!(#format, #(#args),*))
}

fn emit_error_enum(op: &Operation, models: &TokenStream) -> TokenStream {
    let errors = emit_status_enum(
        &op.error_type,
        &format!(
            "The documented error responses of [`Client::{0}`](crate::Client::{0}).",
            op.name
        ),
        op.responses.iter().filter(|r| !r.is_success()),
        models,
    );
    let success = (op.responses.iter().filter(|r| r.is_success()).count() > 1).then(|| {
        emit_status_enum(
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
    name: &str,
    doc_text: &str,
    responses: impl Iterator<Item = &'r Response>,
    models: &TokenStream,
) -> TokenStream {
    let name = ident(name);
    let docs_attr = doc(Some(doc_text));
    let variants = responses.map(|response| {
        let variant = ident(&response.variant);
        let docs = doc(response_doc(response).as_deref());
        match &response.body {
            Body::Empty => quote!(#docs #variant,),
            Body::Json(ty) => {
                let ty = type_tokens(ty, models);
                quote!(#docs #variant(#ty),)
            }
        }
    });
    quote! {
        #docs_attr
        #[derive(Debug, Clone, PartialEq)]
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
    };
    Some(match &response.description {
        Some(description) => format!("{status}: {description}"),
        None => format!("Status {status}."),
    })
}
