"""Published reports — web pages, Word, PDF and text copies — read into the report format.

``read_published(path) -> Loaded``: the report document, where each number sits in the
source (JSON pointer -> (place, position), e.g. ``("表格 3", "第 5 行第 4 列")`` or
``("正文", "第 57 行")``, also kept in the document under ``meta.source_locations``), and
what the importer noticed (missing rows, numbers it could not place, numbers read by
position, cells converted). Nothing is guessed: see :mod:`nianbao.io.published.recognise`.

Each format is a small module turning the file into rows of cells (:mod:`.grid`):
:mod:`.html`, :mod:`.docx`, :mod:`.pdf`, :mod:`.text`; legacy ``.doc``/``.wps`` go through
LibreOffice (:mod:`.legacy`). Their libraries are imported only when such a file is read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...core.codes import Code
from ...core.findings import finding
from ...core.forms import LOCATIONS_KEY, SOURCE_KEY, YEAR_POINTER, agency_pointer
from ...core.model import model
from ..files import NotRegular, read_regular, regular_problem
from ..oserror import os_error_text
from ..registry import Loaded, ReadError, load
from .formats import FORMATS, PATH, PATH_BYTES, SUFFIXES, TEXT
from .grid import Grid
from .noted import cause_of, notes_of

# One published report is a few pages: anything far larger is not one.
MAX_SOURCE_BYTES = 32 * 1024 * 1024


TOO_LARGE = "文件过大（{size} 字节），一份发布的年度报告不应超过 " + f"{MAX_SOURCE_BYTES // (1024 * 1024)} MB"


def _raw(p: Path) -> bytes:
    """The file's bytes: a regular file only (never a FIFO or a device), read with a cap."""
    try:
        return read_regular(p, MAX_SOURCE_BYTES, TOO_LARGE)
    except NotRegular as e:
        raise ReadError(p, e.problem) from None
    except OSError as e:
        raise ReadError(p, f"无法打开文件：{os_error_text(e)}") from None


def _text_raw(p: Path) -> bytes:
    """A web page's or a text copy's bytes; an empty file said to be one."""
    raw = _raw(p)
    if not raw:
        raise ReadError(p, "文件为空（0 字节），可能保存或拷贝时出错；请向发布单位重新索取原文件")
    return raw


def grid_of(path: str | os.PathLike[str]) -> Grid:
    """The file as rows of cells, by the format its suffix names (:data:`.formats.FORMATS`)."""
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ReadError(p, f"不支持的文件类型「{p.suffix or '无扩展名'}」")
    grid: Callable[..., Grid] = load(fmt.grid)
    if fmt.takes == PATH:
        _raw_size(p)
        return grid(p)
    if fmt.takes == PATH_BYTES:
        return grid(p, _raw(p))
    raw = _text_raw(p)  # a web page or a text copy: an empty file said to be one
    if fmt.takes == TEXT:
        from .text import DecodeError, decode

        notes: list[str] = []
        try:
            return grid(decode(raw, notes=notes), notes)
        except DecodeError as e:
            raise ReadError(p, str(e)) from None
    return grid(raw)


def _raw_size(p: Path) -> None:
    try:
        size = p.stat().st_size
    except OSError as e:
        raise ReadError(p, f"无法打开文件：{os_error_text(e)}") from None
    problem = regular_problem(p)  # a FIFO or a device is never opened
    if problem:
        raise ReadError(p, problem)
    if size > MAX_SOURCE_BYTES:
        raise ReadError(p, TOO_LARGE.format(size=size))


def read_published(path: str | os.PathLike[str], *, agency: str | None = None, year: int | None = None) -> Loaded:
    """Read a published report (``.html``/``.htm``, ``.docx``, ``.pdf``, ``.txt``/``.md``,
    legacy ``.doc``/``.wps`` through LibreOffice) into the report format. ``agency`` and
    ``year`` override what the title says. Raises :class:`ReadError` for a file that is no
    report at all (no table label found, a scanned PDF, ...)."""
    from .grid import TooLarge
    from .html import PageTooLarge
    from .text import DecodeError

    p = Path(path)
    try:
        return recognise_grid(p, grid_of(p), agency=agency, year=year)
    except ReadError:
        raise
    except (TooLarge, PageTooLarge, DecodeError) as e:  # beyond any report, or not text: said as such
        raise ReadError(p, str(e)) from None
    except RecursionError:
        raise ReadError(p, "文件的结构嵌套过深，不像是一份年度报告，未读取") from None
    except MemoryError:
        raise ReadError(p, "读取所需内存超过上限，文件远大于任何年度报告，未读取") from None
    except Exception as e:  # a parser's own failure on a damaged file: a message, never a traceback
        raise ReadError(p, f"文件无法解析（{type(e).__name__}），可能已损坏；请向发布单位重新索取原文件") from e


def recognise_grid(p: Path, grid: Grid, *, agency: str | None = None, year: int | None = None) -> Loaded:
    from .recognise import choose_form, prepare, recognise
    from .title import find_title

    if not any(c.text.strip() for row in grid for c in row):
        raise ReadError(
            p, "文件中没有任何文字（只有空白、字节顺序标记或空的标记），不是一份年度报告；请向发布单位重新索取原文件"
        )
    rows = prepare(grid)
    name, title_year, title_cell = find_title(rows)
    the_year = year if year is not None else title_year
    form, _hits = choose_form(rows, the_year)
    if form is None:
        from .layouts import FUSED, fused_cell

        fused = fused_cell(rows)
        if fused is not None:
            raise ReadError(
                p, f"{fused.place} {fused.where}：{FUSED}（标签与数字之间没有任何分隔），请向发布单位索取原表格"
            )
        raise ReadError(
            p, cause_of(grid) or "未找到年度报告表二、表三、表四的任何标签，不像是一份政府信息公开工作年度报告"
        )
    found = recognise(rows, form)
    m = model(form)
    findings = [finding(Code.SOURCE, note) for note in notes_of(grid)]
    findings.extend(found.findings)
    locations = dict(found.locations)
    if title_cell is not None:
        if year is None:
            locations[YEAR_POINTER] = title_cell.location
        if agency is None and name:
            locations[agency_pointer("name")] = title_cell.location
    the_agency = agency if agency is not None else name
    if the_year is None:
        findings.append(
            finding(
                Code.ABSENT,
                "未能从标题读出报告年度（如“某某局2020年政府信息公开工作年度报告”），请用 --year 指定",
                YEAR_POINTER,
            )
        )
    if not the_agency:
        findings.append(finding(Code.ABSENT, "未能从标题读出单位名称，请用 --agency 指定", agency_pointer("name")))
    document: dict[str, Any] = {"form": form.key}
    if the_year is not None:
        document["year"] = the_year
    document["agency"] = {"name": the_agency} if the_agency else {}
    document.update(m.document(found.values))
    document["meta"] = {
        **found.units,  # a unit written in the cell, where the form prints none (procurement_amount_unit)
        SOURCE_KEY: p.name,
        LOCATIONS_KEY: {ptr: " ".join(loc) for ptr, loc in locations.items()},
    }
    return Loaded(document, locations, tuple(findings), values=tuple(found.values))


def read_publication(path: Path, container: Any = None) -> Loaded:
    """The reader of :data:`nianbao.io.readers.READERS` for published reports (each format
    bounds its own input: size, zip, pages; no container check runs first)."""
    return read_published(path)


__all__ = ["MAX_SOURCE_BYTES", "SUFFIXES", "grid_of", "read_publication", "read_published", "recognise_grid"]
