//! `dossier build`, and what `check` shares with it.

use super::{EXIT_CONTENT, EXIT_OK, Format, load_config, report};
use crate::config::{CONFIG_FILE, Config, OutputOrigin, Overrides};
use crate::diag::{Diagnostics, Pos};
use crate::interrupt::{EXIT_INTERRUPTED, Interrupt};
use crate::output::folder::{self, ResolvedPath};
use crate::output::{self, PublishError, Publisher};
use crate::pipeline;
use crate::render::{self, templates::Templates};
use std::path::Path;
use std::time::Instant;

/// Builds into a new tree and swaps it in for the output folder only when everything
/// succeeded; an error, Ctrl-C or a kill leaves the previous output whole.
pub fn build(root: &Path, overrides: &Overrides, quiet: bool) -> i32 {
    let start = Instant::now();
    let interrupt = Interrupt::install();
    let config = match load_config(root, overrides) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let output = match output_folder(&config, Format::Text) {
        Ok(o) => o,
        Err(code) => return code,
    };
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
    if interrupt.is_set() {
        return interrupted();
    }
    let publisher = match Publisher::prepare(output.as_path(), interrupt.clone()) {
        Ok(p) => p,
        Err(e) => return publish_failed(e, diags),
    };
    let mut timer = crate::timing::Timer::start();
    let outputs = render::table::OutputPaths::of(&site);
    if let Err(e) = output::copy_static(&config, &publisher, &|rel| output::publishes_static(&outputs, rel)) {
        e.report(&mut diags);
    }
    diags.extend(render::render_site(&site, &templates, &publisher));
    timer.lap("render+stage");
    if interrupt.is_set() {
        return interrupted();
    }
    if diags.has_errors() {
        drop(publisher);
        report(diags, Format::Text);
        return EXIT_CONTENT;
    }
    let committed = publisher.commit();
    timer.lap("commit");
    let committed = match committed {
        Ok(c) => c,
        Err(e) => return publish_failed(e, diags),
    };
    report(diags, Format::Text);
    for w in &committed.warnings {
        eprintln!("warning: {}", crate::diag::one_line(w));
    }
    if !quiet {
        let n =
            |count: usize, one: &str, many: &str| format!("{count} {}", if count == 1 { one } else { many });
        eprintln!(
            "built {}, {} into {} in {} ms ({} written, {} unchanged, {} removed)",
            n(site.briefings.len(), "briefing", "briefings"),
            n(site.index.has_page.iter().filter(|p| **p).count(), "entity page", "entity pages"),
            output,
            start.elapsed().as_millis(),
            n(committed.written, "file", "files"),
            committed.unchanged,
            committed.removed
        );
    }
    EXIT_OK
}

fn interrupted() -> i32 {
    eprintln!("interrupted: the output folder is as it was");
    EXIT_INTERRUPTED
}

/// Reports why the new site could not be published (the output folder is as it was).
fn publish_failed(e: PublishError, diags: Diagnostics) -> i32 {
    if matches!(e, PublishError::Interrupted) {
        return interrupted();
    }
    report(diags, Format::Text);
    eprintln!("error: {}", crate::diag::one_line(&e.to_string()));
    eprintln!("the output folder is as it was");
    match e {
        PublishError::Collisions(_) | PublishError::MountInside(_) | PublishError::Unrecorded { .. } => {
            super::EXIT_USAGE
        }
        _ => EXIT_CONTENT,
    }
}

/// The content stages, plus what only the static files can tell: shared by `build` and
/// `check`, so both report the same lines.
pub(super) fn load_site(config: &crate::config::Config) -> (Option<pipeline::Site>, Diagnostics) {
    let (site, mut diags) = pipeline::load_site(config);
    if let Some(site) = &site {
        // Assembled here rather than by the first output that needs it (the list of output
        // paths does), so its time is its own.
        let mut timer = crate::timing::Timer::start();
        site.search.assembled(site);
        timer.lap("search index");
        diags.extend(output::hidden_statics(config, site));
    }
    (site, diags)
}

/// The output folder resolved as the OS will see it, or the exit status after saying why it
/// cannot be used (FORMAT.md section 7: never the site, its parents or its sources).
pub(super) fn output_folder(config: &Config, format: Format) -> Result<ResolvedPath, i32> {
    let refusal = match folder::check(&config.output_dir, &config.root) {
        Ok(out) => match output::unrecorded_entry(out.as_path()) {
            None => return Ok(out),
            Some(example) => folder::Refusal::new(
                out.as_path(),
                format!(
                    "holds files that dossier did not write (such as \"{example}\") and no record of an earlier build (dossier builds only into a new or empty folder, or one it built before)"
                ),
            ),
        },
        Err(r) => r,
    };
    let mut d = Diagnostics::new();
    match config.output_origin {
        OutputOrigin::SiteToml(pos) => {
            d.error(CONFIG_FILE, pos, format!("{refusal}; choose another output_dir"))
        }
        OutputOrigin::Flag | OutputOrigin::Default if format == Format::Json => {
            let source = if config.output_origin == OutputOrigin::Flag { "--output" } else { CONFIG_FILE };
            d.error(source, Pos::START, format!("{refusal}; choose another output folder"))
        }
        OutputOrigin::Flag => {
            eprintln!(
                "error: --output {}: {refusal}; choose another output folder",
                config.output_dir.display()
            );
            return Err(super::EXIT_USAGE);
        }
        OutputOrigin::Default => {
            let msg = format!("{refusal}; choose another output folder (output_dir in site.toml)");
            eprintln!("error: {}", crate::diag::one_line(&msg));
            return Err(super::EXIT_USAGE);
        }
    }
    report(d, format);
    Err(super::EXIT_USAGE)
}
