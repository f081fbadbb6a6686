//! The linker: resolves every spec reference and every code-side `spec:`
//! anchor into links, and records the ones that do not hold.

use std::collections::HashSet;

use serde::Serialize;

use crate::index::{CodeIndex, SymbolId};
use crate::lock::Lock;
use crate::spec::{Clause, Reference, ReferenceKind, SpecFile};
use crate::workspace::Workspace;

mod code_anchors;
mod external;
mod path;
mod state;
mod symbol;
mod view;

use code_anchors::link_code_anchors;
use path::{resolve_anchor, resolve_path, FileFacts};
pub use state::{anchor_key, text_hash, LinkState};
use symbol::{follow_moved, resolve_symbol};
pub use view::{ClauseLinks, LinkEntry, UnresolvedEntry};

/// What a link points at in the code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Symbol(SymbolId),
    /// A whole file or directory, or a line range of one.
    File {
        path: String,
        lines: Option<(usize, usize)>,
    },
}

/// Which side made the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The clause's reference with this index.
    Reference(usize),
    /// A `spec:` comment: code file index and anchor index.
    CodeAnchor { file: usize, anchor: usize },
}

/// A clause linked to a piece of code.
#[derive(Debug, Clone)]
pub struct Link {
    pub spec: usize,
    pub clause: usize,
    pub origin: Origin,
    pub target: Target,
}

/// Why a reference does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "problem")]
pub enum Problem {
    MissingSymbol { suggestion: Option<String>, file: Option<String> },
    MissingPath,
    MissingLines { available: usize },
    MissingHeading { anchor: String },
}

/// A spec reference that names code that is not there.
#[derive(Debug, Clone)]
pub struct Unresolved {
    pub spec: usize,
    pub clause: usize,
    pub reference: usize,
    pub problem: Problem,
}

/// A `spec:` comment whose target does not exist.
#[derive(Debug, Clone)]
pub struct BrokenAnchor {
    pub file: usize,
    pub anchor: usize,
    pub missing: MissingSpec,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingSpec {
    File,
    Section { suggestion: Option<String> },
}

/// The link graph of a workspace.
#[derive(Debug, Default)]
pub struct LinkGraph {
    pub links: Vec<Link>,
    pub unresolved: Vec<Unresolved>,
    pub broken_anchors: Vec<BrokenAnchor>,
}

impl LinkGraph {
    /// Links of one clause.
    pub fn links_of(&self, spec: usize, clause: usize) -> impl Iterator<Item = &Link> {
        self.links.iter().filter(move |link| link.spec == spec && link.clause == clause)
    }
}

/// How one reference resolved.
enum Resolution {
    Linked(Vec<Target>),
    /// Not this repository's code (an external API, a doc-site route).
    Elsewhere,
    Broken(Problem),
}

/// What the linker knows besides the code as it is now.
#[derive(Default)]
pub struct Evidence<'a> {
    /// Lets an explicit anchor follow its symbol to a new file or name.
    pub lock: Option<&'a Lock>,
    /// Names recent commits stopped defining: a spec naming one is stale
    /// for certain, whatever its shape.
    pub removed: HashSet<String>,
    /// Paths recent commits deleted: a link to one is broken even where
    /// missing pages are usually generated ones.
    pub removed_paths: HashSet<String>,
    /// Languages the repository is written in.
    pub languages: Vec<&'static str>,
}

/// Names of code spans that neither resolve nor occur in the code: the only
/// ones whose history is worth a look.
pub fn unexplained_names(workspace: &Workspace, index: &CodeIndex) -> HashSet<String> {
    let mut names = HashSet::new();
    for reference in workspace.specs.iter().flat_map(|s| &s.clauses).flat_map(|c| &c.references) {
        let ReferenceKind::Symbol { segments } = &reference.kind else { continue };
        for name in segments.first().into_iter().chain(segments.last()) {
            if !index.defines(name) && !index.has_token(name) {
                names.insert(name.clone());
            }
        }
    }
    names
}

/// Link targets that do not exist: the only paths whose history is worth a look.
pub fn missing_paths(workspace: &Workspace, index: &CodeIndex) -> HashSet<String> {
    let files = FileFacts::new(workspace, index);
    let mut missing = HashSet::new();
    for reference in workspace.specs.iter().flat_map(|s| &s.clauses).flat_map(|c| &c.references) {
        if let ReferenceKind::Path { path, fallbacks, .. } = &reference.kind {
            if std::iter::once(path).chain(fallbacks).all(|p| files.kind(p).is_none()) {
                missing.insert(path.clone());
            }
        }
    }
    missing
}

/// Links every reference and code-side anchor.
pub fn link(workspace: &Workspace, index: &CodeIndex, evidence: &Evidence) -> LinkGraph {
    let lock = evidence.lock;
    let mut graph = LinkGraph::default();
    let files = FileFacts::new(workspace, index);
    for (spec_index, spec) in workspace.specs.iter().enumerate() {
        for (clause_index, clause) in spec.clauses.iter().enumerate() {
            for (reference_index, reference) in clause.references.iter().enumerate() {
                let resolution = match resolve(reference, clause, spec, index, &files, evidence) {
                    Resolution::Broken(problem) => {
                        follow_moved(reference, clause, index, lock).unwrap_or(Resolution::Broken(problem))
                    }
                    resolution => resolution,
                };
                match resolution {
                    Resolution::Linked(targets) => graph.links.extend(targets.into_iter().map(|target| Link {
                        spec: spec_index,
                        clause: clause_index,
                        origin: Origin::Reference(reference_index),
                        target,
                    })),
                    Resolution::Elsewhere => {}
                    Resolution::Broken(problem) => graph.unresolved.push(Unresolved {
                        spec: spec_index,
                        clause: clause_index,
                        reference: reference_index,
                        problem,
                    }),
                }
            }
        }
    }
    link_code_anchors(workspace, index, &mut graph);
    graph
}

fn resolve(
    reference: &Reference,
    clause: &Clause,
    spec: &SpecFile,
    index: &CodeIndex,
    files: &FileFacts,
    evidence: &Evidence,
) -> Resolution {
    match &reference.kind {
        ReferenceKind::Symbol { segments } => resolve_symbol(reference, segments, clause, spec, index, evidence),
        ReferenceKind::Path { path, fragment, route_like, fallbacks } => {
            let existing = std::iter::once(path).chain(fallbacks).find(|p| files.kind(p).is_some());
            let deleted = evidence.removed_paths.contains(path);
            resolve_path(existing.unwrap_or(path), fragment.as_ref(), *route_like && !deleted, deleted, index, files)
        }
        ReferenceKind::Anchor { path, symbol } => resolve_anchor(path, symbol.as_deref(), index, files),
    }
}
