//! The linker: resolves every spec reference and every code-side `spec:`
//! anchor into links, and records the ones that do not hold.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::code::{SpecAnchor, SymbolKind};
use crate::index::{CodeIndex, SymbolId};
use crate::lock::Lock;
use crate::spec::target::join;
use crate::spec::{self, Clause, Fragment, Reference, ReferenceKind, SpecFile};
use crate::workspace::Workspace;

mod external;
mod state;
mod view;
pub use state::{anchor_key, text_hash, LinkState};
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

/// An explicit anchor that no longer resolves, whose accepted code (same
/// name, same body hash) now lives elsewhere: the code moved, it did not
/// change, so the link follows it.
fn follow_moved(reference: &Reference, clause: &Clause, index: &CodeIndex, lock: Option<&Lock>) -> Option<Resolution> {
    let ReferenceKind::Anchor { symbol: Some(symbol), .. } = &reference.kind else { return None };
    let name = symbol.last()?;
    // Any path: once the moved code was accepted, the lock records its new
    // file while the anchor in the spec still names the old one.
    let accepted: Vec<&str> = lock?
        .of_clause(&clause.id)
        .filter(|entry| entry.anchor.split_once("::").is_some_and(|(_, s)| s.ends_with(name.as_str())))
        .map(|entry| entry.code_hash.as_str())
        .collect();
    let moved: Vec<Target> = index
        .resolve(std::slice::from_ref(name), None)
        .into_iter()
        .filter(|id| accepted.contains(&index.symbol(*id).body_hash.as_str()))
        .map(Target::Symbol)
        .collect();
    (!moved.is_empty()).then_some(Resolution::Linked(moved))
}

/// A code span. Precision first: only a name that is clearly about this
/// code base and clearly gone is reported. A name still used as a token
/// somewhere is a use of something (std, a dependency, an env var); a lone
/// name is only reported as a near miss of one of ours (or a snake_case call,
/// `parse_config()`, which nothing else could be); a member only when its
/// owner is our own type or module.
fn resolve_symbol(
    reference: &Reference,
    segments: &[String],
    clause: &Clause,
    spec: &SpecFile,
    index: &CodeIndex,
    evidence: &Evidence,
) -> Resolution {
    let scope = clause.scope.as_deref();
    let called = reference.text.trim_end().ends_with(')');
    let found = index.resolve(segments, scope);
    if !found.is_empty() {
        return match index.prefer(found, called) {
            Some(chosen) => Resolution::Linked(chosen.into_iter().map(Target::Symbol).collect()),
            None => Resolution::Elsewhere,
        };
    }
    let modules = index.resolve_module(segments, scope);
    if !modules.is_empty() {
        return Resolution::Linked(modules.into_iter().map(|path| Target::File { path, lines: None }).collect());
    }
    let Some(name) = segments.last() else { return Resolution::Elsewhere };
    let owner = &segments[..segments.len() - 1];
    if let Some(members) = instance_members(owner, name, scope, index) {
        return Resolution::Linked(members);
    }
    // A name a recent commit stopped defining was ours, whatever its shape.
    let removed = [owner.first(), Some(name)].into_iter().flatten().any(|n| evidence.removed.contains(n));
    let from_example = segments.first().is_some_and(|first| spec.example_names.contains(first));
    let named_thing = names_something_else(&spec.source, reference.bytes.end);
    let illustration = segments.iter().any(|s| external::is_placeholder(s));
    let well_known = external::is_well_known(name, &evidence.languages);
    if !removed && (reference.soft || from_example || illustration || well_known || named_thing) {
        return Resolution::Elsewhere;
    }
    let missing = if owner.is_empty() {
        lone_name_missing(name, called, clause, index)
    } else {
        member_missing(owner, name, scope, index) || removed
    };
    if !missing {
        return Resolution::Elsewhere;
    }
    let suggestion = index.suggest(segments, called, None);
    if owner.is_empty() && suggestion.is_none() && !is_snake_call(name, called) && !removed {
        return Resolution::Elsewhere;
    }
    Resolution::Broken(Problem::MissingSymbol { suggestion, file: None })
}

fn lone_name_missing(name: &str, called: bool, clause: &Clause, index: &CodeIndex) -> bool {
    let environment = external::is_screaming(name) && external::is_environment_clause(&clause.text);
    !index.has_token(name) && !environment && (called || !index.has_token_ignoring_case(name))
}

/// "the `init_catalog` command", "the `custom_theme` directory": the word
/// after a span says what it names, and it is not a symbol.
fn names_something_else(source: &str, after: usize) -> bool {
    const NOUNS: &[&str] = &[
        "command",
        "commands",
        "subcommand",
        "directory",
        "directories",
        "folder",
        "folders",
        "file",
        "files",
        "tag",
        "tags",
        "package",
        "packages",
        "library",
        "crate",
        "crates",
        "gem",
        "plugin",
        "plugins",
        "extension",
        "binary",
        "executable",
        "script",
        "scripts",
        "table",
        "column",
        "database",
        "repository",
        "branch",
        "image",
        "container",
    ];
    let rest = source.get(after..).unwrap_or("");
    let next = rest.trim_start_matches([' ', '\n']).split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    NOUNS.contains(&next.to_lowercase().as_str())
}

/// `parse_config()`: a call of a snake_case name can only be code.
fn is_snake_call(name: &str, called: bool) -> bool {
    called && name.contains('_') && !name.chars().any(char::is_uppercase)
}

fn member_missing(owner: &[String], name: &str, scope: Option<&str>, index: &CodeIndex) -> bool {
    let types = index.owner_types(owner, scope);
    if !types.is_empty() {
        return !index.member_may_exist(&types, name);
    }
    (index.is_module(owner) || !index.resolve(owner, None).is_empty()) && !index.has_token(name)
}

/// `client.retry(3)`: a lower-case owner that names nothing of ours is a
/// variable. Link the members of that name whose type the variable is named
/// after (`client` → `Client`, `queue` → `JobQueue`), never `json.dumps` to
/// some unrelated `dumps` method.
fn instance_members(owner: &[String], name: &str, scope: Option<&str>, index: &CodeIndex) -> Option<Vec<Target>> {
    let [variable] = owner else { return None };
    let lower = variable.chars().next().is_some_and(char::is_lowercase);
    if !lower || !index.resolve(owner, scope).is_empty() {
        return None;
    }
    let members: Vec<Target> = index
        .resolve(&[name.to_string()], scope)
        .into_iter()
        .filter(|id| matches!(index.symbol(*id).kind, SymbolKind::Method | SymbolKind::Field))
        .filter(|id| {
            let qualified = &index.symbol(*id).qualified;
            let owner_type = qualified.len().checked_sub(2).and_then(|i| qualified.get(i));
            owner_type.is_some_and(|t| t.to_lowercase().ends_with(&variable.to_lowercase()))
        })
        .map(Target::Symbol)
        .collect();
    (!members.is_empty()).then_some(members)
}

fn resolve_path(
    path: &str,
    fragment: Option<&Fragment>,
    route_like: bool,
    deleted: bool,
    index: &CodeIndex,
    files: &FileFacts,
) -> Resolution {
    let Some(kind) = files.kind(path) else {
        // A path a recent commit deleted was a real file, not a generated page.
        return if !deleted && files.is_route(path, route_like, fragment) {
            Resolution::Elsewhere
        } else {
            Resolution::Broken(Problem::MissingPath)
        };
    };
    let whole = Target::File { path: path.to_string(), lines: None };
    match fragment {
        _ if kind == PathKind::Directory => Resolution::Linked(vec![whole]),
        // Another document: checked, but not a link to code.
        Some(Fragment::Heading { anchor }) => match files.has_anchor(path, anchor) {
            false => Resolution::Broken(Problem::MissingHeading { anchor: anchor.clone() }),
            true => Resolution::Linked(Vec::new()),
        },
        _ if is_markdown(path) => Resolution::Linked(Vec::new()),
        Some(Fragment::Lines { start, end }) => match files.line_count(path) {
            Some(available) if *end > available => Resolution::Broken(Problem::MissingLines { available }),
            _ => Resolution::Linked(vec![Target::File { path: path.to_string(), lines: Some((*start, *end)) }]),
        },
        Some(Fragment::Symbol { segments }) => match index.file_index(path) {
            Some(file) => symbol_in_file(file, path, segments, index, true),
            None => Resolution::Linked(vec![whole]),
        },
        None => Resolution::Linked(vec![whole]),
    }
}

/// `<!-- driftcheck:code path::Symbol -->`: explicit, so no token guard.
fn resolve_anchor(path: &str, symbol: Option<&[String]>, index: &CodeIndex, files: &FileFacts) -> Resolution {
    if files.kind(path).is_none() {
        return Resolution::Broken(Problem::MissingPath);
    }
    match (symbol, index.file_index(path)) {
        (Some(segments), Some(file)) if !segments.is_empty() => symbol_in_file(file, path, segments, index, false),
        _ => Resolution::Linked(vec![Target::File { path: path.to_string(), lines: None }]),
    }
}

fn symbol_in_file(file: usize, path: &str, segments: &[String], index: &CodeIndex, guard: bool) -> Resolution {
    let found = index.resolve_in_file(file, segments);
    if !found.is_empty() {
        return Resolution::Linked(found.into_iter().map(Target::Symbol).collect());
    }
    let still_used = segments.last().is_some_and(|name| index.files()[file].tokens.contains(name));
    if guard && still_used {
        return Resolution::Linked(vec![Target::File { path: path.to_string(), lines: None }]);
    }
    Resolution::Broken(Problem::MissingSymbol {
        suggestion: index.suggest(segments, false, Some(file)),
        file: Some(path.to_string()),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathKind {
    File,
    Directory,
}

/// Existence and length of repository paths, from the index where it has
/// the file and from disk otherwise.
struct FileFacts<'a> {
    workspace: &'a Workspace,
    index: &'a CodeIndex<'a>,
    /// Directories that hold indexed code (not the root): an extension-less
    /// link into one is a missing code directory, not a doc-site route.
    code_dirs: HashSet<&'a str>,
    /// The repository builds a doc site (mkdocs, Docusaurus, VitePress,
    /// Hugo, Sphinx, Jekyll): its `.md` links may name generated pages.
    doc_site: bool,
}

/// Files that configure a documentation site generator.
const DOC_SITE_CONFIGS: &[&str] = &[
    "mkdocs.yml",
    "mkdocs.yaml",
    "docusaurus.config.js",
    "docusaurus.config.ts",
    "docs/.vitepress/config.ts",
    "docs/.vitepress/config.js",
    "docs/.vitepress/config.mts",
    ".vitepress/config.ts",
    "hugo.toml",
    "hugo.yaml",
    "docs/conf.py",
    "doc/conf.py",
    "_config.yml",
    "docs/_config.yml",
    "antora.yml",
    "docs/mkdocs.yml",
];

impl<'a> FileFacts<'a> {
    fn new(workspace: &'a Workspace, index: &'a CodeIndex<'a>) -> Self {
        let code_dirs = index
            .files()
            .iter()
            .filter(|file| file.language.is_some())
            .flat_map(|file| file.path.match_indices('/').map(|(at, _)| &file.path[..at]))
            .collect();
        let doc_site = DOC_SITE_CONFIGS.iter().any(|config| workspace.paths.contains(*config));
        FileFacts { workspace, index, code_dirs, doc_site }
    }

    fn kind(&self, path: &str) -> Option<PathKind> {
        if self.index.file_index(path).is_some() || self.workspace.paths.contains(path) {
            return Some(PathKind::File);
        }
        (path.is_empty() || self.workspace.dirs.contains(path)).then_some(PathKind::Directory)
    }

    /// Lines of a file; `None` when it is too large to read (then any range
    /// is believed).
    fn line_count(&self, path: &str) -> Option<usize> {
        let count = |text: &str| text.lines().count();
        if let Some(file) = self.index.file_index(path) {
            return Some(count(&self.index.files()[file].source));
        }
        let full = self.workspace.root.join(path);
        let size = std::fs::metadata(&full).ok()?.len();
        if size > self.workspace.config.max_file_size {
            return None;
        }
        std::fs::read(&full).ok().map(|bytes| count(&String::from_utf8_lossy(&bytes)))
    }

    /// A link to a missing path that is not worth reporting: a doc-site
    /// route, or a page the doc site generates.
    fn is_route(&self, path: &str, route_like: bool, fragment: Option<&Fragment>) -> bool {
        if route_like {
            let parent = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            return parent.is_empty() || !self.code_dirs.contains(parent);
        }
        // `../api/pkg.md#pkg.Settings`: a page generated from the code.
        let api_page = matches!(fragment, Some(Fragment::Heading { anchor }) if anchor.contains('.'));
        is_markdown(path) && (self.doc_site || api_page)
    }

    /// Whether a markdown file has an anchor: a heading slug, an explicit
    /// clause id, or an HTML `id`/`name`. Compared loosely (letters and
    /// digits only), as doc sites slug headings slightly differently. A
    /// markdown file driftcheck did not read is believed.
    fn has_anchor(&self, path: &str, anchor: &str) -> bool {
        let Some(spec) = self.workspace.specs.iter().find(|s| s.path == path) else { return true };
        // A page that includes another file has headings driftcheck does not see.
        let includes = ["--8<--", "{{#include", "{% include", ".. include::", "{{< include"];
        if includes.iter().any(|directive| spec.source.contains(directive)) {
            return true;
        }
        let loose =
            |text: &str| text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
        let wanted = loose(anchor.strip_prefix("user-content-").unwrap_or(anchor));
        let slugs = spec.sections.iter().map(|s| s.slug.as_str());
        let ids = spec.clauses.iter().filter_map(|c| c.id.split_once('#').map(|(_, id)| id));
        let found = slugs.chain(ids).any(|candidate| loose(candidate) == wanted);
        found || html_anchor(&spec.source, anchor)
    }
}

fn is_markdown(path: &str) -> bool {
    [".md", ".markdown", ".mdx"].iter().any(|ext| path.ends_with(ext))
}

/// `<a name="x">`, `<span id="x">`, `{#x}`, `{ #x .class }`: anchors
/// written by hand, on headings or anywhere else.
fn html_anchor(source: &str, anchor: &str) -> bool {
    let attributes = [format!("id=\"{anchor}\""), format!("name=\"{anchor}\""), format!("id='{anchor}'")];
    if attributes.iter().any(|pattern| source.contains(pattern.as_str())) {
        return true;
    }
    let marker = format!("#{anchor}");
    source.match_indices(&marker).any(|(at, _)| {
        let before = source[..at].trim_end_matches([' ', ':']);
        let after = source[at + marker.len()..].chars().next();
        before.ends_with('{') && matches!(after, Some(' ' | '}' | '\t'))
    })
}

/// Resolves `spec: path.md#fragment` comments to clauses.
fn link_code_anchors(workspace: &Workspace, index: &CodeIndex, graph: &mut LinkGraph) {
    let by_path: HashMap<&str, usize> =
        workspace.specs.iter().enumerate().map(|(i, spec)| (spec.path.as_str(), i)).collect();
    let mut unparsed: HashMap<String, Option<SpecFile>> = HashMap::new();
    for (file_index, file) in index.files().iter().enumerate() {
        for (anchor_index, anchor) in file.anchors.iter().enumerate() {
            let (path, fragment) = anchor.target.split_once('#').unwrap_or((&anchor.target, ""));
            let Some(spec_path) = spec_location(path, &file.path, workspace, &by_path) else {
                graph.broken_anchors.push(BrokenAnchor {
                    file: file_index,
                    anchor: anchor_index,
                    missing: MissingSpec::File,
                });
                continue;
            };
            let target = anchor_target(file_index, anchor, index);
            match by_path.get(spec_path.as_str()) {
                Some(&spec_index) => {
                    let spec = &workspace.specs[spec_index];
                    match clauses_for(spec, fragment) {
                        Ok(clauses) => graph.links.extend(clauses.into_iter().map(|clause| Link {
                            spec: spec_index,
                            clause,
                            origin: Origin::CodeAnchor { file: file_index, anchor: anchor_index },
                            target: target.clone(),
                        })),
                        Err(missing) => {
                            graph.broken_anchors.push(BrokenAnchor { file: file_index, anchor: anchor_index, missing })
                        }
                    }
                }
                None => {
                    // A markdown file outside the `specs` globs: check the
                    // anchor against it, but it has no clauses to link.
                    let spec = unparsed.entry(spec_path.clone()).or_insert_with(|| {
                        std::fs::read_to_string(workspace.root.join(&spec_path))
                            .ok()
                            .map(|text| spec::parse(&spec_path, text, workspace.repository.as_ref()))
                    });
                    let result = match spec {
                        Some(spec) => clauses_for(spec, fragment).map(|_| ()),
                        None => Err(MissingSpec::File),
                    };
                    if let Err(missing) = result {
                        graph.broken_anchors.push(BrokenAnchor { file: file_index, anchor: anchor_index, missing });
                    }
                }
            }
        }
    }
}

fn anchor_target(file: usize, anchor: &SpecAnchor, index: &CodeIndex) -> Target {
    match anchor.symbol {
        Some(symbol) => Target::Symbol(SymbolId { file, symbol }),
        None => Target::File { path: index.files()[file].path.clone(), lines: None },
    }
}

/// The spec file a `spec:` target names: relative to the repository root,
/// or to the commenting file's directory.
fn spec_location(path: &str, code_path: &str, workspace: &Workspace, by_path: &HashMap<&str, usize>) -> Option<String> {
    let from_root = join("", path.trim_start_matches('/'));
    let from_file = join(code_path.rsplit_once('/').map_or("", |(dir, _)| dir), path);
    [from_root, from_file]
        .into_iter()
        .flatten()
        .find(|candidate| by_path.contains_key(candidate.as_str()) || workspace.paths.contains(candidate.as_str()))
}

/// Clauses a fragment names: none (whole file), a section slug (every clause
/// in it and its subsections), a clause id `slug/n`, or an explicit id.
fn clauses_for(spec: &SpecFile, fragment: &str) -> Result<Vec<usize>, MissingSpec> {
    if fragment.is_empty() {
        return Ok((0..spec.clauses.len()).collect());
    }
    let full_id = format!("{}#{fragment}", spec.path);
    if let Some(index) = spec.clauses.iter().position(|c| c.id == full_id || c.id == fragment) {
        return Ok(vec![index]);
    }
    let Some(section) = spec.sections.iter().position(|s| s.slug == fragment) else {
        return Err(MissingSpec::Section { suggestion: nearest_slug(spec, fragment) });
    };
    let slugs = section_and_children(spec, section);
    Ok(spec.clauses.iter().enumerate().filter(|(_, c)| slugs.contains(&c.section.as_str())).map(|(i, _)| i).collect())
}

fn section_and_children(spec: &SpecFile, section: usize) -> Vec<&str> {
    let level = spec.sections[section].level;
    let mut slugs = vec![spec.sections[section].slug.as_str()];
    slugs.extend(spec.sections[section + 1..].iter().take_while(|s| s.level > level).map(|s| s.slug.as_str()));
    slugs
}

fn nearest_slug(spec: &SpecFile, fragment: &str) -> Option<String> {
    spec.sections
        .iter()
        .map(|s| (strsim::jaro_winkler(fragment, &s.slug), &s.slug))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, slug)| format!("{}#{slug}", spec.path))
}
