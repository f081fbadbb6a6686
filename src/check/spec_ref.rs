//! `dangling-spec-ref`: code comments pointing at spec text that is gone.

use super::{CodeSide, Finding};
use crate::index::CodeIndex;
use crate::link::{LinkGraph, MissingSpec};
use crate::rule::Rule;
use crate::workspace::Workspace;

pub(super) fn check(_workspace: &Workspace, index: &CodeIndex, graph: &LinkGraph) -> Vec<Finding> {
    graph
        .broken_anchors
        .iter()
        .map(|broken| {
            let file = &index.files()[broken.file];
            let anchor = &file.anchors[broken.anchor];
            let spec_file = anchor.target.split('#').next().unwrap_or(&anchor.target);
            let (message, suggestion) = match &broken.missing {
                MissingSpec::File => {
                    (format!("`spec: {}` points at {spec_file}, which does not exist", anchor.target), None)
                }
                MissingSpec::Section { suggestion } => {
                    (format!("`spec: {}` names no section or clause of {spec_file}", anchor.target), suggestion.clone())
                }
            };
            let symbol = anchor.symbol.map(|s| &file.symbols[s]);
            let mut finding = Finding::new(Rule::DanglingSpecRef, message);
            finding.code = Some(Box::new(CodeSide {
                path: file.path.as_str().into(),
                line: anchor.line,
                symbol: symbol.map(|s| s.display.clone()),
                lines: Some((anchor.line, symbol.map_or(anchor.line, |s| s.end_line))),
            }));
            finding.reference = Some(anchor.target.as_str().into());
            finding.set_suggestion(suggestion.as_deref());
            finding.suppress_by(symbol.and_then(|s| s.ignores.as_deref()));
            let label = match broken.missing {
                MissingSpec::File => "no such spec file",
                MissingSpec::Section { .. } => "no such section",
            };
            finding.set_label(anchor.bytes.clone(), label);
            finding
        })
        .collect()
}
