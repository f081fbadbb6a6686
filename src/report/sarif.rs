//! SARIF 2.1.0 (`--format sarif`), as GitHub code scanning and other
//! static-analysis viewers take it.
//!
//! ```json
//! {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
//!  "runs": [{"tool": {"driver": {"name": "driftcheck", "version", "informationUri",
//!                                "rules": [{"id", "name", "shortDescription": {"text"},
//!                                           "fullDescription": {"text"}, "help": {"text", "markdown"},
//!                                           "defaultConfiguration": {"level"}}]}},
//!            "columnKind": "unicodeCodePoints",
//!            "results": [{"ruleId", "ruleIndex", "level", "message": {"text"},
//!                         "locations": [{"physicalLocation": {
//!                             "artifactLocation": {"uri", "uriBaseId": "%SRCROOT%"},
//!                             "region": {"startLine", "startColumn", "endLine", "endColumn"}}}],
//!                         "relatedLocations": [{"id", "physicalLocation", "message": {"text"}}],
//!                         "partialFingerprints": {"driftcheck/v1"},
//!                         "properties": {"confidence", "evidence", "clause", "suggestion"}}]}]}
//! ```
//!
//! `rules` lists every rule of the registry ([`Rule::ALL`]), so `ruleIndex`
//! is the rule's place there. Levels: error → `error`, warning →
//! `warning`, info → `note`, off → `none`. A result's location is the spec
//! side when it has one, else the code side; `relatedLocations` holds the
//! code side of a finding that has both. Columns count characters (Unicode
//! code points), as driftcheck's other reports do, and `columnKind` says
//! so; the region ends where the finding's label does when the text is at
//! hand, else one reference past its start. `partialFingerprints` carries
//! the finding's fingerprint, which never depends on line numbers.

use std::io::{self, Write};

use serde::Serialize;

use super::region::{Region, Regions};
use super::{message_with_help, Location, Report, Sources};
use crate::check::Finding;
use crate::link::Clue;
use crate::rule::{Rule, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/driftcheck/driftcheck";

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let results = Results { findings: report.findings, sources: report.sources, prefix: report.repo_prefix };
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "driftcheck",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: Rule::ALL.iter().map(|&rule| descriptor(rule)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Results<'a>,
}

/// The results, each made as it is written: a large spec has a million
/// findings, and a list of their results would hold a second copy of them.
struct Results<'a> {
    findings: &'a [Finding],
    sources: &'a dyn Sources,
    prefix: &'a str,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut regions = Regions::new(self.sources);
        serializer.collect_seq(self.findings.iter().map(|finding| result(finding, &mut regions, self.prefix)))
    }
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<PlaceInFile>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<PlaceInFile>,
    partial_fingerprints: Fingerprints,
    properties: Properties,
}

/// A SARIF `location` with a physical location.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlaceInFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: SarifRegion,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

impl From<Region> for SarifRegion {
    fn from(region: Region) -> SarifRegion {
        SarifRegion {
            start_line: region.start_line,
            start_column: Some(region.start_column),
            end_line: Some(region.end_line),
            end_column: Some(region.end_column),
        }
    }
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "driftcheck/v1")]
    driftcheck_v1: String,
}

#[derive(Serialize)]
struct Properties {
    confidence: f64,
    evidence: Vec<Clue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    clause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<String>,
}

fn descriptor(rule: Rule) -> RuleDescriptor {
    RuleDescriptor {
        id: rule.id(),
        name: camel_case(rule.id()),
        short_description: Text { text: rule.summary().to_string() },
        full_description: Text {
            text: what_it_does(rule.documentation()).unwrap_or_else(|| rule.summary().to_string()),
        },
        // What `driftcheck explain` prints: a reserved rule says so, and
        // every rule says how to suppress it.
        help: Help { text: rule.explanation(), markdown: rule.explanation() },
        default_configuration: Configuration { level: level(rule.default_severity()) },
    }
}

/// `dangling-symbol` → `DanglingSymbol`.
fn camel_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// The `## What it does` section of a rule's documentation as plain text:
/// paragraphs and list items keep their breaks, wrapped lines are joined.
fn what_it_does(documentation: &str) -> Option<String> {
    let section = documentation.split("## What it does").nth(1)?;
    let body = section.split("\n#").next().unwrap_or(section);
    let paragraphs: Vec<String> = body.split("\n\n").map(unwrapped).filter(|p| !p.is_empty()).collect();
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

fn unwrapped(paragraph: &str) -> String {
    let mut text = String::new();
    for line in paragraph.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if !text.is_empty() {
            text.push(if line.starts_with("- ") { '\n' } else { ' ' });
        }
        text.push_str(line);
    }
    text
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
        Severity::Off => "none",
    }
}

fn result(finding: &Finding, regions: &mut Regions, prefix: &str) -> SarifResult {
    let locations = Location::of(finding)
        .map(|at| PlaceInFile {
            id: None,
            physical_location: physical(prefix, at.path, regions.of(finding, &at).into()),
            message: None,
        })
        .into_iter()
        .collect();
    SarifResult {
        rule_id: finding.rule.id(),
        rule_index: Rule::ALL.iter().position(|&rule| rule == finding.rule).unwrap_or(0),
        level: level(finding.severity),
        message: Text { text: message_with_help(finding) },
        locations,
        related_locations: linked_code(finding, prefix).into_iter().collect(),
        partial_fingerprints: Fingerprints { driftcheck_v1: finding.fingerprint.to_string() },
        properties: Properties {
            confidence: finding.confidence,
            evidence: finding.evidence().to_vec(),
            clause: finding.spec.as_ref().map(|spec| spec.clause().to_string()),
            suggestion: finding.suggestion().map(String::from),
        },
    }
}

/// The code side of a finding located on its spec side.
fn linked_code(finding: &Finding, prefix: &str) -> Option<PlaceInFile> {
    let (Some(_), Some(code)) = (&finding.spec, &finding.code) else { return None };
    let text = match &code.symbol {
        Some(symbol) => format!("linked code: `{symbol}`"),
        None => "linked code".to_string(),
    };
    let region = SarifRegion { start_line: code.line, start_column: None, end_line: None, end_column: None };
    Some(PlaceInFile {
        id: Some(1),
        physical_location: physical(prefix, &code.path, region),
        message: Some(Text { text }),
    })
}

/// `%SRCROOT%` is the top of the git work tree, where code scanning and
/// other viewers resolve paths: a root further down (`docs/site/`) is
/// prefixed.
fn physical(prefix: &str, path: &str, region: SarifRegion) -> PhysicalLocation {
    let uri = uri(&format!("{prefix}{path}"));
    PhysicalLocation { artifact_location: ArtifactLocation { uri, uri_base_id: "%SRCROOT%" }, region }
}

/// A repository-relative path as a relative URI reference: characters a
/// URI does not allow are percent-encoded, `/` kept.
fn uri(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/');
        let allowed = unreserved
            || matches!(byte, b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@');
        match allowed {
            true => encoded.push(byte as char),
            false => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_camel_case_ids() {
        assert_eq!(camel_case("dangling-symbol"), "DanglingSymbol");
        assert_eq!(camel_case("dangling-spec-ref"), "DanglingSpecRef");
        assert_eq!(camel_case("x"), "X");
    }

    #[test]
    fn levels_follow_severities() {
        let levels: Vec<_> =
            [Severity::Error, Severity::Warning, Severity::Info, Severity::Off].into_iter().map(level).collect();
        assert_eq!(levels, ["error", "warning", "note", "none"]);
    }

    #[test]
    fn every_rule_has_a_full_description() {
        for rule in Rule::ALL {
            let text = what_it_does(rule.documentation()).unwrap_or_default();
            assert!(text.len() > 20 && !text.contains("##"), "{rule}: {text:?}");
        }
    }

    #[test]
    fn a_full_description_keeps_paragraphs_and_list_items() {
        let documentation =
            "# x (default: error)\n\n## What it does\nOne\nsentence:\n\n- first\n  item;\n- second.\n\n## Why\nno";
        assert_eq!(what_it_does(documentation).as_deref(), Some("One sentence:\n\n- first item;\n- second."));
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("specs/retry-policy.md"), "specs/retry-policy.md");
        assert_eq!(uri("docs/a b/ü#1%.md"), "docs/a%20b/%C3%BC%231%25.md");
        assert_eq!(uri("src/a:b?.rs"), "src/a%3Ab%3F.rs");
    }
}
