//! `/people/<id>/events/` (and for organisations and countries): every event naming an entity,
//! oldest first, `paginate` a page, for entities with more events than their own page shows
//! (it shows the newest `paginate`).

use super::entity::{find, with_pages};
use crate::entities::{Entity, EntityId};
use crate::frontmatter::EntityKind;
use crate::pipeline::Site;
use crate::render::context::EventInfo;
use crate::render::table::{Key, OutputKind, PageNo, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError, feeds, paging};
use crate::url::UrlPath;

pub struct EntityEvents(pub EntityKind);

/// Page `page` of an entity's events.
pub fn url(e: &Entity, page: PageNo) -> UrlPath {
    paging::url(UrlPath::dir(format!("{}events", e.url())), page)
}

/// Whether the entity has an events page: more events than its own page shows.
fn has_page(site: &Site, id: EntityId) -> bool {
    site.index.entity_events[id.index()].len() > site.config.paginate
}

/// `common.page.kind` of the page.
pub fn page_kind(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person-events",
        EntityKind::Organisation => "organisation-events",
        EntityKind::Country => "country-events",
    }
}

impl OutputKind for EntityEvents {
    fn name(&self) -> &'static str {
        page_kind(self.0)
    }

    fn roots(&self) -> &'static [&'static str] {
        match self.0 {
            EntityKind::Person => &["people"],
            EntityKind::Organisation => &["organisations"],
            EntityKind::Country => &["countries"],
        }
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        let per = site.config.paginate;
        with_pages(site, self.0)
            .filter(|id| has_page(site, *id))
            .flat_map(|id| paging::keys(id.index(), site.index.entity_events[id.index()].len(), per))
            .collect()
    }

    fn url(&self, site: &Site, key: Key) -> UrlPath {
        url(site.registry.get(EntityId(key.item)), key.page)
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let (list, page) = paging::split(dir(path)?);
        let [section, id, "events"] = list else { return None };
        let e = find(site, self.0, section, id).filter(|e| has_page(site, *e))?;
        paging::exists(page, site.index.entity_events[e.index()].len(), site.config.paginate)
            .then_some(Key::paged(e.index(), page))
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let id = EntityId(key.item);
        let e = site.registry.get(id);
        let v = View::new(site, url(e, key.page));
        let title = format!("{} – {}", e.name, v.t.events);
        let common = v.common(title, page_kind(self.0), Some(feeds::entity_feed_url(e)), None);
        let all = &site.index.entity_events[id.index()];
        let per = site.config.paginate;
        let p = paging::pagination(&v, &url(e, PageNo::FIRST), key.page, all.len(), per);
        let events: Vec<EventInfo> =
            all[key.page.range(per, all.len())].iter().map(|n| v.merged_event_info(*n)).collect();
        let mut ctx = tera::Context::new();
        ctx.insert("entity", &v.entity_link(id, None, site.index.entity_briefings[id.index()].len()));
        ctx.insert("events", &events);
        ctx.insert("pagination", &p);
        v.render(cx, "events.html", v.paged_common(common, &p), ctx)
    }
}
