//! A module's files and the pieces of them the model points at: [`Module`] (a directory's
//! files and what `terraform init` passes to it), [`BlockRef`] and [`Arg`]. Plain data below
//! [`crate::model::context`], which builds the model of a module from them.

use std::ops::Range;
use std::path::PathBuf;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block};
use hcl_edit::Span;

use crate::input::source::SourceFile;
use crate::model::init::{CliSetting, FileRef, InitData};
use crate::model::value::Literal;

/// A directory's Terraform files, sorted by path, and what `terraform init` passes to it.
#[derive(Debug, Default)]
pub struct Module {
    pub dir: PathBuf,
    pub files: Vec<SourceFile>,
    pub init: InitData,
}

impl Module {
    pub fn file(&self, r: FileRef) -> &SourceFile {
        match r {
            FileRef::Local(i) => &self.files[i],
            FileRef::Extra(i) => &self.init.files[i],
        }
    }

    /// Every file: the directory's, then those init commands bring in.
    pub fn all_files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter().chain(&self.init.files)
    }
}

/// A block and the file it is in.
#[derive(Debug, Clone, Copy)]
pub struct BlockRef<'a> {
    pub file: &'a SourceFile,
    pub block: &'a Block,
}

impl<'a> BlockRef<'a> {
    /// `backend "s3"`: from the identifier to the end of the last label.
    ///
    /// A block a reader built (from a Terragrunt `config` map, a JSON object) is where the
    /// reader says it is written.
    pub fn header_span(&self) -> Range<usize> {
        if let Some((header, _)) = self.built_spans() {
            return header;
        }
        let start = self.block.ident.span().map_or(0, |s| s.start);
        let end = self
            .block
            .labels
            .last()
            .and_then(|l| l.span())
            .or_else(|| self.block.ident.span())
            .map_or(start, |s| s.end);
        start..end
    }

    pub fn label(&self) -> Option<&'a str> {
        self.block.labels.first().map(|l| l.as_str())
    }

    pub fn span(&self) -> Range<usize> {
        if let Some((_, whole)) = self.built_spans() {
            return whole;
        }
        self.block.span().unwrap_or_else(|| self.header_span())
    }

    /// A backend whose settings are passed at `terraform init` to the module's own block
    /// (Terragrunt's `remote_state` without `generate`): not a second backend.
    pub fn passed_at_init(&self) -> bool {
        self.file
            .view
            .as_ref()
            .is_some_and(|v| v.passed_at_init(self.block))
    }

    /// How messages name the block: "the backend block", "the `terraform` block", or what
    /// its reader says it is written as ("the `config` map", "the `s3` object").
    pub fn noun(&self) -> String {
        if let Some(noun) = self
            .file
            .view
            .as_ref()
            .and_then(|v| v.block_noun(self.block))
        {
            return noun.to_string();
        }
        match self.block.ident.value().as_str() {
            "backend" => "the backend block".to_string(),
            other => format!("the `{other}` block"),
        }
    }

    /// A `generate` heredoc's backend that the same Terragrunt file's `remote_state`
    /// configures again ([`crate::input::view::View::is_superseded`]).
    pub fn superseded(&self) -> bool {
        let (Some(view), Some(span)) = (self.file.view.as_ref(), self.block.span()) else {
            return false;
        };
        view.is_superseded(&span)
    }

    fn built_spans(&self) -> Option<(Range<usize>, Range<usize>)> {
        self.file.view.as_ref()?.block_spans(self.block)
    }
}

/// An attribute (`name = value`) and the file it is in.
#[derive(Debug, Clone, Copy)]
pub struct Arg<'a> {
    pub file: &'a SourceFile,
    pub attr: &'a Attribute,
    /// Set on the command line (`-backend-config=KEY=VALUE`): `file` holds the command.
    pub cli: Option<&'a CliSetting>,
}

impl<'a> Arg<'a> {
    pub fn name(&self) -> &'a str {
        self.attr.key.value().as_str()
    }

    pub fn expr(&self) -> &'a Expression {
        &self.attr.value
    }

    pub fn literal(&self) -> Literal<'a> {
        Literal::of(&self.attr.value)
    }

    /// The whole `name = value` (on the command line: the `KEY=VALUE`).
    pub fn span(&self) -> Range<usize> {
        if let Some(cli) = self.cli {
            return cli.key_span.start.min(cli.value_span.start)..cli.value_span.end;
        }
        self.attr.span().unwrap_or(0..0)
    }

    pub fn key_span(&self) -> Range<usize> {
        if let Some(cli) = self.cli {
            return cli.key_span.clone();
        }
        self.attr.key.span().unwrap_or_else(|| self.span())
    }

    pub fn value_span(&self) -> Range<usize> {
        if let Some(cli) = self.cli {
            return cli.value_span.clone();
        }
        self.attr.value.span().unwrap_or_else(|| self.span())
    }

    /// How messages name where the argument is written: "the backend block" (or what the
    /// reader says a configuration is written as: "the `config` map", "the `s3` object"), or
    /// the partial file, "`prod.s3.tfbackend`".
    pub fn place(&self) -> String {
        if !self.file.kind.is_config() {
            return format!("`{}`", self.file.file_name());
        }
        let noun = self
            .file
            .view
            .as_ref()
            .and_then(|v| v.noun_at(self.span().start));
        noun.unwrap_or("the backend block").to_string()
    }

    pub(crate) fn of(file: &'a SourceFile, attr: &'a Attribute) -> Self {
        Arg {
            file,
            attr,
            cli: None,
        }
    }
}
