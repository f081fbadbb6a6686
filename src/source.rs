//! A file's text, held or read when first asked for.
//!
//! A run that finds a code file unchanged by its size and times takes its
//! index from the cache and reads the text only if a finding or a link
//! needs it. A spec's text is let go once its references are linked: a
//! large spec's text is as much memory as the file, and after linking only
//! a human report or the LLM pass reads it.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::index_cache::{content_hash, ContentHash};

#[derive(Debug, Clone)]
pub struct Source {
    text: OnceLock<String>,
    /// Where to read the text (again) from, and the content hash it must
    /// have; `None` when it cannot be read again.
    file: Option<(PathBuf, ContentHash)>,
}

impl Source {
    /// Text already read, held for the whole run.
    pub fn read(text: String) -> Source {
        Source { text: OnceLock::from(text), file: None }
    }

    /// Text to read from `file` when asked, decoded as discovery decodes
    /// it. What was made from it was made from content with `hash`: a file
    /// changed or deleted since the run began reads as empty, so that no
    /// text is ever paired with what was made of other text.
    pub fn on_disk(file: PathBuf, hash: ContentHash) -> Source {
        Source { text: OnceLock::new(), file: Some((file, hash)) }
    }

    /// The text held was read from `file`: [`Source::let_go`] may then
    /// drop it, to be read again from there when asked.
    pub fn came_from(&mut self, file: PathBuf) {
        let hash = content_hash(self.as_str());
        self.file = Some((file, hash));
    }

    /// Drops the text if it can be read again from its file.
    pub fn let_go(&mut self) {
        if self.file.is_some() {
            self.text.take();
        }
    }

    pub fn as_str(&self) -> &str {
        self.text.get_or_init(|| {
            let Some((file, hash)) = &self.file else { return String::new() };
            let text = std::fs::read(file).map(crate::discover::decode).unwrap_or_default();
            match content_hash(&text) == *hash {
                true => text,
                false => String::new(),
            }
        })
    }
}

impl std::ops::Deref for Source {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text `# Spec`, read from a file that holds `on_disk` when the
    /// text is let go and read again.
    fn read_again_with(on_disk: &str) -> String {
        let dir = tempfile::TempDir::new().unwrap();
        let file = dir.path().join("spec.md");
        std::fs::write(&file, "# Spec\n").unwrap();
        let mut source = Source::read("# Spec\n".to_string());
        source.came_from(file.clone());
        std::fs::write(&file, on_disk).unwrap();
        source.let_go();
        source.as_str().to_string()
    }

    #[test]
    fn text_let_go_is_read_again_from_its_file() {
        assert_eq!(read_again_with("# Spec\n"), "# Spec\n");
    }

    #[test]
    fn text_let_go_reads_as_empty_when_its_file_changed() {
        assert_eq!(read_again_with("# Changed\n"), "");
    }

    #[test]
    fn text_with_no_file_is_kept() {
        let mut source = Source::read("given on standard input".to_string());
        source.let_go();
        assert_eq!(source.as_str(), "given on standard input");
    }
}
