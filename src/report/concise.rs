//! The concise report (`--format concise`): one line per finding and
//! nothing else, for grep, editors and CI problem matchers.
//!
//! ```text
//! specs/client.md:27:4: error[dangling-symbol] `Client::send_with_retry` names no symbol defined in the code
//! src/metrics.rs:68:1: warning[parse-error] src/metrics.rs could not be fully parsed as rust …
//! ```
//!
//! Each line is `path:line:column: severity[rule] message`: the spec
//! side's position when the finding has one, else the code side's, its
//! column where the code's text is at hand (else 1), as the human, GitHub
//! and SARIF reports give it. Findings come in the report's order (by location), info
//! findings included; line breaks in a message become spaces. There is no
//! summary: a run without findings prints nothing at all.

use std::io::{self, Write};

use super::region::Regions;
use super::{Location, Report};
use crate::check::Finding;

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut regions = Regions::new(report.sources);
    for finding in report.findings {
        writeln!(out, "{}", headline(finding, &mut regions))?;
    }
    Ok(())
}

/// `path:line:column: severity[rule] message`, on one line.
pub(super) fn headline(finding: &Finding, regions: &mut Regions) -> String {
    let message = on_one_line(&finding.message());
    match Location::of(finding) {
        Some(at) => {
            let column = regions.of(finding, &at).start_column;
            format!("{}:{}:{column}: {}[{}] {message}", at.path, at.line, finding.severity, finding.rule)
        }
        None => format!("{}[{}] {message}", finding.severity, finding.rule),
    }
}

fn on_one_line(text: &str) -> String {
    text.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CodeSide, SpecSide};
    use crate::report::NoSources;
    use crate::rule::{Rule, Severity};

    fn headline(finding: &Finding) -> String {
        super::headline(finding, &mut Regions::new(&NoSources))
    }

    #[test]
    fn spec_side_first_else_code_side_at_column_one() {
        let mut finding = Finding::new(Rule::DanglingSpecRef, "`spec: a.md#x` names no section".to_string());
        finding.code = Some(Box::new(CodeSide { path: "src/a.rs".to_string(), line: 9, symbol: None, lines: None }));
        assert_eq!(headline(&finding), "src/a.rs:9:1: error[dangling-spec-ref] `spec: a.md#x` names no section");
        finding.spec = Some(SpecSide::at("docs/a b.md", 3, 14, ""));
        finding.severity = Severity::Info;
        assert_eq!(headline(&finding), "docs/a b.md:3:14: info[dangling-spec-ref] `spec: a.md#x` names no section");
    }

    #[test]
    fn a_message_stays_on_its_line() {
        let finding = Finding::new(Rule::StaleLink, "changed:\r\n-old\n+new\rend".to_string());
        assert_eq!(headline(&finding), "error[stale-link] changed: -old +new end");
    }
}
