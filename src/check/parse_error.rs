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

/// A name and a test of the line a syntax error starts on.
type GrammarGap = (&'static str, fn(&str) -> bool);

/// Valid code the bundled grammars reject, by the line the error starts
/// on: each is named, so a new gap is one more row.
const GRAMMAR_GAPS: &[GrammarGap] = &[
    ("typescript-5 `export type *`", |line| line.contains("export type *")),
    ("typescript variance annotations `<in T>`, `<out T>`", |line| {
        let trimmed = line.trim_start();
        ["<in ", "<out ", ", in ", ", out ", "<const "].iter().any(|p| line.contains(p))
            || ["in ", "out ", "const "].iter().any(|p| trimmed.starts_with(p)) && !trimmed.contains('(')
    }),
    ("a bare `&` in JSX text", |line| {
        let text = line.trim();
        text.contains(" & ") && !text.contains(['(', ')', ';', '=', '{'])
    }),
    ("a `&` in a JSX attribute string", |line| {
        line.split('"').skip(1).step_by(2).any(|value| value.contains('&')) && line.contains('<')
    }),
    ("rust macros named like a primitive type (`str![…]`)", |line| {
        const PRIMITIVES: &[&str] = &[
            "str!", "bool!", "char!", "u8!", "u16!", "u32!", "u64!", "u128!", "i8!", "i16!", "i32!", "i64!", "f32!",
            "f64!", "usize!", "isize!",
        ];
        PRIMITIVES.iter().any(|p| line.contains(p))
    }),
    ("rust token macros (`T![~]`)", |line| {
        line.match_indices("![").any(|(at, _)| {
            let inside = line[at + 2..].split(']').next().unwrap_or("");
            !inside.is_empty() && inside.chars().all(|c| c.is_ascii_punctuation() && c != '[')
        })
    }),
    ("rust `dyn 'a + Trait`", |line| line.contains("dyn '")),
    ("rust 2024 `safe fn` and `unsafe extern`", |line| line.contains("safe fn ") || line.contains("unsafe extern")),
    ("rust attributes inside patterns and expressions", |line| line.trim_start().starts_with("#[")),
    ("rust empty bounds in a where clause (`T:`)", |line| {
        let trimmed = line.trim().trim_end_matches(',');
        trimmed
            .strip_suffix(':')
            .is_some_and(|name| !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
    }),
];

fn grammar_gap(source: &str, line: usize) -> bool {
    let Some(text) = source.lines().nth(line.saturating_sub(1)) else { return false };
    GRAMMAR_GAPS.iter().any(|(_, gap)| gap(text))
}

/// A code file kept with the documentation, as an example for it.
fn in_documentation(path: &str) -> bool {
    let mut directories = path.split('/').rev().skip(1);
    directories.any(|dir| matches!(dir, "docs" | "doc" | "documentation" | "guide" | "book"))
}

#[cfg(test)]
mod tests {
    use super::grammar_gap;

    #[test]
    fn valid_code_the_grammars_reject_is_a_gap_not_an_error() {
        for line in [
            "export type * from './types';",
            "interface Producer<out T> { make(): T }",
            "  <a href=\"?a=1&b=2\">next</a>",
            "let s = str![\"x\"];",
            "T![~] => Kind::Tilde,",
            "fn f(x: &(dyn 'db + Db)) {}",
            "    safe fn abort() -> !;",
            "        #[cfg(feature = \"x\")]",
            "    T:,",
            "  out Output = unknown,",
            "                Runtime & Build Information",
        ] {
            assert!(grammar_gap(line, 1), "{line}");
        }
        for line in ["fn broken( {", "let x = ;", "class A { void f( }"] {
            assert!(!grammar_gap(line, 1), "{line}");
        }
    }
}
