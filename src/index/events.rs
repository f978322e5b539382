//! Events merged across briefings (FORMAT.md section 2): reports with the same `id` are one
//! event; reports without one are one event when their titles are equal after normalisation
//! (case, punctuation, spaces) and their dates overlap. A merged event is shown at the most
//! precise date given, with every briefing that reports it.

use super::{BriefingIdx, EventRef};
use crate::date::Edtf;
use crate::frontmatter::{Briefing, EventId};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// Index of a merged event in timeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventNo(pub u32);

impl EventNo {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One event, however many briefings report it.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedEvent {
    /// The reports: first the lead (the most precise date; of equals, the newest briefing),
    /// whose date, title and language are shown; then the others, newest briefing first.
    pub reports: Vec<EventRef>,
    pub date: Edtf,
}

/// Every event of the published briefings, merged.
#[derive(Debug, Clone, Default)]
pub struct Events {
    /// Oldest first (by date, then by lead report).
    pub list: Vec<MergedEvent>,
    /// Per briefing, per event of it: the merged event it is part of.
    pub of: Vec<Vec<EventNo>>,
}

/// A title as compared: letters and digits only, lower case, in one normal form.
pub fn title_key(title: &str) -> String {
    title.nfkc().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()).collect()
}

/// An event in the making.
struct Group {
    reports: Vec<EventRef>,
}

pub fn merge(briefings: &[Arc<Briefing>]) -> Events {
    let event = |r: &EventRef| &briefings[r.briefing].events[r.event];
    let mut groups: Vec<Group> = Vec::new();
    let mut by_id: HashMap<&EventId, usize> = HashMap::default();
    let mut loose: Vec<EventRef> = Vec::new();
    for (b, br) in briefings.iter().enumerate() {
        for (e, ev) in br.events.iter().enumerate() {
            let r = EventRef { briefing: b, event: e };
            match &ev.id {
                Some(id) => {
                    let g = *by_id.entry(&id.value).or_insert_with(|| {
                        groups.push(Group { reports: Vec::new() });
                        groups.len() - 1
                    });
                    groups[g].reports.push(r);
                }
                None => loose.push(r),
            }
        }
    }
    // Groups by normalised title, so a report without id finds its candidates at once.
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::default();
    for (g, group) in groups.iter().enumerate() {
        let mut keys: Vec<String> = group.reports.iter().map(|r| title_key(&event(r).title)).collect();
        keys.sort_unstable();
        keys.dedup();
        for k in keys.into_iter().filter(|k| !k.is_empty()) {
            by_title.entry(k).or_default().push(g);
        }
    }
    // The most precise first: a vague report then joins the precise one it fits, not the reverse.
    loose.sort_by_key(|r| (event(r).date.vagueness(), r.briefing, r.event));
    for r in loose {
        let ev = event(&r);
        let key = title_key(&ev.title);
        let fits = |g: &Group| g.reports.iter().all(|o| event(o).date.overlaps(&ev.date));
        let found = if key.is_empty() {
            None
        } else {
            by_title.get(&key).and_then(|gs| gs.iter().copied().find(|g| fits(&groups[*g])))
        };
        match found {
            Some(g) => groups[g].reports.push(r),
            None => {
                groups.push(Group { reports: vec![r] });
                if !key.is_empty() {
                    by_title.entry(key).or_default().push(groups.len() - 1);
                }
            }
        }
    }
    let mut list: Vec<MergedEvent> = groups
        .into_iter()
        .map(|g| {
            let mut reports = g.reports;
            reports.sort_by_key(|r| (r.briefing, r.event));
            let lead = (0..reports.len())
                .min_by_key(|i| {
                    (event(&reports[*i]).date.vagueness(), reports[*i].briefing, reports[*i].event)
                })
                .unwrap_or(0);
            let lead = reports.remove(lead);
            reports.insert(0, lead);
            MergedEvent { date: event(&lead).date, reports }
        })
        .collect();
    let key = |m: &MergedEvent| (m.date, m.reports[0].briefing, m.reports[0].event);
    list.sort_by_key(key);
    let mut of: Vec<Vec<EventNo>> = briefings.iter().map(|b| vec![EventNo(0); b.events.len()]).collect();
    for (n, m) in list.iter().enumerate() {
        for r in &m.reports {
            of[r.briefing][r.event] = EventNo(n as u32);
        }
    }
    Events { list, of }
}

/// The briefings reporting an event, lead first, each once.
pub fn briefings_of(m: &MergedEvent) -> Vec<BriefingIdx> {
    let mut out: Vec<BriefingIdx> = Vec::new();
    for r in &m.reports {
        if !out.contains(&r.briefing) {
            out.push(r.briefing);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;
    use crate::frontmatter::{Defaults, Document, parse};
    use crate::load::{FileKind, SourceFile};
    use crate::tlp::Tlp;

    fn briefing(name: &str, events: &str) -> Arc<Briefing> {
        let text = format!("---\ntitle: {name}\ndate: 2025-09-10\nevents:\n{events}---\n");
        let f = SourceFile::new(format!("content/briefings/{name}.md"), FileKind::Briefing, &text);
        let mut d = Diagnostics::new();
        match parse(&f, &Defaults { language: "en", tlp: Tlp::Clear }, &mut d) {
            Some(Document::Briefing(b)) if d.is_empty() => b,
            _ => panic!("{:?}", d.sorted()),
        }
    }

    /// Per merged event: its date and the (briefing, event) of its reports.
    fn merged(bs: &[Arc<Briefing>]) -> Vec<(String, Vec<(usize, usize)>)> {
        merge(bs)
            .list
            .iter()
            .map(|m| (m.date.edtf(), m.reports.iter().map(|r| (r.briefing, r.event)).collect()))
            .collect()
    }

    #[test]
    fn ids_merge_whatever_the_titles_at_the_most_precise_date() {
        let a = briefing("a", "  - {id: visit, date: 2025-09, title: Kim in Peking}\n");
        let b = briefing(
            "b",
            "  - {id: visit, date: 2025-09-02, title: Ankunft Kims}\n  - {date: 1961, title: Vertrag}\n",
        );
        assert_eq!(
            merged(&[a, b]),
            [("1961".to_string(), vec![(1, 1)]), ("2025-09-02".to_string(), vec![(1, 0), (0, 0)])]
        );
    }

    #[test]
    fn titles_merge_when_equal_after_normalisation_and_dates_overlap() {
        let a = briefing(
            "a",
            "  - {date: 2006~, title: \"Erster Atomtest!\"}\n  - {date: 2025-09-02, title: Zug}\n",
        );
        let b = briefing(
            "b",
            "  - {date: 2006-10-09, title: \"erster   ATOMTEST\"}\n  - {date: 2025-09-03, title: Zug}\n",
        );
        let m = merged(&[a, b]);
        assert_eq!(m[0], ("2006-10-09".to_string(), vec![(1, 0), (0, 0)]));
        assert_eq!(m.len(), 3, "the trains on different days stay two events: {m:?}");
    }

    #[test]
    fn a_vague_report_joins_only_a_group_it_fits_entirely() {
        let a =
            briefing("a", "  - {date: 2025-09-02, title: Treffen}\n  - {date: 2025-10-01, title: Treffen}\n");
        let b = briefing("b", "  - {date: 2025, title: Treffen}\n");
        let m = merged(&[a, b]);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].1, [(0, 0), (1, 0)], "the year joins the first precise report it fits");
    }

    #[test]
    fn title_keys_ignore_case_punctuation_and_spaces() {
        assert_eq!(title_key("Kim trifft  Xi – in Peking."), title_key("kim trifft xi in peking"));
        assert_ne!(title_key("Xi trifft Kim"), title_key("Kim trifft Xi"));
    }
}
