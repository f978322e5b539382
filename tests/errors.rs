//! Diagnostics: every error of a broken site in one run, at its exact path:line:col, and a
//! failed build that leaves the previous output untouched.

mod common;
use common::*;

const EXPECTED: &[&str] = &[
    "content/briefings/body.md:9:14: error: unknown source \"xinhau\" in citation (sources: xinhua, kcna)",
    "content/briefings/body.md:9:37: error: unknown source \"kcnaa\" in citation (sources: xinhua, kcna)",
    "content/briefings/body.md:10:13: error: unresolved link [[Nobody Known]]",
    "content/briefings/body.md:10:34: error: [[withheld]] links to a briefing that this build withholds",
    "content/briefings/dup.md:4:7: error: slug \"fields\" is also used by content/briefings/fields.md",
    "content/briefings/fields.md:1:1: error: slug \"fields\" is also used by content/briefings/dup.md",
    "content/briefings/fields.md:3:7: error: invalid date \"2025-13-01\"",
    "content/briefings/fields.md:4:6: error: unknown TLP level \"orange\"",
    "content/briefings/fields.md:5:17: error: unknown country \"Nordkoria\"",
    "content/briefings/fields.md:7:18: error: `url` must be an http or https URL",
    "content/briefings/fields.md:7:52: error: invalid reliability \"G\"",
    "content/briefings/fields.md:7:68: error: invalid credibility \"7\"",
    "content/briefings/fields.md:9:12: error: invalid date \"June 2019\"",
    "content/briefings/fields.md:9:43: error: unknown source \"y\" (sources: x)",
    "content/briefings/fields.md:11:27: error: unknown likelihood \"probable\"",
    "content/briefings/nofm.md:1:1: error: missing front matter",
    "content/briefings/syntax.md:4:9: error: invalid YAML",
    "content/briefings/unknown-key.md:4:1: error: unknown key `countires`",
    "content/briefings/unknown-key.md:5:1: error: unknown key `autor`",
    "content/briefings/unknown-key.md:7:13: error: unknown country \"Atlantis\"",
    "content/people/a.md:3:11: error: \"Shared Alias\" is claimed by two entities: content/organisations/b.md",
];

fn lines(out: &std::process::Output) -> Vec<String> {
    stderr(out).lines().map(String::from).collect()
}

#[test]
fn check_reports_every_error_at_its_position() {
    let s = Site::copy("errors");
    let out = s.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let got = lines(&out);
    assert_eq!(got.len(), EXPECTED.len() + 1, "{got:#?}");
    for (g, e) in got.iter().zip(EXPECTED) {
        assert!(g.starts_with(e), "\n got: {g}\nwant: {e}");
    }
    assert_eq!(got.last().unwrap(), &format!("{} errors", EXPECTED.len()));
    assert!(!s.public().exists(), "check writes nothing");
}

#[test]
fn build_prints_the_same_lines_as_check() {
    let s = Site::copy("errors");
    let check = s.run(&["check"]);
    let build = s.run(&["build"]);
    assert_eq!(build.status.code(), Some(1));
    assert_eq!(stderr(&check), stderr(&build));
    assert!(!s.public().exists());
}

#[test]
fn json_format_lists_the_same_diagnostics() {
    let s = Site::copy("errors");
    let out = s.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], EXPECTED.len());
    let first = &v["diagnostics"][0];
    assert_eq!(first["path"], "content/briefings/body.md");
    assert_eq!((first["line"].as_u64(), first["col"].as_u64()), (Some(9), Some(14)));
    assert_eq!(first["severity"], "error");
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let s = Site::copy("basic");
    s.build(&[]);
    let before = snapshot(&s.public());
    assert!(before.len() > 30);
    s.write(
        "content/briefings/2025/trade.md",
        "---\ntitle: Broken\ndate: 2025-08-01\ncountries: [Atlantis]\n---\n",
    );
    let out = s.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("content/briefings/2025/trade.md:4:13: error: unknown country \"Atlantis\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&s.public()), before);
    let leftovers: Vec<_> = std::fs::read_dir(s.root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind");
}

#[test]
fn near_miss_is_a_warning_and_strict_makes_it_an_error() {
    let s = Site::copy("basic");
    s.write("content/briefings/typo.md", "---\ntitle: Typo\ndate: 2025-01-01\nactors: [Xi Jinpin]\n---\n");
    let out = s.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("content/briefings/typo.md:4:10: warning:") && err.contains("Xi Jinping"), "{err}");
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.write("site.toml", &toml.replace("publish_tlp", "strict_entities = true\npublish_tlp"));
    let out = s.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("content/briefings/typo.md:4:10: error:"));
}

#[test]
fn bad_site_toml_exits_2() {
    let s = Site::copy("basic");
    s.write("site.toml", "title = \"T\"\nunknown_key = 1\n");
    let out = s.run(&["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("site.toml:2:1: error:"), "{}", stderr(&out));
}

#[test]
fn two_pages_on_one_url_both_hear_of_it() {
    let s = Site::copy("basic");
    s.write("content/pages/second.md", "---\ntitle: Second\nslug: about\n---\nx\n");
    let out = s.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let l = lines(&out);
    assert!(
        l.iter().any(|l| l.starts_with(
            "content/pages/about.md:1:1: error: slug \"about\" is also used by content/pages/second.md"
        )),
        "{l:?}"
    );
    assert!(
        l.iter().any(|l| l.starts_with(
            "content/pages/second.md:3:7: error: slug \"about\" is also used by content/pages/about.md"
        )),
        "{l:?}"
    );
}
