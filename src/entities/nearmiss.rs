//! Near-miss lookup: finds registered names one edit away from a given name, through an index of
//! deletion neighbourhoods, so the cost is linear in the number of names, never quadratic.

use super::EntityId;
use super::key::MatchKey;
use std::collections::HashMap;
use std::sync::Mutex;

/// Shorter names are one edit apart by accident too often ("Ra Mi" vs "Ha Mi").
const MIN_CHARS: usize = 7;
/// Names longer than this are not checked: the deletion neighbourhood of a name grows with
/// the square of its length, and no one misspells a 200-character name by one letter.
const MAX_CHARS: usize = 120;

#[derive(Debug, Default)]
pub struct NearMiss {
    exact: HashMap<String, EntityId>,
    deleted: HashMap<String, Vec<EntityId>>,
    /// Answers given so far: a rebuild asks again about the same implicit names.
    memo: Mutex<HashMap<String, Vec<EntityId>>>,
    /// Every indexed key of an entity.
    keys: HashMap<EntityId, Vec<String>>,
}

/// The digits of a name in order: "Council 132" and "Council 182" differ in them, so they
/// are two numbered bodies, not a typo of one another.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

impl NearMiss {
    pub fn insert(&mut self, key: &MatchKey, id: EntityId) {
        if !(MIN_CHARS..=MAX_CHARS).contains(&key.as_str().chars().count()) {
            return;
        }
        self.exact.insert(key.as_str().to_string(), id);
        self.keys.entry(id).or_default().push(key.as_str().to_string());
        for d in key.deletions() {
            let v = self.deleted.entry(d).or_default();
            if !v.contains(&id) {
                v.push(id);
            }
        }
    }

    /// Entities whose name is at most one insertion, deletion or substitution away (and has
    /// the same digits), best first.
    pub fn find(&self, key: &MatchKey) -> Vec<EntityId> {
        if let Some(hit) = self.memo.lock().unwrap_or_else(|e| e.into_inner()).get(key.as_str()) {
            return hit.clone();
        }
        let out = self.search(key);
        self.memo.lock().unwrap_or_else(|e| e.into_inner()).insert(key.as_str().to_string(), out.clone());
        out
    }

    fn search(&self, key: &MatchKey) -> Vec<EntityId> {
        let mut out = Vec::new();
        let mut add = |id: EntityId| {
            if !out.contains(&id) {
                out.push(id);
            }
        };
        let len = key.as_str().chars().count();
        if len + 1 < MIN_CHARS || len > MAX_CHARS + 1 {
            return out;
        }
        // One letter missing from the query.
        for id in self.deleted.get(key.as_str()).into_iter().flatten() {
            add(*id);
        }
        for d in key.deletions() {
            // One letter too many in the query.
            if let Some(id) = self.exact.get(&d) {
                add(*id);
            }
            // One letter different.
            for id in self.deleted.get(&d).into_iter().flatten() {
                add(*id);
            }
        }
        let mine = digits(key.as_str());
        out.retain(|id| self.keys.get(id).is_some_and(|ks| ks.iter().any(|k| digits(k) == mine)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_one_edit() {
        let mut nm = NearMiss::default();
        nm.insert(&MatchKey::new("Xi Jinping"), EntityId(1));
        nm.insert(&MatchKey::new("Nordkorea"), EntityId(2));
        assert_eq!(nm.find(&MatchKey::new("Xi Jinpin")), [EntityId(1)]);
        assert_eq!(nm.find(&MatchKey::new("Xi Jinpingg")), [EntityId(1)]);
        assert_eq!(nm.find(&MatchKey::new("Nordkoria")), [EntityId(2)]);
        assert!(nm.find(&MatchKey::new("Südkorea")).is_empty());
        // Numbered bodies are told apart by their numbers.
        nm.insert(&MatchKey::new("Council on Energy 33"), EntityId(3));
        assert!(nm.find(&MatchKey::new("Council on Energy 36")).is_empty());
        assert_eq!(nm.find(&MatchKey::new("Councl on Energy 33")), [EntityId(3)]);
    }
}
