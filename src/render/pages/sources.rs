//! `/sources/`: every publisher of a cited source, with its number of sources, each linked to
//! its own page (and to its organisation's page where it is one).

use super::publisher;
use crate::pipeline::Site;
use crate::render::context::PublisherLink;
use crate::render::table::{Key, Nav, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError};
use crate::url::UrlPath;

pub struct Sources;

impl OutputKind for Sources {
    fn name(&self) -> &'static str {
        "sources"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["sources"]
    }

    fn nav(&self) -> Option<Nav> {
        Some(Nav { key: "sources", label: |t| t.sources, active: &["sources", "publisher"] })
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, _site: &Site) -> Vec<Key> {
        vec![Key::ONLY]
    }

    fn url(&self, _site: &Site, _key: Key) -> UrlPath {
        UrlPath::dir("sources")
    }

    fn route(&self, _site: &Site, path: &[&str]) -> Option<Key> {
        (dir(path)? == ["sources"]).then_some(Key::ONLY)
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let v = View::new(site, self.url(site, key));
        let common = v.common(v.t.sources.to_string(), "sources", None, None);
        let n = publisher::all(site).len();
        let publishers: Vec<PublisherLink> = (0..n).map(|i| publisher::link(&v, i)).collect();
        let mut ctx = tera::Context::new();
        ctx.insert("publishers", &publishers);
        ctx.insert("count", &publishers.iter().map(|p| p.count).sum::<usize>());
        v.render(cx, "sources.html", common, ctx)
    }
}
