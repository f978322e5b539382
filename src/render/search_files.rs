//! The search index files under `/search/` (`meta.js`, `idx/`, `ent/`, `doc/`, `facet/`):
//! one kind of output whose keys are the index's files (`search::files::File`). The index is
//! assembled at the first call that needs it, so `serve` builds it only when a page asks.

use super::table::{Key, OutputKind};
use super::{Cx, RenderError};
use crate::pipeline::Site;
use crate::search::files::File;
use crate::url::UrlPath;

pub struct SearchFiles;

/// The key of a file: its kind in the top byte, its number below.
fn key(file: File) -> Key {
    let (kind, n) = match file {
        File::Meta => (0, 0),
        File::Shard(n) => (1, n),
        File::Entities(n) => (2, n),
        File::Docs(n) => (3, n),
        File::Facet(n) => (4, n),
    };
    Key::item(kind << 24 | n)
}

fn file(key: Key) -> File {
    let n = key.index() & 0xff_ffff;
    match key.index() >> 24 {
        0 => File::Meta,
        1 => File::Shard(n),
        2 => File::Entities(n),
        3 => File::Docs(n),
        _ => File::Facet(n),
    }
}

impl OutputKind for SearchFiles {
    fn name(&self) -> &'static str {
        "search-index"
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        File::all(site.search.assembled(site)).into_iter().map(key).collect()
    }

    fn url(&self, site: &Site, k: Key) -> UrlPath {
        UrlPath::file(format!("search/{}.js", file(k).name(site.search.assembled(site))))
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        match path {
            ["search", rest @ ..] if !rest.is_empty() && rest != ["index.html"] => {
                File::parse(site.search.assembled(site), rest).map(key)
            }
            _ => None,
        }
    }

    fn render(&self, cx: Cx, k: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        Ok(file(k).render(site, site.search.assembled(site), &site.search.docs))
    }
}
