#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo-fuzz (libFuzzer; needs a nightly toolchain and
# `cargo install cargo-fuzz`). Usage: scripts/fuzz.sh [seconds per target, default 60]
# Seeds each corpus from fixtures/ first; crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
scripts/fuzz-seed.sh
for target in hcl cfn check_dir; do
    echo "== $target (${seconds}s)"
    (cd fuzz && cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
done
