//! The pipeline: the order of the build's stages, in one place.
//!
//! config → load → front matter → gate → entities → sources → markdown → index → search
//! documents → render → output. `check` adds the integrity rules (`lint`) after the index.
//! A `Workspace` keeps each file's parsed front matter and rendered Markdown between runs, so
//! `serve` re-reads only changed files and re-renders only Markdown whose text or links
//! changed; `build` and `check` run the same stages once, from an empty workspace.

use crate::config::Config;
use crate::diag::{Diagnostics, Pos};
use crate::entities::{self, EntityId, Registry, Resolved};
use crate::frontmatter::{
    self, Briefing, Defaults, Document, EntityFile, Page, PublisherFile, SharedSourceFile,
};
use crate::index::{self, Index};
use crate::load::{self, FileKind, SourceFile};
use crate::markdown::{self, LinkEnv, Place, Rendered, Target};
use crate::search::{Search, SearchDoc};
use crate::sources::{self, SourceRegistry};
use crate::timing::Timer;
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

/// A briefing's rendered Markdown parts.
#[derive(Debug, Clone, Default)]
pub struct BriefingHtml {
    pub body: Rendered,
    pub summary: Option<Rendered>,
    pub judgments: Vec<Rendered>,
}

impl BriefingHtml {
    fn parts(&self) -> impl Iterator<Item = &Rendered> {
        std::iter::once(&self.body).chain(&self.summary).chain(&self.judgments)
    }

    fn parts_mut(&mut self) -> impl Iterator<Item = &mut Rendered> {
        std::iter::once(&mut self.body).chain(&mut self.summary).chain(&mut self.judgments)
    }
}

/// Everything a build knows after the content stages; rendering reads only this.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Published briefings, newest first (date, then slug).
    pub briefings: Vec<Arc<Briefing>>,
    /// Briefing index by slug.
    pub by_slug: Arc<HashMap<String, usize>>,
    pub pages: Vec<Arc<Page>>,
    pub entity_files: Vec<Arc<EntityFile>>,
    pub registry: Arc<Registry>,
    pub resolved: Vec<Arc<Resolved>>,
    /// Per briefing: its `related` entries resolved.
    pub related: Arc<Vec<Vec<usize>>>,
    pub html: Vec<Arc<BriefingHtml>>,
    /// Per entity: the profile body of its registry file.
    pub entity_html: HashMap<EntityId, Arc<Rendered>>,
    pub page_html: Vec<Arc<Rendered>>,
    pub index: Arc<Index>,
    /// The search documents of the briefings, and the search index once asked for.
    pub search: Arc<Search>,
    /// Publishers and shared sources, and their rendered bodies.
    pub sources: Arc<SourceRegistry>,
    pub source_html: SourceHtml,
}

/// The rendered bodies of publisher files (their profiles) and shared source files.
#[derive(Debug, Default)]
pub struct SourceHtml {
    /// Per publisher of the registry.
    pub publishers: Vec<Option<Arc<Rendered>>>,
    /// By shared source id (file stem).
    pub shared: HashMap<String, Arc<Rendered>>,
}

/// One content file as last read.
#[derive(Debug)]
struct FileEntry {
    hash: u64,
    doc: Option<Document>,
    diags: Diagnostics,
}

/// Rendered Markdown of one file, valid while the file's text and its links' targets stay.
#[derive(Debug, Clone)]
enum CachedHtml {
    Briefing(Arc<BriefingHtml>),
    Other(Arc<Rendered>),
}

/// The parsed content of a site, kept between runs.
#[derive(Debug)]
pub struct Workspace {
    pub config: Config,
    /// Content files by path; a Markdown file outside the sections is an entry holding only
    /// its warning, so it comes and goes with the file like any other.
    files: BTreeMap<String, FileEntry>,
    /// Rendered Markdown by file: the file's hash, the link world it was last checked in
    /// (valid without a check only in that world), the result, and the warnings rendering
    /// gave (they depend on the text alone, and are reported again with every reuse).
    html: HashMap<String, (u64, u64, CachedHtml, Diagnostics)>,
    registry: Option<RegistryCache>,
    /// Per briefing file: its hash, the registry generation and its lookups.
    lookups: HashMap<String, (u64, u64, Arc<entities::BriefingLookups>)>,
    /// Fingerprint of the last entity numbering, and per briefing the lookups it resolved from
    /// with the result: reused while both stay the same.
    resolution: Option<u64>,
    resolved: HashMap<String, (Arc<entities::BriefingLookups>, Arc<Resolved>)>,
    /// Per briefing file: the parsed briefing and rendered Markdown its search document was
    /// made from; the document is reused while both are the same objects.
    search_docs: HashMap<String, SearchDocEntry>,
    /// Briefings with their sources resolved.
    sources: sources::Cache,
    last: LastRun,
}

type SearchDocEntry = (Arc<Briefing>, Arc<BriefingHtml>, Arc<SearchDoc>);

/// The last good run's per-briefing results, aligned with its briefing list: a briefing at
/// the same position as the same parsed object takes them back without any lookup.
#[derive(Debug, Default)]
struct LastRun {
    briefings: Vec<Arc<Briefing>>,
    withheld: HashSet<String>,
    by_slug: Arc<HashMap<String, usize>>,
    titles: Arc<Vec<(String, String)>>,
    related: Arc<Vec<Vec<usize>>>,
    generation: u64,
    lookups: Vec<Arc<entities::BriefingLookups>>,
    html: Vec<Arc<BriefingHtml>>,
    /// Per briefing: the diagnostics of its Markdown, reported again when it is reused.
    html_diags: Vec<Diagnostics>,
    /// The link world `html` was rendered in. Runs with errors do not replace `LastRun`, so
    /// this may be older than `Workspace::link_world`.
    link_world: Option<u64>,
    registry: Option<Arc<Registry>>,
    resolved: Vec<Arc<Resolved>>,
    entity_diags: Diagnostics,
    index: Option<Arc<Index>>,
    /// Entities given a page by profiles and free pages.
    extra_pages: Vec<EntityId>,
    /// The generation of the publisher and shared source files.
    source_generation: u64,
}

/// What the index is made of.
#[derive(Clone, Copy)]
struct IndexParts<'a> {
    /// The generation of the entity files.
    generation: u64,
    source_generation: u64,
    /// Entities given a page by profiles and free pages.
    extra_pages: &'a [EntityId],
    briefings: &'a [Arc<Briefing>],
    resolved: &'a [Arc<Resolved>],
    html: &'a [Arc<BriefingHtml>],
    registry: &'a Registry,
}

/// What the entities stage produced.
struct Entities {
    registry: Arc<Registry>,
    resolved: Vec<Arc<Resolved>>,
    generation: u64,
    lookups: Vec<Arc<entities::BriefingLookups>>,
    diags: Diagnostics,
}

impl LastRun {
    /// The result of the last run for the briefing now at `i`, if it is the same object.
    fn same(&self, briefings: &[Arc<Briefing>], i: usize) -> bool {
        self.briefings.len() == briefings.len() && Arc::ptr_eq(&self.briefings[i], &briefings[i])
    }
}

/// The registry built from entity files, with its near-miss index.
#[derive(Debug, Clone)]
struct RegistryCache {
    generation: u64,
    registry: Arc<Registry>,
    near: Arc<entities::nearmiss::NearMiss>,
    diags: Diagnostics,
}

/// What a briefing's rendered Markdown depends on besides links: its file, and its sources as
/// resolved (a citation shows its source's publisher or title, which a shared source or
/// publisher file may give).
fn html_key(files: &BTreeMap<String, FileEntry>, b: &Briefing) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    files.get(&b.rel).map_or(0, |f| f.hash).hash(&mut h);
    b.sources.hash(&mut h);
    h.finish()
}

fn hash_text(text: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Workspace {
    pub fn new(config: Config) -> Workspace {
        Workspace {
            config,
            files: BTreeMap::new(),
            html: HashMap::default(),
            registry: None,
            lookups: HashMap::default(),
            resolution: None,
            resolved: HashMap::default(),
            search_docs: HashMap::default(),
            sources: sources::Cache::default(),
            last: LastRun::default(),
        }
    }

    /// Every parsed briefing, published or not.
    pub fn parsed_briefings(&self) -> impl Iterator<Item = &Arc<Briefing>> {
        self.files.values().filter_map(|f| match &f.doc {
            Some(Document::Briefing(b)) => Some(b),
            _ => None,
        })
    }

    /// Stages 1–2: reads every content file and parses its front matter, in parallel.
    pub fn scan(&mut self) {
        let mut diags = Diagnostics::new();
        let mut timer = Timer::start();
        let found = load::discover(&load::Confine::content(&self.config), &mut diags);
        timer.lap("discover");
        self.files.clear();
        self.strays(diags, "");
        self.read(found);
    }

    /// Keeps each finding of discovery about a file that is not content (below `prefix`): a
    /// Markdown file outside the sections, a symlink that is not followed, as that file's entry.
    fn strays(&mut self, warnings: Diagnostics, prefix: &str) {
        // A folder's own entry (a symlink that is not followed) counts as below it.
        let below = |path: &str| path.starts_with(prefix) || prefix.strip_suffix('/') == Some(path);
        for w in warnings.sorted().into_iter().filter(|w| below(&w.path)) {
            let mut diags = Diagnostics::new();
            match w.severity {
                crate::diag::Severity::Error => diags.error(&w.path, Pos::new(w.line, w.col), w.message),
                crate::diag::Severity::Warning => diags.warning(&w.path, Pos::new(w.line, w.col), w.message),
            }
            self.files.insert(w.path, FileEntry { hash: 0, doc: None, diags });
        }
    }

    /// Re-reads the given paths (files or folders, created, changed or removed). Returns
    /// whether any content file actually changed: an editor may write the same bytes again,
    /// and a folder event (a new empty folder, new permissions) may leave its files as they were.
    pub fn update(&mut self, changed: &[PathBuf]) -> bool {
        let before = self.known_below(changed);
        self.update_paths(changed);
        before != self.known_below(changed)
    }

    /// The content files at or below each of `paths`, with their hashes.
    fn known_below(&self, paths: &[PathBuf]) -> Vec<(String, u64)> {
        let mut known = Vec::new();
        for p in paths {
            let rel = load::rel_path(&self.config.root, p);
            // Keys sharing a prefix are neighbours in the map: one range covers the folder.
            for (r, f) in self.files.range(rel.clone()..).take_while(|(r, _)| r.starts_with(&rel)) {
                if r.len() == rel.len() || r[rel.len()..].starts_with('/') {
                    known.push((r.clone(), f.hash));
                }
            }
        }
        known
    }

    fn update_paths(&mut self, changed: &[PathBuf]) {
        let content = self.config.root.join(load::CONTENT_DIR);
        let mut found = Vec::new();
        for path in changed {
            let Ok(rel_in_content) = path.strip_prefix(&content) else { continue };
            let rel = load::rel_path(&self.config.root, path);
            // Forget every file at or below the path first: a removed file or folder is gone,
            // and a folder put in the place of another (`mv a tmp; mv b a`) holds only what
            // is found in it now.
            let prefix = format!("{rel}/");
            self.files.retain(|r, _| *r != rel && !r.starts_with(&prefix));
            self.html.retain(|r, _| *r != rel && !r.starts_with(&prefix));
            self.lookups.retain(|r, _| *r != rel && !r.starts_with(&prefix));
            self.resolved.retain(|r, _| *r != rel && !r.starts_with(&prefix));
            if path.is_dir() {
                // A new, renamed or replaced folder: everything in it.
                let mut d = Diagnostics::new();
                for (p, r, k) in load::discover(&load::Confine::content(&self.config), &mut d) {
                    if r.starts_with(&prefix) {
                        found.push((p, r, k));
                    }
                }
                self.strays(d, &prefix);
                continue;
            }
            let ignored =
                rel_in_content.components().any(|c| load::is_ignored_name(&c.as_os_str().to_string_lossy()));
            if path.is_file() && !ignored {
                let mut d = Diagnostics::new();
                if !load::Confine::content(&self.config).allows(path) {
                    // The rule `discover` follows, for a link that appeared while serving.
                    d.warning(&rel, Pos::START, "symlink leads out of the site; not followed");
                } else {
                    match load::classify(rel_in_content) {
                        Some(kind) => found.push((path.clone(), rel, kind)),
                        None => load::warn_stray(&rel, &mut d),
                    }
                }
                self.strays(d, "");
            }
        }
        self.read(found);
    }

    fn read(&mut self, found: Vec<(PathBuf, String, FileKind)>) {
        let mut timer = Timer::start();
        let (files, read_diags) = load::read_all(found, &load::Confine::content(&self.config));
        timer.lap("read");
        let defaults = Defaults { language: &self.config.language, tlp: self.config.default_tlp };
        let parsed: Vec<(String, FileEntry)> = files
            .par_iter()
            .map(|f: &SourceFile| {
                let mut d = Diagnostics::new();
                let doc = frontmatter::parse(f, &defaults, &mut d);
                (f.rel.clone(), FileEntry { hash: hash_text(&f.text), doc, diags: d })
            })
            .collect();
        timer.lap("front matter");
        for (rel, entry) in parsed {
            self.files.insert(rel, entry);
        }
        // Unreadable files are kept as entries holding only their error.
        for d in read_diags.sorted() {
            let mut diags = Diagnostics::new();
            diags.error(&d.path, Pos::new(d.line, d.col), d.message);
            self.files.insert(d.path.clone(), FileEntry { hash: 0, doc: None, diags });
        }
    }

    /// Stages 3–7 on the current files: gate, entities, Markdown, index. Returns the site when
    /// there are no errors, and every diagnostic either way.
    pub fn site(&mut self) -> (Option<Site>, Diagnostics) {
        let config = self.config.clone();
        let mut diags = load::misplaced_files(&config.root);
        let mut parsed = Parsed::default();
        for f in self.files.values() {
            diags.extend(f.diags.clone());
            match &f.doc {
                Some(Document::Briefing(b)) => parsed.briefings.push(b.clone()),
                Some(Document::Entity(e)) => parsed.entity_files.push(e.clone()),
                Some(Document::Page(p)) => parsed.pages.push(p.clone()),
                Some(Document::Publisher(p)) => parsed.publisher_files.push(p.clone()),
                Some(Document::SharedSource(f)) => parsed.shared_sources.push(f.clone()),
                None => {}
            }
        }
        let mut timer = Timer::start();
        let gated = gate(&config, parsed, &mut diags);
        diags.extend(crate::lint::errors(&gated.briefings));
        timer.lap("gate");

        let lang = config.language.as_str();
        let ents = self.resolve(&gated);
        let entity_diags = ents.diags.clone();
        diags.extend(ents.diags);
        let (registry, resolved, generation, lookups) =
            (ents.registry, ents.resolved, ents.generation, ents.lookups);
        timer.lap("entities");

        let (source_registry, briefings) = self.sources(&gated, &registry, &mut diags);
        timer.lap("sources");
        // Slugs, titles and related lists: as last time unless one of them changed.
        let last = &self.last;
        let unchanged = last.briefings.len() == briefings.len()
            && last.withheld == gated.withheld
            && briefings.iter().zip(&last.briefings).all(|(b, o)| {
                Arc::ptr_eq(b, o)
                    || (b.slug.value == o.slug.value && b.title == o.title && b.related == o.related)
            });
        let (by_slug, titles, related) = if unchanged {
            (last.by_slug.clone(), last.titles.clone(), last.related.clone())
        } else {
            let by_slug: HashMap<String, usize> =
                briefings.iter().enumerate().map(|(i, b)| (b.slug.value.to_string(), i)).collect();
            let titles: Vec<(String, String)> =
                briefings.iter().map(|b| (b.slug.value.to_string(), b.title.clone())).collect();
            let related = resolve_related(&briefings, &by_slug, &gated.withheld, &mut diags);
            (Arc::new(by_slug), Arc::new(titles), Arc::new(related))
        };

        let env = LinkEnv {
            registry: &registry,
            briefings: &by_slug,
            briefing_titles: &titles,
            withheld: &gated.withheld,
            lang,
            allow_html: config.allow_html,
        };
        let link_world = self.link_world(&titles, &gated.withheld, &registry);
        // Cached Markdown carries the link world it was last checked in; last run's results
        // theirs (runs with errors do not replace them).
        let trust_last = self.last.link_world == Some(link_world);
        let (html, html_diags) = self.render_briefings(&briefings, &env, link_world, trust_last, &mut diags);
        let mut entity_html = HashMap::default();
        for (id, e) in registry.iter() {
            if let Some(fi) = e.file {
                let f = &gated.entity_files[fi];
                if !f.body.text.trim().is_empty() {
                    entity_html.insert(id, self.render_other(&f.rel, &f.body, &env, link_world, &mut diags));
                }
            }
        }
        let page_html: Vec<Arc<Rendered>> = gated
            .pages
            .iter()
            .map(|p| self.render_other(&p.rel, &p.body, &env, link_world, &mut diags))
            .collect();
        let source_html = self.render_source_bodies(&source_registry, &gated, &env, link_world, &mut diags);
        timer.lap("markdown");
        if diags.has_errors() {
            return (None, diags);
        }

        // Profiles and free pages may link to entities no briefing names: those get pages too.
        let mut extra_pages: Vec<EntityId> = entity_html
            .values()
            .chain(&page_html)
            .chain(source_html.publishers.iter().flatten())
            .chain(source_html.shared.values())
            .flat_map(|r| r.targets.iter())
            .filter_map(|t| match t {
                Target::Entity(id) => Some(*id),
                Target::Briefing(_) => None,
            })
            .collect();
        extra_pages.sort_unstable();
        extra_pages.dedup();
        let index = self.index(&IndexParts {
            generation,
            source_generation: source_registry.generation,
            extra_pages: &extra_pages,
            briefings: &briefings,
            resolved: &resolved,
            html: &html,
            registry: &registry,
        });
        timer.lap("index");
        let search = Arc::new(Search::new(self.search_docs(&briefings, &html)));
        timer.lap("search docs");
        self.last = LastRun {
            briefings: briefings.clone(),
            withheld: gated.withheld.clone(),
            by_slug: by_slug.clone(),
            titles: titles.clone(),
            related: related.clone(),
            generation,
            lookups,
            html: html.clone(),
            html_diags,
            link_world: Some(link_world),
            registry: Some(registry.clone()),
            resolved: resolved.clone(),
            entity_diags,
            index: Some(index.clone()),
            extra_pages,
            source_generation: source_registry.generation,
        };
        let site = Site {
            config,
            briefings,
            by_slug,
            pages: gated.pages,
            entity_files: gated.entity_files,
            registry,
            resolved,
            related,
            html,
            entity_html,
            page_html,
            index,
            search,
            sources: source_registry,
            source_html,
        };
        (Some(site), diags)
    }

    /// The search document of every briefing: last run's where the briefing and its Markdown
    /// are the same objects (an unchanged file), made afresh, in parallel, for the rest.
    fn search_docs(
        &mut self,
        briefings: &[Arc<Briefing>],
        html: &[Arc<BriefingHtml>],
    ) -> Vec<Arc<SearchDoc>> {
        let cache = &self.search_docs;
        let docs: Vec<Arc<SearchDoc>> = briefings
            .par_iter()
            .zip(html)
            // Each piece of work starts with an empty vocabulary: pieces of some size keep the
            // stemming of repeated words to a few times per site, not once per briefing.
            .with_min_len(256)
            .map_init(crate::search::doc::Stems::default, |stems, (b, h)| match cache.get(&b.rel) {
                Some((cb, ch, d)) if Arc::ptr_eq(cb, b) && Arc::ptr_eq(ch, h) => d.clone(),
                _ => Arc::new(SearchDoc::of(b, h, stems)),
            })
            .collect();
        self.search_docs = briefings
            .iter()
            .zip(html)
            .zip(&docs)
            .map(|((b, h), d)| (b.rel.clone(), (b.clone(), h.clone(), d.clone())))
            .collect();
        docs
    }

    /// Stage 7, the index: last time's when nothing it is made of changed (the same
    /// references, links, tags, events and sources: a body or title edit leaves it as it was).
    fn index(&self, p: &IndexParts) -> Arc<Index> {
        let last = &self.last;
        let IndexParts { generation, source_generation, extra_pages, briefings, resolved, html, registry } =
            *p;
        let index_unchanged = last.index.is_some()
            // A registry file added or removed gives or takes an entity's page.
            && last.generation == generation
            && last.source_generation == source_generation
            && last.extra_pages == extra_pages
            && last.briefings.len() == briefings.len()
            && last.resolved.len() == briefings.len()
            && last.html.len() == briefings.len()
            && (0..briefings.len()).all(|i| {
                let (b, o) = (&briefings[i], &last.briefings[i]);
                Arc::ptr_eq(&resolved[i], &last.resolved[i])
                    && (Arc::ptr_eq(b, o)
                        || (b.slug.value == o.slug.value
                            && b.date == o.date
                            && b.tags == o.tags
                            && b.events == o.events
                            && b.sources == o.sources))
                    && (Arc::ptr_eq(&html[i], &last.html[i])
                        || html[i].parts().map(|r| &r.targets).eq(last.html[i].parts().map(|r| &r.targets)))
            });
        match (&last.index, index_unchanged) {
            (Some(i), true) => i.clone(),
            _ => {
                let body_targets: Vec<Vec<Target>> = html
                    .iter()
                    .map(|h| h.parts().flat_map(|r| r.targets.iter().copied()).collect())
                    .collect();
                let mut index = index::build(&index::Inputs {
                    briefings,
                    resolved,
                    body_targets: &body_targets,
                    registry,
                    lang: &self.config.language,
                });
                for id in extra_pages {
                    index.has_page[id.index()] = true;
                }
                Arc::new(index)
            }
        }
    }

    /// Everything a wikilink can resolve to, and how it is shown: when this is unchanged,
    /// cached Markdown of unchanged files is valid without checking its links one by one.
    fn link_world(
        &self,
        titles: &[(String, String)],
        withheld: &HashSet<String>,
        registry: &Registry,
    ) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (slug, title) in titles.iter() {
            (slug, title).hash(&mut h);
        }
        let mut withheld: Vec<&String> = withheld.iter().collect();
        withheld.sort();
        withheld.hash(&mut h);
        self.registry.as_ref().map(|r| r.generation).hash(&mut h);
        for (_, e) in registry.iter() {
            (e.kind, &e.id, &e.name).hash(&mut h);
        }
        (self.config.allow_html, self.config.language.as_str()).hash(&mut h);
        h.finish()
    }

    /// The sources stage: publishers and shared sources (their references resolved against
    /// the entities), and the published briefings with their sources resolved.
    fn sources(
        &mut self,
        gated: &Gated,
        registry: &Registry,
        diags: &mut Diagnostics,
    ) -> (Arc<SourceRegistry>, Vec<Arc<Briefing>>) {
        let lang = self.config.language.as_str();
        let reg =
            sources::build_registry(&gated.publisher_files, &gated.shared_sources, registry, lang, diags);
        let reg = Arc::new(reg);
        let briefings = self.sources.resolve(&reg, gated.briefings.clone(), diags);
        (reg, briefings)
    }

    /// The bodies of publisher files (profiles) and shared source files (notes).
    fn render_source_bodies(
        &mut self,
        reg: &SourceRegistry,
        gated: &Gated,
        env: &LinkEnv,
        world: u64,
        diags: &mut Diagnostics,
    ) -> SourceHtml {
        let mut out = SourceHtml::default();
        for p in &reg.publishers {
            let f = &p.file;
            let html = (!f.body.text.trim().is_empty())
                .then(|| self.render_other(&f.rel, &f.body, env, world, diags));
            out.publishers.push(html);
        }
        for f in gated.shared_sources.iter().filter(|f| !f.body.text.trim().is_empty()) {
            out.shared.insert(f.stem.clone(), self.render_other(&f.rel, &f.body, env, world, diags));
        }
        out
    }

    /// Entities: the registry of files (rebuilt only when an entity file changed), each
    /// briefing's lookups (redone only for changed briefings), then the implicit entities.
    fn resolve(&mut self, gated: &Gated) -> Entities {
        let mut diags = Diagnostics::new();
        let lang = self.config.language.as_str();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        lang.hash(&mut h);
        for f in &gated.entity_files {
            f.rel.hash(&mut h);
            self.files.get(&f.rel).map_or(0, |e| e.hash).hash(&mut h);
        }
        let generation = h.finish();
        let files = match &self.registry {
            Some(c) if c.generation == generation => c.clone(),
            _ => {
                let mut d = Diagnostics::new();
                let reg = entities::build_registry(&gated.entity_files, lang, &mut d);
                let near = reg.near_miss_index();
                let c = RegistryCache { generation, registry: Arc::new(reg), near: Arc::new(near), diags: d };
                self.registry = Some(c.clone());
                c
            }
        };
        diags.extend(files.diags.clone());
        let cache = &self.lookups;
        let file_hashes = &self.files;
        // Cached lookups first, in order (cheap); only the rest in parallel.
        let last = &self.last;
        let cached: Vec<Option<Arc<entities::BriefingLookups>>> = gated
            .briefings
            .iter()
            .enumerate()
            .map(|(i, b)| match cache.get(&b.rel) {
                _ if last.generation == generation
                    && last.same(&gated.briefings, i)
                    && i < last.lookups.len() =>
                {
                    Some(last.lookups[i].clone())
                }
                Some((h, g, l))
                    if *g == generation && Some(*h) == file_hashes.get(&b.rel).map(|f| f.hash) =>
                {
                    Some(l.clone())
                }
                _ => None,
            })
            .collect();
        let lookups: Vec<Arc<entities::BriefingLookups>> = gated
            .briefings
            .par_iter()
            .zip(cached)
            .map(|(b, c)| {
                c.unwrap_or_else(|| {
                    Arc::new(entities::lookup_briefing(&files.registry, &files.near, b, lang))
                })
            })
            .collect();
        for (b, l) in gated.briefings.iter().zip(&lookups) {
            let fresh = !self.lookups.get(&b.rel).is_some_and(|(_, _, old)| Arc::ptr_eq(old, l));
            if fresh {
                let hash = self.files.get(&b.rel).map_or(0, |f| f.hash);
                self.lookups.insert(b.rel.clone(), (hash, generation, l.clone()));
            }
        }
        // A briefing whose lookups came out equal to last time's (a body edit) takes last
        // time's object, so that unchanged references stay recognisably unchanged.
        let last = &self.last;
        let mut lookups = lookups;
        if last.briefings.len() == lookups.len() && last.lookups.len() == lookups.len() {
            for (l, old) in lookups.iter_mut().zip(&last.lookups) {
                if !Arc::ptr_eq(l, old) && **l == **old {
                    *l = old.clone();
                }
            }
        }
        // Warnings and implicit entities name the file that first mentions a name: a briefing
        // moved to another file, with the same references, is not the same.
        let all_same = last.generation == generation
            && last.lookups.len() == lookups.len()
            && lookups.iter().zip(&last.lookups).all(|(a, b)| Arc::ptr_eq(a, b))
            && gated.briefings.iter().zip(&last.briefings).all(|(b, o)| b.rel == o.rel);
        if all_same && let Some(registry) = &last.registry {
            // Nothing any reference depends on changed: last time's entities, warnings included.
            return Entities {
                registry: registry.clone(),
                resolved: last.resolved.clone(),
                generation,
                lookups,
                diags: last.entity_diags.clone(),
            };
        }
        let previous_resolved = &self.resolved;
        let reuse = |i: usize| -> Option<Arc<Resolved>> {
            let (l, r) = previous_resolved.get(&gated.briefings[i].rel)?;
            Arc::ptr_eq(l, &lookups[i]).then(|| r.clone())
        };
        let previous = self.resolution.map(|fingerprint| entities::Previous { fingerprint, reuse: &reuse });
        let r = entities::resolve_all(
            &files.registry,
            &files.near,
            &gated.briefings,
            &lookups,
            self.config.strict_entities,
            &mut diags,
            previous,
        );
        self.resolution = Some(r.fingerprint);
        for ((b, l), res) in gated.briefings.iter().zip(&lookups).zip(&r.resolved) {
            let same = self.resolved.get(&b.rel).is_some_and(|(_, old)| Arc::ptr_eq(old, res));
            if !same {
                self.resolved.insert(b.rel.clone(), (l.clone(), res.clone()));
            }
        }
        Entities { registry: Arc::new(r.registry), resolved: r.resolved, generation, lookups, diags }
    }

    /// Markdown of every briefing: reused from the last run when the file is unchanged and
    /// every link still leads where it led; rendered afresh (in parallel) otherwise.
    fn render_briefings(
        &mut self,
        briefings: &[Arc<Briefing>],
        env: &LinkEnv,
        world: u64,
        trust_last: bool,
        diags: &mut Diagnostics,
    ) -> (Vec<Arc<BriefingHtml>>, Vec<Diagnostics>) {
        let cache = &self.html;
        let files = &self.files;
        let last = &self.last;
        // The common case after a save: nearly everything is reused as is, in order; the same
        // parsed object at the same position needs no lookup at all.
        // Last run's result comes with last run's diagnostics (a broken link stays reported).
        let reused: Vec<Option<(Arc<BriefingHtml>, Diagnostics)>> = briefings
            .iter()
            .enumerate()
            .map(|(i, b)| {
                if trust_last && last.same(briefings, i) && i < last.html.len() {
                    let d = last.html_diags.get(i).cloned().unwrap_or_default();
                    return Some((last.html[i].clone(), d));
                }
                match cache.get(&b.rel) {
                    Some((h, w, CachedHtml::Briefing(cached), warnings))
                        if *w == world && *h == html_key(files, b) =>
                    {
                        Some((cached.clone(), warnings.clone()))
                    }
                    _ => None,
                }
            })
            .collect();
        let memo = markdown::ResolveMemo::default();
        let results: Vec<(Arc<BriefingHtml>, Diagnostics, bool)> = briefings
            .par_iter()
            .zip(reused)
            .map(|(b, reused)| {
                if let Some((h, d)) = reused {
                    return (h, d, false);
                }
                let hash = html_key(files, b);
                if let Some((h, _, CachedHtml::Briefing(cached), warnings)) = cache.get(&b.rel)
                    && *h == hash
                {
                    let targets: Option<Vec<Vec<Target>>> =
                        cached.parts().map(|r| markdown::revalidate_with(r, env, &memo)).collect();
                    if let Some(targets) = targets {
                        if cached.parts().zip(&targets).all(|(r, t)| r.targets == *t) {
                            // Checked in this world: stored again with its stamp.
                            return (cached.clone(), warnings.clone(), true);
                        }
                        let mut fresh = (**cached).clone();
                        fresh.parts_mut().zip(targets).for_each(|(r, t)| r.targets = t);
                        // Renumbered: the cache takes the new version (it must hold for the
                        // link world recorded below).
                        return (Arc::new(fresh), warnings.clone(), true);
                    }
                }
                let mut d = Diagnostics::new();
                let srcs = Some(markdown::Citations { sources: &b.sources, page: None });
                let own_page = format!("briefings/{}/", b.slug.value);
                let shown_elsewhere =
                    Some(markdown::Citations { sources: &b.sources, page: Some(&own_page) });
                let body = markdown::render(
                    &b.body.text,
                    Place::Body { line: b.body.line },
                    false,
                    srcs,
                    env,
                    &b.rel,
                    &mut d,
                );
                let summary = b.summary.as_ref().map(|s| {
                    markdown::render(
                        &s.value,
                        Place::Inline { pos: s.pos, indent: b.summary_indent, raw: &b.summary_raw },
                        true,
                        shown_elsewhere,
                        env,
                        &b.rel,
                        &mut d,
                    )
                });
                let judgments = b
                    .key_judgments
                    .iter()
                    .map(|k| {
                        markdown::render(
                            &k.text,
                            Place::Inline { pos: k.pos, indent: k.indent, raw: &k.raw },
                            true,
                            srcs,
                            env,
                            &b.rel,
                            &mut d,
                        )
                    })
                    .collect();
                (Arc::new(BriefingHtml { body, summary, judgments }), d, true)
            })
            .collect();
        let mut out = Vec::with_capacity(results.len());
        let mut out_diags = Vec::with_capacity(results.len());
        for (b, (h, d, fresh)) in briefings.iter().zip(results) {
            // The cache holds only results valid in this run's link world: a briefing whose
            // links broke leaves it, so a later run cannot take back the old, good HTML.
            if d.has_errors() {
                self.html.remove(&b.rel);
            } else if fresh {
                let hash = html_key(&self.files, b);
                let entry = (hash, world, CachedHtml::Briefing(h.clone()), d.clone());
                match self.html.get_mut(&b.rel) {
                    Some(old) => *old = entry,
                    None => {
                        self.html.insert(b.rel.clone(), entry);
                    }
                }
            }
            diags.extend(d.clone());
            out_diags.push(d);
            out.push(h);
        }
        (out, out_diags)
    }

    fn render_other(
        &mut self,
        rel: &str,
        body: &frontmatter::Body,
        env: &LinkEnv,
        world: u64,
        diags: &mut Diagnostics,
    ) -> Arc<Rendered> {
        let hash = self.files.get(rel).map_or(0, |f| f.hash);
        if let Some((h, w, CachedHtml::Other(cached), warnings)) = self.html.get(rel)
            && *h == hash
        {
            if *w == world {
                diags.extend(warnings.clone());
                return cached.clone();
            }
            if let Some(t) = markdown::revalidate(cached, env) {
                let checked = if t == cached.targets {
                    cached.clone()
                } else {
                    let mut fresh = (**cached).clone();
                    fresh.targets = t;
                    Arc::new(fresh)
                };
                let warnings = warnings.clone();
                diags.extend(warnings.clone());
                self.html
                    .insert(rel.to_string(), (hash, world, CachedHtml::Other(checked.clone()), warnings));
                return checked;
            }
        }
        let mut d = Diagnostics::new();
        let r = Arc::new(markdown::render(
            &body.text,
            Place::Body { line: body.line },
            false,
            None,
            env,
            rel,
            &mut d,
        ));
        if d.has_errors() {
            self.html.remove(rel);
        } else {
            self.html.insert(rel.to_string(), (hash, world, CachedHtml::Other(r.clone()), d.clone()));
        }
        diags.extend(d);
        r
    }
}

/// Front matter of every file, sorted into kinds.
#[derive(Debug, Default)]
pub struct Parsed {
    pub briefings: Vec<Arc<Briefing>>,
    pub entity_files: Vec<Arc<EntityFile>>,
    pub pages: Vec<Arc<Page>>,
    pub publisher_files: Vec<Arc<PublisherFile>>,
    pub shared_sources: Vec<Arc<SharedSourceFile>>,
}

/// What passes the gate.
#[derive(Debug, Default)]
pub struct Gated {
    /// Published briefings, newest first.
    pub briefings: Vec<Arc<Briefing>>,
    pub pages: Vec<Arc<Page>>,
    pub entity_files: Vec<Arc<EntityFile>>,
    /// Publisher and shared source files, by path (none is gated: they hold no briefing).
    pub publisher_files: Vec<Arc<PublisherFile>>,
    pub shared_sources: Vec<Arc<SharedSourceFile>>,
    /// Slugs of withheld briefings: kept only so links to them are reported, not leaked.
    pub withheld: HashSet<String>,
}

/// Stage 3: the publishing gate. Withheld briefings are dropped here, before any later stage
/// can see them; only their slugs remain, so links to them are reported instead of leaked.
pub fn gate(config: &Config, parsed: Parsed, diags: &mut Diagnostics) -> Gated {
    // Two briefings on one URL: both files get the error, each naming the other.
    let mut first: HashMap<&str, &Briefing> = HashMap::default();
    let mut clashes: Vec<&str> = Vec::new();
    for b in &parsed.briefings {
        if first.insert(b.slug.value.as_str(), b).is_some() {
            clashes.push(b.slug.value.as_str());
        }
    }
    clashes.sort_unstable();
    clashes.dedup();
    for slug in clashes {
        let bs: Vec<&Arc<Briefing>> =
            parsed.briefings.iter().filter(|b| b.slug.value.as_str() == slug).collect();
        for b in &bs {
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
    let (published, withheld): (Vec<Arc<Briefing>>, Vec<Arc<Briefing>>) =
        parsed.briefings.into_iter().partition(|b| publishes(config, b));
    // Newest first, then by slug; keys gathered once so the sort does not chase pointers.
    let mut keyed: Vec<(std::cmp::Reverse<jiff::civil::Date>, &str, usize)> = published
        .iter()
        .enumerate()
        .map(|(i, b)| (std::cmp::Reverse(b.date), b.slug.value.as_str(), i))
        .collect();
    keyed.sort_unstable();
    let order: Vec<usize> = keyed.into_iter().map(|k| k.2).collect();
    let published: Vec<Arc<Briefing>> = order.into_iter().map(|i| published[i].clone()).collect();
    let withheld: HashSet<String> = withheld.into_iter().map(|b| b.slug.value.to_string()).collect();

    let mut page_files: HashMap<String, Vec<String>> = HashMap::default();
    for p in parsed.pages.iter().filter(|p| config.drafts || !p.draft) {
        page_files.entry(p.slug.value.to_string()).or_default().push(p.rel.clone());
    }
    let mut pages = Vec::new();
    for p in parsed.pages {
        if p.draft && !config.drafts {
            continue;
        }
        let s = p.slug.value.to_string();
        if crate::render::table::is_reserved_root(&s) {
            diags.error(
                &p.rel,
                p.slug.pos,
                format!("the page slug \"{s}\" is taken by the site's own /{s}/"),
            );
            continue;
        }
        let files = &page_files[&s];
        if files.len() > 1 {
            // Every file of a clash hears of it, as with briefings.
            let others: Vec<&str> = files.iter().filter(|o| **o != p.rel).map(String::as_str).collect();
            diags.error(
                &p.rel,
                p.slug.pos,
                format!("slug \"{s}\" is also used by {}: both would be /{s}/", others.join(", ")),
            );
            continue;
        }
        pages.push(p);
    }
    pages.sort_by(|a, b| a.slug.value.cmp(&b.slug.value));
    let mut entity_files = parsed.entity_files;
    entity_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut publisher_files = parsed.publisher_files;
    publisher_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut shared_sources = parsed.shared_sources;
    shared_sources.sort_by(|a, b| a.rel.cmp(&b.rel));
    Gated { briefings: published, pages, entity_files, publisher_files, shared_sources, withheld }
}

/// Whether a build with `config` publishes the briefing (the gate's rule).
pub fn publishes(config: &Config, b: &Briefing) -> bool {
    (config.drafts || !b.draft) && b.tlp <= config.publish_tlp
}

fn resolve_related(
    briefings: &[Arc<Briefing>],
    by_slug: &HashMap<String, usize>,
    withheld: &HashSet<String>,
    diags: &mut Diagnostics,
) -> Vec<Vec<usize>> {
    briefings
        .iter()
        .enumerate()
        .map(|(me, b)| {
            let mut out = Vec::new();
            for r in &b.related {
                let slug = r.value.trim_start_matches("briefings/");
                match by_slug.get(slug) {
                    Some(i) if *i != me && !out.contains(i) => out.push(*i),
                    Some(_) => {}
                    None if withheld.contains(slug) => diags.error(
                        &b.rel,
                        r.pos,
                        format!("related briefing \"{slug}\" is withheld by this build (draft or TLP above publish_tlp)"),
                    ),
                    None => diags.error(&b.rel, r.pos, format!("unknown related briefing \"{slug}\"")),
                }
            }
            out
        })
        .collect()
}

/// Stages 1–7 once, from the site folder to the indexed site (for `build` and `check`).
pub fn load_site(config: &Config) -> (Option<Site>, Diagnostics) {
    let mut timer = Timer::start();
    let mut ws = Workspace::new(config.clone());
    ws.scan();
    timer.lap("load+parse");
    ws.site()
}
