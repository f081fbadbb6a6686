//! The names whose definitions history deleted, as a run looks them up.
//!
//! A long history deleted tens of thousands of names (39,000 in wasmtime's),
//! and a run asks about a few hundred: those the specs name. Names read
//! from the cache therefore stay in its file, whose lines are sorted, and
//! are found by binary search where they lie; parsing them all into a map
//! took a warm run on wasmtime 130 ms on 2 cores. Names a scan found this
//! run, and those the uncommitted change deleted, are held in a map that
//! speaks over the file.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use crate::fsutil::FileBytes;

use super::removed::Removal;

/// What starts a name's line in the cache: `name <TAB> key <TAB> commit
/// <TAB> file`.
pub(super) const NAME_LINE: &str = "name\t";

#[derive(Debug, Clone, Default)]
pub struct RemovedNames {
    found: HashMap<String, Removal>,
    cached: Option<Arc<CachedNames>>,
}

impl RemovedNames {
    /// The newest deletion of `name`'s definition, if any.
    pub fn get(&self, name: &str) -> Option<Removal> {
        match self.found.get(name) {
            Some(removal) => Some(removal.clone()),
            None => self.cached.as_ref()?.get(name),
        }
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.found.contains_key(name) || self.cached.as_ref().is_some_and(|cached| cached.line_of(name).is_some())
    }

    /// Records a deletion of `name`, over any other known.
    pub fn insert(&mut self, name: String, removal: Removal) {
        self.found.insert(name, removal);
    }

    /// The deletions a scan recorded, to weigh a new one against: a scan
    /// holds its names in memory.
    pub(super) fn found_mut(&mut self) -> &mut HashMap<String, Removal> {
        &mut self.found
    }

    /// The deletions found this run (the uncommitted change's), to add to
    /// the history's.
    pub(super) fn into_found(self) -> HashMap<String, Removal> {
        self.found
    }

    /// Every name with its deletion: those found this run, then the cached
    /// ones they do not replace.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Removal)> {
        let found = self.found.iter().map(|(name, removal)| (name.as_str(), removal.clone()));
        let cached = self.cached.iter().flat_map(|cached| cached.iter());
        found.chain(cached.filter(|(name, _)| !self.found.contains_key(*name)))
    }

    /// The names of a cache file's text, which `lines` are the name lines
    /// of (`None` if they are not sorted, or a line is malformed).
    pub(super) fn from_cache(bytes: FileBytes, lines: Range<usize>) -> Option<RemovedNames> {
        let cached = CachedNames::new(bytes, lines)?;
        Some(RemovedNames { found: HashMap::new(), cached: Some(Arc::new(cached)) })
    }
}

impl PartialEq for RemovedNames {
    fn eq(&self, other: &Self) -> bool {
        let all = |names: &RemovedNames| names.iter().map(|(n, r)| (n.to_string(), r)).collect::<BTreeMap<_, _>>();
        all(self) == all(other)
    }
}

impl Eq for RemovedNames {}

/// The name lines of the cache file, where each starts.
struct CachedNames {
    bytes: FileBytes,
    /// Where each name line starts in `bytes`, and where the name lines end.
    starts: Vec<u32>,
    end: usize,
}

impl std::fmt::Debug for CachedNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CachedNames({} names)", self.starts.len())
    }
}

impl CachedNames {
    /// Checks every line in `lines` of `bytes` once, without copying it:
    /// four fields, a commit id or `-`, in sorted order.
    fn new(bytes: FileBytes, lines: Range<usize>) -> Option<CachedNames> {
        let text = std::str::from_utf8(bytes.get(lines.clone())?).ok()?;
        let mut starts = Vec::new();
        // The line before, and its name: each line sorts after it, for
        // another name (the writer lists each name once).
        let mut previous: Option<(&str, &str)> = None;
        let mut at = lines.start;
        for line in text.split_terminator('\n') {
            let name = name_of_line(line)?;
            if previous.is_some_and(|(previous, previous_name)| previous >= line || previous_name == name) {
                return None;
            }
            starts.push(u32::try_from(at).ok()?);
            at += line.len() + 1;
            previous = Some((line, name));
        }
        Some(CachedNames { bytes, starts, end: lines.end })
    }

    /// The text after `name <TAB>` of the line starting at `start`.
    fn line_at(&self, start: u32) -> &str {
        let text = self.bytes.get(start as usize + NAME_LINE.len()..self.end).unwrap_or_default();
        let line = text.split(|byte| *byte == b'\n').next().unwrap_or_default();
        // Checked to be UTF-8 in `new`.
        std::str::from_utf8(line).unwrap_or_default()
    }

    /// The line of `name`: the first that sorts at or after `name <TAB>`,
    /// if it starts so.
    fn line_of(&self, name: &str) -> Option<&str> {
        // No name the cache holds has either: `a <TAB> …` must not find `a`.
        if name.contains(['\t', '\n']) {
            return None;
        }
        let first = self.starts.partition_point(|start| key_order(self.line_at(*start), name) == Ordering::Less);
        let line = self.line_at(*self.starts.get(first)?);
        (key_order(line, name) == Ordering::Equal).then_some(line)
    }

    fn get(&self, name: &str) -> Option<Removal> {
        let (_, commit, path) = fields(self.line_of(name)?)?;
        Some(removal(commit, path))
    }

    fn iter(&self) -> impl Iterator<Item = (&str, Removal)> {
        self.starts.iter().filter_map(|start| {
            let (name, commit, path) = fields(self.line_at(*start))?;
            Some((name, removal(commit, path)))
        })
    }
}

/// How `line` (the text after `name <TAB>`) sorts against the lines of
/// `name`, which start `name <TAB>`, in the byte order the cache is sorted
/// in: `Equal` for one of them.
fn key_order(line: &str, name: &str) -> Ordering {
    let (line, name) = (line.as_bytes(), name.as_bytes());
    let head = &line[..line.len().min(name.len())];
    head.cmp(name).then_with(|| line.get(name.len()).map_or(Ordering::Less, |byte| byte.cmp(&b'\t')))
}

/// The key of `line` if it is `name <TAB> key <TAB> commit <TAB> file`,
/// with a commit id or `-`: checked for every line a run reads, so by hand,
/// and past the commit only for the tab that ends it.
fn name_of_line(line: &str) -> Option<&str> {
    let (name, rest) = line.strip_prefix(NAME_LINE)?.split_once('\t')?;
    let well_formed = match rest.split_at_checked(40) {
        _ if rest.starts_with("-\t") => true,
        Some((commit, after)) => is_commit_id(commit) && after.starts_with('\t'),
        None => false,
    };
    well_formed.then_some(name)
}

/// A line's name, commit and file (fields past the fourth are ignored).
pub(super) fn fields(line: &str) -> Option<(&str, &str, &str)> {
    let (name, rest) = line.split_once('\t')?;
    let (commit, rest) = rest.split_once('\t')?;
    Some((name, commit, rest.split('\t').next().unwrap_or(rest)))
}

/// A full commit id as the cache writes it.
pub(super) fn is_commit_id(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|byte| byte.is_ascii_hexdigit())
}

fn removal(commit: &str, path: &str) -> Removal {
    Removal { commit: (commit != "-").then(|| Arc::from(commit)), path: Arc::from(path) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMIT: &str = "897fb1ad91c9e9c4987ab817f226b058c7fea710";

    fn cached(lines: &[&str]) -> Option<RemovedNames> {
        let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
        let end = text.len();
        RemovedNames::from_cache(FileBytes::Read(text.into_bytes()), 0..end)
    }

    fn line(name: &str, path: &str) -> String {
        format!("name\t{name}\t{COMMIT}\t{path}")
    }

    #[test]
    fn every_cached_name_is_found_and_no_other() {
        let names = ["$", "a", "a_b", "ab", "abc", "b", "zz"];
        let mut lines: Vec<String> = names.iter().map(|name| line(name, &format!("src/{name}.rs"))).collect();
        lines.sort();
        let cached = cached(&lines.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
        for name in names {
            let removal = cached.get(name).unwrap_or_else(|| panic!("{name} is found"));
            assert_eq!(&*removal.path, format!("src/{name}.rs"));
            assert_eq!(removal.commit.as_deref(), Some(COMMIT));
        }
        for absent in ["", "0", "a_", "abcd", "aa", "c", "zzz", "~", "a\tsrc/a.rs", "a\n"] {
            assert!(!cached.contains_key(absent), "{absent} is not");
        }
        assert_eq!(cached.iter().count(), names.len());
    }

    #[test]
    fn a_name_found_this_run_speaks_over_the_cached_one() {
        let mut names = cached(&[&line("retry", "src/old.rs")]).unwrap();
        names.insert("retry".into(), Removal { commit: None, path: Arc::from("src/new.rs") });
        assert_eq!(&*names.get("retry").unwrap().path, "src/new.rs");
        assert_eq!(names.iter().count(), 1);
    }

    #[test]
    fn unsorted_or_malformed_lines_are_not_trusted() {
        assert!(cached(&[&line("b", "x"), &line("a", "x")]).is_none(), "unsorted");
        assert!(cached(&[&line("a", "x"), &line("a", "y")]).is_none(), "a name twice");
        assert!(cached(&["name\ta\tnot-a-commit\tx"]).is_none(), "a bad commit");
        assert!(cached(&["name\ta"]).is_none(), "too few fields");
        assert!(cached(&["path\ta\t-\tx"]).is_none(), "another kind");
        assert!(cached(&["name\ta\t-\tx"]).is_some(), "an uncommitted deletion");
    }
}
