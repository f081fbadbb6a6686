//! Checks turn the link graph into findings. Each rule family is a file;
//! checks emit default severities, and [`run`] applies configuration,
//! suppressions and fingerprints once, afterwards.

mod dangling;
mod parse_error;
mod spec_ref;
mod stale;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;

use crate::history::History;
use crate::index::CodeIndex;
use crate::link::{Clue, LinkGraph, LinkState};
use crate::lock::Lock;
use crate::rule::{Rule, Severity};
use crate::workspace::Workspace;

/// Where in a spec a finding is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecSide {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub clause: String,
}

/// Where in the code a finding is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeSide {
    pub path: String,
    pub line: usize,
    pub symbol: Option<String>,
}

/// The span a human report underlines: a file and byte range in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub path: String,
    pub bytes: Range<usize>,
    pub text: String,
}

/// One piece of drift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub spec: Option<SpecSide>,
    pub code: Option<CodeSide>,
    pub reference: Option<String>,
    pub suggestion: Option<String>,
    pub confidence: f64,
    pub fingerprint: String,
    /// Why driftcheck believes this is (or is not) drift.
    pub evidence: Vec<Clue>,
    #[serde(skip)]
    pub label: Option<Label>,
    /// Section slug, for a fingerprint that survives edits elsewhere.
    #[serde(skip)]
    pub section: String,
    /// Rules the clause or symbol silences.
    #[serde(skip)]
    pub suppressed_by: Option<Vec<String>>,
    /// What to do about it, for the human report (names go in `suggestion`).
    #[serde(skip)]
    pub help: Option<String>,
    /// Extra text for the human report, e.g. a stale link's diff.
    #[serde(skip)]
    pub detail: Option<String>,
    /// Lines (first, last) of the clause and of the code the finding is
    /// about, for `--base` to tell whether they changed.
    #[serde(skip)]
    pub spec_lines: Option<(usize, usize)>,
    #[serde(skip)]
    pub code_lines: Option<(usize, usize)>,
}

impl Finding {
    pub fn new(rule: Rule, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.default_severity(),
            message,
            spec: None,
            code: None,
            reference: None,
            suggestion: None,
            confidence: 1.0,
            fingerprint: String::new(),
            evidence: Vec::new(),
            label: None,
            section: String::new(),
            suppressed_by: None,
            help: None,
            detail: None,
            spec_lines: None,
            code_lines: None,
        }
    }

    fn is_suppressed(&self) -> bool {
        crate::text::suppresses(self.suppressed_by.as_ref(), self.rule.id())
    }

    /// Paths the finding is on (spec side first).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.spec.iter().map(|s| s.path.as_str()).chain(self.code.iter().map(|c| c.path.as_str()))
    }

    /// The paths the finding is on, and the code file that caused it: the
    /// file whose uncommitted change removed the name a spec still uses.
    /// Checking that code file alone reports the spec's finding.
    pub fn concerns(&self) -> impl Iterator<Item = &str> {
        let removed_from = self.evidence.iter().filter_map(|clue| match clue {
            Clue::Removed { path, commit: None, .. } => Some(path.as_str()),
            _ => None,
        });
        self.paths().chain(removed_from)
    }
}

/// A finding about a link: the clause on the spec side, the anchored code
/// on the code side.
pub fn on_link(workspace: &Workspace, state: &LinkState, rule: Rule, message: String) -> Finding {
    let spec = &workspace.specs[state.spec];
    let clause = &spec.clauses[state.clause];
    let mut finding = Finding::new(rule, message);
    finding.spec =
        Some(SpecSide { path: spec.path.clone(), line: clause.line, column: clause.column, clause: clause.id.clone() });
    finding.code =
        Some(CodeSide { path: state.code_path.clone(), line: state.code_line, symbol: state.symbol.clone() });
    finding.reference = Some(state.anchor.clone());
    finding.section = clause.section.clone();
    finding.spec_lines = Some((clause.line, clause.end_line));
    finding.code_lines = Some((state.code_line, state.code_end_line));
    finding.suppressed_by = clause.ignores.clone();
    finding.label =
        Some(Label { path: spec.path.clone(), bytes: clause.bytes.clone(), text: "linked here".to_string() });
    finding
}

/// What the lock-based check needs: the lock (if the repository has one),
/// the current link states and where to find accepted code.
pub struct Review<'a> {
    pub lock: Option<&'a Lock>,
    pub states: &'a [LinkState],
    pub history: &'a History,
}

/// Runs every deterministic check; findings come back sorted by location,
/// with configured severities, without suppressed or disabled ones.
pub fn run(workspace: &Workspace, index: &CodeIndex, graph: &LinkGraph, review: &Review) -> Vec<Finding> {
    finish(workspace, collect(workspace, index, graph, review))
}

/// Every deterministic check's findings at their default severities, for
/// the LLM pass to weigh before [`finish`].
pub fn collect(workspace: &Workspace, index: &CodeIndex, graph: &LinkGraph, review: &Review) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(dangling::check(workspace, graph));
    findings.extend(spec_ref::check(workspace, index, graph));
    findings.extend(parse_error::check(index));
    if let Some(lock) = review.lock {
        // A clause whose reference no longer resolves is reported as dangling;
        // its vanished accepted link would only say the same again.
        let shown = |confidence: f64| confidence >= workspace.config.min_confidence;
        let dangling: HashSet<(usize, usize)> =
            graph.unresolved.iter().filter(|u| shown(u.confidence)).map(|u| (u.spec, u.clause)).collect();
        findings.extend(stale::check(workspace, review.states, lock, review.history, &dangling));
    }
    findings
}

/// Applies configuration once to every finding, however it was found:
/// suppressions, `min_confidence`, severities, one finding per spot, and
/// fingerprints.
pub fn finish(workspace: &Workspace, findings: Vec<Finding>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .filter(|finding| !finding.is_suppressed())
        // Evidence against it: info the user asked not to see.
        .filter(|finding| finding.confidence >= workspace.config.min_confidence)
        .filter_map(|mut finding| {
            let configured = workspace.config.severity(finding.rule);
            // A check may demote one finding below its rule's default (an
            // unreviewed link is info); configuration can lower it further.
            finding.severity = if finding.severity < finding.rule.default_severity() {
                finding.severity.min(configured)
            } else {
                configured
            };
            (finding.severity != Severity::Off).then_some(finding)
        })
        .collect();
    findings.sort_by_key(sort_key);
    // Uses of one reference-style link definition are one finding, at it.
    findings.dedup_by(|later, first| same_spot(later, first));
    assign_fingerprints(&mut findings);
    findings
}

/// The same rule and reference at the same spec position, whatever clause
/// it was reached from.
fn same_spot(a: &Finding, b: &Finding) -> bool {
    let position = |f: &Finding| f.spec.as_ref().map(|s| (s.path.clone(), s.line, s.column));
    a.rule == b.rule && a.reference == b.reference && position(a).is_some() && position(a) == position(b)
}

fn sort_key(finding: &Finding) -> (String, usize, usize, Rule) {
    match (&finding.spec, &finding.code) {
        (Some(spec), _) => (spec.path.clone(), spec.line, spec.column, finding.rule),
        (None, Some(code)) => (code.path.clone(), code.line, 0, finding.rule),
        (None, None) => (String::new(), 0, 0, finding.rule),
    }
}

/// Fingerprints come from identity, never from line numbers: rule, spec
/// file and section, reference, code path and symbol, and an occurrence
/// counter for repeats of the same reference in one section.
fn assign_fingerprints(findings: &mut [Finding]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for finding in findings.iter_mut() {
        let identity = [
            finding.rule.id(),
            finding.spec.as_ref().map_or("", |s| s.path.as_str()),
            &finding.section,
            finding.reference.as_deref().unwrap_or(""),
            finding.code.as_ref().map_or("", |c| c.path.as_str()),
            finding.code.as_ref().and_then(|c| c.symbol.as_deref()).unwrap_or(""),
        ]
        .join("\u{1f}");
        let occurrence = seen.entry(identity.clone()).or_insert(0);
        *occurrence += 1;
        let keyed = format!("{identity}\u{1f}{occurrence}");
        finding.fingerprint = blake3::hash(keyed.as_bytes()).to_hex()[..16].to_string();
    }
}
