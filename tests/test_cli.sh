#!/usr/bin/env bash
# tests/test_cli.sh — `skillscore compute` as a user runs it (the sanitizer build).
#  - golden: tests/golden/NAME.in.json must print exactly tests/golden/NAME.out.json
#    (demo.out.json is the demo competition's);
#  - bad input: every tests/bad/NAME.json exits 2, prints nothing on stdout, and names the
#    record and field as tests/bad/NAME.err says;
#  - stdin, --table alignment, usage errors.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
BIN=${SKILLSCORE:-build/asan/skillscore}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
no() { fail=$((fail + 1)); echo "FAIL $*" >&2; }

golden() { # input expected
  if "$BIN" compute "$1" >"$tmp/out" 2>"$tmp/err" && cmp -s "$tmp/out" "$2"; then ok
  else no "golden $1"; diff "$2" "$tmp/out" | head -20 >&2; cat "$tmp/err" >&2; fi
}

for f in tests/golden/*.in.json; do golden "$f" "${f%.in.json}.out.json"; done
golden data/demo/competition.json tests/golden/demo.out.json

for f in tests/bad/*.json; do
  want=$(cat "${f%.json}.err")
  "$BIN" compute "$f" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$want" "$tmp/err"; then ok
  else no "bad input $f: exit $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(cat "$tmp/err")"; fi
done

# stdin gives the same bytes as the file
if "$BIN" compute - <data/demo/competition.json | cmp -s - tests/golden/demo.out.json; then ok
else no "compute - (stdin)"; fi

# --table: every row of a block puts its total at the same display column, CJK included
"$BIN" compute --table tests/golden/basic.in.json >"$tmp/table" 2>&1
if grep -q "张三" "$tmp/table" && grep -q "欧阳明月" "$tmp/table" &&
   [ "$(python3 -c '
import sys, unicodedata
rows = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if "T00" in l]
def width(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
ends = {width(l[: l.index(t) + len(t)]) for l in rows for t in ["88.40", "76.50"] if t in l}
print(len(ends))' "$tmp/table")" = 1 ]; then ok
else no "--table alignment"; cat "$tmp/table" >&2; fi

# --table with delegations: a 代表队 column after 姓名 (empty for an entry without one, H07),
# totals still aligned; without delegations (basic above) there is no such column
"$BIN" compute --table tests/golden/delegation_medals.in.json >"$tmp/deleg" 2>&1
if grep -q "^名次  编号  姓名     代表队  理论" "$tmp/deleg" && ! grep -q "代表队  理论" "$tmp/table" &&
   [ "$(python3 -c '
import sys, unicodedata
rows = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if " Q0" in l or " H0" in l]
def width(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
cells = {l.split()[1]: l.split()[3] for l in rows}
ends = {width(l[: l.index(".00") + 3]) for l in rows}
print(cells["Q01"], cells["H02"], cells["H07"], len(ends))' "$tmp/deleg")" = "昆明 昆明 - 1" ]; then ok
else no "--table 代表队 column"; cat "$tmp/deleg" >&2; fi

# usage errors: exit 2, nothing on stdout
for args in "" "compute" "compute --bogus x.json" "frobnicate" "compute a.json b.json"; do
  # shellcheck disable=SC2086
  "$BIN" $args >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ -s "$tmp/err" ]; then ok; else no "usage '$args' exit $rc"; fi
done
"$BIN" compute /nonexistent.json >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q "No such file" "$tmp/err"; then ok; else no "missing file"; fi

# an unknown field is a warning on stderr, not an error
sed 's/"team_size": 1,/"team_size": 1, "weigths": 3,/' tests/golden/basic.in.json >"$tmp/typo.json"
if "$BIN" compute "$tmp/typo.json" >"$tmp/out" 2>"$tmp/err" && grep -q 'events\[\].weigths: unknown field' "$tmp/err" &&
   cmp -s "$tmp/out" tests/golden/basic.out.json; then ok; else no "unknown field warning"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
