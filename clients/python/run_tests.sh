#!/usr/bin/env bash
# Runs the Python tracker's tests (unittest, standard library) against the
# installed package: creates a fresh virtual environment in a temporary
# folder, installs ./clients/python into it with pip (which fetches redis-py
# from PyPI), runs clients/python/tests with that environment's python, then
# removes the environment. The tests check that they imported the package
# from its site-packages (SENTINEL_TRACKER_EXPECT_INSTALLED=1).
#
# Needs python3 with the venv module (Debian's own python3: apt-get install
# python3-venv) and redis-server on PATH; the end-to-end test needs a built
# sentinel-gen (swift build), or its path in SENTINEL_GEN. PYTHON picks
# another interpreter (PYTHON=python3.9 clients/python/run_tests.sh).
# Extra arguments go to unittest (-k Async, -f, ...).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

python=${PYTHON:-python3}
unset PYTHONPATH SENTINEL_TRACKER_FROM_SOURCE  # nothing may shadow the installed package
venv=$(mktemp -d "${TMPDIR:-/tmp}/sentinel-tracker-venv.XXXXXX")
# setuptools builds in the source tree: remove what this install leaves there
# (and only that).
leftovers=()
for artefact in clients/python/build clients/python/sentinel_tracker.egg-info; do
    [[ -e $artefact ]] || leftovers+=("$artefact")
done
trap 'rm -rf "$venv" "${leftovers[@]}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! "$python" -m venv "$venv" >/dev/null; then
    echo "run_tests.sh: $python could not create a virtual environment (Debian: apt-get install python3-venv)" >&2
    exit 1
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input ./clients/python

SENTINEL_TRACKER_EXPECT_INSTALLED=1 "$venv/bin/python" -m unittest discover -s clients/python/tests -v "$@"
