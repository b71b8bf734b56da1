#!/usr/bin/env bash
# scripts/check_pure.sh ARCHIVE — the scoring engine is pure (no I/O, no allocation, no
# globals, no clock): every symbol its objects take from outside must be on the list below.
# Exits 1 naming each symbol that is not, so `make test` fails when scoring/ grows a dependency.
set -euo pipefail
lib=$1
# Text and buffers only: comparing, copying, measuring, formatting into a caller's buffer.
allowed="memcmp memcpy memmove memset strcmp strncmp strlen strchr snprintf"
defined=$(nm --defined-only "$lib" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u)
# Sanitizer and stack-protector hooks are the compiler's, not the code's.
undefined=$(nm -u "$lib" | awk '{print $2}' | grep -v -E '^(__asan_|__ubsan_|__sanitizer_|__stack_chk_fail$)' | sort -u || true)
bad=0
for sym in $undefined; do
  if grep -qx -- "$sym" <<<"$defined"; then continue; fi
  case " $allowed " in *" $sym "*) continue ;; esac
  echo "scoring/ must stay pure, but it calls $sym" >&2
  bad=1
done
# Writable data at file scope is a global: objects in .data or .bss (read-only tables of
# pointers sit in .data.rel.ro and are fine).
globals=$(objdump -t "$lib" | awk '$3 == "O" && ($4 == ".data" || $4 == ".bss") {print $NF}
                                    $2 == "O" && ($3 == ".data" || $3 == ".bss") {print $NF}' | sort -u)
for g in $globals; do
  echo "scoring/ must stay pure, but it has the global $g" >&2
  bad=1
done
exit $bad
