//! Search normalisation: how text becomes the words the index keys on. The browser's script
//! (themes/default/static/search.js, `fold` and `words`) does exactly the same to a query, so
//! both sides meet on the same keys; the unit tests below pin the cases the two must agree on.
//!
//! A word is a run of letters, digits and combining marks, so hyphens, spaces and
//! punctuation all separate words (`Kim Jong-un` = `kim jong un`, as in entity matching).
//! A word's key is folded: lower case, diacritics dropped, `ß` → `ss`, and the German
//! spellings `ae`, `oe`, `ue` read as `a`, `o`, `u` (so `Pjöngjang`, `Pjoengjang` and
//! `Pjongjang` are one key). Stems are made before folding, by the Snowball stemmer of the
//! text's language, since the stemmers expect real spellings.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Whether `c` belongs to a word.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && is_combining_mark(c))
}

/// The words of `text`, as written.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty())
}

/// The folded key of one word (see the module comment).
pub fn fold(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut plain = String::with_capacity(lower.len());
    if lower.is_ascii() {
        plain = lower;
    } else {
        for c in lower.nfd().filter(|c| !is_combining_mark(*c)).nfc() {
            match c {
                'ß' | 'ẞ' => plain.push_str("ss"),
                'æ' => plain.push_str("ae"),
                'œ' => plain.push_str("oe"),
                'ø' => plain.push('o'),
                'ł' => plain.push('l'),
                'đ' | 'ð' => plain.push('d'),
                'þ' => plain.push_str("th"),
                'ı' => plain.push('i'),
                c => plain.push(c),
            }
        }
    }
    let mut out: Vec<char> = Vec::with_capacity(plain.len());
    for c in plain.chars() {
        // `ae`, `oe`, `ue` (not `que`) read as the umlaut they spell, then as its base letter.
        let skip = c == 'e'
            && match out.as_slice() {
                [.., 'q', 'u'] => false,
                [.., 'a' | 'o' | 'u'] => true,
                _ => false,
            };
        if !skip {
            out.push(c);
        }
    }
    out.into_iter().collect()
}

/// The stemmer for a language tag (`de`, `en-GB`); languages without one are not stemmed.
pub struct Stem(Option<Stemmer>);

impl Stem {
    pub fn for_lang(lang: &str) -> Stem {
        let primary = lang.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let algorithm = match primary.as_str() {
            "de" => Some(Algorithm::German),
            "en" => Some(Algorithm::English),
            "fr" => Some(Algorithm::French),
            "es" => Some(Algorithm::Spanish),
            "it" => Some(Algorithm::Italian),
            "nl" => Some(Algorithm::Dutch),
            "pt" => Some(Algorithm::Portuguese),
            "ru" => Some(Algorithm::Russian),
            "sv" => Some(Algorithm::Swedish),
            _ => None,
        };
        Stem(algorithm.map(Stemmer::create))
    }

    /// The folded stem of a word.
    pub fn key(&self, word: &str) -> String {
        match &self.0 {
            Some(s) => fold(&s.stem(&word.to_lowercase())),
            None => fold(word),
        }
    }
}

/// The first `n` characters of a key: what chooses its shard.
pub fn prefix(key: &str, n: usize) -> &str {
    match key.char_indices().nth(n) {
        Some((i, _)) => &key[..i],
        None => key,
    }
}

/// FNV-1a over the UTF-8 bytes: the shard of a key prefix, computed alike in the browser.
pub fn fnv1a(text: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_fold_together() {
        assert_eq!(fold("Pjöngjang"), "pjongjang");
        assert_eq!(fold("Pjoengjang"), "pjongjang");
        assert_eq!(fold("PJONGJANG"), "pjongjang");
        assert_eq!(fold("Straße"), fold("Strasse"));
        assert_eq!(fold("Ramón"), "ramon");
        assert_eq!(fold("Pjo\u{308}ngjang"), "pjongjang", "decomposed input");
        assert_eq!(fold("quer"), "quer", "`ue` after `q` is no umlaut");
        assert_eq!(fold("김정은"), "김정은", "Hangul stays composed");
    }

    #[test]
    fn hyphens_and_spaces_separate_words() {
        let w: Vec<&str> = words("Kim Jong-un, „Gute Freunde“ (2025)").collect();
        assert_eq!(w, ["Kim", "Jong", "un", "Gute", "Freunde", "2025"]);
        assert_eq!(words("习近平 trifft 김정은").collect::<Vec<_>>(), ["习近平", "trifft", "김정은"]);
    }

    #[test]
    fn stems_follow_the_language() {
        let de = Stem::for_lang("de");
        assert_eq!(de.key("Beziehungen"), de.key("Beziehung"));
        assert_eq!(de.key("Sanktionen"), de.key("Sanktion"));
        let en = Stem::for_lang("en-GB");
        assert_eq!(en.key("sanctions"), en.key("sanctioned"));
        assert_eq!(Stem::for_lang("ko").key("Talks"), "talks", "no stemmer: folded only");
    }

    #[test]
    fn the_shard_hash_is_fnv1a() {
        // The browser computes the same numbers (search.js `fnv1a`).
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(prefix("pjongjang", 3), "pjo");
        assert_eq!(prefix("김정은", 2), "김정");
        assert_eq!(prefix("xi", 3), "xi");
    }
}
