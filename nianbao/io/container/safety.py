"""The container check: what a file really is, checked before any parser sees it.

Workbooks arrive by e-mail and USB stick from hundreds of offices. Before a reader opens
one, :func:`check_container` looks at the bytes: an empty file, a PDF or a web page saved
as ``.xls``, a Word document renamed, a truncated download, a password-protected workbook,
a zip bomb or an XML part declaring entities are refused here with a Chinese
:class:`~nianbao.io.registry.ReadError` that names the file and says what to do.

This module is the entry point; each job has a module of its own:

* :mod:`nianbao.io.container.sniff` — what the file is, from its first bytes;
* :mod:`nianbao.io.container.zipcheck` — zip containers: the kind, bombs and sizes from the central
  directory, every entry inflated once, bounded and CRC-checked
  (:mod:`nianbao.io.container.zipentries`), XML parts through expat with no DTD
  (:mod:`nianbao.io.container.xmlparts`); and the quick check of a plain .xlsx/.xlsm;
* :mod:`nianbao.io.container.ole` — OLE2 compound files: legacy .xls/.et (BIFF), encrypted packages;
* :mod:`nianbao.io.container.calamine_guards` — what makes python-calamine abort or loop (a grid
  reaching too far, an absurd shared strings count), refused up front;
* :mod:`nianbao.io.container.panics` — the net under them: a Rust panic kept off the terminal.

An .xlsx/.xlsm first gets the quick check, which refuses nothing itself. It comes in two
halves. :func:`open_container` (~0.3 ms for a filled template) inflates each entry once
into memory, bounded and CRC-checked, and reuses the bytes for every test — an XML
declaration in UTF-8 and then the root, no ``<!`` anywhere, the root's end tag last — and
keeps the XML parts for :mod:`nianbao.io.xlsx.ooxml`, which needs nothing more. Before
python-calamine opens a file, :func:`ready_for_calamine` adds what python-calamine needs:
every ``uniqueCount`` within what the part can hold, every ``r="…"`` that reads as a cell
reference within ZZ999 and every cell carrying one. :func:`check_container` is both halves.
Whatever the quick check cannot vouch for goes to the full check, which streams each XML
part through expat (well-formed, no DTD, no entities) and measures sheets cell by cell, and
refuses with the exact reason. Markup broken inside an .xlsx part is left to python-calamine,
which raises an error on it (``nianbao.io.xlsx.workbook`` then runs :func:`check_container_fully`
to name the part, line and column); .ods and .xls files always get the full check
(python-calamine's .ods reader loops for ever on a missing end tag).

Each of those was found by ``scripts/fuzz_reader.py``; the inputs are kept in
``tests/fixtures/hostile/``. These modules know containers (zip, OLE2, the cell references
inside them), not the template or the rules.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..memory import MEMORY, Memory
from ..registry import SAVE_AS, ReadError
from .calamine_guards import grids_safe
from .limits import SUFFIXES, Kind, Opened
from .sniff import sniff_container


def check_container(path: str | os.PathLike[str]) -> None:
    """Refuse, with a Chinese :class:`ReadError`, a file that no workbook reader should
    open: not a workbook, damaged, encrypted, a bomb, or carrying a DTD. Returns ``None``
    for a workbook whose content matches its suffix. Never inflates more than the limits
    of :mod:`nianbao.io.container.limits`, never parses a spreadsheet."""
    ready_for_calamine(Path(path), _check(Path(path), True, MEMORY))


def open_container(path: str | os.PathLike[str], memory: Memory = MEMORY) -> Opened:
    """The first half of :func:`check_container`: the container itself (what the file is,
    bombs, encryption, DTDs). For an .xlsx/.xlsm that passes the quick check, the XML parts
    it inflated are kept for :mod:`nianbao.io.xlsx.ooxml`, which needs nothing more; before
    python-calamine opens the file, :func:`ready_for_calamine` does the second half.
    ``memory`` keeps the parts that workbooks of one template share."""
    return _check(path if isinstance(path, Path) else Path(path), True, memory)


def ready_for_calamine(path: str | os.PathLike[str], container: Opened) -> None:
    """The second half of :func:`check_container`, for a container :func:`open_container`
    passed: refuse what would make python-calamine abort or loop (a sheet reaching too far,
    an absurd shared strings count). Quick over the parts kept; in doubt, the full check
    decides and names the reason."""
    if container.parts is None:
        return  # checked in full already
    if not grids_safe(container.parts):
        _check(Path(path), False, MEMORY)


def check_container_fully(path: str | os.PathLike[str]) -> None:
    """:func:`check_container` without the quick check: every XML part goes through expat.
    For explaining a parser's failure on an .xlsx/.xlsm that passed the quick check (a part
    whose markup is broken inside): the message then names the part, line and column."""
    _check(Path(path), False, MEMORY)


def _check(p: Path, quick: bool, memory: Memory) -> Opened:
    container = sniff_container(p, quick, memory)
    kind = container.kind
    if not kind.workbook:
        raise ReadError(p, kind.problem)
    suffix = p.suffix.lower()
    if suffix and suffix not in SUFFIXES[kind.key]:
        # (the first suffix of each kind, .xlsx/.xls/.ods, always has a reader)
        todo = f"请把扩展名改为 {SUFFIXES[kind.key][0]} 后再试，或{SAVE_AS[1:]}"
        raise ReadError(p, f"扩展名是 {p.suffix}，但文件内容其实是{kind.name}；{todo}")
    return container


__all__ = [
    "Opened",
    "Kind",
    "check_container",
    "check_container_fully",
    "open_container",
    "ready_for_calamine",
]
