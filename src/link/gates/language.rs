//! Language knowledge for the gates: names every reader knows from a language's runtime or standard library,
//! and names that only illustrate. A spec may mention them without the code
//! using them; they are never drift on their own.

/// Python's builtins and common standard-library types.
#[rustfmt::skip]
const PYTHON: &[&str] = &[
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BlockingIOError",
    "BrokenPipeError", "BufferError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
    "EOFError", "FileExistsError", "FileNotFoundError", "FloatingPointError", "GeneratorExit", "ImportError",
    "IndentationError", "IndexError", "InterruptedError", "IsADirectoryError", "KeyError",
    "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError", "NameError",
    "NotADirectoryError", "NotImplemented", "NotImplementedError", "OSError", "OverflowError",
    "PermissionError", "RecursionError", "ReferenceError", "RuntimeError", "StopIteration",
    "StopAsyncIteration", "SyntaxError", "SystemExit", "TabError", "TimeoutError", "TypeError",
    "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError", "ValueError",
    "ZeroDivisionError", "DeprecationWarning", "UserWarning", "RuntimeWarning", "FutureWarning", "__init__",
    "__main__", "__name__", "__dict__", "__slots__", "__all__", "__call__", "__repr__", "__str__", "__eq__",
    "__hash__", "__enter__", "__exit__", "__aenter__", "__aexit__", "__getattr__", "__iter__", "__next__",
    "__len__", "__post_init__", "__file__", "__version__", "PurePath", "PosixPath", "WindowsPath",
    "OrderedDict", "defaultdict", "namedtuple", "TypedDict", "NamedTuple", "ThreadPoolExecutor",
    "ProcessPoolExecutor", "SimpleNamespace", "StringIO", "BytesIO", "ContextVar",
];

/// JavaScript, TypeScript and web-platform globals.
#[rustfmt::skip]
const JAVASCRIPT: &[&str] = &[
    "AbortController", "AbortSignal", "ArrayBuffer", "AsyncIterator", "BigInt", "DataView", "EventEmitter",
    "EventTarget", "FormData", "HTMLElement", "HTMLForm", "HTMLFormElement", "NaN", "ReadableStream",
    "RangeError", "SharedArrayBuffer", "SyntaxError", "TextDecoder", "TextEncoder", "TypedArray",
    "URLSearchParams", "WeakMap", "WeakRef", "WeakSet", "WebSocket", "WritableStream", "XMLHttpRequest",
    "globalThis", "localStorage", "sessionStorage", "setTimeout", "setInterval", "clearTimeout",
    "clearInterval", "requestAnimationFrame", "structuredClone", "queueMicrotask", "encodeURIComponent",
    "decodeURIComponent", "addEventListener", "removeEventListener", "preventDefault", "stopPropagation",
    "querySelector", "querySelectorAll", "getElementById", "innerHTML", "textContent", "toString", "valueOf",
    "toJSON", "hasOwnProperty", "isPrototypeOf", "ReturnType", "Partial", "Readonly", "Record", "NonNullable",
    "Awaited", "InstanceType", "indexedDB", "AbortError", "Uint8Array", "Float32Array", "Float64Array",
    "Int32Array", "Uint32Array", "BigInt64Array", "MutationObserver", "IntersectionObserver", "ResizeObserver",
    "CustomEvent", "postMessage", "getComputedStyle", "innerText", "outerHTML", "classList", "appendChild",
    "createElement", "FileReader", "toFixed", "toLowerCase", "toUpperCase", "forEach", "findIndex", "indexOf",
    "startsWith", "endsWith", "padStart", "padEnd", "lastIndexOf", "flatMap", "fromEntries", "getOwnPropertyNames",
    "defineProperty", "useState", "useEffect", "useMemo", "useCallback", "useRef", "useContext", "useReducer",
    "useLayoutEffect", "ReadonlyArray", "PropertyKey", "NodeJS", "ErrorEvent", "MessageChannel", "ServiceWorker",
    // DOM event handler props and attributes.
    "onClick", "onDoubleClick", "onMouseDown", "onMouseUp", "onMouseMove", "onMouseEnter", "onMouseLeave",
    "onMouseOver", "onMouseOut", "onPointerDown", "onPointerUp", "onPointerMove", "onPointerEnter",
    "onPointerLeave", "onTouchStart", "onTouchEnd", "onTouchMove", "onTouchCancel", "onKeyDown", "onKeyUp",
    "onKeyPress", "onFocus", "onBlur", "onChange", "onInput", "onSubmit", "onScroll", "onWheel", "onDrag",
    "onDragStart", "onDragEnd", "onDragOver", "onDrop", "onContextMenu", "onLoad", "onResize",
];

/// java.lang, java.util and java.time names.
#[rustfmt::skip]
const JAVA: &[&str] = &[
    "IllegalArgumentException", "IllegalStateException", "NullPointerException", "IndexOutOfBoundsException",
    "UnsupportedOperationException", "ClassCastException", "RuntimeException", "IOException",
    "InterruptedException", "ClassNotFoundException", "NoSuchElementException",
    "ConcurrentModificationException", "NumberFormatException", "OutOfMemoryError", "StackOverflowError",
    "StringBuilder", "hashCode", "getClass", "serialVersionUID", "LocalDate", "LocalDateTime",
    "ZonedDateTime", "OffsetDateTime", "DateTime", "ConcurrentHashMap", "CopyOnWriteArrayList",
    "LinkedHashMap", "TreeMap", "ArrayList", "LinkedList", "Override", "Deprecated", "SuppressWarnings",
    "FunctionalInterface", "SafeVarargs",
];

/// Rust's prelude traits, attributes and manifest keys.
#[rustfmt::skip]
const RUST: &[&str] = &[
    "PartialEq", "PartialOrd", "Deserialize", "Serialize", "IntoIterator", "FromStr", "AsRef", "AsMut",
    "TryFrom", "TryInto", "ToString", "ToOwned", "DerefMut", "PhantomData", "MaybeUninit", "RefCell",
    "OnceCell", "OnceLock", "LazyLock", "RwLock", "JoinHandle", "default_features", "no_std", "cfg_attr",
    "proc_macro", "panic_immediate_abort", "unsafe_code", "dead_code", "unused_imports", "doc_cfg",
];

/// Environment variables that runtimes and shells read, whatever the language.
#[rustfmt::skip]
const ANY: &[&str] = &[
    "GOPATH", "GOROOT", "GOOS", "GOARCH", "RUST_LOG", "RUST_BACKTRACE", "CARGO_HOME", "RUSTFLAGS", "NO_COLOR",
    "FORCE_COLOR", "CLICOLOR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "XDG_CONFIG_HOME",
    "XDG_DATA_HOME", "XDG_CACHE_HOME", "LD_LIBRARY_PATH", "PYTHONPATH", "NODE_ENV", "NODE_OPTIONS",
    "JAVA_HOME", "CI", "GITHUB_TOKEN", "GITHUB_ACTIONS", "x86_64", "aarch64", "arm64", "amd64", "i686", "wasm32",
    "riscv64", "snake_case", "camelCase", "PascalCase", "kebab_case", "SCREAMING_SNAKE_CASE", "lowerCamelCase",
    "UpperCamelCase", "TitleCase", "UTF_8", "ISO_8601", "RFC_3339", "JavaScript", "TypeScript", "GitHub", "GitLab",
    "YouTube", "LinkedIn", "PostgreSQL", "MySQL", "MongoDB", "SQLite", "NodeJS", "macOS", "iOS", "iPadOS", "WebAssembly",
    "OAuth", "OpenAPI", "GraphQL", "WebSocket", "WebSockets", "DevTools", "VSCode", "IntelliJ", "PyPI", "PyCharm",
];

/// Runtime and standard-library names by language, as the repository's
/// languages are named (`typescript` shares JavaScript's).
const WELL_KNOWN: [(&str, &[&str], &[&str]); 4] = [
    ("Python", &["python"], PYTHON),
    ("JavaScript", &["javascript", "typescript"], JAVASCRIPT),
    ("Java", &["java"], JAVA),
    ("Rust", &["rust"], RUST),
];

/// A language's names match as the language writes them: `arraybuffer()`
/// is not `ArrayBuffer`.
fn listed(list: &[&str], name: &str) -> bool {
    list.contains(&name)
}

/// Names every reader knows match in any letter case: `Github`, `NODE_env`.
fn listed_any_case(list: &[&str], name: &str) -> bool {
    list.iter().any(|known| known.eq_ignore_ascii_case(name))
}

/// The reason `name` is a runtime or standard-library name of a language
/// the repository is written in, or a name every reader knows.
fn well_known_here(name: &str, languages: &[&str]) -> Option<String> {
    if listed_any_case(ANY, name) {
        return Some(format!("`{name}` is a well-known name, not this repository's"));
    }
    let (language, _, _) = WELL_KNOWN
        .iter()
        .find(|(_, owners, list)| owners.iter().any(|l| languages.contains(l)) && listed(list, name))?;
    Some(format!("`{name}` is a name from {language}'s runtime or standard library"))
}

/// The reason a reference names another language's runtime: `TimeoutError`
/// is Python's, but may be a TypeScript library's own class, so this is
/// only a doubt.
pub fn other_language_name(segments: &[String], languages: &[&str]) -> Option<String> {
    let name = segments.last()?;
    let (language, _, _) = WELL_KNOWN
        .iter()
        .find(|(_, owners, list)| !owners.iter().any(|l| languages.contains(l)) && listed(list, name))?;
    Some(format!("`{name}` is a name from {language}'s runtime or standard library"))
}

/// Words that mark a name as an illustration wherever they stand:
/// `FooService`, `doFoo`, `wasm_your_proposal`, `getXXX`.
const PLACEHOLDER_WORDS: &[&str] = &["your", "foo", "bar", "baz", "qux", "quux", "xxx", "yyy", "placeholder"];

/// Words that mark one when they open it: `MyBaseClass`, `sample_field_name`.
const PLACEHOLDER_OPENINGS: &[&str] = &["my", "some", "sample", "example", "dummy", "fake"];

/// What `my` glues onto in `mypkg`, `mycrate`, `myapp`.
const MY_NOUNS: &[&str] = &[
    "pkg",
    "package",
    "crate",
    "app",
    "module",
    "mod",
    "lib",
    "project",
    "service",
    "class",
    "func",
    "function",
    "type",
    "component",
    "plugin",
    "repo",
    "server",
    "client",
    "api",
    "org",
    "company",
    "model",
    "table",
    "db",
];

pub fn is_placeholder(name: &str) -> bool {
    let words = crate::text::name_words(name);
    let lower = name.to_ascii_lowercase();
    lower.strip_prefix("my").is_some_and(|rest| MY_NOUNS.contains(&rest))
        || name.contains("XXX")
        || words.first().is_some_and(|w| PLACEHOLDER_OPENINGS.contains(&w.as_str()))
        || words.iter().any(|w| PLACEHOLDER_WORDS.contains(&w.as_str()))
        // `ClassB`, `package_a`: one of several made-up names.
        || words.len() >= 2 && words.last().is_some_and(|w| matches!(w.as_str(), "a" | "b" | "c" | "d"))
        // `wasm_the_proposal`: an article inside a name stands for any one.
        || words.len() >= 3 && words[1..words.len() - 1].iter().any(|w| w == "the")
}

/// Naming conventions, written without separators in lower case.
const STYLE_NAMES: &[&str] = &[
    "camelcase",
    "lowercamelcase",
    "uppercamelcase",
    "pascalcase",
    "snakecase",
    "screamingsnakecase",
    "uppersnakecase",
    "lowersnakecase",
    "kebabcase",
    "screamingkebabcase",
    "traincase",
    "titlecase",
    "constantcase",
    "dromedarycase",
    "flatcase",
    "uppercase",
    "lowercase",
];

/// `lowerCamelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`: the name of a
/// naming convention, written in that convention.
pub fn is_style_name(name: &str) -> bool {
    let plain: String = name.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect();
    STYLE_NAMES.contains(&plain.as_str())
}

/// A SCREAMING_CASE name in a clause about environment variables is read by
/// whatever runs the program as often as by the program itself.
pub fn is_environment_clause(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["environment variable", "env var", "environment"].iter().any(|p| lower.contains(p))
}

pub fn is_screaming(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') && name.contains('_')
}

/// Leading segments that name a language's standard library or runtime:
/// `std::fs::read`, `os.path.join`, `Object.keys`, `fmt.Println`, `java.util.List`.
#[rustfmt::skip]
const STANDARD_ROOTS: &[(&str, &[&str])] = &[
    ("rust", &["std", "core", "alloc", "Vec", "String", "Option", "Result", "Box", "Rc", "Arc", "HashMap", "HashSet",
        "BTreeMap", "BTreeSet", "Iterator", "str", "u8", "u16", "u32", "u64", "usize", "i32", "i64", "f32", "f64"]),
    ("python", &["os", "sys", "re", "json", "io", "abc", "ast", "time", "datetime", "typing", "collections",
        "functools", "itertools", "pathlib", "asyncio", "logging", "subprocess", "threading", "multiprocessing",
        "unittest", "dataclasses", "enum", "contextlib", "inspect", "importlib", "shutil", "tempfile", "socket",
        "http", "urllib", "email", "string", "math", "random", "uuid", "hashlib", "base64", "copy", "pickle",
        "warnings", "traceback", "argparse", "sqlite3", "csv", "struct", "signal", "weakref", "types", "operator",
        "builtins", "dict", "list", "str", "set", "tuple", "object", "int", "float", "bytes"]),
    ("javascript", &["Object", "Array", "Promise", "JSON", "Math", "console", "process", "window", "document",
        "navigator", "Reflect", "Number", "String", "Date", "Symbol", "Intl", "Buffer", "Map", "Set", "Error",
        "RegExp", "Function", "Boolean", "fs", "path", "http", "https", "crypto", "os", "util", "events", "stream",
        "url", "child_process", "module", "require", "globalThis", "self", "location", "history", "performance",
        "NodeJS", "WeakMap", "WeakSet", "Proxy", "ArrayBuffer", "Uint8Array", "URLSearchParams", "AbortController",
        "AbortSignal"]),
    ("go", &["fmt", "os", "io", "ioutil", "bufio", "bytes", "strings", "strconv", "errors", "context", "time", "sync",
        "atomic", "http", "net", "url", "json", "xml", "filepath", "path", "sort", "slices", "maps", "reflect", "runtime",
        "log", "slog", "math", "rand", "regexp", "testing", "exec", "signal", "unicode", "utf8", "template", "sql",
        "flag", "embed", "fs"]),
    ("java", &["java", "javax", "jakarta", "System", "String", "Math", "Collections", "Arrays", "Objects", "Optional",
        "List", "Map", "Set", "Integer", "Long", "Double", "Boolean", "Character", "Thread", "Executors", "Stream",
        "Collectors", "Files", "Paths", "Path", "Class", "Object", "Locale", "UUID", "Instant", "Duration", "Matcher",
        "Pattern", "Scanner", "ZoneId", "ZoneOffset", "LocalDate", "LocalDateTime", "LocalTime", "ZonedDateTime",
        "OffsetDateTime", "DateTimeFormatter", "Calendar", "Date", "TimeZone", "TimeUnit", "Clock", "Period",
        "StringBuilder", "StringBuffer", "Iterable", "Iterator", "Comparator", "Comparable", "Runnable", "Callable",
        "Future", "CompletableFuture", "ExecutorService", "Random", "BigDecimal", "BigInteger", "Byte", "Short",
        "Float", "Number", "Throwable", "Exception", "Runtime", "ClassLoader", "Collection", "Queue", "Deque",
        "HashMap", "HashSet", "TreeMap", "TreeSet", "ArrayList", "LinkedList", "Properties", "Base64", "URI",
        "InputStream", "OutputStream", "Charset", "StandardCharsets", "ThreadLocal", "AtomicInteger", "AtomicLong",
        "AtomicBoolean", "AtomicReference", "CountDownLatch", "IntStream", "LongStream"]),
];

/// Types built into a language: no repository defines them, so a name
/// qualified with one (`u8::from_str`, `dict.get`) is never ours.
#[rustfmt::skip]
const PRIMITIVES: &[(&str, &[&str])] = &[
    ("rust", &["u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
        "bool", "char", "str"]),
    ("python", &["dict", "list", "str", "set", "frozenset", "tuple", "object", "int", "float", "bytes", "bytearray",
        "bool"]),
];

/// Whether `name` is a type built into one of `languages`.
pub fn is_primitive(name: &str, languages: &[&str]) -> bool {
    PRIMITIVES.iter().any(|(language, names)| languages.contains(language) && names.contains(&name))
}

/// Whether `name` roots the standard library or runtime of one of
/// `languages` as a qualifier: `java` in `java.lang.Error`, `std`, `os`.
pub fn is_standard_root(name: &str, languages: &[&str]) -> bool {
    STANDARD_ROOTS.iter().any(|(language, roots)| speaks(languages, language) && roots.contains(&name))
}

/// TypeScript speaks JavaScript's runtime too.
fn speaks(languages: &[&str], language: &str) -> bool {
    languages.iter().any(|l| *l == language || language == "javascript" && *l == "typescript")
}

/// The reason a reference names the standard library or runtime of one of
/// `languages`, if it does.
pub fn standard_name(segments: &[String], languages: &[&str]) -> Option<String> {
    let name = segments.last()?;
    if let Some(reason) = well_known_here(name, languages) {
        return Some(reason);
    }
    let first = segments.first().filter(|_| segments.len() > 1)?;
    let language = STANDARD_ROOTS
        .iter()
        .find(|(language, roots)| speaks(languages, language) && roots.contains(&first.as_str()))?;
    Some(format!("`{first}` is part of {}'s standard library or runtime", language.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_roots_of_the_languages_spoken() {
        let segments = |path: &str| path.split('.').map(str::to_string).collect::<Vec<_>>();
        let cases = [
            ("NodeJS.Process", &["typescript"][..], true),
            ("Object.keys", &["javascript"][..], true),
            ("NodeJS.Process", &["python"][..], false),
            ("os.path", &["python"][..], true),
            ("Client.send", &["typescript"][..], false),
        ];
        for (path, languages, standard) in cases {
            assert_eq!(standard_name(&segments(path), languages).is_some(), standard, "{path} in {languages:?}");
        }
    }
}
