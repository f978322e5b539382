//! Rendering: turns the indexed site into every file it outputs. What those files are is one
//! table (`table.rs`): each page kind, feed and sitemap owns its URLs, template and context in
//! a file of its own (`pages/`, `feeds.rs`, `sitemap.rs`). `build` and `check` render the whole
//! table here, in parallel, into an output `Sink`; `serve` renders one entry per request.

pub mod context;
pub mod feeds;
pub mod labels;
pub mod pages;
pub mod paging;
pub mod search_files;
pub mod sitemap;
pub mod table;
pub mod templates;
pub mod view;

use crate::date::{Edtf, display_full};
use crate::diag::{Diagnostics, Pos};
use crate::output::Sink;
use crate::pipeline::Site;
use crate::tlp::Tlp;
use context::{DateInfo, TlpInfo};
use rayon::prelude::*;
use table::Job;
use templates::Templates;

/// What rendering any output needs: the site and the templates.
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub site: &'a Site,
    pub templates: &'a Templates,
}

/// A template that failed: the file it came from and Tera's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

impl RenderError {
    /// The diagnostic line `serve` shows over the page: `path:line:col: error: message`.
    pub fn line(&self, templates: &Templates) -> String {
        let (file, pos, msg) = templates.error_at(&self.template, &self.message);
        format!("{file}:{}:{}: error: {msg}", pos.line, pos.col)
    }
}

/// Renders and writes everything the table lists. Template errors are collected.
pub fn render_site(site: &Site, templates: &Templates, sink: &dyn Sink) -> Diagnostics {
    render_jobs(Cx { site, templates }, &table::all_jobs(site), sink)
}

/// Renders a set of outputs in parallel.
pub fn render_jobs(cx: Cx, jobs: &[Job], sink: &dyn Sink) -> Diagnostics {
    let errors: Vec<(String, Pos, String, String)> = jobs
        .par_iter()
        .filter_map(|job| {
            let url = job.url(cx.site);
            let started = std::time::Instant::now();
            let bytes = job.render(cx);
            crate::timing::slow(&url.to_string(), started);
            match bytes {
                Ok(bytes) => sink
                    .put(&url.output_file(), bytes)
                    .err()
                    .map(|e| (e.location(), Pos::START, e.message(), String::new())),
                Err(e) => {
                    let (path, pos, msg) = cx.templates.error_at(&e.template, &e.message);
                    Some((path, pos, msg, url.to_string()))
                }
            }
        })
        .collect();
    // A template mistake fails every page using it: one line per mistake, naming one page.
    let mut seen: std::collections::BTreeMap<(String, Pos, String), (String, usize)> = Default::default();
    for (path, pos, msg, url) in errors {
        let e = seen.entry((path, pos, msg)).or_insert((url, 0));
        e.1 += 1;
    }
    let mut diags = Diagnostics::new();
    for ((path, pos, msg), (url, n)) in seen {
        let pages = match n {
            1 if url.is_empty() => String::new(),
            1 => format!(" (rendering {url})"),
            2 => format!(" (rendering {url} and 1 more page)"),
            n => format!(" (rendering {url} and {} more pages)", n - 1),
        };
        diags.error(&path, pos, format!("{msg}{pages}"));
    }
    diags
}

pub fn date_info(d: &Edtf, lang: &str) -> DateInfo {
    DateInfo { display: d.display(lang), iso: d.machine(), edtf: d.edtf() }
}

pub fn full_date_info(d: jiff::civil::Date, lang: &str) -> DateInfo {
    let iso = d.strftime("%Y-%m-%d").to_string();
    DateInfo { display: display_full(d, lang), iso: iso.clone(), edtf: iso }
}

pub fn tlp_info(t: Tlp, lang: &str) -> TlpInfo {
    TlpInfo { label: t.label(), class: t.css(), meaning: t.meaning(lang) }
}
