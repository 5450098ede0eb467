//! Loading what init commands pass to a module: their partial files from other directories,
//! the files holding the commands (for positions and snippets), and their settings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::input::discover::{FileEntry, ModuleFiles};
use crate::input::init::pairing::{Item, Pairing, Pairings};
use crate::input::source::{FileKind, ParseMode, SourceFile};
use crate::model::init::{is_primitive, CliSetting, FileRef, InitConfig, InitData, InitItem};

use super::buffer::{read_entry, Buffer};

/// The init data of a module whose files are `local` (canonical key → index in the module's
/// sorted files).
pub fn load(
    files: &ModuleFiles,
    local: &HashMap<PathBuf, usize>,
    overrides: &[Buffer],
    mode: ParseMode,
) -> InitData {
    match &files.init {
        Some((key, pairings)) => load_pairings(key, pairings, local, overrides, mode),
        None => InitData::default(),
    }
}

/// The init data of the module `key` from `pairings`.
pub fn load_pairings(
    key: &Path,
    pairings: &Pairings,
    local: &HashMap<PathBuf, usize>,
    overrides: &[Buffer],
    mode: ParseMode,
) -> InitData {
    let mut data = InitData::default();
    let mut sources: HashMap<usize, usize> = HashMap::new();
    let mut partials: HashMap<PathBuf, usize> = HashMap::new();
    for pairing in pairings.for_module(key) {
        let source = pairing.source.map(|i| {
            *sources.entry(i).or_insert_with(|| {
                let s = &pairings.sources[i];
                let index = data.files.len();
                data.files.push(SourceFile::unparsed(
                    s.path.clone(),
                    s.display.clone(),
                    s.text.clone(),
                ));
                data.secrets.push((index, s.secrets.clone()));
                index
            })
        });
        let items = items(
            (pairings, pairing),
            source,
            local,
            &mut partials,
            &mut data,
            overrides,
            mode,
        );
        data.configs.push(InitConfig {
            source,
            span: pairing.span.clone(),
            items,
        });
    }
    data
}

/// The items of `pairing`, one of `pairings`.
fn items(
    (pairings, pairing): (&Pairings, &Pairing),
    source: Option<usize>,
    local: &HashMap<PathBuf, usize>,
    partials: &mut HashMap<PathBuf, usize>,
    data: &mut InitData,
    overrides: &[Buffer],
    mode: ParseMode,
) -> Vec<InitItem> {
    let mut out = Vec::new();
    for item in &pairing.items {
        out.push(match item {
            Item::File { path, display, .. } => match local.get(path) {
                Some(&i) => InitItem::File(FileRef::Local(i)),
                None => {
                    let i = *partials.entry(path.clone()).or_insert_with(|| {
                        data.files
                            .push(read_partial(path, display, overrides, mode));
                        data.files.len() - 1
                    });
                    InitItem::File(FileRef::Extra(i))
                }
            },
            Item::Missing {
                written,
                arg,
                outside,
            } => InitItem::Missing {
                written: written.clone(),
                arg: arg.clone(),
                outside: *outside,
            },
            Item::Unknown { arg } => InitItem::Unknown { arg: arg.clone() },
            Item::Setting {
                key: _,
                key_span,
                value,
                value_span,
                arg,
            } => {
                let setting = source.zip(pairing.source).and_then(|(file, at)| {
                    let attr = pairings.setting_attr(at, value_span.start, &is_primitive)?;
                    Some(CliSetting::with_attr(
                        file,
                        attr.clone(),
                        value.clone(),
                        key_span.clone(),
                        value_span.clone(),
                        arg.clone(),
                    ))
                });
                match setting {
                    Some(s) => InitItem::Setting(Box::new(s)),
                    None => InitItem::Unknown { arg: arg.clone() },
                }
            }
        });
    }
    out
}

/// A partial file from another directory, read as a `.tfbackend` file whatever its name.
fn read_partial(path: &Path, display: &str, overrides: &[Buffer], mode: ParseMode) -> SourceFile {
    let entry = FileEntry {
        path: path.to_path_buf(),
        display: display.to_string(),
        kind: FileKind::TfBackend,
    };
    read_entry(path, &entry, overrides, mode)
}
