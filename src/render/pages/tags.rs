//! `/tags/`: every tag of a published briefing, with its number of briefings.

use super::tag;
use crate::pipeline::Site;
use crate::render::context::TagInfo;
use crate::render::table::{Key, Nav, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError};
use crate::url::UrlPath;

pub struct TagList;

impl OutputKind for TagList {
    fn name(&self) -> &'static str {
        "tags"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["tags"]
    }

    fn nav(&self) -> Option<Nav> {
        Some(Nav { key: "tags", label: |t| t.tags, active: &["tags", "tag"] })
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, _site: &Site) -> Vec<Key> {
        vec![Key::ONLY]
    }

    fn url(&self, _site: &Site, _key: Key) -> UrlPath {
        UrlPath::dir("tags")
    }

    fn route(&self, _site: &Site, path: &[&str]) -> Option<Key> {
        (dir(path)? == ["tags"]).then_some(Key::ONLY)
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let v = View::new(site, self.url(site, key));
        let common = v.common(v.t.tags.to_string(), "tags", None, None);
        let tags: Vec<TagInfo> = site
            .index
            .tags
            .iter()
            .map(|t| TagInfo {
                name: t.name.clone(),
                href: v.href(&tag::url(&t.slug)),
                count: t.briefings.len(),
            })
            .collect();
        let mut ctx = tera::Context::new();
        ctx.insert("tags", &tags);
        v.render(cx, "tags.html", common, ctx)
    }
}
