//! One briefing as the search index sees it: the stems of its words with the fields they occur
//! in, the spellings those stems were made from, and a plain-text excerpt for result snippets.
//! Made once per version of a briefing and kept between `serve` runs (`pipeline`), since
//! stemming every word is the costly part of indexing.

use super::fold::{Stem, fold, words};
use crate::frontmatter::Briefing;
use crate::pipeline::BriefingHtml;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// Where a word occurs; a bit each, so one number holds every field of a stem.
pub mod field {
    pub const TITLE: u8 = 1;
    /// Summary and key judgments.
    pub const LEAD: u8 = 2;
    pub const TAGS: u8 = 4;
    /// Titles, publishers and authors of the sources.
    pub const SOURCES: u8 = 8;
    /// The body and the titles of events.
    pub const BODY: u8 = 16;
    pub const ALL: [u8; 5] = [TITLE, LEAD, TAGS, SOURCES, BODY];
}

/// Characters of plain text kept per briefing for snippets: enough for the summary and the
/// start of the body, small enough that a page of results stays a few kilobytes.
const EXCERPT: usize = 480;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// Distinct stem keys with the fields they occur in, sorted.
    pub stems: Vec<(Arc<str>, u8)>,
    /// Distinct (folded spelling, stem key) pairs, sorted: how a typed word finds its stem.
    pub forms: Vec<(Arc<str>, Arc<str>)>,
    /// Summary, key judgments and body as plain text, cut after `EXCERPT` characters.
    pub excerpt: String,
}

/// Stemmers and the words they have stemmed, per language: a vocabulary repeats from one
/// briefing to the next, so each worker keeps one of these for all the briefings it makes.
#[derive(Default)]
pub struct Stems {
    by_lang: HashMap<String, Vocabulary>,
}

/// The words of one language met so far, numbered, each with its folded spelling and stem.
struct Vocabulary {
    stemmer: Stem,
    numbers: HashMap<Box<str>, u32>,
    words: Vec<(Arc<str>, Arc<str>)>,
}

impl Stems {
    fn lang(&mut self, lang: &str) -> &mut Vocabulary {
        if !self.by_lang.contains_key(lang) {
            let v =
                Vocabulary { stemmer: Stem::for_lang(lang), numbers: HashMap::default(), words: Vec::new() };
            self.by_lang.insert(lang.to_string(), v);
        }
        self.by_lang.get_mut(lang).expect("inserted above")
    }
}

impl SearchDoc {
    pub fn of(b: &Briefing, html: &BriefingHtml, stems: &mut Stems) -> SearchDoc {
        let mut acc = Acc { vocabulary: stems.lang(&b.lang), fields: Vec::new(), seen: Vec::new() };
        acc.add(&b.title, field::TITLE);
        let summary = html.summary.as_ref().map(|s| html_text(&s.html.at(""))).unwrap_or_default();
        acc.add(&summary, field::LEAD);
        let judgments: Vec<String> = html.judgments.iter().map(|j| html_text(&j.html.at(""))).collect();
        for j in &judgments {
            acc.add(j, field::LEAD);
        }
        for t in &b.tags {
            acc.add(t, field::TAGS);
        }
        for s in &b.sources {
            for text in [&s.title, &s.publisher, &s.author].into_iter().flatten() {
                acc.add(text, field::SOURCES);
            }
        }
        let body = html_text(&html.body.html.at(""));
        acc.add(&body, field::BODY);
        for e in &b.events {
            acc.add(&e.title, field::BODY);
        }
        let words = &acc.vocabulary.words;
        let mut forms: Vec<(Arc<str>, Arc<str>)> =
            acc.seen.iter().map(|&i| words[i as usize].clone()).collect();
        forms.sort_unstable();
        forms.dedup();
        let mut by_stem: HashMap<&Arc<str>, u8> = HashMap::default();
        for &i in &acc.seen {
            *by_stem.entry(&words[i as usize].1).or_default() |= acc.fields[i as usize];
        }
        let mut stems: Vec<(Arc<str>, u8)> = by_stem.into_iter().map(|(s, f)| (s.clone(), f)).collect();
        stems.sort_unstable();
        let mut excerpt = String::new();
        for part in std::iter::once(&summary).chain(&judgments).chain([&body]) {
            if !part.is_empty() {
                if !excerpt.is_empty() {
                    excerpt.push(' ');
                }
                excerpt.push_str(part);
            }
        }
        SearchDoc { stems, forms, excerpt: cut(&excerpt, EXCERPT) }
    }
}

/// The words of one briefing: their numbers in the vocabulary in the order first seen, and
/// the fields of each by number (a vector, not a map: this runs for every word of the site).
struct Acc<'a> {
    vocabulary: &'a mut Vocabulary,
    fields: Vec<u8>,
    seen: Vec<u32>,
}

impl Acc<'_> {
    fn add(&mut self, text: &str, field: u8) {
        let v = &mut *self.vocabulary;
        for w in words(text) {
            let n = match v.numbers.get(w) {
                Some(&n) => n,
                None => {
                    let n = v.words.len() as u32;
                    v.words.push((fold(w).into(), v.stemmer.key(w).into()));
                    v.numbers.insert(w.into(), n);
                    n
                }
            };
            let at = n as usize;
            if at >= self.fields.len() {
                self.fields.resize(v.words.len(), 0);
            }
            if self.fields[at] == 0 {
                self.seen.push(n);
            }
            self.fields[at] |= field;
        }
    }
}

/// The text of rendered HTML: tags dropped (block tags leave a space, inline ones nothing,
/// so a word with an emphasised part stays one word), citation and footnote marks (`<sup>`)
/// and footnote back-links (`↩`) dropped with their text, the entities Markdown writes
/// decoded, runs of white space made one space.
pub fn html_text(html: &str) -> String {
    const INLINE: &[&str] =
        &["a", "em", "strong", "b", "i", "code", "span", "del", "s", "mark", "abbr", "sup"];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Bytes, not chars: both markers are ASCII, and this loop sees every byte of every body.
    while let Some(i) = rest.bytes().position(|b| b == b'<' || b == b'&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            // Markdown's HTML names tags in lower case; raw HTML in a body is escaped.
            let inner = rest[1..end].trim_start_matches('/');
            let name =
                &inner[..inner.bytes().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(inner.len())];
            if !INLINE.contains(&name) {
                out.push(' ');
            }
            let opening = !rest.starts_with("</");
            rest = &rest[end..];
            if name == "sup" && opening {
                rest = rest.find("</sup>").map_or("", |e| &rest[e..]);
            }
        } else {
            let end = rest.find(';').filter(|e| *e <= 10);
            let decoded = end.and_then(|e| entity(&rest[1..e]));
            match (decoded, end) {
                (Some(c), Some(e)) => {
                    out.push(c);
                    rest = &rest[e + 1..];
                }
                _ => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    let mut text = String::with_capacity(out.len());
    for w in out.split(|c: char| c.is_whitespace() || c == '↩').filter(|w| !w.is_empty()) {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(w);
    }
    text
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// `text` cut after `max` characters, at a word's end where there is one.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((i, _)) => {
            let at = text[..i].rfind(' ').filter(|s| *s > i / 2).unwrap_or(i);
            format!("{}…", &text[..at])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            html_text("<p>Xi &amp; <em>Kim</em>met<sup>[<a>1</a>]</sup>.</p>\n<ul><li>a&#x27;b ↩</li></ul>"),
            "Xi & Kimmet. a'b"
        );
        assert_eq!(html_text("a &unknown; b & c"), "a &unknown; b & c");
    }

    #[test]
    fn excerpts_end_at_a_word() {
        assert_eq!(cut("alpha beta gamma", 8), "alpha…");
        assert_eq!(cut("short", 8), "short");
    }
}
