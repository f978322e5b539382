//! `/people/<id>/`, `/organisations/<id>/`, `/countries/<cc>/`: an entity's profile, the
//! briefings naming it (newest first, `paginate` a page: `/people/<id>/page/<n>/`), its events
//! and who it appears with. Later pages repeat the entity's header and go on with its
//! briefings; profile text, events and "appears with" are on the first page only, so each
//! briefing entry is on exactly one page and the rest is not repeated on every page.

use crate::entities::{Entity, EntityId};
use crate::frontmatter::EntityKind;
use crate::index::EventNo;
use crate::pipeline::Site;
use crate::render::context::{BriefingItem, EntityInfo, EntityLink, EventInfo};
use crate::render::pages::{entity_events, publisher};
use crate::render::table::{Key, OutputKind, PageNo, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError, date_info, feeds, paging};
use crate::url::UrlPath;

/// Entries per kind in an entity's "appears with" lists.
const APPEARS_WITH_MAX: usize = 100;

pub struct EntityPage(pub EntityKind);

/// The (first) page of an entity.
pub fn url(e: &Entity) -> UrlPath {
    UrlPath::dir(e.url())
}

/// The entity of `kind` at `section/id` with a page.
pub fn find(site: &Site, kind: EntityKind, section: &str, id: &str) -> Option<EntityId> {
    if section != kind.section() {
        return None;
    }
    site.registry.by_id(kind, id).filter(|e| site.index.has_page[e.index()])
}

/// The entities of `kind` that have a page.
pub fn with_pages(site: &Site, kind: EntityKind) -> impl Iterator<Item = EntityId> + '_ {
    site.registry
        .iter()
        .filter(move |(id, e)| e.kind == kind && site.index.has_page[id.index()])
        .map(|(id, _)| id)
}

impl OutputKind for EntityPage {
    fn name(&self) -> &'static str {
        self.0.name()
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
            .flat_map(|id| paging::keys(id.index(), site.index.entity_briefings[id.index()].len(), per))
            .collect()
    }

    fn url(&self, site: &Site, key: Key) -> UrlPath {
        paging::url(url(site.registry.get(EntityId(key.item))), key.page)
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let (list, page) = paging::split(dir(path)?);
        let [section, id] = list else { return None };
        let e = find(site, self.0, section, id)?;
        paging::exists(page, site.index.entity_briefings[e.index()].len(), site.config.paginate)
            .then_some(Key::paged(e.index(), page))
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let id = EntityId(key.item);
        let e = site.registry.get(id);
        let v = View::new(site, self.url(site, key));
        let common = v.common(e.name.clone(), e.kind.name(), Some(feeds::entity_feed_url(e)), None);
        let briefings = &site.index.entity_briefings[id.index()];
        let p = paging::pagination(&v, &url(e), key.page, briefings.len(), site.config.paginate);
        let mut ctx = tera::Context::new();
        ctx.insert("entity", &info(&v, id, key.page));
        let items: Vec<BriefingItem> = briefings[key.page.range(site.config.paginate, briefings.len())]
            .iter()
            .map(|b| v.briefing_item(*b))
            .collect();
        ctx.insert("briefings", &items);
        ctx.insert("pagination", &p);
        let first = key.page.is_first();
        let events: Vec<EventInfo> = if first {
            shown_events(site, id).iter().map(|n| v.merged_event_info(*n)).collect()
        } else {
            Vec::new()
        };
        ctx.insert("events", &events);
        let appears_with = if first { site.index.appears_with(id, &site.registry) } else { Vec::new() };
        for (name, kind) in [
            ("people", EntityKind::Person),
            ("organisations", EntityKind::Organisation),
            ("countries", EntityKind::Country),
        ] {
            let list: Vec<EntityLink> = appears_with
                .iter()
                .filter(|(o, _)| site.registry.get(*o).kind == kind)
                .take(APPEARS_WITH_MAX)
                .map(|(o, n)| v.entity_link(*o, None, *n as usize))
                .collect();
            ctx.insert(name, &list);
        }
        v.render(cx, "entity.html", v.paged_common(common, &p), ctx)
    }
}

/// The events the entity's page shows: all, or the newest `paginate` when there are more
/// (all of them are on its events page), oldest first.
fn shown_events(site: &Site, id: EntityId) -> &[EventNo] {
    let all = &site.index.entity_events[id.index()];
    &all[all.len().saturating_sub(site.config.paginate)..]
}

fn info(v: &View, id: EntityId, page: PageNo) -> EntityInfo {
    let site = v.site;
    let e = site.registry.get(id);
    let file = e.file.map(|f| &site.entity_files[f]);
    let first = page.is_first();
    let events = site.index.entity_events[id.index()].len();
    EntityInfo {
        kind: e.kind.name(),
        id: e.id.to_string(),
        name: e.name.clone(),
        aliases: e.aliases.iter().filter(|a| **a != e.name).cloned().collect(),
        role: file.and_then(|f| f.role.clone()),
        since: file.and_then(|f| f.since.as_ref()).map(|d| date_info(d, v.lang)),
        wikidata: file.and_then(|f| f.wikidata.clone()),
        wikidata_url: file
            .and_then(|f| f.wikidata.as_ref())
            .map(|q| format!("https://www.wikidata.org/wiki/{q}")),
        code: e.country.map(|c| c.to_string()),
        alpha3: e.alpha3.map(String::from),
        english_name: e.english_name.filter(|n| *n != e.name).map(String::from),
        countries: e.countries.iter().map(|c| v.entity_link(*c, None, 0)).collect(),
        profile_html: site.entity_html.get(&id).filter(|_| first).map(|r| v.md(&r.html)),
        // The feed sits beside the entity's first page.
        feed: if first { "atom.xml".to_string() } else { v.href(&feeds::entity_feed_url(e)) },
        href: v.href_self_or(&url(e)),
        publishers: publisher::of_organisation(v, id),
        briefing_count: site.index.entity_briefings[id.index()].len(),
        event_count: events,
        all_events: (first && events > shown_events(site, id).len())
            .then(|| v.href(&entity_events::url(e, PageNo::FIRST))),
    }
}
