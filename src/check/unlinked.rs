//! `unlinked-requirement` (off by default): a normative clause — one that
//! says MUST, SHALL, SHOULD or REQUIRED — that links to no code, so no
//! check can ever tell when it stops being true.

use std::collections::HashSet;

use super::{Finding, Label, SpecSide};
use crate::link::LinkGraph;
use crate::rule::Rule;
use crate::workspace::Workspace;

pub(super) fn check(workspace: &Workspace, graph: &LinkGraph) -> Vec<Finding> {
    // A clause whose reference dangles names code; that is reported as dangling.
    let linked: HashSet<(usize, usize)> = graph
        .links
        .iter()
        .map(|link| (link.spec, link.clause))
        .chain(graph.unresolved.iter().map(|u| (u.spec, u.clause)))
        .collect();
    let mut findings = Vec::new();
    for (spec_index, spec) in workspace.specs.iter().enumerate() {
        for (clause_index, clause) in spec.clauses.iter().enumerate() {
            if !clause.normative || clause.history.is_some() || linked.contains(&(spec_index, clause_index)) {
                continue;
            }
            let mut finding = Finding::new(Rule::UnlinkedRequirement, "normative clause links to no code".to_string());
            finding.spec = Some(SpecSide {
                path: clause.path.clone(),
                line: clause.line,
                column: clause.column,
                clause: clause.id.clone(),
            });
            finding.label = Some(Label {
                path: clause.path.clone(),
                bytes: clause.bytes.clone(),
                text: "no code linked".to_string(),
            });
            finding.help = Some(
                "name the code in a code span or link, add `<!-- driftcheck:code PATH::SYMBOL -->`, \
                 or a `spec:` comment in the code"
                    .to_string(),
            );
            finding.section = clause.section.clone();
            finding.spec_lines = Some((clause.line, clause.end_line));
            finding.suppressed_by = clause.ignores.clone();
            findings.push(finding);
        }
    }
    findings
}
