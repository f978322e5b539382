//! End-to-end: publishers, shared sources and merged events (FORMAT.md sections 2 and 3,
//! version 2) on the `integrity` fixture, built by the real binary: what the pages show, and
//! that a withheld briefing's sources, grades and events leave no trace.

mod common;
use common::*;

fn built() -> Site {
    let s = Site::copy("integrity");
    s.build(&[]);
    s
}

/// The texts of the elements matching `selector`, each trimmed and with runs of spaces as one.
fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn a_shared_source_is_one_entry_listing_every_citing_briefing() {
    let s = built();
    let xinhua = s.page("sources/xinhua/");
    assert_eq!(texts(&xinhua, "#sources .source-title"), ["Talks in Beijing"], "one entry for two citations");
    assert_eq!(linked_briefings(&s, "sources/xinhua/", "#sources .cited-by"), ["alpha", "beta"]);
    let grades = texts(&xinhua, "#sources .grade");
    assert_eq!(grades, ["C3", "C2"], "the shared grade, and beta's own credibility");
    assert_eq!(texts(&xinhua, "#sources .source-note"), ["SHARED-NOTE-MARKER"], "the shared file's body");
    // Alpha cites it as `t`, beta as `talks`: each briefing lists it with its own values.
    let alpha = s.page("briefings/alpha/");
    assert_eq!(texts(&alpha, "#source-1 .source-title"), ["Talks in Beijing"]);
    assert_eq!(
        texts(&alpha, "#source-1 .source-publisher"),
        ["Xinhua"],
        "the alias shows as the registry name"
    );
}

#[test]
fn sources_with_the_same_url_are_one_entry_whatever_the_scheme_case_slash_and_utm() {
    let s = built();
    let kcna = s.page("sources/kcna/");
    assert_eq!(
        texts(&kcna, "#sources .cited-source").len(),
        1,
        "{:?}",
        texts(&kcna, "#sources .cited-source")
    );
    assert_eq!(linked_briefings(&s, "sources/kcna/", "#sources .cited-by"), ["alpha", "beta"]);
    let index = s.page("sources/");
    assert!(
        text(&index, ".page-meta").contains("2 publishers · 2 sources"),
        "{}",
        text(&index, ".page-meta")
    );
}

#[test]
fn a_source_without_reliability_takes_its_publishers_default() {
    let s = built();
    let alpha = s.page("briefings/alpha/");
    // `k` names KCNA (default D) and gives no reliability.
    assert_eq!(texts(&alpha, "#source-2 .source-grade .grade"), ["D"]);
    assert_eq!(texts(&alpha, "#source-2 .grade-default"), ["(the publisher's default)"]);
    // Beta grades the same publisher itself: its grade stands, and is not marked.
    let beta = s.page("briefings/beta/");
    assert_eq!(texts(&beta, "#source-2 .source-grade .grade"), ["E"]);
    assert!(texts(&beta, "#source-2 .grade-default").is_empty());
    let publisher = attrs(&alpha, "#source-2 .source-publisher a", "href");
    assert_eq!(resolve("briefings/alpha/", &publisher[0]), "sources/kcna/");
}

#[test]
fn a_publisher_page_shows_the_registry_profile_grades_and_organisation() {
    let s = built();
    let xinhua = s.page("sources/xinhua/");
    assert_eq!(text(&xinhua, "h1"), "Xinhua");
    assert_eq!(texts(&xinhua, ".profile"), ["China's state news agency: PROFILE-MARKER."]);
    assert_eq!(texts(&xinhua, ".default-grade .grade"), ["C"]);
    assert!(text(&xinhua, ".aliases").contains("Xinhua News Agency"));
    // The publisher file's `organisation` names an organisation of another name.
    let org = attrs(&xinhua, ".page-meta a.organisation-link", "href");
    assert_eq!(
        org.iter().map(|h| resolve("sources/xinhua/", h)).collect::<Vec<_>>(),
        ["organisations/state-agency/"]
    );
    let back = attrs(&s.page("organisations/state-agency/"), "a.publisher-link", "href");
    assert_eq!(resolve("organisations/state-agency/", &back[0]), "sources/xinhua/");
    // KCNA: the grades its sources are given besides the default.
    let kcna = s.page("sources/kcna/");
    assert_eq!(texts(&kcna, ".grades-given"), ["E × 1"]);
    assert!(kcna.select(&sel(".page-meta a.organisation-link")).next().is_none(), "no organisation");
}

#[test]
fn events_with_one_id_are_one_event_at_the_most_precise_date_with_every_briefing() {
    let s = built();
    let year = s.page("timeline/2025/");
    let titles = texts(&year, "#timeline .event-title");
    assert_eq!(titles, ["Kim arrives by train", "Next round of talks (planned)"]);
    assert_eq!(texts(&year, "#timeline .event-date")[0], "2 September 2025", "beta's day, not alpha's month");
    assert_eq!(
        linked_briefings(&s, "timeline/2025/", "#timeline .event:first-child .event-briefing"),
        ["beta", "alpha"]
    );
    let timeline = s.page("timeline/");
    assert_eq!(texts(&timeline, ".event-title").iter().filter(|t| t.starts_with("Kim arrives")).count(), 1);
    // Its entity page: once, with both briefings, though only beta names Kim in it.
    let kim = s.page("people/kim-jong-un/");
    assert_eq!(texts(&kim, "#events .event-title"), ["Kim arrives by train"]);
    assert_eq!(linked_briefings(&s, "people/kim-jong-un/", "#events .event-briefing"), ["beta", "alpha"]);
    // Each briefing's own page shows its own report, and the other briefing.
    let alpha = s.page("briefings/alpha/");
    assert!(texts(&alpha, "#events .event-date").contains(&"September 2025".to_string()));
    assert_eq!(linked_briefings(&s, "briefings/alpha/", "#events .event-also"), ["beta"]);
}

#[test]
fn events_without_id_merge_by_normalised_title_and_overlapping_date() {
    let s = built();
    let year = s.page("timeline/2006/");
    assert_eq!(
        texts(&year, "#timeline .event").len(),
        1,
        "\"First nuclear test!\" and \"first   nuclear test\""
    );
    assert_eq!(texts(&year, "#timeline .event-date"), ["9 October 2006"]);
    assert_eq!(linked_briefings(&s, "timeline/2006/", "#timeline .event-briefing"), ["beta", "alpha"]);
    assert_eq!(text(&s.page("timeline/"), ".page-meta"), "3 Events", "five reports, three events");
}

#[test]
fn a_planned_event_is_marked() {
    let s = built();
    let year = s.page("timeline/2025/");
    assert_eq!(texts(&year, ".event-planned .event-planned-label"), ["(planned)"]);
}

#[test]
fn a_withheld_briefings_sources_grades_and_events_leave_no_trace() {
    let s = built();
    for (file, bytes) in snapshot(&s.public()) {
        let text = String::from_utf8_lossy(&bytes);
        for marker in
            ["Secret", "secret", "Gazette", "Leaked cable", "Hidden dispatch", "Covert", "3 September"]
        {
            assert!(!text.contains(marker), "{file} contains {marker:?}");
        }
    }
    // Its grades: KCNA's A and the talks' credibility 6 appear on no publisher page.
    assert_eq!(texts(&s.page("sources/kcna/"), "#sources .grade"), ["D", "E"]);
    assert_eq!(texts(&s.page("sources/xinhua/"), "#sources .grade"), ["C3", "C2"]);
    assert!(!s.exists("sources/secret-gazette/index.html"));
    // Published with --tlp amber, the same pages show it: the markers are real.
    let open = Site::copy("integrity");
    open.build(&["--tlp", "amber"]);
    assert!(open.exists("sources/secret-gazette/index.html"));
    assert_eq!(texts(&open.page("sources/kcna/"), "#sources .grade"), ["D", "E", "A"]);
}

#[test]
fn an_unknown_ref_is_an_error_at_the_value() {
    let s = Site::copy("integrity");
    s.write(
        "content/briefings/gamma.md",
        "---\ntitle: Gamma\ndate: 2025-09-01\nsources:\n  - {id: g, ref: talkz}\n---\n[@g]\n",
    );
    let out = s.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "content/briefings/gamma.md:5:18: error: unknown shared source \"talkz\" (no file content/sources/talkz.md)\n1 error\n"
    );
}

#[test]
fn a_ref_takes_only_credibility_beside_it() {
    let s = Site::copy("integrity");
    s.write(
        "content/briefings/gamma.md",
        "---\ntitle: Gamma\ndate: 2025-09-01\nsources:\n  - {id: g, ref: talks, title: Other}\n---\n[@g]\n",
    );
    let out = s.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "content/briefings/gamma.md:5:32: error: a source with `ref` takes its values from the shared source; only `credibility` may be given here\n1 error\n"
    );
}
