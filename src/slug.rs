//! Slugs: lower-case ASCII URL segments, transliterated by the site's language (FORMAT.md
//! section 6), and the `Slug` newtype that carries one.

use serde::Serialize;
use std::fmt;
use unicode_normalization::{IsNormalized, UnicodeNormalization};

/// A URL segment made of `a-z`, `0-9` and hyphens, never empty (generated ones use single
/// hyphens, user-written ones may not).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    /// Slugifies free text; `None` when nothing sluggable is left (e.g. only punctuation).
    pub fn from_text(text: &str, lang: &str) -> Option<Slug> {
        let s = slugify(text, lang);
        (!s.is_empty()).then_some(Slug(s))
    }

    /// Accepts a user-written slug only when it already is one (and fits in a file name).
    pub fn parse(text: &str) -> Option<Slug> {
        (is_valid(text) && text.len() <= MAX_LEN).then(|| Slug(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Slug {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Slugs are at most this many bytes (generated ones are cut, at a hyphen where possible):
/// every slug becomes a folder name, and file systems stop at 255.
pub const MAX_LEN: usize = 200;

/// True for `a-z`, `0-9` and hyphens only (FORMAT.md section 2), with at least one letter or
/// digit.
pub fn is_valid(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().any(|b| b != b'-')
}

/// Language-aware transliteration: German spells umlauts out (`ö` → `oe`, `ß` → `ss`); other
/// languages drop accents (`ö` → `o`). Scripts without Latin letters go through `deunicode`
/// (`김정은` → `gim-jeong-eun`).
pub fn slugify(text: &str, lang: &str) -> String {
    // Decomposed input (macOS file names) would lose its umlauts: `o` + U+0308 is `ö`. Composed
    // once, not until the quick check says "yes": for a lone combining mark it says "maybe"
    // forever, and asking again recursed until the stack overflowed.
    let composed;
    let text = if !text.is_ascii() && unicode_normalization::is_nfc_quick(text.chars()) != IsNormalized::Yes {
        composed = text.nfc().collect::<String>();
        composed.as_str()
    } else {
        text
    };
    let german = lang.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("de"));
    let mut ascii = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ä' | 'Ä' if german => ascii.push_str("ae"),
            'ö' | 'Ö' if german => ascii.push_str("oe"),
            'ü' | 'Ü' if german => ascii.push_str("ue"),
            'ß' | 'ẞ' => ascii.push_str("ss"),
            c if c.is_ascii() => ascii.push(c),
            c => match deunicode::deunicode_char(c) {
                // A separator keeps neighbouring transliterated syllables apart (`金正恩`).
                Some(t) if t.chars().count() > 1 && !c.is_alphabetic() => {
                    ascii.push(' ');
                    ascii.push_str(t);
                }
                Some(t) if is_cjk_or_hangul(c) => {
                    ascii.push(' ');
                    ascii.push_str(t.trim());
                    ascii.push(' ');
                }
                Some(t) => ascii.push_str(t),
                None => ascii.push(' '),
            },
        }
    }
    let mut out = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // Apostrophes join: `King's` → `kings`.
        } else {
            pending_dash = true;
        }
    }
    if out.len() > MAX_LEN {
        let cut = out[..MAX_LEN].rfind('-').filter(|i| *i > MAX_LEN / 2).unwrap_or(MAX_LEN);
        out.truncate(cut);
    }
    out
}

fn is_cjk_or_hangul(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x11FF | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_spells_out_umlauts() {
        assert_eq!(slugify("Pjöngjang", "de"), "pjoengjang");
        assert_eq!(slugify("Südkorea", "de"), "suedkorea");
        assert_eq!(slugify("Großmacht", "de-AT"), "grossmacht");
        assert_eq!(slugify("Äußeres", "de"), "aeusseres");
        assert_eq!(slugify("Pjo\u{308}ngjang", "de"), "pjoengjang", "decomposed input");
    }

    #[test]
    fn combining_marks_that_compose_with_nothing_do_not_recurse() {
        // Found by fuzzing (markdown target): `[[\u{301}]]` overflowed the stack.
        assert_eq!(slugify("\u{301}", "en"), "");
        assert_eq!(slugify("K\u{301}\u{301}im \u{308}", "de"), "kim");
    }

    #[test]
    fn other_languages_drop_accents() {
        assert_eq!(slugify("Pjöngjang", "en"), "pjongjang");
        assert_eq!(slugify("Ramón Pacheco Pardo", "es"), "ramon-pacheco-pardo");
        assert_eq!(slugify("Côte d'Ivoire", "fr"), "cote-divoire");
    }

    #[test]
    fn punctuation_collapses_to_single_hyphens() {
        assert_eq!(slugify("  „Gute Freunde“: Xi & Kim!  ", "de"), "gute-freunde-xi-kim");
        assert_eq!(slugify("Kim Jong-un", "de"), "kim-jong-un");
        assert_eq!(slugify("King's College London", "en"), "kings-college-london");
        assert_eq!(slugify("snake_case--name", "en"), "snake-case-name");
    }

    #[test]
    fn non_latin_scripts_transliterate() {
        let s = slugify("김정은", "de");
        assert!(is_valid(&s), "{s}");
        assert!(!s.is_empty());
        assert_eq!(slugify("Владимир Путин", "de"), "vladimir-putin");
        assert!(is_valid(&slugify("习近平", "en")));
    }

    #[test]
    fn validity() {
        assert!(is_valid("xi-kim-2025"));
        assert!(!is_valid("Xi"));
        assert!(is_valid("-x"), "the contract allows any hyphens");
        assert!(!is_valid("---"));
        assert!(!is_valid(""));
        assert!(!is_valid("a b"));
        assert!(Slug::from_text("!!!", "de").is_none());
        let long = slugify(&"wort ".repeat(200), "de");
        assert!(long.len() <= MAX_LEN && is_valid(&long) && long.ends_with("wort"), "{long}");
        assert!(Slug::parse(&"a".repeat(MAX_LEN + 1)).is_none());
    }
}
