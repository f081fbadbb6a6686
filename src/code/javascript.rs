//! JavaScript: function and class declarations, class methods and fields,
//! and module-level `const`/`let`/`var` bindings (functions when bound to a
//! function or arrow, types when bound to a class, constants otherwise).
//! Also owns the ECMAScript part shared with typescript.rs: module paths,
//! parameters, export and locality rules, and the common node kinds.

use tree_sitter::Node;

use super::walk::node_text;
use super::{field_text, has_ancestor, named_children, Definition, Language, SymbolKind};

pub struct JavaScript;

impl Language for JavaScript {
    fn name(&self) -> &'static str {
        "javascript"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["js", "mjs", "cjs", "jsx"]
    }

    fn grammar(&self, _extension: &str) -> tree_sitter::Language {
        tree_sitter_javascript::LANGUAGE.into()
    }

    fn separator(&self) -> &'static str {
        "."
    }

    fn module_path(&self, path: &str, _root: Node, _source: &str) -> Vec<String> {
        module_path(path)
    }

    fn definition(&self, node: Node, source: &str) -> Option<Definition> {
        definition(node, source)
    }

    fn definition_kinds(&self) -> &'static [&'static str] {
        DEFINITION_KINDS
    }
}

/// Nodes whose bodies hold locals: nothing defined inside them is a symbol.
const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "generator_function",
    "arrow_function",
    "method_definition",
    "class_static_block",
];

/// Wrappers around a declaration statement (`export`, TypeScript `declare`).
const WRAPPER_KINDS: &[&str] = &["export_statement", "ambient_declaration"];

/// `src/net/index.ts` → `[src, net]`; `types.d.ts` → `[types]`.
pub(super) fn module_path(path: &str) -> Vec<String> {
    let mut segments = super::path_segments(path);
    if let Some(last) = segments.last_mut() {
        if let Some(stem) = last.strip_suffix(".d") {
            *last = stem.to_string();
        }
    }
    if segments.last().is_some_and(|last| last == "index") {
        segments.pop();
    }
    segments
}

/// The kinds [`definition`] answers for.
pub(super) const DEFINITION_KINDS: &[&str] = &[
    "function_declaration",
    "generator_function_declaration",
    "class_declaration",
    "method_definition",
    "field_definition",
    "variable_declarator",
];

/// The node kinds JavaScript and TypeScript share.
pub(super) fn definition(node: Node, source: &str) -> Option<Definition> {
    match node.kind() {
        "function_declaration" | "generator_function_declaration" => {
            let params = parameters(node, source);
            Some(declaration(node, source, SymbolKind::Function)?.with_params(params))
        }
        "class_declaration" => declaration(node, source, SymbolKind::Type),
        "method_definition" if is_class_member(node) => {
            let params = parameters(node, source);
            Some(member(node, source, SymbolKind::Method)?.with_params(params))
        }
        "field_definition" | "public_field_definition" if is_class_member(node) => {
            member(node, source, SymbolKind::Field)
        }
        "variable_declarator" => binding(node, source),
        _ => None,
    }
}

/// A named declaration statement (function, class, interface…), unless it is
/// local to a function body. Public when exported.
pub(super) fn declaration(node: Node, source: &str, kind: SymbolKind) -> Option<Definition> {
    if is_local(node) {
        return None;
    }
    let name = field_text(node, "name", source)?;
    let public = is_exported(node, source, &name);
    Some(Definition::symbol(name, kind).with_public(public))
}

pub(super) fn is_local(node: Node) -> bool {
    has_ancestor(node, FUNCTION_KINDS)
}

/// The statement a declaration stands for once `export`/`declare` wrappers
/// are included, and whether one of them is an `export`.
pub(super) fn outer_statement(node: Node) -> (Node, bool) {
    let mut statement = node;
    let mut exported = false;
    while let Some(parent) = statement.parent().filter(|p| WRAPPER_KINDS.contains(&p.kind())) {
        exported |= parent.kind() == "export_statement";
        statement = parent;
    }
    (statement, exported)
}

/// Exported by an `export` keyword on the declaration, or, at the top level,
/// by an `export { name }` clause, `export default name`, or CommonJS
/// `module.exports = { name }` / `exports.name = name`.
fn is_exported(node: Node, source: &str, name: &str) -> bool {
    let declaration = match node.kind() {
        "variable_declarator" => node.parent().unwrap_or(node),
        _ => node,
    };
    let (statement, exported) = outer_statement(declaration);
    exported || statement.parent().is_some_and(|p| p.kind() == "program" && exported_later(p, name, source))
}

fn exported_later(program: Node, name: &str, source: &str) -> bool {
    // Gathered once per file: asking for every declaration would read
    // every top-level statement once per declaration.
    EXPORTED.with(|cache| {
        let file = super::walk::file_number();
        let mut cache = cache.borrow_mut();
        if cache.as_ref().is_none_or(|(number, _)| *number != file) {
            *cache = Some((file, exported_names(program, source)));
        }
        cache.as_ref().is_some_and(|(_, names)| names.contains(name))
    })
}

thread_local! {
    /// The names the file being indexed on this thread exports at its top
    /// level, with the file's number (`walk::file_number`).
    static EXPORTED: std::cell::RefCell<Option<(u64, std::collections::HashSet<String>)>> =
        const { std::cell::RefCell::new(None) };
}

fn exported_names(program: Node, source: &str) -> std::collections::HashSet<String> {
    let mut names = std::collections::HashSet::new();
    for statement in named_children(program) {
        match statement.kind() {
            "export_statement" => export_names(statement, source, &mut names),
            "expression_statement" => commonjs_exports(statement, source, &mut names),
            _ => {}
        }
    }
    names
}

fn export_names(export: Node, source: &str, names: &mut std::collections::HashSet<String>) {
    if let Some(value) = export.child_by_field_name("value") {
        names.insert(node_text(value, source).to_string());
    }
    let clauses = named_children(export).into_iter().filter(|clause| clause.kind() == "export_clause");
    for specifier in clauses.flat_map(named_children) {
        if let Some(exported) = specifier.child_by_field_name("name") {
            names.insert(node_text(exported, source).to_string());
        }
    }
}

fn commonjs_exports(statement: Node, source: &str, names: &mut std::collections::HashSet<String>) {
    let Some(assignment) = statement.named_child(0).filter(|n| n.kind() == "assignment_expression") else { return };
    let (Some(left), Some(right)) = (assignment.child_by_field_name("left"), assignment.child_by_field_name("right"))
    else {
        return;
    };
    let identifier = |value: Node| (value.kind() == "identifier").then(|| node_text(value, source).to_string());
    match node_text(left, source) {
        "module.exports" if right.kind() == "object" => {
            for property in named_children(right) {
                match property.kind() {
                    "shorthand_property_identifier" => {
                        names.insert(node_text(property, source).to_string());
                    }
                    "pair" => names.extend(property.child_by_field_name("value").and_then(identifier)),
                    _ => {}
                }
            }
        }
        "module.exports" => names.extend(identifier(right)),
        target if target.starts_with("module.exports.") || target.starts_with("exports.") => {
            names.extend(identifier(right))
        }
        _ => {}
    }
}

/// Directly in the body of a class that is itself a symbol (a non-local
/// class declaration, or a class expression bound at module level).
pub(super) fn is_class_member(node: Node) -> bool {
    let Some(class) = node.parent().filter(|p| p.kind() == "class_body").and_then(|body| body.parent()) else {
        return false;
    };
    match class.kind() {
        "class_declaration" | "abstract_class_declaration" => !is_local(class),
        "class" => class.parent().is_some_and(|p| p.kind() == "variable_declarator" && is_module_binding(p)),
        _ => false,
    }
}

/// A class member, public unless `private` or `#private`.
pub(super) fn member(node: Node, source: &str, kind: SymbolKind) -> Option<Definition> {
    let name = node.child_by_field_name("name").or_else(|| node.child_by_field_name("property"))?;
    let public = name.kind() != "private_property_identifier" && !has_private_modifier(node, source);
    Some(Definition::symbol(property_name(name, source), kind).with_public(public))
}

/// A property name as written, quotes dropped from string names.
pub(super) fn property_name(name: Node, source: &str) -> String {
    let text = node_text(name, source);
    match name.kind() {
        "string" => text.trim_matches(['"', '\'']).to_string(),
        _ => text.to_string(),
    }
}

/// A TypeScript `private` accessibility modifier among the node's children.
pub(super) fn has_private_modifier(node: Node, source: &str) -> bool {
    named_children(node)
        .into_iter()
        .any(|child| child.kind() == "accessibility_modifier" && node_text(child, source) == "private")
}

/// `const NAME = …` at module level: a function when bound to one, a type when
/// bound to a class expression, a constant (with its value) otherwise.
fn binding(node: Node, source: &str) -> Option<Definition> {
    if !is_module_binding(node) {
        return None;
    }
    let name = node.child_by_field_name("name").filter(|n| n.kind() == "identifier")?;
    let name = node_text(name, source);
    let value = node.child_by_field_name("value");
    let definition = match value.map(|v| v.kind()) {
        Some("arrow_function" | "function_expression" | "generator_function") => {
            let params = value.map(|v| parameters(v, source)).unwrap_or_default();
            Definition::symbol(name, SymbolKind::Function).with_params(params)
        }
        Some("class") => Definition::symbol(name, SymbolKind::Type),
        _ => {
            let value = value.map(|v| node_text(v, source).to_string());
            Definition::symbol(name, SymbolKind::Constant).with_value(value)
        }
    };
    let public = is_exported(node, source, name);
    Some(definition.with_public(public))
}

/// A declarator of a declaration statement at module level (or directly in
/// a TypeScript namespace), not inside a function, loop or block.
fn is_module_binding(declarator: Node) -> bool {
    let Some(declaration) =
        declarator.parent().filter(|p| matches!(p.kind(), "lexical_declaration" | "variable_declaration"))
    else {
        return false;
    };
    let (statement, _) = outer_statement(declaration);
    let Some(parent) = statement.parent() else {
        return false;
    };
    match parent.kind() {
        "program" => true,
        "statement_block" => parent.parent().is_some_and(|p| matches!(p.kind(), "internal_module" | "module")),
        _ => false,
    }
}

/// Parameter names of a function-like node; destructured parameters keep
/// their pattern text, `this` parameters are dropped.
pub(super) fn parameters(function: Node, source: &str) -> Vec<String> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return vec![node_text(single, source).to_string()];
    }
    let Some(list) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    named_children(list).into_iter().filter_map(|param| parameter_name(param, source)).collect()
}

fn parameter_name(param: Node, source: &str) -> Option<String> {
    match param.kind() {
        "identifier" | "object_pattern" | "array_pattern" => Some(node_text(param, source).to_string()),
        "assignment_pattern" => parameter_name(param.child_by_field_name("left")?, source),
        "required_parameter" | "optional_parameter" => parameter_name(param.child_by_field_name("pattern")?, source),
        "rest_pattern" => parameter_name(named_children(param).into_iter().next()?, source),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::code::index_file;

    const SOURCE: &str = r#"import { x } from "./x.js";

export const MAX_RETRIES = 5;
let counter = 0, other;
const { a, b } = x;
export const connect = async (url, { timeout } = {}) => url;
const square = n => n * n;

export class Client {
  static defaultTimeout = 30;
  #secret = 1;
  constructor(host, port = 80, ...rest) {
    const local = 1;
    this.host = host;
  }
  async *events(filter) {}
  get #hidden() { return this.#secret; }
}

function* ids() {
  function inner() {}
  class Local { method() {} }
}

const Widget = class {
  render(props) {}
};

for (let i = 0; i < 3; i++) {}
const api = { get(path) {} };
export { ids };
"#;

    #[test]
    fn qualifies_methods_fields_and_bindings() {
        let file = index_file("web/src/client/index.js", SOURCE.to_string());
        let names: Vec<_> = file.symbols.iter().map(|s| (s.display.as_str(), s.kind.as_str())).collect();
        assert_eq!(
            names,
            [
                ("MAX_RETRIES", "constant"),
                ("counter", "constant"),
                ("other", "constant"),
                ("connect", "function"),
                ("square", "function"),
                ("Client", "type"),
                ("Client.defaultTimeout", "field"),
                ("Client.#secret", "field"),
                ("Client.constructor", "method"),
                ("Client.events", "method"),
                ("Client.#hidden", "method"),
                ("ids", "function"),
                ("Widget", "type"),
                ("Widget.render", "method"),
                ("api", "constant"),
            ]
        );
        assert_eq!(file.module, ["web", "src", "client"]);
        assert!(file.parse_problem.is_none());
        let symbol = |display: &str| file.symbols.iter().find(|s| s.display == display).unwrap();
        assert_eq!(symbol("Client.constructor").params, ["host", "port", "rest"]);
        assert_eq!(symbol("connect").params, ["url", "{ timeout }"]);
        assert_eq!(symbol("square").params, ["n"]);
        assert_eq!(symbol("MAX_RETRIES").value.as_deref(), Some("5"));
        assert_eq!(symbol("other").value, None);
        let public: Vec<_> = file.symbols.iter().filter(|s| s.public).map(|s| s.display.as_str()).collect();
        assert_eq!(
            public,
            [
                "MAX_RETRIES",
                "connect",
                "Client",
                "Client.defaultTimeout",
                "Client.constructor",
                "Client.events",
                "ids",
                "Widget.render",
            ]
        );
    }

    #[test]
    fn commonjs_exports_make_symbols_public() {
        let source = "const fs = require('fs');\nfunction load() {}\nfunction internal() {}\nclass Store {}\n\
                      const LIMIT = 3;\nconst helper = () => 1;\n\
                      module.exports = { load, Store, limit: LIMIT };\nexports.helper = helper;\n";
        let file = index_file("lib/store.cjs", source.into());
        let public: Vec<_> = file.symbols.iter().map(|s| (s.name.as_str(), s.public)).collect();
        assert_eq!(
            public,
            [("fs", false), ("load", true), ("internal", false), ("Store", true), ("LIMIT", true), ("helper", true)]
        );
    }
}
