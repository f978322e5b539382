//! Mount points, as the kernel lists them. A device number tells a mount of another file system
//! apart, but a bind mount of a folder on the same file system has the same device: only the
//! mount table shows it. The publisher must know both, because a mount point cannot be renamed
//! and a tree holding one must never be removed (the removal would empty the mounted folder).

use std::path::{Path, PathBuf};

/// The mount points of this process's view of the file systems.
#[derive(Debug, Default, Clone)]
pub struct Mounts(Vec<PathBuf>);

impl Mounts {
    /// Reads `/proc/self/mountinfo`; where there is none (not Linux), an empty table, and
    /// device numbers alone tell mounts apart.
    pub fn read() -> Mounts {
        std::fs::read_to_string("/proc/self/mountinfo").map(|t| Mounts::parse(&t)).unwrap_or_default()
    }

    /// The fifth field of each line, with the kernel's octal escapes (`\040` for a space).
    fn parse(text: &str) -> Mounts {
        Mounts(text.lines().filter_map(|l| l.split(' ').nth(4)).map(|p| PathBuf::from(unescape(p))).collect())
    }

    /// Whether `path` (resolved) is a mount point.
    pub fn is_mount_point(&self, path: &Path) -> bool {
        self.0.iter().any(|m| m == path)
    }

    /// The mount points strictly below `path`.
    pub fn below<'a>(&'a self, path: &'a Path) -> impl Iterator<Item = &'a Path> + 'a {
        self.0.iter().filter(move |m| m.starts_with(path) && m.as_path() != path).map(PathBuf::as_path)
    }
}

fn unescape(field: &str) -> String {
    let b = field.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && let Ok(n) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 4]).unwrap_or("x"), 8)
        {
            out.push(n);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mount_points_with_escapes() {
        let m = Mounts::parse(
            "22 27 0:21 / /proc rw - proc proc rw\n90 27 8:1 /x /srv/my\\040site/public rw - ext4 /dev/vda rw\n",
        );
        assert!(m.is_mount_point(Path::new("/srv/my site/public")));
        assert!(!m.is_mount_point(Path::new("/srv/my site")));
        assert_eq!(m.below(Path::new("/srv")).collect::<Vec<_>>(), [Path::new("/srv/my site/public")]);
        assert_eq!(m.below(Path::new("/srv/my site/public")).count(), 0);
    }
}
