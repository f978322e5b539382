//! Templates: one Tera 2 instance holding the site's `templates/`, the chosen theme's
//! templates and the built-in default theme, resolved in that order through Tera's fallback
//! prefixes, so a site overrides any single template by giving its name.

use crate::config::Config;
use crate::diag::{Diagnostics, Pos};
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

pub use embedded::DEFAULT_THEME;

/// The templates a theme must provide (directly or through the built-in fallback).
pub const REQUIRED: &[&str] = &[
    "index.html",
    "briefings.html",
    "briefing.html",
    "entities.html",
    "entity.html",
    "events.html",
    "timeline.html",
    "year.html",
    "sources.html",
    "publisher.html",
    "tags.html",
    "tag.html",
    "page.html",
    "search.html",
    "404.html",
];

const THEME_PREFIX: &str = "theme/";
const BUILTIN_PREFIX: &str = "builtin/";

pub struct Templates {
    tera: tera::Tera,
    /// Where each registered template came from, for error messages.
    origins: Vec<(String, String)>,
    /// A hash of every template's name, file and text: `serve` reloads pages only when a save
    /// changed one of them.
    sources_hash: u64,
}

impl Templates {
    /// Loads all template layers; errors name the template file.
    pub fn load(config: &Config) -> Result<Templates, Diagnostics> {
        let mut tera = tera::Tera::new();
        let mut diags = Diagnostics::new();
        tera.set_fallback_prefixes([THEME_PREFIX, BUILTIN_PREFIX]).expect("no templates added yet");
        tera.autoescape_on([".html", ".xml", ".htm"]);
        let mut origins = Vec::new();
        let mut sources: Vec<(String, String, String)> = Vec::new();
        for (rel, bytes) in DEFAULT_THEME {
            if let Some(name) = rel.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                sources.push((
                    format!("{BUILTIN_PREFIX}{name}"),
                    text,
                    format!("(built-in) themes/default/templates/{name}"),
                ));
            }
        }
        let theme_dir = config.root.join("themes").join(&config.theme);
        if config.theme != "default" && !theme_dir.is_dir() {
            diags.error(
                "site.toml",
                Pos::START,
                format!("theme \"{}\" not found: no folder themes/{}/", config.theme, config.theme),
            );
            return Err(diags);
        }
        for (name, path) in template_files(&theme_dir.join("templates")) {
            let rel = crate::load::rel_path(&config.root, &path);
            match std::fs::read_to_string(&path) {
                Ok(text) => sources.push((format!("{THEME_PREFIX}{name}"), text, rel)),
                Err(e) => diags.error(&rel, Pos::START, format!("cannot read template: {e}")),
            }
        }
        for (name, path) in template_files(&config.root.join("templates")) {
            let rel = crate::load::rel_path(&config.root, &path);
            match std::fs::read_to_string(&path) {
                Ok(text) => sources.push((name, text, rel)),
                Err(e) => diags.error(&rel, Pos::START, format!("cannot read template: {e}")),
            }
        }
        for (name, _, origin) in &sources {
            origins.push((name.clone(), origin.clone()));
        }
        // All at once: templates may extend each other in any order.
        if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, t, _)| (n.as_str(), t.as_str()))) {
            let msg = one_line(&e.to_string());
            let (origin, pos) = match locate(&msg) {
                Some((name, pos)) => (origin_in(&origins, name), pos),
                None => {
                    let o = origins.iter().find(|(n, _)| msg.contains(n.as_str())).map(|(_, o)| o.clone());
                    (o.unwrap_or_else(|| "templates".to_string()), Pos::START)
                }
            };
            diags.error(&origin, pos, format!("template error: {}", without_snippet(&msg)));
        }
        for name in REQUIRED {
            if !diags.has_errors() && !tera.contains_template(name) {
                diags.error("templates", Pos::START, format!("the theme has no template {name}"));
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let sources_hash = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            sources.hash(&mut h);
            h.finish()
        };
        Ok(Templates { tera, origins, sources_hash })
    }

    /// Whether both were loaded from the same template files with the same text.
    pub fn same_sources(&self, other: &Templates) -> bool {
        self.sources_hash == other.sources_hash
    }

    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, String> {
        self.tera.render(name, ctx).map_err(|e| {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                src = s.source();
            }
            one_line(&msg)
        })
    }

    /// Where a rendering error lies: the template file and position Tera names in its
    /// message (an included partial, say), else the page template's file (`origin`) at 1:1;
    /// and the message without Tera's source snippet.
    pub fn error_at(&self, origin: &str, msg: &str) -> (String, Pos, String) {
        match locate(msg) {
            Some((name, pos)) => (self.origin(name), pos, without_snippet(msg)),
            None => (origin.to_string(), Pos::START, without_snippet(msg)),
        }
    }

    /// The file a template name resolves to, for diagnostics.
    pub fn origin(&self, name: &str) -> String {
        origin_in(&self.origins, name)
    }
}

fn origin_in(origins: &[(String, String)], name: &str) -> String {
    for candidate in [name.to_string(), format!("{THEME_PREFIX}{name}"), format!("{BUILTIN_PREFIX}{name}")] {
        if let Some((_, o)) = origins.iter().find(|(n, _)| *n == candidate) {
            return o.clone();
        }
    }
    format!("templates/{name}")
}

/// Tera's `--> name:line:col` in a (one-line) message.
fn locate(msg: &str) -> Option<(&str, Pos)> {
    let at = &msg[msg.rfind("--> ")? + 4..];
    let at = at.split_whitespace().next()?;
    let mut parts = at.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, Pos::new(line, col)))
}

/// The message before Tera's snippet, without repeated `error:` prefixes.
fn without_snippet(msg: &str) -> String {
    let m = msg.split(" --> ").next().unwrap_or(msg).trim();
    let mut m = m;
    while let Some(rest) = m.strip_prefix("error: ") {
        m = rest;
    }
    m.replace(": error: ", ": ")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Template files below `dir` as (name relative to `dir`, path).
fn template_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out: Vec<(String, PathBuf)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !crate::load::is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let name =
                rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            Some((name, e.path().to_path_buf()))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tera_positions_and_messages() {
        let msg = "error: Variable `x` is not defined. --> partials/a.html:3:6 | 3 | {{ x }} | ^";
        assert_eq!(locate(msg), Some(("partials/a.html", Pos::new(3, 6))));
        assert_eq!(without_snippet(msg), "Variable `x` is not defined.");
        assert_eq!(locate("no position here"), None);
    }
}
