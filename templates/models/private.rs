//! Helpers the generated models share: strict decoding, the readers and writers of the
//! written-out `Serialize` and `Deserialize` impls, bounds and text rules.
//!
//! This file is the same for every API; the generator copies it into each models crate as
//! `src/__private.rs` (followed by the API's own `pattern` rules) so that the crate depends on
//! nothing but the ecosystem's crates. It is compiled and unit-tested on its own by
//! `tests/runtime.rs`. Std items are named by absolute path, so that no schema name can shadow
//! them.

// The prelude's variants by a path no schema name can shadow, for the readers (`de::Some`).
pub use ::std::option::Option::{None, Some};
pub use ::std::result::Result::{Err, Ok};
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
pub fn check_known<E: ::serde::de::Error>(
    value: &str,
    known: &'static [&'static str],
) -> ::std::result::Result<(), E> {
    if strict() && !known.contains(&value) {
        return ::std::result::Result::Err(E::unknown_variant(value, known));
    }
    ::std::result::Result::Ok(())
}
/// `value` as a `T` read exactly, for an untagged union's first pass: decoded strictly
/// and, with `declared`, only when an object has no property outside it.
pub fn decode_exact<T: ::serde::de::DeserializeOwned>(
    value: &::serde_json::Value,
    declared: ::std::option::Option<&[&str]>,
) -> ::std::option::Option<T> {
    if let (::std::option::Option::Some(declared), ::std::option::Option::Some(object)) =
        (declared, value.as_object())
    {
        if object.keys().any(|key| !declared.contains(&key.as_str())) {
            return ::std::option::Option::None;
        }
    }
    let _strict = StrictGuard::enter();
    T::deserialize(value).ok()
}
/// `value` as a `T`, when it decodes (an untagged union's second pass).
pub fn decode<T: ::serde::de::DeserializeOwned>(
    value: &::serde_json::Value,
) -> ::std::option::Option<T> {
    T::deserialize(value).ok()
}
/// What an untagged union keeps of a value none of its alternatives decodes: the
/// value itself, or in strict decoding an error.
pub fn undecoded<E: ::serde::de::Error>(
    value: ::serde_json::Value,
    union: &str,
) -> ::std::result::Result<::serde_json::Value, E> {
    if strict() {
        return ::std::result::Result::Err(E::custom(::std::format_args!(
            "the value matches none of the alternatives of `{union}`"
        )));
    }
    ::std::result::Result::Ok(value)
}
/// The error for a union value whose tag is missing or unknown, in strict decoding.
pub fn unknown_tag<E: ::serde::de::Error>(tag: &str, known: &[&str]) -> E {
    E::custom(::std::format_args!(
        "the `{tag}` tag is missing or not one of {known:?}"
    ))
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
impl Measured for i32 {
    const WHAT: &'static str = "value";
    fn measure(&self) -> ::std::option::Option<f64> {
        ::std::option::Option::Some(f64::from(*self))
    }
}
impl Measured for i64 {
    const WHAT: &'static str = "value";
    fn measure(&self) -> ::std::option::Option<f64> {
        ::std::option::Option::Some(*self as f64)
    }
}
impl Measured for f32 {
    const WHAT: &'static str = "value";
    fn measure(&self) -> ::std::option::Option<f64> {
        ::std::option::Option::Some(f64::from(*self))
    }
}
impl Measured for f64 {
    const WHAT: &'static str = "value";
    fn measure(&self) -> ::std::option::Option<f64> {
        ::std::option::Option::Some(*self)
    }
}
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
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
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
/// In strict decoding, an error when `value` is outside `min..=max` or its text does
/// not follow `R`.
pub fn check<T: Measured, R: TextRule, E: ::serde::de::Error>(
    value: &T,
    min: i64,
    max: i64,
) -> ::std::result::Result<(), E> {
    if !strict() {
        return ::std::result::Result::Ok(());
    }
    let outside = |size: f64| size < min as f64 || size > max as f64;
    if let ::std::option::Option::Some(size) = value.measure().filter(|size| outside(*size)) {
        return ::std::result::Result::Err(E::custom(::std::format_args!(
            "{} {size} is outside the allowed {}..={}",
            T::WHAT,
            if min == i64::MIN {
                ::std::string::String::new()
            } else {
                min.to_string()
            },
            if max == i64::MAX {
                ::std::string::String::new()
            } else {
                max.to_string()
            },
        )));
    }
    match value.text() {
        ::std::option::Option::Some(text) if !R::allows(text) => ::std::result::Result::Err(
            E::custom(::std::format_args!("{text:?} is not {}", R::WHAT)),
        ),
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
pub fn check_items<T: Items, R: TextRule, E: ::serde::de::Error>(
    value: &T,
    min: i64,
    max: i64,
) -> ::std::result::Result<(), E> {
    for (index, item) in value.items().iter().enumerate() {
        check::<_, R, E>(item, min, max)
            .map_err(|error| E::custom(::std::format_args!("item {index}: {error}")))?;
    }
    ::std::result::Result::Ok(())
}
/// A field with checks on itself and on each of its items.
pub fn read_checked_items<
    'de,
    A,
    T,
    const MIN: i64,
    const MAX: i64,
    R: TextRule,
    const IMIN: i64,
    const IMAX: i64,
    IR: TextRule,
>(
    map: &mut A,
    slot: &mut ::std::option::Option<T>,
    name: &'static str,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    T: ::serde::Deserialize<'de> + Measured + Items,
{
    read_checked::<A, T, MIN, MAX, R>(map, slot, name)?;
    check_items::<_, IR, _>(slot, IMIN, IMAX).map_err(|error| at(name, error))
}
/// An optional, non-nullable field with checks on itself and on each of its items.
pub fn read_non_null_checked_items<
    'de,
    A,
    T,
    const MIN: i64,
    const MAX: i64,
    R: TextRule,
    const IMIN: i64,
    const IMAX: i64,
    IR: TextRule,
>(
    map: &mut A,
    slot: &mut ::std::option::Option<::std::option::Option<T>>,
    name: &'static str,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    T: ::serde::Deserialize<'de> + Measured + Items,
{
    read_non_null_checked::<A, T, MIN, MAX, R>(map, slot, name)?;
    check_items::<_, IR, _>(
        &slot.as_ref().and_then(::std::option::Option::as_ref),
        IMIN,
        IMAX,
    )
    .map_err(|error| at(name, error))
}
/// A field with checks (`T` may be an `Option` for a nullable one: null passes).
pub fn read_checked<'de, A, T, const MIN: i64, const MAX: i64, R: TextRule>(
    map: &mut A,
    slot: &mut ::std::option::Option<T>,
    name: &'static str,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    T: ::serde::Deserialize<'de> + Measured,
{
    read(map, slot, name)?;
    check::<_, R, _>(slot, MIN, MAX).map_err(|error| at(name, error))
}
/// An optional, non-nullable field with checks (see [`read_non_null`]).
pub fn read_non_null_checked<'de, A, T, const MIN: i64, const MAX: i64, R: TextRule>(
    map: &mut A,
    slot: &mut ::std::option::Option<::std::option::Option<T>>,
    name: &'static str,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    T: ::serde::Deserialize<'de> + Measured,
{
    read_non_null(map, slot, name)?;
    check::<_, R, _>(
        &slot.as_ref().and_then(::std::option::Option::as_ref),
        MIN,
        MAX,
    )
    .map_err(|error| at(name, error))
}
/// Reads the value of the property `name` into its slot; a second occurrence of the
/// property is an error. For a nullable field `T` is an `Option`, which reads null
/// as `None`.
pub fn read<'de, A, T>(
    map: &mut A,
    slot: &mut ::std::option::Option<T>,
    name: &'static str,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    T: ::serde::Deserialize<'de>,
{
    if slot.is_some() {
        return ::std::result::Result::Err(<A::Error as ::serde::de::Error>::duplicate_field(name));
    }
    *slot = ::std::option::Option::Some(map.next_value().map_err(|error| at(name, error))?);
    ::std::result::Result::Ok(())
}
/// Reads an optional property that is not nullable: a null reads as absent, except
/// in strict decoding, where it is an error.
pub fn read_non_null<'de, A, T>(
    map: &mut A,
    slot: &mut ::std::option::Option<::std::option::Option<T>>,
    name: &'static str,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    T: ::serde::Deserialize<'de>,
{
    if slot.is_some() {
        return ::std::result::Result::Err(<A::Error as ::serde::de::Error>::duplicate_field(name));
    }
    *slot = ::std::option::Option::Some(if strict() {
        ::std::option::Option::Some(map.next_value::<T>().map_err(|error| at(name, error))?)
    } else {
        map.next_value::<::std::option::Option<T>>()
            .map_err(|error| at(name, error))?
    });
    ::std::result::Result::Ok(())
}
/// The entries of a struct being written as a map: the first error is kept and
/// returned by [`Entries::end`], the entries after it are not written.
pub struct Entries<M: ::serde::ser::SerializeMap> {
    map: M,
    error: ::std::option::Option<M::Error>,
}
impl<M: ::serde::ser::SerializeMap> Entries<M> {
    /// Starts the map.
    pub fn new<S: ::serde::Serializer<SerializeMap = M, Error = M::Error>>(
        serializer: S,
    ) -> ::std::result::Result<Self, M::Error> {
        ::std::result::Result::Ok(Self {
            map: serializer.serialize_map(::std::option::Option::None)?,
            error: ::std::option::Option::None,
        })
    }
    /// Writes one entry.
    pub fn entry<V: ::serde::Serialize + ?::std::marker::Sized>(&mut self, name: &str, value: &V) {
        if self.error.is_none() {
            if let ::std::result::Result::Err(error) = self.map.serialize_entry(name, value) {
                self.error = ::std::option::Option::Some(error);
            }
        }
    }
    /// Writes one entry of an optional field, unless it is `None`.
    pub fn optional<V: ::serde::Serialize>(
        &mut self,
        name: &str,
        value: &::std::option::Option<V>,
    ) {
        if let ::std::option::Option::Some(value) = value {
            self.entry(name, value);
        }
    }
    /// Writes the properties the schema does not declare.
    pub fn others<V: ::serde::Serialize>(
        &mut self,
        others: &::std::collections::BTreeMap<::std::string::String, V>,
    ) {
        for (name, value) in others {
            self.entry(name, value);
        }
    }
    /// Ends the map, or returns the first error.
    pub fn end(self) -> ::std::result::Result<M::Ok, M::Error> {
        match self.error {
            ::std::option::Option::Some(error) => ::std::result::Result::Err(error),
            ::std::option::Option::None => self.map.end(),
        }
    }
}
/// A struct read from a map by a visitor the generator writes out (see `read`).
pub trait Object: ::std::marker::Sized {
    /// The Rust name, for messages.
    const NAME: &'static str;
    /// The declared properties, on the wire.
    const FIELDS: &'static [&'static str];
    /// The index of a declared property in `FIELDS`, `usize::MAX` for another.
    fn field(name: &str) -> usize;
    /// Reads the properties of one map.
    fn read<'de, A: ::serde::de::MapAccess<'de>>(map: A) -> ::std::result::Result<Self, A::Error>;
}
/// The visitor every struct shares: a map, read by [`Object::read`].
pub struct ObjectVisitor<T>(::std::marker::PhantomData<T>);
impl<'de, T: Object> ::serde::de::Visitor<'de> for ObjectVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        // What serde's derive says, so that messages do not change.
        ::std::write!(f, "struct {}", T::NAME)
    }
    fn visit_map<A: ::serde::de::MapAccess<'de>>(
        self,
        map: A,
    ) -> ::std::result::Result<T, A::Error> {
        T::read(map).map_err(|error| within(T::NAME, error))
    }
}
/// The message of `error` without the position serde_json adds (` at line 1 column 7`),
/// which the outermost error gets again.
fn message(error: &impl ::std::fmt::Display) -> ::std::string::String {
    let text = error.to_string();
    if let ::std::option::Option::Some(cut) = text.rfind(" at line ") {
        let rest = &text[cut + " at line ".len()..];
        let numbers = rest.split_once(" column ").filter(|(l, c)| {
            !l.is_empty() && !c.is_empty() && l.bytes().chain(c.bytes()).all(|b| b.is_ascii_digit())
        });
        if numbers.is_some() {
            return text[..cut].to_owned();
        }
    }
    text
}
/// The error of the value of property `name`, saying where it is: ``at `name`: …``, or the
/// path through it when the value is an object whose own property failed
/// (``at `name.created`: …``).
pub fn at<E: ::serde::de::Error>(name: &str, error: E) -> E {
    let text = message(&error);
    let inner = text
        .strip_prefix("at `")
        .and_then(|rest| rest.split_once('`'));
    match inner {
        ::std::option::Option::Some((path, rest)) => {
            // The inner object's type gives way to this property's path.
            let rest = match rest.strip_prefix(" in `") {
                ::std::option::Option::Some(typed) => {
                    typed.split_once('`').map_or(rest, |(_, r)| r)
                }
                ::std::option::Option::None => rest,
            };
            E::custom(::std::format_args!("at `{name}.{path}`{rest}"))
        }
        ::std::option::Option::None => E::custom(::std::format_args!("at `{name}`: {text}")),
    }
}
/// An error of one of `name`'s properties, naming the type the path starts at
/// (``at `created` in `SshKey`: …``).
fn within<E: ::serde::de::Error>(name: &str, error: E) -> E {
    let text = message(&error);
    match text
        .strip_prefix("at `")
        .and_then(|rest| rest.split_once("`: "))
    {
        ::std::option::Option::Some((path, rest)) => {
            E::custom(::std::format_args!("at `{path}` in `{name}`: {rest}"))
        }
        ::std::option::Option::None => error,
    }
}
/// `T`, read from `deserializer` as a struct.
pub fn object<'de, D: ::serde::Deserializer<'de>, T: Object>(
    deserializer: D,
) -> ::std::result::Result<T, D::Error> {
    deserializer.deserialize_struct(
        T::NAME,
        T::FIELDS,
        ObjectVisitor(::std::marker::PhantomData),
    )
}
/// The error for the first required property (in declaration order) that did not
/// come, if one did not: checked once for all of them, before they are taken.
pub fn missing<'de, A: ::serde::de::MapAccess<'de>>(
    _: &A,
    present: &[(bool, &'static str)],
) -> ::std::result::Result<(), A::Error> {
    match present.iter().find(|(present, _)| !present) {
        ::std::option::Option::Some((_, name)) => {
            ::std::result::Result::Err(<A::Error as ::serde::de::Error>::missing_field(name))
        }
        ::std::option::Option::None => ::std::result::Result::Ok(()),
    }
}
/// The value of a required property that [`missing`] found present.
pub fn present<T>(slot: ::std::option::Option<T>) -> T {
    match slot {
        ::std::option::Option::Some(value) => value,
        ::std::option::Option::None => unreachable!("checked by `missing`"),
    }
}
/// Reads the value of a property the type does not declare into the map of the others.
pub fn insert<'de, A, T>(
    map: &mut A,
    others: &mut ::std::collections::BTreeMap<::std::string::String, T>,
    name: ::std::string::String,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    T: ::serde::Deserialize<'de>,
{
    let value = map.next_value().map_err(|error| at(&name, error))?;
    others.insert(name, value);
    ::std::result::Result::Ok(())
}
/// Reads and drops the value of a property the type does not declare.
pub fn skip<'de, A: ::serde::de::MapAccess<'de>>(
    map: &mut A,
) -> ::std::result::Result<(), A::Error> {
    map.next_value::<::serde::de::IgnoredAny>().map(|_| ())
}
/// Reads a property name as its index among a type's declared properties (which the
/// function, a `match` on the name, gives), `usize::MAX` for one it does not declare.
#[derive(Clone, Copy)]
pub struct Key(pub fn(&str) -> usize);
impl<'de> ::serde::de::DeserializeSeed<'de> for Key {
    type Value = usize;
    fn deserialize<D: ::serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> ::std::result::Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}
impl<'de> ::serde::de::Visitor<'de> for Key {
    type Value = usize;
    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("a property name")
    }
    fn visit_str<E: ::serde::de::Error>(self, name: &str) -> ::std::result::Result<usize, E> {
        ::std::result::Result::Ok((self.0)(name))
    }
    fn visit_bytes<E: ::serde::de::Error>(self, name: &[u8]) -> ::std::result::Result<usize, E> {
        ::std::result::Result::Ok(::std::str::from_utf8(name).map_or(usize::MAX, self.0))
    }
}
/// Reads a property name as its index among a type's declared properties, or as the
/// name itself for one it does not declare (kept with the type's other properties).
#[derive(Clone, Copy)]
pub struct KeyOrName(pub fn(&str) -> usize);
impl<'de> ::serde::de::DeserializeSeed<'de> for KeyOrName {
    type Value = ::std::result::Result<usize, ::std::string::String>;
    fn deserialize<D: ::serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> ::std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}
impl<'de> ::serde::de::Visitor<'de> for KeyOrName {
    type Value = ::std::result::Result<usize, ::std::string::String>;
    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("a property name")
    }
    fn visit_str<E: ::serde::de::Error>(self, name: &str) -> ::std::result::Result<Self::Value, E> {
        match (self.0)(name) {
            usize::MAX => ::std::result::Result::Ok(::std::result::Result::Err(name.to_owned())),
            index => ::std::result::Result::Ok(::std::result::Result::Ok(index)),
        }
    }
    fn visit_string<E: ::serde::de::Error>(
        self,
        name: ::std::string::String,
    ) -> ::std::result::Result<Self::Value, E> {
        match (self.0)(&name) {
            usize::MAX => ::std::result::Result::Ok(::std::result::Result::Err(name)),
            index => ::std::result::Result::Ok(::std::result::Result::Ok(index)),
        }
    }
    fn visit_bytes<E: ::serde::de::Error>(
        self,
        name: &[u8],
    ) -> ::std::result::Result<Self::Value, E> {
        match ::std::str::from_utf8(name) {
            ::std::result::Result::Ok(name) => self.visit_str(name),
            ::std::result::Result::Err(_) => ::std::result::Result::Err(E::invalid_value(
                ::serde::de::Unexpected::Bytes(name),
                &self,
            )),
        }
    }
}
/// How a field whose type is, or holds, a mapped type with a serde `with` module is read and
/// written: the module for the type itself (a marker the models crate generates per module),
/// and [`Nullable`], [`ItemsOf`] and [`MapOf`] around it for the containers holding it.
pub trait Shape {
    /// The field's type.
    type Value;
    /// Writes `value`.
    fn serialize<S: ::serde::Serializer>(
        value: &Self::Value,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error>;
    /// Reads a value.
    fn deserialize<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<Self::Value, D::Error>;
}
/// `X` or null.
pub struct Nullable<X>(::std::marker::PhantomData<X>);
/// An array of `X`.
pub struct ItemsOf<X>(::std::marker::PhantomData<X>);
/// A map of string keys to `X`.
pub struct MapOf<X>(::std::marker::PhantomData<X>);
/// A value read through the shape `X`.
pub struct Wire<X: Shape>(pub X::Value);
/// A value written through the shape `X`.
pub struct Written<'a, X: Shape>(pub &'a X::Value);
impl<'de, X: Shape> ::serde::Deserialize<'de> for Wire<X> {
    fn deserialize<D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<Self, D::Error> {
        X::deserialize(deserializer).map(Wire)
    }
}
impl<X: Shape> ::serde::Serialize for Written<'_, X> {
    fn serialize<S: ::serde::Serializer>(
        &self,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error> {
        X::serialize(self.0, serializer)
    }
}
impl<X: Shape> Shape for Nullable<X> {
    type Value = ::std::option::Option<X::Value>;
    fn serialize<S: ::serde::Serializer>(
        value: &Self::Value,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error> {
        match value {
            ::std::option::Option::Some(value) => serializer.serialize_some(&Written::<X>(value)),
            ::std::option::Option::None => serializer.serialize_none(),
        }
    }
    fn deserialize<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<Self::Value, D::Error> {
        let value: ::std::option::Option<Wire<X>> =
            ::serde::Deserialize::deserialize(deserializer)?;
        ::std::result::Result::Ok(value.map(|value| value.0))
    }
}
impl<X: Shape> Shape for ItemsOf<X> {
    type Value = ::std::vec::Vec<X::Value>;
    fn serialize<S: ::serde::Serializer>(
        value: &Self::Value,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(value.iter().map(Written::<X>))
    }
    fn deserialize<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<Self::Value, D::Error> {
        let items: ::std::vec::Vec<Wire<X>> = ::serde::Deserialize::deserialize(deserializer)?;
        ::std::result::Result::Ok(items.into_iter().map(|item| item.0).collect())
    }
}
impl<X: Shape> Shape for MapOf<X> {
    type Value = ::std::collections::BTreeMap<::std::string::String, X::Value>;
    fn serialize<S: ::serde::Serializer>(
        value: &Self::Value,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(value.iter().map(|(key, value)| (key, Written::<X>(value))))
    }
    fn deserialize<'de, D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<Self::Value, D::Error> {
        let map: ::std::collections::BTreeMap<::std::string::String, Wire<X>> =
            ::serde::Deserialize::deserialize(deserializer)?;
        ::std::result::Result::Ok(map.into_iter().map(|(key, value)| (key, value.0)).collect())
    }
}
/// [`read`] through the shape `X`.
pub fn read_shaped<'de, A, X>(
    map: &mut A,
    slot: &mut ::std::option::Option<X::Value>,
    name: &'static str,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    X: Shape,
{
    let mut wire: ::std::option::Option<Wire<X>> = slot.take().map(Wire);
    let read = read(map, &mut wire, name);
    *slot = wire.map(|wire| wire.0);
    read
}
/// [`read_non_null`] through the shape `X`.
pub fn read_non_null_shaped<'de, A, X>(
    map: &mut A,
    slot: &mut ::std::option::Option<::std::option::Option<X::Value>>,
    name: &'static str,
) -> ::std::result::Result<(), A::Error>
where
    A: ::serde::de::MapAccess<'de>,
    X: Shape,
{
    let mut wire: ::std::option::Option<::std::option::Option<Wire<X>>> =
        slot.take().map(|value| value.map(Wire));
    let read = read_non_null(map, &mut wire, name);
    *slot = wire.map(|value| value.map(|wire| wire.0));
    read
}
impl<M: ::serde::ser::SerializeMap> Entries<M> {
    /// [`Entries::optional`] through the shape `X`.
    pub fn optional_shaped<X: Shape>(
        &mut self,
        name: &str,
        value: &::std::option::Option<X::Value>,
    ) {
        if let ::std::option::Option::Some(value) = value {
            self.entry(name, &Written::<X>(value));
        }
    }
}
