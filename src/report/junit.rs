//! JUnit XML (`--format junit`), for CI systems that show test results
//! (GitLab, Jenkins, Azure Pipelines): every spec file is a test case that
//! passes when nothing drifted from it.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="driftcheck" tests="7" failures="5" errors="0">
//!   <testsuite name="driftcheck" tests="7" failures="5" errors="0" skipped="0">
//!     <testcase name="specs/client.md" classname="driftcheck">
//!       <failure message="`Client::send_with_retry` names no symbol defined in the code" type="dangling-symbol">specs/client.md:27:4: error[dangling-symbol] …
//! help: did you mean `Client::retry_with_backoff`?
//! clause: specs/client.md#request-lifecycle/8</failure>
//!     </testcase>
//!     <testcase name="docs/passing.md" classname="driftcheck"/>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One test case per spec file of the run, in the order read, then one per
//! code file with findings that have no spec side, in report order. Each
//! error or warning is a `<failure>` of its file's case (`type` is the
//! rule); info findings fail nothing and are listed in the case's
//! `<system-out>`. `tests` counts cases, `failures` the cases with a
//! failure. Text and attributes are escaped, and characters XML 1.0 does
//! not allow are dropped.

use std::collections::HashMap;
use std::io::{self, Write};

use super::concise::headline;
use super::region::Regions;
use super::{help_text, Report};
use crate::check::Finding;
use crate::rule::Severity;

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let cases = test_cases(report);
    let tests = cases.len();
    let failures = cases.iter().filter(|case| case.findings.iter().any(|f| fails(f))).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="driftcheck" tests="{tests}" failures="{failures}" errors="0">"#)?;
    writeln!(out, r#"  <testsuite name="driftcheck" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#)?;
    let mut regions = Regions::new(report.sources);
    for case in &cases {
        write_case(case, &mut regions, out)?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// A file and the findings reported on it.
struct TestCase<'a> {
    name: &'a str,
    findings: Vec<&'a Finding>,
}

fn test_cases<'a>(report: &Report<'a>) -> Vec<TestCase<'a>> {
    let mut cases: Vec<TestCase> =
        report.spec_paths.iter().map(|&name| TestCase { name, findings: Vec::new() }).collect();
    let mut by_name: HashMap<&str, usize> = cases.iter().enumerate().map(|(n, case)| (case.name, n)).collect();
    for finding in report.findings {
        let name = finding.paths().next().unwrap_or("driftcheck");
        let next = cases.len();
        let at = *by_name.entry(name).or_insert(next);
        if at == next {
            cases.push(TestCase { name, findings: Vec::new() });
        }
        cases[at].findings.push(finding);
    }
    cases
}

/// Errors and warnings fail their case; info does not.
fn fails(finding: &Finding) -> bool {
    finding.severity > Severity::Info
}

fn write_case(case: &TestCase, regions: &mut Regions, out: &mut dyn Write) -> io::Result<()> {
    let opening = format!(r#"    <testcase name="{}" classname="driftcheck""#, attribute(case.name));
    if case.findings.is_empty() {
        return writeln!(out, "{opening}/>");
    }
    writeln!(out, "{opening}>")?;
    for finding in case.findings.iter().filter(|f| fails(f)) {
        writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            attribute(&finding.message()),
            attribute(finding.rule.id()),
            text(&failure_body(finding, regions))
        )?;
    }
    let info: Vec<String> = case.findings.iter().filter(|f| !fails(f)).map(|f| headline(f, regions)).collect();
    if !info.is_empty() {
        writeln!(out, "      <system-out>{}</system-out>", text(&info.join("\n")))?;
    }
    writeln!(out, "    </testcase>")
}

/// The headline, then help, clause, linked code and detail, a line each.
fn failure_body(finding: &Finding, regions: &mut Regions) -> String {
    let mut lines = vec![headline(finding, regions)];
    if let Some(help) = help_text(finding) {
        lines.push(format!("help: {help}"));
    }
    if let Some(spec) = &finding.spec {
        lines.push(format!("clause: {}", spec.clause()));
    }
    if let (Some(_), Some(code)) = (&finding.spec, &finding.code) {
        let symbol = code.symbol.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
        lines.push(format!("code: {}:{}{symbol}", code.path, code.line));
    }
    if let Some(detail) = finding.detail() {
        lines.push(detail.trim_end().to_string());
    }
    lines.join("\n")
}

/// Element text: markup characters escaped, line breaks kept.
fn text(raw: &str) -> String {
    escape(raw, false)
}

/// An attribute value: line breaks and tabs as character references too,
/// which a parser would otherwise turn into spaces.
fn attribute(raw: &str) -> String {
    escape(raw, true)
}

fn escape(raw: &str, in_attribute: bool) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for c in raw.chars().filter(|&c| allowed_in_xml(c)) {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\n' if in_attribute => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' if in_attribute => escaped.push_str("&#9;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// XML 1.0's `Char`: tab, line feed, carriage return and everything from
/// space up, except U+FFFE and U+FFFF (a `char` is never a surrogate).
fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::SpecSide;
    use crate::report::{NoSources, Summary};
    use crate::rule::Rule;

    #[test]
    fn markup_and_quotes_are_escaped() {
        let raw = r#"`Vec<T>` & "quoted" 'single' a>b"#;
        assert_eq!(text(raw), "`Vec&lt;T&gt;` &amp; &quot;quoted&quot; &apos;single&apos; a&gt;b");
        assert_eq!(attribute("already &amp; escaped"), "already &amp;amp; escaped");
    }

    #[test]
    fn characters_xml_forbids_are_dropped() {
        let raw = "nul\u{0}bell\u{7}esc\u{1b}[0m vt\u{b} ff\u{c} \u{FFFE}\u{FFFF}ok é 🦀";
        assert_eq!(text(raw), "nulbellesc[0m vt ff ok é 🦀");
    }

    #[test]
    fn line_breaks_stay_in_text_and_are_references_in_attributes() {
        assert_eq!(text("a\n\tb\r\n"), "a\n\tb&#13;\n");
        assert_eq!(attribute("a\n\tb\r\n"), "a&#10;&#9;b&#13;&#10;");
    }

    #[test]
    fn passing_spec_files_are_cases_and_info_does_not_fail() {
        let mut info = Finding::new(Rule::StaleLink, "not yet accepted <new>".to_string());
        info.severity = Severity::Info;
        info.spec = Some(SpecSide::at("b.md", 2, 1, "b.md#x/1"));
        let findings = [info];
        let report = Report {
            summary: Summary::default(),
            findings: &findings,
            spec_paths: vec!["a.md", "b.md"],
            repo_prefix: "",
            notes: &[],
            unanswered: &[],
            sources: &NoSources,
        };
        let mut out = Vec::new();
        write(&report, &mut out).expect("written");
        let xml = String::from_utf8(out).expect("UTF-8");
        assert!(xml.contains(r#"<testsuites name="driftcheck" tests="2" failures="0" errors="0">"#), "{xml}");
        assert!(xml.contains(r#"<testcase name="a.md" classname="driftcheck"/>"#), "{xml}");
        assert!(
            xml.contains("<system-out>b.md:2:1: info[stale-link] not yet accepted &lt;new&gt;</system-out>"),
            "{xml}"
        );
        assert!(!xml.contains("<failure"), "{xml}");
    }
}
