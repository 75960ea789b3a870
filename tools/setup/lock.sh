#!/usr/bin/env bash
# Refreshes the dependency lock: requirements/*.txt, every version pinned with the
# sha256 of every file PyPI serves for it (all platforms), from pyproject.toml.
# Run it through `make lock` after changing a dependency in pyproject.toml.
#
#   requirements/site.txt  what the CLI, the workflows and the site need, and the
#                          build backend that installs this package
#   requirements/test.txt  that plus the test tools
#   requirements/uv.txt    the lock tool (uv), itself pinned by hash
#
# `--universal` resolves for every platform and Python >= 3.11 at once, so the lock
# made here installs the same versions on a CI runner, a Mac or this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${1:-python3}
tools=.venv-lock

if [ ! -x "$tools/bin/uv" ]; then
  "$python" -m venv "$tools"
  if [ -f requirements/uv.txt ]; then
    "$tools/bin/python" -m pip install --quiet --require-hashes -r requirements/uv.txt
  else
    "$tools/bin/python" -m pip install --quiet -r requirements/uv.in
  fi
fi

compile() {
  UV_PYTHON_DOWNLOADS=never "$tools/bin/uv" pip compile --quiet --universal --python-version 3.11 \
    --generate-hashes --no-emit-index-url --no-emit-find-links --no-header "$@"
}
compile requirements/uv.in -o requirements/uv.txt
compile pyproject.toml requirements/build.in -o requirements/site.txt
compile pyproject.toml requirements/build.in --extra test -o requirements/test.txt
echo "lock refreshed: requirements/{site,test,uv}.txt"
