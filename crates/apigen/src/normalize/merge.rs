//! `allOf` merging: an `allOf` with several members becomes one schema with the members'
//! properties, `required` lists and keywords merged, so that it lowers to one struct.
//!
//! Runs inside [`super`] (normalisation), on the JSON document, so that every later stage sees merged
//! schemas. Component members are merged first (memoised, so `Mini` → `Base` → `Full` chains
//! merge once each); a component that includes itself through `allOf` is reported and left as
//! it is. How conflicts are read:
//! - a member that only annotates (`nullable`, `description`, `readOnly`, ...) applies to the
//!   merged schema; an inline member that re-declares an inherited property with annotations
//!   only (`nullable: true`) adds them to the inherited schema;
//! - two different schemas for one property: two objects merge recursively; where one reference
//!   names a component that includes the other, the narrower (including) one wins; otherwise
//!   the property falls back to any JSON value, reported;
//! - `required` lists add up; `discriminator`, `title` and `description` of referenced members
//!   are not inherited (the merged schema is a type of its own);
//! - an `allOf` with a `oneOf`/`anyOf` member is distributed when the union is the only
//!   non-object member: `allOf: [Base, {oneOf: [A, B]}]` is `oneOf: [Base+A, Base+B]`.
//!
//! The merged schema records the components it includes under [`BASES_MARK`], which lowering
//! turns into `From<Full> for Base` conversions.
//!
//! Finally, a component object with a `discriminator` and no `oneOf` (the polymorphic base of
//! OpenAPI's inheritance pattern) becomes a `oneOf` of the components that include it (its
//! explicit `mapping` first), so a `Pet` body decodes as the `Dog` or `Cat` it is.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

use super::is_annotation;
use crate::diagnostics::{Diagnostics, Pointer};
use crate::spec::BASES_MARK;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Merges every multi-member `allOf` of `doc` (see the module docs).
pub fn merge_all_of(doc: &mut Value, diags: &mut Diagnostics) {
    // The components are taken out while they merge (read from `originals`, merged ones kept
    // in `done`) and put back after, merged: no copy of the whole section.
    let mut originals: Map<String, Value> = match doc.pointer_mut("/components/schemas") {
        Some(Value::Object(schemas)) => std::mem::take(schemas),
        _ => Map::new(),
    };
    let names: Vec<String> = originals
        .iter()
        .filter(|(_, v)| has_inline_all_of(v))
        .map(|(k, _)| k.clone())
        .collect();
    let mut merger = Merger {
        originals: &originals,
        done: HashMap::new(),
        in_progress: HashSet::new(),
    };
    for name in &names {
        merger.component(name, diags);
    }
    let done = std::mem::take(&mut merger.done);
    for (name, merged) in &done {
        if let Some(slot) = originals.get_mut(name) {
            *slot = merged.clone();
        }
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        *schemas = originals;
    }
    // Later merges resolve components from the merged section, read afresh.
    let needed = has_inline_all_of(doc);
    let merged_section: Map<String, Value> = match doc.pointer("/components/schemas") {
        Some(Value::Object(schemas)) if needed => schemas.clone(),
        _ => Map::new(),
    };
    let mut merger = Merger {
        originals: &merged_section,
        done: HashMap::new(),
        in_progress: HashSet::new(),
    };
    // Inline `allOf`s anywhere (and inside component properties), children first. A merge can
    // bring in properties that hold `allOf`s of their own (copied from a component merged
    // before its properties were), so passes repeat until one merges nothing.
    let passes = if needed { 4 } else { 0 };
    for _pass in 0..passes {
        let mut merged_any = false;
        super::visit_schemas(
            doc,
            &mut |map, at, diags| {
                if map.contains_key("allOf") {
                    if let Some(merged) = merger.merge(map, at, diags) {
                        merged_any |= !merged.contains_key("allOf");
                        *map = merged;
                    }
                }
            },
            diags,
        );
        if !merged_any {
            break;
        }
    }
    polymorphic_bases(doc, diags);
}

/// Whether any schema outside the component entries' top level has an `allOf` of more than one
/// member (the only kind a later pass merges).
fn has_inline_all_of(node: &Value) -> bool {
    match node {
        Value::Object(map) => {
            map.get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|members| {
                    members.len() > 1 || members.iter().any(|m| m.get("$ref").is_none())
                })
                || map
                    .iter()
                    .filter(|(k, _)| *k != "example" && *k != "examples")
                    .any(|(_, v)| has_inline_all_of(v))
        }
        Value::Array(items) => items.iter().any(has_inline_all_of),
        _ => false,
    }
}

struct Merger<'a> {
    originals: &'a Map<String, Value>,
    /// Components merged so far, by name.
    done: HashMap<String, Value>,
    in_progress: HashSet<String>,
}

/// A member of an `allOf`, resolved.
struct Member {
    schema: Map<String, Value>,
    /// The component it refers to, for a `$ref` member.
    component: Option<String>,
}

fn component_of(reference: &str) -> Option<&str> {
    reference
        .strip_prefix(SCHEMA_PREFIX)
        .filter(|n| !n.contains('/'))
}

fn is_union(map: &Map<String, Value>) -> bool {
    map.contains_key("oneOf") || map.contains_key("anyOf")
}

fn only_annotations(map: &Map<String, Value>) -> bool {
    map.keys().all(|k| is_annotation(k))
}

fn bases_of(map: &Map<String, Value>) -> Vec<String> {
    match map.get(BASES_MARK) {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

impl Merger<'_> {
    /// The merged form of component `name` (memoised); `None` when it does not exist or includes
    /// itself.
    fn component(&mut self, name: &str, diags: &mut Diagnostics) -> Option<Value> {
        if let Some(done) = self.done.get(name) {
            return Some(done.clone());
        }
        let original = self.originals.get(name)?;
        let at = Pointer::root()
            .push("components")
            .push("schemas")
            .push(name);
        if !self.in_progress.insert(name.to_owned()) {
            diags.degraded(
                &at,
                format!("component `{name}` includes itself through `allOf`; it is not merged"),
            );
            return None;
        }
        let merged = match original {
            Value::Object(map) if map.contains_key("allOf") => match self.merge(map, &at, diags) {
                Some(merged) => Value::Object(merged),
                None => original.clone(),
            },
            other => other.clone(),
        };
        self.in_progress.remove(name);
        self.done.insert(name.to_owned(), merged.clone());
        Some(merged)
    }

    fn resolve(&mut self, member: &Value, diags: &mut Diagnostics) -> Option<Member> {
        let map = member.as_object()?;
        if let Some(Value::String(reference)) = map.get("$ref") {
            let mut name = component_of(reference)?.to_owned();
            // Follow aliases (a component that is only a `$ref`) to the schema they name.
            for _ in 0..crate::spec::MAX_REF_DEPTH {
                let Value::Object(schema) = self.component(&name, diags)? else {
                    return None;
                };
                match schema
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(component_of)
                {
                    Some(next) if schema.len() == 1 => name = next.to_owned(),
                    _ => {
                        return Some(Member {
                            schema,
                            component: Some(name),
                        });
                    }
                }
            }
            return None;
        }
        Some(Member {
            schema: map.clone(),
            component: None,
        })
    }

    /// The merged form of a schema with an `allOf`, or `None` to leave it as it is (a
    /// single-reference wrapper, which lowering reads as the reference, or a member that cannot
    /// be resolved, which lowering reports).
    fn merge(
        &mut self,
        map: &Map<String, Value>,
        at: &Pointer,
        diags: &mut Diagnostics,
    ) -> Option<Map<String, Value>> {
        let Some(Value::Array(members)) = map.get("allOf") else {
            return None;
        };
        let mut outer = map.clone();
        outer.remove("allOf");
        let beside = outer.remove(crate::spec::BESIDE_MARK).is_some();
        // Members that only annotate apply to the whole.
        let mut shaped: Vec<&Value> = Vec::new();
        for member in members {
            match member.as_object() {
                Some(m) if !m.contains_key("$ref") && only_annotations(m) => {
                    for (k, v) in m {
                        if k == "nullable" && v != &Value::Bool(true) {
                            continue;
                        }
                        outer.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                _ => shaped.push(member),
            }
        }
        // Validation keywords beside a single reference (`minLength`, `default`) do not change
        // its type; shape keywords do.
        let outer_has_shape = outer.keys().any(|k| {
            matches!(
                k.as_str(),
                "properties"
                    | "required"
                    | "items"
                    | "additionalProperties"
                    | "type"
                    | "enum"
                    | "oneOf"
                    | "anyOf"
                    | "not"
            )
        });
        if let ([single], false) = (shaped.as_slice(), outer_has_shape) {
            if single.get("$ref").is_some() {
                // A single-reference wrapper: lowering reads it as the reference.
                let mut wrapper = outer;
                wrapper.insert("allOf".to_owned(), Value::Array(vec![(*single).clone()]));
                return Some(wrapper);
            }
        }
        let mut resolved = Vec::with_capacity(shaped.len() + 1);
        for member in shaped {
            resolved.push(self.resolve(member, diags)?);
        }
        // Distribute over one union member: allOf(X, oneOf(A, B)) = oneOf(X+A, X+B).
        let unions: Vec<usize> = (0..resolved.len())
            .filter(|&i| is_union(&resolved[i].schema))
            .collect();
        if let [union_at] = unions.as_slice() {
            return self.distribute(resolved, *union_at, outer, beside, at, diags);
        }
        if unions.len() > 1 {
            diags.degraded(
                at.push("allOf"),
                "`allOf` with several `oneOf`/`anyOf` members is not merged; the value is kept as `serde_json::Value`",
            );
            return None;
        }
        let mut acc = Map::new();
        let mut bases: Vec<String> = Vec::new();
        for member in &resolved {
            if let Some(name) = &member.component {
                bases.push(name.clone());
                bases.extend(bases_of(&member.schema));
            }
            merge_into(
                &mut acc,
                &member.schema,
                member.component.is_some(),
                at,
                diags,
            );
        }
        // The schema's own keywords apply last; its annotations are its own.
        merge_into(&mut acc, &outer, false, at, diags);
        for key in ["description", "title", "nullable", "discriminator"] {
            match outer.get(key) {
                Some(value) => {
                    acc.insert(key.to_owned(), value.clone());
                }
                None => {
                    acc.remove(key);
                }
            }
        }
        let mut seen = BTreeSet::new();
        bases.retain(|b| seen.insert(b.clone()));
        if bases.is_empty() {
            acc.remove(BASES_MARK);
        } else {
            acc.insert(
                BASES_MARK.to_owned(),
                Value::Array(bases.into_iter().map(Value::String).collect()),
            );
        }
        if acc.contains_key("properties") && !acc.contains_key("type") {
            acc.insert("type".to_owned(), Value::from("object"));
        }
        Some(acc)
    }

    fn distribute(
        &mut self,
        resolved: Vec<Member>,
        union_at: usize,
        outer: Map<String, Value>,
        beside: bool,
        at: &Pointer,
        diags: &mut Diagnostics,
    ) -> Option<Map<String, Value>> {
        let union = &resolved[union_at].schema;
        let key = if union.contains_key("oneOf") {
            "oneOf"
        } else {
            "anyOf"
        };
        let Some(Value::Array(alternatives)) = union.get(key) else {
            return None;
        };
        let others: Vec<Value> = resolved
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != union_at)
            .map(|(_, m)| match &m.component {
                Some(name) => serde_json::json!({ "$ref": format!("{SCHEMA_PREFIX}{name}") }),
                None => Value::Object(m.schema.clone()),
            })
            .collect();
        if others.is_empty() && only_annotations(&outer) {
            // allOf of one union: the union itself, with the outer annotations.
            let mut out = union.clone();
            for (k, v) in outer {
                out.entry(k).or_insert(v);
            }
            return Some(out);
        }
        let mut distributed = Vec::with_capacity(alternatives.len());
        for (index, alternative) in alternatives.iter().enumerate() {
            let mut members = others.clone();
            members.push(alternative.clone());
            let mut combined = Map::new();
            combined.insert("allOf".to_owned(), Value::Array(members));
            let merged = self.merge(&combined, &at.push("allOf").push(index), diags)?;
            distributed.push(Value::Object(merged));
        }
        if beside {
            diags.warning(
                at.push(key),
                format!("properties beside a `{key}` are read as a `{key}` of each alternative with those properties added"),
            );
        } else {
            diags.warning(
                at.push("allOf"),
                format!("`allOf` with a `{key}` member is read as a `{key}` of each alternative merged with the other members"),
            );
        }
        let mut out = Map::new();
        for (k, v) in &outer {
            if is_annotation(k) {
                out.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in union {
            if k == "discriminator" || k.starts_with("x-") {
                out.insert(k.clone(), v.clone());
            }
        }
        out.insert(key.to_owned(), Value::Array(distributed));
        Some(out)
    }
}

/// Merges `member` into `acc`.
fn merge_into(
    acc: &mut Map<String, Value>,
    member: &Map<String, Value>,
    referenced: bool,
    at: &Pointer,
    diags: &mut Diagnostics,
) {
    for (key, value) in member {
        match key.as_str() {
            "properties" => {
                let Value::Object(properties) = value else {
                    continue;
                };
                let target = acc
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(target) = target else {
                    continue;
                };
                for (name, schema) in properties {
                    let merged = match target.get(name) {
                        Some(existing) => merge_property(
                            existing,
                            schema,
                            &at.push("properties").push(name),
                            diags,
                        ),
                        None => schema.clone(),
                    };
                    target.insert(name.clone(), merged);
                }
            }
            "required" => {
                let Value::Array(names) = value else {
                    continue;
                };
                let target = acc
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(target) = target {
                    for name in names {
                        if !target.contains(name) {
                            target.push(name.clone());
                        }
                    }
                }
            }
            "type" => match acc.get("type") {
                Some(existing) if existing != value => {
                    diags.degraded(
                        at.push("allOf"),
                        format!("`allOf` members disagree on `type` ({existing} and {value}); the first is kept"),
                    );
                }
                _ => {
                    acc.insert(key.clone(), value.clone());
                }
            },
            "additionalProperties" => {
                // `false` in a member would forbid the other members' properties: it only
                // counts on the merged schema itself, and never beats an allowing member.
                if value == &Value::Bool(false) && referenced {
                    continue;
                }
                if !acc.contains_key(key) || acc.get(key) == Some(&Value::Bool(false)) {
                    acc.insert(key.clone(), value.clone());
                }
            }
            "enum" => match (acc.get("enum"), value) {
                (Some(Value::Array(existing)), Value::Array(new)) => {
                    let both: Vec<Value> = existing
                        .iter()
                        .filter(|v| new.contains(v))
                        .cloned()
                        .collect();
                    acc.insert(key.clone(), Value::Array(both));
                }
                _ => {
                    acc.insert(key.clone(), value.clone());
                }
            },
            BASES_MARK => {}
            "discriminator" | "title" | "description" if referenced => {}
            _ if key.starts_with("x-") && referenced => {}
            _ => {
                acc.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
}

/// Two schemas for one property (see the module docs).
fn merge_property(old: &Value, new: &Value, at: &Pointer, diags: &mut Diagnostics) -> Value {
    if old == new {
        return old.clone();
    }
    let (Some(old_map), Some(new_map)) = (old.as_object(), new.as_object()) else {
        return new.clone();
    };
    let annotate = |base: &Map<String, Value>, extra: &Map<String, Value>| {
        let mut out = base.clone();
        if out.contains_key("$ref") && !extra.is_empty() {
            // A reference with annotations: the single-reference wrapper lowering reads.
            let reference = out.remove("$ref").unwrap_or_default();
            out.insert(
                "allOf".to_owned(),
                Value::Array(vec![serde_json::json!({ "$ref": reference })]),
            );
        }
        for (k, v) in extra {
            out.insert(k.clone(), v.clone());
        }
        Value::Object(out)
    };
    if only_annotations(new_map) {
        return annotate(old_map, new_map);
    }
    if only_annotations(old_map) {
        return annotate(new_map, old_map);
    }
    let is_object = |m: &Map<String, Value>| m.contains_key("properties");
    if is_object(old_map) && is_object(new_map) {
        let mut acc = old_map.clone();
        merge_into(&mut acc, new_map, false, at, diags);
        return Value::Object(acc);
    }
    let types = (old_map.get("type"), new_map.get("type"));
    if let (Some(a), Some(b)) = types {
        if a == b && !old_map.contains_key("$ref") && !new_map.contains_key("$ref") {
            let mut acc = old_map.clone();
            merge_into(&mut acc, new_map, false, at, diags);
            for (k, v) in new_map {
                acc.insert(k.clone(), v.clone());
            }
            return Value::Object(acc);
        }
    }
    // A later member's schema for an inherited property narrows it as far as the document
    // intends (the common case is a subtype reference replacing the base reference).
    diags.warning(
        at,
        "`allOf` members give this property different schemas; the last member's schema is used",
    );
    new.clone()
}

/// Turns component objects that carry a `discriminator` but no `oneOf` into a `oneOf` of the
/// components that include them.
fn polymorphic_bases(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    // Who includes whom, directly or through a chain (`Pet` → `Dog` → `Puppy`: a `Puppy` is a
    // `Pet` too), in document order.
    let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, schema) in schemas.iter() {
        if let Some(map) = schema.as_object() {
            for base in bases_of(map) {
                children.entry(base).or_default().push(name.clone());
            }
        }
    }
    let bases: Vec<String> = schemas
        .iter()
        .filter(|(_, s)| {
            s.get("discriminator").is_some() && s.get("oneOf").is_none() && s.get("anyOf").is_none()
        })
        .map(|(k, _)| k.clone())
        .collect();
    for base in bases {
        own_types_for_children(schemas, &base, diags);
        let Some(Value::Object(map)) = schemas.get(&base) else {
            continue;
        };
        let Some(discriminator) = map.get("discriminator").and_then(Value::as_object) else {
            continue;
        };
        let mut targets: Vec<String> = Vec::new();
        if let Some(Value::Object(mapping)) = discriminator.get("mapping") {
            for reference in mapping.values().filter_map(Value::as_str) {
                if let Some(name) = component_of(reference) {
                    if name != base && !targets.iter().any(|t| t == name) {
                        targets.push(name.to_owned());
                    }
                }
            }
        }
        for child in children.get(&base).into_iter().flatten() {
            if !targets.contains(child) {
                targets.push(child.clone());
            }
        }
        // Only children that are objects of their own can be alternatives.
        targets.retain(|t| {
            schemas
                .get(t)
                .is_some_and(|s| s.get("properties").is_some() && s.get("oneOf").is_none())
        });
        if targets.is_empty() {
            continue;
        }
        let mut out = Map::new();
        for key in ["description", "title", "nullable", "discriminator"] {
            if let Some(value) = map.get(key) {
                out.insert(key.to_owned(), value.clone());
            }
        }
        let alternatives = targets
            .iter()
            .map(|t| serde_json::json!({ "$ref": format!("{SCHEMA_PREFIX}{t}") }))
            .collect();
        out.insert("oneOf".to_owned(), Value::Array(alternatives));
        diags.warning(
            Pointer::root()
                .push("components")
                .push("schemas")
                .push(&base)
                .push("discriminator"),
            format!(
                "`{base}` has a `discriminator` and is included by other schemas; read as a `oneOf` of them ({})",
                targets.join(", ")
            ),
        );
        schemas.insert(base, Value::Object(out));
    }
}

/// Before the discriminated `base` becomes a union of its children: a child that adds nothing
/// (`allOf: [$ref: Base]` with annotations at most) gets the base's own fields as a type of its
/// own, instead of an alias of what becomes the union (which would hold itself); and a mapping
/// entry naming the base itself names a copy of its fields (`<Base>Base`), the variant of a
/// value that is a plain base.
fn own_types_for_children(schemas: &mut Map<String, Value>, base: &str, diags: &mut Diagnostics) {
    let Some(Value::Object(base_map)) = schemas.get(base) else {
        return;
    };
    if base_map.get("properties").is_none() {
        return;
    }
    let mut fields = base_map.clone();
    fields.remove("discriminator");
    fields.remove(BASES_MARK);
    let base_ref = format!("{SCHEMA_PREFIX}{base}");
    let wrappers: Vec<String> = schemas
        .iter()
        .filter(|(name, _)| name.as_str() != base)
        .filter(|(_, schema)| {
            let Some(map) = schema.as_object() else {
                return false;
            };
            let members = match map.get("allOf") {
                Some(Value::Array(members)) => members,
                _ => return false,
            };
            let mut rest = map.clone();
            rest.remove("allOf");
            matches!(members.as_slice(), [member] if member.get("$ref").and_then(Value::as_str) == Some(base_ref.as_str()))
                && only_annotations(&rest)
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in &wrappers {
        let Some(Value::Object(wrapper)) = schemas.get(name) else {
            continue;
        };
        let mut own = fields.clone();
        for (key, value) in wrapper {
            if key != "allOf" {
                own.insert(key.clone(), value.clone());
            }
        }
        own.insert(
            BASES_MARK.to_owned(),
            Value::Array(vec![Value::String(base.to_owned())]),
        );
        schemas.insert(name.clone(), Value::Object(own));
    }
    // A mapping entry that names the base itself.
    let maps_itself = schemas
        .get(base)
        .and_then(|b| b.pointer("/discriminator/mapping"))
        .and_then(Value::as_object)
        .is_some_and(|m| m.values().any(|r| r.as_str() == Some(base_ref.as_str())));
    if !maps_itself {
        return;
    }
    let mut plain = format!("{base}Base");
    let mut n = 2;
    while schemas.contains_key(&plain) {
        plain = format!("{base}Base{n}");
        n += 1;
    }
    schemas.insert(plain.clone(), Value::Object(fields));
    if let Some(Value::Object(mapping)) = schemas
        .get_mut(base)
        .and_then(|b| b.pointer_mut("/discriminator/mapping"))
    {
        for reference in mapping.values_mut() {
            if reference.as_str() == Some(base_ref.as_str()) {
                *reference = Value::String(format!("{SCHEMA_PREFIX}{plain}"));
            }
        }
    }
    diags.warning(
        Pointer::root()
            .push("components")
            .push("schemas")
            .push(base)
            .push("discriminator")
            .push("mapping"),
        format!("the mapping names `{base}` itself, which is read as a union of its children; a value of that tag is read as `{plain}`, the base's own fields"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn merged(schemas: Value) -> (Value, Vec<String>) {
        let mut doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas}
        });
        let mut diags = Diagnostics::default();
        super::super::normalize(&mut doc, &mut diags);
        let messages = diags.into_vec().into_iter().map(|d| d.message).collect();
        (doc["components"]["schemas"].clone(), messages)
    }

    #[test]
    fn chains_merge_with_required_and_nullable_added() {
        let (s, _) = merged(json!({
            "Mini": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Base": {"allOf": [{"$ref": "#/components/schemas/Mini"}, {"properties": {"name": {"type": "string"}}}]},
            "Full": {"description": "all of it", "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"required": ["name"], "properties": {"id": {"nullable": true}, "extra": {"type": "integer"}}}
            ]}
        }));
        let full = &s["Full"];
        assert_eq!(full["type"], "object");
        assert_eq!(full["description"], "all of it");
        assert_eq!(full["required"], json!(["id", "name"]));
        assert_eq!(
            full["properties"]["id"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(full["properties"]["extra"], json!({"type": "integer"}));
        assert_eq!(full[BASES_MARK], json!(["Base", "Mini"]));
        assert!(full.get("allOf").is_none());
    }

    #[test]
    fn discriminated_base_becomes_a_union_of_its_children() {
        let (s, _) = merged(json!({
            "Pet": {"type": "object", "required": ["petType"], "properties": {"petType": {"type": "string"}},
                    "discriminator": {"propertyName": "petType"}},
            "Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"bark": {"type": "boolean"}}}]},
            "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"meow": {"type": "boolean"}}}]}
        }));
        assert_eq!(
            s["Pet"]["oneOf"],
            json!([{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}])
        );
        assert!(s["Dog"]["properties"]["petType"].is_object());
        assert!(s["Dog"].get("discriminator").is_none());
    }

    #[test]
    fn a_child_that_adds_nothing_and_the_base_itself_get_types_of_their_own() {
        let (s, warnings) = merged(json!({
            "Pet": {"type": "object", "required": ["petType"], "properties": {"petType": {"type": "string"}},
                    "discriminator": {"propertyName": "petType", "mapping": {
                        "pet": "#/components/schemas/Pet", "fish": "#/components/schemas/Fish"}}},
            "Fish": {"allOf": [{"$ref": "#/components/schemas/Pet"}], "description": "A fish."},
        }));
        // Neither an alias of the union (which would hold itself) nor the union itself.
        assert_eq!(
            s["Pet"]["oneOf"],
            json!([{"$ref": "#/components/schemas/PetBase"}, {"$ref": "#/components/schemas/Fish"}])
        );
        assert_eq!(
            s["Pet"]["discriminator"]["mapping"]["pet"],
            "#/components/schemas/PetBase"
        );
        for own in ["Fish", "PetBase"] {
            assert!(
                s[own]["properties"]["petType"].is_object(),
                "{own}: {}",
                s[own]
            );
            assert!(s[own].get("allOf").is_none() && s[own].get("discriminator").is_none());
        }
        assert_eq!(s["Fish"]["description"], "A fish.");
        assert!(
            warnings.iter().any(|w| w.contains("`PetBase`")),
            "{warnings:?}"
        );
    }

    #[test]
    fn union_members_are_distributed() {
        let (s, _) = merged(json!({
            "A": {"type": "object", "properties": {"a": {"type": "string"}}},
            "B": {"type": "object", "properties": {"b": {"type": "string"}}},
            "S": {"allOf": [
                {"type": "object", "properties": {"common": {"type": "string"}}},
                {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}
            ]}
        }));
        let alternatives = s["S"]["oneOf"].as_array().expect("a oneOf");
        assert_eq!(alternatives.len(), 2);
        assert!(alternatives[0]["properties"]["common"].is_object());
        assert!(alternatives[0]["properties"]["a"].is_object());
        assert!(alternatives[1]["properties"]["b"].is_object());
    }

    #[test]
    fn a_component_that_includes_itself_is_reported() {
        let (_, messages) = merged(json!({
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"properties": {"a": {"type": "string"}}}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"properties": {"b": {"type": "string"}}}]}
        }));
        assert!(
            messages.iter().any(|m| m.contains("includes itself")),
            "{messages:?}"
        );
    }
}
