//! The output folder as the operating system will see it: the path resolved (`..` and symlinks)
//! before any check, and the checks that keep a build from ever writing into, or cleaning, the
//! site's own sources (FORMAT.md section 7).

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// An output folder path resolved the way the OS resolves it when the build creates and
/// writes it: every existing part canonical (symlinks followed), and below the first missing
/// part `..` taken lexically, as `create_dir_all` creates the missing parts as real folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPath(PathBuf);

impl ResolvedPath {
    pub fn as_path(&self) -> &Path {
        &self.0
    }

    /// Resolves `path` (relative paths against `cwd`).
    pub fn new(path: &Path, cwd: &Path) -> Result<ResolvedPath, Refusal> {
        let abs = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
        let mut out = PathBuf::from("/");
        // How many leading components of `out` exist on disk (and are canonical): `..` below
        // them is lexical, `..` into them is the real parent.
        let mut real = 1;
        for comp in abs.components() {
            match comp {
                Component::Prefix(_) | Component::RootDir => {
                    out = PathBuf::from("/");
                    real = 1;
                }
                Component::CurDir => {}
                Component::ParentDir => {
                    let depth = out.components().count();
                    out.pop();
                    if depth <= real {
                        real = out.components().count();
                    }
                }
                Component::Normal(name) => {
                    let all_real = out.components().count() == real;
                    out.push(name);
                    if !all_real {
                        continue;
                    }
                    match std::fs::symlink_metadata(&out) {
                        Ok(m) if m.file_type().is_symlink() => match out.canonicalize() {
                            Ok(target) => {
                                out = target;
                                real = out.components().count();
                            }
                            Err(_) => {
                                return Err(Refusal::new(&abs, "is a symlink to a missing folder"));
                            }
                        },
                        Ok(_) => real += 1,
                        Err(_) => {}
                    }
                }
            }
        }
        Ok(ResolvedPath(out))
    }
}

impl fmt::Display for ResolvedPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.display())
    }
}

/// Why a folder cannot be the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The folder as resolved (or as given, when it could not be).
    pub folder: PathBuf,
    pub reason: String,
}

impl Refusal {
    pub fn new(folder: &Path, reason: impl Into<String>) -> Refusal {
        Refusal { folder: folder.to_path_buf(), reason: reason.into() }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the output folder {} {}", self.folder.display(), self.reason)
    }
}

/// The site's source folders: a build must never write into them, nor be a folder that
/// holds them (the output's stale files are cleaned).
const SOURCES: &[&str] = &["content", "templates", "themes", "static"];

/// Resolves the output folder and refuses one that is, contains or lies inside the site's
/// sources, however it is spelled (`..`, symlinks), or that is a file.
pub fn check(output: &Path, root: &Path) -> Result<ResolvedPath, Refusal> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let out = ResolvedPath::new(output, &cwd)?;
    let root = ResolvedPath::new(root, &cwd)?;
    let o = out.as_path();
    if let Ok(m) = std::fs::metadata(o)
        && !m.is_dir()
    {
        return Err(Refusal::new(o, "is a file, not a folder"));
    }
    if root.as_path().starts_with(o) {
        let what = if root.as_path() == o { "is the site itself" } else { "contains the site itself" };
        return Err(Refusal::new(o, what));
    }
    for dir in SOURCES {
        // A source folder may itself be a symlink (content/ kept elsewhere): compare both.
        let lexical = root.as_path().join(dir);
        let real = ResolvedPath::new(&lexical, &cwd)?;
        for src in [lexical.as_path(), real.as_path()] {
            if o == src {
                return Err(Refusal::new(o, format!("is the site's {dir}/ folder")));
            }
            if o.starts_with(src) {
                return Err(Refusal::new(o, format!("lies inside the site's sources ({dir}/)")));
            }
            if src.starts_with(o) {
                return Err(Refusal::new(o, format!("contains the site's sources ({dir}/)")));
            }
        }
    }
    same_folder_check(o, root.as_path())?;
    Ok(out)
}

/// A folder's identity on disk: the same folder has it under every name (a bind mount, a
/// second mount of the file system), where paths can differ.
fn identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

/// The identities of `p` and every folder above it that exists.
fn identities_up(p: &Path) -> Vec<(u64, u64)> {
    p.ancestors().filter_map(identity).collect()
}

/// The checks of `check` by identity rather than by spelling: the output (or a folder it would
/// be created in) is one of the site's source folders or the site itself under another name, or
/// the site lies in the output under another name.
fn same_folder_check(out: &Path, root: &Path) -> Result<(), Refusal> {
    let up = identities_up(out);
    for dir in SOURCES {
        if let Some(src) = identity(&root.join(dir))
            && up.contains(&src)
        {
            return Err(Refusal::new(
                out,
                format!("lies inside the site's sources ({dir}/), under another name"),
            ));
        }
    }
    if let Some(o) = identity(out)
        && identities_up(root).contains(&o)
    {
        return Err(Refusal::new(out, "contains the site itself, under another name"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap().join("site");
        std::fs::create_dir_all(root.join("content/briefings")).unwrap();
        std::fs::write(root.join("site.toml"), "title = \"T\"").unwrap();
        (tmp, root)
    }

    #[test]
    fn dot_dot_below_a_missing_folder_is_resolved_like_the_os() {
        let (_tmp, root) = site();
        let r = |p: &str| ResolvedPath::new(Path::new(p), &root).unwrap().as_path().to_path_buf();
        assert_eq!(r("x/../.."), root.parent().unwrap());
        assert_eq!(r("notyet/../content"), root.join("content"));
        assert_eq!(r("a/b/../c"), root.join("a/c"));
        assert_eq!(r("./public/."), root.join("public"));
        assert_eq!(r("/"), Path::new("/"));
        assert_eq!(r("../../../../../../../.."), Path::new("/"));
    }

    #[test]
    fn refuses_the_site_its_parents_and_its_sources_however_spelled() {
        let (tmp, root) = site();
        let ok = |p: PathBuf| check(&p, &root).is_ok();
        assert!(ok(root.join("public")));
        assert!(ok(tmp.path().join("elsewhere/new")));
        assert!(ok(root.join("public/../docs")));
        for bad in [
            root.clone(),
            tmp.path().to_path_buf(),
            root.join("x/../.."),
            root.join("notyet/../content"),
            root.join("content/briefings/out"),
            root.join("static/x"),
            root.join("./content/../templates"),
            root.join("themes"),
            PathBuf::from("/"),
        ] {
            assert!(!ok(bad.clone()), "{} must be refused", bad.display());
        }
        assert_eq!(check(&root.join("site.toml"), &root).unwrap_err().reason, "is a file, not a folder");
    }

    #[test]
    fn symlinks_are_followed_before_the_check() {
        let (tmp, root) = site();
        let link = |name: &str, to: &Path| {
            let l = tmp.path().join(name);
            std::os::unix::fs::symlink(to, &l).unwrap();
            l
        };
        assert!(check(&link("to-site", &root), &root).is_err());
        assert!(check(&link("to-parent", tmp.path()), &root).is_err());
        assert!(check(&link("to-content", &root.join("content")), &root).is_err());
        assert!(check(&link("to-missing", &tmp.path().join("nowhere")), &root).is_err());
        // Through a symlinked folder, `..` is the parent of the link's target.
        std::fs::create_dir_all(root.join("content/briefings/deep")).unwrap();
        let via = link("via", &root.join("content/briefings/deep"));
        assert!(check(&via.join("../out"), &root).is_err(), "via/.. is content/briefings");
        // A site reached through a symlink is still itself.
        let site_link = link("site-link", &root);
        assert!(check(&root.join("content/x"), &site_link).is_err());
        assert!(check(&site_link.join("public"), &root).is_ok());
    }
}
