//! The one place Rust names are decided.
//!
//! Every identifier the generator emits comes from a wire name through one of the functions
//! here: case conversion (heck), characters Rust identifiers cannot hold, names starting with a
//! digit, keywords, and collisions inside one scope ([`Namespace`]). The rules, applied in order:
//!
//! 1. Every character that is not an ASCII letter or digit separates words.
//! 2. Words are joined in the target case; two words that meet digit to digit keep a `_`
//!    between them (`1.1` becomes `V1_1`, not `V11`).
//! 3. A name that would start with a digit gets a prefix: `_` for snake case, `V` for enum
//!    variants, `T` for types. An empty name becomes `value`, `Value` or `Type`.
//! 4. A keyword gets a trailing `_` (`type` becomes `type_`; `Self` becomes `Self_`).
//! 5. Within a scope, a name already taken gets the smallest free numeric suffix from 2 on,
//!    in document order, so the result is deterministic.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords of the 2024 edition (strict and reserved), which cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `name` is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Splits a wire name into chunks of ASCII letters and digits.
fn chunks(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|chunk| !chunk.is_empty())
}

fn finish(mut name: String, digit_prefix: &str, empty: &str) -> String {
    if name.is_empty() {
        name = empty.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, digit_prefix);
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

fn upper_camel(raw: &str, digit_prefix: &str, empty: &str) -> String {
    let mut name = String::new();
    for chunk in chunks(raw) {
        let word = chunk.to_upper_camel_case();
        let digits_meet = name.ends_with(|c: char| c.is_ascii_digit())
            && word.starts_with(|c: char| c.is_ascii_digit());
        if digits_meet {
            name.push('_');
        }
        name.push_str(&word);
    }
    finish(name, digit_prefix, empty)
}

/// A type name: `sync_status` and `SyncStatus` both become `SyncStatus`.
pub fn type_name(raw: &str) -> String {
    upper_camel(raw, "T", "Type")
}

/// An enum variant name for a wire value: `successful` becomes `Successful`, `1.1` `V1_1`.
pub fn variant_name(raw: &str) -> String {
    upper_camel(raw, "V", "Value")
}

/// A field, parameter, function or module name: `isRunning` becomes `is_running`.
pub fn snake_name(raw: &str) -> String {
    let cleaned: Vec<&str> = chunks(raw).collect();
    finish(cleaned.join("_").to_snake_case(), "_", "value")
}

/// A snake-case name made of names already made valid and fixed words (`handle` and an
/// operation's name, a module's name and `routes`): each part loses the `_` that escaped it or
/// prefixed a digit, the parts are joined with one `_`, and the whole is made valid again. So
/// `handle` and `_3gpp_registration` give `handle_3gpp_registration`, and `enum_` and `routes`
/// give `enum_routes`, never a doubled `_` (which the `non_snake_case` lint refuses).
pub fn snake_compound(parts: &[&str]) -> String {
    let joined: Vec<&str> = parts
        .iter()
        .map(|part| part.trim_matches('_'))
        .filter(|part| !part.is_empty())
        .collect();
    finish(joined.join("_"), "_", "value")
}

/// An UpperCamel name made of a type name already made valid and a suffix (`Error`, a property's
/// type name): the `_` that escaped a keyword (`Self_`) is dropped before joining, so the result
/// stays UpperCamel (`SelfError`).
pub fn type_compound(stem: &str, suffix: &str) -> String {
    finish(
        format!("{}{}", stem.trim_end_matches('_'), suffix.trim_matches('_')),
        "T",
        "Type",
    )
}

/// The variant name for a response status: the reason phrase where the code has a common one.
pub fn status_variant(code: u16) -> String {
    let phrase = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        418 => "ImATeapot",
        421 => "MisdirectedRequest",
        422 => "UnprocessableEntity",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    phrase.to_owned()
}

/// The variant name for a class of statuses such as `4XX`.
pub fn status_range_variant(class: u16) -> String {
    format!("Status{class}xx")
}

/// Names already taken in one scope (a module, a struct's fields, an enum's variants).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Takes `candidate`, or the first `candidate2`, `candidate3`, ... that is free.
    pub fn claim(&mut self, candidate: String) -> String {
        if self.taken.insert(candidate.clone()) {
            return candidate;
        }
        // A keyword got a trailing `_`; a suffix replaces it, as `type2` is no keyword.
        let stem = candidate.trim_end_matches('_');
        let separator = if stem.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{stem}{separator}{n}"))
            .find(|name| self.taken.insert(name.clone()))
            .expect("an unbounded range always has a free suffix")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversion() {
        assert_eq!(type_name("SyncStatus"), "SyncStatus");
        assert_eq!(type_name("modelRequest"), "ModelRequest");
        assert_eq!(type_name("sync-status"), "SyncStatus");
        assert_eq!(snake_name("isRunning"), "is_running");
        assert_eq!(snake_name("name__iexact"), "name_iexact");
        assert_eq!(
            snake_name("providers_microsoft_entra_sync_status_retrieve"),
            "providers_microsoft_entra_sync_status_retrieve"
        );
    }

    #[test]
    fn compounds_never_double_an_underscore() {
        assert_eq!(
            snake_compound(&["handle", &snake_name("3gpp-registration")]),
            "handle_3gpp_registration"
        );
        assert_eq!(
            snake_compound(&[&snake_name("enum"), "routes"]),
            "enum_routes"
        );
        assert_eq!(
            snake_compound(&[&snake_name("3gpp"), "routes"]),
            "_3gpp_routes"
        );
        assert_eq!(
            snake_compound(&[&snake_name("type"), "webhooks"]),
            "type_webhooks"
        );
        assert_eq!(snake_compound(&["", "self"]), "self_");
        assert_eq!(type_compound(&type_name("self"), "Error"), "SelfError");
        assert_eq!(type_compound(&type_name("3gpp"), "Params"), "T3gppParams");
        assert_eq!(type_compound("Pet", &type_name("type")), "PetType");
        for name in [
            snake_compound(&["handle", "_2fa_"]),
            snake_compound(&["type_", "stream"]),
        ] {
            assert!(!name.contains("__"), "{name}");
        }
    }

    #[test]
    fn digits_keywords_and_empty_names() {
        assert_eq!(variant_name("6"), "V6");
        assert_eq!(variant_name("1.1"), "V1_1");
        assert_eq!(variant_name("11"), "V11");
        assert_eq!(variant_name(""), "Value");
        assert_eq!(variant_name("self"), "Self_");
        assert_eq!(snake_name("type"), "type_");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("2fa"), "_2fa");
        assert_eq!(snake_name("-"), "value");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("3d"), "T3d");
    }

    #[test]
    fn collisions_get_numeric_suffixes() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim(snake_name("foo-bar")), "foo_bar");
        assert_eq!(ns.claim(snake_name("foo_bar")), "foo_bar2");
        assert_eq!(ns.claim(snake_name("fooBar")), "foo_bar3");
        assert_eq!(ns.claim(snake_name("type")), "type_");
        assert_eq!(ns.claim(snake_name("type")), "type2");
        assert_eq!(ns.claim("v1".to_owned()), "v1");
        assert_eq!(ns.claim("v1".to_owned()), "v1_2");
    }

    #[test]
    fn status_names() {
        assert_eq!(status_variant(200), "Ok");
        assert_eq!(status_variant(404), "NotFound");
        assert_eq!(status_variant(299), "Status299");
        assert_eq!(status_range_variant(4), "Status4xx");
    }
}
