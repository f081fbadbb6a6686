//! Which names the code once defined and which files once existed: every
//! deleted definition line and deleted file of the whole history, so that a
//! spec naming one is known to name *this* repository's code. Docs stay
//! stale for years, so the search is not limited to recent commits.
//!
//! The scan is bounded in commits and bytes, never in time, so the same
//! repository gives the same answer on any machine. Its result is cached in
//! `.driftcheck/cache/` and brought up to date from the last cached commit;
//! a cache that does not parse, or belongs to history that was rewritten,
//! is rebuilt silently.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Arc;

use serde::Serialize;

use super::removed_names::{fields, is_commit_id, RemovedNames};
use super::staged::{self, Status};
use crate::fsutil::FileBytes;

/// Commits the scan reads at most: the whole history of all but the very
/// largest repositories.
pub const MAX_COMMITS: usize = 60_000;

/// Bytes of superseded code the scan reads at most.
pub const MAX_BYTES: u64 = 4 << 30;

/// Files that make a folder a package of its own.
const PACKAGE_MANIFESTS: &[&str] = &[
    "package.json",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Cargo.toml",
    "go.mod",
    "pyproject.toml",
    "setup.py",
];

/// Larger files are generated or data: their "definitions" are noise.
const MAX_BLOB_BYTES: usize = 1 << 20;

/// Bumped whenever what the scan extracts changes: an old cache is rebuilt.
const CACHE_VERSION: &str = "driftcheck removed-definitions v15";

/// Where and when a name's definition, or a file, was deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removal {
    /// The commit that deleted it; `None` for the uncommitted change.
    /// Shared by every name one commit or file removed: a long history
    /// holds tens of thousands.
    pub commit: Option<Arc<str>>,
    /// The file it was deleted from (the file itself, for paths).
    pub path: Arc<str>,
}

/// Names whose definitions, and paths that, history deleted — the newest
/// deletion of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removed {
    /// The commit the scan started from.
    pub head: String,
    /// How many commits were read.
    pub commits: usize,
    /// How many of them changed a file under the root: the history of this
    /// code, when the root is a folder of a larger repository.
    pub changing: usize,
    /// False when a budget stopped the scan before the root commit, or the
    /// clone is shallow.
    pub complete: bool,
    /// The scan read a shallow clone.
    pub shallow: bool,
    pub names: RemovedNames,
    pub paths: HashMap<String, Removal>,
}

impl Removed {
    /// Records that `name`'s definition was deleted, unless a newer deletion
    /// is known: the newest speaks, but one from library code over one from
    /// an example, whose names speak only for the docs beside it.
    fn record(&mut self, name: String, removal: Removal) {
        let example = |r: &Removal| crate::index::is_example_path(&r.path);
        match self.names.found_mut().entry(name) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(removal);
            }
            std::collections::hash_map::Entry::Occupied(mut slot) => {
                if example(slot.get()) && !example(&removal) {
                    slot.insert(removal);
                }
            }
        }
    }

    /// The manifest of the package a removal deleted whole: a manifest
    /// (`package.json`, `pom.xml`, `Cargo.toml`, …) in a folder above the
    /// file, deleted by the same commit. The package moved to another
    /// repository or was retired; a doc naming its code may describe it
    /// where it lives now. The repository's root manifest does not count.
    /// A manifest that is in `present` again was not deleted for good.
    pub fn package_deleted_with(&self, removal: &Removal, present: &HashSet<String>) -> Option<&str> {
        let mut folder = removal.path.rsplit_once('/').map(|(folder, _)| folder);
        while let Some(current) = folder {
            for manifest in PACKAGE_MANIFESTS {
                let path = format!("{current}/{manifest}");
                if let Some((path, deleted)) = self.paths.get_key_value(&path) {
                    if deleted.commit == removal.commit && !present.contains(path) {
                        return Some(path);
                    }
                }
            }
            folder = current.rsplit_once('/').map(|(parent, _)| parent);
        }
        None
    }

    /// Adds what an older scan found, keeping this scan's (newer) deletions.
    fn extend_older(&mut self, older: Removed) {
        // One copy of each commit and path, however many names share it.
        let mut shared: HashMap<String, Arc<str>> = HashMap::new();
        let mut share = |text: Arc<str>| shared.entry(text.to_string()).or_insert(text).clone();
        for (name, removal) in older.names.iter() {
            let removal = Removal { commit: removal.commit.map(&mut share), path: share(removal.path) };
            self.record(name.to_string(), removal);
        }
        for (path, removal) in older.paths {
            self.paths.entry(path).or_insert(removal);
        }
        self.commits += older.commits;
        self.changing += older.changing;
        self.complete &= older.complete;
    }
}

/// The history index of `repository`, from the cache at `cache` when it is
/// current, updated incrementally when HEAD moved forward, rebuilt otherwise.
/// `prefix` limits it to the part of the work tree driftcheck checks.
pub fn load(repository: &git2::Repository, prefix: &str, cache: &Path) -> Option<Removed> {
    let head = repository.head().ok()?.peel_to_commit().ok()?.id();
    // A scan of a shallow clone is incomplete; once the clone is deepened,
    // it is read again.
    let shallow = repository.is_shallow();
    let cached = read_cache(cache).filter(|cached| cached.complete || !cached.shallow || shallow);
    let removed = match cached {
        Some(cached) if cached.head == head.to_string() => return Some(cached),
        Some(cached) => match git2::Oid::from_str(&cached.head) {
            Ok(old) if repository.graph_descendant_of(head, old).unwrap_or(false) => {
                let mut newer = scan(repository, prefix, head, Some(old));
                newer.extend_older(cached);
                newer
            }
            _ => scan(repository, prefix, head, None),
        },
        None => scan(repository, prefix, head, None),
    };
    // A cache that cannot be written only costs the next run time.
    let _ = write_cache(cache, &removed);
    Some(removed)
}

/// Reads commits from `head` back (stopping at `stop`), newest first.
///
/// Each commit is compared with its parent tree by tree (cheap); the code
/// blobs it replaced or deleted are gathered, each blob once, with the
/// newest commit that replaced it; then those blobs are read in parallel
/// and their definition lines collected. A name a superseded blob defines
/// and the current code does not was removed by (at the latest) that commit.
fn scan(repository: &git2::Repository, prefix: &str, head: git2::Oid, stop: Option<git2::Oid>) -> Removed {
    let shallow = repository.is_shallow();
    let mut removed = Removed { head: head.to_string(), complete: !shallow, shallow, ..Removed::default() };
    let superseded = superseded_blobs(repository, prefix, head, stop, &mut removed);
    if record_names(repository, &superseded, &mut removed) >= MAX_BYTES {
        removed.complete = false;
    }
    removed
}

/// Reads the blobs' definitions into `removed` (blobs in walk order, newest
/// first: the first one wins), in chunks so that only one chunk's names are
/// held at a time, until `MAX_BYTES` were read; returns the bytes read.
fn record_names(repository: &git2::Repository, blobs: &[Superseded], removed: &mut Removed) -> u64 {
    let mut bytes = 0;
    for chunk in blobs.chunks(BLOBS_PER_CHUNK) {
        if bytes >= MAX_BYTES {
            break;
        }
        let names = definitions_in(repository.path(), chunk);
        bytes += names.iter().map(|(size, _)| *size).sum::<u64>();
        for (blob, (_, found)) in chunk.iter().zip(names) {
            for name in found {
                removed.record(name, Removal { commit: blob.commit.clone(), path: blob.path.clone() });
            }
        }
    }
    bytes
}

/// How many superseded blobs are read between two merges of their names.
const BLOBS_PER_CHUNK: usize = 4096;

/// Keeps libgit2 from holding every blob it reads, and the pack files it
/// maps, in memory: the scan reads each blob once.
pub fn limit_memory() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: libgit2's global options are set once, before any
        // repository is opened by this process's analysis threads.
        unsafe {
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Blob, 0);
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Commit, 0);
            let _ = git2::opts::set_mwindow_mapped_limit(64 << 20);
        }
    });
}

/// A version of a code file that a commit replaced or deleted.
struct Superseded {
    blob: git2::Oid,
    /// `None` for the uncommitted change.
    commit: Option<Arc<str>>,
    path: Arc<str>,
}

/// Walks the commits, recording deleted files in `removed` and returning
/// the superseded code blobs, newest first, each once, within the budgets.
fn superseded_blobs(
    repository: &git2::Repository,
    prefix: &str,
    head: git2::Oid,
    stop: Option<git2::Oid>,
    removed: &mut Removed,
) -> Vec<Superseded> {
    let mut blobs = Vec::new();
    let Ok(mut walk) = repository.revwalk() else { return blobs };
    let _ = walk.set_sorting(git2::Sort::TOPOLOGICAL);
    if walk.push(head).is_err() || stop.is_some_and(|stop| walk.hide(stop).is_err()) {
        return blobs;
    }
    let mut seen = std::collections::HashSet::new();
    for oid in walk.flatten() {
        if removed.commits >= MAX_COMMITS {
            removed.complete = false;
            break;
        }
        removed.commits += 1;
        let Ok(commit) = repository.find_commit(oid) else { continue };
        // A merge's changes are its parents' commits, read on their own; a
        // root commit adds its files and removes nothing.
        if commit.parent_count() != 1 {
            removed.changing += usize::from(commit.parent_count() == 0);
            continue;
        }
        let (Ok(parent), Ok(tree)) = (commit.parent(0).and_then(|p| p.tree()), commit.tree()) else { continue };
        let Ok(diff) = repository.diff_tree_to_tree(Some(&parent), Some(&tree), Some(&mut diff_options(prefix))) else {
            continue;
        };
        removed.changing += usize::from(diff.deltas().len() > 0);
        record_changes(staged::deltas(&diff), prefix, Some(oid.to_string().into()), removed, &mut seen, &mut blobs);
    }
    blobs
}

/// Records the files a diff deletes in `removed`, and the code blobs it
/// replaces or deletes in `blobs` (each blob once, by `seen`).
fn record_changes<'c>(
    changes: impl IntoIterator<Item = (Status, &'c str, git2::Oid)>,
    prefix: &str,
    commit: Option<Arc<str>>,
    removed: &mut Removed,
    seen: &mut std::collections::HashSet<git2::Oid>,
    blobs: &mut Vec<Superseded>,
) {
    for (status, path, blob) in changes {
        let Some(path) = crate::git::under_prefix(path, prefix) else { continue };
        if status == Status::Deleted {
            let removal = || Removal { commit: commit.clone(), path: Arc::from(path) };
            removed.paths.entry(path.to_string()).or_insert_with(removal);
        }
        let replaced = matches!(status, Status::Modified | Status::Deleted);
        if replaced && is_scanned_code(path) && seen.insert(blob) {
            blobs.push(Superseded { blob, commit: commit.clone(), path: Arc::from(path) });
        }
    }
}

/// Code whose definitions count: not test code (mocks and fixtures define
/// names docs use for other things), not generated or vendored code, not a
/// built copy of a release (`dist/`, `docs/releases/lib-1.17.7.js`), which
/// bundles its dependencies' names with its own.
pub fn is_scanned_code(path: &str) -> bool {
    const VENDORED: &[&str] = &["vendor", "node_modules", "third_party", "third-party", "typings"];
    // Built bundles: JavaScript's `dist/` and release folders (Go's
    // `cmd/dist/` is code).
    const BUILT: &[&str] = &["dist", "releases"];
    let folders = path.rsplit_once('/').map_or("", |(folders, _)| folders);
    let within = |names: &[&str]| folders.split('/').any(|folder| names.contains(&folder));
    let javascript = [".js", ".mjs", ".cjs", ".ts"].iter().any(|ext| path.ends_with(ext));
    crate::code::language_for(path).is_some()
        && !crate::index::is_test_path(path)
        && !crate::index::is_generated_path(path)
        && !within(VENDORED)
        && !(javascript && (within(BUILT) || is_versioned_copy(path)))
}

/// `jquery-3.2.1.js`, `lib.v2.0.js`: a file named after the release it is a
/// copy of.
fn is_versioned_copy(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let bytes = name.as_bytes();
    let version_at = |at: usize| {
        let digits = |from: usize| bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        let major = digits(at);
        major > 0 && bytes.get(at + major) == Some(&b'.') && digits(at + major + 1) > 0
    };
    (1..bytes.len()).any(|at| {
        let after_separator = matches!(bytes[at - 1], b'-' | b'_' | b'.' | b'v');
        let separated = at < 2 || bytes[at - 1] != b'v' || matches!(bytes[at - 2], b'-' | b'_' | b'.');
        after_separator && separated && version_at(at)
    })
}

/// The names each blob's definition lines define, read in parallel, one
/// repository handle per worker thread.
fn definitions_in(git_directory: &Path, blobs: &[Superseded]) -> Vec<(u64, Vec<String>)> {
    use rayon::prelude::*;
    blobs
        .par_iter()
        .map_init(
            || git2::Repository::open(git_directory).ok(),
            |repository, superseded| {
                let Some(repository) = repository.as_ref() else { return (0, Vec::new()) };
                let Ok(blob) = repository.find_blob(superseded.blob) else { return (0, Vec::new()) };
                let size = blob.size() as u64;
                if blob.size() > MAX_BLOB_BYTES {
                    return (size, Vec::new());
                }
                let text = String::from_utf8_lossy(blob.content());
                let mut names: Vec<String> = text.lines().flat_map(defined_names).map(str::to_string).collect();
                names.sort_unstable();
                names.dedup();
                (size, names)
            },
        )
        .collect()
}

/// Deletions in the uncommitted change (index and work tree against HEAD).
/// `staged_cache` keeps the index's changes against HEAD between runs.
/// With `tracked`, the files git's index lists under `prefix` are sent
/// there once it is read.
pub fn uncommitted(
    repository: &git2::Repository,
    prefix: &str,
    staged_cache: &Path,
    tracked: Option<Sender<Vec<String>>>,
) -> Removed {
    let mut removed = Removed::default();
    let mut options = diff_options(prefix);
    let Some(changes) = staged::uncommitted(repository, &mut options, prefix, staged_cache, tracked) else {
        return removed;
    };
    let mut blobs = Vec::new();
    let changes = changes.iter().map(|change| (change.status, change.path.as_str(), change.blob));
    record_changes(changes, prefix, None, &mut removed, &mut std::collections::HashSet::new(), &mut blobs);
    record_names(repository, &blobs, &mut removed);
    removed
}

fn diff_options(prefix: &str) -> git2::DiffOptions {
    let mut options = git2::DiffOptions::new();
    options.skip_binary_check(true);
    if !prefix.is_empty() {
        options.pathspec(format!("{prefix}/"));
    }
    options
}

pub fn cache_path(state: &Path) -> PathBuf {
    state.join("cache").join("removed-definitions")
}

/// The cache: a version line, `head`, `commits`, `changing`, `complete`, `shallow`, then one
/// `name|path <TAB> kind <TAB> commit <TAB> file` line per deletion.
fn write_cache(cache: &Path, removed: &Removed) -> std::io::Result<()> {
    crate::fsutil::create_cache_dir(cache)?;
    let mut text = format!(
        "{CACHE_VERSION}\nhead\t{}\ncommits\t{}\nchanging\t{}\ncomplete\t{}\nshallow\t{}\n",
        removed.head, removed.commits, removed.changing, removed.complete, removed.shallow
    );
    let mut lines: Vec<String> = Vec::new();
    let names = removed.names.iter();
    let paths = removed.paths.iter().map(|(path, removal)| (path.as_str(), removal.clone()));
    for (kind, entries) in [("name", names.collect::<Vec<_>>()), ("path", paths.collect())] {
        for (key, removal) in entries {
            let fields = [key, &*removal.path];
            if fields.iter().any(|f| f.contains(['\t', '\n'])) {
                continue;
            }
            let commit = removal.commit.as_deref().unwrap_or("-");
            lines.push(format!("{kind}\t{key}\t{commit}\t{}", removal.path));
        }
    }
    lines.sort_unstable();
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    crate::fsutil::write_atomically(cache, text.as_bytes())
}

/// `text` as an `Arc` shared with every earlier equal text.
fn share<'t>(shared: &mut HashMap<&'t str, Arc<str>>, text: &'t str) -> Arc<str> {
    shared.entry(text).or_insert_with(|| Arc::from(text)).clone()
}

/// Reads the cache: its header and deleted paths now, its deleted names
/// where they lie (see [`RemovedNames`]).
fn read_cache(cache: &Path) -> Option<Removed> {
    let bytes = FileBytes::read(cache).ok()?;
    let (mut removed, names) = {
        let text = std::str::from_utf8(&bytes).ok()?;
        // Six lines of header, then the name lines, sorted, then the paths.
        let mut lines = text.splitn(7, '\n');
        if lines.next()? != CACHE_VERSION {
            return None;
        }
        let mut field = |name: &str| lines.next()?.strip_prefix(name)?.strip_prefix('\t').map(str::to_string);
        let head = field("head")?;
        let commits = field("commits")?.parse().ok()?;
        let changing = field("changing")?.parse().ok()?;
        let complete = field("complete")?.parse().ok()?;
        let shallow = field("shallow")?.parse().ok()?;
        git2::Oid::from_str(&head).ok()?;
        let rest = lines.next().unwrap_or_default();
        let mut removed = Removed { head, commits, changing, complete, shallow, ..Removed::default() };
        let body = text.len() - rest.len();
        let names_end = match rest.starts_with("path\t") {
            true => 0,
            false => rest.find("\npath\t").map_or(rest.len(), |at| at + 1),
        };
        // One copy of each commit and path, however many paths share it.
        let mut shared: HashMap<&str, Arc<str>> = HashMap::new();
        for line in rest[names_end..].split_terminator('\n') {
            let (path, commit, file) = fields(line.strip_prefix("path\t")?)?;
            if commit != "-" && !is_commit_id(commit) {
                return None;
            }
            let commit = (commit != "-").then(|| share(&mut shared, commit));
            removed.paths.insert(path.to_string(), Removal { commit, path: share(&mut shared, file) });
        }
        (removed, body..body + names_end)
    };
    removed.names = RemovedNames::from_cache(bytes, names)?;
    Some(removed)
}

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
    "mod",
    "module",
    "namespace",
    "package",
];

/// Defining words that, in Java-like code, stand before a type, not a name.
const STORAGE: &[&str] = &["static", "const", "final", "let", "var", "val"];

/// Words that may stand between a defining word and the name.
const MODIFIERS: &[&str] = &["mut", "async", "pub", "export", "default", "abstract", "final", "unsafe", "extern"];

/// Words that open a statement, not a method declaration: `if (x) {`.
const STATEMENTS: &[&str] = &[
    "if",
    "for",
    "while",
    "switch",
    "catch",
    "return",
    "new",
    "else",
    "do",
    "try",
    "synchronized",
    "await",
    "throw",
    "yield",
    "super",
    "this",
    "typeof",
    "delete",
    "void",
    "case",
    "assert",
    "foreach",
    "using",
    "with",
    "when",
];

/// Names a line of code defines: `fn name`, `def name`, `class Name`,
/// Go's `func (r *T) Name(`, `NAME = …` at the start of a line, and
/// method declarations without a keyword (`public Foo bar(int x) {`,
/// `  bar(x: number): void {`).
pub fn defined_names(line: &str) -> Vec<&str> {
    let trimmed = line.trim_start();
    // "the console function consoleLevel" in a doc comment is prose.
    if crate::text::is_comment_line(trimmed) {
        return Vec::new();
    }
    // Locals are not the code's names: a variable, key or assignment only
    // counts at the top of a file or in a class body.
    let indent = line[..line.len() - trimmed.len()].chars().map(|c| if c == '\t' { 4 } else { 1 }).sum::<usize>();
    let shallow = indent <= 4;
    // `"pub struct Client; …"`: code inside a string is text, not a definition.
    let code = trimmed.split(['"', '\'', '`']).next().unwrap_or("");
    let words: Vec<&str> = crate::text::identifier_words(code).collect();
    let receiver = trimmed.starts_with("func (");
    let mut names = Vec::new();
    let (mut storage, mut other) = (false, false);
    for (i, word) in words.iter().enumerate() {
        // `function (email) {`: an anonymous function names nothing.
        let anonymous = keyword_followed_by_paren(code, word);
        let local = *word == "let" || STORAGE.contains(word) && !shallow;
        let receiver_func = receiver && *word == "func";
        let defines = DEFINING.contains(word) && !receiver_func;
        if defines && !anonymous && !local {
            storage |= STORAGE.contains(word);
            other |= !STORAGE.contains(word);
            names.extend(words[i + 1..].iter().find(|w| !MODIFIERS.contains(w)).copied());
        }
    }
    // `public static Gson createGson(…) {`: the word after `static` is a type.
    if storage && !other {
        if let Some(member) = method_declaration(trimmed).or_else(|| field_declaration(code)) {
            return vec![member];
        }
    }
    if receiver {
        let after_receiver = trimmed.find(')').map_or("", |close| &trimmed[close + 1..]);
        names.extend(crate::text::identifier_words(after_receiver).next());
    }
    if names.is_empty() {
        names.extend(member_definition(code, indent));
    }
    if names.is_empty() {
        // `self.name = …` and `this.name = …` define a member wherever they stand.
        let own_member = code.starts_with("self.") || code.starts_with("this.");
        let top_level = indent == 0 || own_member;
        names.extend(
            method_declaration(trimmed)
                .or_else(|| property_assignment(code).filter(|_| top_level))
                .or_else(|| field_declaration(code).filter(|_| indent <= 4)),
        );
    }
    names
}

/// Visibility and other modifiers before a member's name.
const MEMBER_MODIFIERS: &[&str] =
    &["pub", "pub(crate)", "pub(super)", "public", "private", "protected", "readonly", "static", "final", "override"];

/// Types a field is declared with, besides capitalised ones.
const PRIMITIVE_TYPES: &[&str] = &[
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "bool",
    "char",
    "str",
    "int",
    "float",
    "string",
    "number",
    "boolean",
    "any",
    "unknown",
    "bigint",
    "byte",
    "rune",
    "error",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "int8",
    "int16",
    "int32",
    "int64",
    "float32",
    "float64",
    "map",
    "chan",
    "func",
    "interface",
    "list",
    "dict",
    "tuple",
    "bytes",
    "object",
];

/// A member a line declares without a keyword:
/// - `NAME = …` and `field: Type` at the top of a file or in a class body
///   (`url_field_name = 'url'`), but not `key: value,` in an object literal;
/// - `name: function (…)` and `name: (…) => …`, methods of an object, anywhere;
/// - struct fields with a type, `pub max_retries: u32,`;
/// - enum variants, `FastPath,`, `FastPath(u32),`, `FAST_PATH,`;
/// - Go struct fields, `MaxRetries int`.
fn member_definition(code: &str, indent: usize) -> Option<&str> {
    let mut body = code.trim();
    while let Some(rest) = MEMBER_MODIFIERS.iter().find_map(|m| body.strip_prefix(m).filter(|r| r.starts_with(' '))) {
        body = rest.trim_start();
    }
    let end = body.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(body.len());
    let (name, rest) = (&body[..end], body[end..].trim_start());
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$') {
        return None;
    }
    let (shallow, entry) = (indent <= 4, rest.trim_end().ends_with(','));
    let capital = name.starts_with(char::is_uppercase);
    if let Some(value) = rest.strip_prefix(':').filter(|v| !v.starts_with(':')).map(str::trim_start) {
        // `field: Type` declares; `allErrors: true` in an object only sets.
        let method = value.starts_with("function") || value.starts_with("async") || value.contains("=>");
        // `Run: func(cmd *cobra.Command) {` sets a field of another
        // package's struct in a Go composite literal.
        let go_func_literal = value.starts_with("func(") || value.starts_with("func (");
        let typed = is_type(value) && !go_func_literal && indent <= 8;
        return (method || typed).then_some(name);
    }
    if let Some(value) = rest.strip_prefix('=').filter(|v| !v.starts_with(['=', '>'])) {
        // `FastPath = 1,` in an enum; `NAME = …` at the top or in a class.
        return (shallow && !entry || capital && entry && indent <= 8 && !value.contains('(')).then_some(name);
    }
    if !capital || indent > 8 {
        return None;
    }
    // `Variant {` opens a struct variant and `Variant { a: u8 },` is one;
    // `VALUES {}` on a line of its own is SQL in a string.
    let opens = rest == "{" || rest.starts_with('{') && entry;
    let variant = rest.is_empty() && end > 1 || rest.starts_with(',') || opens || rest.starts_with('(') && entry;
    let go_field = rest.split_whitespace().next().is_some_and(is_type) && !rest.contains(['(', '=', ':']);
    (variant || go_field).then_some(name)
}

/// `u32`, `String`, `&str`, `*http.Client`, `[]byte`, `Vec<u8>`: a type.
fn is_type(text: &str) -> bool {
    let text = text.trim_start_matches(['&', '*', '[', ']', '(', '?', ' ']).trim_start_matches("mut ");
    let word: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    word.starts_with(char::is_uppercase) || PRIMITIVE_TYPES.contains(&word.as_str())
}

/// `private Path targetDir;`, `protected final int retries = 3;`: a Java
/// or C#-style field, a type then the name.
fn field_declaration(code: &str) -> Option<&str> {
    let declaration = code.trim_end().strip_suffix(';')?;
    let declaration = declaration.split('=').next()?.trim_end();
    if declaration.contains(['(', ')', '.', '"']) {
        return None;
    }
    let words: Vec<&str> = declaration.split_whitespace().collect();
    let (name, before) = words.split_last()?;
    let typed = before.iter().rev().find(|w| !MEMBER_MODIFIERS.contains(w)).is_some_and(|w| is_type(w));
    let statement = before.iter().any(|w| STATEMENTS.contains(w));
    (typed && !statement && crate::spec::shape::is_identifier(name)).then_some(*name)
}

/// True when `keyword` in `code` is followed by `(`, not a name.
fn keyword_followed_by_paren(code: &str, keyword: &str) -> bool {
    code.match_indices(keyword).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let standalone = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        standalone && code[at + keyword.len()..].trim_start().starts_with('(')
    })
}

/// `Chart.controllers.radar = …`, `utils.checkEmail = function (email) {`,
/// `module.exports.parse = …`: an object property defined by assignment.
fn property_assignment(line: &str) -> Option<&str> {
    let (target, value) = line.trim_start().split_once('=')?;
    let path = target.trim_end();
    if value.starts_with('=') || path.ends_with(['!', '<', '>', '+', '-', '*', '/', '|', '&']) || !path.contains('.') {
        return None;
    }
    let segments: Vec<&str> = path.split('.').collect();
    let identifiers = segments.iter().all(|s| crate::spec::shape::is_identifier(s));
    // `self.x = …` in a method is an attribute, `this.x = …` a field: both define.
    identifiers.then(|| segments.last().copied()).flatten()
}

/// `public String getName() {`, `getName(): string {`, `async fetch(url) {`:
/// an identifier before the first `(` on a line that opens a block.
fn method_declaration(line: &str) -> Option<&str> {
    let body = line.trim_end();
    if !(body.ends_with('{') || body.ends_with("throws") || body.ends_with(',')) {
        return None;
    }
    let open = line.find('(')?;
    let head = &line[..open];
    if head.contains(['=', '.', ':', '"', '\'', '(', ')', '!', '&', '|', '+']) {
        return None;
    }
    let words: Vec<&str> = crate::text::identifier_words(head).collect();
    let name = *words.last()?;
    // `void` is JavaScript's operator, but before a name and its
    // parameters, Java's return type: `public void drainAll() {`.
    let statement = words.iter().any(|w| STATEMENTS.contains(w) && *w != "void");
    // `public Foo bar(int a,` continues a declaration; `Some(value),` an expression.
    let continued = body.ends_with(',') && words.len() < 2;
    (!statement && !continued).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_copies_are_not_scanned() {
        for copy in ["docs/releases/sinon-1.17.7.js", "pkg/dist/index.js", "static/jquery-3.2.1.js", "lib.v2.0.js"] {
            assert!(!is_scanned_code(copy), "{copy}");
        }
        for copy in ["typings/globals/node/index.d.ts", "vendor/github.com/x/y.go"] {
            assert!(!is_scanned_code(copy), "{copy}");
        }
        for code in
            ["src/v2/client.py", "lib/http2.js", "src/utf8.rs", "pkg/api/v1beta1/types.go", "src/cmd/dist/build.go"]
        {
            assert!(is_scanned_code(code), "{code}");
        }
    }

    #[test]
    fn finds_definitions_in_deleted_lines() {
        assert_eq!(defined_names("    pub async fn connect(&self) -> Result<()> {"), ["connect"]);
        assert_eq!(defined_names("def open_session(self, user):"), ["open_session"]);
        assert_eq!(defined_names("func (c *Client) Dial(ctx context.Context) error {"), ["Dial"]);
        assert_eq!(defined_names("export default class OldQueue {"), ["OldQueue"]);
        assert_eq!(defined_names("MAX_RETRIES = 5"), ["MAX_RETRIES"]);
        assert_eq!(defined_names("    public static Gson createGson(Config config) {"), ["createGson"]);
        assert_eq!(defined_names("  visitNodes(tree: Tree): void {"), ["visitNodes"]);
        assert_eq!(defined_names("    public void drainAll() {"), ["drainAll"]);
        assert_eq!(defined_names("    void drainAll(int limit) {"), ["drainAll"]);
        assert!(defined_names("    client.connect(addr)?;").is_empty());
        assert_eq!(defined_names("Chart.controllers.radar = Chart.controllers.line.extend({"), ["radar"]);
        assert_eq!(defined_names("utils.checkEmail = function (email) {"), ["checkEmail"]);
        assert_eq!(defined_names("package zbark"), ["zbark"]);
        assert!(defined_names("if (a.b == c) {").is_empty());
        assert!(defined_names("    x.count += 1").is_empty());
        assert!(defined_names("        let instance = build();").is_empty(), "a local");
        assert!(defined_names("        const reply = this.reply;").is_empty(), "a local");
        assert!(defined_names("      allErrors: true,").is_empty(), "an object key");
        assert!(defined_names("  allErrors: true").is_empty(), "the last object key");
        assert_eq!(defined_names("    auth_key: str"), ["auth_key"], "a typed class field");
        assert!(defined_names("    instance.util = helper").is_empty(), "a property set in a body");
        assert_eq!(defined_names("    url_field_name = 'url'"), ["url_field_name"], "a class attribute");
        assert_eq!(defined_names("    pub max_retries: u32,"), ["max_retries"], "a struct field");
        assert_eq!(defined_names("    FastPath,"), ["FastPath"], "an enum variant");
        assert_eq!(defined_names("    FAST_PATH(1),"), ["FAST_PATH"], "a Java enum constant");
        assert_eq!(defined_names("\tMaxRetries int `json:\"max\"`"), ["MaxRetries"], "a Go struct field");
        assert_eq!(defined_names("        getBarsAtEvent: function(e) {"), ["getBarsAtEvent"], "an object's method");
        assert!(
            defined_names("\t\tPersistentPreRun: func(cmd *cobra.Command, args []string) {").is_empty(),
            "a Go field set"
        );
        assert!(defined_names("            Some(value),").is_empty(), "an expression");
        assert_eq!(defined_names("    private Path targetDir;"), ["targetDir"], "a Java field");
        assert_eq!(defined_names("    private static final Logger LOG = make();"), ["LOG"], "a Java constant");
        assert_eq!(defined_names("        self.allow_add_remove = False"), ["allow_add_remove"], "an attribute");
        assert!(defined_names("    return value;").is_empty());
        assert_eq!(defined_names("const DEFAULT_PORT = 80;"), ["DEFAULT_PORT"]);
        assert!(defined_names("    index_file(\"a.rs\", \"pub struct Client;\")").is_empty());
        assert!(defined_names("    if (ready) {").is_empty());
        assert!(defined_names("    } else if (x == 1) {").is_empty());
        assert!(defined_names("    return new Builder(x) {").is_empty());
        assert_eq!(defined_names("    Connected {"), ["Connected"], "a struct variant");
        assert_eq!(defined_names("    Connected { since: u64 },"), ["Connected"], "a struct variant");
        assert!(defined_names("VALUES {}").is_empty(), "SQL in a raw string");
        assert!(
            defined_names("     * Print the usage using the console function consoleLevel.").is_empty(),
            "a comment"
        );
        assert!(defined_names("    // fn old_name() was here").is_empty(), "a comment");
        assert!(defined_names("# class Old: a note").is_empty(), "a comment");
        assert_eq!(defined_names("#[derive(Debug)] struct Kept;"), ["Kept"], "an attribute is not a comment");
    }

    fn git(dir: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
    }

    fn commit(dir: &Path, file: &str, text: &str) {
        std::fs::write(dir.join(file), text).unwrap();
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", file]);
    }

    #[test]
    fn the_whole_history_is_read_then_updated_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"]);
        commit(dir.path(), "a.py", "def ancient_helper():\n    pass\n");
        commit(dir.path(), "a.py", "def current():\n    pass\n");
        for n in 0..30 {
            commit(dir.path(), "notes.txt", &format!("{n}\n"));
        }
        let repository = git2::Repository::open(dir.path()).unwrap();
        let cache = cache_path(&dir.path().join(".driftcheck"));
        let first = load(&repository, "", &cache).unwrap();
        assert_eq!(first.commits, 32);
        assert_eq!(first.changing, 32);
        assert!(first.complete);
        assert_eq!(&*first.names.get("ancient_helper").unwrap().path, "a.py");
        assert!(!first.names.contains_key("current"));

        std::fs::remove_file(dir.path().join("a.py")).unwrap();
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-q", "-m", "drop a"]);
        let repository = git2::Repository::open(dir.path()).unwrap();
        let second = load(&repository, "", &cache).unwrap();
        assert_eq!(second.commits, 33, "only the new commit was read");
        assert!(second.names.contains_key("current") && second.names.contains_key("ancient_helper"));
        assert!(second.paths.contains_key("a.py"));
        assert_eq!(read_cache(&cache), Some(second.clone()));

        std::fs::write(&cache, format!("{CACHE_VERSION}\nhead\tnot-a-commit\n")).unwrap();
        assert_eq!(load(&repository, "", &cache), Some(second.clone()), "a corrupt cache is rebuilt");
        let text = std::fs::read_to_string(&cache).unwrap();
        std::fs::write(&cache, format!("{text}name\tx\t€€€\ta.py\n")).unwrap();
        assert_eq!(load(&repository, "", &cache), Some(second), "a corrupt line is rebuilt too");
    }

    #[test]
    fn a_shallow_clone_is_incomplete_until_it_is_deepened() {
        let origin = tempfile::tempdir().unwrap();
        git(origin.path(), &["init", "-q"]);
        commit(origin.path(), "a.py", "def ancient_helper():\n    pass\n");
        commit(origin.path(), "a.py", "def current():\n    pass\n");
        for n in 0..5 {
            commit(origin.path(), "notes.txt", &format!("{n}\n"));
        }
        let clones = tempfile::tempdir().unwrap();
        let url = format!("file://{}", origin.path().display());
        git(clones.path(), &["clone", "-q", "--depth", "2", &url, "clone"]);
        let clone = clones.path().join("clone");
        let cache = cache_path(&clone.join(".driftcheck"));
        let shallow = load(&git2::Repository::open(&clone).unwrap(), "", &cache).unwrap();
        assert!(!shallow.complete && shallow.shallow);
        assert!(!shallow.names.contains_key("ancient_helper"));
        git(&clone, &["fetch", "-q", "--unshallow"]);
        let deep = load(&git2::Repository::open(&clone).unwrap(), "", &cache).unwrap();
        assert!(deep.complete && !deep.shallow);
        assert!(deep.names.contains_key("ancient_helper"), "read again once deepened");
    }
}
