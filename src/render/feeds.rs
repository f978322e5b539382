//! Feeds and sitemap: Atom feeds of the newest briefings (site-wide and per entity) and
//! sitemap.xml, the only files with absolute URLs besides canonical links. No build time goes
//! in: `updated` is the newest briefing's date, so unchanged input gives unchanged bytes.

use super::Job;
use crate::entities::EntityId;
use crate::index::BriefingIdx;
use crate::pipeline::Site;
use crate::url::UrlPath;
use std::fmt::Write;

pub const FEED_ENTRIES: usize = 50;

fn xml(s: &str) -> String {
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

/// The site-wide feed.
pub fn site_feed(site: &Site) -> String {
    let all: Vec<BriefingIdx> = (0..site.briefings.len().min(FEED_ENTRIES)).collect();
    atom(site, &site.config.title, &UrlPath::root(), &UrlPath::file("atom.xml"), &all)
}

/// The feed of one entity's page.
pub fn entity_feed(site: &Site, id: EntityId) -> String {
    let e = site.registry.get(id);
    let title = format!("{} – {}", e.name, site.config.title);
    let page = UrlPath::dir(e.url());
    atom(site, &title, &page, &entity_feed_url(site, id), &site.index.entity_briefings[id.index()])
}

pub fn entity_feed_url(site: &Site, id: EntityId) -> UrlPath {
    UrlPath::file(format!("{}atom.xml", site.registry.get(id).url()))
}

/// The site feed and one per entity page.
pub fn all_feeds(site: &Site) -> Vec<(UrlPath, String)> {
    let mut out = vec![(UrlPath::file("atom.xml"), site_feed(site))];
    for (id, _) in site.registry.iter() {
        if site.index.has_page[id.index()] {
            out.push((entity_feed_url(site, id), entity_feed(site, id)));
        }
    }
    out
}

/// sitemap.xml listing every HTML page except 404.
pub fn sitemap(site: &Site, jobs: &[Job]) -> String {
    let mut urls: Vec<(String, Option<String>)> = jobs
        .iter()
        .filter(|j| **j != Job::NotFound)
        .map(|j| {
            let lastmod = match j {
                Job::Briefing(i) => {
                    let b = &site.briefings[*i];
                    Some(b.updated.unwrap_or(b.date).max(b.date).strftime("%Y-%m-%d").to_string())
                }
                _ => None,
            };
            (site.config.absolute(j.url(site).as_str()), lastmod)
        })
        .collect();
    urls.sort();
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (u, lastmod) in urls {
        let _ = write!(s, "  <url><loc>{}</loc>", xml(&u));
        if let Some(m) = lastmod {
            let _ = write!(s, "<lastmod>{m}</lastmod>");
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}
