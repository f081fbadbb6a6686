//! `driftcheck coverage`: how much of the specs is checked against code,
//! and how much of the public code some spec talks about. Counts only;
//! the report module renders them.

use std::collections::HashSet;

use serde::Serialize;

use crate::engine::Analysis;
use crate::index::{in_scope, is_test_path, SymbolId};
use crate::link::Target;

/// One spec file's clauses.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SpecCoverage {
    pub path: String,
    pub clauses: usize,
    /// Clauses that link to code (a reference that resolved, or a `spec:`
    /// comment in code pointing at them).
    pub linked: usize,
    /// Clauses with an RFC 2119 keyword (MUST, SHALL, SHOULD, REQUIRED).
    pub normative: usize,
    pub normative_linked: usize,
}

/// Public symbols of non-test code, and how many a spec links to.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SymbolCoverage {
    pub public: usize,
    pub referenced: usize,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Coverage {
    pub specs: Vec<SpecCoverage>,
    /// The sums over `specs`.
    pub total: SpecCoverage,
    pub symbols: SymbolCoverage,
}

/// Coverage of the spec files in `scope` (all when empty); symbols are
/// counted over the whole repository.
pub fn measure(analysis: &Analysis, scope: &[String]) -> Coverage {
    let linked = analysis.graph.linked_clauses();
    let mut coverage =
        Coverage { total: SpecCoverage { path: "total".into(), ..SpecCoverage::default() }, ..Coverage::default() };
    for (spec_index, spec) in analysis.workspace.specs.iter().enumerate() {
        if !scope.is_empty() && !scope.iter().any(|s| in_scope(&spec.path, s)) {
            continue;
        }
        let mut counts = SpecCoverage { path: spec.path.clone(), ..SpecCoverage::default() };
        for (clause_index, clause) in spec.clauses.iter().enumerate() {
            let is_linked = linked.contains(&(spec_index, clause_index));
            counts.clauses += 1;
            counts.linked += usize::from(is_linked);
            counts.normative += usize::from(clause.normative);
            counts.normative_linked += usize::from(clause.normative && is_linked);
        }
        add(&mut coverage.total, &counts);
        coverage.specs.push(counts);
    }
    coverage.symbols = symbols(analysis);
    coverage
}

fn add(total: &mut SpecCoverage, counts: &SpecCoverage) {
    total.clauses += counts.clauses;
    total.linked += counts.linked;
    total.normative += counts.normative;
    total.normative_linked += counts.normative_linked;
}

fn symbols(analysis: &Analysis) -> SymbolCoverage {
    let referenced: HashSet<SymbolId> = analysis
        .graph
        .links
        .iter()
        .filter_map(|link| match link.target {
            Target::Symbol(id) => Some(id),
            Target::File { .. } => None,
        })
        .collect();
    let mut counts = SymbolCoverage::default();
    for (file_index, file) in analysis.workspace.code.iter().enumerate() {
        if is_test_path(&file.path) {
            continue;
        }
        for (symbol_index, symbol) in file.symbols.iter().enumerate() {
            if symbol.public {
                counts.public += 1;
                counts.referenced +=
                    usize::from(referenced.contains(&SymbolId { file: file_index, symbol: symbol_index }));
            }
        }
    }
    counts
}

/// `part` of `whole` as a percentage; 100 % of nothing.
pub fn percent(part: usize, whole: usize) -> f64 {
    match whole {
        0 => 100.0,
        _ => part as f64 * 100.0 / whole as f64,
    }
}
