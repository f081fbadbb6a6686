//! Names every reader knows from a language's runtime or standard library,
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
    "Awaited", "InstanceType",
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
    "LinkedHashMap", "TreeMap", "ArrayList", "LinkedList",
];

/// Environment variables that runtimes and shells read, whatever the language.
#[rustfmt::skip]
const ANY: &[&str] = &[
    "GOPATH", "GOROOT", "GOOS", "GOARCH", "RUST_LOG", "RUST_BACKTRACE", "CARGO_HOME", "RUSTFLAGS", "NO_COLOR",
    "FORCE_COLOR", "CLICOLOR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "XDG_CONFIG_HOME",
    "XDG_DATA_HOME", "XDG_CACHE_HOME", "LD_LIBRARY_PATH", "PYTHONPATH", "NODE_ENV", "NODE_OPTIONS",
    "JAVA_HOME", "CI", "GITHUB_TOKEN", "GITHUB_ACTIONS",
];

/// Whether `name` is a runtime or standard-library name of one of the
/// languages the repository is written in (`TimeoutError` is Python's, but
/// a TypeScript library's own class).
pub fn is_well_known(name: &str, languages: &[&str]) -> bool {
    let lists: [(&[&str], &[&str]); 3] =
        [(&["python"], PYTHON), (&["typescript", "javascript"], JAVASCRIPT), (&["java"], JAVA)];
    let in_language =
        lists.iter().any(|(owners, list)| owners.iter().any(|l| languages.contains(l)) && list.contains(&name));
    in_language || ANY.iter().any(|known| known.eq_ignore_ascii_case(name))
}

/// Words that mark a name as an illustration: `MyBaseClass`, `getXXX`,
/// `sample_field_name_in_java`, `FooService`.
const PLACEHOLDER_WORDS: &[&str] = &["my", "your", "sample", "example", "foo", "bar", "baz", "qux", "xxx", "some"];

pub fn is_placeholder(name: &str) -> bool {
    let words = crate::text::name_words(name);
    name.contains("XXX")
        || words.first().is_some_and(|w| PLACEHOLDER_WORDS.contains(&w.as_str()))
        || words.iter().any(|w| w == "xxx")
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
