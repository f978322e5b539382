//! Entities: the registry of people, organisations and countries (built-in ISO 3166-1 table,
//! registry files, implicit people) and the resolution of every reference in front matter to
//! one entity, with clashes, unknown countries and near misses reported.

pub mod iso3166;
pub mod key;
pub mod nearmiss;

use crate::diag::{Diagnostics, Pos};
use crate::frontmatter::{At, Briefing, EntityFile, EntityKind};
use crate::slug::Slug;
use key::MatchKey;
use nearmiss::NearMiss;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    pub actors: Vec<Actor>,
    pub countries: Vec<EntityId>,
    /// Per event: its actors and countries.
    pub events: Vec<(Vec<EntityId>, Vec<EntityId>)>,
}

/// All entities. The registry of a build is layered: the entities of files (and built-in
/// countries), shared and cached between runs, under the implicit entities of this run, so a
/// rebuild never copies the large part.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Entities `0..base_len` live in `base`.
    base: Option<Arc<Registry>>,
    base_len: usize,
    entities: Vec<Entity>,
    /// Names, aliases and ids of people and organisations.
    by_key: HashMap<MatchKey, EntityId>,
    /// Names, aliases and codes of countries: a namespace of their own, since context tells
    /// them apart (`countries:` lists take countries, `actors:` prefer people and
    /// organisations), and the organisation "AU" must not clash with Australia's code.
    country_keys: HashMap<MatchKey, EntityId>,
    /// The alpha-2 and alpha-3 codes among `country_keys`: a person or organisation may share
    /// one ("AU" for the African Union), but not a country's name or alias.
    country_codes: HashSet<MatchKey>,
    /// Clashes reported so far, by pair, so a clash is one error and not one per spelling.
    clashes: HashSet<(EntityId, EntityId)>,
    /// Per kind (`EntityKind as usize`): entities by URL id.
    by_slug: [HashMap<Slug, EntityId>; 3],
}

impl Registry {
    /// A new layer on top of `base`.
    pub fn on(base: Arc<Registry>) -> Registry {
        let base_len = base.len();
        Registry { base: Some(base), base_len, ..Registry::default() }
    }

    pub fn get(&self, id: EntityId) -> &Entity {
        match &self.base {
            Some(b) if id.index() < self.base_len => b.get(id),
            _ => &self.entities[id.index() - self.base_len],
        }
    }

    pub fn len(&self) -> usize {
        self.base_len + self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = (EntityId, &Entity)> + '_> {
        let own = self.entities.iter().enumerate().map(|(i, e)| (EntityId((self.base_len + i) as u32), e));
        match &self.base {
            Some(b) => Box::new(b.iter().chain(own)),
            None => Box::new(own),
        }
    }

    fn actor_key(&self, key: &MatchKey) -> Option<EntityId> {
        self.by_key.get(key).copied().or_else(|| self.base.as_ref().and_then(|b| b.actor_key(key)))
    }

    fn country_key(&self, key: &MatchKey) -> Option<EntityId> {
        self.country_keys.get(key).copied().or_else(|| self.base.as_ref().and_then(|b| b.country_key(key)))
    }

    /// A person or organisation first, then a country (the rule for `actors`).
    fn key(&self, key: &MatchKey) -> Option<EntityId> {
        self.actor_key(key).or_else(|| self.country_key(key))
    }

    /// A country first, then anything else (for `countries` lists, which report the latter).
    pub fn lookup_country(&self, reference: &str, lang: &str) -> Option<EntityId> {
        self.country_key(&MatchKey::new(reference)).or_else(|| self.lookup(reference, lang))
    }

    fn slug(&self, kind: EntityKind, slug: &str) -> Option<EntityId> {
        self.by_slug[kind as usize]
            .get(slug)
            .copied()
            .or_else(|| self.base.as_ref().and_then(|b| b.slug(kind, slug)))
    }

    /// Looks a reference up by name, alias, id or code; then, for people and organisations, by
    /// slug, so that spellings with the same slug are one entity.
    pub fn lookup(&self, reference: &str, lang: &str) -> Option<EntityId> {
        if let Some(id) = self.key(&MatchKey::new(reference)) {
            return Some(id);
        }
        let slug = crate::slug::slugify(reference, lang);
        if slug.is_empty() {
            return None;
        }
        self.slug(EntityKind::Person, &slug).or_else(|| self.slug(EntityKind::Organisation, &slug))
    }

    /// `lookup` for wikilinks, with the reference's slug already made: `Err` with both
    /// entities when the reference names a person or organisation and a different country.
    pub fn lookup_slugged(
        &self,
        reference: &str,
        slug: &str,
    ) -> Result<Option<EntityId>, (EntityId, EntityId)> {
        let key = MatchKey::new(reference);
        match (self.actor_key(&key), self.country_key(&key)) {
            (Some(a), Some(c)) if a != c => return Err((a, c)),
            (Some(a), _) => return Ok(Some(a)),
            (None, Some(c)) => return Ok(Some(c)),
            (None, None) => {}
        }
        if slug.is_empty() {
            return Ok(None);
        }
        Ok(self.slug(EntityKind::Person, slug).or_else(|| self.slug(EntityKind::Organisation, slug)))
    }

    /// The entity whose URL id is exactly `id`.
    pub fn by_id(&self, kind: EntityKind, id: &str) -> Option<EntityId> {
        self.slug(kind, id)
    }

    /// Looks a reference up among one kind only (wikilinks with a `people/` prefix).
    pub fn lookup_kind(&self, kind: EntityKind, reference: &str, lang: &str) -> Option<EntityId> {
        let key = MatchKey::new(reference);
        let hit = match kind {
            EntityKind::Country => self.country_key(&key),
            _ => self.actor_key(&key),
        }
        .filter(|id| self.get(*id).kind == kind);
        hit.or_else(|| self.slug(kind, &crate::slug::slugify(reference, lang)))
    }

    fn push(&mut self, e: Entity) -> EntityId {
        let id = EntityId(self.len() as u32);
        self.by_slug[e.kind as usize].insert(e.id.clone(), id);
        self.entities.push(e);
        id
    }

    /// Claims a match key for an entity; a claim by another entity is a clash.
    fn claim(&mut self, text: &str, id: EntityId, at: Option<(&str, Pos)>, diags: &mut Diagnostics) {
        let key = MatchKey::new(text);
        if key.is_empty() {
            return;
        }
        let is_country = self.get(id).kind == EntityKind::Country;
        // A country's name or alias claimed by a person or organisation: two entities, one
        // name (FORMAT.md section 3). Codes are exempt; context tells those apart.
        let country_name = (!is_country)
            .then(|| self.country_keys.get(&key).copied())
            .flatten()
            .filter(|_| !self.country_codes.contains(&key));
        let keys = if is_country { &mut self.country_keys } else { &mut self.by_key };
        let existing = keys.get(&key).copied().or(country_name);
        match existing {
            None => {
                keys.insert(key, id);
            }
            Some(other) if other == id => {}
            Some(other) if !self.clashes.insert((other, id)) => {}
            Some(other) => {
                let (path, pos) = at.unwrap_or(("site.toml", Pos::START));
                let o = self.get(other);
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
    pub fn near_miss_index(&self) -> NearMiss {
        let mut nm = NearMiss::default();
        for (key, id) in self.by_key.iter().chain(&self.country_keys) {
            nm.insert(key, *id);
        }
        nm
    }
}

/// Builds the registry from the built-in countries and the registry files.
pub fn build_registry(files: &[Arc<EntityFile>], lang: &str, diags: &mut Diagnostics) -> Registry {
    let mut reg = Registry::default();
    // Built-in countries first: their codes and English names are always claimed.
    let mut country_ids = HashMap::default();
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
        let codes =
            [e.country.map(|c| c.to_string()).unwrap_or_default(), e.alpha3.unwrap_or("").to_string()];
        for code in &codes {
            reg.country_codes.insert(MatchKey::new(code));
        }
        for text in [codes[0].as_str(), codes[1].as_str(), e.name.as_str()] {
            reg.claim(text, id, None, diags);
        }
    }
    for (a2, name) in iso3166::OTHER_NAMES {
        let code = CountryCode::parse(a2).expect("built-in table holds valid codes");
        reg.claim(name, country_ids[&code], None, diags);
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
    let mut with_aliases = Vec::new();
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
        if let Some(other) = reg.by_slug[f.kind as usize].get(slug.as_str()) {
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
        with_aliases.push((id, f));
    }
    // Aliases after every id and name: a clash then points at the alias, the usual culprit.
    for (id, f) in with_aliases {
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
            if let Some(cid) = resolve_country(&reg, None, c, &f.rel, lang, diags)
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
    near: Option<&NearMiss>,
    r: &At<String>,
    rel: &str,
    lang: &str,
    diags: &mut Diagnostics,
) -> Option<EntityId> {
    match reg.lookup_country(&r.value, lang) {
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
            let built;
            let near = match near {
                Some(n) => n,
                None => {
                    built = reg.near_miss_index();
                    &built
                }
            };
            let hint = near
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

fn with_article(kind: EntityKind) -> String {
    match kind {
        EntityKind::Organisation => "an organisation".into(),
        k => format!("a {}", k.name()),
    }
}

/// A reference looked up against the registry built from files.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Known(EntityId),
    /// Matches no registered entity: names (or joins) the implicit entity of this slug; `kind`
    /// is what the reference declared (`kind: organisation`), if anything.
    Implicit {
        kind: Option<EntityKind>,
        slug: Slug,
        spelling: String,
        pos: Pos,
    },
}

/// One briefing's references looked up. Depends only on the briefing and the registry of
/// files, so it is computed once per version of each and reused while both stay the same.
#[derive(Debug, Default, PartialEq)]
pub struct BriefingLookups {
    actors: Vec<(Lookup, Option<String>)>,
    countries: Vec<EntityId>,
    events: Vec<(Vec<Lookup>, Vec<EntityId>)>,
    pub diags: Diagnostics,
}

fn lookup_actor(
    reg: &Registry,
    text: &str,
    kind: Option<EntityKind>,
    pos: Pos,
    lang: &str,
) -> Option<Lookup> {
    if let Some(id) = reg.lookup(text, lang) {
        return Some(Lookup::Known(id));
    }
    let slug = Slug::from_text(text, lang)?;
    Some(Lookup::Implicit { kind, slug, spelling: text.to_string(), pos })
}

/// Phase one of resolution, per briefing: every reference against the registry of files.
pub fn lookup_briefing(reg: &Registry, near: &NearMiss, b: &Briefing, lang: &str) -> BriefingLookups {
    let mut out = BriefingLookups::default();
    for a in &b.actors {
        match lookup_actor(reg, &a.reference.value, a.kind, a.reference.pos, lang) {
            Some(l) => out.actors.push((l, a.role.clone())),
            None => out.diags.error(
                &b.rel,
                a.reference.pos,
                format!("cannot make an id from actor \"{}\"", a.reference.value),
            ),
        }
    }
    for c in &b.countries {
        if let Some(id) = resolve_country(reg, Some(near), c, &b.rel, lang, &mut out.diags) {
            out.countries.push(id);
        }
    }
    for e in &b.events {
        let actors = e.actors.iter().filter_map(|a| lookup_actor(reg, &a.value, None, a.pos, lang)).collect();
        let countries = e
            .countries
            .iter()
            .filter_map(|c| resolve_country(reg, Some(near), c, &b.rel, lang, &mut out.diags))
            .collect();
        out.events.push((actors, countries));
    }
    out
}

/// Phase two: implicit entities from every briefing's lookups, numbered in (kind, slug) order
/// so that ids do not depend on which briefing named them first; then each briefing's
/// references as entity ids, and the near-miss warnings.
/// What a previous resolution can lend: its fingerprint of the implicit entities, and the
/// resolved references of a briefing (by index) if its lookups are the same object as then.
pub struct Previous<'a> {
    pub fingerprint: u64,
    pub reuse: &'a (dyn Fn(usize) -> Option<Arc<Resolved>> + Sync),
}

/// Phase two's result.
pub struct Resolution {
    pub registry: Registry,
    pub resolved: Vec<Arc<Resolved>>,
    /// Identifies the numbering of entities: equal fingerprints, equal ids.
    pub fingerprint: u64,
}

pub fn resolve_all(
    files: &Arc<Registry>,
    near: &NearMiss,
    briefings: &[Arc<Briefing>],
    lookups: &[Arc<BriefingLookups>],
    strict: bool,
    diags: &mut Diagnostics,
    previous: Option<Previous>,
) -> Resolution {
    struct Seen<'a> {
        spellings: HashMap<&'a str, u32>,
        first: (&'a str, Pos, &'a str),
        /// The first declared kind, where it was declared.
        declared: Option<(EntityKind, &'a str, Pos)>,
    }
    // One implicit entity per slug, whatever kind its references declare: "Staatliche
    // Planungskommission" with `kind: organisation` in one briefing and plain in another is
    // one organisation.
    let mut implicit: HashMap<&Slug, Seen> = HashMap::default();
    let mut conflicts = Vec::new();
    for (b, l) in briefings.iter().zip(lookups) {
        diags.extend(l.diags.clone());
        let all = l.actors.iter().map(|(x, _)| x).chain(l.events.iter().flat_map(|(a, _)| a));
        for x in all {
            if let Lookup::Implicit { kind, slug, spelling, pos } = x {
                let seen = implicit.entry(slug).or_insert_with(|| Seen {
                    spellings: HashMap::default(),
                    first: (&b.rel, *pos, spelling),
                    declared: None,
                });
                *seen.spellings.entry(spelling).or_default() += 1;
                match (kind, seen.declared) {
                    (Some(k), None) => seen.declared = Some((*k, &b.rel, *pos)),
                    (Some(k), Some((d, rel, at))) if *k != d => conflicts.push((
                        b.rel.clone(),
                        *pos,
                        format!(
                            "\"{spelling}\" is declared {} here but {} at {rel}:{}:{}",
                            with_article(*k),
                            with_article(d),
                            at.line,
                            at.col
                        ),
                    )),
                    _ => {}
                }
            }
        }
    }
    for (rel, pos, msg) in conflicts {
        diags.error(&rel, pos, msg);
    }
    let mut reg = Registry::on(files.clone());
    let mut ids: HashMap<&Slug, EntityId> =
        HashMap::with_capacity_and_hasher(implicit.len(), Default::default());
    let kind_of = |seen: &Seen| seen.declared.map_or(EntityKind::Person, |d| d.0);
    let mut order: Vec<((EntityKind, &Slug), &Seen)> =
        implicit.iter().map(|(slug, seen)| ((kind_of(seen), *slug), seen)).collect();
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let fingerprint = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (files.len(), order.len()).hash(&mut h);
        for (key, _) in &order {
            key.hash(&mut h);
        }
        h.finish()
    };
    let reuse = previous.filter(|p| p.fingerprint == fingerprint).map(|p| p.reuse);
    for ((kind, slug), seen) in order {
        let kind = &kind;
        let name = seen
            .spellings
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(s, _)| s.to_string())
            .unwrap_or_else(|| slug.to_string());
        let mut aliases: Vec<String> =
            seen.spellings.keys().filter(|s| **s != name).map(|s| s.to_string()).collect();
        aliases.sort();
        let id = reg.push(Entity {
            kind: *kind,
            id: (*slug).clone(),
            name,
            aliases,
            country: None,
            alpha3: None,
            english_name: None,
            origin: Origin::Implicit(seen.first.0.to_string()),
            file: None,
            countries: Vec::new(),
        });
        ids.insert(slug, id);
        // Near misses: an implicit entity one edit away from a registered name.
        let (rel, pos, written) = seen.first;
        let candidates = near.find(&MatchKey::new(written));
        if let Some(n) = candidates.into_iter().find(|c| files.get(*c).kind != EntityKind::Country) {
            let n = files.get(n);
            let msg = format!(
                "\"{written}\" matches no registered entity and becomes the implicit {} \"{}\"; did you mean \"{}\" ({})?",
                kind.name(),
                slug,
                n.name,
                n.origin
            );
            if strict {
                diags.error(rel, pos, msg);
            } else {
                diags.warning(rel, pos, msg);
            }
        }
    }
    let id_of = |l: &Lookup| match l {
        Lookup::Known(id) => *id,
        Lookup::Implicit { slug, .. } => ids[slug],
    };
    let resolved = lookups
        .par_iter()
        .enumerate()
        .map(|(i, l)| {
            if let Some(r) = reuse.and_then(|f| f(i)) {
                return r;
            }
            let mut r = Resolved::default();
            for (x, role) in &l.actors {
                let id = id_of(x);
                if reg.get(id).kind == EntityKind::Country {
                    push_unique(&mut r.countries, id);
                } else if let Some(a) = r.actors.iter_mut().find(|a| a.entity == id) {
                    // Named twice: once, keeping a role from whichever mention gives one.
                    if a.role.is_none() {
                        a.role = role.clone();
                    }
                } else {
                    r.actors.push(Actor { entity: id, role: role.clone() });
                }
            }
            for c in &l.countries {
                push_unique(&mut r.countries, *c);
            }
            for (actors, countries) in &l.events {
                let (mut a, mut c) = (Vec::new(), Vec::new());
                for x in actors {
                    let id = id_of(x);
                    if reg.get(id).kind == EntityKind::Country {
                        push_unique(&mut c, id);
                    } else {
                        push_unique(&mut a, id);
                    }
                }
                for id in countries {
                    push_unique(&mut c, *id);
                }
                r.events.push((a, c));
            }
            Arc::new(r)
        })
        .collect();
    Resolution { registry: reg, resolved, fingerprint }
}

/// Both phases at once, without caching (for callers that resolve once).
pub fn resolve(
    reg: &mut Registry,
    briefings: &[Arc<Briefing>],
    lang: &str,
    strict: bool,
    diags: &mut Diagnostics,
) -> Vec<Resolved> {
    let near = reg.near_miss_index();
    let files = Arc::new(std::mem::take(reg));
    let lookups: Vec<Arc<BriefingLookups>> =
        briefings.iter().map(|b| Arc::new(lookup_briefing(&files, &near, b, lang))).collect();
    let r = resolve_all(&files, &near, briefings, &lookups, strict, diags, None);
    *reg = r.registry;
    r.resolved.iter().map(|x| (**x).clone()).collect()
}

fn push_unique(v: &mut Vec<EntityId>, id: EntityId) {
    if !v.contains(&id) {
        v.push(id);
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
            updated_pos: Pos::START,
            review_by: None,
            summary: None,
            summary_indent: 0,
            summary_raw: Arc::from(""),
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
            sources_pos: None,
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
    fn declared_kind_carries_to_plain_references() {
        let mut d = Diagnostics::new();
        let mut reg = registry(&mut d);
        let mut a = briefing(&["Planungskommission"], &[]);
        Arc::make_mut(&mut a).actors[0].kind = Some(EntityKind::Organisation);
        let b = briefing(&["Planungskommission"], &[]);
        let r = resolve(&mut reg, &[a, b], "de", false, &mut d);
        assert!(!d.has_errors(), "{:?}", d.sorted());
        assert_eq!(r[0].actors[0].entity, r[1].actors[0].entity, "one entity");
        assert_eq!(reg.get(r[1].actors[0].entity).kind, EntityKind::Organisation);

        let mut a = briefing(&["Planungskommission"], &[]);
        Arc::make_mut(&mut a).actors[0].kind = Some(EntityKind::Organisation);
        let mut b = briefing(&["Planungskommission"], &[]);
        Arc::make_mut(&mut b).actors[0].kind = Some(EntityKind::Person);
        let mut reg = registry(&mut d);
        resolve(&mut reg, &[a, b], "de", false, &mut d);
        let v = d.sorted();
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].message.contains("declared a person here but an organisation"), "{}", v[0].message);
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
    fn one_error_per_clash_at_the_alias() {
        let mut d = Diagnostics::new();
        let files = vec![
            file(EntityKind::Person, "kim-jong-un", "Kim Jong Un", &["Kim Jong-un"]),
            file(EntityKind::Person, "b", "Somebody", &["kim_jong_un"]),
        ];
        build_registry(&files, "en", &mut d);
        let v = d.sorted();
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].path, "content/people/b.md");
    }

    #[test]
    fn countries_are_a_namespace_of_their_own() {
        let mut d = Diagnostics::new();
        let files = vec![file(EntityKind::Organisation, "african-union", "African Union", &["AU", "AUS"])];
        let mut reg = build_registry(&files, "en", &mut d);
        assert!(d.is_empty(), "codes may be shared: {:?}", d.sorted());
        let au = reg.by_id(EntityKind::Organisation, "african-union").unwrap();
        assert_eq!(reg.lookup("AU", "en"), Some(au), "actors prefer organisations");
        let b = briefing(&["AU"], &["AU", "AUS"]);
        let r = resolve(&mut reg, &[b], "en", false, &mut d);
        assert!(!d.has_errors(), "{:?}", d.sorted());
        assert_eq!(r[0].actors[0].entity, au);
        let names: Vec<&str> = r[0].countries.iter().map(|c| reg.get(*c).id.as_str()).collect();
        assert_eq!(names, ["au"], "countries lists take countries");
        assert!(reg.lookup_slugged("AU", "au").is_err(), "a wikilink must say which");
        // A country's name is another matter: two entities may not claim one name.
        let mut d = Diagnostics::new();
        build_registry(&[file(EntityKind::Person, "meloni", "Giorgia Meloni", &["Georgia"])], "en", &mut d);
        let v = d.sorted();
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].message.contains("\"Georgia\" is claimed by two entities"), "{}", v[0].message);
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
