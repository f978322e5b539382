//! `/tags/<tag>/`: the briefings with one tag, newest first, `paginate` a page
//! (`/tags/<tag>/page/<n>/`).

use crate::pipeline::Site;
use crate::render::context::{BriefingItem, TagInfo};
use crate::render::table::{Key, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError, paging};
use crate::url::UrlPath;

pub struct TagPage;

/// The first page of the tag with this slug.
pub fn url(slug: &str) -> UrlPath {
    UrlPath::dir(format!("tags/{slug}"))
}

impl OutputKind for TagPage {
    fn name(&self) -> &'static str {
        "tag"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["tags"]
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        let per = site.config.paginate;
        site.index
            .tags
            .iter()
            .enumerate()
            .flat_map(|(i, t)| paging::keys(i, t.briefings.len(), per))
            .collect()
    }

    fn url(&self, site: &Site, key: Key) -> UrlPath {
        paging::url(url(&site.index.tags[key.index()].slug), key.page)
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let (list, page) = paging::split(dir(path)?);
        let ["tags", slug] = list else { return None };
        let i = site.index.tags.binary_search_by(|t| t.slug.as_str().cmp(slug)).ok()?;
        paging::exists(page, site.index.tags[i].briefings.len(), site.config.paginate)
            .then_some(Key::paged(i, page))
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let tag = &site.index.tags[key.index()];
        let v = View::new(site, self.url(site, key));
        let common = v.common(tag.name.clone(), "tag", None, None);
        let per = site.config.paginate;
        let p = paging::pagination(&v, &url(&tag.slug), key.page, tag.briefings.len(), per);
        let items: Vec<BriefingItem> = tag.briefings[key.page.range(per, tag.briefings.len())]
            .iter()
            .map(|b| v.briefing_item(*b))
            .collect();
        let mut ctx = tera::Context::new();
        ctx.insert(
            "tag",
            &TagInfo {
                name: tag.name.clone(),
                href: v.href_self_or(&url(&tag.slug)),
                count: tag.briefings.len(),
            },
        );
        ctx.insert("briefings", &items);
        ctx.insert("pagination", &p);
        v.render(cx, "tag.html", v.paged_common(common, &p), ctx)
    }
}
