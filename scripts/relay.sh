#!/usr/bin/env bash
# Starts the public relay (deploy/relay/nginx.conf: nginx + nchan) on 127.0.0.1:PORT for a try,
# in the foreground, in a scratch folder, serving the display page from this repository's
# judge-client. Then: skillscore serve --demo --relay http://127.0.0.1:PORT/pub, and open
# http://127.0.0.1:PORT/display/?c=YN2026 (or the venue's /display/?relay=ws://127.0.0.1:PORT/sub/YN2026).
# Usage: scripts/relay.sh [PORT]   (default 8090)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-8090}
scripts/deps.sh relay
dir=$(mktemp -d /tmp/skillscore-relay-XXXXXX)
mkdir -p "$dir/tmp"
sed -e "s/127.0.0.1:8090/127.0.0.1:$port/" -e "s#/usr/share/skillscore/judge-client#$PWD/judge-client#" \
  deploy/relay/nginx.conf > "$dir/nginx.conf"
echo "relay: publish to http://127.0.0.1:$port/pub/{competition}, subscribe at ws://127.0.0.1:$port/sub/{competition}, display at http://127.0.0.1:$port/display/?c=YN2026 ($dir)"
exec /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;'
