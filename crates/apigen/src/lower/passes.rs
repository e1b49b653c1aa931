//! Passes over the lowered types: presence by direction, `From` bases, boxing of recursive
//! fields, page walkers.

use super::*;

/// The named types `roots` reach, through fields, items, map values, union variants and aliases.
fn reachable<'t>(
    types: &[TypeDef],
    roots: impl IntoIterator<Item = &'t TypeRef>,
) -> HashSet<String> {
    fn named<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
        match ty {
            TypeRef::Named(name) => out.push(name),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                named(inner, out)
            }
            TypeRef::Tuple(items) => items.iter().for_each(|t| named(t, out)),
            TypeRef::Primitive(_) | TypeRef::Any | TypeRef::External(_) => {}
        }
    }
    let by_name: HashMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut stack = Vec::new();
    for root in roots {
        named(root, &mut stack);
    }
    let mut seen = HashSet::new();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.to_owned()) {
            continue;
        }
        match by_name.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => {
                for field in &s.fields {
                    named(&field.ty, &mut stack);
                }
                if let Some(additional) = &s.additional {
                    named(&additional.ty, &mut stack);
                }
            }
            Some(TypeKind::Union(u)) => u.variants.iter().for_each(|v| named(&v.ty, &mut stack)),
            Some(TypeKind::Alias(target)) => named(target, &mut stack),
            Some(TypeKind::Enum(_)) | None => {}
        }
    }
    seen
}

/// `required` on a `readOnly` property takes effect on responses only, and on a `writeOnly` one
/// on requests only (OpenAPI 3.0, Fixed Fields of the Schema Object). A struct only ever sent
/// has its required read-only properties optional (a request need not invent an `id`), one
/// only ever received its required write-only ones (a response may leave out a password). A
/// struct that goes both ways is one Rust type and keeps them required: decoding a response
/// stays exact (and untagged unions keep telling their alternatives apart by them), and a
/// request carries a value the server ignores, as the field's documentation says.
pub(super) fn directional_presence(types: &mut [TypeDef], operations: &[Operation]) {
    let sent = reachable(
        types,
        operations.iter().flat_map(|op| {
            op.body
                .iter()
                .map(|b| &b.ty)
                .chain(op.params.iter().map(|p| &p.ty))
        }),
    );
    let received = reachable(
        types,
        operations
            .iter()
            .flat_map(|op| &op.responses)
            .flat_map(|r| r.types()),
    );
    for def in types.iter_mut() {
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        let (in_requests, in_responses) = (sent.contains(&def.name), received.contains(&def.name));
        for field in &mut s.fields {
            let loosen = (field.read_only && in_requests && !in_responses)
                || (field.write_only && in_responses && !in_requests);
            if !loosen {
                continue;
            }
            field.presence = match field.presence {
                Presence::Required => Presence::Optional,
                Presence::RequiredNullable => Presence::OptionalNullable,
                other => other,
            };
        }
    }
}

/// Keeps, of each struct's `allOf` bases, the structs whose every field (and undeclared-property
/// map) it has with the same wire name, type, presence and boxing, so that `From` can move them.
pub(super) fn compatible_bases(types: &mut [TypeDef]) {
    let structs: HashMap<String, Struct> = types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some((t.name.clone(), s.clone())),
            _ => None,
        })
        .collect();
    for def in types.iter_mut() {
        let TypeKind::Struct(this) = &mut def.kind else {
            continue;
        };
        let candidates = std::mem::take(&mut this.bases);
        this.bases = candidates
            .into_iter()
            .filter(|base| {
                let Some(base) = structs.get(base) else {
                    return false;
                };
                let fields_fit = base.fields.iter().all(|bf| {
                    this.fields.iter().any(|f| {
                        f.wire_name == bf.wire_name
                            && f.ty == bf.ty
                            && f.presence == bf.presence
                            && f.boxed == bf.boxed
                    })
                });
                let additional_fits = match (&base.additional, &this.additional) {
                    (None, _) => true,
                    (Some(b), Some(t)) => b.ty == t.ty,
                    (Some(_), None) => false,
                };
                fields_fit && additional_fits
            })
            .collect();
    }
}

/// Boxes every struct field whose type leads back to the struct without a `Vec` or map between,
/// which would otherwise make the type infinitely large.
pub(super) fn mark_boxed(types: &mut [TypeDef]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let direct = |ty: &TypeRef| -> Option<usize> {
        match ty {
            TypeRef::Named(name) => index.get(name).copied(),
            TypeRef::Nullable(inner) => match inner.as_ref() {
                TypeRef::Named(name) => index.get(name).copied(),
                _ => None,
            },
            _ => None,
        }
    };
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
            TypeKind::Alias(ty) => direct(ty).into_iter().collect(),
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
            TypeKind::Enum(_) => Vec::new(),
        })
        .collect();
    // A field must be boxed when its type leads back to its struct: when both are in the same
    // strongly connected component of the "contains directly" graph.
    let component = strongly_connected(&edges);
    let mut boxed: Vec<(usize, usize)> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        if let TypeKind::Struct(s) = &t.kind {
            for (f, field) in s.fields.iter().enumerate() {
                if direct(&field.ty).is_some_and(|target| component[target] == component[i]) {
                    boxed.push((i, f));
                }
            }
        }
    }
    for (i, f) in boxed {
        if let TypeKind::Struct(s) = &mut types[i].kind {
            s.fields[f].boxed = true;
        }
    }
}

/// The page walker of an operation that returns one page of a DRF-style paginated list: a
/// `page` integer query parameter, and a success body with `results: Vec<T>` and a
/// `pagination` object whose `next` field is the next page number (0 after the last page).
pub(super) fn pagination(op: &Operation, types: &[TypeDef]) -> Option<Pagination> {
    let page = op.params.iter().find(|p| {
        p.location == ParamLocation::Query
            && p.wire_name == "page"
            && !p.required
            && matches!(p.ty, TypeRef::Primitive(Primitive::I32 | Primitive::I64))
    })?;
    let mut successes = op.responses.iter().filter(|r| r.is_success());
    let body = match (successes.next(), successes.next()) {
        (Some(response), None) => &response.body,
        _ => return None,
    };
    let struct_named = |ty: &TypeRef| -> Option<&Struct> {
        let TypeRef::Named(name) = ty else {
            return None;
        };
        types
            .iter()
            .find(|t| &t.name == name)
            .and_then(|t| match &t.kind {
                TypeKind::Struct(s) => Some(s),
                _ => None,
            })
    };
    let Body::Json(ty) = body else {
        return None;
    };
    let list = struct_named(ty)?;
    let required = |f: &&Field| f.presence == Presence::Required;
    let results = list
        .fields
        .iter()
        .filter(required)
        .find(|f| f.wire_name == "results")?;
    let TypeRef::Vec(item) = &results.ty else {
        return None;
    };
    let pagination = list
        .fields
        .iter()
        .filter(required)
        .find(|f| f.wire_name == "pagination")?;
    let next = struct_named(&pagination.ty)?
        .fields
        .iter()
        .filter(required)
        .find(|f| f.wire_name == "next")?;
    if !matches!(
        next.ty,
        TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::F32 | Primitive::F64)
    ) {
        return None;
    }
    Some(Pagination {
        stream_name: String::new(),
        page_param: page.name.clone(),
        page_is_i32: page.ty == TypeRef::Primitive(Primitive::I32),
        results_field: results.name.clone(),
        pagination_field: pagination.name.clone(),
        next_field: next.name.clone(),
        item: (**item).clone(),
    })
}

/// The strongly connected component of every node of `edges` (Tarjan's algorithm, iterative so
/// that deep type graphs cannot overflow the stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNVISITED; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        // (node, position of the next edge to follow)
        let mut work = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&target) = edges[node].get(*edge) {
                *edge += 1;
                if index[target] == UNVISITED {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
