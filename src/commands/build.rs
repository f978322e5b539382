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
    let templates = Templates::load(&config);
    let (site, mut diags) = pipeline::load_site(&config);
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
    // The output folder is cleaned of files the build no longer makes: it must never hold the
    // site's own sources.
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let (out_dir, site_root) = (canon(&config.output_dir), canon(&config.root));
    if site_root.starts_with(&out_dir) {
        eprintln!(
            "error: the output folder {} contains the site itself; choose another output_dir",
            config.output_dir.display()
        );
        return super::EXIT_USAGE;
    }
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
    if let Err(e) = output::copy_static(&config, &staging) {
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
        eprintln!(
            "built {} briefings, {} entity pages into {} in {} ms ({} files written, {} unchanged, {} removed)",
            site.briefings.len(),
            site.index.has_page.iter().filter(|p| **p).count(),
            config.output_dir.display(),
            start.elapsed().as_millis(),
            committed.written,
            committed.unchanged,
            committed.removed
        );
    }
    EXIT_OK
}

/// Validates everything `build` would, writes nothing.
pub fn check(root: &Path, overrides: &Overrides, format: Format) -> i32 {
    let config = match load_config(root, overrides) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (_, mut diags) = pipeline::load_site(&config);
    if let Err(d) = Templates::load(&config) {
        diags.extend(d);
    }
    if report(diags, format) { EXIT_CONTENT } else { EXIT_OK }
}
