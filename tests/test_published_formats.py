"""Random reports of both forms, published as agencies do — web pages with merged header
cells, Word with merged cells, PDF made from that Word file by LibreOffice, text copies in
the seeds' layouts — import exactly, with no finding."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from publications import to_docx, to_html, to_text
from strategies import consistent_reports

from nianbao.io.published import read_published

TABLES = ("form", "year", "active", "applications", "appeals")
AGENCIES = ("安阳市卫生健康委员会", "张店区卫生健康局", "阿荣旗医疗保障局", "尚志市卫生健康局", "某某县人民政府办公室")
QUICK = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def publishable(draw, form=None):
    doc = draw(consistent_reports(form))
    doc["agency"] = {"name": draw(st.sampled_from(AGENCIES))}
    return doc


def assert_imported(loaded, doc):
    for k in TABLES:
        assert loaded.document[k] == doc[k], k
    assert loaded.document["agency"] == doc["agency"]
    assert loaded.findings == ()


@QUICK
@given(publishable(), st.sampled_from(["utf-8", "gb18030"]), st.booleans())
def test_a_web_page_imports_exactly(tmp_path_factory, doc, encoding, nav):
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_bytes(to_html(doc, nav=nav, encoding=encoding))
    assert_imported(read_published(path), doc)


@QUICK
@given(publishable(), st.sampled_from(["tabs", "pipes", "cells", "markdown"]))
def test_a_text_copy_imports_exactly(tmp_path_factory, doc, layout):
    path = tmp_path_factory.mktemp("txt") / ("report.md" if layout == "markdown" else "report.txt")
    path.write_text(to_text(doc, layout), encoding="utf-8")
    assert_imported(read_published(path), doc)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(publishable())
def test_a_word_file_with_merged_cells_imports_exactly(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    to_docx(doc, path)
    assert_imported(read_published(path), doc)


@pytest.mark.libreoffice
def test_pdfs_made_by_libreoffice_from_word_import_exactly(tmp_path):
    """Labels wrapped over several lines in narrow cells, rows broken across pages."""
    docs = []
    for form in ("2019", "2021"):

        @settings(max_examples=3, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(publishable(form))
        def collect(doc):
            docs.append(doc)

        collect()
    sources = []
    for i, doc in enumerate(docs):
        to_docx(doc, tmp_path / f"r{i}.docx")
        sources.append(str(tmp_path / f"r{i}.docx"))
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is required: run scripts/setup.sh --test"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *sources,
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    assert {d["form"] for d in docs} == {"2019", "2021"}
    for i, doc in enumerate(docs):
        loaded = read_published(tmp_path / "pdf" / f"r{i}.pdf")
        assert_imported(loaded, doc)
        place, where = loaded.locations["/appeals/review/total"]
        assert place.startswith("第 ") and place.endswith(" 页")


@pytest.mark.libreoffice
def test_a_legacy_word_file_is_converted_by_libreoffice(tmp_path, soffice, report):
    doc = report("shangzhi-2021")
    doc["agency"] = {"name": doc["agency"]["name"]}
    doc.pop("meta", None)
    to_docx(doc, tmp_path / "r.docx")
    legacy = soffice(tmp_path / "r.docx", "doc")
    assert_imported(read_published(legacy), doc)
