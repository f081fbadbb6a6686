//! `parse-error`: code the grammar could not fully parse. The file is still
//! indexed as far as the parser got; this only says so, once per file.

use super::{CodeSide, Finding, Label};
use crate::index::CodeIndex;
use crate::rule::Rule;

pub(super) fn check(index: &CodeIndex) -> Vec<Finding> {
    index
        .files()
        .iter()
        .filter_map(|file| {
            let problem = file.parse_problem.as_ref()?;
            let language = file.language.unwrap_or("its language");
            let mut finding = Finding::new(
                Rule::ParseError,
                format!(
                    "{} could not be fully parsed as {language} (syntax error at line {}); symbols after it may be missing",
                    file.path, problem.line
                ),
            );
            finding.code = Some(CodeSide { path: file.path.clone(), line: problem.line, symbol: None });
            finding.code_lines = Some((problem.line, problem.line));
            finding.label = Some(Label {
                path: file.path.clone(),
                bytes: problem.bytes.clone(),
                text: "syntax error".to_string(),
            });
            Some(finding)
        })
        .collect()
}
