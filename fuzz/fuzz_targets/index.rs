//! Every language's indexer on any text; the first byte picks the language.
#![no_main]

const EXTENSIONS: &[&str] = &["rs", "py", "ts", "tsx", "js", "jsx", "go", "java", "txt"];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let path = format!("src/a.{}", EXTENSIONS[pick as usize % EXTENSIONS.len()]);
    let file = driftcheck::code::index_file(&path, text.to_string());
    for symbol in &file.symbols {
        assert!(text.get(symbol.bytes.clone()).is_some());
    }
});
