//! The models crate: one serde type per named schema, usable without any HTTP stack.

use std::collections::HashMap;

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote};

pub use super::Gates;
use super::{doc, doc_literal, gate, ident, paragraphs, type_tokens, uses_binary};
use crate::ir::{
    Api, Enum, Field, Operation, ParamLocation, Presence, Primitive, Struct, TextRule, TypeDef,
    TypeKind, TypeRef, Union,
};

/// The models crate's `generated` module.
pub fn emit(api: &Api) -> TokenStream {
    let gates = Gates::new(api);
    let mut out = emit_types(api, &gates, &super::Derives::default(), 0..api.types.len());
    out.extend(emit_rest(api, &gates));
    out
}

/// The models crate's `generated` module in parts that can be emitted and formatted in
/// parallel: ranges of [`Api::types`] of about the same size, in order. The module is
/// [`emit_types`] of each, then [`emit_rest`].
pub fn parts(api: &Api, count: usize) -> Vec<std::ops::Range<usize>> {
    let weight = |def: &TypeDef| match &def.kind {
        TypeKind::Struct(s) => 2 + s.fields.len(),
        TypeKind::Enum(e) => 2 + e.variants.len(),
        TypeKind::Union(u) => 4 + 2 * u.variants.len(),
        TypeKind::Alias(_) => 1,
    };
    let total: usize = api.types.iter().map(weight).sum();
    let per_part = total.div_ceil(count.max(1)).max(1);
    let mut parts = Vec::new();
    let (mut start, mut filled) = (0, 0);
    for (index, def) in api.types.iter().enumerate() {
        filled += weight(def);
        if filled >= per_part {
            parts.push(start..index + 1);
            (start, filled) = (index + 1, 0);
        }
    }
    if start < api.types.len() || parts.is_empty() {
        parts.push(start..api.types.len());
    }
    parts
}

/// The types `range` of [`Api::types`] holds, each behind the features that compile it.
pub fn emit_types(
    api: &Api,
    gates: &Gates,
    derives: &super::Derives,
    range: std::ops::Range<usize>,
) -> TokenStream {
    let models = quote!(crate);
    let by_name: HashMap<&str, &TypeDef> = api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let adapters = adapters(api);
    let types = api.types[range].iter().map(|def| {
        let extra = derives.of(&def.name);
        gate(
            &gates.of_type(&def.name),
            emit_type(def, &models, &by_name, &extra, &adapters),
        )
    });
    quote!(#(#types)*)
}

/// What follows the types: conversions, the `Binary` type, parameter structs and the helpers.
pub fn emit_rest(api: &Api, gates: &Gates) -> TokenStream {
    let conversions = api
        .types
        .iter()
        .map(|def| emit_conversions(api, def, gates));
    let binary = uses_binary(api).then(binary_type);
    let params = emit_params(api, gates);
    let adapters = adapters(api).into_iter().map(|(external, marker)| {
        let marker = ident(&marker);
        let ty = super::external_path(&external.path);
        let with = super::external_path(external.with.as_deref().unwrap_or_default());
        let text = doc_literal(&format!(
            " `{}` read and written through `{}`.",
            external.path,
            external.with.as_deref().unwrap_or_default()
        ));
        quote! {
            #[doc = #text]
            #[doc(hidden)]
            pub struct #marker;

            impl crate::__private::Shape for #marker {
                type Value = #ty;
                fn serialize<S: ::serde::Serializer>(value: &Self::Value, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    #with::serialize(value, serializer)
                }
                fn deserialize<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self::Value, D::Error> {
                    #with::deserialize(deserializer)
                }
            }
        }
    });
    quote! {
        #(#conversions)*
        #binary
        #params
        #(#adapters)*

        /// Runs `decode` in strict mode, as a server reads requests: where the default decoding
        /// tolerates what a newer or sloppier peer may send (an enum value or a union tag this
        /// crate does not know, kept in the catch-all variant; a union value without its tag; a
        /// null in an optional field that is not nullable, read as absent), strict decoding
        /// refuses it with an error. Applies to every decode on this thread inside `decode`.
        pub fn strictly<R>(decode: impl ::std::ops::FnOnce() -> R) -> R {
            let _guard = crate::__private::StrictGuard::enter();
            decode()
        }
    }
}

/// The mapped types read through a serde `with` module that the structs' fields hold, each
/// with the name of its marker (`__WithTimeSerdeRfc3339`), in a stable order.
fn adapters(api: &Api) -> Vec<(crate::ir::ExternalType, String)> {
    fn collect(ty: &TypeRef, out: &mut std::collections::BTreeSet<crate::ir::ExternalType>) {
        match ty {
            TypeRef::External(external) if external.with.is_some() => {
                out.insert(external.clone());
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                collect(inner, out)
            }
            _ => {}
        }
    }
    let mut found = std::collections::BTreeSet::new();
    for def in &api.types {
        if let TypeKind::Struct(s) = &def.kind {
            s.fields.iter().for_each(|f| collect(&f.ty, &mut found));
        }
    }
    let mut names = crate::naming::Namespace::default();
    found
        .into_iter()
        .map(|external| {
            let with = external.with.as_deref().unwrap_or_default();
            let name = names.claim(format!(
                "__With{}",
                crate::naming::type_name(&with.replace("::", "_"))
            ));
            (external, name)
        })
        .collect()
}

/// The shape a field's value is read and written through (`crate::__private::ItemsOf<
/// crate::__WithTimeSerdeRfc3339>`), when it is or holds a mapped type with a serde `with`
/// module; `adapters` names the markers.
fn shape(ty: &TypeRef, adapters: &[(crate::ir::ExternalType, String)]) -> Option<TokenStream> {
    match ty {
        TypeRef::External(external) if external.with.is_some() => {
            let marker = adapters
                .iter()
                .find(|(e, _)| e == external)
                .map(|(_, m)| ident(m))?;
            Some(quote!(crate::#marker))
        }
        TypeRef::Vec(inner) => {
            shape(inner, adapters).map(|s| quote!(crate::__private::ItemsOf<#s>))
        }
        TypeRef::Map(inner) => shape(inner, adapters).map(|s| quote!(crate::__private::MapOf<#s>)),
        TypeRef::Nullable(inner) => {
            shape(inner, adapters).map(|s| quote!(crate::__private::Nullable<#s>))
        }
        _ => None,
    }
}

/// `From<Full> for Base` for each struct `Full` merges from (`allOf`), keeping `Base`'s fields.
fn emit_conversions(api: &Api, def: &TypeDef, gates: &Gates) -> TokenStream {
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
        let doc_text = doc_literal(&format!(
            " The `{base_name}` part of a `{}` (which includes it through `allOf`).",
            def.name
        ));
        // Both types must be compiled: two `cfg`s, which must both hold.
        let cfg_from = gates.of_type(&def.name);
        let cfg_base = gates.of_type(base_name);
        Some(quote! {
            #cfg_from
            #cfg_base
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
fn emit_params(api: &Api, gates: &Gates) -> TokenStream {
    let structs: Vec<TokenStream> = api
        .all_operations()
        .filter_map(|op| {
            op.params_type
                .as_ref()
                .map(|name| gate(&gates.of_params(name), emit_params_struct(op, name)))
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
    extra: &TokenStream,
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
            .map(|(value, tag)| {
                let also: Vec<String> = v.also.iter().map(|a| format!("`{a}`")).collect();
                let text = match (also.is_empty(), v.keeps_tag) {
                    (true, _) => format!("`{tag}: {value}`"),
                    (false, true) => format!(
                        "`{tag}: {value}` (or {}, written back as read)",
                        also.join(", ")
                    ),
                    (false, false) => format!("`{tag}: {value}` (also read: {})", also.join(", ")),
                };
                doc(Some(&text))
            });
        quote!(#docs #variant(#ty),)
    });
    let Some(tag) = &union.tag else {
        return emit_untagged(def, union, docs, variants.collect(), types, extra);
    };
    let tags: Vec<&str> = union
        .variants
        .iter()
        .map(|v| v.tag_value.as_deref().unwrap_or_default())
        .collect();
    let names: Vec<_> = union.variants.iter().map(|v| ident(&v.name)).collect();
    // Every value that selects each variant, and every value of all of them (for the error).
    let patterns: Vec<TokenStream> = union
        .variants
        .iter()
        .map(|v| {
            let values = v.tag_value.iter().chain(&v.also);
            quote!(#(::std::option::Option::Some(#values))|*)
        })
        .collect();
    let accepted: Vec<&str> = union
        .variants
        .iter()
        .flat_map(|v| v.tag_value.iter().chain(&v.also).map(String::as_str))
        .collect();
    // Where a variant is selected by several mapped values, the value it was read with (kept by
    // the alternative's own tag property) is written back; otherwise the variant's value.
    let write_tag = if union.variants.iter().any(|v| v.keeps_tag) {
        let kept = union.variants.iter().map(|v| {
            let values = v
                .keeps_tag
                .then(|| v.tag_value.iter().chain(&v.also))
                .into_iter()
                .flatten();
            quote!(&[#(#values),*])
        });
        quote! {
            let (tag, kept, value): (&str, &[&str], _) = match self {
                #(Self::#names(value) => (#tags, #kept, ::serde_json::to_value(value)),)*
                Self::#other(value) => return ::serde::Serialize::serialize(value, serializer),
            };
            let mut value = value.map_err(<S::Error as ::serde::ser::Error>::custom)?;
            if let ::serde_json::Value::Object(map) = &mut value {
                let read = map.get(Self::TAG).and_then(::serde_json::Value::as_str);
                if !read.is_some_and(|read| kept.contains(&read)) {
                    map.insert(::std::borrow::ToOwned::to_owned(Self::TAG), ::serde_json::Value::from(tag));
                }
            }
        }
    } else {
        quote! {
            let (tag, value) = match self {
                #(Self::#names(value) => (#tags, ::serde_json::to_value(value)),)*
                Self::#other(value) => return ::serde::Serialize::serialize(value, serializer),
            };
            let mut value = value.map_err(<S::Error as ::serde::ser::Error>::custom)?;
            if let ::serde_json::Value::Object(map) = &mut value {
                map.insert(::std::borrow::ToOwned::to_owned(Self::TAG), ::serde_json::Value::from(tag));
            }
        }
    };
    let tag_doc = doc_literal(&format!(" The discriminator property, `{tag}`."));
    let tagged_doc = doc_literal(&format!(
        " Tagged by `{tag}`; a value with a tag this crate does not know is kept as JSON."
    ));
    quote! {
        #docs
        ///
        #[doc = #tagged_doc]
        #[derive(Debug, Clone, PartialEq, #extra)]
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
                #write_tag
                ::serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(Self::TAG).and_then(::serde_json::Value::as_str);
                let decoded = match tag {
                    #(#patterns => ::serde_json::from_value(value).map(Self::#names),)*
                    _ if crate::__private::strict() => {
                        return ::std::result::Result::Err(crate::__private::unknown_tag(Self::TAG, &[#(#accepted),*]));
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
    extra: &TokenStream,
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
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, #extra)]
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

/// One type; `extra` are the config's derives for it (`A, B,`).
fn emit_type(
    def: &TypeDef,
    models: &TokenStream,
    types: &HashMap<&str, &TypeDef>,
    extra: &TokenStream,
    adapters: &[(crate::ir::ExternalType, String)],
) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(def, s, models, extra, adapters),
        TypeKind::Enum(e) => emit_enum(def, e, extra),
        TypeKind::Union(u) => emit_union(def, u, models, types, extra),
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

fn emit_struct(
    def: &TypeDef,
    s: &Struct,
    models: &TokenStream,
    extra: &TokenStream,
    adapters: &[(crate::ir::ExternalType, String)],
) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let fields = s.fields.iter().map(|f| emit_field(f, models));
    let additional = s.additional.as_ref().map(|additional| {
        let field = ident(&additional.name);
        let ty = type_tokens(&additional.ty, models);
        quote! {
            /// Properties the schema does not declare, kept so that none is lost.
            pub #field: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    // Default is honest only when every field may be left out.
    let all_optional = s
        .fields
        .iter()
        .all(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable));
    let default = all_optional.then(|| quote!(Default,));
    let deserialize = emit_struct_deserialize(def, s, adapters);
    let serialize = emit_struct_serialize(def, s, adapters);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default #extra)]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #serialize

        #deserialize
    }
}

/// A struct's `Serialize`, written out like its `Deserialize`: one map entry per field, in
/// declaration order, optional fields left out when `None` (for a nullable one, `Some(None)` is
/// written as null), then the undeclared properties. Each entry goes through the shared
/// [`__private::Entries`] (which keeps the first error), not through a `?` of its own.
fn emit_struct_serialize(
    def: &TypeDef,
    s: &Struct,
    adapters: &[(crate::ir::ExternalType, String)],
) -> TokenStream {
    let name = ident(&def.name);
    let entries = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let wire = f.wire_name.as_str();
        if let Some(shape) = shape(&f.ty, adapters) {
            // Written through the type's serde `with` module.
            return match f.presence {
                Presence::Required => {
                    quote!(entries.entry(#wire, &crate::__private::Written::<#shape>(&self.#field));)
                }
                Presence::RequiredNullable => {
                    quote!(entries.entry(#wire, &crate::__private::Written::<crate::__private::Nullable<#shape>>(&self.#field));)
                }
                Presence::Optional => {
                    quote!(entries.optional_shaped::<#shape>(#wire, &self.#field);)
                }
                Presence::OptionalNullable => {
                    quote!(entries.optional_shaped::<crate::__private::Nullable<#shape>>(#wire, &self.#field);)
                }
            };
        }
        match f.presence {
            Presence::Required | Presence::RequiredNullable => {
                quote!(entries.entry(#wire, &self.#field);)
            }
            Presence::Optional | Presence::OptionalNullable => {
                quote!(entries.optional(#wire, &self.#field);)
            }
        }
    });
    let others = s.additional.as_ref().map(|additional| {
        let field = ident(&additional.name);
        quote!(entries.others(&self.#field);)
    });
    // A struct with nothing to write writes an empty map.
    let mutable = (!s.fields.is_empty() || s.additional.is_some()).then(|| quote!(mut));
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let #mutable entries = crate::__private::Entries::new(serializer)?;
                #(#entries)*
                #others
                entries.end()
            }
        }
    }
}

/// A struct's `Deserialize`, written out rather than derived: one visitor that reads each
/// property into a slot through the shared, generic readers of `__private` (which refuse
/// duplicates and check nulls and bounds), then checks that the required ones came. The derive
/// writes a field enum with a visitor of its own, a sequence visitor, and a wrapper type with a
/// `Deserialize` of its own for every field with a `deserialize_with`: type-checking and
/// borrow-checking those was most of a large models crate's build.
fn emit_struct_deserialize(
    def: &TypeDef,
    s: &Struct,
    adapters: &[(crate::ir::ExternalType, String)],
) -> TokenStream {
    let name = ident(&def.name);
    let type_name = def.name.as_str();
    let wire: Vec<&str> = s.fields.iter().map(|f| f.wire_name.as_str()).collect();
    let slots: Vec<Ident> = s.fields.iter().map(|f| ident(&f.name)).collect();
    let reads: Vec<TokenStream> = s.fields.iter().map(|f| field_reader(f, adapters)).collect();
    let finish = s.fields.iter().map(|f| {
        let slot = ident(&f.name);
        match f.presence {
            Presence::Required => quote!(#slot: de::present(#slot),),
            // Absent reads as null outside strict decoding (see `required` below).
            Presence::RequiredNullable | Presence::Optional => quote!(#slot: #slot.flatten(),),
            Presence::OptionalNullable => quote!(#slot,),
        }
    });
    // One check for every required property, not a `?` for each. A required nullable property
    // that is absent carries what a null does (nothing): a client reads it as null, as servers
    // that leave nulls out (pydantic's `exclude_none`) mean it; strict decoding (a server reading
    // a request) still demands it.
    let required: Vec<TokenStream> = s
        .fields
        .iter()
        .filter_map(|f| {
            let slot = ident(&f.name);
            let wire = f.wire_name.as_str();
            match f.presence {
                Presence::Required => Some(quote!((#slot.is_some(), #wire))),
                Presence::RequiredNullable => {
                    Some(quote!((#slot.is_some() || !de::strict(), #wire)))
                }
                _ => None,
            }
        })
        .collect();
    let check = (!required.is_empty()).then(|| quote!(de::missing(&__map, &[#(#required),*])?;));
    let indexes: Vec<proc_macro2::Literal> = (0..s.fields.len())
        .map(proc_macro2::Literal::usize_unsuffixed)
        .collect();
    let (init_other, read_loop, finish_other) = match &s.additional {
        Some(additional) => {
            let other = ident(&additional.name);
            (
                quote!(let mut #other = ::std::collections::BTreeMap::new();),
                quote! {
                    while let de::Some(__key) = __map.next_key_seed(de::KeyOrName(Self::field))? {
                        match __key {
                            #(de::Ok(#indexes) => #reads,)*
                            de::Ok(_) => de::skip(&mut __map),
                            de::Err(__name) => de::insert(&mut __map, &mut #other, __name),
                        }?;
                    }
                },
                quote!(#other,),
            )
        }
        None if s.fields.is_empty() => (
            TokenStream::new(),
            quote! {
                while __map.next_key_seed(de::Key(Self::field))?.is_some() {
                    de::skip(&mut __map)?;
                }
            },
            TokenStream::new(),
        ),
        None => (
            TokenStream::new(),
            quote! {
                while let de::Some(__key) = __map.next_key_seed(de::Key(Self::field))? {
                    match __key {
                        #(#indexes => #reads,)*
                        _ => de::skip(&mut __map),
                    }?;
                }
            },
            TokenStream::new(),
        ),
    };
    let field = if s.fields.is_empty() {
        quote!(
            fn field(_: &str) -> usize {
                usize::MAX
            }
        )
    } else {
        quote! {
            fn field(name: &str) -> usize {
                match name {
                    #(#wire => #indexes,)*
                    _ => usize::MAX,
                }
            }
        }
    };
    // The slots are named after the fields, which never start with `_`: the visitor's own
    // bindings do, and the helpers' module alias `de` is a path, not a value.
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::__private::object(deserializer)
            }
        }

        impl crate::__private::Object for #name {
            const NAME: &'static str = #type_name;
            const FIELDS: &'static [&'static str] = &[#(#wire),*];
            #field
            fn read<'de, A: ::serde::de::MapAccess<'de>>(mut __map: A) -> ::std::result::Result<Self, A::Error> {
                use crate::__private as de;
                #(let mut #slots = de::None;)*
                #init_other
                #read_loop
                #check
                de::Ok(Self {
                    #(#finish)*
                    #finish_other
                })
            }
        }
    }
}

/// The checks of a field as the readers' generic arguments (`MIN, MAX, Rule`), when there is
/// something to check; `ty` is the checked value's type without the optionality.
fn check_arguments(checks: &crate::ir::Checks, ty: &TypeRef) -> Option<TokenStream> {
    let text = matches!(ty, TypeRef::Primitive(Primitive::String));
    let rule = checks.text.as_ref().filter(|_| text).map(rule_marker);
    if checks.min.is_none() && checks.max.is_none() && rule.is_none() {
        return None;
    }
    let bound = |n: Option<i64>, absent: TokenStream| match n {
        Some(n) if n < 0 => {
            let n = proc_macro2::Literal::i64_unsuffixed(n);
            quote!({ #n })
        }
        Some(n) => proc_macro2::Literal::i64_unsuffixed(n).into_token_stream(),
        None => quote!({ i64::#absent }),
    };
    let min = bound(checks.min, quote!(MIN));
    let max = bound(checks.max, quote!(MAX));
    let rule = ident(rule.as_deref().unwrap_or("AnyText"));
    Some(quote!(#min, #max, de::#rule))
}

/// Whether bounds apply to a value of this type: it has a length, a number of items or a
/// numeric value.
fn measured(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Vec(_)
            | TypeRef::Primitive(
                Primitive::String
                    | Primitive::I32
                    | Primitive::I64
                    | Primitive::F32
                    | Primitive::F64
            )
    )
}

/// The call that reads one property's value into its slot (an `Option` of the field's type, or
/// for an optional, non-nullable field of `Option<T>`).
fn field_reader(field: &Field, adapters: &[(crate::ir::ExternalType, String)]) -> TokenStream {
    let slot = ident(&field.name);
    let wire = field.wire_name.as_str();
    if let Some(shape) = shape(&field.ty, adapters) {
        // Read through the type's serde `with` module (bounds are not checked on such a field).
        return match field.presence {
            Presence::Required => {
                quote!(de::read_shaped::<_, #shape>(&mut __map, &mut #slot, #wire))
            }
            Presence::Optional => {
                quote!(de::read_non_null_shaped::<_, #shape>(&mut __map, &mut #slot, #wire))
            }
            Presence::RequiredNullable | Presence::OptionalNullable => {
                quote!(de::read_shaped::<_, de::Nullable<#shape>>(&mut __map, &mut #slot, #wire))
            }
        };
    }
    let inner = match &field.ty {
        TypeRef::Nullable(inner) => inner.as_ref(),
        other => other,
    };
    let item = match inner {
        TypeRef::Vec(item) => {
            Some(item.as_ref()).filter(|item| measured(item) && !matches!(item, TypeRef::Vec(_)))
        }
        _ => None,
    };
    let checks = field.checks.as_ref();
    let item_checks = checks
        .and_then(|c| c.items.as_deref())
        .zip(item)
        .and_then(|(c, item)| check_arguments(c, item));
    let own_checks = checks
        .filter(|_| measured(inner))
        .and_then(|c| check_arguments(c, inner))
        .or_else(|| {
            item_checks
                .as_ref()
                .map(|_| quote!({ i64::MIN }, { i64::MAX }, de::AnyText))
        });
    let non_null = field.presence == Presence::Optional;
    let reader = match (&own_checks, &item_checks, non_null) {
        (None, _, false) => quote!(read),
        (None, _, true) => quote!(read_non_null),
        (Some(c), None, false) => quote!(read_checked::<_, _, #c>),
        (Some(c), None, true) => quote!(read_non_null_checked::<_, _, #c>),
        (Some(c), Some(i), false) => quote!(read_checked_items::<_, _, #c, #i>),
        (Some(c), Some(i), true) => quote!(read_non_null_checked_items::<_, _, #c, #i>),
    };
    quote!(de::#reader(&mut __map, &mut #slot, #wire))
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
        checks: _,
    } = field;
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
    let ty = match presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(::std::option::Option<#ty>),
        Presence::OptionalNullable => {
            quote!(::std::option::Option<::std::option::Option<#ty>>)
        }
    };
    // The wire name, where it differs, is in the (de)serialisation code; say it here too.
    let wire = (name != wire_name.as_str()).then(|| {
        let text = doc_literal(&format!(" On the wire: `{wire_name}`."));
        let gap = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
        quote!(#gap #[doc = #text])
    });
    quote! {
        #docs
        #wire
        pub #name: #ty,
    }
}

fn emit_enum(def: &TypeDef, e: &Enum, extra: &TokenStream) -> TokenStream {
    if e.repr != crate::ir::EnumRepr::String {
        return emit_integer_enum(def, e, extra);
    }
    if e.closed {
        return emit_closed_enum(def, e, extra);
    }
    let name = ident(&def.name);
    let (display, serialize) = enum_text_impls(&name, false);
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
        #[derive(Debug, Clone, PartialEq, Eq, Hash, #extra)]
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

        #display

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

        #serialize

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                crate::__private::check_known::<D::Error>(&value, Self::VALUES)?;
                ::std::result::Result::Ok(Self::from(value))
            }
        }
    }
}

/// `Display` (with `AsRef<str>` for a string enum) and `Serialize` of an enum, open or closed:
/// its wire text through `as_str()`, or its integer through `value()`.
fn enum_text_impls(name: &Ident, integer: bool) -> (TokenStream, TokenStream) {
    if integer {
        (
            quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        ::std::fmt::Display::fmt(&self.value(), f)
                    }
                }
            },
            quote! {
                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                        ::serde::Serialize::serialize(&self.value(), serializer)
                    }
                }
            },
        )
    } else {
        (
            quote! {
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
            },
            quote! {
                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
            },
        )
    }
}

/// An integer enum: a variant per documented value and, unless closed, a catch-all that keeps
/// any other integer and writes it back unchanged.
fn emit_integer_enum(def: &TypeDef, e: &Enum, extra: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let (display, serialize) = enum_text_impls(&name, true);
    let fallback = format!("The values of `{}`.", def.wire_name);
    let docs = doc(Some(def.doc.as_deref().unwrap_or(&fallback)));
    let int = match e.repr {
        crate::ir::EnumRepr::I32 => quote!(i32),
        _ => quote!(i64),
    };
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let numbers: Vec<i64> = e
        .variants
        .iter()
        .map(|v| v.value.parse().unwrap_or_default())
        .collect();
    let literals: Vec<TokenStream> = numbers
        .iter()
        .map(|n| {
            let magnitude = proc_macro2::Literal::u64_unsuffixed(n.unsigned_abs());
            if *n < 0 {
                quote!(-#magnitude)
            } else {
                quote!(#magnitude)
            }
        })
        .collect();
    let variant_docs = e
        .variants
        .iter()
        .map(|v| doc(Some(&format!("`{}`", v.value))));
    let expected = e
        .variants
        .iter()
        .map(|v| v.value.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let expecting = format!("one of {expected}");
    if e.closed {
        let unknown = quote!(::std::format!("{} is not one of {}", value, #expected));
        let value_match = if variants.is_empty() {
            quote!(match *self {})
        } else {
            quote!(match self { #(Self::#variants => #literals,)* })
        };
        return quote! {
            #docs
            ///
            /// Closed: an integer not listed here is refused when parsed or decoded.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #extra)]
            pub enum #name {
                #(#variant_docs #variants,)*
            }

            impl #name {
                /// Every value, in the order the API documents them.
                pub const VALUES: &'static [#int] = &[#(#literals),*];

                /// The value as sent on the wire.
                pub fn value(&self) -> #int {
                    #value_match
                }

                /// Always true: a closed enum holds only documented values.
                pub fn is_known(&self) -> bool {
                    true
                }
            }

            impl ::std::convert::TryFrom<#int> for #name {
                /// The value, which is not one of the documented ones.
                type Error = #int;

                fn try_from(value: #int) -> ::std::result::Result<Self, Self::Error> {
                    match value {
                        #(#literals => ::std::result::Result::Ok(Self::#variants),)*
                        other => ::std::result::Result::Err(other),
                    }
                }
            }

            #display

            impl ::std::str::FromStr for #name {
                /// What was wrong: the text, and the values expected.
                type Err = ::std::string::String;

                fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                    let value: #int = text.parse().map_err(|_| ::std::format!("{text:?} is not an integer"))?;
                    <Self as ::std::convert::TryFrom<#int>>::try_from(value).map_err(|value| #unknown)
                }
            }

            #serialize

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value = <#int as ::serde::Deserialize>::deserialize(deserializer)?;
                    <Self as ::std::convert::TryFrom<#int>>::try_from(value).map_err(|value| {
                        <D::Error as ::serde::de::Error>::invalid_value(::serde::de::Unexpected::Signed(value.into()), &#expecting)
                    })
                }
            }
        };
    }
    let other = ident(&e.other);
    quote! {
        #docs
        ///
        /// Integers unknown when this crate was generated are kept in the catch-all variant and
        /// written back unchanged.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #extra)]
        pub enum #name {
            #(#variant_docs #variants,)*
            /// A value this crate does not know, exactly as received.
            #other(#int),
        }

        impl #name {
            /// Every value this crate knows, in the order the API documents them.
            pub const VALUES: &'static [#int] = &[#(#literals),*];

            /// The value as sent on the wire.
            pub fn value(&self) -> #int {
                match self {
                    #(Self::#variants => #literals,)*
                    Self::#other(value) => *value,
                }
            }

            /// Whether this is a value the crate was generated with.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#other(_))
            }
        }

        impl ::std::convert::From<#int> for #name {
            fn from(value: #int) -> Self {
                match value {
                    #(#literals => Self::#variants,)*
                    other => Self::#other(other),
                }
            }
        }

        #display

        impl ::std::str::FromStr for #name {
            type Err = ::std::num::ParseIntError;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                text.parse::<#int>().map(Self::from)
            }
        }

        #serialize

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <#int as ::serde::Deserialize>::deserialize(deserializer)?;
                let known = Self::from(value);
                if crate::__private::strict() && !known.is_known() {
                    return ::std::result::Result::Err(<D::Error as ::serde::de::Error>::invalid_value(::serde::de::Unexpected::Signed(value.into()), &#expecting));
                }
                ::std::result::Result::Ok(known)
            }
        }
    }
}

/// A closed enum (`[types] enums = "closed"`): only the documented values; parsing or decoding
/// any other is an error that names the value and the ones expected.
fn emit_closed_enum(def: &TypeDef, e: &Enum, extra: &TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let (display, serialize) = enum_text_impls(&name, false);
    let fallback = format!("The values of `{}`.", def.wire_name);
    let docs = doc(Some(def.doc.as_deref().unwrap_or(&fallback)));
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
    let variant_docs = values.iter().map(|v| doc(Some(&format!("`{v}`"))));
    let expected = values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    // The values are the document's text: an argument of the format string, never part of it.
    let unknown = quote!(::std::format!("{:?} is not one of {}", value, #expected));
    // An enum without values has no value to match: every one is unknown.
    let as_str = if variants.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(Self::#variants => #values,)* })
    };
    quote! {
        #docs
        ///
        /// Closed: a value not listed here is refused when parsed or decoded.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, #extra)]
        pub enum #name {
            #(#variant_docs #variants,)*
        }

        impl #name {
            /// Every value, in the order the API documents them.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &'static str {
                #as_str
            }

            /// Always true: a closed enum holds only documented values.
            pub fn is_known(&self) -> bool {
                true
            }
        }

        #display

        impl ::std::str::FromStr for #name {
            /// What was wrong: the value, and the values expected.
            type Err = ::std::string::String;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match value {
                    #(#values => ::std::result::Result::Ok(Self::#variants),)*
                    _ => ::std::result::Result::Err(#unknown),
                }
            }
        }

        #serialize

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                value.parse().map_err(|_| <D::Error as ::serde::de::Error>::unknown_variant(&value, Self::VALUES))
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

/// The API's own `pattern` rules, which follow the fixed helpers of `templates/models/private.rs`
/// in the models crate's `__private` module: one marker type per distinct pattern.
pub fn pattern_rules(api: &Api) -> TokenStream {
    let patterns = patterns(api);
    let pattern_names: Vec<Ident> = patterns.values().map(|name| ident(name)).collect();
    let pattern_docs = patterns
        .keys()
        .map(|p| doc_literal(&format!(" `pattern: {p}`")));
    let pattern_whats = patterns.keys().map(|p| format!("matching `{p}`"));
    let patterns = patterns.keys();
    quote! {
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
    }
}
