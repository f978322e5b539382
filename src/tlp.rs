//! The Traffic Light Protocol (FIRST TLP 2.0) levels and their order, which drives the
//! publishing gate.

use std::fmt;
use std::str::FromStr;

/// Ordered from least to most restricted, so `a > b` means "a is more restricted".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Tlp {
    #[default]
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [Tlp::Clear, Tlp::Green, Tlp::Amber, Tlp::AmberStrict, Tlp::Red];

    /// The label pages show: `TLP:AMBER+STRICT`.
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// A CSS-safe name: `amber-strict`.
    pub fn css(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber-strict",
            Tlp::Red => "red",
        }
    }

    /// The sharing rule of FIRST TLP 2.0, shortened for the banner.
    pub fn meaning(self, lang: &str) -> &'static str {
        let de = lang.starts_with("de");
        match (self, de) {
            (Tlp::Clear, false) => "Disclosure is not limited.",
            (Tlp::Clear, true) => "Weitergabe unbeschränkt.",
            (Tlp::Green, false) => "Limited disclosure, restricted to the community.",
            (Tlp::Green, true) => "Begrenzte Weitergabe innerhalb der Community.",
            (Tlp::Amber, false) => {
                "Limited disclosure, restricted to participants' organisations and their clients."
            }
            (Tlp::Amber, true) => "Begrenzte Weitergabe an die eigene Organisation und deren Kunden.",
            (Tlp::AmberStrict, false) => "Limited disclosure, restricted to participants' organisation only.",
            (Tlp::AmberStrict, true) => "Weitergabe nur innerhalb der eigenen Organisation.",
            (Tlp::Red, false) => "For the eyes and ears of individual recipients only.",
            (Tlp::Red, true) => "Nur für die Augen und Ohren der einzelnen Empfänger.",
        }
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown TLP level \"{0}\" (expected clear, green, amber, amber+strict or red)")]
pub struct UnknownTlp(pub String);

impl FromStr for Tlp {
    type Err = UnknownTlp;

    /// Case-insensitive, with or without the `TLP:` prefix; `white` is TLP 1.0's name for clear.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.strip_prefix("tlp:").unwrap_or(&t).trim();
        Ok(match t {
            "clear" | "white" => Tlp::Clear,
            "green" => Tlp::Green,
            "amber" => Tlp::Amber,
            "amber+strict" => Tlp::AmberStrict,
            "red" => Tlp::Red,
            _ => return Err(UnknownTlp(s.to_string())),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_case_and_prefix() {
        assert_eq!("TLP:AMBER".parse::<Tlp>().unwrap(), Tlp::Amber);
        assert_eq!("amber+strict".parse::<Tlp>().unwrap(), Tlp::AmberStrict);
        assert_eq!("Clear".parse::<Tlp>().unwrap(), Tlp::Clear);
        assert!("orange".parse::<Tlp>().is_err());
    }

    #[test]
    fn order_is_restriction() {
        assert!(Tlp::Clear < Tlp::Green && Tlp::Green < Tlp::Amber);
        assert!(Tlp::Amber < Tlp::AmberStrict && Tlp::AmberStrict < Tlp::Red);
        assert_eq!(Tlp::AmberStrict.label(), "TLP:AMBER+STRICT");
    }
}
