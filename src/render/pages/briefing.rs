//! `/briefings/<slug>/`: one briefing with its TLP banner, summary, key judgments, actors,
//! countries, events, body, graded sources, backlinks and related briefings.

use crate::frontmatter::Confidence;
use crate::index::{BriefingIdx, EventRef};
use crate::pipeline::Site;
use crate::render::context::{BriefingInfo, JudgmentInfo, SourceInfo};
use crate::render::labels::Labels;
use crate::render::table::{Key, OutputKind, dir};
use crate::render::view::View;
use crate::render::{Cx, RenderError, date_info, full_date_info, tlp_info};
use crate::url::UrlPath;

pub struct BriefingPage;

/// The page of briefing `i`.
pub fn url(site: &Site, i: BriefingIdx) -> UrlPath {
    UrlPath::dir(format!("briefings/{}", site.briefings[i].slug.value))
}

impl OutputKind for BriefingPage {
    fn name(&self) -> &'static str {
        "briefing"
    }

    fn roots(&self) -> &'static [&'static str] {
        &["briefings"]
    }

    fn in_sitemap(&self) -> bool {
        true
    }

    fn lastmod(&self, site: &Site, key: Key) -> Option<String> {
        let b = &site.briefings[key.index()];
        Some(b.updated.unwrap_or(b.date).max(b.date).strftime("%Y-%m-%d").to_string())
    }

    fn keys(&self, site: &Site) -> Vec<Key> {
        (0..site.briefings.len()).map(Key::item).collect()
    }

    fn url(&self, site: &Site, key: Key) -> UrlPath {
        url(site, key.index())
    }

    fn route(&self, site: &Site, path: &[&str]) -> Option<Key> {
        match dir(path)? {
            ["briefings", slug] => site.by_slug.get(*slug).map(|i| Key::item(*i)),
            _ => None,
        }
    }

    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError> {
        let site = cx.site;
        let b = &site.briefings[key.index()];
        let v = View::new(site, url(site, key.index()));
        let common = v.common(b.title.clone(), "briefing", None, Some(&b.lang));
        let mut ctx = tera::Context::new();
        ctx.insert("briefing", &info(&v, key.index()));
        v.render(cx, "briefing.html", common, ctx)
    }
}

fn info(v: &View, i: BriefingIdx) -> BriefingInfo {
    let site = v.site;
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
        summary_html: h.summary.as_ref().map(|s| v.md(&s.html)),
        key_judgments: b
            .key_judgments
            .iter()
            .zip(&h.judgments)
            .map(|(k, html)| JudgmentInfo {
                text_html: v.md(&html.html),
                likelihood: k.likelihood.map(|l| l.term()),
                likelihood_label: k.likelihood.map(|l| Labels::likelihood(lang, l.term())),
                likelihood_range: k.likelihood.map(|l| l.range()),
                confidence: k.confidence.map(|c| c.term()),
                confidence_label: k.confidence.map(|c| match c {
                    Confidence::Low => v.t.confidence_low,
                    Confidence::Moderate => v.t.confidence_moderate,
                    Confidence::High => v.t.confidence_high,
                }),
                sources: v.source_refs(i, &k.sources, true),
            })
            .collect(),
        actors: r.actors.iter().map(|a| v.entity_link(a.entity, a.role.clone(), 0)).collect(),
        countries: r.countries.iter().map(|c| v.entity_link(*c, None, 0)).collect(),
        events: {
            let mut evs: Vec<usize> = (0..b.events.len()).collect();
            evs.sort_by(|x, y| b.events[*x].date.cmp(&b.events[*y].date).then(x.cmp(y)));
            evs.into_iter().map(|e| v.event_info(EventRef { briefing: i, event: e })).collect()
        },
        body_html: v.md(&h.body.html),
        sources: sources(v, i),
        backlinks: site.index.backlinks[i].iter().map(|b| v.briefing_item(*b)).collect(),
        related: site.related[i].iter().map(|b| v.briefing_item(*b)).collect(),
        tags: v.tag_links(b),
    }
}

fn sources(v: &View, i: BriefingIdx) -> Vec<SourceInfo> {
    let b = &v.site.briefings[i];
    let lang = b.lang.as_str();
    b.sources
        .iter()
        .enumerate()
        .map(|(n, s)| SourceInfo {
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
            grade: super::publisher::grade(s.reliability, s.credibility),
            reliability: s.reliability.map(String::from),
            reliability_default: s.reliability_default,
            publisher_href: super::publisher::url_of_citation(v.site, i, n).map(|u| v.href(&u)),
            reliability_meaning: s.reliability.map(|r| Labels::reliability(lang, r)),
            credibility: s.credibility,
            credibility_meaning: s.credibility.map(|c| Labels::credibility(lang, c)),
        })
        .collect()
}
