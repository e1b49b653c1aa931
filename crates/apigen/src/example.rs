//! Schema-valid example values, built from the document itself (not from the generator's IR), so
//! that they are an independent reading of the schemas: the generated mock server answers with
//! them (where the document gives no valid example of its own), and `cargo xtask conformance`
//! sends them as request bodies through the generated client.
//!
//! The value honours what a validator checks: `type`, `enum`, `format` (uuid, date-time, date,
//! email, uri, ...), `pattern`, `minLength`/`maxLength`, `minimum`/`maximum` (exclusive too),
//! `multipleOf`, `minItems`/`maxItems`, `required`, `readOnly` (left out of requests),
//! `writeOnly` (left out of responses), `allOf` (merged), `oneOf`/`anyOf` (the first alternative,
//! with its discriminator value set) and `nullable`. Optional properties are included down to a
//! depth, so recursive schemas end.

use serde_json::{Map, Value};

/// Which side of an exchange the value is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A request body: `readOnly` properties are left out.
    Request,
    /// A response body: `writeOnly` properties are left out.
    Response,
}

/// Optional properties are filled in only this deep.
const OPTIONAL_DEPTH: usize = 6;
/// Nothing is generated deeper than this (a required recursion with no end).
const MAX_DEPTH: usize = 32;
/// How many schema checks one [`Examples::problems`] call makes at most.
const CHECK_BUDGET: usize = 200_000;

/// Example values already built (or why none could be), by reference and depth.
type Built = std::collections::HashMap<
    (String, usize),
    Result<Value, String>,
    std::hash::BuildHasherDefault<FastHasher>,
>;

/// A multiply-and-rotate hasher (FxHash's) for the cache's keys, `$ref` strings: a mock of a
/// large document looks them up hundreds of thousands of times, and the keys come from the
/// document, not from an adversary, so SipHash's flood resistance buys nothing here.
#[derive(Default)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &byte in chunks.remainder() {
            self.add(u64::from(byte));
        }
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Builds example values for the schemas of one document.
#[derive(Clone)]
pub struct Examples<'a> {
    document: &'a Value,
    direction: Direction,
    /// Values already built, by referenced schema and depth: recursive unions (an expression
    /// of expressions) would otherwise be built again for every alternative tried above them,
    /// exponentially in the depth.
    built: std::rc::Rc<std::cell::RefCell<Built>>,
    /// Schema checks left for the [`Examples::problems`] call running: checking a value against
    /// recursive unions visits each alternative at each level, exponential in the worst case, so
    /// one call stops after [`CHECK_BUDGET`] checks and then reports nothing.
    budget: std::rc::Rc<std::cell::Cell<usize>>,
    /// Whether [`Examples::problems`] reads a union with a discriminator as the discriminator
    /// says (only the alternative the tag names) rather than as JSON Schema does.
    follow_tags: bool,
    /// Whether a schema's own `example` is the value built for it, when it is valid against
    /// the schema (so an object of properties with examples is composed of them).
    documented: bool,
}

impl<'a> Examples<'a> {
    /// Examples for `document` (the whole OpenAPI document as JSON).
    pub fn new(document: &'a Value, direction: Direction) -> Self {
        Self {
            document,
            direction,
            built: Default::default(),
            budget: Default::default(),
            follow_tags: false,
            documented: false,
        }
    }

    /// These examples, taking the document's own: a schema's `example` (3.1's first
    /// `examples`) wherever it is valid against the schema, down to each property, so that an
    /// object whose properties have examples is composed of them. A value is built from the
    /// schema only where the document gives none, or an invalid one.
    pub fn documented(self) -> Self {
        Self {
            documented: true,
            built: Default::default(),
            budget: Default::default(),
            ..self
        }
    }

    /// These examples, with [`Examples::problems`] reading a union that has a discriminator as
    /// a code generator does: a value whose tag names an alternative is checked against that
    /// alternative alone. What a validating mock answers can be valid under JSON Schema (it
    /// matches some alternative) and still contradict its own tag; this tells those apart.
    pub fn following_tags(self) -> Self {
        Self {
            follow_tags: true,
            built: Default::default(),
            budget: Default::default(),
            ..self
        }
    }

    /// A value valid against `schema`, or why none could be built.
    pub fn value(&self, schema: &Value) -> Result<Value, String> {
        self.build(schema, 0)
    }

    /// The target of a local `$ref`.
    pub fn resolve(&self, reference: &str) -> Result<&'a Value, String> {
        reference
            .strip_prefix('#')
            .and_then(|pointer| self.document.pointer(pointer))
            .ok_or_else(|| format!("cannot resolve `{reference}`"))
    }

    /// `value` with `$ref`s followed (up to a chain of 16).
    pub fn deref<'v>(&self, mut value: &'v Value) -> Result<&'v Value, String>
    where
        'a: 'v,
    {
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => value = self.resolve(reference)?,
                None => return Ok(value),
            }
        }
        Err("a chain of more than 16 `$ref`s".to_owned())
    }

    fn build(&self, schema: &Value, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("the schema nests deeper than 32 levels".to_owned());
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let key = (reference.to_owned(), depth);
            if let Some(done) = self.built.borrow().get(&key) {
                return done.clone();
            }
            let target = self.resolve(reference)?;
            let result = self
                .build(target, depth + 1)
                .map_err(|e| format!("{reference}: {e}"));
            self.built.borrow_mut().insert(key, result.clone());
            return result;
        }
        if self.documented
            && let Some(example) = schema.get("example")
            && self.problems(example, schema).is_empty()
        {
            return Ok(example.clone());
        }
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        let result = self.build_non_null(schema, depth);
        match result {
            Err(_) if nullable => Ok(Value::Null),
            other => other,
        }
    }

    fn build_non_null(&self, schema: &Value, depth: usize) -> Result<Value, String> {
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values
                .iter()
                .find(|v| !v.is_null())
                .or_else(|| values.first())
                .cloned()
                .ok_or_else(|| "an empty `enum`".to_owned());
        }
        if let Some(alternatives) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            return self.alternative(schema, alternatives, depth);
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged: Option<Value> = None;
            for member in members {
                let value = self.build(member, depth + 1)?;
                merged = Some(match (merged, value) {
                    (Some(Value::Object(mut into)), Value::Object(from)) => {
                        into.extend(from);
                        Value::Object(into)
                    }
                    (_, value) => value,
                });
            }
            if let Some(merged) = merged {
                return Ok(merged);
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => string(schema),
            Some("integer") => integer(schema),
            Some("number") => Ok(number(schema)),
            Some("boolean") => Ok(Value::Bool(true)),
            Some("array") => self.array(schema, depth),
            Some("object") => self.object(schema, depth),
            Some(other) => Err(format!("unknown type `{other}`")),
            None if schema.get("properties").is_some()
                || schema.get("additionalProperties").is_some() =>
            {
                self.object(schema, depth)
            }
            None if schema.get("items").is_some() => self.array(schema, depth),
            // No constraint: any value is valid.
            None => Ok(Value::Object(Map::new())),
        }
    }

    /// The first alternative that can be built, with its discriminator value set.
    fn alternative(
        &self,
        schema: &Value,
        alternatives: &[Value],
        depth: usize,
    ) -> Result<Value, String> {
        let discriminator = schema.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let mapping = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object);
        let mut reasons = Vec::new();
        let mut fallback = None;
        // Deep down, alternatives that need no nested values first: a recursive union (an
        // expression of expressions) then ends in leaves instead of nesting to the limit,
        // which would make the example (and checking it) exponential in the depth.
        let mut alternatives: Vec<&Value> = alternatives.iter().collect();
        if depth >= OPTIONAL_DEPTH {
            alternatives.sort_by_key(|alternative| self.nested_required(alternative));
        }
        for alternative in alternatives {
            let mut value = match self.build(alternative, depth + 1) {
                Ok(value) => value,
                Err(reason) => {
                    reasons.push(reason);
                    continue;
                }
            };
            if let (Some(property), Some(reference), Value::Object(object)) = (
                property,
                alternative.get("$ref").and_then(Value::as_str),
                &mut value,
            ) {
                let mapped = mapping
                    .and_then(|m| {
                        m.iter()
                            .find(|(_, target)| target.as_str() == Some(reference))
                    })
                    .map(|(tag, _)| tag.clone());
                // Unmapped, the tag is the value the alternative pins (a one-value `enum` or a
                // `const`, which the built value already holds), else the schema's name.
                let pinned = self.pinned(alternative, property, 0).map(Value::String);
                let tag = match (mapped, pinned) {
                    (Some(tag), _) => Value::String(tag),
                    (None, Some(pinned)) => pinned,
                    (None, None) => {
                        Value::String(reference.rsplit('/').next().unwrap_or("").to_owned())
                    }
                };
                object.insert(property.to_owned(), tag);
            }
            // JSON Schema wants exactly one alternative to match; keep looking when this value
            // matches several (alternatives with no required property match almost anything).
            // Properties that only another alternative refuses would not help: the generated
            // types do not keep properties they do not define.
            if self.problems(&value, schema).is_empty() {
                return Ok(value);
            }
            fallback.get_or_insert(value);
        }
        fallback.ok_or_else(|| format!("no alternative can be built ({})", reasons.join("; ")))
    }

    /// The one string `schema` (an object, through `$ref`s and `allOf` members) allows for
    /// `property`: a one-value `enum` or a `const`.
    fn pinned(&self, schema: &Value, property: &str, depth: usize) -> Option<String> {
        let schema = self.deref(schema).ok()?;
        if let Some(pinned) = schema
            .get("properties")
            .and_then(|p| p.get(property))
            .and_then(|p| self.deref(p).ok())
            .and_then(|p| match (p.get("const"), p.get("enum")) {
                (Some(Value::String(value)), _) => Some(value.clone()),
                (_, Some(Value::Array(values))) => match values.as_slice() {
                    [Value::String(value)] => Some(value.clone()),
                    _ => None,
                },
                _ => None,
            })
        {
            return Some(pinned);
        }
        if depth >= 16 {
            return None;
        }
        schema
            .get("allOf")
            .and_then(Value::as_array)?
            .iter()
            .find_map(|member| self.pinned(member, property, depth + 1))
    }

    /// How many required properties of `schema` hold a nested schema (a reference, an object,
    /// an array or a union).
    fn nested_required(&self, schema: &Value) -> usize {
        let Ok(schema) = self.deref(schema) else {
            return usize::MAX;
        };
        let Some(required) = schema.get("required").and_then(Value::as_array) else {
            return 0;
        };
        let properties = schema.get("properties");
        required
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| {
                properties.and_then(|p| p.get(*name)).is_some_and(|p| {
                    ["$ref", "properties", "items", "oneOf", "anyOf", "allOf"]
                        .iter()
                        .any(|k| p.get(*k).is_some())
                })
            })
            .count()
    }

    fn array(&self, schema: &Value, depth: usize) -> Result<Value, String> {
        let min = usize_of(schema, "minItems").unwrap_or(0);
        let max = usize_of(schema, "maxItems").unwrap_or(usize::MAX);
        let count = min.max(1).min(max);
        let item = match schema.get("items") {
            Some(items) => match self.build(items, depth + 1) {
                Ok(item) => item,
                Err(_) if min == 0 => return Ok(Value::Array(Vec::new())),
                Err(reason) => return Err(reason),
            },
            None => Value::Object(Map::new()),
        };
        let unique = schema.get("uniqueItems").and_then(Value::as_bool) == Some(true);
        if unique && count > 1 {
            return Err("`uniqueItems` with `minItems` above 1 is not supported".to_owned());
        }
        Ok(Value::Array(vec![item; count]))
    }

    fn object(&self, schema: &Value, depth: usize) -> Result<Value, String> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut object = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let is_required = required.contains(&name.as_str());
                if !is_required && depth >= OPTIONAL_DEPTH {
                    continue;
                }
                // A required property is sent either way: OpenAPI 3.0 exempts a `readOnly` one
                // from `required` in requests, but validators that read the schema as plain
                // JSON Schema do not, and sending it is valid under both readings.
                if !is_required && self.left_out(property)? {
                    continue;
                }
                match self.build(property, depth + 1) {
                    Ok(value) => {
                        object.insert(name.clone(), value);
                    }
                    Err(reason) if is_required => return Err(format!("{name}: {reason}")),
                    Err(_) => {}
                }
            }
        }
        let min_properties = usize_of(schema, "minProperties").unwrap_or(0);
        if object.len() < min_properties {
            match schema.get("additionalProperties") {
                Some(Value::Bool(false)) | None => {
                    return Err("`minProperties` cannot be met".to_owned());
                }
                Some(Value::Bool(true)) => {
                    object.insert("key".to_owned(), Value::String("value".to_owned()));
                }
                Some(additional) => {
                    object.insert("key".to_owned(), self.build(additional, depth + 1)?);
                }
            }
        }
        Ok(Value::Object(object))
    }

    /// Whether a property is not sent in this direction (`readOnly` in requests, `writeOnly` in
    /// responses), also when the flag sits on the schema its `$ref` names.
    fn left_out(&self, property: &Value) -> Result<bool, String> {
        let flag = match self.direction {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
        };
        let is_set = |v: &Value| v.get(flag).and_then(Value::as_bool) == Some(true);
        Ok(is_set(property) || is_set(self.deref(property)?))
    }
}

impl Examples<'_> {
    /// Why `value` is not valid against `schema` under JSON Schema (as OpenAPI 3.0 reads it:
    /// `nullable`, `readOnly` properties not required in requests, `writeOnly` ones not in
    /// responses); empty when it is. Formats are not checked: they only annotate.
    ///
    /// This is how an ambiguous `oneOf` shows: a value the discriminator names unambiguously can
    /// still match several alternatives, which JSON Schema (and so a validating mock) refuses.
    pub fn problems(&self, value: &Value, schema: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        let outer = self.budget.get() == 0;
        if outer {
            self.budget.set(CHECK_BUDGET);
        }
        self.check(value, schema, "", 0, &mut problems);
        if outer {
            if self.budget.get() <= 1 {
                // Cut short, what was found may be wrong (a `oneOf` whose alternatives were not
                // all checked): nothing is reported.
                problems.clear();
            }
            self.budget.set(0);
        }
        problems
    }

    fn check(&self, value: &Value, schema: &Value, at: &str, depth: usize, out: &mut Vec<String>) {
        match self.budget.get() {
            0 | 1 => return,
            left => self.budget.set(left - 1),
        }
        if depth > MAX_DEPTH * 2 {
            return;
        }
        let schema = match self.deref(schema) {
            Ok(schema) => schema,
            Err(reason) => return out.push(format!("{at}: {reason}")),
        };
        if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        let mut fail =
            |what: String| out.push(format!("{}: {what}", if at.is_empty() { "/" } else { at }));
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && !values.contains(value)
        {
            fail(format!("{value} is not one of the `enum` values"));
        }
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            let fits = match kind {
                "string" => value.is_string(),
                "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                "array" => value.is_array(),
                "object" => value.is_object(),
                _ => true,
            };
            if !fits {
                fail(format!("{value} is not of type `{kind}`"));
                return;
            }
        }
        if let Some(text) = value.as_str() {
            let length = text.chars().count();
            if usize_of(schema, "minLength").is_some_and(|min| length < min) {
                fail("shorter than `minLength`".to_owned());
            }
            if usize_of(schema, "maxLength").is_some_and(|max| length > max) {
                fail("longer than `maxLength`".to_owned());
            }
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
                && regex::Regex::new(pattern).is_ok_and(|re| !re.is_match(text))
            {
                fail(format!("does not match `{pattern}`"));
            }
        }
        if let Some(number) = value.as_f64() {
            let flag = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
            if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
                && (number < min || (flag("exclusiveMinimum") && number == min))
            {
                fail(format!("{number} is below `minimum`"));
            }
            if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
                && (number > max || (flag("exclusiveMaximum") && number == max))
            {
                fail(format!("{number} is above `maximum`"));
            }
            if let Some(step) = schema.get("multipleOf").and_then(Value::as_f64)
                && step > 0.0
                && (number / step).fract() != 0.0
            {
                fail(format!("{number} is not a multiple of {step}"));
            }
        }
        if let Some(items) = value.as_array() {
            if usize_of(schema, "minItems").is_some_and(|min| items.len() < min) {
                fail("fewer items than `minItems`".to_owned());
            }
            if usize_of(schema, "maxItems").is_some_and(|max| items.len() > max) {
                fail("more items than `maxItems`".to_owned());
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    self.check(item, item_schema, &format!("{at}/{i}"), depth + 1, out);
                }
            }
        }
        if let Some(object) = value.as_object() {
            self.check_object(object, schema, at, depth, out);
        }
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check(value, member, at, depth + 1, out);
        }
        if self.follow_tags
            && let Some(alternative) = self.tagged_alternative(value, schema)
        {
            self.check(value, alternative, at, depth + 1, out);
            return;
        }
        let matching = |key: &str| {
            schema
                .get(key)
                .and_then(Value::as_array)
                .map(|alternatives| {
                    alternatives
                        .iter()
                        .filter(|alt| {
                            let mut problems = Vec::new();
                            self.check(value, alt, at, depth + 1, &mut problems);
                            problems.is_empty()
                        })
                        .count()
                })
        };
        let at = if at.is_empty() { "/" } else { at };
        if let Some(count) = matching("oneOf")
            && count != 1
        {
            out.push(format!(
                "{at}: matches {count} of the `oneOf` alternatives, not exactly one"
            ));
        }
        if matching("anyOf") == Some(0) {
            out.push(format!("{at}: matches none of the `anyOf` alternatives"));
        }
    }

    /// The alternative of `schema`'s `oneOf`/`anyOf` that its discriminator selects for
    /// `value` (by `mapping`, else by component name), when there is one.
    fn tagged_alternative<'s>(&self, value: &Value, schema: &'s Value) -> Option<&'s Value> {
        let discriminator = schema.get("discriminator")?;
        let property = discriminator.get("propertyName")?.as_str()?;
        let tag = value.get(property)?.as_str()?;
        let alternatives = || {
            ["oneOf", "anyOf"]
                .iter()
                .filter_map(|key| schema.get(*key).and_then(Value::as_array))
                .flatten()
        };
        let target = match discriminator.get("mapping").and_then(|m| m.get(tag)) {
            Some(target) => target.as_str()?.to_owned(),
            None => {
                // Unmapped: the alternative that pins the value, else the one named so.
                if let Some(pinned) =
                    alternatives().find(|alt| self.pinned(alt, property, 0).as_deref() == Some(tag))
                {
                    return Some(pinned);
                }
                format!("#/components/schemas/{tag}")
            }
        };
        alternatives().find(|alt| alt.get("$ref").and_then(Value::as_str) == Some(target.as_str()))
    }

    fn check_object(
        &self,
        object: &Map<String, Value>,
        schema: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(name) = required.as_str() else {
                continue;
            };
            let left_out = properties
                .and_then(|p| p.get(name))
                .is_some_and(|p| self.left_out(p).unwrap_or(false));
            if !object.contains_key(name) && !left_out {
                out.push(format!("{at}/{name}: required"));
            }
        }
        for (name, value) in object {
            match (
                properties.and_then(|p| p.get(name)),
                schema.get("additionalProperties"),
            ) {
                (Some(property), _) => {
                    self.check(value, property, &format!("{at}/{name}"), depth + 1, out);
                }
                (None, Some(Value::Bool(false))) => {
                    out.push(format!(
                        "{at}/{name}: not allowed by `additionalProperties`"
                    ));
                }
                (None, Some(additional)) if additional.is_object() => {
                    self.check(value, additional, &format!("{at}/{name}"), depth + 1, out);
                }
                (None, _) => {}
            }
        }
    }
}

fn usize_of(schema: &Value, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// Strings tried, in order, against a `pattern` before falling back to a random one.
const CANDIDATES: &[&str] = &[
    "conformance",
    "conformance-1",
    "conformance_1",
    "c",
    "1",
    "user@example.com",
];

fn string(schema: &Value) -> Result<Value, String> {
    let min = usize_of(schema, "minLength").unwrap_or(0);
    let max = usize_of(schema, "maxLength").unwrap_or(usize::MAX);
    let fits = |s: &str| (min..=max).contains(&s.chars().count());
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    let formatted = match format {
        "uuid" => Some("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        "date-time" => Some("2024-01-02T03:04:05Z"),
        "date" => Some("2024-01-02"),
        "time" => Some("03:04:05"),
        "email" => Some("user@example.com"),
        "uri" | "url" => Some("https://example.com/conformance"),
        "uri-reference" => Some("/conformance"),
        "hostname" => Some("example.com"),
        "ipv4" => Some("127.0.0.1"),
        "ipv6" => Some("::1"),
        "byte" => Some("Y29uZm9ybWFuY2U="),
        _ => None,
    };
    // A pattern the regex engine cannot run (look-around, back-references) cannot be followed
    // or checked: the value is built without it, as the server, which cannot check it either,
    // reads it.
    let pattern = schema
        .get("pattern")
        .and_then(Value::as_str)
        .filter(|pattern| regex::Regex::new(pattern).is_ok());
    let Some(pattern) = pattern else {
        return match formatted {
            Some(value) if fits(value) => Ok(Value::String(value.to_owned())),
            Some(value) => Err(format!(
                "`{format}` value `{value}` is not {min}..={max} characters"
            )),
            None => Ok(Value::String(sized("conformance", min, max))),
        };
    };
    let regex = regex::Regex::new(pattern).map_err(|e| format!("pattern `{pattern}`: {e}"))?;
    let mut candidates: Vec<String> = formatted.into_iter().map(str::to_owned).collect();
    candidates.extend(CANDIDATES.iter().map(|c| sized(c, min, max)));
    if let Some(found) = candidates.iter().find(|c| regex.is_match(c) && fits(c)) {
        return Ok(Value::String(found.clone()));
    }
    // Seeded, so that the same document always gives the same examples.
    // The generator knows no anchors; the check above still applies them.
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = match body.strip_suffix('$') {
        Some(rest) if !rest.ends_with('\\') => rest,
        _ => body,
    };
    let repeat = u32::try_from(max.min(min.max(8))).unwrap_or(u32::MAX);
    // JSON Schema patterns are ECMA-262 regular expressions, where `\d`, `\w` and `\s` are
    // ASCII classes: generated with Unicode classes, `\d` gives digits of other scripts that a
    // validator refuses. Parsed without Unicode first; a pattern that needs it (`.`, a
    // non-ASCII literal) is parsed with it.
    let ascii = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .build()
        .parse(body);
    let generator = match ascii {
        Ok(hir) => rand_regex::Regex::with_hir(hir, repeat),
        Err(_) => rand_regex::Regex::compile(body, repeat),
    }
    .map_err(|e| format!("pattern `{pattern}`: {e}"))?;
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7);
    (0..256)
        .map(|_| rand::RngExt::sample::<String, _>(&mut rng, &generator))
        .find(|s| regex.is_match(s) && fits(s))
        .map(Value::String)
        .ok_or_else(|| format!("no string of {min}..={max} characters matching `{pattern}` found"))
}

/// `base` padded with `x` to `min` characters, or cut to `max`.
fn sized(base: &str, min: usize, max: usize) -> String {
    let mut s: String = base.chars().take(max).collect();
    while s.chars().count() < min {
        s.push('x');
    }
    s
}

fn integer(schema: &Value) -> Result<Value, String> {
    let exclusive = |key: &str| schema.get(key).and_then(Value::as_bool) == Some(true);
    let mut low = schema.get("minimum").and_then(Value::as_f64).map(|m| {
        if exclusive("exclusiveMinimum") {
            m.floor() + 1.0
        } else {
            m.ceil()
        }
    });
    let high = schema.get("maximum").and_then(Value::as_f64).map(|m| {
        if exclusive("exclusiveMaximum") {
            m.ceil() - 1.0
        } else {
            m.floor()
        }
    });
    let step = schema
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|s| *s > 0.0);
    let mut value = 1.0_f64.max(low.unwrap_or(f64::MIN));
    if let Some(high) = high {
        value = value.min(high);
    }
    if let Some(step) = step {
        value = (value / step).ceil() * step;
        low = low.or(Some(f64::MIN));
        if high.is_some_and(|h| value > h) {
            value -= step;
        }
    }
    if low.is_some_and(|l| value < l) || high.is_some_and(|h| value > h) {
        return Err("no integer fits `minimum`, `maximum` and `multipleOf`".to_owned());
    }
    // Whole and within range of the checks above, so the conversion is exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(Value::from(value as i64))
}

fn number(schema: &Value) -> Value {
    let low = schema.get("minimum").and_then(Value::as_f64);
    let high = schema.get("maximum").and_then(Value::as_f64);
    let value = match (low, high) {
        (Some(low), Some(high)) => (low + high) / 2.0,
        (Some(low), None) => low + 1.5,
        (None, Some(high)) => high - 1.5,
        (None, None) => 1.5,
    };
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn example(document: &Value, schema: &Value, direction: Direction) -> Value {
        Examples::new(document, direction).value(schema).unwrap()
    }

    #[test]
    fn strings_follow_format_pattern_and_length() {
        let doc = json!({});
        let cases = [
            (
                json!({"type": "string", "format": "uuid"}),
                json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            ),
            (
                json!({"type": "string", "format": "email"}),
                json!("user@example.com"),
            ),
            (json!({"type": "string", "maxLength": 3}), json!("con")),
            (
                json!({"type": "string", "minLength": 14}),
                json!("conformancexxx"),
            ),
            (
                json!({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}),
                json!("conformance"),
            ),
            (
                json!({"type": "string", "pattern": "^[^/]+$", "maxLength": 1}),
                json!("c"),
            ),
            (
                json!({"type": "string", "enum": [null, "b", "c"]}),
                json!("b"),
            ),
        ];
        for (schema, expected) in cases {
            assert_eq!(
                example(&doc, &schema, Direction::Request),
                expected,
                "{schema}"
            );
        }
        // A pattern with look-ahead, which the regex engine cannot run: built without it.
        let ahead = json!({"type": "string", "pattern": "^(?![0-9a-f]{8}-)[a-z]+$"});
        assert_eq!(
            example(&doc, &ahead, Direction::Response),
            json!("conformance")
        );
        let hex = json!({"type": "string", "pattern": "^[0-9a-f]{6}$"});
        let value = example(&doc, &hex, Direction::Request);
        assert!(
            regex::Regex::new("^[0-9a-f]{6}$")
                .unwrap()
                .is_match(value.as_str().unwrap())
        );
        // `\d` and `\w` mean ASCII to the validators the examples are checked by
        // (Prism's JavaScript regexes): the example holds only ASCII digits.
        let ip = json!({"type": "string", "pattern": "^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$"});
        let value = example(&doc, &ip, Direction::Request);
        let value = value.as_str().unwrap();
        assert!(value.is_ascii(), "{value}");
        assert!(
            regex::Regex::new("^[0-9]{1,3}([.][0-9]{1,3}){3}/[0-9]{1,2}$")
                .unwrap()
                .is_match(value),
            "{value}"
        );
    }

    #[test]
    fn numbers_stay_in_range() {
        let doc = json!({});
        let cases = [
            (json!({"type": "integer", "minimum": 5}), json!(5)),
            (json!({"type": "integer", "maximum": 0}), json!(0)),
            (
                json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 2, "exclusiveMaximum": true}),
                json!(1),
            ),
            (
                json!({"type": "integer", "minimum": 3, "multipleOf": 5}),
                json!(5),
            ),
            (
                json!({"type": "number", "minimum": 0, "maximum": 1}),
                json!(0.5),
            ),
        ];
        for (schema, expected) in cases {
            assert_eq!(
                example(&doc, &schema, Direction::Request),
                expected,
                "{schema}"
            );
        }
        let impossible = json!({"type": "integer", "minimum": 1, "maximum": 2, "multipleOf": 5});
        assert!(
            Examples::new(&doc, Direction::Request)
                .value(&impossible)
                .is_err()
        );
    }

    #[test]
    fn objects_leave_out_optional_read_only_in_requests_and_write_only_in_responses() {
        // Required read-only and write-only properties stay in both directions: a
        // validator that reads `required` literally (Prism does) refuses the
        // object without them, and the generated types accept them either way.
        let doc = json!({"components": {"schemas": {
            "Id": {"type": "string", "format": "uuid", "readOnly": true},
            "User": {"type": "object", "required": ["pk", "name"], "properties": {
                "pk": {"$ref": "#/components/schemas/Id"},
                "created": {"type": "string", "readOnly": true},
                "name": {"type": "string"},
                "password": {"type": "string", "writeOnly": true},
                "age": {"type": "integer", "nullable": true},
            }},
        }}});
        let user = json!({"$ref": "#/components/schemas/User"});
        assert_eq!(
            example(&doc, &user, Direction::Request),
            json!({"pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "conformance",
                   "password": "conformance", "age": 1})
        );
        assert_eq!(
            example(&doc, &user, Direction::Response),
            json!({"pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "created": "conformance",
                   "name": "conformance", "age": 1})
        );
    }

    #[test]
    fn unions_set_their_discriminator_and_recursion_ends() {
        let doc = json!({"components": {"schemas": {
            "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}},
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
            "Node": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                "parent": {"allOf": [{"$ref": "#/components/schemas/Node"}], "nullable": true},
            }},
        }}});
        let pet = json!({"$ref": "#/components/schemas/Pet"});
        assert_eq!(
            example(&doc, &pet, Direction::Request),
            json!({"kind": "cat"})
        );
        let node = example(
            &doc,
            &json!({"$ref": "#/components/schemas/Node"}),
            Direction::Request,
        );
        assert!(node["children"][0]["children"].is_array(), "{node}");
    }

    #[test]
    fn unmapped_alternatives_are_tagged_with_the_value_they_pin() {
        let doc = json!({"components": {"schemas": {
            "Delta": {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["text.delta"], "type": "string"}}},
            "Done": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"type": {"const": "text.done"}}}]},
            "Base": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
            "Event": {"oneOf": [{"$ref": "#/components/schemas/Delta"}], "discriminator": {"propertyName": "type"}},
            "Other": {"oneOf": [{"$ref": "#/components/schemas/Done"}], "discriminator": {"propertyName": "type"}},
        }}});
        let event = example(
            &doc,
            &json!({"$ref": "#/components/schemas/Event"}),
            Direction::Response,
        );
        assert_eq!(event, json!({"type": "text.delta"}));
        let other = example(
            &doc,
            &json!({"$ref": "#/components/schemas/Other"}),
            Direction::Response,
        );
        assert_eq!(other, json!({"type": "text.done"}));
    }

    #[test]
    fn documented_examples_are_taken_where_valid_down_to_each_property() {
        let doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer", "example": 10},
                "name": {"type": "string", "example": "doggie"},
                // Invalid against its own schema: a value is built instead.
                "age": {"type": "integer", "minimum": 0, "example": -3},
                "owner": {"$ref": "#/components/schemas/Owner"},
            }},
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}},
                      "example": {"name": "Ada"}},
        }}});
        let pet = json!({"$ref": "#/components/schemas/Pet"});
        let documented = Examples::new(&doc, Direction::Response).documented();
        let value = documented.value(&pet).unwrap();
        assert_eq!(value["id"], 10);
        assert_eq!(value["name"], "doggie");
        assert_eq!(value["owner"], json!({"name": "Ada"}));
        assert!(value["age"].as_i64().is_some_and(|age| age >= 0), "{value}");
        assert!(documented.problems(&value, &pet).is_empty());
        // A schema's own example wins over its properties'.
        let whole = json!({"type": "object", "properties": {"a": {"type": "string", "example": "x"}},
                           "example": {"a": "whole"}});
        assert_eq!(documented.value(&whole).unwrap(), json!({"a": "whole"}));
        // Without `documented`, values are built from the schema alone.
        assert_ne!(example(&doc, &pet, Direction::Response)["name"], "doggie");
    }
}
