//! `<!-- driftcheck:KIND … -->` comments in markdown.

/// One directive in an HTML comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `driftcheck:id my-id` — the next clause's id.
    Id(String),
    /// `driftcheck:code src/net.rs::Client::retry` — the next clause is about this code.
    Code { path: String, symbol: Option<Vec<String>> },
    /// `driftcheck:scope src/net/` — resolve this section's code spans there.
    Scope(String),
    /// `driftcheck:ignore RULE…` — silence rules for the next clause.
    Ignore(Vec<String>),
}

/// Every directive in a chunk of HTML, with its byte offset in the chunk.
pub fn parse_directives(html: &str) -> Vec<(usize, Directive)> {
    let mut found = Vec::new();
    let mut rest = html;
    let mut offset = 0;
    while let Some(open) = rest.find("<!--") {
        let body_start = open + 4;
        let close = rest[body_start..].find("-->").map_or(rest.len(), |c| body_start + c);
        let body = &rest[body_start..close];
        if let Some(directive) = parse_one(body) {
            found.push((offset + open, directive));
        }
        let advance = (close + 3).min(rest.len());
        offset += advance;
        rest = &rest[advance..];
    }
    found
}

fn parse_one(body: &str) -> Option<Directive> {
    let body = body.trim();
    let rest = body.strip_prefix("driftcheck:")?;
    let (kind, argument) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let argument = argument.trim();
    match kind {
        "id" if !argument.is_empty() => Some(Directive::Id(argument.to_string())),
        "scope" if !argument.is_empty() => {
            Some(Directive::Scope(argument.trim_start_matches("./").trim_start_matches('/').to_string()))
        }
        "code" if !argument.is_empty() => Some(code_target(argument)),
        "ignore" => crate::text::ignore_directive(body).map(Directive::Ignore),
        _ => None,
    }
}

/// `src/net.rs::Client::retry` → path and symbol segments.
fn code_target(argument: &str) -> Directive {
    let argument = argument.split_whitespace().next().unwrap_or(argument);
    let argument = argument.trim_start_matches("./").trim_start_matches('/');
    match argument.split_once("::") {
        Some((path, symbol)) => Directive::Code {
            path: path.to_string(),
            symbol: Some(
                symbol.replace("::", ".").split(['.', '#']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
            ),
        },
        None => Directive::Code { path: argument.to_string(), symbol: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_directive_kind() {
        let html = "<!-- driftcheck:code src/net.rs::Client::retry -->\n<!-- driftcheck:id retry-rule -->\
                    <!-- driftcheck:scope ./src/net/ --><!-- driftcheck:ignore dangling-symbol --><!-- a note -->";
        let kinds: Vec<_> = parse_directives(html).into_iter().map(|(_, d)| d).collect();
        assert_eq!(
            kinds,
            vec![
                Directive::Code { path: "src/net.rs".into(), symbol: Some(vec!["Client".into(), "retry".into()]) },
                Directive::Id("retry-rule".into()),
                Directive::Scope("src/net/".into()),
                Directive::Ignore(vec!["dangling-symbol".into()]),
            ]
        );
    }

    #[test]
    fn code_target_without_symbol_is_a_file() {
        assert_eq!(
            parse_directives("<!-- driftcheck:code lib/queue.py -->"),
            vec![(0, Directive::Code { path: "lib/queue.py".into(), symbol: None })]
        );
    }
}
