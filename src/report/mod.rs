//! Reports: one file per output format, each rendering the same plain
//! [`Report`] data. Reporters never analyse; they only write.

mod human;
mod json;
pub mod links;

use std::io::{self, Write};

use serde::Serialize;

use crate::check::Finding;
use crate::discover::Note;
use crate::rule::Severity;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Gives reporters the text of a spec or code file, for snippets.
pub trait Sources {
    fn source(&self, path: &str) -> Option<&str>;
}

/// Counts per severity.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SeverityCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// LLM usage of the run (all zero without a provider).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct LlmUsage {
    pub provider: Option<String>,
    pub calls: usize,
    pub cached: usize,
    pub input_tokens: u64,
    pub output_tokens: u64,
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
    pub notes: &'a [Note],
    pub sources: &'a dyn Sources,
}

/// Rendering options that are not part of the data.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

pub fn write(format: Format, report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, style, out),
        Format::Json => json::write(report, out),
    }
}
