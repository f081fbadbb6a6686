//! What the code used to be, from git: the text of anchored code when a
//! link was accepted (so a stale link can show a diff; the local cache
//! `accept` fills comes first), and which names recent commits stopped
//! defining (so a spec naming one is certainly stale).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::code::index_file;
use crate::link::text_hash;

/// How many commits back the history search looks at most.
const MAX_COMMITS: usize = 200;

/// How long the search for removed definitions may take.
const REMOVED_BUDGET: Duration = Duration::from_secs(3);

/// Words that introduce a definition of the name after them.
const DEFINING: &[&str] = &[
    "fn",
    "def",
    "function",
    "func",
    "class",
    "struct",
    "enum",
    "interface",
    "trait",
    "type",
    "const",
    "static",
    "let",
    "var",
    "val",
    "record",
    "macro_rules",
];

/// Words that may stand between a defining word and the name.
const MODIFIERS: &[&str] = &["mut", "async", "pub", "export", "default", "abstract", "final", "unsafe", "extern"];

pub struct History {
    cache: PathBuf,
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
        History { cache: root.join(".driftcheck").join("cache").join("accepted"), repository, prefix }
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

    /// Which of `names` a recent commit (or the uncommitted change) deleted
    /// a definition of. Bounded by commit count and time; empty outside git.
    pub fn removed_definitions(&self, names: &HashSet<String>) -> HashSet<String> {
        let mut found = HashSet::new();
        let Some(repository) = self.repository.as_ref().filter(|_| !names.is_empty()) else { return found };
        let deadline = Instant::now() + REMOVED_BUDGET;
        let mut options = git2::DiffOptions::new();
        options.context_lines(0);
        let head = repository.head().ok().and_then(|head| head.peel_to_tree().ok());
        if !self.prefix.is_empty() {
            options.pathspec(format!("{}/", self.prefix));
        }
        if let Ok(diff) = repository.diff_tree_to_workdir_with_index(head.as_ref(), Some(&mut options)) {
            scan_removed(&diff, names, &mut found);
        }
        let Ok(mut walk) = repository.revwalk() else { return found };
        if walk.push_head().is_err() {
            return found;
        }
        for oid in walk.flatten().take(MAX_COMMITS) {
            if Instant::now() > deadline || found.len() == names.len() {
                break;
            }
            let Ok(commit) = repository.find_commit(oid) else { continue };
            let (Ok(parent), Ok(tree)) = (commit.parent(0), commit.tree()) else { continue };
            let Ok(parent_tree) = parent.tree() else { continue };
            if let Ok(diff) = repository.diff_tree_to_tree(Some(&parent_tree), Some(&tree), Some(&mut options)) {
                scan_removed(&diff, names, &mut found);
            }
        }
        found
    }

    /// Which of `paths` (root-relative) existed in a recent commit.
    pub fn removed_paths(&self, paths: &HashSet<String>) -> HashSet<String> {
        let mut found = HashSet::new();
        let Some(repository) = self.repository.as_ref().filter(|_| !paths.is_empty()) else { return found };
        let deadline = Instant::now() + REMOVED_BUDGET;
        let Ok(mut walk) = repository.revwalk() else { return found };
        if walk.push_head().is_err() {
            return found;
        }
        for oid in walk.flatten().take(MAX_COMMITS) {
            if Instant::now() > deadline || found.len() == paths.len() {
                break;
            }
            let Ok(tree) = repository.find_commit(oid).and_then(|commit| commit.tree()) else { continue };
            let existed: Vec<&String> = paths
                .iter()
                .filter(|p| !found.contains(*p))
                .filter(|p| {
                    let in_repository =
                        if self.prefix.is_empty() { p.to_string() } else { format!("{}/{p}", self.prefix) };
                    tree.get_path(Path::new(&in_repository)).is_ok()
                })
                .collect();
            found.extend(existed.into_iter().cloned());
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

/// Adds the names among `names` that a deleted line of code defined.
fn scan_removed(diff: &git2::Diff, names: &HashSet<String>, found: &mut HashSet<String>) {
    let _ = diff.foreach(
        &mut |_, _| true,
        None,
        None,
        Some(&mut |delta, _, line| {
            let is_code = delta
                .old_file()
                .path()
                .and_then(|p| p.to_str())
                .is_some_and(|p| crate::code::language_for(p).is_some());
            if line.origin() == '-' && is_code {
                let text = String::from_utf8_lossy(line.content());
                found.extend(defined_names(&text).into_iter().filter(|n| names.contains(*n)).map(str::to_string));
            }
            true
        }),
    );
}

/// Names a line of code defines: `fn name`, `def name`, `class Name`,
/// Go's `func (r *T) Name(`, `NAME = …` at the start of a line.
fn defined_names(line: &str) -> Vec<&str> {
    let words: Vec<&str> = crate::text::identifier_words(line).collect();
    let trimmed = line.trim_start();
    let receiver = trimmed.starts_with("func (");
    let mut names = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if DEFINING.contains(word) && !(receiver && *word == "func") {
            names.extend(words[i + 1..].iter().find(|w| !MODIFIERS.contains(w)).copied());
        }
    }
    if receiver {
        let after_receiver = trimmed.find(')').map_or("", |close| &trimmed[close + 1..]);
        names.extend(crate::text::identifier_words(after_receiver).next());
    }
    if let Some(first) = words.first() {
        let rest = trimmed.strip_prefix(first).unwrap_or("").trim_start();
        if rest.starts_with('=') && !rest.starts_with("==") || rest.starts_with(':') && !rest.starts_with("::") {
            names.push(first);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::defined_names;

    #[test]
    fn finds_definitions_in_removed_lines() {
        assert_eq!(defined_names("    pub async fn connect(&self) -> Result<()> {"), ["connect"]);
        assert_eq!(defined_names("def open_session(self, user):"), ["open_session"]);
        assert_eq!(defined_names("func (c *Client) Dial(ctx context.Context) error {"), ["Dial"]);
        assert_eq!(defined_names("export default class OldQueue {"), ["OldQueue"]);
        assert_eq!(defined_names("MAX_RETRIES = 5"), ["MAX_RETRIES"]);
        assert!(defined_names("    client.connect(addr)?;").is_empty());
    }
}
