//! Front matter: each file's YAML parsed (serde-saphyr) into typed documents whose every value
//! keeps its file position. References to entities stay unresolved text here; the entities
//! stage resolves them.

use crate::date::{Edtf, parse_full};
use crate::diag::{Diagnostics, Pos};
use crate::load::{FileKind, SourceFile, Split};
use crate::slug::{self, Slug};
use crate::tlp::Tlp;
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::sync::Arc;

/// A value with the file position it was written at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> At<T> {
    pub fn new(value: T, pos: Pos) -> Self {
        At { value, pos }
    }
}

// ---- raw YAML shapes -------------------------------------------------------------------------

type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBriefing {
    title: Option<S>,
    date: Option<S>,
    updated: Option<S>,
    summary: Option<S>,
    lang: Option<S>,
    slug: Option<S>,
    draft: Option<Spanned<bool>>,
    tlp: Option<S>,
    tags: Option<Vec<S>>,
    actors: Option<Vec<Spanned<RawActor>>>,
    countries: Option<Vec<S>>,
    events: Option<Vec<Spanned<RawEvent>>>,
    sources: Option<Vec<Spanned<RawSource>>>,
    key_judgments: Option<Vec<Spanned<RawJudgment>>>,
    related: Option<Vec<S>>,
}

/// An `actors` entry: a plain reference or a map with `ref`, `role` and `kind`.
enum RawActor {
    Plain(String),
    Map(Box<RawActorMap>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActorMap {
    #[serde(rename = "ref")]
    reference: S,
    role: Option<S>,
    kind: Option<S>,
}

impl<'de> Deserialize<'de> for RawActor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawActor;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a name or a map with `ref`, `role` and `kind`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawActor, E> {
                Ok(RawActor::Plain(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawActor, E> {
                Ok(RawActor::Plain(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawActor, E> {
                Ok(RawActor::Plain(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawActor, A::Error> {
                RawActorMap::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|m| RawActor::Map(Box::new(m)))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    date: Option<S>,
    title: Option<S>,
    actors: Option<Vec<S>>,
    countries: Option<Vec<S>>,
    sources: Option<Vec<S>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Option<S>,
    publisher: Option<S>,
    title: Option<S>,
    url: Option<S>,
    author: Option<S>,
    published: Option<S>,
    accessed: Option<S>,
    lang: Option<S>,
    archive: Option<S>,
    reliability: Option<S>,
    credibility: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJudgment {
    text: Option<S>,
    likelihood: Option<S>,
    confidence: Option<S>,
    sources: Option<Vec<S>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    name: Option<S>,
    aliases: Option<Vec<S>>,
    countries: Option<Vec<S>>,
    role: Option<S>,
    born: Option<S>,
    wikidata: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: Option<S>,
    aliases: Option<Vec<S>>,
    countries: Option<Vec<S>>,
    role: Option<S>,
    founded: Option<S>,
    wikidata: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountry {
    name: Option<S>,
    aliases: Option<Vec<S>>,
    wikidata: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    title: Option<S>,
    slug: Option<S>,
    draft: Option<Spanned<bool>>,
}

// ---- typed documents -------------------------------------------------------------------------

/// Entity kinds; the order is the order of lists on pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Person,
    Organisation,
    Country,
}

impl EntityKind {
    /// The URL section: `people`, `organisations`, `countries`.
    pub fn section(self) -> &'static str {
        match self {
            EntityKind::Person => "people",
            EntityKind::Organisation => "organisations",
            EntityKind::Country => "countries",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organisation => "organisation",
            EntityKind::Country => "country",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ActorRef {
    pub reference: At<String>,
    pub role: Option<String>,
    /// `kind: organisation` (or `person`) for an unregistered actor.
    pub kind: Option<EntityKind>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub date: Edtf,
    pub title: String,
    pub actors: Vec<At<String>>,
    pub countries: Vec<At<String>>,
    /// Indices into the briefing's `sources`.
    pub sources: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub publisher: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published: Option<Edtf>,
    pub accessed: Option<Edtf>,
    pub lang: Option<String>,
    pub archive: Option<String>,
    /// Admiralty source reliability, `A`–`F`.
    pub reliability: Option<char>,
    /// Admiralty information credibility, 1–6.
    pub credibility: Option<u8>,
}

/// ICD 203 expressions of likelihood, least to most likely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Likelihood {
    AlmostNoChance,
    VeryUnlikely,
    Unlikely,
    RoughlyEvenChance,
    Likely,
    VeryLikely,
    AlmostCertain,
}

impl Likelihood {
    pub const TERMS: [(&'static str, Likelihood, &'static str); 7] = [
        ("almost no chance", Likelihood::AlmostNoChance, "01–05 %"),
        ("very unlikely", Likelihood::VeryUnlikely, "05–20 %"),
        ("unlikely", Likelihood::Unlikely, "20–45 %"),
        ("roughly even chance", Likelihood::RoughlyEvenChance, "45–55 %"),
        ("likely", Likelihood::Likely, "55–80 %"),
        ("very likely", Likelihood::VeryLikely, "80–95 %"),
        ("almost certain", Likelihood::AlmostCertain, "95–99 %"),
    ];

    fn parse(s: &str) -> Option<Likelihood> {
        let s = s.trim().to_lowercase();
        Self::TERMS.iter().find(|t| t.0 == s).map(|t| t.1)
    }

    pub fn term(self) -> &'static str {
        Self::TERMS[self as usize].0
    }

    pub fn range(self) -> &'static str {
        Self::TERMS[self as usize].2
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    Low,
    Moderate,
    High,
}

impl Confidence {
    fn parse(s: &str) -> Option<Confidence> {
        match s.trim().to_lowercase().as_str() {
            "low" => Some(Confidence::Low),
            "moderate" => Some(Confidence::Moderate),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    pub fn term(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Moderate => "moderate",
            Confidence::High => "high",
        }
    }
}

#[derive(Debug, Clone)]
pub struct KeyJudgment {
    pub text: String,
    /// Where `text` starts (after a quote or block indicator), for diagnostics in it.
    pub pos: Pos,
    /// The indentation of the text's further lines.
    pub indent: u32,
    /// The text as written in the file, from `pos` on (see `markdown::Place::Inline`).
    pub raw: Arc<str>,
    pub likelihood: Option<Likelihood>,
    pub confidence: Option<Confidence>,
    pub sources: Vec<usize>,
}

/// Markdown with the file line it starts on, so body diagnostics get file positions.
#[derive(Debug, Clone)]
pub struct Body {
    pub text: String,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct Briefing {
    pub rel: String,
    pub title: String,
    pub date: Date,
    pub updated: Option<Date>,
    /// The summary, positioned at its first character (after a quote or block indicator).
    pub summary: Option<At<String>>,
    /// The indentation of the summary's further lines.
    pub summary_indent: u32,
    /// The summary as written in the file, from its start on.
    pub summary_raw: Arc<str>,
    pub lang: String,
    pub slug: At<Slug>,
    pub draft: bool,
    pub tlp: Tlp,
    pub tags: Vec<String>,
    pub actors: Vec<ActorRef>,
    pub countries: Vec<At<String>>,
    pub events: Vec<Event>,
    pub sources: Vec<Source>,
    pub key_judgments: Vec<KeyJudgment>,
    pub related: Vec<At<String>>,
    pub body: Body,
}

/// A registry file: `content/people/<id>.md`, `organisations/<id>.md` or `countries/<cc>.md`.
#[derive(Debug, Clone)]
pub struct EntityFile {
    pub rel: String,
    pub kind: EntityKind,
    /// The file stem as written.
    pub stem: String,
    pub name: Option<At<String>>,
    pub aliases: Vec<At<String>>,
    pub countries: Vec<At<String>>,
    pub role: Option<String>,
    /// `born` for people, `founded` for organisations.
    pub since: Option<Edtf>,
    pub wikidata: Option<String>,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub rel: String,
    pub title: String,
    pub slug: At<Slug>,
    pub draft: bool,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub enum Document {
    Briefing(Arc<Briefing>),
    Entity(Arc<EntityFile>),
    Page(Arc<Page>),
}

/// Site-wide values the front matter stage needs.
#[derive(Debug, Clone)]
pub struct Defaults<'a> {
    pub language: &'a str,
    pub tlp: Tlp,
}

// ---- conversion ------------------------------------------------------------------------------

/// Parses one file; `None` when it has errors that leave nothing usable.
pub fn parse(file: &SourceFile, defaults: &Defaults, diags: &mut Diagnostics) -> Option<Document> {
    let Some(split) = file.split() else {
        diags.error(&file.rel, Pos::START, "missing front matter: the file must start with a line `---`, then YAML, then a closing `---` line");
        return None;
    };
    let mut cx = Cx { rel: &file.rel, yaml: split.yaml, line0: split.yaml_line - 1, cut: Vec::new(), diags };
    let body = Body { text: split.body.to_string(), line: body_line(&file.text, &split) };
    match file.kind {
        FileKind::Briefing => {
            let raw: RawBriefing = cx.yaml(split.yaml)?;
            cx.briefing(file, raw, body, defaults).map(|b| Document::Briefing(Arc::new(b)))
        }
        FileKind::Person => {
            let raw: RawPerson = cx.yaml(split.yaml)?;
            let since = cx.edtf_opt(raw.born);
            Some(cx.entity(
                file,
                EntityKind::Person,
                raw.name,
                raw.aliases,
                raw.countries,
                raw.role,
                since,
                raw.wikidata,
                body,
            ))
        }
        FileKind::Organisation => {
            let raw: RawOrganisation = cx.yaml(split.yaml)?;
            let since = cx.edtf_opt(raw.founded);
            Some(cx.entity(
                file,
                EntityKind::Organisation,
                raw.name,
                raw.aliases,
                raw.countries,
                raw.role,
                since,
                raw.wikidata,
                body,
            ))
        }
        FileKind::Country => {
            let raw: RawCountry = cx.yaml(split.yaml)?;
            Some(cx.entity(
                file,
                EntityKind::Country,
                raw.name,
                raw.aliases,
                None,
                None,
                None,
                raw.wikidata,
                body,
            ))
        }
        FileKind::Page => {
            let raw: RawPage = cx.yaml(split.yaml)?;
            let title = cx.required(raw.title, "title")?;
            let slug = cx.slug(raw.slug, &file.stem, defaults.language)?;
            Some(Document::Page(Arc::new(Page {
                rel: file.rel.clone(),
                title: title.value,
                slug,
                draft: raw.draft.is_some_and(|d| d.value),
                body,
            })))
        }
    }
}

fn body_line(text: &str, split: &Split) -> u32 {
    text[..split.body_offset].matches('\n').count() as u32 + 1
}

struct Cx<'a> {
    rel: &'a str,
    /// File line of the YAML's line 0.
    line0: u32,
    /// The front matter's YAML, to see how a scalar is written.
    yaml: &'a str,
    /// Top-level keys cut out after an error in their value, so their absence is no error.
    cut: Vec<String>,
    diags: &'a mut Diagnostics,
}

impl Cx<'_> {
    fn pos(&self, loc: &serde_saphyr::Location) -> Pos {
        if loc.line() == 0 {
            return Pos::START;
        }
        Pos::new(self.line0 + loc.line() as u32, loc.column() as u32)
    }

    /// Where a scalar's text begins and how far its further lines are indented: past an
    /// opening quote, or on the line after a `|` / `>` block indicator. Diagnostics inside
    /// Markdown in front matter (a summary's wikilink) then point at the right character.
    fn text_start(&self, pos: Pos) -> (Pos, u32) {
        let lines: Vec<&str> = self.yaml.lines().collect();
        let Some(i) = (pos.line.checked_sub(self.line0 + 1)).map(|i| i as usize) else { return (pos, 0) };
        let Some(line) = lines.get(i) else { return (pos, 0) };
        let indent_of = |l: &str| (l.len() - l.trim_start_matches(' ').len()) as u32;
        let next_indent = lines.get(i + 1).map_or(0, |l| indent_of(l));
        match line.chars().nth(pos.col.saturating_sub(1) as usize) {
            Some('"' | '\'') => (Pos::new(pos.line, pos.col + 1), next_indent),
            Some('|' | '>') => {
                let first = lines.iter().enumerate().skip(i + 1).find(|(_, l)| !l.trim().is_empty());
                match first {
                    Some((j, l)) => (Pos::new(self.line0 + j as u32 + 1, indent_of(l) + 1), indent_of(l)),
                    None => (pos, 0),
                }
            }
            _ => (pos, next_indent),
        }
    }

    /// The source of a scalar starting at `start`: the rest of its first line, then the
    /// following lines indented deeper than its key (`indent` columns or more).
    fn scalar_source(&self, start: Pos, indent: u32) -> Arc<str> {
        let mut lines = self.yaml.lines().skip(start.line.saturating_sub(self.line0 + 1) as usize);
        let Some(first) = lines.next() else { return Arc::from("") };
        let mut out: String = first.chars().skip(start.col.saturating_sub(1) as usize).collect();
        for l in lines {
            let ind = (l.len() - l.trim_start_matches(' ').len()) as u32;
            if !l.trim().is_empty() && (indent == 0 || ind < indent) {
                break;
            }
            out.push('\n');
            out.push_str(l);
        }
        Arc::from(out)
    }

    fn at(&self, s: S) -> At<String> {
        let pos = self.pos(&s.referenced);
        At::new(s.value, pos)
    }

    fn error(&mut self, pos: Pos, msg: impl Into<String>) {
        self.diags.error(self.rel, pos, msg);
    }

    fn yaml<T: for<'de> Deserialize<'de>>(&mut self, yaml: &str) -> Option<T> {
        let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
        let mut e = match parse_yaml::<T>(yaml) {
            Ok(v) => return Some(v),
            Err(e) => e,
        };
        // A streaming parser may meet a wrong shape (`title: [`) before the syntax error after
        // it; the syntax error is the one to report.
        if let Err(syntax) = parse_yaml::<de::IgnoredAny>(yaml) {
            e = syntax;
        }
        // An unknown key or a value of the wrong shape must not hide the file's other errors:
        // report it, blank out the key (line numbers stay) and parse again, as long as the
        // key is one we can cut cleanly. Syntax errors stop here: what follows is unreliable.
        let mut text = yaml.to_string();
        for _ in 0..64 {
            let loc = e.location();
            let (message, shape) = yaml_message(&e.to_string());
            let pos = loc.map_or(Pos::START, |l| self.pos(&l));
            self.error(pos, message.clone());
            let loc = loc?;
            let (line, col) = (loc.line() as usize, loc.column() as usize);
            let cut = if message.starts_with("unknown key") {
                blank_block_key(&mut text, line, col)
            } else if shape && let Some(indent) = nested_key_indent(&text, line) {
                // A key inside a list item or map (`    title: [x]` in a source): cut just
                // that key, so the rest of the item still counts.
                blank_block_key(&mut text, line, indent + 1)
            } else if shape {
                match top_level_key(&text, line) {
                    Some((key_line, key)) => {
                        self.cut.push(key);
                        blank_block_key(&mut text, key_line, 1)
                    }
                    None => false,
                }
            } else {
                false
            };
            if !cut {
                return None;
            }
            match parse_yaml::<T>(&text) {
                // The file has errors already; the value is still checked for the rest.
                Ok(v) => return Some(v),
                Err(next) => e = next,
            }
        }
        None
    }

    fn required(&mut self, v: Option<S>, key: &str) -> Option<At<String>> {
        match v {
            Some(s) if !s.value.trim().is_empty() => Some(self.at(s)),
            Some(s) => {
                let pos = self.pos(&s.referenced);
                self.error(pos, format!("`{key}` must not be empty"));
                None
            }
            None => self.missing(key),
        }
    }

    /// A required key that is absent (error at 1:1) or present without a value (`title:`,
    /// error where its value belongs).
    fn missing<T>(&mut self, key: &str) -> Option<T> {
        if self.cut.iter().any(|k| k == key) {
            return None;
        }
        let written = self.yaml.lines().enumerate().find_map(|(i, l)| {
            let rest = l.strip_prefix(key)?.trim_start();
            let value = rest.strip_prefix(':')?;
            // Just after `key:` and its space, where the value belongs (within the line).
            let col = l.chars().count() - value.chars().count() + 1 + usize::from(value.starts_with(' '));
            Some(Pos::new(self.line0 + i as u32 + 1, col as u32))
        });
        match written {
            Some(pos) => self.error(pos, format!("`{key}` has no value")),
            None => self.error(Pos::START, format!("missing required key `{key}`")),
        }
        None
    }

    fn text_opt(&mut self, v: Option<S>) -> Option<String> {
        v.map(|s| s.value.trim().to_string()).filter(|s| !s.is_empty())
    }

    fn list(&mut self, v: Option<Vec<S>>) -> Vec<At<String>> {
        let mut out = Vec::new();
        for s in v.unwrap_or_default() {
            let a = self.at(s);
            if a.value.trim().is_empty() {
                self.error(a.pos, "empty entry");
            } else {
                out.push(At::new(a.value.trim().to_string(), a.pos));
            }
        }
        out
    }

    fn edtf_opt(&mut self, v: Option<S>) -> Option<Edtf> {
        let a = self.at(v?);
        match a.value.parse::<Edtf>() {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(a.pos, e.to_string());
                None
            }
        }
    }

    fn full_date(&mut self, v: S) -> Option<Date> {
        let a = self.at(v);
        match parse_full(&a.value) {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(a.pos, e.to_string());
                None
            }
        }
    }

    fn url_opt(&mut self, v: Option<S>, key: &str) -> Option<String> {
        let a = self.at(v?);
        let u = a.value.trim();
        let ok = crate::config::is_http_url(u) && !u.contains(char::is_whitespace);
        if !ok {
            self.error(a.pos, format!("`{key}` must be an http or https URL, found \"{u}\""));
            return None;
        }
        Some(u.to_string())
    }

    fn slug(&mut self, v: Option<S>, stem: &str, lang: &str) -> Option<At<Slug>> {
        match v {
            Some(s) => {
                let a = self.at(s);
                match Slug::parse(a.value.trim()) {
                    Some(slug) => Some(At::new(slug, a.pos)),
                    None => {
                        let why = if a.value.trim().len() > slug::MAX_LEN {
                            format!("longer than {} characters", slug::MAX_LEN)
                        } else {
                            "use only a-z, 0-9 and hyphens".to_string()
                        };
                        self.error(a.pos, format!("invalid slug \"{}\": {why}", a.value));
                        None
                    }
                }
            }
            None => match Slug::from_text(stem, lang) {
                Some(slug) => Some(At::new(slug, Pos::START)),
                None => {
                    self.error(
                        Pos::START,
                        format!("cannot make a slug from the file name \"{stem}\"; set `slug`"),
                    );
                    None
                }
            },
        }
    }

    fn lang(&mut self, v: Option<S>) -> Option<String> {
        let a = self.at(v?);
        let l = a.value.trim();
        let ok = !l.is_empty()
            && l.split('-')
                .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if !ok {
            self.error(a.pos, format!("invalid language tag \"{l}\" (expected BCP 47, e.g. de or en-GB)"));
            return None;
        }
        Some(l.to_string())
    }

    fn source_refs(&mut self, v: Option<Vec<S>>, ids: &[String]) -> Vec<usize> {
        let mut out = Vec::new();
        for a in self.list(v) {
            match ids.iter().position(|id| *id == a.value) {
                Some(i) if !out.contains(&i) => out.push(i),
                Some(_) => {}
                None => self.error(a.pos, unknown_source(&a.value, ids)),
            }
        }
        out
    }

    fn briefing(
        &mut self,
        file: &SourceFile,
        raw: RawBriefing,
        body: Body,
        defaults: &Defaults,
    ) -> Option<Briefing> {
        let title = self.required(raw.title, "title");
        let date = match raw.date {
            Some(d) => self.full_date(d),
            None => self.missing("date"),
        };
        let updated = raw.updated.and_then(|d| self.full_date(d));
        let summary = raw.summary.map(|s| self.at(s)).filter(|s| !s.value.trim().is_empty());
        let (summary, summary_indent, summary_raw) = match summary {
            Some(s) => {
                let (pos, indent) = self.text_start(s.pos);
                let raw = self.scalar_source(pos, indent);
                (Some(At::new(s.value, pos)), indent, raw)
            }
            None => (None, 0, Arc::from("")),
        };
        let lang = self.lang(raw.lang).unwrap_or_else(|| defaults.language.to_string());
        let slug = self.slug(raw.slug, &file.stem, defaults.language);
        let tlp = match raw.tlp {
            Some(t) => {
                let a = self.at(t);
                a.value.parse::<Tlp>().map_err(|e| self.error(a.pos, e.to_string())).ok()
            }
            None => Some(defaults.tlp),
        };
        let mut tags = Vec::new();
        let mut tag_slugs = Vec::new();
        for t in self.list(raw.tags) {
            let slug = slug::slugify(&t.value, defaults.language);
            if slug.is_empty() {
                self.error(t.pos, format!("tag \"{}\" has no letters or digits", t.value));
            } else if !tag_slugs.contains(&slug) {
                // `China` and `china` share /tags/china/: one tag, listed once.
                tag_slugs.push(slug);
                tags.push(t.value);
            }
        }
        let mut actors = Vec::new();
        for a in raw.actors.unwrap_or_default() {
            let pos = self.pos(&a.referenced);
            match a.value {
                RawActor::Plain(s) if s.trim().is_empty() => self.error(pos, "empty actor"),
                RawActor::Plain(s) => actors.push(ActorRef {
                    reference: At::new(s.trim().to_string(), pos),
                    role: None,
                    kind: None,
                }),
                RawActor::Map(m) => {
                    let reference = self.at(m.reference);
                    let role = self.text_opt(m.role);
                    let kind = match m.kind {
                        None => None,
                        Some(k) => {
                            let k = self.at(k);
                            match k.value.trim().to_lowercase().as_str() {
                                "person" => Some(EntityKind::Person),
                                "organisation" | "organization" => Some(EntityKind::Organisation),
                                other => {
                                    self.error(
                                        k.pos,
                                        format!(
                                            "unknown actor kind \"{other}\" (expected person or organisation)"
                                        ),
                                    );
                                    None
                                }
                            }
                        }
                    };
                    if reference.value.trim().is_empty() {
                        self.error(reference.pos, "empty actor reference");
                    } else {
                        actors.push(ActorRef {
                            reference: At::new(reference.value.trim().to_string(), reference.pos),
                            role,
                            kind,
                        });
                    }
                }
            }
        }
        let countries = self.list(raw.countries);

        // Sources first: events and judgments refer to them by id.
        let mut sources = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for s in raw.sources.unwrap_or_default() {
            let item_pos = self.pos(&s.referenced);
            let r = s.value;
            let Some(id) = r.id.map(|i| self.at(i)) else {
                self.error(item_pos, "source without `id`");
                continue;
            };
            let idv = id.value.trim().to_string();
            if idv.is_empty() || idv.contains(char::is_whitespace) || idv.contains([';', '@', ']', '[']) {
                self.error(
                    id.pos,
                    format!("invalid source id \"{}\": no spaces, `;`, `@` or brackets", id.value),
                );
                continue;
            }
            if ids.contains(&idv) {
                self.error(id.pos, format!("duplicate source id \"{idv}\""));
                continue;
            }
            let reliability = r.reliability.and_then(|v| {
                let a = self.at(v);
                let t = a.value.trim().to_ascii_uppercase();
                match t.as_str() {
                    "A" | "B" | "C" | "D" | "E" | "F" => t.chars().next(),
                    _ => {
                        self.error(
                            a.pos,
                            format!("invalid reliability \"{}\" (expected a letter A to F)", a.value),
                        );
                        None
                    }
                }
            });
            let credibility = r.credibility.and_then(|v| {
                let a = self.at(v);
                match a.value.trim().parse::<u8>() {
                    Ok(n @ 1..=6) => Some(n),
                    _ => {
                        self.error(
                            a.pos,
                            format!("invalid credibility \"{}\" (expected a number 1 to 6)", a.value),
                        );
                        None
                    }
                }
            });
            let source = Source {
                id: idv.clone(),
                publisher: self.text_opt(r.publisher),
                title: self.text_opt(r.title),
                url: self.url_opt(r.url, "url"),
                author: self.text_opt(r.author),
                published: self.edtf_opt(r.published),
                accessed: self.edtf_opt(r.accessed),
                lang: self.lang(r.lang),
                archive: self.url_opt(r.archive, "archive"),
                reliability,
                credibility,
            };
            ids.push(idv);
            sources.push(source);
        }

        let mut events = Vec::new();
        for e in raw.events.unwrap_or_default() {
            let item_pos = self.pos(&e.referenced);
            let r = e.value;
            let date = match r.date {
                Some(d) => self.edtf_opt(Some(d)),
                None => {
                    self.error(item_pos, "event without `date`");
                    None
                }
            };
            let title = match r.title {
                Some(t) if !t.value.trim().is_empty() => Some(t.value.trim().to_string()),
                _ => {
                    self.error(item_pos, "event without `title`");
                    None
                }
            };
            let actors = self.list(r.actors);
            let countries = self.list(r.countries);
            let srcs = self.source_refs(r.sources, &ids);
            if let (Some(date), Some(title)) = (date, title) {
                events.push(Event { date, title, actors, countries, sources: srcs });
            }
        }

        let mut key_judgments = Vec::new();
        for k in raw.key_judgments.unwrap_or_default() {
            let item_pos = self.pos(&k.referenced);
            let r = k.value;
            let text_pos = r.text.as_ref().map_or(item_pos, |t| self.pos(&t.referenced));
            let text_start = self.text_start(text_pos);
            let text = self.text_opt(r.text);
            let likelihood = r.likelihood.and_then(|v| {
                let a = self.at(v);
                Likelihood::parse(&a.value).or_else(|| {
                    let terms: Vec<&str> = Likelihood::TERMS.iter().map(|t| t.0).collect();
                    self.error(
                        a.pos,
                        format!("unknown likelihood \"{}\" (expected one of: {})", a.value, terms.join(", ")),
                    );
                    None
                })
            });
            let confidence = r.confidence.and_then(|v| {
                let a = self.at(v);
                Confidence::parse(&a.value).or_else(|| {
                    self.error(
                        a.pos,
                        format!("unknown confidence \"{}\" (expected low, moderate or high)", a.value),
                    );
                    None
                })
            });
            let srcs = self.source_refs(r.sources, &ids);
            match text {
                Some(text) => key_judgments.push(KeyJudgment {
                    text,
                    pos: text_start.0,
                    indent: text_start.1,
                    raw: self.scalar_source(text_start.0, text_start.1),
                    likelihood,
                    confidence,
                    sources: srcs,
                }),
                None => self.error(item_pos, "key judgment without `text`"),
            }
        }
        let related = self.list(raw.related);

        // A briefing with a broken required value is kept, with stand-ins, so that the later
        // stages still check its references: every error in one run. Errors stop the build.
        // The stand-in slug is unique per file, so it never causes a second, false clash.
        let fallback_slug = || {
            let unique = Slug::from_text(&format!("invalid slug {}", file.rel), "en");
            At::new(unique.unwrap_or_else(|| Slug::parse("invalid").expect("valid slug")), Pos::START)
        };
        Some(Briefing {
            rel: file.rel.clone(),
            title: title.map(|t| t.value.trim().to_string()).unwrap_or_default(),
            date: date.unwrap_or(jiff::civil::date(1970, 1, 1)),
            updated,
            summary,
            summary_indent,
            summary_raw,
            lang,
            slug: slug.unwrap_or_else(fallback_slug),
            draft: raw.draft.is_some_and(|d| d.value),
            tlp: tlp.unwrap_or(defaults.tlp),
            tags,
            actors,
            countries,
            events,
            sources,
            key_judgments,
            related,
            body,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn entity(
        &mut self,
        file: &SourceFile,
        kind: EntityKind,
        name: Option<S>,
        aliases: Option<Vec<S>>,
        countries: Option<Vec<S>>,
        role: Option<S>,
        since: Option<Edtf>,
        wikidata: Option<S>,
        body: Body,
    ) -> Document {
        // Countries have a built-in name, so theirs is optional.
        let name = match (kind, name) {
            (EntityKind::Country, Some(n)) if n.value.trim().is_empty() => None,
            (EntityKind::Country, n) => n.map(|n| self.at(n)),
            (_, n) => self.required(n, "name"),
        };
        let name = name.map(|n| At::new(n.value.trim().to_string(), n.pos));
        Document::Entity(Arc::new(EntityFile {
            rel: file.rel.clone(),
            kind,
            stem: file.stem.clone(),
            name,
            aliases: self.list(aliases),
            countries: self.list(countries),
            role: self.text_opt(role),
            since,
            wikidata: self.text_opt(wikidata),
            body,
        }))
    }
}

/// Replaces the block-mapping key starting at 1-based `line`:`col` and its more indented
/// continuation lines with spaces; false when the key does not start its line (flow maps, the
/// first key of a `- ` list item), where cutting would change the structure.
fn blank_block_key(text: &mut String, line: usize, col: usize) -> bool {
    let mut starts: Vec<usize> = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let Some(&start) = starts.get(line.wrapping_sub(1)) else { return false };
    let line_end = |i: usize| text[i..].find('\n').map_or(text.len(), |n| i + n);
    let first = &text[start..line_end(start)];
    let indent = first.len() - first.trim_start_matches(' ').len();
    if indent + 1 != col {
        return false;
    }
    let mut end = line_end(start);
    for &s in &starts[line..] {
        let l = &text[s..line_end(s)];
        let ind = l.len() - l.trim_start_matches(' ').len();
        // A list may sit at its key's own indentation (`actors:` then `- a`).
        let own_list = ind == indent && (l.trim() == "-" || l.trim_start().starts_with("- "));
        if !l.trim().is_empty() && ind <= indent && !own_list {
            break;
        }
        end = line_end(s);
    }
    let blanked: String = text[start..end].chars().map(|c| if c == '\n' { c } else { ' ' }).collect();
    text.replace_range(start..end, &blanked);
    true
}

/// The indentation of YAML line `line` when it starts with a nested block key (`  title: x`),
/// not a list item (`- x`, which cannot be cut alone) or a top-level key.
fn nested_key_indent(text: &str, line: usize) -> Option<usize> {
    let l = text.lines().nth(line.checked_sub(1)?)?;
    let body = l.trim_start_matches(' ');
    let indent = l.len() - body.len();
    let is_key = body.split_once(':').is_some_and(|(k, _)| {
        !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    });
    (indent > 0 && is_key && !body.starts_with('-')).then_some(indent)
}

/// Front matter as a typed value. No error snippets (we print our own lines); front matter is
/// small, so the parser's resource budget stays on as a guard against alias bombs.
fn parse_yaml<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options::<T>(text, serde_saphyr::options! { with_snippet: false })
}

/// The top-level key whose value holds YAML line `line` (1-based): its line and name.
fn top_level_key(text: &str, line: usize) -> Option<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    (1..=line.min(lines.len())).rev().find_map(|n| {
        let l = lines[n - 1];
        let starts_key = l.starts_with(|c: char| !(c.is_whitespace() || c == '#' || c == '-'));
        let key = l.split_once(':').map(|(k, _)| k.trim().to_string())?;
        starts_key.then_some((n, key))
    })
}

/// Values of the wrong shape (valid YAML, wrong type), as serde-saphyr words them, and as we
/// say it to a user.
const SHAPE_ERRORS: &[(&str, &str)] = &[
    ("expected sequence start", "expected a list (`[a, b]`)"),
    ("expected mapping start", "expected a map (`{key: value}`)"),
    ("expected string scalar", "expected a single value, not a list or a map"),
    ("invalid boolean", "expected true or false"),
];

/// serde-saphyr's message without its own `error: line N column M:` prefix and snippet; and
/// whether it is about a value's shape rather than YAML syntax.
fn yaml_message(full: &str) -> (String, bool) {
    let first = full.lines().next().unwrap_or(full);
    let mut m = first.strip_prefix("error: ").unwrap_or(first);
    if let Some(rest) = m.strip_prefix("line ")
        && let Some(i) = rest.find(": ")
    {
        m = &rest[i + 2..];
    }
    let m = m.replace(", set DuplicateKeyPolicy in Options if acceptable", "");
    // The parser's own position counts lines within the YAML; ours, in front, counts the file's.
    let m = match m.rfind(" at line ") {
        Some(i) if m[i..].contains(", column ") => m[..i].to_string(),
        _ => m,
    };
    if let Some((_, friendly)) = SHAPE_ERRORS.iter().find(|(theirs, _)| m.starts_with(theirs)) {
        return (friendly.to_string(), true);
    }
    let text = if let Some(rest) = m.strip_prefix("unknown field") {
        // "unknown field `tilte`, expected one of `title`, …": name the likely key first.
        let key = rest.split('`').nth(1).unwrap_or("");
        let expected = rest.split_once("expected").map_or("", |(_, e)| e);
        let expected = expected.trim_start().strip_prefix("one of").unwrap_or(expected);
        let known: Vec<&str> = expected.split(',').map(|k| k.trim().trim_matches('`')).collect();
        match known.iter().filter(|k| !k.is_empty()).min_by_key(|k| edit_distance(key, k)) {
            Some(k) if edit_distance(key, k) <= 2 => format!("unknown key `{key}` (did you mean `{k}`?)"),
            _ => format!("unknown key{rest}"),
        }
    } else {
        format!("invalid YAML: {m}")
    };
    (text, false)
}

/// Levenshtein distance, for suggestions among a handful of short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

pub fn unknown_source(id: &str, ids: &[String]) -> String {
    let list = if ids.is_empty() { "none".to_string() } else { ids.join(", ") };
    format!("unknown source \"{id}\" (sources: {list})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_briefing(text: &str) -> (Option<Briefing>, Vec<crate::diag::Diagnostic>) {
        let f = SourceFile::new("content/briefings/x.md".into(), FileKind::Briefing, text);
        let mut d = Diagnostics::new();
        let doc = parse(&f, &Defaults { language: "de", tlp: Tlp::Clear }, &mut d);
        let b = match doc {
            Some(Document::Briefing(b)) => Some((*b).clone()),
            _ => None,
        };
        (b, d.sorted())
    }

    #[test]
    fn full_briefing_with_positions() {
        let (b, d) = parse_briefing(
            "---\ntitle: T\ndate: 2025-09-04\ntlp: TLP:AMBER\nactors:\n  - xi-jinping\n  - {ref: Ramon Pacheco Pardo, role: Experte}\n  - {ref: Planungskommission, kind: organisation}\ncountries: [CN, \"North Korea\"]\nevents:\n  - {date: 1961, title: Vertrag, sources: [x]}\nsources:\n  - {id: x, url: https://e.org, reliability: B, credibility: 2}\n---\nBody\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let b = b.unwrap();
        assert_eq!(b.tlp, Tlp::Amber);
        assert_eq!(b.slug.value.as_str(), "x");
        assert_eq!(b.actors[0].reference.pos, Pos::new(6, 5));
        assert_eq!(b.actors[1].role.as_deref(), Some("Experte"));
        assert_eq!(b.actors[2].kind, Some(EntityKind::Organisation));
        assert_eq!(b.countries[1].pos, Pos::new(9, 17));
        assert_eq!(b.events[0].date.edtf(), "1961");
        assert_eq!(b.sources[0].reliability, Some('B'));
        assert_eq!(b.sources[0].credibility, Some(2));
        assert_eq!(b.body.line, 15);
    }

    #[test]
    fn unknown_key_points_at_key() {
        let (_, d) = parse_briefing("---\ntitle: T\ndate: 2025-09-04\ncountires: [CN]\n---\n");
        assert_eq!((d[0].line, d[0].col), (4, 1));
        assert!(d[0].message.starts_with("unknown key `countires`"), "{}", d[0].message);
    }

    #[test]
    fn value_errors_are_all_reported() {
        let (_, d) = parse_briefing(
            "---\ntitle: T\ndate: 2025-13-01\ntlp: orange\nsources:\n  - {id: a, url: ftp://x, reliability: G, credibility: 9}\nevents:\n  - {date: June 2019, title: E, sources: [b]}\n---\n",
        );
        let at: Vec<(u32, u32)> = d.iter().map(|d| (d.line, d.col)).collect();
        assert_eq!(at, [(3, 7), (4, 6), (6, 18), (6, 40), (6, 56), (8, 12), (8, 43)], "{d:#?}");
    }

    #[test]
    fn missing_front_matter_at_1_1() {
        let (_, d) = parse_briefing("title: T\n");
        assert_eq!((d[0].line, d[0].col), (1, 1));
    }

    #[test]
    fn yaml_syntax_error_is_located() {
        let (_, d) = parse_briefing("---\ntitle: T\ndate: 2025-09-04\nactors: [a, b\n---\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].line >= 4, "{d:?}");
    }

    #[test]
    fn unknown_keys_do_not_hide_other_errors() {
        let (_, d) = parse_briefing(
            "---\ntitle: T\nauthor:\n  - A\n  - B\ndate: 2025-09-04\nsources:\n  - id: a\n    pubisher: X\n    url: ftp://x\ntlp: orange\n---\n",
        );
        let at: Vec<(u32, u32, &str)> =
            d.iter().map(|d| (d.line, d.col, d.message.split(' ').nth(1).unwrap_or(""))).collect();
        assert_eq!(at, [(3, 1, "key"), (9, 5, "key"), (10, 10, "must"), (11, 6, "TLP")], "{d:#?}");
    }

    #[test]
    fn summary_text_starts_after_quotes_and_block_indicators() {
        let at = |summary: &str| {
            let (b, d) =
                parse_briefing(&format!("---\ntitle: T\ndate: 2025-09-04\nsummary: {summary}\n---\n"));
            assert!(d.is_empty(), "{d:?}");
            let b = b.unwrap();
            let s = b.summary.unwrap();
            (s.pos.line, s.pos.col, b.summary_indent)
        };
        assert_eq!(at("plain text"), (4, 10, 0));
        assert_eq!(at("\"quoted\""), (4, 11, 0));
        assert_eq!(at("'single'"), (4, 11, 0));
        assert_eq!(at("|\n  first\n  second"), (5, 3, 2));
    }

    #[test]
    fn wrong_shapes_do_not_hide_other_errors() {
        let (_, d) = parse_briefing(
            "---\ntitle: [T]\ndate: 2025-09-04\nactors: Kim\ndraft: maybe\ntags:\n- a\n- [b]\ntlp: orange\n---\n",
        );
        let at: Vec<(u32, u32)> = d.iter().map(|d| (d.line, d.col)).collect();
        assert_eq!(at, [(2, 8), (4, 9), (5, 8), (8, 3), (9, 6)], "{d:#?}");
        assert_eq!(d[1].message, "expected a list (`[a, b]`)");
        assert!(!d.iter().any(|d| d.message.contains("title")), "a cut key is not also missing");
    }

    #[test]
    fn a_key_without_value_is_pointed_at() {
        let (_, d) = parse_briefing("---\ntitle:\ndate: \n---\n");
        let at: Vec<(u32, u32)> = d.iter().map(|d| (d.line, d.col)).collect();
        assert_eq!(at, [(2, 7), (3, 7)], "{d:#?}");
    }

    #[test]
    fn a_wrong_nested_value_cuts_only_its_key() {
        let (b, d) = parse_briefing(
            "---\ntitle: T\ndate: 2025-09-04\nsources:\n  - id: s1\n    title: [x]\n  - id: s2\n---\n",
        );
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].line, d[0].col), (6, 12));
        let ids: Vec<String> = b.unwrap().sources.iter().map(|s| s.id.clone()).collect();
        assert_eq!(ids, ["s1", "s2"], "both sources still count");
        let (_, d) = parse_briefing(
            "---\ntitle: T\ndate: 2025-09-04\nsources:\n  - id: s1\n    url: \"http:€/x\"\n---\n",
        );
        assert_eq!(d.len(), 1, "non-ASCII after the scheme is an error, not a panic: {d:?}");
    }

    #[test]
    fn unknown_key_in_actor_map() {
        let (_, d) =
            parse_briefing("---\ntitle: T\ndate: 2025-09-04\nactors:\n  - {ref: A, rolle: B}\n---\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("rolle"));
        assert_eq!(d[0].line, 5);
    }
}
