//! Rendering: turns the indexed site into pages (Tera templates fed typed contexts), feeds and
//! the sitemap, in parallel, handing every file to an output `Sink`.

pub mod context;
pub mod feeds;
pub mod labels;
pub mod routes;
pub mod templates;

use crate::date::{Edtf, display_full};
use crate::diag::{Diagnostics, Pos};
use crate::entities::EntityId;
use crate::frontmatter::{Briefing, EntityKind, Event};
use crate::index::{BriefingIdx, EventRef, entities_of};
use crate::output::{Sink, WriteError};
use crate::pipeline::Site;
use crate::tlp::Tlp;
use crate::url::UrlPath;
use context::*;
use labels::Labels;
use rayon::prelude::*;
use templates::Templates;

/// Entries per kind in an entity's "appears with" lists.
const APPEARS_WITH_MAX: usize = 100;
/// Briefings on the home page.
const HOME_BRIEFINGS: usize = 10;
const HOME_ENTITIES: usize = 12;

/// One page to render.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    Home,
    BriefingList,
    Briefing(BriefingIdx),
    EntityList(EntityKind),
    Entity(EntityId),
    Timeline,
    Sources,
    TagList,
    Tag(usize),
    Page(usize),
    NotFound,
}

impl Job {
    pub fn url(&self, site: &Site) -> UrlPath {
        match self {
            Job::Home => UrlPath::root(),
            Job::BriefingList => UrlPath::dir("briefings"),
            Job::Briefing(i) => UrlPath::dir(format!("briefings/{}", site.briefings[*i].slug.value)),
            Job::EntityList(k) => UrlPath::dir(k.section()),
            Job::Entity(id) => UrlPath::dir(site.registry.get(*id).url()),
            Job::Timeline => UrlPath::dir("timeline"),
            Job::Sources => UrlPath::dir("sources"),
            Job::TagList => UrlPath::dir("tags"),
            Job::Tag(i) => UrlPath::dir(format!("tags/{}", site.index.tags[*i].slug)),
            Job::Page(i) => UrlPath::dir(site.pages[*i].slug.value.as_str()),
            Job::NotFound => UrlPath::file("404.html"),
        }
    }
}

/// Every page of the site.
pub fn all_jobs(site: &Site) -> Vec<Job> {
    let mut jobs =
        vec![Job::Home, Job::BriefingList, Job::Timeline, Job::Sources, Job::TagList, Job::NotFound];
    jobs.extend((0..site.briefings.len()).map(Job::Briefing));
    for k in [EntityKind::Person, EntityKind::Organisation, EntityKind::Country] {
        jobs.push(Job::EntityList(k));
    }
    jobs.extend(
        site.registry.iter().filter(|(id, _)| site.index.has_page[id.index()]).map(|(id, _)| Job::Entity(id)),
    );
    jobs.extend((0..site.index.tags.len()).map(Job::Tag));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs
}

/// Renders and writes every page, feed and the sitemap. Template errors are collected.
pub fn render_site(site: &Site, templates: &Templates, sink: &dyn Sink) -> Diagnostics {
    let jobs = all_jobs(site);
    let mut diags = render_jobs(site, templates, &jobs, sink);
    let feeds = feeds::all_feeds(site);
    let errors: Vec<WriteError> = feeds
        .into_par_iter()
        .filter_map(|(url, xml)| sink.put(&url.output_file(), xml.into_bytes()).err())
        .collect();
    for e in errors {
        e.report(&mut diags);
    }
    if let Err(e) = sink.put("sitemap.xml", feeds::sitemap(site, &jobs).into_bytes()) {
        e.report(&mut diags);
    }
    diags
}

/// Renders a set of pages in parallel.
pub fn render_jobs(site: &Site, templates: &Templates, jobs: &[Job], sink: &dyn Sink) -> Diagnostics {
    let errors: Vec<(String, Pos, String, String)> = jobs
        .par_iter()
        .filter_map(|job| {
            let url = job.url(site);
            let started = std::time::Instant::now();
            let page = render_page(site, templates, job);
            crate::timing::slow(&url.to_string(), started);
            match page {
                Ok(html) => sink
                    .put(&url.output_file(), html.into_bytes())
                    .err()
                    .map(|e| (e.location(), Pos::START, e.message(), String::new())),
                Err((tpl, msg)) => {
                    let (path, pos, msg) = templates.error_at(&tpl, &msg);
                    Some((path, pos, msg, url.to_string()))
                }
            }
        })
        .collect();
    // A template mistake fails every page using it: one line per mistake, naming one page.
    let mut seen: std::collections::BTreeMap<(String, Pos, String), (String, usize)> = Default::default();
    for (path, pos, msg, url) in errors {
        let e = seen.entry((path, pos, msg)).or_insert((url, 0));
        e.1 += 1;
    }
    let mut diags = Diagnostics::new();
    for ((path, pos, msg), (url, n)) in seen {
        let pages = match n {
            1 if url.is_empty() => String::new(),
            1 => format!(" (rendering {url})"),
            2 => format!(" (rendering {url} and 1 more page)"),
            n => format!(" (rendering {url} and {} more pages)", n - 1),
        };
        diags.error(&path, pos, format!("{msg}{pages}"));
    }
    diags
}

/// One page's HTML; on failure, the template file and the message.
pub fn render_page(site: &Site, templates: &Templates, job: &Job) -> Result<String, (String, String)> {
    let url = job.url(site);
    Renderer::new(site, &url).render(job, templates)
}

pub fn date_info(d: &Edtf, lang: &str) -> DateInfo {
    DateInfo { display: d.display(lang), iso: d.machine(), edtf: d.edtf() }
}

pub fn full_date_info(d: jiff::civil::Date, lang: &str) -> DateInfo {
    let iso = d.strftime("%Y-%m-%d").to_string();
    DateInfo { display: display_full(d, lang), iso: iso.clone(), edtf: iso }
}

pub fn tlp_info(t: Tlp, lang: &str) -> TlpInfo {
    TlpInfo { label: t.label(), class: t.css(), meaning: t.meaning(lang) }
}

/// Builds contexts for one page: knows the page's URL, so every link comes out relative.
struct Renderer<'a> {
    site: &'a Site,
    url: &'a UrlPath,
    root: String,
    lang: &'a str,
    t: &'static Labels,
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, url: &'a UrlPath) -> Self {
        let lang = site.config.language.as_str();
        Renderer { site, url, root: url.root_prefix(), lang, t: Labels::for_language(lang) }
    }

    fn href(&self, target: &UrlPath) -> String {
        self.url.href_to(target)
    }

    fn common(
        &self,
        title: String,
        kind: &'static str,
        feed: Option<UrlPath>,
        lang: Option<&str>,
    ) -> Common<'a> {
        let c = &self.site.config;
        let nav_items: [(&str, &'static str, &[&str]); 7] = [
            ("briefings", self.t.briefings, &["briefings", "briefing"]),
            ("people", self.t.people, &["people", "person"]),
            ("organisations", self.t.organisations, &["organisations", "organisation"]),
            ("countries", self.t.countries, &["countries", "country"]),
            ("timeline", self.t.timeline, &["timeline"]),
            ("sources", self.t.sources, &["sources"]),
            ("tags", self.t.tags, &["tags", "tag"]),
        ];
        Common {
            site: SiteInfo {
                title: &c.title,
                lang: &c.language,
                base_url: c.base_url.as_deref(),
                base_path: c.base_path(),
                extra: &c.extra,
                feed: self.href(&UrlPath::file("atom.xml")),
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
            },
            pages: {
                let mut v: Vec<Link> = self
                    .site
                    .pages
                    .iter()
                    .map(|p| Link {
                        href: self.href(&UrlPath::dir(p.slug.value.as_str())),
                        title: p.title.clone(),
                    })
                    .collect();
                v.sort_by(|a, b| a.title.cmp(&b.title));
                v
            },
            nav: nav_items
                .iter()
                .map(|(path, title, kinds)| NavItem {
                    href: self.href(&UrlPath::dir(path)),
                    title,
                    active: kinds.contains(&kind),
                })
                .collect(),
        }
    }

    fn briefing_url(&self, i: BriefingIdx) -> UrlPath {
        UrlPath::dir(format!("briefings/{}", self.site.briefings[i].slug.value))
    }

    fn tag_links(&self, b: &Briefing) -> Vec<Link> {
        b.tags
            .iter()
            .map(|t| {
                let slug = crate::slug::slugify(t, self.lang);
                Link { href: self.href(&UrlPath::dir(format!("tags/{slug}"))), title: t.clone() }
            })
            .collect()
    }

    fn briefing_item(&self, i: BriefingIdx) -> BriefingItem {
        let b = &self.site.briefings[i];
        BriefingItem {
            href: self.href(&self.briefing_url(i)),
            title: b.title.clone(),
            slug: b.slug.value.to_string(),
            date: full_date_info(b.date, &b.lang),
            summary_html: self.site.html[i].summary.as_ref().map(|s| s.html.at(&self.root)),
            tlp: tlp_info(b.tlp, &b.lang),
            tags: self.tag_links(b),
        }
    }

    fn entity_link(&self, id: EntityId, role: Option<String>, count: usize) -> EntityLink {
        let e = self.site.registry.get(id);
        EntityLink {
            href: self.site.index.has_page[id.index()].then(|| self.href(&UrlPath::dir(e.url()))),
            name: e.name.clone(),
            kind: e.kind.name(),
            role,
            count,
        }
    }

    fn source_refs(&self, b: BriefingIdx, srcs: &[usize], on_briefing_page: bool) -> Vec<SourceRef> {
        let br = &self.site.briefings[b];
        srcs.iter()
            .map(|&s| {
                let anchor = format!("#source-{}", s + 1);
                let href = if on_briefing_page {
                    anchor
                } else {
                    format!("{}{anchor}", self.href(&self.briefing_url(b)))
                };
                let src = &br.sources[s];
                let title =
                    src.publisher.clone().or_else(|| src.title.clone()).unwrap_or_else(|| src.id.clone());
                SourceRef { n: s + 1, href, title }
            })
            .collect()
    }

    fn event_info(&self, r: EventRef, on_briefing_page: bool) -> EventInfo {
        let b = &self.site.briefings[r.briefing];
        let e: &Event = &b.events[r.event];
        let (actors, countries) = &self.site.resolved[r.briefing].events[r.event];
        EventInfo {
            date: date_info(&e.date, &b.lang),
            title: e.title.clone(),
            actors: actors.iter().map(|id| self.entity_link(*id, None, 0)).collect(),
            countries: countries.iter().map(|id| self.entity_link(*id, None, 0)).collect(),
            sources: self.source_refs(r.briefing, &e.sources, on_briefing_page),
            briefing: (!on_briefing_page)
                .then(|| Link { href: self.href(&self.briefing_url(r.briefing)), title: b.title.clone() }),
        }
    }

    fn render(&self, job: &Job, tpl: &Templates) -> Result<String, (String, String)> {
        let mut ctx = tera::Context::new();
        let site = self.site;
        // FORMAT.md section 5: `[extra]` reaches every template as `extra`.
        ctx.insert("extra", &site.config.extra);
        let t = self.t;
        let template = match job {
            Job::Home => {
                ctx.insert(
                    "common",
                    &self.common(site.config.title.clone(), "home", Some(UrlPath::file("atom.xml")), None),
                );
                let items: Vec<BriefingItem> =
                    (0..site.briefings.len().min(HOME_BRIEFINGS)).map(|i| self.briefing_item(i)).collect();
                ctx.insert("briefings", &items);
                for (key, kind) in [
                    ("people", EntityKind::Person),
                    ("organisations", EntityKind::Organisation),
                    ("countries", EntityKind::Country),
                ] {
                    let mut v = entities_of(&site.index, &site.registry, kind);
                    v.retain(|(_, n)| *n > 0);
                    v.sort_by(|a, b| {
                        b.1.cmp(&a.1)
                            .then_with(|| site.registry.get(a.0).name.cmp(&site.registry.get(b.0).name))
                    });
                    v.truncate(HOME_ENTITIES);
                    let links: Vec<EntityLink> =
                        v.into_iter().map(|(id, n)| self.entity_link(id, None, n)).collect();
                    ctx.insert(key, &links);
                }
                ctx.insert("counts", &self.counts());
                "index.html"
            }
            Job::BriefingList => {
                ctx.insert(
                    "common",
                    &self.common(t.briefings.to_string(), "briefings", Some(UrlPath::file("atom.xml")), None),
                );
                let items: Vec<BriefingItem> =
                    (0..site.briefings.len()).map(|i| self.briefing_item(i)).collect();
                ctx.insert("briefings", &items);
                "briefings.html"
            }
            Job::Briefing(i) => {
                let b = &site.briefings[*i];
                ctx.insert("common", &self.common(b.title.clone(), "briefing", None, Some(&b.lang)));
                ctx.insert("briefing", &self.briefing_info(*i));
                "briefing.html"
            }
            Job::EntityList(kind) => {
                let (title, kind_name) = match kind {
                    EntityKind::Person => (t.people, "people"),
                    EntityKind::Organisation => (t.organisations, "organisations"),
                    EntityKind::Country => (t.countries, "countries"),
                };
                ctx.insert("common", &self.common(title.to_string(), kind_name, None, None));
                let mut v = entities_of(&site.index, &site.registry, *kind);
                v.sort_by(|a, b| {
                    let (x, y) = (site.registry.get(a.0), site.registry.get(b.0));
                    x.name.to_lowercase().cmp(&y.name.to_lowercase()).then_with(|| x.id.cmp(&y.id))
                });
                let links: Vec<EntityLink> =
                    v.into_iter().map(|(id, n)| self.entity_link(id, None, n)).collect();
                ctx.insert("kind", kind.name());
                ctx.insert("entities", &links);
                "entities.html"
            }
            Job::Entity(id) => {
                let e = site.registry.get(*id);
                let feed = UrlPath::file(format!("{}atom.xml", e.url()));
                ctx.insert("common", &self.common(e.name.clone(), e.kind.name(), Some(feed), None));
                self.entity_context(*id, &mut ctx);
                "entity.html"
            }
            Job::Timeline => {
                ctx.insert("common", &self.common(t.timeline.to_string(), "timeline", None, None));
                let mut years: Vec<YearGroup> = Vec::new();
                for r in site.index.timeline(&site.briefings) {
                    let year = site.briefings[r.briefing].events[r.event].date.start().year();
                    let ev = self.event_info(*r, false);
                    match years.last_mut() {
                        Some(g) if g.year == year => g.events.push(ev),
                        _ => years.push(YearGroup { year, events: vec![ev] }),
                    }
                }
                ctx.insert("years", &years);
                ctx.insert("count", &site.index.event_count);
                "timeline.html"
            }
            Job::Sources => {
                ctx.insert("common", &self.common(t.sources.to_string(), "sources", None, None));
                ctx.insert("publishers", &self.publishers());
                "sources.html"
            }
            Job::TagList => {
                ctx.insert("common", &self.common(t.tags.to_string(), "tags", None, None));
                let tags: Vec<TagInfo> = site
                    .index
                    .tags
                    .iter()
                    .map(|tag| TagInfo {
                        name: tag.name.clone(),
                        href: self.href(&UrlPath::dir(format!("tags/{}", tag.slug))),
                        count: tag.briefings.len(),
                    })
                    .collect();
                ctx.insert("tags", &tags);
                "tags.html"
            }
            Job::Tag(i) => {
                let tag = &site.index.tags[*i];
                ctx.insert("common", &self.common(tag.name.clone(), "tag", None, None));
                ctx.insert(
                    "tag",
                    &TagInfo { name: tag.name.clone(), href: "./".into(), count: tag.briefings.len() },
                );
                let items: Vec<BriefingItem> = tag.briefings.iter().map(|b| self.briefing_item(*b)).collect();
                ctx.insert("briefings", &items);
                "tag.html"
            }
            Job::Page(i) => {
                let p = &site.pages[*i];
                ctx.insert("common", &self.common(p.title.clone(), "page", None, None));
                ctx.insert("content", &site.page_html[*i].html.at(&self.root));
                "page.html"
            }
            Job::NotFound => {
                ctx.insert("common", &self.common(t.not_found.to_string(), "404", None, None));
                "404.html"
            }
        };
        tpl.render(template, &ctx).map_err(|e| (tpl.origin(template), e))
    }

    fn counts(&self) -> Counts {
        let s = self.site;
        let n = |k| entities_of(&s.index, &s.registry, k).len();
        Counts {
            briefings: s.briefings.len(),
            people: n(EntityKind::Person),
            organisations: n(EntityKind::Organisation),
            countries: n(EntityKind::Country),
            events: s.index.event_count,
            sources: s.briefings.iter().map(|b| b.sources.len()).sum(),
        }
    }

    fn briefing_info(&self, i: BriefingIdx) -> BriefingInfo {
        let site = self.site;
        let b = &site.briefings[i];
        let h = &site.html[i];
        let r = &site.resolved[i];
        let lang = b.lang.as_str();
        BriefingInfo {
            title: b.title.clone(),
            slug: b.slug.value.to_string(),
            lang: b.lang.clone(),
            date: full_date_info(b.date, lang),
            updated: b.updated.map(|d| full_date_info(d, lang)),
            tlp: tlp_info(b.tlp, lang),
            draft: b.draft,
            summary_html: h.summary.as_ref().map(|s| s.html.at(&self.root)),
            key_judgments: b
                .key_judgments
                .iter()
                .zip(&h.judgments)
                .map(|(k, html)| JudgmentInfo {
                    text_html: html.html.at(&self.root),
                    likelihood: k.likelihood.map(|l| l.term()),
                    likelihood_label: k.likelihood.map(|l| Labels::likelihood(lang, l.term())),
                    likelihood_range: k.likelihood.map(|l| l.range()),
                    confidence: k.confidence.map(|c| c.term()),
                    confidence_label: k.confidence.map(|c| match c {
                        crate::frontmatter::Confidence::Low => self.t.confidence_low,
                        crate::frontmatter::Confidence::Moderate => self.t.confidence_moderate,
                        crate::frontmatter::Confidence::High => self.t.confidence_high,
                    }),
                    sources: self.source_refs(i, &k.sources, true),
                })
                .collect(),
            actors: r.actors.iter().map(|a| self.entity_link(a.entity, a.role.clone(), 0)).collect(),
            countries: r.countries.iter().map(|c| self.entity_link(*c, None, 0)).collect(),
            events: {
                let mut evs: Vec<usize> = (0..b.events.len()).collect();
                evs.sort_by(|x, y| b.events[*x].date.cmp(&b.events[*y].date).then(x.cmp(y)));
                evs.into_iter().map(|e| self.event_info(EventRef { briefing: i, event: e }, true)).collect()
            },
            body_html: h.body.html.at(&self.root),
            sources: b
                .sources
                .iter()
                .enumerate()
                .map(|(n, s)| {
                    let grade = match (s.reliability, s.credibility) {
                        (None, None) => None,
                        (r, c) => Some(format!(
                            "{}{}",
                            r.map(String::from).unwrap_or_default(),
                            c.map(|c| c.to_string()).unwrap_or_default()
                        )),
                    };
                    SourceInfo {
                        n: n + 1,
                        anchor: format!("source-{}", n + 1),
                        id: s.id.clone(),
                        publisher: s.publisher.clone(),
                        title: s.title.clone(),
                        url: s.url.clone(),
                        author: s.author.clone(),
                        published: s.published.as_ref().map(|d| date_info(d, lang)),
                        accessed: s.accessed.as_ref().map(|d| date_info(d, lang)),
                        lang: s.lang.clone(),
                        archive: s.archive.clone(),
                        grade,
                        reliability: s.reliability.map(String::from),
                        reliability_meaning: s.reliability.map(|r| Labels::reliability(lang, r)),
                        credibility: s.credibility,
                        credibility_meaning: s.credibility.map(|c| Labels::credibility(lang, c)),
                    }
                })
                .collect(),
            backlinks: site.index.backlinks[i].iter().map(|b| self.briefing_item(*b)).collect(),
            related: site.related[i].iter().map(|b| self.briefing_item(*b)).collect(),
            tags: self.tag_links(b),
        }
    }

    fn entity_context(&self, id: EntityId, ctx: &mut tera::Context) {
        let site = self.site;
        let e = site.registry.get(id);
        let file = e.file.map(|f| &site.entity_files[f]);
        let info = EntityInfo {
            kind: e.kind.name(),
            id: e.id.to_string(),
            name: e.name.clone(),
            aliases: e.aliases.iter().filter(|a| **a != e.name).cloned().collect(),
            role: file.and_then(|f| f.role.clone()),
            since: file.and_then(|f| f.since.as_ref()).map(|d| date_info(d, self.lang)),
            wikidata: file.and_then(|f| f.wikidata.clone()),
            wikidata_url: file
                .and_then(|f| f.wikidata.as_ref())
                .map(|q| format!("https://www.wikidata.org/wiki/{q}")),
            code: e.country.map(|c| c.to_string()),
            alpha3: e.alpha3.map(String::from),
            english_name: e.english_name.filter(|n| *n != e.name).map(String::from),
            countries: e.countries.iter().map(|c| self.entity_link(*c, None, 0)).collect(),
            profile_html: site.entity_html.get(&id).map(|r| r.html.at(&self.root)),
            feed: "atom.xml".to_string(),
        };
        ctx.insert("entity", &info);
        let items: Vec<BriefingItem> =
            site.index.entity_briefings[id.index()].iter().map(|b| self.briefing_item(*b)).collect();
        ctx.insert("briefings", &items);
        let events: Vec<EventInfo> =
            site.index.entity_events[id.index()].iter().map(|r| self.event_info(*r, false)).collect();
        ctx.insert("events", &events);
        let appears_with = site.index.appears_with(id, &site.registry);
        for (key, kind) in [
            ("people", EntityKind::Person),
            ("organisations", EntityKind::Organisation),
            ("countries", EntityKind::Country),
        ] {
            let v: Vec<EntityLink> = appears_with
                .iter()
                .filter(|(o, _)| site.registry.get(*o).kind == kind)
                .take(APPEARS_WITH_MAX)
                .map(|(o, n)| self.entity_link(*o, None, *n as usize))
                .collect();
            ctx.insert(key, &v);
        }
    }

    fn publishers(&self) -> Vec<PublisherInfo> {
        let site = self.site;
        site.index
            .publishers(&site.briefings, self.lang)
            .iter()
            .map(|p| PublisherInfo {
                name: p.name.clone(),
                anchor: format!("publisher-{}", if p.slug.is_empty() { "x" } else { &p.slug }),
                sources: p
                    .groups
                    .iter()
                    .map(|g| {
                        let (b0, s0) = g.citations[0];
                        let first = &site.briefings[b0].sources[s0];
                        let mut grades: Vec<String> = Vec::new();
                        let mut briefings: Vec<Link> = Vec::new();
                        for &(b, s) in &g.citations {
                            let src = &site.briefings[b].sources[s];
                            if let (Some(r), Some(c)) = (src.reliability, src.credibility) {
                                let gr = format!("{r}{c}");
                                if !grades.contains(&gr) {
                                    grades.push(gr);
                                }
                            }
                            let href = format!("{}#source-{}", self.href(&self.briefing_url(b)), s + 1);
                            if !briefings.iter().any(|l| l.href == href) {
                                briefings.push(Link { href, title: site.briefings[b].title.clone() });
                            }
                        }
                        CitedSource {
                            title: first
                                .title
                                .clone()
                                .or_else(|| first.url.clone())
                                .unwrap_or_else(|| first.id.clone()),
                            url: first.url.clone(),
                            author: first.author.clone(),
                            published: first.published.as_ref().map(|d| date_info(d, self.lang)),
                            grades,
                            briefings,
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}
