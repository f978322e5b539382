//! Sources by publisher, for `/sources/` and `/sources/<publisher>/`: every cited document once
//! (sources with the same URL, ignoring scheme and host case, a trailing slash and `utm_*`
//! parameters; else the same shared source; else the same publisher and title), with every
//! briefing citing it, under its publisher (a registry file's, matched by name or alias).
//! Every publisher file has a page, cited or not.

use super::{BriefingIdx, Index};
use crate::entities::key::MatchKey;
use crate::entities::{EntityId, Registry};
use crate::frontmatter::{Briefing, EntityKind, Source};
use crate::slug::slugify;
use crate::sources::{PublisherNo, SourceRegistry};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Sources that are the same document.
#[derive(Debug, Clone)]
pub struct SourceGroup {
    /// (briefing, index into its sources), newest briefing first.
    pub citations: Vec<(BriefingIdx, usize)>,
}

#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    pub slug: String,
    /// Its registry file, when it has one.
    pub file: Option<PublisherNo>,
    pub groups: Vec<SourceGroup>,
}

/// Publishers that are organisations with a page: a publisher file's `organisation`, else the
/// organisation of the same name or alias.
#[derive(Debug, Clone, Default)]
pub struct PublisherOrgs {
    /// Per publisher (as `publishers` lists them): its organisation.
    pub organisation: Vec<Option<EntityId>>,
    /// Per organisation: its publishers, in `publishers` order.
    pub publishers: HashMap<EntityId, Vec<usize>>,
}

/// Who published a source: a registry file, a name as written (its match key), or nobody.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum PubKey {
    File(PublisherNo),
    Name(String),
    Nobody,
}

fn pub_key(s: &Source, reg: &SourceRegistry) -> PubKey {
    match &s.publisher {
        Some(name) => match reg.publisher_of(name) {
            Some(p) => PubKey::File(p),
            None => PubKey::Name(MatchKey::new(name).as_str().to_string()),
        },
        None => PubKey::Nobody,
    }
}

/// A URL as compared: scheme and host in lower case, no trailing slash, no `utm_*` parameters.
pub fn url_key(url: &str) -> String {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (scheme, after) = rest.split_once("://").unwrap_or(("", rest));
    let (host, path) = match after.find('/') {
        Some(i) => after.split_at(i),
        None => (after, ""),
    };
    let mut out =
        format!("{}://{}{}", scheme.to_ascii_lowercase(), host.to_lowercase(), path.trim_end_matches('/'));
    let kept: Vec<&str> = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|p| !p.is_empty() && !p.get(..4).is_some_and(|k| k.eq_ignore_ascii_case("utm_")))
        .collect();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(f) = fragment.filter(|f| !f.is_empty()) {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// What makes two citations the same document.
fn document_key(s: &Source, b: &Briefing, reg: &SourceRegistry) -> String {
    if let Some(u) = &s.url {
        return format!("url:{}", url_key(u));
    }
    if let Some(o) = &s.origin {
        return format!("shared:{o}");
    }
    match &s.title {
        Some(t) => format!("title:{:?}:{t}", pub_key(s, reg)),
        None => format!("own:{}#{}", b.slug.value, s.id),
    }
}

/// A document in the making: its citations and its publishers' votes.
#[derive(Default)]
struct Doc {
    citations: Vec<(BriefingIdx, usize)>,
    votes: Vec<(PubKey, String)>,
}

pub fn build(briefings: &[Arc<Briefing>], reg: &SourceRegistry, lang: &str) -> Vec<Publisher> {
    let mut docs: Vec<Doc> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::default();
    for (b, briefing) in briefings.iter().enumerate() {
        for (si, s) in briefing.sources.iter().enumerate() {
            let next = docs.len();
            let d = *by_key.entry(document_key(s, briefing, reg)).or_insert(next);
            if d == next {
                docs.push(Doc::default());
            }
            docs[d].citations.push((b, si));
            docs[d].votes.push((pub_key(s, reg), s.publisher.clone().unwrap_or_default()));
        }
    }
    // Per publisher: the spellings of its name and its documents, in order of first citation.
    let mut acc: BTreeMap<PubKey, (HashMap<String, u32>, Vec<usize>)> = BTreeMap::new();
    for i in 0..reg.publishers.len() {
        acc.entry(PubKey::File(PublisherNo(i as u32))).or_default();
    }
    for (d, doc) in docs.iter().enumerate() {
        let (key, _) = elect(&doc.votes);
        let entry = acc.entry(key.clone()).or_default();
        for (_, spelling) in doc.votes.iter().filter(|(k, _)| *k == key) {
            *entry.0.entry(spelling.clone()).or_default() += 1;
        }
        entry.1.push(d);
    }
    let no_publisher = if lang.starts_with("de") { "Ohne Herausgeber" } else { "No publisher" };
    let mut out: Vec<Publisher> = acc
        .into_iter()
        .map(|(key, (spellings, ds))| {
            let (name, file) = match key {
                PubKey::File(p) => (reg.get(p).file.name.value.clone(), Some(p)),
                PubKey::Name(_) => (super::most_frequent(&spellings), None),
                PubKey::Nobody => (no_publisher.to_string(), None),
            };
            let groups = ds.iter().map(|d| SourceGroup { citations: docs[*d].citations.clone() }).collect();
            Publisher { slug: String::new(), name, file, groups }
        })
        .collect();
    out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.file.cmp(&b.file)));
    assign_slugs(&mut out, reg, lang);
    out
}

/// The most frequent publisher among a document's citations (ties: the first cited); a
/// citation without publisher only where none has one.
fn elect(votes: &[(PubKey, String)]) -> (PubKey, usize) {
    let mut counts: Vec<(PubKey, usize)> = Vec::new();
    for (k, _) in votes.iter().filter(|(k, _)| *k != PubKey::Nobody) {
        match counts.iter_mut().find(|(c, _)| c == k) {
            Some(c) => c.1 += 1,
            None => counts.push((k.clone(), 1)),
        }
    }
    let best = counts.iter().enumerate().max_by(|(i, a), (j, b)| a.1.cmp(&b.1).then(j.cmp(i)));
    best.map_or((PubKey::Nobody, 0), |(_, c)| c.clone())
}

/// Each publisher gets a page of its own: a file's id first, then the slug of the name, told
/// apart by a number where names slug alike (or to nothing), in list order.
fn assign_slugs(out: &mut [Publisher], reg: &SourceRegistry, lang: &str) {
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for p in out.iter_mut() {
        if let Some(f) = p.file {
            p.slug = reg.get(f).id.to_string();
            taken.insert(p.slug.clone());
        }
    }
    for p in out.iter_mut().filter(|p| p.file.is_none()) {
        let base =
            Some(slugify(&p.name, lang)).filter(|s| !s.is_empty()).unwrap_or_else(|| "publisher".into());
        let mut slug = base.clone();
        let mut n = 1;
        while !taken.insert(slug.clone()) {
            n += 1;
            slug = format!("{base}-{n}");
        }
        p.slug = slug;
    }
}

/// Which publishers are organisations of the site, both ways.
pub fn organisations(
    idx: &Index,
    publishers: &[Publisher],
    reg: &SourceRegistry,
    entities: &Registry,
    lang: &str,
) -> PublisherOrgs {
    let mut out = PublisherOrgs::default();
    let has_page = |id: &EntityId| idx.has_page.get(id.index()).copied().unwrap_or(false);
    for (i, p) in publishers.iter().enumerate() {
        let entry = p.file.map(|f| reg.get(f));
        // The explicit key first; else the organisation named like the publisher.
        let mut names: Vec<&str> = vec![&p.name];
        if let Some(e) = entry {
            names.extend(e.file.aliases.iter().map(|a| a.value.as_str()));
        }
        let org = entry.and_then(|e| e.organisation).filter(has_page).or_else(|| {
            names
                .iter()
                .find_map(|n| entities.lookup_kind(EntityKind::Organisation, n, lang).filter(has_page))
        });
        if let Some(id) = org {
            out.publishers.entry(id).or_default().push(i);
        }
        out.organisation.push(org);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_without_scheme_case_trailing_slash_and_utm() {
        let k = url_key("https://example.org/a/b");
        assert_eq!(url_key("HTTPS://Example.org/a/b/"), k);
        assert_eq!(url_key("https://example.org/a/b?utm_source=x&UTM_medium=y"), k);
        assert_eq!(url_key("https://example.org/a/b/?utm_campaign=z"), k);
        assert_ne!(url_key("https://example.org/a/b?id=2"), k, "other parameters count");
        assert_eq!(
            url_key("https://example.org/a/b?id=2&utm_source=x"),
            url_key("https://example.org/a/b?id=2")
        );
        assert_eq!(url_key("https://example.org/"), url_key("https://example.org"));
    }
}
