//! `parse-error`: code the grammar could not fully parse. The file is still
//! indexed as far as the parser got; this only says so, once per file.

use super::{CodeSide, Finding, Label};
use crate::index::{is_test_path, CodeIndex};
use crate::rule::Rule;

pub(super) fn check(index: &CodeIndex) -> Vec<Finding> {
    index
        .files()
        .iter()
        .filter_map(|file| {
            let problem = file.parse_problem.as_ref()?;
            // Test data and code shown in documentation (mdBook's hidden
            // `# ` lines) are often not valid on purpose; and some valid
            // syntax is newer than the bundled grammars.
            if is_test_path(&file.path) || in_documentation(&file.path) || grammar_gap(&file.source, problem.line) {
                return None;
            }
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

/// Valid code the bundled grammars reject: TypeScript 5's `export type *`,
/// Rust macros named like a primitive type (`str![…]`).
fn grammar_gap(source: &str, line: usize) -> bool {
    let Some(text) = source.lines().nth(line.saturating_sub(1)) else { return false };
    const PRIMITIVES: &[&str] = &[
        "str!", "bool!", "char!", "u8!", "u16!", "u32!", "u64!", "u128!", "i8!", "i16!", "i32!", "i64!", "f32!",
        "f64!", "usize!", "isize!",
    ];
    text.contains("export type *") || PRIMITIVES.iter().any(|p| text.contains(p))
}

/// A code file kept with the documentation, as an example for it.
fn in_documentation(path: &str) -> bool {
    let mut directories = path.split('/').rev().skip(1);
    directories.any(|dir| matches!(dir, "docs" | "doc" | "documentation" | "guide" | "book"))
}
