//! Front matter of the source registry: publishers (`content/publishers/<id>.md`) and shared
//! sources (`content/sources/<id>.md`, a briefing source's keys without `id`), FORMAT.md
//! section 3, "Publishers and shared sources".

use super::{At, Body, Cx, ListOf, RawSource, S, Source};
use crate::diag::Pos;
use crate::load::SourceFile;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublisher {
    name: Option<S>,
    aliases: Option<ListOf<S>>,
    url: Option<S>,
    country: Option<S>,
    reliability: Option<S>,
    organisation: Option<S>,
}

/// A publisher's registry file.
#[derive(Debug, Clone, Hash)]
pub struct PublisherFile {
    pub rel: String,
    /// The file stem as written: the publisher's id.
    pub stem: String,
    pub name: At<String>,
    pub aliases: Vec<At<String>>,
    pub url: Option<String>,
    /// A country reference, resolved by the sources stage.
    pub country: Option<At<String>>,
    /// The default Admiralty reliability of its sources, with where it is written.
    pub reliability: Option<At<char>>,
    /// An organisation reference: the same body as an organisation entity.
    pub organisation: Option<At<String>>,
    pub body: Body,
}

/// A source cited by many briefings; its id is the file stem.
#[derive(Debug, Clone, Hash)]
pub struct SharedSourceFile {
    pub rel: String,
    pub stem: String,
    /// The source's values; `id` is the stem, `origin` this file.
    pub source: Source,
    pub body: Body,
}

impl Cx<'_> {
    pub(super) fn publisher(&mut self, file: &SourceFile, body: Body) -> Option<PublisherFile> {
        let raw: RawPublisher = self.yaml(self.yaml)?;
        let name = self.required(raw.name, "name");
        let aliases = self.list(raw.aliases);
        let url = self.url_opt(raw.url, "url");
        let country = raw.country.and_then(|c| self.scalar(c)).filter(|c| !c.value.trim().is_empty());
        let reliability_pos = raw.reliability.as_ref().map(|v| self.pos(&v.referenced));
        let probe = RawSource { reliability: raw.reliability, ..RawSource::default() };
        let reliability = self.source_values(String::new(), Pos::START, probe).reliability;
        let organisation =
            raw.organisation.and_then(|o| self.scalar(o)).filter(|o| !o.value.trim().is_empty());
        let trim = |a: At<String>| At::new(a.value.trim().to_string(), a.pos);
        Some(PublisherFile {
            rel: file.rel.clone(),
            stem: file.stem.clone(),
            name: trim(name?),
            aliases,
            url,
            country: country.map(trim),
            reliability: reliability.zip(reliability_pos).map(|(r, p)| At::new(r, p)),
            organisation: organisation.map(trim),
            body,
        })
    }

    pub(super) fn shared_source(&mut self, file: &SourceFile, body: Body) -> Option<SharedSourceFile> {
        let mut raw: RawSource = self.yaml(self.yaml)?;
        // The file name is the id; a `ref` would chain shared sources, which nothing needs.
        for (key, v) in [("id", raw.id.take()), ("ref", raw.reference.take())] {
            if let Some(v) = v {
                let pos = self.pos(&v.referenced);
                self.error(pos, format!("a shared source has no `{key}`: its id is the file name"));
            }
        }
        let mut source = self.source_values(file.stem.clone(), Pos::START, raw);
        source.origin = Some(file.rel.as_str().into());
        Some(SharedSourceFile { rel: file.rel.clone(), stem: file.stem.clone(), source, body })
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Diagnostics;
    use crate::frontmatter::{Defaults, Document, parse};
    use crate::load::{FileKind, SourceFile};
    use crate::tlp::Tlp;

    fn run(rel: &str, kind: FileKind, text: &str) -> (Option<Document>, Vec<String>) {
        let f = SourceFile::new(rel.into(), kind, text);
        let mut d = Diagnostics::new();
        let doc = parse(&f, &Defaults { language: "en", tlp: Tlp::Clear }, &mut d);
        (doc, d.sorted().iter().map(|d| format!("{}:{}: {}", d.line, d.col, d.message)).collect())
    }

    #[test]
    fn publisher_file_with_every_key() {
        let (doc, d) = run(
            "content/publishers/xinhua.md",
            FileKind::Publisher,
            "---\nname: Xinhua\naliases: [Neues China]\nurl: https://english.news.cn/\ncountry: CN\nreliability: c\norganisation: xinhua\n---\nState agency.\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let Some(Document::Publisher(p)) = doc else { panic!() };
        assert_eq!(p.name.value, "Xinhua");
        assert_eq!(p.reliability.as_ref().map(|r| (r.value, r.pos.line, r.pos.col)), Some(('C', 6, 14)));
        assert_eq!(p.organisation.as_ref().unwrap().value, "xinhua");
        assert_eq!(p.body.text.trim(), "State agency.");
    }

    #[test]
    fn publisher_errors_point_at_values() {
        let (_, d) = run(
            "content/publishers/x.md",
            FileKind::Publisher,
            "---\nname: X\nreliability: G\nurl: ftp://x\nrating: 3\n---\n",
        );
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d[0].starts_with("3:14: invalid reliability"), "{d:?}");
        assert!(d[1].starts_with("4:6: `url` must be"), "{d:?}");
        assert!(d[2].starts_with("5:1: unknown key `rating`"), "{d:?}");
        let (_, d) = run("content/publishers/x.md", FileKind::Publisher, "---\naliases: [Y]\n---\n");
        assert_eq!(d, ["1:1: missing required key `name`"]);
    }

    #[test]
    fn shared_source_takes_its_id_from_the_file_name() {
        let (doc, d) = run(
            "content/sources/kcna-2025.md",
            FileKind::SharedSource,
            "---\npublisher: KCNA\ntitle: Report\nurl: https://e.org/r\nreliability: D\n---\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let Some(Document::SharedSource(s)) = doc else { panic!() };
        assert_eq!(s.source.id, "kcna-2025");
        assert_eq!(s.source.origin.as_deref(), Some("content/sources/kcna-2025.md"));
        assert_eq!(s.source.reliability_pos.map(|p| (p.line, p.col)), Some((5, 14)));
        let (_, d) =
            run("content/sources/k.md", FileKind::SharedSource, "---\nid: k\nref: other\ntitle: T\n---\n");
        assert_eq!(
            d,
            [
                "2:5: a shared source has no `id`: its id is the file name",
                "3:6: a shared source has no `ref`: its id is the file name"
            ]
        );
    }
}
