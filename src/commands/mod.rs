//! The command line's actions: `build`, `check`, `schema`, `new`, `init` (and `serve`, elsewhere), each a
//! thin layer over the pipeline that decides what to print and which exit status to return.

pub mod build;
pub mod check;
pub mod new;
pub mod schema;

use crate::config::{Config, ConfigError, Overrides};
use crate::diag::{Diagnostic, Diagnostics, summary_line};
use std::io::Write;
use std::path::Path;

/// Exit statuses of FORMAT.md section 7.
pub const EXIT_OK: i32 = 0;
pub const EXIT_CONTENT: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Loads site.toml, printing its errors; `Err(exit status)` when it cannot be used.
pub fn load_config(root: &Path, overrides: &Overrides) -> Result<Config, i32> {
    load_config_as(root, overrides, Format::Text)
}

/// `load_config` reporting in the given format (`check --format json` stays parseable).
pub fn load_config_as(root: &Path, overrides: &Overrides, format: Format) -> Result<Config, i32> {
    match Config::load(root, overrides) {
        Ok(c) => Ok(c),
        Err(ConfigError::Read(_, e)) => {
            let mut d = Diagnostics::new();
            d.error(
                crate::config::CONFIG_FILE,
                crate::diag::Pos::START,
                format!("cannot read site.toml: {e}"),
            );
            report(d, format);
            Err(EXIT_USAGE)
        }
        Err(ConfigError::Invalid(d)) => {
            report(d, format);
            Err(EXIT_USAGE)
        }
    }
}

/// Prints diagnostics to stderr (text) or stdout (json) and returns whether any is an error.
pub fn report(diags: Diagnostics, format: Format) -> bool {
    let errors = diags.error_count();
    let warnings = diags.warning_count();
    let list: Vec<Diagnostic> = diags.sorted();
    match format {
        Format::Text => {
            for d in &list {
                eprintln!("{d}");
            }
            if !list.is_empty() {
                eprintln!("{}", summary_line(errors, warnings));
            }
        }
        Format::Json => {
            // `col` as in the text form, `column` for readers who expect the long name; `code`
            // is null for findings outside the integrity rules.
            let items: Vec<serde_json::Value> = list
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "path": d.path, "line": d.line, "col": d.col, "column": d.col,
                        "severity": d.severity, "message": d.message,
                        "code": d.code, "withheld": d.withheld,
                    })
                })
                .collect();
            let out = serde_json::json!({ "errors": errors, "warnings": warnings, "diagnostics": items });
            // A closed pipe (`check --format json | head`) is the reader's choice, not a panic.
            let text = serde_json::to_string_pretty(&out).unwrap_or_default();
            let _ = writeln!(std::io::stdout().lock(), "{text}");
        }
    }
    errors > 0
}
