//! Diagnostics: every content error and warning with its file position, collected across a whole
//! run and printed as `path:line:col: error: message` (FORMAT.md section 7). Findings of the
//! integrity rules carry a stable code (`W003`), printed after the message (`… [W003]`);
//! `check` marks the findings in briefings the gate withholds (`warning: (withheld) …`).

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The stable codes of the integrity rules (README.md lists them). A code never changes its
/// meaning: scripts and `[lint] allow` lists name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Code {
    W001,
    W002,
    W003,
    W004,
    W005,
    W006,
    W007,
    W008,
    E001,
}

impl Code {
    pub const ALL: [Code; 9] = [
        Code::W001,
        Code::W002,
        Code::W003,
        Code::W004,
        Code::W005,
        Code::W006,
        Code::W007,
        Code::W008,
        Code::E001,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::W001 => "W001",
            Code::W002 => "W002",
            Code::W003 => "W003",
            Code::W004 => "W004",
            Code::W005 => "W005",
            Code::W006 => "W006",
            Code::W007 => "W007",
            Code::W008 => "W008",
            Code::E001 => "E001",
        }
    }

    /// `W…` codes are warnings (only `check` reports them), `E…` codes errors.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('E') { Severity::Error } else { Severity::Warning }
    }

    /// What the rule finds, in a few words (for messages about codes and the JSON schema).
    pub fn summary(self) -> &'static str {
        match self {
            Code::W001 => "key judgment without sources",
            Code::W002 => "high-confidence judgment resting only on weak sources (E/F or credibility 5-6)",
            Code::W003 => "source never cited",
            Code::W004 => "briefing without sources",
            Code::W005 => "event dated after its briefing and not `planned`",
            Code::W006 => "`review_by` date passed",
            Code::W007 => "one event id dated differently by two briefings",
            Code::W008 => "grades of one publisher that disagree",
            Code::E001 => "`updated` before `date`",
        }
    }

    /// The code written `W003` (any case), if it is one.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, pointing at the offending value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub severity: Severity,
    pub message: String,
    /// The rule's stable code, for findings of the integrity rules.
    pub code: Option<Code>,
    /// Found in a briefing that this build withholds (shown by `check` only).
    pub withheld: bool,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let (path, message) = (one_line(&self.path), one_line(&self.message));
        let withheld = if self.withheld { "(withheld) " } else { "" };
        write!(f, "{path}:{}:{}: {sev}: {withheld}{message}", self.line, self.col)?;
        match self.code {
            Some(code) => write!(f, " [{code}]"),
            None => Ok(()),
        }
    }
}

/// `text` made safe for one line of a terminal: control characters (a newline or tab in a
/// file name, a newline in a quoted YAML key) and the Unicode line and paragraph separators
/// are written as Rust escapes (`\n`, `\t`, `\u{7}`, `\u{2028}`), so one diagnostic is always
/// one line. Everything else, backslashes included, is left as it is, so ordinary paths read
/// unchanged. The JSON form keeps the real text (JSON escapes it itself).
pub fn one_line(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// An ordered collection of findings. Stages push into their own and the pipeline merges them, so
/// parallel stages never share a lock.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, path: &str, pos: Pos, message: impl Into<String>) {
        self.push(path, pos, Severity::Error, message.into());
    }

    pub fn warning(&mut self, path: &str, pos: Pos, message: impl Into<String>) {
        self.push(path, pos, Severity::Warning, message.into());
    }

    /// A finding of an integrity rule: its severity is the code's.
    pub fn coded(&mut self, path: &str, pos: Pos, code: Code, message: impl Into<String>) {
        self.push(path, pos, code.severity(), message.into());
        if let Some(d) = self.items.last_mut() {
            d.code = Some(code);
        }
    }

    fn push(&mut self, path: &str, pos: Pos, severity: Severity, message: String) {
        self.items.push(Diagnostic {
            path: path.to_string(),
            line: pos.line.max(1),
            col: pos.col.max(1),
            severity,
            message,
            code: None,
            withheld: false,
        });
    }

    /// Keeps only the findings `keep` accepts.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(keep);
    }

    /// Adds findings as they are.
    pub fn push_all(&mut self, items: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(items);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file and position, duplicates removed, so output is stable across runs.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort();
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// The closing count line: `2 errors`, `1 error, 3 warnings`.
pub fn summary_line(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// Converts a byte offset in `text` to a 1-based line and character column.
pub fn pos_at(text: &str, offset: usize) -> Pos {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    Pos::new(line as u32, col as u32)
}

/// `pos_at` for many offsets into one text, in the order a parser meets them. Each call costs
/// the distance from the previous offset (going back: from the start of the offset's line),
/// so the positions of all diagnostics of a text cost time linear in its length; `pos_at` for
/// each of them would cost the whole prefix every time, quadratic in the text.
#[derive(Debug, Clone)]
pub struct PosCursor<'a> {
    text: &'a str,
    offset: usize,
    pos: Pos,
}

impl<'a> PosCursor<'a> {
    pub fn new(text: &'a str) -> Self {
        PosCursor { text, offset: 0, pos: Pos::START }
    }

    /// The same as `pos_at(text, offset)`.
    pub fn at(&mut self, offset: usize) -> Pos {
        let text = self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        if offset < self.offset {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let lines_back = text[line_start..self.offset].matches('\n').count() as u32;
            self.pos = Pos::new(self.pos.line - lines_back, 1);
            self.offset = line_start;
        }
        let seg = &text[self.offset..offset];
        self.pos = match seg.rfind('\n') {
            Some(i) => Pos::new(
                self.pos.line + seg.matches('\n').count() as u32,
                seg[i + 1..].chars().count() as u32 + 1,
            ),
            None => Pos::new(self.pos.line, self.pos.col + seg.chars().count() as u32),
        };
        self.offset = offset;
        self.pos
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "ab\nöx [[y]]\n";
        assert_eq!(pos_at(text, 0), Pos::new(1, 1));
        assert_eq!(pos_at(text, 3), Pos::new(2, 1));
        // `ö` is two bytes but one column.
        assert_eq!(pos_at(text, 6), Pos::new(2, 3));
    }

    #[test]
    fn cursor_positions_equal_pos_at_in_any_order() {
        let text = "ab\nöx [[y]]\n\nz\u{E000}\n";
        let mut c = PosCursor::new(text);
        // Forward, back within a line, back across lines, past the end, inside a character.
        for offset in [0, 1, 3, 6, 12, 4, 2, 14, 99, 7, 16, 5, 0, 17] {
            assert_eq!(c.at(offset), pos_at(text, offset), "offset {offset}");
        }
    }

    #[test]
    fn display_and_summary() {
        let mut d = Diagnostics::new();
        d.error("content/a.md", Pos::new(14, 5), "unknown country \"X\"");
        d.warning("content/a.md", Pos::new(2, 1), "near miss");
        let v = d.clone().sorted();
        assert_eq!(v[1].to_string(), "content/a.md:14:5: error: unknown country \"X\"");
        assert_eq!(summary_line(d.error_count(), d.warning_count()), "1 error, 1 warning");
        assert_eq!(summary_line(2, 0), "2 errors");
    }

    #[test]
    fn codes_follow_the_message_and_withheld_precedes_it() {
        let mut d = Diagnostics::new();
        d.coded("content/a.md", Pos::new(3, 7), Code::W003, "source \"x\" is never cited");
        d.coded("content/a.md", Pos::new(2, 10), Code::E001, "`updated` is before `date`");
        let mut v = d.sorted();
        assert_eq!(v[0].to_string(), "content/a.md:2:10: error: `updated` is before `date` [E001]");
        assert_eq!(v[1].to_string(), "content/a.md:3:7: warning: source \"x\" is never cited [W003]");
        v[1].withheld = true;
        assert_eq!(
            v[1].to_string(),
            "content/a.md:3:7: warning: (withheld) source \"x\" is never cited [W003]"
        );
        assert_eq!(Code::parse("w008"), Some(Code::W008));
        assert_eq!(Code::parse("W009"), None);
    }

    #[test]
    fn control_characters_cannot_split_a_line() {
        let mut d = Diagnostics::new();
        d.error("content/a\nb\t\u{7}.md", Pos::new(2, 1), "unknown key `ti\ntle` (\u{2028})");
        let v = d.sorted();
        assert_eq!(v[0].to_string(), r"content/a\nb\t\u{7}.md:2:1: error: unknown key `ti\ntle` (\u{2028})");
        // The data keeps the real text, for the JSON form.
        assert_eq!(v[0].path, "content/a\nb\t\u{7}.md");
        assert_eq!(one_line(r"C:\dir\ä.md"), r"C:\dir\ä.md", "backslashes and letters stay");
    }
}
