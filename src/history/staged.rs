//! The uncommitted change as a list of file changes against HEAD, in two
//! halves as `git_diff_tree_to_workdir_with_index` computes it: HEAD against
//! the index, merged with the index against the work tree. What driftcheck
//! reads of it — which files were deleted or modified, and their blobs in
//! HEAD — is the same as that function's.
//!
//! The first half reads every tree object of HEAD, which on a large
//! repository is most of the pack index in memory and a good part of a
//! warm run. It depends only on HEAD's tree and the index file, so it is
//! cached under `.driftcheck/cache/` keyed by both; the second half only
//! compares the index with the files on disk, and runs every time.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc::Sender;

use serde::{Deserialize, Serialize};

/// Bumped whenever what is cached changes: an old cache is recomputed.
const CACHE_VERSION: &str = "driftcheck staged-changes v1";

/// What happened to a file between HEAD and the work tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Added,
    Deleted,
    Modified,
    /// A conflict, or anything else that neither adds nor removes text
    /// driftcheck reads. (A file whose type changed is reported as deleted
    /// and added again.)
    Other,
}

/// One file's change: its path and blob on the old side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub status: Status,
    pub path: String,
    /// The old side's blob.
    #[serde(with = "hex_oid")]
    pub blob: git2::Oid,
}

/// Blob ids as hex in the cache file.
mod hex_oid {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(oid: &git2::Oid, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(oid)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<git2::Oid, D::Error> {
        let hex = String::deserialize(deserializer)?;
        git2::Oid::from_str(&hex).map_err(serde::de::Error::custom)
    }
}

/// The changes a diff holds as (status, old path, old blob), borrowed from
/// it; paths that are not UTF-8 are left out, as everywhere in history.
pub fn deltas<'d>(diff: &'d git2::Diff) -> impl Iterator<Item = (Status, &'d str, git2::Oid)> + 'd {
    diff.deltas().filter_map(|delta| {
        let path = delta.old_file().path().and_then(Path::to_str)?;
        let status = match delta.status() {
            git2::Delta::Added | git2::Delta::Untracked => Status::Added,
            git2::Delta::Deleted => Status::Deleted,
            git2::Delta::Modified => Status::Modified,
            _ => Status::Other,
        };
        Some((status, path, delta.old_file().id()))
    })
}

/// [`deltas`], owned: for keeping and merging.
pub fn changes(diff: &git2::Diff) -> Vec<Change> {
    deltas(diff).map(|(status, path, blob)| Change { status, path: path.to_string(), blob }).collect()
}

/// HEAD against the work tree through the index, with `options`: the
/// cached HEAD-to-index changes (`cache`, keyed by `scope` too) merged with
/// the index-to-work-tree ones. `scope` is the folder of the root in the
/// work tree; with `tracked`, the files the index lists under it are sent
/// there as soon as it is read.
pub fn uncommitted(
    repository: &git2::Repository,
    options: &mut git2::DiffOptions,
    scope: &str,
    cache: &Path,
    tracked: Option<Sender<Vec<String>>>,
) -> Option<Vec<Change>> {
    let head = repository.head().ok().and_then(|head| head.peel_to_tree().ok());
    let key = cache_key(repository, head.as_ref(), scope);
    let mut index = repository.index().ok()?;
    // The repository keeps the index it read first; the diff must be of the
    // file the key was made from, as it is now. Read again only if the file
    // changed since (libgit2 compares its checksum): reading it checks its
    // SHA-1, which for wasmtime's 7,000 files cost as much as the diff.
    index.read(false).ok()?;
    if let Some(tracked) = tracked {
        // A receiver gone has nothing left to wait for.
        let _ = tracked.send(crate::git::index_paths(&index, scope));
    }
    let staged = match key.as_deref().and_then(|key| read_cache(cache, key)) {
        Some(staged) => staged,
        None => {
            let staged = changes(&repository.diff_tree_to_index(head.as_ref(), Some(&index), Some(options)).ok()?);
            // Kept only if the index file did not change while it was read,
            // so the changes are the key's. A cache that cannot be written
            // is only a slower next run.
            if let Some(key) = key.filter(|key| cache_key(repository, head.as_ref(), scope).as_ref() == Some(key)) {
                let _ = write_cache(cache, &key, &staged);
            }
            staged
        }
    };
    // A submodule's work tree is another repository: asking about it reads
    // objects for each one, and a gitlink holds no text driftcheck reads.
    options.ignore_submodules(true);
    let unstaged = changes(&repository.diff_index_to_workdir(Some(&index), Some(options)).ok()?);
    Some(merge(staged, unstaged))
}

/// The two halves as one change per path, as `git_diff_merge` combines
/// them: the old side from HEAD, the status from both ends. A path changed
/// twice within one half (a type change: deleted, then added) combines the
/// same way.
pub fn merge(staged: Vec<Change>, unstaged: Vec<Change>) -> Vec<Change> {
    let mut merged: BTreeMap<String, Change> = BTreeMap::new();
    for change in staged.into_iter().chain(unstaged) {
        let combined = match merged.remove(&change.path) {
            Some(first) => combine(first, change.status),
            None => Some(change),
        };
        if let Some(combined) = combined {
            merged.insert(combined.path.clone(), combined);
        }
    }
    merged.into_values().collect()
}

/// `first` followed by a change of `then` to the same path.
fn combine(first: Change, then: Status) -> Option<Change> {
    let status = match (first.status, then) {
        // Added to the index, then deleted from the work tree: HEAD never
        // had it and the work tree does not either.
        (Status::Added, Status::Deleted) => return None,
        (Status::Added, _) => Status::Added,
        // What HEAD had is gone, whatever took its place.
        (Status::Deleted, _) | (_, Status::Deleted) => Status::Deleted,
        (_, Status::Other) | (Status::Other, _) => Status::Other,
        _ => Status::Modified,
    };
    Some(Change { status, ..first })
}

/// HEAD's tree, the index file's content and the scope; `None` when the
/// index cannot be read (then nothing is cached).
fn cache_key(repository: &git2::Repository, head: Option<&git2::Tree>, scope: &str) -> Option<String> {
    let index = std::fs::read(repository.path().join("index")).ok()?;
    let tree = head.map(|tree| tree.id().to_string()).unwrap_or_default();
    Some(format!("{CACHE_VERSION} {tree} {} {scope:?}", blake3::hash(&index).to_hex()))
}

#[derive(Serialize, Deserialize)]
struct Cached {
    key: String,
    changes: Vec<Change>,
}

fn read_cache(cache: &Path, key: &str) -> Option<Vec<Change>> {
    let cached: Cached = serde_json::from_slice(&std::fs::read(cache).ok()?).ok()?;
    (cached.key == key).then_some(cached.changes)
}

fn write_cache(cache: &Path, key: &str, changes: &[Change]) -> std::io::Result<()> {
    crate::fsutil::create_cache_dir(cache)?;
    let cached = Cached { key: key.to_string(), changes: changes.to_vec() };
    crate::fsutil::write_atomically(cache, &serde_json::to_vec(&cached).map_err(std::io::Error::other)?)
}

pub fn cache_path(state: &Path) -> std::path::PathBuf {
    state.join("cache").join("staged-changes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(status: Status, path: &str, blob: u8) -> Change {
        Change { status, path: path.to_string(), blob: git2::Oid::from_bytes(&[blob; 20]).expect("oid") }
    }

    #[test]
    fn merging_takes_the_old_side_from_head_and_the_status_from_both_ends() {
        use Status::*;
        // (staged, unstaged, merged): the merged change keeps the staged blob.
        let cases = [
            (Some(Modified), Some(Deleted), Some(Deleted)),
            (Some(Modified), Some(Modified), Some(Modified)),
            (Some(Added), Some(Modified), Some(Added)),
            (Some(Added), Some(Deleted), None),
            (Some(Deleted), None, Some(Deleted)),
            (None, Some(Deleted), Some(Deleted)),
            (Some(Modified), Some(Other), Some(Other)),
            // A type change in the work tree: deleted and added again.
            (Some(Deleted), Some(Added), Some(Deleted)),
        ];
        for (staged, unstaged, merged) in cases {
            let first: Vec<Change> = staged.map(|s| change(s, "a.rs", 1)).into_iter().collect();
            let second: Vec<Change> = unstaged.map(|s| change(s, "a.rs", 2)).into_iter().collect();
            let blob = if staged.is_some() { 1 } else { 2 };
            let expected: Vec<Change> = merged.map(|s| change(s, "a.rs", blob)).into_iter().collect();
            assert_eq!(merge(first, second), expected, "{staged:?} then {unstaged:?}");
        }
    }

    /// A repository with a commit of four files, then every kind of
    /// uncommitted change to them.
    fn dirty_repository() -> (tempfile::TempDir, git2::Repository) {
        let directory = tempfile::TempDir::new().expect("temp dir");
        let repository = git2::Repository::init(directory.path()).expect("init");
        let write = |name: &str, text: &str| std::fs::write(directory.path().join(name), text).expect("write");
        for name in ["kept.rs", "staged_gone.rs", "worktree_gone.rs", "both.rs", "retyped.rs", "staged_retyped.rs"] {
            write(name, &format!("pub fn {}() {{}}\n", name.trim_end_matches(".rs")));
        }
        let mut index = repository.index().expect("index");
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).expect("add");
        index.write().expect("write index");
        let tree = repository.find_tree(index.write_tree().expect("tree")).expect("find tree");
        let signature = git2::Signature::now("t", "t@example.com").expect("signature");
        repository.commit(Some("HEAD"), &signature, &signature, "first", &tree, &[]).expect("commit");
        drop(tree);
        // Staged: a deletion, a modification, an addition; then the work
        // tree deletes the modified and the added file and another one.
        index.remove_path(Path::new("staged_gone.rs")).expect("remove");
        write("both.rs", "pub fn changed() {}\n");
        write("new.rs", "pub fn new() {}\n");
        index.add_path(Path::new("both.rs")).expect("add both");
        index.add_path(Path::new("new.rs")).expect("add new");
        index.write().expect("write index");
        for name in ["staged_gone.rs", "worktree_gone.rs", "both.rs", "new.rs"] {
            std::fs::remove_file(directory.path().join(name)).expect("remove file");
        }
        // Files that became symbolic links: one in the work tree only, one
        // staged as well. Each is a deletion and an addition to git.
        #[cfg(unix)]
        for name in ["retyped.rs", "staged_retyped.rs"] {
            std::fs::remove_file(directory.path().join(name)).expect("remove file");
            std::os::unix::fs::symlink("kept.rs", directory.path().join(name)).expect("symlink");
        }
        #[cfg(unix)]
        {
            index.add_path(Path::new("staged_retyped.rs")).expect("add link");
            index.write().expect("write index");
        }
        (directory, repository)
    }

    #[test]
    fn the_halves_merge_to_what_libgit2_diffs_in_one() {
        let (directory, repository) = dirty_repository();
        let cache = directory.path().join(".driftcheck/cache/staged-changes");
        let ours = uncommitted(&repository, &mut git2::DiffOptions::new(), "", &cache, None).expect("diff");
        let head = repository.head().and_then(|head| head.peel_to_tree()).expect("head tree");
        let whole = repository.diff_tree_to_workdir_with_index(Some(&head), None).expect("libgit2 diff");
        // What history reads: each deleted or modified file with its blob in
        // HEAD, from our halves and from libgit2's one diff alike.
        let read = |changes: &[Change]| {
            let mut read: Vec<(String, Status, git2::Oid)> = changes
                .iter()
                .filter(|c| matches!(c.status, Status::Deleted | Status::Modified))
                .map(|c| (c.path.clone(), c.status, c.blob))
                .collect();
            read.sort_by(|a, b| a.0.cmp(&b.0));
            read
        };
        assert_eq!(read(&ours), read(&changes(&whole)));
        let deleted: Vec<&str> = ours.iter().filter(|c| c.status == Status::Deleted).map(|c| c.path.as_str()).collect();
        let expected = match cfg!(unix) {
            true => vec!["both.rs", "retyped.rs", "staged_gone.rs", "staged_retyped.rs", "worktree_gone.rs"],
            false => vec!["both.rs", "staged_gone.rs", "worktree_gone.rs"],
        };
        assert_eq!(deleted, expected);
        assert!(cache.is_file(), "the staged half is cached");
    }

    #[test]
    fn the_cached_staged_half_is_used_until_the_index_changes() {
        let (directory, repository) = dirty_repository();
        let cache = cache_path(&directory.path().join(".driftcheck"));
        let head = repository.head().and_then(|head| head.peel_to_tree()).expect("head tree");
        let key = cache_key(&repository, Some(&head), "").expect("key");
        // A planted answer under the right key is believed: the index
        // against HEAD is not diffed again.
        write_cache(&cache, &key, &[change(Status::Deleted, "planted.rs", 7)]).expect("plant");
        let planted = uncommitted(&repository, &mut git2::DiffOptions::new(), "", &cache, None).expect("diff");
        assert!(planted.iter().any(|c| c.path == "planted.rs"));
        assert!(!planted.iter().any(|c| c.path == "staged_gone.rs"));
        // Staging anything rewrites the index, so the key no longer matches.
        std::fs::write(directory.path().join("extra.rs"), "pub fn extra() {}\n").expect("write");
        let mut index = repository.index().expect("index");
        index.add_path(Path::new("extra.rs")).expect("add");
        index.write().expect("write index");
        let fresh = uncommitted(&repository, &mut git2::DiffOptions::new(), "", &cache, None).expect("diff");
        assert!(!fresh.iter().any(|c| c.path == "planted.rs"));
        assert!(fresh.iter().any(|c| c.path == "staged_gone.rs" && c.status == Status::Deleted));
    }

    #[test]
    fn the_files_the_index_lists_under_the_scope_are_sent_once_it_is_read() {
        let (directory, repository) = dirty_repository();
        std::fs::create_dir(directory.path().join("sub")).expect("folder");
        std::fs::write(directory.path().join("sub/inner.rs"), "pub fn inner() {}\n").expect("write");
        let mut index = repository.index().expect("index");
        index.add_path(Path::new("sub/inner.rs")).expect("add");
        index.write().expect("write index");
        let sent = |scope: &str| {
            let (sender, receiver) = std::sync::mpsc::channel();
            let cache = cache_path(&directory.path().join(".driftcheck"));
            uncommitted(&repository, &mut git2::DiffOptions::new(), scope, &cache, Some(sender)).expect("diff");
            receiver.recv().expect("sent")
        };
        // Tracked, whether or not the work tree still holds them.
        let expected = ["both.rs", "kept.rs", "new.rs", "retyped.rs", "staged_retyped.rs", "sub/inner.rs"];
        assert_eq!(sent(""), [&expected[..], &["worktree_gone.rs"]].concat());
        assert_eq!(sent("sub"), ["inner.rs"]);
    }

    #[test]
    fn a_corrupt_cache_is_recomputed() {
        let (directory, repository) = dirty_repository();
        let cache = cache_path(&directory.path().join(".driftcheck"));
        crate::fsutil::create_cache_dir(&cache).expect("cache dir");
        std::fs::write(&cache, "{not json").expect("corrupt");
        let found = uncommitted(&repository, &mut git2::DiffOptions::new(), "", &cache, None).expect("diff");
        assert!(found.iter().any(|c| c.path == "staged_gone.rs"));
        let head = repository.head().and_then(|head| head.peel_to_tree()).expect("head tree");
        let key = cache_key(&repository, Some(&head), "").expect("key");
        assert!(read_cache(&cache, &key).is_some(), "rewritten whole");
    }
}
