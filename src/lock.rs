//! `driftcheck.lock`: the reviewed state of every link, committed with the
//! code. A link whose clause or code hash differs from its entry is stale.
//!
//! The file is plain text, one link per line, sorted, fields separated by
//! tabs (shown as spaces here) — so merges conflict only when both sides
//! reviewed the same link:
//!
//! ```text
//! # driftcheck.lock — …
//! version    1
//! specs/net.md#retry-policy/2    9f2c4a1b0d3e5f67    src/net.rs::Client::retry    3a4b5c6d7e8f9012
//! ```

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};

pub const FILE_NAME: &str = "driftcheck.lock";
const VERSION: &str = "1";
const HEADER: &str = "\
# driftcheck.lock: reviewed links between spec clauses and code, written by `driftcheck accept`.
# Commit it. One link per line, sorted: clause id, clause hash, code anchor, code hash (tab-separated).
";

/// One accepted link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub clause: String,
    pub clause_hash: String,
    /// `path::Symbol`, `path` or `path#L10-L20`.
    pub anchor: String,
    pub code_hash: String,
}

/// The parsed lock: entries keyed by (clause id, anchor).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    entries: BTreeMap<(String, String), Entry>,
    /// Links recorded more than once with different hashes: what a
    /// `merge=union` of two branches that each accepted the link leaves.
    /// The other records, kept (and written back) until the link is
    /// accepted again.
    conflicts: BTreeMap<(String, String), Vec<Entry>>,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum LockError {
    #[error("{message}")]
    #[diagnostic(code(driftcheck::lock))]
    Invalid {
        message: String,
        #[source_code]
        text: NamedSource<String>,
        #[label("here")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },
    #[error("cannot access {path}: {source}")]
    #[diagnostic(code(driftcheck::io))]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
}

impl Lock {
    /// Reads the lock at `path`; `Ok(None)` when there is none yet.
    pub fn read(path: &Path) -> Result<Option<Lock>, LockError> {
        Lock::read_named(path, &path.display().to_string())
    }

    /// Reads a lock, naming it `name` in errors (the staged lock is read from
    /// a temporary copy, but is `driftcheck.lock (staged)` to the user).
    pub fn read_named(path: &Path, name: &str) -> Result<Option<Lock>, LockError> {
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Lock::parse(&text, name).map(Some),
                Err(error) => Err(not_utf8(&error, name)),
            },
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(LockError::Io { path: path.display().to_string(), source }),
        }
    }

    /// Parses lock text; every malformed line is an error at that line.
    pub fn parse(text: &str, name: &str) -> Result<Lock, LockError> {
        let invalid = |message: String, span: Range<usize>, help: &str| LockError::Invalid {
            message,
            text: NamedSource::new(name, text.to_string()),
            span: span.into(),
            help: Some(help.to_string()),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lock = Lock::default();
        let mut version_seen = false;
        let mut offset = 0;
        for (index, line) in text.split_inclusive('\n').enumerate() {
            let span = offset..offset + line.trim_end().len();
            offset += line.len();
            let line = line.trim_end_matches(['\n', '\r']);
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if ["<<<<<<<", "=======", ">>>>>>>", "|||||||"].iter().any(|m| line.starts_with(m)) {
                return Err(invalid(
                    format!("{name} has an unresolved merge conflict at line {}", index + 1),
                    span,
                    "keep both sides' lines (the file is sorted), or re-review with `driftcheck accept --all`",
                ));
            }
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["version", VERSION] => version_seen = true,
                [_, _, _, _] if !version_seen => {
                    return Err(invalid(
                        format!("{name} line {} comes before the `version` line", index + 1),
                        span,
                        "a lock starts with `version<TAB>1`: restore it from version control, or re-review with `driftcheck accept --all`",
                    ))
                }
                ["version", other] => {
                    return Err(invalid(
                        format!("{name} has lock format version {other}; this driftcheck reads version {VERSION}"),
                        span,
                        "upgrade driftcheck",
                    ))
                }
                [clause, clause_hash, anchor, code_hash]
                    if version_seen
                        && is_hash(clause_hash)
                        && is_hash(code_hash)
                        && !clause.is_empty()
                        && !anchor.is_empty() =>
                {
                    let entry = Entry {
                        clause: clause.to_string(),
                        clause_hash: clause_hash.to_string(),
                        anchor: anchor.to_string(),
                        code_hash: code_hash.to_string(),
                    };
                    match lock.get(clause, anchor) {
                        None => lock.insert(entry),
                        Some(first) if *first == entry => {}
                        Some(_) => {
                            let key = (clause.to_string(), anchor.to_string());
                            let others = lock.conflicts.entry(key).or_default();
                            if !others.contains(&entry) {
                                others.push(entry);
                            }
                        }
                    }
                }
                _ => {
                    let expected = if version_seen {
                        "expected `clause<TAB>clause-hash<TAB>anchor<TAB>code-hash`"
                    } else {
                        "expected a `version<TAB>1` line first"
                    };
                    return Err(invalid(
                        format!("{name} line {} is not a lock entry: {expected}", index + 1),
                        span,
                        "restore it from version control, or re-review with `driftcheck accept --all`",
                    ));
                }
            }
        }
        if !version_seen && !text.trim().is_empty() {
            return Err(invalid(
                format!("{name} has no `version` line"),
                0..text.lines().next().map_or(0, str::len),
                "a lock starts with `version<TAB>1`: restore it from version control, or re-review with `driftcheck accept --all`",
            ));
        }
        Ok(lock)
    }

    pub fn render(&self) -> String {
        let mut text = String::from(HEADER);
        text.push_str(&format!("version\t{VERSION}\n"));
        let others = self.conflicts.values().flatten();
        let mut lines: Vec<String> = self
            .entries
            .values()
            .chain(others)
            .map(|e| format!("{}\t{}\t{}\t{}\n", e.clause, e.clause_hash, e.anchor, e.code_hash))
            .collect();
        lines.sort();
        lines.into_iter().for_each(|line| text.push_str(&line));
        text
    }

    /// Records a link as reviewed now, replacing whatever was recorded.
    pub fn insert(&mut self, entry: Entry) {
        let key = (entry.clause.clone(), entry.anchor.clone());
        self.conflicts.remove(&key);
        self.entries.insert(key, entry);
    }

    /// Whether the link was recorded twice with different states (a union
    /// merge of two branches that each accepted it): it needs review.
    pub fn is_conflicted(&self, clause: &str, anchor: &str) -> bool {
        self.conflicts.contains_key(&(clause.to_string(), anchor.to_string()))
    }

    pub fn get(&self, clause: &str, anchor: &str) -> Option<&Entry> {
        self.entries.get(&(clause.to_string(), anchor.to_string()))
    }

    /// Entries of one clause.
    pub fn of_clause<'a>(&'a self, clause: &'a str) -> impl Iterator<Item = &'a Entry> {
        self.entries
            .range((clause.to_string(), String::new())..)
            .map(|(_, e)| e)
            .take_while(move |e| e.clause == clause)
    }

    pub fn remove_clause(&mut self, clause: &str) {
        self.entries.retain(|(c, _), _| c != clause);
        self.conflicts.retain(|(c, _), _| c != clause);
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A lock with bytes that are not UTF-8: an error at the first of them,
/// shown in a lossy copy of the text.
fn not_utf8(error: &std::string::FromUtf8Error, name: &str) -> LockError {
    let at = error.utf8_error().valid_up_to();
    let bytes = error.as_bytes();
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let text = String::from_utf8_lossy(bytes).into_owned();
    let start = String::from_utf8_lossy(&bytes[..at]).len();
    LockError::Invalid {
        message: format!("{name} line {line} is not valid UTF-8"),
        text: NamedSource::new(name, text),
        // The replacement character the first bad byte became.
        span: (start..start + char::REPLACEMENT_CHARACTER.len_utf8()).into(),
        help: Some("restore it from version control, or re-review with `driftcheck accept --all`".to_string()),
    }
}

fn is_hash(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_hexdigit())
}

/// Holds an exclusive advisory lock on `.driftcheck/lock.guard` while a
/// read-modify-write of the lock runs, so concurrent `accept`s serialise.
pub struct Guard {
    _file: File,
}

impl Guard {
    pub fn acquire(root: &Path) -> Result<Guard, LockError> {
        let directory = root.join(".driftcheck");
        let path: PathBuf = directory.join("lock.guard");
        let io_error = |source| LockError::Io { path: path.display().to_string(), source };
        crate::fsutil::create_state_dir(&directory).map_err(io_error)?;
        let file = File::options().create(true).truncate(false).write(true).open(&path).map_err(io_error)?;
        file.lock().map_err(io_error)?;
        Ok(Guard { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(clause: &str, anchor: &str) -> Entry {
        Entry { clause: clause.into(), clause_hash: "aa11".into(), anchor: anchor.into(), code_hash: "bb22".into() }
    }

    #[test]
    fn round_trips_sorted() {
        let mut lock = Lock::default();
        lock.insert(entry("specs/b.md#x/1", "src/b.rs::B"));
        lock.insert(entry("specs/a.md#y/2", "src/a.rs::A::run"));
        let text = lock.render();
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            lines,
            ["version\t1", "specs/a.md#y/2\taa11\tsrc/a.rs::A::run\tbb22", "specs/b.md#x/1\taa11\tsrc/b.rs::B\tbb22"]
        );
        assert_eq!(Lock::parse(&text, "driftcheck.lock").unwrap(), lock);
        assert_eq!(lock.of_clause("specs/a.md#y/2").count(), 1);
    }

    fn error_line(text: &str) -> (String, usize) {
        match Lock::parse(text, "driftcheck.lock") {
            Err(LockError::Invalid { message, span, .. }) => (message, text[..span.offset()].matches('\n').count() + 1),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn corrupt_and_conflicted_locks_are_errors_at_the_line() {
        let good = "version\t1\nspecs/a.md#x/1\taa\tsrc/a.rs::A\tbb\n";
        assert!(Lock::parse(good, "l").is_ok());
        let conflict = format!("{good}<<<<<<< HEAD\nspecs/a.md#x/2\taa\tsrc/a.rs::B\tcc\n=======\n>>>>>>> main\n");
        assert_eq!(error_line(&conflict), ("driftcheck.lock has an unresolved merge conflict at line 3".into(), 3));
        assert_eq!(error_line(&format!("{good}specs/a.md#x/3 aa src/a.rs::C bb\n")).1, 3);
        assert_eq!(error_line(&format!("{good}specs/a.md#x/3\tnot-hex\tsrc/a.rs::C\tbb\n")).1, 3);
        assert_eq!(error_line("specs/a.md#x/1\taa\tsrc/a.rs::A\tbb\n").1, 1);
        assert!(error_line("version\t7\n").0.contains("version 7"));
        assert_eq!(error_line("# driftcheck.lock\n\n"), ("driftcheck.lock has no `version` line".into(), 1));
        assert!(Lock::parse("", "l").is_ok_and(|lock| lock.is_empty()));
    }

    #[test]
    fn a_union_merge_keeps_both_records_until_accepted_again() {
        let merged = "version\t1\nspecs/a.md#x/1\taa\tsrc/a.rs\tb1\nspecs/a.md#x/1\taa\tsrc/a.rs\tb2\nspecs/a.md#x/2\taa\tsrc/a.rs\tb1\nspecs/a.md#x/2\taa\tsrc/a.rs\tb1\n";
        let mut lock = Lock::parse(merged, "l").unwrap();
        assert!(lock.is_conflicted("specs/a.md#x/1", "src/a.rs"));
        assert!(!lock.is_conflicted("specs/a.md#x/2", "src/a.rs"), "the same record twice is one record");
        assert_eq!(lock.render().lines().filter(|l| l.starts_with("specs/")).count(), 3, "both records are kept");
        let mut accepted = entry("specs/a.md#x/1", "src/a.rs");
        accepted.code_hash = "b3".into();
        lock.insert(accepted);
        assert!(!lock.is_conflicted("specs/a.md#x/1", "src/a.rs"));
        assert_eq!(lock.render().lines().filter(|l| l.starts_with("specs/")).count(), 2);
    }

    #[test]
    fn a_lock_that_is_not_utf8_is_an_error_at_its_line() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"version\t1\nspecs/a.md#x/1\taa\tsrc/\xff.rs\tbb\n").unwrap();
        match Lock::read(&path) {
            Err(LockError::Invalid { message, .. }) => {
                assert_eq!(message, format!("{} line 2 is not valid UTF-8", path.display()))
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }
}
