//! `apigen::drift`: small before/after pairs for each kind of change, and the real authentik
//! documents.

use apigen::drift::{Bump, Change, Report, Subject, Verdict, diff};

fn parse(text: &str) -> openapiv3::OpenAPI {
    apigen::parse("test.yaml", text)
        .expect("test spec parses")
        .document
}

/// A small document; `{ops}` and `{schemas}` are spliced in so each case changes one thing.
fn spec(version: &str, ops: &str, schemas: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: t, version: '{version}'}}
paths:
  /items/{{id}}/:
    get:
      operationId: items_retrieve
      parameters:
      - {{in: path, name: id, required: true, schema: {{type: integer}}}}
{ops}
      security: [{{bearer: []}}]
      responses:
        '200':
          description: ''
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Item'}}
        '404': {{description: missing}}
components:
  securitySchemes:
    bearer: {{type: http, scheme: bearer}}
  schemas:
{schemas}
"#
    )
}

const ITEM: &str = "    Item:
      type: object
      required: [id, status]
      properties:
        id: {type: integer}
        name: {type: string}
        status: {$ref: '#/components/schemas/Status'}
    Status: {type: string, enum: [active, disabled]}";

fn report(old: &str, new: &str) -> Report {
    diff(&parse(old), &parse(new))
}

fn find<'r>(report: &'r Report, what: &str) -> &'r Change {
    report
        .changes
        .iter()
        .find(|c| c.what == what)
        .unwrap_or_else(|| panic!("no change {what:?} in:\n{}", report.to_text()))
}

#[test]
fn identical_documents_have_no_drift() {
    let text = spec("1.0.0", "", ITEM);
    let report = report(&text, &text);
    assert!(report.changes.is_empty(), "{}", report.to_text());
    assert_eq!(report.bump, Bump::None);
}

#[test]
fn added_enum_value_is_compatible_for_rust_thanks_to_the_catch_all() {
    let new_item = ITEM.replace("[active, disabled]", "[active, disabled, archived]");
    let report = report(&spec("1", "", ITEM), &spec("2", "", &new_item));
    let change = find(&report, "added enum value `archived`");
    assert_eq!(change.subject, Subject::Schema("Status".into()));
    assert_eq!(
        (change.wire, change.rust),
        (Verdict::Breaking, Verdict::Compatible)
    );
}

#[test]
fn removed_response_field_breaks_readers() {
    let new_item = ITEM.replace("        name: {type: string}\n", "");
    let report = report(&spec("1", "", ITEM), &spec("2", "", &new_item));
    let change = find(&report, "removed property `name`");
    assert_eq!(
        (change.wire, change.rust),
        (Verdict::Breaking, Verdict::Breaking)
    );
    // The operation returning it is flagged too.
    let op = find(
        &report,
        "response 200 schema `Item` changed (see the schema)",
    );
    assert_eq!(op.subject, Subject::Operation("items_retrieve".into()));
    assert_eq!(report.bump, Bump::Major);
}

#[test]
fn new_required_field_breaks_constructors() {
    let new_item = ITEM.replace("required: [id, status]", "required: [id, status, name]");
    let report = report(&spec("1", "", ITEM), &spec("2", "", &new_item));
    let change = find(&report, "property `name` became required");
    assert_eq!(
        (change.wire, change.rust),
        (Verdict::Breaking, Verdict::Breaking)
    );
}

#[test]
fn optional_field_is_compatible_only_where_the_struct_has_default() {
    let with_required = ITEM.replace(
        "        name: {type: string}\n",
        "        name: {type: string}\n        note: {type: string}\n",
    );
    let report1 = report(&spec("1", "", ITEM), &spec("2", "", &with_required));
    let change = find(&report1, "added optional property `note`");
    assert_eq!(
        (change.wire, change.rust),
        (Verdict::Compatible, Verdict::Breaking)
    );

    let all_optional =
        "    Item:\n      type: object\n      properties:\n        a: {type: string}\n";
    let more = format!("{all_optional}        b: {{type: string}}\n");
    let report2 = report(&spec("1", "", all_optional), &spec("2", "", &more));
    let change = find(&report2, "added optional property `b`");
    assert_eq!(
        (change.wire, change.rust),
        (Verdict::Compatible, Verdict::Compatible)
    );
    assert_eq!(report2.bump, Bump::Minor);
}

#[test]
fn report_for_each_kind_of_change() {
    let pet = "    Pet:\n      oneOf: [{$ref: '#/components/schemas/Item'}]\n      discriminator: {propertyName: kind, mapping: {item: '#/components/schemas/Item', old: '#/components/schemas/Item'}}";
    let old = spec(
        "1.0.0",
        "",
        &format!("{ITEM}\n    Gone: {{type: object, properties: {{x: {{type: string}}}}}}\n{pet}"),
    );
    let new_item = ITEM
        .replace("id: {type: integer}", "id: {type: string, format: uuid}")
        .replace(
            "name: {type: string}",
            "name: {type: string, nullable: true}",
        )
        .replace("[active, disabled]", "[active, archived]");
    let new_schemas = format!(
        "{new_item}\n    Pet:\n      oneOf: [{{$ref: '#/components/schemas/Item'}}]\n      discriminator: {{propertyName: kind, mapping: {{item: '#/components/schemas/Item', new: '#/components/schemas/Item'}}}}"
    );
    let ops = "      - {in: query, name: search, schema: {type: string}}\n      - {in: query, name: page, required: true, schema: {type: integer}}";
    let mut new = spec("2.0.0", ops, &new_schemas)
        .replace("security: [{bearer: []}]", "security: [{bearer: []}, {}]")
        .replace(
            "        '404': {description: missing}\n",
            "        '403': {description: forbidden}\n",
        );
    new = new.replace(
        "components:\n",
        "  /items/:\n    post:\n      operationId: items_create\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Item'}\n      responses:\n        '201': {description: created}\ncomponents:\n",
    );
    let report = report(&old, &new);
    insta::assert_snapshot!("drift_text", report.to_text());
    insta::assert_snapshot!("drift_markdown", report.to_markdown());
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["bump"], "major");
    assert_eq!(
        json["changes"].as_array().unwrap().len(),
        report.changes.len()
    );
}

/// The two real authentik documents, read from `../shared` (upstream data, never copied here).
#[test]
fn authentik_2024_8_to_latest() {
    let dir = tests::root().join("../shared/specs/authentik");
    let load = |name: &str| {
        let path = dir.join(name);
        apigen::load(&path, name)
            .unwrap_or_else(|e| {
                panic!("{e} (the upstream documents live in ../shared/specs/authentik)")
            })
            .document
    };
    let report = diff(&load("schema-2024.8.yml"), &load("schema-latest.yml"));
    let has = |subject: Subject, what: &str| {
        report
            .changes
            .iter()
            .any(|c| c.subject == subject && c.what == what)
    };
    let seed = || Subject::Operation("providers_microsoft_entra_sync_status_retrieve".into());
    assert!(has(seed(), "removed response 404"), "{}", report.to_text());
    assert!(has(
        seed(),
        "response 200 schema `SyncStatus` changed (see the schema)"
    ));
    assert!(has(
        Subject::Schema("SyncStatus".into()),
        "removed property `tasks`"
    ));
    assert!(has(
        Subject::Schema("SystemTask".into()),
        "removed schema `SystemTask`"
    ));
    assert!(has(
        Subject::Schema("SystemTaskStatusEnum".into()),
        "removed schema `SystemTaskStatusEnum`"
    ));
    assert!(has(
        Subject::Schema("TaskAggregatedStatusEnum".into()),
        "added schema `TaskAggregatedStatusEnum`"
    ));
    // 875 operations before, 1,192 after.
    assert_eq!(report.operations_removed, 27);
    assert_eq!(report.operations_added, 344);
    assert_eq!(
        875 - report.operations_removed + report.operations_added,
        1192
    );
    assert_eq!(report.bump, Bump::Major);
}

#[test]
fn a_property_added_to_an_all_of_member_is_reported_on_every_struct_that_merges_it() {
    // Drift compares the normalised documents, so the merged structs carry what their members
    // declare, as the generated code does.
    let schemas = |extra: &str| {
        format!(
            "    Item:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - required: [id]\n          properties:\n            id: {{type: integer}}\n    Other:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - properties:\n            other: {{type: boolean}}\n    Base:\n      type: object\n      required: [name]\n      properties:\n        name: {{type: string}}\n{extra}"
        )
    };
    let old = spec("1", "", &schemas(""));
    let new = spec("2", "", &schemas("        note: {type: string}\n"));
    let report = report(&old, &new);
    let subjects: Vec<&Subject> = report
        .changes
        .iter()
        .filter(|c| c.what == "added optional property `note`")
        .map(|c| &c.subject)
        .collect();
    for name in ["Base", "Item", "Other"] {
        assert!(
            subjects.contains(&&Subject::Schema(name.into())),
            "{name} not reported:\n{}",
            report.to_text()
        );
    }
    // `Item` and `Other` have required fields (no `Default`): a new field breaks their literals.
    let item = report
        .changes
        .iter()
        .find(|c| c.subject == Subject::Schema("Item".into()) && c.what.contains("`note`"))
        .expect("reported on Item");
    assert_eq!(
        (item.wire, item.rust),
        (Verdict::Compatible, Verdict::Breaking)
    );
}

#[test]
fn the_rust_verdict_follows_the_generated_fields_not_the_document() {
    // `Draft` is only ever sent: its required read-only `id` is an `Option` in Rust either way
    // (a request need not invent it), so making it required changes the wire contract of
    // responses only, and no Rust code.
    let doc = |required: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /drafts:\n    post:\n      operationId: drafts_create\n      requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/Draft'}}}}}}}}\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  schemas:\n    Draft:\n      type: object\n      required: [{required}]\n      properties:\n        id: {{type: string, readOnly: true}}\n        name: {{type: string}}\n"
        )
    };
    let read_only = report(&doc("name"), &doc("name, id"));
    let change = find(&read_only, "property `id` became required");
    assert_eq!(
        (change.wire, change.rust),
        (Verdict::Breaking, Verdict::Compatible)
    );
    // `name` is a plain property: required in the document is required in Rust.
    let plain = report(&doc("id"), &doc("id, name"));
    let change = find(&plain, "property `name` became required");
    assert_eq!(change.rust, Verdict::Breaking);
}

#[test]
fn a_migration_from_3_0_to_3_1_reports_only_real_changes() {
    // The same API written the 3.0 way and the 3.1 way: `nullable` becomes a type array,
    // `exclusiveMinimum: true` a number, an enum of one value a `const`, siblings of a `$ref`.
    let old = spec(
        "1.0.0",
        "",
        "    Item:
      type: object
      required: [id, status]
      properties:
        id: {type: integer, minimum: 0, exclusiveMinimum: true}
        name: {type: string, nullable: true}
        kind: {type: string, enum: [item]}
        status: {$ref: '#/components/schemas/Status'}
    Status: {type: string, enum: [active, disabled]}",
    );
    let new = old
        .replace("openapi: 3.0.3", "openapi: 3.1.0")
        .replace(
            "{type: integer, minimum: 0, exclusiveMinimum: true}",
            "{type: integer, exclusiveMinimum: 0}",
        )
        .replace("{type: string, nullable: true}", "{type: [string, 'null']}")
        .replace(
            "{type: string, enum: [item]}",
            "{type: string, const: item}",
        );
    assert_ne!(old, new);
    let migrated = report(&old, &new);
    assert!(migrated.changes.is_empty(), "{}", migrated.to_text());
    assert_eq!(migrated.bump, Bump::None);
    // A real change made during the migration is still seen.
    let changed = report(
        &old,
        &new.replace("{type: [string, 'null']}", "{type: string}"),
    );
    assert!(!changed.changes.is_empty(), "{}", changed.to_text());
}

#[test]
fn drift_compares_multi_file_documents_bundled() {
    let path = "tests/specs/multifile/openapi.yaml";
    let spec = apigen::load(&tests::root().join(path), path).expect("loads");
    let same = diff(&spec.document, &spec.document);
    assert!(same.changes.is_empty(), "{}", same.to_text());
    // The bundled document without a field that lives in another file.
    let mut edited = serde_json::to_value(&spec.document).unwrap();
    edited["components"]["schemas"]["owner"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let edited: openapiv3::OpenAPI = serde_json::from_value(edited).unwrap();
    let report = diff(&spec.document, &edited);
    assert!(report.to_text().contains("name"), "{}", report.to_text());
}
