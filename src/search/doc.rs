//! One briefing as the search index sees it: the stems of its words with the fields they occur
//! in, the spellings those stems were made from, and a plain-text excerpt for result snippets.
//! Made once per version of a briefing and kept between `serve` runs (`pipeline`), since
//! stemming every word is the costly part of indexing.

use super::fold::{Stem, fold, words};
use crate::frontmatter::Briefing;
use crate::pipeline::BriefingHtml;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

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
const EXCERPT: usize = 900;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// Distinct stem keys with the fields they occur in, sorted.
    pub stems: Vec<(Box<str>, u8)>,
    /// Distinct (folded spelling, stem key) pairs, sorted: how a typed word finds its stem.
    pub forms: Vec<(Box<str>, Box<str>)>,
    /// Summary, key judgments and body as plain text, cut after `EXCERPT` characters.
    pub excerpt: String,
}

impl SearchDoc {
    pub fn of(b: &Briefing, html: &BriefingHtml) -> SearchDoc {
        let stemmer = Stem::for_lang(&b.lang);
        let mut acc = Acc { stemmer: &stemmer, seen: HashMap::default(), stems: BTreeMap::new() };
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
        let mut forms: Vec<(Box<str>, Box<str>)> = acc.seen.into_values().collect();
        forms.sort_unstable();
        forms.dedup();
        let mut excerpt = String::new();
        for part in std::iter::once(&summary).chain(&judgments).chain([&body]) {
            if !part.is_empty() {
                if !excerpt.is_empty() {
                    excerpt.push(' ');
                }
                excerpt.push_str(part);
            }
        }
        SearchDoc { stems: acc.stems.into_iter().collect(), forms, excerpt: cut(&excerpt, EXCERPT) }
    }
}

/// Words gathered per field; each spelling is stemmed once per briefing.
struct Acc<'a> {
    stemmer: &'a Stem,
    seen: HashMap<String, (Box<str>, Box<str>)>,
    stems: BTreeMap<Box<str>, u8>,
}

impl Acc<'_> {
    fn add(&mut self, text: &str, field: u8) {
        for w in words(text) {
            let stem = match self.seen.get(w) {
                Some((_, stem)) => stem.clone(),
                None => {
                    let stem: Box<str> = self.stemmer.key(w).into();
                    self.seen.insert(w.to_string(), (fold(w).into(), stem.clone()));
                    stem
                }
            };
            *self.stems.entry(stem).or_default() |= field;
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
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            let name: String = rest[1..end]
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if !INLINE.contains(&name.as_str()) {
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
    out.replace('↩', " ").split_whitespace().collect::<Vec<_>>().join(" ")
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
