//! A snapshot: one consistent state of the site as served — the indexed site, its templates,
//! the static files and the URL table — with the pages rendered so far.

use crate::config::Config;
use crate::entities::EntityId;
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
    routes: HashMap<String, Route>,
    statics: HashMap<String, Arc<Vec<u8>>>,
    rendered: Mutex<HashMap<String, Arc<Vec<u8>>>>,
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
    pub fn new(site: Site, templates: Arc<Templates>) -> std::io::Result<Snapshot> {
        let sink = MemSink(Mutex::new(HashMap::new()));
        output::copy_static(&site.config, &sink)?;
        let statics = sink.0.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut routes = HashMap::new();
        for job in render::all_jobs(&site) {
            routes.insert(job.url(&site).output_file(), Route::Page(job));
        }
        routes.insert("atom.xml".to_string(), Route::SiteFeed);
        routes.insert("sitemap.xml".to_string(), Route::Sitemap);
        for (id, _) in site.registry.iter() {
            if site.index.has_page[id.index()] {
                routes.insert(feeds::entity_feed_url(&site, id).output_file(), Route::EntityFeed(id));
            }
        }
        Ok(Snapshot {
            site: Some(Arc::new(site)),
            templates,
            routes,
            statics,
            rendered: Mutex::new(HashMap::new()),
        })
    }

    /// Before the first good build: nothing but the theme's static files.
    pub fn empty(templates: Arc<Templates>, config: Config) -> Snapshot {
        let sink = MemSink(Mutex::new(HashMap::new()));
        let _ = output::copy_static(&config, &sink);
        let statics = sink.0.into_inner().unwrap_or_else(|e| e.into_inner());
        Snapshot {
            site: None,
            templates,
            routes: HashMap::new(),
            statics,
            rendered: Mutex::new(HashMap::new()),
        }
    }

    pub fn contains(&self, path: &str) -> bool {
        self.routes.contains_key(path) || self.statics.contains_key(path)
    }

    /// The bytes `build` would write at `path` (site-relative, e.g. `people/x/index.html`).
    /// Generated files win over static ones, as in `build`.
    pub fn get(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        if let Some(hit) = self.rendered.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
            return Some(Ok(hit.clone()));
        }
        let Some(route) = self.routes.get(path) else {
            return self.statics.get(path).map(|b| Ok(b.clone()));
        };
        let site = self.site.as_ref()?;
        let bytes = match route {
            Route::Page(job) => match render::render_page(site, &self.templates, job) {
                Ok(html) => html.into_bytes(),
                Err((file, msg)) => return Some(Err(format!("{file}:1:1: error: {msg}"))),
            },
            Route::SiteFeed => feeds::site_feed(site).into_bytes(),
            Route::EntityFeed(id) => feeds::entity_feed(site, *id).into_bytes(),
            Route::Sitemap => feeds::sitemap(site, &render::all_jobs(site)).into_bytes(),
        };
        let bytes = Arc::new(bytes);
        self.rendered.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), bytes.clone());
        Some(Ok(bytes))
    }
}
