//! Sources: the publisher registry (`content/publishers/`) and the shared sources
//! (`content/sources/`), and every published briefing's `sources` resolved against them
//! (FORMAT.md section 3, "Publishers and shared sources"): a `ref` takes the shared source's
//! values (the briefing's own `credibility` wins), a publisher named by its name, id or alias
//! is shown under its registry name, and a source without `reliability` takes its publisher's.
//! Briefings are resolved in place, so every later stage sees complete sources.

use crate::diag::Diagnostics;
use crate::entities::key::MatchKey;
use crate::entities::{EntityId, Registry};
use crate::frontmatter::{At, Briefing, EntityKind, PublisherFile, SharedSourceFile};
use crate::slug::Slug;
use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Index of a publisher file in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublisherNo(pub u32);

impl PublisherNo {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A publisher of the registry, its references resolved.
#[derive(Debug, Clone)]
pub struct PublisherEntry {
    pub file: Arc<PublisherFile>,
    /// Its URL id: the file stem as a slug.
    pub id: Slug,
    pub country: Option<EntityId>,
    /// The organisation entity it is (its `organisation` key).
    pub organisation: Option<EntityId>,
}

/// Publisher files and shared sources.
#[derive(Debug, Default)]
pub struct SourceRegistry {
    /// Changes whenever a publisher or shared source file does.
    pub generation: u64,
    pub publishers: Vec<PublisherEntry>,
    by_key: HashMap<MatchKey, PublisherNo>,
    shared: HashMap<MatchKey, Arc<SharedSourceFile>>,
}

impl SourceRegistry {
    /// The publisher file a source's `publisher` names (by id, name or alias).
    pub fn publisher_of(&self, name: &str) -> Option<PublisherNo> {
        self.by_key.get(&MatchKey::new(name)).copied()
    }

    pub fn get(&self, p: PublisherNo) -> &PublisherEntry {
        &self.publishers[p.index()]
    }

    /// The shared source a `ref` names (its file stem, matched like a reference).
    pub fn shared(&self, id: &str) -> Option<&Arc<SharedSourceFile>> {
        self.shared.get(&MatchKey::new(id))
    }

    pub fn shared_files(&self) -> impl Iterator<Item = &Arc<SharedSourceFile>> {
        self.shared.values()
    }
}

/// Builds the registry; clashing names, unknown countries and organisations are errors at
/// their values. `entities` resolves `country` and `organisation`.
pub fn build_registry(
    publishers: &[Arc<PublisherFile>],
    shared: &[Arc<SharedSourceFile>],
    entities: &Registry,
    lang: &str,
    diags: &mut Diagnostics,
) -> SourceRegistry {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    publishers.hash(&mut h);
    shared.hash(&mut h);
    let mut reg = SourceRegistry { generation: h.finish(), ..SourceRegistry::default() };
    for f in publishers {
        let no = PublisherNo(reg.publishers.len() as u32);
        let Some(id) = Slug::from_text(&f.stem, lang) else {
            diags.error(
                &f.rel,
                crate::diag::Pos::START,
                format!("cannot make an id from the file name \"{}\"", f.stem),
            );
            continue;
        };
        let claims = std::iter::once(At::new(f.stem.clone(), crate::diag::Pos::START))
            .chain(std::iter::once(f.name.clone()))
            .chain(f.aliases.iter().cloned());
        for claim in claims {
            let key = MatchKey::new(&claim.value);
            match reg.by_key.get(&key) {
                None => {
                    reg.by_key.insert(key, no);
                }
                Some(other) if *other == no => {}
                Some(other) => diags.error(
                    &f.rel,
                    claim.pos,
                    format!(
                        "\"{}\" is claimed by two publishers: {} and {}",
                        claim.value,
                        reg.publishers[other.index()].file.rel,
                        f.rel
                    ),
                ),
            }
        }
        let country = f.country.as_ref().and_then(|c| {
            let hit = entities
                .lookup_country(&c.value, lang)
                .filter(|e| entities.get(*e).kind == EntityKind::Country);
            if hit.is_none() {
                diags.error(&f.rel, c.pos, format!("unknown country \"{}\"", c.value));
            }
            hit
        });
        let organisation = f.organisation.as_ref().and_then(|o| {
            let hit = entities.lookup_kind(EntityKind::Organisation, &o.value, lang);
            if hit.is_none() {
                diags.error(
                    &f.rel,
                    o.pos,
                    format!(
                        "unknown organisation \"{}\" (no organisation has that id, name or alias)",
                        o.value
                    ),
                );
            }
            hit
        });
        reg.publishers.push(PublisherEntry { file: f.clone(), id, country, organisation });
    }
    for s in shared {
        reg.shared.insert(MatchKey::new(&s.stem), s.clone());
    }
    reg
}

/// Resolved briefings kept between runs, so that an unchanged briefing stays the same object
/// (later stages recognise unchanged input by identity).
#[derive(Debug, Default)]
pub struct Cache {
    /// Per briefing file: the parsed briefing and the registry generation it was resolved in,
    /// with the result and its findings.
    resolved: HashMap<String, (Arc<Briefing>, u64, Arc<Briefing>, Diagnostics)>,
}

impl Cache {
    /// Every briefing with its sources resolved, in the same order.
    pub fn resolve(
        &mut self,
        reg: &SourceRegistry,
        briefings: Vec<Arc<Briefing>>,
        diags: &mut Diagnostics,
    ) -> Vec<Arc<Briefing>> {
        let mut out = Vec::with_capacity(briefings.len());
        let mut next = HashMap::default();
        for b in briefings {
            let entry = match self.resolved.remove(&b.rel) {
                Some(e) if Arc::ptr_eq(&e.0, &b) && e.1 == reg.generation => e,
                _ => {
                    let mut d = Diagnostics::new();
                    let r = resolve_briefing(&b, reg, &mut d);
                    (b, reg.generation, r, d)
                }
            };
            diags.extend(entry.3.clone());
            out.push(entry.2.clone());
            next.insert(entry.0.rel.clone(), entry);
        }
        self.resolved = next;
        out
    }
}

/// One briefing's sources resolved; the same object when nothing changes.
fn resolve_briefing(b: &Arc<Briefing>, reg: &SourceRegistry, diags: &mut Diagnostics) -> Arc<Briefing> {
    let default_of = |name: &Option<String>| {
        let p = reg.publisher_of(name.as_deref()?)?;
        Some((p, reg.get(p).file.reliability.as_ref().map(|r| r.value)))
    };
    let changes = b.sources.iter().any(|s| {
        s.reference.is_some()
            || default_of(&s.publisher).is_some_and(|(p, r)| {
                (s.reliability.is_none() && r.is_some())
                    || s.publisher.as_deref() != Some(&reg.get(p).file.name.value)
            })
    });
    if !changes {
        return b.clone();
    }
    let mut nb = (**b).clone();
    for s in &mut nb.sources {
        if let Some(r) = s.reference.clone() {
            match reg.shared(&r.value) {
                Some(f) => {
                    let own = (s.id.clone(), s.id_pos, s.credibility);
                    *s = f.source.clone();
                    (s.id, s.id_pos) = (own.0, own.1);
                    s.reference = Some(r);
                    // The citing briefing's own assessment of the information wins.
                    s.credibility = own.2.or(s.credibility);
                }
                None => diags.error(
                    &b.rel,
                    r.pos,
                    format!("unknown shared source \"{}\" (no file content/sources/{}.md)", r.value, r.value),
                ),
            }
        }
        if let Some((p, default)) = default_of(&s.publisher) {
            s.publisher = Some(reg.get(p).file.name.value.clone());
            if s.reliability.is_none() && default.is_some() {
                s.reliability = default;
                s.reliability_default = true;
            }
        }
    }
    Arc::new(nb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::{Defaults, Document, parse};
    use crate::load::{FileKind, SourceFile};
    use crate::tlp::Tlp;

    fn doc(rel: &str, kind: FileKind, text: &str) -> Document {
        let f = SourceFile::new(rel.into(), kind, text);
        let mut d = Diagnostics::new();
        let doc = parse(&f, &Defaults { language: "en", tlp: Tlp::Clear }, &mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        doc.unwrap()
    }

    fn registry(diags: &mut Diagnostics) -> SourceRegistry {
        let Document::Publisher(p) = doc(
            "content/publishers/xinhua.md",
            FileKind::Publisher,
            "---\nname: Xinhua\naliases: [Neues China]\nreliability: C\n---\n",
        ) else {
            panic!()
        };
        let Document::SharedSource(s) = doc(
            "content/sources/x-2025.md",
            FileKind::SharedSource,
            "---\npublisher: Neues China\ntitle: Talks\nurl: https://e.org/t\ncredibility: 3\n---\n",
        ) else {
            panic!()
        };
        build_registry(&[p], &[s], &Registry::default(), "en", diags)
    }

    #[test]
    fn refs_take_the_shared_values_and_publishers_their_defaults() {
        let mut d = Diagnostics::new();
        let reg = registry(&mut d);
        let Document::Briefing(b) = doc(
            "content/briefings/a.md",
            FileKind::Briefing,
            "---\ntitle: A\ndate: 2025-09-04\nsources:\n  - {id: t, ref: x-2025, credibility: 2}\n  - {id: y, publisher: xinhua, reliability: B}\n  - {id: z, ref: nope}\n---\n",
        ) else {
            panic!()
        };
        let mut cache = Cache::default();
        let out = cache.resolve(&reg, vec![b.clone()], &mut d);
        let s = &out[0].sources;
        assert_eq!(s[0].id, "t");
        assert_eq!(s[0].title.as_deref(), Some("Talks"));
        assert_eq!(s[0].publisher.as_deref(), Some("Xinhua"), "the alias is shown as the registry's name");
        assert_eq!(
            (s[0].reliability, s[0].reliability_default, s[0].credibility),
            (Some('C'), true, Some(2))
        );
        assert_eq!((s[1].reliability, s[1].reliability_default), (Some('B'), false), "a given grade stays");
        let lines: Vec<String> = d.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "content/briefings/a.md:7:18: error: unknown shared source \"nope\" (no file content/sources/nope.md)"
            ]
        );
        let again = cache.resolve(&reg, vec![b], &mut Diagnostics::new());
        assert!(Arc::ptr_eq(&out[0], &again[0]), "an unchanged briefing is the same object");
    }

    #[test]
    fn two_publishers_claiming_a_name_is_an_error() {
        let p = |rel: &str, text: &str| match doc(rel, FileKind::Publisher, text) {
            Document::Publisher(p) => p,
            _ => panic!(),
        };
        let a = p("content/publishers/a.md", "---\nname: Agency\n---\n");
        let b = p("content/publishers/b.md", "---\nname: Bureau\naliases: [agency]\n---\n");
        let mut d = Diagnostics::new();
        build_registry(&[a, b], &[], &Registry::default(), "en", &mut d);
        let lines: Vec<String> = d.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "content/publishers/b.md:3:11: error: \"agency\" is claimed by two publishers: content/publishers/a.md and content/publishers/b.md"
            ]
        );
    }
}
