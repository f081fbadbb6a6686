//! What the code used to be, from git: the text of anchored code when a
//! link was accepted (so a stale link can show a diff; the local cache
//! `accept` fills comes first), which names and files the whole history
//! deleted (so a spec naming one names this repository's code), and what
//! other refs hold (for links pinned to them).

mod mentions;
mod removed;
mod removed_names;
mod staged;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;

pub use removed::{is_scanned_code, Removal, Removed};

use crate::code::index_file;
use crate::link::text_hash;

/// How many commits back the search for accepted code looks at most.
const MAX_COMMITS: usize = 200;

/// How many bytes of docs the search for names the docs mentioned when
/// they were removed reads at most; past it, a name counts as mentioned.
const MAX_MENTION_BYTES: u64 = 512 << 20;

/// How many commits after a removal a doc mentioning the name still counts
/// as written while the code was there (on a branch, or from memory).
const MENTION_WINDOW: usize = 200;

/// Files whose text counts as documentation when looking for mentions.
const DOC_EXTENSIONS: &[&str] = &["md", "mdx", "markdown", "rst", "adoc"];

pub struct History {
    cache: PathBuf,
    removed_cache: PathBuf,
    staged_cache: PathBuf,
    mentions_cache: PathBuf,
    repository: Option<git2::Repository>,
    /// The root's path inside the git work tree (`""` at the top).
    prefix: String,
    /// The root the history was opened for, if it lies in a work tree.
    work_tree_root: Option<PathBuf>,
}

impl History {
    pub fn open(root: &Path) -> History {
        removed::limit_memory();
        let repository = git2::Repository::discover(root).ok();
        let prefix = repository.as_ref().and_then(|r| crate::git::work_tree_prefix(r, root));
        let work_tree_root = prefix.is_some().then(|| root.to_path_buf());
        let prefix = prefix.unwrap_or_default();
        let state = root.join(".driftcheck");
        History {
            cache: state.join("cache").join("accepted"),
            removed_cache: removed::cache_path(&state),
            staged_cache: staged::cache_path(&state),
            mentions_cache: mentions::cache_path(&state),
            repository,
            prefix,
            work_tree_root,
        }
    }

    /// Whether [`History::removed`] can tell a run of `root` which files
    /// git tracks: `root` is the history's own, inside a work tree.
    pub fn tracks(&self, root: &Path) -> bool {
        self.work_tree_root.as_deref() == Some(root)
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
    /// With `tracked`, the files git's index lists under the root are sent
    /// there as soon as the index is read (see [`History::tracks`]); the
    /// sender is dropped unsent if it cannot be.
    pub fn removed(&self, tracked: Option<Sender<Vec<String>>>) -> Removed {
        let Some(repository) = self.repository.as_ref() else { return Removed::default() };
        let mut found = removed::uncommitted(repository, &self.prefix, &self.staged_cache, tracked);
        if let Some(committed) = removed::load(repository, &self.prefix, &self.removed_cache) {
            let uncommitted = std::mem::take(&mut found);
            found = committed;
            for (name, removal) in uncommitted.names.into_found() {
                found.names.insert(name, removal);
            }
            for (path, removal) in uncommitted.paths {
                found.paths.insert(path, removal);
            }
        }
        found
    }

    /// Which of `names` (each in `removed.names`) no doc mentioned when the
    /// commit that removed its definition was made, nor
    /// `MENTION_WINDOW` commits later (a doc written on a branch before the
    /// removal is merged after it). A doc that names such a name was
    /// written long after the code was gone: it may name another thing or
    /// a concept, but it did not drift from this code. Names removed by the
    /// uncommitted change, off the first-parent line of HEAD or less than the
    /// window ago count as mentioned; so do all of them when the docs to
    /// read exceed the byte budget.
    pub fn unmentioned_when_removed(&self, removed: &Removed, names: &HashSet<String>) -> HashSet<String> {
        let mut unmentioned = HashSet::new();
        let Some(repository) = self.repository.as_ref() else { return unmentioned };
        let mut by_commit: HashMap<git2::Oid, Vec<&str>> = HashMap::new();
        for name in names {
            let commit = removed.names.get(name).and_then(|r| r.commit);
            if let Some(oid) = commit.and_then(|c| git2::Oid::from_str(&c).ok()) {
                by_commit.entry(oid).or_default().push(name);
            }
        }
        if by_commit.is_empty() {
            return unmentioned;
        }
        // Answers from earlier runs first: they never change.
        let mut cached = mentions::read(&self.mentions_cache);
        let known = cached.len();
        by_commit.retain(|oid, removed_names| {
            removed_names.retain(|name| match cached.get(&(oid.to_string(), name.to_string())) {
                Some(mentioned) => {
                    if !mentioned {
                        unmentioned.insert(name.to_string());
                    }
                    false
                }
                None => true,
            });
            !removed_names.is_empty()
        });
        if by_commit.is_empty() {
            return unmentioned;
        }
        let line = first_parent_line(repository, &by_commit);
        // A removal off HEAD's first-parent line stays off it as HEAD moves
        // on: its names count as mentioned, and are not looked for again
        // (which would walk the whole history on every run).
        if line.len() < removed::MAX_COMMITS {
            let on_line: HashSet<&git2::Oid> = line.iter().collect();
            for (oid, removed_names) in by_commit.iter().filter(|(oid, _)| !on_line.contains(oid)) {
                for name in removed_names {
                    cached.insert((oid.to_string(), name.to_string()), true);
                }
            }
        }
        let mut scanner = MentionScanner::new(repository, names);
        for (at, oid) in line.iter().enumerate() {
            let Some(removed_names) = by_commit.get(oid) else { continue };
            let Some(later) = at.checked_sub(MENTION_WINDOW).map(|later| line[later]) else { continue };
            let (Some(then), Some(after)) = (scanner.mentioned_at(*oid), scanner.mentioned_at(later)) else {
                // Past the budget every name counts as mentioned and nothing
                // is cached, so the next run answers the same.
                return HashSet::new();
            };
            for name in removed_names {
                let mentioned = then.contains(name) || after.contains(name);
                cached.insert((oid.to_string(), name.to_string()), mentioned);
                if !mentioned {
                    unmentioned.insert(name.to_string());
                }
            }
        }
        // A cache that cannot be written only costs time on the next run.
        if cached.len() > known {
            let _ = mentions::write(&self.mentions_cache, &cached);
        }
        unmentioned
    }

    /// Branch names that mean "the code as it is": links to them are
    /// checked against the work tree. The current branch, the remote's
    /// default branch, and the usual default names.
    pub fn floating_refs(&self) -> HashSet<String> {
        let mut names: HashSet<String> = ["main", "master", "HEAD", "trunk"].iter().map(|s| s.to_string()).collect();
        let Some(repository) = self.repository.as_ref() else { return names };
        if let Ok(head) = repository.head() {
            names.extend(head.shorthand().map(str::to_string));
        }
        if let Ok(remote_head) = repository.find_reference("refs/remotes/origin/HEAD") {
            let target = remote_head.symbolic_target().unwrap_or("");
            names.extend(target.strip_prefix("refs/remotes/origin/").map(str::to_string));
        }
        names
    }

    /// What each pinned link finds in its ref's tree: `(ref, path)` →
    /// the file's line count (`Some`) or its absence (`None`). Refs the
    /// repository does not have are left out: such links cannot be checked.
    pub fn pinned_files(&self, links: &HashSet<(String, String)>) -> HashMap<(String, String), Option<usize>> {
        let mut found = HashMap::new();
        let Some(repository) = self.repository.as_ref() else { return found };
        let mut trees: HashMap<&str, Option<git2::Tree>> = HashMap::new();
        for (reference, path) in links {
            let tree = trees.entry(reference.as_str()).or_insert_with(|| {
                let candidates = [reference.clone(), format!("origin/{reference}"), format!("refs/tags/{reference}")];
                candidates.iter().find_map(|name| repository.revparse_single(name).ok()?.peel_to_tree().ok())
            });
            let Some(tree) = tree else { continue };
            let in_repository = if self.prefix.is_empty() { path.clone() } else { format!("{}/{path}", self.prefix) };
            let lines = tree.get_path(Path::new(&in_repository)).ok().map(|entry| {
                let blob = entry.to_object(repository).ok().and_then(|object| object.into_blob().ok());
                blob.map_or(0, |blob| String::from_utf8_lossy(blob.content()).lines().count())
            });
            found.insert((reference.clone(), path.clone()), lines);
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

/// HEAD and its first parents, newest first, up to the oldest of `wanted`
/// (within the history budget).
fn first_parent_line<V>(repository: &git2::Repository, wanted: &HashMap<git2::Oid, V>) -> Vec<git2::Oid> {
    let Ok(mut walk) = repository.revwalk() else { return Vec::new() };
    if walk.push_head().is_err() || walk.simplify_first_parent().is_err() {
        return Vec::new();
    }
    let mut line = Vec::new();
    let mut found = 0;
    for oid in walk.flatten().take(removed::MAX_COMMITS) {
        line.push(oid);
        found += usize::from(wanted.contains_key(&oid));
        if found == wanted.len() {
            break;
        }
    }
    line
}

/// Which of a set of names the docs of a commit's tree mention. Trees and
/// blobs are looked at once per run however many commits share them.
struct MentionScanner<'r> {
    repository: &'r git2::Repository,
    /// Name → its index in `mentions` lists, and back.
    names: HashMap<&'r str, usize>,
    by_index: Vec<&'r str>,
    /// Doc blobs under each tree already walked.
    docs_under: HashMap<git2::Oid, std::rc::Rc<Vec<git2::Oid>>>,
    /// Names each doc blob read mentions.
    mentions: HashMap<git2::Oid, Vec<usize>>,
    budget: u64,
}

/// Doc files larger than this are generated or data: not read.
const MAX_DOC_BYTES: usize = 1 << 20;

/// How deep a tree is walked for docs.
const MAX_TREE_DEPTH: usize = 64;

impl<'r> MentionScanner<'r> {
    fn new(repository: &'r git2::Repository, names: &'r HashSet<String>) -> Self {
        let mut sorted: Vec<&str> = names.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        let names = sorted.iter().enumerate().map(|(at, name)| (*name, at)).collect();
        let (docs_under, mentions) = (HashMap::new(), HashMap::new());
        MentionScanner { repository, names, by_index: sorted, docs_under, mentions, budget: MAX_MENTION_BYTES }
    }

    /// The names the docs of `commit`'s tree mention; `None` once the byte
    /// budget is spent.
    fn mentioned_at(&mut self, commit: git2::Oid) -> Option<HashSet<&'r str>> {
        let tree = self.repository.find_commit(commit).ok()?.tree_id();
        let docs = self.docs_under(tree, 0);
        let mut mentioned = HashSet::new();
        for blob in docs.iter() {
            let found = match self.mentions.get(blob) {
                Some(found) => found.clone(),
                None => self.read_mentions(*blob)?,
            };
            mentioned.extend(found.iter().filter_map(|at| self.by_index.get(*at).copied()));
        }
        Some(mentioned)
    }

    fn read_mentions(&mut self, id: git2::Oid) -> Option<Vec<usize>> {
        let size = self.repository.odb().ok()?.read_header(id).ok()?.0;
        let mut found = Vec::new();
        if size <= MAX_DOC_BYTES {
            self.budget = self.budget.checked_sub(size as u64)?;
            let blob = self.repository.find_blob(id).ok()?;
            let text = String::from_utf8_lossy(blob.content());
            let words: HashSet<&str> = crate::text::identifier_words(&text).collect();
            found = words.iter().filter_map(|word| self.names.get(word).copied()).collect();
        }
        self.mentions.insert(id, found.clone());
        Some(found)
    }

    /// Doc blobs under a tree, each subtree walked once.
    fn docs_under(&mut self, tree: git2::Oid, depth: usize) -> std::rc::Rc<Vec<git2::Oid>> {
        if let Some(docs) = self.docs_under.get(&tree) {
            return docs.clone();
        }
        let mut docs = Vec::new();
        let entries: Vec<(git2::Oid, Option<git2::ObjectType>, bool)> = match self.repository.find_tree(tree) {
            Ok(tree) => tree
                .iter()
                .map(|entry| {
                    let name = entry.name().unwrap_or("");
                    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
                    (entry.id(), entry.kind(), DOC_EXTENSIONS.contains(&extension))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        for (id, kind, doc) in entries {
            match kind {
                Some(git2::ObjectType::Blob) if doc => docs.push(id),
                Some(git2::ObjectType::Tree) if depth < MAX_TREE_DEPTH => {
                    docs.extend(self.docs_under(id, depth + 1).iter().copied())
                }
                _ => {}
            }
        }
        let docs = std::rc::Rc::new(docs);
        self.docs_under.insert(tree, docs.clone());
        docs
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
