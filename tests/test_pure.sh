#!/usr/bin/env bash
# tests/test_pure.sh — the engine's purity check (scripts/check_pure.sh) passes on scoring/ as
# built, and fails on a copy of it that calls printf and malloc or holds a global.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

if scripts/check_pure.sh build/libscoring.a; then ok "scoring/ calls nothing outside its list"
else bad "scoring/ calls nothing outside its list"; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/impure.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int sc_impure_total(int x) { int *p = malloc(sizeof *p); printf("%d\n", x); free(p); return x; }
C
cat > "$tmp/global.c" <<'C'
int sc_counter;
int sc_count(void) { return ++sc_counter; }
C
for t in impure global; do
  gcc -c -O2 "$tmp/$t.c" -o "$tmp/$t.o"
  cp build/libscoring.a "$tmp/lib-$t.a"
  ar rs "$tmp/lib-$t.a" "$tmp/$t.o" 2>/dev/null
  out=$(scripts/check_pure.sh "$tmp/lib-$t.a" 2>&1)
  rc=$?
  case $t in
    impure) want="printf" ;;
    global) want="sc_counter" ;;
  esac
  if [ $rc -ne 0 ] && grep -q "$want" <<<"$out"; then ok "a scoring/ that uses $want is refused"
  else bad "a scoring/ that uses $want is refused (exit $rc: $out)"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
