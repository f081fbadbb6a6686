//! Where a very large markdown file may be cut, so that it is parsed one
//! piece at a time.
//!
//! pulldown-cmark builds a tree of the whole document before it yields the
//! first event: about twelve bytes of tree per byte of markdown, so a 50 MB
//! file would need 600 MB before any clause exists. A top-level ATX heading
//! closes every block open before it, so the events of the pieces either
//! side of one are the events of the whole. What crosses a cut is handled:
//! reference-style link definitions are resolved from all the pieces' (see
//! `spec::parse`); a file with footnote definitions, which the parser does
//! not let a caller resolve, is not cut at all.

use std::ops::Range;

/// Files up to this size are parsed whole, as one piece: every ordinary
/// spec is.
pub const PIECE_BYTES: usize = 1 << 20;

/// The pieces of `source`, in order and covering it: cut before a heading
/// line at column 0 that follows a blank line, once a piece holds at least
/// `piece_bytes`, and never inside a block where a `#` line is not a
/// heading: a fenced code block, a metadata block, or an HTML block that
/// ends at a closing text (`-->`, `</pre>`, `?>`, `]]>`).
pub fn pieces(source: &str, piece_bytes: usize) -> Vec<Range<usize>> {
    if source.len() <= piece_bytes || has_footnote_definitions(source) || has_inner_metadata_markers(source) {
        return std::iter::once(0..source.len()).collect();
    }
    let mut cuts = vec![0];
    let mut scanner = Scanner::default();
    let mut offset = 0;
    let mut blank_before = false;
    // The start of the file starts a block, as a blank line does.
    let mut block_start = true;
    let mut in_indented_code = false;
    let mut lines = source.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let start = offset;
        offset += line.len();
        let heading = scanner.outside_blocks() && blank_before && is_heading_line(line);
        if heading && start - cuts.last().copied().unwrap_or(0) >= piece_bytes {
            cuts.push(start);
        }
        let next = lines.peek().copied();
        let inside = !scanner.outside_blocks();
        // A line indented four spaces where a block starts is indented
        // code, and so is one after such a line; no paragraph goes on
        // from it.
        let indented = line.bytes().take_while(|&b| b == b' ').count() > 3 && !is_blank(line);
        in_indented_code = !inside && indented && (block_start || in_indented_code);
        scanner.read(line, block_start, next);
        blank_before = is_blank(line);
        // What follows a blank line, a heading, indented code or the end of
        // a block starts a block of its own; what follows a paragraph's line
        // may continue it.
        block_start = blank_before
            || is_heading_line(line.trim_start_matches(' '))
            || in_indented_code
            || (inside && scanner.outside_blocks());
    }
    cuts.iter().zip(cuts.iter().skip(1).copied().chain([source.len()])).map(|(&start, end)| start..end).collect()
}

/// Blank as CommonMark counts it: spaces and tabs only.
fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// `[^note]: …` at the start of a line: a footnote definition, which must
/// be in the same piece as every reference to it.
fn has_footnote_definitions(source: &str) -> bool {
    source.lines().any(|line| {
        let line = line.trim_start_matches(' ');
        line.starts_with("[^") && line.find("]:").is_some_and(|at| at > 2)
    })
}

/// A `---` or `+++` line before a non-blank one, past the first line.
/// pulldown-cmark may take it for a metadata block wherever a block starts,
/// which depends on more of the markdown than a scan of lines can tell (a
/// setext heading's underline is not one), so such a file is not cut.
fn has_inner_metadata_markers(source: &str) -> bool {
    let mut lines = source.lines().skip(1).peekable();
    while let Some(line) = lines.next() {
        let marker = matches!(line.trim_end(), "---" | "+++");
        if marker && lines.peek().is_some_and(|next| !is_blank(next)) {
            return true;
        }
    }
    false
}

/// `# Title` … `###### Title` at column 0, or a bare `#`.
fn is_heading_line(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

/// Which block that may hold a `#` line is open.
#[derive(Default)]
struct Scanner {
    /// The fence character, length and indentation of an open fenced code
    /// block.
    fence: Option<(u8, usize, usize)>,
    /// The scan can no longer tell where blocks are: no later line is cut.
    lost: bool,
    /// The text that ends an open HTML or metadata block.
    ends_at: Option<Ending>,
}

#[derive(Clone, Copy)]
enum Ending {
    /// A line containing this text (an HTML block).
    Containing(&'static str),
    /// A line that is one of these (a metadata block).
    LineOf(&'static [&'static str]),
    /// A blank line (an HTML block of a block-level tag, or of a line that
    /// is one whole tag): a fence inside it is HTML, not a fence.
    BlankLine,
}

/// The block-level tags whose HTML block ends at a blank line (CommonMark's
/// type 6).
const BLOCK_TAGS: [&str; 62] = [
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

/// HTML blocks that end at a closing text rather than at a blank line, by
/// how they start (case-insensitively); pulldown-cmark looks for the end
/// as written, so the scanner does too.
const HTML_BLOCKS: [(&str, &str); 7] = [
    ("<!--", "-->"),
    ("<?", "?>"),
    ("<![cdata[", "]]>"),
    ("<pre", "</pre>"),
    ("<script", "</script>"),
    ("<style", "</style>"),
    ("<textarea", "</textarea>"),
];

impl Scanner {
    fn outside_blocks(&self) -> bool {
        self.fence.is_none() && self.ends_at.is_none() && !self.lost
    }

    /// Reads `line`; `next` is the line after it, if any.
    fn read(&mut self, line: &str, block_start: bool, next: Option<&str>) {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let trimmed = &line[indent..];
        if let Some((mark, length, opened_at)) = self.fence {
            let closing = trimmed.bytes().take_while(|&b| b == mark).count();
            if indent < opened_at && !is_blank(line) {
                // An indented fence may be a list item's, which this line
                // would end (a fence line then opening a fence of its own),
                // or a top-level one it sits in or closes: no telling.
                self.lost = true;
            } else if indent <= 3 && closing >= length && is_blank(&trimmed[closing..]) {
                self.fence = None;
            }
            return;
        }
        if let Some(ending) = self.ends_at {
            let ended = match ending {
                Ending::Containing(end) => line.contains(end),
                Ending::LineOf(ends) => ends.contains(&line.trim_end()),
                Ending::BlankLine => is_blank(line),
            };
            if ended {
                self.ends_at = None;
            }
            return;
        }
        if indent > 3 {
            return; // Indented code.
        }
        if let Some((mark, length)) = fence_opening(trimmed) {
            self.fence = Some((mark, length, indent));
        } else if let Some(ending) = metadata_opening(line, block_start, next) {
            self.ends_at = Some(ending);
        } else if let Some(ending) = html_opening(trimmed).or_else(|| html_until_blank(trimmed, block_start)) {
            self.ends_at = Some(ending);
        }
    }
}

/// pulldown-cmark takes `---` or `+++` followed by a non-blank line for the
/// start of a metadata block wherever it starts a block, not only at the top.
/// Its first line is neither blank nor the closing one. (pulldown-cmark
/// also wants a closing line somewhere below; one never closed keeps the
/// scan from cutting again, which is safe.)
fn metadata_opening(line: &str, block_start: bool, next: Option<&str>) -> Option<Ending> {
    if !block_start {
        return None;
    }
    let ends: &'static [&'static str] = match line.trim_end() {
        "---" => &["---", "..."],
        "+++" => &["+++"],
        _ => return None,
    };
    let opens = next.is_some_and(|first| !is_blank(first) && !ends.contains(&first.trim_end()));
    opens.then_some(Ending::LineOf(ends))
}

/// An HTML block that ends at a closing text, unless it ends on its own line.
fn html_opening(trimmed: &str) -> Option<Ending> {
    let lower: Vec<u8> = trimmed.bytes().take(16).map(|b| b.to_ascii_lowercase()).collect();
    let (open, end) = HTML_BLOCKS.iter().find(|(open, _)| lower.starts_with(open.as_bytes()))?;
    let after = trimmed.as_bytes().get(open.len()).copied();
    // `<pre>` or `<pre class=…>`, not `<prefix>`.
    let named_tag = open.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic);
    let tag_ends = !named_tag || matches!(after, None | Some(b' ' | b'\t' | b'>' | b'\n' | b'\r'));
    let rest = trimmed.get(open.len()..).unwrap_or("");
    (tag_ends && !rest.contains(end)).then_some(Ending::Containing(end))
}

/// `<div class="note">` or `</table>` (which may interrupt a paragraph), or
/// after a blank line a line that is one whole tag (`<my-widget>`): an
/// HTML block that runs to the next blank line.
fn html_until_blank(trimmed: &str, block_start: bool) -> Option<Ending> {
    let tag = trimmed.strip_prefix('<')?;
    let tag = tag.strip_prefix('/').unwrap_or(tag);
    let name_length = tag.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-').count();
    let name = tag.get(..name_length)?;
    if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let after = &tag[name_length..];
    let block_tag = BLOCK_TAGS.contains(&name.to_ascii_lowercase().as_str())
        && (is_blank(after) || after.starts_with([' ', '\t', '>']) || after.starts_with("/>"));
    let whole_tag = block_start && after.trim_end().ends_with('>') && !after.contains('<');
    (block_tag || whole_tag).then_some(Ending::BlankLine)
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

    /// The pieces' text, each at least `piece_bytes` long but the last.
    fn cut_every(source: &str, piece_bytes: usize) -> Vec<&str> {
        pieces(source, piece_bytes).into_iter().map(|range| &source[range]).collect()
    }

    /// The pieces' text, cut wherever a cut may be.
    fn cut(source: &str) -> Vec<&str> {
        cut_every(source, 1)
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
        assert_eq!(cut_every(source, 12), vec!["# A\n\none\n\n# B\n\ntwo\n\n", "# C\n\nthree\n"]);
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
    fn a_file_with_footnote_definitions_is_not_cut() {
        assert_eq!(cut("# A\n\nCapped.[^cap]\n\n# Notes\n\n[^cap]: by the budget\n").len(), 1);
    }

    #[test]
    fn a_file_with_a_metadata_marker_past_the_top_is_not_cut() {
        assert_eq!(cut("# A\n\n---\nStatus: draft\n\n# Appendix\n\n---\n\n# B\n").len(), 1);
    }

    #[test]
    fn never_cuts_inside_front_matter() {
        let source = "---\ntitle: x\n\n# not a heading\n---\n\n# B\n";
        assert_eq!(cut(source), vec![&source[..source.len() - 4], "# B\n"]);
    }

    #[test]
    fn a_thematic_break_before_a_blank_line_opens_nothing() {
        assert_eq!(cut("# A\n\n---\n\n# B\n").len(), 2);
    }

    #[test]
    fn never_cuts_inside_processing_instructions_or_cdata() {
        assert_eq!(cut("<?php\n\n# not a heading\n?>\n").len(), 1);
        assert_eq!(cut("<![CDATA[\n\n# x\n]]>\n").len(), 1);
    }

    #[test]
    fn an_end_tag_in_other_letters_does_not_end_the_block() {
        // pulldown-cmark looks for `</pre>` as written: `</PRE>` leaves it open.
        assert_eq!(cut("<PRE>\nx\n</PRE>\n\n# x\n").len(), 1);
    }

    #[test]
    fn a_tag_that_only_starts_like_pre_is_not_a_block() {
        assert_eq!(cut("<prefix>\n\n# A\n").len(), 2);
    }

    #[test]
    fn an_indented_fence_line_is_content() {
        assert_eq!(cut("~~~\n    ~~~\n\n# inside\n~~~\n").len(), 1);
        // Indented code opens no fence.
        assert_eq!(cut("    ```\n\n# A\n").len(), 2);
    }

    #[test]
    fn a_line_left_of_an_indented_fence_stops_the_cuts() {
        // The fence is the list item's, and `~~~` opens another at the top.
        assert_eq!(cut("- item\n  ```\n~~~\n  ```\n\n# inside\n~~~\n\n# B\n").len(), 1);
    }

    #[test]
    fn a_whole_tag_after_indented_code_opens_a_block_to_the_next_blank_line() {
        // `</pre>` ends the indented code and opens an HTML block that
        // swallows the fence opener before the blank line; the next fence
        // then holds the heading.
        let source = "    ~~~\n</pre>\n```sh\n\n  ```\n```\n```\n\n# Title\n-->\n  ```\n  ```\n";
        assert_eq!(cut_every(source, 1), [source]);
    }

    #[test]
    fn a_fence_line_left_of_an_indented_fence_stops_the_cuts() {
        // Were the fence a list item's, the line would end the item and
        // open a fence of its own that holds the heading.
        let source = "- item with `value_one`\n  ```\n```\n\n## `Client::retry` policy\n";
        assert_eq!(cut_every(source, 1), [source]);
    }

    #[test]
    fn a_metadata_block_closed_at_once_is_no_block() {
        // `---` then `...` is a thematic break and a paragraph, which the
        // `</pre>` line continues; the fence then holds the headings.
        let source = "---\n...\n</pre>\n```sh\n\n# Title\n## `Client::retry` policy\n";
        assert_eq!(cut_every(source, 1), [source]);
    }

    #[test]
    fn a_line_of_other_white_space_is_not_blank() {
        assert_eq!(cut("text\n\u{a0}\n# A\n").len(), 1);
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
