//! Python: functions, classes and their methods, `type` aliases, module-level
//! assignments (constants), class-level attributes and the `self.x` fields
//! an `__init__` sets; `pkg.mod.Class.method`-style dotted names.

use tree_sitter::Node;

use super::walk::node_text;
use super::{field_text, has_ancestor, named_children, Definition, Language, SymbolKind};

pub struct Python;

impl Language for Python {
    fn name(&self) -> &'static str {
        "python"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["py", "pyi"]
    }

    fn grammar(&self, _extension: &str) -> tree_sitter::Language {
        tree_sitter_python::LANGUAGE.into()
    }

    fn separator(&self) -> &'static str {
        "."
    }

    fn module_path(&self, path: &str, _root: Node, _source: &str) -> Vec<String> {
        let mut segments = super::path_segments(path);
        if segments.last().is_some_and(|last| last == "__init__") {
            segments.pop();
        }
        segments
    }

    fn definition(&self, node: Node, source: &str) -> Option<Definition> {
        let definition = match node.kind() {
            "function_definition" if !is_local(node) => function(node, source)?,
            "class_definition" if !is_local(node) => {
                Definition::symbol(field_text(node, "name", source)?, SymbolKind::Type)
            }
            "type_alias_statement" if statement_owner(node)?.kind() == "module" => {
                let left = node.child_by_field_name("left")?;
                let name = named_children(left).into_iter().find(|n| n.kind() == "identifier")?;
                Definition::symbol(node_text(name, source), SymbolKind::Type).container(false)
            }
            "assignment" => assignment(node, source)?,
            _ => return None,
        };
        let public = !definition.name.starts_with('_');
        Some(definition.with_public(public))
    }

    fn definition_kinds(&self) -> &'static [&'static str] {
        &["function_definition", "class_definition", "type_alias_statement", "assignment"]
    }
}

/// Inside a function body: locals, nested helpers and closures are not symbols.
fn is_local(node: Node) -> bool {
    has_ancestor(node, &["function_definition", "lambda"])
}

/// The node that owns a simple statement: `module`, a class's `block`, …
/// (`None` unless `node` sits directly in an `expression_statement`).
fn statement_owner(node: Node) -> Option<Node> {
    let statement = match node.parent()? {
        parent if parent.kind() == "expression_statement" => parent,
        _ if node.kind() == "type_alias_statement" => node,
        _ => return None,
    };
    statement.parent()
}

/// The class whose body directly holds `node` (a statement or a definition,
/// decorators included).
fn enclosing_class(node: Node) -> Option<Node> {
    let mut statement = node;
    if let Some(parent) = node.parent().filter(|p| p.kind() == "decorated_definition") {
        statement = parent;
    }
    statement.parent().filter(|p| p.kind() == "block")?.parent().filter(|p| p.kind() == "class_definition")
}

fn function(node: Node, source: &str) -> Option<Definition> {
    let kind = if enclosing_class(node).is_some() { SymbolKind::Method } else { SymbolKind::Function };
    let mut params = parameter_names(node, source);
    if params.first().is_some_and(|first| first == "self" || first == "cls") {
        params.remove(0);
    }
    Some(Definition::symbol(field_text(node, "name", source)?, kind).with_params(params))
}

/// All parameter names, receiver included, stars dropped.
fn parameter_names(function: Node, source: &str) -> Vec<String> {
    let Some(list) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    named_children(list).into_iter().filter_map(|param| parameter_name(param, source)).collect()
}

fn parameter_name(param: Node, source: &str) -> Option<String> {
    match param.kind() {
        "identifier" | "tuple_pattern" => Some(node_text(param, source).to_string()),
        "default_parameter" | "typed_default_parameter" => parameter_name(param.child_by_field_name("name")?, source),
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
            let inner = named_children(param).into_iter().find(|n| n.kind() != "type")?;
            parameter_name(inner, source)
        }
        _ => None,
    }
}

/// `NAME = value` at module level (a constant), in a class body (a field:
/// class attributes, dataclass fields, enum members, bare `name: str`), or
/// `self.x = …` in an `__init__`.
fn assignment(node: Node, source: &str) -> Option<Definition> {
    let owner = statement_owner(node)?;
    let target = node.child_by_field_name("left")?;
    match (owner.kind(), target.kind()) {
        ("module", "identifier") => {
            let value = field_text(node, "right", source);
            Some(Definition::symbol(node_text(target, source), SymbolKind::Constant).with_value(value))
        }
        ("block", "identifier") => {
            owner.parent().filter(|p| p.kind() == "class_definition" && !is_local(*p))?;
            Some(Definition::symbol(node_text(target, source), SymbolKind::Field))
        }
        ("block", "attribute") => init_field(node, source),
        _ => None,
    }
}

/// `self.x = …` in a method's `__init__` (not in a nested function): a
/// field of the class, counted at its first assignment only, and only when
/// the class body does not already declare it.
fn init_field(node: Node, source: &str) -> Option<Definition> {
    let init = std::iter::successors(node.parent(), Node::parent).find(|a| a.kind() == "function_definition")?;
    if field_text(init, "name", source)? != "__init__" || is_local(init) {
        return None;
    }
    let class = enclosing_class(init)?;
    let receiver = parameter_names(init, source).into_iter().next()?;
    let name = self_attribute(node, &receiver, source)?;
    let earlier = first_self_assignment(init, &receiver, name, source)?;
    if earlier.id() != node.id() || declared_in_class_body(class, name, source) {
        return None;
    }
    Some(Definition::symbol(name, SymbolKind::Field))
}

/// `x` when `node` assigns `receiver.x`.
fn self_attribute<'s>(node: Node, receiver: &str, source: &'s str) -> Option<&'s str> {
    let left = node.child_by_field_name("left").filter(|left| left.kind() == "attribute")?;
    let object = left.child_by_field_name("object").filter(|o| o.kind() == "identifier")?;
    if node_text(object, source) != receiver {
        return None;
    }
    Some(node_text(left.child_by_field_name("attribute")?, source))
}

/// The first assignment to `receiver.name` in `init`'s own body, in source
/// order, skipping nested functions and classes.
fn first_self_assignment<'t>(init: Node<'t>, receiver: &str, name: &str, source: &str) -> Option<Node<'t>> {
    // Children are pushed last-first, so the stack pops in source order.
    let mut pending = vec![init.child_by_field_name("body")?];
    while let Some(current) = pending.pop() {
        if current.kind() == "assignment"
            && statement_owner(current).is_some()
            && self_attribute(current, receiver, source) == Some(name)
        {
            return Some(current);
        }
        if !matches!(current.kind(), "function_definition" | "class_definition" | "lambda") {
            pending.extend(named_children(current).into_iter().rev());
        }
    }
    None
}

fn declared_in_class_body(class: Node, name: &str, source: &str) -> bool {
    let Some(body) = class.child_by_field_name("body") else {
        return false;
    };
    named_children(body)
        .into_iter()
        .filter(|statement| statement.kind() == "expression_statement")
        .flat_map(named_children)
        .filter(|inner| inner.kind() == "assignment")
        .filter_map(|assignment| assignment.child_by_field_name("left"))
        .any(|left| left.kind() == "identifier" && node_text(left, source) == name)
}

#[cfg(test)]
mod tests {
    use crate::code::index_file;

    const SOURCE: &str = r#""""Retry client."""
import time

MAX_RETRIES = 5
_cache = {}
logger: "Logger"
type Seconds = float

class Client:
    """A client."""
    timeout: float = 3.0
    name: str

    def __init__(self, host, port: int = 80, *args, **kwargs):
        self.host = host
        self.name = "client"
        if port:
            self.host = "x"
            self._port = port
        def nested():
            self.hidden = 1

    @property
    def address(self):
        def helper():
            return 1
        return self.host

    @classmethod
    def create(cls, host: str, *, retries=3):
        return cls(host)

class Color(Enum):
    RED = 1

def connect(url, timeout=None):
    local = 1
    class Local:
        def __init__(self):
            self.x = 1
    return Client(url)

async def fetch(session, /, url: str, *rest: int, **extra: str): ...
"#;

    #[test]
    fn qualifies_methods_fields_and_constants() {
        let file = index_file("src/net/client.py", SOURCE.to_string());
        let names: Vec<_> = file.symbols.iter().map(|s| (s.display.as_str(), s.kind.as_str())).collect();
        assert_eq!(
            names,
            [
                ("MAX_RETRIES", "constant"),
                ("_cache", "constant"),
                ("logger", "constant"),
                ("Seconds", "type"),
                ("Client", "type"),
                ("Client.timeout", "field"),
                ("Client.name", "field"),
                ("Client.__init__", "method"),
                ("Client.host", "field"),
                ("Client._port", "field"),
                ("Client.address", "method"),
                ("Client.create", "method"),
                ("Color", "type"),
                ("Color.RED", "field"),
                ("connect", "function"),
                ("fetch", "function"),
            ]
        );
        assert_eq!(file.module, ["src", "net", "client"]);
        assert!(file.parse_problem.is_none());
        let symbol = |display: &str| file.symbols.iter().find(|s| s.display == display).unwrap();
        assert_eq!(symbol("Client.__init__").params, ["host", "port", "args", "kwargs"]);
        assert_eq!(symbol("Client.create").params, ["host", "retries"]);
        assert_eq!(symbol("fetch").params, ["session", "url", "rest", "extra"]);
        assert_eq!(symbol("connect").params, ["url", "timeout"]);
        assert_eq!(symbol("MAX_RETRIES").value.as_deref(), Some("5"));
        assert_eq!(symbol("logger").value, None);
        assert_eq!(symbol("Client.host").line, 15, "first assignment wins");
        assert!(symbol("Client").public && symbol("MAX_RETRIES").public);
        assert!(!symbol("_cache").public && !symbol("Client._port").public);
    }

    #[test]
    fn package_init_is_the_package_module() {
        assert_eq!(index_file("src/pkg/__init__.py", String::new()).module, ["src", "pkg"]);
        assert_eq!(index_file("stubs/api.pyi", String::new()).module, ["stubs", "api"]);
    }

    #[test]
    fn body_hash_sees_indentation_but_not_docstrings_or_quotes() {
        let hash = |source: &str| index_file("m.py", source.to_string()).symbols[0].body_hash.clone();
        let base = hash("def guard(x):\n    if x:\n        check()\n    commit('a')\n");
        let moved = hash("def guard(x):\n    if x:\n        check()\n        commit('a')\n");
        assert_ne!(base, moved, "moving a line into the if block changes what the code does");
        let documented =
            hash("def guard(x):\n    \"\"\"Guards.\"\"\"\n    if x:\n        check()\n    commit(\"a\",)\n");
        assert_eq!(base, documented, "a docstring, double quotes and a trailing comma change nothing");
    }
}
