//! `unlinked-requirement` (off by default): a normative clause — one that
//! says MUST, SHALL, SHOULD or REQUIRED — that links to no code, so no
//! check can ever tell when it stops being true.

use super::Finding;
use crate::link::LinkGraph;
use crate::rule::Rule;
use crate::workspace::Workspace;

pub(super) fn check(workspace: &Workspace, graph: &LinkGraph) -> Vec<Finding> {
    // A clause whose reference dangles names code; that is reported as dangling.
    let mut linked = graph.linked_clauses();
    linked.extend(graph.unresolved.iter().map(|u| (u.spec(), u.clause())));
    let mut findings = Vec::new();
    for (spec_index, spec) in workspace.specs.iter().enumerate() {
        for (clause_index, clause) in spec.clauses.iter().enumerate() {
            if !clause.normative || clause.history().is_some() || linked.contains(&(spec_index, clause_index)) {
                continue;
            }
            let message = "normative clause links to no code".to_string();
            let mut finding = super::on_clause(clause, Rule::UnlinkedRequirement, message, "no code linked");
            finding.extras_mut().help = Some(
                "name the code in a code span or link, add `<!-- driftcheck:code PATH::SYMBOL -->`, \
                 or a `spec:` comment in the code"
                    .to_string(),
            );
            findings.push(finding);
        }
    }
    findings
}
