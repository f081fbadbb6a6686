//! The lock parser on any text: what parses renders to text that parses
//! to the same lock.
#![no_main]

use driftcheck::lock::Lock;

libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Ok(lock) = Lock::parse(text, "driftcheck.lock") {
        let rendered = lock.render();
        let again = Lock::parse(&rendered, "driftcheck.lock").expect("a rendered lock parses");
        assert_eq!(again.render(), rendered);
    }
});
