//! Fuzz harnesses: one function per input-facing stage that runs it on arbitrary bytes and
//! checks what must hold for every input, not only that nothing panics. libFuzzer
//! (tests/fuzz/fuzz_targets) and the stable smoke test (tests/fuzz_smoke.rs) both call these,
//! so a finding reproduces the same way under either. A broken invariant panics, which is what
//! both drivers report.

use crate::config::{Config, ConfigError, Overrides};
use crate::date::{Edtf, Precision, Qualifier, display_full, parse_full};
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::entities::{Registry, build_registry};
use crate::frontmatter::{self, At, Body, Defaults, Document, EntityFile, EntityKind, Source};
use crate::load::{FileKind, SourceFile};
use crate::markdown::{self, Citations, LinkEnv, Place};
use crate::tlp::Tlp;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::Path;
use std::sync::Arc;

/// One harness: runs its stage on an input and panics when an invariant breaks.
pub type Target = fn(&Harness, &[u8]);

/// The targets by name, as libFuzzer and the smoke test know them.
pub const TARGETS: &[(&str, Target)] = &[
    ("front_matter", Harness::front_matter),
    ("markdown", Harness::markdown),
    ("date", Harness::date),
    ("config", Harness::config),
    ("site_path", Harness::site_path),
];

/// What the targets share between inputs: the link world Markdown resolves against, whose
/// built-in countries cost more to set up than most inputs cost to render.
pub struct Harness {
    world: LinkWorld,
}

impl Default for Harness {
    fn default() -> Self {
        Harness { world: LinkWorld::new() }
    }
}

impl Harness {
    pub fn front_matter(&self, data: &[u8]) {
        front_matter(data)
    }

    pub fn markdown(&self, data: &[u8]) {
        markdown(&self.world, data)
    }

    pub fn date(&self, data: &[u8]) {
        date(data)
    }

    pub fn config(&self, data: &[u8]) {
        config(data)
    }

    pub fn site_path(&self, data: &[u8]) {
        site_path(data)
    }
}

// ---- (a) front matter ------------------------------------------------------------------------

/// The first byte picks the file kind and the file name (the stem feeds the default slug);
/// the rest is the file as read from disk.
fn front_matter(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else { return };
    let kind =
        [FileKind::Briefing, FileKind::Person, FileKind::Organisation, FileKind::Country, FileKind::Page]
            [usize::from(sel % 5)];
    let stem = ["x", "Über uns", "---", ".md", "a b/c"][usize::from(sel / 5 % 5)];
    let raw = String::from_utf8_lossy(rest);
    let defaults = Defaults { language: ["de", "en", "fr"][usize::from(sel / 25 % 3)], tlp: Tlp::Clear };

    let file = SourceFile::new(format!("content/briefings/{stem}.md"), kind, &raw);
    assert!(!file.text.contains("\r\n"), "CRLF left after normalising");
    if let Some(s) = file.split() {
        assert_eq!(s.yaml_line, 2);
        assert!(s.body_offset <= file.text.len());
        assert_eq!(&file.text[s.body_offset..], s.body, "body is the text after its offset");
        assert!(file.text.starts_with("---"), "front matter starts with a fence");
    }

    let run = || {
        let mut d = Diagnostics::new();
        let doc = frontmatter::parse(&file, &defaults, &mut d);
        (doc, d.sorted())
    };
    let (doc, diags) = run();
    let (doc2, diags2) = run();
    assert_eq!(diags, diags2, "same input, same diagnostics");
    assert_eq!(format!("{doc:?}"), format!("{doc2:?}"), "same input, same document");
    check_positions(&diags, &file.text, 1);
    if let Some(doc) = &doc {
        let lines = Lines::new(&file.text, 1);
        for pos in document_positions(doc) {
            lines.check(pos, "a value");
        }
    }
    if doc.is_none() {
        assert!(diags.iter().any(|d| d.severity == crate::diag::Severity::Error), "nothing parsed, no error");
    }
}

/// The positions a parsed document keeps for later diagnostics.
fn document_positions(doc: &Document) -> Vec<Pos> {
    let at = |a: &At<String>| a.pos;
    match doc {
        Document::Briefing(b) => {
            let mut v = vec![b.slug.pos];
            v.extend(b.summary.as_ref().map(at));
            v.extend(b.actors.iter().map(|a| a.reference.pos));
            v.extend(b.countries.iter().map(at));
            v.extend(b.related.iter().map(at));
            v.extend(b.events.iter().flat_map(|e| e.actors.iter().chain(&e.countries).map(at)));
            v.extend(b.key_judgments.iter().map(|k| k.pos));
            v.push(Pos::new(b.body.line, 1));
            v
        }
        Document::Entity(e) => {
            let mut v: Vec<Pos> = e.name.iter().chain(&e.aliases).chain(&e.countries).map(at).collect();
            v.push(Pos::new(e.body.line, 1));
            v
        }
        Document::Page(p) => vec![p.slug.pos, Pos::new(p.body.line, 1)],
        Document::Publisher(p) => {
            let mut v: Vec<Pos> =
                std::iter::once(&p.name).chain(&p.aliases).chain(&p.country).map(at).collect();
            v.extend(p.organisation.iter().map(at));
            v.extend(p.reliability.iter().map(|r| r.pos));
            v.push(Pos::new(p.body.line, 1));
            v
        }
        Document::SharedSource(s) => vec![s.source.id_pos, Pos::new(s.body.line, 1)],
    }
}

// ---- (b) Markdown ----------------------------------------------------------------------------

/// The first byte sets the options (raw HTML allowed, inline, citations, where the text sits,
/// language); the rest is the Markdown.
fn markdown(world: &LinkWorld, data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let allow_html = flags & 1 != 0;
    let inline = flags & 2 != 0;
    let lang = ["en", "de", "fr", "ko"][usize::from(flags >> 6)];
    let env = world.env(lang, allow_html);
    let sources = [source("xinhua", Some("Xinhua <News>")), source("kcna", None), source("a\"b", None)];
    let citations = match flags >> 2 & 3 {
        0 => None,
        1 => Some(Citations { sources: &sources, page: None }),
        2 => Some(Citations { sources: &sources, page: Some("briefings/parade/") }),
        _ => Some(Citations { sources: &[], page: None }),
    };
    // A summary written as a block scalar: its source lines are indented under the key.
    let raw_yaml = text.replace('\n', "\n  ");
    let (place, first_line) = if flags & 16 != 0 {
        (Place::Inline { pos: Pos::new(3, 10), indent: 2, raw: &raw_yaml }, 3)
    } else {
        (Place::Body { line: 7 }, 7)
    };

    let run = || {
        let mut d = Diagnostics::new();
        let r = markdown::render(&text, place, inline, citations, &env, "b.md", &mut d);
        (r, d.sorted())
    };
    let (r, diags) = run();
    let (r2, diags2) = run();
    assert_eq!(r.html, r2.html, "same input, same HTML");
    assert_eq!((&r.targets, &r.cited), (&r2.targets, &r2.cited), "same input, same links");
    assert_eq!(diags, diags2, "same input, same diagnostics");

    if flags & 16 == 0 {
        check_positions(&diags, &text, first_line);
    } else {
        let lines = u32::try_from(raw_yaml.lines().count()).unwrap_or(u32::MAX);
        for d in &diags {
            assert!(d.line >= first_line && d.col >= 1, "{d:?} before the summary");
            assert!(d.line <= first_line.saturating_add(lines), "{d:?} after the summary");
        }
    }
    // A text rendered just now is still right in the same world.
    assert_eq!(markdown::revalidate(&r, &env).as_ref(), Some(&r.targets), "revalidation disagrees");
    for c in &r.cited {
        assert!(citations.is_some_and(|c2| *c < c2.sources.len()), "cited source {c} does not exist");
    }
    if !allow_html {
        for root in ["", "../../", "https://e.org/d/"] {
            check_safe_html(&r.html.at(root));
        }
    }
}

/// What wikilinks resolve against: one person, one briefing, one withheld briefing and the
/// built-in countries, as in the Markdown unit tests.
struct LinkWorld {
    registry: Registry,
    briefings: HashMap<String, usize>,
    titles: Vec<(String, String)>,
    withheld: HashSet<String>,
}

impl LinkWorld {
    fn new() -> LinkWorld {
        let person = EntityFile {
            rel: "content/people/kim-jong-un.md".into(),
            kind: EntityKind::Person,
            stem: "kim-jong-un".into(),
            name: Some(At::new("Kim <Jong> Un".into(), Pos::new(2, 7))),
            aliases: vec![At::new("Kim Jong-un".into(), Pos::new(3, 10))],
            countries: vec![],
            role: None,
            since: None,
            wikidata: None,
            body: Body { text: String::new(), line: 4 },
        };
        let registry = build_registry(&[Arc::new(person)], "en", &mut Diagnostics::new());
        LinkWorld {
            registry,
            briefings: [("parade".to_string(), 0)].into_iter().collect(),
            titles: vec![("parade".to_string(), "The \"parade\" & <b>".to_string())],
            withheld: ["secret".to_string()].into_iter().collect(),
        }
    }

    fn env<'a>(&'a self, lang: &'a str, allow_html: bool) -> LinkEnv<'a> {
        LinkEnv {
            registry: &self.registry,
            briefings: &self.briefings,
            briefing_titles: &self.titles,
            withheld: &self.withheld,
            lang,
            allow_html,
        }
    }
}

fn source(id: &str, publisher: Option<&str>) -> Source {
    Source {
        id: id.into(),
        id_pos: Pos::START,
        reference: None,
        origin: None,
        reliability_pos: None,
        reliability_default: false,
        publisher: publisher.map(str::to_string),
        title: Some(format!("<{id}>")),
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

/// The tags and attributes the renderer writes itself. Anything else in angle brackets came
/// from the input: raw HTML that `allow_html = false` promises to escape.
const TAGS: &[&str] = &[
    "a",
    "p",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
    "img",
    "sup",
    "span",
    "section",
    "input",
];
const ATTRS: &[&str] = &[
    "href",
    "src",
    "alt",
    "title",
    "class",
    "id",
    "role",
    "aria-label",
    "type",
    "checked",
    "disabled",
    "start",
    "style",
];

/// Every `<` opens a tag of `TAGS` with attributes of `ATTRS`; no link or image runs script.
fn check_safe_html(html: &str) {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find(['<', '>']) {
        i += off;
        assert!(b[i] == b'<', "a `>` outside a tag at {i}: {html}");
        let end = tag_end(html, i).unwrap_or_else(|| panic!("unclosed tag at {i}: {html}"));
        let tag = &html[i + 1..end];
        let (name, attrs) = tag.split_once(|c: char| c.is_ascii_whitespace()).unwrap_or((tag, ""));
        let name = name.trim_start_matches('/').trim_end_matches('/');
        assert!(TAGS.contains(&name), "tag <{name}> from the input: {html}");
        for (attr, value) in attributes(attrs) {
            assert!(ATTRS.contains(&attr), "attribute {attr} from the input on <{name}>: {html}");
            if matches!(attr, "href" | "src") {
                let v = decode_entities(value);
                let scheme: String = v
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                    .take_while(|c| *c != ':' && *c != '/' && *c != '?' && *c != '#')
                    .collect::<String>()
                    .to_ascii_lowercase();
                let runs_script =
                    v.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data");
                assert!(!runs_script, "{attr}=\"{value}\" runs script: {html}");
            }
        }
        i = end + 1;
    }
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
}

/// The index of the `>` closing the tag opened at `start`, skipping quoted attribute values.
fn tag_end(html: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in html[start + 1..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(start + 1 + i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// `name="value"` pairs of a tag (a bare name has an empty value).
fn attributes(mut s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    loop {
        s = s.trim_start().trim_start_matches('/').trim_start();
        if s.is_empty() {
            return out;
        }
        let name_end = s.find(|c: char| c == '=' || c.is_ascii_whitespace() || c == '/').unwrap_or(s.len());
        let name = &s[..name_end];
        s = &s[name_end..];
        if let Some(rest) = s.strip_prefix('=') {
            let q = rest.chars().next().unwrap_or('"');
            assert!(q == '"', "unquoted attribute value in {s}");
            let close = rest[1..].find('"').map_or(rest.len(), |i| i + 1);
            out.push((name, &rest[1..close]));
            s = rest.get(close + 1..).unwrap_or("");
        } else {
            out.push((name, ""));
        }
    }
}

/// HTML character references as a browser reads them in an attribute.
fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|e| *e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(n)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---- (c) EDTF dates --------------------------------------------------------------------------

/// Each line is a date: parsing is stable under surrounding spaces, the canonical EDTF form
/// parses back to the same date, display works in every language, and the order is a total
/// order consistent with equality.
fn date(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parsed = Vec::new();
    for line in text.split('\n').take(8) {
        let r = line.parse::<Edtf>();
        assert_eq!(
            r.as_ref().ok(),
            format!(" {line}\t").parse::<Edtf>().as_ref().ok(),
            "spaces change {line:?}"
        );
        let full = parse_full(line);
        if let Ok(d) = full {
            assert_eq!(parse_full(&d.to_string()), Ok(d), "{line:?}");
            for lang in ["de", "en", "fr", "es", "ko", ""] {
                assert!(!display_full(d, lang).is_empty());
            }
            let e = r.as_ref().unwrap_or_else(|e| panic!("{line:?} is a full date but no EDTF: {e}"));
            assert!(
                matches!(e, Edtf::Single(s) if s.precision() == Precision::Day && s.qualifier() == Qualifier::None)
            );
        }
        let Ok(e) = r else { continue };
        let canonical = e.edtf();
        assert_eq!(canonical.parse::<Edtf>(), Ok(e), "{line:?} -> {canonical:?} does not parse back");
        assert_eq!(e.to_string(), canonical);
        if let Some(end) = e.end() {
            assert!(e.start().year() <= end.year(), "{line:?}: start after end");
        }
        let machine = e.machine();
        let m =
            machine.parse::<Edtf>().unwrap_or_else(|err| panic!("{line:?}: machine form {machine:?}: {err}"));
        assert_eq!(m.start().qualifier(), Qualifier::None);
        for lang in ["de", "en", "fr", "es", "ko", "", "d", "dé"] {
            let shown = e.display(lang);
            assert!(!shown.is_empty() && !shown.contains(['<', '&', '\n']), "{line:?} in {lang}: {shown:?}");
            // The year as readers count it: before year 1, `-1961` is 1962 BCE; decades and
            // centuries are shown as such ("1960s", "20th century") and are left out here.
            let y = i32::from(e.start().year());
            let counted = if y <= 0 { 1 - y } else { y };
            if e.start().precision() >= Precision::Year {
                assert!(shown.contains(&counted.to_string()), "{line:?} in {lang}: {shown:?}");
            }
        }
        parsed.push(e);
    }
    for a in &parsed {
        for b in &parsed {
            assert_eq!(a.cmp(b), b.cmp(a).reverse(), "{a} vs {b}");
            assert_eq!(a.cmp(b) == std::cmp::Ordering::Equal, a == b, "{a} vs {b}");
            for c in &parsed {
                if a <= b && b <= c {
                    assert!(a <= c, "{a} <= {b} <= {c} but not {a} <= {c}");
                }
            }
        }
    }
}

// ---- (d) site.toml ---------------------------------------------------------------------------

fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let root = Path::new("/nonexistent-dossier-site");
    let run = || Config::parse(root, &text, &Overrides::default());
    let summary = |r: &Result<Config, ConfigError>| match r {
        Ok(c) => format!("{c:?}"),
        Err(ConfigError::Invalid(d)) => format!("{:?}", d.clone().sorted()),
        Err(e) => e.to_string(),
    };
    let r = run();
    assert_eq!(summary(&r), summary(&run()), "same input, same result");
    match r {
        Ok(c) => {
            assert!(!c.title.trim().is_empty());
            assert!(c.base_url.as_deref().is_none_or(|u| u.ends_with('/')));
            assert!(!c.language.is_empty());
            if let Some(p) = c.base_path() {
                assert!(p.starts_with('/') && p.ends_with('/'), "{p:?}");
            }
            assert!(c.absolute("atom.xml").ends_with("/atom.xml"));
        }
        Err(ConfigError::Invalid(d)) => {
            let d = d.sorted();
            assert!(!d.is_empty(), "invalid without a diagnostic");
            check_positions(&d, &text, 1);
        }
        Err(e) => panic!("parse read a file: {e}"),
    }
}

// ---- (e) serve's request paths ---------------------------------------------------------------

fn site_path(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    let Some(p) = crate::serve::site_path(&raw) else { return };
    assert!(!p.starts_with('/'), "{raw:?} -> {p:?} is absolute");
    assert!(!p.contains(['\\', '\0']), "{raw:?} -> {p:?}");
    let body = p.strip_suffix('/').unwrap_or(&p);
    assert!(
        body.is_empty() || body.split('/').all(|s| !s.is_empty() && s != "." && s != ".."),
        "{raw:?} -> {p:?} has an empty, `.` or `..` segment"
    );
    assert!(
        Path::new("/srv").join(&p).components().skip(1).all(|c| matches!(c, std::path::Component::Normal(_))),
        "{raw:?} -> {p:?} leaves the folder"
    );
    // A clean path is its own result (`%` would be decoded a second time, so not with it).
    if !p.contains('%') {
        assert_eq!(crate::serve::site_path(&format!("/{p}")).as_deref(), Some(p.as_str()), "{raw:?}");
    }
    assert_eq!(crate::serve::site_path(&raw).as_deref(), Some(p.as_str()), "same input, same path");
}

// ---- shared checks ---------------------------------------------------------------------------

/// Every diagnostic points into `text`, which starts on file line `first_line`.
fn check_positions(diags: &[Diagnostic], text: &str, first_line: u32) {
    let lines = Lines::new(text, first_line);
    for d in diags {
        lines.check(Pos::new(d.line, d.col), &d.to_string());
    }
}

/// The length in characters of each line of a text, measured once: checking each of many
/// positions against the text itself would make the harness quadratic.
struct Lines {
    chars: Vec<usize>,
    first_line: u32,
}

impl Lines {
    fn new(text: &str, first_line: u32) -> Lines {
        Lines { chars: text.split('\n').map(|l| l.chars().count()).collect(), first_line }
    }

    /// `pos` is a character of the text or just after the end of one of its lines; the line
    /// after the last one counts as empty.
    fn check(&self, pos: Pos, what: &str) {
        assert!(pos.line >= 1 && pos.col >= 1, "{what}: zero position {pos:?}");
        if pos == Pos::START {
            return;
        }
        assert!(pos.line >= self.first_line, "{what}: before the text ({pos:?})");
        let i = (pos.line - self.first_line) as usize;
        let n = self.chars.len();
        assert!(i <= n, "{what}: line {} past the end ({n} lines)", pos.line);
        let chars = self.chars.get(i).copied().unwrap_or(0);
        assert!(
            pos.col as usize <= chars + 1,
            "{what}: column {} past the end of its line ({chars} characters)",
            pos.col
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fails(f: impl FnOnce() + std::panic::UnwindSafe) -> bool {
        std::panic::catch_unwind(f).is_err()
    }

    #[test]
    fn the_html_check_rejects_what_raw_html_would_bring() {
        check_safe_html(
            "<p>a &lt;b&gt; <a href=\"../x/\" class=\"wikilink\">x</a></p>\n<img src=\"a.png\" alt=\"\" />",
        );
        for bad in [
            "<p><script>alert(1)</script></p>",
            "<div>x</div>",
            "<img src=\"x\" onerror=\"alert(1)\" />",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\" &#106;avascript&colon;x\">x</a>",
            "<a href=\"DATA:text/html,x\">x</a>",
            "<p>a < b</p>",
            "<p>a > b</p>",
            "<a href=x>y</a>",
        ] {
            assert!(fails(|| check_safe_html(bad)), "{bad}");
        }
    }

    #[test]
    fn the_position_check_rejects_positions_outside_the_text() {
        let lines = Lines::new("ab\nc", 7);
        for ok in [Pos::START, Pos::new(7, 3), Pos::new(8, 2), Pos::new(9, 1)] {
            lines.check(ok, "ok");
        }
        for bad in
            [Pos::new(0, 1), Pos::new(7, 0), Pos::new(6, 1), Pos::new(7, 4), Pos::new(9, 2), Pos::new(10, 1)]
        {
            assert!(fails(|| Lines::new("ab\nc", 7).check(bad, "bad")), "{bad:?}");
        }
    }

    #[test]
    fn every_target_takes_empty_and_arbitrary_bytes() {
        let h = Harness::default();
        for (_, f) in TARGETS {
            for input in [&b""[..], b"\0", b"\xff\xfe---\n\r\n[[", b"\x04[[\xcc\x81]] [@kcna] <b>x</b>"] {
                f(&h, input);
            }
        }
    }
}
