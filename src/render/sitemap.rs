//! `/sitemap.xml`: every HTML page a search engine should know (what the table marks
//! `in_sitemap`), with absolute URLs from `base_url`. A site of more pages than one sitemap may
//! hold (50,000, sitemaps.org) gets a sitemap index at `/sitemap.xml` pointing to
//! `/sitemap-1.xml`, `/sitemap-2.xml`, … of at most that many each.

use super::feeds::xml;
use super::table::{Key, OutputKind, TABLE};
use super::{Cx, RenderError};
use crate::pipeline::Site;
use crate::url::UrlPath;
use std::fmt::Write;

/// URLs one sitemap file may list (sitemaps.org).
pub const MAX_URLS: usize = 50_000;

/// The sitemap of the table.
pub const SITEMAP: Sitemap = Sitemap { limit: MAX_URLS };

/// The sitemap, split into files of at most `limit` URLs (a test lowers it).
pub struct Sitemap {
    pub limit: usize,
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
const NS: &str = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"";

/// Every listed page's absolute URL with its `lastmod`, sorted.
fn entries(site: &Site) -> Vec<(String, Option<String>)> {
    let mut urls: Vec<(String, Option<String>)> = TABLE
        .iter()
        .filter(|k| k.in_sitemap())
        .flat_map(|k| {
            k.keys(site)
                .into_iter()
                .map(move |key| (site.config.absolute(k.url(site, key).as_str()), k.lastmod(site, key)))
        })
        .collect();
    urls.sort();
    urls
}

impl Sitemap {
    /// How many files of URLs there are besides the index; 0 when `/sitemap.xml` holds them.
    fn parts(&self, site: &Site) -> usize {
        let n = entries(site).len();
        if n <= self.limit { 0 } else { n.div_ceil(self.limit.max(1)) }
    }
}

fn urlset(urls: &[(String, Option<String>)]) -> String {
    let mut s = format!("{HEAD}<urlset {NS}>\n");
    for (u, lastmod) in urls {
        let _ = write!(s, "  <url><loc>{}</loc>", xml(u));
        if let Some(m) = lastmod {
            let _ = write!(s, "<lastmod>{m}</lastmod>");
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

impl OutputKind for Sitemap {
    fn name(&self) -> &'static str {
        "sitemap"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["sitemap.xml"]
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        (0..=self.parts(site)).map(Key::item).collect()
    }

    fn url(&self, _site: &Site, key: Key) -> UrlPath {
        match key.item {
            0 => UrlPath::file("sitemap.xml"),
            n => UrlPath::file(format!("sitemap-{n}.xml")),
        }
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let [file] = path else { return None };
        if *file == "sitemap.xml" {
            return Some(Key::ONLY);
        }
        let n = file.strip_prefix("sitemap-")?.strip_suffix(".xml")?;
        let i: usize = n.parse().ok().filter(|i: &usize| *i >= 1 && i.to_string() == n)?;
        (i <= self.parts(site)).then(|| Key::item(i))
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let urls = entries(site);
        let limit = self.limit.max(1);
        let text = match key.index() {
            0 if urls.len() <= limit => urlset(&urls),
            0 => {
                let mut s = format!("{HEAD}<sitemapindex {NS}>\n");
                for n in 1..=urls.len().div_ceil(limit) {
                    let loc = site.config.absolute(self.url(site, Key::item(n)).as_str());
                    let _ = writeln!(s, "  <sitemap><loc>{}</loc></sitemap>", xml(&loc));
                }
                s.push_str("</sitemapindex>\n");
                s
            }
            n => urlset(urls.chunks(limit).nth(n - 1).unwrap_or(&[])),
        };
        Ok(text.into_bytes())
    }
}
