//! The baseline: fingerprints of findings a team accepted as they are
//! (`driftcheck baseline`), so that a build fails only on new drift.
//!
//! One finding a line, tab-separated: fingerprint, rule, file, reference.
//! Only the fingerprint counts; the rest tells a reviewer what was
//! accepted. Lines are sorted by file, then fingerprint, so two branches
//! that accept findings in different files touch different lines, and a
//! `merge=union` merge stays valid (order and repeats do not matter).

use crate::spec::TextHash;
use std::collections::HashSet;
use std::path::Path;

use miette::{Diagnostic, NamedSource, SourceSpan};

use crate::check::Finding;

pub const FILE_NAME: &str = "driftcheck.baseline";

const HEADER: &str = "\
# driftcheck baseline: findings accepted as they are; `driftcheck check` does not report them.
# `driftcheck baseline` rewrites this file. One finding a line: fingerprint, rule, file, reference.
";

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum BaselineError {
    #[error("{path}:{line}: not a baseline entry: {reason}")]
    #[diagnostic(
        code(driftcheck::baseline),
        help("each line starts with a finding's fingerprint (16 hex digits); run `driftcheck baseline` to rewrite the file")
    )]
    Invalid {
        path: String,
        line: usize,
        reason: &'static str,
        #[source_code]
        text: NamedSource<String>,
        #[label("{reason}")]
        span: SourceSpan,
    },
    #[error("cannot read the baseline {path}: {source}")]
    #[diagnostic(code(driftcheck::io))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The accepted fingerprints; a missing file accepts nothing.
pub fn read(path: &Path) -> Result<HashSet<TextHash>, BaselineError> {
    let name = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(source) => return Err(BaselineError::Read { path: name, source }),
    };
    let text = String::from_utf8_lossy(&bytes);
    parse(text.strip_prefix('\u{feff}').unwrap_or(&text), &name)
}

/// Parses baseline text; `name` is used in errors.
pub fn parse(text: &str, name: &str) -> Result<HashSet<TextHash>, BaselineError> {
    let mut accepted = HashSet::new();
    let mut offset = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let written = line.split('\t').next().unwrap_or_default().trim();
        let fingerprint = TextHash::parse(&written.to_ascii_lowercase());
        let reason = if ["<<<<<<<", "=======", ">>>>>>>"].iter().any(|marker| line.starts_with(marker)) {
            Some("an unresolved merge conflict")
        } else if fingerprint.is_none() {
            Some("expected a 16-digit hex fingerprint")
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(BaselineError::Invalid {
                path: name.to_string(),
                line: number + 1,
                reason,
                text: NamedSource::new(name, text.to_string()),
                span: (start..start + line.len()).into(),
            });
        }
        accepted.extend(fingerprint);
    }
    Ok(accepted)
}

/// The baseline text for these findings: a header, then one sorted line each.
pub fn render(findings: &[Finding]) -> String {
    let mut lines: Vec<(&str, String)> = findings
        .iter()
        .map(|finding| {
            let path = finding.paths().next().unwrap_or("");
            let reference = finding.reference.as_deref().unwrap_or("");
            let fingerprint = finding.fingerprint.to_string();
            let line = [fingerprint.as_str(), finding.rule.id(), path, reference]
                .map(|field| field.replace(['\t', '\n', '\r'], " "))
                .join("\t");
            (path, line)
        })
        .collect();
    lines.sort();
    lines.dedup();
    render_lines(lines.into_iter().map(|(_, line)| line))
}

fn render_lines(lines: impl Iterator<Item = String>) -> String {
    let mut text = String::from(HEADER);
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// Writes the baseline atomically; returns how many findings it records.
pub fn write(path: &Path, findings: &[Finding]) -> std::io::Result<usize> {
    let text = render(findings);
    crate::fsutil::write_atomically(path, text.as_bytes())?;
    Ok(text.lines().filter(|line| !line.starts_with('#')).count())
}

/// Drops the accepted findings; returns how many were dropped.
pub fn apply(findings: &mut Vec<Finding>, accepted: &HashSet<TextHash>) -> usize {
    let before = findings.len();
    if !accepted.is_empty() {
        findings.retain(|finding| !accepted.contains(&finding.fingerprint));
    }
    before - findings.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::SpecSide;
    use crate::rule::Rule;

    fn finding(path: &str, reference: &str, fingerprint: &str) -> Finding {
        let mut finding = Finding::new(Rule::DanglingSymbol, format!("`{reference}` is gone"));
        finding.spec = Some(SpecSide::at(path, 3, 1, ""));
        finding.reference = Some(reference.into());
        finding.fingerprint = TextHash::parse(fingerprint).expect("16 hex digits");
        finding
    }

    #[test]
    fn rendered_baseline_reads_back_to_the_same_fingerprints() {
        let findings = [
            finding("specs/b.md", "Client::retry", "00000000000000ff"),
            finding("specs/a.md", "tab\there", "a0a0a0a0a0a0a0a0"),
        ];
        let text = render(&findings);
        let accepted = parse(&text, "driftcheck.baseline").expect("valid");
        let written = ["00000000000000ff", "a0a0a0a0a0a0a0a0"].map(|hex| TextHash::parse(hex).expect("hex"));
        assert_eq!(accepted, HashSet::from(written));
        // Sorted by file: a.md's line comes first, and the tab became a space.
        let entries: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            entries,
            [
                "a0a0a0a0a0a0a0a0\tdangling-symbol\tspecs/a.md\ttab here",
                "00000000000000ff\tdangling-symbol\tspecs/b.md\tClient::retry"
            ]
        );
    }

    #[test]
    fn a_union_merge_of_two_baselines_is_still_valid() {
        let ours = render(&[finding("specs/a.md", "x_y", "1111111111111111")]);
        let theirs = render(&[finding("specs/b.md", "y_z", "2222222222222222")]);
        let merged = format!("{ours}{theirs}");
        assert_eq!(parse(&merged, "b").expect("valid").len(), 2);
    }

    #[test]
    fn a_conflict_marker_is_an_error_at_its_line() {
        let text = "# header\n1111111111111111\tdangling-symbol\n<<<<<<< HEAD\n";
        let error = parse(text, "driftcheck.baseline").expect_err("conflict");
        assert!(error.to_string().starts_with("driftcheck.baseline:3: "), "{error}");
        assert!(error.to_string().contains("merge conflict"), "{error}");
    }

    #[test]
    fn a_byte_order_mark_and_windows_line_ends_are_read() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        let text = render(&[finding("a.md", "x_y", "1111111111111111")]).replace('\n', "\r\n");
        std::fs::write(&path, format!("\u{feff}{text}")).expect("write");
        assert_eq!(read(&path).expect("valid"), HashSet::from([TextHash::parse("1111111111111111").expect("hex")]));
    }

    #[test]
    fn a_line_without_a_fingerprint_is_an_error() {
        let error = parse("dangling-symbol\tspecs/a.md\n", "b").expect_err("no fingerprint");
        assert!(error.to_string().contains("b:1: "), "{error}");
    }

    #[test]
    fn applying_drops_only_accepted_findings() {
        let mut findings = vec![finding("a.md", "x_y", "1111111111111111"), finding("a.md", "y_z", "2222222222222222")];
        let accepted = HashSet::from([TextHash::parse("2222222222222222").expect("hex")]);
        assert_eq!(apply(&mut findings, &accepted), 1);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fingerprint == *"1111111111111111");
    }
}
