//! Property tests: the markdown parser, the configuration loader, the lock
//! parser and every language's indexer take any input without panicking,
//! and keep what they return inside it. (The cargo-fuzz targets in `fuzz/`
//! run the same entry points for longer.)

use driftcheck::code::index_file;
use driftcheck::config::Config;
use driftcheck::lock::Lock;
use proptest::prelude::*;

/// Text made of what markdown and code are made of: syntax characters,
/// words, white space of every kind, and a few multi-byte characters.
fn texty() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "#",
        "## ",
        "- ",
        "* ",
        "1. ",
        "> ",
        "`",
        "```",
        "```rust\n",
        "[",
        "]",
        "(",
        ")",
        "![",
        "|",
        "---",
        "\n",
        "\n\n",
        "\r\n",
        " ",
        "  ",
        "\t",
        "<",
        ">",
        "{",
        "}",
        "{#",
        ":",
        "::",
        ".",
        "_",
        "*",
        "**",
        "\\",
        "\"",
        "'",
        "=",
        ";",
        ",",
        "é",
        "日本",
        "\u{feff}",
        "\u{2009}",
        "fn ",
        "def ",
        "class ",
        "func ",
        "impl ",
        "import ",
        "from ",
        "pub ",
        "return ",
        "struct ",
        "interface ",
        "package ",
        "MUST",
        "retry",
        "Client",
        "spec: specs/a.md#x",
        "driftcheck:ignore",
        "<!-- driftcheck:code src/a.rs -->",
        "https://x.org/a",
        "./a.md#b",
        "a_b",
        "AbC",
        "0",
        "9",
    ]);
    prop::collection::vec(pieces, 0..120).prop_map(|pieces| pieces.concat())
}

fn within(bytes: &std::ops::Range<usize>, text: &str) -> bool {
    bytes.start <= bytes.end && text.get(bytes.clone()).is_some()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn markdown_parses_anything(text in texty()) {
        let spec = driftcheck::spec::parse("docs/a.md", text.clone(), None);
        for clause in &spec.clauses {
            prop_assert!(within(&clause.bytes(), &text), "clause {:?}", clause.bytes());
            prop_assert!(clause.line() >= 1 && clause.line() <= clause.end_line());
            for reference in &clause.references {
                prop_assert!(within(&reference.bytes(), &text), "reference {:?}", reference.bytes());
            }
        }
    }

    #[test]
    fn markdown_parses_any_bytes(text in "\\PC{0,300}") {
        let _ = driftcheck::spec::parse("docs/a.md", text, None);
    }

    #[test]
    fn every_language_indexes_anything(text in texty(), extension in prop::sample::select(vec!["rs", "py", "ts", "tsx", "js", "jsx", "mjs", "go", "java", "txt"])) {
        let path = format!("src/a.{extension}");
        let file = index_file(&path, text.clone());
        for symbol in &file.symbols {
            prop_assert!(within(&symbol.bytes, &text), "symbol {:?}", symbol.bytes);
            prop_assert!(symbol.line >= 1 && symbol.line <= symbol.end_line);
        }
        for anchor in &file.anchors {
            prop_assert!(within(&anchor.bytes, &text));
        }
    }

    #[test]
    fn the_configuration_loader_takes_anything(text in "(specs|code|ignore|rules|gates|llm|min_confidence|max_file_size|provider|model|=|\\[|\\]|\"|\\.|,| |\n|[a-z*/]{1,8}|[0-9.]{1,4}){0,40}") {
        let _ = Config::parse(&text, "driftcheck.toml", std::path::PathBuf::from("."));
    }

    #[test]
    fn a_lock_takes_anything(lines in prop::collection::vec("(version|[a-z/#.]{1,10}|[0-9a-f]{1,8}|\t|<<<<<<<| ){0,9}", 0..12)) {
        let _ = Lock::parse(&lines.join("\n"), "driftcheck.lock");
    }

    /// Well-formed entries over small alphabets, so that one link is often
    /// recorded twice, alike or not (a union merge).
    #[test]
    fn a_lock_reads_back_what_it_writes(entries in prop::collection::vec("[ab]#[12]\t[0-9a-c]{1,2}\t[xy][.]rs\t[0-9a-c]{1,2}", 0..12)) {
        let text = format!("version\t1\n{}", entries.iter().map(|e| format!("{e}\n")).collect::<String>());
        prop_assert!(Lock::parse(&text, "driftcheck.lock").is_ok(), "{text}");
        if let Ok(lock) = Lock::parse(&text, "driftcheck.lock") {
            let rendered = lock.render();
            let again = Lock::parse(&rendered, "driftcheck.lock");
            prop_assert!(again.is_ok(), "{rendered}");
            prop_assert_eq!(again.ok().map(|lock| lock.render()), Some(rendered));
        }
    }
}
