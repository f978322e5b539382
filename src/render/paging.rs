//! Paged lists (FORMAT.md section 6): a list of more than `paginate` entries is cut into
//! pages; the first keeps the list's URL (`/briefings/`), page n ≥ 2 is `<list>/page/<n>/`.
//! There is no `/page/1/`: one page, one URL. Here are the URLs both ways, and the
//! `pagination` value templates receive (previous/next and numbered links, elided with a gap
//! when there are many pages).

use super::context::{PageLink, Pagination};
use super::table::{Key, PageNo};
use super::view::View;
use crate::url::UrlPath;

/// Pages beyond this many get gaps in the numbered links: all of them would crowd the line.
const ALL_NUMBERS_UP_TO: u32 = 9;
/// Numbered links shown on each side of the current page when there are gaps.
const AROUND_CURRENT: u32 = 2;

/// The number of pages of a list of `total` entries; an empty list is one (empty) page.
pub fn count(total: usize, per: usize) -> u32 {
    total.div_ceil(per.max(1)).max(1).try_into().unwrap_or(u32::MAX)
}

/// The keys of every page of item `item`'s list.
pub fn keys(item: usize, total: usize, per: usize) -> impl Iterator<Item = Key> {
    (1..=count(total, per)).filter_map(move |n| PageNo::new(n).map(|p| Key::paged(item, p)))
}

/// The URL of a page of the list at `first` (a folder).
pub fn url(first: UrlPath, page: PageNo) -> UrlPath {
    if page.is_first() { first } else { UrlPath::dir(format!("{}page/{}", first.as_str(), page.get())) }
}

/// A page folder's segments split into the list's and the page number: `[briefings, page, 2]`
/// is page 2 of `[briefings]`; anything else is page 1 of itself. Only the number as `url`
/// writes it counts (`02`, `+2`, `1` are no page), so each page has exactly one URL.
pub fn split<'a>(path: &'a [&'a str]) -> (&'a [&'a str], PageNo) {
    if let [list @ .., "page", n] = path
        && let Ok(v) = n.parse::<u32>()
        && v >= 2
        && v.to_string() == *n
        && let Some(p) = PageNo::new(v)
    {
        return (list, p);
    }
    (path, PageNo::FIRST)
}

/// Whether `page` exists in a list of `total` entries.
pub fn exists(page: PageNo, total: usize, per: usize) -> bool {
    page.get() <= count(total, per)
}

/// The numbers to link, with `None` for a gap: every page when there are few, else the first,
/// the last and a window around the current one. A gap that would hide a single number shows
/// the number instead.
pub fn numbers(current: u32, pages: u32) -> Vec<Option<u32>> {
    if pages <= ALL_NUMBERS_UP_TO {
        return (1..=pages).map(Some).collect();
    }
    let lo = current.saturating_sub(AROUND_CURRENT).max(1);
    let hi = current.saturating_add(AROUND_CURRENT).min(pages);
    let mut shown: Vec<u32> = vec![1];
    shown.extend(lo..=hi);
    shown.push(pages);
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    for (i, &n) in shown.iter().enumerate() {
        if let Some(&prev) = i.checked_sub(1).map(|j| &shown[j]) {
            match n - prev {
                1 => {}
                2 => out.push(Some(prev + 1)),
                _ => out.push(None),
            }
        }
        out.push(Some(n));
    }
    out
}

/// The `pagination` value of page `page` of a list of `total` entries whose first page is at
/// `first`, with links relative to the page `view` renders.
pub fn pagination(view: &View, first: &UrlPath, page: PageNo, total: usize, per: usize) -> Pagination {
    let pages = count(total, per);
    let href = |n: u32| PageNo::new(n).map(|p| view.href_self_or(&url(first.clone(), p)));
    let range = page.range(per, total);
    Pagination {
        page: page.get(),
        pages,
        per_page: per,
        total,
        first: if range.is_empty() { 0 } else { range.start + 1 },
        last: range.end,
        prev: (page.get() > 1).then(|| href(page.get() - 1)).flatten(),
        next: (page.get() < pages).then(|| href(page.get() + 1)).flatten(),
        links: numbers(page.get(), pages)
            .into_iter()
            .map(|n| PageLink { n, href: n.and_then(href), current: n == Some(page.get()) })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_read_back() {
        let first = UrlPath::dir("tags/x");
        assert_eq!(url(first.clone(), PageNo::FIRST), first);
        let p3 = PageNo::new(3).unwrap();
        assert_eq!(url(first, p3).as_str(), "tags/x/page/3/");
        assert_eq!(split(&["tags", "x", "page", "3"]), (&["tags", "x"][..], p3));
        for not_a_page in [&["tags", "x", "page", "1"][..], &["tags", "page", "03"], &["tags", "page", "+3"]]
        {
            assert_eq!(split(not_a_page), (not_a_page, PageNo::FIRST));
        }
        // A list whose item is called `page` keeps it.
        assert_eq!(split(&["tags", "page"]), (&["tags", "page"][..], PageNo::FIRST));
    }

    #[test]
    fn counts_and_ranges() {
        assert_eq!(count(0, 50), 1);
        assert_eq!(count(50, 50), 1);
        assert_eq!(count(51, 50), 2);
        assert_eq!(PageNo::new(2).unwrap().range(2, 5), 2..4);
        assert_eq!(PageNo::new(3).unwrap().range(2, 5), 4..5);
        assert!(exists(PageNo::new(3).unwrap(), 5, 2) && !exists(PageNo::new(4).unwrap(), 5, 2));
    }

    #[test]
    fn many_pages_are_elided_around_the_current_one() {
        let s = |v: Vec<Option<u32>>| {
            v.iter().map(|n| n.map_or("…".to_string(), |n| n.to_string())).collect::<Vec<_>>().join(" ")
        };
        assert_eq!(s(numbers(1, 3)), "1 2 3");
        assert_eq!(s(numbers(1, 20)), "1 2 3 … 20");
        assert_eq!(s(numbers(10, 20)), "1 … 8 9 10 11 12 … 20");
        assert_eq!(s(numbers(4, 20)), "1 2 3 4 5 6 … 20", "a gap of one number shows it");
        assert_eq!(s(numbers(20, 20)), "1 … 18 19 20");
    }
}
