#!/usr/bin/env python3
"""Fuzz the report readers with mutated workbooks.

Valid workbooks (filled templates of both forms, a plain workbook, and any files given
with ``--corpus``) are mutated — byte flips, zip entry and directory mutations, XML
mutations, cell value mutations — and fed to :func:`nianbao.io.readers.read` and
:func:`nianbao.io.check.check_file` in a worker process with a time and memory limit.

A failure is: ``read`` raising anything but :class:`nianbao.io.readers.ReadError`;
``check_file`` raising anything at all; the two .xlsx readers disagreeing
(:func:`compare_readers`: the reader of :mod:`nianbao.io.ooxml` must read what python-calamine
reads, the same way); the worker dying, running out of memory, or taking longer than
``--timeout`` seconds. Each failing input is saved to ``--out`` with
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
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
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
    return ods_bytes(rows + '<table:table-row table:number-rows-repeated="1048560"><table:table-cell table:number-columns-repeated="5"/></table:table-row>')


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
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
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
        entries[k] = (rng.choice(["xl/workbook.xml", "xl/worksheets/sheet9.xml", name.upper(), name + "x", "/" + name]), body)
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
            xml = xml[:i] + rng.choice([b"", b"ZZZ99999999", b"-1", b"A0", b"4294967295", b"4294967296", b"99999999999999999999", b"XFD1048576", b"&#0;", b"\xff\xfe", b"1:1048577"]) + xml[j:]
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


MUTATORS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "flip_bytes": flip_bytes,
    "splice_bytes": splice_bytes,
    "mutate_entries": mutate_entries,
    "mutate_directory": mutate_directory,
    "mutate_xml": mutate_xml,
    "mutate_cells": mutate_cells,
}


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    warnings.filterwarnings("ignore", category=UserWarning, module="zipfile")  # duplicate names are wanted
    names = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        name = rng.choice(list(MUTATORS))
        try:
            data = MUTATORS[name](data, rng)
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
    try:
        return compare_readers(path)
    except BaseException:  # noqa: BLE001 - a flaw of the fast reader, hidden from users by its fallback
        return "compare_readers():\n" + traceback.format_exc()


def compare_readers(path: str) -> str | None:
    """None when the fast .xlsx reader (:mod:`nianbao.io.ooxml`, from the parts the container
    check inflated) and python-calamine agree on a file; else what differs.

    They disagree when the fast reader refuses a file python-calamine reads, or when both
    read it and the reports differ (document, findings, locations). The fast reader may
    decline (it then hands the file to python-calamine); both may refuse a file, each for
    the first reason it meets; and the fast reader may read a file python-calamine refuses
    for what the fast reader never needs to look at (markup around the cells, a sheet that
    is not the template's, a zip directory record only zipfile forgives)."""
    from nianbao.io import ooxml, workbook
    from nianbao.io.panics import panic_messages_hidden
    from nianbao.io.readers import ReadError
    from nianbao.io.safety import open_container

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
    return f"the two .xlsx readers disagree:\n  nianbao.io.ooxml: {str(fast)[:600]}\n  python-calamine: {str(slow)[:600]}"


def _worker(conn, memory_mb: int) -> None:  # noqa: ANN001
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    load_readers()
    while True:
        path = conn.recv()
        if path is None:
            return
        conn.send(run_target(path))


class Worker:
    """One process running the target, restarted after a hang or a death."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.ctx = mp.get_context("spawn")
        self.proc = None
        self.start()

    def start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, self.memory_mb), daemon=True)
        self.proc.start()

    def run(self, path: str, timeout: float) -> str | None:
        self.conn.send(path)
        if not self.conn.poll(timeout):
            self.restart()
            return f"hang: no answer within {timeout} s"
        try:
            return self.conn.recv()
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
    (out / (name + ".txt")).write_text(f"mutation: {how}\n\n{why}\n", encoding="utf-8")
    return path


def fuzz_random(args: argparse.Namespace) -> int:
    from nianbao.io.workbook import SUFFIXES as WORKBOOK_SUFFIXES

    seeds = seed_workbooks()
    for p in args.corpus:
        for f in sorted(Path(p).glob("*")) if Path(p).is_dir() else [Path(p)]:
            if f.is_file() and f.suffix.lower() in WORKBOOK_SUFFIXES:
                seeds.append((f.suffix.lower(), f.read_bytes()))
    rng = random.Random(args.seed)
    worker = Worker(args.memory)
    deadline = time.monotonic() + args.seconds if args.seconds > 0 else float("inf")
    runs = failures = 0
    seen: set[str] = set()
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-fuzz-") as tmp:
            while time.monotonic() < deadline and (not args.runs or runs < args.runs):
                suffix, data = rng.choice(seeds)
                mutated, how = mutate(data, rng)
                path = os.path.join(tmp, f"case{runs % 8}{suffix}")
                with open(path, "wb") as f:
                    f.write(mutated)
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
        import nianbao.io.readers  # noqa: F401
        import nianbao.io.safety  # noqa: F401

        load_readers()
    seeds = seed_workbooks()
    tmp = tempfile.mkdtemp(prefix="nianbao-fuzz-")

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        suffix, seed = seeds[fdp.ConsumeIntInRange(0, len(seeds) - 1)]
        mutated, _ = mutate(seed, random.Random(fdp.ConsumeInt(8)))
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
    worker = Worker(args.memory)
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
    ap = argparse.ArgumentParser(description="对报告读取器做模糊测试（变异合法工作簿）")
    ap.add_argument("--seconds", type=float, default=60, help="运行时长（秒），0 表示直到 Ctrl-C")
    ap.add_argument("--runs", type=int, default=0, help="最多运行的例数（0 不限）")
    ap.add_argument("--seed", type=int, default=int(time.time()), help="随机种子，用于复现")
    ap.add_argument("--timeout", type=float, default=10, help="单例时限（秒），超时即视为挂起")
    ap.add_argument("--memory", type=int, default=2048, help="工作进程内存上限（MB）")
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
