#!/usr/bin/env bash
# Runs Configs/fashion-mnist-asha.yaml (successive halving) and Configs/fashion-mnist-full.yaml (no
# scheduler) at the same epoch budget for each seed, two runs at a time (one thread each), then
# prints one line per run: the answer's test accuracy and MSRS, epochs and seconds used.
#
#   scripts/scheduler-study.sh OUT_DIR [SEED ...]        (default seeds: 1 2 3)
#
# REDNAS=path picks the binary (default .build/release/rednas). A run directory that exists is
# resumed, so the script can be run again after an interruption.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: scripts/scheduler-study.sh OUT_DIR [SEED ...]}"; shift
seeds=("$@"); [ $# -eq 0 ] && seeds=(1 2 3)
rednas="${REDNAS:-.build/release/rednas}"
mkdir -p "$out"
run() {  # config name, seed
  local dir="$out/$1-seed$2"
  if [ -f "$dir/config.yaml" ]; then "$rednas" resume "$dir" --quiet
  else "$rednas" search --config "Configs/fashion-mnist-$1.yaml" --run-dir "$dir" --quiet --set seed="$2" --set threads=1; fi
}
for seed in "${seeds[@]}"; do
  run asha "$seed" > "$out/asha-seed$seed.log" 2>&1 &
  run full "$seed" > "$out/full-seed$seed.log" 2>&1 &
  wait
done
printf '%-6s %-5s %8s %8s %6s %8s %7s %8s %s\n' config seed valid test msrs epochs cands seconds answer
for seed in "${seeds[@]}"; do
  for name in asha full; do
    dir="$out/$name-seed$seed"
    "$rednas" export "$dir" > /dev/null 2>&1
    python3 - "$dir" "$name" "$seed" <<'PY'
import json, sys
d, name, seed = sys.argv[1:]
e = json.load(open(d + "/export.json"))
lines = [json.loads(l) for l in open(d + "/journal.jsonl") if l.strip()]
records = [l for l in lines if "journal" not in l]
seconds = sum(r["seconds"] for r in records)
epochs, reached = 0, {}
for r in records:
    c = r.get("candidate", r["number"])
    epochs += r["metrics"]["epochs"] - reached.get(c, 0)
    reached[c] = r["metrics"]["epochs"]
print(f"{name:6} {seed:5} {e['valid_accuracy']:8.2f} {e['test_accuracy']:8.2f} {e['msrs_normalized']:6.3f} "
      f"{epochs:8d} {len(reached):7d} {seconds:8.0f} #{e['candidate']} index {e['index']} ({e['epochs']} ep)")
PY
  done
done
