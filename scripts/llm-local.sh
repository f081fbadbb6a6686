#!/usr/bin/env bash
# Runs driftcheck's LLM pass over every fixture against a real local model
# server: Ollama (http://localhost:11434) or llama.cpp's llama-server
# (http://localhost:8080), whichever answers, or LLM_BASE_URL / LLM_MODEL.
# Not part of CI: CI has no model. Prints each fixture's summary.llm and the
# findings the model decided.
#
#   ollama pull qwen2.5-coder:7b && ollama serve &
#   scripts/llm-local.sh
#
#   llama-server -m model.gguf --port 8080 &
#   scripts/llm-local.sh
set -euo pipefail
cd "$(dirname "$0")/.."

base_url="${LLM_BASE_URL:-}"
model="${LLM_MODEL:-}"
if [[ -z "$base_url" ]]; then
  if curl -fsS --max-time 2 http://localhost:11434/api/tags >/dev/null 2>&1; then
    base_url="http://localhost:11434/v1"
    model="${model:-$(curl -fsS http://localhost:11434/api/tags | python3 -c 'import json,sys; m=json.load(sys.stdin)["models"]; print(m[0]["name"] if m else "")')}"
  elif curl -fsS --max-time 2 http://localhost:8080/v1/models >/dev/null 2>&1; then
    base_url="http://localhost:8080/v1"
    model="${model:-local}"
  else
    echo "no local model server: start Ollama or llama-server, or set LLM_BASE_URL and LLM_MODEL" >&2
    exit 2
  fi
fi
if [[ -z "$model" ]]; then
  echo "no model: set LLM_MODEL (for Ollama, pull one first)" >&2
  exit 2
fi
echo "model $model at $base_url"

cargo build --release --quiet
binary="$PWD/target/release/driftcheck"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for fixture in fixtures/*/; do
  name="$(basename "$fixture")"
  cp -r "$fixture" "$work/$name"
  {
    cat "$fixture/driftcheck.toml" 2>/dev/null || true
    printf '\n[llm]\nprovider = "openai"\nbase_url = "%s"\nmodel = "%s"\nmax_calls = %s\n' \
      "$base_url" "$model" "${LLM_MAX_CALLS:-100}"
  } >"$work/$name/driftcheck.toml"
  (cd "$work/$name" && "$binary" check --format json --fail-on never --min-confidence 0 >"$work/$name.json") || true
  python3 - "$name" "$work/$name.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
report = json.load(open(path))
llm = report["summary"]["llm"]
print(f"{name}: {llm['calls']} calls, {llm['cached']} cached, {llm['skipped']} skipped, "
      f"{llm['input_tokens']} tokens in, {llm['output_tokens']} out")
for finding in report["findings"]:
    for clue in finding.get("evidence", []):
        if clue.get("kind") == "llm":
            spec = finding.get("spec") or {}
            print(f"  {finding['rule']}/{finding['severity']} {spec.get('path')}:{spec.get('line')} "
                  f"{clue['question']}: {clue['verdict']} ({clue['confidence']}) {clue['explanation'][:100]}")
for skipped in report.get("llm_skipped", []):
    print(f"  skipped {skipped['question']} {skipped['path']}:{skipped['line']}: {skipped['reason']}")
PY
done
