//! What the code used to be, from git: the text of anchored code when a
//! link was accepted (so a stale link can show a diff; the local cache
//! `accept` fills comes first), and which names recent commits stopped
//! defining (so a spec naming one is certainly stale).

mod removed;

use std::path::{Path, PathBuf};

pub use removed::{Removal, Removed};

use crate::code::index_file;
use crate::link::text_hash;

/// How many commits back the search for accepted code looks at most.
const MAX_COMMITS: usize = 200;

pub struct History {
    cache: PathBuf,
    removed_cache: PathBuf,
    repository: Option<git2::Repository>,
    /// The root's path inside the git work tree (`""` at the top).
    prefix: String,
}

impl History {
    pub fn open(root: &Path) -> History {
        let repository = git2::Repository::discover(root).ok();
        let prefix = repository
            .as_ref()
            .and_then(|r| r.workdir())
            .and_then(|workdir| {
                let root = root.canonicalize().ok()?;
                let workdir = workdir.canonicalize().ok()?;
                crate::discover::relative(&workdir, &root)
            })
            .unwrap_or_default();
        let state = root.join(".driftcheck");
        History {
            cache: state.join("cache").join("accepted"),
            removed_cache: removed::cache_path(&state),
            repository,
            prefix,
        }
    }

    /// Keeps the accepted text of a code hash for later diffs. The cache is
    /// content-addressed, so concurrent writers write the same bytes.
    pub fn remember(&self, code_hash: &str, text: &str) -> std::io::Result<()> {
        if let Some(state) = self.cache.parent().and_then(Path::parent) {
            crate::fsutil::create_state_dir(state)?;
        }
        std::fs::create_dir_all(&self.cache)?;
        let path = self.cache.join(code_hash);
        if path.exists() {
            return Ok(());
        }
        crate::fsutil::write_atomically(&path, text.as_bytes())
    }

    /// The accepted text of an anchor whose code hashed to `code_hash`.
    pub fn accepted_text(&self, anchor: &str, code_hash: &str) -> Option<String> {
        if let Ok(text) = std::fs::read_to_string(self.cache.join(code_hash)) {
            return Some(text);
        }
        self.accepted_in_git(anchor, code_hash)
    }

    /// Definitions and files the whole history deleted (see [`removed`]),
    /// the uncommitted change's deletions first. Empty outside git.
    pub fn removed(&self) -> Removed {
        let Some(repository) = self.repository.as_ref() else { return Removed::default() };
        let mut found = removed::uncommitted(repository, &self.prefix);
        if let Some(committed) = removed::load(repository, &self.prefix, &self.removed_cache) {
            let uncommitted = std::mem::take(&mut found);
            found = committed;
            for (name, removal) in uncommitted.names {
                found.names.insert(name, removal);
            }
            for (path, removal) in uncommitted.paths {
                found.paths.insert(path, removal);
            }
        }
        found
    }

    fn accepted_in_git(&self, anchor: &str, code_hash: &str) -> Option<String> {
        let repository = self.repository.as_ref()?;
        let (path, selector) = split_anchor(anchor);
        let git_path = if self.prefix.is_empty() { path.to_string() } else { format!("{}/{path}", self.prefix) };
        let mut walk = repository.revwalk().ok()?;
        walk.push_head().ok()?;
        let mut last_blob = None;
        for oid in walk.flatten().take(MAX_COMMITS) {
            let commit = repository.find_commit(oid).ok()?;
            let Ok(entry) = commit.tree().ok()?.get_path(Path::new(&git_path)) else { continue };
            if last_blob == Some(entry.id()) {
                continue;
            }
            last_blob = Some(entry.id());
            let blob = repository.find_blob(entry.id()).ok()?;
            let Ok(text) = std::str::from_utf8(blob.content()) else { continue };
            if let Some(found) = select(path, text, &selector, code_hash) {
                return Some(found);
            }
        }
        None
    }
}

enum Selector<'a> {
    Symbol(&'a str),
    Lines(usize, usize),
    File,
}

fn split_anchor(anchor: &str) -> (&str, Selector<'_>) {
    if let Some((path, symbol)) = anchor.split_once("::") {
        return (path, Selector::Symbol(symbol));
    }
    if let Some((path, range)) = anchor.rsplit_once("#L") {
        let mut parts = range.split("-L").map(|n| n.parse::<usize>().ok());
        if let (Some(Some(start)), Some(Some(end))) = (parts.next(), parts.next()) {
            return (path, Selector::Lines(start, end));
        }
    }
    (anchor, Selector::File)
}

fn select(path: &str, text: &str, selector: &Selector, code_hash: &str) -> Option<String> {
    match selector {
        Selector::Symbol(display) => {
            let file = index_file(path, text.to_string());
            file.symbols
                .iter()
                .find(|s| s.display == *display && s.body_hash == code_hash)
                .and_then(|s| text.get(s.bytes.clone()))
                .map(str::to_string)
        }
        Selector::Lines(start, end) => {
            let lines: Vec<&str> =
                text.lines().skip(start.saturating_sub(1)).take(end.saturating_sub(*start) + 1).collect();
            let joined = lines.join("\n");
            (text_hash(&joined) == code_hash).then_some(joined)
        }
        Selector::File => (text_hash(text) == code_hash).then(|| text.to_string()),
    }
}
