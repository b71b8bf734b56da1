#!/usr/bin/env bash
# A short, bounded libFuzzer run of the reader for `make test` (clang only). The seeds are the
# golden and bad-input files; a longer run is `make fuzz FUZZ_SECONDS=600`.
set -u
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null 2>&1; then
  echo "0 passed, 0 failed"
  exit 0
fi
make -s build/fuzz_read >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
if build/fuzz_read -max_total_time="${FUZZ_SECONDS:-20}" -max_len=16384 -print_final_stats=0 \
     "$corpus" tests/golden tests/bad >"$corpus.log" 2>&1; then
  grep -E "^#[0-9]+.*DONE" "$corpus.log" | tail -1
  rm -f "$corpus.log"
  echo "1 passed, 0 failed"
else
  tail -40 "$corpus.log"
  rm -f "$corpus.log"
  echo "0 passed, 1 failed"
  exit 1
fi
