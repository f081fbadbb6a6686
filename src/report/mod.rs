//! Reports: one file per output format, each rendering the same plain
//! [`Report`] data. Reporters never analyse; they only write.

mod concise;
pub mod coverage;
mod github;
mod human;
mod json;
mod junit;
pub mod links;
mod markdown;
mod region;
mod sarif;

use std::io::{self, Write};

use serde::Serialize;

use crate::check::Finding;
use crate::discover::Note;
use crate::llm::ask::TierUsage;
use crate::llm::Unanswered;
use crate::rule::Severity;

/// Output formats of `check`; clap names them in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with the spec line underlined, and a summary
    Human,
    /// One `path:line:col: severity[rule] message` line per finding
    Concise,
    /// The stable JSON report v1
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions annotations
    Github,
    /// A pull-request comment
    Markdown,
    /// JUnit XML, one test case per spec file
    Junit,
}

/// Output formats of the listings (`links`, `coverage`): the report
/// formats of `check` have no listing to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListingFormat {
    Human,
    Json,
}

/// Gives reporters the text of a spec or code file, for snippets.
pub trait Sources {
    fn source(&self, path: &str) -> Option<&str>;
}

/// No file's text: reporters fall back to what findings carry.
#[cfg(test)]
pub(crate) struct NoSources;

#[cfg(test)]
impl Sources for NoSources {
    fn source(&self, _: &str) -> Option<&str> {
        None
    }
}

/// Counts per severity.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SeverityCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// LLM usage of the run (all zero without a provider): totals, and per
/// tier of the cascade.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct LlmUsage {
    pub provider: Option<String>,
    pub calls: usize,
    pub cached: usize,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Questions that got no verdict; `llm_skipped` lists them.
    pub skipped: usize,
    pub tiers: Vec<TierUsage>,
}

impl LlmUsage {
    pub fn of(tiers: &[TierUsage], skipped: usize) -> LlmUsage {
        LlmUsage {
            provider: tiers.first().map(|tier| tier.provider.clone()),
            calls: tiers.iter().map(|t| t.calls).sum(),
            cached: tiers.iter().map(|t| t.cached).sum(),
            input_tokens: tiers.iter().map(|t| t.input_tokens).sum(),
            output_tokens: tiers.iter().map(|t| t.output_tokens).sum(),
            skipped,
            tiers: tiers.to_vec(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    pub spec_files: usize,
    pub clauses: usize,
    pub code_files: usize,
    pub symbols: usize,
    pub links: usize,
    pub findings: SeverityCounts,
    pub llm: LlmUsage,
}

impl Summary {
    pub fn count(&mut self, findings: &[Finding]) {
        self.findings = SeverityCounts::default();
        for finding in findings {
            match finding.severity {
                Severity::Error => self.findings.error += 1,
                Severity::Warning => self.findings.warning += 1,
                Severity::Info => self.findings.info += 1,
                Severity::Off => {}
            }
        }
    }
}

/// Everything a reporter may show.
pub struct Report<'a> {
    pub summary: Summary,
    pub findings: &'a [Finding],
    /// Every spec file the run read, passing or not, in the order read.
    pub spec_paths: Vec<&'a str>,
    /// The analysed root's place in its git work tree (`docs/site/`, or
    /// empty): SARIF and GitHub annotations name files from the top.
    pub repo_prefix: &'a str,
    pub notes: &'a [Note],
    /// LLM questions that got no verdict.
    pub unanswered: &'a [Unanswered],
    pub sources: &'a dyn Sources,
}

/// Rendering options that are not part of the data.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// `--quiet`: findings only, no summary, notes or LLM usage.
    pub quiet: bool,
}

pub fn write(format: Format, report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, style, out),
        Format::Concise => concise::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, style, out),
        Format::Markdown => markdown::write(report, out),
        Format::Junit => junit::write(report, out),
    }
}

/// Where a finding is reported: the spec side when it has one, else the
/// code side at column 1 (code sides carry no column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Location<'a> {
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
}

impl Location<'_> {
    pub fn of(finding: &Finding) -> Option<Location<'_>> {
        match (&finding.spec, &finding.code) {
            (Some(spec), _) => {
                Some(Location { path: spec.path(), line: spec.line as usize, column: spec.column as usize })
            }
            (None, Some(code)) => Some(Location { path: &code.path, line: code.line, column: 1 }),
            (None, None) => None,
        }
    }
}

/// What to do about a finding, as the human report's help shows it: the
/// suggested name, else the finding's own help.
pub(super) fn help_text(finding: &Finding) -> Option<String> {
    match (finding.suggestion(), finding.help()) {
        (Some(suggestion), _) => Some(format!("did you mean `{suggestion}`?")),
        (None, Some(help)) => Some(help.to_string()),
        (None, None) => None,
    }
}

/// The message with its help in parentheses, for one-line formats.
pub(super) fn message_with_help(finding: &Finding) -> String {
    match help_text(finding) {
        Some(help) => format!("{} ({help})", finding.message()),
        None => finding.message().into_owned(),
    }
}
