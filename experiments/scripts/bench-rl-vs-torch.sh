#!/usr/bin/env bash
# SAC updates per second, lipreg vs PyTorch eager, side by side: PAIRS times, one lipreg run
# (`lipreg bench rl --sections sac`) then one PyTorch run (sac_update_torch.py), each one round
# of UPDATES updates after its warm-up, both with one intra-op thread. Prints every pair, the
# medians, their ratio and the load average before and after.
#
# BASELINE=DIR (a copy of an earlier build's experiments/target/lipreg.jar and lib/) adds that
# build to every round, for before/after figures of a change.
#
# Usage (repo root): [BASELINE=DIR] experiments/scripts/bench-rl-vs-torch.sh [PAIRS=5] [UPDATES=100]
# Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
pairs=${1:-5}
updates=${2:-100}
python=${PYTHON:-/usr/bin/python3}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# The launcher's settings, for the baseline jar run without it.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}" MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-67108864}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./lipreg --version > /dev/null # builds the jar first if the sources changed
sac_rate() { awk -F, '$1 == "sac" {printf "%.2f", $4}' "$1/rl.csv"; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
lipreg=() torch=() base=()
for i in $(seq "$pairs"); do
  if [ -n "${BASELINE:-}" ]; then
    java -Dai.djl.offline=true -jar "$BASELINE/lipreg.jar" bench rl --sections sac --rounds 1 --updates "$updates" \
      --out "$work/base$i" > "$work/base$i.log" 2>&1
    base+=("$(sac_rate "$work/base$i")")
  fi
  ./lipreg bench rl --sections sac --rounds 1 --updates "$updates" --out "$work/$i" > "$work/$i.log" 2>&1
  lipreg+=("$(sac_rate "$work/$i")")
  torch+=("$("$python" experiments/scripts/sac_update_torch.py --rounds 1 --updates "$updates" | awk -F, '$1 == "median" {print $3}')")
  echo "round $i: lipreg ${lipreg[-1]}${BASELINE:+, baseline ${base[-1]}}, torch ${torch[-1]} updates/s"
done
grep -h "engine threads" "$work/1/bench.md" | sed 's/^### /lipreg: /'
"$python" experiments/scripts/sac_update_torch.py --rounds 0 --updates 1 | head -1 | sed 's/^# /torch: /'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" - "${lipreg[*]}" "${torch[*]}" "${base[*]:-}" <<'PY'
import statistics, sys
l = statistics.median(float(x) for x in sys.argv[1].split())
t = statistics.median(float(x) for x in sys.argv[2].split())
print("median updates/s: lipreg %.1f, torch %.1f, lipreg/torch %.2f" % (l, t, l / t))
if sys.argv[3].strip():
    b = statistics.median(float(x) for x in sys.argv[3].split())
    print("baseline %.1f updates/s, lipreg/baseline %.2f" % (b, l / b))
PY
