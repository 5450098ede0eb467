//! Terraform's JSON syntax (`*.tf.json`, `*.tofu.json`): the `terraform` object's backends and
//! `required_version`, read into a [`View`].
//!
//! The file is parsed with `jsonc-parser` (strict JSON: Terraform accepts no comments or
//! trailing commas), whose AST gives every property's byte range. A block may be written as an
//! object or as a list of objects, at each level (Terraform's "JSON Configuration Syntax":
//! <https://developer.hashicorp.com/terraform/language/syntax/json>): `"terraform"`,
//! `"backend"` and `"s3"` are each one or the other. A JSON string is an HCL template there
//! (`"${var.x}"` is an interpolation), so each backend object's properties are re-read as
//! HCL attributes at their own offsets ([`crate::input::view`]).

use jsonc_parser::ast::{Object, ObjectProp, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

use crate::input::parse::ParseFailure;
use crate::input::view::{
    build_block, is_identifier, reparse_object, Built, Entry, Reparser, View,
};

/// Strict JSON, as Terraform reads it.
fn options() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// The view of a JSON configuration file (`None` when it has no `terraform` object), or why
/// it is not JSON.
pub fn read(text: &str) -> Result<Option<View>, ParseFailure> {
    // A byte order mark is no JSON, but Terraform accepts one; blank it to keep offsets.
    let bom = "\u{feff}";
    let padded;
    let json = if let Some(rest) = text.strip_prefix(bom) {
        padded = format!("{}{rest}", " ".repeat(bom.len()));
        padded.as_str()
    } else {
        text
    };
    let parsed = jsonc_parser::parse_to_ast(json, &CollectOptions::default(), &options()).map_err(
        |err| {
            let at = err.range().start.min(text.len());
            ParseFailure {
                message: format!("invalid JSON: {}", err.kind()),
                span: at..at,
            }
        },
    )?;
    let Some(Value::Object(root)) = parsed.value else {
        return Ok(None);
    };
    let mut reparser = Reparser::new(text.len());
    let mut wrapper: Option<Built> = None;
    let mut versions = Vec::new();
    let mut backends = Vec::new();
    for tf_prop in props(&root, "terraform") {
        let header = tf_prop.name.range();
        wrapper.get_or_insert_with(|| {
            let mut built = build_block(
                "terraform",
                None,
                header.start..header.end,
                tf_prop.range.start..tf_prop.range.end,
            );
            built.noun = Some("the `terraform` object");
            built
        });
        for tf in objects(&tf_prop.value) {
            for rv in props(tf, "required_version") {
                let range = rv.range.start..rv.range.end;
                let content =
                    crate::input::view::entries_as_body(text, range.clone(), &[entry(rv)]);
                if let Ok(body) = reparser.body(range.start, &content) {
                    versions.extend(body.into_attributes());
                }
            }
            for backend in props(tf, "backend").flat_map(|p| objects(&p.value)) {
                for s3_prop in props(backend, "s3") {
                    let key = s3_prop.name.range();
                    for s3 in objects(&s3_prop.value) {
                        let mut entries: Vec<Entry> = s3.properties.iter().map(entry).collect();
                        let open = s3.range.start;
                        let close = s3.range.end - 1;
                        let body = reparse_object(&mut reparser, text, open, close, &mut entries);
                        if reparser.exhausted() {
                            // Not read (TFB001 says so): no configuration, not an empty one.
                            continue;
                        }
                        let mut built = build_block(
                            "backend",
                            Some("s3"),
                            key.start..key.end,
                            key.start..s3.range.end,
                        );
                        built.noun = Some("the `s3` object");
                        for attr in body.into_attributes() {
                            built.block.body.push(attr);
                        }
                        backends.push(built);
                    }
                }
            }
        }
    }
    let Some(mut wrapper) = wrapper else {
        return Ok(None);
    };
    for v in versions {
        wrapper.block.body.push(v);
    }
    Ok(Some(
        View::new(Vec::new(), Some((wrapper, backends))).with_unread(&reparser),
    ))
}

/// Properties of `object` named `name`, in order (JSON allows a name twice).
fn props<'o, 'a>(
    object: &'o Object<'a>,
    name: &'o str,
) -> impl Iterator<Item = &'o ObjectProp<'a>> {
    object
        .properties
        .iter()
        .filter(move |p| p.name.as_str() == name)
}

/// A block's bodies: an object, or each object of a list.
fn objects<'o, 'a>(value: &'o Value<'a>) -> Vec<&'o Object<'a>> {
    match value {
        Value::Object(o) => vec![o],
        Value::Array(a) => a
            .elements
            .iter()
            .filter_map(|e| match e {
                Value::Object(o) => Some(o),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn entry(prop: &ObjectProp) -> Entry {
    let key = prop.name.range();
    let value = prop.value.range();
    Entry {
        key: key.start..key.end,
        value: value.start..value.end,
        keep: is_identifier(prop.name.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::Span;

    #[test]
    fn object_and_list_forms_with_spans() {
        let text = r#"{"terraform": [{"required_version": ">= 1.6", "backend": [{"s3": {"bucket": "b", "key": "k"}}]}]}"#;
        let view = read(text).unwrap().unwrap();
        let tf = view.body.get_blocks("terraform").next().unwrap();
        let rv = tf.body.get_attribute("required_version").unwrap();
        assert_eq!(&text[rv.value.span().unwrap()], "\">= 1.6\"");
        let s3 = tf.body.get_blocks("backend").next().unwrap();
        let bucket = s3.body.get_attribute("bucket").unwrap();
        assert_eq!(&text[bucket.value.span().unwrap()], "\"b\"");
        let (header, _) = view.block_spans(s3).unwrap();
        assert_eq!(&text[header], "\"s3\"");
    }

    #[test]
    fn invalid_json_is_a_parse_failure() {
        let failure = read("{\"terraform\": {,}}").unwrap_err();
        assert!(failure.message.starts_with("invalid JSON"), "{failure:?}");
        assert!(read("[1]").unwrap().is_none());
    }
}
