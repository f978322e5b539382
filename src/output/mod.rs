//! Output: where rendered files go. A `Sink` receives each file by site-relative path; the
//! `Publisher` (publish.rs) assembles a build's files into a complete new tree and swaps it in
//! for the output folder only when every page has rendered, so a failed, interrupted or killed
//! build leaves the previous output whole. `folder` resolves and checks the output path;
//! `manifest` records what a build wrote, so nothing else is ever deleted.

pub mod folder;
mod foreign;
pub mod manifest;
mod mounts;
pub mod publish;
mod swap;
mod tree;

use crate::config::Config;
use crate::diag::{Diagnostics, Pos};
use crate::pipeline::Site;
use crate::render::table::OutputPaths;
use crate::render::templates::DEFAULT_THEME;
use std::io;
use std::path::{Path, PathBuf};

pub use publish::{Committed, Placement, PublishError, Publisher, unrecorded_entry};

/// Receives the site's files by site-relative path (`people/xi/index.html`).
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), WriteError>;
}

/// A file that could not be written, named by the real path it failed on.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write /{path}: {reason}")]
    Invalid { path: String, reason: &'static str },
    #[error("interrupted")]
    Interrupted,
}

impl WriteError {
    /// Where a diagnostic about this error points: the real file, else the site path.
    pub fn location(&self) -> String {
        match self {
            WriteError::Io { path, .. } | WriteError::Read { path, .. } => path.display().to_string(),
            WriteError::Invalid { path, .. } => path.clone(),
            WriteError::Interrupted => String::new(),
        }
    }

    /// The message of a diagnostic at `location()`.
    pub fn message(&self) -> String {
        match self {
            WriteError::Io { source, .. } => format!("cannot write this file: {source}"),
            WriteError::Read { source, .. } => format!("cannot read this file: {source}"),
            WriteError::Invalid { reason, .. } => format!("cannot write this output file: {reason}"),
            WriteError::Interrupted => "interrupted".to_string(),
        }
    }

    /// Into the diagnostics of a run.
    pub fn report(&self, diags: &mut Diagnostics) {
        diags.error(&self.location(), Pos::START, self.message());
    }
}

fn check_path(path: &str) -> Result<(), WriteError> {
    let invalid = |reason| Err(WriteError::Invalid { path: path.to_string(), reason });
    if path.is_empty() || path.starts_with('/') || path.split('/').any(|seg| seg == ".." || seg.is_empty()) {
        return invalid("not a path inside the site");
    }
    if path.split('/').any(|seg| seg.len() > 255) {
        return invalid("a name in the path is longer than 255 bytes");
    }
    if path.split('/').next().is_some_and(swap::is_own_entry) {
        return invalid("the name is reserved for dossier's record of the output");
    }
    Ok(())
}

/// Writes nothing, but refuses what a real folder would (`check`).
pub struct Discard;

impl Sink for Discard {
    fn put(&self, path: &str, _bytes: Vec<u8>) -> Result<(), WriteError> {
        check_path(path)
    }
}

/// Copies the built-in theme's, the chosen theme's and the site's static files, in that order,
/// so the site's own files win.
/// Files for which `keep` says no are left out (those a generated page replaces).
pub fn copy_static(config: &Config, sink: &dyn Sink, keep: &dyn Fn(&str) -> bool) -> Result<(), WriteError> {
    for (rel, bytes) in DEFAULT_THEME {
        if let Some(name) = rel.strip_prefix("static/")
            && keep(name)
        {
            sink.put(name, bytes.to_vec())?;
        }
    }
    copy_dir(config, &config.root.join("themes").join(&config.theme).join("static"), sink, keep)?;
    copy_dir(config, &config.root.join("static"), sink, keep)
}

fn copy_dir(
    config: &Config,
    dir: &Path,
    sink: &dyn Sink,
    keep: &dyn Fn(&str) -> bool,
) -> Result<(), WriteError> {
    // Warnings about links are reported by `hidden_statics`, which build and check both run.
    let confine = crate::load::Confine::statics(config);
    for (rel, path) in static_dir_files(config, dir, &mut Diagnostics::new()) {
        if keep(&rel) {
            let bytes = confine.read(&path).map_err(|source| WriteError::Read { path, source })?;
            sink.put(&rel, bytes)?;
        }
    }
    Ok(())
}

/// The files of a static folder by output path, skipping ignored names and folders, and
/// symlinks that lead out of the site (warnings in `diags`).
fn static_dir_files(config: &Config, dir: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    crate::load::walk_files(dir, &crate::load::Confine::statics(config), diags)
        .into_iter()
        .map(|p| (crate::load::rel_path(dir, &p), p))
        .collect()
}

/// Whether `build` copies a static file: not where a generated file or folder goes.
pub fn publishes_static(outputs: &OutputPaths, rel: &str) -> bool {
    !outputs.is_file(rel) && !outputs.is_folder(rel)
}

/// Warnings for static files at a path the build generates a page or feed for: the generated
/// file wins, and the user should know their file is not published. A static file where the
/// build needs a folder is an error.
pub fn hidden_statics(config: &Config, site: &Site) -> Diagnostics {
    let outputs = OutputPaths::of(site);
    let mut d = Diagnostics::new();
    let theme = Path::new("themes").join(&config.theme).join("static");
    for folder in [theme.as_path(), Path::new("static")] {
        for (rel, path) in static_dir_files(config, &config.root.join(folder), &mut d) {
            let origin = crate::load::rel_path(&config.root, &path);
            if outputs.is_file(&rel) {
                d.warning(&origin, Pos::START, format!("not published: the site generates /{rel} itself"));
            } else if outputs.is_folder(&rel) {
                d.error(&origin, Pos::START, format!("a file where the site generates the folder /{rel}/"));
            }
        }
    }
    d
}
