//! The models crate: one serde type per named schema, usable without any HTTP stack.

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{doc, ident, paragraphs, type_tokens, uses_binary};
use crate::ir::{
    Api, Enum, Field, Operation, ParamLocation, Presence, Primitive, Struct, TextRule, TypeDef,
    TypeKind, TypeRef, Union,
};

/// The models crate's `generated` module.
pub fn emit(api: &Api) -> TokenStream {
    let models = quote!(crate);
    let by_name: HashMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let types = api
        .types
        .iter()
        .map(|def| emit_type(def, &models, &by_name));
    let conversions = api.types.iter().map(|def| emit_conversions(api, def));
    // Always there: the server calls `strictly`, and optional fields, enums and unions use it.
    let private = private_module(&patterns(api));
    let binary = uses_binary(api).then(binary_type);
    let params = emit_params(api);
    quote! {
        #(#types)*
        #(#conversions)*
        #binary
        #params
        #private
    }
}

/// `From<Full> for Base` for each struct `Full` merges from (`allOf`), keeping `Base`'s fields.
fn emit_conversions(api: &Api, def: &TypeDef) -> TokenStream {
    let TypeKind::Struct(this) = &def.kind else {
        return TokenStream::new();
    };
    let from = ident(&def.name);
    let impls = this.bases.iter().filter_map(|base_name| {
        let base = super::struct_of(api, &crate::ir::TypeRef::Named(base_name.clone()))?;
        let base_ident = ident(base_name);
        let fields = base.fields.iter().filter_map(|bf| {
            let own = this.fields.iter().find(|f| f.wire_name == bf.wire_name)?;
            let to = ident(&bf.name);
            let from = ident(&own.name);
            Some(quote!(#to: value.#from,))
        });
        let additional = base.additional.as_ref().map(|ba| {
            let to = ident(&ba.name);
            match &this.additional {
                Some(own) => {
                    let from = ident(&own.name);
                    quote!(#to: value.#from,)
                }
                None => quote!(#to: ::std::default::Default::default(),),
            }
        });
        let doc_text = format!(
            " The `{base_name}` part of a `{}` (which includes it through `allOf`).",
            def.name
        );
        Some(quote! {
            impl ::std::convert::From<#from> for #base_ident {
                #[doc = #doc_text]
                fn from(value: #from) -> Self {
                    Self { #(#fields)* #additional }
                }
            }
        })
    });
    quote!(#(#impls)*)
}

/// The `params` module: one struct per operation with query or header parameters, shared by the
/// client (which sends them) and the server (which parses them).
fn emit_params(api: &Api) -> TokenStream {
    let structs: Vec<TokenStream> = api
        .all_operations()
        .filter_map(|op| {
            op.params_type
                .as_ref()
                .map(|name| emit_params_struct(op, name))
        })
        .collect();
    if structs.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// The query and header parameters of each operation that has any, one struct per
        /// operation. Optional parameters are `Option`s, left out of the request when `None`.
        pub mod params {
            #(#structs)*
        }
    }
}

fn emit_params_struct(op: &Operation, name: &str) -> TokenStream {
    let models = quote!(crate);
    let name = ident(name);
    let docs = doc(Some(&format!(
        "The query and header parameters of `{}` (`{} {}`).",
        op.id,
        op.method.as_str(),
        op.path
    )));
    let all_optional = op.non_path_params().all(|p| !p.required);
    let default = all_optional.then(|| quote!(Default,));
    let fields = op.non_path_params().map(|p| {
        let field = ident(&p.name);
        let mut ty = type_tokens(&p.ty, &models);
        if !p.required {
            ty = quote!(::std::option::Option<#ty>);
        }
        let location = match p.location {
            ParamLocation::Header => "header",
            _ => "query",
        };
        let wire = format!("`{}` ({location})", p.wire_name);
        let docs = doc(paragraphs([p.doc.as_deref(), Some(&wire)]).as_deref());
        quote!(#docs pub #field: #ty,)
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// `Binary`: the bytes of a `format: binary` value, with the file name and media type a file
/// part carries.
fn binary_type() -> TokenStream {
    quote! {
        /// Raw bytes (`format: binary`), such as a file sent as one part of a multipart body.
        ///
        /// In JSON (where a `binary` schema is still `type: string`) it is written as a string
        /// when the bytes are UTF-8, and otherwise as an array of byte values, so that no byte
        /// is lost; it is read from either.
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct Binary {
            /// The contents.
            pub bytes: ::std::vec::Vec<u8>,
            /// The file name sent with a file part.
            pub file_name: ::std::option::Option<::std::string::String>,
            /// The media type sent with a file part (`application/octet-stream` when `None`).
            pub content_type: ::std::option::Option<::std::string::String>,
        }

        impl Binary {
            /// Bytes with no file name or media type.
            pub fn new(bytes: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
                Self { bytes: bytes.into(), file_name: ::std::option::Option::None, content_type: ::std::option::Option::None }
            }

            /// The same bytes, sent as a file called `name`.
            pub fn with_file_name(mut self, name: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.file_name = ::std::option::Option::Some(name.into());
                self
            }

            /// The same bytes, sent with the media type `content_type`.
            pub fn with_content_type(mut self, content_type: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.content_type = ::std::option::Option::Some(content_type.into());
                self
            }
        }

        impl ::serde::Serialize for Binary {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match ::std::str::from_utf8(&self.bytes) {
                    ::std::result::Result::Ok(text) => serializer.serialize_str(text),
                    ::std::result::Result::Err(_) => serializer.serialize_bytes(&self.bytes),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for Binary {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = Binary;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("bytes, an array of byte values or a string")
                    }

                    fn visit_bytes<E: ::serde::de::Error>(self, value: &[u8]) -> ::std::result::Result<Binary, E> {
                        ::std::result::Result::Ok(Binary::new(value))
                    }

                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<Binary, E> {
                        ::std::result::Result::Ok(Binary::new(value.as_bytes()))
                    }

                    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, mut seq: A) -> ::std::result::Result<Binary, A::Error> {
                        let mut bytes = ::std::vec::Vec::new();
                        while let ::std::option::Option::Some(byte) = seq.next_element::<u8>()? {
                            bytes.push(byte);
                        }
                        ::std::result::Result::Ok(Binary::new(bytes))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    }
}

/// A `oneOf`. Tagged unions read the discriminator first and decode the alternative it names;
/// an unknown or missing tag keeps the whole value. On output the tag is written once, with the
/// value that selects the variant, whether or not the alternative declares the property.
fn emit_union(
    def: &TypeDef,
    union: &Union,
    models: &TokenStream,
    types: &HashMap<&str, &TypeDef>,
) -> TokenStream {
    let name = ident(&def.name);
    let other = ident(&union.other);
    let fallback = format!("One of the alternatives of `{}`.", def.wire_name);
    let docs = doc(Some(def.doc.as_deref().unwrap_or(&fallback)));
    let variants = union.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, models);
        let docs = v
            .tag_value
            .as_ref()
            .zip(union.tag.as_ref())
            .map(|(value, tag)| doc(Some(&format!("`{tag}: {value}`"))));
        quote!(#docs #variant(#ty),)
    });
    let Some(tag) = &union.tag else {
        return emit_untagged(def, union, docs, variants.collect(), types);
    };
    let tags: Vec<&str> = union
        .variants
        .iter()
        .map(|v| v.tag_value.as_deref().unwrap_or_default())
        .collect();
    let names: Vec<_> = union.variants.iter().map(|v| ident(&v.name)).collect();
    let tag_doc = format!(" The discriminator property, `{tag}`.");
    let tagged_doc =
        format!(" Tagged by `{tag}`; a value with a tag this crate does not know is kept as JSON.");
    quote! {
        #docs
        ///
        #[doc = #tagged_doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
            /// A value whose tag this crate does not know (or that has none), exactly as received.
            #other(::serde_json::Value),
        }

        impl #name {
            #[doc = #tag_doc]
            pub const TAG: &'static str = #tag;

            /// The tag of this value.
            pub fn tag(&self) -> ::std::option::Option<&str> {
                match self {
                    #(Self::#names(_) => ::std::option::Option::Some(#tags),)*
                    Self::#other(value) => value.get(Self::TAG).and_then(::serde_json::Value::as_str),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let (tag, value) = match self {
                    #(Self::#names(value) => (#tags, ::serde_json::to_value(value)),)*
                    Self::#other(value) => return ::serde::Serialize::serialize(value, serializer),
                };
                let mut value = value.map_err(<S::Error as ::serde::ser::Error>::custom)?;
                if let ::serde_json::Value::Object(map) = &mut value {
                    map.insert(::std::borrow::ToOwned::to_owned(Self::TAG), ::serde_json::Value::from(tag));
                }
                ::serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(Self::TAG).and_then(::serde_json::Value::as_str);
                let decoded = match tag {
                    #(::std::option::Option::Some(#tags) => ::serde_json::from_value(value).map(Self::#names),)*
                    _ if crate::__private::strict() => {
                        return ::std::result::Result::Err(crate::__private::unknown_tag(Self::TAG, &[#(#tags),*]));
                    }
                    _ => return ::std::result::Result::Ok(Self::#other(value)),
                };
                decoded.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}

/// An untagged union: `Serialize` writes the alternative as it is; `Deserialize` tries the
/// alternatives in the order listed (most specific first) twice. First as a server decodes
/// (strictly: known enum values and tags, bounds), taking an object alternative only when it
/// declares every property the value has, so that no alternative takes a value by dropping
/// what it does not know; then leniently, where the first alternative that decodes wins. A
/// value neither pass decodes is kept as JSON, or refused in strict decoding.
fn emit_untagged(
    def: &TypeDef,
    union: &Union,
    docs: TokenStream,
    variants: Vec<TokenStream>,
    types: &HashMap<&str, &TypeDef>,
) -> TokenStream {
    let name = ident(&def.name);
    let other = ident(&union.other);
    let names: Vec<_> = union.variants.iter().map(|v| ident(&v.name)).collect();
    let exact = union.variants.iter().zip(&names).map(|(v, variant)| {
        let declared = match declared_properties(&v.ty, types) {
            Some(known) => quote!(::std::option::Option::Some(&[#(#known),*])),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            if let ::std::option::Option::Some(decoded) = crate::__private::decode_exact(&value, #declared) {
                return ::std::result::Result::Ok(Self::#variant(decoded));
            }
        }
    });
    let wire = &def.wire_name;
    quote! {
        #docs
        ///
        /// Untagged: decoding tries the alternatives in the order listed (most specific
        /// first), first taking one only when it reads the value exactly (known enum values,
        /// every property declared), then the first that decodes; a value no alternative
        /// decodes is kept as JSON.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
            /// A value none of the alternatives decodes, exactly as received.
            #other(::serde_json::Value),
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#exact)*
                #(
                    if let ::std::option::Option::Some(decoded) = crate::__private::decode(&value) {
                        return ::std::result::Result::Ok(Self::#names(decoded));
                    }
                )*
                crate::__private::undecoded(value, #wire).map(Self::#other)
            }
        }
    }
}

/// The wire names of the properties a struct alternative declares, when it keeps no
/// undeclared ones (an object with other properties is not read exactly by it); `None` for
/// alternatives that are not such structs.
fn declared_properties<'a>(
    ty: &TypeRef,
    types: &HashMap<&str, &'a TypeDef>,
) -> Option<Vec<&'a str>> {
    let mut ty = ty;
    for _ in 0..16 {
        match ty {
            TypeRef::Nullable(inner) => ty = inner,
            TypeRef::Named(name) => match &types.get(name.as_str())?.kind {
                TypeKind::Alias(target) => ty = target,
                TypeKind::Struct(s) if s.additional.is_none() => {
                    return Some(s.fields.iter().map(|f| f.wire_name.as_str()).collect());
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

fn emit_type(def: &TypeDef, models: &TokenStream, types: &HashMap<&str, &TypeDef>) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(def, s, models),
        TypeKind::Enum(e) => emit_enum(def, e),
        TypeKind::Union(u) => emit_union(def, u, models, types),
        TypeKind::Alias(ty) => {
            let name = ident(&def.name);
            let docs = doc(def.doc.as_deref());
            let ty = type_tokens(ty, models);
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn emit_struct(def: &TypeDef, s: &Struct, models: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let fields = s.fields.iter().map(|f| emit_field(f, models));
    let additional = s.additional.as_ref().map(|additional| {
        let field = ident(&additional.name);
        let ty = type_tokens(&additional.ty, models);
        quote! {
            /// Properties the schema does not declare, kept so that none is lost.
            #[serde(flatten)]
            pub #field: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    // Default is honest only when every field may be left out.
    let all_optional = s
        .fields
        .iter()
        .all(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable));
    let default = all_optional.then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn emit_field(field: &Field, models: &TokenStream) -> TokenStream {
    let Field {
        name,
        wire_name,
        ty,
        presence,
        boxed,
        doc: description,
        read_only,
        write_only,
        checks,
    } = field;
    // Bounds apply where the value has a length, a number of items or a numeric value; text
    // rules where it is a string.
    let inner = match ty {
        TypeRef::Nullable(inner) => inner.as_ref(),
        other => other,
    };
    let measured = matches!(
        inner,
        TypeRef::Vec(_)
            | TypeRef::Primitive(
                Primitive::String
                    | Primitive::I32
                    | Primitive::I64
                    | Primitive::F32
                    | Primitive::F64
            )
    );
    // `MIN, MAX, Rule` for the helpers' generic arguments, when there is something to check.
    let arguments = |c: &crate::ir::Checks, ty: &TypeRef| {
        let text = matches!(ty, TypeRef::Primitive(Primitive::String));
        let rule = c.text.as_ref().filter(|_| text).map(rule_marker);
        if c.min.is_none() && c.max.is_none() && rule.is_none() {
            return None;
        }
        let bound = |n: Option<i64>, absent: &str| match n {
            Some(n) if n < 0 => format!("{{ {n} }}"),
            Some(n) => n.to_string(),
            None => format!("{{ i64::{absent} }}"),
        };
        Some(format!(
            "{}, {}, crate::__private::{}",
            bound(c.min, "MIN"),
            bound(c.max, "MAX"),
            rule.unwrap_or_else(|| "AnyText".to_owned())
        ))
    };
    let measured_item = match inner {
        TypeRef::Vec(item) => Some(item.as_ref()).filter(|item| {
            matches!(
                item,
                TypeRef::Primitive(
                    Primitive::String
                        | Primitive::I32
                        | Primitive::I64
                        | Primitive::F32
                        | Primitive::F64
                )
            )
        }),
        _ => None,
    };
    let item_checks = checks
        .as_ref()
        .and_then(|c| c.items.as_deref())
        .zip(measured_item)
        .and_then(|(c, item)| arguments(c, item));
    let checks = checks
        .as_ref()
        .filter(|_| measured)
        .and_then(|c| arguments(c, inner))
        .or_else(|| {
            item_checks
                .as_ref()
                .map(|_| "{ i64::MIN }, { i64::MAX }, crate::__private::AnyText".to_owned())
        });
    let with = |helper: &str| {
        let path = match (&checks, &item_checks) {
            (Some(checks), Some(items)) => {
                format!("crate::__private::checked_items_{helper}::<_, _, {checks}, {items}>")
            }
            (Some(checks), None) => {
                format!("crate::__private::checked_{helper}::<_, _, {checks}>")
            }
            _ => format!("crate::__private::deserialize_{helper}"),
        };
        quote!(#[serde(deserialize_with = #path)])
    };
    let name = ident(name);
    let mut ty = type_tokens(ty, models);
    if *boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    let access = match (read_only, write_only) {
        (true, _) => Some("Read-only: sent by the server, ignored in requests."),
        (_, true) => Some("Write-only: sent by the client, never returned."),
        _ => None,
    };
    let docs = doc(paragraphs([description.as_deref(), access]).as_deref());
    let rename = (name != wire_name.as_str()).then(|| quote!(#[serde(rename = #wire_name)]));
    let (attrs, ty) = match presence {
        Presence::Required => (checks.is_some().then(|| with("value")), ty),
        // With a `deserialize_with`, serde no longer reads a missing `Option` field as `None`:
        // the property is required, so a value without it does not decode.
        Presence::RequiredNullable => (
            Some(with(if checks.is_some() {
                "value"
            } else {
                "nullable"
            })),
            quote!(::std::option::Option<#ty>),
        ),
        Presence::Optional => {
            let with = with("non_null");
            // Two attributes rather than one: each fits on a line.
            (
                Some(quote! {
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    #with
                }),
                quote!(::std::option::Option<#ty>),
            )
        }
        Presence::OptionalNullable => {
            let with = with("some");
            (
                Some(quote! {
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    #with
                }),
                quote!(::std::option::Option<::std::option::Option<#ty>>),
            )
        }
    };
    quote! {
        #docs
        #rename
        #attrs
        pub #name: #ty,
    }
}

fn emit_enum(def: &TypeDef, e: &Enum) -> TokenStream {
    let name = ident(&def.name);
    let fallback = format!("The values of `{}`.", def.wire_name);
    let docs = doc(Some(def.doc.as_deref().unwrap_or(&fallback)));
    let other = ident(&e.other);
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| doc(Some(&format!("`{v}`"))));
    quote! {
        #docs
        ///
        /// Values unknown when this crate was generated are kept in the catch-all variant and
        /// written back unchanged.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this crate does not know, exactly as received.
            #other(::std::string::String),
        }

        impl #name {
            /// Every value this crate knows, in the order the API documents them.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#other(value) => value.as_str(),
                }
            }

            /// Whether this is a value the crate was generated with.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#other(_))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(match value {
                    #(#values => Self::#variants,)*
                    other => Self::#other(::std::borrow::ToOwned::to_owned(other)),
                })
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#variants,)*
                    _ => Self::#other(value),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                crate::__private::check_known::<D::Error>(&value, Self::VALUES)?;
                ::std::result::Result::Ok(Self::from(value))
            }
        }
    }
}

/// The name of the marker type for a text rule in `__private`.
fn rule_marker(rule: &TextRule) -> String {
    match rule {
        TextRule::Format(format) => match format.as_str() {
            "email" => "Email",
            "uri" => "Uri",
            "ipv4" => "Ipv4",
            _ => "Ipv6",
        }
        .to_owned(),
        TextRule::Pattern(pattern) => pattern_marker(pattern),
    }
}

/// `Pattern` and a hash of the pattern: the same name wherever the pattern appears, with no
/// table to share between the tasks that emit the types.
fn pattern_marker(pattern: &str) -> String {
    // FNV-1a, 64 bits.
    let hash = pattern
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("Pattern{hash:016x}")
}

/// Every pattern a field checks, with its marker type's name.
fn patterns(api: &Api) -> std::collections::BTreeMap<String, String> {
    api.types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        })
        .flatten()
        .flat_map(|field| {
            // A field's own rule and its items' (`Vec<String>` whose items match a pattern).
            let mut rules = Vec::new();
            let mut checks = field.checks.as_ref();
            while let Some(c) = checks {
                if let Some(TextRule::Pattern(pattern)) = &c.text {
                    rules.push((pattern.clone(), pattern_marker(pattern)));
                }
                checks = c.items.as_deref();
            }
            rules
        })
        .collect()
}

/// Helpers the derived serde code calls; not part of the crate's API.
fn private_module(patterns: &std::collections::BTreeMap<String, String>) -> TokenStream {
    let pattern_names: Vec<Ident> = patterns.values().map(|name| ident(name)).collect();
    let pattern_docs = patterns.keys().map(|p| format!(" `pattern: {p}`"));
    let pattern_whats = patterns.keys().map(|p| format!("matching `{p}`"));
    let patterns = patterns.keys();
    let numbers = [quote!(i32), quote!(i64), quote!(f32), quote!(f64)];
    let as_f64 = [
        quote!(f64::from(*self)),
        quote!(*self as f64),
        quote!(f64::from(*self)),
        quote!(*self),
    ];
    quote! {
        #[doc(hidden)]
        pub mod __private {
            /// Deserializes a present field as `Some`, so that `Option<Option<T>>` tells an absent
            /// field (`None`, through `#[serde(default)]`) from an explicit null (`Some(None)`).
            pub fn deserialize_some<'de, T, D>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
            where
                T: ::serde::Deserialize<'de>,
                D: ::serde::Deserializer<'de>,
            {
                <T as ::serde::Deserialize<'de>>::deserialize(deserializer).map(::std::option::Option::Some)
            }

            ::std::thread_local! {
                static STRICT: ::std::cell::Cell<bool> = const { ::std::cell::Cell::new(false) };
            }

            /// Whether this thread is decoding strictly (inside [`crate::strictly`]).
            pub fn strict() -> bool {
                STRICT.with(::std::cell::Cell::get)
            }

            /// Restores the previous mode when dropped, also when decoding panics.
            pub struct StrictGuard(bool);

            impl StrictGuard {
                pub fn enter() -> Self {
                    Self(STRICT.with(|strict| strict.replace(true)))
                }
            }

            impl ::std::ops::Drop for StrictGuard {
                fn drop(&mut self) {
                    STRICT.with(|strict| strict.set(self.0));
                }
            }

            /// In strict decoding, an error for a value not in `known`.
            pub fn check_known<E: ::serde::de::Error>(value: &str, known: &'static [&'static str]) -> ::std::result::Result<(), E> {
                if strict() && !known.contains(&value) {
                    return ::std::result::Result::Err(E::unknown_variant(value, known));
                }
                ::std::result::Result::Ok(())
            }

            /// `value` as a `T` read exactly, for an untagged union's first pass: decoded strictly
            /// and, with `declared`, only when an object has no property outside it.
            pub fn decode_exact<T: ::serde::de::DeserializeOwned>(value: &::serde_json::Value, declared: ::std::option::Option<&[&str]>) -> ::std::option::Option<T> {
                if let (::std::option::Option::Some(declared), ::std::option::Option::Some(object)) = (declared, value.as_object())
                    && object.keys().any(|key| !declared.contains(&key.as_str()))
                {
                    return ::std::option::Option::None;
                }
                let _strict = StrictGuard::enter();
                T::deserialize(value).ok()
            }

            /// `value` as a `T`, when it decodes (an untagged union's second pass).
            pub fn decode<T: ::serde::de::DeserializeOwned>(value: &::serde_json::Value) -> ::std::option::Option<T> {
                T::deserialize(value).ok()
            }

            /// What an untagged union keeps of a value none of its alternatives decodes: the
            /// value itself, or in strict decoding an error.
            pub fn undecoded<E: ::serde::de::Error>(value: ::serde_json::Value, union: &str) -> ::std::result::Result<::serde_json::Value, E> {
                if strict() {
                    return ::std::result::Result::Err(E::custom(::std::format_args!("the value matches none of the alternatives of `{union}`")));
                }
                ::std::result::Result::Ok(value)
            }

            /// The error for a union value whose tag is missing or unknown, in strict decoding.
            pub fn unknown_tag<E: ::serde::de::Error>(tag: &str, known: &[&str]) -> E {
                E::custom(::std::format_args!("the `{tag}` tag is missing or not one of {known:?}"))
            }

            /// A value with a size that bounds apply to.
            pub trait Measured {
                /// What is measured, for messages.
                const WHAT: &'static str;
                /// The size, if there is a value.
                fn measure(&self) -> ::std::option::Option<f64>;
                /// The text, for a string.
                fn text(&self) -> ::std::option::Option<&str> {
                    ::std::option::Option::None
                }
            }

            impl Measured for ::std::string::String {
                const WHAT: &'static str = "length";
                fn measure(&self) -> ::std::option::Option<f64> {
                    ::std::option::Option::Some(self.chars().count() as f64)
                }
                fn text(&self) -> ::std::option::Option<&str> {
                    ::std::option::Option::Some(self)
                }
            }

            impl<T> Measured for ::std::vec::Vec<T> {
                const WHAT: &'static str = "number of items";
                fn measure(&self) -> ::std::option::Option<f64> {
                    ::std::option::Option::Some(self.len() as f64)
                }
            }

            #(
                impl Measured for #numbers {
                    const WHAT: &'static str = "value";
                    fn measure(&self) -> ::std::option::Option<f64> {
                        ::std::option::Option::Some(#as_f64)
                    }
                }
            )*

            impl<T: Measured> Measured for ::std::option::Option<T> {
                const WHAT: &'static str = T::WHAT;
                fn measure(&self) -> ::std::option::Option<f64> {
                    self.as_ref().and_then(T::measure)
                }
                fn text(&self) -> ::std::option::Option<&str> {
                    self.as_ref().and_then(T::text)
                }
            }

            impl<T: Measured> Measured for &T {
                const WHAT: &'static str = T::WHAT;
                fn measure(&self) -> ::std::option::Option<f64> {
                    T::measure(self)
                }
                fn text(&self) -> ::std::option::Option<&str> {
                    T::text(self)
                }
            }

            impl<T: Measured> Measured for ::std::boxed::Box<T> {
                const WHAT: &'static str = T::WHAT;
                fn measure(&self) -> ::std::option::Option<f64> {
                    T::measure(self)
                }
                fn text(&self) -> ::std::option::Option<&str> {
                    T::text(self)
                }
            }

            /// A rule on the text of a string.
            pub trait TextRule {
                /// What the rule wants, for messages.
                const WHAT: &'static str;
                /// Whether `text` follows the rule.
                fn allows(text: &str) -> bool;
            }

            /// No rule.
            pub struct AnyText;

            impl TextRule for AnyText {
                const WHAT: &'static str = "any text";
                fn allows(_: &str) -> bool {
                    true
                }
            }

            /// `format: email`: one `@` between a local part and a domain, no spaces.
            pub struct Email;

            impl TextRule for Email {
                const WHAT: &'static str = "an email address";
                fn allows(text: &str) -> bool {
                    text.split_once('@').is_some_and(|(local, domain)| {
                        !local.is_empty() && !domain.is_empty() && !domain.contains('@')
                    }) && !text.chars().any(|c| c.is_whitespace() || c.is_control())
                }
            }

            /// `format: uri`: a scheme, a colon, and no spaces.
            pub struct Uri;

            impl TextRule for Uri {
                const WHAT: &'static str = "a URI";
                fn allows(text: &str) -> bool {
                    text.split_once(':').is_some_and(|(scheme, _)| {
                        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                    }) && !text.chars().any(|c| c.is_whitespace() || c.is_control())
                }
            }

            /// `format: ipv4`.
            pub struct Ipv4;

            impl TextRule for Ipv4 {
                const WHAT: &'static str = "an IPv4 address";
                fn allows(text: &str) -> bool {
                    text.parse::<::std::net::Ipv4Addr>().is_ok()
                }
            }

            /// `format: ipv6`.
            pub struct Ipv6;

            impl TextRule for Ipv6 {
                const WHAT: &'static str = "an IPv6 address";
                fn allows(text: &str) -> bool {
                    text.parse::<::std::net::Ipv6Addr>().is_ok()
                }
            }

            #(
                #[doc = #pattern_docs]
                pub struct #pattern_names;

                impl TextRule for #pattern_names {
                    const WHAT: &'static str = #pattern_whats;
                    fn allows(text: &str) -> bool {
                        static REGEX: ::std::sync::OnceLock<::regex_lite::Regex> = ::std::sync::OnceLock::new();
                        REGEX
                            .get_or_init(|| ::regex_lite::Regex::new(#patterns).expect("the generator checked this pattern"))
                            .is_match(text)
                    }
                }
            )*

            /// In strict decoding, an error when `value` is outside `min..=max` or its text does
            /// not follow `R`.
            pub fn check<T: Measured, R: TextRule, E: ::serde::de::Error>(value: &T, min: i64, max: i64) -> ::std::result::Result<(), E> {
                if !strict() {
                    return ::std::result::Result::Ok(());
                }
                if let ::std::option::Option::Some(size) = value.measure()
                    && (size < min as f64 || size > max as f64)
                {
                    return ::std::result::Result::Err(E::custom(::std::format_args!(
                        "{} {size} is outside the allowed {}..={}",
                        T::WHAT,
                        if min == i64::MIN { ::std::string::String::new() } else { min.to_string() },
                        if max == i64::MAX { ::std::string::String::new() } else { max.to_string() },
                    )));
                }
                match value.text() {
                    ::std::option::Option::Some(text) if !R::allows(text) => {
                        ::std::result::Result::Err(E::custom(::std::format_args!("{text:?} is not {}", R::WHAT)))
                    }
                    _ => ::std::result::Result::Ok(()),
                }
            }

            /// The items of an array, whose checks apply to each.
            pub trait Items {
                /// An item.
                type Item: Measured;
                /// The items (none for an absent array).
                fn items(&self) -> &[Self::Item];
            }

            impl<T: Measured> Items for ::std::vec::Vec<T> {
                type Item = T;
                fn items(&self) -> &[T] {
                    self
                }
            }

            impl<V: Items> Items for ::std::option::Option<V> {
                type Item = V::Item;
                fn items(&self) -> &[V::Item] {
                    self.as_ref().map_or(&[], V::items)
                }
            }

            impl<V: Items> Items for &V {
                type Item = V::Item;
                fn items(&self) -> &[V::Item] {
                    V::items(self)
                }
            }

            /// In strict decoding, an error for the first item outside `min..=max` or whose text
            /// does not follow `R`.
            pub fn check_items<T: Items, R: TextRule, E: ::serde::de::Error>(value: &T, min: i64, max: i64) -> ::std::result::Result<(), E> {
                for (index, item) in value.items().iter().enumerate() {
                    check::<_, R, E>(item, min, max)
                        .map_err(|error| E::custom(::std::format_args!("item {index}: {error}")))?;
                }
                ::std::result::Result::Ok(())
            }

            /// A field with checks on itself and on each of its items.
            pub fn checked_items_value<'de, D, T, const MIN: i64, const MAX: i64, R: TextRule, const IMIN: i64, const IMAX: i64, IR: TextRule>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                T: ::serde::Deserialize<'de> + Measured + Items,
                D: ::serde::Deserializer<'de>,
            {
                let value = checked_value::<D, T, MIN, MAX, R>(deserializer)?;
                check_items::<_, IR, _>(&value, IMIN, IMAX)?;
                ::std::result::Result::Ok(value)
            }

            /// An optional, non-nullable field with checks on itself and on each of its items.
            pub fn checked_items_non_null<'de, D, T, const MIN: i64, const MAX: i64, R: TextRule, const IMIN: i64, const IMAX: i64, IR: TextRule>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
            where
                T: ::serde::Deserialize<'de> + Measured + Items,
                D: ::serde::Deserializer<'de>,
            {
                let value = checked_non_null::<D, T, MIN, MAX, R>(deserializer)?;
                check_items::<_, IR, _>(&value, IMIN, IMAX)?;
                ::std::result::Result::Ok(value)
            }

            /// An optional, nullable field with checks on itself and on each of its items.
            pub fn checked_items_some<'de, D, T, const MIN: i64, const MAX: i64, R: TextRule, const IMIN: i64, const IMAX: i64, IR: TextRule>(deserializer: D) -> ::std::result::Result<::std::option::Option<::std::option::Option<T>>, D::Error>
            where
                T: ::serde::Deserialize<'de> + Measured + Items,
                D: ::serde::Deserializer<'de>,
            {
                let value = checked_some::<D, T, MIN, MAX, R>(deserializer)?;
                check_items::<_, IR, _>(&value.as_ref().and_then(::std::option::Option::as_ref), IMIN, IMAX)?;
                ::std::result::Result::Ok(value)
            }

            /// A field with checks.
            pub fn checked_value<'de, D, T, const MIN: i64, const MAX: i64, R: TextRule>(deserializer: D) -> ::std::result::Result<T, D::Error>
            where
                T: ::serde::Deserialize<'de> + Measured,
                D: ::serde::Deserializer<'de>,
            {
                let value = <T as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                check::<_, R, _>(&value, MIN, MAX)?;
                ::std::result::Result::Ok(value)
            }

            /// An optional, non-nullable field with checks (see [`deserialize_non_null`]).
            pub fn checked_non_null<'de, D, T, const MIN: i64, const MAX: i64, R: TextRule>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
            where
                T: ::serde::Deserialize<'de> + Measured,
                D: ::serde::Deserializer<'de>,
            {
                let value = deserialize_non_null(deserializer)?;
                check::<_, R, _>(&value, MIN, MAX)?;
                ::std::result::Result::Ok(value)
            }

            /// An optional, nullable field with checks (see [`deserialize_some`]).
            pub fn checked_some<'de, D, T, const MIN: i64, const MAX: i64, R: TextRule>(deserializer: D) -> ::std::result::Result<::std::option::Option<::std::option::Option<T>>, D::Error>
            where
                T: ::serde::Deserialize<'de> + Measured,
                D: ::serde::Deserializer<'de>,
            {
                let value: ::std::option::Option<::std::option::Option<T>> = deserialize_some(deserializer)?;
                check::<_, R, _>(&value.as_ref().and_then(::std::option::Option::as_ref), MIN, MAX)?;
                ::std::result::Result::Ok(value)
            }

            /// Deserializes a required, nullable field: present, possibly null.
            pub fn deserialize_nullable<'de, T, D>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
            where
                T: ::serde::Deserialize<'de>,
                D: ::serde::Deserializer<'de>,
            {
                <::std::option::Option<T> as ::serde::Deserialize<'de>>::deserialize(deserializer)
            }

            /// Deserializes an optional field that is not nullable: a null reads as absent,
            /// except in strict decoding, where it is an error.
            pub fn deserialize_non_null<'de, T, D>(deserializer: D) -> ::std::result::Result<::std::option::Option<T>, D::Error>
            where
                T: ::serde::Deserialize<'de>,
                D: ::serde::Deserializer<'de>,
            {
                if strict() {
                    <T as ::serde::Deserialize<'de>>::deserialize(deserializer).map(::std::option::Option::Some)
                } else {
                    <::std::option::Option<T> as ::serde::Deserialize<'de>>::deserialize(deserializer)
                }
            }
        }

        /// Runs `decode` in strict mode, as a server reads requests: where the default decoding
        /// tolerates what a newer or sloppier peer may send (an enum value or a union tag this
        /// crate does not know, kept in the catch-all variant; a union value without its tag; a
        /// null in an optional field that is not nullable, read as absent), strict decoding
        /// refuses it with an error. Applies to every decode on this thread inside `decode`.
        pub fn strictly<R>(decode: impl ::std::ops::FnOnce() -> R) -> R {
            let _guard = __private::StrictGuard::enter();
            decode()
        }
    }
}
