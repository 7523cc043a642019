#!/usr/bin/env bash
# The step logic of the GitHub Action (action.yml), kept here so it can be tested locally.
#
# Inputs, as environment variables (action.yml maps the action's inputs to them):
#   ACMLINT_PATH        what to check (default: .)
#   ACMLINT_ARGS        extra arguments for `acmlint check`, split on whitespace (no globbing)
#   ACMLINT_FAIL_ON     error | warning | note | never (default: acmlint's, or the config file's)
#   ACMLINT_SARIF_FILE  where to write SARIF (default: acmlint.sarif)
#   ACMLINT_BIN         the binary (default: acmlint on PATH)
# GitHub's files: GITHUB_OUTPUT (findings, errors, sarif-file), GITHUB_STEP_SUMMARY (a
# Markdown table of the findings). Annotations go to stdout as workflow commands.
# Exits with acmlint's exit code.
set -euo pipefail

bin="${ACMLINT_BIN:-acmlint}"
path="${ACMLINT_PATH:-.}"
sarif="${ACMLINT_SARIF_FILE:-acmlint.sarif}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$sarif")"

args=(check "$path" --color never
  --format github
  --format "sarif=$sarif"
  --format "markdown=$work/summary.md"
  --format "json=$work/report.json")
if [[ -n "${ACMLINT_FAIL_ON:-}" ]]; then
  args+=(--fail-on "$ACMLINT_FAIL_ON")
fi
if [[ -n "${ACMLINT_ARGS:-}" ]]; then
  set -f
  read -r -a extra <<<"$ACMLINT_ARGS"
  set +f
  args+=("${extra[@]}")
fi

set +e
"$bin" "${args[@]}"
code=$?
set -e

# `"findings": N` at the summary's indentation (the findings list itself is `"findings": [`).
count() {
  if [[ -f "$work/report.json" ]]; then
    sed -n "s/^    \"$1\": \([0-9][0-9]*\),\{0,1\}$/\1/p" "$work/report.json" | tail -n 1
  fi
}
findings="$(count findings)"
errors="$(count errors)"

if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -f "$work/summary.md" ]]; then
  cat "$work/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  {
    echo "findings=${findings:-0}"
    echo "errors=${errors:-0}"
    echo "sarif-file=$sarif"
  } >>"$GITHUB_OUTPUT"
fi
exit "$code"
