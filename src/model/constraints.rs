//! The module's `required_version` constraints, parsed once and combined.

use std::ops::Range;

use crate::model::context::Arg;
use crate::model::value::Literal;
use crate::model::version::{
    intersect_all, parse_constraint, Constraint, ConstraintError, Version, VersionSet,
};

/// One `required_version` argument and what it says.
#[derive(Debug, Clone)]
pub struct RequiredVersion<'a> {
    pub arg: Arg<'a>,
    pub parsed: Parsed,
}

#[derive(Debug, Clone)]
pub enum Parsed {
    /// `null`: no constraint.
    Null,
    Valid {
        text: String,
        constraint: Constraint,
    },
    /// Terraform would reject it; `span` is the part of the file at fault.
    Invalid { message: String, span: Range<usize> },
}

/// Every `required_version` of a module, and the versions they admit together.
#[derive(Debug, Clone)]
pub struct Constraints<'a> {
    pub items: Vec<RequiredVersion<'a>>,
}

impl<'a> Constraints<'a> {
    pub fn new(args: &[Arg<'a>]) -> Self {
        let items = args
            .iter()
            .map(|&arg| RequiredVersion {
                arg,
                parsed: parse_arg(arg),
            })
            .collect();
        Constraints { items }
    }

    /// The constraints that parsed.
    pub fn valid(&self) -> impl Iterator<Item = (&RequiredVersion<'a>, &str, &Constraint)> {
        self.items.iter().filter_map(|rv| match &rv.parsed {
            Parsed::Valid { text, constraint } => Some((rv, text.as_str(), constraint)),
            _ => None,
        })
    }

    pub fn any_invalid(&self) -> bool {
        self.items
            .iter()
            .any(|rv| matches!(rv.parsed, Parsed::Invalid { .. }))
    }

    /// No constraint at all (none written, or all `null`).
    pub fn is_unconstrained(&self) -> bool {
        self.items
            .iter()
            .all(|rv| matches!(rv.parsed, Parsed::Null))
    }

    /// The versions every constraint admits; `None` when any constraint is invalid, so that
    /// one mistake does not cascade into findings about bounds.
    pub fn admitted(&self) -> Option<VersionSet> {
        if self.any_invalid() {
            return None;
        }
        Some(intersect_all(self.valid().map(|(_, _, c)| &c.set)))
    }

    /// Whether the module may run `version` or a later one: true when nothing constrains it,
    /// or when a constraint is invalid (no claim is built on a mistake).
    pub fn admits_from(&self, version: Version) -> bool {
        self.admitted()
            .is_none_or(|set| !set.intersect(&VersionSet::range(version, None)).is_empty())
    }

    /// When the module admits a version below `minimum`: the lowest such version, and the
    /// constraint that sets the module's lower bound (the one with the highest own lowest
    /// version), which is the one to raise.
    pub fn below(&self, minimum: Version) -> Option<(Version, &RequiredVersion<'a>, &str)> {
        let admitted = self.admitted()?;
        if !admitted.admits_below(minimum) {
            return None;
        }
        let lowest = admitted.lowest()?;
        let (rv, text, _) = self.valid().max_by(|a, b| {
            a.2.set
                .lowest()
                .cmp(&b.2.set.lowest())
                .then(std::cmp::Ordering::Greater)
        })?;
        Some((lowest, rv, text))
    }
}

fn parse_arg(arg: Arg<'_>) -> Parsed {
    let value_span = arg.value_span();
    let text = match arg.literal() {
        Literal::Null => return Parsed::Null,
        Literal::Str(s) => s.to_string(),
        // Terraform converts a number to its decimal string.
        Literal::Number(_) => arg.file.text[value_span.clone()].to_string(),
        Literal::Array => {
            return invalid(value_span, "`required_version` must be a string, not a list (Terraform: \"A string value is required\")".into())
        }
        Literal::Dynamic => {
            return invalid(value_span, "`required_version` must be a literal string: Terraform reads it before anything is evaluated".into())
        }
        other => {
            return invalid(value_span, format!("`required_version` must be a string, not {}", other.describe()))
        }
    };
    match parse_constraint(&text) {
        Ok(constraint) => Parsed::Valid { text, constraint },
        Err(ConstraintError { message, span }) => invalid(narrow(arg, &text, span), message),
    }
}

fn invalid(span: Range<usize>, message: String) -> Parsed {
    Parsed::Invalid { message, span }
}

/// Maps a range inside the constraint string to the file, when the literal is written
/// without escapes (so string and source offsets agree); otherwise the whole value.
pub fn narrow(arg: Arg<'_>, text: &str, inner: Range<usize>) -> Range<usize> {
    let value_span = arg.value_span();
    match arg.file.string_contents(&value_span) {
        Some(contents) if &arg.file.text[contents.clone()] == text && inner.end <= text.len() => {
            if inner.is_empty() {
                value_span
            } else {
                contents.start + inner.start..contents.start + inner.end
            }
        }
        _ => value_span,
    }
}
