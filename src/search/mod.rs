//! Search (FORMAT.md section 6, `/search/`): a static index the browser queries by itself.
//! Each published briefing becomes a `SearchDoc` (its stemmed words by field, and an excerpt),
//! made once per version of the briefing; the site's documents and entities are assembled
//! into a `SearchIndex` when the index is first asked for, and cut into small script files
//! (`files.rs`) so that answering a query loads only the shards of its words.

pub mod doc;
pub mod files;
pub mod fold;
pub mod index;
pub mod postings;

pub use doc::SearchDoc;
pub use index::SearchIndex;

use crate::pipeline::Site;
use std::sync::{Arc, OnceLock};

/// A site's search documents, one per published briefing in the site's order, and the index
/// made of them once someone needs it (`build` always, `serve` at the first request for an
/// index file after a save).
#[derive(Debug, Default)]
pub struct Search {
    pub docs: Vec<Arc<SearchDoc>>,
    index: OnceLock<SearchIndex>,
}

impl Search {
    pub fn new(docs: Vec<Arc<SearchDoc>>) -> Search {
        Search { docs, index: OnceLock::new() }
    }

    pub fn assembled(&self, site: &Site) -> &SearchIndex {
        self.index.get_or_init(|| SearchIndex::build(site, &self.docs))
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, Overrides};
    use crate::pipeline::Workspace;
    use std::sync::Arc;

    #[test]
    fn a_save_remakes_only_the_saved_briefings_search_document() {
        let dir = tempfile::tempdir().unwrap();
        let w = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w("site.toml", "title = \"T\"\n");
        for i in 0..3 {
            w(
                &format!("content/briefings/b{i}.md"),
                &format!("---\ntitle: Briefing {i}\ndate: 2025-01-0{}\n---\nBody {i}.\n", i + 1),
            );
        }
        let mut ws = Workspace::new(Config::load(dir.path(), &Overrides::default()).unwrap());
        ws.scan();
        let before = ws.site().0.unwrap();
        w("content/briefings/b1.md", "---\ntitle: Briefing one\ndate: 2025-01-02\n---\nChanged.\n");
        assert!(ws.update(&[dir.path().join("content/briefings/b1.md")]));
        let after = ws.site().0.unwrap();
        let same: Vec<bool> =
            before.search.docs.iter().zip(&after.search.docs).map(|(a, b)| Arc::ptr_eq(a, b)).collect();
        // Newest first: b2, b1, b0.
        assert_eq!(same, [true, false, true]);
        assert!(after.search.docs[1].excerpt.contains("Changed"));
    }
}
