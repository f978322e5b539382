//! Incremental equals from scratch (issue 7): random sequences of edits to a copy of the basic
//! fixture, each handed to `serve`'s builder as its watcher reports them, and after every step
//! compared with a build from scratch of the same files: the same success or failure, the same
//! diagnostic lines, and byte-identical pages.
//!
//! The default run is sized for every `cargo test`; `DOSSIER_PROPTEST_CASES=2000 cargo test
//! --release --test incremental` runs longer, `DOSSIER_PROPTEST_STEPS` (default 12) makes
//! cases longer, `PROPTEST_RNG_SEED` repeats a run. A failure prints the shrunk edit sequence;
//! each one found so far is kept below as a named test.

use dossier::config::{Config, ConfigError, Overrides};
use dossier::diag::{Diagnostics, Pos};
use dossier::output::Sink;
use dossier::pipeline;
use dossier::render::{self, templates::DEFAULT_THEME, templates::Templates};
use dossier::serve::Builder;
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

// ------------------------------------------------------------------------------------------
// The edits

/// Briefings by file stem: the fixture's, then new ones.
const BRIEFINGS: &[&str] = &["parade", "trade", "xi-kim", "secret", "draft", "new-a", "new-b"];
/// Folders below content/briefings/.
const FOLDERS: &[&str] = &["2025", "2026", "2026/deep", "old"];
/// Known names and spellings, near misses, new implicit people, organisations, countries.
const ACTORS: &[&str] = &[
    "Kim Jong Un",
    "Xi Jinping",
    "xi-jinping",
    "习近平",
    "Xi Jinpin",
    "Kim Jong-eun",
    "Ramon Pacheco Pardo",
    "Ramón Pacheco Pardo",
    "Kim Yo Jong",
    "Kim Yo-jong",
    "Putin",
    "Vladimir Putin",
    "Wang Yi",
    "Xinhua",
    "New China News Agency",
    "KCNA",
    "{ref: State Planning Commission, kind: organisation}",
    "{ref: Kim Jong Un, role: Chairman}",
    "China",
    "DPRK",
    "Onlyamber Person",
];
const COUNTRIES: &[&str] = &[
    "KP",
    "PRK",
    "North Korea",
    "DPRK",
    "Nordkorea",
    "CN",
    "China",
    "RU",
    "Russland",
    "Bhutan",
    "MN",
    "Narnia",
];
/// Wikilinks: briefings (published, withheld, new, by slug), entities, nothing; a script link.
const LINKS: &[&str] = &[
    "[[xi-kim]]",
    "[[parade]]",
    "[[briefings/trade|trade]]",
    "[[briefings/secret]]",
    "[[draft]]",
    "[[new-a]]",
    "[[x-one]]",
    "[[Kim Jong Un]]",
    "[[people/xi-jinping]]",
    "[[Xinhua|the agency]]",
    "[[countries/kp]]",
    "[[Mongolia]]",
    "[[Ramon Pacheco Pardo]]",
    "[[Ramón Pacheco Pardo]]",
    "[[Kim Yo Jong]]",
    "[[Putin]]",
    "[[organisations/kcna]]",
    "[[Nobody Known]]",
    // Not a wikilink: a script link, removed with a warning.
    "[a script](javascript:alert(1))",
];
const SLUGS: &[&str] = &["x-one", "x-two", "parade", "trade", "xi-kim", "new-a", "Bad Slug!"];
const TLPS: &[&str] = &["clear", "green", "amber", "TLP:RED", "Amber"];
const TITLES: &[&str] = &["A new title", "Xi and Kim meet in Beijing", "Ümlaut & <b>", ""];
const DATES: &[&str] = &["2025-09-05", "2025-01-01", "2024-12-31", "2025-09-03", "2025-02-30"];
/// Registry files (below content/) and the names and aliases they may claim.
const ENTITY_FILES: &[&str] = &[
    "people/putin",
    "people/kim-yo-jong",
    "people/kim-jong-un",
    "people/xi-jinping",
    "organisations/kcna",
    "organisations/xinhua",
    "publishers/xinhua",
    "publishers/ap",
    "countries/kp",
    "countries/mn",
];
const NAMES: &[&str] = &[
    "Vladimir Putin",
    "Putin",
    "Kim Yo Jong",
    "Kim Jong Un",
    "Xi Jinping",
    "KCNA",
    "Xinhua",
    "North Korea",
    "Nordkorea",
    "DPRK",
    "China",
    "Mongolia",
    "Ramon Pacheco Pardo",
    "Xi Jinpin",
    "",
];
const TAGS: &[&str] = &["military", "trade", "Diplomacy", "diplomacy", "Neue Lage"];
const EVENT_DATES: &[&str] = &["2025-09-02", "2019-06", "1961", "2006~", "1950/1953", "2025-13"];
/// Event actors: names only (no roles there).
const EVENT_ACTORS: &[&str] =
    &["Kim Jong Un", "Xi Jinpin", "Putin", "China", "Ramón Pacheco Pardo", "Someone New"];
const EVENT_TITLES: &[&str] = &["Kim arrives by train", "Parade in Beijing", "Korean War", "A new event"];
const PUBLISHERS: &[&str] = &["AP", "Xinhua", "KCNA", "Reuters"];
const PAGE_FILES: &[&str] = &["about", "method", "glossary"];
const PAGE_SLUGS: &[&str] = &["method", "about", "glossary", "tags", "Bad Slug"];
const TEMPLATES: &[&str] = &["page.html", "base.html", "partials/entity_link.html"];
const STRAYS: &[&str] = &["content/notes.md", "content/people/old/x.md", "content/briefings/2025/notes.txt"];

/// Ways to break a briefing, each undone by `Fix`.
#[derive(Debug, Clone, Copy)]
enum Breakage {
    UnknownKey,
    BadYaml,
    NoFence,
    UnknownCitation,
    /// Bytes that are not UTF-8 before the front matter.
    NotUtf8,
}

#[derive(Debug, Clone, Copy)]
enum TemplateChange {
    /// The built-in text with a mark of its own.
    Marked(u8),
    /// A syntax error: the templates do not load.
    Broken,
    /// Loads, but fails while rendering.
    Undefined,
    Removed,
}

/// One save (or one file operation), as a person or a tool would do it.
#[derive(Debug, Clone)]
enum Edit {
    New {
        b: &'static str,
        folder: &'static str,
    },
    Delete {
        b: &'static str,
    },
    /// `mv`, possibly over an existing file and into a new folder.
    Rename {
        b: &'static str,
        to: &'static str,
        folder: &'static str,
    },
    Actors {
        b: &'static str,
        actors: Vec<&'static str>,
    },
    Countries {
        b: &'static str,
        countries: Vec<&'static str>,
    },
    Tlp {
        b: &'static str,
        tlp: Option<&'static str>,
    },
    Draft {
        b: &'static str,
        draft: Option<bool>,
    },
    Slug {
        b: &'static str,
        slug: Option<&'static str>,
    },
    Related {
        b: &'static str,
        related: Vec<&'static str>,
    },
    Title {
        b: &'static str,
        title: &'static str,
    },
    Date {
        b: &'static str,
        date: &'static str,
    },
    /// The wikilinks of a paragraph the test appends to the body.
    Links {
        b: &'static str,
        links: Vec<&'static str>,
    },
    Summary {
        b: &'static str,
        link: Option<&'static str>,
    },
    Break {
        b: &'static str,
        how: Breakage,
    },
    Fix {
        b: &'static str,
    },
    Tags {
        b: &'static str,
        tags: Vec<&'static str>,
    },
    /// Events as (date, title, an actor).
    /// Events: date, title, an actor, an `id`.
    Events {
        b: &'static str,
        events: Vec<(&'static str, &'static str, Option<&'static str>, Option<&'static str>)>,
    },
    /// The shared source `content/sources/wire.md`: written with a title (and, for one
    /// title, no reliability, so its publisher's default applies) or removed.
    Shared {
        title: Option<&'static str>,
    },
    /// A new briefing's sources become a citation of the shared source.
    CiteShared {
        b: &'static str,
    },
    /// The publisher of the briefing's first source.
    Publisher {
        b: &'static str,
        publisher: &'static str,
    },
    /// Saved again without a change.
    Touch {
        b: &'static str,
    },
    Entity {
        file: &'static str,
        name: &'static str,
        aliases: Vec<&'static str>,
        link: Option<&'static str>,
    },
    /// The `countries` of a registry file, if it exists.
    EntityCountries {
        file: &'static str,
        countries: Vec<&'static str>,
    },
    DeleteEntity {
        file: &'static str,
    },
    Page {
        file: &'static str,
        title: Option<&'static str>,
        slug: Option<&'static str>,
        draft: bool,
        link: Option<&'static str>,
    },
    DeletePage {
        file: &'static str,
    },
    Template {
        name: &'static str,
        change: TemplateChange,
    },
    MoveFolder {
        from: &'static str,
        to: &'static str,
    },
    /// `rm -rf`; the watcher reports every file in it, or (if it missed them) only the folder.
    DeleteFolder {
        folder: &'static str,
        each_file: bool,
    },
    /// Two folders trade places (`mv a tmp; mv b a; mv tmp b`): only the folders are reported.
    SwapFolders {
        a: &'static str,
        b: &'static str,
    },
    /// A Markdown file outside the sections (warned about) or a non-Markdown file.
    Stray {
        path: &'static str,
        present: bool,
    },
    Config {
        publish_tlp: &'static str,
        strict_entities: bool,
        broken: bool,
    },
    /// Every file back as it was at the last step that built (the way out of most errors).
    Undo,
}

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> + Clone {
    prop::sample::select(pool)
}

fn some_of(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<&'static str>> + Clone {
    prop::collection::vec(pick(pool), 0..=max)
}

fn edit() -> impl Strategy<Value = Edit> {
    let b = || pick(BRIEFINGS);
    let breakage = prop_oneof![
        Just(Breakage::UnknownKey),
        Just(Breakage::BadYaml),
        Just(Breakage::NoFence),
        Just(Breakage::UnknownCitation),
        Just(Breakage::NotUtf8)
    ];
    let event = (
        pick(EVENT_DATES),
        pick(EVENT_TITLES),
        prop::option::of(pick(EVENT_ACTORS)),
        prop::option::of(pick(&["arrival", "talks", "Bad Id"])),
    );
    let template_change = prop_oneof![
        4 => (0u8..4).prop_map(TemplateChange::Marked),
        1 => Just(TemplateChange::Broken),
        1 => Just(TemplateChange::Undefined),
        2 => Just(TemplateChange::Removed),
    ];
    prop_oneof![
        3 => (b(), pick(FOLDERS)).prop_map(|(b, folder)| Edit::New { b, folder }),
        2 => b().prop_map(|b| Edit::Delete { b }),
        2 => (b(), b(), pick(FOLDERS)).prop_map(|(b, to, folder)| Edit::Rename { b, to, folder }),
        4 => (b(), some_of(ACTORS, 3)).prop_map(|(b, actors)| Edit::Actors { b, actors }),
        3 => (b(), some_of(COUNTRIES, 3)).prop_map(|(b, countries)| Edit::Countries { b, countries }),
        3 => (b(), prop::option::of(pick(TLPS))).prop_map(|(b, tlp)| Edit::Tlp { b, tlp }),
        2 => (b(), prop::option::of(any::<bool>())).prop_map(|(b, draft)| Edit::Draft { b, draft }),
        3 => (b(), prop::option::of(pick(SLUGS))).prop_map(|(b, slug)| Edit::Slug { b, slug }),
        2 => (b(), some_of(SLUGS, 2)).prop_map(|(b, related)| Edit::Related { b, related }),
        1 => (b(), pick(TITLES)).prop_map(|(b, title)| Edit::Title { b, title }),
        1 => (b(), pick(DATES)).prop_map(|(b, date)| Edit::Date { b, date }),
        4 => (b(), some_of(LINKS, 2)).prop_map(|(b, links)| Edit::Links { b, links }),
        1 => (b(), prop::option::of(pick(LINKS))).prop_map(|(b, link)| Edit::Summary { b, link }),
        2 => (b(), breakage).prop_map(|(b, how)| Edit::Break { b, how }),
        2 => b().prop_map(|b| Edit::Fix { b }),
        1 => b().prop_map(|b| Edit::Touch { b }),
        4 => (pick(ENTITY_FILES), pick(NAMES), some_of(NAMES, 2), prop::option::of(pick(LINKS)))
            .prop_map(|(file, name, aliases, link)| Edit::Entity { file, name, aliases, link }),
        2 => pick(ENTITY_FILES).prop_map(|file| Edit::DeleteEntity { file }),
        1 => (pick(ENTITY_FILES), some_of(COUNTRIES, 2))
            .prop_map(|(file, countries)| Edit::EntityCountries { file, countries }),
        2 => (b(), some_of(TAGS, 2)).prop_map(|(b, tags)| Edit::Tags { b, tags }),
        2 => (b(), prop::collection::vec(event, 0..=2)).prop_map(|(b, events)| Edit::Events { b, events }),
        1 => (b(), pick(PUBLISHERS)).prop_map(|(b, publisher)| Edit::Publisher { b, publisher }),
        2 => prop::option::of(pick(&["Wire report", "Wire report, ungraded", "Other wire"]))
            .prop_map(|title| Edit::Shared { title }),
        2 => pick(&["new-a", "new-b"]).prop_map(|b| Edit::CiteShared { b }),
        2 => (
            pick(PAGE_FILES),
            prop::option::weighted(0.9, Just("A page")),
            prop::option::of(pick(PAGE_SLUGS)),
            prop::bool::weighted(0.2),
            prop::option::of(pick(LINKS)),
        )
            .prop_map(|(file, title, slug, draft, link)| Edit::Page { file, title, slug, draft, link }),
        1 => pick(PAGE_FILES).prop_map(|file| Edit::DeletePage { file }),
        2 => (pick(TEMPLATES), template_change).prop_map(|(name, change)| Edit::Template { name, change }),
        1 => (pick(FOLDERS), pick(FOLDERS)).prop_map(|(from, to)| Edit::MoveFolder { from, to }),
        1 => (pick(FOLDERS), any::<bool>())
            .prop_map(|(folder, each_file)| Edit::DeleteFolder { folder, each_file }),
        1 => (pick(FOLDERS), pick(FOLDERS)).prop_map(|(a, b)| Edit::SwapFolders { a, b }),
        1 => (pick(STRAYS), any::<bool>()).prop_map(|(path, present)| Edit::Stray { path, present }),
        1 => (pick(&["green", "clear", "amber"]), prop::bool::weighted(0.2), prop::bool::weighted(0.3))
            .prop_map(|(publish_tlp, strict_entities, broken)| {
                Edit::Config { publish_tlp, strict_entities, broken }
            }),
        6 => Just(Edit::Undo),
    ]
}

/// Steps, each a burst of edits the watcher delivers as one batch (mostly a single save).
fn steps(max: usize) -> impl Strategy<Value = Vec<Vec<Edit>>> {
    let burst =
        prop_oneof![4 => prop::collection::vec(edit(), 1..=1), 1 => prop::collection::vec(edit(), 2..=3)];
    prop::collection::vec(burst, 1..=max)
}

// ------------------------------------------------------------------------------------------
// The site on disk

/// A content file as the test edits it: front matter as (key, text after the colon) blocks.
#[derive(Debug, Clone)]
struct Doc {
    keys: Vec<(String, String)>,
    body: String,
    /// The paragraph of `Edit::Links`.
    links: String,
    fence: bool,
    bad_citation: bool,
    not_utf8: bool,
}

impl Doc {
    fn parse(text: &str) -> Doc {
        let rest = text.strip_prefix("---\n").expect("fixture files open with ---");
        let (fm, body) = match rest.strip_prefix("---\n") {
            Some(body) => ("", body),
            None => rest.split_once("\n---\n").expect("fixture files close their front matter"),
        };
        let mut keys: Vec<(String, String)> = Vec::new();
        for line in fm.lines() {
            match line.split_once(':') {
                Some((k, v)) if !line.starts_with(' ') => keys.push((k.to_string(), v.to_string())),
                _ => keys.last_mut().expect("a key first").1.push_str(&format!("\n{line}")),
            }
        }
        Doc {
            keys,
            body: body.to_string(),
            links: String::new(),
            fence: true,
            bad_citation: false,
            not_utf8: false,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = if self.not_utf8 { vec![0xff, 0xfe] } else { Vec::new() };
        out.extend(self.text().into_bytes());
        out
    }

    fn text(&self) -> String {
        let mut out = String::new();
        if self.fence {
            out.push_str("---\n");
        }
        for (k, v) in &self.keys {
            out.push_str(&format!("{k}:{v}\n"));
        }
        out.push_str("---\n");
        out.push_str(&self.body);
        if !self.links.is_empty() {
            out.push_str(&format!("\n{}\n", self.links));
        }
        if self.bad_citation {
            out.push_str("\nAs reported [@nosuch].\n");
        }
        out
    }

    fn set(&mut self, key: &str, value: Option<String>) {
        let i = self.keys.iter().position(|(k, _)| k == key);
        match (i, value) {
            (Some(i), Some(v)) => self.keys[i].1 = format!(" {v}"),
            (None, Some(v)) => self.keys.push((key.to_string(), format!(" {v}"))),
            (Some(i), None) => {
                self.keys.remove(i);
            }
            (None, None) => {}
        }
    }
}

fn quoted(s: &str) -> String {
    if s.starts_with('{') { s.to_string() } else { format!("{s:?}") }
}

fn flow(items: &[&str]) -> String {
    format!("[{}]", items.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", "))
}

fn new_briefing(b: &str) -> Doc {
    let day = 1 + BRIEFINGS.iter().position(|x| *x == b).unwrap_or(0);
    Doc::parse(&format!(
        "---\ntitle: \"New briefing {b}\"\ndate: 2025-07-{day:02}\nactors: [Kim Jong Un]\ncountries: [KP]\n\
         sources:\n  - {{id: s1, publisher: AP, title: \"Source {b}\", url: \"https://example.org/{b}\"}}\n\
         ---\nText about {b} [@s1].\n"
    ))
}

/// The built-in template `name` with `extra` where it is output: inside the first block of a
/// template that extends another (Tera allows nothing else at its top level), else at the end.
fn template_with(name: &str, extra: &str) -> String {
    let (_, bytes) = DEFAULT_THEME
        .iter()
        .find(|(rel, _)| rel.strip_prefix("templates/") == Some(name))
        .expect("a template of the default theme");
    let text = String::from_utf8_lossy(bytes).into_owned();
    match text.find("{% block ").and_then(|i| text[i..].find("%}").map(|j| i + j + 2)) {
        Some(at) if text.contains("{% extends") => format!("{}{extra}{}", &text[..at], &text[at..]),
        _ => format!("{text}{extra}\n"),
    }
}

const SITE_TOML: &str =
    "title = \"Test Dossier\"\nbase_url = \"https://example.org/test/\"\nlanguage = \"en\"\n";

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// Every content Markdown file the test manages, by path below the root.
    docs: BTreeMap<String, Doc>,
    /// Every file and `docs` as they were at the last step that built, for `Edit::Undo`.
    good: (BTreeMap<String, Vec<u8>>, BTreeMap<String, Doc>),
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let mut docs = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&fixture).sort_by_file_name() {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(&fixture).unwrap().to_string_lossy().replace('\\', "/");
            let to = root.join(&rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
                continue;
            }
            std::fs::copy(entry.path(), &to).unwrap();
            if rel.ends_with(".md") {
                docs.insert(rel, Doc::parse(&std::fs::read_to_string(entry.path()).unwrap()));
            }
        }
        let mut site = Site { _dir: dir, root, docs, good: Default::default() };
        site.built();
        site
    }

    /// Every file below the root, by path.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(&self.root)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&self.root).unwrap().to_string_lossy().replace('\\', "/");
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }

    /// The site as it is now built: `Edit::Undo` comes back here.
    fn built(&mut self) {
        self.good = (self.files(), self.docs.clone());
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The file of briefing `b` (the first, when a rename or a new file made two).
    fn briefing(&self, b: &str) -> Option<String> {
        self.docs
            .keys()
            .find(|rel| {
                rel.starts_with("content/briefings/")
                    && rel.rsplit('/').next().and_then(|n| n.strip_suffix(".md")) == Some(b)
            })
            .cloned()
    }

    /// Creates the parent folders of `rel`; reports the topmost new one, as a watcher would.
    fn make_parents(&self, rel: &str, changed: &mut Vec<PathBuf>) {
        let parent = self.path(rel).parent().unwrap().to_path_buf();
        let mut top = None;
        let mut p = parent.as_path();
        while !p.exists() {
            top = Some(p.to_path_buf());
            p = p.parent().unwrap();
        }
        std::fs::create_dir_all(&parent).unwrap();
        changed.extend(top);
    }

    fn write_doc(&mut self, rel: &str, doc: Doc, changed: &mut Vec<PathBuf>) {
        self.make_parents(rel, changed);
        std::fs::write(self.path(rel), doc.bytes()).unwrap();
        self.docs.insert(rel.to_string(), doc);
        changed.push(self.path(rel));
    }

    fn write_file(&self, rel: &str, text: &str, changed: &mut Vec<PathBuf>) {
        self.make_parents(rel, changed);
        std::fs::write(self.path(rel), text).unwrap();
        changed.push(self.path(rel));
    }

    fn remove_file(&mut self, rel: &str, changed: &mut Vec<PathBuf>) {
        if self.path(rel).is_file() {
            std::fs::remove_file(self.path(rel)).unwrap();
            self.docs.remove(rel);
            changed.push(self.path(rel));
        }
    }

    /// Changes one briefing's front matter or body, if it exists.
    fn edit_doc(&mut self, b: &str, changed: &mut Vec<PathBuf>, f: impl FnOnce(&mut Doc)) {
        if let Some(rel) = self.briefing(b) {
            let mut doc = self.docs[&rel].clone();
            f(&mut doc);
            self.write_doc(&rel, doc, changed);
        }
    }

    /// Moves the managed files below folder `from` to `to` (both below the root).
    fn rekey(&mut self, from: &str, to: &str) {
        let moved: Vec<String> =
            self.docs.keys().filter(|r| r.starts_with(&format!("{from}/"))).cloned().collect();
        for rel in moved {
            let doc = self.docs.remove(&rel).unwrap();
            self.docs.insert(format!("{to}{}", &rel[from.len()..]), doc);
        }
    }

    /// Applies one edit on disk; appends the paths a watcher would report.
    fn apply(&mut self, edit: &Edit, changed: &mut Vec<PathBuf>) {
        let folder = |f: &str| format!("content/briefings/{f}");
        match edit {
            Edit::New { b, folder: f } => {
                let rel = format!("{}/{b}.md", folder(f));
                self.write_doc(&rel, new_briefing(b), changed);
            }
            Edit::Delete { b } => {
                if let Some(rel) = self.briefing(b) {
                    self.remove_file(&rel, changed);
                }
            }
            Edit::Rename { b, to, folder: f } => {
                let Some(from) = self.briefing(b) else { return };
                let dest = format!("{}/{to}.md", folder(f));
                if dest == from {
                    return;
                }
                changed.push(self.path(&from));
                self.make_parents(&dest, changed);
                std::fs::rename(self.path(&from), self.path(&dest)).unwrap();
                let doc = self.docs.remove(&from).unwrap();
                self.docs.insert(dest.clone(), doc);
                changed.push(self.path(&dest));
            }
            Edit::Actors { b, actors } => self.edit_doc(b, changed, |d| d.set("actors", Some(flow(actors)))),
            Edit::Countries { b, countries } => {
                self.edit_doc(b, changed, |d| d.set("countries", Some(flow(countries))))
            }
            Edit::Tlp { b, tlp } => self.edit_doc(b, changed, |d| d.set("tlp", tlp.map(quoted))),
            Edit::Draft { b, draft } => {
                self.edit_doc(b, changed, |d| d.set("draft", draft.map(|x| x.to_string())))
            }
            Edit::Slug { b, slug } => self.edit_doc(b, changed, |d| d.set("slug", slug.map(quoted))),
            Edit::Related { b, related } => {
                self.edit_doc(b, changed, |d| d.set("related", (!related.is_empty()).then(|| flow(related))))
            }
            Edit::Title { b, title } => self.edit_doc(b, changed, |d| d.set("title", Some(quoted(title)))),
            Edit::Date { b, date } => self.edit_doc(b, changed, |d| d.set("date", Some(date.to_string()))),
            Edit::Links { b, links } => self.edit_doc(b, changed, |d| {
                d.links =
                    if links.is_empty() { String::new() } else { format!("See {}.", links.join(" and ")) }
            }),
            Edit::Summary { b, link } => self.edit_doc(b, changed, |d| {
                d.set("summary", link.map(|l| quoted(&format!("Summary with {l}."))))
            }),
            Edit::Break { b, how } => self.edit_doc(b, changed, |d| match how {
                Breakage::UnknownKey => d.set("colour", Some("blue".into())),
                Breakage::BadYaml => d.set("oops", Some("[unclosed".into())),
                Breakage::NoFence => d.fence = false,
                Breakage::UnknownCitation => d.bad_citation = true,
                Breakage::NotUtf8 => d.not_utf8 = true,
            }),
            Edit::Fix { b } => self.edit_doc(b, changed, |d| {
                d.set("colour", None);
                d.set("oops", None);
                d.fence = true;
                d.bad_citation = false;
                d.not_utf8 = false;
            }),
            Edit::Touch { b } => self.edit_doc(b, changed, |_| {}),
            Edit::Entity { file, name, aliases, link } => {
                let mut doc = Doc::parse(&format!("---\nname: {}\n---\n", quoted(name)));
                if !aliases.is_empty() {
                    doc.set("aliases", Some(flow(aliases)));
                }
                if file.starts_with("publishers/") {
                    // A publisher's default grade, for sources that give none.
                    doc.set("reliability", Some("C".into()));
                }
                doc.body = link.map_or_else(|| "Profile.\n".to_string(), |l| format!("Profile, see {l}.\n"));
                self.write_doc(&format!("content/{file}.md"), doc, changed);
            }
            Edit::EntityCountries { file, countries } => {
                let rel = format!("content/{file}.md");
                if let Some(mut doc) = self.docs.get(&rel).cloned() {
                    doc.set("countries", (!countries.is_empty()).then(|| flow(countries)));
                    self.write_doc(&rel, doc, changed);
                }
            }
            Edit::Tags { b, tags } => self.edit_doc(b, changed, |d| d.set("tags", Some(flow(tags)))),
            Edit::Events { b, events } => self.edit_doc(b, changed, |d| {
                let list: Vec<String> = events
                    .iter()
                    .map(|(date, title, actor, id)| {
                        let actors = actor.map_or(String::new(), |a| format!(", actors: [{}]", quoted(a)));
                        let id = id.map_or(String::new(), |i| format!("id: {}, ", quoted(i)));
                        format!("{{{id}date: {date}, title: {}{actors}}}", quoted(title))
                    })
                    .collect();
                d.set("events", (!list.is_empty()).then(|| format!("[{}]", list.join(", "))));
            }),
            Edit::Publisher { b, publisher } => self.edit_doc(b, changed, |d| {
                if let Some((_, v)) = d.keys.iter_mut().find(|(k, _)| k == "sources")
                    && let Some(at) = v.find("publisher: ")
                {
                    let start = at + "publisher: ".len();
                    let end = v[start..].find([',', '\n', '}']).map_or(v.len(), |e| start + e);
                    v.replace_range(start..end, publisher);
                }
            }),
            Edit::DeleteEntity { file } => self.remove_file(&format!("content/{file}.md"), changed),
            Edit::Shared { title: None } => self.remove_file("content/sources/wire.md", changed),
            Edit::Shared { title: Some(title) } => {
                let grade = if title.ends_with("ungraded") { "" } else { "reliability: B\n" };
                let doc = Doc::parse(&format!(
                    "---\npublisher: Xinhua\ntitle: {}\nurl: https://example.org/wire\n{grade}---\nA note.\n",
                    quoted(title)
                ));
                self.write_doc("content/sources/wire.md", doc, changed);
            }
            Edit::CiteShared { b } => self.edit_doc(b, changed, |d| {
                d.set("sources", Some("[{id: s1, ref: wire, credibility: 2}]".into()))
            }),
            Edit::Page { file, title, slug, draft, link } => {
                let mut doc = Doc::parse("---\n---\n");
                doc.set("title", title.map(quoted));
                doc.set("slug", slug.map(quoted));
                doc.set("draft", draft.then(|| "true".to_string()));
                doc.body = link.map_or_else(|| "A page.\n".to_string(), |l| format!("A page on {l}.\n"));
                self.write_doc(&format!("content/pages/{file}.md"), doc, changed);
            }
            Edit::DeletePage { file } => self.remove_file(&format!("content/pages/{file}.md"), changed),
            Edit::Template { name, change } => {
                let rel = format!("templates/{name}");
                let with = |extra: &str| template_with(name, extra);
                match change {
                    TemplateChange::Marked(n) => {
                        self.write_file(&rel, &with(&format!("<!-- site {n} -->")), changed)
                    }
                    TemplateChange::Broken => self.write_file(&rel, &with("{% if %}"), changed),
                    TemplateChange::Undefined => {
                        self.write_file(&rel, &with("{{ no_such_value.field }}"), changed)
                    }
                    TemplateChange::Removed => {
                        if self.path(&rel).is_file() {
                            std::fs::remove_file(self.path(&rel)).unwrap();
                            changed.push(self.path(&rel));
                        }
                    }
                }
            }
            Edit::MoveFolder { from, to } => {
                let (from, to) = (folder(from), folder(to));
                if !self.path(&from).is_dir()
                    || self.path(&to).exists()
                    || to.starts_with(&format!("{from}/"))
                {
                    return;
                }
                changed.push(self.path(&from));
                self.make_parents(&to, changed);
                std::fs::rename(self.path(&from), self.path(&to)).unwrap();
                self.rekey(&from, &to);
                changed.push(self.path(&to));
            }
            Edit::DeleteFolder { folder: f, each_file } => {
                let dir = folder(f);
                if !self.path(&dir).is_dir() {
                    return;
                }
                if *each_file {
                    for entry in walkdir::WalkDir::new(self.path(&dir)).contents_first(true) {
                        changed.push(entry.unwrap().path().to_path_buf());
                    }
                } else {
                    changed.push(self.path(&dir));
                }
                std::fs::remove_dir_all(self.path(&dir)).unwrap();
                self.docs.retain(|rel, _| !rel.starts_with(&format!("{dir}/")));
            }
            Edit::SwapFolders { a, b } => {
                let (a, b) = (folder(a), folder(b));
                let nested = a.starts_with(&format!("{b}/")) || b.starts_with(&format!("{a}/"));
                if a == b || nested || !self.path(&a).is_dir() || !self.path(&b).is_dir() {
                    return;
                }
                // The temporary name is hidden, so the watcher drops it as noise.
                let tmp = "content/briefings/.swap";
                std::fs::rename(self.path(&a), self.path(tmp)).unwrap();
                std::fs::rename(self.path(&b), self.path(&a)).unwrap();
                std::fs::rename(self.path(tmp), self.path(&b)).unwrap();
                self.rekey(&a, tmp);
                self.rekey(&b, &a);
                self.rekey(tmp, &b);
                changed.push(self.path(&a));
                changed.push(self.path(&b));
            }
            Edit::Stray { path, present } => {
                if *present {
                    self.write_file(path, "---\ntitle: Stray\n---\nNot content.\n", changed);
                } else if self.path(path).is_file() {
                    std::fs::remove_file(self.path(path)).unwrap();
                    changed.push(self.path(path));
                }
            }
            Edit::Undo => {
                let (good, docs) = self.good.clone();
                let now = self.files();
                for rel in now.keys().filter(|rel| !good.contains_key(*rel)) {
                    std::fs::remove_file(self.path(rel)).unwrap();
                    changed.push(self.path(rel));
                }
                for (rel, bytes) in good.iter().filter(|(rel, bytes)| now.get(*rel) != Some(bytes)) {
                    self.make_parents(rel, changed);
                    std::fs::write(self.path(rel), bytes).unwrap();
                    changed.push(self.path(rel));
                }
                self.docs = docs;
            }
            Edit::Config { publish_tlp, strict_entities, broken } => {
                let mut text = format!("{SITE_TOML}publish_tlp = \"{publish_tlp}\"\n");
                if *strict_entities {
                    text.push_str("strict_entities = true\n");
                }
                if *broken {
                    text.push_str("colour = \"blue\"\n");
                }
                self.write_file("site.toml", &text, changed);
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Comparing

/// What a user sees of one state of the site: did it build, the diagnostic lines, the files.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    ok: bool,
    lines: Vec<String>,
    /// Empty when the build failed (serve then keeps showing the last good pages).
    files: BTreeMap<String, Vec<u8>>,
}

#[derive(Default)]
struct MemSink(Mutex<BTreeMap<String, Vec<u8>>>);

impl Sink for MemSink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), dossier::output::WriteError> {
        self.0.lock().unwrap().insert(path.to_string(), bytes);
        Ok(())
    }
}

fn failed(diags: Diagnostics) -> Outcome {
    Outcome { ok: false, lines: lines(diags), files: BTreeMap::new() }
}

fn lines(diags: Diagnostics) -> Vec<String> {
    diags.sorted().iter().map(|d| d.to_string()).collect()
}

/// Renders every page of a good site into memory, as `build` writes it.
fn rendered(site: &pipeline::Site, templates: &Templates, mut diags: Diagnostics) -> Outcome {
    let sink = MemSink::default();
    diags.extend(render::render_site(site, templates, &sink));
    if diags.has_errors() {
        return failed(diags);
    }
    Outcome { ok: true, lines: lines(diags), files: sink.0.into_inner().unwrap() }
}

/// What `build` makes of the files on disk, from nothing.
fn from_scratch(root: &Path, overrides: &Overrides) -> Outcome {
    let config = match Config::load(root, overrides) {
        Ok(c) => c,
        Err(ConfigError::Invalid(d)) => return failed(d),
        Err(e) => {
            let mut d = Diagnostics::new();
            d.error("site.toml", Pos::START, e.to_string());
            return failed(d);
        }
    };
    let templates = Templates::load(&config);
    let (site, mut diags) = pipeline::load_site(&config);
    match (site, templates) {
        (Some(site), Ok(templates)) => rendered(&site, &templates, diags),
        (_, Err(d)) => {
            diags.extend(d);
            failed(diags)
        }
        (None, _) => failed(diags),
    }
}

/// What serve shows after a rebuild: the new site, the errors over the last good one, or (when
/// nothing changed) what it showed before.
fn served(result: Result<Option<dossier::serve::Snapshot>, Diagnostics>, before: &Outcome) -> Outcome {
    match result {
        Ok(None) => before.clone(),
        Ok(Some(snapshot)) => {
            let site = snapshot.site().expect("a rebuild gives a site");
            rendered(site, snapshot.templates(), snapshot.warnings().clone())
        }
        Err(d) => failed(d),
    }
}

/// The first difference between serve and a fresh build, in words.
fn difference(serve: &Outcome, fresh: &Outcome) -> Option<String> {
    if serve.ok != fresh.ok || serve.lines != fresh.lines {
        let only =
            |a: &[String], b: &[String]| a.iter().filter(|l| !b.contains(l)).cloned().collect::<Vec<_>>();
        return Some(format!(
            "serve {} and a fresh build {};\n  only from serve: {:#?}\n  only from the fresh build: {:#?}",
            if serve.ok { "succeeded" } else { "failed" },
            if fresh.ok { "succeeded" } else { "failed" },
            only(&serve.lines, &fresh.lines),
            only(&fresh.lines, &serve.lines),
        ));
    }
    if serve.files != fresh.files {
        let paths: Vec<&String> = serve.files.keys().chain(fresh.files.keys()).collect();
        let mut differing: Vec<&String> =
            paths.into_iter().filter(|p| serve.files.get(*p) != fresh.files.get(*p)).collect();
        differing.sort();
        differing.dedup();
        let first = differing[0];
        let text = |o: &Outcome| o.files.get(first).map(|b| String::from_utf8_lossy(b).into_owned());
        let (a, b) = (text(serve), text(fresh));
        let detail = match (&a, &b) {
            (Some(a), Some(b)) => {
                let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
                let i = la.iter().zip(&lb).position(|(x, y)| x != y).unwrap_or(la.len().min(lb.len()));
                format!("first differing line {}:\n  serve: {:?}\n  fresh: {:?}", i + 1, la.get(i), lb.get(i))
            }
            (Some(_), None) => "only serve has it".to_string(),
            _ => "only the fresh build has it".to_string(),
        };
        return Some(format!("files differ: {differing:?}; {first}: {detail}"));
    }
    None
}

/// What a run compared: steps, and of them those after which the site built (its pages then
/// compared byte for byte) and those serve had nothing to rebuild for.
#[derive(Default)]
struct Tally {
    steps: Cell<usize>,
    built: Cell<usize>,
    unchanged: Cell<usize>,
}

/// Runs the steps on a fresh copy of the fixture, with drafts published (`--drafts`) or not;
/// the first difference is the error.
fn check(drafts: bool, steps: &[Vec<Edit>], tally: &Tally) -> Result<(), String> {
    let mut site = Site::new();
    let overrides = Overrides { drafts, ..Overrides::default() };
    let mut builder = Builder::new(&site.root, &overrides).map_err(|c| format!("serve exits {c}"))?;
    let mut shown = served(builder.apply(&[]), &failed(Diagnostics::new()));
    if let Some(d) = difference(&shown, &from_scratch(&site.root, &overrides)) {
        return Err(format!("at the start: {d}"));
    }
    for (i, step) in steps.iter().enumerate() {
        let mut changed = Vec::new();
        for edit in step {
            site.apply(edit, &mut changed);
        }
        // One path once per batch, as the watcher collects them.
        let mut batch: Vec<PathBuf> = Vec::new();
        for p in changed {
            if !batch.contains(&p) {
                batch.push(p);
            }
        }
        // Like the watcher, nothing is called for a burst without paths (an edit of a briefing
        // that is not there); the comparison still holds.
        if !batch.is_empty() {
            let result = builder.apply(&batch);
            tally.unchanged.set(tally.unchanged.get() + usize::from(matches!(result, Ok(None))));
            shown = served(result, &shown);
        }
        tally.steps.set(tally.steps.get() + 1);
        if let Some(d) = difference(&shown, &from_scratch(&site.root, &overrides)) {
            return Err(format!("after step {} of {} ({step:?}): {d}", i + 1, steps.len()));
        }
        tally.built.set(tally.built.get() + usize::from(shown.ok));
        if shown.ok {
            site.built();
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// The property

fn cases() -> u32 {
    std::env::var("DOSSIER_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12)
}

/// The most steps in one case: longer sequences reach deeper cache states, at a cost.
fn max_steps() -> usize {
    std::env::var("DOSSIER_PROPTEST_STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(12)
}

/// The seed of this run: `PROPTEST_RNG_SEED`, else a new one, printed with a failure.
fn seed() -> u64 {
    std::env::var("PROPTEST_RNG_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    })
}

#[test]
fn incremental_equals_from_scratch() {
    let seed = seed();
    let config = RunnerConfig {
        cases: cases(),
        rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
        // Findings are kept as the named tests below, not in a file beside this one.
        failure_persistence: None,
        // Each shrinking step replays a whole sequence: bound the time it may take.
        max_shrink_iters: 2000,
        max_shrink_time: 300_000,
        ..RunnerConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let tally = Tally::default();
    let runs = (prop::bool::weighted(0.2), steps(max_steps()));
    let result =
        runner.run(&runs, |(drafts, steps)| check(drafts, &steps, &tally).map_err(TestCaseError::fail));
    if let Err(e) = result {
        panic!("{e}\n(PROPTEST_RNG_SEED={seed} repeats this run)");
    }
    let (steps, built) = (tally.steps.get(), tally.built.get());
    eprintln!(
        "{} cases, {steps} steps: {built} built and compared page for page, {} with nothing to rebuild",
        cases(),
        tally.unchanged.get()
    );
    // The edits must leave the site buildable often enough for the pages to be compared.
    assert!(built * 4 >= steps, "only {built} of {steps} steps built: the edits break the site too often");
}

// ------------------------------------------------------------------------------------------
// Findings, each as the shortest sequence that showed it

fn assert_same(steps: &[Vec<Edit>]) {
    if let Err(e) = check(false, steps, &Tally::default()) {
        panic!("{e}");
    }
}

/// serve forgot a broken site.toml at the next content save and showed the site again.
#[test]
fn broken_site_toml_stays_reported_after_a_content_save() {
    assert_same(&[
        vec![Edit::Config { publish_tlp: "green", strict_entities: false, broken: true }],
        vec![Edit::Title { b: "parade", title: "A new title" }],
    ]);
}

/// The same for a template that does not load.
#[test]
fn broken_template_stays_reported_after_a_content_save() {
    assert_same(&[
        vec![Edit::Template { name: "page.html", change: TemplateChange::Broken }],
        vec![Edit::Title { b: "parade", title: "A new title" }],
    ]);
}

/// A template error was reported alone, hiding the content's errors that `build` reports.
#[test]
fn template_error_comes_with_the_content_errors() {
    assert_same(&[vec![
        Edit::Break { b: "xi-kim", how: Breakage::UnknownKey },
        Edit::Template { name: "page.html", change: TemplateChange::Broken },
    ]]);
}

/// Content saved in the same burst as a broken template was never read: after the template
/// was mended, serve showed the old text.
#[test]
fn content_saved_with_a_broken_template_is_read() {
    assert_same(&[
        vec![
            Edit::Template { name: "page.html", change: TemplateChange::Broken },
            Edit::Title { b: "parade", title: "A new title" },
        ],
        vec![Edit::Template { name: "page.html", change: TemplateChange::Marked(1) }],
    ]);
}

/// The warning about a Markdown file outside the sections came only from the first scan: one
/// added later was never warned about, one removed stayed warned about.
#[test]
fn stray_markdown_file_is_warned_about_as_it_comes_and_goes() {
    assert_same(&[
        vec![Edit::Stray { path: "content/notes.md", present: true }],
        vec![Edit::Stray { path: "content/people/old/x.md", present: true }],
        vec![Edit::Stray { path: "content/notes.md", present: false }],
    ]);
}

/// A folder put in the place of another kept the files of the one it replaced, since only the
/// folder is reported: slug clashes with briefings no longer there.
#[test]
fn folder_moved_into_the_place_of_another_holds_only_its_own_files() {
    assert_same(&[
        vec![Edit::New { b: "new-a", folder: "2026" }],
        vec![Edit::SwapFolders { a: "2025", b: "2026" }],
    ]);
}

/// Entity warnings were last run's whenever every briefing's references were the same, and so
/// named the file a briefing had been in before its folder was moved.
#[test]
fn entity_warning_follows_a_moved_briefing() {
    assert_same(&[
        vec![Edit::Entity {
            file: "people/kim-jong-un",
            name: "Vladimir Putin",
            aliases: vec![],
            link: None,
        }],
        vec![Edit::MoveFolder { from: "2025", to: "2026" }],
    ]);
}

/// Markdown taken from the cache came without its warnings: a script link removed from a
/// page was reported once, then no more after any other save.
#[test]
fn markdown_warnings_stay_reported_when_the_html_is_reused() {
    let script = "[a script](javascript:alert(1))";
    assert_same(&[
        vec![Edit::Page {
            file: "about",
            title: Some("A page"),
            slug: None,
            draft: false,
            link: Some(script),
        }],
        vec![Edit::Links { b: "trade", links: vec![script] }],
        vec![Edit::Title { b: "parade", title: "A new title" }],
        vec![Edit::Title { b: "parade", title: "Ümlaut & <b>" }],
    ]);
}
