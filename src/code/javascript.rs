//! JavaScript (placeholder until implemented).
use tree_sitter::Node;
use super::{Definition, Language};
pub struct JavaScript;
impl Language for JavaScript {
    fn name(&self) -> &'static str { "javascript" }
    fn extensions(&self) -> &'static [&'static str] { &[] }
    fn grammar(&self, _extension: &str) -> tree_sitter::Language { tree_sitter_rust::LANGUAGE.into() }
    fn separator(&self) -> &'static str { "." }
    fn module_path(&self, path: &str, _root: Node, _source: &str) -> Vec<String> { super::path_segments(path) }
    fn definition(&self, _node: Node, _source: &str) -> Option<Definition> { None }
}
