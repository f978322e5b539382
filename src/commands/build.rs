//! `dossier build` and `dossier check`.

use super::{EXIT_CONTENT, EXIT_OK, Format, load_config, report};
use crate::config::Overrides;
use crate::diag::{Diagnostics, Pos};
use crate::output;
use crate::pipeline;
use crate::render::{self, templates::Templates};
use std::path::Path;
use std::time::Instant;

/// Builds into a staging folder and swaps it in only when everything succeeded.
pub fn build(root: &Path, overrides: &Overrides, quiet: bool) -> i32 {
    let start = Instant::now();
    let config = match load_config(root, overrides) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if refuse_output(&config, overrides, Format::Text) {
        return super::EXIT_USAGE;
    }
    let templates = Templates::load(&config);
    let (site, mut diags) = load_site(&config);
    let (site, templates) = match (site, templates) {
        (Some(site), Ok(t)) => (site, t),
        (_, Err(d)) => {
            diags.extend(d);
            report(diags, Format::Text);
            return EXIT_CONTENT;
        }
        (None, _) => {
            report(diags, Format::Text);
            return EXIT_CONTENT;
        }
    };
    let staging = match output::Staging::new(&config.output_dir) {
        Ok(s) => s,
        Err(e) => {
            diags.error(
                &config.output_dir.display().to_string(),
                Pos::START,
                format!("cannot prepare the output: {e}"),
            );
            report(diags, Format::Text);
            return EXIT_CONTENT;
        }
    };
    if let Err(e) = output::copy_static(&config, &staging, &|rel| output::publishes_static(&site, rel)) {
        diags.error("static", Pos::START, format!("cannot copy static files: {e}"));
    }
    let mut timer = crate::timing::Timer::start();
    diags.extend(render::render_site(&site, &templates, &staging));
    timer.lap("render+stage");
    if diags.has_errors() {
        staging.abort();
        report(diags, Format::Text);
        return EXIT_CONTENT;
    }
    let committed = staging.commit();
    timer.lap("commit");
    let committed = match committed {
        Ok(c) => c,
        Err(e) => {
            let mut d = Diagnostics::new();
            d.error(
                &config.output_dir.display().to_string(),
                Pos::START,
                format!("cannot update the output folder: {e}"),
            );
            diags.extend(d);
            report(diags, Format::Text);
            return EXIT_CONTENT;
        }
    };
    report(diags, Format::Text);
    if !quiet {
        let n =
            |count: usize, one: &str, many: &str| format!("{count} {}", if count == 1 { one } else { many });
        eprintln!(
            "built {}, {} into {} in {} ms ({} written, {} unchanged, {} removed)",
            n(site.briefings.len(), "briefing", "briefings"),
            n(site.index.has_page.iter().filter(|p| **p).count(), "entity page", "entity pages"),
            config.output_dir.display(),
            start.elapsed().as_millis(),
            n(committed.written, "file", "files"),
            committed.unchanged,
            committed.removed
        );
    }
    EXIT_OK
}

/// Validates everything `build` would, writes nothing.
pub fn check(root: &Path, overrides: &Overrides, format: Format) -> i32 {
    let config = match super::load_config_as(root, overrides, format) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if refuse_output(&config, overrides, format) {
        return super::EXIT_USAGE;
    }
    let (site, mut diags) = load_site(&config);
    match Templates::load(&config) {
        // Rendering finds what only rendering can (a template's runtime error), so `check`
        // reports exactly what `build` would; the pages are thrown away.
        Ok(templates) if !diags.has_errors() => {
            if let Some(site) = &site {
                diags.extend(render::render_site(site, &templates, &output::Discard));
            }
        }
        Ok(_) => {}
        Err(d) => diags.extend(d),
    }
    if report(diags, format) { EXIT_CONTENT } else { EXIT_OK }
}

/// The content stages, plus what only the static files can tell: shared by `build` and
/// `check`, so both report the same lines.
fn load_site(config: &crate::config::Config) -> (Option<pipeline::Site>, Diagnostics) {
    let (site, mut diags) = pipeline::load_site(config);
    if let Some(site) = &site {
        diags.extend(output::hidden_statics(config, site));
    }
    (site, diags)
}

/// Prints why the output folder cannot be used, if it cannot; true then.
fn refuse_output(config: &crate::config::Config, overrides: &Overrides, format: Format) -> bool {
    let Some(problem) = unsafe_output(&config.output_dir, &config.root) else { return false };
    let msg =
        format!("the output folder {} {problem}; choose another output_dir", config.output_dir.display());
    match format {
        // The folder is the user's path: one line whatever it holds.
        Format::Text => eprintln!("error: {}", crate::diag::one_line(&msg)),
        Format::Json => {
            let mut d = Diagnostics::new();
            let source = if overrides.output.is_some() { "--output" } else { crate::config::CONFIG_FILE };
            d.error(source, Pos::START, msg);
            report(d, format);
        }
    }
    true
}

/// The output folder is cleaned of files the build no longer makes, so it must never be or
/// hold the site's sources: not the site root or above it, not inside `content/`,
/// `templates/`, `themes/` or `static/`.
fn unsafe_output(output: &Path, root: &Path) -> Option<&'static str> {
    if output.exists() && !output.is_dir() {
        return Some("is a file, not a folder");
    }
    let (out, root) = (canonical(output), canonical(root));
    if root.starts_with(&out) {
        return Some("contains the site itself");
    }
    ["content", "templates", "themes", "static"]
        .iter()
        .any(|d| out.starts_with(root.join(d)))
        .then_some("lies inside the site's sources")
}

/// The canonical form of a path that may not exist yet: its longest existing ancestor,
/// canonicalised, with the rest appended.
fn canonical(p: &Path) -> std::path::PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
    };
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            return rest.iter().rev().fold(c, |acc, seg| acc.join(seg));
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_may_not_hold_or_sit_in_sources() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content/briefings")).unwrap();
        assert!(unsafe_output(&root.join("public"), &root).is_none());
        assert!(unsafe_output(&tmp.path().join("elsewhere/new"), &root).is_none());
        assert!(unsafe_output(&root, &root).is_some());
        assert!(unsafe_output(tmp.path(), &root).is_some());
        assert!(unsafe_output(&root.join("content"), &root).is_some());
        assert!(unsafe_output(&root.join("content/briefings/out"), &root).is_some());
        assert!(unsafe_output(&root.join("static/x"), &root).is_some());
        assert!(unsafe_output(&root.join("./content/../templates"), &root).is_some());
        std::fs::write(root.join("site.toml"), "title = \"T\"").unwrap();
        assert_eq!(unsafe_output(&root.join("site.toml"), &root), Some("is a file, not a folder"));
    }
}
