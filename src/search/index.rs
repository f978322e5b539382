//! The search index of a site, assembled from its briefings' search documents and its
//! entities, and cut into files the browser loads one at a time (each file's format is in
//! `files.rs`). Only what the gate published is here: the site's briefings, entities that
//! have a page, tags of published briefings.
//!
//! Words go to one of `buckets` shards by a hash of their first `PREFIX` characters, so every
//! word starting with the same three letters is in one shard: a typed word's shard holds both
//! its exact form and every completion of it. The number of shards grows with the index, so
//! a shard stays near `TARGET` bytes whatever the site's size.

use super::doc::{SearchDoc, field};
use super::fold::{fnv1a, fold, prefix, words};
use crate::entities::EntityId;
use crate::frontmatter::EntityKind;
use crate::pipeline::Site;
use crate::tlp::Tlp;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Characters of a word that choose its shard.
pub const PREFIX: usize = 3;
/// The size a shard aims at, in bytes.
const TARGET: usize = 24_000;
/// Briefings per excerpt file: results are shown a page at a time, newest first on ties, so
/// neighbours are often wanted together.
pub const DOC_CHUNK: usize = 8;
/// Values per facet that the browser gets counts for.
pub const FACET_VALUES: usize = 30;

/// Per stem: the briefings it occurs in, by field (in `field::ALL` order).
pub type FieldPostings = [Vec<u32>; 5];

/// The words, stems and entity spellings of one shard.
#[derive(Debug, Default)]
pub struct Bucket {
    /// Folded spelling → stem keys.
    pub forms: BTreeMap<Box<str>, BTreeSet<Box<str>>>,
    pub stems: BTreeMap<Box<str>, FieldPostings>,
    /// Folded spellings of entities with a word in this shard, with the entity.
    pub spellings: BTreeSet<(String, u32)>,
}

/// An entity that can be searched for: it has a page.
#[derive(Debug)]
pub struct Entity {
    pub id: EntityId,
    pub name: String,
    /// `person`, `organisation`, `country`.
    pub kind: &'static str,
    /// Its page, from the site root.
    pub path: String,
    pub briefings: Vec<u32>,
}

/// One value of a facet: its label, its page (entities and tags) and its briefings.
#[derive(Debug)]
pub struct FacetValue {
    pub label: String,
    pub path: Option<String>,
    pub briefings: Vec<u32>,
}

#[derive(Debug)]
pub struct SearchIndex {
    pub buckets: Vec<Bucket>,
    pub entities: BTreeMap<u32, Entity>,
    pub entity_buckets: usize,
    /// `country`, `person`, `organisation`, `tag`: the most frequent values of each.
    pub facets: Vec<(&'static str, Vec<FacetValue>)>,
    /// Per year (newest first): the first briefing and how many. Briefings are numbered
    /// newest first, so a year is one run of numbers.
    pub years: Vec<(i16, u32, u32)>,
    pub tlp: Vec<(Tlp, Vec<u32>)>,
    pub briefings: usize,
}

impl SearchIndex {
    pub fn build(site: &Site, docs: &[Arc<SearchDoc>]) -> SearchIndex {
        let mut stems: HashMap<&str, FieldPostings> = HashMap::default();
        let mut forms: HashMap<&str, BTreeSet<&str>> = HashMap::default();
        for (i, d) in docs.iter().enumerate() {
            for (stem, fields) in &d.stems {
                let p = stems.entry(&**stem).or_default();
                for (k, f) in field::ALL.iter().enumerate() {
                    if fields & f != 0 {
                        p[k].push(i as u32);
                    }
                }
            }
            for (form, stem) in &d.forms {
                forms.entry(&**form).or_default().insert(&**stem);
            }
        }
        let entities = entities(site);
        let spellings: Vec<(String, u32)> = entities
            .values()
            .flat_map(|e| spellings_of(site, e.id).into_iter().map(|s| (s, e.id.0)))
            .collect();
        // Sizes as the files will roughly have them: a posting costs about two characters, and
        // never more than a bitmap of the site.
        let bitmap = docs.len() / 6 + 2;
        let size: usize = stems
            .iter()
            .map(|(s, p)| s.len() + 8 + p.iter().map(|l| (l.len() * 2).min(bitmap)).sum::<usize>())
            .chain(forms.iter().map(|(f, s)| f.len() + 6 + s.iter().map(|x| x.len() + 3).sum::<usize>()))
            .chain(spellings.iter().map(|(s, _)| s.len() + 40))
            .sum();
        let n = size.div_ceil(TARGET).max(1);
        let mut buckets: Vec<Bucket> = (0..n).map(|_| Bucket::default()).collect();
        let at = |key: &str| fnv1a(prefix(key, PREFIX)) as usize % n;
        for (stem, p) in stems {
            buckets[at(stem)].stems.insert(stem.into(), p);
        }
        for (form, s) in forms {
            buckets[at(form)].forms.insert(form.into(), s.into_iter().map(Box::from).collect());
        }
        for (spelling, id) in spellings {
            for w in spelling.split(' ') {
                buckets[at(w)].spellings.insert((spelling.clone(), id));
            }
        }
        let mentions: usize = entities.values().map(|e| (e.briefings.len() * 2).min(bitmap) + 8).sum();
        SearchIndex {
            buckets,
            entity_buckets: mentions.div_ceil(TARGET).max(1),
            facets: facets(site, &entities),
            entities,
            years: years(site),
            tlp: tlp(site),
            briefings: docs.len(),
        }
    }

    pub fn doc_chunks(&self) -> usize {
        self.briefings.div_ceil(DOC_CHUNK)
    }
}

/// Every entity with a page, by number.
fn entities(site: &Site) -> BTreeMap<u32, Entity> {
    site.registry
        .iter()
        .filter(|(id, _)| site.index.has_page[id.index()])
        .map(|(id, e)| {
            let briefings = site.index.entity_briefings[id.index()].iter().map(|&b| b as u32).collect();
            (id.0, Entity { id, name: e.name.clone(), kind: e.kind.name(), path: e.url(), briefings })
        })
        .collect()
}

/// Every spelling of an entity that a reader might type, folded word by word: name, aliases,
/// id, and for countries the codes and the English name.
pub fn spellings_of(site: &Site, id: EntityId) -> Vec<String> {
    let e = site.registry.get(id);
    let mut all: Vec<&str> = vec![e.name.as_str(), e.id.as_str()];
    all.extend(e.aliases.iter().map(String::as_str));
    all.extend(e.english_name);
    all.extend(e.alpha3);
    let code = e.country.map(|c| c.to_string());
    all.extend(code.as_deref());
    let mut out: Vec<String> = all
        .iter()
        .map(|s| words(s).map(fold).collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn facets(site: &Site, entities: &BTreeMap<u32, Entity>) -> Vec<(&'static str, Vec<FacetValue>)> {
    let top = |mut values: Vec<FacetValue>| {
        values.sort_by(|a, b| b.briefings.len().cmp(&a.briefings.len()).then_with(|| a.label.cmp(&b.label)));
        values.retain(|v| !v.briefings.is_empty());
        values.truncate(FACET_VALUES);
        values
    };
    let of_kind = |kind: EntityKind| {
        top(entities
            .values()
            .filter(|e| e.kind == kind.name())
            .map(|e| FacetValue {
                label: e.name.clone(),
                path: Some(e.path.clone()),
                briefings: e.briefings.clone(),
            })
            .collect())
    };
    let tags = site
        .index
        .tags
        .iter()
        .map(|t| FacetValue {
            label: t.name.clone(),
            path: Some(format!("tags/{}/", t.slug)),
            briefings: t.briefings.iter().map(|&b| b as u32).collect(),
        })
        .collect();
    vec![
        ("country", of_kind(EntityKind::Country)),
        ("person", of_kind(EntityKind::Person)),
        ("organisation", of_kind(EntityKind::Organisation)),
        ("tag", top(tags)),
    ]
}

fn years(site: &Site) -> Vec<(i16, u32, u32)> {
    let mut out: Vec<(i16, u32, u32)> = Vec::new();
    for (i, b) in site.briefings.iter().enumerate() {
        match out.last_mut() {
            Some(y) if y.0 == b.date.year() => y.2 += 1,
            _ => out.push((b.date.year(), i as u32, 1)),
        }
    }
    out
}

fn tlp(site: &Site) -> Vec<(Tlp, Vec<u32>)> {
    let mut by: BTreeMap<Tlp, Vec<u32>> = BTreeMap::new();
    for (i, b) in site.briefings.iter().enumerate() {
        by.entry(b.tlp).or_default().push(i as u32);
    }
    by.into_iter().collect()
}
