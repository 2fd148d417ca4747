#!/usr/bin/env bash
# The hygiene checks CI runs before the tests: ruff, mypy (strict on nianbao/core), the import
# layer contracts, and the README's generated command reference.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${NIANBAO_VENV:-.venv}/bin"
"$BIN/ruff" check nianbao xlwings_addin scripts tests
"$BIN/mypy"
"$BIN/lint-imports"
"$BIN/cog" -I scripts --check README.md >/dev/null || { echo "README 命令参考已过时：请运行 cog -I scripts -r README.md" >&2; exit 1; }
