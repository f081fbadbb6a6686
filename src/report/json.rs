//! JSON report v1 (`--format json`).
//!
//! ```json
//! {"schema": "driftcheck/report/v1",
//!  "tool": {"name": "driftcheck", "version": "0.1.0"},
//!  "summary": {"spec_files", "clauses", "code_files", "symbols", "links",
//!              "findings": {"error", "warning", "info"},
//!              "llm": {"provider", "calls", "cached", "input_tokens", "output_tokens",
//!                      "skipped", "tiers": [{"role", "provider", "model", "calls", "cached",
//!                                            "input_tokens", "output_tokens"}]}},
//!  "findings": [{"rule", "severity", "message",
//!                "spec": {"path", "line", "column", "clause"} | null,
//!                "code": {"path", "line", "symbol"} | null,
//!                "reference", "suggestion", "confidence", "fingerprint", "evidence"}],
//!  "llm_skipped": [{"question", "path", "line", "clause", "subject", "reason"}]}
//! ```
//! Paths are relative to the repository root with `/`; lines and columns
//! are 1-based. Fields are only ever added, never renamed or removed.

use std::io::{self, Write};

use serde::Serialize;

use super::{Report, Summary};
use crate::check::Finding;

pub const SCHEMA: &str = "driftcheck/report/v1";

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    tool: Tool,
    summary: &'a Summary,
    findings: &'a [Finding],
    llm_skipped: &'a [crate::llm::Unanswered],
}

pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let document = Document {
        schema: SCHEMA,
        tool: Tool { name: "driftcheck", version: env!("CARGO_PKG_VERSION") },
        summary: &report.summary,
        findings: report.findings,
        llm_skipped: report.unanswered,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
