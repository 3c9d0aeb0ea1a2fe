#!/usr/bin/env bash
# Install Meta's vPDQ reference (the `vpdq` sdist from PyPI) into the project venv, for the
# match benchmarks only. vpdq has no wheel: it compiles against FFmpeg's libav* headers.
# Usage: sudo-capable shell, from the repo root:  bash benchmarks/vpdq_setup.sh
set -euo pipefail
VENV="${VENV:-.venv}"
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq build-essential cmake pkg-config \
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libavdevice-dev libavfilter-dev
"$VENV/bin/python" -m pip install -q cython setuptools wheel
"$VENV/bin/python" -m pip install -q --no-build-isolation vpdq || \
  "$VENV/bin/python" -m pip install -q vpdq
"$VENV/bin/python" -c "import vpdq; print('vpdq reference installed:', vpdq.__file__)"
