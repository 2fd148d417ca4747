"""Shared fixtures: the real reports of tests/fixtures, workbooks written from them, and a
LibreOffice headless runner (each call with its own profile, so parallel runs never share
one)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SOFFICE_TIMEOUT = 180  # seconds; a cold LibreOffice start on a busy CI machine is slow


def _reports() -> dict[str, dict[str, Any]]:
    out = {}
    for folder in ("seeds", "reports"):
        for path in sorted((FIXTURES / folder).glob("*.json")):
            out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


REPORTS = _reports()  # name -> report (2019 seeds and a 2021 report)


# --- agencies' reports, as the consolidation tests make them (import them: ``from conftest import ...``)


def uscc(serial: int, region: str = "370303") -> str:
    """A valid 统一社会信用代码 of an agency in ``region``, told apart by ``serial``."""
    from nianbao.core.agency_codes import uscc_check_char

    first17 = f"11{region}{serial:09d}"
    return first17 + uscc_check_char(first17)


def seed(name: str) -> dict[str, Any]:
    """A fresh copy of a seed report of tests/fixtures/seeds by name, e.g. ``seed("anyang-2020")``."""
    return json.loads((FIXTURES / "seeds" / f"{name}.json").read_text(encoding="utf-8"))


def agency_report(
    name: str, serial: int | None = None, year: int = 2020, region: str | None = "370303"
) -> dict[str, Any]:
    """A valid report (form 2019, the Anyang seed) of another agency: its name, its code
    when ``serial`` is given, its region unless None."""
    doc = seed("anyang-2020")
    doc["year"] = year
    doc["agency"] = {"name": name}
    if region:
        doc["agency"]["region_code"] = region
    if serial:
        doc["agency"]["uscc"] = uscc(serial)
    return doc


@pytest.fixture
def report() -> Callable[[str], dict[str, Any]]:
    """A fresh copy of a fixture report by name, e.g. ``report("anyang-2020")``."""
    return lambda name: copy.deepcopy(REPORTS[name])


@pytest.fixture
def workbook_of(tmp_path: Path) -> Callable[..., Path]:
    """Write a report (or a blank template of a form) into tmp_path; returns the path."""
    from nianbao.excel.template import write_workbook

    def make(document: dict[str, Any] | None = None, *, form: str | None = None, name: str = "report.xlsx") -> Path:
        path = tmp_path / name
        write_workbook(path, form or document["form"], document)
        return path

    return make


@pytest.fixture
def soffice(tmp_path: Path) -> Callable[[Path, str], Path]:
    """``soffice(path, "pdf")`` converts with LibreOffice headless into tmp_path/lo-out and
    returns the converted file."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is required: run scripts/setup.sh --test"
    calls = iter(range(1000))

    def convert(src: Path, fmt: str) -> Path:
        n = next(calls)
        profile = tmp_path / f"lo-profile-{n}"
        outdir = tmp_path / f"lo-out-{n}"
        outdir.mkdir()
        proc = subprocess.run(
            [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(outdir), str(src)],
            capture_output=True, text=True, timeout=SOFFICE_TIMEOUT,
        )
        produced = list(outdir.iterdir())
        assert proc.returncode == 0 and produced, f"soffice failed: {proc.stdout}\n{proc.stderr}"
        return produced[0]

    return convert
