//! Dates: the briefing's full calendar date and the partial, qualified dates of events and
//! sources (an EDTF subset: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, each optionally `~`, `?` or `%`,
//! and intervals `A/B`; from EDTF level 1 also negative years, `-0500`, and a decade or
//! century written with unspecified digits, `196X`, `19XX`). A partial date keeps its precision
//! from parsing to display.

use jiff::civil::Date;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// `19XX`: some year of 1900–1999.
    Century,
    /// `196X`: some year of the 1960s.
    Decade,
    Year,
    Month,
    Day,
}

/// EDTF qualifiers: `~` approximate, `?` uncertain, `%` both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Qualifier {
    #[default]
    None,
    Approximate,
    Uncertain,
    Both,
}

/// One date at its own precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// As EDTF counts (astronomically): 0 is 1 BCE. For `196X`, the first year (1960).
    year: i16,
    /// How many last digits of the year are unspecified (`X`): 0, 1 (decade) or 2 (century).
    unspecified: u8,
    month: Option<u8>,
    day: Option<u8>,
    qualifier: Qualifier,
}

/// A single partial date or an interval of two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edtf {
    Single(PartialDate),
    Interval(PartialDate, PartialDate),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error(
        "invalid date \"{0}\" (expected YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ~, ? or %, or an interval A/B)"
    )]
    Syntax(String),
    #[error("invalid date \"{0}\": no such day")]
    NoSuchDay(String),
    #[error("invalid date \"{0}\": month must be 01 to 12")]
    NoSuchMonth(String),
    #[error("invalid interval \"{0}\": the start is after the end")]
    Reversed(String),
    #[error("invalid date \"{0}\" (expected a full date YYYY-MM-DD)")]
    NotFull(String),
}

impl PartialDate {
    pub fn precision(&self) -> Precision {
        match self.unspecified {
            2 => return Precision::Century,
            1 => return Precision::Decade,
            _ => {}
        }
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    pub fn qualifier(&self) -> Qualifier {
        self.qualifier
    }

    pub fn year(&self) -> i16 {
        self.year
    }

    /// The first day the date may denote; sorting uses it.
    fn earliest(&self) -> (i16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date may denote (months taken as 31 days: enough to compare).
    fn latest(&self) -> (i16, u8, u8) {
        let last_year = match self.unspecified {
            2 => self.year.saturating_add(99),
            1 => self.year.saturating_add(9),
            _ => self.year,
        };
        (last_year, self.month.unwrap_or(12), self.day.unwrap_or(31))
    }

    fn sort_key(&self) -> ((i16, u8, u8), Precision, Qualifier) {
        (self.earliest(), self.precision(), self.qualifier)
    }

    fn parse(s: &str, whole: &str) -> Result<PartialDate, DateError> {
        let syntax = || DateError::Syntax(whole.to_string());
        let (body, qualifier) = match s.as_bytes().last() {
            Some(b'~') => (&s[..s.len() - 1], Qualifier::Approximate),
            Some(b'?') => (&s[..s.len() - 1], Qualifier::Uncertain),
            Some(b'%') => (&s[..s.len() - 1], Qualifier::Both),
            _ => (s, Qualifier::None),
        };
        let (negative, body) = match body.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let parts: Vec<&str> = body.split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        // `196X`, `19XX`: the year's last digits unspecified; then it is all there is.
        let year_text = parts[0].trim_end_matches('X');
        let unspecified = (parts[0].len() - year_text.len()) as u8;
        if parts.len() > 3
            || parts[0].len() != 4
            || !digits(year_text, year_text.len())
            || unspecified > 2
            || (unspecified > 0 && (parts.len() > 1 || negative))
        {
            return Err(syntax());
        }
        if parts[1..].iter().any(|p| !digits(p, 2)) {
            return Err(syntax());
        }
        let magnitude: i16 =
            format!("{year_text}{}", "0".repeat(unspecified.into())).parse().map_err(|_| syntax())?;
        if negative && magnitude == 0 {
            return Err(syntax());
        }
        let year = if negative { -magnitude } else { magnitude };
        let month: Option<u8> = parts.get(1).map(|m| m.parse().unwrap_or(0));
        let day: Option<u8> = parts.get(2).map(|d| d.parse().unwrap_or(0));
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(DateError::NoSuchMonth(whole.to_string()));
        }
        if let (Some(m), Some(d)) = (month, day)
            && Date::new(year, m as i8, d as i8).is_err()
        {
            return Err(DateError::NoSuchDay(whole.to_string()));
        }
        Ok(PartialDate { year, unspecified, month, day, qualifier })
    }

    /// The EDTF form, as written canonically.
    pub fn edtf(&self) -> String {
        let mut s = year_segment(self.year);
        if self.unspecified > 0 {
            s.truncate(s.len() - usize::from(self.unspecified));
            s.push_str(&"X".repeat(self.unspecified.into()));
        }
        if let Some(m) = self.month {
            s.push_str(&format!("-{m:02}"));
        }
        if let Some(d) = self.day {
            s.push_str(&format!("-{d:02}"));
        }
        s.push_str(match self.qualifier {
            Qualifier::None => "",
            Qualifier::Approximate => "~",
            Qualifier::Uncertain => "?",
            Qualifier::Both => "%",
        });
        s
    }

    /// The value for an HTML `datetime` attribute: the date without qualifier, at its precision
    /// (a decade or century gives its first year: HTML has no form for them).
    pub fn machine(&self) -> String {
        let mut p = *self;
        p.qualifier = Qualifier::None;
        p.unspecified = 0;
        p.edtf()
    }

    /// Human display at the date's own precision: `4. September 2025`, `Juni 2019`, `ca. 2006`.
    pub fn display(&self, lang: &str) -> String {
        let names = Lang::of(lang);
        let core = match (self.month, self.day) {
            _ if self.unspecified == 2 => names.century(self.year),
            _ if self.unspecified == 1 => names.decade(self.year),
            (None, _) => names.year(self.year),
            (Some(m), None) => names.month_year(m, self.year),
            (Some(m), Some(d)) => names.full(self.year, m, d),
        };
        match self.qualifier {
            Qualifier::None => core,
            Qualifier::Approximate => format!("{} {core}", names.circa()),
            Qualifier::Uncertain => format!("{core} (?)"),
            Qualifier::Both => format!("{} {core} (?)", names.circa()),
        }
    }
}

impl Edtf {
    pub fn start(&self) -> &PartialDate {
        match self {
            Edtf::Single(d) | Edtf::Interval(d, _) => d,
        }
    }

    pub fn end(&self) -> Option<&PartialDate> {
        match self {
            Edtf::Single(_) => None,
            Edtf::Interval(_, e) => Some(e),
        }
    }

    pub fn display(&self, lang: &str) -> String {
        match self {
            Edtf::Single(d) => d.display(lang),
            Edtf::Interval(a, b) => format!("{} – {}", a.display(lang), b.display(lang)),
        }
    }

    pub fn edtf(&self) -> String {
        match self {
            Edtf::Single(d) => d.edtf(),
            Edtf::Interval(a, b) => format!("{}/{}", a.edtf(), b.edtf()),
        }
    }

    /// The `datetime` attribute value; HTML has no interval form, so an interval gives its start.
    pub fn machine(&self) -> String {
        self.start().machine()
    }

    /// The first and the last day the date may denote, as comparable numbers.
    fn span(&self) -> (i64, i64) {
        let day = |(y, m, d): (i16, u8, u8)| i64::from(y) * 512 + i64::from(m) * 32 + i64::from(d);
        let last = self.end().unwrap_or(self.start());
        (day(self.start().earliest()), day(last.latest()))
    }

    /// Whether the two dates may denote a common day (`2025-09` and `2025-09-02` do): reports of
    /// one event at different precisions agree.
    pub fn overlaps(&self, other: &Edtf) -> bool {
        let (a, b) = (self.span(), other.span());
        a.0 <= b.1 && b.0 <= a.1
    }

    /// How vague the date is: the length of its span, then its qualifier. Of several dates
    /// given for one event, the least vague is shown ("at the most precise date given").
    pub fn vagueness(&self) -> (i64, Qualifier) {
        let (first, last) = self.span();
        let q = self.end().map_or(self.start().qualifier, |e| e.qualifier.max(self.start().qualifier));
        (last - first, q)
    }

    /// Whether the date starts after the given day (an event "after its briefing").
    pub fn starts_after(&self, day: Date) -> bool {
        self.start().earliest() > (day.year(), day.month() as u8, day.day() as u8)
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By earliest moment; a year sorts before its months, a single date before an interval
/// starting the same day, shorter intervals first.
impl Ord for Edtf {
    fn cmp(&self, other: &Self) -> Ordering {
        self.start().cmp(other.start()).then_with(|| self.end().cmp(&other.end()))
    }
}

impl PartialOrd for Edtf {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Edtf {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.split_once('/') {
            None => PartialDate::parse(t, s).map(Edtf::Single),
            Some((a, b)) => {
                let (a, b) = (PartialDate::parse(a, s)?, PartialDate::parse(b, s)?);
                if a.earliest() > b.earliest() {
                    return Err(DateError::Reversed(s.to_string()));
                }
                Ok(Edtf::Interval(a, b))
            }
        }
    }
}

impl fmt::Display for Edtf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.edtf())
    }
}

/// Parses a full `YYYY-MM-DD` date, as required for a briefing's `date` and `updated`.
pub fn parse_full(s: &str) -> Result<Date, DateError> {
    match s.trim().parse::<Edtf>() {
        // A briefing is written in our era: its date is no date before year 1.
        Ok(Edtf::Single(d))
            if d.precision() == Precision::Day && d.qualifier == Qualifier::None && d.year >= 1 =>
        {
            Ok(Date::new(d.year, d.month.unwrap_or(1) as i8, d.day.unwrap_or(1) as i8)
                .map_err(|_| DateError::NoSuchDay(s.to_string()))?)
        }
        Ok(_) => Err(DateError::NotFull(s.to_string())),
        Err(DateError::Syntax(_)) => Err(DateError::NotFull(s.to_string())),
        Err(e) => Err(e),
    }
}

/// A year as a URL segment: four digits, with a minus sign before the years before 1 BCE
/// (`1961`, `0000`, `-0500`), as EDTF writes them.
pub fn year_segment(year: i16) -> String {
    if year < 0 { format!("-{:04}", -i32::from(year)) } else { format!("{year:04}") }
}

/// `year_segment` read back; only the form it writes.
pub fn parse_year_segment(s: &str) -> Option<i16> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i16 = s.parse().ok()?;
    (year_segment(year) == s).then_some(year)
}

/// A year in the page's language: `1961`; years before 1 as years BCE (EDTF counts as
/// astronomers do, so its year 0 is 1 BCE and -500 is 501 BCE).
pub fn year_label(year: i16, lang: &str) -> String {
    if year >= 1 { year.to_string() } else { Lang::of(lang).bce(1 - i32::from(year)) }
}

/// A full date displayed in the page's language.
pub fn display_full(d: Date, lang: &str) -> String {
    Lang::of(lang).full(d.year(), d.month() as u8, d.day() as u8)
}

/// Month names and date order per language; other languages fall back to English.
enum Lang {
    De,
    En,
    Fr,
    Es,
}

impl Lang {
    fn of(lang: &str) -> Lang {
        match lang.get(..2).map(|p| p.to_ascii_lowercase()).as_deref() {
            Some("de") => Lang::De,
            Some("fr") => Lang::Fr,
            Some("es") => Lang::Es,
            _ => Lang::En,
        }
    }

    fn month_year(&self, m: u8, y: i16) -> String {
        let y = self.year(y);
        match self {
            Lang::Es => format!("{} de {y}", self.month(m)),
            _ => format!("{} {y}", self.month(m)),
        }
    }

    /// A year as people write it: `1961`, `501 BCE` (EDTF's -500).
    fn year(&self, y: i16) -> String {
        if y >= 1 { y.to_string() } else { self.bce(1 - i32::from(y)) }
    }

    /// The decade starting at `y`: `1960s`.
    fn decade(&self, y: i16) -> String {
        match self {
            Lang::De => format!("{y}er-Jahre"),
            Lang::En => format!("{y}s"),
            Lang::Fr => format!("années {y}"),
            Lang::Es => format!("años {y}"),
        }
    }

    /// The hundred years starting at `y` (`19XX` is 1900–1999): as the century most of them
    /// belong to, `20th century`.
    fn century(&self, y: i16) -> String {
        let n = i32::from(y) / 100 + 1;
        match self {
            Lang::De => format!("{n}. Jahrhundert"),
            Lang::En => {
                let suffix = match (n % 10, n % 100) {
                    (1, 11) | (2, 12) | (3, 13) => "th",
                    (1, _) => "st",
                    (2, _) => "nd",
                    (3, _) => "rd",
                    _ => "th",
                };
                format!("{n}{suffix} century")
            }
            Lang::Fr => format!("{}e siècle", roman(n)),
            Lang::Es => format!("siglo {}", roman(n)),
        }
    }

    fn month(&self, m: u8) -> &'static str {
        const DE: [&str; 12] = [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        const FR: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        const ES: [&str; 12] = [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ];
        let i = (m.clamp(1, 12) - 1) as usize;
        match self {
            Lang::De => DE[i],
            Lang::En => EN[i],
            Lang::Fr => FR[i],
            Lang::Es => ES[i],
        }
    }

    fn full(&self, y: i16, m: u8, d: u8) -> String {
        let y = self.year(y);
        match self {
            Lang::De => format!("{d}. {} {y}", self.month(m)),
            Lang::En => format!("{d} {} {y}", self.month(m)),
            Lang::Fr if d == 1 => format!("1er {} {y}", self.month(m)),
            Lang::Fr => format!("{d} {} {y}", self.month(m)),
            Lang::Es => format!("{d} de {} de {y}", self.month(m)),
        }
    }

    fn bce(&self, y: i32) -> String {
        // (EDTF's year 0 is 1 BCE: callers pass 1 - year.)
        match self {
            Lang::De => format!("{y} v. Chr."),
            Lang::En => format!("{y} BCE"),
            Lang::Fr => format!("{y} av. J.-C."),
            Lang::Es => format!("{y} a. C."),
        }
    }

    fn circa(&self) -> &'static str {
        match self {
            Lang::De | Lang::Es => "ca.",
            Lang::En => "c.",
            Lang::Fr => "vers",
        }
    }
}

/// `20` → `XX`, for French and Spanish centuries.
fn roman(mut n: i32) -> String {
    const DIGITS: [(i32, &str); 9] =
        [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")];
    let mut s = String::new();
    for (v, r) in DIGITS {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_and_vagueness() {
        let d = |s: &str| s.parse::<Edtf>().unwrap();
        assert!(d("2025-09").overlaps(&d("2025-09-02")));
        assert!(d("2025-09-02").overlaps(&d("2025")));
        assert!(d("196X").overlaps(&d("1969-12-31")));
        assert!(!d("196X").overlaps(&d("1970")));
        assert!(!d("2025-09-02").overlaps(&d("2025-09-03")));
        assert!(d("2025-09-01/2025-09-05").overlaps(&d("2025-09-03")));
        assert!(d("2025-09-02").vagueness() < d("2025-09").vagueness());
        assert!(d("2025-09-02").vagueness() < d("2025-09-02~").vagueness());
        assert!(d("2025").vagueness() < d("196X").vagueness());
        let day = jiff::civil::date(2025, 9, 4);
        assert!(d("2025-09-05").starts_after(day));
        assert!(!d("2025-09").starts_after(day), "a month that holds the day does not start after it");
        assert!(!d("2025-09-04").starts_after(day));
    }

    fn e(s: &str) -> Edtf {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_subset() {
        assert_eq!(e("1961").start().precision(), Precision::Year);
        assert_eq!(e("2019-06").start().precision(), Precision::Month);
        assert_eq!(e("2025-09-04").start().precision(), Precision::Day);
        assert_eq!(e("2006~").start().qualifier(), Qualifier::Approximate);
        assert_eq!(e("2023-09?").start().qualifier(), Qualifier::Uncertain);
        assert_eq!(e("1984%").start().qualifier(), Qualifier::Both);
        assert!(matches!(e("1950/1953"), Edtf::Interval(..)));
        assert_eq!(e("1950-06-25/1953-07-27").edtf(), "1950-06-25/1953-07-27");
    }

    #[test]
    fn rejects_bad_dates() {
        for bad in
            ["", "61", "2019-6", "2019-13", "2019-02-30", "June 2019", "2019-06-01T00", "2019~~", "1953/1950"]
        {
            assert!(bad.parse::<Edtf>().is_err(), "{bad}");
        }
        assert!(matches!("2019-13".parse::<Edtf>(), Err(DateError::NoSuchMonth(_))));
        assert!(matches!("1953/1950".parse::<Edtf>(), Err(DateError::Reversed(_))));
    }

    #[test]
    fn sorts_by_earliest_moment_then_precision() {
        let mut v = [
            e("2019-06-20"),
            e("2019"),
            e("2006~"),
            e("2019-06"),
            e("1961"),
            e("2018-12-31"),
            e("1950/1953"),
        ];
        v.sort();
        let s: Vec<String> = v.iter().map(Edtf::edtf).collect();
        assert_eq!(s, ["1950/1953", "1961", "2006~", "2018-12-31", "2019", "2019-06", "2019-06-20"]);
    }

    #[test]
    fn displays_at_own_precision() {
        assert_eq!(e("2019-06").display("de"), "Juni 2019");
        assert_eq!(e("2019-06").display("en"), "June 2019");
        assert_eq!(e("2006~").display("de"), "ca. 2006");
        assert_eq!(e("1961").display("de"), "1961");
        assert_eq!(e("2025-09-04").display("de"), "4. September 2025");
        assert_eq!(e("2025-03-04").display("de-CH"), "4. März 2025");
        assert_eq!(e("2023-09?").display("de"), "September 2023 (?)");
        assert_eq!(e("1950/1953").display("de"), "1950 – 1953");
        assert_eq!(e("2019-06").machine(), "2019-06");
        assert_eq!(e("2019-06").display("fr"), "juin 2019");
        assert_eq!(e("2025-09-01").display("fr-CA"), "1er septembre 2025");
        assert_eq!(e("2006~").display("fr"), "vers 2006");
        assert_eq!(e("2019-06").display("es"), "junio de 2019");
        assert_eq!(e("2025-09-04").display("es"), "4 de septiembre de 2025");
        assert_eq!(e("2019-06").display("ko"), "June 2019", "others fall back to English");
    }

    #[test]
    fn negative_years_decades_and_centuries() {
        assert_eq!(e("-0500").start().year(), -500);
        assert_eq!(e("-0500").edtf(), "-0500");
        assert_eq!(e("-0500").display("en"), "501 BCE");
        assert_eq!(e("-0044-03-15").display("de"), "15. März 45 v. Chr.");
        assert_eq!(e("-0500~").display("fr"), "vers 501 av. J.-C.");
        assert_eq!(e("196X").start().precision(), Precision::Decade);
        assert_eq!(e("196X").start().year(), 1960);
        assert_eq!(e("196X").edtf(), "196X");
        assert_eq!(e("196X").machine(), "1960");
        assert_eq!(e("196X").display("en"), "1960s");
        assert_eq!(e("196X?").display("de"), "1960er-Jahre (?)");
        assert_eq!(e("19XX").start().precision(), Precision::Century);
        assert_eq!(e("19XX").display("en"), "20th century");
        assert_eq!(e("20XX").display("en"), "21st century");
        assert_eq!(e("19XX").display("es"), "siglo XX");
        assert_eq!(e("196X/197X").display("en"), "1960s – 1970s");
        for bad in ["-0000", "1XXX", "196X-05", "-196X", "19X5", "--500", "-500"] {
            assert!(bad.parse::<Edtf>().is_err(), "{bad}");
        }
        let mut v = [e("1961"), e("1960"), e("196X"), e("19XX"), e("-0500"), e("0000")];
        v.sort();
        let s: Vec<String> = v.iter().map(Edtf::edtf).collect();
        assert_eq!(s, ["-0500", "0000", "19XX", "196X", "1960", "1961"], "coarser first within a year");
        assert!(parse_full("-0500-01-01").is_err(), "a briefing's date is in our era");
    }

    #[test]
    fn year_segments_read_back() {
        for (y, seg) in [(1961, "1961"), (0, "0000"), (-500, "-0500"), (33, "0033")] {
            assert_eq!(year_segment(y), seg);
            assert_eq!(parse_year_segment(seg), Some(y));
        }
        for bad in ["-0000", "196", "19610", "+1961", "-500", "x961", ""] {
            assert_eq!(parse_year_segment(bad), None, "{bad}");
        }
        assert_eq!(year_label(-500, "de"), "501 v. Chr.");
        assert_eq!(year_label(0, "en"), "1 BCE");
        assert_eq!(year_label(1961, "en"), "1961");
    }

    #[test]
    fn full_dates_only_where_required() {
        assert!(parse_full("2025-09-04").is_ok());
        assert!(parse_full("2025-09").is_err());
        assert!(parse_full("2025-02-29").is_err());
        assert_eq!(display_full(parse_full("2025-09-04").unwrap(), "de"), "4. September 2025");
    }
}
