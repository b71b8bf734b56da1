#!/usr/bin/env bash
# tests/run.sh — runs every suite of `make test` and ends with the total "N passed, N failed".
# Each suite prints its own "N passed, N failed" last; a suite that crashes or prints no such
# line counts as one failure.
set -u
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0

suite() { # name command...
  local name=$1 out rc line p f t0=$SECONDS
  shift
  out=$("$@" 2>&1)
  rc=$?
  local took=$((SECONDS - t0))
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
  if [ -z "$line" ]; then
    p=0 f=1
  else
    p=${line%% passed*}
    f=${line#*passed, }
    f=${f%% failed*}
    [ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
  fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  if [ "$f" -ne 0 ]; then
    printf '%s\n' "$out" | tail -40
    echo "suite $name: $p passed, $f failed (exit $rc, ${took} s)"
  else
    echo "suite $name: $p passed (${took} s)"
  fi
}

for t in build/asan/test_*; do
  suite "$(basename "$t")" "$t"
done
suite purity tests/test_pure.sh
suite cli tests/test_cli.sh
suite server python3 tests/server/test_server.py
suite live python3 tests/server/test_live.py
suite appeals python3 tests/server/test_appeals.py
suite relay python3 tests/server/test_relay.py
suite hostile python3 tests/server/test_hostile.py
suite standby python3 tests/server/test_standby.py
suite day python3 tests/server/test_day.py
suite review python3 tests/server/test_review.py
suite reports python3 tests/reports/test_reports.py
suite rules-reports python3 tests/reports/test_local_rules.py
suite xlsx python3 tests/server/test_xlsx.py
suite worldskills python3 tests/server/test_worldskills.py
suite analytics python3 tests/server/test_analytics.py
# playwright-core from npm, pinned by tests/browser/package-lock.json
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
for t in tests/browser/*.test.js; do
  suite "browser/$(basename "$t" .test.js)" node "$t"
done
if [ -x build/fuzz_read ] || command -v clang >/dev/null 2>&1; then
  suite fuzz tests/fuzz/run_short.sh
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
