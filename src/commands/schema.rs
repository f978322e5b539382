//! `dossier schema`: a JSON Schema (draft 2020-12) of front matter and registry files, for
//! editors (yaml-language-server). Every kind of file is a definition of its own; the whole
//! schema accepts any of them, `--kind briefing` only one. It describes what the parser
//! accepts (FORMAT.md sections 2 and 3), written as YAML-to-JSON gives it: `date: 1961` is a
//! number, `date: 2025-09-04` a string.

use super::EXIT_OK;
use crate::diag::{Code, Severity};
use crate::frontmatter::Likelihood;
use serde_json::{Value, json};
use std::io::Write;

/// The kinds of file, by the name `--kind` takes.
pub const KINDS: [&str; 7] = ["briefing", "person", "organisation", "country", "page", "publisher", "source"];

/// Prints the schema (of one kind, or of all) to stdout.
pub fn schema(kind: Option<&str>) -> i32 {
    let text = serde_json::to_string_pretty(&document(kind)).unwrap_or_default();
    // A closed pipe (`dossier schema | head`) is the reader's choice, not an error.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    EXIT_OK
}

/// The schema document: `$defs` of every kind and of shared values, then either one kind or
/// any of them.
pub fn document(kind: Option<&str>) -> Value {
    let mut doc = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dossier front matter",
        "description": "Front matter of a dossier site's Markdown files (FORMAT.md version 2). \
            Briefings: content/briefings/**/*.md; registry files: content/people/, \
            content/organisations/, content/countries/, content/publishers/, content/sources/; \
            free pages: content/pages/.",
        "$defs": defs(),
    });
    let top = match kind {
        Some(k) => json!({ "$ref": format!("#/$defs/{k}") }),
        None => {
            json!({ "anyOf": KINDS.iter().map(|k| json!({ "$ref": format!("#/$defs/{k}") })).collect::<Vec<_>>() })
        }
    };
    if let (Some(obj), Value::Object(t)) = (doc.as_object_mut(), top) {
        obj.extend(t);
    }
    doc
}

/// A pattern matching `word` in any case (ECMA regular expressions have no flag for it).
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            } else if c.is_alphanumeric() || c == ' ' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

fn one_of_words(words: &[&str]) -> String {
    format!("^\\s*(?:{})\\s*$", words.iter().map(|w| any_case(w)).collect::<Vec<_>>().join("|"))
}

fn object(description: &str, required: &[&str], properties: Value) -> Value {
    json!({
        "type": "object",
        "description": description,
        "required": required,
        "properties": properties,
        "additionalProperties": false,
    })
}

fn list_of(item: Value) -> Value {
    json!({ "anyOf": [{ "type": "array", "items": item }, { "type": "null" }] })
}

fn defs() -> Value {
    let edtf = "^\\s*-?[0-9]{2}(?:[0-9]{2}|[0-9]X|XX)(?:-[0-9]{2}(?:-[0-9]{2})?)?[~?%]?(?:/-?[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?[~?%]?)?\\s*$";
    let likelihoods: Vec<&str> = Likelihood::TERMS.iter().map(|t| t.0).collect();
    let warnings: Vec<&str> =
        Code::ALL.iter().filter(|c| c.severity() == Severity::Warning).map(|c| c.as_str()).collect();
    json!({
        "text": { "type": ["string", "number", "boolean"], "description": "text" },
        "reference": { "type": ["string", "number"], "minLength": 1, "description": "an id, a name or an alias" },
        "references": list_of(json!({ "$ref": "#/$defs/reference" })),
        "flag": { "anyOf": [{ "type": "boolean" }, { "type": "null" }, { "type": "string", "pattern": one_of_words(&["true", "false", "yes", "no", "y", "n", "on", "off"]) }] },
        "full_date": { "type": "string", "pattern": "^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\\s*$", "description": "YYYY-MM-DD" },
        "edtf": { "anyOf": [{ "type": "integer" }, { "type": "string", "pattern": edtf }], "description": "EDTF: YYYY, YYYY-MM, YYYY-MM-DD, optionally ~ ? %, or an interval A/B" },
        "url": { "type": "string", "pattern": "^\\s*[Hh][Tt][Tt][Pp][Ss]?://\\S+\\s*$" },
        "slug": { "type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$" },
        "lang": { "type": "string", "pattern": "^[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8})*$", "description": "BCP 47" },
        "tlp": { "type": "string", "pattern": format!("^\\s*(?:{})?(?:{})\\s*$", any_case("TLP:"), ["clear", "white", "green", "amber", "amber+strict", "red"].map(any_case).join("|")) },
        "reliability": { "type": "string", "pattern": "^\\s*[A-Fa-f]\\s*$", "description": "Admiralty source reliability A-F" },
        "credibility": { "anyOf": [{ "type": "integer", "minimum": 1, "maximum": 6 }, { "type": "string", "pattern": "^\\s*0*[1-6]\\s*$" }], "description": "Admiralty information credibility 1-6" },
        "source_values": { "properties": {
            "publisher": { "$ref": "#/$defs/text" },
            "title": { "$ref": "#/$defs/text" },
            "url": { "$ref": "#/$defs/url" },
            "author": { "$ref": "#/$defs/text" },
            "published": { "$ref": "#/$defs/edtf" },
            "accessed": { "$ref": "#/$defs/edtf" },
            "lang": { "$ref": "#/$defs/lang" },
            "archive": { "$ref": "#/$defs/url" },
            "reliability": { "$ref": "#/$defs/reliability" },
            "credibility": { "$ref": "#/$defs/credibility" },
        } },
        "briefing_source": {
            "description": "a source of the briefing, or `ref` to a shared source (content/sources/<id>.md) with at most its own credibility",
            "anyOf": [
                object("a source", &["id"], source_properties(true)),
                object("a shared source cited", &["id", "ref"], json!({
                    "id": { "$ref": "#/$defs/reference" },
                    "ref": { "$ref": "#/$defs/reference" },
                    "credibility": { "$ref": "#/$defs/credibility" },
                })),
            ],
        },
        "actor": { "anyOf": [
            { "$ref": "#/$defs/reference" },
            object("an actor with a role", &["ref"], json!({
                "ref": { "$ref": "#/$defs/reference" },
                "role": { "$ref": "#/$defs/text" },
                "kind": { "type": "string", "pattern": one_of_words(&["person", "organisation", "organization"]) },
            })),
        ] },
        "event": object("an event", &["date", "title"], json!({
            "id": { "$ref": "#/$defs/slug", "description": "events with the same id in several briefings are one event" },
            "date": { "$ref": "#/$defs/edtf" },
            "title": { "$ref": "#/$defs/text" },
            "planned": { "$ref": "#/$defs/flag", "description": "expected after the briefing's date" },
            "actors": { "$ref": "#/$defs/references" },
            "countries": { "$ref": "#/$defs/references" },
            "sources": { "$ref": "#/$defs/references" },
        })),
        "key_judgment": object("a key judgment", &["text"], json!({
            "text": { "$ref": "#/$defs/text" },
            "likelihood": { "type": "string", "pattern": one_of_words(&likelihoods) },
            "confidence": { "type": "string", "pattern": one_of_words(&["low", "moderate", "high"]) },
            "sources": { "$ref": "#/$defs/references" },
        })),
        "briefing": object("a briefing (content/briefings/**/*.md)", &["title", "date"], json!({
            "title": { "$ref": "#/$defs/text" },
            "date": { "$ref": "#/$defs/full_date" },
            "updated": { "$ref": "#/$defs/full_date" },
            "review_by": { "$ref": "#/$defs/full_date", "description": "after this day, `check` reports the briefing as due for review (W006)" },
            "summary": { "$ref": "#/$defs/text" },
            "lang": { "$ref": "#/$defs/lang" },
            "slug": { "$ref": "#/$defs/slug" },
            "draft": { "$ref": "#/$defs/flag" },
            "tlp": { "$ref": "#/$defs/tlp" },
            "tags": list_of(json!({ "$ref": "#/$defs/text" })),
            "actors": list_of(json!({ "$ref": "#/$defs/actor" })),
            "countries": { "$ref": "#/$defs/references" },
            "events": list_of(json!({ "$ref": "#/$defs/event" })),
            "sources": list_of(json!({ "$ref": "#/$defs/briefing_source" })),
            "key_judgments": list_of(json!({ "$ref": "#/$defs/key_judgment" })),
            "related": { "$ref": "#/$defs/references" },
        })),
        "person": object("a person (content/people/<id>.md)", &["name"], entity_properties("born")),
        "organisation": object("an organisation (content/organisations/<id>.md)", &["name"], entity_properties("founded")),
        "country": object("a country (content/countries/<cc>.md)", &[], json!({
            "name": { "$ref": "#/$defs/text" },
            "aliases": { "$ref": "#/$defs/references" },
            "wikidata": { "$ref": "#/$defs/text" },
        })),
        "page": object("a free page (content/pages/<slug>.md)", &["title"], json!({
            "title": { "$ref": "#/$defs/text" },
            "slug": { "$ref": "#/$defs/slug" },
            "draft": { "$ref": "#/$defs/flag" },
        })),
        "publisher": object("a publisher (content/publishers/<id>.md)", &["name"], json!({
            "name": { "$ref": "#/$defs/text" },
            "aliases": { "$ref": "#/$defs/references" },
            "url": { "$ref": "#/$defs/url" },
            "country": { "$ref": "#/$defs/reference" },
            "reliability": { "$ref": "#/$defs/reliability", "description": "the default reliability of its sources" },
            "organisation": { "$ref": "#/$defs/reference", "description": "the same body as an organisation entity" },
        })),
        "source": object("a shared source (content/sources/<id>.md), cited by briefings as `{id: local-id, ref: <id>}`", &[], source_properties(false)),
        "lint_codes": { "type": "string", "enum": warnings, "description": "codes site.toml's [lint] allow takes" },
    })
}

/// A source's keys, with `id` for a briefing's own sources.
fn source_properties(with_id: bool) -> Value {
    let mut props = json!({});
    if let Value::Object(m) = &mut props {
        if with_id {
            m.insert("id".into(), json!({ "$ref": "#/$defs/reference" }));
        }
        for key in [
            "publisher",
            "title",
            "url",
            "author",
            "published",
            "accessed",
            "lang",
            "archive",
            "reliability",
            "credibility",
        ] {
            m.insert(key.into(), json!({ "$ref": format!("#/$defs/source_values/properties/{key}") }));
        }
    }
    props
}

fn entity_properties(since: &str) -> Value {
    let mut props = json!({
        "name": { "$ref": "#/$defs/text" },
        "aliases": { "$ref": "#/$defs/references" },
        "countries": { "$ref": "#/$defs/references" },
        "role": { "$ref": "#/$defs/text" },
        "wikidata": { "$ref": "#/$defs/text" },
    });
    if let Value::Object(m) = &mut props {
        m.insert(since.into(), json!({ "$ref": "#/$defs/edtf" }));
    }
    props
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_case_patterns() {
        assert_eq!(any_case("TLP:"), "[Tt][Ll][Pp]\\:");
        assert_eq!(any_case("amber+strict"), "[Aa][Mm][Bb][Ee][Rr]\\+[Ss][Tt][Rr][Ii][Cc][Tt]");
    }

    #[test]
    fn every_kind_is_defined() {
        let doc = document(None);
        for k in KINDS {
            assert!(doc["$defs"][k].is_object(), "{k}");
        }
        assert_eq!(document(Some("publisher"))["$ref"], "#/$defs/publisher");
    }
}
