//! Entities: the registry of people, organisations and countries (built-in ISO 3166-1 table,
//! registry files, implicit people) and the resolution of every reference in front matter to
//! one entity, with clashes, unknown countries and near misses reported.

pub mod iso3166;
pub mod key;
mod nearmiss;

use crate::diag::{Diagnostics, Pos};
use crate::frontmatter::{At, Briefing, EntityFile, EntityKind};
use crate::slug::Slug;
use key::MatchKey;
use nearmiss::NearMiss;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Index of an entity in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(pub u32);

impl EntityId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An ISO 3166-1 alpha-2 code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn parse(s: &str) -> Option<CountryCode> {
        let b = s.as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let code = CountryCode([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]);
        iso3166::COUNTRIES.binary_search_by(|c| c.0.as_bytes().cmp(&code.0[..])).ok().map(|_| code)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an entity comes from, for messages and for deciding whether it has a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    File(String),
    /// Named in a briefing without a registry file; the path is the first briefing naming it.
    Implicit(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::BuiltIn => f.write_str("the built-in country table"),
            Origin::File(p) => f.write_str(p),
            Origin::Implicit(p) => write!(f, "an implicit entity first named in {p}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: EntityKind,
    /// The URL id: registry file stem, slug of an implicit name, lower-case alpha-2 code.
    pub id: Slug,
    pub name: String,
    pub aliases: Vec<String>,
    pub country: Option<CountryCode>,
    pub alpha3: Option<&'static str>,
    pub english_name: Option<&'static str>,
    pub origin: Origin,
    /// Index into the registry files, when the entity has one.
    pub file: Option<usize>,
    /// The entity's own `countries:` resolved.
    pub countries: Vec<EntityId>,
}

impl Entity {
    pub fn url(&self) -> String {
        format!("{}/{}/", self.kind.section(), self.id)
    }

    pub fn has_file(&self) -> bool {
        self.file.is_some()
    }
}

/// A resolved `actors` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub entity: EntityId,
    pub role: Option<String>,
}

/// A briefing's front-matter references, resolved.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub actors: Vec<Actor>,
    pub countries: Vec<EntityId>,
    /// Per event: its actors and countries.
    pub events: Vec<(Vec<EntityId>, Vec<EntityId>)>,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    entities: Vec<Entity>,
    by_key: HashMap<MatchKey, EntityId>,
    by_slug: HashMap<(EntityKind, Slug), EntityId>,
    /// Spellings of implicit entities with their frequency, for choosing a display name.
    spellings: HashMap<EntityId, HashMap<String, u32>>,
}

impl Registry {
    pub fn get(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (EntityId, &Entity)> {
        self.entities.iter().enumerate().map(|(i, e)| (EntityId(i as u32), e))
    }

    /// Looks a reference up by name, alias, id or code; then, for people and organisations, by
    /// slug, so that spellings with the same slug are one entity.
    pub fn lookup(&self, reference: &str, lang: &str) -> Option<EntityId> {
        if let Some(id) = self.by_key.get(&MatchKey::new(reference)) {
            return Some(*id);
        }
        let slug = Slug::from_text(reference, lang)?;
        self.by_slug
            .get(&(EntityKind::Person, slug.clone()))
            .or_else(|| self.by_slug.get(&(EntityKind::Organisation, slug)))
            .copied()
    }

    /// Looks a reference up among one kind only (wikilinks with a `people/` prefix).
    pub fn lookup_kind(&self, kind: EntityKind, reference: &str, lang: &str) -> Option<EntityId> {
        let hit = self.by_key.get(&MatchKey::new(reference)).copied().filter(|id| self.get(*id).kind == kind);
        hit.or_else(|| self.by_slug.get(&(kind, Slug::from_text(reference, lang)?)).copied())
    }

    fn push(&mut self, e: Entity) -> EntityId {
        let id = EntityId(self.entities.len() as u32);
        self.by_slug.insert((e.kind, e.id.clone()), id);
        self.entities.push(e);
        id
    }

    /// Claims a match key for an entity; a claim by another entity is a clash.
    fn claim(&mut self, text: &str, id: EntityId, at: Option<(&str, Pos)>, diags: &mut Diagnostics) {
        let key = MatchKey::new(text);
        if key.is_empty() {
            return;
        }
        match self.by_key.get(&key) {
            None => {
                self.by_key.insert(key, id);
            }
            Some(other) if *other == id => {}
            Some(other) => {
                let (path, pos) = at.unwrap_or(("site.toml", Pos::START));
                let o = self.get(*other);
                diags.error(
                    path,
                    pos,
                    format!(
                        "\"{text}\" is claimed by two entities: {} ({} {}) and {} ({} {})",
                        o.origin,
                        o.kind.name(),
                        o.id,
                        self.get(id).origin,
                        self.get(id).kind.name(),
                        self.get(id).id
                    ),
                );
            }
        }
    }

    /// The near-miss index over every registered name and alias.
    fn near_miss_index(&self) -> NearMiss {
        let mut nm = NearMiss::default();
        for (key, id) in &self.by_key {
            nm.insert(key, *id);
        }
        nm
    }
}

/// Builds the registry from the built-in countries and the registry files.
pub fn build_registry(files: &[Arc<EntityFile>], lang: &str, diags: &mut Diagnostics) -> Registry {
    let mut reg = Registry::default();
    // Built-in countries first: their codes and English names are always claimed.
    let mut country_ids = HashMap::new();
    for (a2, a3, name) in iso3166::COUNTRIES {
        let code = CountryCode::parse(a2).expect("built-in table holds valid codes");
        let id = reg.push(Entity {
            kind: EntityKind::Country,
            id: Slug::parse(&a2.to_ascii_lowercase()).expect("alpha-2 is a slug"),
            name: name.to_string(),
            aliases: Vec::new(),
            country: Some(code),
            alpha3: Some(a3),
            english_name: Some(name),
            origin: Origin::BuiltIn,
            file: None,
            countries: Vec::new(),
        });
        country_ids.insert(code, id);
    }
    for (id, e) in reg.entities.clone().iter().enumerate() {
        let id = EntityId(id as u32);
        for text in [
            e.country.map(|c| c.to_string()).unwrap_or_default().as_str(),
            e.alpha3.unwrap_or(""),
            e.name.as_str(),
        ] {
            reg.claim(text, id, None, diags);
        }
    }

    // Country overrides: the file names a built-in country.
    for (i, f) in files.iter().enumerate().filter(|(_, f)| f.kind == EntityKind::Country) {
        let Some(code) = CountryCode::parse(&f.stem) else {
            diags.error(
                &f.rel,
                Pos::START,
                format!(
                    "\"{}\" is not an ISO 3166-1 alpha-2 country code; country files are named <cc>.md",
                    f.stem
                ),
            );
            continue;
        };
        let id = country_ids[&code];
        let e = &mut reg.entities[id.index()];
        if e.file.is_some() {
            diags.error(&f.rel, Pos::START, format!("country {code} already has a file: {}", e.origin));
            continue;
        }
        e.file = Some(i);
        e.origin = Origin::File(f.rel.clone());
        if let Some(n) = &f.name {
            e.name = n.value.clone();
        }
        e.aliases.extend(f.aliases.iter().map(|a| a.value.clone()));
        let mut claims: Vec<&At<String>> = f.name.iter().collect();
        claims.extend(f.aliases.iter());
        for a in claims {
            reg.claim(&a.value, id, Some((&f.rel, a.pos)), diags);
        }
    }

    // People and organisations with files.
    for (i, f) in files.iter().enumerate().filter(|(_, f)| f.kind != EntityKind::Country) {
        let Some(slug) = Slug::from_text(&f.stem, lang) else {
            diags.error(&f.rel, Pos::START, format!("cannot make an id from the file name \"{}\"", f.stem));
            continue;
        };
        if slug.as_str() != f.stem {
            diags.error(
                &f.rel,
                Pos::START,
                format!("the file name \"{}\" is not a valid id; rename it to \"{slug}.md\"", f.stem),
            );
            continue;
        }
        let Some(name) = &f.name else { continue };
        if let Some(other) = reg.by_slug.get(&(f.kind, slug.clone())) {
            diags.error(
                &f.rel,
                Pos::START,
                format!("duplicate id \"{slug}\": also {}", reg.get(*other).origin),
            );
            continue;
        }
        let id = reg.push(Entity {
            kind: f.kind,
            id: slug.clone(),
            name: name.value.clone(),
            aliases: f.aliases.iter().map(|a| a.value.clone()).collect(),
            country: None,
            alpha3: None,
            english_name: None,
            origin: Origin::File(f.rel.clone()),
            file: Some(i),
            countries: Vec::new(),
        });
        reg.claim(slug.as_str(), id, Some((&f.rel, Pos::START)), diags);
        reg.claim(&name.value, id, Some((&f.rel, name.pos)), diags);
        for a in &f.aliases {
            reg.claim(&a.value, id, Some((&f.rel, a.pos)), diags);
        }
    }

    // Each file's own `countries:`.
    let file_entities: Vec<(EntityId, usize)> =
        reg.iter().filter_map(|(id, e)| e.file.map(|f| (id, f))).collect();
    for (id, fi) in file_entities {
        let f = &files[fi];
        let mut cs = Vec::new();
        for c in &f.countries {
            if let Some(cid) = resolve_country(&reg, c, &f.rel, lang, diags)
                && !cs.contains(&cid)
            {
                cs.push(cid);
            }
        }
        reg.entities[id.index()].countries = cs;
    }
    reg
}

fn resolve_country(
    reg: &Registry,
    r: &At<String>,
    rel: &str,
    lang: &str,
    diags: &mut Diagnostics,
) -> Option<EntityId> {
    match reg.lookup(&r.value, lang) {
        Some(id) if reg.get(id).kind == EntityKind::Country => Some(id),
        Some(id) => {
            let e = reg.get(id);
            diags.error(
                rel,
                r.pos,
                format!("\"{}\" is a {} ({}), not a country", r.value, e.kind.name(), e.name),
            );
            None
        }
        None => {
            let hint = reg
                .near_miss_index()
                .find(&MatchKey::new(&r.value))
                .into_iter()
                .find(|id| reg.get(*id).kind == EntityKind::Country)
                .map(|id| format!(" (did you mean \"{}\"?)", reg.get(id).name))
                .unwrap_or_default();
            diags.error(rel, r.pos, format!("unknown country \"{}\"{hint}", r.value));
            None
        }
    }
}

/// Resolves the front matter of every published briefing; unknown actors become implicit
/// entities. Runs in the order of `briefings` so that results are deterministic.
pub fn resolve(
    reg: &mut Registry,
    briefings: &[Arc<Briefing>],
    lang: &str,
    strict: bool,
    diags: &mut Diagnostics,
) -> Vec<Resolved> {
    let known = reg.near_miss_index();
    let known_len = reg.entities.len();
    let mut first_use: HashMap<EntityId, (String, Pos, String)> = HashMap::new();
    let mut out = Vec::with_capacity(briefings.len());
    for b in briefings {
        let mut r = Resolved::default();
        for a in &b.actors {
            let text = &a.reference.value;
            let id = match reg.lookup(text, lang) {
                Some(id) => id,
                None => match implicit(reg, text, a.kind.unwrap_or(EntityKind::Person), lang, &b.rel) {
                    Some(id) => id,
                    None => {
                        diags.error(
                            &b.rel,
                            a.reference.pos,
                            format!("cannot make an id from actor \"{text}\""),
                        );
                        continue;
                    }
                },
            };
            note_spelling(reg, id, text, known_len, &mut first_use, (&b.rel, a.reference.pos));
            if reg.get(id).kind == EntityKind::Country {
                push_unique(&mut r.countries, id);
            } else if !r.actors.iter().any(|x| x.entity == id) {
                r.actors.push(Actor { entity: id, role: a.role.clone() });
            }
        }
        for c in &b.countries {
            if let Some(id) = resolve_country(reg, c, &b.rel, lang, diags) {
                push_unique(&mut r.countries, id);
            }
        }
        for e in &b.events {
            let (mut actors, mut countries) = (Vec::new(), Vec::new());
            for a in &e.actors {
                let id = match reg.lookup(&a.value, lang) {
                    Some(id) => id,
                    None => match implicit(reg, &a.value, EntityKind::Person, lang, &b.rel) {
                        Some(id) => id,
                        None => continue,
                    },
                };
                note_spelling(reg, id, &a.value, known_len, &mut first_use, (&b.rel, a.pos));
                if reg.get(id).kind == EntityKind::Country {
                    push_unique(&mut countries, id);
                } else {
                    push_unique(&mut actors, id);
                }
            }
            for c in &e.countries {
                if let Some(id) = resolve_country(reg, c, &b.rel, lang, diags) {
                    push_unique(&mut countries, id);
                }
            }
            r.events.push((actors, countries));
        }
        out.push(r);
    }
    finish_implicit(reg, known_len);
    // Near misses: an implicit entity one edit away from a registered name.
    let mut implicit_ids: Vec<_> = first_use.keys().copied().collect();
    implicit_ids.sort();
    for id in implicit_ids {
        let (rel, pos, written) = &first_use[&id];
        let e = reg.get(id);
        let candidates = known.find(&MatchKey::new(written));
        let Some(near) = candidates
            .into_iter()
            .find(|c| reg.get(*c).kind != EntityKind::Country || written.chars().count() > 3)
        else {
            continue;
        };
        let n = reg.get(near);
        let msg = format!(
            "\"{written}\" matches no registered entity and becomes the implicit {} \"{}\"; did you mean \"{}\" ({})?",
            e.kind.name(),
            e.id,
            n.name,
            n.origin
        );
        if strict {
            diags.error(rel, *pos, msg);
        } else {
            diags.warning(rel, *pos, msg);
        }
    }
    out
}

fn push_unique(v: &mut Vec<EntityId>, id: EntityId) {
    if !v.contains(&id) {
        v.push(id);
    }
}

fn implicit(reg: &mut Registry, text: &str, kind: EntityKind, lang: &str, rel: &str) -> Option<EntityId> {
    let slug = Slug::from_text(text, lang)?;
    if let Some(id) = reg.by_slug.get(&(kind, slug.clone())) {
        return Some(*id);
    }
    Some(reg.push(Entity {
        kind,
        id: slug,
        name: text.to_string(),
        aliases: Vec::new(),
        country: None,
        alpha3: None,
        english_name: None,
        origin: Origin::Implicit(rel.to_string()),
        file: None,
        countries: Vec::new(),
    }))
}

fn note_spelling(
    reg: &mut Registry,
    id: EntityId,
    text: &str,
    known_len: usize,
    first_use: &mut HashMap<EntityId, (String, Pos, String)>,
    at: (&str, Pos),
) {
    if id.index() < known_len {
        return;
    }
    *reg.spellings.entry(id).or_default().entry(text.to_string()).or_default() += 1;
    first_use.entry(id).or_insert_with(|| (at.0.to_string(), at.1, text.to_string()));
}

/// Gives each implicit entity its most frequent spelling (ties: alphabetically first).
fn finish_implicit(reg: &mut Registry, known_len: usize) {
    for i in known_len..reg.entities.len() {
        let id = EntityId(i as u32);
        if let Some(sp) = reg.spellings.get(&id)
            && let Some((name, _)) = sp.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        {
            let mut aliases: Vec<String> = sp.keys().filter(|s| *s != name).cloned().collect();
            aliases.sort();
            let e = &mut reg.entities[i];
            e.name = name.clone();
            e.aliases = aliases;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::{ActorRef, Body};
    use crate::tlp::Tlp;

    fn file(kind: EntityKind, stem: &str, name: &str, aliases: &[&str]) -> Arc<EntityFile> {
        let dir = kind.section();
        Arc::new(EntityFile {
            rel: format!("content/{dir}/{stem}.md"),
            kind,
            stem: stem.into(),
            name: Some(At::new(name.into(), Pos::new(2, 7))),
            aliases: aliases.iter().map(|a| At::new(a.to_string(), Pos::new(3, 10))).collect(),
            countries: Vec::new(),
            role: None,
            since: None,
            wikidata: None,
            body: Body { text: String::new(), line: 5 },
        })
    }

    fn briefing(actors: &[&str], countries: &[&str]) -> Arc<Briefing> {
        Arc::new(Briefing {
            rel: "content/briefings/b.md".into(),
            title: "B".into(),
            date: jiff::civil::date(2025, 9, 4),
            updated: None,
            summary: None,
            lang: "de".into(),
            slug: At::new(Slug::parse("b").unwrap(), Pos::START),
            draft: false,
            tlp: Tlp::Clear,
            tags: vec![],
            actors: actors
                .iter()
                .enumerate()
                .map(|(i, a)| ActorRef {
                    reference: At::new(a.to_string(), Pos::new(5 + i as u32, 5)),
                    role: None,
                    kind: None,
                })
                .collect(),
            countries: countries.iter().map(|c| At::new(c.to_string(), Pos::new(20, 12))).collect(),
            events: vec![],
            sources: vec![],
            key_judgments: vec![],
            related: vec![],
            body: Body { text: String::new(), line: 30 },
        })
    }

    fn registry(d: &mut Diagnostics) -> Registry {
        let files = vec![
            file(EntityKind::Person, "kim-jong-un", "Kim Jong Un", &["Kim Jong-un", "김정은", "kim jong un"]),
            file(EntityKind::Person, "xi-jinping", "Xi Jinping", &["习近平"]),
            file(EntityKind::Country, "kp", "Nordkorea", &["DVRK"]),
        ];
        build_registry(&files, "de", d)
    }

    #[test]
    fn resolves_spellings_codes_and_names() {
        let mut d = Diagnostics::new();
        let mut reg = registry(&mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        let kim = reg.lookup("kim-jong-un", "de").unwrap();
        for s in ["Kim Jong-un", "KIM JONG UN", "김정은", "Kim_Jong  Un"] {
            assert_eq!(reg.lookup(s, "de"), Some(kim), "{s}");
        }
        let kp = reg.lookup("KP", "de").unwrap();
        for s in ["PRK", "prk", "North Korea", "Nordkorea", "DVRK", "kp"] {
            assert_eq!(reg.lookup(s, "de"), Some(kp), "{s}");
        }
        assert_eq!(reg.get(kp).name, "Nordkorea");
        let b = briefing(&["Kim Jong-un", "China", "Kim Yo Jong"], &["KP", "PRK", "North Korea", "CN"]);
        let r = resolve(&mut reg, &[b], "de", false, &mut d);
        assert!(!d.has_errors(), "{:?}", d.sorted());
        assert_eq!(r[0].actors.len(), 2, "China counts as a country");
        assert_eq!(r[0].countries.len(), 2, "KP three times counts once, plus CN");
        let yo = r[0].actors[1].entity;
        assert_eq!(reg.get(yo).id.as_str(), "kim-yo-jong");
        assert!(matches!(reg.get(yo).origin, Origin::Implicit(_)));
    }

    #[test]
    fn implicit_spellings_merge_and_take_most_frequent() {
        let mut d = Diagnostics::new();
        let mut reg = registry(&mut d);
        let bs = vec![
            briefing(&["Kim Yo-jong"], &[]),
            briefing(&["Kim Yo Jong"], &[]),
            briefing(&["Kim Yo Jong"], &[]),
        ];
        let r = resolve(&mut reg, &bs, "de", false, &mut d);
        assert_eq!(r[0].actors[0].entity, r[2].actors[0].entity);
        assert_eq!(reg.get(r[0].actors[0].entity).name, "Kim Yo Jong");
    }

    #[test]
    fn unknown_country_is_an_error_with_hint() {
        let mut d = Diagnostics::new();
        let mut reg = registry(&mut d);
        resolve(&mut reg, &[briefing(&[], &["Nordkoria"])], "de", false, &mut d);
        let v = d.sorted();
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].line, v[0].col), (20, 12));
        assert_eq!(v[0].message, "unknown country \"Nordkoria\" (did you mean \"Nordkorea\"?)");
    }

    #[test]
    fn near_miss_warns_or_errors_when_strict() {
        let mut d = Diagnostics::new();
        let mut reg = registry(&mut d);
        resolve(&mut reg, &[briefing(&["Xi Jinpin"], &[])], "de", false, &mut d);
        let v = d.clone().sorted();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].severity, crate::diag::Severity::Warning);
        assert!(v[0].message.contains("Xi Jinping"), "{}", v[0].message);
        let mut d2 = Diagnostics::new();
        let mut reg2 = registry(&mut d2);
        resolve(&mut reg2, &[briefing(&["Xi Jinpin"], &[])], "de", true, &mut d2);
        assert!(d2.has_errors());
    }

    #[test]
    fn clash_names_both_files() {
        let mut d = Diagnostics::new();
        let files = vec![
            file(EntityKind::Person, "a", "Alpha", &["Shared Name"]),
            file(EntityKind::Organisation, "b", "Beta", &["shared-name"]),
        ];
        build_registry(&files, "en", &mut d);
        let v = d.sorted();
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].message.contains("content/people/a.md")
                && v[0].message.contains("content/organisations/b.md"),
            "{}",
            v[0].message
        );
        assert_eq!(v[0].path, "content/organisations/b.md");
    }

    #[test]
    fn all_249_countries_are_built_in() {
        let mut d = Diagnostics::new();
        let reg = build_registry(&[], "en", &mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert_eq!(reg.iter().filter(|(_, e)| e.kind == EntityKind::Country).count(), 249);
        assert!(CountryCode::parse("zz").is_none());
        assert_eq!(CountryCode::parse("kp").unwrap().as_str(), "KP");
    }
}
