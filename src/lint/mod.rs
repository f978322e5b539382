//! Lint: the integrity rules with stable codes (README.md lists them). `check` runs the
//! warnings (`W…`) on what the index knows; the one error rule (`E001`, `updated` before
//! `date`) runs in every build, right after the gate, so `build` reports it too.

mod across;
mod briefing;

use crate::diag::{Code, Diagnostics};
use crate::frontmatter::Briefing;
use crate::pipeline::Site;
use jiff::civil::Date;
use std::sync::Arc;

/// The environment variable that sets "today" for `review_by` (tests, and reports as of a day).
pub const TODAY_VAR: &str = "DOSSIER_TODAY";

/// E001 in the published briefings.
pub fn errors(briefings: &[Arc<Briefing>]) -> Diagnostics {
    let mut d = Diagnostics::new();
    for b in briefings {
        if let Some(u) = b.updated.filter(|u| *u < b.date) {
            d.coded(
                &b.rel,
                b.updated_pos,
                Code::E001,
                format!("`updated` ({u}) is before `date` ({})", b.date),
            );
        }
    }
    d
}

/// Today's date: `DOSSIER_TODAY` (YYYY-MM-DD) when set, else the system's local date.
pub fn today() -> Result<Date, String> {
    match std::env::var(TODAY_VAR) {
        Ok(v) => {
            crate::date::parse_full(&v).map_err(|_| format!("{TODAY_VAR}=\"{v}\" is not a date YYYY-MM-DD"))
        }
        Err(_) => Ok(jiff::ZonedDateTime::now().date()),
    }
}

/// Every warning of the integrity rules for the site's (published) briefings.
pub fn warnings(site: &Site, today: Date) -> Diagnostics {
    let mut d = Diagnostics::new();
    for (b, html) in site.briefings.iter().zip(&site.html) {
        briefing::check(b, html, today, &mut d);
    }
    across::event_dates(&site.briefings, &mut d);
    across::publisher_grades(site, &mut d);
    d
}
