//! `/sources/<publisher>/`: one publisher's sources (one entry per document, however many
//! briefings cite it), with their grades and the briefings citing them, `paginate` a page
//! (`/sources/<publisher>/page/<n>/`). A publisher that is an organisation of the site links to
//! its page, and the organisation's page links back.

use crate::entities::EntityId;
use crate::index::{Publisher, SourceGroup};
use crate::pipeline::Site;
use crate::render::context::{CitedSource, Link, PublisherLink};
use crate::render::pages::briefing;
use crate::render::table::{Key, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError, date_info, paging};
use crate::url::UrlPath;

pub struct PublisherPage;

/// Every publisher, by name.
pub fn all(site: &Site) -> &[Publisher] {
    site.index.publishers(&site.briefings, &site.config.language)
}

/// The first page of a publisher.
pub fn url(p: &Publisher) -> UrlPath {
    UrlPath::dir(format!("sources/{}", p.slug))
}

/// Publisher `i` as a list entry.
pub fn link(v: &View, i: usize) -> PublisherLink {
    let site = v.site;
    let p = &all(site)[i];
    let orgs = site.index.publisher_orgs(&site.briefings, &site.registry, &site.config.language);
    PublisherLink {
        name: p.name.clone(),
        href: v.href_self_or(&url(p)),
        count: p.groups.len(),
        organisation: orgs.organisation[i].map(|id| v.entity_link(id, None, 0)),
    }
}

/// The publishers that are organisation `id`.
pub fn of_organisation(v: &View, id: EntityId) -> Vec<PublisherLink> {
    let site = v.site;
    let orgs = site.index.publisher_orgs(&site.briefings, &site.registry, &site.config.language);
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
        ctx.insert("sources", &sources);
        ctx.insert("pagination", &pagination);
        v.render(cx, "publisher.html", v.paged_common(common, &pagination), ctx)
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
        if let (Some(r), Some(c)) = (src.reliability, src.credibility) {
            let gr = format!("{r}{c}");
            if !grades.contains(&gr) {
                grades.push(gr);
            }
        }
        let href = format!("{}#source-{}", v.href(&briefing::url(site, b)), s + 1);
        if !briefings.iter().any(|l| l.href == href) {
            briefings.push(Link { href, title: site.briefings[b].title.clone() });
        }
    }
    CitedSource {
        title: first.title.clone().or_else(|| first.url.clone()).unwrap_or_else(|| first.id.clone()),
        url: first.url.clone(),
        author: first.author.clone(),
        published: first.published.as_ref().map(|d| date_info(d, v.lang)),
        grades,
        briefings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::table::PageNo;

    #[test]
    fn first_page_is_the_publisher_folder() {
        let p = Publisher { name: "Xinhua".into(), slug: "xinhua".into(), groups: Vec::new() };
        assert_eq!(paging::url(url(&p), PageNo::FIRST).as_str(), "sources/xinhua/");
    }
}
