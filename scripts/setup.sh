#!/usr/bin/env bash
# Set up a virtual environment with nianbao installed (editable) in .venv/.
# Usage: scripts/setup.sh [--test]   (with the extras pandas and excel; --test also installs the test tools and LibreOffice)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${NIANBAO_VENV:-.venv}"
PY="${PYTHON:-python3}"

if [ "${1:-}" = "--test" ]; then
  need=()
  command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
  # Word files (.docx → PDF, .doc/.wps → .docx) for the published-report tests
  [ -e /usr/lib/libreoffice/program/libswlo.so ] || need+=(libreoffice-writer-nogui)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  fonts="$(fc-list 2>/dev/null || true)"  # not piped into grep -q: with pipefail, SIGPIPE would count as "missing"
  grep -qi "noto sans cjk\|wqy\|droid sans fallback" <<<"$fonts" || need+=(fonts-noto-cjk)
  # LibreOffice's UNO bridge for the system Python: the add-in's VBA read back by LibreOffice (tests/uno_vba.py)
  /usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
  # the web intake's browser tests (tests/test_web_browser.py): headless Chromium driven by Selenium
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "安装系统软件包：${need[*]}" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
      echo "缺少系统软件包：${need[*]}（请以 root 运行 apt-get install ${need[*]}）" >&2
      exit 1
    fi
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "${1:-}" = "--test" ]; then
  "$VENV/bin/python" -m pip install -q -e '.[pandas,excel,test]' 2>&1 | grep -v "^WARNING: Location" || true
else
  "$VENV/bin/python" -m pip install -q -e '.[pandas,excel]' 2>&1 | grep -v "^WARNING: Location" || true
fi
"$VENV/bin/python" -c "import nianbao" 
