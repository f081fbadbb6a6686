//! The names a file writes as whole strings (`"http.disconnect"`,
//! `'server.port'`): event types, settings keys and metric names the code
//! still reads or sends. Gathered once per file by the indexer, and cached
//! with its index.

/// The distinct names a source writes between quotes on one line:
/// `"http.disconnect"`, `'a.b.c'`, `` `x::y` `` (with `template`, where
/// backticks quote strings), `"exception"`. Sorted.
pub(super) fn quoted_names(source: &str, template: bool) -> Vec<String> {
    let quotes: &[char] = if template { &['"', '\'', '`'] } else { &['"', '\''] };
    // "Replaces `Client::reconnect`." in a comment names, it does not use.
    let code = source.lines().filter(|line| line.contains(quotes) && !crate::text::is_comment_line(line.trim_start()));
    let mut names: Vec<String> = code
        .flat_map(|line| quotes.iter().flat_map(move |quote| line.split(*quote).skip(1).step_by(2)))
        .filter(|quoted| is_dotted_name(quoted))
        .map(str::to_string)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `http.disconnect`, `a::b`, or one identifier such as `http_response_code`.
fn is_dotted_name(text: &str) -> bool {
    let mut segments = text.split(['.', ':']).filter(|s| !s.is_empty()).peekable();
    text.len() <= 100
        && segments.peek().is_some()
        && !text.ends_with(['.', ':'])
        && segments.all(crate::spec::shape::is_identifier)
}

#[cfg(test)]
mod tests {
    use super::quoted_names;

    #[test]
    fn names_written_as_strings_outside_comments() {
        let source = "emit(\"http.disconnect\")\nkey = 'server.port'\n// \"in.comment\"\nmsg = \"two words\"\nt = `a::b`\nx = \"exception\"\n";
        assert_eq!(quoted_names(source, false), ["exception", "http.disconnect", "server.port"]);
        assert_eq!(quoted_names(source, true), ["a::b", "exception", "http.disconnect", "server.port"]);
    }

    #[test]
    fn a_trailing_separator_or_a_long_string_is_no_name() {
        assert!(quoted_names("a = \"net.\"\nb = \"::\"\n", false).is_empty());
        let long = format!("a = \"{}\"\n", "x.".repeat(60) + "y");
        assert!(quoted_names(&long, false).is_empty());
    }
}
