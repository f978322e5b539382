//! `dossier check`: the lines `build` would print, without writing anything; then the warnings
//! of the integrity rules (`lint`), and, marked as withheld, the findings in the briefings the
//! gate withholds (FORMAT.md section 7). The exit status is build's, unless `--deny-warnings`
//! makes any other line fail it too.

use super::build::{load_site, output_folder};
use super::{EXIT_CONTENT, EXIT_OK, EXIT_USAGE, Format, load_config_as, report};
use crate::config::{Config, Overrides};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::render::{self, templates::Templates};
use crate::{lint, output, pipeline};
use jiff::civil::Date;
use std::collections::HashSet;
use std::path::Path;

pub fn check(root: &Path, overrides: &Overrides, format: Format, deny_warnings: bool) -> i32 {
    let config = match load_config_as(root, overrides, format) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(code) = output_folder(&config, format) {
        return code;
    }
    let today = match lint::today() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
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
    let build_fails = diags.has_errors();
    if let Some(site) = &site {
        diags.extend(lint::warnings(site, today));
    }
    let withheld = withheld_findings(&config, &diags, today);
    diags.push_all(withheld);
    diags.retain(|d| !d.code.is_some_and(|c| config.lint_allow.contains(&c)));
    let denied = deny_warnings && diags.iter().any(|d| d.severity == Severity::Warning || d.withheld);
    report(diags, format);
    if build_fails || denied { EXIT_CONTENT } else { EXIT_OK }
}

/// The findings in withheld briefings: the content stages and the rules run again with the gate
/// open, and what they find in a withheld briefing that the gated run did not is marked.
fn withheld_findings(config: &Config, found: &Diagnostics, today: Date) -> Vec<Diagnostic> {
    let mut open = config.clone();
    open.drafts = true;
    open.publish_tlp = crate::tlp::Tlp::Red;
    let mut ws = pipeline::Workspace::new(open);
    ws.scan();
    let withheld: HashSet<String> =
        ws.parsed_briefings().filter(|b| !pipeline::publishes(config, b)).map(|b| b.rel.clone()).collect();
    if withheld.is_empty() {
        return Vec::new();
    }
    let (site, mut diags) = ws.site();
    if let Some(site) = &site {
        diags.extend(lint::warnings(site, today));
    }
    let known: HashSet<&Diagnostic> = found.iter().collect();
    diags
        .sorted()
        .into_iter()
        .filter(|d| withheld.contains(&d.path) && !known.contains(d))
        .map(|mut d| {
            d.withheld = true;
            d
        })
        .collect()
}
