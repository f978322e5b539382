//! End-to-end: the basic fixture built by the real binary, checked on parsed HTML.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::path::Path;

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

/// Words only the withheld briefings of the basic fixture contain.
const WITHHELD_MARKERS: [&str; 13] = [
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

fn assert_no_marker(s: &Site) {
    for (rel, bytes) in snapshot(&s.public()) {
        let t = String::from_utf8_lossy(&bytes);
        for m in WITHHELD_MARKERS {
            assert!(!t.contains(m), "{rel} contains {m}");
        }
    }
}

#[test]
fn withheld_briefings_leave_no_trace() {
    let s = built();
    // Every file is checked, the search index's included.
    assert!(s.exists("search/meta.js") && s.exists("search/idx/0.js") && s.exists("search/doc/0.js"));
    assert_no_marker(&s);
    assert!(!s.exists("briefings/secret/index.html"));
    assert!(!s.exists("people/onlyamber-person/index.html"));
    assert!(!s.exists("countries/bt/index.html"));
}

#[test]
fn withheld_briefings_leave_no_trace_on_paged_year_and_publisher_pages() {
    let s = Site::copy("basic");
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.write("site.toml", &toml.replace("[extra]", "paginate = 1\n\n[extra]"));
    // The amber briefing gets years and a publisher of its own.
    let secret = std::fs::read_to_string(s.root().join("content/briefings/2025/secret.md")).unwrap();
    s.write(
        "content/briefings/2025/secret.md",
        &secret.replace(
            "events:\n",
            "events:\n  - {date: 1234, title: Zebraquartz year}\n  - {date: \"-0700\", title: Zebraquartz antiquity}\n",
        ),
    );
    s.build(&[]);
    assert_no_marker(&s);
    for gone in [
        "timeline/1234/index.html",
        "timeline/-0700/index.html",
        "sources/zebraquartz-wire/index.html",
        "sources/glimmerfrost-daily/index.html",
        "tags/zebraquartz-tag/index.html",
        "briefings/page/4/index.html",
        "people/xi-jinping/page/3/index.html",
    ] {
        assert!(!s.exists(gone), "{gone}");
    }
    // Published lists count only published briefings: three, one a page.
    assert!(s.exists("briefings/page/3/index.html"));
    assert!(text(&s.page("briefings/page/2/"), ".page-meta").contains("3 briefings"));
    assert!(text(&s.page("people/xi-jinping/page/2/"), ".facts").contains('2'));
    let years = text(&s.page("timeline/"), ".year-index");
    assert!(!years.contains("1234") && !years.contains("701"), "{years}");
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
fn sources_index_lists_publishers_with_their_pages() {
    let s = built();
    let doc = s.page("sources/");
    let names: Vec<String> =
        doc.select(&sel("#sources .publisher-link")).map(|a| a.text().collect()).collect();
    assert_eq!(names, ["AP", "KCNA", "Xinhua"], "publishers sorted");
    let hrefs: Vec<String> =
        attrs(&doc, "#sources .publisher-link", "href").iter().map(|h| resolve("sources/", h)).collect();
    assert_eq!(hrefs, ["sources/ap/", "sources/kcna/", "sources/xinhua/"]);
    // The same Xinhua article is cited by two briefings: one source, both briefings.
    assert_eq!(text(&doc, "#sources li:nth-child(3) > .count"), "1");
    assert_eq!(linked_briefings(&s, "sources/xinhua/", "#sources"), ["xi-kim", "trade"]);
}

/// Every `href`/`src` of every page and every link in the feeds' HTML, as a browser reads it.
fn all_urls(s: &Site) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, bytes) in snapshot(&s.public()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if path.ends_with(".html") {
            let doc = scraper::Html::parse_document(&text);
            for (sel_, attr) in [("[href]", "href"), ("[src]", "src")] {
                for v in attrs(&doc, sel_, attr) {
                    out.push((path.clone(), v));
                }
            }
        } else if path.ends_with(".xml") {
            // Feed summaries are HTML escaped once into XML.
            let html =
                text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
            let doc = scraper::Html::parse_fragment(&html);
            for v in attrs(&doc, "[href]", "href") {
                out.push((path.clone(), v));
            }
        }
    }
    out
}

#[test]
fn script_urls_never_come_out_at_any_depth_or_in_feeds() {
    let s = Site::copy("basic");
    s.write(
        "content/briefings/2025/attack.md",
        "---\ntitle: Attack\ndate: 2025-10-01\nsummary: \"[me](/javascript:alert(document.domain)) [you](/ JavaScript:x) ![i](/data:text/html,x)\"\n---\n[body](/javascript:alert(1)) [b](javascript:alert(2)) [c]( jAvAsCrIpT:alert(3))\n",
    );
    s.build(&[]);
    let urls = all_urls(&s);
    assert!(urls.iter().any(|(p, _)| p == "index.html"), "the home page shows the summary");
    for (page, url) in urls {
        let squeezed: String = url
            .chars()
            .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
            .collect::<String>()
            .to_lowercase();
        assert!(
            !squeezed.starts_with("javascript:")
                && !squeezed.starts_with("data:")
                && !squeezed.starts_with("vbscript:"),
            "{page}: {url}"
        );
    }
    let home = s.page("");
    assert!(
        attrs(&home, ".briefing-item-summary a", "href")
            .contains(&"./javascript:alert(document.domain)".to_string())
    );
}

#[test]
fn private_use_characters_are_text_like_any_other() {
    let s = Site::copy("basic");
    s.write(
        "content/briefings/2025/pua.md",
        "---\ntitle: \"Marks \u{E000} and \u{E001}\"\ndate: 2025-10-01\nsummary: \"Root \u{E000} here\"\nsources:\n  - {id: s, publisher: P, url: \"https://e.org/\"}\n---\nBody \u{E000} and [x](\u{E001}cite) and [[Kim Jong Un]] [@s].\n",
    );
    s.build(&[]);
    let page = s.page("briefings/pua/");
    let body = text(&page, "#body");
    assert!(body.contains("Body \u{E000} and "), "{body}");
    assert_eq!(attrs(&page, "#body a", "href")[0], "%EE%80%81cite", "a plain link");
    assert_eq!(attrs(&page, "#body sup.citation a", "href"), ["#source-1"], "one citation, from [@s] only");
    let home = s.page("");
    assert!(text(&home, ".briefing-item-summary").contains("Root \u{E000} here"));
    assert!(text(&home, "h3.briefing-item-title").contains("Marks \u{E000} and \u{E001}"));
}

#[test]
fn symlinks_that_leave_the_site_are_not_followed() {
    let s = Site::copy("basic");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: Secret from elsewhere\ndate: 2025-01-01\n---\nNot part of this site.\n",
    )
    .unwrap();
    std::fs::create_dir(outside.path().join("dir")).unwrap();
    std::fs::write(outside.path().join("dir/x.md"), "---\ntitle: X\ndate: 2025-01-01\n---\n").unwrap();
    std::fs::write(outside.path().join("photo.jpg"), "private").unwrap();
    let link = |to: &Path, at: &str| std::os::unix::fs::symlink(to, s.root().join(at)).unwrap();
    link(&outside.path().join("secret.md"), "content/briefings/secret-link.md");
    link(&outside.path().join("dir"), "content/briefings/elsewhere");
    link(&outside.path().join("photo.jpg"), "static/photo.jpg");
    link(Path::new("/etc"), "content/briefings/etc");
    // Links that stay inside the site are followed.
    s.write("drafts/inside.md", "---\ntitle: Linked from inside\ndate: 2025-02-02\n---\nHello.\n");
    link(&s.root().join("drafts/inside.md"), "content/briefings/inside.md");
    link(&s.root().join("static/robots.txt"), "static/robots-copy.txt");
    let out = s.build(&[]);
    assert_eq!(
        stderr(&out).lines().filter(|l| l.contains(": warning: ")).collect::<Vec<_>>(),
        [
            "content/briefings/elsewhere:1:1: warning: symlink leads out of the site; not followed",
            "content/briefings/etc:1:1: warning: symlink leads out of the site; not followed",
            "content/briefings/secret-link.md:1:1: warning: symlink leads out of the site; not followed",
            "static/photo.jpg:1:1: warning: symlink leads out of the site; not followed",
        ]
    );
    assert!(s.exists("briefings/inside/index.html"));
    assert!(s.exists("robots-copy.txt"));
    assert!(!s.exists("briefings/secret-link/index.html") && !s.exists("briefings/x/index.html"));
    assert!(!s.exists("photo.jpg"));
    let all = snapshot(&s.public());
    assert!(!all.values().any(|b| String::from_utf8_lossy(b).contains("Secret from elsewhere")));
}
