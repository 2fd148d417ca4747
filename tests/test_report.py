"""A batch of files checked by one library call (``nianbao.validate_files``) into a
``Report``; ``nianbao validate`` only prints it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import nianbao
from nianbao.cli import main
from nianbao.core.codes import Exit, Status

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "seeds" / "anyang-2020.json"
WITH_ERRORS = FIXTURES / "seeds" / "zhangdian-2020.json"


@pytest.fixture
def batch(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    return [GOOD, WITH_ERRORS, broken]


def test_a_batch_report_holds_each_file_in_order_with_its_tally_status_and_exit(batch):
    report = nianbao.validate_files(batch)
    assert [r.source for r in report.results] == [str(p) for p in batch]
    assert [r.status for r in report.results] == [Status.PASSED, Status.ERRORS, Status.UNREADABLE]
    assert report.tally.errors == sum(r.tally.errors for r in report.results) > 1
    assert report.status is Status.UNREADABLE and report.exit_code == Exit.FAILED == 2
    assert report.line().startswith("共 3 个文件：1 个通过，1 个有错误，1 个无法读取；错误 ")
    assert nianbao.validate_files(batch[:2]).exit_code == Exit.PROBLEMS
    assert nianbao.validate_files(batch[:1]).exit_code == Exit.OK
    assert nianbao.validate_files(batch[:1]).status is Status.PASSED


def test_the_report_is_the_json_the_cli_prints(batch):
    run = CliRunner().invoke(main, ["validate", "--format", "json", *map(str, batch)])
    assert run.exit_code == 2
    assert json.loads(run.stdout) == nianbao.validate_files(batch).to_dict()


def test_the_cli_prints_the_reports_line_and_exits_with_its_status(batch):
    run = CliRunner().invoke(main, ["validate", *map(str, batch[:2])])
    report = nianbao.validate_files(batch[:2])
    assert run.exit_code == report.exit_code == 1
    assert run.stdout.rstrip().splitlines()[-1] == report.line()


def test_last_years_report_as_a_file_or_a_document(tmp_path, report):
    previous = tmp_path / "上年.json"
    doc = report("anyang-2020")
    doc["year"] -= 1
    previous.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    by_file = nianbao.validate_files([GOOD], previous=previous)
    by_document = nianbao.validate_files([GOOD], previous=doc)
    assert by_file.to_dict() == by_document.to_dict()
    with pytest.raises(nianbao.ReadError, match="缺失.json"):
        nianbao.validate_files([GOOD], previous=tmp_path / "缺失.json")


def test_an_empty_batch_passes():
    report = nianbao.validate_files([])
    assert report.status is Status.PASSED and report.exit_code == 0 and report.to_dict()["summary"]["files"] == 0
