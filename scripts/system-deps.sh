#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the app and its tests need, if missing:
# Chromium's headless shell for chart export (lighter than the browser), Chromium for the browser tests, DejaVu fonts (charts and PDFs
# use them), Pango for WeasyPrint, poppler and qpdf to check PDFs, openssl for
# the test certificate of the local mail server, gettext, redis-server (the
# report queue; each test run starts a private one of its own), zbar-tools (a
# test reads the paper slip's QR code back with zbarimg).
set -euo pipefail
packages=(chromium chromium-headless-shell fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils qpdf openssl python3-venv redis-server zbar-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]}. Install them with your package manager." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
