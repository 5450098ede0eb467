//! TFB701 shared-state: two s3 configurations write the same state object. Checked across every
//! configuration of a run, not module by module: the linter keeps one small
//! [`StateKey`] per configuration and gives them all to [`check`] at the end.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::{rule_doc, Fixability, Rule, Stores};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::state::{StateKey, StateObject};

pub static RULE: Rule = Rule {
    code: "TFB701",
    name: "shared-state",
    severity: Severity::Error,
    fix: Fixability::Never,
    summary: "Two s3 configurations write the same state file",
    doc: rule_doc!("TFB701"),
    stores: Stores::ALL,
    // Checked across the run ([`check`]), not per module.
    check: None,
};

/// How many other places a message names before it counts the rest.
const NAMED: usize = 3;

/// The keys that write the same state object as each key: for each, the indices of the other
/// configurations (one index per configuration, however often it was seen), in input order.
pub fn partners(keys: &[&StateKey]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); keys.len()];
    for shared in shared(keys) {
        for &i in &shared.members {
            out[i] = shared
                .configurations
                .iter()
                .copied()
                .filter(|&j| !keys[i].same_configuration(keys[j]))
                .collect();
        }
    }
    out
}

/// A state object written by more than one configuration.
struct Shared {
    /// Every key that writes it.
    members: Vec<usize>,
    /// One key per configuration (the first seen), in input order.
    configurations: Vec<usize>,
}

fn shared(keys: &[&StateKey]) -> Vec<Shared> {
    type Seen<'k> = HashSet<(&'k Path, &'k [(String, usize)])>;
    let mut by_object: BTreeMap<&StateObject, (Shared, Seen)> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        let (shared, seen) = by_object.entry(&key.object).or_insert_with(|| {
            let empty = Shared {
                members: Vec::new(),
                configurations: Vec::new(),
            };
            (empty, HashSet::new())
        });
        shared.members.push(i);
        if seen.insert((key.module.as_path(), key.written.as_slice())) {
            shared.configurations.push(i);
        }
    }
    by_object
        .into_values()
        .map(|(shared, _)| shared)
        .filter(|shared| shared.configurations.len() > 1)
        .collect()
}

/// One finding per key whose state another configuration writes too, with the key's index.
/// Each names up to [`NAMED`] other places and counts the rest, so the work stays linear
/// however many configurations share one state.
pub fn check(keys: &[&StateKey]) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::new();
    for shared in shared(keys) {
        let others_count = shared.configurations.len() - 1;
        for &i in &shared.members {
            let own = keys[i];
            // One of the configurations is the key's own: NAMED + 1 hold NAMED others.
            let others: Vec<&StateKey> = shared
                .configurations
                .iter()
                .take(NAMED + 1)
                .map(|&j| keys[j])
                .filter(|other| !own.same_configuration(other))
                .take(NAMED)
                .collect();
            out.push((i, finding(own, &others, others_count)));
        }
    }
    out
}

/// How `other` is named to `own`: its place, or, when both sit on the same line (one file
/// passed to two modules, one block with two partial files), what tells them apart.
fn name_of(own: &StateKey, other: &StateKey) -> String {
    let place = other.place.describe();
    if other.place.file != own.place.file || other.place.start.line != own.place.start.line {
        return format!("`{place}`");
    }
    if other.module != own.module {
        return format!("module `{}`", other.module_display);
    }
    match &other.via {
        Some(via) => format!("the configuration {via}"),
        None => "the backend block alone".to_string(),
    }
}

/// The finding on `own`, naming `others` (the first few of `count` other configurations).
fn finding(own: &StateKey, others: &[&StateKey], count: usize) -> Diagnostic {
    let names: Vec<String> = others.iter().map(|o| name_of(own, o)).collect();
    let mut list = names.join(", ");
    if count > names.len() {
        list.push_str(&format!(" and {} more", count - names.len()));
    }
    let object = &own.object;
    let store = if object.store.starts_with("aws") {
        "AWS".to_string()
    } else {
        format!("`{}`", object.store)
    };
    let workspaces = if others.iter().all(|o| o.prefix == own.prefix) {
        match own.prefix.text() {
            Some(prefix) => format!("; so do their other workspaces (under `{prefix}/`)"),
            None => String::new(),
        }
    } else {
        "; their other workspaces are apart (`workspace_key_prefix` differs)".to_string()
    };
    let message = format!(
        "the state `{}` in bucket `{}` on {store} is also written by {list}: each sees the other's resources in it and plans to destroy them, and each `apply` replaces the other's state{workspaces}",
        object.key, object.bucket
    );
    Diagnostic {
        code: RULE.code,
        name: RULE.name,
        severity: RULE.severity,
        message,
        help: Some("give each configuration a `key` of its own (for example its directory: `jenkins/terraform.tfstate`); before changing one, check with `terraform state list` which resources the shared state holds".into()),
        label: "state written by another configuration too".into(),
        file: own.place.file.clone(),
        span: own.place.span.clone(),
        start: own.place.start,
        end: own.place.end,
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::diagnostic::Position;
    use crate::model::state::{Place, Prefix};

    fn key(module: &str, file: &str, line: usize, prefix: Prefix) -> StateKey {
        let at = Position { line, column: 5 };
        StateKey {
            object: StateObject {
                store: "aws".into(),
                bucket: "b".into(),
                key: "k".into(),
            },
            prefix,
            module: PathBuf::from(module),
            module_display: module.into(),
            written: vec![(file.into(), line * 10)],
            place: Place {
                file: file.into(),
                span: line * 10..line * 10 + 7,
                start: at,
                end: at,
            },
            via: None,
        }
    }

    #[test]
    fn one_configuration_seen_twice_is_no_collision() {
        let a = key("a", "a/main.tf", 3, Prefix::Default);
        assert!(check(&[&a, &a.clone()]).is_empty());
        assert_eq!(
            partners(&[&a, &a.clone()]),
            vec![Vec::<usize>::new(), Vec::new()]
        );
        let b = key("b", "b/main.tf", 4, Prefix::Default);
        let found = check(&[&a, &a.clone(), &b]);
        // Both sightings of `a` name `b`; `b` names `a` once.
        assert_eq!(found.len(), 3);
        assert!(found[2]
            .1
            .message
            .contains("also written by `a/main.tf:3`:"));
        assert!(found[2].1.message.contains("under `env:/`"));
        assert_eq!(
            partners(&[&a, &a.clone(), &b]),
            vec![vec![2], vec![2], vec![0]]
        );
    }

    #[test]
    fn many_partners_are_counted_not_listed() {
        let keys: Vec<StateKey> = (1..=6)
            .map(|i| {
                key(
                    &format!("m{i}"),
                    &format!("m{i}/main.tf"),
                    i,
                    Prefix::Default,
                )
            })
            .collect();
        let refs: Vec<&StateKey> = keys.iter().collect();
        let found = check(&refs);
        assert_eq!(found.len(), 6);
        let first = &found[0].1.message;
        assert!(
            first.contains("`m2/main.tf:2`, `m3/main.tf:3`, `m4/main.tf:4` and 2 more"),
            "{first}"
        );
    }

    #[test]
    fn a_different_prefix_keeps_other_workspaces_apart() {
        let a = key("a", "a/main.tf", 3, Prefix::Default);
        let b = key("b", "b/main.tf", 3, Prefix::Literal("b".into()));
        let found = check(&[&a, &b]);
        assert!(found[0]
            .1
            .message
            .contains("their other workspaces are apart"));
    }
}
