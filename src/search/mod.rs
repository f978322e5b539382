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

    pub fn index(&self, site: &Site) -> &SearchIndex {
        self.index.get_or_init(|| SearchIndex::build(site, &self.docs))
    }
}
