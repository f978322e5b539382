//! A snapshot: one consistent state of the site as served — the indexed site, its templates
//! and the static files — with the outputs rendered so far. Which output a path is, and how it
//! is rendered, is the render table's (`render::table`), as in `build`.

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::output::{self, Sink};
use crate::pipeline::Site;
use crate::render::Cx;
use crate::render::table::route;
use crate::render::templates::Templates;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct Snapshot {
    site: Option<Arc<Site>>,
    /// The warnings of the build that made `site`.
    warnings: Diagnostics,
    templates: Arc<Templates>,
    statics: Statics,
    rendered: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// The static files of the theme and the site, by path.
pub type Statics = Arc<HashMap<String, Arc<Vec<u8>>>>;

/// Reads the static files (theme first, site's own win), as `build` copies them.
pub fn load_statics(config: &Config) -> Result<Statics, output::WriteError> {
    let sink = MemSink(Mutex::new(HashMap::new()));
    // Pages are looked up before static files, so nothing needs leaving out here.
    output::copy_static(config, &sink, &|_| true)?;
    Ok(Arc::new(sink.0.into_inner().unwrap_or_else(|e| e.into_inner())))
}

/// Collects static files in memory.
struct MemSink(Mutex<HashMap<String, Arc<Vec<u8>>>>);

impl Sink for MemSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), output::WriteError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), Arc::new(bytes));
        Ok(())
    }
}

impl Snapshot {
    pub fn new(site: Site, warnings: Diagnostics, templates: Arc<Templates>, statics: Statics) -> Snapshot {
        Snapshot {
            site: Some(Arc::new(site)),
            warnings,
            templates,
            statics,
            rendered: Mutex::new(HashMap::new()),
        }
    }

    /// Before the first good build: nothing but the static files.
    pub fn empty(templates: Arc<Templates>, statics: Statics) -> Snapshot {
        Snapshot {
            site: None,
            warnings: Diagnostics::new(),
            templates,
            statics,
            rendered: Mutex::new(HashMap::new()),
        }
    }

    /// The site as served, `None` before the first good build.
    pub fn site(&self) -> Option<&Site> {
        self.site.as_deref()
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
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
        let bytes = match route.render(Cx { site, templates: &self.templates }) {
            Ok(bytes) => bytes,
            Err(e) => return Some(Err(e.line(&self.templates))),
        };
        let bytes = Arc::new(bytes);
        self.rendered.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), bytes.clone());
        Some(Ok(bytes))
    }
}
