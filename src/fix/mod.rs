//! Fixes: how the rules build them (the edit helpers in [`edits`] and [`versions`]), and how
//! a set of fixes is applied to one text. Pure functions of text and edits: the engine that
//! lints, applies, re-lints and writes is `linter::fixer`, a layer above the rules.

pub mod edits;
pub mod versions;

use std::ops::Range;

use crate::diagnostic::{Applicability, Edit, Fix};

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixOptions {
    /// Also apply fixes that change behaviour.
    pub unsafe_fixes: bool,
}

impl FixOptions {
    pub fn applies(&self, fix: &Fix) -> bool {
        fix.applicability == Applicability::Safe || self.unsafe_fixes
    }
}

/// A fix that keeps the configuration's behaviour (`--fix`).
pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
    Fix {
        applicability: Applicability::Safe,
        description: description.into(),
        edits,
    }
}

/// A fix that changes behaviour (`--fix --unsafe-fixes`).
pub fn unsafe_fix(description: impl Into<String>, edits: Vec<Edit>) -> Fix {
    Fix {
        applicability: Applicability::Unsafe,
        description: description.into(),
        edits,
    }
}

/// Applies each fix whole or not at all, in order: a fix whose edits overlap an edit already
/// taken is left for the next pass. A fix with exactly the edits of one already taken (two
/// findings with the same repair) counts as applied. Returns the new text and, per fix,
/// whether it was applied.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, Vec<bool>) {
    let (text, applied, _) = apply(text, fixes);
    (text, applied)
}

/// [`apply_fixes`], also returning the edits taken, sorted.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<bool>, Vec<Edit>) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut taken_fixes: Vec<&Fix> = Vec::new();
    let mut applied = Vec::with_capacity(fixes.len());
    for fix in fixes {
        if taken_fixes.iter().any(|t| t.edits == fix.edits) {
            applied.push(true);
            continue;
        }
        let valid = fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        });
        let own_overlap = fix
            .edits
            .iter()
            .enumerate()
            .any(|(i, a)| fix.edits[i + 1..].iter().any(|b| overlaps(a, b)));
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(e, t)));
        if !valid || own_overlap || clashes || fix.edits.is_empty() {
            applied.push(false);
            continue;
        }
        taken.extend(fix.edits.iter());
        taken_fixes.push(fix);
        applied.push(true);
    }
    // Stable: insertions at one offset keep the order their fixes came in.
    let mut order: Vec<Edit> = taken.into_iter().cloned().collect();
    order.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for edit in &order {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    (out, applied, order)
}

/// Maps every pass's edits back to ranges of the original text: a range of a later text is
/// widened to the whole range of any earlier edit it reaches into.
pub fn touched(passes: &[Vec<Edit>]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (k, pass) in passes.iter().enumerate() {
        for edit in pass {
            let mut range = edit.range.clone();
            for earlier in passes[..k].iter().rev() {
                range = map_back(earlier, range);
            }
            ranges.push(range);
        }
    }
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The range of the text before `edits` (sorted, applied together) that `range` of the text
/// after them comes from: a position inside an edit's replacement maps to the whole range the
/// edit replaced.
fn map_back(edits: &[Edit], range: Range<usize>) -> Range<usize> {
    let back = |p: usize, low: bool| {
        let mut delta: isize = 0;
        for e in edits {
            let start = (e.range.start as isize + delta) as usize;
            let end = start + e.replacement.len();
            if p < start {
                break;
            }
            if p < end || (p == end && !low) || (p == start && low) {
                return if low { e.range.start } else { e.range.end };
            }
            delta += e.replacement.len() as isize - e.range.len() as isize;
        }
        (p as isize - delta) as usize
    };
    let start = back(range.start, true);
    start..back(range.end, false).max(start)
}

/// Two insertions at one offset do not clash (both apply, in order); an insertion clashes with
/// a replacement that touches its offset; replacements clash when they share a byte.
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (&a.range, &b.range);
    match (a.is_empty(), b.is_empty()) {
        (true, true) => false,
        (true, false) => b.start <= a.start && a.start <= b.end,
        (false, true) => a.start <= b.start && b.start <= a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            description: String::new(),
            edits,
        }
    }

    #[test]
    fn overlapping_fixes_wait_and_identical_ones_count_once() {
        let text = "abcdef";
        let a = fix(vec![edits::replace(1..3, "X")]);
        let b = fix(vec![edits::replace(2..4, "Y")]);
        let c = fix(vec![edits::insert(6, "1"), edits::insert(0, ">")]);
        let d = fix(vec![edits::insert(6, "2")]);
        let a2 = a.clone();
        let (out, applied) = apply_fixes(text, &[&a, &b, &c, &d, &a2]);
        assert_eq!(out, ">aXdef12");
        assert_eq!(applied, [true, false, true, true, true]);
    }
}
