//! `dossier new "Title"` writes a briefing skeleton; `dossier init DIR` writes a new site.

use super::{EXIT_OK, EXIT_USAGE, load_config};
use crate::config::Overrides;
use crate::slug::slugify;
use std::path::Path;

/// Writes `content/briefings/<slug>.md` dated today; never overwrites.
pub fn new_briefing(root: &Path, title: &str) -> i32 {
    let config = match load_config(root, &Overrides::default()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let slug = slugify(title, &config.language);
    if slug.is_empty() {
        eprintln!("error: cannot make a file name from the title \"{title}\"");
        return EXIT_USAGE;
    }
    let path = root.join("content").join("briefings").join(format!("{slug}.md"));
    if path.exists() {
        eprintln!("error: {} already exists", path.display());
        return EXIT_USAGE;
    }
    let today = jiff::ZonedDateTime::now().date();
    let text = format!(
        "---\ntitle: {}\ndate: {}\nsummary: \ntags: []\nactors: []\ncountries: []\nevents: []\nsources: []\n---\n\n",
        yaml_string(title),
        today.strftime("%Y-%m-%d")
    );
    if let Err(e) =
        std::fs::create_dir_all(path.parent().unwrap_or(root)).and_then(|_| std::fs::write(&path, text))
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return EXIT_USAGE;
    }
    println!("{}", crate::load::rel_path(root, &path));
    EXIT_OK
}

/// A YAML double-quoted string.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

const INIT_SITE: &str = r#"title = "My Dossier"
base_url = "https://example.org/"
language = "en"
theme = "default"
default_tlp = "clear"
publish_tlp = "clear"
strict_entities = false
allow_html = false
output_dir = "public"

[extra]
"#;

const INIT_BRIEFING: &str = r#"---
title: "Xi and Kim meet in Beijing"
date: 2025-09-04
summary: Both leaders pledge closer ties after years of distance; KCNA stays silent at first.
tags: [diplomacy]
actors:
  - Xi Jinping
  - {ref: Kim Jong Un, role: Chairman of the State Affairs Commission}
countries: [CN, KP]
events:
  - {date: 2025-09-02, title: Kim arrives in Beijing by train, actors: [Kim Jong Un], countries: [CN]}
  - {date: 2019-06, title: Last meeting of Xi and Kim in Pyongyang}
  - {date: 1961, title: Treaty of friendship between China and North Korea}
sources:
  - {id: xinhua, publisher: Xinhua, title: Xi Jinping meets Kim Jong Un, url: "https://example.org/xinhua", published: 2025-09-04, reliability: B, credibility: 2}
key_judgments:
  - {text: China will enforce sanctions less strictly., likelihood: likely, confidence: moderate, sources: [xinhua]}
---
[[Xi Jinping]] received [[Kim Jong Un|Kim]] in Beijing [@xinhua].

## Background

The last meeting of the two took place in Pyongyang in June 2019.
"#;

/// Creates a new site in `dir` (which must not exist or be empty).
pub fn init(dir: &Path) -> i32 {
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        eprintln!("error: {} exists and is not empty", dir.display());
        return EXIT_USAGE;
    }
    let files: [(&str, &str); 4] = [
        ("site.toml", INIT_SITE),
        ("content/briefings/xi-kim-beijing.md", INIT_BRIEFING),
        ("static/.gitkeep", ""),
        ("templates/.gitkeep", ""),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Err(e) =
            std::fs::create_dir_all(path.parent().unwrap_or(dir)).and_then(|_| std::fs::write(&path, text))
        {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
    }
    println!(
        "created a new dossier in {}; build it with: dossier build --root {}",
        dir.display(),
        dir.display()
    );
    EXIT_OK
}
