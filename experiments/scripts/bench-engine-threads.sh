#!/usr/bin/env bash
# Engine thread settings side by side: `lipreg bench norms` (small CNN, batch 2 and 64) with
# PyTorch's default threads, OMP_NUM_THREADS=1, two threads with OMP_WAIT_POLICY=PASSIVE, and one
# thread with PASSIVE; twice as the machine is, then once with one `yes` per core competing.
# Each setting is a fresh JVM (OpenMP reads its variables at start) and the settings take turns.
# Runs the jar directly, not through ./lipreg, whose OMP_WAIT_POLICY default would hide the
# engine's own default. Prints the load average before each run. Usage, from the repository root:
#   experiments/scripts/bench-engine-threads.sh > threads.txt
set -u
cd "$(dirname "$0")/../.."
./lipreg --version > /dev/null # builds the jar if the sources changed
jar=experiments/target/lipreg.jar
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_TOP_PAD_=67108864

run() { # label, then environment assignments
  local label=$1
  shift
  echo "=== $label | $(uptime | sed 's/.*load/load/')"
  env -u OMP_NUM_THREADS -u OMP_WAIT_POLICY "$@" java -Dai.djl.offline=true -Djava.awt.headless=true \
    -jar "$jar" bench norms --sections cnn --batch-sizes 2,64 --examples 20 --rounds 3 2>&1 | grep -v "round .* done"
}

settings() {
  run "$1 default"
  run "$1 OMP_NUM_THREADS=1" OMP_NUM_THREADS=1
  run "$1 2 threads PASSIVE" OMP_WAIT_POLICY=PASSIVE
  run "$1 OMP_NUM_THREADS=1 PASSIVE" OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
}

for rep in 1 2; do
  settings "as is #$rep"
done
echo "### competing load: one 'yes' per core ($(nproc)), stopped at the end (at most 900 s)"
pids=()
for _ in $(seq "$(nproc)"); do
  timeout 900 yes > /dev/null &
  pids+=($!)
done
settings "with yes"
kill "${pids[@]}" 2> /dev/null
wait "${pids[@]}" 2> /dev/null
