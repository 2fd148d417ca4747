"""Docs that cannot drift: the README's command reference is generated from the commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_command_reference_is_current():
    run = subprocess.run(
        [sys.executable, "-m", "cogapp", "-I", "scripts", "--check", "README.md"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, "README 命令参考已过时：请运行 cog -I scripts -r README.md\n" + run.stdout + run.stderr


def test_every_command_is_in_the_readme():
    from click import Context

    from nianbao.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.list_commands(Context(main)):
        assert f"`nianbao {name} " in readme


# The reference is run again as if on other machines: once pinned to a single core (as
# ``taskset -c 0 ./scripts/test.sh`` runs), once told it has 37 cores. Help text that ends up in
# the README must not carry a fact of the machine that generated it.
_OTHER_MACHINE = """
import os, sys
import cogapp
{pin}
sys.exit(cogapp.Cog().main(["cog", "-I", "scripts", "--check", "README.md"]))
"""


def _check_as_if(pin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _OTHER_MACHINE.format(pin=pin)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_readme_reference_does_not_depend_on_the_cores():
    first = min(os.sched_getaffinity(0))
    for pin in (f"os.sched_setaffinity(0, {{{first}}})",
                "os.sched_getaffinity = lambda pid: set(range(37)); os.cpu_count = lambda: 37"):
        run = _check_as_if(pin)
        assert run.returncode == 0, f"{pin}: " + run.stdout + run.stderr


def python_blocks(text: str) -> list[str]:
    """The ```python blocks of a Markdown text, in order."""
    import re

    return re.findall(r"^```python\n(.*?)^```", text, flags=re.M | re.S)


def test_the_readmes_library_examples_run(tmp_path, monkeypatch):
    """Each Python block of the README runs as written, from a copy of this folder's examples."""
    import shutil

    blocks = python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2 and all("nianbao" in b for b in blocks)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for n, block in enumerate(blocks, 1):
        exec(compile(block, f"README.md python block {n}", "exec"), {"__name__": f"readme_{n}"})
    assert (tmp_path / "汇总.xlsx").is_file() and (tmp_path / "汇总.csv").is_file()
    assert (tmp_path / "年度报告.html").is_file()
