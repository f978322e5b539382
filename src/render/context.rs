//! Template contexts: typed, serialisable views of the site, one per page kind. Templates see
//! only these values (documented in themes/README.md), never the content model itself. Every
//! `href` is already relative to the page being rendered.

use serde::Serialize;
use std::collections::BTreeMap;

/// The values every template receives.
#[derive(Debug, Clone, Serialize)]
pub struct Common<'a> {
    pub site: SiteInfo<'a>,
    pub t: &'static super::labels::Labels,
    /// The way from this page to the site root (`../../`), for assets: `{{ root }}style.css`.
    pub root: String,
    pub page: PageInfo,
    pub nav: Vec<NavItem>,
    /// The free pages of `content/pages/`, by title.
    pub pages: Vec<Link>,
    /// Links to the home page (`home`) and to each menu section by name (`briefings`,
    /// `people`, …), in the site's link style.
    pub links: BTreeMap<&'static str, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo<'a> {
    pub title: &'a str,
    pub lang: &'a str,
    pub base_url: Option<&'a str>,
    /// The path part of `base_url` (`/dossier/`), when it is plain enough to put in a script.
    pub base_path: Option<&'a str>,
    pub extra: &'a serde_json::Value,
    /// Relative link to the site feed.
    pub feed: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    pub title: String,
    /// The page's path from the site root, e.g. `/people/xi-jinping/`.
    pub path: String,
    /// Absolute URL, when `base_url` is set.
    pub canonical: Option<String>,
    /// `home`, `briefings`, `briefing`, `people`, `person`, …: for styling and active menus.
    pub kind: &'static str,
    /// Relative link to this page's Atom feed, if it has one.
    pub feed: Option<String>,
    pub lang: String,
    /// On a paged list: the previous and the next page (for `<link rel="prev">`/`"next"`).
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub href: String,
    pub title: &'static str,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub href: String,
    pub title: String,
}

/// A link to an entity; `href` is `None` when the entity has no page.
#[derive(Debug, Clone, Serialize)]
pub struct EntityLink {
    pub href: Option<String>,
    pub name: String,
    /// `person`, `organisation` or `country`.
    pub kind: &'static str,
    pub role: Option<String>,
    /// Number of briefings (in lists) or of shared briefings (in "appears with").
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TlpInfo {
    /// `TLP:AMBER`
    pub label: &'static str,
    /// `amber`, `amber-strict`: CSS class suffix.
    pub class: &'static str,
    pub meaning: &'static str,
}

/// A date at its own precision.
#[derive(Debug, Clone, Serialize)]
pub struct DateInfo {
    /// In the page's language: `Juni 2019`, `ca. 2006`.
    pub display: String,
    /// For `<time datetime>`: `2019-06`.
    pub iso: String,
    /// EDTF as written canonically: `2006~`, `1950/1953`.
    pub edtf: String,
}

/// A briefing as a list entry.
#[derive(Debug, Clone, Serialize)]
pub struct BriefingItem {
    pub href: String,
    pub title: String,
    pub slug: String,
    pub date: DateInfo,
    pub summary_html: Option<String>,
    pub tlp: TlpInfo,
    pub tags: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    /// The source's position in the briefing's list, 1-based.
    pub n: usize,
    pub href: String,
    pub title: String,
}

/// An event. On the timeline, year and entity pages it is the merged event (FORMAT.md
/// section 2): the most precise date given, the lead report's title and sources, the
/// entities of every report, and every briefing reporting it.
#[derive(Debug, Clone, Serialize)]
pub struct EventInfo {
    pub date: DateInfo,
    pub title: String,
    /// The event's `id`, when it has one.
    pub id: Option<String>,
    /// Expected after the reporting briefing's date (`planned: true`).
    pub planned: bool,
    pub actors: Vec<EntityLink>,
    pub countries: Vec<EntityLink>,
    pub sources: Vec<SourceRef>,
    /// The (lead) briefing the event comes from (timeline and entity pages).
    pub briefing: Option<Link>,
    /// Every briefing reporting it, the lead first, each with the sources it cites for the
    /// event (timeline and entity pages).
    pub briefings: Vec<EventReport>,
    /// On a briefing page: the other briefings reporting the same event.
    pub also: Vec<Link>,
}

/// One briefing's report of an event.
#[derive(Debug, Clone, Serialize)]
pub struct EventReport {
    pub href: String,
    pub title: String,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JudgmentInfo {
    pub text_html: String,
    /// ICD 203 term in English (`likely`) and in the page language.
    pub likelihood: Option<&'static str>,
    pub likelihood_label: Option<&'static str>,
    /// The probability range the term stands for: `55–80 %`.
    pub likelihood_range: Option<&'static str>,
    pub confidence: Option<&'static str>,
    pub confidence_label: Option<&'static str>,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    pub n: usize,
    /// The anchor citations link to: `source-2`.
    pub anchor: String,
    pub id: String,
    pub publisher: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published: Option<DateInfo>,
    pub accessed: Option<DateInfo>,
    pub lang: Option<String>,
    pub archive: Option<String>,
    /// Admiralty grade: `B2`, `B`, `2` or `None`.
    pub grade: Option<String>,
    pub reliability: Option<String>,
    /// The reliability is the publisher's default (its publisher file), not given here.
    pub reliability_default: bool,
    /// The publisher's page on `/sources/`.
    pub publisher_href: Option<String>,
    pub reliability_meaning: Option<&'static str>,
    pub credibility: Option<u8>,
    pub credibility_meaning: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BriefingInfo {
    pub title: String,
    pub slug: String,
    pub lang: String,
    pub date: DateInfo,
    pub updated: Option<DateInfo>,
    pub tlp: TlpInfo,
    pub draft: bool,
    pub summary_html: Option<String>,
    pub key_judgments: Vec<JudgmentInfo>,
    pub actors: Vec<EntityLink>,
    pub countries: Vec<EntityLink>,
    pub events: Vec<EventInfo>,
    pub body_html: String,
    pub sources: Vec<SourceInfo>,
    pub backlinks: Vec<BriefingItem>,
    pub related: Vec<BriefingItem>,
    pub tags: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityInfo {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub role: Option<String>,
    /// `born` for people, `founded` for organisations.
    pub since: Option<DateInfo>,
    pub wikidata: Option<String>,
    pub wikidata_url: Option<String>,
    /// Countries: alpha-2, alpha-3 and English name.
    pub code: Option<String>,
    pub alpha3: Option<String>,
    pub english_name: Option<String>,
    pub countries: Vec<EntityLink>,
    pub profile_html: Option<String>,
    pub feed: String,
    /// The entity's page (its first page), relative.
    pub href: String,
    /// An organisation that is also a publisher of sources: its publisher pages on `/sources/`.
    pub publishers: Vec<PublisherLink>,
    /// Number of briefings and events naming it, in all.
    pub briefing_count: usize,
    pub event_count: usize,
    /// When it has more events than its page shows: the page listing all of them.
    pub all_events: Option<String>,
}

/// A year that has events.
#[derive(Debug, Clone, Serialize)]
pub struct YearInfo {
    /// The year as EDTF counts it (0 is 1 BCE, -1 is 2 BCE).
    pub year: i16,
    /// In the site's language: `1961`, `501 v. Chr.`.
    pub label: String,
    /// The year page's URL segment: `1961`, `-0500`.
    pub segment: String,
    pub href: String,
    pub count: usize,
    /// The year's events, where the page shows them (small timelines), else empty.
    pub events: Vec<EventInfo>,
}

/// A paged list's place: which page this is, and links to the others.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// This page's number, from 1.
    pub page: u32,
    pub pages: u32,
    pub per_page: usize,
    /// Entries of the whole list.
    pub total: usize,
    /// Positions (from 1) of this page's first and last entry; 0 and 0 when the list is empty.
    pub first: usize,
    pub last: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// Numbered links in order; an entry without `n` is a gap (…).
    pub links: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub n: Option<u32>,
    pub href: Option<String>,
    pub current: bool,
}

/// A document on a publisher's page, with every briefing citing it.
#[derive(Debug, Clone, Serialize)]
pub struct CitedSource {
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published: Option<DateInfo>,
    /// Each distinct grade the citing briefings give it (`B2`, `C`, `3`).
    pub grades: Vec<String>,
    pub briefings: Vec<Link>,
    /// The body of its shared source file (`content/sources/`), when it has one.
    pub note_html: Option<String>,
}

/// A publisher as a list entry, and as the head of its own page.
#[derive(Debug, Clone, Serialize)]
pub struct PublisherLink {
    pub name: String,
    pub href: String,
    /// Number of its sources (documents, however often cited).
    pub count: usize,
    /// Its organisation (the publisher file's `organisation`, else the organisation of the
    /// same name or alias), when it has a page.
    pub organisation: Option<EntityLink>,
    /// The publisher file's default reliability (`C`).
    pub reliability: Option<String>,
}

/// What a publisher file says, for the publisher's page.
#[derive(Debug, Clone, Serialize)]
pub struct PublisherDetails {
    pub aliases: Vec<String>,
    pub url: Option<String>,
    pub country: Option<EntityLink>,
    /// The default reliability and what it means.
    pub reliability: Option<String>,
    pub reliability_meaning: Option<&'static str>,
    pub profile_html: Option<String>,
    /// The reliability grades its sources are given (not the default), best first.
    pub grades: Vec<GradeCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GradeCount {
    /// `A`–`F`.
    pub grade: String,
    pub meaning: &'static str,
    /// Citations with that grade.
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TagInfo {
    pub name: String,
    pub href: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub briefings: usize,
    pub people: usize,
    pub organisations: usize,
    pub countries: usize,
    pub events: usize,
    pub sources: usize,
}
