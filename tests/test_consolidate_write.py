"""Consolidation owns its whole job: the outcome is immutable, exclusions are small named
rules, and ``Consolidation.write`` refuses unsafe outputs and holds the lock beside them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from conftest import agency_report

from nianbao.consolidation import Consolidation, OutputError, consolidate, outputs_held
from nianbao.consolidation.combine import RULES, judge
from nianbao.core.codes import Reason


def inbox(tmp_path: Path, n: int = 3) -> Path:
    folder = tmp_path / "各单位"
    folder.mkdir()
    for i in range(n):
        (folder / f"第{i}局.json").write_text(json.dumps(agency_report(f"第{i}局", 700 + i), ensure_ascii=False),
                                             encoding="utf-8")
    return folder


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_write_puts_the_summary_and_the_csv_in_place_together(tmp_path):
    c = consolidate([inbox(tmp_path)], jobs=1)
    assert isinstance(c, Consolidation) and len(c.summed) == 3
    written = c.write(tmp_path / "汇总.xlsx", csv=tmp_path / "汇总.csv")
    assert [p.name for p in written] == ["汇总.xlsx", "汇总.csv"]
    assert all(p.is_file() for p in written)
    assert [n for n in map(lambda p: p.name, tmp_path.iterdir()) if n.endswith(".lock")] == []


@pytest.mark.parametrize("where", ["an input", "the csv on the summary", "a text file"])
def test_write_refuses_unsafe_outputs_before_writing_anything(tmp_path, where):
    folder = inbox(tmp_path)
    c = consolidate([folder], jobs=1)
    before = digest(folder)
    with pytest.raises(OutputError) as refused:
        if where == "an input":
            c.write(folder / "第0局.json")
        elif where == "the csv on the summary":
            c.write(tmp_path / "汇总.xlsx", csv=tmp_path / "汇总.xlsx")
        else:
            c.write(tmp_path / "汇总.txt")
    message = str(refused.value)
    assert {"an input": "就是输入文件之一", "the csv on the summary": "不能是同一个文件",
            "a text file": "汇总表应为 .xlsx 或 .json 文件"}[where] in message
    assert digest(folder) == before and not (tmp_path / "汇总.xlsx").exists()


def test_write_is_refused_while_another_run_holds_the_output(tmp_path):
    from nianbao.io.atomic import OutputLocked, output_lock

    c = consolidate([inbox(tmp_path)], jobs=1)
    out = tmp_path / "汇总.json"
    with output_lock(out), pytest.raises(OutputLocked):  # another run (its lock, not ours)
        c.write(out)
    assert not out.exists()
    c.write(out)  # once it is done
    assert json.loads(out.read_text(encoding="utf-8"))["agency"]["name"] == c.name


def test_a_run_holding_its_outputs_writes_them_under_its_own_lock(tmp_path):
    folder = inbox(tmp_path)
    out = tmp_path / "汇总.xlsx"
    with outputs_held([folder], out) as inputs:
        c = consolidate(inputs, jobs=1, exclude=[out])
        c.write(out)
    assert out.is_file()


def test_the_outcome_is_immutable_and_last_year_is_set_when_made(tmp_path):
    folder = inbox(tmp_path)
    last = tmp_path / "上年"
    last.mkdir()
    for i in range(2):
        (last / f"第{i}局.json").write_text(json.dumps(agency_report(f"第{i}局", 700 + i, year=2019),
                                                       ensure_ascii=False), encoding="utf-8")
    c = consolidate([folder], jobs=1, previous=[last])
    assert c.previous is not None and len(c.previous.last.entries) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.previous = None  # type: ignore[misc]


def test_each_exclusion_is_a_named_rule_and_the_first_that_applies_says_why(tmp_path):
    folder = inbox(tmp_path, 2)
    (folder / "坏.json").write_text("{", encoding="utf-8")
    c = consolidate([folder], jobs=1)
    assert [r.__name__ for r in RULES] == [
        "unreadable", "unrecognised", "other_group", "earlier_output", "held_twice", "old_summary", "inexact_unit",
        "with_errors",
    ]
    bad = next(e for e in c.entries if e.record.source.endswith("坏.json"))
    assert bad.kind is Reason.UNREADABLE and not bad.summed and bad.reason.startswith("无法读取：")
    good = next(e for e in c.entries if e.summed)
    assert good.kind is None and good.reason == ""
    # no rule at all: every record is summed, the unreadable one too would be (judged alone)
    assert judge(bad.record, None, rules=()).summed  # type: ignore[arg-type]
