//! Loads a repository: discovers files, then reads and parses specs and
//! indexes code in parallel.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::code::{self, CodeFile};
use crate::config::Config;
use crate::discover::{self, Candidate, Note, Role};
use crate::spec::{self, RepoSlug, SpecFile};

/// Everything one run looks at, loaded once.
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub repository: Option<RepoSlug>,
    pub specs: Vec<SpecFile>,
    pub code: Vec<CodeFile>,
    pub notes: Vec<Note>,
}

impl Workspace {
    pub fn load(config: Config) -> Workspace {
        let root = config.root.clone();
        let repository = config
            .repository
            .as_deref()
            .and_then(RepoSlug::parse)
            .or_else(|| git_remote(&root).as_deref().and_then(RepoSlug::parse));
        let (candidates, mut notes) = discover::discover(&config);
        let loaded: Vec<(Candidate, Result<String, Note>)> = candidates
            .into_par_iter()
            .map(|candidate| {
                let text = discover::read_text(&root, &candidate, config.max_file_size);
                (candidate, text)
            })
            .collect();
        let mut spec_sources = Vec::new();
        let mut code_sources = Vec::new();
        for (candidate, text) in loaded {
            match (text, candidate.role) {
                (Ok(text), Role::Spec) => spec_sources.push((candidate.path, text)),
                (Ok(text), Role::Code) => code_sources.push((candidate.path, text)),
                (Err(note), _) => notes.push(note),
            }
        }
        let specs =
            spec_sources.into_par_iter().map(|(path, text)| spec::parse(&path, text, repository.as_ref())).collect();
        let indexed: Vec<(CodeFile, Option<Note>)> =
            code_sources.into_par_iter().map(|(path, text)| index_guarded(path, text)).collect();
        let mut code = Vec::with_capacity(indexed.len());
        for (file, note) in indexed {
            notes.extend(note);
            code.push(file);
        }
        Workspace { root, config, repository, specs, code, notes }
    }
}

/// Indexes a file; a grammar that panics on some input costs that file its
/// symbols (it still contributes tokens), never the run.
fn index_guarded(path: String, text: String) -> (CodeFile, Option<Note>) {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| code::index_file(&path, text.clone())));
    match attempt {
        Ok(file) => (file, None),
        Err(_) => {
            let note = Note { path: path.clone(), message: "indexed as plain text: the parser failed".to_string() };
            (code::index_plain(&path, text), Some(note))
        }
    }
}

/// URL of the `origin` remote (or the first remote) of the repository the
/// root belongs to.
fn git_remote(root: &std::path::Path) -> Option<String> {
    let repository = git2::Repository::discover(root).ok()?;
    if let Ok(origin) = repository.find_remote("origin") {
        return origin.url().map(str::to_string);
    }
    let remotes = repository.remotes().ok()?;
    let name = remotes.iter().flatten().next()?;
    let remote = repository.find_remote(name).ok()?;
    remote.url().map(str::to_string)
}
