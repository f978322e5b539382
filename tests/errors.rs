//! Diagnostics: every error of a broken site in one run, at its exact path:line:col, and a
//! failed build that leaves the previous output untouched.

mod common;
use common::*;

/// Exactly what `check` prints for the fixture, line by line, before the count.
const EXPECTED: &[&str] = &[
    "content/briefings/body.md:9:14: error: unknown source \"xinhau\" in citation (sources: xinhua, kcna)",
    "content/briefings/body.md:9:37: error: unknown source \"kcnaa\" in citation (sources: xinhua, kcna)",
    "content/briefings/body.md:10:13: error: unresolved link [[Nobody Known]]: no briefing, person, organisation or country of that name",
    "content/briefings/body.md:10:34: error: [[withheld]] links to a briefing that this build withholds (draft or TLP above publish_tlp)",
    "content/briefings/dup.md:4:7: error: slug \"fields\" is also used by content/briefings/fields.md: both would be /briefings/fields/",
    "content/briefings/fields.md:1:1: error: slug \"fields\" is also used by content/briefings/dup.md: both would be /briefings/fields/",
    "content/briefings/fields.md:3:7: error: invalid date \"2025-13-01\": month must be 01 to 12",
    "content/briefings/fields.md:4:6: error: unknown TLP level \"orange\" (expected clear, green, amber, amber+strict or red)",
    "content/briefings/fields.md:5:17: error: unknown country \"Nordkoria\"",
    "content/briefings/fields.md:7:18: error: `url` must be an http or https URL, found \"ftp://example.org\"",
    "content/briefings/fields.md:7:52: error: invalid reliability \"G\" (expected a letter A to F)",
    "content/briefings/fields.md:7:68: error: invalid credibility \"7\" (expected a number 1 to 6)",
    "content/briefings/fields.md:9:12: error: invalid date \"June 2019\" (expected YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ~, ? or %, or an interval A/B)",
    "content/briefings/fields.md:9:43: error: unknown source \"y\" (sources: x)",
    "content/briefings/fields.md:11:27: error: unknown likelihood \"probable\" (expected one of: almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain)",
    "content/briefings/nofm.md:1:1: error: missing front matter: the file must start with a line `---`, then YAML, then a closing `---` line",
    "content/briefings/syntax.md:4:9: error: unclosed '[' (the list opened here is never closed with ']')",
    "content/briefings/unclosed-list.md:5:7: error: unclosed '[' (the list opened here is never closed with ']')",
    "content/briefings/unclosed-map.md:4:12: error: unclosed '{' (the map opened here is never closed with '}')",
    "content/briefings/unclosed-quote.md:2:8: error: unclosed '\"' (the text quoted here is never closed with '\"')",
    "content/briefings/unknown-key.md:4:1: error: unknown key `countires` (did you mean `countries`?)",
    "content/briefings/unknown-key.md:5:1: error: unknown key `autor` (did you mean `actors`?)",
    "content/briefings/unknown-key.md:7:13: error: unknown country \"Atlantis\"",
    "content/briefings/wrong-shape.md:2:8: error: expected a single value, not a list or a map",
    "content/briefings/wrong-shape.md:4:9: error: expected a list (`[a, b]`)",
    "content/briefings/wrong-shape.md:5:8: error: expected true or false",
    "content/briefings/wrong-shape.md:7:5: error: expected a map (`{key: value}`)",
    "content/people/a.md:3:11: error: \"Shared Alias\" is claimed by two entities: content/organisations/b.md (organisation b) and content/people/a.md (person a)",
];

fn lines(out: &std::process::Output) -> Vec<String> {
    stderr(out).lines().map(String::from).collect()
}

#[test]
fn check_reports_every_error_at_its_position() {
    let s = Site::copy("errors");
    let out = s.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let mut want: Vec<String> = EXPECTED.iter().map(|l| l.to_string()).collect();
    want.push(format!("{} errors", EXPECTED.len()));
    assert_eq!(lines(&out), want);
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

#[test]
fn control_characters_in_names_and_keys_cannot_split_a_line() {
    let s = Site::copy("basic");
    s.write(
        "content/briefings/new\nline.md",
        "---\ntitle: T\ndate: 2025-09-01\ntags: [unclosed\nsummary: S\n---\n",
    );
    // A quoted YAML key may hold a newline too; the message quotes it.
    s.write("content/briefings/tab\tbell\u{7}.md", "---\n\"ti\\ntle\": T\ndate: 2025-09-01\n---\n");
    let out = s.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        concat!(
            "content/briefings/new\\nline.md:4:7: error: unclosed '[' (the list opened here is never closed with ']')\n",
            "content/briefings/tab\\tbell\\u{7}.md:1:1: error: missing required key `title`\n",
            "content/briefings/tab\\tbell\\u{7}.md:2:1: error: unknown key `ti\\ntle` (did you mean `title`?)\n",
            "3 errors\n",
        )
    );
    // The JSON form carries the real path and key.
    let out = s.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["path"], "content/briefings/new\nline.md");
    assert_eq!(v["diagnostics"][2]["message"], "unknown key `ti\ntle` (did you mean `title`?)");
}
