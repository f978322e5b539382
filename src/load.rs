//! Loading: finds the content files of a site, reads them in parallel and splits each into its
//! YAML front matter and Markdown body, keeping the line offsets that diagnostics need.

use crate::diag::{Diagnostics, Pos};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

pub const CONTENT_DIR: &str = "content";

/// What a content file is, decided by the folder it sits in (FORMAT.md section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Briefing,
    Person,
    Organisation,
    Country,
    Page,
    /// `content/publishers/<id>.md`
    Publisher,
    /// `content/sources/<id>.md`: a source shared by many briefings.
    SharedSource,
}

/// One content file, read and normalised (no BOM, `\n` line ends).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root with `/` separators: what diagnostics print.
    pub rel: String,
    pub kind: FileKind,
    /// The file name without `.md`.
    pub stem: String,
    pub text: String,
}

/// A file cut at its front matter fences.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// The 1-based file line on which `yaml` starts.
    pub yaml_line: u32,
    pub body: &'a str,
    /// Byte offset of `body` within the file text.
    pub body_offset: usize,
}

impl SourceFile {
    pub fn new(rel: String, kind: FileKind, raw: &str) -> SourceFile {
        let text = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        // A lone CR ends a line too: the YAML and Markdown parsers count it as one, and
        // positions counted by `\n` alone pointed lines too high after it.
        let text = if text.contains('\r') {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.to_string()
        };
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        let stem = name.strip_suffix(".md").unwrap_or(name).to_string();
        SourceFile { rel, kind, stem, text }
    }

    /// `None` when the file does not start with a `---` line closed by another.
    pub fn split(&self) -> Option<Split<'_>> {
        let text = self.text.as_str();
        let first_end = text.find('\n')?;
        if text[..first_end].trim_end() != "---" {
            return None;
        }
        let yaml_start = first_end + 1;
        let mut line_start = yaml_start;
        while line_start <= text.len() {
            let line_end = text[line_start..].find('\n').map_or(text.len(), |i| line_start + i);
            if text[line_start..line_end].trim_end() == "---" {
                let body_offset = (line_end + 1).min(text.len());
                return Some(Split {
                    yaml: &text[yaml_start..line_start],
                    yaml_line: 2,
                    body: &text[body_offset..],
                    body_offset,
                });
            }
            if line_end == text.len() {
                break;
            }
            line_start = line_end + 1;
        }
        None
    }
}

/// True for names the loader skips: hidden, underscore-prefixed and editor back-up files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('_')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Decides a file's kind from its path below `content/`, or `None` when it is not content.
pub fn classify(rel_in_content: &Path) -> Option<FileKind> {
    if rel_in_content.extension()? != "md" {
        return None;
    }
    let mut comps = rel_in_content.components().map(|c| c.as_os_str().to_str().unwrap_or(""));
    let section = comps.next()?;
    let depth = rel_in_content.components().count();
    match (section, depth) {
        ("briefings", d) if d >= 2 => Some(FileKind::Briefing),
        ("people", 2) => Some(FileKind::Person),
        ("organisations", 2) => Some(FileKind::Organisation),
        ("countries", 2) => Some(FileKind::Country),
        ("pages", 2) => Some(FileKind::Page),
        ("publishers", 2) => Some(FileKind::Publisher),
        ("sources", 2) => Some(FileKind::SharedSource),
        _ => None,
    }
}

/// A file where `content/` or one of its section folders belongs, which would otherwise
/// silently give an empty site (checked on every run: `serve` does not discover again).
pub fn misplaced_files(root: &Path) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let content = root.join(CONTENT_DIR);
    for section in ["", "briefings", "people", "organisations", "countries", "pages", "publishers", "sources"]
    {
        let p = if section.is_empty() { content.clone() } else { content.join(section) };
        if p.exists() && !p.is_dir() {
            diags.error(&rel_path(root, &p), Pos::START, "expected a folder, found a file");
        }
    }
    diags
}

/// Where a site's files may come from: below its root, and not from folders it must never
/// read as sources (its output, for content; its content, for static files). Symlinks are
/// followed only where they land inside, and every read checks where the opened file really
/// is, so a link swapped after the walk cannot slip a file from outside in.
#[derive(Debug, Clone)]
pub struct Confine {
    /// The site root as given, for relative paths in diagnostics.
    root: PathBuf,
    real_root: PathBuf,
    avoid: Vec<PathBuf>,
}

impl Confine {
    pub fn new(root: &Path, avoid: &[PathBuf]) -> Confine {
        let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        Confine {
            root: root.to_path_buf(),
            real_root: real(root),
            avoid: avoid.iter().map(|p| real(p)).collect(),
        }
    }

    /// For content: anything in the site but its output folder.
    pub fn content(config: &crate::config::Config) -> Confine {
        Confine::new(&config.root, std::slice::from_ref(&config.output_dir))
    }

    /// For static files: anything in the site but its content and its output folder (a link
    /// to either would publish raw briefings, withheld ones included, or the last build).
    pub fn statics(config: &crate::config::Config) -> Confine {
        Confine::new(&config.root, &[config.root.join(CONTENT_DIR), config.output_dir.clone()])
    }

    /// Whether a resolved path is inside the site and outside the avoided folders.
    fn allows_real(&self, real: &Path) -> bool {
        real.starts_with(&self.real_root) && !self.avoid.iter().any(|a| real.starts_with(a))
    }

    /// Whether `path` (any spelling) resolves to a place files may come from.
    pub fn allows(&self, path: &Path) -> bool {
        path.canonicalize().is_ok_and(|p| self.allows_real(&p))
    }

    /// Reads a file, refusing it if the file actually opened lies elsewhere.
    pub fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut f = std::fs::File::open(path)?;
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let opened = std::fs::read_link(format!("/proc/self/fd/{}", f.as_raw_fd()))?;
            if !self.allows_real(&opened) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "it leads out of the site (a symlink changed while the site was read)",
                ));
            }
        }
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// Lists the content files of a site (sorted, so every run sees the same order).
pub fn discover(confine: &Confine, diags: &mut Diagnostics) -> Vec<(PathBuf, String, FileKind)> {
    let root = confine.root.as_path();
    let content = root.join(CONTENT_DIR);
    let mut found = Vec::new();
    for path in walk_files(&content, confine, diags) {
        let Ok(rel_in_content) = path.strip_prefix(&content) else { continue };
        let rel = rel_path(root, &path);
        match classify(rel_in_content) {
            Some(kind) => found.push((path, rel, kind)),
            None => warn_stray(&rel, diags),
        }
    }
    found
}

/// The files below `dir` (which may itself be a symlink), sorted, skipping ignored names.
/// Symlinks below it are followed only where `confine` allows: a link to `/etc` or to a file
/// elsewhere would publish what the author never put in the site. Those get a warning naming
/// the link; so do links in a loop and links to nothing.
pub fn walk_files(dir: &Path, confine: &Confine, diags: &mut Diagnostics) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let root = confine.root.as_path();
    let mut refused: Vec<(PathBuf, &'static str)> = Vec::new();
    let walker =
        walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_ignored_name(&e.file_name().to_string_lossy()) {
                return false;
            }
            if e.path_is_symlink() {
                match e.path().canonicalize() {
                    Ok(target) if confine.allows_real(&target) => {}
                    Ok(target) if target.starts_with(&confine.real_root) => {
                        refused.push((
                            e.path().to_path_buf(),
                            "symlink leads into the output or the content; not followed",
                        ));
                        return false;
                    }
                    Ok(_) => {
                        refused.push((e.path().to_path_buf(), "symlink leads out of the site; not followed"));
                        return false;
                    }
                    Err(_) => {
                        refused.push((e.path().to_path_buf(), "symlink to nothing; ignored"));
                        return false;
                    }
                }
            }
            true
        });
    let mut files = Vec::new();
    let mut loops = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.path().to_path_buf()),
            Ok(_) => {}
            Err(e) if e.loop_ancestor().is_some() => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                loops.push((path, "symlink loops back to a folder above it; not followed"));
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    loops.push((path, "symlink to nothing; ignored"));
                } else {
                    let why = e.io_error().map_or_else(|| e.to_string(), |io| io.to_string());
                    diags.error(&rel_path(root, &path), Pos::START, format!("cannot read: {why}"));
                }
            }
        }
    }
    for (path, why) in refused.into_iter().chain(loops) {
        diags.warning(&rel_path(root, &path), Pos::START, why);
    }
    files
}

/// Warns about a Markdown file (and only such) outside the content sections.
pub fn warn_stray(rel: &str, diags: &mut Diagnostics) {
    if rel.ends_with(".md") {
        diags.warning(
            rel,
            Pos::START,
            "not in briefings/, people/, organisations/, countries/, pages/, publishers/ or sources/; ignored",
        );
    }
}

/// Reads files in parallel; unreadable or non-UTF-8 files become errors at 1:1.
pub fn read_all(
    files: Vec<(PathBuf, String, FileKind)>,
    confine: &Confine,
) -> (Vec<SourceFile>, Diagnostics) {
    let results: Vec<Result<SourceFile, (String, String)>> = files
        .into_par_iter()
        .map(|(path, rel, kind)| match confine.read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(s) => Ok(SourceFile::new(rel, kind, &s)),
                Err(_) => Err((rel, "file is not valid UTF-8".to_string())),
            },
            Err(e) => Err((rel, format!("cannot read file: {e}"))),
        })
        .collect();
    let mut diags = Diagnostics::new();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(f) => out.push(f),
            Err((rel, msg)) => diags.error(&rel, Pos::START, msg),
        }
    }
    (out, diags)
}

/// `root`-relative path with forward slashes.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_with_bom_and_crlf() {
        let f = SourceFile::new(
            "content/briefings/a.md".into(),
            FileKind::Briefing,
            "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n",
        );
        let s = f.split().unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(f.stem, "a");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let f = SourceFile::new("x.md".into(), FileKind::Page, "---\rtitle: A\r\n---\rBody\r\rEnd");
        let s = f.split().unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n\nEnd");
    }

    #[test]
    fn missing_fence_is_none() {
        let f = SourceFile::new("x.md".into(), FileKind::Page, "title: A\n---\n");
        assert!(f.split().is_none());
        let g = SourceFile::new("x.md".into(), FileKind::Page, "---\ntitle: A\n");
        assert!(g.split().is_none());
        let h = SourceFile::new("x.md".into(), FileKind::Page, "---\ntitle: A\n---");
        assert_eq!(h.split().unwrap().body, "");
    }

    #[test]
    fn classifies_by_folder() {
        assert_eq!(classify(Path::new("briefings/2025/x.md")), Some(FileKind::Briefing));
        assert_eq!(classify(Path::new("people/xi.md")), Some(FileKind::Person));
        assert_eq!(classify(Path::new("people/sub/xi.md")), None);
        assert_eq!(classify(Path::new("countries/kp.md")), Some(FileKind::Country));
        assert_eq!(classify(Path::new("briefings/x.txt")), None);
        assert!(is_ignored_name("#x.md#") && is_ignored_name("x.md~") && is_ignored_name(".x.md.swp"));
    }
}
