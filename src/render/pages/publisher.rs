//! `/sources/<publisher>/`: one publisher's sources (one entry per document, however many
//! briefings cite it), with their grades and the briefings citing them, `paginate` a page
//! (`/sources/<publisher>/page/<n>/`). A publisher with a registry file shows its name,
//! profile, default grade and the grades its sources are given. A publisher that is an
//! organisation of the site links to its page, and the organisation's page links back.

use crate::entities::EntityId;
use crate::index::{Publisher, SourceGroup};
use crate::pipeline::Site;
use crate::render::context::{CitedSource, GradeCount, Link, PublisherDetails, PublisherLink};
use crate::render::labels::Labels;
use crate::render::pages::briefing;
use crate::render::table::{Key, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError, date_info, paging};
use crate::url::UrlPath;
use std::collections::BTreeMap;

pub struct PublisherPage;

/// Every publisher, by name.
pub fn all(site: &Site) -> &[Publisher] {
    site.index.publishers(&site.briefings, &site.sources, &site.config.language)
}

/// The first page of a publisher.
pub fn url(p: &Publisher) -> UrlPath {
    UrlPath::dir(format!("sources/{}", p.slug))
}

/// The page of the publisher listing a briefing's source.
pub fn url_of_citation(site: &Site, b: usize, s: usize) -> Option<UrlPath> {
    let i =
        site.index.publisher_of_citation(&site.briefings, &site.sources, &site.config.language, (b, s))?;
    Some(url(&all(site)[i]))
}

/// Publisher `i` as a list entry.
pub fn link(v: &View, i: usize) -> PublisherLink {
    let site = v.site;
    let p = &all(site)[i];
    let orgs =
        site.index.publisher_orgs(&site.briefings, &site.sources, &site.registry, &site.config.language);
    PublisherLink {
        name: p.name.clone(),
        href: v.href_self_or(&url(p)),
        count: p.groups.len(),
        organisation: orgs.organisation[i].map(|id| v.entity_link(id, None, 0)),
        reliability: p
            .file
            .and_then(|f| site.sources.get(f).file.reliability.as_ref())
            .map(|r| r.value.to_string()),
    }
}

/// The publishers that are organisation `id`.
pub fn of_organisation(v: &View, id: EntityId) -> Vec<PublisherLink> {
    let site = v.site;
    let orgs =
        site.index.publisher_orgs(&site.briefings, &site.sources, &site.registry, &site.config.language);
    orgs.publishers.get(&id).map_or_else(Vec::new, |ps| ps.iter().map(|i| link(v, *i)).collect())
}

impl OutputKind for PublisherPage {
    fn name(&self) -> &'static str {
        "publisher"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["sources"]
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        let per = site.config.paginate;
        all(site).iter().enumerate().flat_map(|(i, p)| paging::keys(i, p.groups.len(), per)).collect()
    }

    fn url(&self, site: &Site, key: Key) -> UrlPath {
        paging::url(url(&all(site)[key.index()]), key.page)
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let (list, page) = paging::split(dir(path)?);
        let ["sources", slug] = list else { return None };
        let i = all(site).iter().position(|p| p.slug == *slug)?;
        paging::exists(page, all(site)[i].groups.len(), site.config.paginate).then_some(Key::paged(i, page))
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let p = &all(site)[key.index()];
        let v = View::new(site, self.url(site, key));
        let common = v.common(p.name.clone(), "publisher", None, None);
        let per = site.config.paginate;
        let pagination = paging::pagination(&v, &url(p), key.page, p.groups.len(), per);
        let sources: Vec<CitedSource> =
            p.groups[key.page.range(per, p.groups.len())].iter().map(|g| cited(&v, g)).collect();
        let mut ctx = tera::Context::new();
        ctx.insert("publisher", &link(&v, key.index()));
        ctx.insert("details", &details(&v, p, key.page.is_first()));
        ctx.insert("sources", &sources);
        ctx.insert("pagination", &pagination);
        v.render(cx, "publisher.html", v.paged_common(common, &pagination), ctx)
    }
}

/// The registry's values of a publisher (none for a publisher without a file) and the grades
/// its sources are given. The profile is on the first page only.
fn details(v: &View, p: &Publisher, first: bool) -> PublisherDetails {
    let site = v.site;
    let mut grades: BTreeMap<char, usize> = BTreeMap::new();
    for &(b, s) in p.groups.iter().flat_map(|g| &g.citations) {
        let src = &site.briefings[b].sources[s];
        if let Some(r) = src.reliability.filter(|_| !src.reliability_default) {
            *grades.entry(r).or_default() += 1;
        }
    }
    let grades = grades
        .into_iter()
        .map(|(g, count)| GradeCount { grade: g.to_string(), meaning: Labels::reliability(v.lang, g), count })
        .collect();
    let entry = p.file.map(|f| (f, site.sources.get(f)));
    let file = entry.map(|(_, e)| &e.file);
    let reliability = file.and_then(|f| f.reliability.as_ref()).map(|r| r.value);
    PublisherDetails {
        aliases: file.map_or_else(Vec::new, |f| f.aliases.iter().map(|a| a.value.clone()).collect()),
        url: file.and_then(|f| f.url.clone()),
        country: entry.and_then(|(_, e)| e.country).map(|c| v.entity_link(c, None, 0)),
        reliability: reliability.map(String::from),
        reliability_meaning: reliability.map(|r| Labels::reliability(v.lang, r)),
        profile_html: entry
            .filter(|_| first)
            .and_then(|(f, _)| site.source_html.publishers.get(f.index()))
            .and_then(|h| h.as_ref())
            .map(|h| v.md(&h.html)),
        grades,
    }
}

/// A source's grade as shown: `B2`, `B`, `2`.
pub fn grade(reliability: Option<char>, credibility: Option<u8>) -> Option<String> {
    match (reliability, credibility) {
        (None, None) => None,
        (r, c) => Some(format!(
            "{}{}",
            r.map(String::from).unwrap_or_default(),
            c.map(|c| c.to_string()).unwrap_or_default()
        )),
    }
}

/// One document with its grades (each distinct one, as given by the citing briefings) and
/// the briefings citing it.
fn cited(v: &View, g: &SourceGroup) -> CitedSource {
    let site = v.site;
    let (b0, s0) = g.citations[0];
    let first = &site.briefings[b0].sources[s0];
    let mut grades: Vec<String> = Vec::new();
    let mut briefings: Vec<Link> = Vec::new();
    for &(b, s) in &g.citations {
        let src = &site.briefings[b].sources[s];
        if let Some(gr) = grade(src.reliability, src.credibility)
            && !grades.contains(&gr)
        {
            grades.push(gr);
        }
        let href = format!("{}#source-{}", v.href(&briefing::url(site, b)), s + 1);
        if !briefings.iter().any(|l| l.href == href) {
            briefings.push(Link { href, title: site.briefings[b].title.clone() });
        }
    }
    let shared = first.origin.as_ref().and(first.reference.as_ref());
    let note =
        shared.and_then(|r| site.sources.shared(&r.value)).and_then(|f| site.source_html.shared.get(&f.stem));
    CitedSource {
        title: first.title.clone().or_else(|| first.url.clone()).unwrap_or_else(|| first.id.clone()),
        url: first.url.clone(),
        author: first.author.clone(),
        published: first.published.as_ref().map(|d| date_info(d, v.lang)),
        grades,
        briefings,
        note_html: note.map(|h| v.md(&h.html)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::table::PageNo;

    #[test]
    fn first_page_is_the_publisher_folder() {
        let p = Publisher { name: "Xinhua".into(), slug: "xinhua".into(), file: None, groups: Vec::new() };
        assert_eq!(paging::url(url(&p), PageNo::FIRST).as_str(), "sources/xinhua/");
    }

    #[test]
    fn grades_show_what_is_given() {
        assert_eq!(grade(Some('B'), Some(2)).as_deref(), Some("B2"));
        assert_eq!(grade(Some('C'), None).as_deref(), Some("C"));
        assert_eq!(grade(None, Some(3)).as_deref(), Some("3"));
        assert_eq!(grade(None, None), None);
    }
}
