#!/usr/bin/env bash
# Installs the Debian packages skillscore needs that are not installed yet. Used by `make`,
# `make test` and `make run`, so the README's two commands work on a fresh Debian 12 machine.
# Usage: scripts/deps.sh build|test|run
set -euo pipefail

# binutils: ld links the demo file into the binary. libwebsockets-dev, libsqlite3-dev,
# libsodium-dev and libssl-dev (libcrypto, SHA-256, HMAC) are the server's libraries.
# libuv1-dev and libwebsockets-evlib-uv: lws's libuv (epoll) event loop, the server's default.
# libcurl4-openssl-dev: a standby's client to its primary (serve --follow).
# libxlsxwriter-dev writes the sheets as Excel workbooks; libzip-dev and libexpat1-dev read the
# .xlsx files organizers import (a zip of XML parts).
# libhpdf-dev (libharu), libqrencode-dev and fonts-arphic-uming (AR PL UMing, a Ming face that
# Debian 12's libharu 2.3.0 subsets without losing glyphs) make the PDFs of reports/;
# libharfbuzz-dev (hb-subset) cuts the font down to each document's characters first.
want=(gcc libc6-dev make pkg-config binutils libjansson-dev libwebsockets-dev libuv1-dev
      libwebsockets-evlib-uv libsqlite3-dev
      libsodium-dev libssl-dev libhpdf-dev libqrencode-dev fonts-arphic-uming
      libcurl4-openssl-dev libharfbuzz-dev libxlsxwriter-dev libzip-dev libexpat1-dev)
case "${1:-build}" in
  # chromium and a CJK font: the browser tests of judge-client/ (tests/browser).
  # poppler-utils, tesseract (Simplified Chinese) and zbar: reading the PDFs back (tests/reports).
  test) want+=(clang libclang-rt-14-dev chromium fonts-wqy-zenhei poppler-utils tesseract-ocr
               tesseract-ocr-chi-sim zbar-tools nginx-light libnginx-mod-nchan) ;;
  # nginx with the nchan module: the public relay (deploy/relay, scripts/relay.sh).
  relay) want+=(nginx-light libnginx-mod-nchan) ;;
esac

missing=()
# python3 drives the demo generator and a few test checks; any python3 will do.
if [ "${1:-build}" = test ] && ! command -v python3 >/dev/null 2>&1; then missing+=(python3); fi
# node and npm run playwright-core for the browser tests; any recent node will do.
if [ "${1:-build}" = test ] && ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
