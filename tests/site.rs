//! End-to-end: the basic fixture built by the real binary, checked on parsed HTML.

mod common;
use common::*;
use std::collections::BTreeSet;

fn built() -> Site {
    let site = Site::copy("basic");
    site.build(&[]);
    site
}

#[test]
fn every_page_type_exists() {
    let s = built();
    for page in [
        "index.html",
        "briefings/index.html",
        "briefings/xi-kim/index.html",
        "briefings/parade/index.html",
        "people/index.html",
        "people/kim-jong-un/index.html",
        "people/ramon-pacheco-pardo/index.html",
        "organisations/index.html",
        "organisations/xinhua/index.html",
        "organisations/state-planning-commission/index.html",
        "countries/index.html",
        "countries/kp/index.html",
        "timeline/index.html",
        "sources/index.html",
        "tags/index.html",
        "tags/diplomacy/index.html",
        "about/index.html",
        "atom.xml",
        "people/kim-jong-un/atom.xml",
        "organisations/xinhua/atom.xml",
        "countries/kp/atom.xml",
        "sitemap.xml",
        "404.html",
        "robots.txt",
    ] {
        assert!(s.exists(page), "missing {page}");
    }
}

#[test]
fn entity_pages_list_exactly_the_briefings_naming_them_in_any_spelling() {
    let s = built();
    let cases: [(&str, &[&str]); 7] = [
        // Kim Jong-un (xi-kim), Kim Jong Un (parade), Kim Jong-eun (trade).
        ("people/kim-jong-un/", &["xi-kim", "parade", "trade"]),
        // xi-jinping (xi-kim), 习近平 (parade); the amber briefing is withheld.
        ("people/xi-jinping/", &["xi-kim", "parade"]),
        // Named only in a body wikilink.
        ("organisations/xinhua/", &["trade"]),
        // CN, PRK, North Korea, KP in one list count once.
        ("countries/kp/", &["xi-kim", "parade", "trade"]),
        ("countries/cn/", &["xi-kim", "parade"]),
        ("countries/kr/", &["trade"]),
        ("people/vladimir-putin/", &["parade"]),
    ];
    for (url, expected) in cases {
        let got = linked_briefings(&s, url, "#briefings");
        assert_eq!(got, expected, "{url}");
    }
    // Newest first.
    let list = linked_briefings(&s, "briefings/", "main");
    assert_eq!(list, ["xi-kim", "parade", "trade"]);
}

#[test]
fn entity_lists_show_counts_and_only_entities_with_pages() {
    let s = built();
    let people = s.page("people/");
    let hrefs: BTreeSet<String> =
        attrs(&people, "main a[href]", "href").iter().map(|h| resolve("people/", h)).collect();
    assert!(hrefs.contains("people/kim-jong-un/"), "{hrefs:?}");
    assert!(!hrefs.iter().any(|h| h.contains("onlyamber") || h.contains("onlydraft")), "{hrefs:?}");
    let kim = people
        .select(&sel("main li"))
        .find(|li| li.text().any(|t| t.contains("Kim Jong Un")))
        .expect("Kim listed");
    assert!(kim.text().collect::<String>().contains('3'), "count of briefings shown");
    let countries = s.page("countries/");
    let text = text(&countries, "main");
    assert!(text.contains("North Korea") && text.contains("South Korea"));
    assert!(
        !text.contains("Bhutan") && !text.contains("Nepal") && !text.contains("Germany"),
        "unnamed built-in countries have no page"
    );
    assert!(!s.exists("countries/de/index.html"));
}

#[test]
fn timeline_orders_partial_dates_by_earliest_moment() {
    let s = built();
    let t = text(&s.page("timeline/"), "main");
    let order = [
        "Korean War",
        "Treaty of friendship",
        "First nuclear test",
        "A year-only event",
        "June talks",
        "Xi visits Pyongyang",
        "Kim arrives by train",
        "Parade in Beijing",
    ];
    let pos: Vec<usize> = order.iter().map(|o| t.find(o).unwrap_or_else(|| panic!("{o} missing"))).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{order:?} at {pos:?}");
    // Shown at their own precision, never widened.
    assert!(t.contains("June 2019"), "{t}");
    assert!(t.contains("c. 2006"), "{t}");
    assert!(!t.contains("Zebraquartz"));
}

#[test]
fn citations_link_to_numbered_sources() {
    let s = built();
    let doc = s.page("briefings/xi-kim/");
    let cites = attrs(&doc, "#body sup a[href^='#source-']", "href");
    assert_eq!(cites, ["#source-1", "#source-1", "#source-2"]);
    for c in &cites {
        let id = &c[1..];
        assert_eq!(doc.select(&sel(&format!("#sources [id='{id}']"))).count(), 1, "{id}");
    }
    let sources = text(&doc, "#sources");
    assert!(sources.contains("B2") && sources.contains("E4"), "{sources}");
    // Footnote, table, task list, strikethrough, escaped raw HTML, unique heading ids.
    let body = doc.select(&sel("#body")).next().unwrap().html();
    assert!(body.contains("<table>") && body.contains("<del>") && body.contains("type=\"checkbox\""));
    assert!(body.contains("&lt;b&gt;raw html&lt;/b&gt;"), "{body}");
    assert_eq!(attrs(&doc, "#body h2", "id"), ["background", "background-1"]);
    assert_eq!(attrs(&doc, "#body a[href='#fn-1']", "href").len(), 1);
    assert_eq!(doc.select(&sel("#body [id='fn-1']")).count(), 1);
}

#[test]
fn briefing_page_shows_everything() {
    let s = built();
    let doc = s.page("briefings/xi-kim/");
    let tlp = text(&doc, "#tlp");
    assert!(tlp.contains("TLP:CLEAR"), "{tlp}");
    assert!(text(&doc, "#summary").contains("Both pledge closer ties"));
    let kj = text(&doc, "#key-judgments");
    assert!(kj.contains("likely") && kj.contains("moderate"), "{kj}");
    let actors = attrs(&doc, "#actors a[href]", "href");
    assert!(actors.contains(&"../../people/kim-jong-un/".to_string()), "{actors:?}");
    assert!(text(&doc, "#actors").contains("Analyst"), "role shown");
    let countries = attrs(&doc, "#countries a[href]", "href");
    assert_eq!(countries.len(), 2, "CN and KP once each: {countries:?}");
    assert!(linked_briefings(&s, "briefings/xi-kim/", "#related") == ["parade"]);
    // parade links back to xi-kim in its body.
    assert_eq!(linked_briefings(&s, "briefings/xi-kim/", "#backlinks"), ["parade"]);
    assert!(text(&s.page("briefings/parade/"), "#tlp").contains("TLP:GREEN"));
    let events = text(&doc, "#events");
    assert!(events.contains("1961") && events.contains("June 2019"), "{events}");
}

#[test]
fn all_links_resolve_and_none_is_root_absolute() {
    let s = built();
    let public = s.public();
    let files = snapshot(&public);
    let mut checked = 0;
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let page_url = rel.trim_end_matches("index.html").to_string();
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        for (selector, attr) in
            [("a[href]", "href"), ("link[href]", "href"), ("img[src]", "src"), ("script[src]", "src")]
        {
            for h in attrs(&doc, selector, attr) {
                assert!(!h.starts_with('/'), "{rel}: root-absolute {attr}=\"{h}\"");
                if h.starts_with("http://") || h.starts_with("https://") || h.starts_with("mailto:") {
                    continue;
                }
                let (path, frag) = match h.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (h.as_str(), None),
                };
                let target = if path.is_empty() { rel.clone() } else { resolve(&page_url, path) };
                let target_file = if target.is_empty() || target.ends_with('/') {
                    format!("{target}index.html")
                } else {
                    target.clone()
                };
                let target_file = if public.join(&target_file).is_dir() {
                    format!("{target_file}/index.html")
                } else {
                    target_file
                };
                assert!(files.contains_key(&target_file), "{rel}: broken link {h} -> {target_file}");
                if let Some(f) = frag.filter(|f| !f.is_empty()) {
                    let t = String::from_utf8_lossy(&files[&target_file]);
                    assert!(t.contains(&format!("id=\"{f}\"")), "{rel}: no #{f} in {target_file}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn withheld_briefings_leave_no_trace() {
    let s = built();
    let markers = [
        "Zebraquartz",
        "zebraquartz",
        "Glimmerfrost",
        "glimmerfrost",
        "Onlyamber",
        "onlyamber",
        "Onlydraft",
        "onlydraft",
        "Bhutan",
        "countries/bt",
        "Nepal",
        "briefings/secret",
        "briefings/draft",
    ];
    for (rel, bytes) in snapshot(&s.public()) {
        let t = String::from_utf8_lossy(&bytes);
        for m in markers {
            assert!(!t.contains(m), "{rel} contains {m}");
        }
    }
    assert!(!s.exists("briefings/secret/index.html"));
    assert!(!s.exists("people/onlyamber-person/index.html"));
    assert!(!s.exists("countries/bt/index.html"));
}

#[test]
fn tlp_and_drafts_flags_open_the_gate() {
    let s = Site::copy("basic");
    s.build(&["--tlp", "amber", "--drafts"]);
    assert!(s.exists("briefings/secret/index.html"));
    assert!(s.exists("briefings/draft/index.html"));
    assert!(s.exists("countries/bt/index.html"));
    assert!(text(&s.page("briefings/secret/"), "#tlp").contains("TLP:AMBER"));
    assert!(linked_briefings(&s, "briefings/xi-kim/", "#backlinks").contains(&"secret".to_string()));
}

#[test]
fn feeds_and_sitemap_use_absolute_urls() {
    let s = built();
    let atom = std::fs::read_to_string(s.public().join("atom.xml")).unwrap();
    assert!(atom.contains("<id>https://example.org/test/briefings/xi-kim/</id>"), "{atom}");
    assert_eq!(atom.matches("<entry>").count(), 3);
    let kim = std::fs::read_to_string(s.public().join("people/kim-jong-un/atom.xml")).unwrap();
    assert_eq!(kim.matches("<entry>").count(), 3);
    let sitemap = std::fs::read_to_string(s.public().join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.org/test/people/kim-jong-un/</loc>"));
    assert!(!sitemap.contains("404"));
}

#[test]
fn output_is_deterministic() {
    let a = built();
    let b = built();
    let (sa, sb) = (snapshot(&a.public()), snapshot(&b.public()));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (k, v) in &sa {
        assert!(sb[k] == *v, "{k} differs between two builds");
    }
}

#[test]
fn sources_index_groups_by_publisher() {
    let s = built();
    let doc = s.page("sources/");
    let t = text(&doc, "main");
    let (x, k, a) = (t.find("Xinhua").unwrap(), t.find("KCNA").unwrap(), t.find("AP").unwrap());
    assert!(a < k && k < x, "publishers sorted");
    // The same Xinhua article is cited by two briefings.
    let cited = linked_briefings(&s, "sources/", "main");
    assert!(cited.contains(&"trade".to_string()) && cited.contains(&"xi-kim".to_string()));
}
