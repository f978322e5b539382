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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::table::tests::generated;
    use crate::render::templates::Templates;

    fn locs(xml: &[u8]) -> Vec<String> {
        let text = String::from_utf8(xml.to_vec()).unwrap();
        text.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap().to_string()).collect()
    }

    #[test]
    fn a_sitemap_over_the_limit_becomes_an_index_of_sitemaps() {
        let (_dir, site) = generated();
        let templates = Templates::load(&site.config).unwrap();
        let cx = Cx { site: &site, templates: &templates };
        let whole = SITEMAP.render(cx, Key::ONLY).unwrap();
        assert!(String::from_utf8_lossy(&whole).contains("<urlset "), "under 50,000 URLs: one sitemap");
        let all = locs(&whole);
        assert!(all.len() > 100 && !all.iter().any(|u| u.ends_with("404.html")), "{}", all.len());

        let small = Sitemap { limit: 40 };
        let keys = small.keys(&site);
        let parts = all.len().div_ceil(40);
        assert_eq!(keys.len(), parts + 1, "the index and its parts");
        let index = small.render(cx, Key::ONLY).unwrap();
        assert!(String::from_utf8_lossy(&index).contains("<sitemapindex "));
        let expected: Vec<String> =
            (1..=parts).map(|n| format!("https://example.org/g/sitemap-{n}.xml")).collect();
        assert_eq!(locs(&index), expected);
        let mut joined = Vec::new();
        for key in &keys[1..] {
            let file = small.url(&site, *key);
            assert_eq!(small.route(&site, &[file.as_str()]), Some(*key), "{file}");
            let urls = locs(&small.render(cx, *key).unwrap());
            assert!(!urls.is_empty() && urls.len() <= 40, "{file}: {}", urls.len());
            joined.extend(urls);
        }
        assert_eq!(joined, all, "the parts hold every URL once, in order");
        for nothing in [format!("sitemap-{}.xml", parts + 1), "sitemap-01.xml".into(), "sitemap-0.xml".into()]
        {
            assert_eq!(small.route(&site, &[nothing.as_str()]), None, "{nothing}");
        }
        assert_eq!(SITEMAP.route(&site, &["sitemap-1.xml"]), None, "no parts under the real limit");
    }
}
