//! The rules that look at one briefing: W001–W006.

use crate::diag::{Code, Diagnostics, Pos};
use crate::frontmatter::{Briefing, Confidence, Source};
use crate::pipeline::BriefingHtml;
use jiff::civil::Date;

pub fn check(b: &Briefing, html: &BriefingHtml, today: Date, d: &mut Diagnostics) {
    if b.sources.is_empty() {
        d.coded(&b.rel, b.sources_pos.unwrap_or(Pos::START), Code::W004, "briefing without sources");
    }
    judgments(b, html, d);
    uncited(b, html, d);
    let reported = b.updated.unwrap_or(b.date);
    for e in b.events.iter().filter(|e| !e.planned && e.date.starts_after(reported)) {
        d.coded(
            &b.rel,
            e.date_pos,
            Code::W005,
            format!(
                "event \"{}\" ({}) is dated after the briefing ({reported}); add `planned: true` if it is expected",
                e.title, e.date
            ),
        );
    }
    if let Some(r) = b.review_by.as_ref().filter(|r| r.value < today) {
        d.coded(&b.rel, r.pos, Code::W006, format!("due for review: `review_by` {} has passed", r.value));
    }
}

/// W001 and W002. A judgment's sources are its `sources` and the citations in its text.
fn judgments(b: &Briefing, html: &BriefingHtml, d: &mut Diagnostics) {
    for (k, rendered) in b.key_judgments.iter().zip(&html.judgments) {
        let mut srcs: Vec<usize> = k.sources.clone();
        srcs.extend(rendered.cited.iter().filter(|i| !k.sources.contains(i)));
        if srcs.is_empty() {
            d.coded(&b.rel, k.item_pos, Code::W001, "key judgment without sources");
            continue;
        }
        let all_weak = srcs.iter().all(|&i| weak(&b.sources[i]));
        if k.confidence == Some(Confidence::High) && all_weak {
            let list: Vec<String> =
                srcs.iter().map(|&i| format!("{} {}", b.sources[i].id, grade(&b.sources[i]))).collect();
            d.coded(
                &b.rel,
                k.confidence_pos.unwrap_or(k.item_pos),
                Code::W002,
                format!("high confidence rests only on weak sources ({})", list.join(", ")),
            );
        }
    }
}

/// A source graded E or F, or its information 5 or 6.
fn weak(s: &Source) -> bool {
    matches!(s.reliability, Some('E' | 'F')) || matches!(s.credibility, Some(5 | 6))
}

fn grade(s: &Source) -> String {
    let r = s.reliability.map(String::from).unwrap_or_default();
    format!("{r}{}", s.credibility.map(|c| c.to_string()).unwrap_or_default())
}

/// W003: a source no citation, judgment or event names.
fn uncited(b: &Briefing, html: &BriefingHtml, d: &mut Diagnostics) {
    let mut cited = vec![false; b.sources.len()];
    let rendered = std::iter::once(&html.body).chain(&html.summary).chain(&html.judgments);
    let listed = b.key_judgments.iter().map(|k| &k.sources).chain(b.events.iter().map(|e| &e.sources));
    for i in rendered.flat_map(|r| r.cited.iter()).chain(listed.flatten()) {
        if let Some(c) = cited.get_mut(*i) {
            *c = true;
        }
    }
    for (s, _) in b.sources.iter().zip(cited).filter(|(_, c)| !c) {
        d.coded(&b.rel, s.id_pos, Code::W003, format!("source \"{}\" is never cited", s.id));
    }
}
