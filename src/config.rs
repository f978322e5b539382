//! Site configuration: `site.toml` parsed into a typed `Config`, with command-line overrides.

use crate::diag::{Code, Diagnostics, Pos, Severity, pos_at};
use crate::tlp::Tlp;
use crate::url::LinkStyle;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: toml::Spanned<String>,
    base_url: Option<toml::Spanned<String>>,
    language: Option<toml::Spanned<String>>,
    theme: Option<toml::Spanned<String>>,
    default_tlp: Option<toml::Spanned<String>>,
    publish_tlp: Option<toml::Spanned<String>>,
    #[serde(default)]
    strict_entities: bool,
    #[serde(default)]
    allow_html: bool,
    output_dir: Option<toml::Spanned<String>>,
    paginate: Option<toml::Spanned<i64>>,
    link_style: Option<toml::Spanned<String>>,
    lint: Option<RawLint>,
    #[serde(default)]
    extra: toml::Table,
}

/// `[lint]`: which warnings of the integrity rules `check` leaves out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLint {
    #[serde(default)]
    allow: Vec<toml::Spanned<String>>,
}

/// List entries per page when site.toml does not say (FORMAT.md section 5).
pub const DEFAULT_PAGINATE: usize = 50;

/// The validated configuration of one site.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root: the folder holding `site.toml`.
    pub root: PathBuf,
    pub title: String,
    /// Always ends in `/`; `None` when neither site.toml nor `--base-url` gives one.
    pub base_url: Option<String>,
    pub language: String,
    pub theme: String,
    pub default_tlp: Tlp,
    pub publish_tlp: Tlp,
    pub strict_entities: bool,
    pub allow_html: bool,
    pub output_dir: PathBuf,
    /// Who named the output folder, for errors about it.
    pub output_origin: OutputOrigin,
    /// Include drafts (`--drafts`).
    pub drafts: bool,
    /// List entries per page (briefings, tags, entities, years, publishers); at least 1.
    pub paginate: usize,
    pub link_style: LinkStyle,
    /// `[lint] allow`: warning codes `check` does not report.
    pub lint_allow: Vec<Code>,
    pub extra: serde_json::Value,
}

/// Where the output folder was named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputOrigin {
    /// `--output`.
    Flag,
    /// `output_dir` in site.toml, with the position of its value.
    SiteToml(Pos),
    /// Neither: `public/` in the site.
    Default,
}

/// Command-line values that override site.toml.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub tlp: Option<Tlp>,
    pub base_url: Option<String>,
    /// `--link-style` of `build`.
    pub link_style: Option<LinkStyle>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}: error: cannot read site.toml: {1} (is this a dossier site? use --root or `dossier init`)")]
    Read(String, std::io::Error),
    #[error("invalid site.toml")]
    Invalid(Diagnostics),
}

impl Config {
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
        let path = root.join(CONFIG_FILE);
        let text =
            std::fs::read_to_string(&path).map_err(|e| ConfigError::Read(path.display().to_string(), e))?;
        Self::parse(root, &text, overrides)
    }

    pub fn parse(root: &Path, text: &str, overrides: &Overrides) -> Result<Config, ConfigError> {
        let mut diags = Diagnostics::new();
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let pos = e.span().map_or(Pos::START, |s| pos_at(text, s.start));
                diags.error(CONFIG_FILE, pos, e.message().trim().to_string());
                return Err(ConfigError::Invalid(diags));
            }
        };
        let mut tlp = |v: &Option<toml::Spanned<String>>| -> Tlp {
            let Some(v) = v else { return Tlp::Clear };
            v.get_ref().parse().unwrap_or_else(|e: crate::tlp::UnknownTlp| {
                diags.error(CONFIG_FILE, pos_at(text, v.span().start), e.to_string());
                Tlp::Clear
            })
        };
        let default_tlp = tlp(&raw.default_tlp);
        let publish_tlp = tlp(&raw.publish_tlp);
        let at = |v: &toml::Spanned<String>| pos_at(text, v.span().start);
        if raw.title.get_ref().trim().is_empty() {
            diags.error(CONFIG_FILE, at(&raw.title), "`title` must not be empty");
        }
        if let Some(u) = &raw.base_url
            && !is_http_url(u.get_ref())
            && u.get_ref() != "/"
        {
            diags.error(
                CONFIG_FILE,
                at(u),
                format!("base_url \"{}\" must be an http or https URL", u.get_ref()),
            );
        }
        // `--base-url` is checked by the command line parser.
        let base_url = overrides.base_url.clone().or(raw.base_url.map(|u| u.into_inner())).map(|mut u| {
            if !u.ends_with('/') {
                u.push('/');
            }
            u
        });
        let language = raw.language.as_ref().map_or("en", |l| l.get_ref().as_str()).to_string();
        if language.is_empty() || !language.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            let pos = raw.language.as_ref().map_or(Pos::START, at);
            diags.error(CONFIG_FILE, pos, format!("invalid language tag \"{language}\""));
        }
        let theme = raw.theme.as_ref().map_or("default", |t| t.get_ref().as_str()).to_string();
        let theme_pos = raw.theme.as_ref().map_or(Pos::START, at);
        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
            diags.error(CONFIG_FILE, theme_pos, format!("invalid theme name \"{theme}\""));
        } else if theme != "default" && !root.join("themes").join(&theme).is_dir() {
            diags.error(
                CONFIG_FILE,
                theme_pos,
                format!("theme \"{theme}\" not found: no folder themes/{theme}/"),
            );
        }
        let paginate = match &raw.paginate {
            None => DEFAULT_PAGINATE,
            Some(p) => match usize::try_from(*p.get_ref()) {
                Ok(n) if n > 0 => n,
                _ => {
                    let pos = pos_at(text, p.span().start);
                    diags.error(
                        CONFIG_FILE,
                        pos,
                        format!("paginate must be a positive whole number, found {}", p.get_ref()),
                    );
                    DEFAULT_PAGINATE
                }
            },
        };
        let link_style = match &raw.link_style {
            None => LinkStyle::default(),
            Some(v) => LinkStyle::parse(v.get_ref()).unwrap_or_else(|| {
                diags.error(
                    CONFIG_FILE,
                    at(v),
                    format!("link_style \"{}\" must be \"directory\" or \"file\"", v.get_ref()),
                );
                LinkStyle::default()
            }),
        };
        let lint_allow = lint_allow(raw.lint.as_ref(), text, &mut diags);
        if diags.has_errors() {
            return Err(ConfigError::Invalid(diags));
        }
        let (output_dir, output_origin) = match (&overrides.output, &raw.output_dir) {
            (Some(o), _) => (o.clone(), OutputOrigin::Flag),
            (None, Some(d)) => (root.join(d.get_ref()), OutputOrigin::SiteToml(at(d))),
            (None, None) => (root.join("public"), OutputOrigin::Default),
        };
        Ok(Config {
            root: root.to_path_buf(),
            title: raw.title.into_inner(),
            base_url,
            language,
            theme,
            default_tlp,
            publish_tlp: overrides.tlp.unwrap_or(publish_tlp),
            strict_entities: raw.strict_entities,
            allow_html: raw.allow_html,
            output_dir,
            output_origin,
            drafts: overrides.drafts,
            paginate,
            link_style: overrides.link_style.unwrap_or(link_style),
            lint_allow,
            extra: serde_json::to_value(&raw.extra).unwrap_or(serde_json::Value::Null),
        })
    }

    /// An absolute URL for a site path (`briefings/x/`), for feeds, sitemap and canonical links.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url.as_deref().unwrap_or("/"), path)
    }

    /// The path of `base_url` (`/dossier/` for `https://example.org/dossier/`); `None` without
    /// a base URL or when the path holds characters that would need escaping.
    pub fn base_path(&self) -> Option<&str> {
        let url = self.base_url.as_deref()?;
        let after_scheme = &url[url.find("://")? + 3..];
        let path = &after_scheme[after_scheme.find('/')?..];
        path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)).then_some(path)
    }
}

/// The codes of `[lint] allow`; an unknown code, or an error's, is an error at its value.
fn lint_allow(lint: Option<&RawLint>, text: &str, diags: &mut Diagnostics) -> Vec<Code> {
    let mut out = Vec::new();
    for v in lint.map_or(&[][..], |l| l.allow.as_slice()) {
        let pos = pos_at(text, v.span().start);
        match Code::parse(v.get_ref()) {
            Some(c) if c.severity() == Severity::Warning => out.push(c),
            Some(c) => diags.error(CONFIG_FILE, pos, format!("{c} is an error and cannot be allowed")),
            None => {
                let known: Vec<&str> = Code::ALL
                    .iter()
                    .filter(|c| c.severity() == Severity::Warning)
                    .map(|c| c.as_str())
                    .collect();
                diags.error(
                    CONFIG_FILE,
                    pos,
                    format!("unknown lint code \"{}\" (codes: {})", v.get_ref(), known.join(", ")),
                );
            }
        }
    }
    out
}

/// `http://` or `https://` and something after it.
pub fn is_http_url(u: &str) -> bool {
    let lower = u.to_ascii_lowercase();
    ["http://", "https://"].iter().any(|p| lower.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/site"), text, &Overrides::default())
    }

    #[test]
    fn defaults() {
        let c = parse("title = \"T\"\n").unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.publish_tlp, Tlp::Clear);
        assert_eq!(c.output_dir, Path::new("/site/public"));
        assert!(c.base_url.is_none());
    }

    #[test]
    fn unknown_key_is_an_error_at_its_line() {
        let Err(ConfigError::Invalid(d)) = parse("title = \"T\"\nthem = \"x\"\n") else { panic!() };
        let d = d.sorted();
        assert_eq!((d[0].line, d[0].col), (2, 1));
        assert!(d[0].message.contains("them"), "{}", d[0].message);
    }

    #[test]
    fn bad_tlp_points_at_value() {
        let Err(ConfigError::Invalid(d)) = parse("title = \"T\"\npublish_tlp = \"orange\"\n") else {
            panic!()
        };
        let d = d.sorted();
        assert_eq!((d[0].line, d[0].col), (2, 15));
    }

    #[test]
    fn paginate_and_link_style_are_checked_at_their_values() {
        let c = parse("title = \"T\"\n").unwrap();
        assert_eq!((c.paginate, c.link_style), (DEFAULT_PAGINATE, LinkStyle::Directory));
        let c = parse("title = \"T\"\npaginate = 2\nlink_style = \"file\"\n").unwrap();
        assert_eq!((c.paginate, c.link_style), (2, LinkStyle::File));
        for (bad, col, word) in [
            ("paginate = 0", 12, "positive"),
            ("paginate = -3", 12, "positive"),
            ("paginate = \"ten\"", 12, "invalid type"),
            ("paginate = 2.5", 12, "invalid type"),
            ("link_style = \"files\"", 14, "\"directory\" or \"file\""),
        ] {
            let Err(ConfigError::Invalid(d)) = parse(&format!("title = \"T\"\n{bad}\n")) else {
                panic!("{bad}")
            };
            let d = d.sorted();
            assert_eq!((d[0].line, d[0].col), (2, col), "{bad}: {}", d[0].message);
            assert!(d[0].message.contains(word), "{bad}: {}", d[0].message);
        }
    }

    #[test]
    fn lint_allow_takes_warning_codes_only() {
        let c = parse("title = \"T\"\n[lint]\nallow = [\"W003\", \"w001\"]\n").unwrap();
        assert_eq!(c.lint_allow, [Code::W003, Code::W001]);
        let Err(ConfigError::Invalid(d)) =
            parse("title = \"T\"\n[lint]\nallow = [\"W003\", \"W999\", \"E001\"]\n")
        else {
            panic!()
        };
        let lines: Vec<String> = d.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "site.toml:3:18: error: unknown lint code \"W999\" (codes: W001, W002, W003, W004, W005, W006, W007, W008)",
                "site.toml:3:26: error: E001 is an error and cannot be allowed",
            ]
        );
        let Err(ConfigError::Invalid(d)) = parse("title = \"T\"\n[lint]\nallo = [\"W003\"]\n") else {
            panic!()
        };
        assert_eq!(d.sorted()[0].line, 3, "an unknown key in [lint] is an error at it");
    }

    #[test]
    fn base_path_is_the_url_path() {
        let c = parse("title = \"T\"\nbase_url = \"https://e.org/d\"\n").unwrap();
        assert_eq!(c.base_path(), Some("/d/"));
        let c = parse("title = \"T\"\nbase_url = \"https://e.org\"\n").unwrap();
        assert_eq!(c.base_path(), Some("/"));
        let c = parse("title = \"T\"\nbase_url = \"https://e.org/a'b/\"\n").unwrap();
        assert_eq!(c.base_path(), None);
    }

    #[test]
    fn base_url_gets_trailing_slash() {
        let c = parse("title = \"T\"\nbase_url = \"https://e.org/d\"\n").unwrap();
        assert_eq!(c.absolute("atom.xml"), "https://e.org/d/atom.xml");
    }
}
