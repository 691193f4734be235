//! Shared helpers of the integration tests: locating the repository's scenarios and the
//! invariant checkers that run after every simulated step (principle: tests are the spec).

pub mod invariants;

use std::path::PathBuf;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Every scenario file in `scenarios/`, sorted, filtered by the `STS_SCENARIO`
/// environment variable (a substring of the file name) when set.
pub fn scenario_files() -> Vec<PathBuf> {
    let filter = std::env::var("STS_SCENARIO").unwrap_or_default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("scenarios"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.extension().is_some_and(|e| e == "yaml") && p.to_string_lossy().contains(&filter)
    });
    files.sort();
    files
}
