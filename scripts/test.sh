#!/usr/bin/env bash
# The whole test suite, as CI runs it: bash scripts/test.sh [pytest arguments]
# Installs what the tests need (the exact Python packages of requirements-dev.lock, in the active virtual
# environment or in .venv; Debian's chromium, Pango and fonts, and npm's axe-core when it can), then lint,
# format check and pytest. Browser and PDF tests skip without them, except under CI=true.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# A virtual environment of exactly the locked versions: the one already active, or .venv made here, so a
# run on a machine with other packages installed by hand tests what a fresh machine would get.
if [ -z "${VIRTUAL_ENV:-}" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
# --no-deps: the lock lists every package (dependencies and extras' too), so pip installs exactly those and
# resolves nothing. Resolving went wrong with pip 23.2 (Python 3.11's): WeasyPrint asks for fonttools[woff],
# pip took the newest fonttools for the extra and refused it as unpinned, so a new release of a dependency
# broke a fresh install of an unchanged lock. pip check then proves the set is complete and consistent.
python -m pip install --disable-pip-version-check -q --no-deps -r requirements-dev.lock
python -m pip check

# Debian's chromium (browser tests) and Pango with fonts (WeasyPrint, for the briefing PDF), when missing.
debs=()
[ -x /usr/bin/chromium ] || debs+=(chromium)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || debs+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi "Liberation Sans" || debs+=(fonts-liberation fonts-dejavu-core)
if [ ${#debs[@]} -gt 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[@]}" >/dev/null
fi

# nginx: the deploy/ set-up's reverse proxy (tests/browser/test_deploy.py starts two workers behind it)
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

# axe-core at the exact version (and integrity hash) of scripts/axe/package-lock.json, again whenever that changes
if command -v npm >/dev/null 2>&1 && { [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ] ||
  ! cmp -s scripts/axe/package-lock.json .cache/axe/package-lock.json; }; then
  mkdir -p .cache/axe
  cp scripts/axe/package.json scripts/axe/package-lock.json .cache/axe/
  npm ci --prefix .cache/axe --no-audit --no-fund
fi

# separate lines: under set -e a failure on the left of && would not stop the script
python -m ruff check .
python -m ruff format --check .
python -m pytest "$@"
