//! A plain-data view of the link graph per clause, for `driftcheck links`.

use std::collections::HashMap;

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
        // Grouped once: filtering every list for every clause is quadratic,
        // and a large spec has as many unresolved references as clauses.
        let links = by_clause(&self.links, |l| (l.spec, l.clause));
        let unresolved = by_clause(&self.unresolved, |u| (u.spec(), u.clause()));
        let silenced = by_clause(&self.silenced, |s| (s.spec, s.clause));
        let mut view = Vec::new();
        for (spec_index, spec) in workspace.specs.iter().enumerate() {
            for (clause_index, clause) in spec.clauses.iter().enumerate() {
                let key = (spec_index, clause_index);
                let links: Vec<LinkEntry> = of_clause(&links, key)
                    .map(|link| {
                        let reference = match link.origin {
                            Origin::Reference(r) => Some(clause.references[r].text.to_string()),
                            Origin::CodeAnchor { .. } => None,
                        };
                        entry(&link.target, reference, link.origin, index)
                    })
                    .collect();
                let unresolved: Vec<UnresolvedEntry> = of_clause(&unresolved, key)
                    .map(|u| {
                        let reference = &clause.references[u.reference()];
                        let (rule, suggestion) = match u.problem() {
                            Problem::MissingSymbol { suggestion, .. } => ("dangling-symbol", suggestion.clone()),
                            Problem::MissingPath | Problem::MissingLines { .. } | Problem::MissingHeading { .. } => {
                                ("dangling-path", None)
                            }
                        };
                        UnresolvedEntry {
                            reference: reference.text.to_string(),
                            line: reference.line(),
                            rule,
                            suggestion,
                            confidence: u.confidence,
                            evidence: u.evidence().to_vec(),
                        }
                    })
                    .collect();
                let silenced: Vec<SilencedEntry> = of_clause(&silenced, key)
                    .map(|s| {
                        let reference = &clause.references[s.reference];
                        SilencedEntry {
                            reference: reference.text.to_string(),
                            line: reference.line(),
                            gate: s.gate,
                            reason: s.reason.clone(),
                        }
                    })
                    .collect();
                if links.is_empty() && unresolved.is_empty() && silenced.is_empty() {
                    continue;
                }
                view.push(ClauseLinks {
                    clause: clause.id().to_string(),
                    path: spec.path.clone(),
                    line: clause.line(),
                    normative: clause.normative,
                    text: clause.text().to_string(),
                    links,
                    unresolved,
                    silenced,
                });
            }
        }
        view
    }
}

/// Items grouped by the clause they are about, each group in list order.
fn by_clause<T>(items: &[T], clause_of: impl Fn(&T) -> (usize, usize)) -> HashMap<(usize, usize), Vec<&T>> {
    let mut groups: HashMap<(usize, usize), Vec<&T>> = HashMap::new();
    for item in items {
        groups.entry(clause_of(item)).or_default().push(item);
    }
    groups
}

fn of_clause<'a, T>(groups: &'a HashMap<(usize, usize), Vec<&T>>, key: (usize, usize)) -> impl Iterator<Item = &'a T> {
    groups.get(&key).into_iter().flatten().copied()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_by_clause_keeps_each_clause_in_list_order() {
        let items = [(0, 1, "a"), (0, 0, "b"), (0, 1, "c"), (1, 1, "d"), (0, 1, "e")];
        let groups = by_clause(&items, |item| (item.0, item.1));
        let of = |key| of_clause(&groups, key).map(|item| item.2).collect::<Vec<_>>();
        assert_eq!(of((0, 1)), ["a", "c", "e"]);
        assert_eq!(of((0, 0)), ["b"]);
        assert_eq!(of((1, 1)), ["d"]);
        assert!(of((1, 0)).is_empty());
    }
}
