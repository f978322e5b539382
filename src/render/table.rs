//! The table of everything a site outputs (FORMAT.md section 6): each page kind, feed and
//! sitemap is an `OutputKind` that lists its instances, gives each its URL, reads its URLs
//! back and renders them. `build` and `check` walk the whole table (`all_jobs`), `serve` asks
//! it which output a requested path is (`route`); the main menu and the root segments free
//! pages may not take come from it as well. A new page type or output is a file of its own
//! and one line in `TABLE`.

use super::labels::Labels;
use super::pages::{
    briefing, briefings, entities, entity, entity_events, free, home, not_found, publisher, search, sources,
    tag, tags, timeline, year,
};
use super::{Cx, RenderError, feeds, search_files, sitemap};
use crate::frontmatter::EntityKind;
use crate::pipeline::Site;
use crate::url::UrlPath;
use rustc_hash::FxHashSet as HashSet;
use std::fmt;

/// A page number of a paged list, from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageNo(u32);

impl PageNo {
    pub const FIRST: PageNo = PageNo(1);

    pub fn new(n: u32) -> Option<PageNo> {
        (n >= 1).then_some(PageNo(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }

    pub fn is_first(self) -> bool {
        self.0 == 1
    }

    /// The entries of a list this page shows, at `per` entries a page.
    pub fn range(self, per: usize, total: usize) -> std::ops::Range<usize> {
        let start = (self.0 as usize - 1).saturating_mul(per).min(total);
        start..start.saturating_add(per).min(total)
    }
}

/// One output of a kind: which of its items (a briefing, an entity, a tag, a year…, numbered
/// as the kind numbers them; 0 for a kind with a single output) and which page of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub item: u32,
    pub page: PageNo,
}

impl Key {
    /// The output of a kind that has only one.
    pub const ONLY: Key = Key { item: 0, page: PageNo::FIRST };

    pub fn item(i: usize) -> Key {
        Key { item: i as u32, page: PageNo::FIRST }
    }

    pub fn paged(i: usize, page: PageNo) -> Key {
        Key { item: i as u32, page }
    }

    pub fn index(self) -> usize {
        self.item as usize
    }
}

/// A kind's entry in the main menu.
pub struct Nav {
    /// The entry's name in `common.links` (`briefings`, `people`, …).
    pub key: &'static str,
    pub label: fn(&Labels) -> &'static str,
    /// The page kinds (`common.page.kind`) on which the entry is marked current.
    pub active: &'static [&'static str],
}

/// A kind of output: a page type, a feed, the sitemap.
pub trait OutputKind: Sync {
    /// A name unique in the table (`briefing`, `entity-person`, `sitemap`), for tests and
    /// messages.
    fn name(&self) -> &'static str;
    /// The first URL segments of its outputs that no free page may take.
    fn roots(&self) -> &'static [&'static str] {
        &[]
    }
    fn nav(&self) -> Option<Nav> {
        None
    }
    /// Whether its outputs are HTML pages a search engine should list.
    fn in_sitemap(&self) -> bool {
        false
    }
    /// `<lastmod>` of an output in the sitemap.
    fn lastmod(&self, _site: &Site, _key: Key) -> Option<String> {
        None
    }
    /// Every output of this kind (a paged list: one per page).
    fn keys(&self, site: &Site) -> Vec<Key>;
    fn url(&self, site: &Site, key: Key) -> UrlPath;
    /// The output at a file path (`people/x/page/2/index.html`, split at `/`), if this kind
    /// has one there: `url` read backwards.
    fn route(&self, site: &Site, path: &[&str]) -> Option<Key>;
    fn render(&self, cx: Cx, key: Key) -> Result<Vec<u8>, RenderError>;
}

/// Everything the site outputs. The order is the menu's order. Pictures will go in here as a
/// kind of their own.
pub const TABLE: &[&dyn OutputKind] = &[
    &home::Home,
    &briefings::BriefingList,
    &briefing::BriefingPage,
    &entities::EntityList(EntityKind::Person),
    &entities::EntityList(EntityKind::Organisation),
    &entities::EntityList(EntityKind::Country),
    &entity::EntityPage(EntityKind::Person),
    &entity::EntityPage(EntityKind::Organisation),
    &entity::EntityPage(EntityKind::Country),
    &entity_events::EntityEvents(EntityKind::Person),
    &entity_events::EntityEvents(EntityKind::Organisation),
    &entity_events::EntityEvents(EntityKind::Country),
    &timeline::Timeline,
    &year::YearPage,
    &sources::Sources,
    &publisher::PublisherPage,
    &tags::TagList,
    &tag::TagPage,
    &free::FreePage,
    &not_found::NotFound,
    &search::SearchPage,
    &search_files::SearchFiles,
    &feeds::SiteFeed,
    &feeds::EntityFeed(EntityKind::Person),
    &feeds::EntityFeed(EntityKind::Organisation),
    &feeds::EntityFeed(EntityKind::Country),
    &sitemap::SITEMAP,
];

/// Root segments that belong to no kind of the table but are not free either: `static` would
/// read as the site's static folder, `__dossier` is where `serve` keeps its reload socket.
const OTHER_ROOTS: &[&str] = &["static", "__dossier"];

/// Whether a free page may not take `segment` as its slug.
pub fn is_reserved_root(segment: &str) -> bool {
    OTHER_ROOTS.contains(&segment) || TABLE.iter().any(|k| k.roots().contains(&segment))
}

/// One output: a kind and which of its outputs.
#[derive(Clone, Copy)]
pub struct Job {
    pub kind: &'static dyn OutputKind,
    pub key: Key,
}

impl Job {
    pub fn url(&self, site: &Site) -> UrlPath {
        self.kind.url(site, self.key)
    }

    pub fn render(&self, cx: Cx) -> Result<Vec<u8>, RenderError> {
        self.kind.render(cx, self.key)
    }
}

impl PartialEq for Job {
    fn eq(&self, other: &Job) -> bool {
        self.kind.name() == other.kind.name() && self.key == other.key
    }
}

impl Eq for Job {}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:?}", self.kind.name(), self.key)
    }
}

/// Every output of the site.
pub fn all_jobs(site: &Site) -> Vec<Job> {
    TABLE.iter().flat_map(|&kind| kind.keys(site).into_iter().map(move |key| Job { kind, key })).collect()
}

/// The output at a site file path (`people/x/index.html`, `atom.xml`), if the site has one.
pub fn route(site: &Site, path: &str) -> Option<Job> {
    let parts: Vec<&str> = path.split('/').collect();
    TABLE.iter().find_map(|&kind| kind.route(site, &parts).map(|key| Job { kind, key }))
}

/// The path without its final `index.html`: the segments of a page folder.
pub fn dir<'a>(path: &'a [&'a str]) -> Option<&'a [&'a str]> {
    match path {
        [rest @ .., "index.html"] => Some(rest),
        _ => None,
    }
}

/// The files and folders one build outputs, to tell where a static file may not go.
pub struct OutputPaths {
    files: HashSet<String>,
    folders: HashSet<String>,
}

impl OutputPaths {
    pub fn of(site: &Site) -> OutputPaths {
        let mut files = HashSet::default();
        let mut folders = HashSet::default();
        for job in all_jobs(site) {
            let file = job.url(site).output_file();
            let mut at = file.as_str();
            while let Some((parent, _)) = at.rsplit_once('/') {
                if !folders.insert(parent.to_string()) {
                    break;
                }
                at = parent;
            }
            files.insert(file);
        }
        OutputPaths { files, folders }
    }

    /// Whether the build generates a file at `path`.
    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    /// Whether the build generates files below `path`.
    pub fn is_folder(&self, path: &str) -> bool {
        self.folders.contains(path)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use std::collections::HashMap;
    use std::path::Path;

    /// The site at `root` as `build` loads it, with `paginate` entries a page.
    pub(crate) fn load(root: &Path, paginate: usize) -> Site {
        let mut config = Config::load(root, &Overrides::default()).expect("site.toml");
        config.paginate = paginate;
        let (site, diags) = crate::pipeline::load_site(&config);
        site.unwrap_or_else(|| panic!("{:?}", diags.sorted()))
    }

    pub(crate) fn basic() -> Site {
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"), 2)
    }

    /// A generated site that tries the URL scheme's corners: a briefing, a tag and a person
    /// called `page`, publishers whose names slug alike or to nothing, years before 1 BCE,
    /// decades and centuries, lists of one page and of many.
    pub(crate) fn generated() -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        let w = |rel: &str, text: &str| {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w("site.toml", "title = \"Generated\"\nbase_url = \"https://example.org/g/\"\n");
        w("content/organisations/xinhua.md", "---\nname: Xinhua\naliases: [Neues China]\n---\n");
        w("content/pages/about.md", "---\ntitle: About\n---\nText.\n");
        let publishers = ["AP", "AP!", "Xinhua", "!!!", "Neues China"];
        let dates = ["-0500", "196X", "19XX", "0000", "1961-06", "2019~", "1950/1953", "2025-01-02"];
        for i in 0..37 {
            let slug = if i == 7 { "page".to_string() } else { format!("b{i}") };
            let tags = ["page", "tag-a", "tag-b"][..(i % 3) + 1].join(", ");
            let actors = if i % 4 == 0 { "[Page, Kim Jong Un]" } else { "[Kim Jong Un]" };
            let events: String = (0..(i % 4))
                .map(|e| {
                    format!(
                        "  - {{date: \"{}\", title: Event {i}-{e}, actors: [Kim Jong Un]}}\n",
                        dates[(i + e) % dates.len()]
                    )
                })
                .collect();
            let p = publishers[i % publishers.len()];
            w(
                &format!("content/briefings/{slug}.md"),
                &format!(
                    "---\ntitle: Briefing {i}\ndate: 2025-{:02}-{:02}\ntags: [{tags}]\nactors: {actors}\ncountries: [KP]\nevents:\n{events}sources:\n  - {{id: s, publisher: \"{p}\", url: \"https://example.org/{i}\"}}\n---\nBody.\n",
                    i % 12 + 1,
                    i % 28 + 1
                ),
            );
        }
        let site = load(dir.path(), 3);
        (dir, site)
    }

    /// Every output reads back from its URL, no two share one, and no other page number
    /// of a list reads as anything.
    fn urls_read_back(site: &Site) -> usize {
        let jobs = all_jobs(site);
        let mut at: HashMap<String, Job> = HashMap::new();
        for job in &jobs {
            let file = job.url(site).output_file();
            assert_eq!(route(site, &file), Some(*job), "{file}");
            if let Some(other) = at.insert(file.clone(), *job) {
                panic!("{other:?} and {job:?} are both at {file}");
            }
        }
        for file in at.keys() {
            if let Some(folder) = file.strip_suffix("index.html") {
                let numbered = folder.rsplit_once("page/").and_then(|(list, n)| {
                    Some((list.to_string(), n.trim_end_matches('/').parse::<u32>().ok()?))
                });
                let (list, page) = numbered.unwrap_or((folder.to_string(), 1));
                let next = format!("{list}page/{}/index.html", page + 1);
                assert_eq!(route(site, &format!("{list}page/1/index.html")), None, "{list}page/1/");
                assert_eq!(route(site, &next).is_some(), at.contains_key(&next), "{next}");
            }
        }
        jobs.len()
    }

    #[test]
    fn every_output_of_the_basic_fixture_reads_back_from_its_url() {
        let site = basic();
        assert!(urls_read_back(&site) > 40);
        assert!(route(&site, "briefings/page/2/index.html").is_some(), "3 briefings, 2 a page");
    }

    #[test]
    fn every_output_of_a_generated_site_reads_back_from_its_url() {
        let (_dir, site) = generated();
        let n = urls_read_back(&site);
        assert!(n > 100, "{n}");
        for (path, kind) in [
            ("briefings/page/index.html", "briefing"),
            ("briefings/page/13/index.html", "briefings"),
            ("tags/page/index.html", "tag"),
            ("tags/page/page/13/index.html", "tag"),
            ("people/page/index.html", "person"),
            ("people/kim-jong-un/events/page/2/index.html", "person-events"),
            ("timeline/-0500/index.html", "year"),
            ("timeline/0000/index.html", "year"),
            ("timeline/1900/index.html", "year"),
            ("sources/ap/index.html", "publisher"),
            ("sources/ap-2/index.html", "publisher"),
            ("sources/publisher/index.html", "publisher"),
        ] {
            assert_eq!(route(&site, path).map(|j| j.kind.name()), Some(kind), "{path}");
        }
        for nothing in
            ["briefings/page/14/index.html", "timeline/-500/index.html", "timeline/1962/index.html"]
        {
            assert_eq!(route(&site, nothing), None, "{nothing}");
        }
    }

    #[test]
    fn kinds_have_unique_names() {
        let names: std::collections::BTreeSet<&str> = TABLE.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), TABLE.len(), "a job is known by its kind's name");
    }

    #[test]
    fn reserved_roots_come_from_the_table() {
        for taken in
            ["briefings", "people", "timeline", "sources", "tags", "atom.xml", "sitemap.xml", "search"]
        {
            assert!(is_reserved_root(taken), "{taken}");
        }
        assert!(!is_reserved_root("about") && !is_reserved_root("page"));
    }
}
