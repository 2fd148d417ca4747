#!/usr/bin/env bash
# Set up everything (virtual environment, test tools, LibreOffice) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec "${NIANBAO_VENV:-.venv}/bin/python" -m pytest -n 2 "$@"
