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
        match std::fs::read_to_string(path) {
            Ok(text) => Lock::parse(&text, name).map(Some),
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
                    if lock.get(clause, anchor).is_some() {
                        return Err(invalid(
                            format!("{name} line {} records the link {clause} -> {anchor} a second time", index + 1),
                            span,
                            "two branches accepted it differently: review it, then run `driftcheck accept` on the clause",
                        ));
                    }
                    lock.insert(entry);
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
        Ok(lock)
    }

    pub fn render(&self) -> String {
        let mut text = String::from(HEADER);
        text.push_str(&format!("version\t{VERSION}\n"));
        for entry in self.entries.values() {
            text.push_str(&format!("{}\t{}\t{}\t{}\n", entry.clause, entry.clause_hash, entry.anchor, entry.code_hash));
        }
        text
    }

    pub fn insert(&mut self, entry: Entry) {
        self.entries.insert((entry.clause.clone(), entry.anchor.clone()), entry);
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
    }
}
