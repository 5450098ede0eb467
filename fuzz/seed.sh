#!/usr/bin/env bash
# Seeds the fuzz corpus (git-ignored) from fixtures/: every fixture file alone, and every
# module that has a partial .tfbackend file as its .tf files joined with that file after the
# separator line the target splits on (see src/lib.rs).
set -euo pipefail
cd "$(dirname "$0")"
corpus=corpus/lint_bytes
mkdir -p "$corpus"
n=0
while IFS= read -r -d '' file; do
  cp "$file" "$corpus/$(echo "${file#../}" | tr '/' '_')"
  n=$((n + 1))
done < <(find ../fixtures -type f \( -name '*.tf' -o -name '*.tofu' -o -name '*.tfbackend' \) -print0)
while IFS= read -r -d '' backend; do
  dir=$(dirname "$backend")
  name="$(echo "${backend#../}" | tr '/' '_').pair"
  { cat "$dir"/*.tf 2>/dev/null || true; printf '\n#---tfbackend---\n'; cat "$backend"; } > "$corpus/$name"
  n=$((n + 1))
done < <(find ../fixtures -type f -name '*.tfbackend' -print0)
echo "seeded $n inputs into fuzz/$corpus"
