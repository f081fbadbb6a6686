//! The configuration loader on any text.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = driftcheck::config::Config::parse(text, "driftcheck.toml", std::path::PathBuf::from("."));
});
