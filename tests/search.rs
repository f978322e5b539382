//! End-to-end: the search page, the search box on every page and the search index files of
//! the basic fixture, built by the real binary and read back as the browser's script reads
//! them.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

fn built(extra: &[&str]) -> Site {
    let site = Site::copy("basic");
    site.build(extra);
    site
}

/// The data of an index file (`search/meta.js`): what it hands to `dossierSearch`.
fn data(site: &Site, rel: &str) -> Value {
    let text = std::fs::read_to_string(site.public().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let name = rel.trim_start_matches("search/").trim_end_matches(".js");
    let head = format!("dossierSearch(\"{name}\",");
    let json =
        text.strip_prefix(&head).and_then(|t| t.strip_suffix(");\n")).unwrap_or_else(|| panic!("{rel}"));
    serde_json::from_str(json).unwrap()
}

/// Every word shard's data.
fn shards(site: &Site) -> Vec<Value> {
    let n = data(site, "search/meta.js")["buckets"].as_u64().unwrap();
    (0..n).map(|i| data(site, &format!("search/idx/{i}.js"))).collect()
}

/// Every entity spelling in the index, with the entity's page.
fn spellings(site: &Site) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for s in shards(site) {
        for entry in s["spellings"].as_array().unwrap() {
            let id = entry[1].to_string();
            let path = s["entities"][&id][2].as_str().unwrap().to_string();
            out.insert((entry[0].as_str().unwrap().to_string(), path));
        }
    }
    out
}

/// Titles of the briefings in the excerpt files, in their numbering (newest first).
fn doc_titles(site: &Site) -> Vec<String> {
    let meta = data(site, "search/meta.js");
    let chunks = meta["briefings"].as_u64().unwrap().div_ceil(meta["chunk"].as_u64().unwrap());
    (0..chunks)
        .flat_map(|c| data(site, &format!("search/doc/{c}.js")).as_array().unwrap().clone())
        .map(|d| d[1].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_page_has_a_search_box_that_leads_to_the_search_page() {
    let s = built(&[]);
    for page in ["", "briefings/xi-kim/", "people/kim-jong-un/", "tags/diplomacy/"] {
        let doc = s.page(page);
        let action = attrs(&doc, "header form[role=search]", "action");
        assert_eq!(action.len(), 1, "{page}");
        assert_eq!(resolve(page, &action[0]), "search/", "{page}");
        let input = attrs(&doc, "header form[role=search] input[name=q]", "id");
        assert_eq!(attrs(&doc, "header form[role=search] label", "for"), input, "{page}: labelled box");
    }
    let doc = s.page("search/");
    assert!(attrs(&doc, "header form[role=search]", "action").is_empty(), "one box on the search page");
    assert_eq!(attrs(&doc, "main form input[type=search]", "name"), ["q"]);
    assert_eq!(attrs(&doc, "main label[for=search-q]", "for").len(), 1);
    assert!(text(&doc, "noscript").contains("Search needs JavaScript"));
    assert_eq!(attrs(&doc, "[role=status]", "aria-live"), ["polite"]);
    let script = attrs(&doc, "script[src]", "src");
    assert_eq!(script, ["../search.js"]);
    assert!(s.exists("search.js"), "the theme's script is copied");
    assert_eq!(attrs(&doc, "#search-app", "data-index"), ["./"]);
}

#[test]
fn the_index_knows_every_spelling_of_each_entity_with_a_page() {
    let s = built(&[]);
    let all = spellings(&s);
    for (spelling, path) in [
        ("kim jong un", "people/kim-jong-un/"),
        ("kim jong eun", "people/kim-jong-un/"),
        ("김정은", "people/kim-jong-un/"),
        ("习近平", "people/xi-jinping/"),
        ("north korea", "countries/kp/"),
        ("dprk", "countries/kp/"),
        ("pjongjang regime", "countries/kp/"),
        ("prk", "countries/kp/"),
        ("kp", "countries/kp/"),
        ("new china news agency", "organisations/xinhua/"),
    ] {
        assert!(all.contains(&(spelling.to_string(), path.to_string())), "{spelling} -> {path}: {all:?}");
    }
    assert!(!all.iter().any(|(_, p)| p == "countries/bt/"), "Bhutan has no page");
}

#[test]
fn the_index_has_words_by_stem_and_field_and_excerpts_newest_first() {
    let s = built(&[]);
    let shards = shards(&s);
    let form = |f: &str| shards.iter().find_map(|s| s["forms"].get(f).cloned());
    // `meets`, `meeting` and `meet` are one English stem.
    assert_eq!(form("meets"), form("meeting"));
    let stem = form("meets").unwrap()[0].as_str().unwrap().to_string();
    let postings = shards.iter().find_map(|s| s["stems"].get(&stem).cloned()).unwrap();
    assert!(!postings[0].as_str().unwrap().is_empty(), "in a title: {postings}");
    assert_eq!(
        doc_titles(&s),
        ["Xi and Kim meet in Beijing", "The Beijing parade", "China's share of trade"]
    );
    let meta = data(&s, "search/meta.js");
    assert_eq!(meta["years"], serde_json::json!([[2025, 0, 3]]));
    let tlp: Vec<&str> = meta["tlp"].as_array().unwrap().iter().map(|t| t[0].as_str().unwrap()).collect();
    assert_eq!(tlp, ["TLP:CLEAR", "TLP:GREEN"]);
    let people = data(&s, "search/facet/person.js");
    assert_eq!(people[0][0], "Kim Jong Un");
    assert_eq!(people[0][1], "people/kim-jong-un/");
}

#[test]
fn withheld_briefings_leave_no_trace_in_the_search_index() {
    let s = built(&[]);
    let index = snapshot(&s.public().join("search"));
    assert!(index.len() > 5, "{:?}", index.keys());
    for (rel, bytes) in &index {
        let t = String::from_utf8_lossy(bytes).to_lowercase();
        for m in
            ["zebraquartz", "glimmerfrost", "onlyamber", "onlydraft", "bhutan", "nepal", "secret", "draft"]
        {
            assert!(!t.contains(m), "search/{rel} contains {m}");
        }
    }
    assert_eq!(data(&s, "search/meta.js")["briefings"], 3);
    // Xi is named by two published briefings and by the amber one: two in his facet.
    let people = data(&s, "search/facet/person.js");
    let xi = people.as_array().unwrap().iter().find(|p| p[0] == "Xi Jinping").unwrap();
    assert_eq!(xi[2], "bD", "briefings 0 and 1 only: bits 0 and 1 of a bitmap");

    // Opened, the gate lets them in: the same checks see them.
    let open = built(&["--tlp", "amber", "--drafts"]);
    assert!(doc_titles(&open).contains(&"Amber assessment Zebraquartz".to_string()));
    assert!(spellings(&open).iter().any(|(s, _)| s == "bhutan"));
}

#[test]
fn the_index_is_byte_identical_between_builds() {
    let a = built(&[]);
    // The same content, one file written anew: it gets another inode and place in its folder.
    let b = Site::copy("basic");
    let file = b.root().join("content/briefings/2025/xi-kim.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    std::fs::write(&file, text).unwrap();
    b.build(&[]);
    let (sa, sb) = (snapshot(&a.public().join("search")), snapshot(&b.public().join("search")));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (k, v) in &sa {
        assert!(sb[k] == *v, "search/{k} differs between two builds");
    }
}

#[test]
fn a_german_site_stems_german_and_folds_umlauts() {
    let s = Site::copy("basic");
    let toml = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    s.write("site.toml", &toml.replace("language = \"en\"", "language = \"de\""));
    s.write(
        "content/briefings/2025/de.md",
        "---\ntitle: Sanktionen gegen Pjöngjang\ndate: 2025-01-01\n---\nDie Beziehungen zur Straße.\n",
    );
    s.build(&[]);
    let shards = shards(&s);
    let form = |f: &str| shards.iter().find_map(|s| s["forms"].get(f).cloned());
    assert_eq!(form("sanktionen").unwrap(), serde_json::json!(["sanktion"]));
    assert_eq!(form("pjongjang").unwrap(), serde_json::json!(["pjongjang"]), "ö folded");
    assert_eq!(form("beziehungen").unwrap(), serde_json::json!(["bezieh"]));
    assert!(form("strasse").is_some(), "ß is ss");
}
