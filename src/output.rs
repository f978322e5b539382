//! Output: where rendered files go. `DirSink` writes a fresh folder that `publish` swaps in for
//! the old output only after a successful build; static files of the theme and the site are
//! copied through the same sink.

use crate::config::Config;
use crate::render::templates::DEFAULT_THEME;
use std::io;
use std::path::{Path, PathBuf};

/// Receives the site's files by site-relative path (`people/xi/index.html`).
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;
}

/// Writes files below a folder.
pub struct DirSink {
    pub dir: PathBuf,
}

impl Sink for DirSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        if path.starts_with('/') || path.split('/').any(|seg| seg == "..") {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unsafe output path {path}")));
        }
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(full, bytes)
    }
}

/// Copies the built-in theme's, the chosen theme's and the site's static files, in that order,
/// so the site's own files win.
pub fn copy_static(config: &Config, sink: &dyn Sink) -> io::Result<()> {
    for (rel, bytes) in DEFAULT_THEME {
        if let Some(name) = rel.strip_prefix("static/") {
            sink.put(name, bytes.to_vec())?;
        }
    }
    copy_dir(&config.root.join("themes").join(&config.theme).join("static"), sink)?;
    copy_dir(&config.root.join("static"), sink)
}

fn copy_dir(dir: &Path, sink: &dyn Sink) -> io::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if !e.file_type().is_file() || crate::load::is_ignored_name(&e.file_name().to_string_lossy()) {
            continue;
        }
        let rel = crate::load::rel_path(dir, e.path());
        sink.put(&rel, std::fs::read(e.path())?)?;
    }
    Ok(())
}

/// A staging folder beside the output folder (same file system, so the swap is a rename).
pub fn staging_dir(output: &Path) -> PathBuf {
    let name =
        output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.staging-{}", std::process::id()))
}

/// Replaces `output` by `staging`: the old folder is moved aside, the new one renamed in, the
/// old one deleted. A failure before the first rename leaves the old output untouched.
pub fn publish(staging: &Path, output: &Path) -> io::Result<()> {
    let old = output.with_file_name(format!(
        ".{}.old-{}",
        output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        std::process::id()
    ));
    let had_old = output.exists();
    if had_old {
        std::fs::rename(output, &old)?;
    }
    if let Err(e) = std::fs::rename(staging, output) {
        if had_old {
            let _ = std::fs::rename(&old, output);
        }
        return Err(e);
    }
    if had_old {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}
