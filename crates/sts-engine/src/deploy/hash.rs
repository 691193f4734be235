//! The names a Deployment and a ReplicaSet give their children.
//!
//! * `pod-template-hash`: upstream `controller.ComputeHash`
//!   (`pkg/controller/controller_utils.go`) hashes the Deployment's pod template with
//!   FNV-32a, appends the collision count as 8 little-endian bytes when it is set, and
//!   renders the decimal sum with apimachinery's `rand.SafeEncodeString`. Upstream feeds
//!   the template to the hasher through `hashutil.DeepHashObject` (a spew dump of the Go
//!   struct); the simulator feeds its own canonical JSON of the template instead, so a
//!   hash cannot equal a real cluster's (like N-2 for ControllerRevisions) but keeps the
//!   properties that matter: deterministic, equal templates give equal hashes, the safe
//!   alphabet, 6–10 characters.
//! * Pod names: the ReplicaSet controller asks for `generateName: <rs>-`
//!   (`GetPodFromTemplate` → `getPodsPrefix`) and the API server's
//!   `names.SimpleNameGenerator` appends five characters of `utilrand.String`, drawn here
//!   from the world's seeded [`SimRng`] (never OS entropy).

use crate::model::PodTemplateSpec;
use crate::rng::SimRng;

/// apimachinery `rand` alphabet (no vowels, no `0`, `1`, `3`: no words, no look-alikes).
pub const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `names.SimpleNameGenerator`: `maxNameLength` 63, `randomLength` 5.
const MAX_NAME_LENGTH: usize = 63;
const RANDOM_LENGTH: usize = 5;
const MAX_GENERATED_NAME_LENGTH: usize = MAX_NAME_LENGTH - RANDOM_LENGTH;

/// 32-bit FNV-1a.
pub fn fnv32a(bytes: impl IntoIterator<Item = u8>) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// `rand.SafeEncodeString`: every byte of `s` mapped into [`ALPHANUMS`] by its value
/// mod 27.
pub fn safe_encode_string(s: &str) -> String {
    s.bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

/// `controller.ComputeHash(template, collisionCount)`: the `pod-template-hash` value.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let data = serde_json::to_string(template).unwrap_or_default();
    let mut bytes: Vec<u8> = data.into_bytes();
    if let Some(c) = collision_count {
        // `binary.LittleEndian.PutUint32` into an 8-byte buffer: 4 bytes, then 4 zeros.
        bytes.extend_from_slice(&(c as u32).to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0]);
    }
    safe_encode_string(&fnv32a(bytes).to_string())
}

/// `utilrand.String(n)`: `n` characters of [`ALPHANUMS`].
pub fn random_suffix(rng: &mut SimRng, n: usize) -> String {
    (0..n)
        .map(|_| ALPHANUMS[rng.below(ALPHANUMS.len() as u64) as usize] as char)
        .collect()
}

/// `SimpleNameGenerator.GenerateName(base)`: `base` cut to 58 bytes, then 5 random
/// characters.
pub fn generate_name(base: &str, rng: &mut SimRng) -> String {
    let mut cut = base.len().min(MAX_GENERATED_NAME_LENGTH);
    while !base.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{}", &base[..cut], random_suffix(rng, RANDOM_LENGTH))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Container, PodSpec};

    fn template(image: &str) -> PodTemplateSpec {
        let mut t = PodTemplateSpec::default();
        t.metadata.labels.insert("app".into(), "web".into());
        t.spec = PodSpec {
            containers: vec![Container {
                name: "nginx".into(),
                image: image.into(),
                ..Container::default()
            }],
            ..PodSpec::default()
        };
        t
    }

    #[test]
    fn fnv32a_matches_the_reference_vectors() {
        // Published FNV-1a test vectors.
        assert_eq!(fnv32a(*b""), 0x811c_9dc5);
        assert_eq!(fnv32a(*b"a"), 0xe40c_292c);
        assert_eq!(fnv32a(*b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn safe_encoding_maps_digits_into_the_safe_alphabet() {
        // '0' is 48, 48 % 27 = 21 → '4'; '9' is 57, 57 % 27 = 3 → 'f'.
        assert_eq!(safe_encode_string("0"), "4");
        assert_eq!(safe_encode_string("9"), "f");
        assert_eq!(safe_encode_string("1234567890").len(), 10);
    }

    #[test]
    fn equal_templates_hash_equal_and_a_changed_image_or_collision_count_changes_it() {
        let a = compute_hash(&template("nginx:1.26"), None);
        assert_eq!(a, compute_hash(&template("nginx:1.26"), None));
        assert_ne!(a, compute_hash(&template("nginx:1.27"), None));
        assert_ne!(a, compute_hash(&template("nginx:1.26"), Some(1)));
        assert!((6..=10).contains(&a.len()), "{a}");
        assert!(a.bytes().all(|c| ALPHANUMS.contains(&c)), "{a}");
    }

    #[test]
    fn generated_names_have_five_safe_characters_and_depend_only_on_the_seed() {
        let mut r1 = SimRng::new(42);
        let mut r2 = SimRng::new(42);
        let a: Vec<String> = (0..5)
            .map(|_| generate_name("web-7c5d8", &mut r1))
            .collect();
        let b: Vec<String> = (0..5)
            .map(|_| generate_name("web-7c5d8", &mut r2))
            .collect();
        assert_eq!(a, b);
        for n in &a {
            let suffix = n.strip_prefix("web-7c5d8").expect("prefix kept");
            assert_eq!(suffix.len(), 5);
            assert!(suffix.bytes().all(|c| ALPHANUMS.contains(&c)), "{n}");
        }
        let long = "x".repeat(70);
        assert_eq!(generate_name(&long, &mut r1).len(), 63);
    }
}
