//! GitHub Actions workflow commands (`--format github`): run in a workflow
//! step, each finding becomes an annotation on the pull request's diff.
//!
//! ```text
//! ::error file=specs/client.md,line=27,col=4,endLine=27,endColumn=29,title=driftcheck dangling-symbol::`Client::send_with_retry` names no symbol defined in the code (did you mean `Client::retry_with_backoff`?)
//! ::warning file=src/metrics.rs,line=68,endLine=70,title=driftcheck parse-error::src/metrics.rs could not be fully parsed …
//! driftcheck: 8 errors, 2 warnings, 0 info in 4 spec files (72 clauses), …
//! ```
//!
//! One command per finding, `::error`, `::warning` or `::notice` (info),
//! in the report's order: the spec side when the finding has one, else the
//! code side, with the span's end. `col` and `endColumn` are only given on
//! a one-line span, as GitHub's annotations only take columns on one line.
//! The message carries the help in parentheses, as the human report shows
//! it. Messages are escaped as GitHub documents (`%`, CR, LF), property
//! values also `:` and `,`. A plain summary line (the human report's) ends
//! the output (not with `--quiet`); it is not a command. Before it, each
//! warning about a directive (an ignore comment naming no rule) is a
//! `::warning` at its line.

use std::io::{self, Write};

use super::region::Regions;
use super::{human, message_with_help, Location, Report, Style};
use crate::check::Finding;
use crate::discover::Note;
use crate::rule::Severity;

pub(super) fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let mut regions = Regions::new(report.sources);
    for finding in report.findings {
        writeln!(out, "{}", command(finding, &mut regions, report.repo_prefix))?;
    }
    for warning in report.notes.iter().filter(|note| note.warning) {
        writeln!(out, "{}", warning_command(warning, report.repo_prefix))?;
    }
    match style.quiet {
        true => Ok(()),
        false => writeln!(out, "{}", human::summary_line(report)),
    }
}

/// `prefix`: GitHub names files from the top of the repository.
fn command(finding: &Finding, regions: &mut Regions, prefix: &str) -> String {
    let name = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Off => "notice",
    };
    let mut properties: Vec<(&str, String)> = Vec::new();
    if let Some(location) = Location::of(finding) {
        let region = regions.of(finding, &location);
        properties.push(("file", format!("{prefix}{}", location.path)));
        properties.push(("line", region.start_line.to_string()));
        if region.is_one_line() {
            properties.push(("col", region.start_column.to_string()));
        }
        properties.push(("endLine", region.end_line.to_string()));
        if region.is_one_line() {
            properties.push(("endColumn", region.end_column.to_string()));
        }
    }
    properties.push(("title", format!("driftcheck {}", finding.rule)));
    let properties: Vec<String> =
        properties.iter().map(|(key, value)| format!("{key}={}", escape_property(value))).collect();
    format!("::{name} {}::{}", properties.join(","), escape_data(&message_with_help(finding)))
}

/// A mistake in a directive (`driftcheck:ignore` naming no rule) as a
/// `::warning` at its line.
fn warning_command(note: &Note, prefix: &str) -> String {
    let mut properties = vec![format!("file={}", escape_property(&format!("{prefix}{}", note.path)))];
    if let Some(line) = note.line {
        properties.push(format!("line={line}"));
    }
    properties.push("title=driftcheck".to_string());
    format!("::warning {}::{}", properties.join(","), escape_data(&note.message))
}

/// A command's message: `%`, CR and LF are encoded.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: as a message, and `:` and `,` too, which would end it.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::SpecSide;
    use crate::report::NoSources;
    use crate::rule::Rule;

    #[test]
    fn data_escapes_percent_first_then_line_breaks() {
        assert_eq!(escape_data("100% of `a::b`,\r\nthen %0A"), "100%25 of `a::b`,%0D%0Athen %250A");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("docs/a,b: 50%.md"), "docs/a%2Cb%3A 50%25.md");
        assert_eq!(escape_property("C:\\specs\nx"), "C%3A\\specs%0Ax");
    }

    #[test]
    fn a_finding_becomes_one_annotation() {
        let mut finding = Finding::new(Rule::DanglingSymbol, "`Retry::run` names no symbol,\nsee 100%".to_string());
        finding.spec = Some(SpecSide::at("docs/x,y.md", 7, 3, ""));
        finding.reference = Some("Retry::run".into());
        finding.set_suggestion(Some("Retry::start"));
        finding.set_label(0..1, "");
        let expected =
            "::error file=docs/x%2Cy.md,line=7,col=3,endLine=7,endColumn=13,title=driftcheck dangling-symbol::\
                        `Retry::run` names no symbol,%0Asee 100%25 (did you mean `Retry::start`?)";
        assert_eq!(command(&finding, &mut Regions::new(&NoSources), ""), expected);
    }

    #[test]
    fn info_is_a_notice_and_a_finding_without_a_place_has_only_a_title() {
        let mut finding = Finding::new(Rule::StaleLink, "link not yet accepted".to_string());
        finding.severity = Severity::Info;
        let annotation = command(&finding, &mut Regions::new(&NoSources), "");
        assert_eq!(annotation, "::notice title=driftcheck stale-link::link not yet accepted");
    }

    #[test]
    fn files_are_named_from_the_top_of_the_repository() {
        let mut finding = Finding::new(Rule::DanglingPath, "link to `a.rs`, which does not exist".to_string());
        finding.spec = Some(SpecSide::at("guide.md", 2, 1, ""));
        let annotation = command(&finding, &mut Regions::new(&NoSources), "docs/site/");
        assert!(annotation.starts_with("::error file=docs/site/guide.md,line=2,"), "{annotation}");
    }
}
