//! End-to-end: `check`'s integrity rules (FORMAT.md section 7, "Lint"): each code at the
//! offending value, `[lint] allow`, `--deny-warnings`, the JSON form, and the briefings the gate
//! withholds, linted and marked by `check` but absent from what `build` reports and writes.

mod common;
use common::*;
use std::process::{Command, Output};

/// "Today" for every run here, so `review_by` does not depend on the day the tests run.
const TODAY: &str = "2025-09-20";

fn run(s: &Site, args: &[&str], today: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .args(["--root", s.root().to_str().unwrap()])
        .env("DOSSIER_TODAY", today)
        .output()
        .expect("run dossier")
}

fn check(s: &Site, extra: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut args = vec!["check"];
    args.extend(extra);
    let out = run(s, &args, TODAY);
    (out.status.code(), stderr(&out).lines().map(String::from).collect())
}

/// One briefing for each rule but W007 and W008, each rule's trigger once.
const X: &str = "---\ntitle: X\ndate: 2025-09-10\nreview_by: 2025-09-15\nevents:\n  - {date: 2025-09-12, title: Later}\nkey_judgments:\n  - {text: Unsourced}\n  - {text: Weak, confidence: high, sources: [w]}\nsources:\n  - {id: w, publisher: Gazette, reliability: E, credibility: 2}\n  - {id: u, publisher: Gazette}\n---\nBody.\n";

fn with_every_rule() -> Site {
    let s = Site::copy("lint");
    s.write("content/briefings/x.md", X);
    s.write(
        "content/briefings/y.md",
        "---\ntitle: Y\ndate: 2025-09-11\nevents:\n  - {id: talks, date: 2025-08-30, title: Talks}\n---\n",
    );
    s.write(
        "content/briefings/z.md",
        "---\ntitle: Z\ndate: 2025-09-11\nsources: []\nevents:\n  - {id: talks, date: 2025-09-02, title: Talks again}\n---\n",
    );
    s.write(
        "content/briefings/w.md",
        "---\ntitle: W\ndate: 2025-09-11\nsources:\n  - {id: s, publisher: agency, reliability: C}\n---\n[@s]\n",
    );
    s
}

#[test]
fn the_clean_fixture_has_no_warnings() {
    // Every rule's near miss: sources in a list, in a judgment's text and in the body; a
    // strong source behind high confidence; an event in the update and a planned one; a
    // review date ahead; the publisher's own grade; one event id.
    let s = Site::copy("lint");
    assert_eq!(check(&s, &[]), (Some(0), vec![]));
    assert_eq!(check(&s, &["--deny-warnings"]), (Some(0), vec![]));
}

#[test]
fn each_rule_reports_at_the_offending_value() {
    let s = with_every_rule();
    let (code, lines) = check(&s, &[]);
    assert_eq!(code, Some(0), "warnings alone do not fail check");
    assert_eq!(
        lines,
        [
            "content/briefings/clean.md:7:23: warning: event \"talks\" is dated 2025-09 here but 2025-08-30 in content/briefings/y.md [W007]",
            "content/briefings/w.md:5:45: warning: Agency is graded C here but B in content/publishers/agency.md (its default), content/briefings/clean.md [W008]",
            "content/briefings/x.md:4:12: warning: due for review: `review_by` 2025-09-15 has passed [W006]",
            "content/briefings/x.md:6:12: warning: event \"Later\" (2025-09-12) is dated after the briefing (2025-09-10); add `planned: true` if it is expected [W005]",
            "content/briefings/x.md:8:5: warning: key judgment without sources [W001]",
            "content/briefings/x.md:9:30: warning: high confidence rests only on weak sources (w E2) [W002]",
            "content/briefings/x.md:12:10: warning: source \"u\" is never cited [W003]",
            "content/briefings/y.md:1:1: warning: briefing without sources [W004]",
            "content/briefings/y.md:5:23: warning: event \"talks\" is dated 2025-08-30 here but 2025-09-02 in content/briefings/z.md, 2025-09 in content/briefings/clean.md [W007]",
            "content/briefings/z.md:4:10: warning: briefing without sources [W004]",
            "content/briefings/z.md:6:23: warning: event \"talks\" is dated 2025-09-02 here but 2025-08-30 in content/briefings/y.md [W007]",
            "11 warnings",
        ]
    );
}

#[test]
fn build_reports_no_lint_warnings() {
    let s = with_every_rule();
    let out = run(&s, &["build"], TODAY);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.starts_with("built 5 briefings"), "only the summary: {err}");
}

#[test]
fn updated_before_date_is_an_error_in_build_and_check() {
    let s = Site::copy("lint");
    s.write("content/briefings/u.md", "---\ntitle: U\ndate: 2025-09-10\nupdated: 2025-09-01\n---\n");
    let line =
        "content/briefings/u.md:4:10: error: `updated` (2025-09-01) is before `date` (2025-09-10) [E001]";
    let build = run(&s, &["build"], TODAY);
    assert_eq!(build.status.code(), Some(1));
    assert_eq!(stderr(&build), format!("{line}\n1 error\n"));
    assert_eq!(check(&s, &[]), (Some(1), vec![line.to_string(), "1 error".to_string()]));
    // The same day is no error.
    s.write(
        "content/briefings/u.md",
        "---\ntitle: U\ndate: 2025-09-10\nupdated: 2025-09-10\n---\n[x](https://e.org)\n",
    );
    let (code, lines) = check(&s, &[]);
    assert_eq!(code, Some(0));
    assert!(!lines.iter().any(|l| l.contains("E001")), "{lines:?}");
}

#[test]
fn review_by_compares_with_today_from_the_environment() {
    let s = Site::copy("lint");
    s.write("content/briefings/x.md", X);
    let w006 = |today: &str| stderr(&run(&s, &["check"], today)).contains("[W006]");
    assert!(w006("2025-09-16"));
    assert!(!w006("2025-09-15"), "due after the day, not on it");
    let bad = run(&s, &["check"], "tomorrow");
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr(&bad), "error: DOSSIER_TODAY=\"tomorrow\" is not a date YYYY-MM-DD\n");
}

#[test]
fn lint_allow_silences_codes_and_an_unknown_code_is_an_error_at_it() {
    let s = Site::copy("lint");
    s.write("content/briefings/x.md", X);
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.write("site.toml", &format!("{toml}\n[lint]\nallow = [\"W003\", \"w001\"]\n"));
    let (code, lines) = check(&s, &["--deny-warnings"]);
    assert!(!lines.iter().any(|l| l.ends_with("[W003]") || l.ends_with("[W001]")), "{lines:?}");
    assert!(lines.iter().any(|l| l.ends_with("[W002]")), "{lines:?}");
    assert_eq!(code, Some(1), "the others still count");
    s.write("site.toml", &format!("{toml}\n[lint]\nallow = [\"W003\", \"W099\"]\n"));
    let (code, lines) = check(&s, &[]);
    assert_eq!(code, Some(2));
    assert_eq!(
        lines,
        [
            "site.toml:5:18: error: unknown lint code \"W099\" (codes: W001, W002, W003, W004, W005, W006, W007, W008)",
            "1 error"
        ]
    );
}

#[test]
fn deny_warnings_fails_on_any_warning() {
    let s = Site::copy("lint");
    s.write("content/briefings/x.md", X);
    assert_eq!(check(&s, &[]).0, Some(0));
    assert_eq!(check(&s, &["--deny-warnings"]).0, Some(1));
}

/// The JSON diagnostics of `check --format json`.
fn json(s: &Site, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["check", "--format", "json"];
    args.extend(extra);
    let out = run(s, &args, TODAY);
    (out.status.code(), serde_json::from_slice(&out.stdout).expect("JSON on stdout"))
}

#[test]
fn json_carries_the_codes() {
    let s = Site::copy("lint");
    s.write("content/briefings/x.md", X);
    let (code, v) = json(&s, &[]);
    assert_eq!(code, Some(0));
    let items = v["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = items.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["W006", "W005", "W001", "W002", "W003"]);
    let w003 = &items[4];
    assert_eq!((w003["line"].as_u64(), w003["col"].as_u64()), (Some(12), Some(10)));
    assert_eq!(w003["severity"], "warning");
    assert_eq!(w003["withheld"], false);
    assert_eq!(v["warnings"], 5);
}

#[test]
fn withheld_briefings_are_linted_and_marked_by_check_but_build_reports_only_what_it_publishes() {
    let s = Site::copy("lint");
    let draft = "---\ntitle: Draft\ndate: 2025-09-10\ndraft: true\ncountries: [KP]\nsources:\n  - {id: u, publisher: Gazette}\n---\nDRAFT-MARKER\n";
    s.write("content/briefings/draft.md", draft);
    let (code, lines) = check(&s, &[]);
    assert_eq!(
        lines,
        [
            "content/briefings/draft.md:7:10: warning: (withheld) source \"u\" is never cited [W003]",
            "1 warning"
        ]
    );
    assert_eq!(code, Some(0));
    assert_eq!(check(&s, &["--deny-warnings"]).0, Some(1));
    let (_, v) = json(&s, &[]);
    let items = v["diagnostics"].as_array().unwrap();
    assert_eq!(
        (items.len(), &items[0]["withheld"], &items[0]["code"]),
        (1, &serde_json::json!(true), &serde_json::json!("W003"))
    );
    // Published with --drafts, the same finding is an ordinary one.
    let (_, lines) = check(&s, &["--drafts"]);
    assert_eq!(lines[0], "content/briefings/draft.md:7:10: warning: source \"u\" is never cited [W003]");
    // build reports nothing of the draft, and writes nothing of it.
    let out = run(&s, &["build"], TODAY);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).starts_with("built 1 briefing,"), "{}", stderr(&out));
    for (file, bytes) in snapshot(&s.public()) {
        assert!(!String::from_utf8_lossy(&bytes).contains("DRAFT-MARKER"), "{file}");
    }
    assert!(!s.exists("briefings/draft/index.html"));
    // An error in a withheld briefing: marked, and the exit status stays build's (0) unless
    // warnings are denied. (The rules run on content without errors, so W003 waits.)
    s.write("content/briefings/draft.md", &draft.replace("[KP]", "[Atlantis]"));
    let (code, lines) = check(&s, &[]);
    assert_eq!(
        lines,
        ["content/briefings/draft.md:5:13: error: (withheld) unknown country \"Atlantis\"", "1 error"]
    );
    assert_eq!(code, Some(0));
    assert_eq!(check(&s, &["--deny-warnings"]).0, Some(1));
    assert_eq!(run(&s, &["build"], TODAY).status.code(), Some(0));
}
