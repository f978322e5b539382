//! Dates: the briefing's full calendar date and the partial, qualified dates of events and
//! sources (an EDTF subset: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, each optionally `~`, `?` or `%`,
//! and intervals `A/B`). A partial date keeps its precision from parsing to display.

use jiff::civil::Date;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
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
    year: i16,
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
        let parts: Vec<&str> = body.split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if parts.is_empty() || parts.len() > 3 || !digits(parts[0], 4) {
            return Err(syntax());
        }
        if parts[1..].iter().any(|p| !digits(p, 2)) {
            return Err(syntax());
        }
        let year: i16 = parts[0].parse().map_err(|_| syntax())?;
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
        Ok(PartialDate { year, month, day, qualifier })
    }

    /// The EDTF form, as written canonically.
    pub fn edtf(&self) -> String {
        let mut s = format!("{:04}", self.year);
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

    /// The value for an HTML `datetime` attribute: the date without qualifier, at its precision.
    pub fn machine(&self) -> String {
        let mut p = *self;
        p.qualifier = Qualifier::None;
        p.edtf()
    }

    /// Human display at the date's own precision: `4. September 2025`, `Juni 2019`, `ca. 2006`.
    pub fn display(&self, lang: &str) -> String {
        let names = Lang::of(lang);
        let core = match (self.month, self.day) {
            (None, _) => self.year.to_string(),
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
        Ok(Edtf::Single(d)) if d.precision() == Precision::Day && d.qualifier == Qualifier::None => {
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
        match self {
            Lang::Es => format!("{} de {y}", self.month(m)),
            _ => format!("{} {y}", self.month(m)),
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
        match self {
            Lang::De => format!("{d}. {} {y}", self.month(m)),
            Lang::En => format!("{d} {} {y}", self.month(m)),
            Lang::Fr if d == 1 => format!("1er {} {y}", self.month(m)),
            Lang::Fr => format!("{d} {} {y}", self.month(m)),
            Lang::Es => format!("{d} de {} de {y}", self.month(m)),
        }
    }

    fn bce(&self, y: i32) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
