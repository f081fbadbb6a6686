#!/usr/bin/env python3
"""Evaluate driftcheck against real repositories: recall on mined drift cases
(eval/cases.tsv) and precision on hand-labelled findings (eval/labels.tsv).

    python3 eval/evaluate.py [--driftcheck PATH] [--repos DIR]
        [--split tune|holdout|all] [--only owner/name,...] [--jobs N]
        [--json OUT] [--markdown] [--misses] [--unlabelled]
        [--write-unlabelled FILE] [--cases FILE] [--labels FILE]

For every distinct (repo, commit) named in either file it makes a throw-away
clone of the repository at that commit, with every ref but HEAD deleted and
no reflog (the tool sees only the past), runs

    driftcheck check --offline --format json --fail-on never --min-confidence 0

there (without --min-confidence on builds that predate it), and deletes the
clone again, also on errors and Ctrl-C.

Repositories are looked up at DIR/<owner>+<name> (DIR: --repos, else
$DRIFTCHECK_EVAL_REPOS, else ~/.cache/driftcheck-eval): a bare git dir, a
non-bare clone, or a directory holding exactly one git dir within three
levels (e.g. a mirror's .../owner+name/repo). Missing ones are cloned
(`git clone --bare https://github.com/<repo>.git`).

Recall: a case counts as found when a dangling-symbol or dangling-path
finding sits on spec.path == doc and spec.line == line and its reference
matches the case's (backticks, whitespace and a trailing argument list
stripped; for paths also "./", fragments and queries, and one path may end
with the other at a "/" boundary). "Shown" means severity error or warning.
Cases whose repository or commit is missing are skipped (not counted); cases
whose run failed count as misses and are listed as errors.

Precision: each finding of a labelled (repo, commit) run is matched to a
label by (rule, path, line, reference), on its spec side or its code side.
A label with an empty reference matches any reference at that rule, path and
line. Runs that failed are left out of precision and listed. Labels that no
finding matches any more are "resolved"; "labelled drift still reported" is
(labelled drift matched by a shown finding) / (labelled drift).

--split applies to cases; labels of a repository are kept unless all of the
repository's cases belong to another split.

Python 3 standard library only. Exit status 0 (2 for bad arguments or
unreadable corpus files).
"""

import argparse
import concurrent.futures
import csv
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASE_COLUMNS = ["repo", "split", "language", "commit", "doc", "line",
                "reference", "kind", "fixed_in"]
LABEL_COLUMNS = ["repo", "commit", "rule", "path", "line", "reference",
                 "label", "note"]
LANGUAGES = ["rust", "python", "go", "typescript", "javascript", "java"]
SPLITS = ["tune", "holdout"]
KINDS = ["symbol", "path"]
RECALL_RULES = {"dangling-symbol", "dangling-path"}
SHOWN = {"error", "warning"}
REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.][A-Za-z0-9_.-]*$")


def warn(msg):
    print(f"evaluate: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Process and temp-dir bookkeeping, so that Ctrl-C leaves nothing behind.

_lock = threading.Lock()
_live_procs = set()
_live_tmpdirs = set()
_stop = threading.Event()


class Stopped(Exception):
    pass


def run(cmd, cwd=None, timeout=None, env=None, check=False):
    """Run cmd, return (returncode, stdout, stderr) as text. Tracks the process
    so that an interrupt can terminate it. Raises Stopped once interrupted."""
    if _stop.is_set():
        raise Stopped()
    full_env = dict(os.environ)
    full_env["GIT_TERMINAL_PROMPT"] = "0"
    full_env["LC_ALL"] = "C"
    if env:
        full_env.update(env)
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with _lock:
        _live_procs.add(proc)
    try:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise
    finally:
        with _lock:
            _live_procs.discard(proc)
    if _stop.is_set():
        raise Stopped()
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.strip()[-500:]}")
    return proc.returncode, out, err


def git(*args, check=True, timeout=None):
    return run(["git", *args], check=check, timeout=timeout)


def make_tmpdir():
    path = tempfile.mkdtemp(prefix="driftcheck-eval-")
    with _lock:
        _live_tmpdirs.add(path)
    return path


def remove_tmpdir(path):
    shutil.rmtree(path, ignore_errors=True)
    with _lock:
        _live_tmpdirs.discard(path)


def stop_everything():
    _stop.set()
    with _lock:
        procs = list(_live_procs)
    for proc in procs:
        try:
            proc.terminate()
        except OSError:
            pass


def cleanup_tmpdirs():
    with _lock:
        paths = list(_live_tmpdirs)
    for path in paths:
        remove_tmpdir(path)


# --------------------------------------------------------------------------
# Corpus files.

def read_tsv(path, columns, what):
    """Rows of a TSV file with the given header as dicts (plus "_row", the
    1-based file line). Blank lines and lines starting with # are skipped."""
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        lines = [(n, l.rstrip("\r\n")) for n, l in enumerate(f, 1)]
    lines = [(n, l) for n, l in lines if l.strip() and not l.lstrip().startswith("#")]
    if not lines:
        return rows
    header = lines[0][1].split("\t")
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValueError(f"{path}: header lacks column(s) {', '.join(missing)} "
                         f"(expected: {' '.join(columns)})")
    for n, line in lines[1:]:
        fields = line.split("\t")
        if len(fields) < len(header):
            fields += [""] * (len(header) - len(fields))
        row = {h: fields[i].strip() for i, h in enumerate(header)}
        row["_row"] = n
        rows.append(row)
    return rows


def parse_int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def load_cases(path):
    cases = []
    for row in read_tsv(path, CASE_COLUMNS, "cases"):
        where = f"{os.path.basename(path)}:{row['_row']}"
        line = parse_int(row["line"])
        problems = []
        if not REPO_RE.match(row["repo"]):
            problems.append(f"bad repo {row['repo']!r}")
        if not row["commit"]:
            problems.append("no commit")
        if not row["doc"]:
            problems.append("no doc")
        if line is None or line < 1:
            problems.append(f"bad line {row['line']!r}")
        if not row["reference"]:
            problems.append("no reference")
        if problems:
            warn(f"{where}: skipping case: {'; '.join(problems)}")
            continue
        if row["split"] not in SPLITS:
            warn(f"{where}: unknown split {row['split']!r}")
        if row["kind"] not in KINDS:
            warn(f"{where}: unknown kind {row['kind']!r}")
        if row["language"] not in LANGUAGES:
            warn(f"{where}: unknown language {row['language']!r}")
        row["line"] = line
        row["where"] = where
        row["_type"] = "case"
        cases.append(row)
    return cases


def load_labels(path):
    labels = []
    for row in read_tsv(path, LABEL_COLUMNS, "labels"):
        where = f"{os.path.basename(path)}:{row['_row']}"
        if not REPO_RE.match(row["repo"]) or not row["commit"] or not row["rule"]:
            warn(f"{where}: skipping label: needs repo, commit and rule")
            continue
        label = row["label"].lower()
        if label not in ("drift", "false"):
            if label:
                warn(f"{where}: label {row['label']!r} is neither drift nor false; ignored")
            continue  # unlabelled rows (e.g. from --write-unlabelled) are ignored
        row["label"] = label
        row["line"] = parse_int(row["line"]) or 0
        row["where"] = where
        row["_type"] = "label"
        labels.append(row)
    return labels


# --------------------------------------------------------------------------
# Reference matching.

def strip_ticks(text):
    text = (text or "").strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "`":
        text = text[1:-1].strip()
    return text.strip("`").strip()


def strip_args(text):
    """`parse_config(path)` -> `parse_config`; leaves `(a)` alone."""
    while text.endswith(")"):
        depth = 0
        for i in range(len(text) - 1, -1, -1):
            c = text[i]
            if c == ")":
                depth += 1
            elif c == "(":
                depth -= 1
                if depth == 0:
                    break
        else:
            return text
        if i <= 0:
            return text
        text = text[:i].rstrip()
    return text


def norm_ref(text):
    return strip_args(strip_ticks(text))


def norm_path(text):
    text = strip_ticks(text)
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    for sep in ("#", "?"):
        text = text.split(sep, 1)[0]
    while text.startswith("./"):
        text = text[2:]
    text = text.replace("/./", "/")
    return text.rstrip("/") if text != "/" else text


def norm_doc(text):
    text = (text or "").strip().replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return text.lstrip("/")


def paths_match(a, b):
    a, b = norm_path(a), norm_path(b)
    if not a or not b:
        return False
    if a == b:
        return True
    a, b = a.lstrip("/"), b.lstrip("/")
    if a == b:
        return True
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer.endswith("/" + shorter)


def refs_match(case_ref, finding_ref, path_like):
    if finding_ref is None:
        return False
    if norm_ref(case_ref) == norm_ref(finding_ref) and norm_ref(case_ref):
        return True
    return path_like and paths_match(case_ref, finding_ref)


def finding_found_case(finding, case):
    if finding.get("rule") not in RECALL_RULES:
        return False
    spec = finding.get("spec") or {}
    if norm_doc(spec.get("path")) != norm_doc(case["doc"]) or spec.get("line") != case["line"]:
        return False
    path_like = case["kind"] == "path" or finding.get("rule") == "dangling-path"
    return refs_match(case["reference"], finding.get("reference"), path_like)


def finding_keys(finding):
    """(rule, path, line, reference) keys of a finding: spec side, code side."""
    rule = finding.get("rule") or ""
    code = finding.get("code") or {}
    ref = finding.get("reference")
    if ref is None:
        ref = code.get("symbol") or ""
    keys = []
    for side in (finding.get("spec"), finding.get("code")):
        if side and side.get("path"):
            keys.append((rule, norm_doc(side["path"]), side.get("line") or 0, norm_ref(ref)))
    return keys


def label_row_for(finding):
    """A labels.tsv row (label empty) for a finding: its spec side, else code side."""
    spec = finding.get("spec")
    code = finding.get("code") or {}
    side = spec if spec and spec.get("path") else code
    ref = finding.get("reference")
    if ref is None:
        ref = code.get("symbol") or ""
    note = f"[{finding.get('severity')}] {finding.get('message', '')}"
    return {"rule": finding.get("rule", ""), "path": side.get("path", ""),
            "line": side.get("line") or 0, "reference": ref,
            "note": " ".join(note.split())[:300]}


# --------------------------------------------------------------------------
# Repositories and checkouts.

def is_git_dir(path):
    return (os.path.isfile(os.path.join(path, "HEAD"))
            and os.path.isdir(os.path.join(path, "objects"))
            and (os.path.isdir(os.path.join(path, "refs"))
                 or os.path.isfile(os.path.join(path, "packed-refs"))))


def find_git_dir(path):
    """The git dir at or under path (bare dir, clone, or one git dir within
    three levels), None when there is none. Raises on ambiguity."""
    if not os.path.isdir(path):
        return None
    if is_git_dir(path):
        return path
    if is_git_dir(os.path.join(path, ".git")):
        return os.path.join(path, ".git")
    found = []
    root_depth = path.rstrip(os.sep).count(os.sep)
    for dirpath, dirnames, filenames in os.walk(path, followlinks=True):
        depth = dirpath.rstrip(os.sep).count(os.sep) - root_depth
        if "HEAD" in filenames and is_git_dir(dirpath):
            found.append(dirpath)
            dirnames[:] = []  # nothing inside a git dir is another repository
            continue
        if depth >= 2:
            dirnames[:] = []
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise RuntimeError(f"{path} holds several git dirs: {', '.join(sorted(found))}")
    return None


def ensure_repo(repos_dir, repo):
    """The git dir for repo, cloning it bare from GitHub if it is missing."""
    path = os.path.join(repos_dir, repo.replace("/", "+"))
    gitdir = find_git_dir(path)
    if gitdir:
        return gitdir
    if os.path.exists(path) and os.listdir(path):
        raise RuntimeError(f"{path} exists but holds no git repository")
    os.makedirs(repos_dir, exist_ok=True)
    partial = path + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    url = f"https://github.com/{repo}.git"
    warn(f"cloning {url} into {path}")
    try:
        run(["git", "clone", "-q", "--bare", url, partial], check=True)
        if os.path.isdir(path):
            os.rmdir(path)
        os.rename(partial, path)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return path


def resolve_commit(gitdir, commit):
    code, out, _ = run(["git", "--git-dir", gitdir, "rev-parse", "-q", "--verify",
                        commit + "^{commit}"])
    return out.strip() if code == 0 and out.strip() else None


def checkout(gitdir, sha, tmp):
    """Clone gitdir into tmp at sha with no ref but a detached HEAD."""
    git("clone", "-q", "--shared", "--no-checkout", gitdir, tmp)
    git("-C", tmp, "checkout", "-q", "--detach", sha)
    _, refs, _ = git("-C", tmp, "for-each-ref", "--format=%(refname)")
    refs = [r for r in refs.splitlines() if r.strip()]
    if refs:
        script = "".join(f"option no-deref\ndelete {r}\n" for r in refs)
        proc = subprocess.run(["git", "-C", tmp, "update-ref", "--stdin"],
                              input=script.encode(), capture_output=True)
        _, left, _ = git("-C", tmp, "for-each-ref", "--format=%(refname)")
        for r in left.splitlines():
            if r.strip():
                git("-C", tmp, "update-ref", "--no-deref", "-d", r.strip(), check=False)
        _, left, _ = git("-C", tmp, "for-each-ref", "--format=%(refname)")
        if left.strip():
            raise RuntimeError(f"could not delete refs in checkout: {left.split()[:5]} "
                               f"({proc.stderr.decode(errors='replace').strip()})")
    # The reflog would still name the commits after `sha`.
    shutil.rmtree(os.path.join(tmp, ".git", "logs"), ignore_errors=True)
    for name in ("ORIG_HEAD", "FETCH_HEAD"):
        try:
            os.remove(os.path.join(tmp, ".git", name))
        except FileNotFoundError:
            pass
    _, head, _ = git("-C", tmp, "rev-parse", "HEAD")
    if head.strip() != sha:
        raise RuntimeError(f"checkout is at {head.strip()}, not {sha}")


class Driftcheck:
    def __init__(self, path, timeout):
        self.path = path
        self.timeout = timeout
        st = os.stat(path)
        self.identity = (os.path.realpath(path), st.st_mtime_ns, st.st_size)
        _, out, err = run([path, "--version"], timeout=60)
        self.version = (out.strip() or err.strip()).splitlines()[0] if (out or err).strip() else "unknown"
        _, help_out, help_err = run([path, "check", "--help"], timeout=60)
        self.min_confidence = "--min-confidence" in help_out + help_err
        self.has_evidence = None
        self.init = False

    def command(self):
        cmd = [self.path, "check", "--offline", "--format", "json", "--fail-on", "never"]
        if self.min_confidence:
            cmd += ["--min-confidence", "0"]
        return cmd

    def check(self, cwd):
        """(exit code, parsed report or None, error text or None)."""
        if self.init and not os.path.exists(os.path.join(cwd, "driftcheck.toml")):
            # Adopt driftcheck as a user does: `init` detects where the docs are.
            run([self.path, "init"], cwd=cwd, timeout=self.timeout)
        code, out, err = run(self.command(), cwd=cwd, timeout=self.timeout)
        if code == 2 and self.min_confidence and "min-confidence" in err:
            self.min_confidence = False
            code, out, err = run(self.command(), cwd=cwd, timeout=self.timeout)
        if code not in (0, 1):
            return code, None, f"exit {code}: {tail(err)}"
        try:
            report = json.loads(out)
        except ValueError as e:
            return code, None, f"exit {code}, unparsable JSON ({e}): {tail(err)}"
        if not isinstance(report, dict) or not isinstance(report.get("findings"), list):
            return code, None, f"exit {code}, JSON without a findings list"
        return code, report, None


def tail(text, n=400):
    text = " ".join((text or "").split())
    return text if len(text) <= n else "…" + text[-n:]


def doc_line_problem(root, case):
    """A corpus warning when the case's doc line does not hold its reference."""
    path = os.path.join(root, norm_doc(case["doc"]))
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return f"{case['doc']} does not exist at {case['commit'][:12]}"
    if case["line"] > len(lines):
        return f"{case['doc']} has only {len(lines)} lines at {case['commit'][:12]}"
    text = lines[case["line"] - 1]
    needle = norm_path(case["reference"]) if case["kind"] == "path" else norm_ref(case["reference"])
    if needle and needle not in text:
        return f"{case['doc']}:{case['line']} does not contain {needle!r} at {case['commit'][:12]}"
    return None


_cache = {}


HISTORY_CACHE = os.path.join(".driftcheck", "cache", "removed-definitions")


def commit_time(gitdir, sha):
    code, out, _ = run(["git", "--git-dir", gitdir, "show", "-s", "--format=%ct", sha])
    return int(out.strip() or 0) if code == 0 else 0


def run_repo(dc, repo, gitdir, shas, cases_by_sha, on_result):
    """Runs one repository's checkouts oldest first, handing driftcheck's
    history cache from one checkout to the next: it is brought up to date
    incrementally (or rebuilt when the next commit is not a descendant),
    so results are the same as from a cold cache, only faster."""
    carried = os.path.join(make_tmpdir(), "removed-definitions")
    try:
        for sha in sorted(shas, key=lambda s: commit_time(gitdir, s)):
            on_result((repo, sha), run_one(dc, repo, gitdir, sha, cases_by_sha[(repo, sha)], carried))
    finally:
        remove_tmpdir(os.path.dirname(carried))


def run_one(dc, repo, gitdir, sha, cases, carried=None):
    key = (repo, sha, dc.identity)
    if key in _cache:
        return _cache[key]
    started = time.monotonic()
    result = {"repo": repo, "commit": sha, "status": "ok", "exit": None,
              "error": None, "findings": [], "summary": None, "corpus_warnings": {}}
    tmp = make_tmpdir()
    try:
        work = os.path.join(tmp, "repo")
        try:
            checkout(gitdir, sha, work)
        except (RuntimeError, OSError) as e:
            result.update(status="error", error=f"checkout failed: {tail(str(e))}")
            return result
        for case in cases:
            problem = doc_line_problem(work, case)
            if problem:
                result["corpus_warnings"][case["where"]] = problem
        cache = os.path.join(work, HISTORY_CACHE)
        if carried and os.path.exists(carried):
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            shutil.copyfile(carried, cache)
        try:
            code, report, error = dc.check(work)
            if carried and os.path.exists(cache):
                shutil.copyfile(cache, carried)
        except subprocess.TimeoutExpired:
            result.update(status="timeout", error=f"driftcheck ran over {dc.timeout}s")
            return result
        result["exit"] = code
        if error:
            result.update(status="error", error=error)
        else:
            result["findings"] = report["findings"]
            result["summary"] = report.get("summary")
    finally:
        remove_tmpdir(tmp)
        result["seconds"] = round(time.monotonic() - started, 2)
    if not _stop.is_set():
        _cache[key] = result
    return result


# --------------------------------------------------------------------------
# Scoring.

def pct(n, d):
    return None if not d else round(100.0 * n / d, 1)


def fmt_pct(n, d):
    p = pct(n, d)
    return "–" if p is None else f"{p:.1f}%"


def score_recall(cases, runs, skipped):
    """Per-case outcome plus grouped tallies."""
    outcomes = []
    for case in cases:
        key = (case["repo"], case.get("sha"))
        out = {"repo": case["repo"], "split": case["split"], "language": case["language"],
               "kind": case["kind"], "commit": case["commit"], "doc": case["doc"],
               "line": case["line"], "reference": case["reference"],
               "fixed_in": case["fixed_in"], "where": case["where"]}
        if case["where"] in skipped:
            out["status"] = "skipped"
            out["reason"] = skipped[case["where"]]
            outcomes.append(out)
            continue
        result = runs[key]
        warning = result["corpus_warnings"].get(case["where"])
        if warning:
            out["corpus_warning"] = warning
        if result["status"] != "ok":
            out.update(status="error", shown=False, any=False, reason=result["error"])
            outcomes.append(out)
            continue
        matches = [f for f in result["findings"] if finding_found_case(f, case)]
        shown = [f for f in matches if f.get("severity") in SHOWN]
        out["status"] = "ok"
        out["shown"] = bool(shown)
        out["any"] = bool(matches)
        if matches:
            best = (shown or matches)[0]
            out["severity"] = best.get("severity")
            out["rule"] = best.get("rule")
            out["confidence"] = best.get("confidence")
            out["evidence"] = [e.get("gate") or e.get("kind") for e in best.get("evidence") or []]
            out["evidence_detail"] = best.get("evidence") or []
        else:
            near = [f for f in result["findings"]
                    if norm_doc((f.get("spec") or {}).get("path")) == norm_doc(case["doc"])
                    and (f.get("spec") or {}).get("line") == case["line"]]
            if near:
                out["same_line"] = [f"{f.get('rule')}/{f.get('severity')}: {f.get('reference')}"
                                    for f in near[:5]]
        outcomes.append(out)

    def tally(group_of):
        groups = {}
        for o in outcomes:
            g = groups.setdefault(group_of(o), {"cases": 0, "shown": 0, "any": 0,
                                                "errors": 0, "skipped": 0})
            if o["status"] == "skipped":
                g["skipped"] += 1
                continue
            g["cases"] += 1
            g["shown"] += bool(o.get("shown"))
            g["any"] += bool(o.get("any"))
            g["errors"] += o["status"] == "error"
        for g in groups.values():
            g["shown_pct"] = pct(g["shown"], g["cases"])
            g["any_pct"] = pct(g["any"], g["cases"])
        return groups

    def ordered(groups, order):
        keys = [k for k in order if k in groups] + sorted(k for k in groups if k not in order)
        return {k: groups[k] for k in keys}

    return {
        "overall": tally(lambda o: "overall").get("overall", {
            "cases": 0, "shown": 0, "any": 0, "errors": 0, "skipped": 0,
            "shown_pct": None, "any_pct": None}),
        "by_language": ordered(tally(lambda o: o["language"]), LANGUAGES),
        "by_kind": ordered(tally(lambda o: o["kind"]), KINDS),
        "by_split": ordered(tally(lambda o: o["split"]), SPLITS),
        "by_repo": ordered(tally(lambda o: o["repo"]), []),
        "cases": outcomes,
    }


def empty_precision():
    return {"runs": 0, "failed_runs": 0, "findings": 0, "shown": 0, "errors": 0,
            "shown_labelled": 0, "shown_drift": 0, "error_labelled": 0, "error_drift": 0,
            "unlabelled_shown": 0, "labels": 0, "labels_drift": 0, "labels_false": 0,
            "resolved": 0, "resolved_drift": 0, "resolved_false": 0, "hidden": 0,
            "drift_still_reported": 0}


def score_precision(labels, runs, label_keys):
    """label_keys: (repo, sha) runs that have labels, in order."""
    per_repo = {}
    unlabelled = []
    label_outcomes = []
    failed = []
    by_run = {}
    for lab in labels:
        by_run.setdefault((lab["repo"], lab.get("sha")), []).append(lab)
    for key in label_keys:
        repo, sha = key
        stats = per_repo.setdefault(repo, empty_precision())
        result = runs[key]
        stats["runs"] += 1
        if result["status"] != "ok":
            stats["failed_runs"] += 1
            failed.append({"repo": repo, "commit": sha, "error": result["error"]})
            continue
        exact, wildcard = {}, {}
        for lab in by_run.get(key, []):
            k = (lab["rule"], norm_doc(lab["path"]), lab["line"], norm_ref(lab["reference"]))
            table, k = (exact, k) if norm_ref(lab["reference"]) else (wildcard, k[:3])
            if k in table and table[k]["label"] != lab["label"]:
                warn(f"{lab['where']}: contradicts {table[k]['where']}; using the later label")
            table[k] = lab
        matched = {}  # id(label) -> set of severities that matched it
        evidence_of = {}  # id(label) -> (confidence, evidence) of its first finding
        for f in result["findings"]:
            sev = f.get("severity")
            stats["findings"] += 1
            stats["shown"] += sev in SHOWN
            stats["errors"] += sev == "error"
            lab = None
            for k in finding_keys(f):
                lab = exact.get(k) or wildcard.get(k[:3])
                if lab:
                    break
            if lab is None:
                if sev in SHOWN:
                    stats["unlabelled_shown"] += 1
                    row = label_row_for(f)
                    row.update(repo=repo, commit=sha, severity=sev)
                    unlabelled.append(row)
                continue
            matched.setdefault(id(lab), set()).add(sev)
            evidence_of.setdefault(id(lab), (f.get("confidence"), f.get("evidence") or []))
            drift = lab["label"] == "drift"
            if sev in SHOWN:
                stats["shown_labelled"] += 1
                stats["shown_drift"] += drift
            if sev == "error":
                stats["error_labelled"] += 1
                stats["error_drift"] += drift
        for lab in by_run.get(key, []):
            stats["labels"] += 1
            drift = lab["label"] == "drift"
            stats["labels_drift"] += drift
            stats["labels_false"] += not drift
            sevs = matched.get(id(lab), set())
            if not sevs:
                state = "resolved"
                stats["resolved"] += 1
                stats["resolved_drift"] += drift
                stats["resolved_false"] += not drift
            elif sevs & SHOWN:
                state = "shown"
                stats["drift_still_reported"] += drift
            else:
                state = "hidden"
                stats["hidden"] += 1
            label_outcomes.append({"repo": repo, "commit": sha, "rule": lab["rule"],
                                   "path": lab["path"], "line": lab["line"],
                                   "reference": lab["reference"], "label": lab["label"],
                                   "state": state, "severities": sorted(sevs),
                                   "confidence": evidence_of.get(id(lab), (None, []))[0],
                                   "evidence": evidence_of.get(id(lab), (None, []))[1],
                                   "where": lab["where"]})
    overall = empty_precision()
    for stats in per_repo.values():
        for k, v in stats.items():
            overall[k] += v
    for stats in list(per_repo.values()) + [overall]:
        stats["shown_precision"] = pct(stats["shown_drift"], stats["shown_labelled"])
        stats["error_precision"] = pct(stats["error_drift"], stats["error_labelled"])
        stats["drift_still_reported_pct"] = pct(stats["drift_still_reported"], stats["labels_drift"])
    return {"overall": overall, "by_repo": dict(sorted(per_repo.items())),
            "labels": label_outcomes, "unlabelled": unlabelled, "failed_runs": failed}


# --------------------------------------------------------------------------
# Output.

def text_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    out = []
    for n, r in enumerate([header] + rows):
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(out)


def recall_rows(groups, bold_overall, overall):
    rows = []
    for name, g in groups.items():
        if not g["cases"]:
            continue  # only skipped cases
        rows.append([name, g["cases"], g["shown"], fmt_pct(g["shown"], g["cases"]),
                     g["any"], fmt_pct(g["any"], g["cases"])])
    o = overall
    name = "**overall**" if bold_overall else "overall"
    rows.append([name, o["cases"], o["shown"], fmt_pct(o["shown"], o["cases"]),
                 o["any"], fmt_pct(o["any"], o["cases"])])
    return rows


RECALL_HEADER = ["", "cases", "found (shown)", "%", "found (any severity)", "%"]
PRECISION_HEADER = ["repository", "commits", "shown", "labelled", "drift", "precision",
                    "errors labelled", "drift", "precision", "unlabelled shown",
                    "labelled drift still reported"]


def precision_rows(prec, bold_overall):
    rows = []
    items = list(prec["by_repo"].items()) + [("**overall**" if bold_overall else "overall",
                                              prec["overall"])]
    for name, s in items:
        still = (f"{s['drift_still_reported']}/{s['labels_drift']} "
                 f"({fmt_pct(s['drift_still_reported'], s['labels_drift'])})")
        rows.append([name, s["runs"] - s["failed_runs"], s["shown"], s["shown_labelled"],
                     s["shown_drift"], fmt_pct(s["shown_drift"], s["shown_labelled"]),
                     s["error_labelled"], s["error_drift"],
                     fmt_pct(s["error_drift"], s["error_labelled"]),
                     s["unlabelled_shown"], still])
    return rows


def plural(n, one, many=None):
    return f"{n} {one if n == 1 else (many or one + 's')}"


def render(report, markdown):
    rec, prec = report["recall"], report["precision"]
    out = []
    head = f"driftcheck evaluation, {report['date']}, {report['driftcheck_version']}"
    split = report["split"]
    o = rec["overall"]
    counts = report["counts"]
    notes = (f"split: {split}; {plural(o['cases'], 'case')} on "
             f"{plural(counts['case_runs'], 'commit')} of "
             f"{plural(counts['case_repos'], 'repository', 'repositories')}"
             + (f"; {o['skipped']} skipped (repository or commit missing)" if o["skipped"] else "")
             + (f"; {o['errors']} in failed runs, counted as misses" if o["errors"] else ""))
    if markdown:
        out.append(f"#### {head}\n")
        out.append(f"Recall on real documentation drift ({notes}). "
                   "\"Shown\" = reported at error or warning severity.\n")
        out.append(md_table(["language"] + RECALL_HEADER[1:],
                            recall_rows(rec["by_language"], True, o)))
        po = prec["overall"]
        out.append("")
        out.append(f"Precision on hand-labelled findings ({po['runs'] - po['failed_runs']} commits, "
                   f"{po['labels']} labels; precision = drift / labelled).\n")
        out.append(md_table(PRECISION_HEADER, precision_rows(prec, True)))
    else:
        out.append(head)
        out.append(notes)
        out.append("")
        out.append("RECALL")
        for title, groups in (("language", rec["by_language"]), ("kind", rec["by_kind"]),
                              ("split", rec["by_split"])):
            out.append(text_table([f"by {title}"] + RECALL_HEADER[1:],
                                  recall_rows(groups, False, o)))
            out.append("")
        out.append("PRECISION (labels matched by rule, path, line, reference)")
        out.append(text_table(PRECISION_HEADER, precision_rows(prec, False)))
        po = prec["overall"]
        out.append(f"labels: {po['labels']} ({po['labels_drift']} drift, {po['labels_false']} false); "
                   f"resolved (no longer reported): {po['resolved']} "
                   f"({po['resolved_drift']} drift, {po['resolved_false']} false); "
                   f"hidden (info only): {po['hidden']}")
    problems = report["skipped"] + [f"{r['repo']}@{r['commit'][:12]}: {r['error']}"
                                    for r in report["runs"] if r["status"] != "ok"]
    if problems:
        out.append("")
        out.append("Problems:")
        out.extend(f"  {p}" for p in problems)
    return "\n".join(out) + "\n"


def render_misses(report):
    out = ["", "MISSES (not found at error/warning severity)"]
    misses = [c for c in report["recall"]["cases"] if c["status"] != "skipped" and not c.get("shown")]
    if not misses:
        out.append("  none")
    for c in misses:
        extra = []
        if c["status"] == "error":
            extra.append(f"run failed: {c['reason']}")
        elif c.get("any"):
            extra.append(f"hidden: {c['rule']} at {c['severity']}, confidence {c.get('confidence')}")
        if c.get("same_line"):
            extra.append("same line: " + "; ".join(c["same_line"]))
        if c.get("corpus_warning"):
            extra.append("corpus: " + c["corpus_warning"])
        out.append(f"  {c['repo']}  {c['commit'][:12]}  {c['doc']}:{c['line']}  "
                   f"{c['reference']}  [{c['language']}/{c['kind']}/{c['split']}] ({c['where']})"
                   + "".join(f"\n      {e}" for e in extra))
    skipped = [c for c in report["recall"]["cases"] if c["status"] == "skipped"]
    if skipped:
        out.append("")
        out.append("SKIPPED CASES")
        out.extend(f"  {c['where']}  {c['repo']}  {c['commit'][:12]}  {c['reason']}" for c in skipped)
    return "\n".join(out) + "\n"


def label_tsv_line(row):
    return "\t".join(str(row[c]).replace("\t", " ").replace("\n", " ")
                     for c in ["repo", "commit", "rule", "path", "line", "reference"]) \
        + "\t\t" + str(row["note"]).replace("\t", " ")


def render_unlabelled(report):
    out = ["", "UNLABELLED SHOWN FINDINGS (labels.tsv format, label column empty)"]
    rows = report["precision"]["unlabelled"]
    if not rows:
        out.append("  none")
    else:
        out.append("\t".join(LABEL_COLUMNS))
        out.extend(label_tsv_line(r) for r in rows)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--driftcheck", default=None,
                   help="driftcheck binary (default: target/release/driftcheck, else PATH)")
    p.add_argument("--repos", default=None,
                   help="directory of git repositories named owner+name (default "
                        "$DRIFTCHECK_EVAL_REPOS or ~/.cache/driftcheck-eval)")
    p.add_argument("--split", choices=["tune", "holdout", "all"], default="all")
    p.add_argument("--only", default="", help="comma-separated owner/name list")
    p.add_argument("--jobs", type=int, default=2, help="checkouts checked in parallel (2)")
    p.add_argument("--timeout", type=int, default=900, help="seconds per driftcheck run (900)")
    p.add_argument("--cases", default=os.path.join(HERE, "cases.tsv"))
    p.add_argument("--labels", default=os.path.join(HERE, "labels.tsv"))
    p.add_argument("--json", metavar="OUT", help="write every number to OUT as JSON")
    p.add_argument("--markdown", action="store_true", help="print markdown tables for README.md")
    p.add_argument("--no-init", action="store_true",
                   help="check with the built-in default globs instead of running `driftcheck init` first")
    p.add_argument("--misses", action="store_true", help="list the cases not found")
    p.add_argument("--unlabelled", action="store_true",
                   help="print shown findings that have no label, in labels.tsv format")
    p.add_argument("--write-unlabelled", metavar="FILE",
                   help="write shown findings without a label to FILE in labels.tsv format")
    args = p.parse_args(argv)
    if args.jobs < 1:
        p.error("--jobs must be at least 1")
    return args


def default_driftcheck():
    repo_root = os.path.dirname(HERE)
    for sub in ("target/release/driftcheck", "target/debug/driftcheck"):
        path = os.path.join(repo_root, sub)
        if os.access(path, os.X_OK):
            return path
    return shutil.which("driftcheck")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    dc_path = args.driftcheck or default_driftcheck()
    if not dc_path or not os.access(dc_path, os.X_OK):
        warn(f"no executable driftcheck ({dc_path or 'none found'}); pass --driftcheck PATH")
        return 2
    dc_path = os.path.abspath(dc_path)
    repos_dir = os.path.abspath(os.path.expanduser(
        args.repos or os.environ.get("DRIFTCHECK_EVAL_REPOS") or "~/.cache/driftcheck-eval"))

    try:
        cases = load_cases(args.cases) if os.path.exists(args.cases) else []
        labels = load_labels(args.labels) if os.path.exists(args.labels) else []
    except (OSError, ValueError) as e:
        warn(str(e))
        return 2
    for path in (args.cases, args.labels):
        if not os.path.exists(path):
            warn(f"{path} does not exist; treated as empty")

    only = {r.strip() for r in args.only.split(",") if r.strip()}
    if only:
        cases = [c for c in cases if c["repo"] in only]
        labels = [l for l in labels if l["repo"] in only]
    repo_splits = {}
    for c in cases:
        repo_splits.setdefault(c["repo"], set()).add(c["split"])
    if args.split != "all":
        cases = [c for c in cases if c["split"] == args.split]
        labels = [l for l in labels if args.split in repo_splits.get(l["repo"], {args.split})]

    repos = sorted({c["repo"] for c in cases} | {l["repo"] for l in labels})
    skipped_repos = {}
    gitdirs = {}
    skipped = []  # human-readable problems
    skip_reason = {}  # case where -> reason

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        try:
            dc = Driftcheck(dc_path, args.timeout)
            dc.init = not args.no_init
        except (OSError, subprocess.TimeoutExpired) as e:
            warn(f"cannot run {dc_path}: {e}")
            return 2
        for repo in repos:
            try:
                gitdirs[repo] = ensure_repo(repos_dir, repo)
            except (RuntimeError, OSError) as e:
                skipped_repos[repo] = tail(str(e))
                skipped.append(f"{repo}: repository unavailable: {tail(str(e))}")

        # Resolve commits; collect the runs.
        resolved = {}
        run_cases = {}  # (repo, sha) -> cases
        order = []
        for item in cases + labels:
            repo = item["repo"]
            if repo in skipped_repos:
                if item["_type"] == "case":
                    skip_reason[item["where"]] = "repository unavailable"
                continue
            ck = (repo, item["commit"])
            if ck not in resolved:
                resolved[ck] = resolve_commit(gitdirs[repo], item["commit"])
                if resolved[ck] is None:
                    skipped.append(f"{repo}: commit {item['commit']} not in {gitdirs[repo]}")
            sha = resolved[ck]
            if sha is None:
                if item["_type"] == "case":
                    skip_reason[item["where"]] = f"commit {item['commit'][:12]} missing"
                continue
            item["sha"] = sha
            key = (repo, sha)
            if key not in run_cases:
                run_cases[key] = []
                order.append(key)
            if item["_type"] == "case":
                item["commit"] = sha
                run_cases[key].append(item)
                fixed = item.get("fixed_in")
                if fixed:
                    fsha = resolve_commit(gitdirs[repo], fixed)
                    if fsha and fsha == sha:
                        warn(f"{item['where']}: fixed_in is the stale commit itself")
                    elif fsha:
                        code, _, _ = run(["git", "--git-dir", gitdirs[repo], "merge-base",
                                          "--is-ancestor", sha, fsha])
                        if code == 1:
                            warn(f"{item['where']}: commit is not an ancestor of fixed_in {fixed[:12]}")
        labels = [l for l in labels if l.get("sha")]

        warn(f"{plural(len(cases), 'case')}, {plural(len(labels), 'label')}, "
             f"{plural(len(order), 'checkout')}, "
             f"{plural(len(repos), 'repository', 'repositories')}; {dc.version}"
             + ("" if dc.min_confidence else " (no --min-confidence: info findings may be absent)"))
        runs = {}
        started = time.monotonic()
        done = [0]
        lock = threading.Lock()

        def on_result(key, res):
            with lock:
                runs[key] = res
                done[0] += 1
                state = (f"{len(res['findings'])} findings" if res["status"] == "ok"
                         else f"{res['status']}: {res['error']}")
                warn(f"[{done[0]}/{len(order)}] {key[0]}@{key[1][:12]} {state} ({res['seconds']}s)")

        by_repo = {}
        for repo, sha in order:
            by_repo.setdefault(repo, []).append(sha)
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(run_repo, dc, repo, gitdirs[repo], shas, run_cases, on_result): repo
                       for repo, shas in by_repo.items()}
            try:
                for fut in concurrent.futures.as_completed(futures):
                    repo = futures[fut]
                    try:
                        fut.result()
                    except Stopped:
                        raise KeyboardInterrupt()
                    except Exception as e:  # never lose the whole evaluation to one repository
                        for sha in by_repo[repo]:
                            if (repo, sha) not in runs:
                                runs[(repo, sha)] = {"repo": repo, "commit": sha, "status": "error",
                                                     "exit": None, "error": f"{type(e).__name__}: {tail(str(e))}",
                                                     "findings": [], "summary": None, "corpus_warnings": {},
                                                     "seconds": None}
            except KeyboardInterrupt:
                stop_everything()
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    except KeyboardInterrupt:
        stop_everything()
        cleanup_tmpdirs()
        warn("interrupted; temporary checkouts removed")
        return 130
    finally:
        cleanup_tmpdirs()

    for c in cases:
        if c.get("sha") is None and c["where"] not in skip_reason:
            skip_reason[c["where"]] = "repository or commit unavailable"
    for res in runs.values():
        for where, problem in res["corpus_warnings"].items():
            warn(f"{where}: {problem}")

    label_keys = []
    for l in labels:
        k = (l["repo"], l["sha"])
        if k not in label_keys:
            label_keys.append(k)
    recall = score_recall(cases, runs, skip_reason)
    precision = score_precision(labels, runs, label_keys)
    report = {
        "date": datetime.date.today().isoformat(),
        "driftcheck": dc_path,
        "driftcheck_version": dc.version,
        "min_confidence_flag": dc.min_confidence,
        "split": args.split,
        "only": sorted(only),
        "seconds": round(time.monotonic() - started, 1),
        "counts": {"cases": len(cases), "labels": len(labels), "runs": len(order),
                   "case_runs": len({(c["repo"], c.get("sha")) for c in cases if c.get("sha")}),
                   "case_repos": len({c["repo"] for c in cases if c.get("sha")})},
        "recall": recall,
        "precision": precision,
        "skipped": skipped,
        "runs": [{k: v for k, v in runs[key].items() if k not in ("findings", "corpus_warnings")}
                 | {"findings": len(runs[key]["findings"])} for key in order if key in runs],
    }
    sys.stdout.write(render(report, args.markdown))
    if args.misses:
        sys.stdout.write(render_misses(report))
    if args.unlabelled:
        sys.stdout.write(render_unlabelled(report))
    if args.write_unlabelled:
        with open(args.write_unlabelled, "w", encoding="utf-8") as f:
            f.write("\t".join(LABEL_COLUMNS) + "\n")
            for row in precision["unlabelled"]:
                f.write(label_tsv_line(row) + "\n")
        warn(f"wrote {len(precision['unlabelled'])} unlabelled findings to {args.write_unlabelled}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2, sort_keys=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
