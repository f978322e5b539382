//! The pipeline: the order of the build's stages, in one place.
//!
//! config → load → front matter → gate → entities → markdown → index → render → output.
//! Each stage is a function from the previous stage's typed output to its own; `build`,
//! `check` and `serve` all go through `load_site` and `render::render_site`.

use crate::config::Config;
use crate::diag::{Diagnostics, Pos};
use crate::entities::{self, EntityId, Registry, Resolved};
use crate::frontmatter::{self, Briefing, Defaults, Document, EntityFile, Page};
use crate::index::{self, Index};
use crate::load;
use crate::markdown::{self, LinkEnv, Place, Rendered};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// URL segments at the site root that free pages may not take.
pub const RESERVED_ROOTS: &[&str] = &[
    "briefings",
    "people",
    "organisations",
    "countries",
    "timeline",
    "sources",
    "tags",
    "atom.xml",
    "sitemap.xml",
    "404.html",
    "index.html",
    "static",
    "search",
];

/// A briefing's rendered Markdown parts.
#[derive(Debug, Clone, Default)]
pub struct BriefingHtml {
    pub body: Rendered,
    pub summary: Option<Rendered>,
    pub judgments: Vec<Rendered>,
}

/// Everything a build knows after the content stages; rendering reads only this.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Published briefings, newest first (date, then slug).
    pub briefings: Vec<Briefing>,
    pub pages: Vec<Page>,
    pub entity_files: Vec<EntityFile>,
    pub registry: Registry,
    pub resolved: Vec<Resolved>,
    /// Per briefing: its `related` entries resolved.
    pub related: Vec<Vec<usize>>,
    pub html: Vec<BriefingHtml>,
    /// Per entity: the profile body of its registry file.
    pub entity_html: HashMap<EntityId, Rendered>,
    pub page_html: Vec<Rendered>,
    pub index: Index,
}

/// Front matter of every file, sorted into kinds.
#[derive(Debug, Default)]
pub struct Parsed {
    pub briefings: Vec<Briefing>,
    pub entity_files: Vec<EntityFile>,
    pub pages: Vec<Page>,
}

/// Stage 1–2: read the content folder and parse every file's front matter, in parallel.
pub fn parse_content(config: &Config, diags: &mut Diagnostics) -> Parsed {
    let found = load::discover(&config.root, diags);
    let (files, d) = load::read_all(found);
    diags.extend(d);
    let defaults = Defaults { language: &config.language, tlp: config.default_tlp };
    let results: Vec<(Option<Document>, Diagnostics)> = files
        .par_iter()
        .map(|f| {
            let mut d = Diagnostics::new();
            (frontmatter::parse(f, &defaults, &mut d), d)
        })
        .collect();
    let mut parsed = Parsed::default();
    for (doc, d) in results {
        diags.extend(d);
        match doc {
            Some(Document::Briefing(b)) => parsed.briefings.push(*b),
            Some(Document::Entity(e)) => parsed.entity_files.push(*e),
            Some(Document::Page(p)) => parsed.pages.push(*p),
            None => {}
        }
    }
    parsed
}

/// Stage 3: the publishing gate. Withheld briefings are dropped here, before any later stage
/// can see them; only their slugs remain, so links to them are reported instead of leaked.
pub fn gate(
    config: &Config,
    parsed: Parsed,
    diags: &mut Diagnostics,
) -> (Vec<Briefing>, Vec<Page>, Vec<EntityFile>, HashSet<String>) {
    // Two briefings on one URL: both files get the error, each naming the other.
    let mut slugs: HashMap<&str, Vec<&Briefing>> = HashMap::new();
    for b in &parsed.briefings {
        slugs.entry(b.slug.value.as_str()).or_default().push(b);
    }
    for (slug, bs) in slugs.iter().filter(|(_, bs)| bs.len() > 1) {
        for b in bs {
            let others: Vec<&str> = bs.iter().filter(|o| o.rel != b.rel).map(|o| o.rel.as_str()).collect();
            diags.error(
                &b.rel,
                b.slug.pos,
                format!(
                    "slug \"{slug}\" is also used by {}: both would be /briefings/{slug}/",
                    others.join(", ")
                ),
            );
        }
    }
    let (mut published, withheld): (Vec<Briefing>, Vec<Briefing>) = parsed
        .briefings
        .into_iter()
        .partition(|b| (config.drafts || !b.draft) && b.tlp <= config.publish_tlp);
    let withheld: HashSet<String> = withheld.into_iter().map(|b| b.slug.value.to_string()).collect();
    published.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.value.cmp(&b.slug.value)));

    let mut page_slugs: HashMap<String, String> = HashMap::new();
    let mut pages = Vec::new();
    for p in parsed.pages {
        if p.draft && !config.drafts {
            continue;
        }
        let s = p.slug.value.to_string();
        if RESERVED_ROOTS.contains(&s.as_str()) {
            diags.error(
                &p.rel,
                p.slug.pos,
                format!("the page slug \"{s}\" is taken by the site's own /{s}/"),
            );
            continue;
        }
        if let Some(other) = page_slugs.insert(s.clone(), p.rel.clone()) {
            diags.error(
                &p.rel,
                p.slug.pos,
                format!("slug \"{s}\" is also used by {other}: both would be /{s}/"),
            );
            continue;
        }
        pages.push(p);
    }
    pages.sort_by(|a, b| a.slug.value.cmp(&b.slug.value));
    let mut entity_files = parsed.entity_files;
    entity_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    (published, pages, entity_files, withheld)
}

/// Stages 1–7: from the site folder to the indexed site. Returns the site when there are no
/// errors, and every diagnostic either way.
pub fn load_site(config: &Config) -> (Option<Site>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut timer = crate::timing::Timer::start();
    let parsed = parse_content(config, &mut diags);
    timer.lap("load+parse");
    let (briefings, pages, entity_files, withheld) = gate(config, parsed, &mut diags);
    timer.lap("gate");

    // Entities.
    let lang = config.language.as_str();
    let mut registry = entities::build_registry(&entity_files, lang, &mut diags);
    let resolved = entities::resolve(&mut registry, &briefings, lang, config.strict_entities, &mut diags);
    timer.lap("entities");

    // Related briefings, by slug.
    let by_slug: HashMap<String, (usize, String)> =
        briefings.iter().enumerate().map(|(i, b)| (b.slug.value.to_string(), (i, b.title.clone()))).collect();
    let related: Vec<Vec<usize>> = briefings
        .iter()
        .map(|b| {
            let mut out = Vec::new();
            for r in &b.related {
                let slug = r.value.trim_start_matches("briefings/");
                match by_slug.get(slug) {
                    Some((i, _)) if *i != by_slug[b.slug.value.as_str()].0 && !out.contains(i) => out.push(*i),
                    Some(_) => {}
                    None if withheld.contains(slug) => diags.error(&b.rel, r.pos, format!("related briefing \"{slug}\" is withheld by this build (draft or TLP above publish_tlp)")),
                    None => diags.error(&b.rel, r.pos, format!("unknown related briefing \"{slug}\"")),
                }
            }
            out
        })
        .collect();

    // Markdown, in parallel.
    let env = LinkEnv {
        registry: &registry,
        briefings: &by_slug,
        withheld: &withheld,
        lang,
        allow_html: config.allow_html,
    };
    let rendered: Vec<(BriefingHtml, Diagnostics)> = briefings
        .par_iter()
        .map(|b| {
            let mut d = Diagnostics::new();
            let srcs = Some(b.sources.as_slice());
            let body = markdown::render(
                &b.body.text,
                Place::Body { line: b.body.line },
                false,
                srcs,
                &env,
                &b.rel,
                &mut d,
            );
            let summary = b.summary.as_ref().map(|s| {
                markdown::render(&s.value, Place::Inline { pos: s.pos }, true, srcs, &env, &b.rel, &mut d)
            });
            let judgments = b
                .key_judgments
                .iter()
                .map(|k| {
                    markdown::render(
                        &k.text,
                        Place::Inline { pos: Pos::START },
                        true,
                        srcs,
                        &env,
                        &b.rel,
                        &mut d,
                    )
                })
                .collect();
            (BriefingHtml { body, summary, judgments }, d)
        })
        .collect();
    let mut html = Vec::with_capacity(rendered.len());
    for (h, d) in rendered {
        diags.extend(d);
        html.push(h);
    }
    let mut entity_html = HashMap::new();
    for (id, e) in registry.iter() {
        if let Some(fi) = e.file {
            let f = &entity_files[fi];
            if !f.body.text.trim().is_empty() {
                let r = markdown::render(
                    &f.body.text,
                    Place::Body { line: f.body.line },
                    false,
                    None,
                    &env,
                    &f.rel,
                    &mut diags,
                );
                entity_html.insert(id, r);
            }
        }
    }
    let page_html: Vec<Rendered> = pages
        .iter()
        .map(|p| {
            markdown::render(
                &p.body.text,
                Place::Body { line: p.body.line },
                false,
                None,
                &env,
                &p.rel,
                &mut diags,
            )
        })
        .collect();

    timer.lap("markdown");
    if diags.has_errors() {
        return (None, diags);
    }
    let body_targets: Vec<Vec<markdown::Target>> = html
        .iter()
        .map(|h| {
            let mut t = h.body.targets.clone();
            if let Some(s) = &h.summary {
                t.extend(s.targets.iter().copied());
            }
            for j in &h.judgments {
                t.extend(j.targets.iter().copied());
            }
            t
        })
        .collect();
    let mut index = index::build(&index::Inputs {
        briefings: &briefings,
        resolved: &resolved,
        body_targets: &body_targets,
        registry: &registry,
        lang,
    });
    // Profiles and free pages may link to entities no briefing names: those get pages too.
    for r in entity_html.values().chain(&page_html) {
        for t in &r.targets {
            if let markdown::Target::Entity(id) = t {
                index.has_page[id.index()] = true;
            }
        }
    }
    timer.lap("index");
    let site = Site {
        config: config.clone(),
        briefings,
        pages,
        entity_files,
        registry,
        resolved,
        related,
        html,
        entity_html,
        page_html,
        index,
    };
    (Some(site), diags)
}
