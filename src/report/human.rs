//! The human report: each finding as a miette diagnostic with the spec (or
//! code) line underlined and the suggestion as help, then a summary line.

use std::collections::HashMap;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};

use super::{Report, Style};
use crate::check::Finding;
use crate::discover::Note;
use crate::rule::Severity;
use crate::text::LineIndex;

pub(super) fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false).with_width(100);
    let mut lines = HashMap::new();
    for finding in report.findings.iter().filter(|f| f.severity > Severity::Info) {
        write!(out, "{}", render(finding, report, &handler, &mut lines))?;
        if let Some(detail) = finding.detail() {
            for line in detail.lines() {
                writeln!(out, "    {line}")?;
            }
        }
    }
    // Info findings (unreviewed links) can be many: one line each.
    for finding in report.findings.iter().filter(|f| f.severity == Severity::Info) {
        let location = match (&finding.spec, &finding.code) {
            (Some(spec), _) => format!("{}:{}:{}", spec.path(), spec.line, spec.column),
            (None, Some(code)) => format!("{}:{}", code.path, code.line),
            (None, None) => String::new(),
        };
        writeln!(out, "info[{}] {location}: {}", finding.rule, finding.message())?;
    }
    if style.quiet {
        return Ok(());
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

/// Line starts of the files shown so far, each computed once.
type Lines = HashMap<String, LineIndex>;

fn render(finding: &Finding, report: &Report, handler: &GraphicalReportHandler, lines: &mut Lines) -> String {
    let severity = match finding.severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info | Severity::Off => miette::Severity::Advice,
    };
    let mut diagnostic = MietteDiagnostic::new(finding.message()).with_code(finding.rule.id()).with_severity(severity);
    if let Some(help) = super::help_text(finding) {
        diagnostic = diagnostic.with_help(help);
    }
    let source = finding.label_in_file().and_then(|(label, path)| Some((label, path, report.sources.source(path)?)));
    let mut rendered = String::new();
    let result = match source {
        Some((label, path, text)) => {
            let span = clamp(label.bytes(), text.len());
            diagnostic = diagnostic
                .with_label(LabeledSpan::new_primary_with_span(finding.label_text().map(str::to_string), span.clone()));
            let report = miette::Report::new(diagnostic).with_source_code(Excerpt::around(path, text, &span, lines));
            handler.render_report(&mut rendered, report.as_ref())
        }
        None => {
            // A label whose file cannot be shown (read again, it had
            // changed) still gives its place.
            let location = match (finding.label_in_file(), super::Location::of(finding)) {
                (Some(_), Some(at)) => format!("{}:{}:{}", at.path, at.line, at.column),
                _ => finding.paths().next().unwrap_or("").to_string(),
            };
            let report = miette::Report::new(diagnostic.with_url(location));
            handler.render_report(&mut rendered, report.as_ref())
        }
    };
    if result.is_err() {
        rendered = format!("{}: {} [{}]\n", finding.severity, finding.message(), finding.rule);
    }
    rendered
}

/// The lines of a file around a finding, with their place in the file.
/// miette reads a source from its start to find a span's line: handing it
/// the whole file would cost every finding the file's length.
struct Excerpt {
    name: String,
    text: String,
    /// Where `text` starts in the file: a byte offset and a 0-based line.
    first_byte: usize,
    first_line: usize,
}

/// Lines of context kept on either side of the span: more than the report
/// handler shows.
const EXCERPT_LINES: usize = 8;

impl Excerpt {
    fn around(name: &str, source: &str, span: &std::ops::Range<usize>, lines: &mut Lines) -> Excerpt {
        let index = lines.entry(name.to_string()).or_insert_with(|| LineIndex::new(source));
        let first_line = index.line_of(span.start).saturating_sub(EXCERPT_LINES);
        let first_byte = index.start_of(first_line).unwrap_or(0);
        let last_byte = index.start_of(index.line_of(span.end) + EXCERPT_LINES + 1).unwrap_or(source.len());
        match source.get(first_byte..last_byte) {
            Some(text) => Excerpt { name: name.to_string(), text: text.to_string(), first_byte, first_line },
            None => Excerpt { name: name.to_string(), text: source.to_string(), first_byte: 0, first_line: 0 },
        }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let offset = span.offset().checked_sub(self.first_byte).ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(offset.into(), span.len());
        let contents = self.text.read_span(&local, context_lines_before, context_lines_after)?;
        let absolute = SourceSpan::new((contents.span().offset() + self.first_byte).into(), contents.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            absolute,
            contents.line() + self.first_line,
            contents.column(),
            contents.line_count(),
        )))
    }
}

fn clamp(bytes: std::ops::Range<usize>, len: usize) -> std::ops::Range<usize> {
    let start = bytes.start.min(len);
    start..bytes.end.clamp(start, len)
}

fn write_notes(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    const SHOWN: usize = 5;
    let (warnings, notes): (Vec<&Note>, Vec<&Note>) = report.notes.iter().partition(|note| note.warning);
    for warning in warnings {
        writeln!(out, "warning: {}: {}", warning.place(), warning.message)?;
    }
    for note in notes.iter().take(SHOWN) {
        match note.path.as_str() {
            "" => writeln!(out, "note: {}", note.message)?,
            path => writeln!(out, "note: {path}: {}", note.message)?,
        }
    }
    if notes.len() > SHOWN {
        writeln!(out, "note: and {} more notes", notes.len() - SHOWN)?;
    }
    Ok(())
}

pub(super) fn summary_line(report: &Report) -> String {
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

pub(super) fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", plural(count, one, many))
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 {
        one
    } else {
        many
    }
}
