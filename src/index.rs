//! Index: the cross-references between briefings and entities that pages show — who appears
//! where, with whom, in which events; backlinks; the timeline of merged events; sources by
//! publisher; tags. Every table is built in one pass over the briefings, linear in their
//! number (plus a sort of the events).

pub mod events;
pub mod publishers;

use crate::entities::{EntityId, Registry};
use crate::frontmatter::{Briefing, EntityKind};
use crate::markdown::Target;
use crate::slug::slugify;
use crate::sources::SourceRegistry;
pub use events::{EventNo, Events, MergedEvent};
pub use publishers::{Publisher, PublisherOrgs, SourceGroup};
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

/// A year of the timeline (the year its events start in): its events are
/// `events.list[events]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineYear {
    pub year: i16,
    pub events: std::ops::Range<usize>,
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
    /// Per entity: the merged events naming it (in any report), in date order.
    pub entity_events: Vec<Vec<EventNo>>,
    /// Every event, merged across briefings, oldest first.
    pub events: Events,
    /// Per briefing: every entity it names (front matter, events, body), once.
    pub named: Vec<Vec<EntityId>>,
    /// Per briefing: the briefings whose body links to it.
    pub backlinks: Vec<Vec<BriefingIdx>>,
    /// Per briefing: entities its body links to.
    pub body_entities: Vec<Vec<EntityId>>,
    /// The timeline cut into years; built when first asked for (`years`).
    years: OnceLock<Vec<TimelineYear>>,
    /// Merged events: an event several briefings report counts once.
    pub event_count: usize,
    /// Sources grouped by publisher; built when first asked for (`publishers`).
    publishers: OnceLock<Vec<Publisher>>,
    /// Publishers and organisations that are the same body; built when first asked for.
    publisher_orgs: OnceLock<PublisherOrgs>,
    /// Per citation (briefing, source): the publisher it is listed under.
    citation_publisher: OnceLock<HashMap<(BriefingIdx, usize), usize>>,
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

    for (b, (briefing, (named, body))) in inp.briefings.iter().zip(named_lists).enumerate() {
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
        for t in &briefing.tags {
            let slug = tag_slugs.entry(t.as_str()).or_insert_with(|| slugify(t, inp.lang)).clone();
            tags.entry(slug.clone())
                .or_insert_with(|| Tag { name: t.clone(), slug, briefings: Vec::new() })
                .briefings
                .push(b);
        }
    }

    idx.events = events::merge(inp.briefings);
    idx.event_count = idx.events.list.len();
    // In event order, each event once per entity however many of its reports name it.
    for (n, m) in idx.events.list.iter().enumerate() {
        for r in &m.reports {
            let (actors, countries) = &inp.resolved[r.briefing].events[r.event];
            for id in actors.iter().chain(countries) {
                let list = &mut idx.entity_events[id.index()];
                if list.last() != Some(&EventNo(n as u32)) {
                    list.push(EventNo(n as u32));
                }
            }
        }
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
    /// A merged event.
    pub fn event(&self, n: EventNo) -> &MergedEvent {
        &self.events.list[n.index()]
    }

    /// The years that have events, oldest first, each with its stretch of `events.list`.
    pub fn years(&self) -> &[TimelineYear] {
        self.years.get_or_init(|| {
            let mut out: Vec<TimelineYear> = Vec::new();
            for (i, m) in self.events.list.iter().enumerate() {
                let year = m.date.start().year();
                match out.last_mut() {
                    Some(y) if y.year == year => y.events.end = i + 1,
                    _ => out.push(TimelineYear { year, events: i..i + 1 }),
                }
            }
            out
        })
    }

    /// Every source grouped by publisher (sorted by name); within a publisher, one entry per
    /// document, in order of first citation.
    pub fn publishers(&self, briefings: &[Arc<Briefing>], reg: &SourceRegistry, lang: &str) -> &[Publisher] {
        self.publishers.get_or_init(|| publishers::build(briefings, reg, lang))
    }

    /// The publisher (its index in `publishers`) whose page lists a briefing's source.
    pub fn publisher_of_citation(
        &self,
        briefings: &[Arc<Briefing>],
        reg: &SourceRegistry,
        lang: &str,
        citation: (BriefingIdx, usize),
    ) -> Option<usize> {
        let map = self.citation_publisher.get_or_init(|| {
            let mut m = HashMap::default();
            for (i, p) in self.publishers(briefings, reg, lang).iter().enumerate() {
                for c in p.groups.iter().flat_map(|g| &g.citations) {
                    m.insert(*c, i);
                }
            }
            m
        });
        map.get(&citation).copied()
    }

    /// Which publishers are organisations of the site, both ways.
    pub fn publisher_orgs(
        &self,
        briefings: &[Arc<Briefing>],
        reg: &SourceRegistry,
        entities: &Registry,
        lang: &str,
    ) -> &PublisherOrgs {
        self.publisher_orgs.get_or_init(|| {
            publishers::organisations(self, self.publishers(briefings, reg, lang), reg, entities, lang)
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
