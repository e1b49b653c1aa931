//! JSON or YAML text to the JSON data model, with the line and column of a syntax error:
//! the one parser the loader and the bundler share (the bundler reads the other files of a
//! document with it), so that neither imports the other.

use crate::Error;

/// Whether the text is a JSON document (its first significant character opens an object).
fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Reads YAML straight into the JSON data model: scalar keys become their text (`200:` is
/// `"200"`), tags are dropped, integers beyond 64 bits and non-finite numbers become the nearest
/// float or `null`, and a key given twice is an error (as YAML says; JSON parsers keep the last).
struct YamlAsJson;

impl<'de> serde::de::DeserializeSeed<'de> for YamlAsJson {
    type Value = serde_json::Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for YamlAsJson {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i128<E>(self, v: i128) -> Result<Self::Value, E> {
        Ok(float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Self::Value, E> {
        Ok(float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(YamlAsJson)? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(YamlKey)? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate entry with key \"{key}\""
                )));
            }
            let value = map.next_value_seed(YamlAsJson)?;
            out.insert(key, value);
        }
        Ok(serde_json::Value::Object(out))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        // A tagged value (`!Ref x`): the tag is dropped, the value kept.
        use serde::de::VariantAccess;
        let (_tag, variant): (serde::de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(YamlAsJson)
    }
}

fn float(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// A mapping key as text: YAML allows any scalar (`200:`, `true:`, `~:`).
struct YamlKey;

impl<'de> serde::de::DeserializeSeed<'de> for YamlKey {
    type Value = String;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl serde::de::Visitor<'_> for YamlKey {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a scalar mapping key")
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i128<E>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u128<E>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

/// Parses YAML or JSON text into the JSON data model.
pub fn parse_value(file: &str, text: &str) -> Result<serde_json::Value, Error> {
    let refuse = |pointer: &str, message: String| refusal(file, pointer, message);
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(refuse("", "the document is empty".to_owned()));
    }
    // JSON is read by a JSON parser (faster, and exact on what YAML reads differently, such as
    // surrogate-pair escapes); anything else, or JSON that fails, by the YAML parser.
    let json = if looks_like_json(text) {
        serde_json::from_str::<serde_json::Value>(text).ok()
    } else {
        None
    };
    let value = match json {
        Some(value) => value,
        None => {
            // Through YAML's own model, which refuses duplicated keys (serde_json's would keep
            // the last silently) and converts scalar keys (`200:`).
            use serde::de::DeserializeSeed;
            YamlAsJson
                .deserialize(serde_yaml::Deserializer::from_str(text))
                .map_err(|err| {
                    let location = err.location();
                    Error::Parse {
                        file: file.to_owned(),
                        line: location.as_ref().map(|l| l.line()),
                        column: location.as_ref().map(|l| l.column()),
                        pointer: String::new(),
                        message: strip_location(&err.to_string()),
                    }
                })?
        }
    };
    Ok(value)
}

/// A parse error at `pointer` without a line (the parser did not know one).
pub(crate) fn refusal(file: &str, pointer: &str, message: String) -> Error {
    Error::Parse {
        file: file.to_owned(),
        line: None,
        column: None,
        pointer: pointer.to_owned(),
        message,
    }
}

/// serde_yaml appends " at line L column C" to its messages; the error carries those separately.
pub(crate) fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// The line and column (1-based) of the node at `pointer` in `text`, when the text has that node:
/// the YAML parser is walked down the pointer and stopped there, and its error says where.
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    use serde::de::DeserializeSeed;
    const HERE: &str = "apigen: the node is here";
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(crate::spec::unescape)
        .collect();
    let text = text.trim_start_matches('\u{feff}');
    let err = Locate(&tokens)
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .err()?;
    if !err.to_string().contains(HERE) {
        return None;
    }
    let location = err.location()?;
    return Some((location.line(), location.column()));

    /// Fails on whatever node it is given.
    struct Here;

    impl<'de> serde::de::Visitor<'de> for Here {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(HERE)
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
            Err(serde::de::Error::custom(HERE))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
            Err(serde::de::Error::custom(HERE))
        }
    }

    /// Walks down `self.0` and fails at the end of it.
    struct Locate<'p>(&'p [String]);

    impl<'de> serde::de::DeserializeSeed<'de> for Locate<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            if self.0.is_empty() {
                // Fails on the node's own event, so the error carries its position.
                return d.deserialize_any(Here);
            }
            d.deserialize_any(self)
        }
    }

    impl<'de> serde::de::Visitor<'de> for Locate<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let wanted: Option<usize> = self.0[0].parse().ok();
            let mut index = 0;
            loop {
                let found = if Some(index) == wanted {
                    seq.next_element_seed(Locate(&self.0[1..]))?
                } else {
                    seq.next_element::<serde::de::IgnoredAny>()?.map(|_| ())
                };
                if found.is_none() {
                    return Ok(());
                }
                index += 1;
            }
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key_seed(YamlKey)? {
                if key == self.0[0] {
                    map.next_value_seed(Locate(&self.0[1..]))?;
                } else {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nodes_are_located_by_pointer() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      deprecated: 'false'\n      parameters:\n        - name: x\n          in: query\n";
        assert_eq!(
            super::locate(text, "/paths/~1a/get/deprecated"),
            Some((5, 19))
        );
        assert_eq!(
            super::locate(text, "/paths/~1a/get/parameters/0/in"),
            Some((8, 15))
        );
        assert_eq!(super::locate(text, "/paths/~1b"), None);
        let json = "{\n  \"a\": {\n    \"b\": [1, {\"c\": true}]\n  }\n}\n";
        assert_eq!(
            super::locate(json, "/a/b/1/c").map(|(line, _)| line),
            Some(3)
        );
    }
}
