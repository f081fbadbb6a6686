//! Where a very large markdown file may be cut, so that it is parsed one
//! piece at a time.
//!
//! pulldown-cmark builds a tree of the whole document before it yields the
//! first event: about twelve bytes of tree per byte of markdown, so a 50 MB
//! file would need 600 MB before any clause exists. A top-level ATX heading
//! closes every block open before it, so the events of the pieces either
//! side of one are the events of the whole; only reference-style link
//! definitions cross the cut, and the parser resolves those from all the
//! pieces' definitions (see `spec::parse`).

use std::ops::Range;

/// Files up to this size are parsed whole, as one piece: every ordinary
/// spec is.
pub const PIECE_BYTES: usize = 1 << 20;

/// The pieces of `source`, in order and covering it: cut before a heading
/// line at column 0 that follows a blank line, once a piece holds at least
/// `piece_bytes`, and never inside a fenced code block or a multi-line HTML
/// comment, `<pre>`, `<script>`, `<style>` or `<textarea>` block, where a
/// `#` line is not a heading.
pub fn pieces(source: &str, piece_bytes: usize) -> Vec<Range<usize>> {
    let mut cuts = vec![0];
    let mut scanner = Scanner::default();
    let mut offset = 0;
    let mut blank_before = false;
    for line in source.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let outside = scanner.outside_blocks();
        let heading = outside && blank_before && is_heading_line(line);
        if heading && start - cuts.last().copied().unwrap_or(0) >= piece_bytes {
            cuts.push(start);
        }
        scanner.read(line);
        blank_before = line.trim().is_empty();
    }
    cuts.iter().zip(cuts.iter().skip(1).copied().chain([source.len()])).map(|(&start, end)| start..end).collect()
}

/// `# Title` … `###### Title` at column 0, or a bare `#`.
fn is_heading_line(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && line[hashes..].chars().next().is_none_or(char::is_whitespace)
}

/// Which block that may hold a `#` line is open.
#[derive(Default)]
struct Scanner {
    /// The fence character and length of an open fenced code block.
    fence: Option<(u8, usize)>,
    /// The text that ends an open HTML block (`-->`, `</pre>`).
    html_end: Option<&'static str>,
}

/// HTML blocks that end at a closing text rather than at a blank line.
const HTML_BLOCKS: [(&str, &str); 5] = [
    ("<!--", "-->"),
    ("<pre", "</pre>"),
    ("<script", "</script>"),
    ("<style", "</style>"),
    ("<textarea", "</textarea>"),
];

impl Scanner {
    fn outside_blocks(&self) -> bool {
        self.fence.is_none() && self.html_end.is_none()
    }

    fn read(&mut self, line: &str) {
        let trimmed = line.trim_start();
        if let Some((mark, length)) = self.fence {
            let closing = trimmed.bytes().take_while(|&b| b == mark).count();
            if closing >= length && trimmed[closing..].trim().is_empty() {
                self.fence = None;
            }
            return;
        }
        if let Some(end) = self.html_end {
            if line.to_ascii_lowercase().contains(end) {
                self.html_end = None;
            }
            return;
        }
        if let Some(fence) = fence_opening(trimmed) {
            self.fence = Some(fence);
            return;
        }
        let lower = trimmed.to_ascii_lowercase();
        if let Some((_, end)) = HTML_BLOCKS.iter().find(|(open, _)| lower.starts_with(open)) {
            let rest = &lower[lower.find('>').map_or(lower.len(), |at| at + 1).min(lower.len())..];
            let closed = match *end {
                "-->" => lower[4..].contains(end),
                _ => rest.contains(end),
            };
            if !closed {
                self.html_end = Some(end);
            }
        }
    }
}

/// "```rust" or "~~~~": the fence's character and length.
fn fence_opening(trimmed: &str) -> Option<(u8, usize)> {
    let mark = *trimmed.as_bytes().first()?;
    if mark != b'`' && mark != b'~' {
        return None;
    }
    let length = trimmed.bytes().take_while(|&b| b == mark).count();
    // A backtick fence's info string has no backtick.
    let info_ok = mark == b'~' || !trimmed[length..].contains('`');
    (length >= 3 && info_ok).then_some((mark, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(source: &str) -> Vec<&str> {
        pieces(source, 1).into_iter().map(|range| &source[range]).collect()
    }

    #[test]
    fn a_small_file_is_one_piece() {
        let source = "# A\n\ntext\n\n## B\n\nmore\n";
        assert_eq!(pieces(source, PIECE_BYTES), vec![0..source.len()]);
    }

    #[test]
    fn cuts_before_each_heading_after_a_blank_line() {
        assert_eq!(cut("# A\n\ntext\n\n## B\n\nmore\n"), vec!["# A\n\ntext\n\n", "## B\n\nmore\n"]);
    }

    #[test]
    fn pieces_hold_at_least_the_piece_size() {
        let source = "# A\n\none\n\n# B\n\ntwo\n\n# C\n\nthree\n";
        let parts: Vec<&str> = pieces(source, 12).into_iter().map(|range| &source[range]).collect();
        assert_eq!(parts, vec!["# A\n\none\n\n# B\n\ntwo\n\n", "# C\n\nthree\n"]);
    }

    #[test]
    fn never_cuts_inside_a_fenced_block() {
        let source = "# A\n\n```sh\n\n# comment\n```\n\n~~~~\n\n## not a heading\n~~~\n~~~~\n\n# B\n";
        assert_eq!(cut(source), vec![&source[..source.len() - 4], "# B\n"]);
    }

    #[test]
    fn never_cuts_inside_an_html_comment_or_pre() {
        let source = "# A\n\n<!--\n\n# hidden\n-->\n\n<pre>\n\n# shown as is\n</pre>\n\n# B\n";
        assert_eq!(cut(source), vec![&source[..source.len() - 4], "# B\n"]);
    }

    #[test]
    fn a_one_line_comment_closes_itself() {
        assert_eq!(cut("<!-- note -->\n\n# A\n").len(), 2);
    }

    #[test]
    fn a_heading_needs_a_space_and_column_zero() {
        assert_eq!(cut("text\n\n#hashtag\n\n  # indented\n\n####### seven\n").len(), 1);
    }

    #[test]
    fn a_heading_in_a_paragraph_is_not_cut_without_a_blank_line() {
        assert_eq!(cut("text\n# A\n").len(), 1);
    }

    #[test]
    fn pieces_cover_the_source_without_a_newline_at_the_end() {
        let source = "a\n\n# B\n\nc";
        let ranges = pieces(source, 1);
        assert_eq!(ranges.first().map(|r| r.start), Some(0));
        assert_eq!(ranges.last().map(|r| r.end), Some(source.len()));
        assert!(ranges.windows(2).all(|pair| pair[0].end == pair[1].start));
    }
}
