//! dossier: a static-site generator for briefing dossiers.
//!
//! The build is a chain of stages, each a module with a typed output; `pipeline` spells out
//! their order and is the only place that calls them in sequence.

pub mod commands;
pub mod config;
pub mod date;
pub mod diag;
pub mod entities;
pub mod frontmatter;
#[doc(hidden)]
pub mod fuzz;
pub mod index;
pub mod interrupt;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod search;
pub mod serve;
pub mod slug;
pub mod sources;
pub mod timing;
pub mod tlp;
pub mod url;
pub mod yaml_error;
