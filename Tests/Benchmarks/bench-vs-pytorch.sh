#!/usr/bin/env bash
# Side-by-side throughput of RedNAS and the PyTorch peer (../shared/peer, relative to the repo root),
# interleaved case by case (rednas case, torch case, rednas case, ...) so the machine's load drifts
# equally over both; prints the ratio RedNAS / PyTorch per case and the peak resident memory.
#
# usage: Tests/Benchmarks/bench-vs-pytorch.sh [--cases top_C16N5,conv3_C16N5,top_C8N1] [--batches 64,256]
#                                             [--threads 2] [--min-seconds 10] [--out DIR]
# env:   PEER_PYTHON (default ~/.cache/rednas-peer/.venv/bin/python), TORCH_WAIT_SECONDS (default 900)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEER="$(cd "$ROOT/../shared/peer" 2>/dev/null && pwd)" || { echo "error: PyTorch peer not found at $ROOT/../shared/peer" >&2; exit 2; }
PY="${PEER_PYTHON:-$HOME/.cache/rednas-peer/.venv/bin/python}"
CASES="top_C16N5,conv3_C16N5,top_C8N1"; BATCHES="64,256"; THREADS=2; MIN_SECONDS=10
OUT="$ROOT/.build/bench-vs-pytorch/$(date +%Y%m%d-%H%M%S)"
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) CASES="$2"; shift 2;;
    --batches) BATCHES="$2"; shift 2;;
    --threads) THREADS="$2"; shift 2;;
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

echo "building rednas (release)..." >&2
(cd "$ROOT" && swift build -c release --product rednas >&2)
REDNAS="$ROOT/.build/release/rednas"

IFS=',' read -ra case_list <<< "$CASES"
IFS=',' read -ra batch_list <<< "$BATCHES"
for c in "${case_list[@]}"; do
  for b in "${batch_list[@]}"; do
    echo "== $c B=$b: rednas" >&2
    "$REDNAS" bench --json --cases "$c" --batches "$b" --modes train,infer --threads "$THREADS" \
      --min-seconds "$MIN_SECONDS" >> "$OUT/rednas.jsonl"
    echo "== $c B=$b: torch" >&2
    /usr/bin/time -f "{\"config\": \"$c\", \"batch\": $b, \"peak_rss_kb\": %M}" -a -o "$OUT/torch-rss.jsonl" \
      "$PY" "$PEER/nb201_torch.py" bench --configs "$c" --batches "$b" --threads "$THREADS" \
      --min-time "$MIN_SECONDS" --min-reps 5 --warmup 2 --out "$OUT/torch.jsonl"
  done
done

python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
load = lambda f: [json.loads(l) for l in open(os.path.join(out, f)) if l.strip().startswith("{")]
red = {(r["config"], r["batch"], r["mode"]): r for r in load("rednas.jsonl")}
tor = {(r["config"], r["batch"], r["mode"]): r for r in load("torch.jsonl")}
rss = {(r["config"], r["batch"]): r["peak_rss_kb"] / 1024 for r in load("torch-rss.jsonl")}
print(f"\nresults in {out}\n")
print("| case | batch | mode | RedNAS img/s (min–max) | PyTorch img/s (min–max) | RedNAS / PyTorch | RedNAS GFLOP/s | peak MiB RedNAS / PyTorch |")
print("|---|---|---|---|---|---|---|---|")
for key in sorted(red, key=lambda k: (list(dict.fromkeys(r[0] for r in red)).index(k[0]), k[1], k[2] != "train")):
    r, t = red[key], tor.get(key)
    if t is None: continue
    mem = f"{r.get('peak_rss_bytes', 0) / 2**20:.0f} / {rss.get(key[:2], float('nan')):.0f}"
    print(f"| {key[0]} | {key[1]} | {key[2]} | {r['img_s_median']:.1f} ({r['img_s_min']:.1f}–{r['img_s_max']:.1f}) "
          f"| {t['img_s_median']:.1f} ({t['img_s_min']:.1f}–{t['img_s_max']:.1f}) "
          f"| {r['img_s_median'] / t['img_s_median']:.2f}× | {r['gflops_median']:.1f} | {mem} |")
PY
