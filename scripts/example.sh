#!/usr/bin/env bash
# Set up everything and run the main job on the bundled example data: check and consolidate
# the reports of one district (examples/各单位报告) against its roster, then validate the summary.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit $?
NB="${NIANBAO_VENV:-.venv}/bin/nianbao"
mkdir -p out
"$NB" consolidate examples/各单位报告 --roster examples/应报送单位名单.csv \
    -o out/汇总.xlsx --csv out/汇总长表.csv --name 张店区人民政府
status=$?
# 1 = the summary was written, with reports left out or agencies missing (as in this example)
if [ $status -gt 1 ]; then exit $status; fi
echo
echo "校验汇总表 out/汇总.xlsx："
"$NB" validate out/汇总.xlsx
