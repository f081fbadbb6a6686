//! `driftcheck links`: the link graph, clause by clause.

use std::io::{self, Write};

use serde::Serialize;

use crate::link::{ClauseLinks, Clue};

use super::ListingFormat as Format;

pub const SCHEMA: &str = "driftcheck/links/v1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    clauses: &'a [ClauseLinks],
}

pub fn write(format: Format, clauses: &[ClauseLinks], out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &Document { schema: SCHEMA, clauses })?;
            writeln!(out)
        }
        Format::Human => write_human(clauses, out),
    }
}

fn write_human(clauses: &[ClauseLinks], out: &mut dyn Write) -> io::Result<()> {
    for clause in clauses {
        writeln!(out, "{}  ({}:{})", clause.clause, clause.path, clause.line)?;
        for link in &clause.links {
            let location = match (link.line, link.lines) {
                (_, Some([start, end])) if start != end => format!("{}#L{start}-L{end}", link.path),
                (Some(line), _) => format!("{}:{line}", link.path),
                (None, _) => link.path.clone(),
            };
            let what = match (&link.symbol, link.kind) {
                (Some(symbol), Some(kind)) => format!(" {symbol} ({kind})"),
                _ => String::new(),
            };
            let via = match &link.reference {
                Some(reference) => format!("  via `{reference}`"),
                None => "  via spec: comment".to_string(),
            };
            writeln!(out, "  -> {location}{what}{via}")?;
        }
        for unresolved in &clause.unresolved {
            let hint = match &unresolved.suggestion {
                Some(suggestion) => format!(" (did you mean `{suggestion}`?)"),
                None => String::new(),
            };
            writeln!(
                out,
                "  !! `{}` line {}: {} (confidence {:.2}){hint}",
                unresolved.reference, unresolved.line, unresolved.rule, unresolved.confidence
            )?;
            for clue in &unresolved.evidence {
                writeln!(out, "     {}", describe(clue))?;
            }
        }
        for silenced in &clause.silenced {
            writeln!(
                out,
                "  -- `{}` line {}: silenced by {}: {}",
                silenced.reference, silenced.line, silenced.gate, silenced.reason
            )?;
        }
    }
    let links: usize = clauses.iter().map(|c| c.links.len()).sum();
    let unresolved: usize = clauses.iter().map(|c| c.unresolved.len()).sum();
    let silenced: usize = clauses.iter().map(|c| c.silenced.len()).sum();
    writeln!(out, "{} clauses linked, {links} links, {unresolved} unresolved, {silenced} silenced", clauses.len())
}

/// One line of evidence, for people.
fn describe(clue: &Clue) -> String {
    match clue {
        Clue::Removed { name, commit, path, package } => {
            let when = match commit {
                Some(commit) => format!("commit {}", commit.get(..10).unwrap_or(commit)),
                None => "this change".to_string(),
            };
            let whole = package.as_ref().map_or(String::new(), |manifest| format!(", with its package ({manifest})"));
            format!("+ removed: `{name}` was in {path} until {when}{whole}")
        }
        Clue::NearMiss { symbol, form } => format!("+ near miss of `{symbol}` ({})", form.label()),
        Clue::RemovedUnmentioned { name, commit } => {
            let commit = commit.get(..10).unwrap_or(commit);
            format!("  removed: `{name}` in commit {commit}, before any doc mentioned it")
        }
        Clue::OwnQualifier { qualifier } => format!("+ qualified with our `{qualifier}`"),
        Clue::OwnImport { package } => format!("+ qualified with our package `{package}`"),
        Clue::Gate { gate, reason, .. } => format!("- {gate}: {reason}"),
        Clue::Llm { model, verdict, confidence, explanation, .. } => {
            format!("  {model}: {verdict} ({confidence:.2}): {explanation}")
        }
    }
}
