//! `/404.html`: the page static servers show for a missing URL, at any depth.

use crate::pipeline::Site;
use crate::render::table::{Key, OutputKind};
use crate::render::view::View;
use crate::render::{Cx, RenderError};
use crate::url::UrlPath;

pub struct NotFound;

impl OutputKind for NotFound {
    fn name(&self) -> &'static str {
        "404"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["404.html"]
    }

    fn keys(&self, _site: &Site) -> Vec<Key> {
        vec![Key::ONLY]
    }

    fn url(&self, _site: &Site, _key: Key) -> UrlPath {
        UrlPath::file("404.html")
    }

    fn route(&self, _site: &Site, path: &[&str]) -> Option<Key> {
        (path == ["404.html"]).then_some(Key::ONLY)
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let v = View::new(cx.site, self.url(cx.site, key));
        let common = v.common(v.t.not_found.to_string(), "404", None, None);
        v.render(cx, "404.html", common, tera::Context::new())
    }
}
