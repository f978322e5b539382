//! The view from one page: everything a page kind needs to build its context, with every link
//! already relative to that page and written in the site's link style (`common`, briefing
//! and entity entries, events, source references), and the rendering of its template.

use super::context::*;
use super::labels::Labels;
use super::pages::{briefing, entity, tag};
use super::table::TABLE;
use super::{Cx, RenderError, date_info, full_date_info, tlp_info};
use crate::entities::EntityId;
use crate::frontmatter::{Briefing, Event};
use crate::index::events::briefings_of;
use crate::index::{BriefingIdx, EventNo, EventRef};
use crate::markdown::RootRelative;
use crate::pipeline::Site;
use crate::url::{LinkStyle, UrlPath};
use std::collections::BTreeMap;

pub struct View<'a> {
    pub site: &'a Site,
    pub url: UrlPath,
    /// The way to the site root (`../../`).
    pub root: String,
    /// The site's language.
    pub lang: &'a str,
    pub t: &'static Labels,
    style: LinkStyle,
}

impl<'a> View<'a> {
    pub fn new(site: &'a Site, url: UrlPath) -> View<'a> {
        let lang = site.config.language.as_str();
        View {
            site,
            root: url.root_prefix(),
            url,
            lang,
            t: Labels::for_language(lang),
            style: site.config.link_style,
        }
    }

    pub fn href(&self, target: &UrlPath) -> String {
        self.url.href_to(target, self.style)
    }

    /// A link to `target`, which may be this very page (`./`).
    pub fn href_self_or(&self, target: &UrlPath) -> String {
        match (target == &self.url, self.style) {
            (true, LinkStyle::Directory) if self.url.is_dir() => "./".to_string(),
            (true, LinkStyle::File) if self.url.is_dir() => "index.html".to_string(),
            _ => self.href(target),
        }
    }

    /// Rendered Markdown for this page.
    pub fn md(&self, html: &RootRelative) -> String {
        html.at_in(&self.root, self.style)
    }

    /// Renders `template` with `ctx`, which gets `extra` (FORMAT.md section 5) and `common`.
    pub fn render(
        &self,
        cx: Cx,
        template: &str,
        common: Common,
        mut ctx: tera::Context,
    ) -> Result<Vec<u8>, RenderError> {
        ctx.insert("extra", &self.site.config.extra);
        ctx.insert("common", &common);
        cx.templates
            .render(template, &ctx)
            .map(String::into_bytes)
            .map_err(|message| RenderError { template: cx.templates.origin(template), message })
    }

    /// The values every template receives.
    pub fn common(
        &self,
        title: String,
        kind: &'static str,
        feed: Option<UrlPath>,
        lang: Option<&str>,
    ) -> Common<'a> {
        let c = &self.site.config;
        let nav: Vec<_> = TABLE
            .iter()
            .filter_map(|k| Some((k.nav()?, k.url(self.site, super::table::Key::ONLY))))
            .collect();
        let mut links: BTreeMap<&'static str, String> =
            nav.iter().map(|(n, url)| (n.key, self.href(url))).collect();
        links.insert("home", self.href(&UrlPath::root()));
        links.insert("search", self.href(&super::pages::search::url()));
        Common {
            site: SiteInfo {
                title: &c.title,
                lang: &c.language,
                base_url: c.base_url.as_deref(),
                base_path: c.base_path(),
                extra: &c.extra,
                feed: self.href(&super::feeds::site_feed_url()),
            },
            t: self.t,
            root: self.root.clone(),
            page: PageInfo {
                title,
                path: self.url.to_string(),
                canonical: c.base_url.as_ref().map(|_| c.absolute(self.url.as_str())),
                kind,
                feed: feed.map(|f| self.href(&f)),
                lang: lang.unwrap_or(&c.language).to_string(),
                prev: None,
                next: None,
            },
            pages: {
                let mut v: Vec<Link> = self
                    .site
                    .pages
                    .iter()
                    .map(|p| Link { href: self.href(&super::pages::free::url(p)), title: p.title.clone() })
                    .collect();
                v.sort_by(|a, b| a.title.cmp(&b.title));
                v
            },
            nav: nav
                .iter()
                .map(|(n, url)| NavItem {
                    href: self.href(url),
                    title: (n.label)(self.t),
                    active: n.active.contains(&kind),
                })
                .collect(),
            links,
        }
    }

    /// `common` of a page of a paged list: with its neighbours for `<link rel>`.
    pub fn paged_common(&self, common: Common<'a>, p: &Pagination) -> Common<'a> {
        let mut common = common;
        common.page.prev = p.prev.clone();
        common.page.next = p.next.clone();
        common
    }

    pub fn tag_links(&self, b: &Briefing) -> Vec<Link> {
        b.tags
            .iter()
            .map(|t| {
                let slug = crate::slug::slugify(t, self.lang);
                Link { href: self.href(&tag::url(&slug)), title: t.clone() }
            })
            .collect()
    }

    pub fn briefing_item(&self, i: BriefingIdx) -> BriefingItem {
        let b = &self.site.briefings[i];
        BriefingItem {
            href: self.href(&briefing::url(self.site, i)),
            title: b.title.clone(),
            slug: b.slug.value.to_string(),
            date: full_date_info(b.date, &b.lang),
            summary_html: self.site.html[i].summary.as_ref().map(|s| self.md(&s.html)),
            tlp: tlp_info(b.tlp, &b.lang),
            tags: self.tag_links(b),
        }
    }

    pub fn entity_link(&self, id: EntityId, role: Option<String>, count: usize) -> EntityLink {
        let e = self.site.registry.get(id);
        EntityLink {
            href: self.site.index.has_page[id.index()].then(|| self.href(&entity::url(e))),
            name: e.name.clone(),
            kind: e.kind.name(),
            role,
            count,
        }
    }

    pub fn source_refs(&self, b: BriefingIdx, srcs: &[usize], on_briefing_page: bool) -> Vec<SourceRef> {
        let br = &self.site.briefings[b];
        srcs.iter()
            .map(|&s| {
                let anchor = format!("#source-{}", s + 1);
                let href = if on_briefing_page {
                    anchor
                } else {
                    format!("{}{anchor}", self.href(&briefing::url(self.site, b)))
                };
                let src = &br.sources[s];
                let title =
                    src.publisher.clone().or_else(|| src.title.clone()).unwrap_or_else(|| src.id.clone());
                SourceRef { n: s + 1, href, title }
            })
            .collect()
    }

    /// An event as its briefing's page shows it: as that briefing reports it, with the other
    /// briefings reporting the same event.
    pub fn event_info(&self, r: EventRef) -> EventInfo {
        let b = &self.site.briefings[r.briefing];
        let e: &Event = &b.events[r.event];
        let (actors, countries) = &self.site.resolved[r.briefing].events[r.event];
        let merged = self.site.index.event(self.site.index.events.of[r.briefing][r.event]);
        EventInfo {
            date: date_info(&e.date, &b.lang),
            title: e.title.clone(),
            id: e.id.as_ref().map(|i| i.value.to_string()),
            planned: e.planned,
            actors: actors.iter().map(|id| self.entity_link(*id, None, 0)).collect(),
            countries: countries.iter().map(|id| self.entity_link(*id, None, 0)).collect(),
            sources: self.source_refs(r.briefing, &e.sources, true),
            briefing: None,
            briefings: Vec::new(),
            also: briefings_of(merged)
                .into_iter()
                .filter(|o| *o != r.briefing)
                .map(|o| self.briefing_link(o))
                .collect(),
        }
    }

    /// A merged event (timeline, year and entity pages).
    pub fn merged_event_info(&self, n: EventNo) -> EventInfo {
        let site = self.site;
        let m = site.index.event(n);
        let lead = m.reports[0];
        let b = &site.briefings[lead.briefing];
        let e: &Event = &b.events[lead.event];
        let mut actors: Vec<EntityId> = Vec::new();
        let mut countries: Vec<EntityId> = Vec::new();
        for r in &m.reports {
            let (a, c) = &site.resolved[r.briefing].events[r.event];
            actors.extend(a.iter().filter(|id| !actors.contains(id)).copied().collect::<Vec<_>>());
            countries.extend(c.iter().filter(|id| !countries.contains(id)).copied().collect::<Vec<_>>());
        }
        let mut reports: Vec<EventReport> = Vec::new();
        for r in &m.reports {
            let ev = &site.briefings[r.briefing].events[r.event];
            let link = self.briefing_link(r.briefing);
            match reports.iter_mut().find(|x| x.href == link.href) {
                Some(x) => x.sources.extend(self.source_refs(r.briefing, &ev.sources, false)),
                None => reports.push(EventReport {
                    href: link.href,
                    title: link.title,
                    sources: self.source_refs(r.briefing, &ev.sources, false),
                }),
            }
        }
        EventInfo {
            date: date_info(&m.date, &b.lang),
            title: e.title.clone(),
            id: m
                .reports
                .iter()
                .find_map(|r| site.briefings[r.briefing].events[r.event].id.as_ref())
                .map(|i| i.value.to_string()),
            planned: m.reports.iter().all(|r| site.briefings[r.briefing].events[r.event].planned),
            actors: actors.iter().map(|id| self.entity_link(*id, None, 0)).collect(),
            countries: countries.iter().map(|id| self.entity_link(*id, None, 0)).collect(),
            sources: self.source_refs(lead.briefing, &e.sources, false),
            briefing: Some(self.briefing_link(lead.briefing)),
            briefings: reports,
            also: Vec::new(),
        }
    }

    /// A link to a briefing with its title.
    pub fn briefing_link(&self, i: BriefingIdx) -> Link {
        Link { href: self.href(&briefing::url(self.site, i)), title: self.site.briefings[i].title.clone() }
    }
}
