#!/usr/bin/env bash
# Reproduces tfblint's performance figures (see benches/README.md).
#
#   bash benches/run.sh
#
# Environment:
#   TFBLINT_BENCH_SIZES   corpus sizes in files (default "1000 10000 50000")
#   TFBLINT_BENCH_SEED    generator seed (default 42)
#   TFBLINT_BENCH_RESULTS directory to copy hyperfine JSON and the table into
#   TFBLINT_BIN           linter binary (default "$CARGO_TARGET_DIR/release/tfblint",
#                         built by this script; when set, nothing is built for it)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

target_dir=${CARGO_TARGET_DIR:-target}
read -r -a sizes <<<"${TFBLINT_BENCH_SIZES:-1000 10000 50000}"
seed=${TFBLINT_BENCH_SEED:-42}
warmup=3

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'benches/run.sh: %s\n' "$*" >&2
    exit 1
}

((${#sizes[@]} > 0)) || die "TFBLINT_BENCH_SIZES is empty"
for n in "${sizes[@]}"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "bad corpus size '$n' in TFBLINT_BENCH_SIZES"
done

# --- tools -------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]} > 0)); then
    if [[ $(id -u) -eq 0 ]]; then
        apt=(apt-get)
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        apt=(sudo apt-get)
    else
        die "missing ${missing[*]}; install with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${apt[@]}" update -qq
    "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null
fi

# --- build ---------------------------------------------------------------------
if [[ -z ${TFBLINT_BIN:-} ]]; then
    log "cargo build --release"
    cargo build --release --bin tfblint
    bin=$target_dir/release/tfblint
else
    bin=$TFBLINT_BIN
fi
command -v "$bin" >/dev/null 2>&1 || die "linter binary '$bin' not found"
if [[ $bin == */* ]]; then
    bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
fi
log "cargo build --release --example gen_corpus"
cargo build --release --example gen_corpus
gen=$target_dir/release/examples/gen_corpus
[[ -x $gen ]] || die "generator '$gen' was not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tfblint-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- corpora -------------------------------------------------------------------
for n in "${sizes[@]}"; do
    log "generating $n files (seed $seed)"
    "$gen" --out "$tmp/corpus-$n" --files "$n" --seed "$seed"
    log "reshaping them into a monorepo of $n files"
    python3 benches/monorepo.py "$tmp/corpus-$n" "$tmp/monorepo-$n" "$n" "$seed"
    log "making a git repository of them whose CI passes -backend-config"
    python3 benches/ci_repo.py "$tmp/corpus-$n" "$tmp/ci-repo-$n"
done
cases=(corpus monorepo ci-repo)

# hyperfine -N splits the command line itself, so quote words for it.
q() { printf '%q' "$1"; }
hf=(hyperfine --warmup "$warmup" --ignore-failure --style basic)
if hyperfine --help 2>&1 | grep -qE -- '(^|[[:space:]])-N([,[:space:]]|$)'; then
    hf_noshell=(-N)
else
    hf_noshell=()
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- directory runs ----------------------------------------------------------
for case in "${cases[@]}"; do
    for n in "${sizes[@]}"; do
        dir=$tmp/$case-$n
        log "timing $case, $n files"
        "${hf[@]}" "${hf_noshell[@]}" --export-json "$tmp/dir-$case-$n.json" \
            --command-name "tfblint --format json ($case, $n files)" \
            "$(q "$bin") --format json $(q "$dir")" \
            --command-name "rg -l -g '*.tf' backend ($case, $n files)" \
            "rg -l -g $(q '*.tf') backend $(q "$dir")"

        log "peak memory, $case, $n files"
        rc=0
        /usr/bin/time -v -o "$tmp/time-$case-$n.txt" "$bin" --format json "$dir" >/dev/null 2>&1 || rc=$?
        # 1 means "found errors", which the corpus is built to contain.
        ((rc <= 1)) || log "warning: tfblint exited $rc on the $case of $n files"
    done
done

# --- editor case: one buffer on stdin ------------------------------------------
stdin_corpus=${sizes[0]}
for n in "${sizes[@]}"; do
    if ((n == 10000)); then stdin_corpus=$n; fi
done
# The generated main.tf whose length is closest to 200 lines (first 500 looked at).
sample=$(
    python3 - "$tmp/corpus-$stdin_corpus" <<'PY'
import os, sys
root = sys.argv[1]
found = []
for dirpath, dirnames, filenames in os.walk(root):
    dirnames.sort()
    if "main.tf" in filenames:
        found.append(os.path.join(dirpath, "main.tf"))
found.sort()
best = min(found[:500], key=lambda p: (abs(sum(1 for _ in open(p)) - 200), p))
print(best)
PY
)
sample_lines=$(wc -l <"$sample")
log "timing --stdin-filename with a $sample_lines-line buffer"
stdin_note=""
if hyperfine --help 2>&1 | grep -q -- '--input'; then
    "${hf[@]}" "${hf_noshell[@]}" --input "$sample" --export-json "$tmp/stdin.json" \
        --command-name "tfblint --stdin-filename main.tf - ($sample_lines lines)" \
        "$(q "$bin") --stdin-filename $(q "$sample") -"
else
    # Older hyperfine (Debian bookworm ships 1.15) has no --input: let bash
    # redirect stdin. hyperfine subtracts its measured shell start-up time, so
    # this figure is noisier than the -N runs.
    stdin_note=" (hyperfine has no --input here: ran via bash -c '... < FILE', shell start-up subtracted)"
    "${hf[@]}" --shell=bash --export-json "$tmp/stdin.json" \
        --command-name "tfblint --stdin-filename main.tf - ($sample_lines lines)" \
        "$(q "$bin") --stdin-filename $(q "$sample") - < $(q "$sample")"
fi

# --- report ----------------------------------------------------------------------
table=$tmp/results.md
python3 - "$tmp" "$sample_lines" "$stdin_note" "${sizes[@]}" >"$table" <<'PY'
import json, os, re, sys

tmp, sample_lines, stdin_note, sizes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
cases = ["corpus", "monorepo", "ci-repo"]

def results(name):
    with open(os.path.join(tmp, name)) as f:
        return json.load(f)["results"]

def peak_rss_mb(case, n):
    path = os.path.join(tmp, f"time-{case}-{n}.txt")
    if not os.path.exists(path):
        return "n/a"
    with open(path) as f:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
    return f"{int(m.group(1)) / 1024:.1f}" if m else "n/a"

print("| case | files | tfblint mean (ms) | rg -l mean (ms) | tfblint / rg | files/s | peak RSS (MB) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for case in cases:
    for n in sizes:
        lint, rg = results(f"dir-{case}-{n}.json")
        lm, rm = lint["mean"], rg["mean"]
        print(
            f"| {case} | {int(n):,} | {lm * 1e3:.1f} ± {lint['stddev'] * 1e3:.1f} "
            f"| {rm * 1e3:.1f} ± {rg['stddev'] * 1e3:.1f} | {lm / rm:.2f}x "
            f"| {int(n) / lm:,.0f} | {peak_rss_mb(case, n)} |"
        )
s = results("stdin.json")[0]
print()
print(
    f"Single file on stdin (`--stdin-filename`, {sample_lines} lines): "
    f"{s['mean'] * 1e3:.2f} ± {s['stddev'] * 1e3:.2f} ms{stdin_note}"
)
PY

{
    echo
    echo "## tfblint benchmark"
    echo
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown)"
    echo "- tfblint: $("$bin" --version 2>/dev/null | sed -n 1p || echo unknown) ($bin)"
    echo "- $(hyperfine --version | sed -n 1p), $(rg --version | sed -n 1p)"
    echo "- corpus: examples/gen_corpus.rs, seed $seed; monorepo: benches/monorepo.py over it; warmup $warmup; page cache warm"
    echo "- load average before the runs: $load_before"
    echo
    cat "$table"
}

if [[ -n ${TFBLINT_BENCH_RESULTS:-} ]]; then
    mkdir -p "$TFBLINT_BENCH_RESULTS"
    cp "$tmp"/*.json "$tmp"/results.md "$TFBLINT_BENCH_RESULTS"/
    cp "$tmp"/time-*.txt "$TFBLINT_BENCH_RESULTS"/ 2>/dev/null || true
    log "results copied to $TFBLINT_BENCH_RESULTS"
fi
