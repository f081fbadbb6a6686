//! One analysis pass, in the pipeline's order: discover and parse
//! (workspace) → index → link → check. Commands call this, then report.

use crate::check::{self, Finding};
use crate::config::Config;
use crate::index::{in_scope, CodeIndex};
use crate::link::{self, ClauseLinks, LinkGraph};
use crate::report::{Report, Sources, Summary};
use crate::workspace::Workspace;
use crate::Error;

/// The result of analysing a repository.
pub struct Analysis {
    pub workspace: Workspace,
    pub graph: LinkGraph,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// Analyses the repository `config` describes. `scope` (root-relative paths)
/// narrows the findings, not the analysis: references are still resolved
/// against the whole code base.
pub fn analyse(config: Config, scope: &[String], jobs: Option<usize>) -> Result<Analysis, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|error| Error::Usage(format!("cannot start {} worker threads: {error}", jobs.unwrap_or(0))))?;
    pool.install(|| {
        let workspace = Workspace::load(config);
        let index = CodeIndex::new(&workspace.code);
        let graph = link::link(&workspace, &index);
        let mut findings = check::run(&workspace, &index, &graph);
        if !scope.is_empty() {
            findings.retain(|finding| finding.paths().any(|path| scope.iter().any(|s| in_scope(path, s))));
        }
        let mut summary = Summary {
            spec_files: workspace.specs.len(),
            clauses: workspace.specs.iter().map(|s| s.clauses.len()).sum(),
            code_files: workspace.code.len(),
            symbols: index.symbol_count(),
            links: graph.links.len(),
            ..Summary::default()
        };
        summary.count(&findings);
        drop(index);
        Ok(Analysis { workspace, graph, findings, summary })
    })
}

impl Analysis {
    pub fn report(&self) -> Report<'_> {
        Report {
            summary: self.summary.clone(),
            findings: &self.findings,
            notes: &self.workspace.notes,
            sources: &self.workspace,
        }
    }

    pub fn link_view(&self) -> Vec<ClauseLinks> {
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
            .or_else(|| self.code.iter().find(|file| file.path == path).map(|file| file.source.as_str()))
    }
}
