//! Runs `tfblint server` for Zed, from `PATH` (or `lsp.tfblint.binary.path` in the settings),
//! passing `lsp.tfblint.initialization_options` to it.

use zed_extension_api::{self as zed, settings::LspSettings};

struct Tfblint;

impl zed::Extension for Tfblint {
    fn new() -> Self {
        Tfblint
    }

    fn language_server_command(
        &mut self,
        id: &zed::LanguageServerId,
        worktree: &zed::Worktree,
    ) -> zed::Result<zed::Command> {
        let configured = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary)
            .and_then(|b| b.path);
        let command = configured.or_else(|| worktree.which("tfblint")).ok_or(
            "tfblint is not on PATH (cargo install tfblint, or set lsp.tfblint.binary.path)",
        )?;
        Ok(zed::Command {
            command,
            args: vec!["server".into()],
            env: Default::default(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &zed::LanguageServerId,
        worktree: &zed::Worktree,
    ) -> zed::Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }
}

zed::register_extension!(Tfblint);
