//! `dossier serve`: builds the site in memory with the same pipeline as `build`, serves it over
//! HTTP, watches the site and, after each save, rebuilds what changed and tells every open page
//! to reload over a WebSocket. Pages are rendered on request from the current site and cached
//! until the next change, so a save costs only the content stages plus the pages being viewed.

mod http;
// For the fuzz harness (src/fuzz.rs): request paths are input from the network.
pub use http::site_path;
mod snapshot;
mod watch;

use crate::commands::{EXIT_OK, EXIT_USAGE, Format, load_config, report};
use crate::config::{CONFIG_FILE, Config, Overrides};
use crate::diag::Diagnostics;
use crate::pipeline::Workspace;
use crate::render::templates::Templates;
use snapshot::Snapshot;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tokio::sync::broadcast;

/// What the server shares between requests and the rebuild loop.
pub struct State {
    /// The last good site.
    snapshot: RwLock<Arc<Snapshot>>,
    /// The errors of the last rebuild, `path:line:col: error: …` lines; empty when it succeeded.
    errors: RwLock<Vec<String>>,
    /// Messages to every open page (JSON).
    events: broadcast::Sender<String>,
}

impl State {
    fn current(&self) -> Arc<Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn errors(&self) -> Vec<String> {
        self.errors.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub overrides: Overrides,
    pub open: bool,
}

/// The build state the rebuild loop owns.
struct Builder {
    overrides: Overrides,
    ws: Workspace,
    templates: Arc<Templates>,
    statics: snapshot::Statics,
}

impl Builder {
    fn new(root: &Path, overrides: &Overrides) -> Result<Builder, i32> {
        let config = load_config(root, overrides)?;
        let templates = match Templates::load(&config) {
            Ok(t) => Arc::new(t),
            Err(d) => {
                report(d, Format::Text);
                return Err(crate::commands::EXIT_CONTENT);
            }
        };
        let statics = match snapshot::load_statics(&config) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot read static files: {e}");
                return Err(EXIT_USAGE);
            }
        };
        let mut ws = Workspace::new(config);
        ws.scan();
        Ok(Builder { overrides: overrides.clone(), ws, templates, statics })
    }

    fn config(&self) -> &Config {
        &self.ws.config
    }

    /// Applies a set of changed paths; returns the new snapshot (`None` when no path concerns
    /// the site) or the diagnostics.
    fn apply(&mut self, changed: &[PathBuf]) -> Result<Option<Snapshot>, Diagnostics> {
        let root = self.config().root.clone();
        let kind = |p: &Path| -> &'static str {
            let rel = p.strip_prefix(&root).unwrap_or(p);
            let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
            match first.as_deref() {
                Some(CONFIG_FILE) => "config",
                Some("content") => "content",
                Some("templates") => "templates",
                Some("themes") if rel.components().nth(2).is_some_and(|c| c.as_os_str() == "static") => {
                    "static"
                }
                Some("themes") => "templates",
                Some("static") => "static",
                _ => "other",
            }
        };
        let kinds: Vec<&str> = changed.iter().map(|p| kind(p)).collect();
        if !changed.is_empty() && kinds.iter().all(|k| *k == "other") {
            return Ok(None);
        }
        if kinds.contains(&"config") {
            let config = match crate::config::Config::load(&root, &self.overrides) {
                Ok(c) => c,
                Err(crate::config::ConfigError::Invalid(d)) => return Err(d),
                Err(e) => {
                    let mut d = Diagnostics::new();
                    d.error(CONFIG_FILE, crate::diag::Pos::START, e.to_string());
                    return Err(d);
                }
            };
            self.templates = Arc::new(Templates::load(&config)?);
            self.statics = load_statics_or_report(&config)?;
            self.ws = Workspace::new(config);
            self.ws.scan();
        } else {
            if kinds.contains(&"templates") {
                self.templates = Arc::new(Templates::load(self.config())?);
            }
            if kinds.contains(&"static") {
                self.statics = load_statics_or_report(self.config())?;
            }
            let content: Vec<PathBuf> = changed
                .iter()
                .zip(&kinds)
                .filter(|(_, k)| **k == "content")
                .map(|(p, _)| p.clone())
                .collect();
            let content_changed = !content.is_empty() && self.ws.update(&content);
            // Saved without a change (or a second event of one save): nothing to rebuild.
            if !changed.is_empty()
                && !content_changed
                && kinds.iter().all(|k| *k == "content" || *k == "other")
            {
                return Ok(None);
            }
        }
        let (site, diags) = self.ws.site();
        let mut timer = crate::timing::Timer::start();
        let result = match site {
            Some(site) => Ok(Some(Snapshot::new(site, self.templates.clone(), self.statics.clone()))),
            None => Err(diags),
        };
        timer.lap("snapshot");
        result
    }
}

fn load_statics_or_report(config: &Config) -> Result<snapshot::Statics, Diagnostics> {
    snapshot::load_statics(config).map_err(|e| {
        let mut d = Diagnostics::new();
        d.error("static", crate::diag::Pos::START, format!("cannot read static files: {e}"));
        d
    })
}

/// Runs the preview server until Ctrl-C.
pub fn serve(opts: Options) -> i32 {
    let mut builder = match Builder::new(&opts.root, &opts.overrides) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let start = Instant::now();
    let (first, errors) = match builder.apply(&[]) {
        Ok(Some(s)) => (s, Vec::new()),
        Ok(None) => (Snapshot::empty(builder.templates.clone(), builder.statics.clone()), Vec::new()),
        Err(d) => {
            let lines: Vec<String> = d.clone().sorted().iter().map(|x| x.to_string()).collect();
            report(d, Format::Text);
            // Serve the errors over an empty site until the first good build.
            (Snapshot::empty(builder.templates.clone(), builder.statics.clone()), lines)
        }
    };
    eprintln!("built in {} ms", start.elapsed().as_millis());
    let (tx, _) = broadcast::channel(64);
    let state =
        Arc::new(State { snapshot: RwLock::new(Arc::new(first)), errors: RwLock::new(errors), events: tx });

    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return EXIT_USAGE;
        }
    };
    let code = runtime.block_on(async move {
        let addr: SocketAddr = match format!("{}:{}", opts.bind, opts.port).parse() {
            Ok(a) => a,
            Err(_) => match tokio::net::lookup_host((opts.bind.as_str(), opts.port))
                .await
                .ok()
                .and_then(|mut a| a.next())
            {
                Some(a) => a,
                None => {
                    eprintln!("error: cannot bind to {}:{}", opts.bind, opts.port);
                    return EXIT_USAGE;
                }
            },
        };
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {addr}: {e}");
                return EXIT_USAGE;
            }
        };
        let watcher = match watch::Watcher::start(&builder.config().root) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("error: cannot watch the site: {e}");
                return EXIT_USAGE;
            }
        };
        let local = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| addr.to_string());
        println!("serving {} at http://{local}/ (Ctrl-C stops)", builder.config().title);
        if opts.open {
            let _ = std::process::Command::new("xdg-open").arg(format!("http://{local}/")).spawn();
        }
        let watch_state = state.clone();
        let root = builder.config().root.clone();
        let output_dir = builder.config().output_dir.clone();
        std::thread::spawn(move || watch::run(&root, &output_dir, watcher, builder, watch_state));
        let app = http::router(state);
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        });
        if let Err(e) = server.await {
            eprintln!("error: server stopped: {e}");
            return EXIT_USAGE;
        }
        eprintln!("stopped");
        EXIT_OK
    });
    // Open reload sockets and idle keep-alive connections must not hold the exit back.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}

/// Called by the watcher after each burst of changes.
fn rebuild(builder: &mut Builder, state: &State, changed: &[PathBuf]) {
    let start = Instant::now();
    match builder.apply(changed) {
        Ok(None) => {}
        Ok(Some(snapshot)) => {
            *state.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = Vec::new();
            let _ = state.events.send(r#"{"type":"reload"}"#.to_string());
            eprintln!(
                "rebuilt in {:.1} ms ({} changed paths)",
                start.elapsed().as_secs_f64() * 1000.0,
                changed.len()
            );
        }
        Err(diags) => {
            let lines: Vec<String> = diags
                .clone()
                .sorted()
                .iter()
                .filter(|d| d.severity == crate::diag::Severity::Error)
                .map(|d| d.to_string())
                .collect();
            report(diags, Format::Text);
            let msg = serde_json::json!({ "type": "errors", "errors": lines }).to_string();
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = lines;
            let _ = state.events.send(msg);
        }
    }
}
