#!/usr/bin/env bash
# Runs the Python tracker's tests (unittest, standard library) from the
# repository root. They need redis-server on PATH and redis-py installed
# (python3 -m pip install redis); the end-to-end test needs a built
# sentinel-gen (swift build), or its path in SENTINEL_GEN.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec python3 -m unittest discover -s clients/python/tests -v "$@"
