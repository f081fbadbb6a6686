//! The index cache through the real binary: warm runs reuse what did not
//! change, see what did, and never trust a broken cache.

mod common;

use std::fs;

use common::{check_json as json, field, repo};
use driftcheck::code::index_file;
use driftcheck::discover::FileStamp;
use driftcheck::index_cache::{cache_path, content_hash, IndexCache};

const CODE: &str = "pub struct Client;\nimpl Client {\n    pub fn retry_with_backoff(&self) {}\n}\n";
const SPEC: &str = "# Retries\n\nFailures go through `Client::retry_with_backoff`.\n";

fn index_cache(dir: &std::path::Path) -> std::path::PathBuf {
    cache_path(&dir.join(".driftcheck"))
}

#[test]
fn a_run_leaves_an_index_cache_and_the_next_gives_the_same_report() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let (code, cold) = json(dir.path(), &[]);
    assert_eq!(code, 0, "{cold}");
    assert!(index_cache(dir.path()).is_file());
    let (_, warm) = json(dir.path(), &[]);
    assert_eq!(cold, warm);
}

#[test]
fn a_warm_run_sees_a_renamed_function() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    assert_eq!(json(dir.path(), &[]).0, 0);
    fs::write(dir.path().join("src/net.rs"), CODE.replace("retry_with_backoff", "retry_later")).unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(field(&report, "reference"), ["Client::retry_with_backoff"]);
}

/// The cache is what a warm run believes about an unchanged file: plant an
/// index of other content under this content's hash, and the run reports
/// what the planted index says. `--no-cache` parses the file itself.
#[test]
fn a_warm_run_does_not_parse_unchanged_files_again() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let planted = index_file("src/net.rs", CODE.replace("retry_with_backoff", "retry_later"));
    let cache = IndexCache::open(&dir.path().join(".driftcheck"));
    cache.save(&[(&planted, content_hash(CODE), None)]).unwrap();
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(report["summary"]["links"], 0, "the planted index has no retry_with_backoff: {report}");
    assert_eq!(json(dir.path(), &["--no-cache"]).1["summary"]["links"], 1);
}

/// Sets a file's modification time an hour back: settled, as files are
/// between one commit and the next.
fn settle(path: &std::path::Path) -> std::time::SystemTime {
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options().write(true).open(path).unwrap().set_modified(past).unwrap();
    past
}

/// A settled file whose size and times match the cache is not even read:
/// plant an index under its stamp (and a wrong content hash), and the run
/// reports what the planted index says.
#[test]
fn a_warm_run_does_not_read_a_file_its_stamp_says_is_unchanged() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let file = dir.path().join("src/net.rs");
    settle(&file);
    let stamp = FileStamp::of(&fs::metadata(&file).unwrap());
    let planted = index_file("src/net.rs", CODE.replace("retry_with_backoff", "retry_later"));
    let cache = IndexCache::open(&dir.path().join(".driftcheck"));
    cache.save(&[(&planted, content_hash("other content"), stamp)]).unwrap();
    assert_eq!(json(dir.path(), &[]).1["summary"]["links"], 0);
    assert_eq!(json(dir.path(), &["--no-cache"]).1["summary"]["links"], 1);
}

/// Same size, the modification time set back to what it was: the change
/// time (and, for a replaced file, the inode) still tells.
#[test]
fn a_same_size_rewrite_with_its_old_time_is_seen() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let file = dir.path().join("src/net.rs");
    let past = settle(&file);
    assert_eq!(json(dir.path(), &[]).0, 0);
    let renamed = CODE.replace("retry_with_backoff", "retry_with_backof2");
    assert_eq!(renamed.len(), CODE.len());
    fs::write(&file, renamed).unwrap();
    fs::File::options().write(true).open(&file).unwrap().set_modified(past).unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(field(&report, "reference"), ["Client::retry_with_backoff"]);
}

/// A file written just now may change again within the same clock tick:
/// the cache keeps no stamp for it, and the next run reads it.
#[test]
fn only_a_file_modified_well_before_the_run_is_trusted_by_its_stamp() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let stamp = FileStamp::of(&fs::metadata(dir.path().join("src/net.rs")).unwrap()).unwrap();
    assert!(!stamp.settled_before(std::time::SystemTime::now()));
    let settled = settle(&dir.path().join("src/net.rs")) + std::time::Duration::from_secs(3);
    let stamp = FileStamp::of(&fs::metadata(dir.path().join("src/net.rs")).unwrap()).unwrap();
    assert!(stamp.settled_before(settled));
}

#[test]
fn a_corrupt_index_cache_is_rebuilt_silently() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let (_, clean) = json(dir.path(), &[]);
    let path = index_cache(dir.path());
    let mut bytes = fs::read(&path).unwrap();
    bytes.truncate(bytes.len() - 9);
    fs::write(&path, &bytes).unwrap();
    let output = common::driftcheck(dir.path()).args(["check", "--format", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap(), clean);
    assert!(IndexCache::open(&dir.path().join(".driftcheck")).len() == 1, "rewritten whole");
}

#[test]
fn no_cache_neither_reads_nor_writes_the_index_cache() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    assert_eq!(json(dir.path(), &["--no-cache"]).0, 0);
    assert!(!index_cache(dir.path()).exists());
}

#[test]
fn concurrent_runs_share_the_cache_safely() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let (_, expected) = json(dir.path(), &["--no-cache"]);
    let runs: Vec<_> = (0..6)
        .map(|_| {
            let root = dir.path().to_path_buf();
            std::thread::spawn(move || json(&root, &[]))
        })
        .collect();
    for run in runs {
        assert_eq!(run.join().unwrap().1, expected);
    }
    let leftovers: Vec<_> = fs::read_dir(index_cache(dir.path()).parent().unwrap())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "index")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    assert_eq!(IndexCache::open(&dir.path().join(".driftcheck")).len(), 1);
}

/// Without a lock nothing reads body hashes, so a run leaves them out of
/// the cache; `accept` then needs them and must not take the cache's word.
#[test]
fn a_lock_made_after_a_run_without_hashes_still_sees_a_changed_body() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let file = dir.path().join("src/net.rs");
    settle(&file);
    assert_eq!(json(dir.path(), &[]).0, 0);
    let cached = IndexCache::open(&dir.path().join(".driftcheck"));
    let stamp = FileStamp::of(&fs::metadata(&file).unwrap());
    let (unhashed, _) = cached.unchanged("src/net.rs", stamp.as_ref(), &file, false).expect("cached");
    assert!(!unhashed.bodies_hashed && unhashed.symbols.iter().all(|s| s.body_hash.is_empty()));
    assert!(cached.unchanged("src/net.rs", stamp.as_ref(), &file, true).is_none(), "a miss for a run that hashes");

    let accepted = common::run(dir.path(), &["accept", "--all"]);
    assert!(accepted.status.success(), "{}", String::from_utf8_lossy(&accepted.stderr));
    let lock = fs::read_to_string(dir.path().join("driftcheck.lock")).unwrap();
    assert!(!lock.contains("\t\n"), "hashes recorded:\n{lock}");
    assert_eq!(json(dir.path(), &[]).0, 0, "the accepted state is clean");
    // A comment is not a change of the body: with the lock, hashes are
    // computed again and still equal the accepted ones.
    fs::write(&file, CODE.replace("(&self) {}", "(&self) { /* soon */ }")).unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!((code, field(&report, "rule").len()), (0, 0), "{report}");

    fs::write(&file, CODE.replace("(&self) {}", "(&self) { self.sleep(); }")).unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "rule"), ["stale-link"], "{report}");
    assert_eq!(code, 1);
}

/// A run that re-indexed a file for its hashes writes them to the cache:
/// the next such run takes the file from the cache.
#[test]
fn hashes_computed_once_are_kept_in_the_cache() {
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", SPEC)]);
    let file = dir.path().join("src/net.rs");
    settle(&file);
    assert_eq!(json(dir.path(), &[]).0, 0);
    assert!(common::run(dir.path(), &["accept", "--all"]).status.success());
    let cached = IndexCache::open(&dir.path().join(".driftcheck"));
    let stamp = FileStamp::of(&fs::metadata(&file).unwrap());
    let (hashed, _) = cached.unchanged("src/net.rs", stamp.as_ref(), &file, true).expect("hashed entry");
    assert!(hashed.bodies_hashed && hashed.symbols.iter().all(|s| !s.body_hash.is_empty()));
}
