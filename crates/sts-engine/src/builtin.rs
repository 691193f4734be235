//! The built-in scenarios (`scenarios/*.yaml`), embedded at build time by `build.rs`
//! when the `builtin-scenarios` feature is on: the web app and the JavaScript bindings
//! offer them without reading files.

use serde::{Deserialize, Serialize};

use crate::scenario::{self, Step};

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

/// A built-in scenario's picker entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub id: String,
    pub title: scenario::Text,
    pub summary: Option<scenario::Text>,
    /// True if the scenario has narration or tasks (a lesson).
    pub lesson: bool,
    /// Its place in the course (the scenario's `lesson:` number).
    pub number: Option<u32>,
}

/// Every built-in scenario that parses: the numbered lessons first in course order,
/// then the others by id.
pub fn catalog() -> Vec<CatalogEntry> {
    let mut c: Vec<CatalogEntry> = SCENARIOS
        .iter()
        .filter_map(|(id, text)| {
            let s = scenario::parse(text).ok()?;
            Some(CatalogEntry {
                id: id.to_string(),
                title: s.title.clone(),
                summary: s.summary.clone(),
                lesson: s
                    .steps
                    .iter()
                    .any(|st| matches!(st, Step::Say(_) | Step::Task(_))),
                number: s.lesson,
            })
        })
        .collect();
    c.sort_by(|a, b| {
        (a.number.is_none(), a.number, &a.id).cmp(&(b.number.is_none(), b.number, &b.id))
    });
    c
}

/// The text of a built-in scenario.
pub fn scenario_source(id: &str) -> Option<&'static str> {
    SCENARIOS.iter().find(|(i, _)| *i == id).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_scenario_parses_and_is_its_file() {
        // Empty without the feature; with it, every file is in the catalog.
        assert_eq!(catalog().len(), SCENARIOS.len());
        for (id, text) in SCENARIOS {
            assert_eq!(scenario_source(id), Some(*text));
        }
        assert_eq!(scenario_source("no-such-scenario"), None);
    }
}
