//! Where a finding is, from its first character to past its last, for the
//! formats that mark a span (SARIF, GitHub annotations). Lines and columns
//! are 1-based, columns counted in characters (Unicode code points), as in
//! every other report; the end column is exclusive.

use std::collections::HashMap;

use super::{Location, Sources};
use crate::check::Finding;
use crate::text::LineIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    pub fn is_one_line(&self) -> bool {
        self.start_line == self.end_line
    }
}

/// Computes regions from the files' text, indexing each file's lines once.
pub(super) struct Regions<'a> {
    sources: &'a dyn Sources,
    lines: HashMap<String, LineIndex>,
}

impl<'a> Regions<'a> {
    pub fn new(sources: &'a dyn Sources) -> Regions<'a> {
        Regions { sources, lines: HashMap::new() }
    }

    /// The region of a finding at `location` (see [`Location::of`]): its
    /// label's span when the label starts on that line, else one reference
    /// long (one character without a reference) from the location.
    pub fn of(&mut self, finding: &Finding, location: &Location) -> Region {
        self.spanned_by_label(finding, location).unwrap_or_else(|| fallback(finding, location))
    }

    fn spanned_by_label(&mut self, finding: &Finding, location: &Location) -> Option<Region> {
        // A label is on the finding's first file, which is its location's.
        let label = finding.label()?;
        let source = self.sources.source(location.path)?;
        let index = self.lines.entry(location.path.to_string()).or_insert_with(|| LineIndex::new(source));
        let bytes = label.bytes();
        let start = bytes.start.min(source.len());
        let end = without_trailing_space(source, start, bytes.end.min(source.len()));
        let (start_line, start_column) = index.line_column(source, start);
        let (end_line, end_column) = index.line_column(source, end);
        if start_line != location.line {
            return None;
        }
        let empty = (end_line, end_column) <= (start_line, start_column);
        Some(match empty {
            true => Region { start_line, start_column, end_line: start_line, end_column: start_column + 1 },
            false => Region { start_line, start_column, end_line, end_column },
        })
    }
}

/// A span ending in a line break or blank ends before it, not on the
/// next line's first column.
fn without_trailing_space(source: &str, start: usize, end: usize) -> usize {
    match source.get(start..end) {
        Some(text) => start + text.trim_end().len(),
        None => end,
    }
}

fn fallback(finding: &Finding, location: &Location) -> Region {
    let length = finding.reference.as_deref().map_or(1, |reference| reference.chars().count().max(1));
    Region {
        start_line: location.line,
        start_column: location.column,
        end_line: location.line,
        end_column: location.column + length,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::SpecSide;
    use crate::rule::Rule;

    struct OneFile(&'static str);

    impl Sources for OneFile {
        fn source(&self, path: &str) -> Option<&str> {
            (path == "a.md").then_some(self.0)
        }
    }

    fn finding(line: u32, column: u32, bytes: std::ops::Range<usize>) -> Finding {
        let mut finding = Finding::new(Rule::DanglingSymbol, "gone".to_string());
        finding.spec = Some(SpecSide::at("a.md", line as usize, column as usize, ""));
        finding.reference = Some("Gone::name".into());
        finding.set_label(bytes, "");
        finding
    }

    fn region_of(source: &'static str, finding: &Finding) -> Region {
        let sources = OneFile(source);
        let location = Location::of(finding).expect("a location");
        Regions::new(&sources).of(finding, &location)
    }

    #[test]
    fn a_label_gives_the_end_in_characters() {
        let source = "# T\n\né `Gone::name` here\n";
        let start = source.find('`').expect("span");
        let found = finding(3, 3, start..start + "`Gone::name`".len());
        let region = region_of(source, &found);
        assert_eq!(region, Region { start_line: 3, start_column: 3, end_line: 3, end_column: 15 });
    }

    #[test]
    fn a_clause_label_ends_before_its_line_break() {
        let source = "first line\nsecond line\n\nnext";
        let found = finding(1, 1, 0..source.find("\n\n").expect("break") + 2);
        let region = region_of(source, &found);
        assert_eq!(region, Region { start_line: 1, start_column: 1, end_line: 2, end_column: 12 });
    }

    #[test]
    fn without_the_text_the_reference_gives_the_length() {
        let mut found = finding(4, 7, 0..3);
        found.clear_label();
        let region = region_of("", &found);
        assert_eq!(region, Region { start_line: 4, start_column: 7, end_line: 4, end_column: 17 });
    }

    #[test]
    fn a_label_out_of_range_is_not_trusted() {
        let found = finding(9, 2, 400..500);
        let region = region_of("short\n", &found);
        assert_eq!(region, Region { start_line: 9, start_column: 2, end_line: 9, end_column: 12 });
    }
}
