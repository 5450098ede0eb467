#!/usr/bin/env bash
# Seeds the fuzz corpus (git-ignored) from fixtures/: every fixture file alone, and every
# module that has a partial .tfbackend file as its .tf files joined with that file after the
# separator line the target splits on (see src/lib.rs), and every file that runs `terraform init`
# after the init separator.
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
# Files that run `terraform init`, after the separator and the byte choosing their kind
# (INIT_KINDS in src/lib.rs: 0 script, 1 workflow, 2 GitLab CI, 3 Makefile, 4 justfile, 5 Taskfile).
while IFS= read -r -d '' source; do
  case "$source" in
    *.sh) kind='\x00' ;;
    */.github/workflows/*) kind='\x01' ;;
    *.gitlab-ci.yml) kind='\x02' ;;
    */Makefile) kind='\x03' ;;
    */justfile) kind='\x04' ;;
    */Taskfile.yml) kind='\x05' ;;
    *) continue ;;
  esac
  name="$(echo "${source#../}" | tr '/' '_').init"
  { printf 'terraform {\n  backend "s3" {}\n}\n#---init---\n'; printf "$kind"; cat "$source"; } > "$corpus/$name"
  n=$((n + 1))
done < <(find ../fixtures/init ../fixtures/rules/TFB002 ../fixtures/rules/TFB403 ../fixtures/secrets -type f -print0)
echo "seeded $n inputs into fuzz/$corpus"
