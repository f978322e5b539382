//! Index: the cross-references between briefings and entities that pages show — who appears
//! where, with whom, in which events; backlinks; the timeline; sources by publisher; tags.
//! Every table is built in one pass over the briefings, linear in their number.

use crate::entities::{EntityId, Registry};
use crate::frontmatter::{Briefing, EntityKind};
use crate::markdown::Target;
use crate::slug::slugify;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// Index of a published briefing; briefings are sorted newest first, so ascending indices are
/// newest-first lists.
pub type BriefingIdx = usize;

/// One event of one briefing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef {
    pub briefing: BriefingIdx,
    pub event: usize,
}

/// Sources that are the same document (same URL, or same title where there is none).
#[derive(Debug, Clone)]
pub struct SourceGroup {
    /// (briefing, index into its sources), newest briefing first.
    pub citations: Vec<(BriefingIdx, usize)>,
}

#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    pub slug: String,
    pub groups: Vec<SourceGroup>,
}

/// A year of the timeline (the year its events start in): its events are
/// `timeline()[events]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineYear {
    pub year: i16,
    pub events: std::ops::Range<usize>,
}

/// Publishers that are organisations with a page (by the organisation's name or alias).
#[derive(Debug, Clone, Default)]
pub struct PublisherOrgs {
    /// Per publisher (as `publishers` lists them): its organisation.
    pub organisation: Vec<Option<EntityId>>,
    /// Per organisation: its publishers, in `publishers` order.
    pub publishers: HashMap<EntityId, Vec<usize>>,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub briefings: Vec<BriefingIdx>,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Per entity: the briefings naming it (front matter, events or body), newest first.
    pub entity_briefings: Vec<Vec<BriefingIdx>>,
    /// Per entity: events naming it, in date order.
    pub entity_events: Vec<Vec<EventRef>>,
    /// Per briefing: every entity it names (front matter, events, body), once.
    pub named: Vec<Vec<EntityId>>,
    /// Per briefing: the briefings whose body links to it.
    pub backlinks: Vec<Vec<BriefingIdx>>,
    /// Per briefing: entities its body links to.
    pub body_entities: Vec<Vec<EntityId>>,
    /// Every event, oldest first; built when first asked for (`timeline`).
    timeline: OnceLock<Vec<EventRef>>,
    /// The timeline cut into years; built when first asked for (`years`).
    years: OnceLock<Vec<TimelineYear>>,
    pub event_count: usize,
    /// Sources grouped by publisher; built when first asked for (`publishers`).
    publishers: OnceLock<Vec<Publisher>>,
    /// Publishers and organisations that are the same body; built when first asked for.
    publisher_orgs: OnceLock<PublisherOrgs>,
    pub tags: Vec<Tag>,
    /// Per entity: whether it gets a page (named by a published briefing, or has a file).
    pub has_page: Vec<bool>,
}

/// What the index needs per briefing, from the earlier stages.
pub struct Inputs<'a> {
    pub briefings: &'a [std::sync::Arc<Briefing>],
    pub resolved: &'a [Arc<crate::entities::Resolved>],
    pub body_targets: &'a [Vec<Target>],
    pub registry: &'a Registry,
    pub lang: &'a str,
}

/// Spellings of a publisher's name, and its documents with their citations.
/// Documents are keyed by URL (or title) and keep the order in which they were first cited.
type PublisherAcc = (HashMap<String, u32>, HashMap<String, (usize, Vec<(BriefingIdx, usize)>)>);

pub fn build(inp: &Inputs) -> Index {
    let n_entities = inp.registry.len();
    let n = inp.briefings.len();
    let mut idx = Index {
        entity_briefings: vec![Vec::new(); n_entities],
        entity_events: vec![Vec::new(); n_entities],
        named: Vec::with_capacity(n),
        backlinks: vec![Vec::new(); n],
        body_entities: vec![Vec::new(); n],
        ..Index::default()
    };
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    let mut tag_slugs: HashMap<&str, String> = HashMap::default();

    // Per briefing, independently and in parallel: every entity it names, once.
    let named_lists: Vec<(Vec<EntityId>, Vec<EntityId>)> = inp
        .briefings
        .par_iter()
        .zip(inp.resolved)
        .enumerate()
        .map(|(b, (_, res))| {
            let mut named: Vec<EntityId> = Vec::new();
            let mut add = |id: EntityId| {
                if !named.contains(&id) {
                    named.push(id);
                }
            };
            res.actors.iter().for_each(|a| add(a.entity));
            res.countries.iter().copied().for_each(&mut add);
            for (actors, countries) in &res.events {
                actors.iter().chain(countries).copied().for_each(&mut add);
            }
            let mut body = Vec::new();
            for t in &inp.body_targets[b] {
                if let Target::Entity(id) = *t {
                    add(id);
                    if !body.contains(&id) {
                        body.push(id);
                    }
                }
            }
            (named, body)
        })
        .collect();

    for (b, ((briefing, res), (named, body))) in
        inp.briefings.iter().zip(inp.resolved).zip(named_lists).enumerate()
    {
        for t in &inp.body_targets[b] {
            if let Target::Briefing(other) = *t
                && other != b
                && idx.backlinks[other].last() != Some(&b)
            {
                idx.backlinks[other].push(b);
            }
        }
        idx.body_entities[b] = body;
        for &e in &named {
            idx.entity_briefings[e.index()].push(b);
        }
        idx.named.push(named);
        for (ei, (actors, countries)) in res.events.iter().enumerate() {
            let r = EventRef { briefing: b, event: ei };
            idx.event_count += 1;
            for id in actors.iter().chain(countries) {
                idx.entity_events[id.index()].push(r);
            }
        }
        for t in &briefing.tags {
            let slug = tag_slugs.entry(t.as_str()).or_insert_with(|| slugify(t, inp.lang)).clone();
            tags.entry(slug.clone())
                .or_insert_with(|| Tag { name: t.clone(), slug, briefings: Vec::new() })
                .briefings
                .push(b);
        }
    }

    let key = |b: BriefingIdx, e: usize| (inp.briefings[b].events[e].date, b);
    for evs in &mut idx.entity_events {
        evs.sort_by(|x, y| {
            key(x.briefing, x.event).cmp(&key(y.briefing, y.event)).then(x.event.cmp(&y.event))
        });
    }
    idx.has_page = inp
        .registry
        .iter()
        .map(|(id, e)| e.has_file() || !idx.entity_briefings[id.index()].is_empty())
        .collect();
    idx.tags = tags.into_values().collect();
    idx
}

impl Index {
    /// Every event of every briefing, oldest first (by date, then newest briefing first).
    pub fn timeline(&self, briefings: &[Arc<Briefing>]) -> &[EventRef] {
        self.timeline.get_or_init(|| {
            let mut keyed: Vec<(crate::date::Edtf, BriefingIdx, usize)> = briefings
                .iter()
                .enumerate()
                .flat_map(|(b, br)| br.events.iter().enumerate().map(move |(e, ev)| (ev.date, b, e)))
                .collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|(_, briefing, event)| EventRef { briefing, event }).collect()
        })
    }

    /// The years that have events, oldest first, each with its stretch of `timeline`.
    pub fn years(&self, briefings: &[Arc<Briefing>]) -> &[TimelineYear] {
        self.years.get_or_init(|| {
            let mut out: Vec<TimelineYear> = Vec::new();
            for (i, r) in self.timeline(briefings).iter().enumerate() {
                let year = briefings[r.briefing].events[r.event].date.start().year();
                match out.last_mut() {
                    Some(y) if y.year == year => y.events.end = i + 1,
                    _ => out.push(TimelineYear { year, events: i..i + 1 }),
                }
            }
            out
        })
    }

    /// Every source grouped by publisher (sorted by name); within a publisher, one entry per
    /// document (same URL, or same title), in order of first citation.
    pub fn publishers(&self, briefings: &[Arc<Briefing>], lang: &str) -> &[Publisher] {
        self.publishers.get_or_init(|| build_publishers(briefings, lang))
    }

    /// Which publishers are organisations of the site (same name or alias), both ways.
    pub fn publisher_orgs(&self, briefings: &[Arc<Briefing>], reg: &Registry, lang: &str) -> &PublisherOrgs {
        self.publisher_orgs.get_or_init(|| {
            let mut out = PublisherOrgs::default();
            for (i, p) in self.publishers(briefings, lang).iter().enumerate() {
                let org = reg
                    .lookup_kind(EntityKind::Organisation, &p.name, lang)
                    .filter(|id| self.has_page.get(id.index()).copied().unwrap_or(false));
                if let Some(id) = org {
                    out.publishers.entry(id).or_default().push(i);
                }
                out.organisation.push(org);
            }
            out
        })
    }

    /// The entities named in the same briefings as `id`, with the number of briefings shared,
    /// most shared first (ties by name). Computed when a page needs it: the cost is the sum of
    /// the sizes of `id`'s briefings, and a rebuild pays nothing for pages nobody views.
    pub fn appears_with(&self, id: EntityId, reg: &Registry) -> Vec<(EntityId, u32)> {
        let mut counts: HashMap<EntityId, u32> = HashMap::default();
        for &b in &self.entity_briefings[id.index()] {
            for &o in &self.named[b] {
                if o != id {
                    *counts.entry(o).or_default() += 1;
                }
            }
        }
        let mut v: Vec<(EntityId, u32)> = counts.into_iter().collect();
        v.sort_by(|a, b| {
            b.1.cmp(&a.1).then_with(|| reg.get(a.0).name.cmp(&reg.get(b.0).name)).then(a.0.cmp(&b.0))
        });
        v
    }
}

fn build_publishers(briefings: &[Arc<Briefing>], lang: &str) -> Vec<Publisher> {
    let mut publishers: BTreeMap<String, PublisherAcc> = BTreeMap::new();
    for (b, briefing) in briefings.iter().enumerate() {
        for (si, s) in briefing.sources.iter().enumerate() {
            let name = s.publisher.clone().unwrap_or_else(|| {
                if lang.starts_with("de") { "Ohne Herausgeber".into() } else { "No publisher".into() }
            });
            let key = crate::entities::key::MatchKey::new(&name).as_str().to_string();
            let (spellings, groups) = publishers.entry(key).or_default();
            *spellings.entry(name).or_default() += 1;
            let doc = s
                .url
                .clone()
                .or_else(|| s.title.clone())
                .unwrap_or_else(|| format!("{}#{}", briefing.slug.value, s.id));
            let next = groups.len();
            groups.entry(doc).or_insert((next, Vec::new())).1.push((b, si));
        }
    }
    let mut out: Vec<Publisher> = publishers
        .into_values()
        .map(|(spellings, groups)| {
            let name = most_frequent(&spellings);
            let mut groups: Vec<(usize, Vec<(BriefingIdx, usize)>)> = groups.into_values().collect();
            groups.sort_by_key(|g| g.0);
            Publisher {
                slug: slugify(&name, lang),
                name,
                groups: groups.into_iter().map(|(_, c)| SourceGroup { citations: c }).collect(),
            }
        })
        .collect();
    out.sort_by_key(|p| p.name.to_lowercase());
    // Each publisher gets a page of its own: names that slug alike (or to nothing) are told
    // apart by a number, in this (deterministic) order.
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for p in &mut out {
        let base = if p.slug.is_empty() { "publisher".to_string() } else { std::mem::take(&mut p.slug) };
        let mut slug = base.clone();
        let mut n = 1;
        while !taken.insert(slug.clone()) {
            n += 1;
            slug = format!("{base}-{n}");
        }
        p.slug = slug;
    }
    out
}

/// The spelling used most often; ties go to the alphabetically first.
pub fn most_frequent(spellings: &HashMap<String, u32>) -> String {
    spellings
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(s, _)| s.clone())
        .unwrap_or_default()
}

/// Entities of one kind that have a page, with their number of briefings.
pub fn entities_of(idx: &Index, reg: &Registry, kind: EntityKind) -> Vec<(EntityId, usize)> {
    reg.iter()
        .filter(|(id, e)| e.kind == kind && idx.has_page[id.index()])
        .map(|(id, _)| (id, idx.entity_briefings[id.index()].len()))
        .collect()
}
