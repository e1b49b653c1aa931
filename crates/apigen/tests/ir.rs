//! IR-level tests: a few lines of YAML in, the IR out, one construct each (so a construct has a
//! readable test that is not a whole crate snapshot).

use apigen::diagnostics::Diagnostics;
use apigen::ir::{
    Api, AuthKind, ParamStyle, Presence, Primitive, TypeDef, TypeKind, TypeRef, UnionVariant,
};
use apigen::{Diagnostic, Severity};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

/// Lowers every operation of `yaml` (the document after `HEAD`).
fn lower(yaml: &str) -> (Api, Vec<Diagnostic>) {
    lower_document(&format!("{HEAD}{yaml}"))
}

/// Lowers every operation of the document `text`.
fn lower_document(text: &str) -> (Api, Vec<Diagnostic>) {
    let spec = apigen::parse("ir.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    let mut diags = Diagnostics::default();
    diags.extend(spec.diagnostics.iter().cloned());
    let config = apigen::Config {
        select: apigen::config::Selection {
            all: true,
            components: Some(false),
            ..Default::default()
        },
        ..Default::default()
    };
    let api = apigen::lower::lower(&spec.document, &config, &mut diags);
    let diagnostics = diags.into_vec();
    assert!(
        !diagnostics.iter().any(|d| d.severity == Severity::Error),
        "{diagnostics:#?}"
    );
    (api, diagnostics)
}

/// One operation answering 200 with `schema`, plus `components` (schemas).
fn returning(schema: &str, components: &str) -> String {
    format!(
        "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\ncomponents:\n  schemas:\n{components}"
    )
}

fn named<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no type {name} in {:?}",
                api.types.iter().map(|t| &t.name).collect::<Vec<_>>()
            )
        })
}

fn fields(def: &TypeDef) -> Vec<(&str, &TypeRef, Presence)> {
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| (f.wire_name.as_str(), &f.ty, f.presence))
            .collect(),
        other => panic!("{} is not a struct: {other:?}", def.name),
    }
}

#[test]
fn all_of_merges_into_one_struct_with_a_conversion_to_its_base() {
    let (api, _) = lower(&returning(
        "{$ref: '#/components/schemas/Full'}",
        "    Base:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n        name: {type: string}\n    Full:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - required: [name]\n          properties:\n            name: {nullable: true}\n            age: {type: integer, format: int32}\n",
    ));
    let full = named(&api, "Full");
    assert_eq!(
        fields(full),
        [
            (
                "id",
                &TypeRef::Primitive(Primitive::String),
                Presence::Required
            ),
            (
                "name",
                &TypeRef::Primitive(Primitive::String),
                Presence::RequiredNullable
            ),
            (
                "age",
                &TypeRef::Primitive(Primitive::I32),
                Presence::Optional
            ),
        ]
    );
    // `name` changed (required and nullable), so `Base` is not a part `From` could move.
    let TypeKind::Struct(s) = &full.kind else {
        unreachable!()
    };
    assert!(s.bases.is_empty(), "{:?}", s.bases);

    // Both reachable (a base no operation reaches is not generated, nor converted to).
    let (api, _) = lower(&returning(
        "{type: object, properties: {full: {$ref: '#/components/schemas/Full'}, base: {$ref: '#/components/schemas/Base'}}}",
        "    Base:\n      type: object\n      properties:\n        id: {type: string}\n    Full:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - properties:\n            extra: {type: boolean}\n",
    ));
    let TypeKind::Struct(s) = &named(&api, "Full").kind else {
        unreachable!()
    };
    assert_eq!(s.bases, ["Base"]);
}

#[test]
fn any_of_with_null_is_an_option_and_an_open_enum_is_an_enum() {
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/S'}",
        "    X: {type: object, properties: {a: {type: string}}}\n    S:\n      type: object\n      properties:\n        x:\n          anyOf: [{$ref: '#/components/schemas/X'}, {type: 'null'}]\n        kind:\n          anyOf: [{type: string, enum: [a, b]}, {type: string}]\n",
    ));
    let s = named(&api, "S");
    let f = fields(s);
    assert_eq!(
        f[0],
        ("x", &TypeRef::Named("X".into()), Presence::OptionalNullable)
    );
    assert_eq!(f[1].1, &TypeRef::Named("SKind".into()));
    assert!(matches!(named(&api, "SKind").kind, TypeKind::Enum(_)));
    assert!(
        diagnostics.iter().all(|d| d.severity == Severity::Warning),
        "{diagnostics:#?}"
    );
}

/// Properties beside a `oneOf` are not lost: each alternative gets them (`allOf` distribution);
/// beside a discriminated one, the alternative the tag names is read, with a warning.
#[test]
fn properties_beside_a_union_are_part_of_each_alternative() {
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/B'}",
        "    B:\n      type: object\n      required: [id]\n      properties: {id: {type: string}}\n      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n    Cat: {type: object, required: [meow], properties: {meow: {type: boolean}}}\n    Dog: {type: object, required: [bark], properties: {bark: {type: boolean}}}\n",
    ));
    let TypeKind::Union(union) = &named(&api, "B").kind else {
        panic!("not a union: {:?}", named(&api, "B"))
    };
    let shapes: Vec<Vec<&str>> = union
        .variants
        .iter()
        .map(|v| match &v.ty {
            TypeRef::Named(name) => fields(named(&api, name)).iter().map(|f| f.0).collect(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(shapes, [vec!["id", "meow"], vec!["id", "bark"]]);
    assert!(
        diagnostics
            .iter()
            .any(|d| d.message.starts_with("properties beside a `oneOf`")),
        "{diagnostics:#?}"
    );
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/B'}",
        "    B:\n      type: object\n      properties: {kind: {type: string}}\n      oneOf: [{$ref: '#/components/schemas/Cat'}]\n      discriminator: {propertyName: kind}\n    Cat: {type: object, properties: {kind: {type: string}, meow: {type: boolean}}}\n",
    ));
    assert!(matches!(named(&api, "B").kind, TypeKind::Union(_)));
    assert!(
        diagnostics
            .iter()
            .any(|d| d.message.contains("read as the alternative its tag names")),
        "{diagnostics:#?}"
    );
}

/// `[types] unknown_fields = "keep"` keeps undeclared properties wherever the schema does not
/// forbid them; by default only where it allows them explicitly.
#[test]
fn unknown_fields_are_kept_where_the_schema_allows_them_and_everywhere_on_request() {
    let document = format!(
        "{HEAD}{}",
        returning(
            "{$ref: '#/components/schemas/S'}",
            "    S:\n      type: object\n      properties:\n        silent: {type: object, properties: {a: {type: string}}}\n        open: {type: object, properties: {a: {type: string}}, additionalProperties: true}\n        closed: {type: object, properties: {a: {type: string}}, additionalProperties: false}\n",
        )
    );
    let spec = apigen::parse("ir.yaml", &document).unwrap_or_else(|e| panic!("{e}"));
    for (keep, expected) in [(false, [false, true, false]), (true, [true, true, false])] {
        let mut config = apigen::Config::default();
        config.select.all = true;
        config.select.components = Some(false);
        if keep {
            config.types.unknown_fields = apigen::config::UnknownFields::Keep;
        }
        let mut diags = Diagnostics::default();
        let api = apigen::lower::lower(&spec.document, &config, &mut diags);
        let kept: Vec<bool> = ["SSilent", "SOpen", "SClosed"]
            .iter()
            .map(|name| match &named(&api, name).kind {
                TypeKind::Struct(s) => s.additional.is_some(),
                other => panic!("{name}: {other:?}"),
            })
            .collect();
        assert_eq!(kept, expected, "keep: {keep}");
    }
}

/// Every route by which a component admits `null` makes each use of it an `Option` (the
/// component's own type is the one without `null`), and no route is reported as a quirk.
#[test]
fn a_component_that_admits_null_by_any_route_makes_every_use_an_option() {
    let routes = [
        (
            "nullable",
            "{type: object, nullable: true, properties: {a: {type: string}}}",
        ),
        (
            "type array",
            "{type: [object, 'null'], properties: {a: {type: string}}}",
        ),
        (
            "anyOf null",
            "{anyOf: [{type: object, properties: {a: {type: string}}}, {type: 'null'}]}",
        ),
        (
            "oneOf null",
            "{oneOf: [{type: object, properties: {a: {type: string}}}, {type: 'null'}]}",
        ),
        (
            "enum null",
            "{anyOf: [{type: object, properties: {a: {type: string}}}, {enum: [null]}]}",
        ),
        (
            "const null",
            "{anyOf: [{type: object, properties: {a: {type: string}}}, {const: null}]}",
        ),
        (
            "ref then null",
            "{anyOf: [{$ref: '#/components/schemas/P'}, {type: 'null'}]}",
        ),
        (
            "allOf nullable",
            "{allOf: [{$ref: '#/components/schemas/P'}], nullable: true}",
        ),
        ("ref to nullable", "{$ref: '#/components/schemas/Q'}"),
        (
            "allOf of nullable",
            "{allOf: [{$ref: '#/components/schemas/Q'}], description: d}",
        ),
        (
            "string enum",
            "{type: [string, 'null'], enum: [a, b, null]}",
        ),
        (
            "nullable member",
            "{anyOf: [{type: object, nullable: true}, {$ref: '#/components/schemas/P'}]}",
        ),
    ];
    for (route, schema) in routes {
        let document = format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\n{}",
            returning(
                "{$ref: '#/components/schemas/S'}",
                &format!(
                    "    N: {schema}\n    P: {{type: object, properties: {{a: {{type: string}}}}}}\n    Q: {{type: object, nullable: true, properties: {{a: {{type: string}}}}}}\n    S:\n      type: object\n      required: [r, items]\n      properties:\n        r: {{$ref: '#/components/schemas/N'}}\n        o: {{$ref: '#/components/schemas/N'}}\n        items: {{type: array, items: {{$ref: '#/components/schemas/N'}}}}\n"
                ),
            )
        );
        let (api, diagnostics) = lower_document(&document);
        let f = fields(named(&api, "S"));
        let n = TypeRef::Named("N".into());
        assert_eq!(f[0], ("r", &n, Presence::RequiredNullable), "{route}");
        assert_eq!(f[1], ("o", &n, Presence::OptionalNullable), "{route}");
        assert_eq!(
            f[2].1,
            &TypeRef::Vec(Box::new(TypeRef::Nullable(Box::new(n.clone())))),
            "{route}"
        );
        // The component itself carries no `null`: an alias is of the type without it.
        if let TypeKind::Alias(ty) = &named(&api, "N").kind {
            assert!(!matches!(ty, TypeRef::Nullable(_)), "{route}: {ty:?}");
        }
        assert!(diagnostics.is_empty(), "{route}: {diagnostics:#?}");
    }
}

/// Without a mapping, an alternative's tag is the value its schema pins (a one-value `enum` or
/// `const`, directly, through `allOf` or through a `$ref`), its schema name only when nothing
/// pins it; the name is still read. Mapped values naming one schema are one variant.
#[test]
fn discriminator_values_are_the_ones_the_alternatives_pin() {
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/E'}",
        "    E:\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}, {$ref: '#/components/schemas/C'}, {$ref: '#/components/schemas/D'}]\n      discriminator: {propertyName: type}\n    A: {type: object, required: [type], properties: {type: {type: string, enum: [a.done]}}}\n    B: {type: object, properties: {type: {$ref: '#/components/schemas/BType'}}}\n    BType: {type: string, enum: [b.done]}\n    C:\n      allOf:\n        - {$ref: '#/components/schemas/Base'}\n        - {properties: {type: {type: string, enum: [c.done]}}}\n    Base: {type: object, required: [type], properties: {type: {type: string}}}\n    D: {type: object, properties: {type: {type: string}}}\n",
    ));
    let TypeKind::Union(union) = &named(&api, "E").kind else {
        panic!("not a union")
    };
    let tags: Vec<(&str, &str, Vec<&str>)> = union
        .variants
        .iter()
        .map(|v| {
            (
                v.name.as_str(),
                v.tag_value.as_deref().unwrap_or_default(),
                v.also.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        tags,
        [
            ("A", "a.done", vec!["A"]),
            ("B", "b.done", vec!["B"]),
            ("C", "c.done", vec!["C"]),
            ("D", "D", vec![]),
        ]
    );
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");

    // Two alternatives pinning one value cannot be told apart by it: read by shape, reported.
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/E'}",
        "    E:\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]\n      discriminator: {propertyName: type}\n    A: {type: object, required: [type, a], properties: {type: {type: string, enum: [x]}, a: {type: string}}}\n    B: {type: object, required: [type, b], properties: {type: {type: string, enum: [x]}, b: {type: integer}}}\n",
    ));
    let TypeKind::Union(union) = &named(&api, "E").kind else {
        panic!("not a union")
    };
    assert_eq!(union.tag, None);
    assert!(
        diagnostics.iter().any(|d| d
            .message
            .contains("has the value `x` for more than one alternative")),
        "{diagnostics:#?}"
    );

    // Several mapped values for one schema: one variant, selected by each, keeping what it read.
    let (api, _) = lower(&returning(
        "{$ref: '#/components/schemas/E'}",
        "    E:\n      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]\n      discriminator:\n        propertyName: kind\n        mapping: {a: '#/components/schemas/A', alpha: '#/components/schemas/A', b: '#/components/schemas/B'}\n    A: {type: object, properties: {kind: {type: string}}}\n    B: {type: object, properties: {kind: {type: string}}}\n",
    ));
    let TypeKind::Union(union) = &named(&api, "E").kind else {
        panic!("not a union")
    };
    assert_eq!(union.variants.len(), 2, "{:?}", union.variants);
    assert_eq!(union.variants[0].also, ["alpha"]);
    assert!(union.variants[0].keeps_tag);
    assert!(!union.variants[1].keeps_tag);
}

#[test]
fn one_of_without_discriminator_infers_the_tag_from_single_value_enums() {
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/Event'}",
        "    Event:\n      oneOf:\n        - {type: object, required: [type, id], properties: {type: {type: string, enum: [created]}, id: {type: string}}}\n        - $ref: '#/components/schemas/Deleted'\n    Deleted: {type: object, required: [type], properties: {type: {type: string, enum: [deleted]}}}\n",
    ));
    let TypeKind::Union(union) = &named(&api, "Event").kind else {
        panic!("not a union")
    };
    assert_eq!(union.tag.as_deref(), Some("type"));
    let tags: Vec<(&str, &TypeRef)> = union
        .variants
        .iter()
        .map(|UnionVariant { tag_value, ty, .. }| (tag_value.as_deref().unwrap_or_default(), ty))
        .collect();
    assert_eq!(
        tags,
        [
            ("created", &TypeRef::Named("EventCreated".into())),
            ("deleted", &TypeRef::Named("Deleted".into())),
        ]
    );
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn untagged_unions_are_ordered_most_specific_first_and_reported_only_when_ambiguous() {
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/U'}",
        "    Loose: {type: object, properties: {a: {type: string}}}\n    Strict: {type: object, required: [a, b], properties: {a: {type: string}, b: {type: string}}}\n    U:\n      oneOf: [{type: number}, {$ref: '#/components/schemas/Loose'}, {type: integer}, {$ref: '#/components/schemas/Strict'}]\n",
    ));
    let TypeKind::Union(union) = &named(&api, "U").kind else {
        panic!("not a union")
    };
    let order: Vec<&TypeRef> = union.variants.iter().map(|v| &v.ty).collect();
    assert_eq!(
        order,
        [
            &TypeRef::Primitive(Primitive::I64),
            &TypeRef::Primitive(Primitive::F64),
            &TypeRef::Named("Strict".into()),
            &TypeRef::Named("Loose".into()),
        ]
    );
    // `Strict` requires `b`, which `Loose` does not declare; `Loose` requires nothing: a value
    // with only `a` is a `Loose`, so there is no ambiguity to report.
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");

    let (_, diagnostics) = lower(&returning(
        "{oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}",
        "    A: {type: object, properties: {a: {type: string}}}\n    B: {type: object, properties: {b: {type: string}}}\n",
    ));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert!(diagnostics[0].message.contains("can both match"));
}

#[test]
fn deep_object_and_object_query_parameters_are_structured() {
    let (api, _) = lower(
        "paths:\n  /a/{id}:\n    get:\n      operationId: a\n      parameters:\n        - {name: card, in: query, style: deepObject, explode: true, schema: {type: object, properties: {number: {type: string}}}}\n        - {name: filter, in: query, schema: {type: object, properties: {q: {type: string}}}}\n        - {name: id, in: path, required: true, schema: {oneOf: [{type: integer}, {type: string}]}}\n      responses: {'204': {description: ok}}\n  /b/{x}:\n    get: {operationId: b, responses: {'204': {description: ok}}}\n",
    );
    let a = &api.operations[0];
    let card = a.params.iter().find(|p| p.wire_name == "card").unwrap();
    assert_eq!(
        (card.style, card.structured),
        (ParamStyle::DeepObject, true)
    );
    let filter = a.params.iter().find(|p| p.wire_name == "filter").unwrap();
    assert_eq!(
        (filter.style, filter.explode, filter.structured),
        (ParamStyle::Form, true, true)
    );
    let id = a.params.iter().find(|p| p.wire_name == "id").unwrap();
    assert!(id.structured);
    // An undeclared template variable is a required string path parameter.
    let x = &api.operations[1].params[0];
    assert_eq!(
        (x.wire_name.as_str(), &x.ty, x.required),
        ("x", &TypeRef::Primitive(Primitive::String), true)
    );
}

#[test]
fn security_combines_schemes_sends_oauth_as_bearer_and_api_keys_in_cookies() {
    let (api, diagnostics) = lower(
        "paths:\n  /a:\n    get:\n      operationId: a\n      security: [{id: [], secret: []}, {oauth: [read]}, {session: []}, {nope: []}]\n      responses: {'204': {description: ok}}\ncomponents:\n  securitySchemes:\n    id: {type: apiKey, in: header, name: X-Id}\n    secret: {type: apiKey, in: header, name: X-Secret}\n    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://x/token', scopes: {read: r}}}}\n    session: {type: apiKey, in: cookie, name: sid}\n",
    );
    let schemes: Vec<&AuthKind> = api.operations[0]
        .security
        .schemes
        .iter()
        .map(|s| &s.kind)
        .collect();
    assert!(matches!(schemes[0], AuthKind::All(all) if all.len() == 2));
    assert_eq!(schemes[1], &AuthKind::Http("Bearer".into()));
    assert_eq!(schemes[2], &AuthKind::Cookie("sid".into()));
    assert_eq!(schemes.len(), 3);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert!(diagnostics[0].message.contains("`nope` is not declared"));
}

#[test]
fn discriminated_base_objects_become_unions_of_their_children() {
    let (api, _) = lower(&returning(
        "{$ref: '#/components/schemas/Pet'}",
        "    Pet:\n      type: object\n      required: [kind]\n      properties: {kind: {type: string}}\n      discriminator: {propertyName: kind, mapping: {dog: '#/components/schemas/Dog'}}\n    Dog:\n      allOf: [{$ref: '#/components/schemas/Pet'}, {properties: {bark: {type: boolean}}}]\n    Cat:\n      allOf: [{$ref: '#/components/schemas/Pet'}, {properties: {meow: {type: boolean}}}]\n",
    ));
    let TypeKind::Union(union) = &named(&api, "Pet").kind else {
        panic!("not a union")
    };
    let tags: Vec<&str> = union
        .variants
        .iter()
        .filter_map(|v| v.tag_value.as_deref())
        .collect();
    assert_eq!(tags, ["dog", "Cat"]);
    assert_eq!(fields(named(&api, "Dog")).len(), 2);
}

#[test]
fn required_read_only_is_optional_in_types_only_sent_and_write_only_in_types_only_received() {
    let (api, _) = lower(
        "paths:\n  /a:\n    post:\n      operationId: a\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/New'}}}}\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Shown'}}}}\n        '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Both'}}}}\n  /b:\n    put:\n      operationId: b\n      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Both'}}}}\n      responses: {'204': {description: ok}}\ncomponents:\n  schemas:\n    New: {type: object, required: [id, name], properties: {id: {type: string, readOnly: true}, name: {type: string}}}\n    Shown: {type: object, required: [id, password], properties: {id: {type: string, readOnly: true}, password: {type: string, writeOnly: true}}}\n    Both: {type: object, required: [id, password], properties: {id: {type: string, readOnly: true}, password: {type: string, writeOnly: true}}}\n",
    );
    let presence = |ty: &str| -> Vec<(String, Presence)> {
        fields(named(&api, ty))
            .into_iter()
            .map(|(name, _, presence)| (name.to_owned(), presence))
            .collect()
    };
    // Only sent: a request need not invent the id the server assigns.
    assert_eq!(
        presence("New"),
        [
            ("id".to_owned(), Presence::Optional),
            ("name".to_owned(), Presence::Required)
        ]
    );
    // Only received: a response may leave out the password; the id stays required.
    assert_eq!(
        presence("Shown"),
        [
            ("id".to_owned(), Presence::Required),
            ("password".to_owned(), Presence::Optional)
        ]
    );
    // Both ways, one Rust type: decoding a response stays exact.
    assert_eq!(
        presence("Both"),
        [
            ("id".to_owned(), Presence::Required),
            ("password".to_owned(), Presence::Required)
        ]
    );
}

#[test]
fn accept_content_type_and_authorization_header_parameters_are_ignored() {
    let (api, diagnostics) = lower(
        "paths:\n  /a:\n    parameters: [{$ref: '#/components/parameters/Accept'}]\n    get:\n      operationId: a\n      parameters:\n        - {name: Content-Type, in: header, schema: {type: string}}\n        - {name: authorization, in: header, required: true, schema: {type: string}}\n        - {name: X-Request-Id, in: header, schema: {type: string}}\n        - {name: accept, in: query, schema: {type: string}}\n      responses: {'204': {description: ok}}\ncomponents:\n  parameters:\n    Accept: {name: Accept, in: header, schema: {type: string}}\n",
    );
    let params: Vec<&str> = api.operations[0]
        .params
        .iter()
        .map(|p| p.wire_name.as_str())
        .collect();
    assert_eq!(params, ["X-Request-Id", "accept"]);
    assert_eq!(diagnostics.len(), 3, "{diagnostics:#?}");
    assert!(
        diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning && d.message.contains("is ignored"))
    );
}

#[test]
fn oauth_alternatives_keep_their_scopes() {
    let (api, _) = lower(
        "paths:\n  /a:\n    get:\n      operationId: a\n      security: [{oauth: [read]}, {oauth: [write, admin]}, {oauth: [read]}]\n      responses: {'204': {description: ok}}\ncomponents:\n  securitySchemes:\n    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://x/token', scopes: {read: r, write: w, admin: a}}}}\n",
    );
    let scopes: Vec<&[String]> = api.operations[0]
        .security
        .schemes
        .iter()
        .map(|s| s.scopes.as_slice())
        .collect();
    assert_eq!(
        scopes,
        [
            &["read".to_owned()][..],
            &["write".to_owned(), "admin".to_owned()][..]
        ]
    );
}

/// Lowers `yaml` as an OpenAPI 3.1 document.
fn lower31(yaml: &str) -> (Api, Vec<Diagnostic>) {
    let text = format!("openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\n{yaml}");
    assert_eq!(apigen::parse("ir31.yaml", &text).unwrap().version, "3.1.0");
    lower_document(&text)
}

fn field<'a>(api: &'a Api, ty: &str, name: &str) -> &'a TypeRef {
    fields(named(api, ty))
        .into_iter()
        .find(|(wire, ..)| *wire == name)
        .map(|(_, ty, _)| ty)
        .unwrap_or_else(|| panic!("no field {name} in {ty}"))
}

#[test]
fn type_arrays_are_options_and_unions_without_warnings_in_3_1() {
    let (api, diagnostics) = lower31(&returning(
        "{$ref: '#/components/schemas/S'}",
        "    S:\n      type: object\n      required: [a, b, c]\n      properties:\n        a: {type: [string, 'null']}\n        b: {type: [integer, string]}\n        c: {anyOf: [{type: integer, format: int32}, {type: 'null'}]}\n",
    ));
    let presence = fields(named(&api, "S"));
    assert_eq!(presence[0].1, &TypeRef::Primitive(Primitive::String));
    assert_eq!(presence[0].2, Presence::RequiredNullable);
    assert!(matches!(named(&api, "Sb").kind, TypeKind::Union(_)));
    assert_eq!(presence[2].1, &TypeRef::Primitive(Primitive::I32));
    assert_eq!(presence[2].2, Presence::RequiredNullable);
    // What is the 3.1 form is not a quirk of a 3.1 document.
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn const_properties_imply_the_tag_of_a_one_of() {
    let (api, _) = lower31(&returning(
        "{$ref: '#/components/schemas/Event'}",
        "    Event:\n      oneOf:\n        - $ref: '#/components/schemas/Created'\n        - $ref: '#/components/schemas/Deleted'\n    Created: {type: object, required: [kind, id], properties: {kind: {const: created}, id: {type: string}}}\n    Deleted: {type: object, required: [kind], properties: {kind: {const: deleted}}}\n",
    ));
    let TypeKind::Union(union) = &named(&api, "Event").kind else {
        panic!("not a union")
    };
    assert_eq!(union.tag.as_deref(), Some("kind"));
    let values: Vec<&str> = union
        .variants
        .iter()
        .filter_map(|v| v.tag_value.as_deref())
        .collect();
    assert_eq!(values, ["created", "deleted"]);
    // A `const` is a one-value enum.
    let TypeKind::Enum(kind) = &named(&api, "CreatedKind").kind else {
        panic!("not an enum")
    };
    assert_eq!(kind.variants.len(), 1);
}

#[test]
fn ref_siblings_defs_exclusive_bounds_and_binary_content() {
    let (api, diagnostics) = lower31(&returning(
        "{$ref: '#/components/schemas/S'}",
        "    S:\n      type: object\n      required: [kind, n]\n      properties:\n        kind: {$ref: '#/components/schemas/S/$defs/Kind', description: 'beside the ref'}\n        narrowed: {$ref: '#/components/schemas/Status', const: done}\n        n: {type: integer, exclusiveMinimum: 0, examples: [1]}\n        photo: {type: string, contentMediaType: image/png}\n        blob: {type: string, contentEncoding: base64}\n      $defs:\n        Kind: {type: string, enum: [a, b]}\n    Status: {type: string, enum: [todo, done]}\n",
    ));
    assert_eq!(field(&api, "S", "kind"), &TypeRef::Named("SKind".into()));
    let TypeKind::Enum(narrowed) = &named(&api, "SNarrowed").kind else {
        panic!("not an enum")
    };
    assert_eq!(narrowed.variants.len(), 1, "only `done` is allowed");
    let checks = match &named(&api, "S").kind {
        TypeKind::Struct(s) => s.fields[2].checks.clone().expect("bounds"),
        _ => unreachable!(),
    };
    assert_eq!(
        checks.min,
        Some(1),
        "exclusiveMinimum 0 of an integer is a minimum of 1"
    );
    assert_eq!(
        field(&api, "S", "photo"),
        &TypeRef::Primitive(Primitive::Binary)
    );
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn prefix_items_are_tuples_and_keywords_without_a_rust_form_are_reported_once() {
    let (api, diagnostics) = lower31(&returning(
        "{$ref: '#/components/schemas/S'}",
        "    S:\n      type: object\n      required: [at]\n      properties:\n        at: {type: array, prefixItems: [{type: integer}, {type: number}], items: false}\n        open: {type: object, unevaluatedProperties: false, if: {required: [a]}, then: {required: [b]}}\n",
    ));
    assert_eq!(
        field(&api, "S", "at"),
        &TypeRef::Tuple(vec![
            TypeRef::Primitive(Primitive::I64),
            TypeRef::Primitive(Primitive::F64)
        ])
    );
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("unevaluatedProperties")));
    assert!(messages.iter().any(|m| m.contains("`if`/`then`/`else`")));
}

#[test]
fn webhooks_are_lowered_apart_from_operations_and_a_webhooks_only_document_generates() {
    let (api, _) = lower31(
        "webhooks:\n  newPet:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Pet'}\n      responses:\n        '200': {description: ok}\ncomponents:\n  schemas:\n    Pet: {type: object, properties: {name: {type: string}}}\n  pathItems:\n    Unused: {get: {responses: {'200': {description: ok}}}}\n",
    );
    assert!(api.operations.is_empty());
    assert_eq!(api.webhooks.len(), 1);
    let hook = &api.webhooks[0];
    assert_eq!(hook.webhook.as_deref(), Some("newPet"));
    assert_eq!(hook.path, "/newPet");
    assert_eq!(hook.pointer, "/webhooks/newPet/post");
    assert_eq!(api.webhook_groups[0].trait_name, "UntaggedWebhooks");
    named(&api, "Pet");
    // 3.0 documents say `x-webhooks`.
    let (api, _) = lower(
        "paths: {}\nx-webhooks:\n  ping:\n    post:\n      operationId: on_ping\n      responses:\n        '204': {description: ok}\n",
    );
    assert_eq!(api.webhooks[0].name, "on_ping");
    assert_eq!(api.webhooks[0].pointer, "/x-webhooks/ping/post");
}

#[test]
fn path_items_from_components_and_nullable_in_3_1_are_read_as_meant() {
    let (api, _) = lower31(
        "paths:\n  /a:\n    $ref: '#/components/pathItems/A'\ncomponents:\n  pathItems:\n    A:\n      get:\n        operationId: a\n        responses:\n          '200':\n            description: ok\n            content:\n              application/json:\n                schema: {type: string, nullable: true}\n",
    );
    assert_eq!(api.operations.len(), 1);
    assert_eq!(api.operations[0].path, "/a");
}

#[test]
fn a_discriminator_that_repeats_a_value_reads_the_union_by_shape() {
    // Two alternatives whose tag property allows the same single value: the tag cannot tell
    // them apart (two match arms on one value would be unreachable code), their shapes can.
    let alternative = |base: &str| {
        format!(
            "        - allOf:\n            - $ref: '#/components/schemas/{base}'\n            - type: object\n              required: [object]\n              properties:\n                object: {{type: string, enum: [text_completion]}}\n"
        )
    };
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/Completion'}",
        &format!(
            "    Completion:\n      discriminator: {{propertyName: object}}\n      oneOf:\n{}{}    Chunk:\n      type: object\n      required: [id]\n      properties:\n        id: {{type: string}}\n    Final:\n      type: object\n      required: [id, usage]\n      properties:\n        id: {{type: string}}\n        usage: {{type: integer}}\n",
            alternative("Chunk"),
            alternative("Final")
        ),
    ));
    let TypeKind::Union(union) = &named(&api, "Completion").kind else {
        panic!("Completion is not a union");
    };
    assert_eq!(union.tag, None, "{union:?}");
    assert_eq!(union.variants.len(), 2, "{union:?}");
    let warning = diagnostics
        .iter()
        .find(|d| d.message.contains("cannot tell them apart"))
        .unwrap_or_else(|| panic!("{diagnostics:#?}"));
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(
        warning.pointer,
        "/components/schemas/Completion/discriminator"
    );
    assert!(
        warning.message.contains("`text_completion`"),
        "{}",
        warning.message
    );
}

#[test]
fn integer_enums_are_enums_over_their_values() {
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/Holder'}",
        "    Holder:\n      type: object\n      properties:\n        step: {type: integer, format: int32, enum: [-10, 10, 10, 100]}\n        priority: {$ref: '#/components/schemas/Priority'}\n    Priority:\n      type: integer\n      enum: [1, 2]\n      x-enumNames: [High, Low]\n",
    ));
    assert!(
        !diagnostics.iter().any(|d| d.message.contains("integer")),
        "{diagnostics:#?}"
    );
    let TypeKind::Enum(step) = &named(&api, "HolderStep").kind else {
        panic!("HolderStep is not an enum");
    };
    assert_eq!(step.repr, apigen::ir::EnumRepr::I32);
    let names: Vec<(&str, &str)> = step
        .variants
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_str()))
        .collect();
    assert_eq!(names, [("Neg10", "-10"), ("V10", "10"), ("V100", "100")]);
    let TypeKind::Enum(priority) = &named(&api, "Priority").kind else {
        panic!("Priority is not an enum");
    };
    assert_eq!(priority.repr, apigen::ir::EnumRepr::I64);
    let names: Vec<&str> = priority.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["High", "Low"]);
}

#[test]
fn a_null_type_is_the_unit_type() {
    // The tolerance table's `type: null` row: always null, so `()` (and `Option<()>` when the
    // property may be left out), never a `serde_json::Value`.
    let (api, diagnostics) = lower(&returning(
        "{$ref: '#/components/schemas/Holder'}",
        "    Holder:\n      type: object\n      required: [always]\n      properties:\n        always: {type: 'null'}\n        maybe: {type: ['null']}\n",
    ));
    // (A `type` array in a 3.0 document is a warning of its own.)
    assert!(
        diagnostics.iter().all(|d| d.severity == Severity::Warning),
        "{diagnostics:#?}"
    );
    let holder = named(&api, "Holder");
    let unit = TypeRef::Tuple(Vec::new());
    assert_eq!(
        fields(holder),
        [
            ("always", &unit, Presence::Required),
            ("maybe", &unit, Presence::Optional)
        ]
    );
}
