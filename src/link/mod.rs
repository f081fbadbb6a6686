//! The linker: resolves every spec reference and every code-side `spec:`
//! anchor into links, and records the ones that do not hold.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::history::Removed;
use crate::index::{CodeIndex, SymbolId};
use crate::lock::Lock;
use crate::manifest::Manifests;
use crate::spec::{narrow, Clause, Reference, ReferenceKind, SpecFile};
use crate::workspace::Workspace;

mod code_anchors;
pub mod evidence;
pub mod gates;
mod path;
mod state;
mod symbol;
mod view;

use code_anchors::link_code_anchors;
pub use evidence::Clue;
use gates::{Candidate, Outcome};
use path::{resolve_anchor, resolve_path, FileFacts};
pub use state::{anchor_key, text_hash, LinkState};
use symbol::{follow_moved, resolve_symbol, suggest_for};
pub use view::{ClauseLinks, LinkEntry, SilencedEntry, UnresolvedEntry};

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
///
/// A reference-dense spec holds one per reference, beside the finding each
/// becomes: the common case (a missing file, or a missing name with no
/// nearer one and no evidence) is 32 bytes, and only the rest box the
/// problem's words and the evidence.
#[derive(Debug, Clone)]
pub struct Unresolved {
    spec: u32,
    clause: u32,
    reference: u32,
    plain: PlainProblem,
    /// How sure driftcheck is that it is, 0..=1, from the evidence.
    pub confidence: f64,
    details: Option<Box<Details>>,
}

#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Unresolved>() <= 32, "Unresolved grew; see specs/performance.md");

/// A problem that carries nothing but its kind, held without a box.
#[derive(Debug, Clone, Copy)]
enum PlainProblem {
    MissingPath,
    MissingSymbol,
}

impl PlainProblem {
    fn of(problem: &Problem) -> Option<PlainProblem> {
        match problem {
            Problem::MissingPath => Some(PlainProblem::MissingPath),
            Problem::MissingSymbol { suggestion: None, file: None } => Some(PlainProblem::MissingSymbol),
            _ => None,
        }
    }

    fn problem(self) -> &'static Problem {
        static MISSING_PATH: Problem = Problem::MissingPath;
        static MISSING_SYMBOL: Problem = Problem::MissingSymbol { suggestion: None, file: None };
        match self {
            PlainProblem::MissingPath => &MISSING_PATH,
            PlainProblem::MissingSymbol => &MISSING_SYMBOL,
        }
    }
}

#[derive(Debug, Clone)]
struct Details {
    problem: Problem,
    /// Evidence for and against its being this repository's drift.
    evidence: Vec<Clue>,
}

impl Unresolved {
    pub fn new(at: (usize, usize, usize), problem: Problem, evidence: Vec<Clue>, confidence: f64) -> Unresolved {
        let (spec, clause, reference) = at;
        let plain = PlainProblem::of(&problem).filter(|_| evidence.is_empty());
        Unresolved {
            spec: narrow(spec),
            clause: narrow(clause),
            reference: narrow(reference),
            plain: plain.unwrap_or(PlainProblem::MissingPath),
            confidence,
            details: plain.is_none().then(|| Box::new(Details { problem, evidence })),
        }
    }

    pub fn spec(&self) -> usize {
        self.spec as usize
    }

    pub fn clause(&self) -> usize {
        self.clause as usize
    }

    /// The reference's index in its clause.
    pub fn reference(&self) -> usize {
        self.reference as usize
    }

    pub fn problem(&self) -> &Problem {
        self.details.as_ref().map_or_else(|| self.plain.problem(), |details| &details.problem)
    }

    /// Evidence for and against its being this repository's drift.
    pub fn evidence(&self) -> &[Clue] {
        self.details.as_ref().map_or(&[], |details| &details.evidence)
    }
}

/// An unresolved reference a gate dropped: not drift, for this reason.
#[derive(Debug, Clone)]
pub struct Silenced {
    pub spec: usize,
    pub clause: usize,
    pub reference: usize,
    pub gate: &'static str,
    pub reason: String,
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
    pub silenced: Vec<Silenced>,
    pub broken_anchors: Vec<BrokenAnchor>,
}

impl LinkGraph {
    /// The (spec, clause) of every clause that links to code.
    pub fn linked_clauses(&self) -> HashSet<(usize, usize)> {
        self.links.iter().map(|link| (link.spec, link.clause)).collect()
    }
}

/// How one reference resolved.
enum Resolution {
    Linked(Vec<Target>),
    /// Not checked, for a named reason that `driftcheck links` shows: an
    /// example's import from another package, a name too common to mean
    /// one thing, a doc-site route, a ref the repository does not have.
    Elsewhere {
        gate: &'static str,
        reason: String,
    },
    /// Names nothing that exists, with the evidence that it was ours.
    Broken(Problem, Vec<Clue>),
}

/// What the linker knows besides the code as it is now.
pub struct Evidence<'a> {
    /// Lets an explicit anchor follow its symbol to a new file or name.
    pub lock: Option<&'a Lock>,
    /// Definitions and files the history deleted: a spec naming one names
    /// this repository's code.
    pub removed: &'a Removed,
    /// The repository's own package names and its dependencies.
    pub manifests: &'a Manifests,
    /// Languages the repository is written in.
    pub languages: Vec<&'static str>,
    /// Whether a gate is switched on (`[gates]` in the configuration).
    pub gate_enabled: &'a (dyn Fn(&str) -> bool + Sync),
    /// Unresolved references less likely than this are not reported.
    pub min_confidence: f64,
    /// Keep every silenced reference and why: only `driftcheck links`
    /// shows them, and a reference-dense spec silences a million.
    pub record_silenced: bool,
    /// Branch names links may name to mean the current code.
    pub floating_refs: HashSet<String>,
    /// Files of links pinned to another ref, as that ref has them: line
    /// count, or `None` when the ref has no such file.
    pub pinned_files: HashMap<(String, String), Option<usize>>,
    /// Names the docs' code examples import from a package: name → every
    /// (package, doc). What the docs import only from elsewhere is not ours.
    pub doc_imports: HashMap<String, Vec<(String, String)>>,
    /// Removed names no doc mentioned when they were removed (see
    /// `History::unmentioned_when_removed`).
    pub unmentioned: HashSet<String>,
    /// Folder and module names the repository had and no longer has
    /// (`removed_modules`).
    pub removed_modules: HashMap<String, crate::history::Removal>,
    /// Every file of the repository now: a package manifest that history
    /// deleted but that is here again was not deleted for good.
    pub present: &'a HashSet<String>,
}

/// Rules of thumb about links that a doc site's build decides, switched
/// off in `[gates]` like the gates of [`gates::GATES`]: with one off, such
/// a link is checked like any other.
pub const LINK_GATES: &[&str] = &["generated-page", "site-root", "ignored-file"];

/// Every name `[gates]` accepts.
pub fn switch_names() -> std::collections::BTreeSet<&'static str> {
    let mut names = gates::names();
    names.extend(LINK_GATES);
    names
}

/// Names of folders of library code the repository had and no longer has:
/// `engine` for a deleted `engine/` package, with a deletion that took part
/// of it.
/// `engine.Config` names our code when `engine` is one. (A deleted file's
/// stem is not enough: `demo.wat` and `websocket.connect` are a file and a
/// message type, not the `demo.rs` and `websocket.py` of long ago.)
pub fn removed_modules(workspace: &Workspace, removed: &Removed) -> HashMap<String, crate::history::Removal> {
    fn names(path: &str) -> impl Iterator<Item = &str> {
        let folders = path.rsplit_once('/').map_or("", |(folders, _)| folders);
        folders.split('/').filter(|name| name.len() >= 3)
    }
    // Every folder is one of `dirs`, each named by its last segment: far
    // fewer than the folders of every path.
    fn folder_name(dir: &str) -> &str {
        dir.rsplit_once('/').map_or(dir, |(_, name)| name)
    }
    let dirs = workspace.dirs.iter().map(|dir| folder_name(dir));
    let current: HashSet<&str> = dirs.filter(|name| name.len() >= 3).collect();
    let mut deleted: Vec<(&String, &crate::history::Removal)> = removed.paths.iter().collect();
    // Sorted, so the same deletion speaks for a name on every run.
    deleted.sort_by(|a, b| a.0.cmp(b.0));
    let mut gone = HashMap::new();
    // Folders of library code only: code whose definitions history counts,
    // and not examples.
    let library = |path: &str| crate::history::is_scanned_code(path) && !crate::index::is_example_path(path);
    for (path, removal) in deleted.into_iter().filter(|(path, _)| library(path)) {
        for name in names(path).filter(|name| !current.contains(name)) {
            gone.entry(name.to_string()).or_insert_with(|| removal.clone());
        }
    }
    gone
}

/// Names the specs' code spans use that the code no longer defines but
/// once did: the names whose removal the history is asked about.
pub fn removed_names_in_specs(workspace: &Workspace, index: &CodeIndex, removed: &Removed) -> HashSet<String> {
    let references = workspace.specs.iter().flat_map(|s| &s.clauses).flat_map(|c| &c.references);
    references
        .filter_map(|reference| match &reference.kind {
            ReferenceKind::Symbol { segments } => Some(segments.iter()),
            _ => None,
        })
        .flatten()
        .filter(|name| removed.names.contains_key(name) && !index.defines(name))
        .map(str::to_string)
        .collect()
}

/// Names the code examples of all specs import, with each package they
/// are imported from and the doc that does it.
pub fn doc_imports(workspace: &Workspace) -> HashMap<String, Vec<(String, String)>> {
    let mut imports: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for spec in &workspace.specs {
        for (name, package) in &spec.example_imports {
            imports.entry(name.clone()).or_default().push((package.clone(), spec.path.clone()));
        }
    }
    imports
}

/// Links pinned to a branch, tag or commit other than the current code:
/// `(ref, path)` pairs for the history to look up.
pub fn pinned_links(workspace: &Workspace, floating: &HashSet<String>) -> HashSet<(String, String)> {
    let references = workspace.specs.iter().flat_map(|s| &s.clauses).flat_map(|c| &c.references);
    references
        .filter_map(|reference| match &reference.kind {
            ReferenceKind::Path(link) => match link.git_ref() {
                Some(git_ref) if !floating.contains(git_ref) => Some((git_ref.clone(), link.path.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Pages included by other pages, with the pages that include them.
fn includers(workspace: &Workspace) -> HashMap<String, Vec<&str>> {
    let mut includers: HashMap<String, Vec<&str>> = HashMap::new();
    for spec in &workspace.specs {
        for included in &spec.includes {
            includers.entry(included.clone()).or_default().push(&spec.path);
        }
    }
    includers
}

/// A relative link to a file missing from where an included page is,
/// resolved (file, lines, anchor and all) from a page that includes it,
/// where it is rendered. A README is read on its own as well, so its links
/// must hold where it is; in-page anchors stay with the page.
fn from_includer(
    reference: &Reference,
    problem: &Problem,
    includers: Option<&Vec<&str>>,
    context: (&Workspace, &CodeIndex, &FileFacts),
) -> Option<Resolution> {
    let (workspace, index, files) = context;
    let ReferenceKind::Path(link) = &reference.kind else { return None };
    if link.git_ref().is_some() || *problem != Problem::MissingPath || reference.text.starts_with('#') {
        return None;
    }
    includers?.iter().find_map(|includer| {
        let target = crate::spec::target::repo_path(&reference.text, includer, workspace.repository.as_ref())?;
        let resolution = resolve_path(&target.path, target.fragment.as_ref(), false, false, index, files);
        matches!(resolution, Resolution::Linked(_)).then_some(resolution)
    })
}

/// Whether a page is read on its own wherever it is included.
fn read_on_its_own(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.to_ascii_lowercase().starts_with("readme.")
}

/// Links every reference and code-side anchor.
pub fn link(workspace: &Workspace, index: &CodeIndex, evidence: &Evidence) -> LinkGraph {
    let files = FileFacts::new(workspace, index);
    let includers = includers(workspace);
    // Spec files link independently: each on its own thread, the results
    // joined in file order so the graph does not depend on scheduling.
    let parts: Vec<LinkGraph> = workspace
        .specs
        .par_iter()
        .enumerate()
        .map(|(spec_index, spec)| {
            let included_by = includers.get(&spec.path).filter(|_| !read_on_its_own(&spec.path));
            link_spec((spec_index, spec, included_by), workspace, index, &files, evidence)
        })
        .collect();
    // Sized once: extending part by part would double the list and leave up
    // to as much again spare, and a reference-dense spec has an unresolved
    // reference per reference.
    let mut graph = LinkGraph {
        unresolved: Vec::with_capacity(parts.iter().map(|part| part.unresolved.len()).sum()),
        ..LinkGraph::default()
    };
    for part in parts {
        graph.links.extend(part.links);
        graph.unresolved.extend(part.unresolved);
        graph.silenced.extend(part.silenced);
        graph.broken_anchors.extend(part.broken_anchors);
    }
    link_code_anchors(workspace, index, &mut graph);
    graph
}

/// One spec file's links, silenced and unresolved references; `included_by`
/// are the specs that include it.
fn link_spec(
    (spec_index, spec, included_by): (usize, &SpecFile, Option<&Vec<&str>>),
    workspace: &Workspace,
    index: &CodeIndex,
    files: &FileFacts,
    evidence: &Evidence,
) -> LinkGraph {
    let lock = evidence.lock;
    let mut graph = LinkGraph::default();
    for (clause_index, clause) in spec.clauses.iter().enumerate() {
        for (reference_index, reference) in clause.references.iter().enumerate() {
            let segments = candidate_segments(reference);
            let resolution = match resolve(reference, &segments, clause, index, files, evidence) {
                Resolution::Broken(problem, clues) => follow_moved(reference, clause, index, lock)
                    .or_else(|| from_includer(reference, &problem, included_by, (workspace, index, files)))
                    .unwrap_or(Resolution::Broken(problem, clues)),
                resolution => resolution,
            };
            let at = (spec_index, clause_index, reference_index);
            match resolution {
                Resolution::Linked(targets) => graph.links.extend(targets.into_iter().map(|target| Link {
                    spec: spec_index,
                    clause: clause_index,
                    origin: Origin::Reference(reference_index),
                    target,
                })),
                Resolution::Elsewhere { gate, reason } => silence(
                    &mut graph,
                    evidence,
                    Silenced { spec: spec_index, clause: clause_index, reference: reference_index, gate, reason },
                ),
                Resolution::Broken(problem, support) => {
                    let candidate = Candidate { reference, segments: &segments, clause, spec, index, evidence };
                    record(&mut graph, at, &candidate, problem, support);
                }
            }
        }
    }
    graph
}

/// A directory a commit emptied: some deleted file lay below it.
fn removed_directory<'r>(removed: &'r Removed, path: &str) -> Option<&'r crate::history::Removal> {
    let prefix = format!("{}/", path.trim_end_matches('/'));
    (!path.is_empty())
        .then(|| removed.paths.iter().find(|(deleted, _)| deleted.starts_with(&prefix)).map(|(_, r)| r))?
}

/// A link pinned to another ref is checked against that ref's tree, never
/// against the current code; a ref the repository does not have is not
/// checked at all.
fn pinned(path: &str, git_ref: &str, fragment: Option<&crate::spec::Fragment>, evidence: &Evidence) -> Resolution {
    match evidence.pinned_files.get(&(git_ref.to_string(), path.to_string())) {
        None => Resolution::Elsewhere {
            gate: "unknown-ref",
            reason: format!("the repository has no ref `{git_ref}` to check the link against"),
        },
        Some(None) => Resolution::Broken(Problem::MissingPath, Vec::new()),
        Some(Some(available)) => match fragment {
            Some(crate::spec::Fragment::Lines { end, .. }) if end > available => {
                Resolution::Broken(Problem::MissingLines { available: *available }, Vec::new())
            }
            _ => Resolution::Linked(Vec::new()),
        },
    }
}

/// Symbol segments the resolver and the gates look at: a code span's, or a
/// link's `#Symbol` fragment's. Explicit anchors are not gated.
fn candidate_segments(reference: &Reference) -> Vec<String> {
    match &reference.kind {
        ReferenceKind::Symbol { segments } => segments.to_vec(),
        ReferenceKind::Path(link) => match &link.fragment {
            Some(crate::spec::Fragment::Symbol { segments }) => segments.to_vec(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Records a silenced reference, if anything will show it.
fn silence(graph: &mut LinkGraph, evidence: &Evidence, silenced: Silenced) {
    if evidence.record_silenced {
        graph.silenced.push(silenced);
    }
}

/// Runs the gates over an unresolved reference and records it as
/// unresolved (with its evidence and confidence) or as silenced.
fn record(
    graph: &mut LinkGraph,
    at: (usize, usize, usize),
    candidate: &Candidate,
    problem: Problem,
    support: Vec<Clue>,
) {
    let (spec, clause, reference) = at;
    let explicit = matches!(candidate.reference.kind, ReferenceKind::Anchor(_));
    let against = match explicit {
        true => Vec::new(),
        false => match gates::apply(candidate, &support, candidate.evidence.gate_enabled) {
            Outcome::Dropped { gate, reason } => {
                silence(graph, candidate.evidence, Silenced { spec, clause, reference, gate, reason });
                return;
            }
            Outcome::Kept(against) => against,
        },
    };
    // A code span is only code-shaped until evidence speaks; a link or an
    // anchor names a file of this repository outright.
    let base = match &problem {
        Problem::MissingSymbol { file: None, .. } => evidence::NEUTRAL,
        _ => evidence::EXPLICIT,
    };
    let mut clues = support;
    clues.extend(against);
    let confidence = evidence::confidence(base, &clues);
    // Looking for the nearest name is the costly part; hidden findings
    // need none.
    let mut problem = problem;
    if let Problem::MissingSymbol { suggestion: suggestion @ None, file: None } = &mut problem {
        if confidence >= candidate.evidence.min_confidence {
            *suggestion = suggest_for(candidate.reference, candidate.segments, &clues, candidate.index);
        }
    }
    graph.unresolved.push(Unresolved::new((spec, clause, reference), problem, clues, confidence));
}

/// Folders of a docs URL that name a published version of the docs: Read
/// the Docs' `/en/latest/`, a site's `/router/latest/`.
const RELEASE_CHANNELS: &[&str] = &["latest", "stable"];

/// Whether a root-relative path has a release channel among its first
/// three folders (`/latest/…`, `/en/stable/…`, `/router/latest/…`), a folder
/// the repository does not have (`is_folder`): a chart repository's
/// `stable/` is its own.
fn names_a_release_channel(path: &str, is_folder: impl Fn(&str) -> bool) -> bool {
    let folders = path.rsplit_once('/').map_or("", |(folders, _)| folders);
    let mut end = 0;
    folders.split('/').take(3).any(|folder| {
        end += folder.len() + usize::from(end > 0);
        RELEASE_CHANNELS.contains(&folder) && !is_folder(&folders[..end])
    })
}

/// `segments` are the reference's own ([`candidate_segments`]).
fn resolve(
    reference: &Reference,
    segments: &[String],
    clause: &Clause,
    index: &CodeIndex,
    files: &FileFacts,
    evidence: &Evidence,
) -> Resolution {
    match &reference.kind {
        ReferenceKind::Symbol { .. } => resolve_symbol(reference, segments, clause, index, evidence),
        ReferenceKind::Path(link) => {
            let crate::spec::PathLink { path, fragment, route_like, .. } = &**link;
            let (fallbacks, site_fallbacks) = (link.fallbacks(), link.site_fallbacks());
            if let Some(git_ref) = link.git_ref().filter(|r| !evidence.floating_refs.contains(*r)) {
                return pinned(path, git_ref, fragment.as_ref(), evidence);
            }
            let site = site_fallbacks.iter().filter(|_| files.doc_site());
            let existing = std::iter::once(path).chain(fallbacks).chain(site).find(|p| files.kind(p).is_some());
            // `/img/logo.png` on a page of a Docusaurus site in `website/`.
            let asset = existing.is_none() && reference.text.starts_with('/');
            let served = asset.then(|| files.static_asset(clause.path(), path)).flatten();
            let existing = existing.or(served.as_ref());
            // A file deleted once and written again later is not gone.
            let deleted_file = existing.is_none().then(|| evidence.removed.paths.get(path)).flatten();
            let deleted_folder = existing.is_none().then(|| removed_directory(evidence.removed, path)).flatten();
            let deleted = deleted_file.or(deleted_folder);
            let switched_on = |gate: &str| (evidence.gate_enabled)(gate);
            let generated = existing.is_none() && switched_on("generated-page");
            if let Some(generator) = generated.then(|| files.generator_of(path, deleted.is_some())).flatten() {
                return Resolution::Elsewhere {
                    gate: "generated-page",
                    reason: format!("a page {generator} names: generated when the docs are built"),
                };
            }
            // `docs/packages/cli.md` fetched at build time, a `griffe.json`
            // a script writes: git is told to ignore it, and no commit held it.
            if existing.is_none() && deleted.is_none() && switched_on("ignored-file") && files.is_git_ignored(path) {
                return Resolution::Elsewhere {
                    gate: "ignored-file",
                    reason: "a path .gitignore ignores: a file the build or its user writes".into(),
                };
            }
            if existing.is_none() && deleted.is_none() && files.is_cross_reference(clause.path(), &reference.text) {
                return Resolution::Elsewhere {
                    gate: "doc-route",
                    reason: "a MyST cross-reference to a Sphinx label or object, not a file".into(),
                };
            }
            // `/modules` is a route of the site, whatever folder of that name
            // the repository once had; `/img/logo.png` a file it served.
            let site_route = deleted_file.is_none() && (deleted_folder.is_none() || *route_like);
            let root_relative = existing.is_none()
                && switched_on("site-root")
                && reference.text.starts_with('/')
                // `/src/parser.rs` is code of this repository wherever the page is built.
                && crate::code::language_for(path).is_none();
            let site_root_link = root_relative && !files.names_docs_section(clause.path(), path);
            if site_root_link && site_route && files.built_elsewhere(clause.path()) {
                return Resolution::Elsewhere {
                    gate: "site-root",
                    reason: "a root-relative path on a page a doc site in another repository builds".into(),
                };
            }
            // `/api/sanic.app`, `/examples/search.html`: a page the site
            // renders from code, never a file of the repository.
            let history = evidence.removed;
            let never_held = || {
                let mut places = std::iter::once(path).chain(fallbacks).chain(site_fallbacks);
                let held = places.any(|p| history.paths.contains_key(p) || removed_directory(history, p).is_some());
                !held && history.complete && history.changing >= gates::NEVER_DEFINED_MIN_COMMITS
            };
            if site_root_link && files.is_rendered_route(clause.path(), path) && never_held() {
                return Resolution::Elsewhere {
                    gate: "site-root",
                    reason: format!(
                        "a root-relative path on a doc-site page that none of the {} commits that changed this code held: a page the site builds",
                        history.changing
                    ),
                };
            }
            // `/router/latest/docs/guide.md`, `/en/stable/api.html`: a URL of
            // a published version of the docs, not a path of this checkout.
            // Even into a section of these docs: the version in the URL says
            // it is the deployed site's address for the page.
            let is_folder = |folder: &str| files.kind(folder) == Some(path::PathKind::Directory);
            if root_relative && site_route && names_a_release_channel(path, is_folder) && never_held() {
                return Resolution::Elsewhere {
                    gate: "site-root",
                    reason: "a root-relative URL of a published docs version (`latest`, `stable`): a page of the deployed site".into(),
                };
            }
            let resolution = resolve_path(
                existing.unwrap_or(path),
                fragment.as_ref(),
                *route_like && deleted.is_none(),
                deleted.is_some(),
                index,
                files,
            );
            match (resolution, deleted) {
                (Resolution::Broken(problem, mut clues), Some(removal)) => {
                    clues.push(Clue::removed(path, removal));
                    Resolution::Broken(problem, clues)
                }
                (resolution, _) => resolution,
            }
        }
        ReferenceKind::Anchor(anchor) => resolve_anchor(&anchor.path, anchor.symbol.as_deref(), index, files),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_channel_folders_name_a_published_docs_version() {
        for (path, channel) in [
            ("router/latest/docs/framework/react/guide.md", true),
            ("en/stable/api.html", true),
            ("docs/latest.md", false),
            ("docs/guide/latest-changes.md", false),
            ("img/logo.png", false),
            ("a/b/c/latest/page.md", false),
        ] {
            assert_eq!(names_a_release_channel(path, |_| false), channel, "{path}");
        }
        let charts = |folder: &str| folder == "stable";
        assert!(!names_a_release_channel("stable/mychrat/README.md", charts), "a chart repository's own folder");
        assert!(names_a_release_channel("docs/stable/guide.md", charts));
    }
}
