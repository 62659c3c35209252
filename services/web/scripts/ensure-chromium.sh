#!/usr/bin/env bash
# Makes sure Debian's Chromium is on the machine for the web e2e tests (playwright-core drives it
# with executablePath /usr/bin/chromium; no browser is ever downloaded by a test tool).
# Idempotent: does nothing when /usr/bin/chromium already answers.
set -euo pipefail
if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
  /usr/bin/chromium --version
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# fonts-noto-cjk so the Chinese pages render with real glyphs in screenshots.
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
/usr/bin/chromium --version
