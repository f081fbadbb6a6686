//! What a file writes as strings, gathered once per file by the indexer and
//! cached with its index: questions about every file of a repository are
//! then answered without reading any.

/// The distinct names a source writes between quotes on one line:
/// `"http.disconnect"`, `'a.b.c'`, `` `x::y` `` (with `template`, where
/// backticks quote strings), `"exception"`. Sorted.
pub(super) fn quoted_names(source: &str, template: bool) -> Vec<String> {
    let quotes: &[char] = if template { &['"', '\'', '`'] } else { &['"', '\''] };
    // "Replaces `Client::reconnect`." in a comment names, it does not use.
    let code = lines_with_a_quote(source, template).filter(|line| !crate::text::is_comment_line(line.trim_start()));
    let mut names: Vec<String> = code
        .flat_map(|line| quotes.iter().flat_map(move |quote| line.split(*quote).skip(1).step_by(2)))
        .filter(|quoted| is_dotted_name(quoted))
        .map(str::to_string)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The lines of `source` (as [`str::lines`] gives them) that hold a quote:
/// `"`, `'`, and with `template` a backtick. Every quote is ASCII, so one
/// byte search over the whole text finds them; the lines without one are
/// never looked at.
fn lines_with_a_quote(source: &str, template: bool) -> impl Iterator<Item = &str> {
    let bytes = source.as_bytes();
    let third = if template { b'`' } else { b'"' };
    let mut line_end = 0;
    memchr::memchr3_iter(b'"', b'\'', third, bytes).filter_map(move |quote| {
        if quote < line_end {
            return None; // on the line given last
        }
        let start = memchr::memrchr(b'\n', &bytes[..quote]).map_or(0, |newline| newline + 1);
        let newline = memchr::memchr(b'\n', &bytes[quote..]).map(|newline| quote + newline);
        let end = newline.unwrap_or(bytes.len());
        line_end = end;
        // Both ends are at a newline or the text's ends: whole characters.
        let line = source.get(start..end)?;
        // As `lines`: a carriage return ends a line only before a newline.
        Some(match newline {
            Some(_) => line.strip_suffix('\r').unwrap_or(line),
            None => line,
        })
    })
}

/// `http.disconnect`, `a::b`, or one identifier such as `http_response_code`.
fn is_dotted_name(text: &str) -> bool {
    let mut segments = text.split(['.', ':']).filter(|s| !s.is_empty()).peekable();
    text.len() <= 100
        && segments.peek().is_some()
        && !text.ends_with(['.', ':'])
        && segments.all(crate::spec::shape::is_identifier)
}

/// How far a template placeholder's `}` is looked for after its `{`.
const PLACEHOLDER_REACH: usize = 256;

/// Folders a text writes HTML pages into by a templated path: `docs/api` of
/// `` `docs/api/${doc.name}.html` `` or `f"docs/api/{name}.html"`. Only folder
/// paths with a `/` (`api/${x}.html` alone may be a route); not markdown,
/// which code reads as often as it writes.
pub(super) fn templated_page_folders(source: &str) -> Vec<String> {
    let folder_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/');
    // One pass for `{` (a byte search), then a look back for `/` or `/$`.
    let openers = source.match_indices('{').filter_map(|(brace, _)| {
        let before = &source[..brace];
        let at = before.strip_suffix('$').unwrap_or(before).strip_suffix('/')?.len();
        Some((at, brace + 1))
    });
    openers
        .filter_map(move |(at, inside)| {
            // A placeholder is short: a `{` never closed is not searched to the end.
            let close = source.as_bytes().get(inside..)?.iter().take(PLACEHOLDER_REACH).position(|&b| b == b'}')?;
            let page = source.get(inside + close + 1..).is_some_and(|after| after.starts_with(".htm"));
            let before = source[..at].char_indices().rev().find(|(_, c)| !folder_char(*c));
            let start = before.map_or(0, |(i, c)| i + c.len_utf8());
            let folder = source[start..at].trim_start_matches("./");
            (page && folder.contains('/') && !folder.starts_with('/')).then(|| folder.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{lines_with_a_quote, quoted_names, templated_page_folders};

    #[test]
    fn names_written_as_strings_outside_comments() {
        let source = "emit(\"http.disconnect\")\nkey = 'server.port'\n// \"in.comment\"\nmsg = \"two words\"\nt = `a::b`\nx = \"exception\"\n";
        assert_eq!(quoted_names(source, false), ["exception", "http.disconnect", "server.port"]);
        assert_eq!(quoted_names(source, true), ["a::b", "exception", "http.disconnect", "server.port"]);
    }

    #[test]
    fn the_lines_with_a_quote_are_those_str_lines_gives() {
        let source = "a\r\nb = \"x\" + 'y'\r\n\n`t`\n'é'\n\"last";
        let lines: Vec<&str> = source.lines().filter(|line| line.contains(['"', '\''])).collect();
        assert_eq!(lines_with_a_quote(source, false).collect::<Vec<_>>(), lines);
        let lines: Vec<&str> = source.lines().filter(|line| line.contains(['"', '\'', '`'])).collect();
        assert_eq!(lines_with_a_quote(source, true).collect::<Vec<_>>(), lines);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_the_lines_str_lines_gives(source in "[ab\"'`\r\né]{0,40}", template: bool) {
            let quotes: &[char] = if template { &['"', '\'', '`'] } else { &['"', '\''] };
            let lines: Vec<&str> = source.lines().filter(|line| line.contains(quotes)).collect();
            proptest::prop_assert_eq!(lines_with_a_quote(&source, template).collect::<Vec<_>>(), lines);
        }
    }

    #[test]
    fn a_trailing_separator_or_a_long_string_is_no_name() {
        assert!(quoted_names("a = \"net.\"\nb = \"::\"\n", false).is_empty());
        let long = format!("a = \"{}\"\n", "x.".repeat(60) + "y");
        assert!(quoted_names(&long, false).is_empty());
    }

    #[test]
    fn folders_code_writes_pages_into_by_a_templated_path() {
        let source = "docs[`docs/api/${apidoc.fileName}.html`] = 1;\nout = f\"site/ref/{name}.md\"\n\
                      url = `/api/${x}.html`; log(`${dir}/${name}.js`); f\"{a}/{b}.html\"\n";
        let folders = templated_page_folders(source);
        assert_eq!(folders, ["docs/api"], "only HTML pages: a markdown folder may be read, not written");
    }
}
