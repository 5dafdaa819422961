#!/usr/bin/env bash
# Install what the browser tests need when it is missing and we are root (CI, a fresh machine):
# Debian's Chromium and its WebDriver (run headless), and a Java runtime for the Nu Html Checker
# (vnu-jar, installed from npm with the other front-end packages).
set -euo pipefail
missing=()
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || missing+=(chromium chromium-driver)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "Not installed: ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
  exit 0  # the browser tests say so and are skipped on a developer's machine
fi
echo "installing ${missing[*]} (Debian packages)..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
