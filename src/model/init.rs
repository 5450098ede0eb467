//! What `terraform init` passes to a module: the model side of the pairings found in
//! workflows, scripts and `tfblint.toml` (see [`crate::input::init::pairing`]).
//!
//! A `-backend-config=KEY=VALUE` setting becomes an attribute as Terraform builds it
//! (`configValueFromCLI` in `internal/command/init.go`): a value of a primitive type stays the
//! string it was given (Terraform converts it to the argument's type), any other type is read
//! as an HCL expression. The attribute is parsed from a text laid out so that its spans are
//! those of the value in the file that holds the command, so findings land on that argument.

use std::ops::Range;

use hcl_edit::structure::Attribute;

use crate::input::init::settings::{attributes, SettingText};
use crate::input::init::SettingValue;
use crate::input::source::SourceFile;
use crate::model::schema::{s3_argument, Type};

/// A file of the module ([`super::context::Module::files`]) or one brought in by a pairing
/// ([`InitData::files`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRef {
    Local(usize),
    Extra(usize),
}

/// Everything init commands pass to one module, owned by the module.
#[derive(Debug, Default)]
pub struct InitData {
    /// Partial files from other directories and the files holding the commands.
    pub files: Vec<SourceFile>,
    /// One per init command (or `tfblint.toml` pairing) that initialises the module.
    pub configs: Vec<InitConfig>,
    /// Byte ranges of credential values in the extra files, masked in every snippet.
    pub secrets: Vec<(usize, std::sync::Arc<[Range<usize>]>)>,
}

/// One init command's contribution, in command-line order.
#[derive(Debug)]
pub struct InitConfig {
    /// The file holding the command (`None`: a `tfblint.toml` pairing).
    pub source: Option<usize>,
    /// The command in that file.
    pub span: Range<usize>,
    pub items: Vec<InitItem>,
}

#[derive(Debug)]
pub enum InitItem {
    /// A partial configuration file.
    File(FileRef),
    /// `KEY=VALUE` on the command line.
    Setting(Box<CliSetting>),
    /// A file path that resolves to nothing, or (`outside`) to a file outside the repository,
    /// which is never read.
    Missing {
        written: String,
        arg: Range<usize>,
        outside: bool,
    },
    /// A value tfblint cannot know: the configuration is open.
    Unknown { arg: Range<usize> },
}

/// A `-backend-config=KEY=VALUE` setting, with its attribute as Terraform builds it.
#[derive(Debug)]
pub struct CliSetting {
    /// The file holding the command (index in [`InitData::files`]).
    pub file: usize,
    pub attr: Attribute,
    pub key_span: Range<usize>,
    pub value_span: Range<usize>,
    /// The whole `-backend-config=…` argument.
    pub arg: Range<usize>,
    pub value: SettingValue,
}

impl CliSetting {
    /// Builds the attribute for `key` = `value` alone (`None` when the value is unknown: it is
    /// then an interpolation, which value rules read as unknown). The pipeline builds every
    /// setting of a file at once instead ([`crate::input::init::pairing::Pairings::setting_attr`]).
    pub fn new(
        file: usize,
        key: &str,
        value: SettingValue,
        key_span: Range<usize>,
        value_span: Range<usize>,
        arg: Range<usize>,
    ) -> Option<CliSetting> {
        let text = SettingText {
            key,
            value: &value,
            value_start: value_span.start,
        };
        let attr = attributes(&[text], &is_primitive).remove(&value_span.start)?;
        Some(CliSetting::with_attr(
            file, attr, value, key_span, value_span, arg,
        ))
    }

    /// The setting with its attribute, built already.
    pub fn with_attr(
        file: usize,
        attr: Attribute,
        value: SettingValue,
        key_span: Range<usize>,
        value_span: Range<usize>,
        arg: Range<usize>,
    ) -> CliSetting {
        CliSetting {
            file,
            attr,
            key_span,
            value_span,
            arg,
            value,
        }
    }
}

/// Whether Terraform keeps a `-backend-config` value for `key` as the string it was given (an
/// argument of a primitive type, or one it does not know), rather than reading it as HCL.
pub fn is_primitive(key: &str) -> bool {
    s3_argument(key).is_none_or(|a| matches!(a.ty, Type::String | Type::Bool | Type::Number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::Literal;
    use hcl_edit::Span;

    fn setting(key: &str, value: SettingValue, at: usize, len: usize) -> CliSetting {
        CliSetting::new(0, key, value, 0..0, at..at + len, 0..0).expect("attribute")
    }

    #[test]
    fn primitive_values_stay_strings_and_objects_are_hcl() {
        let s = setting("use_lockfile", SettingValue::Literal("true".into()), 40, 4);
        assert_eq!(Literal::of(&s.attr.value), Literal::Str("true"));
        assert_eq!(Literal::of(&s.attr.value).as_bool(), Some(true));
        let text = "{s3=\"https://nyc3.digitaloceanspaces.com\"}";
        let s = setting(
            "endpoints",
            SettingValue::Literal(text.into()),
            30,
            text.len(),
        );
        assert!(matches!(Literal::of(&s.attr.value), Literal::Object(_)));
        assert_eq!(s.attr.value.span(), Some(30..30 + text.len()));
    }

    #[test]
    fn unknown_redacted_and_odd_values() {
        let s = setting("bucket", SettingValue::Dynamic { secret_ref: false }, 3, 5);
        assert!(Literal::of(&s.attr.value).is_dynamic());
        let s = setting("secret_key", SettingValue::Redacted { len: 12 }, 50, 12);
        assert_eq!(Literal::of(&s.attr.value), Literal::Str("************"));
        let s = setting("key", SettingValue::Literal("a\"${b}%{c}\\".into()), 0, 9);
        assert_eq!(Literal::of(&s.attr.value), Literal::Str("a\"${b}%{c}\\"));
        let s = setting("endpoints", SettingValue::Literal("{not hcl".into()), 9, 8);
        assert_eq!(Literal::of(&s.attr.value), Literal::Str("{not hcl"));
        let s = setting("9bad key", SettingValue::Literal("x".into()), 0, 1);
        assert_eq!(s.attr.key.as_str(), "9bad key");
    }
}
