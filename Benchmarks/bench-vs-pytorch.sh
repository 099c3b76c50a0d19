#!/usr/bin/env bash
# Side-by-side throughput of RedNAS and the PyTorch peer (../shared/peer, relative to the repo root),
# interleaved so the machine's load drifts equally over both: every case runs in `--rounds` rounds,
# each timing RedNAS and PyTorch back to back (which goes first alternates), and a case's ratio
# RedNAS / PyTorch is the median of its rounds' ratios (with their range). Also prints each engine's
# median img/s over the rounds and the peak resident memory.
#
# usage: Benchmarks/bench-vs-pytorch.sh [--cases top_C16N5,conv3_C16N5,top_C8N1] [--batches 64,256]
#                                             [--threads 2] [--rounds 3] [--min-seconds 4] [--out DIR]
# (--min-seconds is per timed run, so a case takes about 2 × rounds × min-seconds plus warm-up.)
# env:   PEER_DIR (default ../shared/peer), PEER_PYTHON (default ~/.cache/rednas-peer/.venv/bin/python),
#        TORCH_WAIT_SECONDS (default 900),
#        REDNAS_BINARY (a rednas to time instead of building .build/release/rednas)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEER="$(cd "${PEER_DIR:-$ROOT/../shared/peer}" 2>/dev/null && pwd)" || { echo "error: PyTorch peer not found at ${PEER_DIR:-$ROOT/../shared/peer} (set PEER_DIR)" >&2; exit 2; }
PY="${PEER_PYTHON:-$HOME/.cache/rednas-peer/.venv/bin/python}"
CASES="top_C16N5,conv3_C16N5,top_C8N1"; BATCHES="64,256"; THREADS=2; ROUNDS=3; MIN_SECONDS=4
OUT="$ROOT/.build/bench-vs-pytorch/$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) CASES="$2"; shift 2;;
    --batches) BATCHES="$2"; shift 2;;
    --threads) THREADS="$2"; shift 2;;
    --rounds) ROUNDS="$2"; shift 2;;
    --min-seconds) MIN_SECONDS="$2"; shift 2;;
    --out) OUT="$2"; shift 2;;
    *) echo "error: unknown argument '$1' (see the usage line at the top of $0)" >&2; exit 2;;
  esac
done
mkdir -p "$OUT"

# The peer's torch may still be installing: wait for it.
waited=0
until ls "$(dirname "$PY")"/../lib/python3*/site-packages/torch/__init__.py >/dev/null 2>&1; do
  if [ "$waited" -ge "${TORCH_WAIT_SECONDS:-900}" ]; then echo "error: no torch under $(dirname "$PY")/../lib after ${waited}s" >&2; exit 2; fi
  echo "waiting for torch in the peer venv ($PY)..." >&2; sleep 15; waited=$((waited + 15))
done

if [ -n "${REDNAS_BINARY:-}" ]; then
  REDNAS="$REDNAS_BINARY"
else
  echo "building rednas (release)..." >&2
  (cd "$ROOT" && swift build -c release --product rednas >&2)
  REDNAS="$ROOT/.build/release/rednas"
fi

# The machine: lscpu's model, RedNAS's CPU / OpenBLAS core / kernel summary and the sgemm peak.
lscpu | grep -E '^(Model name|Vendor ID|CPU family|Model):' > "$OUT/lscpu.txt" || true
echo "Vector flags: $(grep -o -w -E 'avx2|fma|avx512f|avx512_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')" >> "$OUT/lscpu.txt"
"$REDNAS" bench --machine --peak --json --threads "$THREADS" > "$OUT/machine.json"
cat "$OUT/lscpu.txt" "$OUT/machine.json" >&2

IFS=',' read -ra case_list <<< "$CASES"
IFS=',' read -ra batch_list <<< "$BATCHES"
run_rednas() {  # case batch round
  echo "== $1 B=$2 round $3: rednas" >&2
  "$REDNAS" bench --json --cases "$1" --batches "$2" --modes train,infer --threads "$THREADS" \
    --min-seconds "$MIN_SECONDS" | sed "s/^{/{\"round\": $3, /" >> "$OUT/rednas.jsonl"
}
run_torch() {  # case batch round
  echo "== $1 B=$2 round $3: torch" >&2
  /usr/bin/time -f "{\"config\": \"$1\", \"batch\": $2, \"peak_rss_kb\": %M}" -a -o "$OUT/torch-rss.jsonl" \
    "$PY" "$PEER/nb201_torch.py" bench --configs "$1" --batches "$2" --threads "$THREADS" \
    --min-time "$MIN_SECONDS" --min-reps 5 --warmup 2 --out "$OUT/torch-round.jsonl"
  sed "s/^{/{\"round\": $3, /" "$OUT/torch-round.jsonl" >> "$OUT/torch.jsonl"; rm "$OUT/torch-round.jsonl"
}
for c in "${case_list[@]}"; do
  for b in "${batch_list[@]}"; do
    for r in $(seq 1 "$ROUNDS"); do
      if [ $((r % 2)) -eq 1 ]; then run_rednas "$c" "$b" "$r"; run_torch "$c" "$b" "$r"
      else run_torch "$c" "$b" "$r"; run_rednas "$c" "$b" "$r"; fi
    done
  done
done

python3 - "$OUT" <<'PY'
import json, sys, os, statistics
out = sys.argv[1]
load = lambda f: [json.loads(l) for l in open(os.path.join(out, f)) if l.strip().startswith("{")]
def by_case(records):
    cases = {}
    for r in records: cases.setdefault((r["config"], r["batch"], r["mode"]), {})[r["round"]] = r
    return cases
red, tor = by_case(load("rednas.jsonl")), by_case(load("torch.jsonl"))
rss = {}
for r in load("torch-rss.jsonl"): rss[(r["config"], r["batch"])] = max(rss.get((r["config"], r["batch"]), 0), r["peak_rss_kb"] / 1024)
print(f"\nresults in {out}\n")
machine = json.loads(open(os.path.join(out, "machine.json")).read())
model = next((l.split(":", 1)[1].strip() for l in open(os.path.join(out, "lscpu.txt")) if l.startswith("Model name")), "?")
peak_gflops = machine.get("sgemm_peak_gflops", float("nan"))
print(f"lscpu model: {model}; RedNAS: OpenBLAS core {machine['openblas_core']} (chosen by {machine['openblas_core_source']}), "
      f"kernels {machine['kernels']}; sgemm 2048³ peak {peak_gflops:.1f} GFLOP/s\n")
print("| case | batch | mode | RedNAS img/s (round medians) | PyTorch img/s (round medians) | RedNAS / PyTorch: median (rounds) | RedNAS GFLOP/s (% of sgemm peak) | peak MiB RedNAS / PyTorch |")
print("|---|---|---|---|---|---|---|---|")
order = list(dict.fromkeys(k[0] for k in red))
fmt = lambda xs: "–".join(f"{x:.0f}" for x in (min(xs), max(xs))) if len(xs) > 1 else f"{xs[0]:.0f}"
for key in sorted(red, key=lambda k: (order.index(k[0]), k[1], k[2] != "train")):
    rounds = sorted(set(red[key]) & set(tor.get(key, {})))
    if not rounds: continue
    r = [red[key][i]["img_s_median"] for i in rounds]
    t = [tor[key][i]["img_s_median"] for i in rounds]
    ratios = [a / b for a, b in zip(r, t)]
    gflops = statistics.median(red[key][i]["gflops_median"] for i in rounds)
    peak = max(red[key][i].get("peak_rss_bytes", 0) for i in rounds) / 2**20
    print(f"| {key[0]} | {key[1]} | {key[2]} | {statistics.median(r):.1f} ({fmt(r)}) | {statistics.median(t):.1f} ({fmt(t)}) "
          f"| {statistics.median(ratios):.2f}× ({'–'.join(f'{x:.2f}' for x in (min(ratios), max(ratios)))}) "
          f"| {gflops:.1f} ({100 * gflops / peak_gflops:.0f} %) | {peak:.0f} / {rss.get(key[:2], float('nan')):.0f} |")
PY
