//! Stage 4, emit: turns the IR into token streams, one emitter per generated crate.
//!
//! Emitters read only the [`ir`](crate::ir); every name they print was decided by
//! [`crate::naming`] during lowering, so they only turn strings into identifiers. Generated code
//! names everything by absolute path (`::std::`, `::serde::`, the models crate) so that no schema
//! name can shadow what the code relies on.

pub mod client;
pub mod mock;
pub mod models;
pub mod server;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use std::collections::{HashMap, HashSet};

use crate::ir::{Api, Group, Primitive, Struct, TypeDef, TypeKind, TypeRef};

/// An identifier for a name `naming` already made valid.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = "..."]` attributes, one per line, or nothing.
pub(crate) fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let text = rustdoc_safe(text);
    let lines = text.lines().map(|line| {
        let line = doc_line(line);
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// `#![doc = "..."]` attributes for a module or crate root.
pub(crate) fn inner_doc(text: &str) -> TokenStream {
    let text = rustdoc_safe(text);
    let lines = text.lines().map(|line| {
        let line = doc_line(line);
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// One line of documentation as the literal of a `doc` attribute: ` line` (rustdoc's `/// line`),
/// or an empty string for a blank line.
fn doc_line(line: &str) -> Literal {
    if line.is_empty() {
        doc_literal("")
    } else {
        doc_literal(&format!(" {line}"))
    }
}

/// `text` as a string literal for a `doc` attribute (or any long text, such as the mock's JSON
/// examples).
///
/// A raw string where one can hold it, as `///` comments are written: the printer reads the
/// value of every doc attribute back, and a raw string needs no escaping on the way in or
/// unescaping on the way out (a tenth of the generator's work went into that). The formatted
/// output is the same either way.
pub(crate) fn doc_literal(text: &str) -> Literal {
    // A raw string cannot hold a carriage return, and closes at `"` followed by its hashes:
    // as few hashes as keep that closing sequence out of the text (none for most lines).
    if !text.contains('\r') {
        let mut hashes = String::new();
        while text.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        if let Ok(literal) = format!("r{hashes}\"{text}\"{hashes}").parse() {
            return literal;
        }
    }
    Literal::string(text)
}

/// Markdown written for web pages, made into documentation rustdoc renders without warnings and
/// `cargo test` does not run: code blocks, fenced or indented, become `text` blocks (examples
/// from a web page name nothing the crate has), raw `<tags>` are escaped, bare URLs become autolinks and
/// brackets that are not links are escaped (rustdoc would read `[name]` as a link to an item).
/// Code spans and intra-doc links written as `` [`item`] `` are kept as they are.
pub fn rustdoc_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut fence: Option<String> = None;
    let mut indented = false;
    let mut previous_blank = true;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str()) {
                fence = None;
                out.push_str("```\n");
            } else {
                out.push_str(line);
                out.push('\n');
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let marker = trimmed[..3].to_owned();
            if indented {
                out.push_str("```\n");
                indented = false;
            }
            // Examples from a web page (Rust ones too) name nothing this crate has: not compiled.
            out.push_str("```text\n");
            fence = Some(marker);
            continue;
        }
        let code = line.starts_with("    ") || line.starts_with('\t');
        if code && (indented || previous_blank) && !trimmed.is_empty() {
            if !indented {
                out.push_str("```text\n");
                indented = true;
            }
            out.push_str(trimmed);
            out.push('\n');
            previous_blank = false;
            continue;
        }
        if indented && !trimmed.is_empty() {
            out.push_str("```\n");
            indented = false;
        }
        if indented && trimmed.is_empty() {
            out.push_str("```\n");
            indented = false;
        }
        out.push_str(&inline_safe(line));
        out.push('\n');
        previous_blank = trimmed.is_empty();
    }
    if fence.is_some() || indented {
        out.push_str("```\n");
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Whether `rest` (what follows `](`) is a Markdown link destination: text without spaces up
/// to `)`, optionally followed by a quoted title. `[Blocks]({{< relref "x" >}})` (a site
/// generator's shortcode) is not one, and rustdoc would read `[Blocks]` as an intra-doc link.
fn inline_destination(rest: &[char]) -> bool {
    let Some(close) = rest.iter().position(|&c| c == ')') else {
        return false;
    };
    let inside: String = rest[..close].iter().collect();
    let inside = inside.trim();
    match inside.split_once(char::is_whitespace) {
        None => !inside.is_empty(),
        Some((_, title)) => {
            let title = title.trim();
            title.len() >= 2
                && ((title.starts_with('"') && title.ends_with('"'))
                    || (title.starts_with('\'') && title.ends_with('\'')))
        }
    }
}

/// [`rustdoc_safe`] for one line outside code blocks.
fn inline_safe(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    let starts =
        |i: usize, what: &str| chars[i..].iter().take(what.len()).copied().eq(what.chars());
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // A code span: copied up to its closing run of backticks.
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                let close = (i + run..chars.len()).find(|&j| {
                    chars[j..].iter().take_while(|&&c| c == '`').count() == run
                        && (j == 0 || chars[j - 1] != '`')
                });
                match close {
                    Some(j) => {
                        out.extend(&chars[i..j + run]);
                        i = j + run;
                    }
                    None => {
                        out.push_str(&"\\`".repeat(run));
                        i += run;
                    }
                }
            }
            '\\' if i + 1 < chars.len() => {
                out.push(c);
                out.push(chars[i + 1]);
                i += 2;
            }
            '<' => {
                // An autolink stays; anything else that could read as HTML is escaped.
                let rest: String = chars[i + 1..].iter().collect();
                if (rest.starts_with("http://")
                    || rest.starts_with("https://")
                    || rest.starts_with("mailto:"))
                    && rest.contains('>')
                {
                    let end = rest.find('>').unwrap_or(0);
                    out.push('<');
                    out.push_str(&rest[..=end]);
                    i += 1 + rest[..=end].chars().count();
                } else {
                    out.push_str("&lt;");
                    i += 1;
                }
            }
            '[' => {
                // `[text](url)` and `[text][ref]` are links; `[`item`]` an intra-doc link.
                let close = (i + 1..chars.len()).find(|&j| chars[j] == ']');
                let link = close.is_some_and(|j| {
                    let inner: String = chars[i + 1..j].iter().collect();
                    let next = chars.get(j + 1);
                    if next == Some(&'(') {
                        return inline_destination(&chars[j + 2..]);
                    }
                    next == Some(&'[')
                        || (inner.starts_with('`')
                            && inner.ends_with('`')
                            && inner.len() > 2
                            && !inner.contains(' '))
                        || (i == 0 && next == Some(&':'))
                });
                if link {
                    out.push('[');
                } else {
                    out.push_str("\\[");
                }
                i += 1;
            }
            ']' => {
                let opened = out.rfind("\\[").is_some_and(|at| !out[at..].contains(']'));
                // A `]` whose `[` is on an earlier line (link text wrapped over lines, which
                // this line-by-line pass cannot join): escaped, so `](url)` is no link target.
                let kept = out
                    .char_indices()
                    .rfind(|&(at, c)| c == '[' && !out[..at].ends_with('\\'))
                    .is_some_and(|(at, _)| !out[at..].contains(']'));
                if opened || !kept {
                    out.push_str("\\]");
                } else {
                    out.push(']');
                }
                i += 1;
            }
            'h' if starts(i, "http://") || starts(i, "https://") => {
                // A bare URL inside a Markdown link target `](...)` stays as it is.
                let in_target =
                    (out.ends_with("](") && !out.ends_with("\\](")) || out.ends_with("]: ");
                let end = (i..chars.len())
                    .find(|&j| {
                        chars[j].is_whitespace()
                            || matches!(chars[j], '<' | '>' | '"' | '`' | ')' | ']')
                    })
                    .unwrap_or(chars.len());
                let mut end = end;
                while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':' | '!' | '?' | '\'')
                {
                    end -= 1;
                }
                let url: String = chars[i..end].iter().collect();
                if in_target {
                    out.push_str(&url);
                } else {
                    out.push('<');
                    out.push_str(&url);
                    out.push('>');
                }
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Joins documentation paragraphs, skipping the missing ones.
pub(crate) fn paragraphs<'s>(parts: impl IntoIterator<Item = Option<&'s str>>) -> Option<String> {
    let parts: Vec<&str> = parts.into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The Rust type the generated crates use for `ty` (in signatures of the server traits and the
/// client's methods), as source text, with model types under the path `models` (such as
/// `my_api_models`). For tools that write code against the generated crates.
pub fn rust_type(ty: &TypeRef, models: &str) -> String {
    let models: TokenStream = models.parse().unwrap_or_else(|_| quote!(models));
    type_tokens(ty, &models).to_string()
}

/// The Rust type of `ty`, naming model types through `models` (`crate` inside the models crate).
///
/// Inside the models crate every std type is spelled out (`::std::option::Option`), since a schema
/// may be called `Option`; see [`local_type_tokens`] for the client and server crates.
pub(crate) fn type_tokens(ty: &TypeRef, models: &TokenStream) -> TokenStream {
    type_tokens_with(ty, models, false)
}

/// [`type_tokens`] for the client and server crates, whose generated names all end in a suffix
/// (`Error`, `Response`, `Api`, ...) and so never shadow the prelude: `Option`, `Vec` and
/// `String` are written plainly.
pub(crate) fn local_type_tokens(ty: &TypeRef, models: &TokenStream) -> TokenStream {
    type_tokens_with(ty, models, true)
}

fn type_tokens_with(ty: &TypeRef, models: &TokenStream, prelude: bool) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#models::#name)
        }
        TypeRef::Primitive(Primitive::String) if prelude => quote!(String),
        TypeRef::Primitive(primitive) => primitive_tokens(*primitive, models),
        TypeRef::Vec(item) => {
            let item = type_tokens_with(item, models, prelude);
            if prelude {
                quote!(Vec<#item>)
            } else {
                quote!(::std::vec::Vec<#item>)
            }
        }
        TypeRef::Map(value) => {
            let value = type_tokens_with(value, models, prelude);
            if prelude {
                quote!(::std::collections::BTreeMap<String, #value>)
            } else {
                quote!(::std::collections::BTreeMap<::std::string::String, #value>)
            }
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens_with(inner, models, prelude);
            if prelude {
                quote!(Option<#inner>)
            } else {
                quote!(::std::option::Option<#inner>)
            }
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|t| type_tokens_with(t, models, prelude));
            quote!((#(#items,)*))
        }
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::External(external) => external_path(&external.path),
    }
}

/// A user's type path (`my_crate::Money`), made absolute (`::my_crate::Money`) so that no
/// generated name can shadow its first segment; checked to parse when the config was read.
pub(crate) fn external_path(path: &str) -> TokenStream {
    let relative = ["crate", "self", "super"]
        .iter()
        .any(|first| path == *first || path.starts_with(&format!("{first}::")));
    let text = if path.starts_with("::") || relative {
        path.to_owned()
    } else {
        format!("::{path}")
    };
    match syn::parse_str::<syn::Type>(&text) {
        Ok(ty) => quote!(#ty),
        Err(_) => quote!(::serde_json::Value),
    }
}

fn primitive_tokens(primitive: Primitive, models: &TokenStream) -> TokenStream {
    match primitive {
        Primitive::String => quote!(::std::string::String),
        Primitive::Bool => quote!(bool),
        Primitive::I32 => quote!(i32),
        Primitive::I64 => quote!(i64),
        Primitive::F32 => quote!(f32),
        Primitive::F64 => quote!(f64),
        Primitive::Uuid => quote!(::uuid::Uuid),
        Primitive::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Primitive::Date => quote!(::chrono::NaiveDate),
        Primitive::Binary => quote!(#models::Binary),
    }
}

/// Whether any type, parameter or body of `api` is `format: binary`, so that the models crate
/// needs its `Binary` type.
pub(crate) fn uses_binary(api: &Api) -> bool {
    fn walk(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Primitive(Primitive::Binary) => true,
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => walk(inner),
            TypeRef::Tuple(items) => items.iter().any(walk),
            _ => false,
        }
    }
    api.types.iter().any(|def| match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().any(|f| walk(&f.ty))
                || s.additional.as_ref().is_some_and(|a| walk(&a.ty))
        }
        TypeKind::Alias(ty) => walk(ty),
        TypeKind::Union(u) => u.variants.iter().any(|v| walk(&v.ty)),
        TypeKind::Enum(_) => false,
    }) || api.all_operations().any(|op| {
        op.body.as_ref().is_some_and(|b| walk(&b.ty)) || op.params.iter().any(|p| walk(&p.ty))
    })
}

/// An expression turning `value` (a reference to a parameter of type `ty`) into the text sent in
/// a path, query or header: RFC 3339 for date-times, `Display` for everything else.
pub(crate) fn param_to_string(value: &TokenStream, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Primitive(Primitive::DateTime) => {
            quote!(#value.to_rfc3339_opts(::chrono::SecondsFormat::AutoSi, true))
        }
        _ => quote!(#value.to_string()),
    }
}

/// The struct `ty` names, if it names one.
pub(crate) fn struct_of<'a>(api: &'a Api, ty: &TypeRef) -> Option<&'a Struct> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    api.types
        .iter()
        .find(|t| &t.name == name)
        .and_then(|t| match &t.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        })
}

/// Whether a value of `ty` travels as one multipart part of its own (a scalar, an enum or
/// bytes) rather than as JSON text.
pub(crate) fn is_part_scalar(api: &Api, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Primitive(_) => true,
        TypeRef::Named(name) => api
            .types
            .iter()
            .any(|t| &t.name == name && matches!(t.kind, TypeKind::Enum(_))),
        _ => false,
    }
}

/// The `generated` module root of a crate split by tag: one module per group, each behind the
/// Cargo feature of the same name, re-exported flat.
pub(crate) fn module_tree<'a>(
    groups: impl Iterator<Item = &'a Group>,
    features: bool,
) -> TokenStream {
    let modules = groups.map(|group| {
        let module = ident(&group.module);
        let feature = &group.module;
        let cfg = features.then(|| quote!(#[cfg(feature = #feature)]));
        let what = if group.webhooks {
            "webhooks"
        } else {
            "operations"
        };
        let docs = doc(Some(&format!("The {what} tagged `{}`.", group.tag)));
        quote! {
            #docs
            #cfg
            mod #module;
            #cfg
            pub use self::#module::*;
        }
    });
    quote!(#(#modules)*)
}

/// `use crate::models;` when `tokens` name the models crate through it, so that a module that
/// does not (say, operations with only scalar parameters and no bodies) has no unused import.
pub(crate) fn use_models(tokens: &TokenStream) -> TokenStream {
    fn mentions(tokens: &TokenStream) -> bool {
        tokens.clone().into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) => ident == "models",
            proc_macro2::TokenTree::Group(group) => mentions(&group.stream()),
            _ => false,
        })
    }
    if mentions(tokens) {
        quote!(
            use crate::models;
        )
    } else {
        TokenStream::new()
    }
}

/// Which Cargo features of the models crate compile each type: one feature per group (tag) of
/// operations and webhooks, as in the client and server crates, and a type is compiled when a
/// group whose operations reach it (through parameters, bodies, responses and other types) is
/// enabled. A type every group reaches, or none, is always compiled. Computed from the IR, in
/// the IR's order, so the same document gives the same gates.
pub struct Gates<'a> {
    /// The groups reaching each gated type, sorted.
    types: HashMap<&'a str, Vec<&'a str>>,
    /// The group of each parameter struct (named after its operation).
    params: HashMap<&'a str, &'a str>,
}

impl<'a> Gates<'a> {
    /// The gates of `api`'s types.
    pub fn new(api: &'a Api) -> Self {
        let by_name: HashMap<&str, &TypeDef> =
            api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let groups: Vec<&Group> = api.server_groups().collect();
        let mut reach: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut reached_any: HashSet<&str> = HashSet::new();
        let mut params = HashMap::new();
        for group in &groups {
            for &index in &group.operations {
                let op = &api.operations_of(group)[index];
                if let Some(name) = &op.params_type {
                    params.insert(name.as_str(), group.module.as_str());
                }
            }
            for name in reached_types(api, group, &by_name) {
                reached_any.insert(name);
                reach.entry(name).or_default().push(group.module.as_str());
            }
        }
        if !api.features {
            return Self {
                types: HashMap::new(),
                params: HashMap::new(),
            };
        }
        let mut types: HashMap<&str, Vec<&str>> = reach
            .into_iter()
            .filter(|(_, reached)| reached.len() < groups.len())
            .map(|(name, mut reached)| {
                reached.sort_unstable();
                (name, reached)
            })
            .collect();
        if api.components_feature {
            // What no operation reaches is there for the `components` feature.
            for def in &api.types {
                if !reached_any.contains(def.name.as_str()) {
                    types.insert(def.name.as_str(), vec!["components"]);
                }
            }
        }
        Self { types, params }
    }

    /// The `#[cfg]` of the type `name`, or nothing for one that is always compiled.
    pub(crate) fn of_type(&self, name: &str) -> TokenStream {
        self.types
            .get(name)
            .map(|features| cfg_any(features))
            .unwrap_or_default()
    }

    /// The `#[cfg]` of the parameter struct `name`.
    pub(crate) fn of_params(&self, name: &str) -> TokenStream {
        self.params
            .get(name)
            .map(|feature| cfg_any(&[feature]))
            .unwrap_or_default()
    }
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`.
pub(crate) fn cfg_any(features: &[&str]) -> TokenStream {
    match features {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// `items` (the items emitted for one type) with `cfg` before each: an item runs to a `;` or to
/// a `{ ... }` body at its top level (`impl X { ... }`, `pub struct X { ... }`, `pub type X =
/// Y;`), its attributes included.
pub(crate) fn gate(cfg: &TokenStream, items: TokenStream) -> TokenStream {
    use proc_macro2::{Delimiter, TokenTree};
    if cfg.is_empty() {
        return items;
    }
    let mut out = TokenStream::new();
    let mut start = true;
    let mut tokens = items.into_iter().peekable();
    while let Some(token) = tokens.next() {
        if start {
            out.extend(cfg.clone());
        }
        let ends = match &token {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        out.extend([token]);
        start = ends;
    }
    out
}

/// Whether a response body is read (client) or written (server) as it arrives instead of
/// whole: the events of a success, and the binary body of an operation's only success.
pub(crate) fn streams(op: &crate::ir::Operation, response: &crate::ir::Response) -> bool {
    use crate::ir::Body;
    response.is_success()
        && match response.body {
            Body::Events(_) => true,
            Body::Bytes(_) => op.responses.iter().filter(|r| r.is_success()).count() == 1,
            _ => false,
        }
}

/// Every enum of events told apart by name that `op`'s responses carry.
pub(crate) fn named_events(op: &crate::ir::Operation) -> Vec<&crate::ir::NamedEvents> {
    let mut all: Vec<&crate::ir::NamedEvents> = Vec::new();
    for response in &op.responses {
        let body = match &response.body {
            crate::ir::Body::Events(events) => Some(events),
            _ => None,
        };
        for events in body.into_iter().chain(response.events.as_ref()) {
            if let Some(named) = &events.named
                && !all.iter().any(|n| n.type_name == named.type_name)
            {
                all.push(named);
            }
        }
    }
    all
}

/// The enum of events told apart by name, for the client (`server: false`: it reads them) or
/// the server (it writes them); `op` names the method its documentation links to.
pub(crate) fn emit_named_events(
    named: &crate::ir::NamedEvents,
    about: &str,
    models: &TokenStream,
    server: bool,
) -> TokenStream {
    let name = ident(&named.type_name);
    let other = ident(&named.other);
    let docs = doc(Some(about));
    let variants = named.variants.iter().map(|v| {
        let variant = ident(&v.variant);
        let ty = local_type_tokens(&v.data, models);
        let docs = doc(Some(&format!("A `{}` event.", v.event)));
        quote!(#docs #variant(#ty),)
    });
    let wire_names = named.variants.iter().map(|v| {
        let variant = ident(&v.variant);
        let event = &v.event;
        quote!(Self::#variant(_) => Some(#event),)
    });
    let conversion = if server {
        let arms = named.variants.iter().map(|v| {
            let variant = ident(&v.variant);
            quote!(Self::#variant(data) => ::serde_json::to_string(data),)
        });
        quote! {
            impl crate::runtime::__NamedEvent for #name {
                fn __name(&self) -> Option<&str> {
                    self.event_name()
                }

                fn __data(&self) -> Result<String, ::serde_json::Error> {
                    match self {
                        #(#arms)*
                        Self::#other { data, .. } => Ok(data.clone()),
                    }
                }
            }
        }
    } else {
        let arms = named.variants.iter().map(|v| {
            let variant = ident(&v.variant);
            let event = &v.event;
            quote!(Some(#event) => ::serde_json::from_str(data).map(Self::#variant),)
        });
        quote! {
            impl crate::runtime::__NamedEvent for #name {
                fn __from_event(event: Option<&str>, data: &str) -> Result<Self, ::serde_json::Error> {
                    match event {
                        #(#arms)*
                        _ => Ok(Self::#other {
                            event: event.map(str::to_owned),
                            data: data.to_owned(),
                        }),
                    }
                }
            }
        }
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            /// An event of another name (or of none), its data as text.
            #other {
                /// Its name.
                event: Option<String>,
                /// Its data.
                data: String,
            },
        }

        impl #name {
            /// The event's name on the wire.
            pub fn event_name(&self) -> Option<&str> {
                match self {
                    #(#wire_names)*
                    Self::#other { event, .. } => event.as_deref(),
                }
            }
        }

        #conversion
    }
}

#[cfg(test)]
mod markdown_tests {
    use super::rustdoc_safe;

    #[test]
    fn shortcodes_in_link_targets_are_not_links() {
        assert_eq!(
            rustdoc_safe(r#"[Blocks]({{< relref "user/moderating#block">}}) the account"#),
            r#"\[Blocks\]({{&lt; relref "user/moderating#block">}}) the account"#
        );
        assert_eq!(
            rustdoc_safe(r#"[docs](https://example.com "Title") and [x](y)"#),
            r#"[docs](https://example.com "Title") and [x](y)"#
        );
        assert_eq!(
            rustdoc_safe("see \"[How to Connect\nKubernetes](https://example.com/x/)\"."),
            "see \"\\[How to Connect\nKubernetes\\](<https://example.com/x/>)\"."
        );
        assert_eq!(
            rustdoc_safe(r#"their [`domains`]({{< relref "a#b" >}})"#),
            r#"their \[`domains`\]({{&lt; relref "a#b" >}})"#
        );
    }

    #[test]
    fn web_markdown_becomes_rustdoc_safe() {
        assert_eq!(rustdoc_safe("Use <name> here"), "Use &lt;name> here");
        assert_eq!(rustdoc_safe("see https://x.io/a."), "see <https://x.io/a>.");
        assert_eq!(
            rustdoc_safe("[docs](https://x.io) and <https://y.io>"),
            "[docs](https://x.io) and <https://y.io>"
        );
        assert_eq!(
            rustdoc_safe("ids [1, 2] or [`Client`]"),
            "ids \\[1, 2\\] or [`Client`]"
        );
        assert_eq!(rustdoc_safe("a `<b>` c"), "a `<b>` c");
        assert_eq!(
            rustdoc_safe("```\nlet x = 1;\n```"),
            "```text\nlet x = 1;\n```"
        );
        assert_eq!(
            rustdoc_safe("Example:\n\n    curl -X GET\n\nDone"),
            "Example:\n\n```text\ncurl -X GET\n```\n\nDone"
        );
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    #[test]
    fn every_item_gets_the_cfg_once() {
        let cfg = cfg_any(&["core", "flows"]);
        let items = quote! {
            /// A type.
            #[derive(Debug)]
            pub struct A { pub x: i32 }
            impl A { pub fn new() -> Self { Self { x: 1 } } }
            pub struct B(pub i32);
            pub const C: &[&str] = &["c"];
            pub static D: A = A { x: 2 };
            pub type E = A;
        };
        let gated = gate(&cfg, items).to_string();
        let cfg = cfg.to_string();
        assert_eq!(gated.matches(&cfg).count(), 6, "{gated}");
        // The attribute comes first, before the item's own attributes.
        assert!(gated.starts_with(&format!("{cfg} # [doc")), "{gated}");
        assert!(gated.contains(&format!("}} ; {cfg} pub type E")), "{gated}");
    }

    #[test]
    fn one_feature_is_a_plain_cfg_and_no_gate_leaves_items_alone() {
        assert_eq!(
            cfg_any(&["core"]).to_string(),
            quote!(#[cfg(feature = "core")]).to_string()
        );
        let items = quote!(
            pub struct A;
        );
        assert_eq!(
            gate(&TokenStream::new(), items.clone()).to_string(),
            items.to_string()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The literal, as the printer reads it back: its value and how it is spelled.
    fn read_back(text: &str) -> (String, String) {
        let literal = doc_literal(text);
        let parsed: syn::LitStr = syn::parse2(quote!(#literal)).unwrap();
        (parsed.value(), literal.to_string())
    }

    #[test]
    fn doc_literals_hold_any_text_and_are_raw_where_they_can_be() {
        for text in [
            "",
            " plain",
            r#" a "quoted" word"#,
            r###" closes a raw string: "# and "## "###,
            " a backslash \\ and a \\n that is not a newline",
            " a carriage\rreturn",
            " ends with a quote\"",
            " #hash at the start, unicode: é ✓",
        ] {
            let (value, spelling) = read_back(text);
            assert_eq!(value, text, "{spelling}");
            assert_eq!(
                spelling.starts_with('r'),
                !text.contains('\r'),
                "{spelling}"
            );
        }
        assert_eq!(read_back(r#"say "hi"#).1, r##"r#"say "hi"#"##);
    }
}

/// The extra derives each model type gets (`[types] derive` and `derive_for`), keeping only
/// those every field of the type allows.
#[derive(Debug, Default)]
pub struct Derives {
    /// Type name to its extra derives, as paths already checked to parse.
    by_type: HashMap<String, Vec<String>>,
}

/// The std traits whose derive depends on what the fields implement, and which this checks.
const CHECKED: &[&str] = &["Eq", "Hash", "PartialOrd", "Ord", "Copy", "Default"];

impl Derives {
    /// Works out each type's extra derives; one that a field forbids (`Eq` over an `f64`) is
    /// left out and reported as a warning at the type.
    pub fn new(
        api: &Api,
        types: &crate::config::Types,
        diags: &mut crate::diagnostics::Diagnostics,
    ) -> Self {
        let mut by_type = HashMap::new();
        if types.derive.is_empty() && types.derive_for.is_empty() {
            return Self { by_type };
        }
        for name in types.derive_for.keys() {
            if !api.types.iter().any(|t| &t.name == name) {
                diags.warning(
                    "/components/schemas",
                    format!("`types.derive_for` names `{name}`, which is not a generated type"),
                );
            }
        }
        let by_name: HashMap<&str, &TypeDef> =
            api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        // What each type asks for (the config's derives, with what `Ord` needs), and what it
        // derives anyway.
        let wanted_of = |def: &TypeDef| -> Vec<&str> {
            let mut wanted: Vec<&str> = types.derive.iter().map(String::as_str).collect();
            if let Some(own) = types.derive_for.get(&def.name) {
                wanted.extend(own.iter().map(String::as_str));
            }
            if wanted.contains(&"Ord") {
                wanted.extend(["Eq", "PartialOrd"]);
            }
            wanted
        };
        let already_of = |def: &TypeDef| -> &'static [&'static str] {
            match &def.kind {
                TypeKind::Enum(e) if e.closed || e.repr != crate::ir::EnumRepr::String => {
                    &["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash"]
                }
                TypeKind::Enum(_) => &["Debug", "Clone", "PartialEq", "Eq", "Hash"],
                TypeKind::Struct(s) if struct_is_default(s) => {
                    &["Debug", "Clone", "PartialEq", "Default"]
                }
                _ => &["Debug", "Clone", "PartialEq"],
            }
        };
        // For each checked trait, the types that will have it: those asking for it or deriving
        // it anyway, less, until nothing changes, those with a field whose type will not (a
        // field's type implements the trait only if it derives it too).
        let mut allowed: HashMap<&str, HashSet<&str>> = HashMap::new();
        for &name in CHECKED {
            let mut set: HashSet<&str> = api
                .types
                .iter()
                .filter(|def| {
                    matches!(def.kind, TypeKind::Alias(_))
                        || already_of(def).contains(&name)
                        || wanted_of(def).contains(&name)
                })
                .map(|def| def.name.as_str())
                .collect();
            loop {
                let before = set.len();
                let current = set.clone();
                set.retain(|t| type_allows(name, by_name[t], &current, &by_name).is_none());
                if set.len() == before {
                    break;
                }
            }
            allowed.insert(name, set);
        }
        for def in &api.types {
            if matches!(def.kind, TypeKind::Alias(_)) {
                continue;
            }
            let wanted = wanted_of(def);
            let already = already_of(def);
            let mut paths: Vec<String> = Vec::new();
            let mut seen: HashSet<&str> = HashSet::new();
            for derive in wanted {
                if already.contains(&derive) || !seen.insert(derive) {
                    continue;
                }
                if CHECKED.contains(&derive) && !allowed[derive].contains(def.name.as_str()) {
                    let current = &allowed[derive];
                    let why = if derive == "Default" {
                        "only a struct whose every property may be left out has an honest default"
                            .to_owned()
                    } else {
                        type_allows(derive, def, current, &by_name)
                            .unwrap_or_else(|| format!("a type it holds does not have `{derive}`"))
                    };
                    diags.warning(
                        def.pointer.clone(),
                        format!("extra derive `{derive}` left out of `{}`: {why}", def.name),
                    );
                    continue;
                }
                if syn::parse_str::<syn::Path>(derive).is_ok() {
                    paths.push(derive.to_owned());
                }
            }
            if !paths.is_empty() {
                by_type.insert(def.name.clone(), paths);
            }
        }
        Self { by_type }
    }

    /// The extra derives of type `name`, as `A, B,` to follow the generated ones and a comma.
    pub(crate) fn of(&self, name: &str) -> TokenStream {
        match self.by_type.get(name) {
            Some(paths) => {
                let paths = paths
                    .iter()
                    .filter_map(|p| syn::parse_str::<syn::Path>(p).ok());
                quote!(#(#paths,)*)
            }
            None => TokenStream::new(),
        }
    }
}

fn struct_is_default(s: &Struct) -> bool {
    s.fields.iter().all(|f| {
        matches!(
            f.presence,
            crate::ir::Presence::Optional | crate::ir::Presence::OptionalNullable
        )
    })
}

/// Why `def` cannot derive `derive`, given the types `allowed` to, or `None` when it can.
fn type_allows(
    derive: &str,
    def: &TypeDef,
    allowed: &HashSet<&str>,
    by_name: &HashMap<&str, &TypeDef>,
) -> Option<String> {
    match &def.kind {
        TypeKind::Struct(s) if derive == "Default" => {
            (!struct_is_default(s)).then(|| "it has required properties".to_owned())
        }
        TypeKind::Struct(s) => {
            let fields = s
                .fields
                .iter()
                .map(|f| (f.wire_name.as_str(), &f.ty))
                .chain(
                    s.additional
                        .as_ref()
                        .map(|a| ("additionalProperties", &a.ty)),
                );
            for (wire, ty) in fields {
                if derive == "Copy" && !matches!(ty, TypeRef::Primitive(_)) {
                    return Some(format!("`{wire}` is not a plain scalar"));
                }
                if let Some(what) = ref_allows(derive, ty, allowed, by_name) {
                    return Some(format!("`{wire}` holds {what}"));
                }
            }
            None
        }
        TypeKind::Enum(e) => match derive {
            "Copy" if !e.closed && e.repr == crate::ir::EnumRepr::String => {
                Some("it keeps unknown values as a `String`".to_owned())
            }
            "Default" => Some("an enum has no default value".to_owned()),
            _ => None,
        },
        TypeKind::Union(u) => match derive {
            "Eq" => u
                .variants
                .iter()
                .find_map(|v| ref_allows(derive, &v.ty, allowed, by_name)),
            "Default" => Some("a union has no default value".to_owned()),
            _ => Some("it keeps unknown alternatives as a `serde_json::Value`".to_owned()),
        },
        TypeKind::Alias(ty) => ref_allows(derive, ty, allowed, by_name),
    }
}

/// What in `ty` forbids `derive`, or `None`.
fn ref_allows(
    derive: &str,
    ty: &TypeRef,
    allowed: &HashSet<&str>,
    by_name: &HashMap<&str, &TypeDef>,
) -> Option<String> {
    match ty {
        TypeRef::Named(name) => match by_name.get(name.as_str()) {
            Some(def) if !allowed.contains(def.name.as_str()) => {
                Some(format!("a `{name}`, which does not derive `{derive}`"))
            }
            _ => None,
        },
        TypeRef::Primitive(Primitive::F32 | Primitive::F64)
            if matches!(derive, "Eq" | "Hash" | "Ord") =>
        {
            Some("a floating-point number".to_owned())
        }
        TypeRef::Primitive(Primitive::Binary) if derive != "Eq" && derive != "Default" => {
            Some("a `Binary`".to_owned())
        }
        TypeRef::Primitive(Primitive::String) if derive == "Copy" => Some("a `String`".to_owned()),
        TypeRef::Primitive(_) | TypeRef::External(_) => None,
        TypeRef::Any if derive == "Eq" || derive == "Default" => None,
        TypeRef::Any => Some("a `serde_json::Value`".to_owned()),
        TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            if derive == "Copy" {
                return Some("a collection".to_owned());
            }
            ref_allows(derive, inner, allowed, by_name)
        }
        TypeRef::Tuple(items) => items
            .iter()
            .find_map(|t| ref_allows(derive, t, allowed, by_name)),
    }
}

/// The named types the operations of `group` reach (parameters, bodies, responses, pages),
/// through fields, items, map values, union variants and aliases.
pub fn reached_types<'a>(
    api: &'a Api,
    group: &Group,
    by_name: &HashMap<&str, &'a TypeDef>,
) -> HashSet<&'a str> {
    let mut seen: HashSet<&'a str> = HashSet::new();
    let mut stack: Vec<&TypeRef> = Vec::new();
    for &index in &group.operations {
        let op = &api.operations_of(group)[index];
        stack.extend(op.params.iter().map(|p| &p.ty));
        stack.extend(op.body.as_ref().map(|b| &b.ty));
        stack.extend(op.responses.iter().flat_map(|r| r.types()));
        stack.extend(op.pagination.as_ref().map(|p| &p.item));
    }
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(name) => {
                let Some(def) = by_name.get(name.as_str()).copied() else {
                    continue;
                };
                if !seen.insert(def.name.as_str()) {
                    continue;
                }
                match &def.kind {
                    TypeKind::Struct(s) => {
                        stack.extend(s.fields.iter().map(|f| &f.ty));
                        stack.extend(s.additional.as_ref().map(|a| &a.ty));
                    }
                    TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| &v.ty)),
                    TypeKind::Alias(ty) => stack.push(ty),
                    TypeKind::Enum(_) => {}
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                stack.push(inner)
            }
            TypeRef::Tuple(items) => stack.extend(items),
            _ => {}
        }
    }
    seen
}
