//! `dossier build` and `dossier check`.

use super::{EXIT_CONTENT, EXIT_OK, Format, load_config, report};
use crate::config::Overrides;
use crate::diag::{Diagnostics, Pos};
use crate::output::{self, DirSink};
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
    let staging = output::staging_dir(&config.output_dir);
    let _ = std::fs::remove_dir_all(&staging);
    let sink = DirSink { dir: staging.clone() };
    if let Err(e) = output::copy_static(&config, &sink) {
        diags.error("static", Pos::START, format!("cannot copy static files: {e}"));
    }
    let mut timer = crate::timing::Timer::start();
    diags.extend(render::render_site(&site, &templates, &sink));
    timer.lap("render+write");
    if diags.has_errors() {
        let _ = std::fs::remove_dir_all(&staging);
        report(diags, Format::Text);
        return EXIT_CONTENT;
    }
    let published = output::publish(&staging, &config.output_dir);
    timer.lap("publish");
    if let Err(e) = published {
        let _ = std::fs::remove_dir_all(&staging);
        let mut d = Diagnostics::new();
        d.error(
            &config.output_dir.display().to_string(),
            Pos::START,
            format!("cannot replace the output folder: {e}"),
        );
        diags.extend(d);
        report(diags, Format::Text);
        return EXIT_CONTENT;
    }
    report(diags, Format::Text);
    if !quiet {
        eprintln!(
            "built {} briefings, {} entity pages into {} in {} ms",
            site.briefings.len(),
            site.index.has_page.iter().filter(|p| **p).count(),
            config.output_dir.display(),
            start.elapsed().as_millis()
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
