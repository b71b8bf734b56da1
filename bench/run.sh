#!/usr/bin/env bash
# bench/run.sh — the scoring benchmarks of docs/performance.md. Run with `make bench`.
#  1. recompute of one (event, group) of 1,000 entries × 10 criteria × 5 judges (50,000 marks):
#     what the server does after every mark; median and p99 over 500 recomputes.
#  2. `skillscore compute` end to end on a 1,000,000-mark file: wall time and peak memory
#     (max RSS) against the file's size, best and median of 5 runs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"

command -v /usr/bin/time >/dev/null || { echo "installing time(1)" >&2; apt-get install -y -qq time >/dev/null; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo

echo "== 1. one-group recompute (1,000 entries x 10 criteria x 5 judges)"
build/gen 1 2000 10 5 > "$out/group.json"
build/bench_group "$out/group.json" E000 职工组 500
echo

echo "== 2. compute end to end, 1,000,000 marks (20 events x 1,000 entries x 10 criteria x 5 judges)"
build/gen 20 1000 10 5 > "$out/big.json"
size=$(stat -c %s "$out/big.json")
echo "file: $size bytes ($((size / 1048576)) MiB), $(grep -c '"criterion"' "$out/big.json") marks"
for i in 1 2 3 4 5; do
  /usr/bin/time -f "%e %M" build/skillscore compute "$out/big.json" 2>>"$out/times" >/dev/null
done
sort -n "$out/times" | awk -v size="$size" '
  { t[NR] = $1; m[NR] = $2 }
  END {
    printf "wall: best %.2f s, median %.2f s, worst %.2f s\n", t[1], t[3], t[5];
    max = 0; for (i = 1; i <= NR; i++) if (m[i] > max) max = m[i];
    printf "peak memory: %.0f MiB = %.2f x the file size\n", max / 1024, max * 1024 / size;
  }'
rm -f "$out/times"
