//! The watcher: notify with a full debouncer on the site's content, templates, themes, static
//! files and site.toml. Editors that save through a temporary file and a rename produce
//! create/remove/rename events; all of them count as changes of the paths involved.

use super::{Builder, State, rebuild};
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

/// Short enough to feel instant, long enough to merge an editor's rename dance.
const DEBOUNCE: Duration = Duration::from_millis(8);

type Debouncer =
    notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>;

/// Watches the site; the watches are in place when this returns, so no save after it is missed.
pub struct Watcher {
    debouncer: Debouncer,
    events: mpsc::Receiver<DebounceEventResult>,
    watched: Vec<PathBuf>,
}

impl Watcher {
    pub fn start(root: &Path) -> Result<Watcher, notify::Error> {
        let (tx, rx) = mpsc::channel::<DebounceEventResult>();
        let mut debouncer = new_debouncer(DEBOUNCE, None, tx)?;
        // The root itself only for site.toml and new top-level folders; the sections recursively.
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = Watcher { debouncer, events: rx, watched: Vec::new() };
        w.watch_sections(root, &[]);
        Ok(w)
    }

    /// Watches each section folder that exists. `changed` names folders that were removed or
    /// created since: their old watch died with the folder (`rm -rf content; cp -r bak
    /// content`), so they are watched afresh.
    fn watch_sections(&mut self, root: &Path, changed: &[PathBuf]) {
        for dir in ["content", "templates", "themes", "static"] {
            let p = root.join(dir);
            if changed.contains(&p)
                && let Some(i) = self.watched.iter().position(|w| *w == p)
            {
                let _ = self.debouncer.unwatch(&p);
                self.watched.remove(i);
            }
            if p.is_dir()
                && !self.watched.contains(&p)
                && self.debouncer.watch(&p, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(p);
            }
        }
    }
}

pub fn run(root: &Path, output_dir: &Path, mut watcher: Watcher, mut builder: Builder, state: Arc<State>) {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let canonical_output = output_dir.canonicalize().unwrap_or_else(|_| output_dir.to_path_buf());
    while let Ok(result) = watcher.events.recv() {
        let Ok(events) = result else { continue };
        let mut changed: Vec<PathBuf> = Vec::new();
        for ev in events {
            // Reads (ours included) are not changes; creates, writes, removes and renames are.
            if matches!(ev.event.kind, notify::EventKind::Access(_)) {
                continue;
            }
            for p in &ev.event.paths {
                // Paths as the rest of the program knows them: below `root` as given.
                let p = match p.strip_prefix(&canonical_root) {
                    Ok(rel) => root.join(rel),
                    Err(_) => p.clone(),
                };
                if p.starts_with(output_dir) || p.starts_with(&canonical_output) || is_noise(&p) {
                    continue;
                }
                if !changed.contains(&p) {
                    changed.push(p);
                }
            }
        }
        if changed.is_empty() {
            continue;
        }
        // A section folder created after start (e.g. the first template) is watched from now on.
        watcher.watch_sections(root, &changed);
        rebuild(&mut builder, &state, &changed);
    }
}

fn is_noise(p: &Path) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // vim's write test file and back-ups; the ignored names of the loader.
    name == "4913" || crate::load::is_ignored_name(&name)
}
