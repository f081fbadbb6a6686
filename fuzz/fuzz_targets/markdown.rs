//! The markdown spec parser on any text.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let spec = driftcheck::spec::parse("docs/a.md", text.to_string(), None);
    for clause in &spec.clauses {
        assert!(text.get(clause.bytes()).is_some());
    }
});
