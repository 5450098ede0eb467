#!/usr/bin/env bash
# Builds the Python wheel (maturin, `bindings = "bin"`: the `tfblint` executable and nothing
# else) from this checkout, installs it in a fresh virtual environment, and runs the README's
# quick-start lint command with the installed `tfblint`: its output must be the one the README
# shows. Installs maturin from the Python package registry when it is missing.
#
#   scripts/check-wheel.sh [OUT_DIR]     (default target/wheels; the wheel is left there)
#
# The release build lands in the workspace's target/ (maturin runs cargo there), so a later
# `cargo install --path .` or `cargo build --release` reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/wheels}"
python="${PYTHON:-python3}"

maturin=maturin
if ! command -v maturin >/dev/null 2>&1; then
  # In a virtual environment of its own: a system Python may refuse `pip install` (PEP 668).
  "$python" -m venv target/maturin-venv
  target/maturin-venv/bin/python -m pip install --quiet --disable-pip-version-check 'maturin>=1.9,<2.0'
  maturin=target/maturin-venv/bin/maturin
fi

mkdir -p "$out"
rm -f "$out"/tfblint-*.whl
"$maturin" build --release --locked --out "$out"
wheels=("$out"/tfblint-*.whl)
if [ "${#wheels[@]}" -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
  echo "check-wheel: expected one wheel in $out, found: ${wheels[*]}" >&2
  exit 1
fi
wheel="${wheels[0]}"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

# The wheel holds the executable, the licenses and the metadata: no Python code.
"$python" - "$wheel" "$version" <<'PY'
import sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
names = sorted(zipfile.ZipFile(wheel).namelist())
data, info = f"tfblint-{version}.data/", f"tfblint-{version}.dist-info/"
allowed = {
    data + "scripts/tfblint", data + "scripts/tfblint.exe",
    info + "METADATA", info + "WHEEL", info + "RECORD",
    info + "licenses/LICENSE-MIT", info + "licenses/LICENSE-APACHE",
}
# maturin also writes a software bill of materials (CycloneDX) into the metadata.
extra = [n for n in names if n not in allowed and not n.startswith(info + "sboms/")]
missing = [n for n in (data + "scripts/tfblint", info + "licenses/LICENSE-MIT",
                       info + "licenses/LICENSE-APACHE") if n not in names]
if extra or missing:
    sys.exit(f"check-wheel: {wheel}: unexpected {extra}, missing {missing}")
meta = zipfile.ZipFile(wheel).read(info + "METADATA").decode()
for field in ("Name: tfblint", f"Version: {version}", "Requires-Python: >=3.8",
              "License-Expression: MIT OR Apache-2.0", "Project-URL: Repository, ",
              "Summary: A static linter", "Classifier: Programming Language :: Rust"):
    if field not in meta:
        sys.exit(f"check-wheel: METADATA lacks `{field}`")
print(f"check-wheel: {wheel}: {len(names)} files, no Python code")
PY

venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
tfblint="$venv/bin/tfblint"
[ -x "$tfblint" ] || { echo "check-wheel: the wheel installed no $tfblint" >&2; exit 1; }
"$tfblint" --version | grep -qx "tfblint $version" \
  || { echo "check-wheel: $("$tfblint" --version) is not tfblint $version" >&2; exit 1; }

# The README's quick start: its first command (`cargo run --release -- ARGS`) is run as
# `tfblint ARGS`, and its output compared with the README's `text` block, trailing spaces aside.
section=$(awk '/^## /{on = ($0 == "## Quick start")} on' README.md)
command=$(printf '%s\n' "$section" | awk '/^```sh$/{on=1; next} on{print; exit}')
command=${command%%#*}
command=${command%"${command##*[![:space:]]}"}
case "$command" in
  "cargo run --release -- "*) args=${command#cargo run --release -- } ;;
  *) echo "check-wheel: the quick start's first command is not \`cargo run --release -- …\`: $command" >&2; exit 1 ;;
esac
expected=$(printf '%s\n' "$section" | awk '/^```text$/{on=1; next} /^```$/{if (on) exit} on' | sed 's/[[:space:]]*$//')
read -r -a words <<<"$args"
actual=$(NO_COLOR=1 "$tfblint" "${words[@]}" | sed 's/[[:space:]]*$//')
if [ "$actual" != "$expected" ]; then
  echo "check-wheel: \`tfblint $args\` from the wheel printed:" >&2
  printf '%s\n' "$actual" >&2
  echo "check-wheel: the README shows:" >&2
  printf '%s\n' "$expected" >&2
  exit 1
fi
echo "check-wheel: ok: $wheel installs tfblint $version; \`tfblint $args\` prints the README's output"
