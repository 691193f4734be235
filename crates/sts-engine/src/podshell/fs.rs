//! Files inside pods, as the world keeps them.
//!
//! Every file lives in a *store*, and a store's lifetime is the lifetime of what backs
//! it:
//!
//! * [`StoreKey::Volume`]: a PersistentVolume, by name. Files written under a
//!   container's `volumeMounts` path for a claim live here, so they survive pod deletion
//!   and reappear in the replacement pod that mounts the same claim (I-5, P-6). A store
//!   is valid only for the PV object it was written to (its uid; for the `Recycle`
//!   reclaim policy also the claim it was bound to, since recycling scrubs the volume):
//!   a deleted volume loses its files.
//! * [`StoreKey::EmptyDir`]: an `emptyDir` (or other node-local) volume of one pod.
//! * [`StoreKey::Root`]: a container's own filesystem (the image's files plus what was
//!   written outside any mount), gone with the pod.
//!
//! Stores are checked against the world (by owner uid) whenever a pod shell runs, and
//! dropped when their owner is gone, so nothing outlives what backs it. Sizes are
//! bounded per store and in total.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::time::SimTime;
use crate::world::Key;

/// The most bytes of file content one store (volume or container) may hold.
pub const MAX_STORE_BYTES: usize = 1 << 20;
/// The most files and directories one store may hold.
pub const MAX_STORE_ENTRIES: usize = 1000;
/// The most bytes of file content in the whole cluster.
pub const MAX_TOTAL_BYTES: usize = 16 << 20;
/// The most files and directories in the whole cluster.
pub const MAX_TOTAL_ENTRIES: usize = 20_000;

/// What a store belongs to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StoreKey {
    /// A PersistentVolume, by name.
    Volume(String),
    /// A pod's `emptyDir` (or other pod-lifetime) volume.
    EmptyDir { pod: Key, volume: String },
    /// A container's root filesystem.
    Root { pod: Key, container: String },
}

/// One file or directory.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A directory.
    Dir { mtime: SimTime },
    /// A file (text).
    File { data: Arc<str>, mtime: SimTime },
}

impl Entry {
    /// True for a directory.
    pub fn is_dir(&self) -> bool {
        matches!(self, Entry::Dir { .. })
    }
    /// Bytes of content (0 for a directory).
    pub fn size(&self) -> usize {
        match self {
            Entry::Dir { .. } => 0,
            Entry::File { data, .. } => data.len(),
        }
    }
    /// Last modification.
    pub fn mtime(&self) -> SimTime {
        match self {
            Entry::Dir { mtime } | Entry::File { mtime, .. } => *mtime,
        }
    }
}

/// Entries by path relative to the store's root (`""` is the root itself, implied;
/// `a/b` below it).
pub type Tree = BTreeMap<String, Entry>;

/// A store: who owns it and its entries.
#[derive(Clone, Debug, PartialEq)]
pub struct Store {
    /// The uid (or uids) of what backs the store; a store whose owner changed is stale.
    pub owner: String,
    /// The entries.
    pub tree: Tree,
    /// Bytes of file content in `tree`.
    bytes: usize,
}

/// Every store in the cluster.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Files {
    stores: BTreeMap<StoreKey, Store>,
    /// Bumped on every change (a shell loop that changes nothing is stopped).
    version: u64,
}

/// Why a file operation failed, as the errno text programs print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    NotDir,
    IsDir,
    Exists,
    NotEmpty,
    ReadOnly,
    Busy,
    /// A playground limit; the text names it.
    NoSpace(String),
}

impl FsError {
    /// The errno text (`No such file or directory`…).
    pub fn text(&self) -> String {
        match self {
            FsError::NotFound => "No such file or directory".into(),
            FsError::NotDir => "Not a directory".into(),
            FsError::IsDir => "Is a directory".into(),
            FsError::Exists => "File exists".into(),
            FsError::NotEmpty => "Directory not empty".into(),
            FsError::ReadOnly => "Read-only file system".into(),
            FsError::Busy => "Device or resource busy".into(),
            FsError::NoSpace(why) => format!("No space left on device ({why})"),
        }
    }
}

/// The parent of a relative path (`""` for top-level entries).
pub fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(p, _)| p)
}

/// True if `rel` is a directory of `tree` (the root, an explicit directory, or the
/// parent of some entry).
pub fn is_dir(tree: &Tree, rel: &str) -> bool {
    if rel.is_empty() {
        return true;
    }
    match tree.get(rel) {
        Some(e) => e.is_dir(),
        None => {
            let prefix = format!("{rel}/");
            tree.range(prefix.clone()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(&prefix))
        }
    }
}

/// What is at `rel`: `Some(entry)` for files and explicit directories, an implied
/// directory as `Dir` at time zero, `None` if nothing.
pub fn lookup(tree: &Tree, rel: &str) -> Option<Entry> {
    if let Some(e) = tree.get(rel) {
        return Some(e.clone());
    }
    is_dir(tree, rel).then_some(Entry::Dir {
        mtime: SimTime::ZERO,
    })
}

/// The direct children of directory `rel`: name → entry (implied directories included).
pub fn children(tree: &Tree, rel: &str) -> BTreeMap<String, Entry> {
    let prefix = if rel.is_empty() {
        String::new()
    } else {
        format!("{rel}/")
    };
    let mut out = BTreeMap::new();
    for (k, e) in tree.range(prefix.clone()..) {
        let Some(rest) = k.strip_prefix(&prefix) else {
            break;
        };
        if rest.is_empty() {
            continue;
        }
        match rest.split_once('/') {
            None => {
                out.insert(rest.to_string(), e.clone());
            }
            Some((first, _)) => {
                out.entry(first.to_string()).or_insert(Entry::Dir {
                    mtime: SimTime::ZERO,
                });
            }
        }
    }
    out
}

fn content_bytes(tree: &Tree) -> usize {
    tree.values().map(Entry::size).sum()
}

impl Files {
    /// The store at `key` if its owner is still `owner`.
    pub fn get(&self, key: &StoreKey, owner: &str) -> Option<&Store> {
        self.stores.get(key).filter(|s| s.owner == owner)
    }

    /// Bumped on every change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many stores exist (for tests).
    pub fn len(&self) -> usize {
        self.stores.len()
    }

    /// True if no store exists.
    pub fn is_empty(&self) -> bool {
        self.stores.is_empty()
    }

    /// Drops every store for which `valid(key, owner)` is false.
    pub fn prune(&mut self, valid: impl Fn(&StoreKey, &str) -> bool) {
        let before = self.stores.len();
        self.stores.retain(|k, s| valid(k, &s.owner));
        if self.stores.len() != before {
            self.version += 1;
        }
    }

    /// Removes one store.
    pub fn remove(&mut self, key: &StoreKey) {
        if self.stores.remove(key).is_some() {
            self.version += 1;
        }
    }

    /// Changes the tree of store `key` (created from `seed` when missing or stale) with
    /// `f`, which sees a copy; the change is kept only if it succeeds and stays within
    /// the limits.
    pub fn update<T>(
        &mut self,
        key: &StoreKey,
        owner: &str,
        seed: impl FnOnce() -> Tree,
        f: impl FnOnce(&mut Tree) -> Result<T, FsError>,
    ) -> Result<T, FsError> {
        let mut tree = match self.get(key, owner) {
            Some(s) => s.tree.clone(),
            None => seed(),
        };
        let result = f(&mut tree)?;
        let bytes = content_bytes(&tree);
        if bytes > MAX_STORE_BYTES {
            return Err(FsError::NoSpace(format!(
                "the playground keeps at most {} KiB of files per volume or container",
                MAX_STORE_BYTES / 1024
            )));
        }
        if tree.len() > MAX_STORE_ENTRIES {
            return Err(FsError::NoSpace(format!(
                "the playground keeps at most {MAX_STORE_ENTRIES} files per volume or container"
            )));
        }
        let (other_bytes, other_entries) = self
            .stores
            .iter()
            .filter(|(k, _)| *k != key)
            .fold((0, 0), |(b, n), (_, s)| (b + s.bytes, n + s.tree.len()));
        if other_bytes + bytes > MAX_TOTAL_BYTES || other_entries + tree.len() > MAX_TOTAL_ENTRIES {
            return Err(FsError::NoSpace(format!(
                "the playground keeps at most {} MiB and {MAX_TOTAL_ENTRIES} files in the whole cluster",
                MAX_TOTAL_BYTES >> 20
            )));
        }
        self.stores.insert(
            key.clone(),
            Store {
                owner: owner.to_string(),
                tree,
                bytes,
            },
        );
        self.version += 1;
        Ok(result)
    }
}

/// Writes `data` at `rel` (appending if asked); the parent must be a directory.
pub fn write(
    tree: &mut Tree,
    rel: &str,
    data: &str,
    append: bool,
    now: SimTime,
) -> Result<(), FsError> {
    if rel.is_empty() || is_dir(tree, rel) {
        return Err(FsError::IsDir);
    }
    check_parent(tree, rel)?;
    let old = match tree.get(rel) {
        Some(Entry::File { data, .. }) if append => data.to_string(),
        _ => String::new(),
    };
    tree.insert(
        rel.to_string(),
        Entry::File {
            data: Arc::from(old + data),
            mtime: now,
        },
    );
    Ok(())
}

/// Fails unless every ancestor of `rel` is a directory.
fn check_parent(tree: &Tree, rel: &str) -> Result<(), FsError> {
    let p = parent(rel);
    if p.is_empty() {
        return Ok(());
    }
    match lookup(tree, p) {
        Some(Entry::Dir { .. }) => Ok(()),
        Some(Entry::File { .. }) => Err(FsError::NotDir),
        None => {
            // A file higher up makes it "Not a directory".
            let mut q = parent(p);
            while !q.is_empty() {
                if let Some(Entry::File { .. }) = tree.get(q) {
                    return Err(FsError::NotDir);
                }
                q = parent(q);
            }
            Err(FsError::NotFound)
        }
    }
}

/// Creates directory `rel` (and its parents with `parents`).
pub fn mkdir(tree: &mut Tree, rel: &str, parents: bool, now: SimTime) -> Result<(), FsError> {
    if rel.is_empty() {
        return if parents {
            Ok(())
        } else {
            Err(FsError::Exists)
        };
    }
    match lookup(tree, rel) {
        Some(Entry::Dir { .. }) if parents => return Ok(()),
        Some(Entry::File { .. }) if parents => return Err(FsError::Exists),
        Some(_) => return Err(FsError::Exists),
        None => {}
    }
    if parents {
        let mut path = String::new();
        for part in rel.split('/') {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(part);
            match lookup(tree, &path) {
                Some(Entry::Dir { .. }) => {}
                Some(Entry::File { .. }) => return Err(FsError::NotDir),
                None => {
                    tree.insert(path.clone(), Entry::Dir { mtime: now });
                }
            }
        }
        return Ok(());
    }
    check_parent(tree, rel)?;
    tree.insert(rel.to_string(), Entry::Dir { mtime: now });
    Ok(())
}

/// Removes `rel` (a directory only with `recursive`; its contents go with it).
pub fn remove(tree: &mut Tree, rel: &str, recursive: bool) -> Result<(), FsError> {
    match lookup(tree, rel) {
        None => Err(FsError::NotFound),
        Some(Entry::File { .. }) => {
            tree.remove(rel);
            Ok(())
        }
        Some(Entry::Dir { .. }) => {
            if !recursive {
                return Err(FsError::IsDir);
            }
            remove_contents(tree, rel);
            tree.remove(rel);
            Ok(())
        }
    }
}

/// Removes everything below directory `rel` (the directory itself stays).
pub fn remove_contents(tree: &mut Tree, rel: &str) {
    if rel.is_empty() {
        tree.clear();
        return;
    }
    let prefix = format!("{rel}/");
    let doomed: Vec<String> = tree
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, _)| k.clone())
        .collect();
    for k in doomed {
        tree.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_behave_like_directories() {
        let now = SimTime(5);
        let mut t = Tree::new();
        assert_eq!(
            write(&mut t, "a/b", "x", false, now),
            Err(FsError::NotFound)
        );
        mkdir(&mut t, "a/b", true, now).expect("mkdir -p");
        write(&mut t, "a/b/f", "hello\n", false, now).expect("write");
        write(&mut t, "a/b/f", "again\n", true, now).expect("append");
        assert!(is_dir(&t, "a"));
        assert_eq!(lookup(&t, "a/b/f").map(|e| e.size()), Some(12));
        assert_eq!(children(&t, "a").keys().cloned().collect::<Vec<_>>(), ["b"]);
        assert_eq!(
            write(&mut t, "a/b/f/g", "x", false, now),
            Err(FsError::NotDir)
        );
        assert_eq!(remove(&mut t, "a", false), Err(FsError::IsDir));
        remove(&mut t, "a", true).expect("rm -r");
        assert!(t.is_empty());
    }

    #[test]
    fn limits_refuse_the_write_and_keep_the_old_state() {
        let mut files = Files::default();
        let key = StoreKey::Volume("pv-1".into());
        let big = "x".repeat(MAX_STORE_BYTES);
        files
            .update(&key, "uid-1", Tree::new, |t| {
                write(t, "a", &big, false, SimTime(0))
            })
            .expect("fits exactly");
        let err = files
            .update(&key, "uid-1", Tree::new, |t| {
                write(t, "b", "y", false, SimTime(0))
            })
            .expect_err("one byte too many");
        assert!(matches!(err, FsError::NoSpace(_)));
        assert!(files
            .get(&key, "uid-1")
            .is_some_and(|s| !s.tree.contains_key("b")));
        assert!(
            files.get(&key, "uid-2").is_none(),
            "another owner sees nothing"
        );
    }
}
