//! The server crate's mock (its `mock` feature): one service that implements every trait,
//! answers each operation with an example of the document, lets a test answer any operation
//! with a closure of its own, records the requests it receives, and serves itself on an
//! ephemeral loopback port.
//!
//! The examples are chosen here, when generating: the response the mock answers (the first
//! documented success, else the default, else the first response), and its body, the
//! document's own example when it is valid against the schema, a value built from the schema
//! ([`crate::example`]) otherwise. `cargo xtask conformance` serves the same mock.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::local_type_tokens as type_tokens;
use super::server::{body_type, trait_principal};
use super::{doc, ident, streams};
use crate::example::{Direction, Examples};
use crate::ir::{Api, Body, Events, Operation, Response, Status};

/// What the mock answers one operation with, chosen when generating.
#[derive(Debug, Clone, PartialEq)]
pub struct MockAnswer {
    /// The index of the response answered, in [`Operation::responses`].
    pub response: usize,
    /// Its body as JSON (or the text of a text body), or why no example could be made (the
    /// mock then panics there, naming the operation: a test answers it itself).
    pub example: Result<Option<String>, String>,
    /// The example event of the response's events, when it is documented both as JSON and as
    /// events (answered to a request that asks for events).
    pub events: Option<Result<Option<String>, String>>,
    /// Why the example is not valid against its schema under JSON Schema, when it is not (a
    /// union whose alternatives overlap has no valid value): empty when it is.
    pub invalid: Vec<String>,
}

/// The answer of every operation and webhook of `api`, in the order of
/// [`Api::operations`] then [`Api::webhooks`], from `document` (the normalised document as
/// JSON).
pub fn answers(api: &Api, document: &Value) -> Vec<MockAnswer> {
    let examples = Examples::new(document, Direction::Response).documented();
    api.operations
        .iter()
        .chain(&api.webhooks)
        .map(|op| answer(&examples, document, op))
        .collect()
}

/// The response the mock answers: the first documented success (an exact status first), else
/// `default`, else the first documented one.
fn answered(op: &Operation) -> usize {
    let position = |f: &dyn Fn(&Response) -> bool| op.responses.iter().position(f);
    position(&|r| r.is_success() && matches!(r.status, Status::Code(_)))
        .or_else(|| position(&|r| r.is_success()))
        .or_else(|| position(&|r| r.status == Status::Default))
        .unwrap_or(0)
}

fn answer(examples: &Examples<'_>, document: &Value, op: &Operation) -> MockAnswer {
    let response = answered(op);
    let Some(chosen) = op.responses.get(response) else {
        return MockAnswer {
            response,
            example: Ok(None),
            events: None,
            invalid: Vec::new(),
        };
    };
    let mut invalid = Vec::new();
    let json = |value: Value| Some(value.to_string());
    let events_example = |events: &Events, invalid: &mut Vec<String>| {
        if events.data.is_none() && events.named.is_none() {
            return Ok(Some("example".to_owned()));
        }
        media_example(examples, document, op, chosen, Some(events), invalid, |m| {
            m.starts_with("text/event-stream")
        })
        .map(json)
    };
    let example = match &chosen.body {
        Body::Empty | Body::Bytes(_) => Ok(None),
        Body::Json(_) => media_example(examples, document, op, chosen, None, &mut invalid, |m| {
            m.contains("json")
        })
        .map(json),
        Body::Text(media) => {
            media_example(examples, document, op, chosen, None, &mut invalid, |m| {
                m == media
            })
            .map(|value| {
                Some(match value {
                    Value::String(text) => text,
                    other => other.to_string(),
                })
            })
        }
        Body::Events(events) => events_example(events, &mut invalid),
    };
    // The same success as events, for a request that asks for them.
    let events = chosen
        .events
        .as_ref()
        .map(|events| events_example(events, &mut invalid));
    MockAnswer {
        response,
        example,
        events,
        invalid,
    }
}

/// The example of the response's body in the first media type `pick` accepts: the document's
/// own (`example`, or the first of `examples`) when it is valid, a value built from the schema
/// otherwise. An event-stream schema that describes the event's fields gives its `data`.
fn media_example(
    examples: &Examples<'_>,
    document: &Value,
    op: &Operation,
    response: &Response,
    events: Option<&Events>,
    invalid: &mut Vec<String>,
    pick: impl Fn(&str) -> bool,
) -> Result<Value, String> {
    let key = match &op.webhook {
        Some(name) => format!("{}{name}", crate::spec::WEBHOOK_KEY),
        None => op.path.clone(),
    };
    let operation = document
        .get("paths")
        .and_then(|paths| paths.get(&key))
        .and_then(|item| item.get(op.method.as_str().to_ascii_lowercase()))
        .ok_or_else(|| format!("no operation at {}", op.pointer))?;
    let status = match response.status {
        Status::Code(code) => code.to_string(),
        Status::Range(class) => format!("{class}XX"),
        Status::Default => "default".to_owned(),
    };
    let responses = operation.get("responses").ok_or("no responses")?;
    let documented = responses
        .get(&status)
        .or_else(|| responses.get(status.to_ascii_lowercase()))
        .ok_or_else(|| format!("no response `{status}`"))?;
    let documented = examples.deref(documented)?;
    let media = documented
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.iter().find(|(media, _)| pick(media)))
        .map(|(_, media)| media)
        .ok_or_else(|| format!("no content for the `{status}` response"))?;
    let mut schema = examples.deref(media.get("schema").ok_or("no schema")?)?;
    // Events told apart by name: the first.
    if let Some(events) = events
        && events.named.is_some()
        && let Some(first) = ["oneOf", "anyOf"]
            .iter()
            .find_map(|key| schema.get(*key)?.as_array()?.first())
    {
        schema = examples.deref(first)?;
    }
    // The events' `data`, when the schema describes the event's fields.
    if events.is_some()
        && let Some(properties) = schema.get("properties").and_then(Value::as_object)
        && let Some(data) = properties.get("data")
        && properties
            .keys()
            .all(|key| matches!(key.as_str(), "data" | "event" | "id" | "retry"))
    {
        schema = data;
    }
    let own = media.get("example").cloned().or_else(|| {
        let first = media.get("examples")?.as_object()?.values().next()?;
        examples.deref(first).ok()?.get("value").cloned()
    });
    if let Some(own) = own
        && events.is_none()
        && examples.problems(&own, schema).is_empty()
    {
        return Ok(own);
    }
    let value = examples.value(schema)?;
    invalid.extend(examples.problems(&value, schema));
    Ok(value)
}

/// The operations' table the mock's recorder routes requests by: `(operationId, method,
/// path template)`.
fn operation_table(api: &Api) -> TokenStream {
    let rows = api.operations.iter().map(|op| {
        let (id, method, path) = (&op.id, op.method.as_str(), &op.path);
        quote!((#id, #method, #path))
    });
    quote!(&[#(#rows),*])
}

/// The `mock` module of the server crate's root, or nothing when the crate has no features
/// (a build script's output: the including crate would have no `mock` feature to turn it on).
pub fn emit_mock(api: &Api, answers: &[MockAnswer]) -> TokenStream {
    if !api.features || (api.operations.is_empty() && api.webhooks.is_empty()) {
        return TokenStream::new();
    }
    let models = quote!(crate::models);
    let ops: Vec<&Operation> = api.operations.iter().chain(&api.webhooks).collect();
    let override_fields = ops.iter().map(|op| {
        let name = ident(&op.name);
        let closure = closure_type(op, &models);
        quote!(#name: crate::runtime::__Slot<#closure>,)
    });
    // `on_<operation>`, unique beside the mock's own methods.
    let mut setter_names = crate::naming::Namespace::with_reserved(&[
        "new",
        "accept_only",
        "requests",
        "clear_requests",
        "router",
        "start",
        "webhook_router",
    ]);
    let setter_names: Vec<String> = ops
        .iter()
        .map(|op| setter_names.claim(crate::naming::snake_compound(&["on", &op.name])))
        .collect();
    let setters = ops.iter().zip(&setter_names).map(|(op, setter)| {
        let name = ident(&op.name);
        let setter = ident(setter);
        let closure = closure_bound(op, &models);
        let docs = doc(Some(&format!("Answers `{}` with `answer`.", op.id)));
        quote! {
            #docs
            pub fn #setter(&self, answer: impl #closure + Send + Sync + 'static) -> &Self {
                self.inner.overrides.#name.set(::std::sync::Arc::new(answer));
                self
            }
        }
    });
    let impls = api.server_groups().map(|group| {
        let trait_name = ident(&group.trait_name);
        let group_ops = api.operations_of(group);
        let methods = group.operations.iter().map(|&index| {
            let op = &group_ops[index];
            let position = if group.webhooks {
                api.operations.len() + index
            } else {
                index
            };
            emit_method(op, &answers[position], &setter_names[position], &models)
        });
        quote! {
            impl crate::#trait_name for Mock {
                #(#methods)*
            }
        }
    });
    // What the recorder routes requests by (a webhooks-only API has no router to record).
    let table = (!api.operations.is_empty()).then(|| {
        let table = operation_table(api);
        quote! {
            /// Every operation, by `operationId`, method and path template.
            const OPERATIONS: &[(&str, &str, &str)] = #table;
        }
    });
    let webhook_router = (!api.webhook_groups.is_empty()).then(|| {
        quote! {
            /// The webhook receiver of this mock, under `base_path` (see `webhook_router`).
            pub fn webhook_router(&self, base_path: &str) -> ::axum::Router {
                crate::webhook_router(::std::sync::Arc::new(self.clone()), base_path)
            }
        }
    });
    let (router, start) = if api.operations.is_empty() {
        (None, None)
    } else {
        (
            Some(quote! {
                /// This mock's router, under `base_path`, recording every request.
                pub fn router(&self, base_path: &str) -> ::axum::Router {
                    crate::runtime::__mock_router(
                        crate::router(::std::sync::Arc::new(self.clone()), base_path),
                        ::std::sync::Arc::clone(&self.inner.requests),
                        OPERATIONS,
                    )
                }
            }),
            Some(quote! {
                /// Serves this mock on an ephemeral port of 127.0.0.1 until the returned server
                /// is dropped; point a client at its [`base_url`](MockServer::base_url).
                pub async fn start(&self) -> ::std::io::Result<MockServer> {
                    MockServer::__start(self.router("/")).await
                }
            }),
        )
    };
    let module_docs = quote! {
        //! A mock of the API for tests (the `mock` feature): [`Mock`] implements every trait,
        //! answers each operation with an example of the document (its own when it is valid,
        //! one built from the schema otherwise), records the requests it receives, and lets a
        //! test answer any operation itself.
        //!
        //! ```ignore
        //! let mock = Mock::new();
        //! mock.on_get_pet(|_context, id| GetPetResponse::Ok(Pet { id, name: "Rex".into() }));
        //! let server = mock.start().await?;
        //! let client = Client::new(server.base_url())?;
        //! assert_eq!(client.get_pet(7).await?.name, "Rex");
        //! assert_eq!(mock.requests()[0].operation, Some("getPet"));
        //! ```
    };
    quote! {
        #[cfg(feature = "mock")]
        pub mod mock {
            #module_docs

            pub use crate::runtime::{MockRequest, MockServer};

            #table

            /// The answers a test gave, by operation.
            #[derive(Default)]
            struct Overrides {
                #(#override_fields)*
            }

            #[derive(Default)]
            struct Inner {
                overrides: Overrides,
                requests: crate::runtime::__MockLog,
                token: ::std::sync::Mutex<Option<String>>,
            }

            /// The mock service: cheap to clone (clones share their answers and requests).
            #[derive(Clone, Default)]
            pub struct Mock {
                inner: ::std::sync::Arc<Inner>,
            }

            impl ::std::fmt::Debug for Mock {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct("Mock").finish_non_exhaustive()
                }
            }

            impl Mock {
                /// A mock answering every operation with its example, accepting any credential.
                pub fn new() -> Self {
                    Self::default()
                }

                /// This mock, accepting only `secret` as a credential (every credential a
                /// request carries must be it); others are refused as the operation documents.
                pub fn accept_only(self, secret: impl Into<String>) -> Self {
                    *self.inner.token.lock().unwrap_or_else(::std::sync::PoisonError::into_inner) =
                        Some(secret.into());
                    self
                }

                /// The requests received so far, in order.
                pub fn requests(&self) -> Vec<MockRequest> {
                    self.inner.requests.lock().unwrap_or_else(::std::sync::PoisonError::into_inner).clone()
                }

                /// Forgets the requests received so far.
                pub fn clear_requests(&self) {
                    self.inner.requests.lock().unwrap_or_else(::std::sync::PoisonError::into_inner).clear();
                }

                #router
                #start
                #webhook_router
                #(#setters)*
            }

            impl crate::Authenticator for Mock {
                type Principal = ();

                async fn authenticate(&self, credentials: &[crate::Credential<'_>]) -> Result<(), crate::Refusal> {
                    let token = self.inner.token.lock().unwrap_or_else(::std::sync::PoisonError::into_inner).clone();
                    match token {
                        Some(token) if !credentials.iter().all(|c| c.secret() == token) => {
                            Err(crate::Refusal::Unauthenticated)
                        }
                        _ => Ok(()),
                    }
                }
            }

            #(#impls)*
        }
    }
}

/// The arguments of a trait method after the context and principal: `(name, type)`.
fn arguments(op: &Operation, models: &TokenStream) -> Vec<(proc_macro2::Ident, TokenStream)> {
    let mut args: Vec<(proc_macro2::Ident, TokenStream)> = op
        .path_params()
        .map(|p| (ident(&p.name), type_tokens(&p.ty, models)))
        .collect();
    if let Some(params_type) = &op.params_type {
        let params_type = ident(params_type);
        args.push((ident("params"), quote!(#models::params::#params_type)));
    }
    if let Some(body) = &op.body {
        let ty = body_type(body, models);
        args.push((
            ident("body"),
            if body.required {
                ty
            } else {
                quote!(Option<#ty>)
            },
        ));
    }
    args
}

/// `Fn(RequestContext, args...) -> Response`.
fn closure_bound(op: &Operation, models: &TokenStream) -> TokenStream {
    let types = arguments(op, models).into_iter().map(|(_, ty)| ty);
    let response = ident(&op.response_type);
    quote!(Fn(crate::RequestContext, #(#types),*) -> crate::#response)
}

fn closure_type(op: &Operation, models: &TokenStream) -> TokenStream {
    let bound = closure_bound(op, models);
    quote!(dyn #bound + Send + Sync)
}

/// The trait method: the test's answer when it gave one, the example otherwise.
fn emit_method(
    op: &Operation,
    answer: &MockAnswer,
    setter: &str,
    models: &TokenStream,
) -> TokenStream {
    let name = ident(&op.name);
    let response_type = ident(&op.response_type);
    let args = arguments(op, models);
    let params = args.iter().map(|(name, ty)| quote!(#name: #ty));
    let names: Vec<&proc_macro2::Ident> = args.iter().map(|(name, _)| name).collect();
    // `principal`, as the trait names it (its other names are the operation's own).
    let principal = trait_principal(op, &quote!(()));
    let allow = principal
        .as_ref()
        .map(|_| quote!(#[allow(unused_variables)]));
    let default = default_answer(op, answer, setter, models);
    // A ready future, not an `async fn`: the answer is at hand, and a thousand `async` bodies
    // cost the compiler minutes proving each one `Send`.
    quote! {
        #allow
        fn #name(&self, context: crate::RequestContext, #principal #(#params),*)
            -> impl ::std::future::Future<Output = crate::#response_type> + Send
        {
            ::std::future::ready(match self.inner.overrides.#name.get() {
                Some(answer) => answer(context, #(#names),*),
                None => #default,
            })
        }
    }
}

/// The example answer of `op`.
fn default_answer(
    op: &Operation,
    answer: &MockAnswer,
    setter: &str,
    models: &TokenStream,
) -> TokenStream {
    let response_type = ident(&op.response_type);
    let Some(response) = op.responses.get(answer.response) else {
        let why = format!("`{}` documents no response to answer with", op.id);
        return quote!(panic!("{}", #why));
    };
    let variant = ident(&response.variant);
    let status = match response.status {
        Status::Code(_) => None,
        Status::Range(class) => {
            let code = Literal::u16_unsuffixed(class * 100);
            Some(quote!(::axum::http::StatusCode::from_u16(#code).unwrap_or_default(),))
        }
        Status::Default => Some(quote!(::axum::http::StatusCode::OK,)),
    };
    let id = &op.id;
    let example = match &answer.example {
        Ok(example) => example.clone(),
        Err(why) => {
            let why = format!(
                "the mock has no example answer for `{id}` ({why}); answer it with `Mock::{setter}`"
            );
            // The reason quotes the document (a pattern's `{8}`): an argument, never the format.
            return quote!(panic!("{}", #why));
        }
    };
    let json = super::doc_literal(&example.unwrap_or_else(|| "null".to_owned()));
    let body = match &response.body {
        Body::Empty => None,
        Body::Json(ty) => {
            let ty = type_tokens(ty, models);
            Some(quote!(crate::runtime::__example::<#ty>(#id, #json)))
        }
        Body::Text(_) => Some(quote!(#json.to_owned())),
        Body::Bytes(_) if streams(op, response) => {
            Some(quote!(::axum::body::Body::from("example")))
        }
        Body::Bytes(_) => Some(quote!(::axum::body::Bytes::from_static(b"example"))),
        Body::Events(events) => {
            let data = event_data(events, id, &json, models);
            Some(if response.is_success() {
                quote!(crate::Events::from_data(::futures_util::stream::iter([#data])))
            } else {
                data
            })
        }
    };
    let answer_body = match (&status, body) {
        (None, None) => quote!(crate::#response_type::#variant),
        (status, body) => quote!(crate::#response_type::#variant(#status #body)),
    };
    // A success documented as JSON and as events: events for a request that asks for them.
    let (Some(events), Some(Ok(example))) = (&response.events, &answer.events) else {
        return answer_body;
    };
    let json = super::doc_literal(example.as_deref().unwrap_or("null"));
    let data = event_data(events, id, &json, models);
    let events_variant = ident(&format!("{}Events", response.variant));
    quote! {
        if crate::runtime::__wants_events(&context.headers) {
            crate::#response_type::#events_variant(
                #status crate::Events::from_data(::futures_util::stream::iter([#data]))
            )
        } else {
            #answer_body
        }
    }
}

/// The data of an example event: the type the events are, read from `json`.
fn event_data(events: &Events, id: &str, json: &Literal, models: &TokenStream) -> TokenStream {
    match (&events.data, &events.named) {
        (_, Some(named)) => match named.variants.first() {
            Some(first) => {
                let name = ident(&named.type_name);
                let variant = ident(&first.variant);
                let ty = type_tokens(&first.data, models);
                quote!(crate::#name::#variant(crate::runtime::__example::<#ty>(#id, #json)))
            }
            None => quote!(panic!("no named event")),
        },
        (Some(ty), None) => {
            let ty = type_tokens(ty, models);
            quote!(crate::runtime::__example::<#ty>(#id, #json))
        }
        (None, None) => quote!(#json.to_owned()),
    }
}
