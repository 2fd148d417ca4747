#!/usr/bin/env bash
# Set up everything (virtual environment, test tools, LibreOffice), run the hygiene checks
# (scripts/lint.sh: ruff, mypy, import layers, README command reference) and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
NIANBAO_VENV="${NIANBAO_VENV:-.venv}" scripts/lint.sh
exec "${NIANBAO_VENV:-.venv}/bin/python" -m pytest -n 2 "$@"
