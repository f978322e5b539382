//! End-to-end: the lists a reader can page, year pages, publisher pages, the sitemap and the
//! file link style (FORMAT.md sections 5 and 6), on the basic fixture built by the real binary.

mod common;
use common::*;
use std::collections::BTreeSet;

/// The basic fixture with `paginate` entries a page.
fn paged(paginate: usize) -> Site {
    let s = Site::copy("basic");
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.write("site.toml", &toml.replace("[extra]", &format!("paginate = {paginate}\n\n[extra]")));
    s
}

/// `n` more briefings, older than the fixture's, each naming Kim and tagged `diplomacy`.
fn add_briefings(s: &Site, n: usize) {
    for i in 0..n {
        s.write(
            &format!("content/briefings/more/extra-{i:02}.md"),
            &format!(
                "---\ntitle: Extra {i:02}\ndate: 2024-{:02}-{:02}\ntags: [diplomacy]\nactors: [Kim Jong Un]\n---\nMore.\n",
                12 - i / 28,
                28 - i % 28
            ),
        );
    }
}

/// The site path a link on page `from` leads to.
fn target(from: &str, href: &str) -> String {
    resolve(from, href.split('#').next().unwrap())
}

/// The pages of a paged list from its first, following `rel="next"`, checking on the way
/// that each page's `rel="prev"` (link and head) leads back and the head agrees with the links.
fn pages_of(s: &Site, first: &str) -> Vec<String> {
    let mut pages = vec![first.to_string()];
    loop {
        let url = pages.last().unwrap().clone();
        let doc = s.page(&url);
        let head_next: Vec<String> = attrs(&doc, "head link[rel=next]", "href");
        let body_next: Vec<String> = attrs(&doc, ".pagination a[rel=next]", "href");
        assert_eq!(head_next, body_next, "{url}: head and pagination agree on next");
        let head_prev = attrs(&doc, "head link[rel=prev]", "href");
        assert_eq!(head_prev, attrs(&doc, ".pagination a[rel=prev]", "href"), "{url}: prev");
        match pages.len() {
            1 => assert!(head_prev.is_empty(), "{url}: the first page has no previous"),
            n => assert_eq!(target(&url, &head_prev[0]), pages[n - 2], "{url}: prev"),
        }
        let Some(next) = head_next.first() else { break };
        pages.push(target(&url, next));
        assert!(pages.len() < 100, "endless pages from {first}");
    }
    pages
}

/// The briefings listed in `selector` on each page, in order.
fn listed(s: &Site, pages: &[String], selector: &str) -> Vec<Vec<String>> {
    pages.iter().map(|p| linked_briefings(s, p, selector)).collect()
}

#[test]
fn the_briefing_list_is_paged_and_every_briefing_is_on_exactly_one_page() {
    let s = paged(2);
    add_briefings(&s, 4);
    s.build(&[]);
    let pages = pages_of(&s, "briefings/");
    assert_eq!(pages, ["briefings/", "briefings/page/2/", "briefings/page/3/", "briefings/page/4/"]);
    assert!(!s.exists("briefings/page/1/index.html"), "page 1 is the list itself");
    assert!(!s.exists("briefings/page/5/index.html"));
    let per_page = listed(&s, &pages, "#briefings .briefing-item-title");
    assert!(per_page.iter().all(|p| p.len() == 2 || p.len() == 1), "{per_page:?}");
    let all: Vec<String> = per_page.concat();
    assert_eq!(
        all,
        ["xi-kim", "parade", "trade", "extra-00", "extra-01", "extra-02", "extra-03"],
        "newest first"
    );
    for (i, url) in pages.iter().enumerate() {
        let doc = s.page(url);
        assert!(text(&doc, ".page-meta").contains("7 briefings"), "{url}: the whole list's count");
        // Numbered links to every other page; the current one is marked, not linked.
        let numbers: Vec<String> =
            attrs(&doc, ".pagination-number a", "href").iter().map(|h| target(url, h)).collect();
        let others: Vec<String> = pages.iter().filter(|p| *p != url).cloned().collect();
        assert_eq!(numbers, others, "{url}");
        assert_eq!(text(&doc, ".pagination [aria-current=page]"), (i + 1).to_string(), "{url}");
    }
    // The last page has no next.
    assert!(attrs(&s.page("briefings/page/4/"), "link[rel=next]", "href").is_empty());
}

#[test]
fn many_pages_are_numbered_with_gaps() {
    let s = paged(1);
    add_briefings(&s, 9);
    s.build(&[]);
    let url = "briefings/page/6/";
    let doc = s.page(url);
    let items: Vec<String> = doc
        .select(&sel(".pagination li"))
        .map(|li| li.text().collect::<String>().trim().to_string())
        .filter(|t| !t.contains("Previous") && !t.contains("Next"))
        .collect();
    assert_eq!(items, ["1", "…", "4", "5", "6", "7", "8", "…", "12"]);
    assert_eq!(pages_of(&s, "briefings/").len(), 12);
}

#[test]
fn tag_and_entity_lists_are_paged_the_same_way() {
    let s = paged(2);
    add_briefings(&s, 2);
    s.build(&[]);
    let tag = pages_of(&s, "tags/diplomacy/");
    assert_eq!(tag, ["tags/diplomacy/", "tags/diplomacy/page/2/"]);
    assert_eq!(
        listed(&s, &tag, "#briefings .briefing-item-title").concat(),
        ["xi-kim", "extra-00", "extra-01"]
    );
    assert!(text(&s.page("tags/diplomacy/page/2/"), ".page-meta").contains("3 briefings"));

    let kim = pages_of(&s, "people/kim-jong-un/");
    assert_eq!(kim, ["people/kim-jong-un/", "people/kim-jong-un/page/2/", "people/kim-jong-un/page/3/"]);
    let all = listed(&s, &kim, "#briefings .briefing-item-title").concat();
    assert_eq!(all, ["xi-kim", "parade", "trade", "extra-00", "extra-01"]);
    // Later pages: the entity's header and briefings; profile, events and "appears with"
    // only on the first.
    let first = s.page("people/kim-jong-un/");
    let later = s.page("people/kim-jong-un/page/2/");
    assert_eq!(text(&later, "h1"), "Kim Jong Un");
    assert!(text(&later, ".facts").contains("Kim Jong-un"), "aliases in the header");
    assert!(text(&first, ".profile-text").contains("Leader of North Korea"));
    for section in [".profile-text", "#events", "#appears-with"] {
        assert_eq!(later.select(&sel(section)).count(), 0, "{section} on page 2");
    }
    assert!(first.select(&sel("#appears-with")).count() == 1);
    // The feed link still leads to the entity's feed.
    let feed = attrs(&later, ".facts a.feed-link", "href");
    assert_eq!(target("people/kim-jong-un/page/2/", &feed[0]), "people/kim-jong-un/atom.xml");
}

#[test]
fn an_entity_with_more_events_than_a_page_has_an_events_list() {
    let s = paged(2);
    s.write(
        "content/briefings/more/history.md",
        "---\ntitle: History\ndate: 2024-05-05\nactors: [Kim Jong Un]\nevents:\n  - {date: 1994, title: E1994, actors: [Kim Jong Un]}\n  - {date: 2011-12, title: E2011, actors: [Kim Jong Un]}\n  - {date: 2012, title: E2012, actors: [Kim Jong Un]}\n  - {date: 2018-04-27, title: E2018, actors: [Kim Jong Un]}\n---\nText.\n",
    );
    s.build(&[]);
    let page = s.page("people/kim-jong-un/");
    // The fixture's train arrival (2025-09-02) and these four: five events.
    assert!(text(&page, "#events h2").contains('5'), "{}", text(&page, "#events h2"));
    let shown: Vec<String> =
        page.select(&sel("#events .event-title")).map(|e| e.text().collect::<String>()).collect();
    assert_eq!(shown, ["E2018", "Kim arrives by train"], "the newest two, oldest first");
    let all_link = attrs(&page, "#events .more a", "href");
    assert_eq!(target("people/kim-jong-un/", &all_link[0]), "people/kim-jong-un/events/");
    let pages = pages_of(&s, "people/kim-jong-un/events/");
    assert_eq!(pages.len(), 3);
    let titles: Vec<String> = pages
        .iter()
        .flat_map(|p| {
            s.page(p)
                .select(&sel("#events .event-title"))
                .map(|e| e.text().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(titles, ["E1994", "E2011", "E2012", "E2018", "Kim arrives by train"]);
    assert!(!s.exists("people/xi-jinping/events/index.html"), "few events: no events list");
}

#[test]
fn year_pages_hold_every_event_of_their_year_whatever_its_precision() {
    let s = paged(2);
    s.write(
        "content/briefings/more/deep.md",
        "---\ntitle: Deep history\ndate: 2024-05-05\nevents:\n  - {date: \"-0500\", title: Before our era}\n  - {date: \"-0044-03-15\", title: Ides of March}\n  - {date: 196X, title: A decade}\n  - {date: 19XX, title: A century}\n  - {date: 1961-07-11, title: Treaty signed}\n---\nText.\n",
    );
    s.build(&[]);
    let timeline = s.page("timeline/");
    let years: Vec<(String, String, String)> = timeline
        .select(&sel(".year-index li"))
        .map(|li| {
            let a = li.select(&sel("a")).next().unwrap();
            let count = li.select(&sel(".count")).next().unwrap().text().collect::<String>();
            (a.text().collect::<String>(), target("timeline/", a.value().attr("href").unwrap()), count)
        })
        .collect();
    let labels: Vec<&str> = years.iter().map(|y| y.0.as_str()).collect();
    assert_eq!(labels, ["501 BCE", "45 BCE", "1900", "1950", "1960", "1961", "2006", "2019", "2025"]);
    assert_eq!(years[0].1, "timeline/-0500/");
    let total: usize = years.iter().map(|y| y.2.parse::<usize>().unwrap()).sum();
    assert!(text(&timeline, ".page-meta").starts_with(&format!("{total} ")), "the counts add up");
    // A small timeline also shows the events themselves.
    assert!(text(&timeline, "#timeline").contains("Ides of March"));
    for (_, url, count) in &years {
        let pages = pages_of(&s, url);
        let events: usize = pages.iter().map(|p| s.page(p).select(&sel("#timeline .event")).count()).sum();
        assert_eq!(events.to_string(), *count, "{url}");
    }
    let bce = s.page("timeline/-0500/");
    assert!(text(&bce, "h1").contains("501 BCE") && text(&bce, "#timeline").contains("Before our era"));
    assert_eq!(linked_briefings(&s, "timeline/-0500/", "#timeline .event-briefing"), ["deep"]);
    assert!(text(&s.page("timeline/1960/"), ".event-date").contains("1960s"));
    assert!(text(&s.page("timeline/1900/"), ".event-date").contains("20th century"));
    // Oldest first, at its own precision, across the year's pages.
    let y1961: Vec<String> = pages_of(&s, "timeline/1961/")
        .iter()
        .flat_map(|p| {
            s.page(p).select(&sel(".event-date")).map(|e| e.text().collect::<String>()).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(y1961, ["1961", "11 July 1961"]);
    let y2019 = s.page("timeline/2019/");
    assert_eq!(text(&y2019, ".event-date"), "2019 June 2019", "paged: the first two of 2019");
    assert_eq!(pages_of(&s, "timeline/2019/").len(), 2);
}

#[test]
fn a_large_timeline_lists_its_years_only() {
    let s = Site::copy("basic");
    let events: String =
        (0..201).map(|i| format!("  - {{date: {}, title: Event {i}}}\n", 1800 + i)).collect();
    s.write(
        "content/briefings/more/many.md",
        &format!("---\ntitle: Many\ndate: 2024-05-05\nevents:\n{events}---\nText.\n"),
    );
    s.build(&[]);
    let timeline = s.page("timeline/");
    assert_eq!(timeline.select(&sel(".event")).count(), 0, "years only");
    assert!(timeline.select(&sel(".year-index a")).count() > 200);
    assert!(text(&s.page("timeline/1850/"), "#timeline").contains("Event 50"));
}

#[test]
fn publishers_have_pages_and_meet_their_organisations() {
    let s = paged(2);
    s.build(&[]);
    let xinhua = s.page("sources/xinhua/");
    assert_eq!(text(&xinhua, "h1"), "Xinhua");
    let grades: BTreeSet<String> =
        xinhua.select(&sel("#sources .grade")).map(|g| g.text().collect()).collect();
    assert_eq!(grades, BTreeSet::from(["B2".to_string(), "C3".to_string()]), "both briefings' grades");
    assert_eq!(linked_briefings(&s, "sources/xinhua/", "#sources .cited-by"), ["xi-kim", "trade"]);
    // The publisher and the organisation of the same name link to each other.
    let org = attrs(&xinhua, ".page-meta a.organisation-link", "href");
    assert_eq!(target("sources/xinhua/", &org[0]), "organisations/xinhua/");
    let back = attrs(&s.page("organisations/xinhua/"), ".facts a.publisher-link", "href");
    assert_eq!(target("organisations/xinhua/", &back[0]), "sources/xinhua/");
    assert!(
        s.page("sources/kcna/").select(&sel(".organisation-link")).next().is_none(),
        "no such organisation"
    );
    // On /sources/, each publisher with its number of sources and its organisation.
    let index = s.page("sources/");
    assert!(
        text(&index, ".page-meta").contains("3 publishers · 3 sources"),
        "{}",
        text(&index, ".page-meta")
    );
    let orgs = attrs(&index, ".publisher-organisation a", "href");
    assert_eq!(orgs.iter().map(|h| target("sources/", h)).collect::<Vec<_>>(), ["organisations/xinhua/"]);
}

#[test]
fn the_file_link_style_links_every_page_by_its_file() {
    let s = paged(2);
    add_briefings(&s, 3);
    s.build(&["--link-style", "file"]);
    let files = snapshot(&s.public());
    let mut checked = 0;
    for (rel, bytes) in &files {
        if !rel.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        for (selector, attr) in [("a[href]", "href"), ("link[href]", "href"), ("script[src]", "src")] {
            for h in attrs(&doc, selector, attr) {
                if h.starts_with("https://") || h.starts_with("http://") || h.starts_with('#') {
                    continue;
                }
                let path = h.split(['#', '?']).next().unwrap();
                assert!(!path.is_empty() && !path.ends_with('/'), "{rel}: {h} names no file");
                let file = resolve(rel, path);
                assert!(files.contains_key(&file), "{rel}: {h} -> {file} is no file of the site");
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
    let home = s.page("");
    assert!(attrs(&home, ".site-nav a", "href").contains(&"briefings/index.html".to_string()));
    // The same from site.toml, and the flag wins over it.
    let t = paged(2);
    add_briefings(&t, 3);
    let toml = std::fs::read_to_string(t.root().join("site.toml")).unwrap();
    t.write("site.toml", &toml.replace("[extra]", "link_style = \"file\"\n\n[extra]"));
    t.build(&[]);
    assert_eq!(snapshot(&t.public()), files);
    t.build(&["--link-style", "directory"]);
    assert!(attrs(&t.page(""), ".site-nav a", "href").contains(&"briefings/".to_string()));
}

#[test]
fn wrong_paginate_and_link_style_are_refused_at_their_values() {
    let s = Site::copy("basic");
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    for (line, message) in [
        ("paginate = 0", "site.toml:5:12: error: paginate must be a positive whole number, found 0"),
        (
            "link_style = \"flat\"",
            "site.toml:5:14: error: link_style \"flat\" must be \"directory\" or \"file\"",
        ),
    ] {
        s.write(
            "site.toml",
            &toml.replace("publish_tlp = \"green\"\n", &format!("publish_tlp = \"green\"\n{line}\n")),
        );
        for cmd in ["build", "check"] {
            let out = s.run(&[cmd]);
            assert_eq!(out.status.code(), Some(2), "{cmd} {line}");
            assert!(stderr(&out).contains(message), "{cmd}: {}", stderr(&out));
        }
    }
    s.write("site.toml", &toml);
    let out = s.run(&["build", "--link-style", "flat"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a link style"), "{}", stderr(&out));
}

#[test]
fn check_reports_what_build_reports_on_the_new_pages() {
    let s = paged(2);
    // check prints build's lines plus lint warnings: those are tested in tests/lint.rs.
    s.allow_all_lint();
    s.build(&[]);
    let check = s.run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    // A mistake in a template only year pages use: both name it once, with the pages.
    s.write(
        "templates/year.html",
        "{% extends \"base.html\" %}{% block content %}{{ year.nope }}{% endblock content %}",
    );
    let build = s.run(&["build"]);
    let check = s.run(&["check"]);
    assert_eq!((build.status.code(), check.status.code()), (Some(1), Some(1)));
    assert_eq!(stderr(&build), stderr(&check));
    assert!(stderr(&build).starts_with("templates/year.html:1:"), "{}", stderr(&build));
    assert!(stderr(&build).contains("(rendering /timeline/"), "{}", stderr(&build));
}

#[test]
fn a_static_file_where_a_list_page_goes_is_an_error() {
    let s = paged(2);
    s.write("static/briefings/page", "in the way");
    let out = s.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "static/briefings/page:1:1: error: a file where the site generates the folder /briefings/page/"
        ),
        "{}",
        stderr(&out)
    );
}
