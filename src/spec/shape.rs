//! The symbol-shape heuristic: which inline code spans name code at all.
//!
//! Docs put all sorts of things in backticks — flags, paths, shell commands,
//! literals, plain words. Only spans shaped like an identifier path are
//! candidate references; everything else is prose.

/// File extensions and top-level domains that make `a.b` a file or host
/// name (`config.toml`, `api.example.com`) rather than a member access.
const NOT_MEMBERS: &[&str] = &[
    "toml",
    "json",
    "jsonc",
    "json5",
    "yaml",
    "yml",
    "md",
    "mdx",
    "markdown",
    "rst",
    "txt",
    "lock",
    "cfg",
    "ini",
    "conf",
    "env",
    "rs",
    "py",
    "pyi",
    "ts",
    "tsx",
    "mts",
    "cts",
    "js",
    "jsx",
    "mjs",
    "cjs",
    "go",
    "mod",
    "sum",
    "java",
    "kt",
    "kts",
    "gradle",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "rb",
    "php",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "bat",
    "html",
    "htm",
    "css",
    "scss",
    "sass",
    "less",
    "xml",
    "csv",
    "tsv",
    "sql",
    "proto",
    "log",
    "pem",
    "key",
    "crt",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "ico",
    "pdf",
    "zip",
    "gz",
    "tar",
    "tgz",
    "xz",
    "whl",
    "exe",
    "dll",
    "so",
    "dylib",
    "a",
    "o",
    "wasm",
    "jar",
    "war",
    "class",
    "vue",
    "svelte",
    "swift",
    "scala",
    "lua",
    "pl",
    "r",
    "dart",
    "ex",
    "exs",
    "erl",
    "hs",
    "ml",
    "tf",
    "hcl",
    "dockerfile",
    "lockb",
    "db",
    "sqlite",
    "bin",
    "dat",
    "out",
    "tmp",
    "bak",
    "orig",
    "patch",
    "diff",
    "ipynb",
    "sock",
    "pid",
    "com",
    "org",
    "net",
    "io",
    "dev",
    "app",
    "ai",
    "co",
    "uk",
    "de",
    "fr",
    "us",
    "info",
    "edu",
    "gov",
    "local",
    "localhost",
    "internal",
    "example",
    "test",
    "d",
];

/// Leading path segments that qualify nothing of the user's code.
const IMPLICIT_ROOTS: &[&str] = &["crate", "self", "super", "this", "cls"];

/// Splits a symbol-shaped code span into its segments: `Client::retry()` →
/// `[Client, retry]`. `None` when the span is not a reference.
pub fn symbol_segments(span: &str) -> Option<Vec<String>> {
    let span = span.trim();
    let span = span.strip_prefix('@').unwrap_or(span);
    let (span, called) = strip_call(span);
    let span = strip_generics(span)?;
    let span = span.strip_suffix('!').unwrap_or(&span);
    let span = span.strip_prefix("::").unwrap_or(span);
    if span.is_empty() || span.starts_with('$') {
        return None;
    }
    let segments = split_segments(span)?;
    let had_separator = segments.len() > 1;
    let segments: Vec<String> =
        segments.into_iter().skip_while(|segment| IMPLICIT_ROOTS.contains(&segment.as_str())).collect();
    let last = segments.last()?;
    if is_placeholder(&segments[0]) || is_literal(last) {
        return None;
    }
    if had_separator {
        if segments.len() > 1 && NOT_MEMBERS.contains(&last.to_ascii_lowercase().as_str()) {
            return None;
        }
        if segments.len() > 1 || called || is_distinctive(last) {
            return Some(segments);
        }
        return None;
    }
    (called || is_distinctive(last)).then_some(segments)
}

/// `tRuE`, `NULL`, `None`: literals in any letter case.
fn is_literal(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    matches!(lower.as_str(), "true" | "false" | "null" | "none" | "nil" | "undefined" | "nan" | "infinity")
}

/// `YOUR_API_KEY`, `my_app`: names a reader is meant to replace.
fn is_placeholder(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    ["your_", "my_", "example_", "foo_", "some_"].iter().any(|prefix| lower.starts_with(prefix))
}

/// Removes a final argument list: `obj.method(x, y)` → `obj.method`.
fn strip_call(span: &str) -> (&str, bool) {
    if !span.ends_with(')') {
        return (span, false);
    }
    let mut depth = 0usize;
    for (index, c) in span.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return (&span[..index], true);
                }
            }
            _ => {}
        }
    }
    (span, false)
}

/// Removes generic argument lists: `Arc<Mutex<T>>` → `Arc`, `Vec<T>::new` →
/// `Vec::new`. `None` when the brackets do not balance.
/// `None` too for a template such as `CARGO_TARGET_<triple>_RUNNER` or
/// `__param_<name>`: a name with a hole in it is not one name.
fn strip_generics(span: &str) -> Option<String> {
    let mut out = String::with_capacity(span.len());
    let mut depth = 0usize;
    let mut closed = false;
    for c in span.chars() {
        match c {
            '<' if depth == 0 && (out.is_empty() || out.ends_with('_')) => return None,
            '<' => depth += 1,
            '>' => {
                depth = depth.checked_sub(1)?;
                closed = depth == 0;
            }
            _ if depth == 0 => {
                if closed && (c.is_alphanumeric() || c == '_') {
                    return None;
                }
                closed = false;
                out.push(c);
            }
            _ => {}
        }
    }
    (depth == 0).then_some(out)
}

fn split_segments(span: &str) -> Option<Vec<String>> {
    let normalised = span.replace("::", "\u{0}").replace(['.', '#'], "\u{0}");
    let segments: Vec<String> = normalised.split('\u{0}').map(str::to_string).collect();
    segments.iter().all(|segment| is_identifier(segment)).then_some(segments)
}

pub fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// A single identifier that can only be a name in code: snake_case with an
/// underscore, SCREAMING_CASE, or CamelCase with two humps. Plain words
/// (`retry`, `JSON`, `true`) are prose.
pub fn is_distinctive(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 0 {
        return false;
    }
    let inner_underscore = word.trim_matches('_').contains('_') || word.starts_with("__");
    if inner_underscore {
        return true;
    }
    // `PT30S`, `X509`, `HTTP2`: upper case and digits are a literal or an
    // acronym, not a CamelCase name.
    word.chars().any(char::is_lowercase) && camel_humps(word) >= 2
}

/// Counts the capitalised humps of a word: `HashMap` 2, `JSONParser` 2,
/// `parseConfig` 2 (the lower-case head counts), `HTTP` 1.
fn camel_humps(word: &str) -> usize {
    let chars: Vec<char> = word.chars().collect();
    let mut humps = usize::from(chars.first().is_some_and(|c| c.is_lowercase()));
    for (i, c) in chars.iter().enumerate() {
        if !c.is_uppercase() {
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts_after_lower = previous.is_none_or(|p| p.is_lowercase() || p.is_ascii_digit());
        let starts_before_lower = previous.is_some_and(char::is_uppercase) && next.is_some_and(|n| n.is_lowercase());
        if starts_after_lower || starts_before_lower {
            humps += 1;
        }
    }
    humps
}

#[cfg(test)]
mod tests {
    use super::symbol_segments;

    fn segments(span: &str) -> Option<Vec<&str>> {
        let found = symbol_segments(span)?;
        Some(found.iter().map(|s| Box::leak(s.clone().into_boxed_str()) as &str).collect())
    }

    #[test]
    fn accepts_symbol_shaped_spans() {
        assert_eq!(segments("Client::retry"), Some(vec!["Client", "retry"]));
        assert_eq!(segments("parse_config()"), Some(vec!["parse_config"]));
        assert_eq!(segments("retry()"), Some(vec!["retry"]));
        assert_eq!(segments("MAX_RETRIES"), Some(vec!["MAX_RETRIES"]));
        assert_eq!(segments("pkg.module.func"), Some(vec!["pkg", "module", "func"]));
        assert_eq!(segments("Type#method"), Some(vec!["Type", "method"]));
        assert_eq!(segments("obj.method(x, y)"), Some(vec!["obj", "method"]));
        assert_eq!(segments("Vec<T>::new"), Some(vec!["Vec", "new"]));
        assert_eq!(segments("Arc<Mutex<T>>"), None, "one hump after generics are stripped");
        assert_eq!(segments("HashMap<K, V>"), Some(vec!["HashMap"]));
        assert_eq!(segments("crate::net::Client"), Some(vec!["net", "Client"]));
        assert_eq!(segments("self.retries"), None, "a single plain word after self");
        assert_eq!(segments("JSONParser"), Some(vec!["JSONParser"]));
        assert_eq!(segments("parseConfig"), Some(vec!["parseConfig"]));
        assert_eq!(segments("@app.route"), Some(vec!["app", "route"]));
        assert_eq!(segments("__init__"), Some(vec!["__init__"]));
    }

    #[test]
    fn rejects_prose_flags_paths_and_literals() {
        for span in [
            "--dry-run",
            "-v",
            "src/net.rs",
            "src/queue/",
            "config.toml",
            "package.json",
            "README.md",
            "api.example.com",
            "cargo run --release",
            "npm test",
            "\"utf-8\"",
            "42",
            "3.5s",
            "true",
            "null",
            "retry",
            "JSON",
            "HTTP",
            "v1.2.3",
            "e.g.",
            "$HOME",
            "$API_TOKEN",
            "a = b",
            "dangling-symbol",
            "https://x.io/a",
            "",
            "_",
            "x.y.",
            "go test ./...",
            "YOUR_API_KEY",
            "my_app",
            "tRuE",
            "NULL",
            "PT30S",
            "X509",
            "CARGO_TARGET_<triple>_RUNNER",
            "__param_<name>",
            "fastify.temp.sock",
        ] {
            assert_eq!(symbol_segments(span), None, "{span:?} is not a reference");
        }
    }
}
