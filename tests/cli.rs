//! The command line as a new user meets it: the bundled sample dossier, `init`, `new`, flags
//! and exit statuses, theme overrides.

mod common;
use common::*;
use std::path::Path;

#[test]
fn bundled_sample_dossier_builds_without_warnings() {
    let out_dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = dossier(&["build", "--root", root, "--output", out_dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let public = out_dir.path();
    assert!(public.join("index.html").exists());
    let briefings = std::fs::read_dir(public.join("briefings"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert!(briefings >= 8, "{briefings} briefings");
    // The German dossier transliterates slugs the German way.
    let check = dossier(&["check", "--root", root]);
    assert!(check.status.success() && check.stderr.is_empty(), "{}", stderr(&check));
}

#[test]
fn init_then_build_anywhere_uses_the_built_in_theme() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("my-site");
    let out = dossier(&["init", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!site.join("themes").exists(), "no theme copied");
    let out = dossier(&["build", "--root", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.join("public/briefings/xi-kim-beijing/index.html").exists());
    assert!(site.join("public/people/xi-jinping/index.html").exists());
    // init refuses a non-empty folder.
    assert_eq!(dossier(&["init", site.to_str().unwrap()]).status.code(), Some(2));
}

#[test]
fn new_writes_a_dated_briefing_that_builds() {
    let s = Site::copy("basic");
    let out = s.run(&["new", "Talks in Pjöngjang"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = s.root().join("content/briefings/talks-in-pjongjang.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("---\ntitle: \"Talks in Pjöngjang\"\ndate: 20"), "{text}");
    s.build(&[]);
    assert!(s.exists("briefings/talks-in-pjongjang/index.html"));
    // Never overwrites.
    assert_eq!(s.run(&["new", "Talks in Pjöngjang"]).status.code(), Some(2));
}

#[test]
fn german_sites_transliterate_umlauts() {
    let s = Site::copy("basic");
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.write("site.toml", &toml.replace("language = \"en\"", "language = \"de\""));
    s.run(&["new", "Gespräch in Pjöngjang"]);
    assert!(s.root().join("content/briefings/gespraech-in-pjoengjang.md").exists());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(dossier(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(dossier(&["build", "--tlp", "orange"]).status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        dossier(&["build", "--root", tmp.path().to_str().unwrap()]).status.code(),
        Some(2),
        "no site.toml"
    );
}

#[test]
fn site_templates_override_the_theme_one_by_one() {
    let s = Site::copy("basic");
    // check prints build's lines plus lint warnings: those are tested in tests/lint.rs.
    s.allow_all_lint();
    s.write("templates/404.html", "CUSTOM-404 {{ common.site.title }}");
    s.build(&[]);
    let t = std::fs::read_to_string(s.public().join("404.html")).unwrap();
    assert_eq!(t, "CUSTOM-404 Test Dossier");
    // Other templates still come from the built-in theme.
    assert!(s.exists("briefings/xi-kim/index.html"));
    // A broken template is an error naming its file.
    s.write("templates/tag.html", "{% if %}");
    let out = s.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("templates/tag.html:1:7: error: template error: "), "{}", stderr(&out));
    // A mistake met while rendering: one line at its position, however many pages it breaks.
    s.write("templates/tag.html", "ok\n{% include \"partials/oops.html\" %}");
    s.write("templates/partials/oops.html", "\n  {{ undefined_thing }}");
    let out = s.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("templates/partials/oops.html:2:6: error: Variable `undefined_thing`"),
        "{lines:?}"
    );
    let check = s.run(&["check"]);
    assert_eq!(check.status.code(), Some(1), "check renders too");
    assert_eq!(stderr(&check), err);
}

#[test]
fn site_static_wins_over_theme_static() {
    let s = Site::copy("basic");
    s.write("static/style.css", "/* mine */");
    s.build(&[]);
    assert_eq!(std::fs::read_to_string(s.public().join("style.css")).unwrap(), "/* mine */");
    assert!(Path::new(&s.public().join("robots.txt")).exists());
}

#[test]
fn output_folder_may_not_contain_the_site() {
    let s = Site::copy("basic");
    let parent = s.root().parent().unwrap().to_str().unwrap().to_string();
    let out = s.run(&["build", "--output", &parent]);
    assert_eq!(out.status.code(), Some(2));
    assert!(s.root().join("content/briefings/2025/xi-kim.md").exists(), "sources untouched");
}

#[test]
fn output_folder_may_not_lie_in_the_sources() {
    let s = Site::copy("basic");
    let before = snapshot(&s.root().join("content"));
    for out in ["content", "content/public", "templates", "static/out"] {
        let dir = s.root().join(out);
        let o = s.run(&["build", "--output", dir.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
    }
    assert_eq!(snapshot(&s.root().join("content")), before, "sources untouched");
}

#[test]
fn extra_reaches_templates_by_its_own_name() {
    let s = Site::copy("basic");
    s.write("templates/page.html", "EXTRA[{{ extra.description }}]");
    s.build(&[]);
    let about = std::fs::read_to_string(s.public().join("about/index.html")).unwrap();
    assert_eq!(about, "EXTRA[A fixture site for dossier&#39;s tests.]");
}

#[test]
fn site_toml_errors_point_at_the_value_and_exit_2() {
    let s = Site::copy("basic");
    s.write("site.toml", "title = \"T\"\ntheme = \"nope\"\nlanguage = \"d e\"\n");
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    let lines: Vec<String> = stderr(&o).lines().map(String::from).collect();
    assert!(lines[0].starts_with("site.toml:2:9: error: theme \"nope\" not found"), "{lines:?}");
    assert!(lines[1].starts_with("site.toml:3:12: error: invalid language tag"), "{lines:?}");
    // JSON stays JSON, with the position under `line` and `column`.
    let o = s.run(&["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
    assert_eq!(v["diagnostics"][0]["line"], 2);
    assert_eq!(v["diagnostics"][0]["column"], 9);
}

#[test]
fn tags_that_share_a_url_are_one_tag() {
    let s = Site::copy("basic");
    s.write(
        "content/briefings/tagged.md",
        "---\ntitle: Tagged\ndate: 2025-09-30\ntags: [Sanctions, sanctions, SANCTIONS]\n---\nx\n",
    );
    s.build(&[]);
    let page = s.page("tags/sanctions/");
    let tagged = attrs(&page, "main a[href$='briefings/tagged/']", "href");
    assert_eq!(tagged.len(), 1, "listed once");
    let b = s.page("briefings/tagged/");
    assert_eq!(attrs(&b, "main a[rel=tag]", "href").len(), 1, "one tag link");
}

#[test]
fn static_files_hidden_by_generated_pages_are_reported() {
    let s = Site::copy("basic");
    // check prints build's lines plus lint warnings: those are tested in tests/lint.rs.
    s.allow_all_lint();
    s.write("static/about/index.html", "mine");
    let check = s.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "a warning, not an error");
    let warning =
        "static/about/index.html:1:1: warning: not published: the site generates /about/index.html itself";
    assert!(stderr(&check).contains(warning), "{}", stderr(&check));
    let build = s.run(&["build"]);
    assert!(stderr(&build).contains(warning), "{}", stderr(&build));
    let about = std::fs::read_to_string(s.public().join("about/index.html")).unwrap();
    assert_ne!(about, "mine", "the generated page wins");
    // A file where a generated page's folder goes cannot be published at all: an error, the
    // same in check and build.
    s.write("static/timeline", "a file");
    let check = s.run(&["check"]);
    let build = s.run(&["build"]);
    assert_eq!((check.status.code(), build.status.code()), (Some(1), Some(1)));
    let error = "static/timeline:1:1: error: a file where the site generates the folder /timeline/";
    assert!(stderr(&check).contains(error), "{}", stderr(&check));
    assert_eq!(stderr(&check), stderr(&build));
}
