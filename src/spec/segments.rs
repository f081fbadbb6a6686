//! A symbol's path as the spec writes it (`Client::retry` is `Client`,
//! `retry`), held in one allocation: a large spec holds a reference per
//! code span, and a list of strings would cost three allocations each.

use serde::{Serialize, Serializer};

/// Between segments; no segment holds it (see [`Segments::new`]).
const SEPARATOR: char = '\0';

/// The segments of a symbol path, first to last; never empty.
#[derive(Clone, PartialEq, Eq)]
pub struct Segments(Box<str>);

impl Segments {
    /// The segments, or `None` when there are none or one holds a NUL
    /// character, which no name in code does.
    pub fn new<S: AsRef<str>>(segments: &[S]) -> Option<Segments> {
        if segments.is_empty() || segments.iter().any(|segment| segment.as_ref().contains(SEPARATOR)) {
            return None;
        }
        let mut joined = String::with_capacity(segments.iter().map(|s| s.as_ref().len() + 1).sum());
        for (i, segment) in segments.iter().enumerate() {
            if i > 0 {
                joined.push(SEPARATOR);
            }
            joined.push_str(segment.as_ref());
        }
        Some(Segments(joined.into_boxed_str()))
    }

    pub fn iter(&self) -> std::str::Split<'_, char> {
        self.0.split(SEPARATOR)
    }

    /// The segments as owned strings, for code that looks names up by
    /// slices of them.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }

    pub fn join(&self, separator: &str) -> String {
        self.0.replace(SEPARATOR, separator)
    }
}

impl std::fmt::Debug for Segments {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// As a list of strings, as the segments were before they were joined.
impl Serialize for Segments {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_segment_in_order() {
        let segments = Segments::new(&["Client", "retry"]).expect("segments");
        assert_eq!(segments.iter().collect::<Vec<_>>(), ["Client", "retry"]);
        assert_eq!(segments.join("::"), "Client::retry");
        assert_eq!(segments.to_vec(), ["Client".to_string(), "retry".to_string()]);
    }

    #[test]
    fn one_segment_is_the_whole() {
        let segments = Segments::new(&["retry"]).expect("segments");
        assert_eq!(segments.iter().collect::<Vec<_>>(), ["retry"]);
        assert_eq!(segments.join("::"), "retry");
    }

    #[test]
    fn empty_segments_survive_joining() {
        let segments = Segments::new(&["", "a", ""]).expect("segments");
        assert_eq!(segments.iter().collect::<Vec<_>>(), ["", "a", ""]);
    }

    #[test]
    fn refuses_none_and_a_segment_holding_the_separator() {
        assert_eq!(Segments::new::<&str>(&[]), None);
        assert_eq!(Segments::new(&["a\0b"]), None);
    }

    #[test]
    fn serializes_as_a_list() {
        let segments = Segments::new(&["Client", "retry"]).expect("segments");
        assert_eq!(serde_json::to_string(&segments).expect("json"), r#"["Client","retry"]"#);
    }
}
