//! Names that a spec's own code examples declare (`def handler(event_name)`,
//! `let layer_one = …`, `auth_key: str`). Prose that talks about the
//! example's variables is not talking about the repository's code.

use std::collections::HashSet;

use crate::text::identifier_words;

/// Words after which the next identifier is being declared.
const DECLARING: &[&str] = &[
    "def",
    "class",
    "fn",
    "func",
    "function",
    "let",
    "const",
    "var",
    "val",
    "type",
    "struct",
    "enum",
    "interface",
    "trait",
    "record",
    "mod",
    "module",
    "import",
    "from",
    "use",
    "as",
    "static",
    "export",
    "extends",
    "implements",
];

/// Words that may stand between a declaring word and the name.
const MODIFIERS: &[&str] = &["mut", "async", "pub", "static", "final", "readonly", "default", "public", "private"];

/// Adds the names one line of example code declares.
pub fn declared_names(line: &str, names: &mut HashSet<String>) {
    let line = line.trim_start();
    let line = ["# ", ">>> ", "... ", "$ "].iter().find_map(|p| line.strip_prefix(p)).unwrap_or(line);
    let words: Vec<&str> = identifier_words(line).collect();
    for (i, word) in words.iter().enumerate() {
        if DECLARING.contains(word) {
            let next = words[i + 1..].iter().find(|w| !MODIFIERS.contains(w));
            names.extend(next.map(|w| w.to_string()));
        }
    }
    if let Some(first) = words.first() {
        let rest = line[line.find(first).map_or(0, |at| at + first.len())..].trim_start();
        let assigns =
            (rest.starts_with('=') && !rest.starts_with("==")) || rest.starts_with(":=") || rest.starts_with(':');
        if assigns && line.starts_with(first) {
            names.insert(first.to_string());
        }
    }
    typed_local(line, names);
    parameters(line, names);
    destructured(line, names);
}

/// `Type fooType = …`, `final Gson gson = …`: a typed local declaration.
fn typed_local(line: &str, names: &mut HashSet<String>) {
    let Some(at) = line.find('=') else { return };
    let after = line[at + 1..].chars().next();
    let before = line[..at].chars().next_back();
    if matches!(after, Some('=' | '>')) || matches!(before, Some('!' | '<' | '>' | '=')) {
        return;
    }
    let left = &line[..at];
    if left.contains(['.', '(']) {
        return;
    }
    let words: Vec<&str> = identifier_words(left).collect();
    if words.len() >= 2 {
        names.extend(words.last().map(|w| w.to_string()));
    }
}

/// Names and parameters of `def f(a, b=1)`, `fn f(a: u32)`, `function f(a, b)`,
/// Go's `func (c *Client) Fetch(ctx context.Context)`.
fn parameters(line: &str, names: &mut HashSet<String>) {
    let Some(first) = line.find('(') else { return };
    let head: Vec<&str> = identifier_words(&line[..first]).collect();
    if !head.iter().any(|w| matches!(*w, "def" | "fn" | "func" | "function")) && !line.contains("=>") {
        return;
    }
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        names.extend(identifier_words(&rest[..open]).last().filter(|w| !DECLARING.contains(w)).map(str::to_string));
        let close = rest[open..].find(')').map_or(rest.len(), |c| open + c);
        for parameter in rest[open + 1..close].split(',') {
            let parameter = parameter.trim().trim_start_matches(['*', '&', '.']);
            let parameter = parameter.strip_prefix("mut ").unwrap_or(parameter);
            names.extend(identifier_words(parameter).next().map(str::to_string));
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
}

/// `const { a, b } = …` and `let [x, y] = …`.
fn destructured(line: &str, names: &mut HashSet<String>) {
    let Some(open) = line.find(['{', '[']) else { return };
    let head: Vec<&str> = identifier_words(&line[..open]).collect();
    if !matches!(head.last(), Some(&("const" | "let" | "var"))) {
        return;
    }
    let close = line[open..].find(['}', ']']).map_or(line.len(), |c| open + c);
    names.extend(identifier_words(&line[open + 1..close]).map(str::to_string));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(code: &str) -> Vec<String> {
        let mut found = HashSet::new();
        code.lines().for_each(|line| declared_names(line, &mut found));
        let mut sorted: Vec<_> = found.into_iter().collect();
        sorted.sort();
        sorted
    }

    #[test]
    fn finds_declarations_in_several_languages() {
        assert_eq!(names("def log(event_name, info=None):\n    pass"), ["event_name", "info", "log"]);
        assert_eq!(names("# let layer_one = Layer::new();\nlet mut count = 0;"), ["count", "layer_one"]);
        assert_eq!(
            names("class Settings(BaseSettings):\n    auth_key: str\n    api_key = 'x'"),
            ["Settings", "api_key", "auth_key"]
        );
        assert_eq!(names("Type fooType = new TypeToken<Foo>() {}.getType();"), ["fooType"]);
        assert_eq!(names("const { data, status } = await client.get(url);"), ["data", "status"]);
        assert_eq!(names("func (c *Client) Fetch(ctx context.Context) error {"), ["Fetch", "c", "ctx"]);
        assert_eq!(names("export DATABASE_URL=postgres://x"), ["DATABASE_URL"]);
        assert_eq!(names("if a == b { run() }"), Vec::<String>::new());
    }
}
