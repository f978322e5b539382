//! The page kinds of the site, one file each: its URL (and the parsing of it back), its
//! template and its context. `table.rs` lists them.

pub mod briefing;
pub mod briefings;
pub mod entities;
pub mod entity;
pub mod entity_events;
pub mod free;
pub mod home;
pub mod not_found;
pub mod publisher;
pub mod search;
pub mod sources;
pub mod tag;
pub mod tags;
pub mod timeline;
pub mod year;
