//! The sample dossier at the repository root (`content/`, `site.toml`) builds and checks
//! without warnings, and `dossier schema` is a JSON Schema that accepts the front matter of
//! every file of it and of the fixtures, and rejects what the parser rejects.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the sample dossier.
fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "static", "themes"] {
        if repo().join(part).is_dir() {
            copy_dir(&repo().join(part), &dir.path().join(part));
        }
    }
    std::fs::copy(repo().join("site.toml"), dir.path().join("site.toml")).unwrap();
    dir
}

#[test]
fn the_sample_dossier_builds_and_checks_without_warnings() {
    let dir = sample();
    let root = dir.path().to_str().unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["check", "--deny-warnings", "--root", root])
        .env("DOSSIER_TODAY", "2025-09-20")
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert_eq!(stderr(&check), "");
    let build = dossier(&["build", "--root", root]);
    assert!(build.status.success(), "{}", stderr(&build));
    // It shows what version 2 adds: a publisher page from its file, a shared source cited by
    // several briefings, a merged event.
    let page = |p: &str| {
        scraper::Html::parse_document(&std::fs::read_to_string(dir.path().join("public").join(p)).unwrap())
    };
    let xinhua = page("sources/xinhua/index.html");
    assert_eq!(text(&xinhua, ".default-grade .grade"), "C");
    let cited_by = |doc: &scraper::Html| {
        doc.select(&sel("#sources .cited-source")).map(|e| e.select(&sel(".cited-by a")).count()).max()
    };
    assert!(cited_by(&xinhua) >= Some(2), "a shared source with its briefings");
    let y2025 = page("timeline/2025/index.html");
    let arrivals = y2025
        .select(&sel("#timeline .event"))
        .filter(|e| e.select(&sel(".event-briefing a")).count() >= 2)
        .count();
    assert!(arrivals >= 2, "merged events list their briefings");
}

/// Each Markdown file of a site's `content/` with its kind (as `dossier schema --kind` names
/// it) and its front matter as JSON.
fn front_matters(root: &Path) -> Vec<(String, &'static str, serde_json::Value)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root.join("content")).into_iter().filter_map(Result::ok) {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let kind = match rel.split('/').nth(1) {
            Some("briefings") => "briefing",
            Some("people") => "person",
            Some("organisations") => "organisation",
            Some("countries") => "country",
            Some("pages") => "page",
            Some("publishers") => "publisher",
            Some("sources") => "source",
            _ => continue,
        };
        out.push((rel, kind, yaml_of(&std::fs::read_to_string(path).unwrap())));
    }
    out
}

/// The front matter of a file as JSON, the way an editor's YAML tooling reads it.
fn yaml_of(text: &str) -> serde_json::Value {
    let yaml = text.strip_prefix("---\n").and_then(|t| t.split_once("\n---\n")).map_or("", |(y, _)| y);
    let v: Option<serde_json::Value> = serde_saphyr::from_str(yaml).unwrap();
    v.unwrap_or_else(|| serde_json::json!({}))
}

fn schema(kind: &str) -> jsonschema::Validator {
    let out = dossier(&["schema", "--kind", kind]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("a valid JSON Schema")
}

#[test]
fn the_schema_accepts_the_front_matter_of_the_sample_and_the_fixtures() {
    let whole: serde_json::Value = serde_json::from_slice(&dossier(&["schema"]).stdout).unwrap();
    let whole = jsonschema::draft202012::new(&whole).expect("the whole schema is valid");
    let mut checked = std::collections::BTreeSet::new();
    for root in [repo(), fixture("integrity"), fixture("lint"), fixture("basic")] {
        for (rel, kind, fm) in front_matters(&root) {
            let errors: Vec<String> = schema(kind).iter_errors(&fm).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {rel}: {errors:?}", root.display());
            assert!(whole.is_valid(&fm), "{rel}");
            checked.insert(kind);
        }
    }
    assert_eq!(checked.len(), 7, "every kind seen: {checked:?}");
}

#[test]
fn the_schema_rejects_what_the_parser_rejects() {
    let briefing = schema("briefing");
    let ok = yaml_of(
        "---\ntitle: T\ndate: 2025-09-04\nevents:\n  - {id: visit, date: 2019-06, title: V, planned: true}\nsources:\n  - {id: a, ref: shared, credibility: 2}\n---\n",
    );
    assert!(briefing.is_valid(&ok));
    for bad in [
        "---\ntitle: T\ndatum: 2025-09-04\n---\n",
        "---\ndate: 2025-09-04\n---\n",
        "---\ntitle: T\ndate: 2025-09-04\ntlp: orange\n---\n",
        "---\ntitle: T\ndate: 2025-09-04\nsources:\n  - {id: a, ref: shared, title: X}\n---\n",
        "---\ntitle: T\ndate: 2025-09-04\nevents:\n  - {id: Not A Slug, date: 2019, title: V}\n---\n",
        "---\ntitle: T\ndate: 2025-09-04\nsources:\n  - {id: a, reliability: G}\n---\n",
    ] {
        assert!(!briefing.is_valid(&yaml_of(bad)), "{bad}");
    }
    let publisher = schema("publisher");
    assert!(publisher.is_valid(&yaml_of("---\nname: X\nreliability: c\norganisation: x\n---\n")));
    assert!(!publisher.is_valid(&yaml_of("---\naliases: [X]\n---\n")), "name is required");
}
