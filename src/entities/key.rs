//! Match keys: the normal form under which references and entity names are compared
//! (FORMAT.md section 3: case, Unicode normalisation form and runs of spaces, hyphens and
//! underscores are ignored).

use unicode_normalization::UnicodeNormalization;

/// The normalised form of a name, id or alias.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MatchKey(String);

impl MatchKey {
    pub fn new(text: &str) -> MatchKey {
        if text.is_ascii() {
            return MatchKey(Self::fold(text.chars()));
        }
        // Lower-casing can denormalise (e.g. some Greek letters); normalise once more.
        MatchKey(Self::fold(text.nfc()).nfc().collect())
    }

    fn fold(chars: impl Iterator<Item = char>) -> String {
        let mut out = String::new();
        let mut gap = false;
        for c in chars.flat_map(char::to_lowercase) {
            if c.is_whitespace() || c == '-' || c == '_' || c == '\u{2010}' || c == '\u{2011}' {
                gap = true;
            } else {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.push(c);
            }
        }
        out
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All strings one character shorter: the deletion neighbourhood used to find near misses
    /// without comparing every pair of names.
    pub fn deletions(&self) -> Vec<String> {
        let chars: Vec<char> = self.0.chars().collect();
        (0..chars.len()).map(|i| chars[..i].iter().chain(&chars[i + 1..]).collect()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_case_separators_and_normal_form() {
        let k = MatchKey::new("Kim Jong-un");
        assert_eq!(k, MatchKey::new("kim jong un"));
        assert_eq!(k, MatchKey::new("kim-jong-un"));
        assert_eq!(k, MatchKey::new("  KIM__Jong   Un "));
        // NFD "ö" equals NFC "ö".
        assert_eq!(MatchKey::new("Pjo\u{308}ngjang"), MatchKey::new("Pjöngjang"));
        assert_ne!(MatchKey::new("Kim Jong Un"), MatchKey::new("Kim Jongun"));
    }

    #[test]
    fn deletions_cover_one_missing_letter() {
        let known = MatchKey::new("Xi Jinping");
        assert!(known.deletions().contains(&MatchKey::new("Xi Jinpin").0));
    }
}
