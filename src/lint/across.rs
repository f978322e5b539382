//! The rules that compare briefings: W007 (one event id, dates that cannot both be right) and
//! W008 (one publisher, reliability grades that disagree).

use crate::diag::{Code, Diagnostics, Pos};
use crate::entities::key::MatchKey;
use crate::frontmatter::{Briefing, EventId};
use crate::pipeline::Site;
use std::collections::BTreeMap;
use std::sync::Arc;

/// W007: reports of one event id whose dates do not overlap (`2025-09` and `2025-09-02` agree:
/// one is more precise; `2025-09-02` and `2025-09-03` do not).
pub fn event_dates(briefings: &[Arc<Briefing>], d: &mut Diagnostics) {
    let mut by_id: BTreeMap<&EventId, Vec<(&Briefing, usize)>> = BTreeMap::new();
    for b in briefings {
        for (i, e) in b.events.iter().enumerate() {
            if let Some(id) = &e.id {
                by_id.entry(&id.value).or_default().push((b, i));
            }
        }
    }
    for (id, reports) in by_id {
        for &(b, i) in &reports {
            let e = &b.events[i];
            let others: Vec<String> = reports
                .iter()
                .map(|&(o, j)| (o, &o.events[j]))
                .filter(|(_, oe)| !oe.date.overlaps(&e.date))
                .map(|(o, oe)| format!("{} in {}", oe.date, o.rel))
                .collect();
            if !others.is_empty() {
                d.coded(
                    &b.rel,
                    e.date_pos,
                    Code::W007,
                    format!("event \"{id}\" is dated {} here but {}", e.date, others.join(", ")),
                );
            }
        }
    }
}

/// One reliability grade as written: in a briefing, a shared source or a publisher file.
struct Given<'a> {
    grade: char,
    path: &'a str,
    pos: Pos,
    /// The publisher file's default.
    default: bool,
}

/// W008: sources of one publisher graded differently. The publisher file's default is the
/// reference where there is one, else the most frequent grade (ties: the better grade); every
/// grade that differs from it is reported where it is written, listing the others.
pub fn publisher_grades(site: &Site, d: &mut Diagnostics) {
    let reg = &site.sources;
    let mut by_publisher: BTreeMap<String, (String, Vec<Given>)> = BTreeMap::new();
    for p in &reg.publishers {
        if let Some(r) = &p.file.reliability {
            let given = Given { grade: r.value, path: &p.file.rel, pos: r.pos, default: true };
            let key = format!("file:{}", p.file.rel);
            by_publisher.entry(key).or_insert_with(|| (p.file.name.value.clone(), Vec::new())).1.push(given);
        }
    }
    let mut shared_seen = std::collections::HashSet::new();
    for b in &site.briefings {
        for s in &b.sources {
            let (Some(name), Some(grade), Some(pos)) = (&s.publisher, s.reliability, s.reliability_pos)
            else {
                continue;
            };
            // A shared source is one grade, however many briefings cite it.
            let path: &str = s.origin.as_deref().unwrap_or(&b.rel);
            if s.origin.is_some() && !shared_seen.insert(path) {
                continue;
            }
            let key = match reg.publisher_of(name) {
                Some(p) => format!("file:{}", reg.get(p).file.rel),
                None => format!("name:{}", MatchKey::new(name).as_str()),
            };
            let entry = by_publisher.entry(key).or_insert_with(|| (name.clone(), Vec::new()));
            entry.1.push(Given { grade, path, pos, default: false });
        }
    }
    for (name, given) in by_publisher.values() {
        report(name, given, d);
    }
}

fn report(name: &str, given: &[Given], d: &mut Diagnostics) {
    let reference = match given.iter().find(|g| g.default) {
        Some(g) => g.grade,
        None => {
            let mut counts: BTreeMap<char, usize> = BTreeMap::new();
            for g in given {
                *counts.entry(g.grade).or_default() += 1;
            }
            // Most frequent; of equals, the first letter (the better grade).
            let best = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
            match best {
                Some((c, _)) => *c,
                None => return,
            }
        }
    };
    for g in given.iter().filter(|g| g.grade != reference) {
        let mut others: BTreeMap<char, Vec<String>> = BTreeMap::new();
        for o in given.iter().filter(|o| o.grade != g.grade) {
            let place = if o.default { format!("{} (its default)", o.path) } else { o.path.to_string() };
            let places = others.entry(o.grade).or_default();
            if !places.contains(&place) {
                places.push(place);
            }
        }
        let list: Vec<String> =
            others.iter().map(|(c, places)| format!("{c} in {}", shorten(places))).collect();
        d.coded(
            g.path,
            g.pos,
            Code::W008,
            format!("{name} is graded {} here but {}", g.grade, list.join("; ")),
        );
    }
}

/// At most three places, then how many more.
fn shorten(places: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut s = places.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if places.len() > SHOWN {
        s.push_str(&format!(" and {} more", places.len() - SHOWN));
    }
    s
}
