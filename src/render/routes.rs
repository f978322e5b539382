//! The URL table of FORMAT.md section 6 read backwards: which generated file, if any, a site
//! path is. `serve` renders on demand from it; `build` and `check` use it to find static files
//! that a generated page would hide.

use super::Job;
use crate::entities::EntityId;
use crate::frontmatter::EntityKind;
use crate::pipeline::Site;

/// What a URL of the built site is made from.
#[derive(Debug, Clone)]
pub enum Route {
    Page(Job),
    SiteFeed,
    EntityFeed(EntityId),
    Sitemap,
}

/// The generated file at a site path, if there is one: the URL scheme of FORMAT.md section 6.
pub fn route(site: &Site, path: &str) -> Option<Route> {
    let page = |job: Job| Some(Route::Page(job));
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["index.html"] => page(Job::Home),
        ["atom.xml"] => Some(Route::SiteFeed),
        ["sitemap.xml"] => Some(Route::Sitemap),
        ["404.html"] => page(Job::NotFound),
        ["briefings", "index.html"] => page(Job::BriefingList),
        ["briefings", slug, "index.html"] => site.by_slug.get(*slug).and_then(|i| page(Job::Briefing(*i))),
        ["timeline", "index.html"] => page(Job::Timeline),
        ["sources", "index.html"] => page(Job::Sources),
        ["tags", "index.html"] => page(Job::TagList),
        ["tags", slug, "index.html"] => {
            site.index.tags.iter().position(|t| t.slug == *slug).and_then(|i| page(Job::Tag(i)))
        }
        [section, rest @ ..] if matches!(*section, "people" | "organisations" | "countries") => {
            let kind = match *section {
                "people" => EntityKind::Person,
                "organisations" => EntityKind::Organisation,
                _ => EntityKind::Country,
            };
            match rest {
                ["index.html"] => page(Job::EntityList(kind)),
                [id, file] => {
                    let e = site.registry.by_id(kind, id).filter(|e| site.index.has_page[e.index()])?;
                    match *file {
                        "index.html" => page(Job::Entity(e)),
                        "atom.xml" => Some(Route::EntityFeed(e)),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        [slug, "index.html"] => {
            site.pages.iter().position(|p| p.slug.value.as_str() == *slug).and_then(|i| page(Job::Page(i)))
        }
        _ => None,
    }
}
