//! ControllerRevisions: how a StatefulSet's template becomes a named, numbered revision,
//! and how the current and update revisions are chosen (R-1…R-6).
//!
//! Models `pkg/controller/history/controller_history.go` (`HashControllerRevision`,
//! `ControllerRevisionName`) and `getStatefulSetRevisions`/`truncateHistory` of
//! `stateful_set_control.go`. The hash is computed over our own canonical JSON of the
//! template, so it cannot equal a real cluster's (N-2), but it keeps every property the
//! spec requires: deterministic, equal templates give equal names, the safe alphabet and
//! a realistic 9–10 character length.

use crate::model::*;

/// The label a revision carries with its hash.
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// The canonical revision data for a template: the template only, as a
/// strategic-merge patch marked `$patch: replace`.
pub fn revision_data(template: &PodTemplateSpec) -> String {
    let mut value = serde_json::to_value(template).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("$patch".into(), serde_json::Value::String("replace".into()));
    }
    let wrapped = serde_json::json!({ "spec": { "template": value } });
    wrapped.to_string()
}

/// 32-bit FNV-1 (not 1a) over `data` followed by the decimal collision count.
pub fn hash(data: &str, collision_count: i32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data.bytes().chain(collision_count.to_string().bytes()) {
        h = h.wrapping_mul(0x0100_0193);
        h ^= b as u32;
    }
    h
}

/// apimachinery's `rand.SafeEncodeString` of the decimal hash: every digit maps into
/// the alphabet `bcdfghjklmnpqrstvwxz2456789` by its code point mod 27.
pub fn safe_encode(h: u32) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|c| ALPHABET[c as usize % ALPHABET.len()] as char)
        .collect()
}

/// `<set>-<hash>`, the prefix truncated to 223 characters.
pub fn revision_name(set_name: &str, data: &str, collision_count: i32) -> String {
    let prefix: String = set_name.chars().take(223).collect();
    format!("{prefix}-{}", safe_encode(hash(data, collision_count)))
}

/// Sorts revisions as `history.SortControllerRevisions` does: by revision number, then
/// creation time, then name.
pub fn sort_revisions(revs: &mut [&ControllerRevision]) {
    revs.sort_by(|a, b| {
        a.revision
            .cmp(&b.revision)
            .then(a.metadata.creation.cmp(&b.metadata.creation))
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_use_the_safe_alphabet_and_are_stable() {
        let t = PodTemplateSpec::default();
        let d = revision_data(&t);
        assert!(d.contains("\"$patch\":\"replace\""));
        let a = revision_name("web", &d, 0);
        assert_eq!(
            a,
            revision_name("web", &d, 0),
            "same template, same name (R-3)"
        );
        assert_ne!(
            a,
            revision_name("web", &d, 1),
            "a collision count changes the name"
        );
        let h = a.strip_prefix("web-").unwrap();
        assert!((1..=10).contains(&h.len()));
        assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
    }
}
