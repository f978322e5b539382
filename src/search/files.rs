//! The index's files under `search/`, each a small script that hands its data to the page's
//! `dossierSearch(name, data)`: a script element loads from `file://` too, where `fetch()` is
//! refused. Formats (briefings are numbered newest first, posting lists as in `postings.rs`):
//!
//! - `meta.js`: `briefings`, `buckets` (shards), `prefix`, `entityBuckets`, `chunk`,
//!   `facets` (kind names), `years` (`[year, first briefing, count]`), `tlp`
//!   (`[label, class, postings]`).
//! - `idx/<n>.js`: `forms` (folded spelling → stems), `stems` (stem → postings per field:
//!   title, lead, tags, sources, body; trailing empty ones left out), `spellings`
//!   (`[folded spelling, entity]`), `entities` (entity → `[name, kind, path, briefings]`).
//! - `ent/<n>.js`: entity → postings, for entities whose number is `n` modulo `entityBuckets`.
//! - `doc/<n>.js`: briefings `n * chunk …`, each `[path, title, date, date shown, TLP label,
//!   TLP class, language, excerpt]`.
//! - `facet/<kind>.js`: `[label, path, postings]`, most frequent first.

use super::doc::SearchDoc;
use super::index::{DOC_CHUNK, PREFIX, SearchIndex};
use super::postings::encode;
use crate::pipeline::Site;
use crate::render::full_date_info;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One file of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum File {
    Meta,
    Shard(usize),
    Entities(usize),
    Docs(usize),
    Facet(usize),
}

impl File {
    /// Every file of an index, in a fixed order.
    pub fn all(ix: &SearchIndex) -> Vec<File> {
        let mut out = vec![File::Meta];
        out.extend((0..ix.buckets.len()).map(File::Shard));
        out.extend((0..ix.entity_buckets).map(File::Entities));
        out.extend((0..ix.doc_chunks()).map(File::Docs));
        out.extend((0..ix.facets.len()).map(File::Facet));
        out
    }

    /// Its name in `dossierSearch(name, …)` and its path below `search/` without `.js`.
    pub fn name(self, ix: &SearchIndex) -> String {
        match self {
            File::Meta => "meta".into(),
            File::Shard(n) => format!("idx/{n}"),
            File::Entities(n) => format!("ent/{n}"),
            File::Docs(n) => format!("doc/{n}"),
            File::Facet(n) => format!("facet/{}", ix.facets[n].0),
        }
    }

    /// The file at `search/<rest>`, if the index has one there.
    pub fn parse(ix: &SearchIndex, rest: &[&str]) -> Option<File> {
        let number = |s: &str, below: usize| {
            let n = s.strip_suffix(".js")?;
            // One spelling per file: no `01.js` beside `1.js`.
            (n == "0" || !n.starts_with('0')).then_some(())?;
            n.parse::<usize>().ok().filter(|n| *n < below)
        };
        match rest {
            ["meta.js"] => Some(File::Meta),
            ["idx", n] => number(n, ix.buckets.len()).map(File::Shard),
            ["ent", n] => number(n, ix.entity_buckets).map(File::Entities),
            ["doc", n] => number(n, ix.doc_chunks()).map(File::Docs),
            ["facet", k] => {
                let kind = k.strip_suffix(".js")?;
                ix.facets.iter().position(|(name, _)| *name == kind).map(File::Facet)
            }
            _ => None,
        }
    }

    pub fn render(self, site: &Site, ix: &SearchIndex, docs: &[Arc<SearchDoc>]) -> Vec<u8> {
        let data = match self {
            File::Meta => json(&meta(ix)),
            File::Shard(n) => json(&shard(ix, n)),
            File::Entities(n) => {
                let m: BTreeMap<u32, String> = ix
                    .entities
                    .iter()
                    .filter(|(id, _)| **id as usize % ix.entity_buckets == n)
                    .map(|(id, e)| (*id, encode(&e.briefings)))
                    .collect();
                json(&m)
            }
            File::Docs(n) => json(&doc_chunk(site, docs, n)),
            File::Facet(n) => {
                let values: Vec<(&str, Option<&str>, String)> = ix.facets[n]
                    .1
                    .iter()
                    .map(|v| (v.label.as_str(), v.path.as_deref(), encode(&v.briefings)))
                    .collect();
                json(&values)
            }
        };
        format!("dossierSearch({},{data});\n", json(&self.name(ix))).into_bytes()
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("index data serialises")
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    briefings: usize,
    buckets: usize,
    prefix: usize,
    #[serde(rename = "entityBuckets")]
    entity_buckets: usize,
    chunk: usize,
    facets: Vec<&'a str>,
    years: &'a [(i16, u32, u32)],
    tlp: Vec<(&'static str, &'static str, String)>,
}

fn meta(ix: &SearchIndex) -> Meta<'_> {
    Meta {
        v: 1,
        briefings: ix.briefings,
        buckets: ix.buckets.len(),
        prefix: PREFIX,
        entity_buckets: ix.entity_buckets,
        chunk: DOC_CHUNK,
        facets: ix.facets.iter().map(|f| f.0).collect(),
        years: &ix.years,
        tlp: ix.tlp.iter().map(|(t, p)| (t.label(), t.css(), encode(p))).collect(),
    }
}

#[derive(Serialize)]
struct Shard<'a> {
    forms: &'a BTreeMap<Box<str>, std::collections::BTreeSet<Box<str>>>,
    stems: BTreeMap<&'a str, Vec<String>>,
    spellings: &'a std::collections::BTreeSet<(String, u32)>,
    entities: BTreeMap<u32, (&'a str, &'a str, &'a str, usize)>,
}

fn shard(ix: &SearchIndex, n: usize) -> Shard<'_> {
    let b = &ix.buckets[n];
    let stems = b
        .stems
        .iter()
        .map(|(s, fields)| {
            let mut p: Vec<String> = fields.iter().map(|l| encode(l)).collect();
            while p.last().is_some_and(String::is_empty) {
                p.pop();
            }
            (&**s, p)
        })
        .collect();
    let entities = b
        .spellings
        .iter()
        .filter_map(|(_, id)| {
            let e = ix.entities.get(id)?;
            Some((*id, (e.name.as_str(), e.kind, e.path.as_str(), e.briefings.len())))
        })
        .collect();
    Shard { forms: &b.forms, stems, spellings: &b.spellings, entities }
}

type DocRow<'a> = (String, &'a str, String, String, &'static str, &'static str, &'a str, &'a str);

fn doc_chunk<'a>(site: &'a Site, docs: &'a [Arc<SearchDoc>], n: usize) -> Vec<DocRow<'a>> {
    let end = ((n + 1) * DOC_CHUNK).min(docs.len());
    (n * DOC_CHUNK..end)
        .map(|i| {
            let b = &site.briefings[i];
            let date = full_date_info(b.date, &b.lang);
            (
                format!("briefings/{}/", b.slug.value),
                b.title.as_str(),
                date.iso,
                date.display,
                b.tlp.label(),
                b.tlp.css(),
                b.lang.as_str(),
                docs[i].excerpt.as_str(),
            )
        })
        .collect()
}
