#!/usr/bin/env bash
# Install Debian's Chromium and its WebDriver for the browser tests when they are missing and we
# are root (CI, a fresh machine). The tests run it headless; nothing else is needed.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "Chromium is not installed; run: sudo apt-get install chromium chromium-driver" >&2
  exit 0  # the browser tests say so and are skipped on a developer's machine
fi
echo "installing Chromium and ChromeDriver (Debian packages)..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
