//! The `driftcheck coverage` report: a table per spec file (human), or
//! `{"schema": "driftcheck/coverage/v1", "specs": […], "total": {…},
//! "symbols": {"public", "referenced"}}` (JSON).

use std::io::{self, Write};

use serde::Serialize;

use super::ListingFormat;
use crate::coverage::{percent, Coverage, SpecCoverage};

pub const SCHEMA: &str = "driftcheck/coverage/v1";

pub fn write(format: ListingFormat, coverage: &Coverage, out: &mut dyn Write) -> io::Result<()> {
    match format {
        ListingFormat::Human => write_human(coverage, out),
        ListingFormat::Json => write_json(coverage, out),
    }
}

fn write_human(coverage: &Coverage, out: &mut dyn Write) -> io::Result<()> {
    let width = coverage.specs.iter().map(|s| s.path.len()).chain([9]).max().unwrap_or(9);
    writeln!(out, "{:<width$}  {:>7}  {:>13}  {:>20}", "spec file", "clauses", "linked", "normative linked")?;
    for spec in coverage.specs.iter().chain([&coverage.total]) {
        writeln!(out, "{}", row(spec, width))?;
    }
    let symbols = &coverage.symbols;
    writeln!(
        out,
        "\npublic symbols a spec links to: {} of {} ({:.1} %)",
        symbols.referenced,
        symbols.public,
        percent(symbols.referenced, symbols.public)
    )
}

fn row(spec: &SpecCoverage, width: usize) -> String {
    let linked = format!("{} ({:.0} %)", spec.linked, percent(spec.linked, spec.clauses));
    let normative = match spec.normative {
        0 => "none".to_string(),
        all => format!("{} of {all} ({:.0} %)", spec.normative_linked, percent(spec.normative_linked, all)),
    };
    format!("{:<width$}  {:>7}  {:>13}  {:>20}", spec.path, spec.clauses, linked, normative)
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    #[serde(flatten)]
    coverage: &'a Coverage,
}

fn write_json(coverage: &Coverage, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document { schema: SCHEMA, coverage })?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::SymbolCoverage;

    fn sample() -> Coverage {
        let spec =
            SpecCoverage { path: "specs/net.md".into(), clauses: 4, linked: 3, normative: 2, normative_linked: 1 };
        Coverage {
            specs: vec![spec.clone()],
            total: SpecCoverage { path: "total".into(), ..spec },
            symbols: SymbolCoverage { public: 8, referenced: 2 },
        }
    }

    #[test]
    fn human_coverage_shows_counts_and_percentages() {
        let mut out = Vec::new();
        write_human(&sample(), &mut out).expect("written");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("specs/net.md        4       3 (75 %)"), "{text}");
        assert!(text.contains("1 of 2 (50 %)"), "{text}");
        assert!(text.contains("public symbols a spec links to: 2 of 8 (25.0 %)"), "{text}");
    }

    #[test]
    fn json_coverage_has_schema_and_totals() {
        let mut out = Vec::new();
        write_json(&sample(), &mut out).expect("written");
        let value: serde_json::Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(value["schema"], SCHEMA);
        assert_eq!(value["total"]["normative_linked"], 1);
        assert_eq!(value["symbols"]["public"], 8);
    }
}
