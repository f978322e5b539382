//! Site URLs: `UrlPath` is a path below the site root (`people/xi-jinping/`, `404.html`), from
//! which every page computes relative links, so the output works from any sub-path and from disk.
//! `LinkStyle` says how a link to a page folder is written (`people/` or `people/index.html`).

use serde::Serialize;
use std::fmt;

/// A site-relative path without leading slash; directories end in `/`, the root is empty.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct UrlPath(String);

impl UrlPath {
    pub fn root() -> UrlPath {
        UrlPath(String::new())
    }

    /// A page directory: `dir("people/xi")` → `people/xi/`.
    pub fn dir(path: impl AsRef<str>) -> UrlPath {
        let p = path.as_ref().trim_matches('/');
        if p.is_empty() { UrlPath::root() } else { UrlPath(format!("{p}/")) }
    }

    /// A file: `file("people/xi/atom.xml")`.
    pub fn file(path: impl AsRef<str>) -> UrlPath {
        UrlPath(path.as_ref().trim_start_matches('/').to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_dir(&self) -> bool {
        self.0.is_empty() || self.0.ends_with('/')
    }

    /// The file written for this URL: `people/xi/index.html`.
    pub fn output_file(&self) -> String {
        if self.is_dir() { format!("{}index.html", self.0) } else { self.0.clone() }
    }

    /// `../` once per directory level: the way from this page back to the site root.
    pub fn root_prefix(&self) -> String {
        let depth = self.0.matches('/').count();
        "../".repeat(depth)
    }

    /// A link from this page to `target`, relative, in the site's link style.
    pub fn href_to(&self, target: &UrlPath, style: LinkStyle) -> String {
        let h = format!("{}{}", self.root_prefix(), target.0);
        match style {
            LinkStyle::File if target.is_dir() => format!("{h}index.html"),
            _ if h.is_empty() => "./".to_string(),
            _ => h,
        }
    }
}

/// How links to pages are written (`link_style` in site.toml, FORMAT.md section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LinkStyle {
    /// `../people/`: what servers resolve to `index.html`.
    #[default]
    Directory,
    /// `../people/index.html`: for a site opened from disk or a file share, where nothing
    /// resolves a folder to its `index.html` (and no script may do it).
    File,
}

impl LinkStyle {
    pub const NAMES: &[&str] = &["directory", "file"];

    pub fn parse(s: &str) -> Option<LinkStyle> {
        match s {
            "directory" => Some(LinkStyle::Directory),
            "file" => Some(LinkStyle::File),
            _ => None,
        }
    }
}

impl fmt::Display for UrlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        let page = UrlPath::dir("people/xi-jinping");
        assert_eq!(page.root_prefix(), "../../");
        let d = LinkStyle::Directory;
        assert_eq!(page.href_to(&UrlPath::dir("countries/kp"), d), "../../countries/kp/");
        assert_eq!(UrlPath::root().href_to(&UrlPath::root(), d), "./");
        assert_eq!(UrlPath::root().href_to(&UrlPath::file("atom.xml"), d), "atom.xml");
        assert_eq!(UrlPath::file("404.html").root_prefix(), "");
        assert_eq!(page.output_file(), "people/xi-jinping/index.html");
        assert_eq!(UrlPath::root().output_file(), "index.html");
    }

    #[test]
    fn file_style_names_the_index_file() {
        let f = LinkStyle::File;
        let page = UrlPath::dir("people/xi-jinping");
        assert_eq!(page.href_to(&UrlPath::dir("people"), f), "../../people/index.html");
        assert_eq!(UrlPath::root().href_to(&UrlPath::root(), f), "index.html");
        assert_eq!(
            page.href_to(&UrlPath::file("people/xi-jinping/atom.xml"), f),
            "../../people/xi-jinping/atom.xml"
        );
    }
}
