//! `parse-error`: code the grammar could not fully parse. The file is still
//! indexed as far as the parser got (or as plain words, if the parser gave
//! up at its work budget); this only says so, once per file.

use std::ops::Range;

use super::{CodeSide, Finding};
use crate::index::{is_generated_path, is_test_path, CodeIndex};
use crate::rule::Rule;

pub(super) fn check(index: &CodeIndex) -> Vec<Finding> {
    index
        .files()
        .iter()
        .filter_map(|file| {
            let problem = file.parse_problem.as_ref()?;
            // Test data and code shown in documentation (mdBook's hidden
            // `# ` lines) are often not valid on purpose; and some valid
            // syntax is newer than the bundled grammars.
            let unread_on_purpose = is_test_path(&file.path) || in_documentation(&file.path);
            let template = is_template_source(&file.path, &file.source);
            if unread_on_purpose || template || is_generated_path(&file.path) {
                return None;
            }
            if problem.gave_up {
                return Some(gave_up(&file.path));
            }
            if grammar_gap(file.language, &file.source, problem.line) {
                return None;
            }
            let language = file.language.unwrap_or("its language");
            let message = format!(
                "{} could not be fully parsed as {language} (syntax error at line {}); symbols after it may be missing",
                file.path, problem.line
            );
            let finding = Finding::new(Rule::ParseError, message);
            Some(at_line(finding, &file.path, problem.line, problem.bytes.clone(), "syntax error"))
        })
        .collect()
}

/// A file the parser stopped on at its work budget: its symbols are
/// missing from the index.
fn gave_up(path: &str) -> Finding {
    let message = format!(
        "{path} was not parsed: the parser's error recovery ran past its work budget; \
         its words are indexed, its symbols are not"
    );
    at_line(Finding::new(Rule::ParseError, message), path, 1, 0..0, "parser gave up")
}

/// Places a finding on one line of a code file, underlining `bytes`.
fn at_line(mut finding: Finding, path: &str, line: usize, bytes: Range<usize>, label: &'static str) -> Finding {
    finding.code = Some(Box::new(CodeSide { path: path.to_string(), line, symbol: None, lines: Some((line, line)) }));
    finding.set_label(bytes, label);
    finding
}

/// A name, the languages it applies to, and a test of the line a syntax
/// error starts on.
type GrammarGap = (&'static str, &'static [&'static str], fn(&str) -> bool);

/// Valid code the bundled grammars reject, by the line the error starts
/// on: each is named, so a new gap is one more row.
const TS: &[&str] = &["typescript"];
const TS_JS: &[&str] = &["typescript", "javascript"];
const RUST: &[&str] = &["rust"];
const JAVA: &[&str] = &["java"];
const GO: &[&str] = &["go"];

const GRAMMAR_GAPS: &[GrammarGap] = &[
    ("typescript-5 `export type *`", TS, |line| line.contains("export type *")),
    ("typescript variance annotations `<in T>`, `<out T>`", TS, |line| {
        let trimmed = line.trim_start();
        ["<in ", "<out ", ", in ", ", out ", "<const "].iter().any(|p| line.contains(p))
            || ["in ", "out "].iter().any(|p| trimmed.starts_with(p)) && !trimmed.contains(['(', ';'])
    }),
    ("a bare `&` in JSX text", TS_JS, |line| {
        let text = line.trim();
        text.contains(" & ") && !text.contains(['(', ')', ';', '=', '{'])
    }),
    ("a `&` in a JSX attribute string", TS_JS, |line| {
        // On the element's line, or on a line of its own: `href="…?a=1&b=2"`.
        let attribute = line.trim_start().split_once("=\"").is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        line.split('"').skip(1).step_by(2).any(|value| value.contains('&')) && (line.contains('<') || attribute)
    }),
    ("typescript `using` as a name (`using?: string`, `if (using)`, `using(using: string)`)", TS_JS, using_as_a_name),
    ("rust macros named like a primitive type (`str![…]`)", RUST, |line| {
        PRIMITIVE_TYPES.iter().any(|p| line.contains(&format!("{p}!")))
    }),
    ("rust token macros (`T![~]`)", RUST, |line| {
        line.match_indices("![").any(|(at, _)| {
            let inside = line[at + 2..].split(']').next().unwrap_or("");
            !inside.is_empty() && inside.chars().all(|c| c.is_ascii_punctuation() && c != '[')
        })
    }),
    ("rust `dyn 'a + Trait`", RUST, |line| line.contains("dyn '")),
    ("rust turbofish in a struct pattern (`Message::<T> { value }`)", RUST, |line| {
        line.split_once("::<").is_some_and(|(_, rest)| rest.contains("> {"))
    }),
    ("rust 2024 `safe fn` and `unsafe extern`", RUST, |line| {
        line.contains("safe fn ") || line.contains("unsafe extern")
    }),
    ("rust attributes inside patterns and expressions", RUST, |line| line.trim_start().starts_with("#[")),
    ("rust empty bounds in a where clause (`T:`)", RUST, |line| {
        let trimmed = line.trim().trim_end_matches(',');
        trimmed
            .strip_suffix(':')
            .is_some_and(|name| !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
    }),
    ("rust foreign types (`type Window;` in an extern block)", RUST, |line| {
        let item = line.trim().trim_start_matches("pub ").trim_start_matches("pub(crate) ");
        item.strip_prefix("type ").is_some_and(|rest| rest.ends_with(';') && !rest.contains('='))
    }),
    // `let View { #[cfg(x)] field, .. } = view;`: the error starts at `let`.
    ("rust attributes on the fields of a struct pattern", RUST, |line| {
        let trimmed = line.trim();
        trimmed.starts_with("let ") && trimmed.ends_with('{') && !trimmed.contains('=')
    }),
    ("rust turbofish in a type (`serde_json::Map::<K, V>`)", RUST, |line| {
        // In a type position (`x: &mut Map::<K, V>`), not an expression.
        line.split_once("::<").is_some_and(|(before, _)| {
            (before.contains(": ") || before.contains("-> ")) && !before.contains(['=', '(', '.'])
        })
    }),
    ("rust nightly `box` patterns", RUST, |line| {
        let words: Vec<&str> = crate::text::identifier_words(line).collect();
        words.windows(2).any(|pair| pair[0] == "box" && pair[1].starts_with(char::is_uppercase))
    }),
    // `($mode:ident, $) => …`, `[$] => …`: a `$` the macro matches.
    ("rust a literal `$` in a macro pattern", RUST, |line| {
        line.match_indices('$').any(|(at, _)| {
            // A quote or an escape before it may hide a string's `$`.
            let code = in_code(&line[..at]) && !line[..at].contains(['\'', '\\']);
            let next = line[at + 1..].chars().next();
            code && next.is_some_and(|c| matches!(c, ')' | ']' | '}' | ' ' | ','))
        })
    }),
    // `struct Test` / `where` / `    Error: Send;`: the grammar stops at a
    // unit struct's where clause on a line of its own.
    ("rust `where` on a unit struct", RUST, |line| line.trim() == "where"),
    // Java 22+ lets a constructor compute before `super(…)`; the grammar
    // wants the call first.
    ("java statements before `super(…)` or `this(…)` in a constructor", JAVA, |line| {
        let trimmed = line.trim();
        (trimmed.starts_with("super(") || trimmed.starts_with("this(")) && trimmed.ends_with(");")
    }),
    // Rust has no `~` operator: outside strings and comments it only
    // appears in macro input (`html! { <a ~alt={x} /> }`).
    ("rust `~` in macro input", RUST, |line| line.match_indices('~').any(|(at, _)| in_code(&line[..at]))),
    ("rust functions named like a primitive type, with a turbofish (`char::<&str, _>(…)`)", RUST, |line| {
        line.match_indices("::<").any(|(at, _)| {
            let name = line[..at].rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("");
            PRIMITIVE_TYPES.contains(&name)
        })
    }),
    ("rust qualified paths with a turbofish (`<Map::<K, V> as Trait>::f`)", RUST, |line| {
        line.contains(" as ")
            && line.match_indices("::<").any(|(at, _)| {
                let path = line[..at].rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).next();
                let start = at - path.map_or(0, str::len);
                line[..start].ends_with('<')
            })
    }),
    // Go 1.26: `new(1)`, `new(int64(n))`, `new(a - b)` take a value.
    ("go `new(expr)` with a value", GO, |line| {
        line.match_indices("new(").any(|(at, _)| {
            let word = line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
            !word && go_new_takes_value(&line[at + 4..])
        }) && balanced(line)
    }),
    // Java 21: `case Shape.Circle(double r) ->`, `o instanceof Point(int x, int y)`.
    ("java record patterns", JAVA, |line| {
        let trimmed = line.trim_start();
        // `case Circle(double r) ->`: a type and a name inside the parentheses.
        let case = trimmed.strip_prefix("case ").and_then(|rest| rest.split_once("->")).is_some_and(|(pattern, _)| {
            pattern.split_once('(').is_some_and(|(_, inside)| {
                let mut words = inside.split_whitespace();
                let typed = words.next().is_some_and(|w| w.starts_with(|c: char| c.is_ascii_uppercase()));
                typed && words.next().is_some_and(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
            })
        });
        let instance = line.split_once("instanceof ").is_some_and(|(_, rest)| {
            rest.split_once('(').is_some_and(|(name, _)| {
                !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            })
        });
        case || instance
    }),
    // `function f<T extends string>(id: T): `\0${T}` {`
    ("typescript template literal types (`` : `v${T}` ``)", TS, |line| {
        // A return type: after the parameters, before the body or arrow.
        line.match_indices(": `").any(|(at, _)| {
            let mut parts = line[at + 3..].splitn(2, '`');
            let (inside, after) = (parts.next().unwrap_or(""), parts.next().map(str::trim_start));
            let body = after.is_some_and(|after| after.starts_with('{') || after.starts_with("=>"));
            inside.contains("${") && body && line[..at].trim_end().ends_with(')')
        })
    }),
    ("typescript `import('x').Type` in a type", TS, |line| {
        line.match_indices("import(").any(|(at, _)| {
            let in_type = line[..at].trim_end().ends_with([':', '|', '<', '&']);
            let rest = &line[at + 7..];
            let module = rest.strip_prefix(['\'', '"']).and_then(|r| r.find(['\'', '"']).map(|end| &r[end + 1..]));
            in_type && module.is_some_and(|after| after.starts_with(")."))
        })
    }),
];

/// Whether the line's parentheses pair up: a gap's valid code does, a line
/// broken where it stands often does not.
fn balanced(line: &str) -> bool {
    let mut depth = 0i32;
    for c in line.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// Rust's primitive types, which the grammar does not expect as the name of
/// a function or macro.
const PRIMITIVE_TYPES: &[&str] = &[
    "str", "bool", "char", "u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "f32", "f64", "usize", "isize",
];

/// Whether `rest` (what follows `new(`) is a value rather than a type: a
/// literal, a call or conversion, or arithmetic.
fn go_new_takes_value(rest: &str) -> bool {
    let mut depth = 0;
    let end = rest
        .char_indices()
        .find(|&(_, c)| {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => return true,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            false
        })
        .map_or(rest.len(), |(at, _)| at);
    let argument = rest[..end].trim();
    let literal = argument.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '"' | '\'' | '`' | '-' | '&'));
    // `int64(n)`, `f()`; not a function type's `func(int)`.
    let call = argument.match_indices('(').any(|(at, _)| {
        let name = argument[..at].rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("");
        !name.is_empty() && name != "func"
    });
    let arithmetic = [" + ", " - ", " * ", " / ", " % "].iter().any(|op| argument.contains(op));
    literal || call || arithmetic || matches!(argument, "true" | "false")
}

/// `using` written as a name, which TypeScript allows and the bundled
/// grammar takes for the start of a `using x = …` declaration: any
/// `using` not followed by a name (`using?: string`, `[a, using, b]`,
/// `if (using)`, `using(using: string)`, `.using`).
fn using_as_a_name(line: &str) -> bool {
    let is_name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    line.match_indices("using").any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = &line[at + "using".len()..];
        let whole_word = !before.is_some_and(is_name_char) && !after.starts_with(is_name_char);
        let declaration = after.trim_start().starts_with(|c: char| is_name_char(c) || c == '{' || c == '[');
        let quoted = line[..at].matches('\'').count() % 2 == 1 || line[..at].contains('`');
        whole_word && !declaration && in_code(&line[..at]) && !quoted
    })
}

/// Gaps the grammar notices a line or two early: it finds a token missing
/// at the end of the member before (or of the comment before) the
/// signature it does not know. Looked for on the error's line and the
/// `GAP_LINES - 1` after it; every other gap on the error's line only.
const AHEAD_GAPS: &[GrammarGap] = &[
    ("typescript generic call signatures in a type (`<T>(x: T): T`)", TS, |line| {
        let trimmed = line.trim_start();
        trimmed.strip_prefix('<').and_then(type_parameters).is_some_and(|params| {
            params.iter().all(|p| {
                p.split_whitespace().next().is_some_and(|w| w.chars().all(|c| c.is_alphanumeric() || c == '_'))
            })
        })
    }),
    // `<` alone, then type parameters a line each, then `>(props: …): T`.
    ("typescript generic call signatures over several lines", TS, |line| line.trim() == "<"),
];

/// The type parameters of `T, U extends K<V> = W<X, Y>>(…`, split at the
/// commas of the outer list, when `>(` closes it.
fn type_parameters(rest: &str) -> Option<Vec<&str>> {
    let (mut depth, mut start, mut params) = (0usize, 0, Vec::new());
    for (at, c) in rest.char_indices() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' if depth == 0 => {
                params.push(&rest[start..at]);
                return rest[at + 1..].starts_with('(').then_some(params);
            }
            '>' | ')' | ']' | '}' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                params.push(&rest[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    None
}

/// How many lines from the error an [`AHEAD_GAPS`] row is looked for on.
const GAP_LINES: usize = 3;

/// Whether the error's line, or for a gap the grammar notices early one of
/// the lines after it, is valid code a grammar is known to reject.
fn grammar_gap(language: Option<&str>, source: &str, line: usize) -> bool {
    let Some(language) = language else { return false };
    let is_gap = |gaps: &[GrammarGap], text: &str| {
        gaps.iter().any(|(_, languages, gap)| languages.contains(&language) && gap(text))
    };
    let lines: Vec<&str> = source.lines().skip(line.saturating_sub(1)).take(GAP_LINES).collect();
    lines.first().is_some_and(|first| is_gap(GRAMMAR_GAPS, first)) || lines.iter().any(|text| is_gap(AHEAD_GAPS, text))
}

/// Whether what follows `before` on its line is code: not inside a
/// string, nor after a `//` comment.
fn in_code(before: &str) -> bool {
    before.matches('"').count().is_multiple_of(2) && !before.contains("//")
}

/// A scaffold's template (EJS, lodash, ERB: `<%= name %>` in a file under a
/// `template/` folder): code with holes a generator fills, not meant to
/// parse until then. Not a build script that holds such a string.
fn is_template_source(path: &str, source: &str) -> bool {
    let in_template_folder = path.split('/').rev().skip(1).any(|dir| matches!(dir, "template" | "templates"));
    in_template_folder && ["<%=", "<%-", "<% "].iter().any(|open| source.contains(open)) && source.contains("%>")
}

/// A code file kept with the documentation, as an example for it.
fn in_documentation(path: &str) -> bool {
    let mut directories = path.split('/').rev().skip(1);
    directories.any(|dir| matches!(dir, "docs" | "doc" | "documentation" | "guide" | "book" | "website"))
}

#[cfg(test)]
mod tests {
    use super::grammar_gap;

    #[test]
    fn valid_code_the_grammars_reject_is_a_gap_not_an_error() {
        for (language, line) in [
            ("typescript", "export type * from './types';"),
            ("typescript", "interface Producer<out T> { make(): T }"),
            ("typescript", "    <TSource, TSelected>(props: {"),
            ("typescript", "          href=\"https://formium.io?utm_source=site&utm_medium=footer\""),
            ("rust", "        if let Ok(ValuedMessage::<T> { value }) = serde_json::from_str(text) {"),
            ("typescript", "    <T>(initialValue: T, options?: AtomOptions<T>): Atom<T>"),
            ("typescript", "  out Output = unknown,"),
            ("typescript", "  <a href=\"?a=1&b=2\">next</a>"),
            ("javascript", "                Runtime & Build Information"),
            ("rust", "let s = str![\"x\"];"),
            ("rust", "T![~] => Kind::Tilde,"),
            ("rust", "fn f(x: &(dyn 'db + Db)) {}"),
            ("rust", "    safe fn abort() -> !;"),
            ("rust", "        #[cfg(feature = \"x\")]"),
            ("rust", "    T:,"),
            ("rust", "    pub type Window;"),
            ("rust", "    ($name:ident($($text:literal ~= $value:expr),+)) => {"),
            ("rust", "        let View {"),
            ("rust", "output: &mut serde_json::Map::<String,serde_json::Value>) {"),
            ("rust", "                flow: box ContinueWithSettingsUiFlow { id },"),
            ("rust", "html! { <a href=\"/\" ~alt={\"abc\"} /> }"),
            ("typescript", "  <"),
            ("java", "    super(config, characteristics, metrics);"),
            ("rust", "    ($mode:ident, $)     => { 1 };"),
            ("rust", "    [$]           => { $crate::token::Dollar };"),
            ("rust", "where"),
            ("rust", "        preceded(char::<&str, _>('\\\\'), anychar),"),
            ("rust", "let m = <serde_json::Map::<String, Value> as serde::Deserialize>::deserialize(de)?;"),
            ("go", "\t\t\tWeight: new(1),"),
            ("go", "\tweight := new(int(ptr.Deref(ref.Weight, 1)))"),
            ("go", "\t{Name: name, Weight: new(total - weight)},"),
            ("java", "            case TestEvent.FeatureStart(Feature feature) -> {"),
            ("java", "        if (o instanceof Point(int x, int y)) {"),
            ("typescript", "export function f (h: string): import('vue').Ref<string> {"),
            ("typescript", "  <ResT = FResT, PickKeys extends KeysOf<DataT> = KeysOf<DataT>, D = F<A, B>>("),
            ("typescript", "function resolveId<T extends string>(id: T): `\\0${T}` {"),
            ("typescript", "\tusing?: string,"),
            ("typescript", "\t\tconst [name, columnsString, isUnique, using, algorithm] = input.split(';');"),
            ("typescript", "\tusing(using: string): this {"),
            ("typescript", "\t\tif (using) statement += ` USING \"${using}\"`;"),
            ("typescript", "\t\t\t\t\tusing,"),
        ] {
            assert!(grammar_gap(Some(language), line, 1), "{language}: {line}");
        }
    }

    /// The grammar finds a token missing at the end of the comment before
    /// the signature it does not know; the gap is looked for after it.
    #[test]
    fn a_gap_is_found_a_line_or_two_after_the_error() {
        let source = "type F = {\n  /** doc */\n  <T>(x: T): T\n}\nlet a = 1;\nlet b = 2;\n<\n";
        assert!(grammar_gap(Some("typescript"), source, 2));
        assert!(!grammar_gap(Some("typescript"), source, 4), "three lines at most");
    }

    #[test]
    fn scaffold_templates_are_not_checked() {
        let template = |path: &str, source: &str| super::is_template_source(path, source);
        assert!(template("template/.vitepress/config.js", "export default {\n  title: '<%= title %>',\n}\n"));
        assert!(template("templates/app/index.ts", "<% if (useTs) { %>import x from 'y'<% } %>\n"));
        assert!(!template("scripts/build.js", "const t = _.template('<%= x %>');\n"));
        assert!(!template("template/a.js", "if (a <% b) {}\n"));
    }

    #[test]
    fn code_kept_with_the_docs_is_not_checked() {
        for path in ["docs/examples/a.rs", "website/src/pages/index.tsx", "book/src/listing.rs"] {
            assert!(super::in_documentation(path), "{path}");
        }
        for path in ["src/website.rs", "crates/site/src/lib.rs"] {
            assert!(!super::in_documentation(path), "{path}");
        }
    }

    #[test]
    fn real_syntax_errors_are_not_gaps() {
        for (language, line) in [
            ("rust", "fn broken( {"),
            ("go", "\tp := new(int)"),
            ("go", "\tp := new(map[string]func(int) error)"),
            ("go", "\tp := renew(1)"),
            ("java", "            case FEATURE_START -> {"),
            ("java", "            case Done -> handle(event);"),
            ("go", "\tx := new(a + b)("),
            ("typescript", "let a: import( = 1"),
            ("rust", "let m = <Ä::<K> as T>::f é"),
            ("typescript", "const m = await import('vue');"),
            ("typescript", "const id = f(a): `v${x}`;"),
            ("rust", "type Alias = ;"),
            ("rust", "let x = {"),
            ("rust", "let v = items.iter().collect::<Vec<_>>(;"),
            ("rust", "let home = \"~/.config\"; oops("),
            ("rust", "fn f( // ~ broken"),
            ("rust", "let price = \"$ 5\"; broken("),
            ("rust", "fn f($x: u8) {"),
            ("rust", "foo(; // costs $ 5"),
            ("rust", "static LazyCell<TERA>: Tera = LazyLock::new(|| {"),
            ("javascript", "const x = ;"),
            ("python", "else:"),
            ("python", "    #[not rust]"),
            ("java", "class A { void f( }"),
            ("java", "    super.close();"),
            ("java", "public Foo(int a {\n    super(a);"),
            ("typescript", "const x = (1 +;\n\n  | A & B"),
            ("typescript", "  < 3) {"),
            ("typescript", "await using res = open(;"),
            ("typescript", "const usingX = (1 +;"),
            ("typescript", "const s = 'using' + (;"),
            ("typescript", "let x = ;"),
            ("rust", "        let x = Foo {"),
            ("rust", "        Self {"),
            ("typescript", "  useEffect("),
        ] {
            assert!(!grammar_gap(Some(language), line, 1), "{language}: {line}");
        }
    }
}
