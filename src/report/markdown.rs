//! A pull-request comment in GitHub-flavoured markdown (`--format
//! markdown`), for a CI step to post.
//!
//! ```markdown
//! ## driftcheck
//!
//! **8 errors**, **2 warnings**, 0 info in 4 spec files (72 clauses) and 6 code files.
//!
//! ### `specs/client.md`
//!
//! | line | severity | rule | message |
//! | ---: | --- | --- | --- |
//! | 27 | error | `dangling-symbol` | `Client::send_with_retry` names no symbol defined in the code (did you mean `Client::retry_with_backoff`?) |
//! ```
//!
//! A section per file, in the order of the report's findings, holding the
//! findings on it: the spec side when a finding has one, else the code
//! side. In a cell `|` is escaped and line breaks become `<br>`; file
//! names and suggested names are code spans, fenced with more backticks
//! than they contain. Without findings the comment is one line:
//! `**driftcheck**: no drift found in 4 spec files (72 clauses) and 6 code files.`

use std::io::{self, Write};

use super::human::counted;
use super::{Location, Report, SeverityCounts};
use crate::check::Finding;

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let scanned = scanned(report);
    if report.findings.is_empty() {
        return writeln!(out, "**driftcheck**: no drift found in {scanned}.");
    }
    writeln!(out, "## driftcheck\n")?;
    writeln!(out, "{} in {scanned}.", counts(&report.summary.findings))?;
    for (path, findings) in by_file(report.findings) {
        writeln!(out, "\n### {}\n", code_span(path))?;
        writeln!(out, "| line | severity | rule | message |")?;
        writeln!(out, "| ---: | --- | --- | --- |")?;
        for finding in findings {
            writeln!(out, "{}", row(finding))?;
        }
    }
    Ok(())
}

fn scanned(report: &Report) -> String {
    let summary = &report.summary;
    format!(
        "{} ({}) and {}",
        counted(summary.spec_files, "spec file", "spec files"),
        counted(summary.clauses, "clause", "clauses"),
        counted(summary.code_files, "code file", "code files"),
    )
}

/// Errors and warnings in bold when there are any.
fn counts(counts: &SeverityCounts) -> String {
    let bold_unless_zero = |n: usize, one: &str, many: &str| match n {
        0 => counted(n, one, many),
        _ => format!("**{}**", counted(n, one, many)),
    };
    format!(
        "{}, {}, {} info",
        bold_unless_zero(counts.error, "error", "errors"),
        bold_unless_zero(counts.warning, "warning", "warnings"),
        counts.info
    )
}

/// Findings grouped by the file they are reported on, files in the order
/// of their first finding.
fn by_file(findings: &[Finding]) -> Vec<(&str, Vec<&Finding>)> {
    let mut files: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for finding in findings {
        let path = Location::of(finding).map_or("", |at| at.path);
        match files.iter_mut().find(|(file, _)| *file == path) {
            Some((_, list)) => list.push(finding),
            None => files.push((path, vec![finding])),
        }
    }
    files
}

fn row(finding: &Finding) -> String {
    let line = Location::of(finding).map_or(String::new(), |at| at.line.to_string());
    let mut message = finding.message().into_owned();
    match (finding.suggestion(), finding.help()) {
        (Some(suggestion), _) => message.push_str(&format!(" (did you mean {}?)", code_span(suggestion))),
        (None, Some(help)) => message.push_str(&format!(" ({help})")),
        (None, None) => {}
    }
    format!("| {line} | {} | `{}` | {} |", finding.severity, finding.rule, cell(&message))
}

/// Text safe in a table cell: `|` escaped (GitHub removes the backslash,
/// in code spans too; a backslash already before it is doubled, or it would
/// escape the escape) and line breaks as `<br>`.
fn cell(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '|' if escaped.ends_with('\\') => escaped.push_str("\\\\|"),
            '|' => escaped.push_str("\\|"),
            '\n' | '\r' => escaped.push_str("<br>"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// `text` as inline code, whatever backticks it holds: the fence is one
/// backtick longer than its longest run, padded when the text starts or
/// ends with a backtick.
fn code_span(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let padding = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{padding}{text}{padding}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    #[test]
    fn pipes_and_line_breaks_stay_inside_the_cell() {
        assert_eq!(cell("`a | b` or c\\|d\nnext\r\nlast"), r"`a \| b` or c\\\|d<br>next<br>last");
    }

    #[test]
    fn code_spans_outrun_the_backticks_inside() {
        assert_eq!(code_span("Client::send"), "`Client::send`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`quoted`"), "`` `quoted` ``");
        assert_eq!(code_span("x``y`"), "``` x``y` ```");
    }

    #[test]
    fn a_row_holds_the_suggestion_as_code() {
        let mut finding = Finding::new(Rule::DanglingSymbol, "`a|b` names no symbol".to_string());
        finding.set_suggestion(Some("Or|`And`"));
        assert_eq!(
            row(&finding),
            "|  | error | `dangling-symbol` | `a\\|b` names no symbol (did you mean `` Or\\|`And` ``?) |"
        );
    }
}
