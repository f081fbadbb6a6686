//! One analysis pass, in the pipeline's order: discover and parse
//! (workspace) → index → link → check. Commands call this, then report.

use std::collections::HashSet;

use crate::check::{self, Finding, Review};
use crate::config::Config;
use crate::discover::Note;
use crate::git::ChangedLines;
use crate::git::Repo;
use crate::history::History;
use crate::index::{in_scope, CodeIndex};
use crate::index_cache::IndexCache;
use crate::link::{self, ClauseLinks, LinkGraph, LinkState};
use crate::llm::{self, ask::Asker, cache::Cache, Unanswered};
use crate::lock::{self, Lock};
use crate::report::{LlmUsage, Report, Sources, Summary};
use crate::workspace::{TrackedPaths, Workspace};
use crate::Error;

/// Which content to analyse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Content {
    /// Files as they are on disk.
    #[default]
    WorkTree,
    /// What `git commit` would record now (`--staged`).
    Staged,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Root-relative paths that narrow the findings, not the analysis.
    pub scope: Vec<String>,
    pub jobs: Option<usize>,
    pub content: Content,
    /// Only findings new since this revision, or on lines changed since it.
    pub base: Option<String>,
    /// Read past a lock that does not parse (`accept --all` rebuilds it).
    pub rebuild_lock: bool,
    /// Make no network request, whatever `[llm]` says.
    pub offline: bool,
    /// `--max-llm-calls`: overrides `max_calls`.
    pub max_llm_calls: Option<usize>,
    /// Neither read nor write the index cache or cached LLM verdicts.
    pub no_cache: bool,
    /// A spec read from stdin (`check -`), in place of the file on disk.
    pub stdin: Option<StdinSpec>,
    /// Report the findings the baseline file accepts, too.
    pub ignore_baseline: bool,
    /// Hash symbol bodies even without a lock: `accept` records them.
    pub hash_bodies: bool,
    /// Keep what `driftcheck links` shows ([`Analysis::link_view`]): the
    /// silenced references and why, and the unresolved ones once their
    /// findings are made. Without it, a run lets both go.
    pub link_view: bool,
}

/// A spec's text given on stdin, e.g. an editor's unsaved buffer: it is
/// analysed in place of the file at `path` (root-relative), which need not
/// exist.
#[derive(Debug, Clone)]
pub struct StdinSpec {
    pub path: String,
    pub text: String,
}

/// The result of analysing a repository.
pub struct Analysis {
    pub workspace: Workspace,
    pub graph: LinkGraph,
    pub states: Vec<LinkState>,
    pub lock: Option<Lock>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// LLM questions that got no verdict (a budget ran out, a call failed).
    pub unanswered: Vec<Unanswered>,
    /// Stale links the LLM pass judged still consistent (clause id, anchor).
    pub verified: Vec<(String, String)>,
    /// `Options::scope`: what the report is narrowed to.
    pub scope: Vec<String>,
    /// Where the analysed root is inside its git work tree (`docs/site/`),
    /// empty at the top: formats that name files for a host (SARIF, GitHub
    /// annotations) make paths relative to the repository with it.
    pub repo_prefix: String,
    /// Whether the run kept what `links` shows ([`Options::link_view`]).
    link_view: bool,
    /// Holds a materialised index alive while the analysis is used.
    _staged: Option<(tempfile::TempDir, crate::interrupt::Pending)>,
}

/// The most worker threads a run starts: more than a few per core only
/// costs memory and start-up time (`--jobs 100000` would start that many).
pub fn max_jobs() -> usize {
    4 * std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

pub fn analyse(config: Config, options: &Options) -> Result<Analysis, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.map_or(0, |jobs| jobs.clamp(1, max_jobs())))
        .build()
        .map_err(|error| Error::Usage(format!("cannot start worker threads: {error}")))?;
    pool.install(|| analyse_in_pool(config, options))
}

fn analyse_in_pool(mut config: Config, options: &Options) -> Result<Analysis, Error> {
    let history = History::open(&config.root);
    // The staged or base content lives in a temporary directory without the
    // repository's remote: name the repository before moving there.
    if config.repository.is_none() {
        config.repository = crate::workspace::git_remote(&config.root);
    }
    let (config_for_content, staged) = match options.content {
        Content::WorkTree => (config.clone(), None),
        Content::Staged => {
            let repo = Repo::open(&config.root, "--staged")?;
            let directory = tempfile::TempDir::new()?;
            let pending = crate::interrupt::Pending::new(directory.path());
            repo.write_index(directory.path())?;
            crate::interrupt::checkpoint("staged-tree-written");
            let mut staged_config = config.clone();
            staged_config.root = directory.path().to_path_buf();
            (staged_config, Some((directory, pending)))
        }
    };
    let source = match (&staged, options.rebuild_lock) {
        (_, true) => LockSource::Lenient,
        (Some(_), false) => LockSource::Copy("driftcheck.lock (staged)"),
        (None, false) => LockSource::WorkTree,
    };
    let changed = match &options.base {
        Some(base) => Some(changed_since(&config, base)?),
        None => None,
    };
    let llm = llm_pass(&config, options, changed.as_ref())?;
    let cache = match options.no_cache {
        true => IndexCache::disabled(),
        false => IndexCache::open(&config.root.join(".driftcheck")),
    };
    if staged.is_some() {
        cache.analyse_a_copy();
    }
    let content = Inputs {
        history: &history,
        cache: &cache,
        stdin: options.stdin.as_ref(),
        hash_bodies: options.hash_bodies,
        link_view: options.link_view,
    };
    let mut analysis = run(config_for_content, content, source, llm.as_ref())?;
    analysis._staged = staged;
    let unmatched = analysis.workspace.config.unmatched_globs(&analysis.workspace.paths)?;
    let config_file = analysis.workspace.config.text.as_ref().map(|(name, _)| name.clone()).unwrap_or_default();
    let warnings = check::unknown_ignored_rules(&analysis.workspace);
    analysis.workspace.notes.splice(0..0, warnings);
    analysis.workspace.notes.extend(unmatched.into_iter().map(|message| Note {
        path: config_file.clone(),
        message,
        warning: false,
        line: None,
    }));
    if let (Some(base), Some(changed)) = (&options.base, &changed) {
        cache.freeze();
        keep_new_since(&mut analysis, &config, base, changed, Inputs { stdin: None, ..content })?;
    }
    if !options.ignore_baseline {
        apply_baseline(&mut analysis, &config)?;
    }
    analysis.repo_prefix = repo_prefix(&config.root);
    analysis.scope = options.scope.clone();
    if !options.scope.is_empty() {
        analysis
            .findings
            .retain(|finding| finding.concerns().any(|path| options.scope.iter().any(|s| in_scope(path, s))));
    }
    analysis.summary.count(&analysis.findings);
    Ok(analysis)
}

/// The root's place in its git work tree, `docs/site/` (empty at the top
/// or outside git).
fn repo_prefix(root: &std::path::Path) -> String {
    let top = git2::Repository::discover(root).ok().and_then(|repo| repo.workdir().map(std::path::Path::to_path_buf));
    let (Some(top), Ok(root)) = (top.and_then(|top| top.canonicalize().ok()), root.canonicalize()) else {
        return String::new();
    };
    match crate::discover::relative(&top, &root) {
        Some(inside) => format!("{inside}/"),
        None => String::new(),
    }
}

/// What the LLM pass needs besides the analysis, when it runs at all:
/// never with `--offline` or without a provider.
struct LlmPass<'a> {
    tiers: llm::ask::Tiers,
    budget: llm::ask::Budget,
    cache: Option<Cache>,
    scope: &'a [String],
    changed: Option<&'a ChangedLines>,
}

fn llm_pass<'a>(
    config: &Config,
    options: &'a Options,
    changed: Option<&'a ChangedLines>,
) -> Result<Option<LlmPass<'a>>, Error> {
    let Some(settings) = config.llm.as_ref().filter(|_| !options.offline) else { return Ok(None) };
    let (tiers, mut budget) = llm::connect(settings)?;
    if let Some(calls) = options.max_llm_calls {
        budget.max_calls = calls;
    }
    let cache = (!options.no_cache).then(|| Cache::new(&config.root));
    Ok(Some(LlmPass { tiers, budget, cache, scope: &options.scope, changed }))
}

/// The lines changed since a base revision.
fn changed_since(config: &Config, base: &str) -> Result<ChangedLines, Error> {
    let repo = Repo::open(&config.root, "--base")?;
    let tree = repo.tree(base)?;
    repo.changed_since(&tree)
}

/// The pipeline proper, on whatever directory `config.root` names.
/// Which lock a run reads, and what to call it.
enum LockSource<'a> {
    /// The working tree's: errors stop the run.
    WorkTree,
    /// A temporary copy of staged or base content, under this name.
    Copy(&'a str),
    /// A base revision's, or one about to be rebuilt: a broken one is ignored.
    Lenient,
}

/// What a run reads besides the files: history, the index cache, and a
/// spec given on stdin.
#[derive(Clone, Copy)]
struct Inputs<'a> {
    history: &'a History,
    cache: &'a IndexCache,
    stdin: Option<&'a StdinSpec>,
    /// Whether something besides a lock reads body hashes (`accept`).
    hash_bodies: bool,
    /// See [`Options::link_view`].
    link_view: bool,
}

/// Drops the findings the baseline file accepts, and says how many.
fn apply_baseline(analysis: &mut Analysis, config: &Config) -> Result<(), Error> {
    let file = config.root.join(&config.baseline);
    let accepted = crate::baseline::read(&file)?;
    let hidden = crate::baseline::apply(&mut analysis.findings, &accepted);
    if hidden > 0 {
        let message = format!("{hidden} findings accepted in the baseline are not shown (--no-baseline shows them)");
        analysis.workspace.notes.push(Note { path: config.baseline.clone(), message, warning: false, line: None });
    }
    Ok(())
}

fn run(config: Config, inputs: Inputs, source: LockSource, llm: Option<&LlmPass>) -> Result<Analysis, Error> {
    let Inputs { history, cache, stdin, hash_bodies, link_view } = inputs;
    let path = config.root.join(lock::FILE_NAME);
    let lock = match source {
        LockSource::WorkTree => Lock::read(&path)?,
        LockSource::Copy(name) => Lock::read_named(&path, name)?,
        LockSource::Lenient => Lock::read(&path).ok().flatten(),
    };
    // Reading the history's cache and diffing the work tree wait on the
    // disk as much as parsing does: both at once.
    let (mut workspace, removed) = std::thread::scope(|scope| {
        // Not `pool.install`: this thread may be the pool's only worker,
        // and it waits below.
        // Body hashes are only compared with a lock's (or recorded in one).
        let hash_bodies = hash_bodies || lock.is_some();
        // git's index is read once, by the history, which hands the files
        // it lists to the workspace.
        let (tracked_sender, tracked) = match history.tracks(&config.root) {
            true => {
                let (sender, receiver) = std::sync::mpsc::channel();
                (Some(sender), TrackedPaths::Given(receiver))
            }
            false => (None, TrackedPaths::Read),
        };
        let loading = scope.spawn(move || Workspace::load_with(config, cache, stdin, hash_bodies, tracked));
        let removed = history.removed(tracked_sender);
        let workspace = loading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (workspace, removed)
    });
    let index = CodeIndex::new(&workspace.code);
    let floating_refs = history.floating_refs();
    let pinned_files = history.pinned_files(&link::pinned_links(&workspace, &floating_refs));
    let gate_enabled = |gate: &str| workspace.config.gate_enabled(gate);
    let evidence = link::Evidence {
        lock: lock.as_ref(),
        removed: &removed,
        manifests: &workspace.manifests,
        languages: workspace.languages(),
        gate_enabled: &gate_enabled,
        min_confidence: workspace.config.min_confidence,
        record_silenced: link_view,
        floating_refs,
        pinned_files,
        doc_imports: link::doc_imports(&workspace),
        removed_modules: link::removed_modules(&workspace, &removed),
        present: &workspace.paths,
        unmentioned: history
            .unmentioned_when_removed(&removed, &link::removed_names_in_specs(&workspace, &index, &removed)),
    };
    let mut graph = link::link(&workspace, &index, &evidence);
    // Only reports that show or place spans (human, SARIF, concise, JUnit,
    // GitHub) and the LLM pass read a spec's text after this, and they read
    // it again from disk: a large spec's text would otherwise be held
    // through every finding made from it.
    for spec in &mut workspace.specs {
        spec.source.let_go();
    }
    let states = graph.states(&workspace, &index);
    if !link_view && llm.is_none() {
        let_go_of_clause_texts(&mut workspace.specs, lock.as_ref());
    }
    let review = Review { lock: lock.as_ref(), states: &states, history };
    // Unless links are to be shown, the unresolved references go as their
    // findings are made: the rest of a run reads the findings.
    let mut findings = check::collect(&workspace, &index, &mut graph, &review, link_view);
    let (mut reviewed, mut usage) = (llm::Reviewed::default(), LlmUsage::default());
    if let Some(pass) = llm {
        let mut asker = Asker::new(&pass.tiers, pass.cache.as_ref(), pass.budget);
        let input = llm::Input {
            workspace: &workspace,
            states: &states,
            lock: lock.as_ref(),
            scope: pass.scope,
            changed: pass.changed,
        };
        reviewed = llm::review::review(&input, &mut findings, &mut asker)?;
        usage = LlmUsage::of(&asker.usage, reviewed.unanswered.len());
    }
    let findings = check::finish(&workspace, findings);
    let summary = Summary {
        spec_files: workspace.specs.len(),
        clauses: workspace.specs.iter().map(|s| s.clauses.len()).sum(),
        code_files: workspace.code.len(),
        symbols: index.symbol_count(),
        links: graph.links.len(),
        llm: usage,
        ..Summary::default()
    };
    drop(index);
    Ok(Analysis {
        workspace,
        graph,
        states,
        lock,
        findings,
        summary,
        unanswered: reviewed.unanswered,
        verified: reviewed.verified,
        scope: Vec::new(),
        repo_prefix: String::new(),
        link_view,
        _staged: None,
    })
}

/// Once links and their states are made, a clause's text is read only by
/// the LLM pass, by `links`, and to compare a clause the lock names with
/// the text accepted for it: a run with neither of the first two lets the
/// others' texts go, as a large spec holds as many words in its clauses as
/// its file has.
fn let_go_of_clause_texts(specs: &mut [crate::spec::SpecFile], lock: Option<&Lock>) {
    let ids: HashSet<&str> = lock.into_iter().flat_map(Lock::entries).map(|entry| entry.clause.as_str()).collect();
    let named: HashSet<(usize, usize)> =
        crate::spec::clauses_named(specs, &ids).into_iter().map(|(_, at)| at).collect();
    for (s, spec) in specs.iter_mut().enumerate() {
        for (c, clause) in spec.clauses.iter_mut().enumerate() {
            if !named.contains(&(s, c)) {
                clause.let_go_of_text();
            }
        }
    }
}

/// `--base REV`: keeps findings that did not exist at REV, and findings on
/// clauses or code that changed since REV.
fn keep_new_since(
    analysis: &mut Analysis,
    config: &Config,
    base: &str,
    changed: &ChangedLines,
    inputs: Inputs,
) -> Result<(), Error> {
    let repo = Repo::open(&config.root, "--base")?;
    let tree = repo.tree(base)?;
    let directory = tempfile::TempDir::new()?;
    let _pending = crate::interrupt::Pending::new(directory.path());
    repo.write_tree(&tree, directory.path())?;
    let mut base_config = config.clone();
    base_config.root = directory.path().to_path_buf();
    let before = run(base_config, inputs, LockSource::Lenient, None)?;
    let old: HashSet<crate::spec::TextHash> = before.findings.iter().map(|f| f.fingerprint).collect();
    analysis.findings.retain(|finding| {
        let spec_changed = finding
            .spec
            .as_ref()
            .zip(finding.spec_lines)
            .is_some_and(|(s, l)| changed.touches(s.path(), l.first(), l.last()));
        let code_changed =
            finding.code.as_ref().is_some_and(|c| c.lines.is_some_and(|(a, b)| changed.touches(&c.path, a, b)));
        !old.contains(&finding.fingerprint) || spec_changed || code_changed
    });
    Ok(())
}

impl Analysis {
    /// Ends a run whose process is about to exit: the staged copy, if any,
    /// is removed, and the rest is left to the operating system, which
    /// takes a process's memory back at once. Freeing it one allocation at
    /// a time costs a warm run on a large repository a tenth of its time.
    pub fn discard(self) {
        let Analysis { _staged, workspace, graph, states, lock, findings, .. } = self;
        drop(_staged);
        std::mem::forget((workspace, graph, states, lock, findings));
    }

    pub fn report(&self) -> Report<'_> {
        Report {
            summary: self.summary.clone(),
            findings: &self.findings,
            spec_paths: self
                .workspace
                .specs
                .iter()
                .map(|spec| spec.path.as_str())
                .filter(|path| self.scope.is_empty() || self.scope.iter().any(|s| in_scope(path, s)))
                .collect(),
            repo_prefix: &self.repo_prefix,
            notes: &self.workspace.notes,
            unanswered: &self.unanswered,
            sources: &self.workspace,
        }
    }

    /// What `driftcheck links` shows, from a run with [`Options::link_view`].
    pub fn link_view(&self) -> Vec<ClauseLinks> {
        debug_assert!(self.link_view, "the run let go of what `links` shows: set Options::link_view");
        let index = CodeIndex::new(&self.workspace.code);
        self.graph.view(&self.workspace, &index)
    }
}

impl Sources for Workspace {
    fn source(&self, path: &str) -> Option<&str> {
        self.specs
            .iter()
            .find(|spec| spec.path == path)
            .map(|spec| spec.source.as_str())
            // Text read again that no longer matches what was analysed reads
            // as empty: no positions are shown in it.
            .filter(|text| !text.is_empty())
            .or_else(|| self.code.iter().find(|file| file.path == path).map(|file| file.source.as_str()))
    }
}
