//! `/<slug>/`: a free page from `content/pages/`. It takes any root segment the table does not
//! (the gate refuses the others, `table::is_reserved_root`).

use crate::frontmatter::Page;
use crate::pipeline::Site;
use crate::render::table::{Key, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError};
use crate::url::UrlPath;

pub struct FreePage;

pub fn url(p: &Page) -> UrlPath {
    UrlPath::dir(p.slug.value.as_str())
}

impl OutputKind for FreePage {
    fn name(&self) -> &'static str {
        "page"
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        (0..site.pages.len()).map(Key::item).collect()
    }

    fn url(&self, site: &Site, key: Key) -> UrlPath {
        url(&site.pages[key.index()])
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let [slug] = dir(path)? else { return None };
        site.pages.iter().position(|p| p.slug.value.as_str() == *slug).map(Key::item)
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let p = &site.pages[key.index()];
        let v = View::new(site, url(p));
        let common = v.common(p.title.clone(), "page", None, None);
        let mut ctx = tera::Context::new();
        ctx.insert("content", &v.md(&site.page_html[key.index()].html));
        v.render(cx, "page.html", common, ctx)
    }
}
