pub use crate::input::init::*;
use std::ops::Range;
use std::path::PathBuf;

pub fn at(src: &str, r: &Range<usize>) -> String {
    src[r.clone()].to_string()
}

pub fn all(kind: SourceKind, src: &str) -> Vec<InitCommand> {
    extract(kind, src).expect("extract")
}

pub fn one(kind: SourceKind, src: &str) -> InitCommand {
    let v = all(kind, src);
    assert_eq!(v.len(), 1, "expected one init command, got {v:#?}");
    v.into_iter().next().unwrap()
}

/// Source text of every whole `-backend-config` argument.
pub fn args(src: &str, c: &InitCommand) -> Vec<String> {
    c.backend_configs.iter().map(|a| at(src, &a.span)).collect()
}

pub fn file(src: &str, a: &BackendConfigArg) -> (String, bool, String) {
    match &a.value {
        BackendConfigValue::File {
            path,
            dynamic,
            span,
        } => (path.clone(), *dynamic, at(src, span)),
        v => panic!("not a file: {v:?}"),
    }
}

/// (key, key text in file, value, value text in file)
pub fn setting(src: &str, a: &BackendConfigArg) -> (String, String, SettingValue, String) {
    match &a.value {
        BackendConfigValue::Setting {
            key,
            key_span,
            value,
            value_span,
            ..
        } => (
            key.clone(),
            at(src, key_span),
            value.clone(),
            at(src, value_span),
        ),
        v => panic!("not a setting: {v:?}"),
    }
}

pub fn lit(s: &str) -> SettingValue {
    SettingValue::Literal(s.to_string())
}

pub fn known(base: DirBase, p: &str) -> WorkingDir {
    WorkingDir::Known {
        base,
        path: PathBuf::from(p),
    }
}
