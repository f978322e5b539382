//! The manifest: the record, kept in the output folder, of every file a build of dossier wrote
//! there. A build deletes or replaces only files it names, so whatever else lives in the folder
//! (a `.git`, a `CNAME`, a user's own notes) is never touched.

use std::collections::HashSet;
use std::path::Path;

/// The manifest's file name inside the output folder (hidden: static servers and `rsync
/// --exclude '.*'` skip it; it names only public files anyway).
pub const FILE: &str = ".dossier-manifest";

/// The first line, so a file of that name that dossier did not write is never mistaken for one.
const HEADER: &str = "dossier output manifest 1";

/// The site-relative paths a build wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub files: HashSet<String>,
}

impl Manifest {
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// Every folder a recorded file lies in (`a/b/c.html` → `a`, `a/b`).
    pub fn folders(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        for f in &self.files {
            let mut end = f.len();
            while let Some(i) = f[..end].rfind('/') {
                if !out.insert(f[..i].to_string()) {
                    break;
                }
                end = i;
            }
        }
        out
    }

    /// One JSON string per line after the header: any file name (even one holding a newline)
    /// survives, and the file is cheap to read and to diff.
    pub fn to_text(&self) -> String {
        let mut files: Vec<&String> = self.files.iter().collect();
        files.sort();
        let mut out = String::with_capacity(files.len() * 40 + HEADER.len() + 1);
        out.push_str(HEADER);
        out.push('\n');
        for f in files {
            out.push_str(&serde_json::to_string(f).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// `None` when the text is not a manifest dossier wrote.
    pub fn parse(text: &str) -> Option<Manifest> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut files = HashSet::new();
        for l in lines.filter(|l| !l.is_empty()) {
            let f: String = serde_json::from_str(l).ok()?;
            files.insert(f);
        }
        Some(Manifest { files })
    }

    /// Reads the manifest of `folder`, if it has a valid one.
    pub fn read(folder: &Path) -> Option<Manifest> {
        Manifest::parse(&std::fs::read_to_string(folder.join(FILE)).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_name() {
        let m = Manifest {
            files: ["index.html", "a b/ü.txt", "odd\nname", "q\"uote"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        let text = m.to_text();
        assert!(text.starts_with("dossier output manifest 1\n\"a b/ü.txt\"\n"), "{text}");
        assert_eq!(Manifest::parse(&text), Some(m));
        assert_eq!(Manifest::parse("my own notes\n"), None);
        assert_eq!(Manifest::parse(""), None);
        let m =
            Manifest { files: ["a/b/c.html", "a/d.html", "e.html"].iter().map(|s| s.to_string()).collect() };
        let mut dirs: Vec<String> = m.folders().into_iter().collect();
        dirs.sort();
        assert_eq!(dirs, ["a", "a/b"]);
    }
}
