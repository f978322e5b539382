//! Files in the output folder that no build wrote (a `.git`, a `CNAME`, a user's folder): before
//! the swap they are carried into the new tree as hard links, with their folders' modes; after
//! the swap, whatever appeared or was replaced in the old folder while the build ran is moved
//! over too, so that removing the old folder loses nothing of theirs.

use super::manifest::{self, Manifest};
use super::mounts::Mounts;
use super::publish::PublishError;
use super::tree::carry;
use std::collections::{HashMap, HashSet};
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// What the carrying saw of the old output.
#[derive(Debug, Default)]
pub struct Carried {
    /// Each carried file by output path, with its inode then.
    pub files: HashMap<String, u64>,
    /// Files of earlier builds that the new site does not have.
    pub stale: usize,
}

/// The old output as the carrying walks it.
pub struct Foreign<'a> {
    pub output: &'a Path,
    pub new: &'a Path,
    /// The new tree's name inside the output (building inside a mount point), skipped.
    pub skip: Option<&'a str>,
    pub old: Option<&'a Manifest>,
    pub recorded_dirs: &'a HashSet<String>,
    pub generated: &'a HashSet<String>,
    pub mounts: &'a Mounts,
}

impl Foreign<'_> {
    fn recorded(&self, rel: &str) -> bool {
        self.old.is_some_and(|m| m.contains(rel))
    }

    /// Whether a top-level name is the publisher's own, here: exactly the record and the new tree.
    fn own(&self, rel: &str) -> bool {
        rel == manifest::FILE || Some(rel) == self.skip
    }

    /// Carries every entry of the old output that no build wrote into the new tree. A folder
    /// that is a mount point, or on another device, cannot be carried: refused.
    pub fn carry(&self) -> Result<Carried, PublishError> {
        let mut carried = Carried::default();
        let Ok(root_meta) = std::fs::symlink_metadata(self.output) else { return Ok(carried) };
        let dev = root_meta.dev();
        let mut modes: Vec<(String, std::fs::Metadata)> = Vec::new();
        let mut walker = walkdir::WalkDir::new(self.output).min_depth(1).into_iter();
        while let Some(entry) = walker.next() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(self.output).to_path_buf();
                PublishError::Io { op: "read", path, source: e.into() }
            })?;
            let rel = crate::load::rel_path(self.output, entry.path());
            if entry.depth() == 1 && self.own(&rel) {
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
            let to = self.new.join(&rel);
            if entry.file_type().is_dir() {
                let meta = std::fs::symlink_metadata(entry.path()).map_err(io_err("read", entry.path()))?;
                if meta.dev() != dev || self.mounts.is_mount_point(entry.path()) {
                    return Err(PublishError::MountInside(entry.path().to_path_buf()));
                }
                if !self.recorded_dirs.contains(rel.as_str()) {
                    // Someone's own folder: kept even when empty, with its mode.
                    make_dir(&to, entry.path())?;
                    modes.push((rel, meta));
                }
                continue;
            }
            if self.recorded(&rel) {
                carried.stale += usize::from(!self.generated.contains(&rel));
                continue;
            }
            if let Some(parent) = to.parent() {
                make_dir(parent, entry.path())?;
            }
            if std::fs::symlink_metadata(&to).is_ok() {
                return Err(PublishError::Collisions(vec![entry.path().to_path_buf()]));
            }
            let meta = std::fs::symlink_metadata(entry.path()).map_err(io_err("read", entry.path()))?;
            carry(entry.path(), &to, &meta).map_err(io_err("keep", entry.path()))?;
            carried.files.insert(rel, meta.ino());
        }
        // Deepest first, so a folder closed to writing is closed after its contents went in.
        for (rel, meta) in modes.iter().rev() {
            keep_mode(&self.new.join(rel), meta);
        }
        Ok(carried)
    }
}

/// After the swap: files that appeared in the old output while the build ran, or were replaced
/// there (an editor saving by rename, a `git commit` in `.git`), are moved into the new output
/// before the old one is removed. `old` is where the old output is now. Returns the files that
/// could not be moved (the new site has a file at their path), which stay in `old`.
pub fn rescue(old: &Path, output: &Path, record: Option<&Manifest>, carried: &Carried) -> Vec<PathBuf> {
    let mut stuck = Vec::new();
    let mut walker = walkdir::WalkDir::new(old).min_depth(1).into_iter();
    while let Some(Ok(entry)) = walker.next() {
        let rel = crate::load::rel_path(old, entry.path());
        if entry.depth() == 1 && rel == manifest::FILE || entry.file_type().is_dir() {
            continue;
        }
        if record.is_some_and(|m| m.contains(&rel)) {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else { continue };
        if carried.files.get(&rel) == Some(&meta.ino()) {
            continue;
        }
        let to = output.join(&rel);
        let moved = to.parent().is_some_and(|p| std::fs::create_dir_all(p).is_ok())
            && match std::fs::symlink_metadata(&to) {
                // Replaced while the build ran: the newer file wins over the carried link.
                Ok(m) if carried.files.contains_key(&rel) && !m.is_dir() => {
                    std::fs::rename(entry.path(), &to).is_ok()
                }
                Ok(_) => false,
                Err(_) => std::fs::rename(entry.path(), &to).is_ok(),
            };
        if !moved {
            stuck.push(entry.path().to_path_buf());
        }
    }
    stuck
}

/// A folder of the new tree for a foreign entry; a file of the new site in the way is a
/// collision with the entry at `origin`.
fn make_dir(dir: &Path, origin: &Path) -> Result<(), PublishError> {
    match std::fs::create_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists || e.kind() == io::ErrorKind::NotADirectory => {
            Err(PublishError::Collisions(vec![origin.to_path_buf()]))
        }
        Err(e) => Err(PublishError::Io { op: "create", path: dir.to_path_buf(), source: e }),
    }
}

/// Gives a folder of the new tree the mode (and, where allowed, the owner) of the folder it
/// stands for: a folder closed to others must not open up because a build re-made it.
pub fn keep_mode(dir: &Path, meta: &std::fs::Metadata) {
    let _ = std::os::unix::fs::chown(dir, Some(meta.uid()), Some(meta.gid()));
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(meta.mode() & 0o7777));
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> PublishError + 'a {
    move |source| PublishError::Io { op, path: path.to_path_buf(), source }
}
