//! The home page `/`: the newest briefings, the most-named entities of each kind, counts.

use crate::frontmatter::EntityKind;
use crate::index::entities_of;
use crate::pipeline::Site;
use crate::render::context::{BriefingItem, Counts, EntityLink};
use crate::render::table::{Key, OutputKind};
use crate::render::view::View;
use crate::render::{Cx, RenderError, feeds};
use crate::url::UrlPath;

/// Briefings on the home page.
const HOME_BRIEFINGS: usize = 10;
/// Entities of each kind on the home page.
const HOME_ENTITIES: usize = 12;

pub struct Home;

impl OutputKind for Home {
    fn name(&self) -> &'static str {
        "home"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["index.html"]
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, _site: &Site) -> Vec<Key> {
        vec![Key::ONLY]
    }

    fn url(&self, _site: &Site, _key: Key) -> UrlPath {
        UrlPath::root()
    }

    fn route(&self, _site: &Site, path: &[&str]) -> Option<Key> {
        (path == ["index.html"]).then_some(Key::ONLY)
    }

    fn render(&self, cx: Cx, _key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let v = View::new(site, UrlPath::root());
        let common = v.common(site.config.title.clone(), "home", Some(feeds::site_feed_url()), None);
        let mut ctx = tera::Context::new();
        let items: Vec<BriefingItem> =
            (0..site.briefings.len().min(HOME_BRIEFINGS)).map(|i| v.briefing_item(i)).collect();
        ctx.insert("briefings", &items);
        for (key, kind) in [
            ("people", EntityKind::Person),
            ("organisations", EntityKind::Organisation),
            ("countries", EntityKind::Country),
        ] {
            let mut list = entities_of(&site.index, &site.registry, kind);
            list.retain(|(_, n)| *n > 0);
            list.sort_by(|a, b| {
                b.1.cmp(&a.1).then_with(|| site.registry.get(a.0).name.cmp(&site.registry.get(b.0).name))
            });
            list.truncate(HOME_ENTITIES);
            let links: Vec<EntityLink> = list.into_iter().map(|(id, n)| v.entity_link(id, None, n)).collect();
            ctx.insert(key, &links);
        }
        ctx.insert("counts", &counts(site));
        v.render(cx, "index.html", common, ctx)
    }
}

fn counts(s: &Site) -> Counts {
    let n = |k| entities_of(&s.index, &s.registry, k).len();
    Counts {
        briefings: s.briefings.len(),
        people: n(EntityKind::Person),
        organisations: n(EntityKind::Organisation),
        countries: n(EntityKind::Country),
        events: s.index.event_count,
        sources: s.briefings.iter().map(|b| b.sources.len()).sum(),
    }
}
