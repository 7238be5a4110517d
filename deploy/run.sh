#!/usr/bin/env bash
# Production start: several dashboard workers on one data folder behind nginx (see deploy/README.md).
#   CPDATA_DIR=/srv/cpdata/data deploy/run.sh [--workers N] [--port 80] [--address 0.0.0.0] [-- streamlit options]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python -m cpdata serve "$@"
