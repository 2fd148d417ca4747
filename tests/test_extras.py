"""pandas and xlwings are extras (``nianbao[pandas]``, ``nianbao[excel]``): without them the
rest works, and what needs them says which extra to install."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nianbao.cli import main
from nianbao.consolidation import consolidate
from nianbao.extras import MissingExtra

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def test_to_frame_without_pandas_says_which_extra_to_install(tmp_path, monkeypatch):
    (tmp_path / "a.json").write_text((SEEDS / "anyang-2020.json").read_text(encoding="utf-8"), encoding="utf-8")
    c = consolidate([tmp_path], jobs=1)
    assert len(c.summed) == 1
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if not installed
    with pytest.raises(MissingExtra, match=r"pip install 'nianbao\[pandas\]'"):
        c.to_frame()


def test_to_frame_with_pandas_gives_the_long_table(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(json.loads((SEEDS / "anyang-2020.json").read_text("utf-8"))),
                                     encoding="utf-8")
    frame = consolidate([tmp_path], jobs=1).to_frame()
    assert list(frame.columns)[-1] == "数值" and len(frame) > 0


def test_the_addin_without_xlwings_says_which_extra_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "xlwings", None)
    run = CliRunner().invoke(main, ["addin", "build", "-o", str(tmp_path)])
    assert run.exit_code == 2
    assert "nianbao[excel]" in run.output and "Traceback" not in run.output
    assert not list(tmp_path.iterdir())
