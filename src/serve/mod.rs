//! `dossier serve`: builds the site in memory with the same pipeline as `build`, serves it over
//! HTTP, watches the site and, after each save, rebuilds what changed and tells every open page
//! to reload over a WebSocket. Pages are rendered on request from the current site and cached
//! until the next change, so a save costs only the content stages plus the pages being viewed.

mod guard;
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
pub use guard::parse_allowed_host;
pub use snapshot::Snapshot;
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
    /// Host names answered besides loopback names, IP addresses and `bind` (`--allow-host`).
    pub allowed_hosts: Vec<String>,
}

/// What a changed path is part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Config,
    Content,
    Templates,
    Static,
    /// Outside the site (a README beside site.toml, a backup folder).
    Other,
}

/// The build state the rebuild loop owns: what `serve` does after each burst of changes,
/// without the watcher and the HTTP side (tests drive it with the paths a watcher reports).
pub struct Builder {
    overrides: Overrides,
    ws: Workspace,
    templates: Arc<Templates>,
    statics: snapshot::Statics,
    /// The bytes of site.toml that `ws.config` was loaded from: a save that leaves them as they
    /// were changes nothing.
    config_text: Option<Vec<u8>>,
    /// The files found where content folders belong, as the last run saw them.
    misplaced: Vec<String>,
    /// Inputs whose last load failed. They are loaded again on every run until they load, so
    /// that a save elsewhere does not hide their errors.
    broken: Vec<Input>,
    /// The last run ended in errors: the next one builds whatever changed, to tell whether they
    /// are fixed.
    failed: bool,
}

impl Builder {
    /// Reads the site once; `Err(exit status)`, with the reasons printed, when it cannot be served.
    pub fn new(root: &Path, overrides: &Overrides) -> Result<Builder, i32> {
        // Read before loading: should the file change in between, the two differ and the
        // change's event reloads it, rather than being taken for the text already loaded.
        let config_text = std::fs::read(root.join(CONFIG_FILE)).ok();
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
        Ok(Builder {
            overrides: overrides.clone(),
            ws,
            templates,
            statics,
            config_text,
            misplaced: Vec::new(),
            broken: Vec::new(),
            failed: false,
        })
    }

    fn config(&self) -> &Config {
        &self.ws.config
    }

    /// Applies a set of changed paths; returns the new snapshot, `None` when what is served
    /// cannot differ from the last run (no path concerns the site, or the files read the same),
    /// or the diagnostics.
    pub fn apply(&mut self, changed: &[PathBuf]) -> Result<Option<Snapshot>, Diagnostics> {
        let result = self.run(changed);
        match result {
            Ok(Some(_)) => self.failed = false,
            Err(_) => self.failed = true,
            Ok(None) => {}
        }
        result
    }

    fn run(&mut self, changed: &[PathBuf]) -> Result<Option<Snapshot>, Diagnostics> {
        let root = self.config().root.clone();
        let kind = |p: &Path| -> Input {
            let rel = p.strip_prefix(&root).unwrap_or(p);
            let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
            match first.as_deref() {
                Some(CONFIG_FILE) => Input::Config,
                Some("content") => Input::Content,
                Some("templates") => Input::Templates,
                Some("themes") if rel.components().nth(2).is_some_and(|c| c.as_os_str() == "static") => {
                    Input::Static
                }
                Some("themes") => Input::Templates,
                Some("static") => Input::Static,
                _ => Input::Other,
            }
        };
        let kinds: Vec<Input> = changed.iter().map(|p| kind(p)).collect();
        if !changed.is_empty() && kinds.iter().all(|k| *k == Input::Other) {
            return Ok(None);
        }
        let touched = |k: Input| kinds.contains(&k) || self.broken.contains(&k);
        let (config_touched, templates_touched, static_touched) =
            (touched(Input::Config), touched(Input::Templates), touched(Input::Static));
        // The first run, or errors to confirm or clear: build whatever changed.
        let mut differs = changed.is_empty() || self.failed;
        let config_text = if config_touched {
            std::fs::read(root.join(CONFIG_FILE)).ok()
        } else {
            self.config_text.clone()
        };
        if config_text != self.config_text || self.broken.contains(&Input::Config) {
            // Everything hangs on the configuration: all is loaded again, and again on the next
            // run until all of it loads.
            self.broken = vec![Input::Config];
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
            self.broken.clear();
            self.config_text = config_text;
            self.ws = Workspace::new(config);
            self.ws.scan();
            differs = true;
        } else {
            let content: Vec<PathBuf> = changed
                .iter()
                .zip(&kinds)
                .filter(|(_, k)| **k == Input::Content)
                .map(|(p, _)| p.clone())
                .collect();
            // Content first: a template error below must not lose the content of this save.
            differs |= !content.is_empty() && self.ws.update(&content);
            // Both are loaded even when one fails, so neither change waits for the other's fix.
            let mut load_errors = Diagnostics::new();
            if templates_touched {
                self.broken.retain(|k| *k != Input::Templates);
                match Templates::load(self.config()) {
                    Ok(t) if t.same_sources(&self.templates) => {}
                    Ok(t) => {
                        self.templates = Arc::new(t);
                        differs = true;
                    }
                    Err(d) => {
                        self.broken.push(Input::Templates);
                        load_errors.extend(d);
                    }
                }
            }
            if static_touched {
                self.broken.retain(|k| *k != Input::Static);
                match load_statics_or_report(self.config()) {
                    Ok(s) if *s == *self.statics => {}
                    Ok(s) => {
                        self.statics = s;
                        differs = true;
                    }
                    Err(d) => {
                        self.broken.push(Input::Static);
                        load_errors.extend(d);
                    }
                }
            }
            if load_errors.has_errors() {
                // As `build`: template and static-file errors come on top of the content's.
                let (_, mut diags) = self.ws.site();
                diags.extend(load_errors);
                return Err(diags);
            }
        }
        // `site()` reports these every run; a section folder turned into a file (or back) is
        // no content file's change, so look for it here.
        let misplaced: Vec<String> =
            crate::load::misplaced_files(&root).sorted().iter().map(|d| d.to_string()).collect();
        differs |= misplaced != self.misplaced;
        self.misplaced = misplaced;
        if !differs {
            return Ok(None);
        }
        let (site, diags) = self.ws.site();
        let mut timer = crate::timing::Timer::start();
        let result = match site {
            Some(site) => Ok(Some(Snapshot::new(site, diags, self.templates.clone(), self.statics.clone()))),
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
            let lines = error_lines(&d);
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
        let app = http::router(state, guard::Hosts::new(&opts.bind, &opts.allowed_hosts));
        http::serve(listener, app, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
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
            let lines = error_lines(&diags);
            // The same mistakes as shown (a save elsewhere, or one whose event came twice):
            // every open page and the terminal already have them.
            if lines == state.errors() {
                return;
            }
            report(diags, Format::Text);
            let msg = serde_json::json!({ "type": "errors", "errors": lines }).to_string();
            *state.errors.write().unwrap_or_else(|e| e.into_inner()) = lines;
            let _ = state.events.send(msg);
        }
    }
}

/// The error lines shown over every open page, as the terminal has them.
fn error_lines(diags: &Diagnostics) -> Vec<String> {
    diags
        .clone()
        .sorted()
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .map(|d| d.to_string())
        .collect()
}
