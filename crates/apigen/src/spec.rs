//! What the stages of the input seam agree on, owned by none of them: the marks normalisation
//! leaves in the document for later stages (webhooks kept among the paths, merged `allOf` bases,
//! tuples, `anyOf`s, null types), JSON pointer tokens, and how long a chain of references may be.
//!
//! The seam runs one way: `load` parses (with `syntax`), bundles (`bundle`) and normalises
//! (`normalize`, which merges `allOf`s in its `merge` module); `resolve` and `lower` read the
//! normalised document. Each of them imports this module and none imports a stage after it.

/// How many `$ref` links may follow each other before the chain counts as a cycle.
pub const MAX_REF_DEPTH: usize = 64;

/// Marks a `oneOf` that was an `anyOf` in the document.
pub const ANY_OF_MARK: &str = "x-apigen-any-of";

/// Lists, on a merged `allOf`, the component schemas whose properties it includes.
pub const BASES_MARK: &str = "x-apigen-all-of-bases";
/// Marks an `allOf` that normalisation made of properties written beside a `oneOf`/`anyOf`, so
/// that merging reports it in the document's own terms.
pub const BESIDE_MARK: &str = "x-apigen-beside-union";

/// Marks a tuple once normalised: its items' schemas are its `allOf` (so that every later stage
/// follows their references), read by lowering as a Rust tuple.
pub const TUPLE_MARK: &str = "x-apigen-tuple";

/// The prefix of the `paths` key a webhook is kept under once normalised (`//webhook:newPet`):
/// no real path starts with it, so webhooks and paths never collide.
pub const WEBHOOK_KEY: &str = "//webhook:";

/// On a webhook's path item once normalised: the webhook's name.
pub const WEBHOOK_NAME_MARK: &str = "x-apigen-webhook";

/// On a webhook's path item once normalised: where the generated receiver serves it
/// (`/newPet`).
pub const WEBHOOK_ROUTE_MARK: &str = "x-apigen-webhook-route";

/// On a webhook's path item once normalised: the pointer of the webhook in the document.
pub const WEBHOOK_POINTER_MARK: &str = "x-apigen-webhook-pointer";

/// Marks a schema that allows only `null` (`type: null` alone, after `type` arrays are read):
/// lowering reads it as the unit type `()`, which is `null` on the wire.
pub const NULL_MARK: &str = "x-apigen-null";

/// `text` with its `%XX` escapes decoded (a reference's name may be percent-encoded), or `None`
/// when it has none or they do not decode to UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A JSON pointer token for `token` (RFC 6901: `~` is `~0`, `/` is `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The text of a JSON pointer token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
