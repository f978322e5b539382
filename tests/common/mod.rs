//! Shared helpers for the end-to-end tests: each test copies a fixture site into its own temp
//! folder, runs the real `dossier` binary on it and reads the output back.

#![allow(dead_code)]

use scraper::{Html, Selector};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A private copy of a fixture site.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn copy(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(name), dir.path());
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let mut full: Vec<&str> = args.to_vec();
        let root = self.root().to_str().unwrap();
        full.extend(["--root", root]);
        dossier(&full)
    }

    pub fn build(&self, extra: &[&str]) -> Output {
        let mut args = vec!["build"];
        args.extend(extra);
        let out = self.run(&args);
        assert!(out.status.success(), "build failed: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// A built page, parsed: `page("people/kim-jong-un/")`.
    pub fn page(&self, url: &str) -> Html {
        let file =
            if url.is_empty() || url.ends_with('/') { format!("{url}index.html") } else { url.to_string() };
        let path = self.public().join(&file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Html::parse_document(&text)
    }

    /// Silences every lint code (`[lint] allow`), so `check` prints exactly build's lines.
    pub fn allow_all_lint(&self) {
        let path = self.root().join("site.toml");
        let toml = std::fs::read_to_string(&path).unwrap();
        let codes = "\"W001\", \"W002\", \"W003\", \"W004\", \"W005\", \"W006\", \"W007\", \"W008\"";
        std::fs::write(path, format!("{toml}\n[lint]\nallow = [{codes}]\n")).unwrap();
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }
}

pub fn dossier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier")).args(args).output().expect("run dossier")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file below `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Attribute values of all elements matching `selector`.
pub fn attrs(doc: &Html, selector: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(selector)).filter_map(|e| e.value().attr(attr).map(String::from)).collect()
}

pub fn text(doc: &Html, selector: &str) -> String {
    doc.select(&sel(selector)).flat_map(|e| e.text()).collect::<Vec<_>>().join(" ")
}

/// Resolves a relative href found on page `from` (a site path like `people/x/`) to a site path.
pub fn resolve(from: &str, href: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the file name or the empty string after the last slash
    for seg in href.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if href.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

/// Slugs of briefings linked from the elements matching `selector` on page `url`.
pub fn linked_briefings(site: &Site, url: &str, selector: &str) -> Vec<String> {
    let doc = site.page(url);
    let mut v: Vec<String> = attrs(&doc, &format!("{selector} a[href]"), "href")
        .iter()
        .map(|h| resolve(url, h.split('#').next().unwrap()))
        .filter_map(|p| p.strip_prefix("briefings/").map(|s| s.trim_end_matches('/').to_string()))
        .filter(|s| !s.is_empty())
        .collect();
    v.dedup();
    v
}
