//! Git access for `--staged` and `--base`: materialising the index or a
//! revision's tree as a directory the normal pipeline can read, and the
//! lines that changed since a revision.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{DiffOptions, ObjectType, Repository, Tree, TreeWalkMode, TreeWalkResult};

use crate::discover::relative;
use crate::Error;

/// The repository a root belongs to, and the root's path inside it.
pub struct Repo {
    repository: Repository,
    /// `""` when the root is the top of the work tree.
    prefix: String,
}

/// The root's folder inside the repository's work tree, `/`-separated:
/// `""` at the top; `None` for a bare repository or a root outside it.
pub fn work_tree_prefix(repository: &Repository, root: &Path) -> Option<String> {
    let workdir = repository.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    root.starts_with(&workdir).then(|| relative(&workdir, &root).unwrap_or_default())
}

/// The files git's index lists, as paths under the root whose folder is
/// `prefix` (files outside it are left out).
pub fn index_paths(index: &git2::Index, prefix: &str) -> Vec<String> {
    let paths = index.iter().filter_map(|entry| String::from_utf8(entry.path).ok());
    paths.filter_map(|path| under_prefix(&path, prefix).map(str::to_string)).collect()
}

/// A repository path as a path under the root whose folder is `prefix`.
pub fn under_prefix<'p>(path: &'p str, prefix: &str) -> Option<&'p str> {
    if prefix.is_empty() {
        return Some(path);
    }
    path.strip_prefix(prefix)?.strip_prefix('/')
}

/// Changed line ranges (1-based, inclusive, new side) per root-relative path.
#[derive(Debug, Default)]
pub struct ChangedLines {
    files: HashMap<String, Vec<(usize, usize)>>,
}

impl ChangedLines {
    /// True when any line of `start..=end` in `path` changed (or the file is new).
    pub fn touches(&self, path: &str, start: usize, end: usize) -> bool {
        self.files.get(path).is_some_and(|ranges| ranges.iter().any(|&(a, b)| a <= end && start <= b))
    }
}

impl Repo {
    pub fn open(root: &Path, flag: &str) -> Result<Repo, Error> {
        let repository = Repository::discover(root).map_err(|_| {
            Error::Usage(format!("{flag} needs a git repository, and {} is not inside one", root.display()))
        })?;
        if repository.workdir().is_none() {
            return Err(Error::Usage(format!("{flag} needs a work tree; this is a bare repository")));
        }
        root.canonicalize()?;
        let prefix = work_tree_prefix(&repository, root).unwrap_or_default();
        Ok(Repo { repository, prefix })
    }

    fn inside_root<'p>(&self, path: &'p str) -> Option<&'p str> {
        under_prefix(path, &self.prefix)
    }

    /// Writes the staged content of every file under the root into `target`
    /// (links may name any file, and line ranges need their content).
    pub fn write_index(&self, target: &Path) -> Result<(), Error> {
        let index = self.repository.index().map_err(git_error)?;
        for entry in index.iter() {
            let path = String::from_utf8_lossy(&entry.path).into_owned();
            let Some(relative) = self.inside_root(&path) else { continue };
            let is_file = matches!(entry.mode & 0o170000, 0o100000);
            if !is_file {
                continue;
            }
            let content = self.repository.find_blob(entry.id).map(|b| b.content().to_vec()).unwrap_or_default();
            write_file(target, relative, &content)?;
        }
        Ok(())
    }

    /// Resolves REV to a tree, with advice when it cannot.
    pub fn tree(&self, rev: &str) -> Result<Tree<'_>, Error> {
        let object = self.repository.revparse_single(rev).map_err(|error| {
            Error::Usage(format!(
                "--base {rev} does not name a commit in this repository ({}). {}",
                error.message(),
                self.fetch_advice(rev)
            ))
        })?;
        object.peel_to_tree().map_err(git_error)
    }

    /// How to get REV into this clone.
    fn fetch_advice(&self, rev: &str) -> String {
        let ci = "(GitHub Actions: `actions/checkout` with `fetch-depth: 0`)";
        if let Some(branch) = rev.strip_prefix("origin/") {
            return format!("Fetch the branch first: `git fetch origin {branch}` {ci}");
        }
        if rev.contains('~') || rev.contains('^') {
            let depth = rev.rsplit(['~', '^']).next().and_then(|n| n.parse::<u32>().ok()).unwrap_or(1);
            if self.repository.is_shallow() {
                return format!("This is a shallow clone: deepen it first, `git fetch --deepen={depth}` {ci}");
            }
            return format!("The history is shorter than that {ci}");
        }
        if self.repository.is_shallow() {
            return format!("This is a shallow clone: `git fetch --unshallow`, or `git fetch origin {rev}` {ci}");
        }
        format!("Fetch it first: `git fetch origin {rev}` {ci}")
    }

    /// Writes a revision's files under the root into `target`.
    pub fn write_tree(&self, tree: &Tree, target: &Path) -> Result<(), Error> {
        let mut failure = None;
        tree.walk(TreeWalkMode::PreOrder, |directory, entry| {
            if entry.kind() != Some(ObjectType::Blob) || entry.filemode() & 0o170000 != 0o100000 {
                return TreeWalkResult::Ok;
            }
            let path = format!("{directory}{}", entry.name().unwrap_or(""));
            let Some(relative) = self.inside_root(&path) else { return TreeWalkResult::Ok };
            let content = self.repository.find_blob(entry.id()).map(|b| b.content().to_vec()).unwrap_or_default();
            match write_file(target, relative, &content) {
                Ok(()) => TreeWalkResult::Ok,
                Err(error) => {
                    failure = Some(error);
                    TreeWalkResult::Abort
                }
            }
        })
        .map_err(git_error)?;
        failure.map_or(Ok(()), Err)
    }

    /// Lines of the work tree (staged or not) that differ from `tree`.
    pub fn changed_since(&self, tree: &Tree) -> Result<ChangedLines, Error> {
        let mut options = DiffOptions::new();
        options.include_untracked(true).recurse_untracked_dirs(true).context_lines(0);
        let diff =
            self.repository.diff_tree_to_workdir_with_index(Some(tree), Some(&mut options)).map_err(git_error)?;
        let mut changed = ChangedLines::default();
        for (index, delta) in diff.deltas().enumerate() {
            let Some(path) = delta.new_file().path().and_then(|p| p.to_str()).and_then(|p| self.inside_root(p)) else {
                continue;
            };
            let ranges = changed.files.entry(path.to_string()).or_default();
            if matches!(delta.status(), git2::Delta::Added | git2::Delta::Untracked) {
                ranges.push((1, usize::MAX));
                continue;
            }
            let Ok(Some(patch)) = git2::Patch::from_diff(&diff, index) else { continue };
            for hunk_index in 0..patch.num_hunks() {
                let Ok((hunk, _)) = patch.hunk(hunk_index) else { continue };
                let start = (hunk.new_start() as usize).max(1);
                // A pure deletion has no new lines: mark the line it was at.
                let end = start + (hunk.new_lines() as usize).max(1) - 1;
                ranges.push((start, end));
            }
        }
        Ok(changed)
    }
}

fn write_file(target: &Path, relative: &str, content: &[u8]) -> Result<(), Error> {
    let path: PathBuf = target.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, content)?;
    Ok(())
}

fn git_error(error: git2::Error) -> Error {
    Error::Usage(format!("git: {}", error.message()))
}
