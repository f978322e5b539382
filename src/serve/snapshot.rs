//! A snapshot: one consistent state of the site as served — the indexed site, its templates,
//! the static files and the URL table — with the pages rendered so far.

use crate::config::Config;
use crate::entities::EntityId;
use crate::frontmatter::EntityKind;
use crate::output::{self, Sink};
use crate::pipeline::Site;
use crate::render::templates::Templates;
use crate::render::{self, Job, feeds};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a URL of the built site is made from.
#[derive(Debug, Clone)]
enum Route {
    Page(Job),
    SiteFeed,
    EntityFeed(EntityId),
    Sitemap,
}

pub struct Snapshot {
    site: Option<Arc<Site>>,
    templates: Arc<Templates>,
    statics: Statics,
    rendered: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// The static files of the theme and the site, by path.
pub type Statics = Arc<HashMap<String, Arc<Vec<u8>>>>;

/// Reads the static files (theme first, site's own win), as `build` copies them.
pub fn load_statics(config: &Config) -> std::io::Result<Statics> {
    let sink = MemSink(Mutex::new(HashMap::new()));
    output::copy_static(config, &sink)?;
    Ok(Arc::new(sink.0.into_inner().unwrap_or_else(|e| e.into_inner())))
}

/// The generated file at a site path, if there is one: the URL scheme of FORMAT.md section 6.
fn route(site: &Site, path: &str) -> Option<Route> {
    let page = |job: Job| Some(Route::Page(job));
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["index.html"] => page(Job::Home),
        ["atom.xml"] => Some(Route::SiteFeed),
        ["sitemap.xml"] => Some(Route::Sitemap),
        ["404.html"] => page(Job::NotFound),
        ["briefings", "index.html"] => page(Job::BriefingList),
        ["briefings", slug, "index.html"] => site.by_slug.get(*slug).and_then(|i| page(Job::Briefing(*i))),
        ["timeline", "index.html"] => page(Job::Timeline),
        ["sources", "index.html"] => page(Job::Sources),
        ["tags", "index.html"] => page(Job::TagList),
        ["tags", slug, "index.html"] => {
            site.index.tags.iter().position(|t| t.slug == *slug).and_then(|i| page(Job::Tag(i)))
        }
        [section, rest @ ..] if matches!(*section, "people" | "organisations" | "countries") => {
            let kind = match *section {
                "people" => EntityKind::Person,
                "organisations" => EntityKind::Organisation,
                _ => EntityKind::Country,
            };
            match rest {
                ["index.html"] => page(Job::EntityList(kind)),
                [id, file] => {
                    let e = site.registry.by_id(kind, id).filter(|e| site.index.has_page[e.index()])?;
                    match *file {
                        "index.html" => page(Job::Entity(e)),
                        "atom.xml" => Some(Route::EntityFeed(e)),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        [slug, "index.html"] => {
            site.pages.iter().position(|p| p.slug.value.as_str() == *slug).and_then(|i| page(Job::Page(i)))
        }
        _ => None,
    }
}

/// Collects static files in memory.
struct MemSink(Mutex<HashMap<String, Arc<Vec<u8>>>>);

impl Sink for MemSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), Arc::new(bytes));
        Ok(())
    }
}

impl Snapshot {
    pub fn new(site: Site, templates: Arc<Templates>, statics: Statics) -> Snapshot {
        Snapshot { site: Some(Arc::new(site)), templates, statics, rendered: Mutex::new(HashMap::new()) }
    }

    /// Before the first good build: nothing but the static files.
    pub fn empty(templates: Arc<Templates>, statics: Statics) -> Snapshot {
        Snapshot { site: None, templates, statics, rendered: Mutex::new(HashMap::new()) }
    }

    pub fn contains(&self, path: &str) -> bool {
        self.site.as_ref().is_some_and(|s| route(s, path).is_some()) || self.statics.contains_key(path)
    }

    /// The bytes `build` would write at `path` (site-relative, e.g. `people/x/index.html`).
    /// Generated files win over static ones, as in `build`.
    pub fn get(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        if let Some(hit) = self.rendered.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
            return Some(Ok(hit.clone()));
        }
        let Some(site) = self.site.as_ref() else {
            return self.statics.get(path).map(|b| Ok(b.clone()));
        };
        let Some(route) = route(site, path) else {
            return self.statics.get(path).map(|b| Ok(b.clone()));
        };
        let bytes = match route {
            Route::Page(job) => match render::render_page(site, &self.templates, &job) {
                Ok(html) => html.into_bytes(),
                Err((file, msg)) => return Some(Err(format!("{file}:1:1: error: {msg}"))),
            },
            Route::SiteFeed => feeds::site_feed(site).into_bytes(),
            Route::EntityFeed(id) => feeds::entity_feed(site, id).into_bytes(),
            Route::Sitemap => feeds::sitemap(site, &render::all_jobs(site)).into_bytes(),
        };
        let bytes = Arc::new(bytes);
        self.rendered.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), bytes.clone());
        Some(Ok(bytes))
    }
}
