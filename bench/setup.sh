#!/bin/sh
# Installs what bench/supervisor.js compares supd with; npm test never needs any of it.
#   supervisord: Debian's `supervisor` package (needs root, or sudo)
#   PM2: pinned in bench/peers/package.json, installed into bench/peers/node_modules
set -eu
cd "$(dirname "$0")/.."
if ! command -v supervisord >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y supervisor
  # The package enables a system-wide supervisord; the bench starts its own and needs none.
fi
npm ci --prefix bench/peers --no-audit --no-fund
echo "bench peers ready: $(supervisord --version 2>/dev/null || echo 'no supervisord'), pm2 $(node -p "require('./bench/peers/node_modules/pm2/package.json').version")"
