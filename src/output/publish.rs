//! The publisher: a build's files go into a complete new tree, never into the output folder
//! itself; when every page has rendered, the new tree takes the output's place in one step
//! (`swap`). Files whose bytes did not change are hard links to the old ones, so they keep
//! their modification time (cheap deploys); files the output holds that no dossier build wrote
//! (`.git`, a `CNAME`) are carried into the new tree the same way (`foreign`), so nothing but
//! an earlier build's own files is ever deleted or replaced.

use super::foreign::{self, Carried, Foreign};
use super::manifest::{self, Manifest};
use super::mounts::Mounts;
use super::swap::{self, Names};
use super::tree::remove_tree;
use super::{Sink, WriteError, check_path};
use crate::interrupt::Interrupt;
use std::collections::HashSet;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the new tree is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Beside the output, on the same file system: swapped in whole, atomically.
    Beside,
    /// Inside the output (a mount point, or a folder whose parent we may not write): its
    /// entries are swapped one by one.
    Inside,
}

/// Why publishing failed; the output folder is as it was.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot {op} {}: {source}", path.display())]
    Io { op: &'static str, path: PathBuf, source: io::Error },
    #[error("{} {}", describe_collisions(.0), "dossier never replaces files it did not write; move them out of the output folder (or, if it is an old dossier build without a record, delete the folder) and build again")]
    Collisions(Vec<PathBuf>),
    #[error("{} is a mount point inside the output folder; dossier cannot replace the folder around it", .0.display())]
    MountInside(PathBuf),
    #[error("the output folder {} holds files that dossier did not write (such as \"{}\") and no record of an earlier build; dossier builds into a new or empty folder, or one it built before: choose another output folder, or empty this one", folder.display(), example)]
    Unrecorded { folder: PathBuf, example: String },
    #[error("interrupted")]
    Interrupted,
}

fn describe_collisions(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().take(5).map(|p| p.display().to_string()).collect();
    let more = match paths.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    format!(
        "the new site has files where the output folder holds files dossier did not write: {}{more};",
        shown.join(", ")
    )
}

fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> PublishError + 'a {
    move |source| PublishError::Io { op, path: path.to_path_buf(), source }
}

/// The first visible entry of a folder that holds no record of a dossier build: a folder of
/// someone's files (a thesis, a home folder) is never made an output. Hidden entries alone
/// (`.git` of a `gh-pages` clone) are welcome and kept.
pub fn unrecorded_entry(folder: &Path) -> Option<String> {
    if Manifest::read(folder).is_some() {
        return None;
    }
    let mut visible: Vec<String> = std::fs::read_dir(folder)
        .ok()?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    visible.sort();
    visible.into_iter().next()
}

/// What a commit did.
#[derive(Debug, Default, Clone)]
pub struct Committed {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub placement: Option<Placement>,
    /// Problems after the new site was in (the old one could not be removed in full): said as
    /// warnings, the build succeeded.
    pub warnings: Vec<String>,
}

/// A build's new tree, filled through `Sink::put`, published by `commit`; dropped without a
/// commit, it is removed and the output folder stays as it was.
pub struct Publisher {
    output: PathBuf,
    new: PathBuf,
    placement: Placement,
    /// The output's record of what earlier builds wrote; `None`: no build wrote there.
    old: Option<Manifest>,
    /// The folders the old manifest's files lie in.
    recorded_dirs: HashSet<String>,
    mounts: Mounts,
    generated: Mutex<HashSet<String>>,
    written: AtomicUsize,
    collisions: Mutex<Vec<PathBuf>>,
    /// The new tree's manifest file, created first and locked while the build runs: the next
    /// build tells a live build's tree from a dead one's by this lock.
    lock: std::fs::File,
    /// Held while this build runs: see `one_build_at_a_time`.
    _serial: Option<std::fs::File>,
    interrupt: Interrupt,
    finished: bool,
}

impl Publisher {
    /// Clears what interrupted builds left, then starts a new tree for `output` (resolved).
    pub fn prepare(output: &Path, interrupt: Interrupt) -> Result<Publisher, PublishError> {
        Self::prepare_with(output, interrupt, None)
    }

    /// `prepare`, optionally forcing where the new tree goes (tests).
    pub fn prepare_with(
        output: &Path,
        interrupt: Interrupt,
        force: Option<Placement>,
    ) -> Result<Publisher, PublishError> {
        let serial = Self::one_build_at_a_time(output)?;
        swap::clean_leftovers(output);
        let exists = std::fs::symlink_metadata(output).is_ok();
        if exists && let Some(example) = unrecorded_entry(output) {
            return Err(PublishError::Unrecorded { folder: output.to_path_buf(), example });
        }
        let mounts = Mounts::read();
        if let Some(inner) = mounts.below(output).next() {
            return Err(PublishError::MountInside(inner.to_path_buf()));
        }
        let old = if exists { Manifest::read(output) } else { None };
        // A mount point cannot be renamed, even onto the same file system (a bind mount).
        let force = force.or_else(|| (exists && mounts.is_mount_point(output)).then_some(Placement::Inside));
        let (new, placement) = match force {
            Some(Placement::Inside) => (Self::make_inside(output)?, Placement::Inside),
            _ => Self::make_beside(output, exists, force.is_some())?,
        };
        let lock_path = new.join(manifest::FILE);
        let lock = std::fs::File::create_new(&lock_path).map_err(io_err("create", &lock_path))?;
        lock.lock().map_err(io_err("lock", &lock_path))?;
        let recorded_dirs = old.as_ref().map(Manifest::folders).unwrap_or_default();
        Ok(Publisher {
            output: output.to_path_buf(),
            new,
            placement,
            old,
            recorded_dirs,
            mounts,
            generated: Mutex::new(HashSet::new()),
            written: AtomicUsize::new(0),
            collisions: Mutex::new(Vec::new()),
            lock,
            _serial: serial,
            interrupt,
            finished: false,
        })
    }

    /// The new tree beside the output; inside it where that is not possible (another device,
    /// a parent we may not write), unless `forced`.
    fn make_beside(output: &Path, exists: bool, forced: bool) -> Result<(PathBuf, Placement), PublishError> {
        let beside = Names::beside(output, "new");
        match std::fs::create_dir(&beside) {
            Ok(()) if exists && !forced && !same_device(&beside, output) => {
                let _ = std::fs::remove_dir(&beside);
                Ok((Self::make_inside(output)?, Placement::Inside))
            }
            Ok(()) => Ok((beside, Placement::Beside)),
            Err(e) if exists && !forced && e.kind() == io::ErrorKind::PermissionDenied => {
                Ok((Self::make_inside(output)?, Placement::Inside))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // The output's parent does not exist yet: make it, then try again.
                let parent = output.parent().unwrap_or(output);
                std::fs::create_dir_all(parent).map_err(io_err("create", parent))?;
                std::fs::create_dir(&beside).map_err(io_err("create", &beside))?;
                Ok((beside, Placement::Beside))
            }
            Err(e) => Err(PublishError::Io { op: "create", path: beside, source: e }),
        }
    }

    /// Waits for any other build into the same output folder to finish: a second build that
    /// read the output's record before the first swapped its site in would take the first
    /// build's new pages for someone else's files. The lock is on the folder holding the
    /// output (which stays put while the output itself is swapped), and goes with the process.
    fn one_build_at_a_time(output: &Path) -> Result<Option<std::fs::File>, PublishError> {
        let Some(parent) = output.parent() else { return Ok(None) };
        let Ok(dir) = std::fs::File::open(parent) else { return Ok(None) };
        match dir.try_lock() {
            Ok(()) => Ok(Some(dir)),
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("waiting for another build into {} to finish", output.display());
                dir.lock().map_err(io_err("lock", parent))?;
                Ok(Some(dir))
            }
            // A file system without locks: carry on as before locks existed.
            Err(std::fs::TryLockError::Error(_)) => Ok(None),
        }
    }

    /// The new tree inside the output, under a name nobody can guess and made fresh (never an
    /// existing folder or a symlink someone put there).
    fn make_inside(output: &Path) -> Result<PathBuf, PublishError> {
        std::fs::create_dir_all(output).map_err(io_err("create", output))?;
        let dir = Names::inside(output);
        std::fs::create_dir(&dir).map_err(io_err("create", &dir))?;
        Ok(dir)
    }

    pub fn placement(&self) -> Placement {
        self.placement
    }

    /// Whether the old output holds `path` as a file an earlier build wrote with these bytes.
    fn unchanged(&self, path: &str, old: &Path, bytes: &[u8]) -> bool {
        self.old.as_ref().is_some_and(|m| m.contains(path))
            && std::fs::symlink_metadata(old).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && std::fs::read(old).is_ok_and(|b| b == bytes)
    }

    /// Publishes the new tree: carries over files no build wrote, records what this build
    /// wrote, swaps the new tree in and removes the old one.
    pub fn commit(mut self) -> Result<Committed, PublishError> {
        if self.interrupt.is_set() {
            return Err(PublishError::Interrupted);
        }
        let mut collisions = std::mem::take(&mut *self.collisions.lock().unwrap_or_else(|e| e.into_inner()));
        if !collisions.is_empty() {
            collisions.sort();
            return Err(PublishError::Collisions(collisions));
        }
        let mut timer = crate::timing::Timer::start();
        let generated = std::mem::take(&mut *self.generated.lock().unwrap_or_else(|e| e.into_inner()));
        let new_name = self.new.file_name().map(|n| n.to_string_lossy().into_owned());
        let carried = Foreign {
            output: &self.output,
            new: &self.new,
            skip: (self.placement == Placement::Inside).then_some(new_name.as_deref()).flatten(),
            old: self.old.as_ref(),
            recorded_dirs: &self.recorded_dirs,
            generated: &generated,
            mounts: &self.mounts,
        }
        .carry()?;
        timer.lap("carry over");
        let written = self.written.load(Ordering::Relaxed);
        let mut stats = Committed {
            written,
            unchanged: generated.len() - written,
            removed: carried.stale,
            placement: Some(self.placement),
            warnings: Vec::new(),
        };
        let record = Manifest { files: generated };
        self.write_record(&record)?;
        if self.interrupt.is_set() {
            return Err(PublishError::Interrupted);
        }
        // From here on the new site is going in; an interruption no longer stops it.
        match self.placement {
            Placement::Beside => self.swap_beside()?,
            Placement::Inside => self.swap_inside(&record)?,
        }
        self.finished = true;
        timer.lap("swap");
        stats.warnings = self.remove_old(&carried);
        timer.lap("remove old");
        Ok(stats)
    }

    /// Removes the old site, now at the new tree's path, after moving over what appeared in
    /// it during the build. If this is cut short, the next build removes the rest.
    fn remove_old(&self, carried: &Carried) -> Vec<String> {
        let stuck = foreign::rescue(&self.new, &self.output, self.old.as_ref(), carried);
        if !stuck.is_empty() {
            let list: Vec<String> = stuck.iter().take(5).map(|p| p.display().to_string()).collect();
            return vec![format!(
                "files that appeared in the output folder during the build are kept in {} (the new site has files at their paths): {}",
                self.new.display(),
                list.join(", ")
            )];
        }
        match remove_tree(&self.new, manifest::FILE, &self.mounts) {
            Ok(()) => Vec::new(),
            Err(e) => {
                vec![format!("the old site could not be removed in full from {}: {e}", self.new.display())]
            }
        }
    }

    /// The manifest of the new tree, written through the locked handle.
    fn write_record(&self, record: &Manifest) -> Result<(), PublishError> {
        use std::io::Write;
        let path = self.new.join(manifest::FILE);
        let mut f = &self.lock;
        f.write_all(record.to_text().as_bytes()).map_err(io_err("write", &path))
    }

    fn swap_beside(&self) -> Result<(), PublishError> {
        let Ok(meta) = std::fs::metadata(&self.output) else {
            return std::fs::rename(&self.new, &self.output).map_err(io_err("create", &self.output));
        };
        // The folder a user made (and may have opened to a web server's group) keeps its mode
        // and, where we may set it, its owner.
        foreign::keep_mode(&self.new, &meta);
        // The old folder goes where the new tree is now; the next build must know it for
        // ours even if this one dies before removing it, so it gets a record first.
        let added_record = self.old.is_none();
        if added_record {
            swap::write_manifest(&self.output, &Manifest::default())
                .map_err(io_err("write", &self.output))?;
        }
        let undo_record = || {
            if added_record {
                let _ = std::fs::remove_file(self.output.join(manifest::FILE));
            }
        };
        match swap::exchange(&self.new, &self.output) {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(e) => {
                undo_record();
                return Err(PublishError::Io { op: "replace", path: self.output.clone(), source: e });
            }
        }
        let aside = Names::beside(&self.output, "old");
        if let Err(e) = std::fs::rename(&self.output, &aside) {
            undo_record();
            return Err(PublishError::Io { op: "move aside", path: self.output.clone(), source: e });
        }
        if let Err(e) = std::fs::rename(&self.new, &self.output) {
            let _ = std::fs::rename(&aside, &self.output);
            undo_record();
            return Err(PublishError::Io { op: "replace", path: self.output.clone(), source: e });
        }
        // The old site now where the new tree was, for `remove_old`.
        let _ = std::fs::rename(&aside, &self.new);
        Ok(())
    }

    fn swap_inside(&self, record: &Manifest) -> Result<(), PublishError> {
        // First a record of both sites, so whatever mix a kill leaves is known as ours.
        let mut union = self.old.clone().unwrap_or_default();
        union.files.extend(record.files.iter().cloned());
        swap::write_manifest(&self.output, &union).map_err(io_err("write", &self.output))?;
        swap::swap_entries(&self.new, &self.output).map_err(io_err("replace entries of", &self.output))?;
        swap::write_manifest(&self.output, record).map_err(io_err("write", &self.output))
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        if !self.finished {
            let _ = remove_tree(&self.new, manifest::FILE, &self.mounts);
        }
    }
}

fn same_device(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev(),
        _ => false,
    }
}

impl Sink for Publisher {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), WriteError> {
        if self.interrupt.is_set() {
            return Err(WriteError::Interrupted);
        }
        check_path(path)?;
        let first = self.generated.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string());
        let old = self.output.join(path);
        let to = self.new.join(path);
        let io = |source| WriteError::Io { path: to.clone(), source };
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|source| WriteError::Io { path: parent.to_path_buf(), source })?;
        }
        if !first {
            // A second file for one path (a static file a page replaces): a new inode, never a
            // write through a hard link into the old site.
            let _ = std::fs::remove_file(&to);
        } else if self.unchanged(path, &old, &bytes) && std::fs::hard_link(&old, &to).is_ok() {
            return Ok(());
        } else if !self.old.as_ref().is_some_and(|m| m.contains(path))
            && std::fs::symlink_metadata(&old).is_ok_and(|m| !m.is_dir())
        {
            // A folder in the way is checked file by file when foreign files are carried over.
            self.collisions.lock().unwrap_or_else(|e| e.into_inner()).push(old);
            return Ok(());
        }
        std::fs::write(&to, bytes).map_err(io)?;
        if first {
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn publish(out: &Path, files: &[(&str, &str)], placement: Option<Placement>) -> Committed {
        let p = Publisher::prepare_with(out, Interrupt::none(), placement).unwrap();
        for (path, text) in files {
            p.put(path, text.as_bytes().to_vec()).unwrap();
        }
        p.commit().unwrap()
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| crate::load::rel_path(dir, e.unwrap().path()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_stale_ones_go() {
        for placement in [None, Some(Placement::Inside)] {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("public");
            let c = publish(&out, &[("a/index.html", "one"), ("b.txt", "two")], placement);
            assert_eq!((c.written, c.unchanged, c.removed), (2, 0, 0));
            let inode = std::fs::metadata(out.join("a/index.html")).unwrap().ino();
            let c = publish(&out, &[("a/index.html", "one"), ("c.txt", "three")], placement);
            assert_eq!((c.written, c.unchanged, c.removed), (1, 1, 1), "{placement:?}");
            assert_eq!(std::fs::metadata(out.join("a/index.html")).unwrap().ino(), inode, "a hard link");
            assert_eq!(listing(&out), [manifest::FILE, "a", "a/index.html", "c.txt"], "{placement:?}");
            assert_eq!(
                listing(tmp.path()),
                listing(tmp.path()).into_iter().filter(|p| p.starts_with("public")).collect::<Vec<_>>(),
                "nothing left beside"
            );
        }
    }

    #[test]
    fn files_no_build_wrote_are_kept_and_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        std::fs::create_dir_all(out.join(".git/objects")).unwrap();
        std::fs::write(out.join(".git/HEAD"), "ref").unwrap();
        publish(&out, &[("index.html", "home")], None);
        std::fs::write(out.join("thesis.pdf"), "years of work").unwrap();
        std::fs::create_dir(out.join("empty")).unwrap();
        std::fs::set_permissions(out.join("empty"), std::fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", out.join("link")).unwrap();
        publish(&out, &[("index.html", "home 2"), ("people/index.html", "p")], None);
        assert_eq!(
            std::fs::metadata(out.join("empty")).unwrap().mode() & 0o777,
            0o700,
            "a folder's mode is kept"
        );
        assert_eq!(std::fs::read_to_string(out.join("thesis.pdf")).unwrap(), "years of work");
        assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
        assert!(out.join(".git/objects").is_dir() && out.join("empty").is_dir());
        assert_eq!(std::fs::read_link(out.join("link")).unwrap(), Path::new("/etc/hostname"));
        // A page where a foreign file is: refused, nothing changes.
        std::fs::write(out.join("notes.html"), "mine").unwrap();
        let before = listing(&out);
        let p = Publisher::prepare(&out, Interrupt::none()).unwrap();
        p.put("index.html", b"home 3".to_vec()).unwrap();
        p.put("notes.html", b"generated".to_vec()).unwrap();
        let err = p.commit().unwrap_err();
        assert!(matches!(&err, PublishError::Collisions(v) if v == &[out.join("notes.html")]), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("notes.html")).unwrap(), "mine");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "home 2");
        assert_eq!(listing(&out), before);
        // A foreign file where the new site needs a folder.
        std::fs::remove_file(out.join("notes.html")).unwrap();
        std::fs::write(out.join("tags"), "mine").unwrap();
        let p = Publisher::prepare(&out, Interrupt::none()).unwrap();
        p.put("tags/x/index.html", b"t".to_vec()).unwrap();
        assert!(matches!(p.commit(), Err(PublishError::Collisions(_))));
        assert_eq!(std::fs::read_to_string(out.join("tags")).unwrap(), "mine");
    }

    #[test]
    fn folders_and_files_replace_each_other() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        publish(&out, &[("x", "file"), ("y/index.html", "dir"), ("z/a/index.html", "a")], None);
        let c = publish(
            &out,
            &[
                ("x/index.html", "now a folder"),
                ("y", "now a file"),
                ("z/a/index.html", "a"),
                ("z/b/index.html", "b"),
            ],
            None,
        );
        assert_eq!((c.written, c.unchanged), (3, 1));
        assert_eq!(std::fs::read_to_string(out.join("x/index.html")).unwrap(), "now a folder");
        assert_eq!(std::fs::read_to_string(out.join("y")).unwrap(), "now a file");
        assert_eq!(std::fs::read_to_string(out.join("z/b/index.html")).unwrap(), "b");
    }

    #[test]
    fn a_second_write_of_one_path_never_writes_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        publish(&out, &[("robots.txt", "static")], None);
        let p = Publisher::prepare(&out, Interrupt::none()).unwrap();
        p.put("robots.txt", b"static".to_vec()).unwrap();
        p.put("robots.txt", b"generated".to_vec()).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("robots.txt")).unwrap(), "static", "old site intact");
        p.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("robots.txt")).unwrap(), "generated");
    }

    #[test]
    fn a_dropped_or_interrupted_build_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        publish(&out, &[("index.html", "old")], None);
        let before = listing(tmp.path());
        let p = Publisher::prepare(&out, Interrupt::none()).unwrap();
        p.put("index.html", b"new".to_vec()).unwrap();
        drop(p);
        assert_eq!(listing(tmp.path()), before);
        let stop = Interrupt::none();
        let p = Publisher::prepare(&out, stop.clone()).unwrap();
        p.put("index.html", b"new".to_vec()).unwrap();
        stop.set();
        assert!(matches!(p.put("other.html", b"x".to_vec()), Err(WriteError::Interrupted)));
        assert!(matches!(p.commit(), Err(PublishError::Interrupted)));
        assert_eq!(listing(tmp.path()), before);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(Publisher::prepare(&out, Interrupt::none()).unwrap().put("../escape", vec![]).is_err());
    }

    #[test]
    fn a_folder_of_someone_elses_files_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("thesis");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("thesis.pdf"), "years of work").unwrap();
        let err = Publisher::prepare(&out, Interrupt::none()).err().unwrap();
        assert!(matches!(&err, PublishError::Unrecorded { example, .. } if example == "thesis.pdf"), "{err}");
        assert_eq!(listing(tmp.path()), ["thesis", "thesis/thesis.pdf"]);
    }

    #[test]
    fn names_like_dossiers_own_are_someone_elses_files_too() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        publish(&out, &[("index.html", "home")], None);
        std::fs::create_dir(out.join(".dossier-new-notes")).unwrap();
        std::fs::write(out.join(".dossier-new-notes/thesis.txt"), "precious").unwrap();
        std::fs::write(out.join(".dossier-manifest.new-backup"), "mine").unwrap();
        for placement in [None, Some(Placement::Inside)] {
            publish(&out, &[("index.html", "home")], placement);
            assert_eq!(
                std::fs::read_to_string(out.join(".dossier-new-notes/thesis.txt")).unwrap(),
                "precious"
            );
            assert_eq!(std::fs::read_to_string(out.join(".dossier-manifest.new-backup")).unwrap(), "mine");
        }
    }
}
