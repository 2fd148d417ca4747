#!/usr/bin/env python3
"""Fuzz the report readers with mutated workbooks and published reports.

Valid workbooks (filled templates of both forms, a plain workbook, and any files given
with ``--corpus``) and valid reports in JSON are mutated — byte flips, zip entry and
directory mutations, XML mutations, cell value mutations; for JSON, deep nesting, duplicate
keys, numbers no report holds (``1e308``, ``1e400``, ``NaN``, 400 or 5,000 digits, ``2**53+1``,
superscript digits) and text no terminal should see (escape sequences, lone surrogates, very
long names); published reports (web pages, Markdown, text, Word: :mod:`fuzz_published`) the
hostile shapes of issue 24 — and fed to :func:`nianbao.io.readers.read` and
:func:`nianbao.io.check.check_file` in a worker process with a time and memory limit. Some
cases are not files at all, or not named in UTF-8: a FIFO, a link to ``/dev/zero`` or
``/dev/urandom``, a folder, a name with bytes that are not UTF-8 or with control characters.

A failure is: ``read`` raising anything but :class:`nianbao.io.readers.ReadError`;
``check_file`` raising anything at all; a message that cannot be shown (``printable`` and
UTF-8) or runs past :data:`MAX_MESSAGE` characters; a document that cannot be written back
as UTF-8 JSON; the two .xlsx readers disagreeing
(:func:`compare_readers`: the reader of :mod:`nianbao.io.xlsx.ooxml` must read what python-calamine
reads, the same way); the worker dying, running out of memory, or taking longer than
``--timeout`` seconds, or its peak memory passing ``--rss`` MB. Each failing input is saved to ``--out`` with
its traceback; turn it into a fixture under ``tests/fixtures/hostile/``.

    python scripts/fuzz_reader.py --seconds 30            # bounded run (CI)
    python scripts/fuzz_reader.py --seconds 0             # until Ctrl-C
    python scripts/fuzz_reader.py --engine atheris        # coverage-guided (pip install atheris)
    python scripts/fuzz_reader.py --replay crash-*.xlsx   # re-run saved inputs

Exit status: 0 no failure, 1 failures found (or replayed inputs still fail).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import multiprocessing as mp
import os
import random
import re
import struct
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz_published  # noqa: E402 - beside this script

SEEDS = ROOT / "tests" / "fixtures" / "seeds"

# --- seed workbooks ---------------------------------------------------------------------------


def seed_workbooks() -> list[tuple[str, bytes]]:
    """(suffix, bytes) of valid workbooks to mutate."""
    from nianbao.core.forms import FORMS
    from nianbao.excel.template import build_workbook, workbook_bytes

    out: list[tuple[str, bytes]] = []
    for f in sorted(SEEDS.glob("*.json"))[:2]:
        doc = json.loads(f.read_text(encoding="utf-8"))
        out.append((".xlsx", workbook_bytes(build_workbook(doc["form"], doc))))
    for form in FORMS:
        out.append((".xlsx", workbook_bytes(build_workbook(form))))
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in range(1, 30):
        ws.cell(r, 1, f"项目{r}")
        ws.cell(r, 2, r)
        ws.cell(r, 3, f"=B{r}*2")
    buf = io.BytesIO()
    wb.save(buf)
    out.append((".xlsx", buf.getvalue()))
    out.append((".ods", minimal_ods()))
    return out


def minimal_ods() -> bytes:
    """An OpenDocument spreadsheet of one small table, for the .ods reader."""
    rows = "".join(
        f'<table:table-row><table:table-cell office:value-type="string"><text:p>项目{r}</text:p></table:table-cell>'
        f'<table:table-cell office:value-type="float" office:value="{r}"><text:p>{r}</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="3"/></table:table-row>'
        for r in range(1, 12)
    )
    return ods_bytes(
        rows + '<table:table-row table:number-rows-repeated="1048560">'
        '<table:table-cell table:number-columns-repeated="5"/></table:table-row>'
    )


def ods_bytes(content_body: str, table: str = "Sheet1") -> bytes:
    """A minimal OpenDocument spreadsheet whose one table holds ``content_body`` (rows)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{table}">' + content_body
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", manifest)
    return buf.getvalue()


# --- mutators: (bytes, rng) -> bytes -------------------------------------------------------------

HOSTILE_VALUES = [
    "", " ", "-1", "-0", "1e308", "1e309", "-1e400", "NaN", "inf", "0件", "１２", "—", "－", "无", "#REF!",
    "#DIV/0!", "1.5", "0.00001", "99999999999999999999999999", "1,234", " 3 ", "=1+1", "+1", "@SUM(A1)",
    "2021-01-31", "45000", "TRUE", "\u202e", "\x00", "𠀀" * 50, "a" * 40000, "<", "&amp;", "]]>",
]
CELL_TYPES = [b"s", b"n", b"e", b"b", b"str", b"inlineStr", b"d", b"x"]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def splice_bytes(data: bytes, rng: random.Random) -> bytes:
    i, j = sorted(rng.randrange(len(data) + 1) for _ in range(2))
    choice = rng.randrange(4)
    if choice == 0:
        return data[:i]  # truncate
    if choice == 1:
        return data[:i] + data[j:]  # cut a span
    if choice == 2:
        return data[:i] + data[i:j] * 2 + data[j:]  # repeat a span
    return data[:i] + rng.randbytes(rng.randint(1, 64)) + data[j:]


def _entries(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _zip(entries: list[tuple[str, bytes]], rng: random.Random) -> bytes:
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if rng.random() < 0.2 else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, body in entries:
            if name == "mimetype":
                zf.writestr(zipfile.ZipInfo(name), body)
            else:
                zf.writestr(name, body)
    return buf.getvalue()


def mutate_entries(data: bytes, rng: random.Random) -> bytes:
    entries = _entries(data)
    k = rng.randrange(len(entries))
    op = rng.randrange(6)
    if op == 0:
        del entries[k]
    elif op == 1:
        entries.append(entries[k])  # duplicate name
    elif op == 2:
        name, body = entries[k]
        renamed = rng.choice(["xl/workbook.xml", "xl/worksheets/sheet9.xml", name.upper(), name + "x", "/" + name])
        entries[k] = (renamed, body)
    elif op == 3:
        j = rng.randrange(len(entries))
        (a, x), (b, y) = entries[k], entries[j]
        entries[k], entries[j] = (a, y), (b, x)
    elif op == 4:
        entries[k] = (entries[k][0], rng.randbytes(rng.randint(0, 512)))
    else:
        entries[k] = (entries[k][0], b"")
    return _zip(entries, rng)


def mutate_directory(data: bytes, rng: random.Random) -> bytes:
    """Tamper with a field of the central directory or a local header."""
    b = bytearray(data)
    sigs = [m.start() for m in re.finditer(b"PK\x01\x02|PK\x03\x04|PK\x05\x06", data)]
    if not sigs:
        return flip_bytes(data, rng)
    at = rng.choice(sigs)
    field = rng.randrange(4, 30)
    value = rng.choice([0, 1, 0xFF, 0xFFFF, 0xFFFFFFFF, rng.randrange(1 << 32)])
    width = rng.choice([2, 4])
    if at + field + width <= len(b):
        struct.pack_into("<I" if width == 4 else "<H", b, at + field, value & ((1 << (8 * width)) - 1))
    return bytes(b)


def _xml_targets(entries: list[tuple[str, bytes]]) -> list[int]:
    return [i for i, (n, _) in enumerate(entries) if n.endswith((".xml", ".rels"))]


def mutate_xml(data: bytes, rng: random.Random) -> bytes:
    entries = _entries(data)
    targets = _xml_targets(entries)
    if not targets:
        return flip_bytes(data, rng)
    k = rng.choice(targets)
    name, xml = entries[k]
    op = rng.randrange(8)
    tags = [m.span() for m in re.finditer(rb"<[^>]{0,200}>", xml)]
    if op == 0 and tags:  # drop a tag
        i, j = rng.choice(tags)
        xml = xml[:i] + xml[j:]
    elif op == 1 and tags:  # duplicate a tag
        i, j = rng.choice(tags)
        xml = xml[:j] + xml[i:j] + xml[j:]
    elif op == 2:  # break an attribute value (counts, repeats and references above all)
        attrs = [m.span(1) for m in re.finditer(rb'(?:[Cc]ount|repeated|ref|r)="([^"]*)"', xml)]
        if not attrs or rng.random() < 0.5:
            attrs = [m.span(1) for m in re.finditer(rb'="([^"]*)"', xml)]
        if attrs:
            i, j = rng.choice(attrs)
            broken = rng.choice([
                b"", b"ZZZ99999999", b"-1", b"A0", b"4294967295", b"4294967296", b"99999999999999999999",
                b"XFD1048576", b"&#0;", b"\xff\xfe", b"1:1048577",
            ])
            xml = xml[:i] + broken + xml[j:]
    elif op == 3:  # a DTD in the prolog
        xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "' + b"e" * 10 + b'">]>' + xml.split(b"?>", 1)[-1]
    elif op == 4:  # invalid UTF-8 or a control character
        i = rng.randrange(len(xml) + 1)
        xml = xml[:i] + rng.choice([b"\xc3\x28", b"\x00", b"\x1b", b"\xed\xa0\x80"]) + xml[i:]
    elif op == 5:  # cut the part short
        xml = xml[: rng.randrange(len(xml) + 1)]
    elif op == 6:  # deep nesting
        xml = xml.replace(b"</sheetData>", b"<x>" * 5000 + b"</x>" * 5000 + b"</sheetData>", 1)
    else:  # change a cell's type
        types = [m.span(1) for m in re.finditer(rb' t="([a-zA-Z]*)"', xml)]
        if types:
            i, j = rng.choice(types)
            xml = xml[:i] + rng.choice(CELL_TYPES) + xml[j:]
    entries[k] = (name, xml)
    return _zip(entries, rng)


def mutate_cells(data: bytes, rng: random.Random) -> bytes:
    """Put hostile values into cells: numbers, shared strings, inline strings, formulas."""
    entries = _entries(data)
    targets = [i for i, (n, _) in enumerate(entries) if n.startswith(("xl/worksheets/sheet", "xl/sharedStrings"))]
    if not targets:
        return flip_bytes(data, rng)
    for _ in range(rng.randint(1, 6)):
        k = rng.choice(targets)
        name, xml = entries[k]
        spots = [m.span(1) for m in re.finditer(rb"<(?:v|t|f)(?: [^>]*)?>([^<]*)</(?:v|t|f)>", xml)]
        if not spots:
            continue
        i, j = rng.choice(spots)
        value = rng.choice(HOSTILE_VALUES)
        raw = value.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8", "surrogatepass")
        xml = xml[:i] + raw + xml[j:]
        if rng.random() < 0.2:  # formula without cached value
            xml = re.sub(rb"(<f>[^<]*</f>)<v>[^<]*</v>", rb"\1", xml, count=1)
        entries[k] = (name, xml)
    return _zip(entries, rng)


# --- JSON reports ---------------------------------------------------------------------------------

HOSTILE_NUMBERS = [
    "1e308", "-1e308", "1e400", "NaN", "Infinity", "-Infinity", "-0", "9007199254740993", "1" + "0" * 12,
    "1" + "0" * 12 + "1", "9" * 400, "9" * 5000, "0.00001", "1.5", "1E2", "-1",
]
HOSTILE_TEXTS = [
    "\u001b]0;PWNED\u0007625", "\ud800", "\udcff\udcfe", "5\u00b2", "3\u2460", "\u202e", "\u0000", "=HYPERLINK(\"x\")",
    "\u5c40" * 200, "x" * 70000,
]


def seed_reports() -> list[tuple[str, bytes]]:
    """(suffix, bytes) of valid reports in JSON."""
    return [(".json", f.read_bytes()) for f in sorted(SEEDS.glob("*.json"))[:2]]


def _json_spots(text: str) -> list[tuple[int, int]]:
    """Where the values of a JSON text are: numbers and strings after a colon."""
    return [m.span(1) for m in re.finditer(r':\s*(-?\d[\d.eE+-]*|"(?:[^"\\]|\\.)*")', text)]


def mutate_json(data: bytes, rng: random.Random) -> bytes:
    """A report in JSON given a shape no report has."""
    text = data.decode("utf-8", "surrogatepass")
    spots = _json_spots(text)
    op = rng.randrange(6)
    if op == 0 and spots:  # a hostile number
        i, j = rng.choice(spots)
        text = text[:i] + rng.choice(HOSTILE_NUMBERS) + text[j:]
    elif op == 1 and spots:  # hostile text
        i, j = rng.choice(spots)
        text = text[:i] + '"' + rng.choice(HOSTILE_TEXTS) + '"' + text[j:]
    elif op == 2:  # nesting, as deep as the format or far deeper
        depth = rng.choice([3, 5, 6, 300, 1000, 5000, 100_000])
        opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
        inner = opener * depth + ("1" if opener != "[" else "") + closer * depth
        k = text.rfind("}")
        text = text[:k] + ', "deep": ' + inner + text[k:]
    elif op == 3:  # a key given twice
        keys = [m.span() for m in re.finditer(r'"[a-z_]+":', text)]
        if keys:
            i, j = rng.choice(keys)
            end = text.find(",", j)
            if end > 0:
                text = text[:end] + ", " + text[i:end] + text[end:]
    elif op == 4:  # a very long agency name (under the JSON reader's 16 MB)
        text = text.replace('"name": "', '"name": "' + "局" * rng.choice([101, 50_000, 5_000_000]), 1)
    else:  # cut short
        text = text[: rng.randrange(len(text) + 1)]
    return text.encode("utf-8", "surrogatepass")


JSON_MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "mutate_json": mutate_json,
    "flip_bytes": flip_bytes,
}


# --- what a case is on disk: a file, or not; named in UTF-8, or not -------------------------------------

SPECIAL_FILES = ("fifo", "dev_zero", "dev_urandom", "folder", "dangling_link")
ODD_NAMES = (b"\xff\xfe", b"\xb0\xb2\xd1\xf4", "名\x1b]0;x\x07".encode(), b"a\nb", "\u202e".encode(), b"n" * 200)


def place(folder: str, suffix: str, data: bytes, n: int, rng: random.Random) -> tuple[str, str]:
    """Put a case on disk: usually ``data`` in a file, sometimes something that is no file, or
    a file whose name is not UTF-8 or holds control characters. (path, what was done)."""
    name = f"case{n % 8}".encode()
    how = ""
    if rng.random() < 0.15:
        name = rng.choice(ODD_NAMES) + name
        how = "name"
    path = os.fsdecode(os.path.join(os.fsencode(folder), name + suffix.encode()))
    if os.path.lexists(path):
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        else:
            os.unlink(path)
    kind = rng.choice(SPECIAL_FILES) if rng.random() < 0.05 else ""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev_zero":
        os.symlink("/dev/zero", path)
    elif kind == "dev_urandom":
        os.symlink("/dev/urandom", path)
    elif kind == "folder":
        os.mkdir(path)
    elif kind == "dangling_link":
        os.symlink(os.path.join(folder, "nothing-here"), path)
    else:
        with open(path, "wb") as f:
            f.write(data)
    return path, "+".join(x for x in (how, kind) if x)


MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip_bytes": flip_bytes,
    "splice_bytes": splice_bytes,
    "mutate_entries": mutate_entries,
    "mutate_directory": mutate_directory,
    "mutate_xml": mutate_xml,
    "mutate_cells": mutate_cells,
}


def mutate(data: bytes, rng: random.Random, suffix: str = ".xlsx") -> tuple[bytes, str]:
    warnings.filterwarnings("ignore", category=UserWarning, module="zipfile")  # duplicate names are wanted
    mutators = JSON_MUTATORS if suffix == ".json" else MUTATORS
    if suffix in fuzz_published.SUFFIXES:
        mutators = fuzz_published.mutators_for(suffix, MUTATORS)
    names = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        name = rng.choice(list(mutators))
        try:
            data = mutators[name](data, rng)
        except Exception:  # noqa: BLE001 - a previous mutation broke the zip; fall back to bytes
            data = flip_bytes(data, rng) if data else b"\x00"
        names.append(name)
    return data, "+".join(names)


# --- the target -----------------------------------------------------------------------------------


def load_readers() -> None:
    """Import the readers ahead of the first case (nianbao.io.readers registers the workbook
    reader as it loads)."""
    import nianbao.io.readers  # noqa: F401


def run_target(path: str) -> str | None:
    """None when the readers behaved; else the traceback of what they raised."""
    from nianbao.io.check import check_file
    from nianbao.io.readers import ReadError, read

    try:
        read(path)
    except ReadError as e:
        if not str(e).startswith(Path(path).name):
            return f"ReadError does not name the file: {e}"
        cause = e.__cause__
        # read() turns what no reader foresaw into a generic message; a Rust panic in
        # python-calamine on a damaged file is acceptable there, anything else is a bug
        if cause is not None and type(cause).__name__ != "PanicException":
            return "read() (unforeseen, caught by the safety net):\n" + "".join(
                traceback.format_exception(type(cause), cause, cause.__traceback__)
            )
    except BaseException:  # noqa: BLE001
        return "read():\n" + traceback.format_exc()
    try:
        result = check_file(path)
    except BaseException:  # noqa: BLE001
        return "check_file():\n" + traceback.format_exc()
    if result.unreadable and not result.findings:
        return "check_file(): unreadable without a finding"
    problem = shown_problem(result)
    if problem:
        return problem
    try:
        return compare_readers(path)
    except BaseException:  # noqa: BLE001 - a flaw of the fast reader, hidden from users by its fallback
        return "compare_readers():\n" + traceback.format_exc()


MAX_MESSAGE = 2000  # characters: a message quotes a value briefly, never a whole field


def shown_problem(result) -> str | None:  # noqa: ANN001 - a nianbao.core.findings.Result
    """Why a result could not be shown or written as the CLI does (None when it can): every
    message printable as UTF-8 and brief, the report writable as UTF-8 JSON."""
    from nianbao.core.sanitize import json_text, printable

    try:
        for f in result.findings:
            line = printable(f.message)
            line.encode("utf-8")
            if len(f.message) > MAX_MESSAGE:
                return f"a message of {len(f.message)} characters: {f.message[:300]!r}"
            if any(c < " " or "\x7f" <= c <= "\x9f" for c in line):
                return f"a control character shown raw: {line[:300]!r}"
        json_text(result.to_dict()).encode("utf-8")
        if result.document is not None:
            json_text(result.document).encode("utf-8")
    except BaseException:  # noqa: BLE001
        return "showing the result:\n" + traceback.format_exc()
    return None


def compare_readers(path: str) -> str | None:
    """None when the fast .xlsx reader (:mod:`nianbao.io.xlsx.ooxml`, from the parts the container
    check inflated) and python-calamine agree on a file; else what differs.

    They disagree when the fast reader refuses a file python-calamine reads, or when both
    read it and the reports differ (document, findings, locations). The fast reader may
    decline (it then hands the file to python-calamine); both may refuse a file, each for
    the first reason it meets; and the fast reader may read a file python-calamine refuses
    for what the fast reader never needs to look at (markup around the cells, a sheet that
    is not the template's, a zip directory record only zipfile forgives)."""
    from nianbao.io.container.panics import panic_messages_hidden
    from nianbao.io.container.safety import open_container
    from nianbao.io.readers import ReadError
    from nianbao.io.xlsx import ooxml, workbook

    p = Path(path)
    if p.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        container = open_container(p)
    except ReadError:
        return None  # refused before either reader: nothing to compare
    if container.parts is None:
        return None
    try:
        fast: object = workbook.read_parsed(p, ooxml.Workbook(container.parts))
    except ooxml.Unsupported:
        return None  # declined: python-calamine reads it
    except ReadError as e:
        fast = str(e)
    try:
        with panic_messages_hidden():
            slow = workbook.read_workbook(p, container=container, fast=False)
    except BaseException:  # noqa: BLE001 - python-calamine refuses it, or panics (read()'s to report)
        return None
    if fast == slow:
        return None
    return (
        f"the two .xlsx readers disagree:\n  io.xlsx.ooxml: {str(fast)[:600]}\n  python-calamine: {str(slow)[:600]}"
    )


def _worker(conn, memory_mb: int, rss_mb: int = 0) -> None:  # noqa: ANN001
    import resource

    try:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    load_readers()
    while True:
        path = conn.recv()
        if path is None:
            return
        why = run_target(path)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        if rss_mb and peak > rss_mb:  # (a peak stays: this worker ends, a fresh one follows)
            conn.send(f"{why or ''}\nmemory: peak {peak} MB, over {rss_mb} MB".strip())
            return
        conn.send(why)


class Worker:
    """One process running the target, restarted after a hang or a death."""

    def __init__(self, memory_mb: int, rss_mb: int = 0) -> None:
        self.memory_mb, self.rss_mb = memory_mb, rss_mb
        self.ctx = mp.get_context("spawn")
        self.proc = None
        self.start()

    def start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, self.memory_mb, self.rss_mb), daemon=True)
        self.proc.start()

    def run(self, path: str, timeout: float) -> str | None:
        self.conn.send(path)
        if not self.conn.poll(timeout):
            self.restart()
            return f"hang: no answer within {timeout} s"
        try:
            why = self.conn.recv()
            if why and why.splitlines()[-1].startswith("memory:"):
                self.restart()
            return why
        except EOFError:
            code = self.proc.exitcode
            self.restart()
            return f"worker died (exit code {code})"

    def restart(self) -> None:
        if self.proc and self.proc.is_alive():
            self.proc.kill()
        if self.proc:
            self.proc.join(5)
        self.start()

    def close(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        if self.proc:
            self.proc.join(5)
            if self.proc.is_alive():
                self.proc.kill()


def save(out: Path, data: bytes, suffix: str, why: str, how: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    name = "crash-" + hashlib.sha1(data).hexdigest()[:12]
    path = out / (name + suffix)
    path.write_bytes(data)
    (out / (name + ".why.txt")).write_text(f"mutation: {how}\n\n{why}\n", encoding="utf-8")  # (a case may be .txt)
    return path


def fuzz_random(args: argparse.Namespace) -> int:
    from nianbao.io.xlsx.workbook import SUFFIXES as WORKBOOK_SUFFIXES

    seeds = seed_workbooks() + seed_reports() + fuzz_published.seed_publications(SEEDS)
    for p in args.corpus:
        for f in sorted(Path(p).glob("*")) if Path(p).is_dir() else [Path(p)]:
            if f.is_file() and f.suffix.lower() in (*WORKBOOK_SUFFIXES, *fuzz_published.SUFFIXES):
                seeds.append((f.suffix.lower(), f.read_bytes()))
    rng = random.Random(args.seed)
    worker = Worker(args.memory, args.rss)
    deadline = time.monotonic() + args.seconds if args.seconds > 0 else float("inf")
    runs = failures = 0
    seen: set[str] = set()
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as tmp:
            while time.monotonic() < deadline and (not args.runs or runs < args.runs):
                suffix, data = rng.choice(seeds)
                mutated, how = mutate(data, rng, suffix)
                path, placed = place(tmp, suffix, mutated, runs, rng)
                if placed:
                    how += f"（{placed}）"
                why = worker.run(path, args.timeout)
                runs += 1
                if why:
                    key = why.strip().splitlines()[-1][:200]
                    if key not in seen:
                        seen.add(key)
                        failures += 1
                        saved = save(Path(args.out), mutated, suffix, why, how)
                        print(f"发现问题：{saved}（{how}）\n{why}", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        worker.close()
    print(f"模糊测试：运行 {runs} 例，发现 {failures} 类问题（种子 {args.seed}）")
    return 1 if failures else 0


def fuzz_atheris(args: argparse.Namespace) -> int:  # pragma: no cover - optional engine
    import atheris

    with atheris.instrument_imports():
        import nianbao.io.check  # noqa: F401
        import nianbao.io.container.safety  # noqa: F401
        import nianbao.io.readers  # noqa: F401

        load_readers()
    seeds = seed_workbooks()
    tmp = tempfile.mkdtemp(prefix="nianbao-fuzz-")

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        suffix, seed = seeds[fdp.ConsumeIntInRange(0, len(seeds) - 1)]
        mutated, _ = mutate(seed, random.Random(fdp.ConsumeInt(8)), suffix)
        path = os.path.join(tmp, "case" + suffix)
        with open(path, "wb") as f:
            f.write(mutated)
        why = run_target(path)
        if why:
            raise RuntimeError(why)

    argv = [sys.argv[0], f"-timeout={int(args.timeout)}", f"-rss_limit_mb={args.memory}"]
    if args.seconds > 0:
        argv.append(f"-max_total_time={int(args.seconds)}")
    atheris.Setup(argv, one)
    atheris.Fuzz()
    return 0


def replay(args: argparse.Namespace) -> int:
    worker = Worker(args.memory, args.rss)
    bad = 0
    try:
        for p in args.replay:
            why = worker.run(os.path.abspath(p), args.timeout)
            print(f"{p}：{'仍有问题' if why else '正常'}")
            if why:
                bad += 1
                print(why, file=sys.stderr)
    finally:
        worker.close()
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="对报告读取器做模糊测试（变异合法工作簿和发布稿）")
    ap.add_argument("--seconds", type=float, default=60, help="运行时长（秒），0 表示直到 Ctrl-C")
    ap.add_argument("--runs", type=int, default=0, help="最多运行的例数（0 不限）")
    ap.add_argument("--seed", type=int, default=int(time.time()), help="随机种子，用于复现")
    ap.add_argument("--timeout", type=float, default=10, help="单例时限（秒），超时即视为挂起")
    ap.add_argument("--memory", type=int, default=2048, help="工作进程内存上限（MB）")
    ap.add_argument("--rss", type=int, default=500, help="单例峰值内存上限（MB，0 不查）")
    ap.add_argument("--out", default="fuzz-findings", help="保存问题输入的文件夹")
    ap.add_argument("--corpus", nargs="*", default=[], help="额外的种子工作簿或文件夹")
    ap.add_argument("--engine", choices=["random", "atheris"], default="random")
    ap.add_argument("--replay", nargs="*", help="重新运行已保存的输入")
    args = ap.parse_args(argv)
    if args.replay:
        return replay(args)
    return fuzz_atheris(args) if args.engine == "atheris" else fuzz_random(args)


if __name__ == "__main__":
    sys.exit(main())
