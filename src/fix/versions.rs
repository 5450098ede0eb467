//! Rewriting a `required_version` constraint so that it admits nothing below a minimum,
//! clause by clause, keeping every upper bound and exclusion the user wrote.

use crate::diagnostic::Edit;
use crate::fix::edits;
use crate::model::constraints::{Parsed, RequiredVersion};
use crate::model::version::{parse_constraint, Constraint, Op, Version};

/// `>= 1.5` → `>= 1.6.3`; `~> 1.6` → `>= 1.6.3, < 2.0.0`; `>= 1.0, < 1.9` → `>= 1.6.3, < 1.9`.
/// `None` when the constraint cannot admit `min` without dropping what it pins (`= 1.5.7`, an
/// upper bound below `min`).
pub fn raise_lower_bound(text: &str, constraint: &Constraint, min: Version) -> Option<String> {
    let lower = format!(">= {min}");
    let mut out: Vec<String> = Vec::new();
    let mut lower_added = false;
    let mut add_lower = |out: &mut Vec<String>| {
        if !lower_added {
            out.push(lower.clone());
            lower_added = true;
        }
    };
    for clause in &constraint.clauses {
        let written = text.get(clause.span.clone())?.to_string();
        let high_enough = clause.set.lowest().is_some_and(|lo| lo >= min);
        match clause.op {
            Op::Lt | Op::Le => {
                if !clause.set.contains(min) {
                    return None;
                }
                out.push(written);
            }
            Op::Ne => out.push(written),
            Op::Ge | Op::Gt if high_enough => out.push(written),
            Op::Ge | Op::Gt => add_lower(&mut out),
            Op::Pessimistic if high_enough => out.push(written),
            Op::Pessimistic => {
                add_lower(&mut out);
                // Its implied upper bound stays when it still admits `min`.
                if let Some(upper) = clause.set.upper_bound().filter(|&u| u > min) {
                    out.push(format!("< {upper}"));
                }
            }
            Op::Eq if high_enough => out.push(written),
            Op::Eq => return None,
        }
    }
    if !lower_added {
        out.insert(0, lower);
    }
    verified(out.join(", "), min)
}

/// `~> 1.11` (for `min` 1.11.0) plus the upper bounds and exclusions the constraint had.
pub fn pessimistic_at_least(text: &str, constraint: &Constraint, min: Version) -> Option<String> {
    let base = format!("~> {}.{}", min.major, min.minor);
    let base_set = parse_constraint(&base).ok()?.set;
    let mut out = vec![base];
    for clause in &constraint.clauses {
        let written = text.get(clause.span.clone())?.to_string();
        match clause.op {
            Op::Lt | Op::Le => {
                if !clause.set.contains(min) {
                    return None;
                }
                // An upper bound `~>` already implies (`< 2.0.0`) adds nothing.
                if base_set.intersect(&clause.set) != base_set {
                    out.push(written);
                }
            }
            Op::Ne => out.push(written),
            _ => {}
        }
    }
    verified(out.join(", "), min)
}

/// The new text, if it parses and admits `min` and nothing below it.
fn verified(new: String, min: Version) -> Option<String> {
    let parsed = parse_constraint(&new).ok()?;
    (parsed.set.lowest() == Some(min)).then_some(new)
}

/// Replaces the text of a `required_version` string with `new`, when the string is written
/// without escapes (so that what was parsed is what is in the file).
pub fn rewrite(
    rv: &RequiredVersion,
    new: impl FnOnce(&str, &Constraint) -> Option<String>,
) -> Option<Edit> {
    let Parsed::Valid { text, constraint } = &rv.parsed else {
        return None;
    };
    let file = rv.arg.file;
    let contents = file.string_contents(&rv.arg.value_span())?;
    if file.text.get(contents.clone())? != text.as_str() {
        return None;
    }
    Some(edits::replace(contents, new(text, constraint)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raise(s: &str) -> Option<String> {
        raise_lower_bound(s, &parse_constraint(s).unwrap(), Version::new(1, 6, 3))
    }

    fn lockfile(s: &str) -> Option<String> {
        pessimistic_at_least(s, &parse_constraint(s).unwrap(), Version::new(1, 11, 0))
    }

    #[test]
    fn raises_the_lower_bound_keeping_upper_bounds() {
        assert_eq!(raise(">= 1.5").as_deref(), Some(">= 1.6.3"));
        assert_eq!(raise("~> 1.6").as_deref(), Some(">= 1.6.3, < 2.0.0"));
        assert_eq!(raise(">= 1.0, < 1.9").as_deref(), Some(">= 1.6.3, < 1.9"));
        assert_eq!(raise("< 1.9").as_deref(), Some(">= 1.6.3, < 1.9"));
        assert_eq!(raise("~> 1.5.0").as_deref(), Some(">= 1.6.3"));
        assert_eq!(
            raise("> 1.2, != 1.7.0").as_deref(),
            Some(">= 1.6.3, != 1.7.0")
        );
        assert_eq!(raise("= 1.5.7"), None);
        assert_eq!(raise(">= 1.0, < 1.6"), None);
    }

    #[test]
    fn lockfile_constraints_become_pessimistic() {
        assert_eq!(lockfile(">= 1.6.3").as_deref(), Some("~> 1.11"));
        assert_eq!(
            lockfile(">= 1.6.3, < 1.13").as_deref(),
            Some("~> 1.11, < 1.13")
        );
        assert_eq!(lockfile("~> 1.6"), Some("~> 1.11".into()));
        assert_eq!(lockfile(">= 1.6.3, < 2.0.0").as_deref(), Some("~> 1.11"));
        assert_eq!(lockfile(">= 1.0, < 1.10"), None);
    }
}
