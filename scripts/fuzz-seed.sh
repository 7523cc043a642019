#!/usr/bin/env bash
# Copies fixtures/ into the fuzz corpora: .tf/.tfvars to hcl, YAML/JSON to cfn, both to
# check_dir (a Terraform file and a template joined by the check_dir target's marker).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/hcl fuzz/corpus/cfn fuzz/corpus/check_dir
n=0
while IFS= read -r -d '' f; do
    n=$((n + 1))
    case "$f" in
        *.tf | *.tfvars) cp "$f" "fuzz/corpus/hcl/seed-$n" ;;
        *.yaml | *.yml | *.json | *.template) cp "$f" "fuzz/corpus/cfn/seed-$n" ;;
    esac
done < <(find fixtures examples -type f -size -64k -print0)
tfs=(fuzz/corpus/hcl/seed-*)
yamls=(fuzz/corpus/cfn/seed-*)
for i in "${!tfs[@]}"; do
    yaml="${yamls[$((i % ${#yamls[@]}))]}"
    { cat "${tfs[$i]}"; printf '\n---8<---\n'; cat "$yaml"; } > "fuzz/corpus/check_dir/seed-$i"
done
echo "seeded: $(ls fuzz/corpus/hcl | wc -l) hcl, $(ls fuzz/corpus/cfn | wc -l) cfn, $(ls fuzz/corpus/check_dir | wc -l) check_dir"
