#!/usr/bin/env bash
# SAC updates and MBPO dynamics-model steps per second, lipreg vs PyTorch eager, side by side:
# PAIRS times, one lipreg run (`lipreg bench rl`, both sections) then one PyTorch run
# (sac_update_torch.py --sections sac,mbpo-model), each one round of UPDATES updates per section
# after its warm-up, both with one intra-op thread. Prints every pair, the medians, their ratios
# and the load average before and after.
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
# updates/s is the third column from the end (the networks column may hold a quoted comma)
rate() { awk -F, -v s="$2" '$1 == s {printf "%.2f", $(NF - 2)}' "$1/rl.csv"; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
lipreg=() torch=() base=() lipreg_model=() torch_model=() base_model=()
for i in $(seq "$pairs"); do
  if [ -n "${BASELINE:-}" ]; then
    java -Dai.djl.offline=true -jar "$BASELINE/lipreg.jar" bench rl --rounds 1 --updates "$updates" \
      --out "$work/base$i" > "$work/base$i.log" 2>&1
    base+=("$(rate "$work/base$i" sac)") base_model+=("$(rate "$work/base$i" mbpo-model)")
  fi
  ./lipreg bench rl --rounds 1 --updates "$updates" --out "$work/$i" > "$work/$i.log" 2>&1
  lipreg+=("$(rate "$work/$i" sac)") lipreg_model+=("$(rate "$work/$i" mbpo-model)")
  "$python" experiments/scripts/sac_update_torch.py --rounds 1 --updates "$updates" --sections sac,mbpo-model \
    > "$work/torch$i.log"
  torch+=("$(awk -F, '$1 == "median" && $2 == "torch" {print $3}' "$work/torch$i.log")")
  torch_model+=("$(awk -F, '$1 == "median" && $2 == "mbpo-model" {print $3}' "$work/torch$i.log")")
  echo "round $i: SAC lipreg ${lipreg[-1]}${BASELINE:+, baseline ${base[-1]}}, torch ${torch[-1]} updates/s;" \
    "MBPO model lipreg ${lipreg_model[-1]}${BASELINE:+, baseline ${base_model[-1]}}, torch ${torch_model[-1]} steps/s"
done
grep -h "engine threads" "$work/1/bench.md" | sed 's/^### /lipreg: /'
"$python" experiments/scripts/sac_update_torch.py --rounds 0 --updates 1 | head -1 | sed 's/^# /torch: /'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
report() {
"$python" - "$@" <<'PY'
import statistics, sys
what, l, t, b = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
l = statistics.median(float(x) for x in l.split())
t = statistics.median(float(x) for x in t.split())
print("%s median per second: lipreg %.1f, torch %.1f, lipreg/torch %.2f" % (what, l, t, l / t))
if b.strip():
    b = statistics.median(float(x) for x in b.split())
    print("%s baseline %.1f per second, lipreg/baseline %.2f" % (what, b, l / b))
PY
}
report "SAC update" "${lipreg[*]}" "${torch[*]}" "${base[*]:-}"
report "MBPO model step" "${lipreg_model[*]}" "${torch_model[*]}" "${base_model[*]:-}"
