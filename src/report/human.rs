//! The human report: each finding as a miette diagnostic with the spec (or
//! code) line underlined and the suggestion as help, then a summary line.

use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use super::{Report, Style};
use crate::check::Finding;
use crate::rule::Severity;

pub(super) fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false).with_width(100);
    for finding in report.findings.iter().filter(|f| f.severity > Severity::Info) {
        write!(out, "{}", render(finding, report, &handler))?;
        if let Some(detail) = &finding.detail {
            for line in detail.lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    // Info findings (unreviewed links) can be many: one line each.
    for finding in report.findings.iter().filter(|f| f.severity == Severity::Info) {
        let location = match (&finding.spec, &finding.code) {
            (Some(spec), _) => format!("{}:{}:{}", spec.path, spec.line, spec.column),
            (None, Some(code)) => format!("{}:{}", code.path, code.line),
            (None, None) => String::new(),
        };
        writeln!(out, "info[{}] {location}: {}", finding.rule, finding.message)?;
    }
    write_notes(report, out)?;
    write_unanswered(report, out)?;
    writeln!(out, "{}", summary_line(report))
}

/// LLM questions that got no verdict, with why; all of them are in the
/// JSON report's `llm_skipped`.
fn write_unanswered(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    const SHOWN: usize = 10;
    for question in report.unanswered.iter().take(SHOWN) {
        writeln!(
            out,
            "llm: {}:{}: {} of `{}` got no verdict: {}",
            question.path, question.line, question.question, question.subject, question.reason
        )?;
    }
    if report.unanswered.len() > SHOWN {
        writeln!(
            out,
            "llm: and {} more questions without a verdict (all in --format json)",
            report.unanswered.len() - SHOWN
        )?;
    }
    Ok(())
}

fn render(finding: &Finding, report: &Report, handler: &GraphicalReportHandler) -> String {
    let severity = match finding.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info | Severity::Off => miette::Severity::Advice,
    };
    let mut diagnostic =
        MietteDiagnostic::new(finding.message.clone()).with_code(finding.rule.id()).with_severity(severity);
    let help = match (&finding.suggestion, &finding.help) {
        (Some(suggestion), _) => Some(format!("did you mean `{suggestion}`?")),
        (None, Some(help)) => Some(help.clone()),
        (None, None) => None,
    };
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    let source = finding.label.as_ref().and_then(|label| Some((label, report.sources.source(&label.path)?)));
    let mut rendered = String::new();
    let result = match source {
        Some((label, text)) => {
            let span = clamp(label.bytes.clone(), text.len());
            diagnostic = diagnostic.with_label(LabeledSpan::new_primary_with_span(Some(label.text.clone()), span));
            let report =
                miette::Report::new(diagnostic).with_source_code(NamedSource::new(&label.path, text.to_string()));
            handler.render_report(&mut rendered, report.as_ref())
        }
        None => {
            let location = finding.paths().next().unwrap_or("");
            let report = miette::Report::new(diagnostic.with_url(location.to_string()));
            handler.render_report(&mut rendered, report.as_ref())
        }
    };
    if result.is_err() {
        rendered = format!("{}: {} [{}]\n", finding.severity, finding.message, finding.rule);
    }
    rendered
}

fn clamp(bytes: std::ops::Range<usize>, len: usize) -> std::ops::Range<usize> {
    let start = bytes.start.min(len);
    start..bytes.end.clamp(start, len)
}

fn write_notes(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    const SHOWN: usize = 5;
    for note in report.notes.iter().take(SHOWN) {
        match note.path.as_str() {
            "" => writeln!(out, "note: {}", note.message)?,
            path => writeln!(out, "note: {path}: {}", note.message)?,
        }
    }
    if report.notes.len() > SHOWN {
        writeln!(out, "note: and {} more skipped files", report.notes.len() - SHOWN)?;
    }
    Ok(())
}

fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let scanned = format!(
        "{} ({}), {} ({}), {}",
        counted(s.spec_files, "spec file", "spec files"),
        counted(s.clauses, "clause", "clauses"),
        counted(s.code_files, "code file", "code files"),
        counted(s.symbols, "symbol", "symbols"),
        counted(s.links, "link", "links"),
    );
    let f = &s.findings;
    let llm = match &s.llm.provider {
        Some(provider) => format!(
            "; llm {provider}: {} calls, {} cached, {} skipped, {} tokens in, {} out",
            s.llm.calls, s.llm.cached, s.llm.skipped, s.llm.input_tokens, s.llm.output_tokens
        ),
        None => String::new(),
    };
    if f.error + f.warning + f.info == 0 {
        return format!("driftcheck: no drift found in {scanned}{llm}");
    }
    format!(
        "driftcheck: {} {}, {} {}, {} info in {scanned}{llm}",
        f.error,
        plural(f.error, "error", "errors"),
        f.warning,
        plural(f.warning, "warning", "warnings"),
        f.info
    )
}

fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", plural(count, one, many))
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}
