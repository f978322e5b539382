//! Markdown: renders bodies, summaries and judgments with pulldown-cmark, resolving
//! `[[wikilinks]]` and `[@citations]`, numbering footnotes, giving headings unique ids and
//! escaping raw HTML. Output HTML is root-relative: it is kept in pieces between which each
//! page puts its own path to the site root.

use crate::diag::{Diagnostics, Pos, PosCursor, pos_at};
use crate::entities::{EntityId, Registry};
use crate::frontmatter::{EntityKind, Source, unknown_source};
use crate::slug::slugify;
use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape as escape;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// Ids the briefing template uses itself; body headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "content",
    "top",
    "summary",
    "key-judgments",
    "actors",
    "countries",
    "events",
    "body",
    "sources",
    "backlinks",
    "related",
    "footnotes",
    "tlp",
    "profile",
    "briefings",
    "timeline",
    "appears-with",
    "nav",
    "search",
];

/// HTML whose site links are relative to the site root: the pieces between which the path to
/// the root goes. Kept apart rather than marked in the text, so no text an author writes can
/// stand for the root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootRelative(Arc<[Box<str>]>);

impl RootRelative {
    /// The HTML for a page whose path to the site root is `root` (`../../`, or a base URL).
    /// The home page's empty path is written `./`: a site path such as `javascript:x` after an
    /// empty root would otherwise read as a URL scheme.
    pub fn at(&self, root: &str) -> String {
        let root = if root.is_empty() { "./" } else { root };
        let mut out =
            String::with_capacity(self.0.iter().map(|p| p.len()).sum::<usize>() + root.len() * self.0.len());
        for (i, piece) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(root);
            }
            out.push_str(piece);
        }
        out
    }

    /// `at`, in a link style: with `LinkStyle::File`, a link to a page folder names its
    /// `index.html` (`../people/x/index.html#y`). Every piece after a root starts with the
    /// site path of an `href` or `src` attribute, up to its quote, query or fragment.
    pub fn at_in(&self, root: &str, style: crate::url::LinkStyle) -> String {
        if style == crate::url::LinkStyle::Directory {
            return self.at(root);
        }
        let root = if root.is_empty() { "./" } else { root };
        let mut out = String::with_capacity(
            self.0.iter().map(|p| p.len() + 10).sum::<usize>() + root.len() * self.0.len(),
        );
        for (i, piece) in self.0.iter().enumerate() {
            if i == 0 {
                out.push_str(piece);
                continue;
            }
            out.push_str(root);
            let end = site_path_end(piece);
            let path = &piece[..end];
            out.push_str(path);
            if path.is_empty() || path.ends_with('/') {
                out.push_str("index.html");
            }
            out.push_str(&piece[end..]);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|p| p.is_empty())
    }

    /// Cuts `html` at each `marker`, which stands for the root.
    fn split(html: &str, marker: char) -> RootRelative {
        RootRelative(html.split(marker).map(Box::from).collect())
    }
}

/// Where the site path at the start of an attribute value ends: at its closing quote, query
/// or fragment (`#` but not the `&#x27;` of an escaped quote).
fn site_path_end(piece: &str) -> usize {
    let b = piece.as_bytes();
    (0..b.len())
        .find(|&i| b[i] == b'"' || b[i] == b'?' || (b[i] == b'#' && (i == 0 || b[i - 1] != b'&')))
        .unwrap_or(b.len())
}

/// A character that stands for the root while pulldown-cmark writes the HTML: one the text
/// does not contain (tried from the Unicode private-use area), so the pieces can be cut apart
/// again; `render` checks the count and tries the next one if a label brought it in.
/// The text is read once: searching it for each candidate would cost its length for each of
/// the (up to 6400) private-use characters it holds.
fn root_marker(text: &str, skip: usize) -> char {
    // The basic private-use area, then planes 15 and 16: 137,000 candidates, more than any
    // text can hold without being hundreds of kilobytes of them. One pass over the text.
    let private = |c: &char| matches!(*c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFD}');
    let used: HashSet<char> = text.chars().filter(private).collect();
    ('\u{E000}'..='\u{F8FF}')
        .chain('\u{F0000}'..='\u{10FFFD}')
        .filter(|c| !used.contains(c))
        .nth(skip)
        .unwrap_or('\u{10FFFD}')
}

/// What a wikilink points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Briefing(usize),
    Entity(EntityId),
}

/// What body rendering needs to know of the rest of the site.
pub struct LinkEnv<'a> {
    pub registry: &'a Registry,
    /// Published briefings by slug.
    pub briefings: &'a HashMap<String, usize>,
    /// Slug and title of each published briefing, by index.
    pub briefing_titles: &'a [(String, String)],
    /// Slugs of briefings the gate withholds: linking to one is an error, not a leak.
    pub withheld: &'a HashSet<String>,
    pub lang: &'a str,
    pub allow_html: bool,
}

impl LinkEnv<'_> {
    fn target_url_and_title(&self, t: Target) -> (String, String) {
        match t {
            Target::Briefing(i) => {
                let (slug, title) = &self.briefing_titles[i];
                (format!("briefings/{slug}/"), title.clone())
            }
            Target::Entity(id) => {
                let e = self.registry.get(id);
                (e.url(), e.name.clone())
            }
        }
    }

    /// Whether `t` has this URL and title (what `target_url_and_title` gives), without building
    /// either: revalidating cached Markdown asks this for every link of every file.
    fn target_is(&self, t: Target, url: &str, label: &str) -> bool {
        let (section, id, title) = match t {
            Target::Briefing(i) => {
                let (slug, title) = &self.briefing_titles[i];
                ("briefings", slug.as_str(), title.as_str())
            }
            Target::Entity(e) => {
                let e = self.registry.get(e);
                (e.kind.section(), e.id.as_str(), e.name.as_str())
            }
        };
        label == title
            && url
                .strip_prefix(section)
                .and_then(|u| u.strip_prefix('/'))
                .and_then(|u| u.strip_prefix(id))
                .is_some_and(|u| u == "/")
    }

    /// Resolves a wikilink target (FORMAT.md section 4).
    pub fn resolve(&self, raw: &str) -> Result<Target, String> {
        // In a table, `[[China\|PRC]]` escapes the pipe from the table; the `\` is not the name.
        let raw = raw.trim().trim_end_matches('\\').trim_end();
        let (prefix, rest) = match raw.split_once('/') {
            Some((p @ ("briefings" | "people" | "organisations" | "organizations" | "countries"), r)) => {
                (Some(p), r.trim())
            }
            _ => (None, raw),
        };
        // Most links are written as slugs already; slugify at most once.
        let slug: std::borrow::Cow<str> =
            if self.briefings.contains_key(rest) { rest.into() } else { slugify(rest, self.lang).into() };
        let briefing = || {
            let slug = slug.as_ref();
            if let Some(i) = self.briefings.get(slug) {
                Ok(Some(Target::Briefing(*i)))
            } else if self.withheld.contains(slug) {
                Err(format!(
                    "[[{raw}]] links to a briefing that this build withholds (draft or TLP above publish_tlp)"
                ))
            } else {
                Ok(None)
            }
        };
        let kind = match prefix {
            Some("briefings") => {
                return briefing()?.ok_or_else(|| format!("no briefing with slug \"{rest}\" for [[{raw}]]"));
            }
            Some("people") => Some(EntityKind::Person),
            Some("organisations" | "organizations") => Some(EntityKind::Organisation),
            Some("countries") => Some(EntityKind::Country),
            _ => None,
        };
        if let Some(kind) = kind {
            return self
                .registry
                .lookup_kind(kind, rest, self.lang)
                .map(Target::Entity)
                .ok_or_else(|| format!("no {} \"{rest}\" for [[{raw}]]", kind.name()));
        }
        let entity = self.registry.lookup_slugged(rest, &slug).map_err(|(a, c)| {
            let (a, c) = (self.registry.get(a), self.registry.get(c));
            format!(
                "[[{raw}]] is ambiguous: the {} \"{}\" and the country \"{}\"; write [[{}/{}]] or [[countries/{}]]",
                a.kind.name(),
                a.name,
                c.name,
                a.kind.section(),
                a.id,
                c.id
            )
        })?;
        match (briefing()?, entity) {
            (Some(b), None) => Ok(b),
            (None, Some(e)) => Ok(Target::Entity(e)),
            (Some(_), Some(e)) => {
                let e = self.registry.get(e);
                Err(format!(
                    "[[{raw}]] is ambiguous: a briefing and the {} \"{}\"; write [[briefings/{rest}]] or [[{}/{}]]",
                    e.kind.name(),
                    e.name,
                    e.kind.section(),
                    e.id
                ))
            }
            (None, None) => Err(format!(
                "unresolved link [[{raw}]]: no briefing, person, organisation or country of that name"
            )),
        }
    }
}

/// Where a Markdown text sits in its file, to turn offsets into file positions.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    /// A body starting at the beginning of this file line.
    Body { line: u32 },
    /// A YAML scalar whose text starts at `pos` (after any quote or block indicator) and
    /// whose further lines are indented by `indent` columns (a summary, a judgment). `raw` is
    /// the scalar as written from `pos` on (whole lines after the first), for values whose
    /// text is not their source (folded lines, escapes).
    Inline { pos: Pos, indent: u32, raw: &'a str },
}

impl Place<'_> {
    /// The file position of `offset` in `text`; `at` is a cursor over `text`, so that the
    /// positions of all of a text's diagnostics cost time linear in its length.
    fn pos(self, at: &mut PosCursor, text: &str, offset: usize) -> Pos {
        match self {
            Place::Body { line } => {
                let p = at.at(offset);
                Pos::new(line + p.line - 1, p.col)
            }
            Place::Inline { pos, raw, .. } if let Some(i) = find_in_source(text, offset, raw) => {
                let q = pos_at(raw, i);
                if q.line == 1 {
                    Pos::new(pos.line, pos.col + q.col - 1)
                } else {
                    Pos::new(pos.line + q.line - 1, q.col)
                }
            }
            Place::Inline { pos, indent, .. } => match at.at(offset) {
                p if p.line == 1 => Pos::new(pos.line, pos.col + p.col - 1),
                p => Pos::new(pos.line + p.line - 1, indent + p.col),
            },
        }
    }
}

/// Past this many bytes of text or source, a YAML value's positions come from its text alone
/// (exact unless lines were folded or characters escaped): matching the source costs the
/// length of both for each diagnostic, and a value holding thousands of links would make
/// that quadratic. Summaries and judgments are a few sentences.
const MAX_SOURCE_MATCH: usize = 4096;

/// Where the word at `offset` of a decoded YAML value was written in its source: the same
/// occurrence of the same word. `None` when the source spells it differently.
fn find_in_source(text: &str, offset: usize, raw: &str) -> Option<usize> {
    if text.len() > MAX_SOURCE_MATCH || raw.len() > MAX_SOURCE_MATCH {
        return None;
    }
    let rest = text.get(offset..)?;
    let word = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
    if word.is_empty() || raw.is_empty() {
        return None;
    }
    let nth = text[..offset].matches(word).count();
    raw.match_indices(word).nth(nth).map(|(i, _)| i)
}

/// The rendered HTML and what it links to.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: RootRelative,
    pub targets: Vec<Target>,
    /// Indices of the sources cited.
    pub cited: Vec<usize>,
    /// Each wikilink as written and what it became, to tell whether the HTML is still right
    /// after other files changed. Shared: a revalidated copy only renumbers `targets`.
    links: Arc<[LinkRecord]>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct LinkRecord {
    raw: String,
    url: String,
    label: String,
}

/// Checks that every wikilink of `r` still resolves to the same URL and label. Returns the
/// targets as they are numbered now (indices may shift between runs), or `None` when the HTML
/// must be rendered again.
pub fn revalidate(r: &Rendered, env: &LinkEnv) -> Option<Vec<Target>> {
    revalidate_with(r, env, &ResolveMemo::default())
}

/// Resolutions shared by the revalidation of many texts: thousands of briefings link to the
/// same few hundred targets, and each is resolved once.
#[derive(Default)]
pub struct ResolveMemo(std::sync::Mutex<HashMap<String, Option<Target>>>);

/// `revalidate`, resolving each distinct link text once across calls sharing `memo`.
pub fn revalidate_with(r: &Rendered, env: &LinkEnv, memo: &ResolveMemo) -> Option<Vec<Target>> {
    let mut targets = Vec::with_capacity(r.targets.len());
    let mut seen = HashSet::default();
    for rec in r.links.iter() {
        let known = memo.0.lock().unwrap_or_else(|e| e.into_inner()).get(&rec.raw).copied();
        let t = match known {
            Some(t) => t,
            None => {
                let t = env.resolve(&rec.raw).ok();
                memo.0.lock().unwrap_or_else(|e| e.into_inner()).insert(rec.raw.clone(), t);
                t
            }
        }?;
        if !env.target_is(t, &rec.url, &rec.label) {
            return None;
        }
        if seen.insert(t) {
            targets.push(t);
        }
    }
    Some(targets)
}

/// The destination the broken-link callback gives citations. Only that callback makes links
/// of the `*Unknown` types, so a link is a citation by its type, whatever this text says.
const CITE: &str = "cite";

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What `[@id]` citations refer to: a briefing's sources, and the page holding their list.
#[derive(Debug, Clone, Copy)]
pub struct Citations<'a> {
    pub sources: &'a [Source],
    /// `None`: the list is on the page being rendered. `Some("briefings/x/")`: the text is also
    /// shown elsewhere (a summary in lists), so citations link to that page.
    pub page: Option<&'a str>,
}

/// Renders Markdown. `citations` is `Some` where citations are allowed (briefings).
pub fn render(
    text: &str,
    place: Place<'_>,
    inline: bool,
    citations: Option<Citations<'_>>,
    env: &LinkEnv,
    rel: &str,
    diags: &mut Diagnostics,
) -> Rendered {
    let mut attempt = 0;
    loop {
        let marker = root_marker(text, attempt);
        let mut d = Diagnostics::new();
        let (html, r) = render_with(text, place, inline, citations, env, rel, marker, &mut d);
        let html = RootRelative::split(&html, marker);
        // A label from another file (a title) may hold the marker too: then try the next one.
        // Past many tries, the extra cuts can only misplace a path, never make markup.
        if html.0.len() == r.roots + 1 || attempt >= 64 {
            diags.extend(d);
            return Rendered { html, targets: r.targets, cited: r.cited, links: r.links.into() };
        }
        attempt += 1;
    }
}

/// What one rendering pass found besides the HTML.
struct Found {
    targets: Vec<Target>,
    cited: Vec<usize>,
    links: Vec<LinkRecord>,
    /// How many times the root marker was written.
    roots: usize,
}

#[allow(clippy::too_many_arguments)]
fn render_with(
    text: &str,
    place: Place<'_>,
    inline: bool,
    citations: Option<Citations<'_>>,
    env: &LinkEnv,
    rel: &str,
    marker: char,
    diags: &mut Diagnostics,
) -> (String, Found) {
    let mut callback = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        let r = link.reference.trim();
        let is_cite =
            r.starts_with('@') && r.split(';').all(|p| p.trim().starts_with('@') && p.trim().len() > 1);
        is_cite.then(|| (CowStr::from(CITE), CowStr::from("")))
    };
    let parser = Parser::new_with_broken_link_callback(text, options(), Some(&mut callback));
    let mut r = Renderer {
        text,
        place,
        cursor: PosCursor::new(text),
        citations,
        env,
        rel,
        diags,
        marker,
        roots: 0,
        out: Vec::new(),
        targets: Vec::new(),
        cited: Vec::new(),
        seen: HashSet::default(),
        seen_cited: HashSet::default(),
        source_index: None,
        footnotes: Footnotes::default(),
        link_close: Vec::new(),
        links: Vec::new(),
    };
    r.run(parser.into_offset_iter());
    let mut events = std::mem::take(&mut r.out);
    assign_heading_ids(&mut events, env.lang);
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    r.footnotes.finish(&mut html);
    if inline {
        let t = html.trim();
        if let Some(inner) = t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>"))
            && !inner.contains("<p>")
        {
            html = inner.to_string();
        }
    }
    (html, Found { targets: r.targets, cited: r.cited, links: r.links, roots: r.roots })
}

#[derive(Default)]
struct Footnotes {
    /// Label → number, in order of first reference.
    numbers: HashMap<String, usize>,
    refs_seen: HashMap<usize, usize>,
    /// Number → rendered definition.
    defs: Vec<(usize, String)>,
}

impl Footnotes {
    fn number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_string()).or_insert(next)
    }

    fn finish(&mut self, html: &mut String) {
        if self.defs.is_empty() {
            return;
        }
        self.defs.sort_by_key(|d| d.0);
        html.push_str("<section class=\"footnotes\" id=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
        for (n, def) in &self.defs {
            html.push_str(&format!(
                "<li id=\"fn-{n}\">{} <a href=\"#fnref-{n}\" class=\"footnote-backref\" role=\"doc-backlink\" aria-label=\"↩\">↩</a></li>\n",
                def.trim()
            ));
        }
        html.push_str("</ol>\n</section>\n");
    }
}

struct Renderer<'a, 'd> {
    text: &'a str,
    place: Place<'a>,
    /// Turns offsets in `text` into positions, diagnostic after diagnostic.
    cursor: PosCursor<'a>,
    citations: Option<Citations<'a>>,
    env: &'a LinkEnv<'a>,
    rel: &'a str,
    diags: &'d mut Diagnostics,
    /// Stands for the path to the site root while the HTML is written.
    marker: char,
    roots: usize,
    out: Vec<Event<'a>>,
    targets: Vec<Target>,
    cited: Vec<usize>,
    /// What `targets` and `cited` hold, asked for each link and citation: a long text
    /// with many different links must not search the lists each time.
    seen: HashSet<Target>,
    seen_cited: HashSet<usize>,
    /// The sources' indices by id, made at the first citation: a search of all sources per
    /// citation would be quadratic in a briefing with many of both.
    source_index: Option<HashMap<&'a str, usize>>,
    footnotes: Footnotes,
    /// How to close each open link.
    link_close: Vec<LinkClose>,
    links: Vec<LinkRecord>,
}

impl<'a> Renderer<'a, '_> {
    /// The root marker, counted.
    fn root(&mut self) -> char {
        self.roots += 1;
        self.marker
    }

    fn error(&mut self, offset: usize, msg: String) {
        let pos = self.place.pos(&mut self.cursor, self.text, offset);
        self.diags.error(self.rel, pos, msg);
    }

    fn warning(&mut self, offset: usize, msg: String) {
        let pos = self.place.pos(&mut self.cursor, self.text, offset);
        self.diags.warning(self.rel, pos, msg);
    }

    fn run(&mut self, iter: impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>) {
        // Inner events of a link whose text we replace are skipped; `Some(close)` until its end.
        let mut skipping: Option<&'static str> = None;
        let mut in_footnote: Option<(usize, Vec<Event<'a>>)> = None;
        let mut image: Option<(String, String, String)> = None;
        for (event, range) in iter {
            if let Some((_, alt, _)) = image.as_mut() {
                match event {
                    Event::End(TagEnd::Image) => {
                        let (src, alt, title) = image.take().unwrap_or_default();
                        let mut h = format!("<img src=\"{src}\" alt=\"{}\"", esc(&alt));
                        if !title.is_empty() {
                            h.push_str(&format!(" title=\"{}\"", esc(&title)));
                        }
                        h.push_str(" />");
                        self.emit(Event::InlineHtml(h.into()), &mut in_footnote);
                    }
                    Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                    _ => {}
                }
                continue;
            }
            if let Some(close) = skipping {
                if matches!(event, Event::End(TagEnd::Link)) {
                    skipping = None;
                    if !close.is_empty() {
                        self.emit(Event::InlineHtml(close.into()), &mut in_footnote);
                    }
                }
                continue;
            }
            match event {
                Event::Start(Tag::Link { link_type, dest_url, title, .. }) => {
                    if matches!(
                        link_type,
                        LinkType::ShortcutUnknown | LinkType::CollapsedUnknown | LinkType::ReferenceUnknown
                    ) {
                        self.citation(&self.text[range.clone()], range.start, &mut in_footnote);
                        skipping = Some("");
                        continue;
                    }
                    if let LinkType::WikiLink { has_pothole } = link_type {
                        let ref_offset = range.start + 2;
                        match self.env.resolve(&dest_url) {
                            Ok(t) => {
                                if self.seen.insert(t) {
                                    self.targets.push(t);
                                }
                                let (url, label) = self.env.target_url_and_title(t);
                                self.links.push(LinkRecord {
                                    raw: dest_url.to_string(),
                                    url: url.clone(),
                                    label: label.clone(),
                                });
                                let class = match t {
                                    Target::Briefing(_) => "wikilink briefing-link",
                                    Target::Entity(id) => match self.env.registry.get(id).kind {
                                        EntityKind::Person => "wikilink person-link",
                                        EntityKind::Organisation => "wikilink organisation-link",
                                        EntityKind::Country => "wikilink country-link",
                                    },
                                };
                                let open = format!("<a href=\"{}{url}\" class=\"{class}\">", self.root());
                                if has_pothole {
                                    self.emit(Event::InlineHtml(open.into()), &mut in_footnote);
                                    self.out_mark_link(LinkClose::Html);
                                } else {
                                    // The label as text, so a heading's id includes it.
                                    self.emit(Event::InlineHtml(open.into()), &mut in_footnote);
                                    self.emit(Event::Text(label.into()), &mut in_footnote);
                                    skipping = Some("</a>");
                                }
                            }
                            Err(msg) => {
                                self.error(ref_offset, msg);
                                self.emit(
                                    Event::InlineHtml("<span class=\"broken-link\">".into()),
                                    &mut in_footnote,
                                );
                                self.out_mark_link(LinkClose::Span);
                            }
                        }
                        continue;
                    }
                    if let Some(path) = root_absolute(&dest_url) {
                        let mut h = format!("<a href=\"{}{}\"", self.root(), href(path));
                        if !title.is_empty() {
                            h.push_str(&format!(" title=\"{}\"", esc(&title)));
                        }
                        h.push('>');
                        self.emit(Event::InlineHtml(h.into()), &mut in_footnote);
                        self.out_mark_link(LinkClose::Html);
                        continue;
                    }
                    let dest_url = if !self.env.allow_html && is_script_url(&dest_url) {
                        self.warning(
                            range.start,
                            format!(
                                "link to \"{dest_url}\" removed: scripts in links need allow_html = true"
                            ),
                        );
                        CowStr::from("#")
                    } else {
                        dest_url
                    };
                    self.emit(
                        Event::Start(Tag::Link { link_type, dest_url, title, id: CowStr::from("") }),
                        &mut in_footnote,
                    );
                    self.out_mark_link(LinkClose::Native);
                }
                Event::End(TagEnd::Link) => {
                    let close = self.link_close.pop().unwrap_or(LinkClose::Native);
                    let e = match close {
                        LinkClose::Native => Event::End(TagEnd::Link),
                        LinkClose::Html => Event::InlineHtml("</a>".into()),
                        LinkClose::Span => Event::InlineHtml("</span>".into()),
                    };
                    self.emit(e, &mut in_footnote);
                }
                Event::Start(Tag::Image { dest_url, title, .. }) => {
                    let src = match root_absolute(&dest_url) {
                        Some(path) => format!("{}{}", self.root(), href(path)),
                        None if !self.env.allow_html && is_script_url(&dest_url) => {
                            self.warning(
                                range.start,
                                format!("image \"{dest_url}\" removed: scripts need allow_html = true"),
                            );
                            String::new()
                        }
                        None => href(&dest_url),
                    };
                    image = Some((src, String::new(), title.to_string()));
                }
                Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                    // `{#id .class key=value}`: ids and classes are harmless, other attributes
                    // (`onmouseover=…`) are raw HTML by another name.
                    let attrs = if self.env.allow_html { attrs } else { Vec::new() };
                    let classes = classes.into_iter().filter(|c| is_plain_name(c)).collect();
                    self.emit(Event::Start(Tag::Heading { level, id, classes, attrs }), &mut in_footnote);
                }
                Event::Html(h) | Event::InlineHtml(h) if !self.env.allow_html => {
                    self.emit(Event::Text(h), &mut in_footnote);
                }
                Event::FootnoteReference(label) => {
                    let n = self.footnotes.number(&label);
                    let seen = self.footnotes.refs_seen.entry(n).or_insert(0);
                    *seen += 1;
                    let id = if *seen == 1 { format!("fnref-{n}") } else { format!("fnref-{n}-{seen}") };
                    let h = format!(
                        "<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"{id}\" role=\"doc-noteref\">{n}</a></sup>"
                    );
                    self.emit(Event::InlineHtml(h.into()), &mut in_footnote);
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let n = self.footnotes.number(&label);
                    in_footnote = Some((n, Vec::new()));
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some((n, events)) = in_footnote.take() {
                        let mut h = String::new();
                        pulldown_cmark::html::push_html(&mut h, events.into_iter());
                        // A single paragraph reads better inline with the back-link.
                        let t = h.trim();
                        let h = match t.strip_prefix("<p>").and_then(|t| t.strip_suffix("</p>")) {
                            Some(inner) if !inner.contains("<p>") => inner.to_string(),
                            _ => h,
                        };
                        self.footnotes.defs.push((n, h));
                    }
                }
                other => self.emit(other, &mut in_footnote),
            }
        }
    }

    fn emit(&mut self, e: Event<'a>, in_footnote: &mut Option<(usize, Vec<Event<'a>>)>) {
        match in_footnote {
            Some((_, v)) => v.push(e),
            None => self.out.push(e),
        }
    }

    fn citation(&mut self, src_text: &str, offset: usize, in_footnote: &mut Option<(usize, Vec<Event<'a>>)>) {
        let inner = src_text.trim_start_matches('[').trim_end_matches(']');
        let inner_start = offset + src_text.find(inner).unwrap_or(0);
        let mut links = Vec::new();
        let mut cursor = 0;
        for part in inner.split(';') {
            // Point at the id itself, after the `@`.
            let part_offset = inner_start + cursor + (part.len() - part.trim_start().len()) + 1;
            cursor += part.len() + 1;
            let id = part.trim().trim_start_matches('@').trim();
            let Some(Citations { sources, page }) = self.citations else {
                self.error(
                    part_offset,
                    format!("citation [@{id}] outside a briefing: only briefings have sources"),
                );
                continue;
            };
            let index = self.source_index.get_or_insert_with(|| {
                let mut index = HashMap::default();
                for (i, s) in sources.iter().enumerate() {
                    index.entry(s.id.as_str()).or_insert(i);
                }
                index
            });
            match index.get(id).copied() {
                Some(i) => {
                    if self.seen_cited.insert(i) {
                        self.cited.push(i);
                    }
                    let n = i + 1;
                    let title = sources[i].publisher.as_deref().or(sources[i].title.as_deref()).unwrap_or(id);
                    let base = page.map(|p| format!("{}{p}", self.root())).unwrap_or_default();
                    links.push(format!("<a href=\"{base}#source-{n}\" title=\"{}\">{n}</a>", esc(title)));
                }
                None => {
                    let ids = sources.iter().map(|s| s.id.as_str());
                    let msg = unknown_source(id, ids).replacen(
                        &format!("\"{id}\""),
                        &format!("\"{id}\" in citation"),
                        1,
                    );
                    self.error(part_offset, msg);
                }
            }
        }
        let h = format!("<sup class=\"citation\">[{}]</sup>", links.join(", "));
        self.emit(Event::InlineHtml(h.into()), in_footnote);
    }

    fn out_mark_link(&mut self, close: LinkClose) {
        self.link_close.push(close);
    }
}

#[derive(Debug, Clone, Copy)]
enum LinkClose {
    Native,
    Html,
    Span,
}

fn root_absolute(url: &str) -> Option<&str> {
    url.strip_prefix('/').filter(|rest| !rest.starts_with('/'))
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = escape::escape_html(&mut out, s);
    out
}

fn href(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = escape::escape_href(&mut out, s);
    out
}

/// A class name without anything that could leave the attribute.
fn is_plain_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// URLs that run code when followed (`javascript:`, `vbscript:`, `data:`), however written:
/// browsers ignore case, leading spaces and control characters, and tabs or newlines inside.
fn is_script_url(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take_while(|c| *c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    url.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
}

/// Ids the renderer and the theme number themselves: `source-2`, `fn-1`, `fnref-1`.
fn is_generated_id(id: &str) -> bool {
    let numbered = |p: &str| {
        id.strip_prefix(p).is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    };
    numbered("source-") || numbered("fn-") || numbered("fnref-") || id.starts_with("publisher-")
}

/// Gives every heading a unique id from its text (or its `{#id}`), avoiding the template's
/// own ids.
fn assign_heading_ids(events: &mut [Event<'_>], lang: &str) {
    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    // Per base, the next suffix to try: thousands of equal headings stay linear.
    let mut next_suffix: HashMap<String, usize> = HashMap::default();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: written, .. }) = &events[i] {
            let written = written.as_ref().map(|w| slugify(w, lang)).filter(|w| !w.is_empty());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = match written.unwrap_or_else(|| slugify(&text, lang)) {
                s if s.is_empty() => "section".to_string(),
                s => s,
            };
            let mut id = base.clone();
            if used.contains(&id) || is_generated_id(&id) {
                // The numbered forms of `source`, `fn` and `fnref`, and everything after
                // `publisher-`, are ids the renderer and theme give themselves: numbering
                // such a base never left them, and the loop never ended. They are numbered
                // as `section-…` instead.
                let stem =
                    if is_generated_id(&format!("{base}-1")) { format!("section-{base}") } else { base };
                let n = next_suffix.entry(stem.clone()).or_insert(1);
                loop {
                    id = format!("{stem}-{n}");
                    *n += 1;
                    if !used.contains(&id) && !is_generated_id(&id) {
                        break;
                    }
                }
            }
            used.insert(id.clone());
            if let Event::Start(Tag::Heading { id: hid, .. }) = &mut events[i] {
                *hid = Some(CowStr::from(id));
            }
            i = j;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::build_registry;
    use crate::frontmatter::{At, Body, EntityFile};

    fn registry() -> Registry {
        let f = EntityFile {
            rel: "content/people/kim-jong-un.md".into(),
            kind: EntityKind::Person,
            stem: "kim-jong-un".into(),
            name: Some(At::new("Kim Jong Un".into(), Pos::new(2, 7))),
            aliases: vec![At::new("Kim Jong-un".into(), Pos::new(3, 10))],
            countries: vec![],
            role: None,
            since: None,
            wikidata: None,
            body: Body { text: String::new(), line: 4 },
        };
        build_registry(&[std::sync::Arc::new(f)], "en", &mut Diagnostics::new())
    }

    fn source(id: &str) -> Source {
        Source {
            id: id.into(),
            id_pos: crate::diag::Pos::START,
            reference: None,
            origin: None,
            reliability_pos: None,
            reliability_default: false,
            publisher: Some(id.to_uppercase()),
            title: None,
            url: None,
            author: None,
            published: None,
            accessed: None,
            lang: None,
            archive: None,
            reliability: None,
            credibility: None,
        }
    }

    fn run(md: &str, allow_html: bool) -> (Rendered, Vec<crate::diag::Diagnostic>) {
        let reg = registry();
        let briefings: HashMap<String, usize> = [("parade".to_string(), 0)].into_iter().collect();
        let titles = [("parade".to_string(), "The parade".to_string())];
        let withheld: HashSet<String> = ["secret".to_string()].into_iter().collect();
        let env = LinkEnv {
            registry: &reg,
            briefings: &briefings,
            briefing_titles: &titles,
            withheld: &withheld,
            lang: "en",
            allow_html,
        };
        let sources = [source("xinhua"), source("kcna")];
        let mut d = Diagnostics::new();
        let cites = Citations { sources: &sources, page: None };
        let r = render(md, Place::Body { line: 10 }, false, Some(cites), &env, "b.md", &mut d);
        (r, d.sorted())
    }

    /// Renders a text where citations are not allowed (each is an error).
    fn run_without_sources(md: &str) -> (Rendered, Vec<crate::diag::Diagnostic>) {
        let reg = registry();
        let (briefings, withheld) = (HashMap::default(), HashSet::default());
        let env = LinkEnv {
            registry: &reg,
            briefings: &briefings,
            briefing_titles: &[],
            withheld: &withheld,
            lang: "en",
            allow_html: false,
        };
        let mut d = Diagnostics::new();
        let r = render(md, Place::Body { line: 10 }, false, None, &env, "b.md", &mut d);
        (r, d.sorted())
    }

    #[test]
    fn wikilinks_resolve_with_titles_and_labels() {
        let (r, d) =
            run("[[kim jong-un]] and [[parade|this]] and [[countries/kp]] and [[briefings/parade]]", false);
        assert!(d.is_empty(), "{d:?}");
        let html = r.html.at("../../");
        assert!(
            html.contains(
                "<a href=\"../../people/kim-jong-un/\" class=\"wikilink person-link\">Kim Jong Un</a>"
            ),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"../../briefings/parade/\" class=\"wikilink briefing-link\">this</a>"),
            "{html}"
        );
        assert!(html.contains("countries/kp/\" class=\"wikilink country-link\">North Korea</a>"), "{html}");
        assert!(html.contains(">The parade</a>"), "{html}");
        assert_eq!(r.targets.len(), 3);
    }

    #[test]
    fn link_errors_point_at_the_reference() {
        let (_, d) = run("Text\nsee [[Nobody]] and [[secret]] and [[people/parade]]", false);
        let at: Vec<(u32, u32)> = d.iter().map(|d| (d.line, d.col)).collect();
        assert_eq!(at, [(11, 7), (11, 22), (11, 37)], "{d:#?}");
        assert!(d[1].message.contains("withholds"));
    }

    #[test]
    fn citations_number_by_source_position() {
        let (r, d) = run("Claim [@kcna; @xinhua]. Again [@kcna].", false);
        assert!(d.is_empty(), "{d:?}");
        let html = r.html.at("");
        assert!(html.contains("<sup class=\"citation\">[<a href=\"#source-2\" title=\"KCNA\">2</a>, <a href=\"#source-1\" title=\"XINHUA\">1</a>]</sup>"), "{html}");
        assert_eq!(r.cited, [1, 0]);
        let (_, d) = run("x [@xinhau]", false);
        assert_eq!((d[0].line, d[0].col), (10, 5));
        assert_eq!(d[0].message, "unknown source \"xinhau\" in citation (sources: xinhua, kcna)");
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let (r, _) = run("a <script>alert(1)</script> b\n\n<div>x</div>\n", false);
        let html = r.html.at("");
        assert!(!html.contains("<script>") && !html.contains("<div>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        let (r, _) = run("<div>x</div>\n", true);
        assert!(r.html.at("").contains("<div>x</div>"));
    }

    #[test]
    fn headings_get_unique_ids_avoiding_reserved_ones() {
        let (r, _) = run("## Sources\n\n## Über uns\n\n## Über uns\n\n## Source 1\n", false);
        let html = r.html.at("");
        assert!(html.contains("<h2 id=\"sources-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"source-1-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"uber-uns\">") && html.contains("<h2 id=\"uber-uns-1\">"), "{html}");
        let (r, _) = run("## [[kim jong-un]] in Peking\n\n## Lage {#lage-2025}\n", false);
        let html = r.html.at("");
        assert!(html.contains("<h2 id=\"kim-jong-un-in-peking\">"), "{html}");
        assert!(html.contains("<h2 id=\"lage-2025\">Lage</h2>"), "{html}");
        let (r, _) = run("# X {onmouseover=alert(1) .note #id with space}\n", false);
        let html = r.html.at("");
        assert!(html.starts_with("<h1 id=\"id\" class=\"note\">X</h1>"), "{html}");
    }

    #[test]
    fn headings_named_like_generated_ids_get_ids_of_their_own() {
        // Found by fuzzing: a second `## Source`, or any `## Publisher …`, numbered its id
        // forever (`source-1`, `source-2`, … are the sources list's own ids).
        let (r, _) = run(
            "## Source\n\n## Source\n\n## Publisher X\n\n## Fn\n\n## fn\n\n## Publisher\n\n## Publisher\n",
            false,
        );
        let html = r.html.at("");
        let ids: Vec<&str> = html.split("id=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        assert_eq!(
            ids,
            [
                "source",
                "section-source-1",
                "section-publisher-x-1",
                "fn",
                "section-fn-1",
                "publisher",
                "section-publisher-1"
            ]
        );
    }

    #[test]
    fn footnotes_are_numbered_and_collected_at_the_end() {
        let (r, _) = run("A[^b] and B[^a].\n\n[^a]: Second.\n[^b]: First.\n\nAfter.", false);
        let html = r.html.at("");
        assert!(html.contains("<a href=\"#fn-1\" id=\"fnref-1\""), "{html}");
        let notes = &html[html.find("<section class=\"footnotes\"").unwrap()..];
        assert!(notes.find("First.").unwrap() < notes.find("Second.").unwrap(), "{notes}");
        assert!(html.find("After.").unwrap() < html.find("<section").unwrap());
    }

    #[test]
    fn inline_positions_follow_the_source_as_written() {
        // `summary: >` folded over two lines, the link on the second (file line 6).
        let place = Place::Inline { pos: Pos::new(5, 3), indent: 2, raw: "line1\n  see [[x]] and [[x]]" };
        let text = "line1 see [[x]] and [[x]]";
        assert_eq!(place.pos(&mut PosCursor::new(text), text, text.find("x]]").unwrap()), Pos::new(6, 9));
        assert_eq!(place.pos(&mut PosCursor::new(text), text, text.rfind("x]]").unwrap()), Pos::new(6, 19));
        // Escapes before the link in a double-quoted value.
        let place = Place::Inline { pos: Pos::new(4, 11), indent: 0, raw: "\\\"q\\\" [[y]]\"" };
        let text = "\"q\" [[y]]";
        assert_eq!(place.pos(&mut PosCursor::new(text), text, text.find("y]]").unwrap()), Pos::new(4, 19));
    }

    #[test]
    fn script_links_are_removed_without_allow_html() {
        let (r, d) = run("[x](javascript:alert(1)) [y]( JavaScript:x) [z](https://e.org/a:b)", false);
        let html = r.html.at("");
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("href=\"https://e.org/a:b\""), "{html}");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(is_script_url("java\tscript:x") && is_script_url("DATA:text/html,x"));
        assert!(!is_script_url("data-sheet.pdf") && !is_script_url("#javascript"));
    }

    #[test]
    fn many_diagnostics_in_one_text_cost_linear_time() {
        // Found by fuzzing: each diagnostic counted lines and columns from the start of the
        // text again, quadratic in its length (20 000 broken links in 220 KB took seconds, and
        // each doubling four times as long). This takes about 3 s unoptimised, a minute if
        // quadratic.
        let md = "[@a] ".repeat(200_000);
        let (_, d) = run_without_sources(&md);
        assert_eq!(d.len(), 200_000);
        assert_eq!((d[199_999].line, d[199_999].col), (10, 999_998));
    }

    #[test]
    fn the_root_marker_is_found_in_one_pass() {
        let all: String = ('\u{E000}'..='\u{F8FF}').collect();
        assert_eq!(root_marker("", 0), '\u{E000}');
        assert_eq!(root_marker("\u{E000}\u{E002}", 1), '\u{E003}');
        assert_eq!(root_marker(&all[..all.len() - 3], 0), '\u{F8FF}');
        // Every private-use character after 4 MB of text: searching the text once per
        // candidate cost 6 400 searches of 4 MB (minutes); one pass costs milliseconds. (No
        // timing here: a quadratic version would make this test run for minutes.)
        let text = "a".repeat(1 << 22) + &all;
        assert_eq!(root_marker(&text, 0), '\u{F0000}');
    }

    #[test]
    fn root_absolute_links_become_relative() {
        let (r, _) = run("[About](/about/) ![Map](/img/map.png)", false);
        let html = r.html.at("../");
        assert!(html.contains("<a href=\"../about/\">About</a>"), "{html}");
        assert!(html.contains("<img src=\"../img/map.png\" alt=\"Map\" />"), "{html}");
    }

    #[test]
    fn file_style_links_name_the_index_file() {
        let (r, _) = run(
            "[About](/about/#team) [Home](/) [q](/it's/?x=1) [[kim jong-un]] ![Map](/img/map.png)",
            false,
        );
        let html = r.html.at_in("../", crate::url::LinkStyle::File);
        assert!(html.contains("<a href=\"../about/index.html#team\">About</a>"), "{html}");
        assert!(html.contains("<a href=\"../index.html\">Home</a>"), "{html}");
        assert!(html.contains("<a href=\"../it&#x27;s/index.html?x=1\">q</a>"), "{html}");
        assert!(html.contains("<a href=\"../people/kim-jong-un/index.html\""), "{html}");
        assert!(html.contains("<img src=\"../img/map.png\""), "{html}");
        assert_eq!(r.html.at_in("../", crate::url::LinkStyle::Directory), r.html.at("../"));
    }

    #[test]
    fn text_comes_out_as_written_whatever_characters_it_holds() {
        let (r, d) = run("a \u{E000} b \u{E001}cite [x](\u{E001}cite) [[kim jong-un]] \u{E002}", false);
        assert!(d.is_empty(), "{d:?}");
        let html = r.html.at("../../");
        assert!(html.contains("a \u{E000} b \u{E001}cite"), "{html}");
        assert!(html.contains("<a href=\"%EE%80%81cite\">x</a>"), "{html}");
        assert!(!html.contains("citation"), "only [@id] cites: {html}");
        assert!(html.contains("<a href=\"../../people/kim-jong-un/\""), "{html}");
        assert!(html.ends_with("\u{E002}</p>\n"), "{html}");
    }

    #[test]
    fn a_site_path_never_reads_as_a_scheme_on_the_home_page() {
        let (r, _) = run("[me](/javascript:alert(document.domain)) ![i](/data:x)", false);
        let home = r.html.at("");
        assert!(home.contains("href=\"./javascript:alert(document.domain)\""), "{home}");
        assert!(home.contains("src=\"./data:x\""), "{home}");
        assert!(r.html.at("https://e.org/").contains("href=\"https://e.org/javascript:"));
    }

    #[test]
    fn every_private_use_character_in_the_text_stays_as_written() {
        let all: String = ('\u{E000}'..='\u{F8FF}').collect();
        let (r, d) = run(&format!("{all} [[kim jong-un]]"), false);
        assert!(d.is_empty(), "{d:?}");
        let html = r.html.at("../../");
        assert!(html.contains(&all), "the characters are text");
        assert!(html.contains("<a href=\"../../people/kim-jong-un/\""), "and the link is a link");
    }
}
