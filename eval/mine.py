#!/usr/bin/env python3
"""Mine real documentation-drift cases from a repository's git history.

A case is a markdown doc line at commit P that names code (a backticked
identifier-shaped span, or a relative / root-relative link to a repository
file) which the code at P no longer defines (or the file no longer exists),
and which a later commit F drops from that doc line.  For symbols the name must
have had a real definition at an earlier commit; for paths the path must have
existed at an earlier commit.

Usage:
    python3 eval/mine.py --git-dir DIR --repo owner/name --language L \
        [--max-commits N] [--split tune|holdout] [--diag]

Prints TSV rows (no header unless --header):
    repo split language commit doc line reference kind fixed_in
With --diag, three more columns: key (the identifier that no longer resolves,
or the resolved path), token_at_P (1 if the key still occurs as a word in code
at P), evidence (commit at which the definition / path was seen).

Standard library only; needs the git CLI (with PCRE support for git grep -P).
"""
import argparse
import os
import posixpath
import re
import subprocess
import sys
import urllib.parse

CODE_EXTS = ["rs", "py", "pyi", "go", "ts", "tsx", "mts", "cts", "js", "jsx",
             "mjs", "cjs", "java", "kt"]
CODE_PATHSPECS = ["*.%s" % e for e in CODE_EXTS] + [
    ":(exclude)**/node_modules/**", ":(exclude)**/*.min.js"]
# Evidence that a name "was defined" must come from non-test code.
DEF_PATHSPECS = CODE_PATHSPECS + [
    ":(exclude)**/test/**", ":(exclude)**/tests/**", ":(exclude)**/__tests__/**",
    ":(exclude)**/testdata/**", ":(exclude)**/*_test.go",
    ":(exclude)**/*.test.*", ":(exclude)**/*.spec.*", ":(exclude)**/test_*.py",
    ":(exclude)**/*_tests.rs", ":(exclude)test/**", ":(exclude)tests/**",
    ":(exclude)**/*Test.java", ":(exclude)**/*Tests.java"]

# Docs that legitimately talk about code that is gone.
SKIP_DOC_RE = re.compile(
    r"(^|/)(\.changeset|changelog|changes|history|news|release[^/]*|upgrad[^/]*|migrat[^/]*|"
    r"breaking[^/]*|blog|versioned_docs|versioned_sidebars|node_modules|vendor|"
    r"third_party|\.github|authors|contributors|code_of_conduct|security)"
    r"([-_./]|$)|(^|/)v\d+(\.[\dx]+)*/", re.I)

FILE_EXTS = set("""md mdx rs py pyi go ts tsx js jsx mjs cjs json toml yaml yml
txt html htm css scss java kt xml gradle sh bash zsh fish ps1 bat cmd lock cfg
ini conf png jpg jpeg gif svg ico pdf csv tsv sql rst proto c h cpp hpp cc
env log zip gz tar tgz wasm properties pom mod sum vue svelte jar class exe
dll so dylib out in tmpl tpl gitignore npmignore editorconfig d""".split())
TLDS = {"com", "org", "net", "io", "dev", "rs", "sh", "co", "app", "info"}
# Segments never used as the key that "no longer resolves".
STOP_SEGMENTS = set("""self this super crate std core alloc os sys re json
window document console module exports require prototype constructor new init
default get set run call apply bind from into to as is of in on and or not
true false null none None undefined nil err error ok Ok Err Some String str
Self cls args kwargs opts options config value values key keys data result
main app req res ctx next test tests example examples e i j k n x y""".split())
LITERALS = {"true", "false", "null", "None", "nil", "undefined", "NaN", "True",
            "False"}

IDENT = r"[A-Za-z_$][A-Za-z0-9_$]*"
SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
LINK_RE = re.compile(r"\]\(\s*(<[^>]+>|[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)"
                     r"(?:\s+\"[^\"]*\"|\s+'[^']*')?\s*\)")
REFDEF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]+>|\S+)")
QUAL_RE = re.compile(r"^(%s)((?:(?:::|\.)%s)*)(\(.*\))?$" % (IDENT, IDENT))
FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def git(gd, *args, check=False, timeout=None, text=True):
    p = subprocess.run(["git", "--git-dir", gd] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("git %s failed" % " ".join(args[:3]))
    out = p.stdout
    return (out.decode("utf-8", "replace") if text else out), p.returncode


# ---------------------------------------------------------------- shapes

def symbol_shape(span):
    """Return list of identifier segments if span looks like a code symbol."""
    s = span.strip()
    if not s or s != span or len(s) > 80:
        return None
    if s in LITERALS or s.startswith(("-", "@", "$", "#")):
        return None
    m = QUAL_RE.match(s)
    if not m:
        return None
    head, rest, call = m.group(1), m.group(2), m.group(3)
    if call is not None and "`" in call:
        return None
    segs = [head] + [x for x in re.split(r"::|\.", rest) if x]
    qualified = len(segs) > 1
    if qualified:
        sep_dot = "." in rest and "::" not in rest
        last = segs[-1].lower()
        if sep_dot and call is None:
            if last in FILE_EXTS or last in TLDS:
                return None
            if all(x.isdigit() for x in segs):
                return None
        if segs[0].lower() in ("e", "i", "eg", "ie", "etc", "vs"):
            return None
        return segs
    name = head
    if call is not None:
        return segs if len(name) >= 2 else None
    if name.startswith("__") and name.endswith("__"):
        return None
    if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", name):  # snake_case
        return segs
    if re.fullmatch(r"_?[a-z][a-z0-9]*(_[a-z0-9]+)+", name):
        return segs
    if re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+", name):  # SCREAMING_CASE
        return segs
    if re.fullmatch(r"[a-z]+[0-9]*([A-Z][a-z0-9]*)+", name):  # camelCase
        return segs
    if re.fullmatch(r"[A-Z][a-z0-9]+([A-Z][a-z0-9]*)+", name):  # PascalCase x2
        return segs
    return None


def key_segments(segs):
    out = []
    for s in segs:
        if s in STOP_SEGMENTS or len(s) < 3 or s.startswith("$"):
            continue
        out.append(s)
    return out


def link_dest(raw):
    d = raw.strip()
    if d.startswith("<") and d.endswith(">"):
        d = d[1:-1]
    return d


def resolve_link(doc, dest):
    """Resolve a link destination to a repo path, or None if not a repo link."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", dest) or dest.startswith(("#", "//")):
        return None
    if "{" in dest or "}" in dest or "$" in dest:
        return None
    p = dest.split("#", 1)[0].split("?", 1)[0]
    if not p:
        return None
    p = urllib.parse.unquote(p)
    if p.startswith("/"):
        path = p.lstrip("/")
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(doc), p))
    path = path.rstrip("/")
    if not path or path == "." or path.startswith(".."):
        return None
    return path


# ---------------------------------------------------------------- definitions

def def_patterns(name, strict):
    n = re.escape(name)
    pats = [
        # rust / go / python / ts / js / java keyword definitions
        r"\b(?:fn|struct|enum|trait|type|union|mod|const|static|def|class|"
        r"func|interface|function|record|macro_rules!|let|var|val|namespace|package)"
        r"\s+%s\b" % n,
        r"\bfunc\s*\([^)]*\)\s*%s\s*[\[(]" % n,              # go method
        r"\bfunction\s*\*?\s*%s\s*\(" % n,                      # js generator
        r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?"
        r"(?:const\s+)?(?:extern\s+\"C\"\s+)?fn\s+%s\b" % n,
        r"^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?:declare\s+)?"
        r"(?:async\s+)?(?:class|interface|type|enum|function|const|let|var)"
        r"\s+%s\b" % n,
        # js/ts class methods, object-literal methods
        r"^\s*(?:(?:public|private|protected|static|readonly|abstract|"
        r"override|async|get|set|declare)\s+)*\*?%s\s*(?:<[^>]*>)?\s*\([^)]*\)"
        r"\s*(?::\s*[^{=;]+)?\{" % n,
        r"^\s*(?:(?:public|private|protected|static|readonly|abstract|"
        r"override|async|declare)\s+)*%s\s*(?:<[^>]*>)?\s*\([^;{]*\)\s*:\s*"
        r"[^;{]+;" % n,                                         # ts overloads
        r"(?:\bexports|module\.exports|\.prototype|\bthis|\bself)\.%s\s*="
        r"(?!=)" % n,
        r"\b%s\s*:\s*(?:async\s+)?function\b" % n,
        r"\bdefine(?:Getter|Property)?\s*\(\s*[^,]*,?\s*['\"]%s['\"]" % n,
        # java methods / fields
        r"^\s*(?:(?:public|private|protected|static|final|abstract|"
        r"synchronized|native|default|transient|volatile)\s+)*(?:<[^>]*>\s*)?"
        r"(?!return\b|new\b|throw\b|else\b|await\b|yield\b)"
        r"[A-Za-z_][\w.]*(?:<[^;()]*>)?(?:\[\])*\s+%s\s*\(" % n,
        # python / rust / go module-level assignment
        r"^%s\s*(?::[^=]+)?=(?!=)" % n,
    ]
    if not strict:
        pats += [
            r"^\s+%s\s*(?::[^=]+)?=(?!=)" % n,        # class attr / const block
            r"^\s+(?:pub(?:\([^)]*\))?\s+)?%s\s*:" % n,   # field / prop
            r"^\s+(?:readonly\s+)?['\"]?%s['\"]?\??\s*:" % n,
            r"^\s+%s\s*(?:,|\(|\{|$)" % n,           # rust enum variant
            r"^\s+%s\s+[\[\]*A-Za-z_.]+" % n,        # go struct field
            r"\bexport\s*\{[^}]*\b%s\b" % n,
            r"\bas\s+%s\b" % n,
            r"\buse\s+[^;]*\b%s\b" % n,               # rust re-export
            r"\bimport\s+[^;]*\b%s\b" % n,
            r"\b%s\s*=\s*(?:re\.)?\w+" % n,
            r"['\"]%s['\"]\s*:" % n,
        ]
    return pats


_def_cache = {}


def def_regex(name, strict):
    k = (name, strict)
    if k not in _def_cache:
        _def_cache[k] = re.compile("|".join("(?:%s)" % p for p in
                                            def_patterns(name, strict)))
    return _def_cache[k]


def grep_lines(gd, commit, names, pathspecs=CODE_PATHSPECS):
    """Lines of code files at commit containing any of names as a word."""
    if not names:
        return []
    alt = "|".join(re.escape(n) for n in sorted(names))
    pat = r"(?<![A-Za-z0-9_$])(?:%s)(?![A-Za-z0-9_$])" % alt
    try:
        out, _ = git(gd, "grep", "-h", "-I", "-P", "-e", pat, commit, "--",
                     *pathspecs, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    return out.splitlines()


def name_status(lines, name, strict):
    """(token_present, defined) for name over grep output lines."""
    tok = re.compile(r"(?<![A-Za-z0-9_$])%s(?![A-Za-z0-9_$])" % re.escape(name))
    rx = def_regex(name, strict)
    present = defined = False
    for ln in lines:
        if tok.search(ln):
            present = True
            if rx.search(ln):
                defined = True
                break
    return present, defined


# ---------------------------------------------------------------- diff walk

HUNK_RE = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def iter_hunks(gd, max_commits):
    cmd = ["git", "--git-dir", gd, "log", "-p", "-U0", "--no-color",
           "--no-merges", "--no-renames", "--diff-filter=M", "--no-ext-diff",
           "--format=@@@COMMIT %H %P", "-n", str(max_commits), "HEAD", "--",
           "*.md", "*.mdx", "*.markdown"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    commit = parent = doc = None
    hunk = None

    def flush():
        if hunk and hunk["old"]:
            return dict(commit=commit, parent=parent, doc=doc, **hunk)
        return None

    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if line.startswith("@@@COMMIT "):
            h = flush()
            if h:
                yield h
            hunk = None
            parts = line.split()
            commit = parts[1]
            parent = parts[2] if len(parts) > 2 else None
            doc = None
            continue
        if line.startswith("diff --git "):
            h = flush()
            if h:
                yield h
            hunk = None
            doc = None
            continue
        if line.startswith("--- "):
            continue
        if line.startswith("+++ "):
            p = line[4:]
            doc = p[2:] if p.startswith("b/") else None
            continue
        m = HUNK_RE.match(line)
        if m:
            h = flush()
            if h:
                yield h
            hunk = dict(old_start=int(m.group(1)), old=[], new=[])
            continue
        if hunk is None or doc is None:
            continue
        if line.startswith("-"):
            hunk["old"].append(line[1:])
        elif line.startswith("+"):
            hunk["new"].append(line[1:])
    h = flush()
    if h:
        yield h
    proc.wait()


def fence_mask(text):
    """Per line (0-based): True if the line is inside / is a fenced block."""
    mask = []
    fence = None
    for ln in text.split("\n"):
        m = FENCE_RE.match(ln)
        if fence is None:
            if m:
                fence = m.group(1)[0] * len(m.group(1))
                mask.append(True)
            else:
                mask.append(False)
        else:
            mask.append(True)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and ln.strip().strip(fence[0]) == "":
                fence = None
    return mask


HIST_HEADING_RE = re.compile(
    r"breaking|deprecat|changelog|change log|what'?s new|release|migrat|"
    r"upgrad|history|changes in|new in|removed|legacy|old api|\bv?\d+\.\d+",
    re.I)
HIST_LINE_RE = re.compile(
    r"deprecat|\bremoved\b|\brenamed\b|replaced (?:by|with)|no longer|"
    r"formerly|previously|in favou?r of|instead of|->|=>|\u2192|\bwas\b.*\bnow\b",
    re.I)


def section_mask(text, fmask):
    """Per line: True if the line sits under a heading about history."""
    out = []
    stack = []  # (level, is_hist)
    for i, ln in enumerate(text.split("\n")):
        m = re.match(r"^(#{1,6})\s+(.*)", ln)
        if m and not fmask[i]:
            lvl = len(m.group(1))
            while stack and stack[-1][0] >= lvl:
                stack.pop()
            stack.append((lvl, bool(HIST_HEADING_RE.search(m.group(2)))))
        out.append(any(h for _, h in stack))
    return out


def extract_refs(line):
    """Yield (kind, reference, segments_or_None) from one markdown line."""
    seen = set()
    # Spans that are the text of a link to somewhere outside the repository
    # name that other thing (e.g. [`Regex`](https://docs.rs/regex)): skip them,
    # and skip the label of a reference definition ([`X`]: https://...).
    masked = []
    for m in re.finditer(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)", line):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", m.group(2)):
            masked.append((m.start(1), m.end(1)))
    if REFDEF_RE.match(line):
        masked.append((0, line.index("]:")))
    for m in SPAN_RE.finditer(line):
        if any(a <= m.start() < b for a, b in masked):
            continue
        span = m.group(2)
        if m.group(1) != "`":
            span = span.strip()
        segs = symbol_shape(span)
        if segs and span not in seen:
            seen.add(span)
            yield ("symbol", span, segs)
    for rx in (LINK_RE, REFDEF_RE):
        for m in rx.finditer(line):
            dest = link_dest(m.group(1))
            if dest and dest not in seen:
                seen.add(dest)
                yield ("path", dest, None)


class Miner:
    def __init__(self, gd, verbose=False):
        self.gd = gd
        self.verbose = verbose
        self.doc_cache = {}
        self.grep_cache = {}

    def log(self, *a):
        if self.verbose:
            print(*a, file=sys.stderr)

    def doc_at(self, commit, doc):
        k = (commit, doc)
        if k not in self.doc_cache:
            if len(self.doc_cache) > 256:
                self.doc_cache.clear()
            out, rc = git(self.gd, "show", "%s:%s" % (commit, doc))
            self.doc_cache[k] = out if rc == 0 else None
        return self.doc_cache[k]

    def path_exists(self, commit, path):
        _, rc = git(self.gd, "cat-file", "-e", "%s:%s" % (commit, path))
        return rc == 0

    def blame_commit(self, commit, doc, line):
        out, rc = git(self.gd, "blame", "--porcelain", "-L", "%d,%d" % (line, line),
                      commit, "--", doc, timeout=120)
        if rc != 0 or not out:
            return None
        sha = out.split()[0]
        return sha if re.fullmatch(r"[0-9a-f]{40}", sha) else None

    def defined_between(self, name, old, new):
        """An ancestor of new (old is tried first) whose tree defines name."""
        lines = grep_lines(self.gd, old, {name}, DEF_PATHSPECS)
        if lines and name_status(lines, name, True)[1]:
            return old
        try:
            out, _ = git(self.gd, "log", "--format=%H", "-n", "8",
                         "-G", r"\b%s\b" % re.escape(name),
                         new, "--", *DEF_PATHSPECS,
                         timeout=180)
        except subprocess.TimeoutExpired:
            return None
        for sha in out.split():
            # the -G hit may be the removal; check the tree at sha and parent
            for c in (sha, sha + "^"):
                ls = grep_lines(self.gd, c, {name}, DEF_PATHSPECS)
                if ls and name_status(ls, name, True)[1]:
                    return git(self.gd, "rev-parse", c)[0].strip()
        return None

    def mine(self, max_commits):
        seen_keys = set()
        pending = {}  # parent -> list of candidates (processed per hunk group)
        for h in iter_hunks(self.gd, max_commits):
            doc, P, F = h["doc"], h["parent"], h["commit"]
            if not P or SKIP_DOC_RE.search(doc):
                continue
            added = "\n".join(h["new"])
            cands = []
            for i, ln in enumerate(h["old"]):
                for kind, ref, segs in extract_refs(ln):
                    if kind == "path" and ref in added:
                        continue
                    if kind == "symbol" and re.search(
                            r"(?<![A-Za-z0-9_$])%s(?![A-Za-z0-9_$])"
                            % re.escape(ref), added):
                        continue
                    cands.append((h["old_start"] + i, kind, ref, segs))
            if not cands:
                continue
            text = self.doc_at(P, doc)
            if text is None:
                continue
            mask = fence_mask(text)
            smask = section_mask(text, mask)
            plines = text.split("\n")
            for lineno, kind, ref, segs in cands:
                if lineno - 1 >= len(mask) or mask[lineno - 1]:
                    continue
                if smask[lineno - 1] or HIST_LINE_RE.search(plines[lineno - 1]):
                    continue
                dedup = (P, doc, lineno, ref)
                if dedup in seen_keys:
                    continue
                seen_keys.add(dedup)
                if kind == "path":
                    r = self.check_path(P, doc, ref, added)
                else:
                    r = self.check_symbol(P, doc, lineno, ref, segs, added)
                if r:
                    yield (P, doc, lineno, ref, kind, F) + r

    def check_path(self, P, doc, dest, added):
        path = resolve_link(doc, dest)
        if not path:
            return None
        if self.path_exists(P, path):
            return None
        out, _ = git(self.gd, "log", "-1", "--format=%H", P, "--", path)
        sha = out.strip()
        if not sha:
            return None
        # path existed either at sha or at its parent
        ev = sha if self.path_exists(sha, path) else None
        if ev is None:
            prev, _ = git(self.gd, "rev-parse", "-q", "--verify", sha + "^")
            if prev.strip() and self.path_exists(prev.strip(), path):
                ev = prev.strip()
        if ev is None:
            return None
        return (path, "-", ev)

    def check_symbol(self, P, doc, lineno, ref, segs, added):
        keys = key_segments(segs)
        if not keys:
            return None
        addw = set(re.findall(r"[A-Za-z_$][A-Za-z0-9_$]*", added))
        keys = [k for k in keys if k not in addw]
        if not keys:
            return None
        lines = grep_lines(self.gd, P, set(keys))
        if lines is None:
            return None
        # Names that the doc's own code examples declare belong to the example.
        text = self.doc_at(P, doc) or ""
        fenced = [ln for ln, f in zip(text.split("\n"), fence_mask(text)) if f]
        keys = [k for k in keys
                if not any(def_regex(k, True).search(ln) for ln in fenced)]
        if not keys:
            return None
        stale = []
        for k in keys:
            present, defined = name_status(lines, k, False)
            if not defined:
                stale.append((k, present))
        if not stale:
            return None
        B = self.blame_commit(P, doc, lineno)
        if not B:
            return None
        for k, present in stale:
            ev = self.defined_between(k, B, P)
            if ev:
                return (k, "1" if present else "0", ev)
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--git-dir", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--language", required=True)
    ap.add_argument("--split", default="tune")
    ap.add_argument("--max-commits", type=int, default=20000)
    ap.add_argument("--header", action="store_true")
    ap.add_argument("--diag", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    m = Miner(a.git_dir, a.verbose)
    if a.header:
        cols = ["repo", "split", "language", "commit", "doc", "line",
                "reference", "kind", "fixed_in"]
        if a.diag:
            cols += ["key", "token_at_P", "evidence"]
        print("\t".join(cols), flush=True)
    for P, doc, lineno, ref, kind, F, key, tok, ev in m.mine(a.max_commits):
        row = [a.repo, a.split, a.language, P, doc, str(lineno), ref, kind, F]
        if a.diag:
            row += [key, tok, ev]
        print("\t".join(row), flush=True)


if __name__ == "__main__":
    main()
