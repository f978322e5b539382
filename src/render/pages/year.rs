//! `/timeline/<yyyy>/`: every event of one year, oldest first, at its own precision, linked to
//! the briefing that reports it; `paginate` a page (`/timeline/<yyyy>/page/<n>/`). Years
//! before 1 BCE have a minus sign (`/timeline/-0500/`), as EDTF writes them.

use crate::date::{parse_year_segment, year_label, year_segment};
use crate::index::EventNo;
use crate::pipeline::Site;
use crate::render::context::{EventInfo, Link, YearInfo};
use crate::render::table::{Key, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError, paging};
use crate::url::UrlPath;

pub struct YearPage;

/// The first page of a year.
pub fn url(year: i16) -> UrlPath {
    UrlPath::dir(format!("timeline/{}", year_segment(year)))
}

/// Year `i` of the timeline, without its events.
pub fn info(v: &View, i: usize) -> YearInfo {
    let y = &v.site.index.years()[i];
    YearInfo {
        year: y.year,
        label: year_label(y.year, v.lang),
        segment: year_segment(y.year),
        href: v.href_self_or(&url(y.year)),
        count: y.events.len(),
        events: Vec::new(),
    }
}

impl OutputKind for YearPage {
    fn name(&self) -> &'static str {
        "year"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["timeline"]
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        let per = site.config.paginate;
        let years = site.index.years();
        years.iter().enumerate().flat_map(|(i, y)| paging::keys(i, y.events.len(), per)).collect()
    }

    fn url(&self, site: &Site, key: Key) -> UrlPath {
        paging::url(url(site.index.years()[key.index()].year), key.page)
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        let (list, page) = paging::split(dir(path)?);
        let ["timeline", segment] = list else { return None };
        let year = parse_year_segment(segment)?;
        let years = site.index.years();
        let i = years.binary_search_by_key(&year, |y| y.year).ok()?;
        paging::exists(page, years[i].events.len(), site.config.paginate).then_some(Key::paged(i, page))
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let years = site.index.years();
        let y = &years[key.index()];
        let v = View::new(site, self.url(site, key));
        let label = year_label(y.year, v.lang);
        let common = v.common(format!("{} {label}", v.t.timeline), "year", None, None);
        let per = site.config.paginate;
        let p = paging::pagination(&v, &url(y.year), key.page, y.events.len(), per);
        let shown = key.page.range(per, y.events.len());
        let events: Vec<EventInfo> = (y.events.start + shown.start..y.events.start + shown.end)
            .map(|n| v.merged_event_info(EventNo(n as u32)))
            .collect();
        let neighbour = |j: Option<usize>| {
            j.and_then(|j| years.get(j))
                .map(|n| Link { href: v.href(&url(n.year)), title: year_label(n.year, v.lang) })
        };
        let mut ctx = tera::Context::new();
        ctx.insert("year", &info(&v, key.index()));
        ctx.insert("events", &events);
        ctx.insert("pagination", &p);
        ctx.insert("previous_year", &neighbour(key.index().checked_sub(1)));
        ctx.insert("next_year", &neighbour(Some(key.index() + 1)));
        v.render(cx, "year.html", v.paged_common(common, &p), ctx)
    }
}
