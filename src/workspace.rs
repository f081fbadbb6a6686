//! Loads a repository: discovers files, then reads and parses specs and
//! indexes code in parallel.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;

use rayon::prelude::*;

use crate::code::{self, CodeFile};
use crate::config::Config;
use crate::discover::{self, Candidate, FileStamp, Note, Role};
use crate::index_cache::{self, ContentHash, IndexCache};
use crate::manifest::Manifests;
use crate::spec::{self, RepoSlug, SpecFile};

/// Everything one run looks at, loaded once.
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub repository: Option<RepoSlug>,
    pub specs: Vec<SpecFile>,
    pub code: Vec<CodeFile>,
    pub notes: Vec<Note>,
    /// What the repository's manifests say it is and depends on.
    pub manifests: Manifests,
    /// Every file of the repository, read or not (see [`discover::Discovered`]).
    pub paths: HashSet<String>,
    /// Every directory that holds one of `paths`.
    pub dirs: HashSet<String>,
    /// What the repository's `.gitignore` files ignore.
    pub git_ignored: crate::discover::GitIgnored,
}

impl Workspace {
    /// Loads the repository `config` names; code files whose content the
    /// index cache already holds are not parsed again.
    pub fn load(config: Config, cache: &IndexCache) -> Workspace {
        Workspace::load_with(config, cache, None, true, TrackedPaths::Read)
    }

    /// As [`Workspace::load`], with one spec's text given (`check -`): it
    /// replaces the file on disk, or joins the specs if there is none.
    /// Without `hash_bodies` symbols get no body hash: only a lock reads
    /// them.
    pub fn load_with(
        config: Config,
        cache: &IndexCache,
        stdin: Option<&crate::engine::StdinSpec>,
        hash_bodies: bool,
        tracked: TrackedPaths,
    ) -> Workspace {
        let root = config.root.clone();
        let repository = config
            .repository
            .as_deref()
            .and_then(RepoSlug::parse)
            .or_else(|| git_remote(&root).as_deref().and_then(RepoSlug::parse));
        // Finding the files and reading the index cache both wait on the
        // disk: side by side.
        let (discovered, ()) = rayon::join(|| discover::discover(&config), || cache.prefetch());
        let git_ignored = discovered.git_ignored;
        let (candidates, mut notes, mut paths) = (discovered.candidates, discovered.notes, discovered.paths);
        let context = LoadContext { root: &root, config: &config, cache, hash_bodies, repository: repository.as_ref() };
        // A spec given on standard input replaces the file: not read or parsed.
        let from_stdin = |candidate: &Candidate| stdin.is_some_and(|given| given.path == candidate.path);
        let loaded: Vec<Loaded> = candidates
            .into_par_iter()
            .filter(|candidate| !(candidate.role == Role::Spec && from_stdin(candidate)))
            .map(|candidate| load(candidate, &context))
            .collect();
        let mut specs = Vec::new();
        let mut indexed = Vec::with_capacity(loaded.len());
        for loaded in loaded {
            match loaded {
                Loaded::Spec(spec) => specs.push(*spec),
                Loaded::Code(file, note, hash, stamp) => indexed.push((file, note, hash, stamp)),
                Loaded::Skipped(note) => notes.push(note),
            }
        }
        if let Some(given) = stdin {
            specs.push(spec::parse(&given.path, given.text.clone(), repository.as_ref()));
            specs.sort_by(|a, b| a.path.cmp(&b.path));
        }
        retire_old_versions(&mut specs);
        // Without a remote, the checkout's folder names the repository.
        let folder = || root.canonicalize().ok()?.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = repository.as_ref().map(|slug| slug.name().to_string()).or_else(folder);
        for spec in &mut specs {
            spec.copied_from = spec::front_matter::copied_from(&spec.source, name.as_deref());
        }
        if specs.is_empty() {
            let message =
                format!("no spec files matched `specs` ({}) under {}", config.specs.join(", "), root.display());
            notes.push(Note { path: String::new(), message, warning: false, line: None });
        }
        // Files the parser failed on are left out of the cache: the next
        // run tries again, and says so again.
        let cacheable: Vec<index_cache::Indexed> = indexed
            .iter()
            .filter(|(_, note, _, _)| note.is_none())
            .map(|(file, _, hash, stamp)| (file, *hash, *stamp))
            .collect();
        // A cache that cannot be written costs the next run time, not this
        // run its answer.
        let _ = cache.save(&cacheable);
        let mut code = Vec::with_capacity(indexed.len());
        for (file, note, _, _) in indexed {
            notes.extend(note);
            code.push(file);
        }
        // Handed over only now: the history reads git's index while the
        // files above are read and parsed.
        paths.extend(match tracked {
            TrackedPaths::Given(given) => given.recv().unwrap_or_else(|_| tracked_paths(&root)),
            TrackedPaths::Read => tracked_paths(&root),
        });
        let dirs = paths.iter().flat_map(|path| ancestors(path)).map(str::to_string).collect();
        let manifests = Manifests::read(&root, &paths);
        Workspace { root, config, repository, specs, code, notes, manifests, paths, dirs, git_ignored }
    }
}

impl Workspace {
    /// Languages of the indexed code, for language-specific knowledge.
    pub fn languages(&self) -> Vec<&'static str> {
        let mut languages: Vec<&'static str> = self.code.iter().filter_map(|f| f.language).collect();
        languages.sort_unstable();
        languages.dedup();
        languages
    }
}

/// A discovered file, read and parsed or indexed. A code file's index is
/// not boxed: moving 7,000 of them out of boxes made by the worker threads
/// took 45 ms on wasmtime, against 10 ms for the larger vector.
#[allow(clippy::large_enum_variant)]
enum Loaded {
    Spec(Box<SpecFile>),
    Code(CodeFile, Option<Note>, ContentHash, Option<FileStamp>),
    Skipped(Note),
}

/// What reading and parsing a discovered file depends on.
struct LoadContext<'a> {
    root: &'a Path,
    config: &'a Config,
    cache: &'a IndexCache,
    hash_bodies: bool,
    repository: Option<&'a RepoSlug>,
}

/// Reads and parses a spec (in the same parallel pass as the code, so
/// neither waits for the other's slowest file); takes a code file's index
/// from the cache when its stamp says it is unchanged (without reading it),
/// else reads and indexes it.
fn load(candidate: Candidate, context: &LoadContext) -> Loaded {
    let LoadContext { root, config, cache, hash_bodies, repository } = *context;
    let within_limit = candidate.size <= config.max_file_size;
    if candidate.role == Role::Code && within_limit {
        let cached = cache.unchanged(&candidate.path, candidate.stamp.as_ref(), &candidate.file, hash_bodies);
        if let Some((file, hash)) = cached {
            return Loaded::Code(file, None, hash, candidate.stamp);
        }
    }
    let text = match discover::read_text(&candidate, config.max_file_size) {
        Ok(text) => text,
        Err(note) => return Loaded::Skipped(note),
    };
    if candidate.role == Role::Spec {
        let mut spec = spec::parse(&candidate.path, text, repository);
        spec.source.came_from(candidate.file);
        return Loaded::Spec(Box::new(spec));
    }
    let hash = index_cache::content_hash(&text);
    let (mut file, note) = match cache.get(&candidate.path, &hash, text, hash_bodies) {
        Ok(file) => (file, None),
        Err(text) => index_guarded(root, candidate.path, text, hash_bodies),
    };
    // The text is let go once indexed and read again only for the few files
    // a link or a finding asks about, as a warm run does: held for every
    // file, it would be most of a cold run's memory.
    file.source = code::Source::on_disk(candidate.file, hash);
    Loaded::Code(file, note, hash, candidate.stamp)
}

/// Indexes a file; a grammar that panics on some input costs that file its
/// symbols (it still contributes tokens, re-read from disk), never the run.
fn index_guarded(root: &Path, path: String, text: String, hash_bodies: bool) -> (CodeFile, Option<Note>) {
    let index = || code::index_file_with(&path, text, hash_bodies);
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(index));
    match attempt {
        Ok(file) => (file, None),
        Err(_) => {
            let text = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
            let note = Note {
                path: path.clone(),
                message: "indexed as plain text: the parser failed".to_string(),
                warning: false,
                line: None,
            };
            (code::index_plain(&path, text), Some(note))
        }
    }
}

/// `docs/v1/…` beside `docs/v3/…`: the docs of older major versions describe
/// older code on purpose. Their clauses are treated as history.
fn retire_old_versions(specs: &mut [SpecFile]) {
    let mut newest: HashMap<String, u32> = HashMap::new();
    for spec in specs.iter() {
        if let Some((prefix, version)) = version_directory(&spec.path) {
            let entry = newest.entry(prefix).or_insert(version);
            *entry = (*entry).max(version);
        }
    }
    for spec in specs.iter_mut() {
        let Some((prefix, version)) = version_directory(&spec.path) else { continue };
        if let Some(latest) = newest.get(&prefix).filter(|&&latest| version < latest) {
            let reason: std::sync::Arc<str> =
                format!("docs of version {version}, older than version {latest} beside them").into();
            spec.clauses.iter_mut().for_each(|clause| clause.marks_mut().history = Some(reason.clone()));
        }
    }
}

/// `docs/v2/guide.md` → (`docs/`, 2); also `version-2`, `v2.x`.
fn version_directory(path: &str) -> Option<(String, u32)> {
    let segments: Vec<&str> = path.split('/').collect();
    let (_, directories) = segments.split_last()?;
    let mut prefix = String::new();
    for segment in directories {
        let digits = segment.strip_prefix("version-").or_else(|| segment.strip_prefix('v'));
        if let Some(number) = digits.and_then(|d| d.trim_end_matches(".x").parse::<u32>().ok()) {
            return Some((prefix, number));
        }
        prefix.push_str(segment);
        prefix.push('/');
    }
    None
}

/// `a/b/c.md` → `a/b`, `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(at, _)| &path[..at])
}

/// Where a run gets the files git tracks (see [`tracked_paths`]).
pub enum TrackedPaths {
    /// Read from git's index by the workspace.
    Read,
    /// Sent by whoever reads git's index anyway, the history for one: the
    /// index is read once, not twice (reading it checks its SHA-1, which
    /// on wasmtime cost as much as listing its 7,000 files). A sender
    /// dropped without sending means read them here.
    Given(Receiver<Vec<String>>),
}

/// Files the index tracks, whether or not the work tree holds them: a
/// sparse checkout leaves some out, a partial clone may lack their blobs.
/// They exist, and links to them hold. A deletion counts once it is staged,
/// as it will be in the commit.
fn tracked_paths(root: &std::path::Path) -> Vec<String> {
    let Ok(repository) = git2::Repository::discover(root) else { return Vec::new() };
    let Some(prefix) = crate::git::work_tree_prefix(&repository, root) else { return Vec::new() };
    match repository.index() {
        Ok(index) => crate::git::index_paths(&index, &prefix),
        // A sparse index (`--sparse-index`) is one libgit2 cannot read: every
        // file HEAD tracks counts instead.
        Err(_) => {
            let under_root = |path: String| crate::git::under_prefix(&path, &prefix).map(str::to_string);
            head_files(&repository).into_iter().filter_map(under_root).collect()
        }
    }
}

/// Every file in HEAD's tree.
fn head_files(repository: &git2::Repository) -> Vec<String> {
    let mut files = Vec::new();
    let Ok(tree) = repository.head().and_then(|head| head.peel_to_tree()) else { return files };
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            files.push(format!("{parent}{}", entry.name().unwrap_or("")));
        }
        git2::TreeWalkResult::Ok
    });
    files
}

/// URL of the `origin` remote (or the first remote) of the repository the
/// root belongs to.
pub fn git_remote(root: &std::path::Path) -> Option<String> {
    let repository = git2::Repository::discover(root).ok()?;
    if let Ok(origin) = repository.find_remote("origin") {
        return origin.url().map(str::to_string);
    }
    let remotes = repository.remotes().ok()?;
    let name = remotes.iter().flatten().next()?;
    let remote = repository.find_remote(name).ok()?;
    remote.url().map(str::to_string)
}
