#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, idempotently, and only
# from the lock (requirements/*.txt, every file pinned by sha256):
#
#   install.sh PYTHON VENV site   the CLI and the site (make demo, make check)
#   install.sh PYTHON VENV test   that plus the test tools, the npm tools the tests
#                                 use (package-lock.json) and Debian's chromium
#
# Nothing is resolved at install time: `--require-hashes --no-deps` installs exactly
# the locked files, and the package itself is installed without build isolation so
# that its build backend comes from the lock too. Refresh the lock with `make lock`.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
profile=${3:-test}

case "$profile" in
  site | test) ;;
  *) echo "install.sh: unknown profile '$profile' (use site or test)" >&2; exit 2 ;;
esac

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)
lock=requirements/$profile.txt
"${pip[@]}" install --require-hashes --no-deps -r "$lock"
"${pip[@]}" install --no-deps --no-build-isolation -e .

[ "$profile" = test ] || exit 0

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --silent
fi

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "install.sh: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
