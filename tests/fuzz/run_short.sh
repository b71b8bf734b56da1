#!/usr/bin/env bash
# Short, bounded libFuzzer runs of the reader, the CSV and .xlsx parsers, certificate number patterns and
# verification addresses for `make test` (clang only). The seeds are the
# golden and bad-input files; a longer run is `make fuzz FUZZ_SECONDS=600`.
set -u
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null 2>&1; then
  echo "0 passed, 0 failed"
  exit 0
fi
pass=0 fail=0
run() { # target seconds seeds...
  local target=$1 secs=$2 corpus
  shift 2
  if ! make -s "build/$target" >/dev/null; then fail=$((fail + 1)); return; fi
  corpus=$(mktemp -d)
  if "build/$target" -max_total_time="$secs" -max_len=16384 -print_final_stats=0 \
       "$corpus" "$@" >"$corpus.log" 2>&1; then
    echo "$target: $(grep -E "^#[0-9]+.*DONE" "$corpus.log" | tail -1)"
    pass=$((pass + 1))
  else
    tail -40 "$corpus.log"
    fail=$((fail + 1))
  fi
  rm -rf "$corpus" "$corpus.log"
}
run fuzz_read "${FUZZ_SECONDS:-20}" tests/golden tests/bad
run fuzz_csv "${FUZZ_CSV_SECONDS:-10}" tests/fuzz/csv-seeds
run fuzz_xlsx "${FUZZ_XLSX_SECONDS:-10}" tests/fuzz/xlsx-seeds
run fuzz_pattern "${FUZZ_PATTERN_SECONDS:-10}" tests/fuzz/pattern-seeds
run fuzz_base "${FUZZ_BASE_SECONDS:-5}" tests/fuzz/base-seeds
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
