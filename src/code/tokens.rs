//! A file's identifier words, packed: what every run holds for every file
//! of a repository, and what the index cache stores and decodes for each.

use serde::{Deserialize, Serialize};

/// The words being gathered while a file is walked, borrowed from its text.
pub(super) type WordSet<'a> = rustc_hash::FxHashSet<&'a str>;

/// A file's distinct identifier words, sorted and packed into one string:
/// a few bytes per word where a hash set of strings costs tens, and a
/// cached entry decodes without an allocation per word.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// The words in order, back to back.
    text: String,
    /// Where each word ends in `text`.
    ends: Vec<u32>,
}

impl Tokens {
    /// Packs words, in any order and with repeats. Repeats go first, by
    /// hashing: a large text repeats most of its words, and sorting every
    /// occurrence would cost more than the rest of indexing it.
    pub fn from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Tokens {
        let distinct: rustc_hash::FxHashSet<&str> = words.into_iter().collect();
        Tokens::from_distinct(distinct.into_iter().collect())
    }

    pub(super) fn from_set(words: &WordSet) -> Tokens {
        Tokens::from_distinct(words.iter().copied().collect())
    }

    fn from_distinct(mut words: Vec<&str>) -> Tokens {
        words.sort_unstable();
        let mut tokens = Tokens { text: String::with_capacity(words.iter().map(|w| w.len()).sum()), ends: Vec::new() };
        for word in words {
            tokens.text.push_str(word);
            // A file's words past 4 GiB: no file that large is read.
            let Ok(end) = u32::try_from(tokens.text.len()) else { break };
            tokens.ends.push(end);
        }
        tokens
    }

    fn word(&self, at: usize) -> &str {
        let start = at.checked_sub(1).and_then(|before| self.ends.get(before)).map_or(0, |&end| end as usize);
        let end = self.ends.get(at).map_or(start, |&end| end as usize);
        // A corrupt cache entry gives empty words, never a panic.
        self.text.get(start..end).unwrap_or("")
    }

    pub fn contains(&self, word: &str) -> bool {
        let (mut low, mut high) = (0, self.ends.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.word(middle).cmp(word) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|at| self.word(at))
    }
}

#[cfg(test)]
mod tests {
    use super::Tokens;

    #[test]
    fn packed_words_are_found_and_nothing_else() {
        let tokens = Tokens::from_words(["retry", "Client", "retry", "a", "ab", "é"]);
        assert_eq!(tokens.iter().collect::<Vec<_>>(), ["Client", "a", "ab", "retry", "é"]);
        for word in ["retry", "Client", "a", "ab", "é"] {
            assert!(tokens.contains(word), "{word}");
        }
        for word in ["", "r", "retr", "retrying", "client", "b", "zz"] {
            assert!(!tokens.contains(word), "{word}");
        }
        assert!(!Tokens::default().contains("a"));
    }

    #[test]
    fn corrupt_offsets_give_no_panic() {
        let tokens = Tokens { text: "héllo".to_string(), ends: vec![2, 99, 1] };
        assert!(!tokens.contains("x"));
        assert_eq!(tokens.iter().count(), 3);
    }
}
