//! Atom feeds of the newest briefings, site-wide (`/atom.xml`) and per entity
//! (`/people/<id>/atom.xml`, …): with the sitemap the only files with absolute URLs besides
//! canonical links. No build time goes in: `updated` is the newest briefing's date, so
//! unchanged input gives unchanged bytes.

use super::pages::entity;
use super::table::{Key, OutputKind};
use super::{Cx, RenderError};
use crate::entities::{Entity, EntityId};
use crate::frontmatter::EntityKind;
use crate::index::BriefingIdx;
use crate::pipeline::Site;
use crate::url::UrlPath;
use std::fmt::Write;

pub const FEED_ENTRIES: usize = 50;

pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn timestamp(d: jiff::civil::Date) -> String {
    format!("{}T00:00:00Z", d.strftime("%Y-%m-%d"))
}

/// One Atom feed for a page and its briefings (newest first, at most 50).
pub fn atom(site: &Site, title: &str, page: &UrlPath, feed: &UrlPath, briefings: &[BriefingIdx]) -> String {
    let c = &site.config;
    let entries = &briefings[..briefings.len().min(FEED_ENTRIES)];
    let updated = entries
        .iter()
        .map(|&i| {
            let b = &site.briefings[i];
            b.updated.unwrap_or(b.date).max(b.date)
        })
        .max()
        .map(timestamp)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut s = String::with_capacity(1024 + entries.len() * 512);
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(s, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", xml(&c.language));
    let _ = writeln!(s, "  <title>{}</title>", xml(title));
    let _ = writeln!(
        s,
        "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>",
        xml(&c.absolute(feed.as_str()))
    );
    let _ = writeln!(
        s,
        "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
        xml(&c.absolute(page.as_str()))
    );
    let _ = writeln!(s, "  <id>{}</id>", xml(&c.absolute(page.as_str())));
    let _ = writeln!(s, "  <updated>{updated}</updated>");
    // RFC 4287 wants an author for every entry; one for the feed covers them all.
    let author = c.extra.get("author").and_then(|a| a.as_str()).filter(|a| !a.trim().is_empty());
    let _ = writeln!(s, "  <author><name>{}</name></author>", xml(author.unwrap_or(&c.title)));
    let _ = writeln!(s, "  <generator>dossier</generator>");
    let base = c.base_url.clone().unwrap_or_else(|| "/".into());
    for &i in entries {
        let b = &site.briefings[i];
        let url = c.absolute(&format!("briefings/{}/", b.slug.value));
        s.push_str("  <entry>\n");
        let _ = writeln!(s, "    <title>{}</title>", xml(&b.title));
        let _ = writeln!(s, "    <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>", xml(&url));
        let _ = writeln!(s, "    <id>{}</id>", xml(&url));
        let _ = writeln!(s, "    <published>{}</published>", timestamp(b.date));
        let _ = writeln!(s, "    <updated>{}</updated>", timestamp(b.updated.unwrap_or(b.date).max(b.date)));
        for t in &b.tags {
            let _ = writeln!(s, "    <category term=\"{}\"/>", xml(t));
        }
        if let Some(summary) = &site.html[i].summary {
            let _ = writeln!(s, "    <summary type=\"html\">{}</summary>", xml(&summary.html.at(&base)));
        }
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

pub fn site_feed_url() -> UrlPath {
    UrlPath::file("atom.xml")
}

/// The feed beside an entity's page.
pub fn entity_feed_url(e: &Entity) -> UrlPath {
    UrlPath::file(format!("{}atom.xml", e.url()))
}

/// `/atom.xml`: the site's newest briefings.
pub struct SiteFeed;

impl OutputKind for SiteFeed {
    fn name(&self) -> &'static str {
        "feed"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["atom.xml"]
    }

    fn keys(&self, _site: &Site) -> Vec<Key> {
        vec![Key::ONLY]
    }

    fn url(&self, _site: &Site, _key: Key) -> UrlPath {
        site_feed_url()
    }

    fn route(&self, _site: &Site, path: &[&str]) -> Option<Key> {
        (path == ["atom.xml"]).then_some(Key::ONLY)
    }

    fn render(&self, cx: Cx, _key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let all: Vec<BriefingIdx> = (0..site.briefings.len().min(FEED_ENTRIES)).collect();
        Ok(atom(site, &site.config.title, &UrlPath::root(), &site_feed_url(), &all).into_bytes())
    }
}

/// `/people/<id>/atom.xml` and the like: the newest briefings naming one entity.
pub struct EntityFeed(pub EntityKind);

impl OutputKind for EntityFeed {
    fn name(&self) -> &'static str {
        match self.0 {
            EntityKind::Person => "person-feed",
            EntityKind::Organisation => "organisation-feed",
            EntityKind::Country => "country-feed",
        }
    }

    fn roots(&self) -> &'static [&'static str] {
        match self.0 {
            EntityKind::Person => &["people"],
            EntityKind::Organisation => &["organisations"],
            EntityKind::Country => &["countries"],
        }
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        entity::with_pages(site, self.0).map(|id| Key::item(id.index())).collect()
    }

    fn url(&self, site: &Site, key: Key) -> UrlPath {
        entity_feed_url(site.registry.get(EntityId(key.item)))
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let [section, id, "atom.xml"] = path else { return None };
        entity::find(site, self.0, section, id).map(|e| Key::item(e.index()))
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let id = EntityId(key.item);
        let e = site.registry.get(id);
        let title = format!("{} – {}", e.name, site.config.title);
        let page = entity::url(e);
        let feed = entity_feed_url(e);
        Ok(atom(site, &title, &page, &feed, &site.index.entity_briefings[id.index()]).into_bytes())
    }
}
