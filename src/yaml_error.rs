//! YAML errors in plain words: serde-saphyr's typed error (its `Error` variants, the parser's
//! `ErrorKind`, the `Location` it gives) mapped to what we tell a user, never its message text,
//! so a dependency update cannot silently change what a user reads. A syntax error that comes
//! from an unclosed bracket or quote is pointed at that opener, found by a small scanner.

use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{Error, ExternalMessageSource, MessageFormatter, UserMessageFormatter};

/// A 1-based line and character column within the YAML text (not the file).
pub type YamlPos = (usize, usize);

/// What the front matter stage can do about an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A key the document does not take, or a key given twice: cut that key and read on.
    CutKey,
    /// A value the parser could not read (a YAML tag that does not fit it): cut the key that
    /// holds it and read on.
    CutValue,
    /// Broken YAML: whatever follows is unreliable, so stop.
    Stop,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub message: String,
    /// Where to point; `None` when the parser gave no position.
    pub at: Option<YamlPos>,
    pub action: Action,
}

/// Explains a serde-saphyr error met while reading `yaml`.
pub fn explain(err: &Error, yaml: &str) -> Explained {
    let at = err.location().filter(|l| l.line() > 0).map(|l| (l.line() as usize, l.column() as usize));
    let inner = original(err);
    let (message, action) = match inner {
        Error::SerdeUnknownField { field, expected, .. } => (unknown_key(field, expected), Action::CutKey),
        Error::DuplicateMappingKey { key: Some(key), .. } => {
            (format!("duplicate key `{key}` (each key may appear once)"), Action::CutKey)
        }
        Error::DuplicateMappingKey { key: None, .. } => {
            ("duplicate key (each key may appear once)".to_string(), Action::CutKey)
        }
        Error::ExternalMessage { source, .. } => match &**source {
            ExternalMessageSource::Parser(scan) => return syntax(scan.kind(), at, yaml, inner),
            _ => (library_words(inner), Action::Stop),
        },
        Error::UnknownAnchor { .. } => {
            ("this alias (`*name`) refers to no anchor (`&name`) defined before it".to_string(), Action::Stop)
        }
        Error::Budget { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::RecursiveReferencesRequireWeakTypes { .. } => (
            "the front matter is too large or nests too deeply (check its aliases `*name`)".to_string(),
            Action::Stop,
        ),
        Error::UnsupportedTag { tag, .. } | Error::TaggedStructFieldName { tag, .. } => {
            (format!("unsupported YAML tag `{tag}`; remove it"), Action::CutValue)
        }
        Error::InvalidScalar { .. }
        | Error::TaggedScalarCannotDeserializeIntoString { .. }
        | Error::InvalidBinaryBase64 { .. }
        | Error::BinaryNotUtf8 { .. } => (
            "this value does not fit its YAML tag (`!!…`); remove the tag or fix the value".to_string(),
            Action::CutValue,
        ),
        // Our own value types take any shape, so serde's type errors should not reach here;
        // if one does, it is still about one value.
        Error::SerdeInvalidType { .. }
        | Error::SerdeInvalidValue { .. }
        | Error::SerdeInvalidLength { .. }
        | Error::NonFiniteFloat { .. }
        | Error::NullIntoString { .. } => {
            (format!("cannot read this value: {}", library_words(inner)), Action::CutValue)
        }
        _ => (format!("invalid YAML: {}", library_words(inner)), Action::Stop),
    };
    Explained { message, at, action }
}

/// The error itself, out of the wrappers that only add a snippet or an alias's location.
fn original(err: &Error) -> &Error {
    match err {
        Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => original(error),
        other => other,
    }
}

/// The library's own description, shown (never interpreted) for the rare errors we have no
/// words of our own for. Its formatter leaves the position out; we print ours in front.
fn library_words(err: &Error) -> String {
    UserMessageFormatter.format_message(err).into_owned()
}

fn unknown_key(field: &str, expected: &[&str]) -> String {
    match expected.iter().min_by_key(|k| edit_distance(field, k)) {
        Some(k) if edit_distance(field, k) <= 2 => format!("unknown key `{field}` (did you mean `{k}`?)"),
        _ if expected.is_empty() => format!("unknown key `{field}`"),
        _ => format!("unknown key `{field}` (known keys: {})", expected.join(", ")),
    }
}

/// A parser (syntax) error: an unclosed bracket or quote is named at its opener; a few
/// frequent kinds get plain words; the rest keep the parser's description.
fn syntax(kind: &ErrorKind, at: Option<YamlPos>, yaml: &str, err: &Error) -> Explained {
    let stop = |message: String, at: Option<YamlPos>| Explained { message, at, action: Action::Stop };
    // A closing bracket of the wrong kind is the parser's finding exactly; say that.
    if let ErrorKind::MismatchedFlowCollectionEnd { open, close } = kind {
        return stop(format!("'{open}' is closed with '{close}' (expected '{}')", closer(*open)), at);
    }
    if let Some(o) = unclosed_before(yaml, at) {
        return stop(unclosed_message(o.ch), Some(o.at));
    }
    let message = match kind {
        // The scanner found no opener (it reads YAML more simply than the parser); the
        // parser's own finding still names the bracket, at its position.
        ErrorKind::UnclosedFlowCollection { open } => unclosed_message(*open),
        ErrorKind::UnclosedQuotedScalar => {
            let quote = at.and_then(|p| char_at(yaml, p)).filter(|c| matches!(c, '"' | '\''));
            unclosed_message(quote.unwrap_or('"'))
        }
        ErrorKind::MisplacedFlowCollectionEnd => {
            "a closing ']' or '}' without an opening bracket before it".to_string()
        }
        ErrorKind::TabInIndentation | ErrorKind::TabInBlockIndentation | ErrorKind::TabNotAllowed => {
            "a tab where YAML needs spaces (indent with spaces)".to_string()
        }
        ErrorKind::MappingValueNotAllowed | ErrorKind::InvalidColonPlacement => {
            "unexpected ':' (check the indentation, or put quotes around a value that contains \": \")"
                .to_string()
        }
        ErrorKind::UnexpectedCharacter { character } => {
            format!("a value cannot start with '{character}'; put the value in quotes")
        }
        ErrorKind::InvalidIndentation | ErrorKind::ExpectedBlockMappingKey => {
            "the indentation does not fit the lines above (check the spaces at the start)".to_string()
        }
        _ => format!("invalid YAML: {}", library_words(err)),
    };
    stop(message, at)
}

fn closer(open: char) -> char {
    match open {
        '[' => ']',
        '{' => '}',
        other => other,
    }
}

fn unclosed_message(open: char) -> String {
    // A single quote is shown in double quotes, everything else in single ones.
    let show = |c: char| if c == '\'' { "\"'\"".to_string() } else { format!("'{c}'") };
    let what = match open {
        '[' => "the list opened here",
        '{' => "the map opened here",
        _ => "the text quoted here",
    };
    format!("unclosed {} ({what} is never closed with {})", show(open), show(closer(open)))
}

fn char_at(yaml: &str, (line, col): YamlPos) -> Option<char> {
    yaml.split('\n').nth(line.checked_sub(1)?)?.chars().nth(col.checked_sub(1)?)
}

// ---- the opener scanner ----------------------------------------------------------------------

/// A bracket that opens a flow collection or a quote that opens quoted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Opener {
    ch: char,
    at: YamlPos,
    /// Where it is closed; `None` when it never is.
    closed: Option<YamlPos>,
    /// A quote closed only on a later line, across a line that reads like a key of its own
    /// (`date: …` no deeper than the quote's line): its author meant to close it earlier.
    suspect: bool,
}

/// The innermost bracket or quote, opened at or before the parser's stop, that is never closed
/// (or, for a quote, closed only past a line that starts a new key): the likely cause of the
/// parser running into the lines after it. With no stop position, any unclosed opener.
fn unclosed_before(yaml: &str, stop: Option<YamlPos>) -> Option<Opener> {
    openers(yaml)
        .into_iter()
        .filter(|o| stop.is_none_or(|s| o.at <= s) && (o.closed.is_none() || o.suspect))
        .max_by_key(|o| o.at)
}

/// Every flow-collection bracket and quoted-text quote in `yaml`, read the way YAML reads
/// them: brackets and quotes count only where a value starts (`title: a [b` is plain text),
/// not in comments, quoted text or block scalars (`|`, `>`), and a plain value's more
/// indented continuation lines are text.
fn openers(yaml: &str) -> Vec<Opener> {
    let lines: Vec<Vec<char>> = yaml.split('\n').map(|l| l.chars().collect()).collect();
    let indent_of = |l: &[char]| l.iter().take_while(|c| **c == ' ').count();
    let blank = |l: &[char]| l.iter().all(|c| c.is_whitespace());
    let mut out: Vec<Opener> = Vec::new();
    // Indices into `out` of the open flow collections.
    let mut flow: Vec<usize> = Vec::new();
    let (mut l, mut c) = (0usize, 0usize);
    let mut line_indent = 0;
    let mut token_start = true;
    let mut in_plain = false;
    let mut after_space = true;
    // In block context: a block scalar's or a plain value's continuation lines are deeper
    // than this indentation.
    let mut block_scalar: Option<usize> = None;
    let mut plain_owner: Option<usize> = None;
    while l < lines.len() {
        let line = &lines[l];
        if c == 0 && flow.is_empty() {
            let indent = indent_of(line);
            let deeper = |owner: Option<usize>| owner.is_some_and(|o| blank(line) || indent > o);
            if deeper(block_scalar) || (deeper(plain_owner) && line.get(indent) != Some(&'#')) {
                l += 1;
                continue;
            }
            block_scalar = None;
            plain_owner = None;
            line_indent = indent;
            c = indent;
            token_start = true;
            in_plain = false;
            after_space = true;
        }
        let Some(&ch) = line.get(c) else {
            // End of line.
            if flow.is_empty() {
                plain_owner = in_plain.then_some(line_indent);
            }
            in_plain &= !flow.is_empty();
            after_space = true;
            l += 1;
            c = 0;
            continue;
        };
        let next = line.get(c + 1).copied();
        let ends_token = |n: Option<char>| n.is_none_or(|n| n == ' ' || n == '\t');
        let pos = (l + 1, c + 1);
        if ch == '#' && after_space {
            // A comment runs to the end of the line and ends a plain value.
            in_plain = false;
            c = line.len();
            continue;
        }
        if ch == ' ' || ch == '\t' {
            after_space = true;
            c += 1;
            continue;
        }
        after_space = false;
        let in_flow = !flow.is_empty();
        let flow_indicator = |n: Option<char>| n.is_some_and(|n| matches!(n, ',' | '[' | ']' | '{' | '}'));
        if token_start && !in_plain {
            match ch {
                '"' | '\'' => {
                    let (closed, end) = close_quote(&lines, (l, c), ch);
                    let suspect = closed.is_some_and(|(cl, _)| {
                        // The lines after the quote's own, up to the one it closes on.
                        lines[l + 1..cl]
                            .iter()
                            .any(|x| indent_of(x) <= indent_of(line) && starts_key(&x[indent_of(x)..]))
                    });
                    out.push(Opener { ch, at: pos, closed, suspect });
                    (l, c) = end;
                    token_start = false;
                    continue;
                }
                '[' | '{' => {
                    flow.push(out.len());
                    out.push(Opener { ch, at: pos, closed: None, suspect: false });
                }
                ']' | '}' if in_flow => close_flow(&mut out, &mut flow, ch, pos, &mut token_start),
                ',' if in_flow => {}
                '|' | '>' if !in_flow => {
                    block_scalar = Some(line_indent);
                    c = line.len();
                    continue;
                }
                '-' | '?' | ':' if ends_token(next) => {}
                '&' | '!' => {
                    // An anchor or a tag comes before the value it names.
                    while line.get(c).is_some_and(|x| *x != ' ' && *x != '\t') {
                        c += 1;
                    }
                    continue;
                }
                _ => {
                    in_plain = true;
                    token_start = false;
                }
            }
            c += 1;
            continue;
        }
        // Inside a plain value, or after a quoted or bracketed one.
        match ch {
            ':' if ends_token(next) || (in_flow && (flow_indicator(next) || !in_plain)) => {
                in_plain = false;
                token_start = true;
            }
            ',' if in_flow => {
                in_plain = false;
                token_start = true;
            }
            ']' | '}' if in_flow => {
                in_plain = false;
                close_flow(&mut out, &mut flow, ch, pos, &mut token_start);
            }
            '[' | '{' if in_flow => {
                // Flow indicators end a plain value in flow context; the parser reads a
                // new collection here, and so do we.
                in_plain = false;
                flow.push(out.len());
                out.push(Opener { ch, at: pos, closed: None, suspect: false });
                token_start = true;
            }
            _ => {}
        }
        c += 1;
    }
    out
}

fn close_flow(out: &mut [Opener], flow: &mut Vec<usize>, ch: char, pos: YamlPos, token_start: &mut bool) {
    // A closer of the wrong kind closes nothing: the parser stops there with its own words.
    if let Some(&top) = flow.last()
        && closer(out[top].ch) == ch
    {
        out[top].closed = Some(pos);
        flow.pop();
    }
    *token_start = false;
}

/// Where quoted text opened at 0-based `(l, c)` closes (1-based), and the 0-based position
/// just past it (or past the end when it never closes).
fn close_quote(
    lines: &[Vec<char>],
    (mut l, mut c): (usize, usize),
    quote: char,
) -> (Option<YamlPos>, (usize, usize)) {
    c += 1;
    while l < lines.len() {
        let line = &lines[l];
        while c < line.len() {
            match line[c] {
                '\\' if quote == '"' => c += 2,
                '\'' if quote == '\'' && line.get(c + 1) == Some(&'\'') => c += 2,
                x if x == quote => return (Some((l + 1, c + 1)), (l, c + 1)),
                _ => c += 1,
            }
        }
        l += 1;
        c = 0;
    }
    (None, (lines.len(), 0))
}

/// Whether a line (without its indentation) starts with a plain `key:` followed by a space or
/// its end.
fn starts_key(line: &[char]) -> bool {
    let key_len = line.iter().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-')).count();
    key_len > 0 && line.get(key_len) == Some(&':') && line.get(key_len + 1).is_none_or(|c| *c == ' ')
}

/// Levenshtein distance, for suggestions among a handful of short keys.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: Option<String>,
        tags: Option<Vec<String>>,
        countries: Option<Vec<String>>,
    }

    /// As the front matter reads it: syntax first, then the document's keys.
    fn explained(yaml: &str) -> Explained {
        let options = || serde_saphyr::options! { with_snippet: false };
        let err = match serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(yaml, options()) {
            Err(syntax) => syntax,
            Ok(_) => {
                serde_saphyr::from_str_with_options::<Doc>(yaml, options()).expect_err("the YAML is broken")
            }
        };
        explain(&err, yaml)
    }

    fn stop(message: &str, at: YamlPos) -> Explained {
        Explained { message: message.to_string(), at: Some(at), action: Action::Stop }
    }

    #[test]
    fn unknown_keys_come_from_the_typed_variant_with_a_suggestion() {
        assert_eq!(
            explained("title: T\ncountires: [CN]\n"),
            Explained {
                message: "unknown key `countires` (did you mean `countries`?)".into(),
                at: Some((2, 1)),
                action: Action::CutKey
            }
        );
        assert_eq!(explained("zzz: 1\n").message, "unknown key `zzz` (known keys: title, tags, countries)");
    }

    #[test]
    fn duplicate_keys_are_cut_not_fatal() {
        let e = explained("title: a\ntitle: b\n");
        assert_eq!(
            (e.message.as_str(), e.at, e.action),
            ("duplicate key `title` (each key may appear once)", Some((2, 1)), Action::CutKey)
        );
    }

    #[test]
    fn an_unclosed_bracket_is_named_at_its_opener() {
        // The parser runs into the next key and complains about its ':'.
        assert_eq!(
            explained("title: T\ntags: [unclosed\ncountries: [CN]\n"),
            stop("unclosed '[' (the list opened here is never closed with ']')", (2, 7))
        );
        // At the end of the text the parser names it itself.
        assert_eq!(
            explained("title: T\ntags: [a, b\n"),
            stop("unclosed '[' (the list opened here is never closed with ']')", (2, 7))
        );
        assert_eq!(
            explained("title: T\ntags: [a, {x: y\ncountries: [CN]\n"),
            stop("unclosed '{' (the map opened here is never closed with '}')", (2, 11))
        );
    }

    #[test]
    fn an_unclosed_quote_is_named_at_its_opener() {
        assert_eq!(
            explained("title: \"abc\ntags: [a]\n"),
            stop("unclosed '\"' (the text quoted here is never closed with '\"')", (1, 8))
        );
        assert_eq!(
            explained("title: 'abc\ntags: [a]\n"),
            stop("unclosed \"'\" (the text quoted here is never closed with \"'\")", (1, 8))
        );
        // Closed only by the next value's opening quote: the first quote is still the cause.
        assert_eq!(
            explained("title: \"abc\ncountries: \"CN\"\n").message,
            "unclosed '\"' (the text quoted here is never closed with '\"')"
        );
    }

    #[test]
    fn other_syntax_errors_get_plain_words() {
        assert_eq!(
            explained("title: T\n  tags: [a]\n"),
            stop(
                "unexpected ':' (check the indentation, or put quotes around a value that contains \": \")",
                (2, 7)
            )
        );
        assert_eq!(explained("title: [a}\n").message, "'[' is closed with '}' (expected ']')");
        assert_eq!(
            explained("title: @x\n").message,
            "a value cannot start with '@'; put the value in quotes"
        );
    }

    #[test]
    fn scanner_reads_brackets_and_quotes_only_where_values_start() {
        let open = |y: &str| unclosed_before(y, None).map(|o| (o.ch, o.at));
        assert_eq!(open("title: a [b\ntags: [x]\n"), None, "a bracket inside plain text");
        assert_eq!(open("title: it's\n"), None, "an apostrophe inside plain text");
        assert_eq!(open("title: x # [comment\n"), None);
        assert_eq!(open("summary: |\n  [literal\n  \"text\ntags: [x]\n"), None, "a block scalar");
        assert_eq!(open("summary: plain\n  [continued\n"), None, "a plain value's continuation");
        assert_eq!(open("summary: \"two\n  lines\"\n"), None, "quoted text may span lines");
        assert_eq!(open("tags: ['it''s', \"a\\\"b\", [c]]\n"), None, "escapes");
        assert_eq!(open("tags: [a, [b]\n"), Some(('[', (1, 7))));
        assert_eq!(open("- x\n- [y\n"), Some(('[', (2, 3))));
        assert_eq!(open("tags: &a [x\n"), Some(('[', (1, 10))));
    }
}
