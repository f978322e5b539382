//! Front matter: each file's YAML parsed (serde-saphyr) into typed documents whose every value
//! keeps its file position. References to entities, publishers and shared sources stay
//! unresolved text here; the entities and sources stages resolve them.

mod registry;

pub use registry::{PublisherFile, SharedSourceFile};

use crate::date::{Edtf, parse_full};
use crate::diag::{Diagnostics, Pos};
use crate::load::{FileKind, SourceFile, Split};
use crate::slug::{self, Slug};
use crate::tlp::Tlp;
use crate::yaml_error::{self, Action};
use jiff::civil::Date;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
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

/// A YAML node as serde's visitor met it. Every value is read through this type, so a value of
/// the wrong shape (`title: [a]`, `actors: Kim`) is an ordinary value that we report in our own
/// words, never a parser error whose wording we would have to interpret. `L` reads the items
/// of a list, `M` a map; `IgnoredAny` skips what a position does not take.
enum Node<L, M> {
    /// A string: quotes, escapes and line folding resolved.
    Text(String),
    /// A scalar the parser resolved to a boolean (`Some`) or a number (`None`), with the value
    /// as the parser shows it; the text as written (`007`, `1.50`, `yes`) is read back from
    /// the source by its span (see `Cx::scalar`).
    Resolved(Option<bool>, String),
    /// `~`, `null` or nothing.
    Null,
    List(Vec<L>),
    Map(M),
}

impl<L, M> Node<L, M> {
    /// The shape found, for "expected …, found …" messages.
    fn found(&self) -> &'static str {
        match self {
            Node::Text(_) | Node::Resolved(..) => "a single value",
            Node::Null => "nothing",
            Node::List(_) => "a list",
            Node::Map(_) => "a map",
        }
    }
}

impl<'de, L: Deserialize<'de>, M: Deserialize<'de>> Deserialize<'de> for Node<L, M> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<L, M>(std::marker::PhantomData<(L, M)>);
        impl<'de, L: Deserialize<'de>, M: Deserialize<'de>> Visitor<'de> for V<L, M> {
            type Value = Node<L, M>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Node::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Node::Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Node::Resolved(Some(v), v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Node::Resolved(None, v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Node::Resolved(None, v.to_string()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
                Ok(Node::Resolved(None, v.to_string()))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
                Ok(Node::Resolved(None, v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Node::Resolved(None, v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Node::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Node::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<L>()? {
                    items.push(item);
                }
                Ok(Node::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                M::deserialize(de::value::MapAccessDeserializer::new(map)).map(Node::Map)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

type Skip = de::IgnoredAny;
/// A single value (`title: T`).
type S = Spanned<Node<Skip, Skip>>;
/// A list (`tags: [a, b]`) of `T`.
type ListOf<T> = Spanned<Node<T, Skip>>;
/// A map (a source in `sources`) read as `T`.
type MapOf<T> = Spanned<Node<Skip, T>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBriefing {
    title: Option<S>,
    date: Option<S>,
    updated: Option<S>,
    summary: Option<S>,
    lang: Option<S>,
    slug: Option<S>,
    draft: Option<S>,
    tlp: Option<S>,
    tags: Option<ListOf<S>>,
    /// A plain reference or a map with `ref`, `role` and `kind`.
    actors: Option<ListOf<MapOf<RawActorMap>>>,
    countries: Option<ListOf<S>>,
    events: Option<ListOf<MapOf<RawEvent>>>,
    sources: Option<ListOf<MapOf<RawSource>>>,
    key_judgments: Option<ListOf<MapOf<RawJudgment>>>,
    related: Option<ListOf<S>>,
    review_by: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActorMap {
    #[serde(rename = "ref")]
    reference: Option<S>,
    role: Option<S>,
    kind: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    id: Option<S>,
    date: Option<S>,
    title: Option<S>,
    planned: Option<S>,
    actors: Option<ListOf<S>>,
    countries: Option<ListOf<S>>,
    sources: Option<ListOf<S>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Option<S>,
    /// A shared source (`content/sources/<id>.md`) cited by this entry.
    #[serde(rename = "ref")]
    reference: Option<S>,
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
    sources: Option<ListOf<S>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    name: Option<S>,
    aliases: Option<ListOf<S>>,
    countries: Option<ListOf<S>>,
    role: Option<S>,
    born: Option<S>,
    wikidata: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: Option<S>,
    aliases: Option<ListOf<S>>,
    countries: Option<ListOf<S>>,
    role: Option<S>,
    founded: Option<S>,
    wikidata: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCountry {
    name: Option<S>,
    aliases: Option<ListOf<S>>,
    wikidata: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    title: Option<S>,
    slug: Option<S>,
    draft: Option<S>,
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

/// An event's `id`: events with the same id in several briefings are one event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub Slug);

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: Option<At<EventId>>,
    pub date: Edtf,
    /// Where `date` is written.
    pub date_pos: Pos,
    pub title: String,
    /// `planned: true`: expected after the briefing's date.
    pub planned: bool,
    pub actors: Vec<At<String>>,
    pub countries: Vec<At<String>>,
    /// Indices into the briefing's `sources`.
    pub sources: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub id: String,
    /// Where `id` is written (the start of a shared source's file).
    pub id_pos: Pos,
    /// `ref`: the shared source this entry cites; the sources stage fills in its values.
    pub reference: Option<At<String>>,
    /// The shared source file the values come from (`content/sources/x.md`), once resolved.
    pub origin: Option<Arc<str>>,
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
    /// Where `reliability` is written (in `origin` when it has one); `None` when not written.
    pub reliability_pos: Option<Pos>,
    /// The reliability is the publisher's default, not given with the source.
    pub reliability_default: bool,
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
    /// Where the judgment (its list item) starts.
    pub item_pos: Pos,
    pub text: String,
    /// Where `text` starts (after a quote or block indicator), for diagnostics in it.
    pub pos: Pos,
    /// The indentation of the text's further lines.
    pub indent: u32,
    /// The text as written in the file, from `pos` on (see `markdown::Place::Inline`).
    pub raw: Arc<str>,
    pub likelihood: Option<Likelihood>,
    pub confidence: Option<Confidence>,
    /// Where `confidence` is written.
    pub confidence_pos: Option<Pos>,
    pub sources: Vec<usize>,
}

/// Markdown with the file line it starts on, so body diagnostics get file positions.
#[derive(Debug, Clone, Hash)]
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
    /// Where `updated` is written.
    pub updated_pos: Pos,
    /// `review_by`: after this day `check` reports the briefing as due for review.
    pub review_by: Option<At<Date>>,
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
    /// Where the `sources` value is written, when it is.
    pub sources_pos: Option<Pos>,
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
    Publisher(Arc<PublisherFile>),
    SharedSource(Arc<SharedSourceFile>),
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
    let mut cx = Cx {
        rel: &file.rel,
        yaml: split.yaml,
        lines: split.yaml.lines().collect(),
        line_starts: std::iter::once(0).chain(split.yaml.match_indices('\n').map(|(i, _)| i + 1)).collect(),
        line0: split.yaml_line - 1,
        cut: Vec::new(),
        diags,
    };
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
        FileKind::Publisher => cx.publisher(file, body).map(|p| Document::Publisher(Arc::new(p))),
        FileKind::SharedSource => cx.shared_source(file, body).map(|s| Document::SharedSource(Arc::new(s))),
        FileKind::Page => {
            let raw: RawPage = cx.yaml(split.yaml)?;
            let title = cx.required(raw.title, "title")?;
            let slug = cx.slug(raw.slug, &file.stem, defaults.language)?;
            Some(Document::Page(Arc::new(Page {
                rel: file.rel.clone(),
                title: title.value,
                slug,
                draft: cx.flag(raw.draft),
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
    /// Its lines, and the byte offset where each starts, split once: a scalar's source is
    /// looked up for every key judgment, and splitting the YAML each time was quadratic.
    lines: Vec<&'a str>,
    line_starts: Vec<usize>,
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
        let lines = &self.lines;
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
    /// following lines indented deeper than its key (`indent` columns or more), up to the line
    /// holding byte `end` of the YAML (where the parser says the scalar ends), when known.
    /// Without that end, a judgment followed by others took in all of them, each: quadratic
    /// in time and memory.
    fn scalar_source(&self, start: Pos, indent: u32, end: Option<usize>) -> Arc<str> {
        let first = start.line.saturating_sub(self.line0 + 1) as usize;
        let last =
            end.map_or(usize::MAX, |e| self.line_starts.partition_point(|s| *s <= e).saturating_sub(1));
        let mut lines = self.lines.iter().enumerate().skip(first);
        let Some((_, first)) = lines.next() else { return Arc::from("") };
        let mut out: String = first.chars().skip(start.col.saturating_sub(1) as usize).collect();
        for (i, l) in lines {
            let ind = (l.len() - l.trim_start_matches(' ').len()) as u32;
            if i > last || (!l.trim().is_empty() && (indent == 0 || ind < indent)) {
                break;
            }
            out.push('\n');
            out.push_str(l);
        }
        Arc::from(out)
    }

    /// The byte offset in the YAML just past a value as written, when the parser knows it.
    fn end_of(loc: &serde_saphyr::Location) -> Option<usize> {
        let span = loc.span();
        let start = usize::try_from(span.byte_offset()?).ok()?;
        start.checked_add(usize::try_from(span.byte_len()?).ok()?)
    }

    /// A single value's text, or an error at it when it is a list or a map. Null is empty
    /// text, for the callers' own "empty" checks.
    fn scalar(&mut self, s: S) -> Option<At<String>> {
        let pos = self.pos(&s.referenced);
        match self.text_of(s.value, &s.defined) {
            Ok(text) => Some(At::new(text, pos)),
            Err(_) => {
                self.error(pos, "expected a single value, not a list or a map");
                None
            }
        }
    }

    /// The text of a scalar node; the node back when it is a list or a map.
    fn text_of<L, M>(
        &self,
        node: Node<L, M>,
        defined: &serde_saphyr::Location,
    ) -> Result<String, Node<L, M>> {
        match node {
            Node::Text(t) => Ok(t),
            Node::Resolved(_, shown) => Ok(self.written(defined).unwrap_or(shown)),
            Node::Null => Ok(String::new()),
            other => Err(other),
        }
    }

    /// A plain scalar as written, by its byte span (where it is defined, for an alias). The
    /// text parsed has the same bytes as `self.yaml`: cutting a key blanks it byte for byte.
    fn written(&self, loc: &serde_saphyr::Location) -> Option<String> {
        let span = loc.span();
        let start = usize::try_from(span.byte_offset()?).ok()?;
        let len = usize::try_from(span.byte_len()?).ok()?;
        let text = self.yaml.get(start..start.checked_add(len)?)?.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    /// `true`/`false` (and the YAML 1.1 spellings the parser resolves, also when quoted).
    fn flag(&mut self, v: Option<S>) -> bool {
        let Some(s) = v else { return false };
        let found = match &s.value {
            Node::Resolved(Some(b), _) => Some(*b),
            Node::Text(t) => yaml11_bool(t),
            Node::Null => Some(false),
            _ => None,
        };
        found.unwrap_or_else(|| {
            let pos = self.pos(&s.referenced);
            self.error(pos, "expected true or false");
            false
        })
    }

    /// The items of a list, or an error at the value when it is not one.
    fn items<T>(&mut self, v: Option<ListOf<T>>) -> Vec<T> {
        let Some(v) = v else { return Vec::new() };
        match v.value {
            Node::List(items) => items,
            Node::Null => Vec::new(),
            _ => {
                let pos = self.pos(&v.referenced);
                self.error(pos, "expected a list (`[a, b]`)");
                Vec::new()
            }
        }
    }

    /// A map with its position, or an error at the value when it is not one.
    fn entry<T>(&mut self, v: MapOf<T>) -> Option<(Pos, T)> {
        let pos = self.pos(&v.referenced);
        match v.value {
            Node::Map(m) => Some((pos, m)),
            _ => {
                self.error(pos, "expected a map (`{key: value}`)");
                None
            }
        }
    }

    fn error(&mut self, pos: Pos, msg: impl Into<String>) {
        self.diags.error(self.rel, pos, msg);
    }

    fn yaml<T: DeserializeOwned>(&mut self, yaml: &str) -> Option<T> {
        let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
        let mut e = match parse_yaml::<MapOf<T>>(yaml) {
            Ok(v) => return self.document(v),
            Err(e) => e,
        };
        // A streaming parser may meet an unknown key before the syntax error after it; the
        // syntax error is the one to report.
        if let Err(syntax) = parse_yaml::<de::IgnoredAny>(yaml) {
            e = syntax;
        }
        // An unknown key or an unreadable value must not hide the file's other errors: report
        // it, blank out the key (line numbers and byte offsets stay) and parse again, as long
        // as the key is one we can cut cleanly. Syntax errors stop here: what follows is
        // unreliable.
        let mut text = yaml.to_string();
        for _ in 0..64 {
            let found = yaml_error::explain(&e, &text);
            let pos = found.at.map_or(Pos::START, |(l, c)| Pos::new(self.line0 + l as u32, c as u32));
            self.error(pos, found.message);
            let (line, col) = found.at?;
            let cut = match found.action {
                Action::CutKey => blank_block_key(&mut text, line, col),
                // A key inside a list item or map (`    title: !!int x` in a source): cut just
                // that key, so the rest of the item still counts.
                Action::CutValue => match nested_key_indent(&text, line) {
                    Some(indent) => blank_block_key(&mut text, line, indent + 1),
                    None => match top_level_key(&text, line) {
                        Some((key_line, key)) => {
                            self.cut.push(key);
                            blank_block_key(&mut text, key_line, 1)
                        }
                        None => false,
                    },
                },
                Action::Stop => false,
            };
            if !cut {
                return None;
            }
            match parse_yaml::<MapOf<T>>(&text) {
                // The file has errors already; the value is still checked for the rest.
                Ok(v) => return self.document(v),
                Err(next) => e = next,
            }
        }
        None
    }

    /// The document's keys, or an error when the front matter is a list or a single value.
    fn document<T: DeserializeOwned>(&mut self, top: MapOf<T>) -> Option<T> {
        let pos = self.pos(&top.referenced);
        match top.value {
            Node::Map(doc) => Some(doc),
            // Only comments: no keys.
            Node::Null => parse_yaml::<MapOf<T>>("{}").ok().and_then(|t| match t.value {
                Node::Map(doc) => Some(doc),
                _ => None,
            }),
            other => {
                let found = other.found();
                self.error(pos, format!("expected keys with values (`title: …`), found {found}"));
                None
            }
        }
    }

    fn required(&mut self, v: Option<S>, key: &str) -> Option<At<String>> {
        let Some(v) = v else { return self.missing(key) };
        let a = self.scalar(v)?;
        if a.value.trim().is_empty() {
            self.error(a.pos, format!("`{key}` must not be empty"));
            return None;
        }
        Some(a)
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
        let a = self.scalar(v?)?;
        Some(a.value.trim().to_string()).filter(|s| !s.is_empty())
    }

    fn list(&mut self, v: Option<ListOf<S>>) -> Vec<At<String>> {
        let mut out = Vec::new();
        for s in self.items(v) {
            let Some(a) = self.scalar(s) else { continue };
            if a.value.trim().is_empty() {
                self.error(a.pos, "empty entry");
            } else {
                out.push(At::new(a.value.trim().to_string(), a.pos));
            }
        }
        out
    }

    fn edtf_opt(&mut self, v: Option<S>) -> Option<Edtf> {
        let a = self.scalar(v?)?;
        match a.value.parse::<Edtf>() {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(a.pos, e.to_string());
                None
            }
        }
    }

    fn full_date(&mut self, v: S) -> Option<Date> {
        let a = self.scalar(v)?;
        match parse_full(&a.value) {
            Ok(d) => Some(d),
            Err(e) => {
                self.error(a.pos, e.to_string());
                None
            }
        }
    }

    fn url_opt(&mut self, v: Option<S>, key: &str) -> Option<String> {
        let a = self.scalar(v?)?;
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
                let a = self.scalar(s)?;
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
        let a = self.scalar(v?)?;
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

    /// Indices of the sources named, each once. `index` maps the ids of `ids` to their index,
    /// so a long list costs no search of all sources per entry.
    fn source_refs(
        &mut self,
        v: Option<ListOf<S>>,
        ids: &[String],
        index: &HashMap<String, usize>,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        let mut seen = HashSet::default();
        for a in self.list(v) {
            match index.get(&a.value) {
                Some(&i) if seen.insert(i) => out.push(i),
                Some(_) => {}
                None => self.error(a.pos, unknown_source(&a.value, ids.iter().map(String::as_str))),
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
        let updated_pos = raw.updated.as_ref().map_or(Pos::START, |d| self.pos(&d.referenced));
        let updated = raw.updated.and_then(|d| self.full_date(d));
        let summary_end = raw.summary.as_ref().and_then(|s| Self::end_of(&s.referenced));
        let review_by = raw.review_by.and_then(|d| {
            let pos = self.pos(&d.referenced);
            self.full_date(d).map(|v| At::new(v, pos))
        });
        let summary = raw.summary.and_then(|s| self.scalar(s)).filter(|s| !s.value.trim().is_empty());
        let (summary, summary_indent, summary_raw) = match summary {
            Some(s) => {
                let (pos, indent) = self.text_start(s.pos);
                let raw = self.scalar_source(pos, indent, summary_end);
                (Some(At::new(s.value, pos)), indent, raw)
            }
            None => (None, 0, Arc::from("")),
        };
        let lang = self.lang(raw.lang).unwrap_or_else(|| defaults.language.to_string());
        let slug = self.slug(raw.slug, &file.stem, defaults.language);
        let tlp = match raw.tlp {
            Some(t) => match self.scalar(t) {
                Some(a) => a.value.parse::<Tlp>().map_err(|e| self.error(a.pos, e.to_string())).ok(),
                None => None,
            },
            None => Some(defaults.tlp),
        };
        let mut tags = Vec::new();
        let mut tag_slugs = HashSet::default();
        for t in self.list(raw.tags) {
            let slug = slug::slugify(&t.value, defaults.language);
            if slug.is_empty() {
                self.error(t.pos, format!("tag \"{}\" has no letters or digits", t.value));
            } else if tag_slugs.insert(slug) {
                // `China` and `china` share /tags/china/: one tag, listed once.
                tags.push(t.value);
            }
        }
        let actors = self.actors(raw.actors);
        let countries = self.list(raw.countries);

        // Sources first: events and judgments refer to them by id.
        let sources_pos = raw.sources.as_ref().map(|v| self.pos(&v.referenced));
        let mut sources = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        // Ids to positions: events and judgments look each reference up here, not in the list.
        let mut id_index: HashMap<String, usize> = HashMap::default();
        for s in self.items(raw.sources) {
            let Some((item_pos, r)) = self.entry(s) else { continue };
            let Some(source) = self.briefing_source(item_pos, r, &id_index) else { continue };
            id_index.insert(source.id.clone(), ids.len());
            ids.push(source.id.clone());
            sources.push(source);
        }

        let mut events = Vec::new();
        let mut event_ids: Vec<EventId> = Vec::new();
        for e in self.items(raw.events) {
            let Some((item_pos, r)) = self.entry(e) else { continue };
            let id = r.id.and_then(|i| self.event_id(i, &event_ids));
            if let Some(id) = &id {
                event_ids.push(id.value.clone());
            }
            let date_pos = r.date.as_ref().map_or(item_pos, |d| self.pos(&d.referenced));
            let date = match r.date {
                Some(d) => self.edtf_opt(Some(d)),
                None => {
                    self.error(item_pos, "event without `date`");
                    None
                }
            };
            let planned = self.flag(r.planned);
            let title = match r.title.map(|t| self.scalar(t)) {
                Some(Some(t)) if !t.value.trim().is_empty() => Some(t.value.trim().to_string()),
                // A list or a map: reported as such already.
                Some(None) => None,
                _ => {
                    self.error(item_pos, "event without `title`");
                    None
                }
            };
            let actors = self.list(r.actors);
            let countries = self.list(r.countries);
            let srcs = self.source_refs(r.sources, &ids, &id_index);
            if let (Some(date), Some(title)) = (date, title) {
                events.push(Event { id, date, date_pos, title, planned, actors, countries, sources: srcs });
            }
        }

        let key_judgments = self.key_judgments(raw.key_judgments, &ids, &id_index);
        let related = self.list(raw.related);

        // A briefing with a broken required value is kept, with stand-ins, so that the later
        // stages still check its references: every error in one run. Errors stop the build.
        // The stand-in slug is unique per file, so it never causes a second, false clash.
        let fallback_slug = || {
            let unique = Slug::from_text(&format!("invalid slug {}", file.rel), "en");
            At::new(unique.unwrap_or_else(|| Slug::parse("invalid").expect("valid slug")), Pos::START)
        };
        let draft = self.flag(raw.draft);
        Some(Briefing {
            rel: file.rel.clone(),
            title: title.map(|t| t.value.trim().to_string()).unwrap_or_default(),
            date: date.unwrap_or(jiff::civil::date(1970, 1, 1)),
            updated,
            updated_pos,
            review_by,
            summary,
            summary_indent,
            summary_raw,
            lang,
            slug: slug.unwrap_or_else(fallback_slug),
            draft,
            tlp: tlp.unwrap_or(defaults.tlp),
            tags,
            actors,
            countries,
            events,
            sources,
            sources_pos,
            key_judgments,
            related,
            body,
        })
    }

    /// `actors`: plain references, or maps with `ref`, `role` and `kind`.
    fn actors(&mut self, v: Option<ListOf<MapOf<RawActorMap>>>) -> Vec<ActorRef> {
        let mut actors = Vec::new();
        for a in self.items(v) {
            let pos = self.pos(&a.referenced);
            match self.text_of(a.value, &a.defined) {
                Ok(s) if s.trim().is_empty() => self.error(pos, "empty actor"),
                Ok(s) => actors.push(ActorRef {
                    reference: At::new(s.trim().to_string(), pos),
                    role: None,
                    kind: None,
                }),
                Err(Node::Map(m)) => {
                    let reference = match m.reference {
                        Some(r) => self.scalar(r),
                        None => {
                            self.error(pos, "actor without `ref`");
                            None
                        }
                    };
                    let role = self.text_opt(m.role);
                    let kind = match m.kind.and_then(|k| self.scalar(k)) {
                        None => None,
                        Some(k) => match k.value.trim().to_lowercase().as_str() {
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
                        },
                    };
                    match reference {
                        None => {}
                        Some(r) if r.value.trim().is_empty() => self.error(r.pos, "empty actor reference"),
                        Some(r) => actors.push(ActorRef {
                            reference: At::new(r.value.trim().to_string(), r.pos),
                            role,
                            kind,
                        }),
                    }
                }
                Err(_) => self.error(pos, "expected a name or a map (`{ref: …, role: …}`), not a list"),
            }
        }
        actors
    }

    /// `key_judgments`, their sources checked against the briefing's source `ids`.
    fn key_judgments(
        &mut self,
        v: Option<ListOf<MapOf<RawJudgment>>>,
        ids: &[String],
        id_index: &HashMap<String, usize>,
    ) -> Vec<KeyJudgment> {
        let mut key_judgments = Vec::new();
        for k in self.items(v) {
            let Some((item_pos, r)) = self.entry(k) else { continue };
            let text_pos = r.text.as_ref().map_or(item_pos, |t| self.pos(&t.referenced));
            let text_start = self.text_start(text_pos);
            let text_end = r.text.as_ref().and_then(|t| Self::end_of(&t.referenced));
            // A text of the wrong shape is reported as such, not also as missing.
            let wrong_shape =
                r.text.as_ref().is_some_and(|t| matches!(t.value, Node::List(_) | Node::Map(_)));
            let text = self.text_opt(r.text);
            let likelihood = r.likelihood.and_then(|v| {
                let a = self.scalar(v)?;
                Likelihood::parse(&a.value).or_else(|| {
                    let terms: Vec<&str> = Likelihood::TERMS.iter().map(|t| t.0).collect();
                    self.error(
                        a.pos,
                        format!("unknown likelihood \"{}\" (expected one of: {})", a.value, terms.join(", ")),
                    );
                    None
                })
            });
            let confidence_pos = r.confidence.as_ref().map(|v| self.pos(&v.referenced));
            let confidence = r.confidence.and_then(|v| {
                let a = self.scalar(v)?;
                Confidence::parse(&a.value).or_else(|| {
                    self.error(
                        a.pos,
                        format!("unknown confidence \"{}\" (expected low, moderate or high)", a.value),
                    );
                    None
                })
            });
            let srcs = self.source_refs(r.sources, ids, id_index);
            match text {
                Some(text) => key_judgments.push(KeyJudgment {
                    item_pos,
                    text,
                    pos: text_start.0,
                    indent: text_start.1,
                    raw: self.scalar_source(text_start.0, text_start.1, text_end),
                    likelihood,
                    confidence,
                    confidence_pos,
                    sources: srcs,
                }),
                None if wrong_shape => {}
                None => self.error(item_pos, "key judgment without `text`"),
            }
        }
        key_judgments
    }

    /// An event's `id`: a slug, once per briefing.
    fn event_id(&mut self, v: S, seen: &[EventId]) -> Option<At<EventId>> {
        let a = self.scalar(v)?;
        let Some(slug) = Slug::parse(a.value.trim()) else {
            self.error(
                a.pos,
                format!("invalid event id \"{}\": use only a-z, 0-9 and hyphens", a.value.trim()),
            );
            return None;
        };
        let id = EventId(slug);
        if seen.contains(&id) {
            self.error(a.pos, format!("duplicate event id \"{id}\" (each event of a briefing has its own)"));
            return None;
        }
        Some(At::new(id, a.pos))
    }

    /// One entry of a briefing's `sources`: its `id`, then either a `ref` to a shared source
    /// (with at most its own `credibility`) or the source's own values.
    fn briefing_source(
        &mut self,
        item_pos: Pos,
        mut r: RawSource,
        ids: &HashMap<String, usize>,
    ) -> Option<Source> {
        let id = match r.id.take() {
            Some(i) => self.scalar(i)?,
            None => {
                self.error(item_pos, "source without `id`");
                return None;
            }
        };
        let idv = id.value.trim().to_string();
        if idv.is_empty() || idv.contains(char::is_whitespace) || idv.contains([';', '@', ']', '[']) {
            self.error(
                id.pos,
                format!("invalid source id \"{}\": no spaces, `;`, `@` or brackets", id.value),
            );
            return None;
        }
        if ids.contains_key(&idv) {
            self.error(id.pos, format!("duplicate source id \"{idv}\""));
            return None;
        }
        let Some(reference) = r.reference.take() else {
            return Some(self.source_values(idv, id.pos, r));
        };
        let reference = self.scalar(reference)?;
        if reference.value.trim().is_empty() {
            self.error(reference.pos, "`ref` has no value");
            return None;
        }
        // The shared file holds the source's values; a second copy here could only drift.
        let own = [
            &r.publisher,
            &r.title,
            &r.url,
            &r.author,
            &r.published,
            &r.accessed,
            &r.lang,
            &r.archive,
            &r.reliability,
        ];
        for v in own.into_iter().flatten() {
            let pos = self.pos(&v.referenced);
            self.error(pos, "a source with `ref` takes its values from the shared source; only `credibility` may be given here");
        }
        let credibility = self.credibility(r.credibility);
        let mut source = self.source_values(idv, id.pos, RawSource::default());
        source.reference = Some(At::new(reference.value.trim().to_string(), reference.pos));
        source.credibility = credibility;
        Some(source)
    }

    /// A source's values (all but `id` and `ref`).
    fn source_values(&mut self, id: String, id_pos: Pos, r: RawSource) -> Source {
        let reliability_pos = r.reliability.as_ref().map(|v| self.pos(&v.referenced));
        let reliability = r.reliability.and_then(|v| {
            let a = self.scalar(v)?;
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
        Source {
            id,
            id_pos,
            reference: None,
            origin: None,
            publisher: self.text_opt(r.publisher),
            title: self.text_opt(r.title),
            url: self.url_opt(r.url, "url"),
            author: self.text_opt(r.author),
            published: self.edtf_opt(r.published),
            accessed: self.edtf_opt(r.accessed),
            lang: self.lang(r.lang),
            archive: self.url_opt(r.archive, "archive"),
            reliability_pos: reliability.and(reliability_pos),
            reliability,
            reliability_default: false,
            credibility: self.credibility(r.credibility),
        }
    }

    fn credibility(&mut self, v: Option<S>) -> Option<u8> {
        let a = self.scalar(v?)?;
        match a.value.trim().parse::<u8>() {
            Ok(n @ 1..=6) => Some(n),
            _ => {
                self.error(a.pos, format!("invalid credibility \"{}\" (expected a number 1 to 6)", a.value));
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn entity(
        &mut self,
        file: &SourceFile,
        kind: EntityKind,
        name: Option<S>,
        aliases: Option<ListOf<S>>,
        countries: Option<ListOf<S>>,
        role: Option<S>,
        since: Option<Edtf>,
        wikidata: Option<S>,
        body: Body,
    ) -> Document {
        // Countries have a built-in name, so theirs is optional.
        let name = match (kind, name) {
            (EntityKind::Country, n) => n.and_then(|n| self.scalar(n)).filter(|n| !n.value.trim().is_empty()),
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
    // Byte for byte, so that the spans of the values after it still index the original text.
    let blanked: String = text[start..end]
        .chars()
        .map(|c| if c == '\n' { "\n".to_string() } else { " ".repeat(c.len_utf8()) })
        .collect();
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
/// small, so the parser's resource budget stays on as a guard against alias bombs. `.nan` or
/// `1e999` reach `Node` as numbers, whose text is then read back as written.
fn parse_yaml<T: DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
    };
    serde_saphyr::from_str_with_options::<T>(text, options)
}

/// YAML 1.1 booleans, as the parser resolves them unquoted; a quoted `"true"` counts too.
fn yaml11_bool(s: &str) -> Option<bool> {
    let s = s.trim().to_ascii_lowercase();
    match s.as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
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

/// The message for a reference to no source. It names at most `SHOWN` of the sources: each
/// wrong reference gets its own message, and listing thousands of sources in each made the
/// output quadratic in the file.
pub fn unknown_source<'a>(id: &str, ids: impl ExactSizeIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 12;
    let n = ids.len();
    let shown: Vec<&str> = ids.take(SHOWN).collect();
    let list = match n {
        0 => "none".to_string(),
        n if n <= SHOWN => shown.join(", "),
        n => format!("{}, and {} more", shown.join(", "), n - SHOWN),
    };
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
    fn a_judgment_source_is_its_own_text_only() {
        // Found by fuzzing: each judgment's source ran on over all the judgments after it,
        // so 5 000 judgments took seconds and copied the YAML 5 000 times.
        let mut yaml = "---\ntitle: T\ndate: 2025-09-04\nkey_judgments:\n".to_string();
        yaml += "  - text: a [[x]]\n    likelihood: likely\n  - text: |\n      b\n      c\n  - {text: 'q'}\n";
        yaml += &"  - text: more [[y]]\n".repeat(5000);
        let (b, d) = parse_briefing(&(yaml + "summary: s\n---\n"));
        assert!(d.is_empty(), "{d:?}");
        let k = b.unwrap().key_judgments;
        let raw: Vec<&str> = k[..4].iter().map(|k| &*k.raw).collect();
        assert_eq!(raw, ["a [[x]]", "b\n      c", "q'}", "more [[y]]"]);
        assert!(k.iter().all(|k| k.raw.len() < 20));
    }

    #[test]
    fn an_unknown_source_message_names_a_few_sources() {
        let ids: Vec<String> = (0..5000).map(|i| format!("s{i}")).collect();
        let msg = unknown_source("x", ids.iter().map(String::as_str));
        assert!(msg.ends_with("s10, s11, and 4988 more)"), "{msg}");
        assert_eq!(unknown_source("x", ["a", "b"].into_iter()), "unknown source \"x\" (sources: a, b)");
        assert_eq!(unknown_source("x", [].into_iter()), "unknown source \"x\" (sources: none)");
    }

    #[test]
    fn positions_count_a_lone_carriage_return_as_a_line_end() {
        // Found by fuzzing: YAML reads a lone CR as a line break, our positions did not, so an
        // error after one pointed past the end of a line above it.
        let raw = "---\ntitle: T\rdate: 2025-09-04\rcountires: [CN]\n---\n";
        let f = SourceFile::new("content/briefings/x.md".into(), FileKind::Briefing, raw);
        let mut d = Diagnostics::new();
        parse(&f, &Defaults { language: "de", tlp: Tlp::Clear }, &mut d);
        let d = d.sorted();
        assert_eq!((d[0].line, d[0].col), (4, 1), "{d:?}");
        assert!(f.text.lines().nth(3).is_some_and(|l| l.starts_with("countires")), "{:?}", f.text);
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

    /// Each diagnostic as `line:col: message`.
    fn lines(d: &[crate::diag::Diagnostic]) -> Vec<String> {
        d.iter().map(|d| format!("{}:{}: {}", d.line, d.col, d.message)).collect()
    }

    #[test]
    fn yaml_syntax_error_is_located() {
        let (_, d) = parse_briefing("---\ntitle: T\ndate: 2025-09-04\nactors: [a, b\n---\n");
        assert_eq!(lines(&d), ["4:9: unclosed '[' (the list opened here is never closed with ']')"]);
    }

    #[test]
    fn unclosed_brackets_and_quotes_point_at_their_opener() {
        // The parser itself runs on into the next key (`summary:`) and stops at its ':'.
        let at = |line5: &str| {
            let (_, d) = parse_briefing(&format!(
                "---\ntitle: T\ndate: 2025-09-04\nlang: de\n{line5}\nsummary: S\ncountries: [CN]\n---\n"
            ));
            lines(&d)
        };
        assert_eq!(
            at("tags: [unclosed"),
            ["5:7: unclosed '[' (the list opened here is never closed with ']')"]
        );
        assert_eq!(
            at("tags: [a, [b]"),
            ["5:7: unclosed '[' (the list opened here is never closed with ']')"]
        );
        assert_eq!(at("tags: {a: b"), ["5:7: unclosed '{' (the map opened here is never closed with '}')"]);
        // Closed with the other bracket: the parser's own finding, at the opener.
        assert_eq!(at("actors: [{ref: A, role: B]"), ["5:10: '{' is closed with ']' (expected '}')"]);
        assert_eq!(
            at("title2: \"abc"),
            ["5:9: unclosed '\"' (the text quoted here is never closed with '\"')"]
        );
        assert_eq!(
            at("title2: 'it''s"),
            ["5:9: unclosed \"'\" (the text quoted here is never closed with \"'\")"]
        );
        // Closed only by the opening quote of a later value: still the first quote's fault.
        let (_, d) = parse_briefing("---\ntitle: \"abc\ndate: 2025-09-04\nsummary: \"x\"\n---\n");
        assert_eq!(lines(&d), ["2:8: unclosed '\"' (the text quoted here is never closed with '\"')"]);
        // Brackets and quotes in plain text, comments and block scalars open nothing.
        let (_, d) = parse_briefing(
            "---\ntitle: a [b 'c\ndate: 2025-09-04 # [x\nsummary: |\n  {d \"e\ntags: [x\n---\n",
        );
        assert_eq!(lines(&d), ["6:7: unclosed '[' (the list opened here is never closed with ']')"]);
    }

    /// Guards the mapping from serde-saphyr's typed errors and our own value types to plain
    /// words: a regression would show the parser's raw text (or lose a suggestion) here.
    #[test]
    fn errors_are_in_plain_words_not_parser_text() {
        let (_, d) = parse_briefing(
            "---\ntitle: [T]\ndate: 2025-09-04\nactors: [Kim, [a], {role: x}]\ndraft: maybe\nsources:\n  - plain\ntags: {a: b}\ndatum: x\nlang: de\nlang: en\n---\n",
        );
        assert_eq!(
            lines(&d),
            [
                "2:8: expected a single value, not a list or a map",
                "4:15: expected a name or a map (`{ref: …, role: …}`), not a list",
                "4:20: actor without `ref`",
                "5:8: expected true or false",
                "7:5: expected a map (`{key: value}`)",
                "8:7: expected a list (`[a, b]`)",
                "9:1: unknown key `datum` (did you mean `date`?)",
                "11:1: duplicate key `lang` (each key may appear once)",
            ]
        );
        let (_, d) = parse_briefing("---\n- title\n- date\n---\n");
        assert_eq!(lines(&d), ["2:1: expected keys with values (`title: …`), found a list"]);
        let (_, d) = parse_briefing("---\ntitle: T\n  date: x\n---\n");
        assert_eq!(
            lines(&d),
            [
                "3:7: unexpected ':' (check the indentation, or put quotes around a value that contains \": \")"
            ]
        );
    }

    #[test]
    fn numbers_and_booleans_keep_their_text_as_written() {
        let (b, d) = parse_briefing(
            "---\ntitle: 1.50\ndate: 2025-09-04\nsummary: .NaN\ndraft: \"yes\"\ntags: [007, yes, 1e3, &x 0x1A, *x]\nsources:\n  - {id: 007, credibility: 02}\n---\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let b = b.unwrap();
        assert_eq!(b.title, "1.50");
        assert_eq!(b.summary.unwrap().value, ".NaN");
        assert!(b.draft);
        assert_eq!(b.tags, ["007", "yes", "1e3", "0x1A"], "the alias is the same tag");
        assert_eq!((b.sources[0].id.as_str(), b.sources[0].credibility), ("007", Some(2)));
    }

    #[test]
    fn null_list_entries_are_empty_entries() {
        let (b, d) = parse_briefing("---\ntitle: T\ndate: 2025-09-04\ntags: [a, ~, null]\n---\n");
        assert_eq!(lines(&d), ["4:11: empty entry", "4:14: empty entry"]);
        assert_eq!(b.unwrap().tags, ["a"]);
    }

    #[test]
    fn a_value_that_does_not_fit_its_tag_cuts_only_its_key() {
        let (b, d) = parse_briefing(
            "---\ntitle: !!int x\ndate: 2025-09-04\nsources:\n  - id: s\n    title: !!int y\n  - id: t\n---\n",
        );
        let tag = "this value does not fit its YAML tag (`!!…`); remove the tag or fix the value";
        assert_eq!(lines(&d), [format!("2:14: {tag}"), format!("6:18: {tag}")], "and no missing title");
        assert_eq!(b.unwrap().sources.len(), 2);
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
    fn event_ids_are_slugs_once_per_briefing_and_planned_is_a_flag() {
        let (b, d) = parse_briefing(
            "---\ntitle: T\ndate: 2025-09-04\nreview_by: 2025-10-01\nevents:\n  - {id: visit, date: 2025-09, title: A, planned: true}\n  - {id: visit, date: 2025-09, title: B}\n  - {id: Not A Slug, date: 2025, title: C}\n---\n",
        );
        assert_eq!(
            lines(&d),
            [
                "7:10: duplicate event id \"visit\" (each event of a briefing has its own)",
                "8:10: invalid event id \"Not A Slug\": use only a-z, 0-9 and hyphens",
            ]
        );
        let b = b.unwrap();
        let e = &b.events[0];
        assert_eq!(
            (e.id.as_ref().map(|i| i.value.to_string()), e.planned, e.date_pos),
            (Some("visit".into()), true, Pos::new(6, 23))
        );
        assert_eq!(b.events.len(), 3, "the events stay, without the bad ids");
        assert_eq!(
            b.review_by.map(|r| (r.value.to_string(), r.pos)),
            Some(("2025-10-01".into(), Pos::new(4, 12)))
        );
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
