#!/usr/bin/env bash
# Install the front-end packages of package.json and copy the files wijkwerk serves into
# wijkwerk/static/vendor (not committed; made anew by `make run` and `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
out=wijkwerk/static/vendor
rm -rf "$out"
mkdir -p "$out/utrecht" "$out/voorbeeld"
cp node_modules/@utrecht/component-library-css/dist/index.css "$out/utrecht/index.css"
cp node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css "$out/voorbeeld/theme.css"
for family in noto-sans noto-serif; do
  mkdir -p "$out/$family/files"
  for weight in 400 700; do
    cp "node_modules/@fontsource/$family/latin-$weight.css" "$out/$family/"
    cp node_modules/@fontsource/$family/files/$family-latin-$weight-normal.woff* "$out/$family/files/"
  done
done
echo "assets: $(find "$out" -type f | wc -l) files in $out"
