//! The intermediate representation between the OpenAPI document and the emitters.
//!
//! Everything here is plain data with final Rust names already decided (by [`crate::naming`])
//! next to the wire names they map to. Emitters read only this module, never `openapiv3`, so the
//! same IR serves the models, client and server emitters, and a change in how a construct is
//! read from the document happens in one place ([`crate::lower`]).

/// The selected part of an API, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Every named type the selected operations reach, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// The selected operations, in document order.
    pub operations: Vec<Operation>,
    /// Operation groups (one server trait each), sorted by Rust name.
    pub groups: Vec<Group>,
    /// The selected webhooks (requests the API sends to its users), in document order.
    pub webhooks: Vec<Operation>,
    /// Webhook groups (one server trait each, served by the webhook router), sorted by Rust
    /// name; their indices are into [`Api::webhooks`].
    pub webhook_groups: Vec<Group>,
    /// The client's error enums shared by operations that document the same error responses,
    /// sorted by what they hold.
    pub shared_errors: Vec<SharedEnum>,
    /// Whether some types come from component schemas no selected operation reaches: those
    /// compile behind the models crate's `components` feature.
    pub components_feature: bool,
    /// Whether tags are Cargo features (each compiling its own types and operations); off for
    /// code a build script includes, where the including crate has no such features.
    pub features: bool,
}

/// A client enum of error responses that several operations document alike; each operation's
/// own error type is an alias of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedEnum {
    /// The Rust name, after the variants (`BadRequestOrForbiddenError`).
    pub name: String,
    /// The operations that share it, in document order (indices into [`Api::operations`]); the
    /// responses are the first one's.
    pub operations: Vec<usize>,
}

impl Api {
    /// The operations and the webhooks: everything with parameters and bodies.
    pub fn all_operations(&self) -> impl Iterator<Item = &Operation> {
        self.operations.iter().chain(&self.webhooks)
    }

    /// The list a group's indices point into.
    pub fn operations_of(&self, group: &Group) -> &[Operation] {
        if group.webhooks {
            &self.webhooks
        } else {
            &self.operations
        }
    }

    /// The server's groups: the operations', then the webhooks'.
    pub fn server_groups(&self) -> impl Iterator<Item = &Group> + Clone {
        self.groups.iter().chain(&self.webhook_groups)
    }
}

/// A named Rust type: a component schema, or an inline schema that needed a name.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust type name.
    pub name: String,
    /// The schema name in the document (or the generated name of an inline schema).
    pub wire_name: String,
    /// JSON pointer of the schema.
    pub pointer: String,
    /// Documentation from the schema's title and description.
    pub doc: Option<String>,
    /// What kind of type it is.
    pub kind: TypeKind,
}

/// The shapes a named type can take.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enumeration.
    Enum(Enum),
    /// Another name for a type expression (an array or primitive schema given a name).
    Alias(TypeRef),
    /// A `oneOf`: one of several types, told apart by a discriminator property when there is one.
    Union(Union),
}

/// A `oneOf` schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The discriminator property; `None` for an untagged union (the first variant that decodes
    /// wins).
    pub tag: Option<String>,
    /// One variant per discriminator value (or per `oneOf` entry when untagged).
    pub variants: Vec<UnionVariant>,
    /// The catch-all variant that keeps a value with an unknown tag as raw JSON.
    pub other: String,
}

/// One alternative of a [`Union`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub name: String,
    /// The discriminator value that selects it and that it is written with (tagged unions
    /// only): its mapping's, else the value its schema pins, else its schema's name.
    pub tag_value: Option<String>,
    /// Other values that select it: further mapping entries naming the same schema, or the
    /// schema's name where the schema pins another value (which the specification's fallback
    /// would have sent).
    pub also: Vec<String>,
    /// Whether a value read with one of [`UnionVariant::also`] is written back with that value
    /// (the mapping gives several, all equally the schema's) rather than with `tag_value`.
    pub keeps_tag: bool,
    /// The type it carries.
    pub ty: TypeRef,
}

/// An object schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// The declared properties, in document order.
    pub fields: Vec<Field>,
    /// The type of undeclared properties, when the schema allows them (`additionalProperties`).
    /// They are collected into a map so that no key is lost on a round trip.
    pub additional: Option<Additional>,
    /// Structs this one includes through `allOf` whose every field it has unchanged (same wire
    /// name, type and presence): each gets a `From<This>` conversion.
    pub bases: Vec<String>,
}

/// Where undeclared properties of a struct go.
#[derive(Debug, Clone, PartialEq)]
pub struct Additional {
    /// The Rust field that collects them.
    pub name: String,
    /// The type of each value.
    pub ty: TypeRef,
}

/// One property of an object schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name.
    pub name: String,
    /// The property name on the wire.
    pub wire_name: String,
    /// The value type, without the optionality `presence` adds.
    pub ty: TypeRef,
    /// Whether the property must be present and whether it may be null.
    pub presence: Presence,
    /// The value type refers back to the containing type without indirection, so it is boxed.
    pub boxed: bool,
    /// Documentation from the property's description.
    pub doc: Option<String>,
    /// `readOnly`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly`: sent by the client only.
    pub write_only: bool,
    /// What a server checks when it decodes strictly.
    pub checks: Option<Checks>,
}

/// What a server checks of a property when it decodes strictly: inclusive bounds on its length
/// for a string (`minLength`, `maxLength`), its number of items for an array (`minItems`,
/// `maxItems`) or its value for a number (`minimum`, `maximum`, exclusive ones made inclusive
/// for integers; only whole-number bounds are kept), and a rule on a string's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checks {
    /// The least allowed.
    pub min: Option<i64>,
    /// The most allowed.
    pub max: Option<i64>,
    /// The rule a string follows.
    pub text: Option<TextRule>,
    /// What each item of an array is checked for.
    pub items: Option<Box<Checks>>,
}

/// A rule on a string's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextRule {
    /// A `format` with a check: `email`, `uri`, `ipv4` or `ipv6`.
    Format(String),
    /// A `pattern` (which takes precedence over the format), as written in the document.
    Pattern(String),
}

/// The four combinations of `required` and `nullable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, possibly null: `Option<T>`, written as `null` when `None`.
    RequiredNullable,
    /// Possibly absent, never null: `Option<T>`, left out when `None`.
    Optional,
    /// Possibly absent, possibly null: `Option<Option<T>>`; `None` is absent, `Some(None)` null.
    OptionalNullable,
}

impl Presence {
    /// The presence for a property's `required` and `nullable` flags.
    pub fn new(required: bool, nullable: bool) -> Self {
        match (required, nullable) {
            (true, false) => Self::Required,
            (true, true) => Self::RequiredNullable,
            (false, false) => Self::Optional,
            (false, true) => Self::OptionalNullable,
        }
    }
}

/// A string enumeration with a catch-all for values unknown when the code was generated.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// The known values, in document order.
    pub variants: Vec<Variant>,
    /// The name of the catch-all variant that carries any other value unchanged.
    pub other: String,
    /// Closed (`[types] enums = "closed"`): no catch-all variant; an unknown value is an error.
    pub closed: bool,
    /// What the values are on the wire: strings, or integers (whose [`Variant::value`] is the
    /// decimal text).
    pub repr: EnumRepr,
}

/// The wire type of an enumeration's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    /// `type: string`.
    String,
    /// `type: integer`, format `int32`.
    I32,
    /// `type: integer`, another format or none.
    I64,
}

/// One known value of an enumeration.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub value: String,
}

/// A type expression.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A named type of [`Api::types`], by Rust name.
    Named(String),
    /// A scalar.
    Primitive(Primitive),
    /// A JSON array.
    Vec(Box<TypeRef>),
    /// A JSON array of a fixed length whose items have their own types (`prefixItems`).
    Tuple(Vec<TypeRef>),
    /// A JSON object used as a map from string keys.
    Map(Box<TypeRef>),
    /// A value that may be null where nullability is not a property's (array items, map values).
    Nullable(Box<TypeRef>),
    /// Any JSON value.
    Any,
    /// A type of the user's, by path (`my_crate::Money`): a replaced schema or a mapped format.
    External(ExternalType),
}

/// A type of the user's.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ExternalType {
    /// Its path, as the config gives it.
    pub path: String,
    /// The serde `with` module it is read and written through, where its own serde form is not
    /// the format's (`time::serde::rfc3339`).
    pub with: Option<String>,
}

/// Scalars and the formats given real Rust types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    /// `string` without a recognised format.
    String,
    /// `boolean`.
    Bool,
    /// `integer`, format `int32`.
    I32,
    /// `integer` without format, or format `int64`.
    I64,
    /// `number`, format `float`.
    F32,
    /// `number` without format, or format `double`.
    F64,
    /// `string`, format `uuid`.
    Uuid,
    /// `string`, format `date-time` (RFC 3339).
    DateTime,
    /// `string`, format `date`.
    Date,
    /// `string`, format `binary`: raw bytes such as a file part of a multipart body.
    Binary,
}

/// A set of operations served by one server trait: the operations sharing their first tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The tag.
    pub tag: String,
    /// The trait name, such as `ProvidersApi`.
    pub trait_name: String,
    /// The snake-case stem for functions and modules, such as `providers`.
    pub module: String,
    /// The server's function that routes the group's operations, such as `providers_routes`.
    pub routes_fn: String,
    /// Indices into [`Api::operations`] (into [`Api::webhooks`] for a webhook group), in
    /// document order.
    pub operations: Vec<usize>,
    /// Whether the group holds webhooks (served by the webhook router, not called by the
    /// client).
    pub webhooks: bool,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// The Rust method name.
    pub name: String,
    /// The server's handler function for it (`handle_<name>`, unique in its module).
    pub handler: String,
    /// The UpperCamel stem for types named after the operation, such as inline schemas.
    pub type_stem: String,
    /// The client's enum of documented error responses, such as `<Stem>Error`; an alias of
    /// [`Operation::shared_error`] when that is set.
    pub error_type: String,
    /// The client's enum this operation shares with others that document the same error
    /// responses (one of [`Api::shared_errors`]), which `error_type` then names.
    pub shared_error: Option<String>,
    /// The server's enum of documented responses, such as `<Stem>Response`.
    pub response_type: String,
    /// The client's enum of successful responses when more than one is documented.
    pub success_type: String,
    /// The group (first tag) the operation belongs to.
    pub tag: String,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// The HTTP method.
    pub method: Method,
    /// The path template, as in the document (`/providers/{id}/`); for a webhook, the path
    /// the webhook router serves it at (`/` and its name).
    pub path: String,
    /// The webhook's name in the document, for a webhook.
    pub webhook: Option<String>,
    /// The path template split into literal text and parameters.
    pub path_segments: Vec<PathSegment>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Parameters, path parameters first in template order, then the rest in document order.
    pub params: Vec<Param>,
    /// Responses, sorted by status.
    pub responses: Vec<Response>,
    /// The request body, if the operation takes one.
    pub body: Option<RequestBody>,
    /// The name of the parameter struct (in the models crate's `params` module) holding the query
    /// and header parameters, when the operation has any.
    pub params_type: Option<String>,
    /// Who may call it.
    pub security: Security,
    /// How to walk every page, when the operation returns one page of a paginated list.
    pub pagination: Option<Pagination>,
    /// The client's method that asks for the event stream of the operation's only success, when
    /// that success is documented both as JSON and as events ([`Response::events`]).
    pub events_name: Option<String>,
}

impl Operation {
    /// The documented responses that are not successes, in document order: the variants of
    /// the client's error enum.
    pub fn error_responses(&self) -> impl Iterator<Item = &Response> + Clone {
        self.responses.iter().filter(|r| !r.is_success())
    }

    /// The query and header parameters, which travel in [`Operation::params_type`].
    pub fn non_path_params(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| p.location != ParamLocation::Path)
    }

    /// The path parameters, in template order.
    pub fn path_params(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
    }
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// The media type sent.
    pub media: String,
    /// How it is encoded.
    pub encoding: Encoding,
    /// The type of the value (`String` for text, `Vec<u8>`-like bytes for binary bodies).
    pub ty: TypeRef,
    /// Whether the body must be sent.
    pub required: bool,
    /// The body's description.
    pub doc: Option<String>,
}

/// How a request or response body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// JSON.
    Json,
    /// `multipart/form-data`: one part per property of an object, files for binary properties.
    Multipart,
    /// `application/x-www-form-urlencoded`: one pair per property of a flat object.
    Form,
    /// Text in the media type's charset (UTF-8 assumed), such as XML or YAML.
    Text,
    /// Raw bytes.
    Bytes,
}

/// The page-walking helper of an operation returning one page of a list (authentik's
/// `Paginated*List`: `pagination.next` is the next page number, 0 after the last).
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// The client's method that walks every page (`<operation>_stream`, claimed beside the
    /// operations' own method names).
    pub stream_name: String,
    /// The Rust name of the `page` query parameter (a field of the parameter struct).
    pub page_param: String,
    /// Whether the page parameter is an `i32` (else `i64`).
    pub page_is_i32: bool,
    /// The Rust name of the field holding the page's items.
    pub results_field: String,
    /// The Rust name of the field holding the pagination object.
    pub pagination_field: String,
    /// The Rust name of the next-page field inside it.
    pub next_field: String,
    /// The type of one item.
    pub item: TypeRef,
}

/// HTTP methods OpenAPI 3.0 knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// The method's name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// Literal text, sent as written.
    Literal(String),
    /// A path parameter, by index into [`Operation::params`].
    Param(usize),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The Rust name.
    pub name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// For arrays: each item as its own `name=value` pair (`explode: true`, the default for
    /// query parameters) or all items in one pair, comma-separated.
    pub explode: bool,
    /// How the value is serialised (OpenAPI's `style`).
    pub style: ParamStyle,
    /// The value is not one scalar or an array of scalars (an object, a map, a union, nested
    /// arrays): it travels through serde, in its `style`.
    pub structured: bool,
    /// Documentation from the parameter's description.
    pub doc: Option<String>,
}

/// How a parameter is serialised (OpenAPI's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// Path and header parameters: the value, arrays comma-separated.
    Simple,
    /// Query: `name=value`; arrays repeat the name (exploded) or join with commas; objects give
    /// one pair per property (exploded) or `name=key,value,...`.
    Form,
    /// Query: arrays joined with spaces.
    SpaceDelimited,
    /// Query: arrays joined with `|`.
    PipeDelimited,
    /// Query: `name[key]=value`, nested as `name[a][b]`, array items as `name[key][0]`.
    DeepObject,
}

/// A documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status it answers.
    pub status: Status,
    /// The Rust variant name, such as `Ok` or `BadRequest`.
    pub variant: String,
    /// The response's description.
    pub description: Option<String>,
    /// The body.
    pub body: Body,
    /// The same response as an event stream, when it is documented both as JSON (its `body`)
    /// and as `text/event-stream`: the request chooses (a `stream: true` field, an `Accept`
    /// header), so the client has a second method for it.
    pub events: Option<Events>,
}

/// A `text/event-stream` body: a stream of events whose `data` is JSON of one type, or text, or
/// JSON of a type the event's name tells.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    /// The type of each event's `data`; `None` for text (no schema documented) or events by
    /// name.
    pub data: Option<TypeRef>,
    /// Events of several schemas told apart by their names (a `oneOf` of event descriptions,
    /// each naming its one `event` value).
    pub named: Option<NamedEvents>,
}

/// Events told apart by name: the client and the server each have an enum of them.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedEvents {
    /// The enum's name (claimed with the operation's other types).
    pub type_name: String,
    /// One variant per event name.
    pub variants: Vec<NamedEvent>,
    /// The catch-all variant for any other name (its data kept as text).
    pub other: String,
}

/// One named event.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedEvent {
    /// The event's name on the wire (`event: <name>`).
    pub event: String,
    /// The variant's name.
    pub variant: String,
    /// The type of its data.
    pub data: TypeRef,
}

impl Events {
    /// The types the events' data has.
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        self.data.iter().chain(
            self.named
                .iter()
                .flat_map(|named| named.variants.iter().map(|v| &v.data)),
        )
    }
}

impl Response {
    /// The types the response carries: its body's, and its events'.
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        let (body, events) = match &self.body {
            Body::Json(ty) => (Some(ty), None),
            Body::Events(events) => (None, Some(events)),
            _ => (None, None),
        };
        body.into_iter()
            .chain(events.into_iter().flat_map(Events::types))
            .chain(self.events.iter().flat_map(Events::types))
    }

    /// Whether the status is a success (2XX).
    pub fn is_success(&self) -> bool {
        match self.status {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }
}

/// The status a response is documented for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A class, such as `4XX` (stored as 4).
    Range(u16),
    /// `default`: every status not documented otherwise.
    Default,
}

/// What a response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Nothing (or nothing documented).
    Empty,
    /// JSON of the given type.
    Json(TypeRef),
    /// Text of the given media type, as a `String`.
    Text(String),
    /// Bytes of the given media type.
    Bytes(String),
    /// Server-sent events (`text/event-stream`).
    Events(Events),
}

/// The authentication an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Security {
    /// The schemes the operation accepts, in the document's order of preference (a requirement
    /// that combines several is one [`AuthKind::All`] entry).
    pub schemes: Vec<AuthScheme>,
    /// Whether the operation may also be called without credentials.
    pub optional: bool,
    /// The name of the client's constant listing `schemes` (shared by every operation with the
    /// same list), claimed in the naming stage; `None` when there are no schemes.
    pub const_name: Option<String>,
}

/// A security scheme an operation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthScheme {
    /// The security scheme's name in `components/securitySchemes`.
    pub name: String,
    /// Where the credential goes.
    pub kind: AuthKind,
    /// The scopes the requirement lists for this scheme (OAuth 2 and OpenID Connect; empty for
    /// the others and for combined requirements, whose members carry their own).
    pub scopes: Vec<String>,
}

/// How a credential is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// `Authorization: <scheme> <credential>`, such as `Bearer`, `Basic` or `Bearer+agent`.
    Http(String),
    /// An API key in the named header.
    Header(String),
    /// An API key in the named query parameter.
    Query(String),
    /// An API key in the named cookie (sent in a `Cookie` header).
    Cookie(String),
    /// A requirement that names several schemes: every one of them is sent.
    All(Vec<AuthScheme>),
}
