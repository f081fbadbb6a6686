//! The answers of `History::unmentioned_when_removed`, kept between runs:
//! whether any doc mentioned a name when the commit that removed it was
//! made (or within the window after). The answer for a (commit, name) pair
//! never changes once the window has passed, so the cache only grows; a
//! file that is corrupt or of another version is ignored and rewritten.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

const CACHE_VERSION: &str = "driftcheck removed-mentions v1";

/// (removal commit, name) → whether a doc mentioned the name.
pub type Mentions = HashMap<(String, String), bool>;

pub fn cache_path(state: &Path) -> PathBuf {
    state.join("cache").join("removed-mentions")
}

/// The cached answers; empty when the file is missing, corrupt or old.
pub fn read(cache: &Path) -> Mentions {
    let Ok(text) = std::fs::read_to_string(cache) else { return Mentions::new() };
    let mut lines = text.lines();
    if lines.next() != Some(CACHE_VERSION) {
        return Mentions::new();
    }
    let mut mentions = Mentions::new();
    for line in lines {
        let mut fields = line.split('\t');
        let (Some(commit), Some(name), Some(answer), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Mentions::new();
        };
        let mentioned = match answer {
            "1" => true,
            "0" => false,
            _ => return Mentions::new(),
        };
        mentions.insert((commit.to_string(), name.to_string()), mentioned);
    }
    mentions
}

/// Writes the answers atomically, sorted so the file is stable.
pub fn write(cache: &Path, mentions: &Mentions) -> std::io::Result<()> {
    crate::fsutil::create_cache_dir(cache)?;
    let mut rows: Vec<_> = mentions.iter().collect();
    rows.sort();
    let mut text = format!("{CACHE_VERSION}\n");
    for ((commit, name), mentioned) in rows {
        text.push_str(&format!("{commit}\t{name}\t{}\n", u8::from(*mentioned)));
    }
    crate::fsutil::write_atomically(cache, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_survive_a_round_trip_and_corruption_is_ignored() {
        let directory = tempfile::TempDir::new().expect("temp dir");
        let cache = cache_path(&directory.path().join(".driftcheck"));
        let mut mentions = Mentions::new();
        mentions.insert(("abc".into(), "connect".into()), true);
        mentions.insert(("abc".into(), "SerializerCompiler".into()), false);
        write(&cache, &mentions).expect("write");
        assert_eq!(read(&cache), mentions);
        std::fs::write(&cache, format!("{CACHE_VERSION}\nabc\tconnect\tmaybe\n")).expect("corrupt");
        assert!(read(&cache).is_empty());
        std::fs::write(&cache, "driftcheck removed-mentions v0\nabc\tconnect\t1\n").expect("old");
        assert!(read(&cache).is_empty());
    }
}
