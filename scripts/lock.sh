#!/usr/bin/env bash
# Refresh the lock files from requirements.txt / requirements-dev.txt (the ranges we accept).
# Made with uv (pip install uv); run after changing a range, then run the whole suite before committing:
#   bash scripts/lock.sh            # keep locked versions where the ranges still allow them
#   bash scripts/lock.sh --upgrade  # take the newest versions the ranges allow
# The locks are universal (any OS, Python 3.11+) and carry hashes, so pip installs exactly these files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
common=(--universal --python-version 3.11 --generate-hashes --quiet "$@")
uv pip compile requirements.txt "${common[@]}" -o requirements.lock
uv pip compile requirements-dev.txt "${common[@]}" -c requirements.lock -o requirements-dev.lock
