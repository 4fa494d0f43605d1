#!/usr/bin/env bash
# SAC updates per second, lipreg vs PyTorch eager, side by side: PAIRS times, one lipreg run
# (`lipreg bench rl --sections sac`) then one PyTorch run (sac_update_torch.py), each one round
# of UPDATES updates after its warm-up, both with one intra-op thread. Prints every pair, the
# medians, their ratio and the load average before and after.
#
# Usage (repo root): experiments/scripts/bench-rl-vs-torch.sh [PAIRS=5] [UPDATES=100]
# Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
pairs=${1:-5}
updates=${2:-100}
python=${PYTHON:-/usr/bin/python3}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
lipreg=() torch=()
for i in $(seq "$pairs"); do
  ./lipreg bench rl --sections sac --rounds 1 --updates "$updates" --out "$work/$i" > "$work/$i.log" 2>&1
  l=$(awk -F, '$1 == "sac" {printf "%.2f", $4}' "$work/$i/rl.csv")
  t=$("$python" experiments/scripts/sac_update_torch.py --rounds 1 --updates "$updates" | awk -F, '$1 == "median" {print $3}')
  echo "pair $i: lipreg $l updates/s, torch $t updates/s"
  lipreg+=("$l") torch+=("$t")
done
grep -h "engine threads" "$work/1/bench.md" | sed 's/^### /lipreg: /'
"$python" experiments/scripts/sac_update_torch.py --rounds 0 --updates 1 | head -1 | sed 's/^# /torch: /'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "${lipreg[*]}" "${torch[*]}" <<'PY'
import statistics, sys
l = statistics.median(float(x) for x in sys.argv[1].split())
t = statistics.median(float(x) for x in sys.argv[2].split())
print("median updates/s: lipreg %.1f, torch %.1f, lipreg/torch %.2f" % (l, t, l / t))
PY
