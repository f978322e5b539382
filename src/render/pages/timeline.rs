//! `/timeline/`: the years that have events, with their counts, each linked to its year page;
//! on a small timeline the events themselves as well.

use super::year;
use crate::index::EventNo;
use crate::pipeline::Site;
use crate::render::context::YearInfo;
use crate::render::table::{Key, Nav, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError};
use crate::url::UrlPath;

/// Up to this many events in all, the timeline page shows them, not only their years.
pub const INLINE_EVENTS_MAX: usize = 200;

pub struct Timeline;

impl OutputKind for Timeline {
    fn name(&self) -> &'static str {
        "timeline"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["timeline"]
    }

    fn nav(&self) -> Option<Nav> {
        Some(Nav { key: "timeline", label: |t| t.timeline, active: &["timeline", "year"] })
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, _site: &Site) -> Vec<Key> {
        vec![Key::ONLY]
    }

    fn url(&self, _site: &Site, _key: Key) -> UrlPath {
        UrlPath::dir("timeline")
    }

    fn route(&self, _site: &Site, path: &[&str]) -> Option<Key> {
        (dir(path)? == ["timeline"]).then_some(Key::ONLY)
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let v = View::new(site, self.url(site, key));
        let common = v.common(v.t.timeline.to_string(), "timeline", None, None);
        let inline = site.index.event_count <= INLINE_EVENTS_MAX;
        let years: Vec<YearInfo> = site
            .index
            .years()
            .iter()
            .enumerate()
            .map(|(i, y)| {
                let mut info = year::info(&v, i);
                if inline {
                    info.events = y.events.clone().map(|n| v.merged_event_info(EventNo(n as u32))).collect();
                }
                info
            })
            .collect();
        let mut ctx = tera::Context::new();
        ctx.insert("years", &years);
        ctx.insert("count", &site.index.event_count);
        ctx.insert("inline", &inline);
        v.render(cx, "timeline.html", common, ctx)
    }
}
