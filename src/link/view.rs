//! A plain-data view of the link graph per clause, for `driftcheck links`.

use serde::Serialize;

use super::{Clue, LinkGraph, Origin, Problem, Target};
use crate::index::CodeIndex;
use crate::workspace::Workspace;

/// A clause and everything it links to, resolved or not.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseLinks {
    pub clause: String,
    pub path: String,
    pub line: usize,
    pub normative: bool,
    pub text: String,
    pub links: Vec<LinkEntry>,
    pub unresolved: Vec<UnresolvedEntry>,
    pub silenced: Vec<SilencedEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkEntry {
    /// The reference as written in the spec; `None` for code-side anchors.
    pub reference: Option<String>,
    /// `spec` (the clause names the code) or `code` (a `spec:` comment).
    pub origin: &'static str,
    pub path: String,
    pub line: Option<usize>,
    pub lines: Option<[usize; 2]>,
    pub symbol: Option<String>,
    pub kind: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnresolvedEntry {
    pub reference: String,
    pub line: usize,
    pub rule: &'static str,
    pub suggestion: Option<String>,
    pub confidence: f64,
    pub evidence: Vec<Clue>,
}

/// A reference a gate dropped, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SilencedEntry {
    pub reference: String,
    pub line: usize,
    pub gate: &'static str,
    pub reason: String,
}

impl LinkGraph {
    /// Clauses with at least one link or unresolved reference, in spec order.
    pub fn view(&self, workspace: &Workspace, index: &CodeIndex) -> Vec<ClauseLinks> {
        let mut view = Vec::new();
        for (spec_index, spec) in workspace.specs.iter().enumerate() {
            for (clause_index, clause) in spec.clauses.iter().enumerate() {
                let links: Vec<LinkEntry> = self
                    .links_of(spec_index, clause_index)
                    .map(|link| {
                        let reference = match link.origin {
                            Origin::Reference(r) => Some(clause.references[r].text.clone()),
                            Origin::CodeAnchor { .. } => None,
                        };
                        entry(&link.target, reference, link.origin, index)
                    })
                    .collect();
                let unresolved: Vec<UnresolvedEntry> = self
                    .unresolved
                    .iter()
                    .filter(|u| u.spec == spec_index && u.clause == clause_index)
                    .map(|u| {
                        let reference = &clause.references[u.reference];
                        let (rule, suggestion) = match &u.problem {
                            Problem::MissingSymbol { suggestion, .. } => ("dangling-symbol", suggestion.clone()),
                            Problem::MissingPath | Problem::MissingLines { .. } | Problem::MissingHeading { .. } => {
                                ("dangling-path", None)
                            }
                        };
                        UnresolvedEntry {
                            reference: reference.text.clone(),
                            line: reference.line,
                            rule,
                            suggestion,
                            confidence: u.confidence,
                            evidence: u.evidence.clone(),
                        }
                    })
                    .collect();
                let silenced: Vec<SilencedEntry> = self
                    .silenced
                    .iter()
                    .filter(|s| s.spec == spec_index && s.clause == clause_index)
                    .map(|s| {
                        let reference = &clause.references[s.reference];
                        SilencedEntry {
                            reference: reference.text.clone(),
                            line: reference.line,
                            gate: s.gate,
                            reason: s.reason.clone(),
                        }
                    })
                    .collect();
                if links.is_empty() && unresolved.is_empty() && silenced.is_empty() {
                    continue;
                }
                view.push(ClauseLinks {
                    clause: clause.id.to_string(),
                    path: spec.path.clone(),
                    line: clause.line,
                    normative: clause.normative,
                    text: clause.text.clone(),
                    links,
                    unresolved,
                    silenced,
                });
            }
        }
        view
    }
}

fn entry(target: &Target, reference: Option<String>, origin: Origin, index: &CodeIndex) -> LinkEntry {
    let origin = match origin {
        Origin::Reference(_) => "spec",
        Origin::CodeAnchor { .. } => "code",
    };
    match target {
        Target::Symbol(id) => {
            let symbol = index.symbol(*id);
            LinkEntry {
                reference,
                origin,
                path: symbol.path.to_string(),
                line: Some(symbol.line),
                lines: None,
                symbol: Some(symbol.display.clone()),
                kind: Some(symbol.kind.as_str()),
            }
        }
        Target::File { path, lines } => LinkEntry {
            reference,
            origin,
            path: path.clone(),
            line: lines.map(|(start, _)| start),
            lines: lines.map(|(start, end)| [start, end]),
            symbol: None,
            kind: None,
        },
    }
}
