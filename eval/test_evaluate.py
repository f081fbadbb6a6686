#!/usr/bin/env python3
"""Tests for eval/evaluate.py: matching rules, and an end-to-end run against a
throw-away git repository with a fake driftcheck (no cargo, no network).

    python3 eval/test_evaluate.py
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in eval/
import evaluate  # noqa: E402

FAKE = textwrap.dedent(r'''
    #!/usr/bin/env python3
    # A stand-in for driftcheck: findings come from $FAKE_FINDINGS keyed by HEAD;
    # what the checkout exposes is logged to $FAKE_LOG.
    import json, os, subprocess, sys, time
    args = sys.argv[1:]
    old = os.environ.get("FAKE_OLD") == "1"
    if args == ["--version"]:
        print("driftcheck 9.9.9-fake"); sys.exit(0)
    if args[:2] == ["check", "--help"]:
        print("Usage: driftcheck check" + ("" if old else " --min-confidence <X>")); sys.exit(0)
    if "--min-confidence" in args and (old or os.environ.get("FAKE_REJECT") == "1"):
        print("error: unexpected argument '--min-confidence' found", file=sys.stderr); sys.exit(2)
    if os.environ.get("FAKE_SLEEP"):
        time.sleep(float(os.environ["FAKE_SLEEP"]))
    git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True).stdout
    head = git("rev-parse", "HEAD").strip()
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(json.dumps({"head": head, "cwd": os.getcwd(), "args": args,
                              "refs": git("for-each-ref").split("\n")[:-1],
                              "all": git("log", "--all", "--format=%H").split(),
                              "reflog": os.path.exists(".git/logs")}) + "\n")
    table = json.load(open(os.environ["FAKE_FINDINGS"]))
    if head in table.get("fail", []):
        print("error: boom", file=sys.stderr); sys.exit(2)
    findings = table.get(head, [])
    if "--min-confidence" not in args:
        findings = [f for f in findings if f["severity"] != "info"]
    print(json.dumps({"summary": {}, "findings": findings}))
    sys.exit(1 if findings else 0)
''').lstrip()


def finding(rule, sev, spec=None, code=None, ref=None):
    return {"rule": rule, "severity": sev, "message": "m",
            "spec": {"path": spec[0], "line": spec[1], "column": 1, "clause": "c"} if spec else None,
            "code": {"path": code[0], "line": code[1], "symbol": code[2]} if code else None,
            "reference": ref, "suggestion": None, "confidence": 0.9, "fingerprint": "f"}


class Matching(unittest.TestCase):
    def test_norm_ref(self):
        self.assertEqual(evaluate.norm_ref("`Client::retry()`"), "Client::retry")
        self.assertEqual(evaluate.norm_ref(" parse_config(path, opts) "), "parse_config")
        self.assertEqual(evaluate.norm_ref("f(a(b))"), "f")
        self.assertEqual(evaluate.norm_ref("(x)"), "(x)")
        self.assertEqual(evaluate.norm_ref("cobra.MinimumArgs(1)"), "cobra.MinimumArgs")

    def test_paths(self):
        self.assertTrue(evaluate.paths_match("./docs/a.md#x", "docs/a.md"))
        self.assertTrue(evaluate.paths_match("../src/lib.rs#L10", "src/lib.rs"))
        self.assertTrue(evaluate.paths_match("src/lib.rs", "crates/x/src/lib.rs"))
        self.assertFalse(evaluate.paths_match("lib.rs", "src/mylib.rs"))
        self.assertFalse(evaluate.paths_match("#anchor", "#anchor"))

    def test_case_match(self):
        case = {"doc": "./docs/api.md", "line": 3, "reference": "`foo()`", "kind": "symbol"}
        self.assertTrue(evaluate.finding_found_case(
            finding("dangling-symbol", "error", ("docs/api.md", 3), ref="foo"), case))
        self.assertFalse(evaluate.finding_found_case(
            finding("dangling-symbol", "error", ("docs/api.md", 4), ref="foo"), case))
        self.assertFalse(evaluate.finding_found_case(
            finding("stale-link", "error", ("docs/api.md", 3), ref="foo"), case))
        self.assertFalse(evaluate.finding_found_case(
            finding("dangling-symbol", "error", ("docs/api.md", 3), ref="foobar"), case))

    def test_find_git_dir(self):
        with tempfile.TemporaryDirectory() as d:
            subprocess.run(["git", "init", "-q", "--bare", os.path.join(d, "a+b", "x.git")], check=True)
            self.assertEqual(evaluate.find_git_dir(os.path.join(d, "a+b")), os.path.join(d, "a+b", "x.git"))
            self.assertIsNone(evaluate.find_git_dir(os.path.join(d, "c+d")))
            subprocess.run(["git", "init", "-q", os.path.join(d, "e+f")], check=True)
            self.assertEqual(evaluate.find_git_dir(os.path.join(d, "e+f")), os.path.join(d, "e+f", ".git"))


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="test-evaluate-")
        d = cls.dir
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@t")
        src = os.path.join(d, "src")
        os.makedirs(os.path.join(src, "docs"))

        def commit(files, msg):
            for name, text in files.items():
                with open(os.path.join(src, name), "w") as f:
                    f.write(text)
            subprocess.run(["git", "-C", src, "add", "-A"], check=True, env=env)
            subprocess.run(["git", "-C", src, "commit", "-q", "-m", msg], check=True, env=env)
            return subprocess.run(["git", "-C", src, "rev-parse", "HEAD"], check=True, env=env,
                                  capture_output=True, text=True).stdout.strip()

        subprocess.run(["git", "init", "-q", src], check=True)
        doc = "# API\n\nCall `foo()` to start.\n\nSee [the guide](./docs/guide.md#intro).\n"
        cls.c1 = commit({"README.md": doc, "lib.py": "def foo(): pass\n",
                         "docs/guide.md": "x\n"}, "one")
        os.remove(os.path.join(src, "docs", "guide.md"))
        cls.c2 = commit({"lib.py": "def bar(): pass\n"}, "two: rename foo, drop guide")
        cls.c3 = commit({"README.md": doc.replace("foo", "bar")}, "three: fix doc")
        subprocess.run(["git", "-C", src, "tag", "v1"], check=True)
        # The mirror: a bare clone inside owner+name/, like /work/.mirror.
        cls.repos = os.path.join(d, "repos")
        subprocess.run(["git", "clone", "-q", "--bare", src,
                        os.path.join(cls.repos, "acme+widget", "repo")], check=True)

        cls.cases = os.path.join(d, "cases.tsv")
        with open(cls.cases, "w") as f:
            f.write("repo\tsplit\tlanguage\tcommit\tdoc\tline\treference\tkind\tfixed_in\n")
            f.write(f"acme/widget\ttune\tpython\t{cls.c2}\tREADME.md\t3\tfoo()\tsymbol\t{cls.c3}\n")
            f.write(f"acme/widget\tholdout\tpython\t{cls.c2[:10]}\tREADME.md\t5\t./docs/guide.md#intro\tpath\t{cls.c3}\n")
            f.write(f"acme/widget\ttune\tpython\t{'0' * 40}\tREADME.md\t3\tfoo\tsymbol\t\n")
        cls.labels = os.path.join(d, "labels.tsv")
        with open(cls.labels, "w") as f:
            f.write("repo\tcommit\trule\tpath\tline\treference\tlabel\tnote\n")
            f.write(f"acme/widget\t{cls.c2}\tdangling-symbol\tREADME.md\t3\t`foo()`\tdrift\t\n")
            f.write(f"acme/widget\t{cls.c2}\tdangling-spec-ref\tlib.py\t1\t\tfalse\tcode side, any ref\n")
            f.write(f"acme/widget\t{cls.c2}\tdangling-symbol\tREADME.md\t9\tgone\tdrift\tresolved\n")
        cls.findings = os.path.join(d, "findings.json")
        with open(cls.findings, "w") as f:
            json.dump({cls.c2: [
                finding("dangling-symbol", "error", ("README.md", 3), ref="foo"),
                finding("dangling-path", "info", ("README.md", 5), ref="docs/guide.md"),
                finding("dangling-spec-ref", "warning", code=("lib.py", 1, "bar"), ref="docs/x.md"),
                finding("value-mismatch", "warning", ("README.md", 1), ("lib.py", 1, "bar")),
            ]}, f)
        cls.fake = os.path.join(d, "driftcheck")
        with open(cls.fake, "w") as f:
            f.write(FAKE)
        os.chmod(cls.fake, 0o755)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def evaluate(self, *extra, env=None, wait=True):
        tmp = tempfile.mkdtemp(dir=self.dir, prefix="tmp-")
        log = os.path.join(tmp, "..", os.path.basename(tmp) + ".log")
        out_json = os.path.join(self.dir, "out.json")
        full_env = dict(os.environ, TMPDIR=tmp, FAKE_LOG=log, FAKE_FINDINGS=self.findings)
        full_env.update(env or {})
        cmd = [sys.executable, os.path.join(HERE, "evaluate.py"), "--driftcheck", self.fake,
               "--repos", self.repos, "--cases", self.cases, "--labels", self.labels, "--no-init",
               "--json", out_json, "--misses", *extra]
        proc = subprocess.Popen(cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        if not wait:
            return proc, tmp
        out, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(os.listdir(tmp), [], "temporary checkouts left behind")
        with open(log) as f:
            runs = [json.loads(l) for l in f]
        with open(out_json) as f:
            return json.load(f), out, err, runs

    def test_scores(self):
        report, out, err, runs = self.evaluate()
        rec = report["recall"]
        self.assertEqual(rec["overall"]["cases"], 2)
        self.assertEqual(rec["overall"]["skipped"], 1)
        self.assertEqual(rec["overall"]["shown"], 1)   # the symbol case
        self.assertEqual(rec["overall"]["any"], 2)     # the path case at info
        self.assertEqual(rec["by_kind"]["path"]["shown"], 0)
        self.assertEqual(rec["by_split"]["holdout"]["any"], 1)
        self.assertIn("hidden: dangling-path at info", out)
        prec = report["precision"]["overall"]
        self.assertEqual(prec["runs"], 1)
        self.assertEqual(prec["shown"], 3)
        self.assertEqual(prec["shown_labelled"], 2)
        self.assertEqual(prec["shown_drift"], 1)
        self.assertEqual(prec["error_labelled"], 1)
        self.assertEqual(prec["error_precision"], 100.0)
        self.assertEqual(prec["unlabelled_shown"], 1)   # value-mismatch
        self.assertEqual(prec["resolved"], 1)
        self.assertEqual(prec["drift_still_reported"], 1)
        self.assertEqual(prec["labels_drift"], 2)
        self.assertIn("not in", " ".join(report["skipped"]))
        # One run per distinct commit (the short SHA resolves to the same one).
        self.assertEqual(len(runs), 1)
        seen = runs[0]
        self.assertEqual(seen["head"], self.c2)
        self.assertEqual(seen["refs"], [])
        self.assertFalse(seen["reflog"])
        self.assertEqual(set(seen["all"]), {self.c1, self.c2})  # the fix is not visible
        self.assertIn("--min-confidence", seen["args"])

    def test_markdown_and_unlabelled(self):
        out_file = os.path.join(self.dir, "unlabelled.tsv")
        report, out, err, runs = self.evaluate("--markdown", "--unlabelled",
                                               "--write-unlabelled", out_file)
        self.assertIn("| **overall** | 2 | 1 | 50.0% | 2 | 100.0% |", out)
        self.assertIn("driftcheck 9.9.9-fake", out)
        with open(out_file) as f:
            rows = [l.rstrip("\n").split("\t") for l in f]
        self.assertEqual(rows[0], evaluate.LABEL_COLUMNS)
        # No reference: the code-side symbol stands in, as it does when matching labels.
        self.assertEqual(rows[1][2:7], ["value-mismatch", "README.md", "1", "bar", ""])
        # The written file loads back as labels (unlabelled rows are ignored).
        self.assertEqual(evaluate.load_labels(out_file), [])

    def test_old_binary_and_split(self):
        report, out, err, runs = self.evaluate("--split", "holdout", env={"FAKE_OLD": "1"})
        self.assertNotIn("--min-confidence", runs[0]["args"])
        self.assertFalse(report["min_confidence_flag"])
        self.assertEqual(report["recall"]["overall"]["cases"], 1)
        self.assertEqual(report["recall"]["overall"]["any"], 0)  # info is hidden

    def test_retry_without_min_confidence(self):
        report, out, err, runs = self.evaluate(env={"FAKE_REJECT": "1"})
        self.assertEqual(report["recall"]["overall"]["shown"], 1)
        self.assertEqual([("--min-confidence" in r["args"]) for r in runs], [False])

    def test_failed_run(self):
        with open(self.findings) as f:
            table = json.load(f)
        table["fail"] = [self.c2]
        path = os.path.join(self.dir, "failing.json")
        with open(path, "w") as f:
            json.dump(table, f)
        report, out, err, runs = self.evaluate(env={"FAKE_FINDINGS": path})
        self.assertEqual(report["recall"]["overall"]["errors"], 2)
        self.assertEqual(report["recall"]["overall"]["shown"], 0)
        self.assertEqual(report["precision"]["overall"]["failed_runs"], 1)
        self.assertIn("boom", out)

    def test_interrupt_leaves_nothing(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            proc, tmp = self.evaluate(env={"FAKE_SLEEP": "30"}, wait=False)
            deadline = time.time() + 20
            while time.time() < deadline and not any(
                    os.path.isdir(os.path.join(tmp, n, "repo", ".git")) for n in os.listdir(tmp)):
                time.sleep(0.1)
            time.sleep(0.5)
            proc.send_signal(sig)
            proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 130)
            self.assertEqual(os.listdir(tmp), [])


if __name__ == "__main__":
    unittest.main()
