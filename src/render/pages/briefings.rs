//! `/briefings/`: every published briefing, newest first, `paginate` a page
//! (`/briefings/page/<n>/` for n ≥ 2).

use crate::pipeline::Site;
use crate::render::context::BriefingItem;
use crate::render::table::{Key, Nav, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError, feeds, paging};
use crate::url::UrlPath;

pub struct BriefingList;

fn first() -> UrlPath {
    UrlPath::dir("briefings")
}

impl OutputKind for BriefingList {
    fn name(&self) -> &'static str {
        "briefings"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["briefings"]
    }

    fn nav(&self) -> Option<Nav> {
        Some(Nav { key: "briefings", label: |t| t.briefings, active: &["briefings", "briefing"] })
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        paging::keys(0, site.briefings.len(), site.config.paginate).collect()
    }

    fn url(&self, _site: &Site, key: Key) -> UrlPath {
        paging::url(first(), key.page)
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let (list, page) = paging::split(dir(path)?);
        (list == ["briefings"] && paging::exists(page, site.briefings.len(), site.config.paginate))
            .then_some(Key::paged(0, page))
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let v = View::new(site, self.url(site, key));
        let per = site.config.paginate;
        let p = paging::pagination(&v, &first(), key.page, site.briefings.len(), per);
        let common = v.common(v.t.briefings.to_string(), "briefings", Some(feeds::site_feed_url()), None);
        let mut ctx = tera::Context::new();
        let items: Vec<BriefingItem> =
            key.page.range(per, site.briefings.len()).map(|i| v.briefing_item(i)).collect();
        ctx.insert("briefings", &items);
        ctx.insert("pagination", &p);
        v.render(cx, "briefings.html", v.paged_common(common, &p), ctx)
    }
}
