//! The models crate: one serde type per named schema, usable without any HTTP stack.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, paragraphs, type_tokens};
use crate::ir::{Api, Enum, Field, Presence, Struct, TypeDef, TypeKind};

/// The models crate's `generated` module.
pub fn emit(api: &Api) -> TokenStream {
    let models = quote!(crate);
    let types = api.types.iter().map(|def| emit_type(def, &models));
    let needs_private = api.types.iter().any(|def| match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .any(|f| f.presence == Presence::OptionalNullable),
        _ => false,
    });
    let private = needs_private.then(private_module);
    quote! {
        #(#types)*
        #private
    }
}

fn emit_type(def: &TypeDef, models: &TokenStream) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(def, s, models),
        TypeKind::Enum(e) => emit_enum(def, e),
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
    let rename = (name != wire_name.as_str()).then(|| quote!(#[serde(rename = #wire_name)]));
    let (attrs, ty) = match presence {
        Presence::Required => (None, ty),
        Presence::RequiredNullable => (None, quote!(::std::option::Option<#ty>)),
        Presence::Optional => (
            Some(quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")])),
            quote!(::std::option::Option<#ty>),
        ),
        Presence::OptionalNullable => (
            Some(quote! {
                #[serde(
                    default,
                    skip_serializing_if = "::std::option::Option::is_none",
                    deserialize_with = "crate::__private::deserialize_some"
                )]
            }),
            quote!(::std::option::Option<::std::option::Option<#ty>>),
        ),
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
                ::std::result::Result::Ok(Self::from(value))
            }
        }
    }
}

/// Helpers the derived serde code calls; not part of the crate's API.
fn private_module() -> TokenStream {
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
        }
    }
}
