//! Putting a finished tree in place of the output folder, and clearing away what interrupted
//! builds left behind.
//!
//! Beside the output (the usual case) the new tree and the old folder trade places in one
//! `renameat2(RENAME_EXCHANGE)`: at every instant the output path holds one whole site. Where
//! the file system cannot exchange, the old folder is renamed aside and the new one into place;
//! a build killed between the two renames leaves the old folder aside, and the next build puts
//! it back before anything else. Inside the output (a mount point, or a folder whose parent is
//! not writable) only its entries can move, one rename each: see `swap_entries`.

use super::manifest::{self, Manifest};
use super::mounts::Mounts;
use super::tree::remove_tree;
use std::io;
use std::path::{Path, PathBuf};

/// Names of the folders a build makes, so the next build can recognise them. Each carries the
/// process id and a random part: nobody can put a symlink where a build will create its tree.
pub struct Names;

impl Names {
    /// The new tree beside the output: `.public.dossier-new-<pid>-<random>`.
    pub fn beside(output: &Path, kind: &str) -> PathBuf {
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        output.with_file_name(format!(".{name}.dossier-{kind}-{}-{:x}", std::process::id(), nonce()))
    }

    fn beside_prefix(output: &Path) -> String {
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        format!(".{name}.dossier-")
    }

    /// The new tree inside the output: `public/.dossier-new-<pid>-<random>`.
    pub fn inside(output: &Path) -> PathBuf {
        output.join(format!("{INSIDE_PREFIX}{}-{:x}", std::process::id(), nonce()))
    }

    /// A manifest being written, renamed over the real one when complete.
    pub fn manifest_tmp(output: &Path) -> PathBuf {
        output.join(format!("{}.new-{}-{:x}", manifest::FILE, std::process::id(), nonce()))
    }
}

/// A random number: the standard library seeds its hash keys from the system's randomness.
fn nonce() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now())
}

const INSIDE_PREFIX: &str = ".dossier-new-";

/// Whether `name` (an entry of the output folder) is the publisher's own: the manifest, a
/// manifest being written, or a tree being built inside.
pub fn is_own_entry(name: &str) -> bool {
    name == manifest::FILE
        || name.starts_with(INSIDE_PREFIX)
        || name.strip_prefix(manifest::FILE).is_some_and(|r| r.starts_with(".new-"))
}

/// Exchanges two paths in one step. `Ok(false)` when this file system or kernel cannot.
pub fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Writes `m` as the manifest of `folder`, atomically (a new temporary file, never one that
/// exists or a symlink someone put there, renamed over it).
pub fn write_manifest(folder: &Path, m: &Manifest) -> io::Result<()> {
    use std::io::Write;
    let tmp = Names::manifest_tmp(folder);
    let mut f = std::fs::File::create_new(&tmp)?;
    f.write_all(m.to_text().as_bytes())?;
    drop(f);
    std::fs::rename(&tmp, folder.join(manifest::FILE))
}

/// A step of `swap_entries`, undone in reverse order when a later one fails.
enum Step {
    /// `a` and `b` traded places.
    Exchanged(PathBuf, PathBuf),
    /// Moved from the first path to the second.
    Moved(PathBuf, PathBuf),
}

/// Moves the entries of `new` (built inside `output`) into `output`, one rename or exchange
/// each, and the old site's entries that the new site does not have into `new`, to be removed
/// with it. The output's record and `new` itself stay. Used where the output folder itself
/// cannot be replaced: between the first and the last of these (a few dozen) renames the
/// folder mixes both sites, and the union manifest written first records both, so a build
/// killed there leaves nothing the next build would take for someone else's file.
pub fn swap_entries(new: &Path, output: &Path) -> io::Result<()> {
    let new_name = new.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    let mut names: Vec<std::ffi::OsString> = Vec::new();
    for e in std::fs::read_dir(new)? {
        let name = e?.file_name();
        if name != manifest::FILE {
            names.push(name);
        }
    }
    let mut steps = Vec::new();
    let result = (|| {
        for name in &names {
            let (from, to) = (new.join(name), output.join(name));
            if std::fs::symlink_metadata(&to).is_err() {
                std::fs::rename(&from, &to)?;
                steps.push(Step::Moved(from, to));
            } else if exchange(&from, &to)? {
                steps.push(Step::Exchanged(from, to));
            } else {
                // Without exchange, three renames through a name in `new`: a file is replaced
                // by one rename; a folder is absent in between.
                let tmp = new.join(".dossier-swap");
                std::fs::rename(&from, &tmp)?;
                steps.push(Step::Moved(from.clone(), tmp.clone()));
                std::fs::rename(&to, &from)?;
                steps.push(Step::Moved(to.clone(), from));
                std::fs::rename(&tmp, &to)?;
                steps.push(Step::Moved(tmp, to));
            }
        }
        for e in std::fs::read_dir(output)? {
            let name = e?.file_name();
            if names.contains(&name) || name == manifest::FILE || name == new_name {
                continue;
            }
            let (from, to) = (output.join(&name), new.join(&name));
            std::fs::rename(&from, &to)?;
            steps.push(Step::Moved(from, to));
        }
        Ok(())
    })();
    if result.is_err() {
        for step in steps.into_iter().rev() {
            let _ = match step {
                Step::Exchanged(a, b) => exchange(&a, &b).map(|_| ()),
                Step::Moved(from, to) => std::fs::rename(to, from),
            };
        }
    }
    result
}

/// Clears what interrupted builds left beside and inside `output`: trees being built whose
/// process is gone, and a half-done rename-aside (the old site is put back). A tree is taken
/// for ours only by its name and its manifest file (present, unlocked, and empty or valid), or
/// when it is an empty folder of that name; anything else is left alone.
pub fn clean_leftovers(output: &Path) {
    let mut beside: Vec<PathBuf> = Vec::new();
    if let Some(parent) = output.parent()
        && let Ok(entries) = std::fs::read_dir(parent)
    {
        let prefix = Names::beside_prefix(output);
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                beside.push(e.path());
            }
        }
    }
    beside.sort();
    if std::fs::symlink_metadata(output).is_err() {
        // Killed between "old site aside" and "new site in": the old one goes back.
        let old_kind = Names::beside_prefix(output) + "old-";
        let aside = beside
            .iter()
            .find(|p| {
                p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&old_kind))
                    && is_dead_and_ours(p)
            })
            .cloned();
        if let Some(aside) = aside
            && std::fs::rename(&aside, output).is_ok()
        {
            beside.retain(|p| *p != aside);
        }
    }
    let mut inside: Vec<PathBuf> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(output) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(INSIDE_PREFIX) {
                inside.push(e.path());
            } else if name != manifest::FILE
                && is_own_entry(&name)
                && std::fs::read_to_string(e.path()).is_ok_and(|t| Manifest::parse(&t).is_some())
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    for dir in beside.into_iter().chain(inside) {
        if is_dead_and_ours(&dir) {
            let _ = remove_tree(&dir, manifest::FILE, &Mounts::read());
        }
    }
}

/// A publisher's tree whose build is over: its manifest is not locked by a running build.
fn is_dead_and_ours(dir: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(dir) else { return false };
    if !meta.is_dir() {
        return false;
    }
    match std::fs::File::open(dir.join(manifest::FILE)) {
        Ok(file) => {
            if file.try_lock().is_err() {
                return false;
            }
            let text = std::fs::read_to_string(dir.join(manifest::FILE)).unwrap_or_default();
            text.is_empty() || Manifest::parse(&text).is_some()
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_trades_two_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("x"), "a").unwrap();
        if exchange(&a, &b).unwrap() {
            assert_eq!(std::fs::read_to_string(b.join("x")).unwrap(), "a");
            assert!(!a.join("x").exists());
        }
    }

    #[test]
    fn leftovers_of_dead_builds_go_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir(&out).unwrap();
        let dead = tmp.path().join(".public.dossier-new-99999999");
        std::fs::create_dir_all(dead.join("people")).unwrap();
        std::fs::write(dead.join(manifest::FILE), "").unwrap();
        let empty = tmp.path().join(".public.dossier-new-99999998");
        std::fs::create_dir(&empty).unwrap();
        let not_ours = tmp.path().join(".public.dossier-new-notes");
        std::fs::create_dir(&not_ours).unwrap();
        std::fs::write(not_ours.join("mine.txt"), "x").unwrap();
        let live = tmp.path().join(".public.dossier-new-99999997");
        std::fs::create_dir(&live).unwrap();
        let lock = std::fs::File::create(live.join(manifest::FILE)).unwrap();
        lock.lock().unwrap();
        let inside = out.join(".dossier-new-99999996");
        std::fs::create_dir(&inside).unwrap();
        std::fs::write(inside.join(manifest::FILE), Manifest::default().to_text()).unwrap();
        clean_leftovers(&out);
        assert!(!dead.exists() && !empty.exists() && !inside.exists());
        assert!(not_ours.join("mine.txt").exists(), "a folder without our manifest is not ours");
        assert!(live.exists(), "a running build's tree stays");
        drop(lock);
    }

    #[test]
    fn a_half_done_rename_aside_is_undone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let aside = tmp.path().join(".public.dossier-old-99999999");
        std::fs::create_dir(&aside).unwrap();
        std::fs::write(aside.join("index.html"), "old").unwrap();
        std::fs::write(aside.join(manifest::FILE), Manifest::default().to_text()).unwrap();
        clean_leftovers(&out);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
    }

    #[test]
    fn entries_swap_inside_a_folder_that_cannot_move() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("mnt");
        std::fs::create_dir_all(out.join("people")).unwrap();
        std::fs::write(out.join("people/old.html"), "old").unwrap();
        std::fs::write(out.join("gone.html"), "stale").unwrap();
        std::fs::write(out.join(manifest::FILE), "").unwrap();
        let new = Names::inside(&out);
        std::fs::create_dir_all(new.join("people")).unwrap();
        std::fs::write(new.join("people/new.html"), "new").unwrap();
        std::fs::write(new.join("index.html"), "home").unwrap();
        std::fs::write(new.join(manifest::FILE), "").unwrap();
        swap_entries(&new, &out).unwrap();
        assert!(out.join("people/new.html").exists() && !out.join("people/old.html").exists());
        assert!(out.join("index.html").exists() && !out.join("gone.html").exists());
        assert!(new.join("gone.html").exists() && new.join("people/old.html").exists());
    }
}
