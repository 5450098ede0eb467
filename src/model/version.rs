//! Terraform `required_version` constraints, with the semantics hashicorp/go-version gives them
//! inside Terraform, evaluated over Terraform release versions `X.Y.Z`.
//!
//! Release versions never carry a prerelease here: Terraform strips its own before checking, and
//! rejects prerelease constraints outright.

use std::fmt;
use std::ops::Range;

/// A Terraform release version `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    /// The smallest version, `0.0.0`.
    pub const MIN: Version = Version::new(0, 0, 0);

    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// The next version in release order, or `None` after the largest representable one.
    pub fn successor(self) -> Option<Version> {
        let (x, y, z) = (self.major, self.minor, self.patch);
        match (z.checked_add(1), y.checked_add(1)) {
            (Some(z), _) => Some(Version::new(x, y, z)),
            (None, Some(y)) => Some(Version::new(x, y, 0)),
            (None, None) => x.checked_add(1).map(|x| Version::new(x, 0, 0)),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A half-open interval `[lo, hi)`; `hi = None` is +infinity.
type Interval = (Version, Option<Version>);

/// A set of versions as sorted, disjoint, non-adjacent half-open intervals `[lo, hi)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSet {
    intervals: Vec<Interval>,
}

impl VersionSet {
    /// Every version: `[0.0.0, inf)`.
    pub fn all() -> Self {
        Self::range(Version::MIN, None)
    }

    pub fn empty() -> Self {
        Self::from_intervals(Vec::new())
    }

    /// The versions in `[lo, hi)` (`hi = None` is unbounded); empty when `lo >= hi`.
    pub fn range(lo: Version, hi: Option<Version>) -> Self {
        Self::from_intervals(vec![(lo, hi)])
    }

    /// Normalises arbitrary intervals: drops empty ones, sorts, merges overlapping/adjacent ones.
    fn from_intervals(mut raw: Vec<Interval>) -> Self {
        raw.retain(|&(lo, hi)| hi.is_none_or(|h| lo < h));
        raw.sort_by_key(|&(lo, _)| lo);
        let mut intervals: Vec<Interval> = Vec::with_capacity(raw.len());
        for (lo, hi) in raw {
            match intervals.last_mut() {
                Some(last) if last.1.is_none_or(|h| lo <= h) => {
                    last.1 = last.1.zip(hi).map(|(a, b)| a.max(b));
                }
                _ => intervals.push((lo, hi)),
            }
        }
        VersionSet { intervals }
    }

    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    pub fn contains(&self, v: Version) -> bool {
        self.intervals
            .iter()
            .any(|&(lo, hi)| lo <= v && hi.is_none_or(|h| v < h))
    }

    pub fn intersect(&self, other: &VersionSet) -> VersionSet {
        let mut raw = Vec::new();
        for &(alo, ahi) in &self.intervals {
            for &(blo, bhi) in &other.intervals {
                let hi = match (ahi, bhi) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                raw.push((alo.max(blo), hi));
            }
        }
        Self::from_intervals(raw)
    }

    /// The smallest admitted version.
    pub fn lowest(&self) -> Option<Version> {
        self.intervals.first().map(|&(lo, _)| lo)
    }

    /// Whether some admitted version is strictly below `v`.
    pub fn admits_below(&self, v: Version) -> bool {
        self.lowest().is_some_and(|lo| lo < v)
    }

    /// The exclusive supremum when the set is bounded; `None` when unbounded or empty.
    pub fn upper_bound(&self) -> Option<Version> {
        self.intervals.last().and_then(|&(_, hi)| hi)
    }

    pub fn intervals(&self) -> impl Iterator<Item = (Version, Option<Version>)> + '_ {
        self.intervals.iter().copied()
    }
}

impl fmt::Display for VersionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.intervals.is_empty() {
            return f.write_str("no version");
        }
        for (i, &(lo, hi)) in self.intervals.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            match hi {
                Some(h) if lo.successor() == Some(h) => write!(f, "= {lo}")?,
                None if lo == Version::MIN => f.write_str("any version")?,
                None => write!(f, ">= {lo}")?,
                Some(h) if lo == Version::MIN => write!(f, "< {h}")?,
                Some(h) => write!(f, ">= {lo}, < {h}")?,
            }
        }
        Ok(())
    }
}

/// The intersection of all `sets`; [`VersionSet::all`] when there are none.
pub fn intersect_all<'a>(sets: impl IntoIterator<Item = &'a VersionSet>) -> VersionSet {
    sets.into_iter()
        .fold(VersionSet::all(), |acc, s| acc.intersect(s))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Pessimistic,
}

/// Operator spellings, longest first so that `>=` wins over `>`.
const OPERATORS: [(&str, Op); 7] = [
    ("~>", Op::Pessimistic),
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("!=", Op::Ne),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
];

impl Op {
    pub fn as_str(self) -> &'static str {
        OPERATORS
            .iter()
            .find(|&&(_, op)| op == self)
            .map_or("=", |&(s, _)| s)
    }
}

/// One comma-separated clause of a constraint, `[op] version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub op: Op,
    /// False when no operator was written (`"1.6.3"`).
    pub op_written: bool,
    /// The version's segments as written, e.g. `[1, 6]` for `1.6`.
    pub segments: Vec<u64>,
    /// Byte range of the trimmed clause within the constraint string.
    pub span: Range<usize>,
    /// The versions this clause admits.
    pub set: VersionSet,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub clauses: Vec<Clause>,
    /// The AND of all clauses.
    pub set: VersionSet,
}

impl Constraint {
    /// The first `~>` clause written with a single segment (`~> 1`): go-version gives it no
    /// upper bound (hashicorp/go-version#162).
    pub fn unbounded_pessimistic(&self) -> Option<&Clause> {
        self.clauses
            .iter()
            .find(|c| c.op == Op::Pessimistic && c.segments.len() == 1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError {
    pub message: String,
    /// Byte range of the offending part within the constraint string.
    pub span: Range<usize>,
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConstraintError {}

fn error(message: impl Into<String>, span: Range<usize>) -> ConstraintError {
    ConstraintError {
        message: message.into(),
        span,
    }
}

/// Go's regexp `\s`: `[\t\n\f\r ]`, which is exactly ASCII whitespace.
fn is_ws(c: char) -> bool {
    c.is_ascii_whitespace()
}

/// Parses a `required_version` string the way Terraform does (go-version `NewConstraint`,
/// plus Terraform's rejection of prerelease constraints).
pub fn parse_constraint(s: &str) -> Result<Constraint, ConstraintError> {
    if s.trim_matches(is_ws).is_empty() {
        return Err(error("version constraint is empty", 0..s.len()));
    }
    let pieces: Vec<&str> = s.split(',').collect();
    let last = pieces.len() - 1;
    let mut clauses = Vec::with_capacity(pieces.len());
    let mut start = 0;
    for (i, piece) in pieces.iter().enumerate() {
        let text = piece.trim_start_matches(is_ws);
        let off = start + piece.len() - text.len();
        let text = text.trim_end_matches(is_ws);
        let comma_after = start + piece.len();
        if text.is_empty() {
            let (message, comma) = match i {
                _ if i == last => ("trailing comma: remove it", start - 1),
                0 => ("leading comma: remove it", comma_after),
                _ => ("empty clause between two commas", comma_after),
            };
            return Err(error(message, comma..comma + 1));
        }
        clauses.push(parse_clause(text, off)?);
        start = comma_after + 1;
    }
    let set = intersect_all(clauses.iter().map(|c| &c.set));
    Ok(Constraint { clauses, set })
}

/// Parses one trimmed, non-empty clause starting at byte `off` of the constraint string.
fn parse_clause(text: &str, off: usize) -> Result<Clause, ConstraintError> {
    let end = off + text.len();
    for (bad, good) in [("=>", ">="), ("=<", "<="), ("==", "=")] {
        if let Some(rest) = text.strip_prefix(bad) {
            let rest = rest.trim_start_matches(is_ws);
            return Err(error(
                format!("`{bad}` is not a valid operator; did you mean `{good} {rest}`?"),
                off..off + bad.len(),
            ));
        }
    }
    for (bad, name) in [("^", "caret"), ("~", "tilde")] {
        if text.starts_with(bad) && !text.starts_with("~>") {
            let rest = text[1..].trim_start_matches(is_ws);
            return Err(error(
                format!("Terraform has no {name} (`{bad}`) operator; did you mean `~> {rest}`?"),
                off..off + 1,
            ));
        }
    }

    let (op, op_len) = OPERATORS
        .iter()
        .find(|(spelling, _)| text.starts_with(spelling))
        .map_or((Op::Eq, 0), |&(spelling, op)| (op, spelling.len()));
    let rest = text[op_len..].trim_start_matches(is_ws);
    let tok_off = end - rest.len();
    if rest.is_empty() {
        return Err(error(
            format!("missing version after `{}`", op.as_str()),
            off..end,
        ));
    }
    let tok = &rest[..rest.find(is_ws).unwrap_or(rest.len())];
    let segments = parse_version(tok, tok_off)?;

    let trailing = rest[tok.len()..].trim_start_matches(is_ws);
    if !trailing.is_empty() {
        let head = &text[..text.len() - rest.len() + tok.len()];
        let message = if trailing.starts_with(|c: char| "<>=!~^v".contains(c) || c.is_ascii_digit())
        {
            format!("clauses must be separated by a comma; did you mean `{head}, {trailing}`?")
        } else {
            format!("unexpected `{trailing}` after version `{tok}`")
        };
        return Err(error(message, end - trailing.len()..end));
    }

    Ok(Clause {
        op,
        op_written: op_len > 0,
        set: clause_set(op, &segments),
        segments,
        span: off..end,
    })
}

/// Parses a version token (`v1.6.3`) into its numeric segments.
fn parse_version(tok: &str, off: usize) -> Result<Vec<u64>, ConstraintError> {
    let fail = |message: String| Err(error(message, off..off + tok.len()));
    let body = tok.strip_prefix('v').unwrap_or(tok);
    let num_len = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (num, tail) = body.split_at(num_len);
    if (num.is_empty() || num.ends_with('.')) && tail.starts_with(['x', 'X', '*']) {
        return fail(format!(
            "wildcard version `{tok}` is not supported; use `~>` or a `>=`/`<` range"
        ));
    }
    if num.is_empty() || num.starts_with('.') {
        return fail(format!("`{tok}` is not a valid version"));
    }
    if num.ends_with('.') && !tail.is_empty() {
        return fail(format!("version `{tok}` has a non-numeric segment"));
    }
    let mut segments = Vec::new();
    for seg in num.split('.') {
        if seg.is_empty() {
            return fail(format!("version `{tok}` has an empty segment"));
        }
        // go-version reads segments as int64.
        match seg.parse::<u64>() {
            Ok(n) if i64::try_from(n).is_ok() => segments.push(n),
            _ => return fail(format!("version segment `{seg}` in `{tok}` is too large")),
        }
    }
    if tail.is_empty() {
        Ok(segments)
    } else if is_prerelease_or_build(tail) {
        fail(format!(
            "Prerelease version constraints are not supported: remove `{tail}` from `{tok}`"
        ))
    } else {
        fail(format!("`{tok}` is not a valid version"))
    }
}

/// Whether `tail` is a go-version prerelease and/or build suffix (`-beta1`, `rc.1`, `+abc`).
fn is_prerelease_or_build(tail: &str) -> bool {
    let idents = |s: &str| {
        s.split('.').all(|id| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '~')
        })
    };
    let (pre, build) = match tail.split_once('+') {
        Some((pre, build)) => (pre, Some(build)),
        None => (tail, None),
    };
    // Without a hyphen, a prerelease must start with a letter, `-` or `~` (go-version regexp).
    let pre_ok = pre.is_empty()
        || (pre.starts_with(|c: char| c.is_ascii_alphabetic() || c == '-' || c == '~')
            && idents(pre.strip_prefix('-').unwrap_or(pre)));
    pre_ok && build.is_none_or(idents)
}

/// The release versions admitted by `op` applied to a constraint version with `segs`
/// (missing segments are zero; extra segments make the version fall between releases).
fn clause_set(op: Op, segs: &[u64]) -> VersionSet {
    let at = |i: usize| segs.get(i).copied().unwrap_or(0);
    let head = Version::new(at(0), at(1), at(2));
    // Is the constraint version itself a release (segments past the third all zero)?
    let exact = segs.iter().skip(3).all(|&s| s == 0);
    let next = head.successor(); // smallest release above the constraint version
    let ceil = if exact { Some(head) } else { next }; // smallest release at or above it
    let from =
        |lo: Option<Version>, hi| lo.map_or_else(VersionSet::empty, |lo| VersionSet::range(lo, hi));
    let below = |hi| VersionSet::range(Version::MIN, hi);
    match op {
        Op::Eq if exact => VersionSet::range(head, next),
        Op::Ne if exact => {
            let below_and_above = [(Version::MIN, Some(head))].into_iter();
            VersionSet::from_intervals(below_and_above.chain(next.map(|n| (n, None))).collect())
        }
        Op::Eq => VersionSet::empty(),
        Op::Ne => VersionSet::all(),
        Op::Gt => from(next, None),
        Op::Ge => from(ceil, None),
        Op::Lt => below(ceil),
        Op::Le => below(next),
        // go-version#162: `~> X` only means `>= X.0.0`.
        Op::Pessimistic if segs.len() == 1 => from(ceil, None),
        // `~> X.Y` stays below (X+1).0.0, `~> X.Y.Z` below X.(Y+1).0.
        Op::Pessimistic if segs.len() <= 3 => {
            let top = if segs.len() == 2 {
                Version::new(head.major, u64::MAX, u64::MAX)
            } else {
                Version::new(head.major, head.minor, u64::MAX)
            };
            from(ceil, top.successor())
        }
        // go-version rejects every release when the constraint has more than three segments.
        Op::Pessimistic => VersionSet::empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const fn v(major: u64, minor: u64, patch: u64) -> Version {
        Version::new(major, minor, patch)
    }

    fn parse(s: &str) -> Constraint {
        parse_constraint(s).unwrap_or_else(|e| panic!("{s:?}: {}", e.message))
    }

    fn ivs(s: &VersionSet) -> Vec<(Version, Option<Version>)> {
        s.intervals().collect()
    }

    #[test]
    fn version_order_and_successor() {
        assert_eq!(v(1, 6, 3).to_string(), "1.6.3");
        assert!(v(1, 10, 0) > v(1, 9, 9));
        assert_eq!(v(1, 2, u64::MAX).successor(), Some(v(1, 3, 0)));
        assert_eq!(v(1, u64::MAX, u64::MAX).successor(), Some(v(2, 0, 0)));
        assert_eq!(v(u64::MAX, u64::MAX, u64::MAX).successor(), None);
    }

    type Intervals = &'static [(Version, Option<Version>)];

    #[rustfmt::skip]
    const DISPLAYED: &[(&str, Intervals, &str)] = &[
        ("~> 1.6.3", &[(v(1, 6, 3), Some(v(1, 7, 0)))], ">= 1.6.3, < 1.7.0"),
        ("!= 1.6.3", &[(v(0, 0, 0), Some(v(1, 6, 3))), (v(1, 6, 4), None)], "< 1.6.3 or >= 1.6.4"),
        ("= 1.6", &[(v(1, 6, 0), Some(v(1, 6, 1)))], "= 1.6.0"),
        ("> 1.5", &[(v(1, 5, 1), None)], ">= 1.5.1"),
        ("~> 0", &[(v(0, 0, 0), None)], "any version"),
        ("= 1.6.3.1", &[], "no version"),
    ];

    #[test]
    fn display_names_exact_intervals() {
        for &(input, intervals, shown) in DISPLAYED {
            let set = parse(input).set;
            assert_eq!(
                (ivs(&set).as_slice(), set.to_string().as_str()),
                (intervals, shown)
            );
        }
    }

    /// Each constraint and its admitted set, written with `VersionSet`'s (exact) Display.
    #[rustfmt::skip]
    const SETS: &[(&str, &str)] = &[
        ("= 1.6.3", "= 1.6.3"), ("1.6.3", "= 1.6.3"), ("= 1.6", "= 1.6.0"),
        ("!= 1.6.3", "< 1.6.3 or >= 1.6.4"), ("!= 0.0.0", ">= 0.0.1"),
        ("> 1.5", ">= 1.5.1"), (">= 1.6", ">= 1.6.0"),
        ("< 1.0.0", "< 1.0.0"), ("<= 1.6", "< 1.6.1"), ("<= 0", "= 0.0.0"),
        ("~> 1", ">= 1.0.0"), ("~> 0", "any version"),
        ("~> 1.6", ">= 1.6.0, < 2.0.0"), ("~> 0.15", ">= 0.15.0, < 1.0.0"),
        ("~> 1.6.3", ">= 1.6.3, < 1.7.0"),
        // `>= 1.2.3.4, < 1.2.4` holds no release; go-version also rejects `~> 1.2.3.0`.
        ("~> 1.2.3.4", "no version"), ("~> 1.2.3.0", "no version"),
        (">= 1.0, != 1.6.3", ">= 1.0.0, < 1.6.3 or >= 1.6.4"),
        (">= 2.0, < 1.9", "no version"), (">= 1.0, >= 1.6.3", ">= 1.6.3"),
        ("= 1.6, = 1.7", "no version"), (">= 1.6, ~> 1.2", ">= 1.6.0, < 2.0.0"),
        (">= v1.6", ">= 1.6.0"), ("v1.6.3", "= 1.6.3"), ("~>v1.6", ">= 1.6.0, < 2.0.0"),
        (">=1.6.3", ">= 1.6.3"), ("  >=  1.6.3 ,< 2 ", ">= 1.6.3, < 2.0.0"),
        ("\t>=\n1.6\r", ">= 1.6.0"), (">= 01.06", ">= 1.6.0"),
        (">= 1.6.3.1", ">= 1.6.4"), ("> 1.6.3.0", ">= 1.6.4"), ("> 1.6.3.1", ">= 1.6.4"),
        ("< 1.6.3.1", "< 1.6.4"), ("<= 1.6.3.1", "< 1.6.4"), ("< 1.6.3.0", "< 1.6.3"),
        ("= 1.6.3.1", "no version"), ("= 1.6.3.0.0", "= 1.6.3"), ("!= 1.6.3.1", "any version"),
    ];

    #[test]
    fn admitted_sets() {
        for (input, expected) in SETS {
            assert_eq!(parse(input).set.to_string(), *expected, "{input:?}");
        }
    }

    #[rustfmt::skip]
    const FIELDS: &[(Op, bool, &[u64], &str)] = &[
        (Op::Ge, true, &[1, 6, 3], ">=  1.6.3"), (Op::Lt, true, &[2], "< 2"),
        (Op::Eq, false, &[1, 6, 3, 1], "1.6.3.1"), (Op::Pessimistic, true, &[1], "~> 1"),
        (Op::Eq, true, &[1], "=1"), (Op::Ne, true, &[2], "!=2"), (Op::Gt, true, &[3], ">3"),
        (Op::Le, true, &[4], "<=4"),
    ];

    #[test]
    fn clause_fields() {
        let s = "  >=  1.6.3 ,< 2 , 1.6.3.1,~> 1,=1,!=2,>3,<=4";
        let c = parse(s);
        let got: Vec<_> = c
            .clauses
            .iter()
            .map(|c| (c.op, c.op_written, &c.segments[..], &s[c.span.clone()]))
            .collect();
        assert_eq!(got, FIELDS);
        assert_eq!(
            c.clauses[1].set,
            VersionSet::range(v(0, 0, 0), Some(v(2, 0, 0)))
        );
        assert_eq!(c.unbounded_pessimistic(), Some(&c.clauses[3]));
        assert_eq!(parse("~> 1.6, ~> 1.6.0").unbounded_pessimistic(), None);
    }

    #[rustfmt::skip]
    const BOUNDS: &[(&str, Option<Version>, Option<Version>)] = &[
        (">= 1.0, != 1.6.3", Some(v(1, 0, 0)), None), ("> 1.5", Some(v(1, 5, 1)), None),
        ("< 1.0.0", Some(v(0, 0, 0)), Some(v(1, 0, 0))), ("<= 1.6.3", Some(v(0, 0, 0)), Some(v(1, 6, 4))),
        ("~> 1.6", Some(v(1, 6, 0)), Some(v(2, 0, 0))), (">= 1.6.3.1", Some(v(1, 6, 4)), None),
        (">= 2.0, < 1.9", None, None), ("~> 1", Some(v(1, 0, 0)), None),
    ];

    #[rustfmt::skip]
    const MEMBERS: &[(&str, Version, bool)] = &[
        (">= 1.0, != 1.6.3", v(1, 6, 4), true), (">= 1.0, != 1.6.3", v(1, 6, 3), false),
        ("~> 1.6", v(1, 6, 0), true), ("~> 1.6", v(1, 99, 0), true), ("~> 1.6", v(2, 0, 0), false),
        (">= 1.6.3.1", v(1, 6, 3), false), ("<= 1.6.3.1", v(1, 6, 3), true), ("~> 1", v(99, 0, 0), true),
    ];

    #[test]
    fn queries() {
        for &(input, lowest, upper) in BOUNDS {
            let set = parse(input).set;
            assert_eq!(
                (set.lowest(), set.upper_bound()),
                (lowest, upper),
                "{input}"
            );
        }
        for &(input, ver, admitted) in MEMBERS {
            assert_eq!(parse(input).set.contains(ver), admitted, "{input} ∋ {ver}");
        }
        let pess = parse("~> 1.6").set;
        assert!(pess.admits_below(v(1, 6, 1)) && !pess.admits_below(v(1, 6, 0)));
        assert!(!VersionSet::empty().admits_below(v(9, 0, 0)));
        assert!(parse(">= 2.0")
            .set
            .intersect(&parse("< 1.9").set)
            .is_empty());
        let (ge1, ge163) = (parse(">= 1.0").set, parse(">= 1.6.3").set);
        assert_eq!(ge1.intersect(&ge163).lowest(), Some(v(1, 6, 3)));
        assert_eq!(intersect_all([]), VersionSet::all());
        let (lo, hi) = (parse(">= 1.6").set, parse("< 2").set);
        assert_eq!(intersect_all([&lo, &hi]), parse("~> 1.6").set);
    }

    #[rustfmt::skip]
    const ERRORS: &[(&str, &str, Range<usize>)] = &[
        ("", "version constraint is empty", 0..0),
        ("  \t", "version constraint is empty", 0..3),
        (">= 1.6,", "trailing comma: remove it", 6..7),
        (", >= 1.6", "leading comma: remove it", 0..1),
        (">= 1,, < 2", "empty clause between two commas", 5..6),
        ("=> 1.6", "`=>` is not a valid operator; did you mean `>= 1.6`?", 0..2),
        ("=< 1.6", "`=<` is not a valid operator; did you mean `<= 1.6`?", 0..2),
        ("== 1.6", "`==` is not a valid operator; did you mean `= 1.6`?", 0..2),
        ("^1.6", "Terraform has no caret (`^`) operator; did you mean `~> 1.6`?", 0..1),
        ("~1.6", "Terraform has no tilde (`~`) operator; did you mean `~> 1.6`?", 0..1),
        ("1.x", "wildcard version `1.x` is not supported; use `~>` or a `>=`/`<` range", 0..3),
        ("*", "wildcard version `*` is not supported; use `~>` or a `>=`/`<` range", 0..1),
        (">= 1.6 < 2", "clauses must be separated by a comma; did you mean `>= 1.6, < 2`?", 7..10),
        ("1..2", "version `1..2` has an empty segment", 0..4),
        (">= 1.", "version `1.` has an empty segment", 3..5),
        ("1.beta", "version `1.beta` has a non-numeric segment", 0..6),
        ("~> abc", "`abc` is not a valid version", 3..6),
        ("v 1.6", "`v` is not a valid version", 0..1),
        (">=", "missing version after `>=`", 0..2),
        ("1.6 foo", "unexpected `foo` after version `1.6`", 4..7),
        ("1.6.0-", "`1.6.0-` is not a valid version", 0..6),
        ("1.6.0+", "`1.6.0+` is not a valid version", 0..6),
        ("1.9223372036854775808", "version segment `9223372036854775808` in `1.9223372036854775808` is too large", 0..21),
        (">= 1.6.0-beta1", "Prerelease version constraints are not supported: remove `-beta1` from `1.6.0-beta1`", 3..14),
        ("1.6.0+abc", "Prerelease version constraints are not supported: remove `+abc` from `1.6.0+abc`", 0..9),
        ("~> v1.6.0-rc.1+b.2", "Prerelease version constraints are not supported: remove `-rc.1+b.2` from `v1.6.0-rc.1+b.2`", 3..18),
        ("1.6.0beta", "Prerelease version constraints are not supported: remove `beta` from `1.6.0beta`", 0..9),
    ];

    #[test]
    fn malformed_constraints() {
        for (input, message, span) in ERRORS {
            let e = parse_constraint(input).expect_err(input);
            assert_eq!(
                (e.message.as_str(), e.span),
                (*message, span.clone()),
                "{input:?}"
            );
        }
    }

    /// go-version's checks, transliterated: compare zero-padded segment vectors.
    fn reference_holds(op: &str, c: &[u64], ver: Version) -> bool {
        use std::cmp::Ordering::*;
        let n = c.len().max(3);
        let pad =
            |s: &[u64]| -> Vec<u64> { (0..n).map(|i| s.get(i).copied().unwrap_or(0)).collect() };
        let (a, b) = (pad(&[ver.major, ver.minor, ver.patch]), pad(c));
        let ord = a.cmp(&b);
        match op {
            "" | "=" => ord == Equal,
            "!=" => ord != Equal,
            ">" => ord == Greater,
            ">=" => ord != Less,
            "<" => ord == Less,
            "<=" => ord != Greater,
            // A release has 3 segments, fewer than a longer constraint: never admitted.
            "~>" => ord != Less && n == 3 && a[..c.len() - 1] == b[..c.len() - 1] && a[2] >= b[2],
            _ => unreachable!("{op}"),
        }
    }

    type GenClause = (&'static str, Vec<u64>);

    fn arb_clauses() -> impl Strategy<Value = Vec<GenClause>> {
        let op = prop::sample::select(vec!["", "=", "!=", ">", ">=", "<", "<=", "~>"]);
        prop::collection::vec((op, prop::collection::vec(0u64..4, 1..=5)), 1..4)
    }

    fn render(clauses: &[GenClause], sep: &str) -> String {
        let render_one = |(op, segs): &GenClause| {
            let segs: Vec<String> = segs.iter().map(u64::to_string).collect();
            format!("{sep}{op}{sep}{}{sep}", segs.join("."))
        };
        clauses.iter().map(render_one).collect::<Vec<_>>().join(",")
    }

    fn arb_version() -> impl Strategy<Value = Version> {
        (0u64..5, 0u64..5, 0u64..5).prop_map(|(a, b, c)| v(a, b, c))
    }

    fn arb_set() -> impl Strategy<Value = VersionSet> {
        let interval = (arb_version(), prop::option::of(arb_version()));
        prop::collection::vec(interval, 0..4).prop_map(VersionSet::from_intervals)
    }

    proptest! {
        #[test]
        fn contains_agrees_with_reference(clauses in arb_clauses(), spaced: bool, ver in arb_version()) {
            let c = parse(&render(&clauses, if spaced { " " } else { "" }));
            prop_assert_eq!(c.set.contains(ver), clauses.iter().all(|(op, segs)| reference_holds(op, segs, ver)));
            for (clause, (op, segs)) in c.clauses.iter().zip(&clauses) {
                prop_assert_eq!(clause.set.contains(ver), reference_holds(op, segs, ver));
                prop_assert_eq!(&clause.segments, segs);
            }
        }

        #[test]
        fn lowest_is_the_minimum(clauses in arb_clauses()) {
            let s = parse(&render(&clauses, " ")).set;
            let Some(lo) = s.lowest() else {
                prop_assert!(s.is_empty());
                return Ok(());
            };
            prop_assert!(s.contains(lo));
            let grid = (0..6).flat_map(|a| (0..6).flat_map(move |b| (0..6).map(move |c| v(a, b, c))));
            for g in grid.filter(|&g| g < lo) {
                prop_assert!(!s.contains(g), "{} admitted below lowest {}", g, lo);
            }
        }

        #[test]
        fn intersect_laws(a in arb_set(), b in arb_set(), ver in arb_version()) {
            prop_assert_eq!(a.intersect(&b), b.intersect(&a));
            prop_assert_eq!(a.intersect(&a), a.clone());
            prop_assert_eq!(a.intersect(&b).contains(ver), a.contains(ver) && b.contains(ver));
            // Normal form: non-empty, sorted, disjoint, non-adjacent intervals.
            let iv = ivs(&a);
            prop_assert!(iv.iter().all(|&(lo, hi)| hi.is_none_or(|h| lo < h)));
            prop_assert!(iv.windows(2).all(|w| w[0].1.is_some_and(|h| h < w[1].0)));
        }
    }
}
