"""Consolidating many agencies' reports into one regional summary.

The disclosure office of a government receives one report per department and publishes the
sum. :func:`consolidate` does that job:

1. :func:`discover` turns files, folders (searched recursively) and glob patterns into a list
   of input files;
2. :func:`read_records` reads and validates every file in a pool of worker processes. A
   worker returns a compact :class:`Record` (agency, year, form, status, the cell values as
   numbers, the findings) and nothing else of the file, so memory stays flat however many
   files there are. A bad file gives a record saying why; it never stops the run;
3. :func:`combine` decides which records are summed, and sums them cell by cell — the form
   model says which cells there are; counts add as ``int``, amounts as exact ``Decimal``.

Which records are summed (everything else is listed with the reason):

* only one report year and form: the one most records have, or the one asked for;
* not a record with errors, unless ``include_errors`` (the summary then says so);
* not a duplicate: two records of the same agency (same 统一社会信用代码, else same name, for
  the same year and form) are both left out until the office resolves which one counts;
* 采购总金额 (form 2019, whose form prints no unit) is summed in 万元: an amount declared in
  元 is converted exactly (÷10000); one that cannot be written exactly in 万元 with at most
  4 decimals (fractions of a 元) leaves its report out, with the reason.

Given a roster (CSV or xlsx with a 单位名称 column and optionally 统一社会信用代码), the
consolidation also lists the agencies on the roster that sent no report of the summed year
and form (未报送), and the reports of agencies not on the roster.

Nothing here writes a file: :mod:`nianbao.consolidation.summary` writes the summary workbook and the long
CSV from a :class:`Consolidation`; the CLI only prints it.
"""

from __future__ import annotations

import csv
import fnmatch
import glob
import io
import math
import os
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.codes import Code, Status
from ..io.check import check_file
from ..core.findings import ERRORS, UNREADABLE, Finding, Tally, finding
from ..core.forms import (
    form_for_year,
    AMOUNT,
    AMOUNT_DECIMALS,
    DEFAULT_PROCUREMENT_UNIT,
    FORMS,
    KIND_BOUNDS,
    MAX_TEXT_LENGTH,
    NAME_LABEL,
    PROCUREMENT_UNIT_KEY,
    SUMMARY_MEMBERS_KEY,
    SUMMARY_KEY,
    SUMMARY_LEVEL_KEY,
    REGION_LABEL,
    TEXT_LENGTHS,
    USCC_LABEL,
)
from ..core.model import Cell, FormModel, model
from ..core.rules import bounded
from ..io.files import NotRegular, read_regular, regular_problem
from ..io.readers import READERS, ReadError

# What becomes of an entry (:attr:`Entry.disposition`).

SUMMED = "已汇总"
NOT_SUMMED = "未汇总"

DEFAULT_NAME = "汇总"
YUAN = "元"
YUAN_PER_WAN = Decimal(10000)
_QUANTUM = Decimal(1).scaleb(-AMOUNT_DECIMALS)


# ---------------------------------------------------------------------------------------
# Records: what a worker sends back for one file


@dataclass(frozen=True, slots=True)
class Record:
    """One input file, reduced to what consolidation needs."""

    source: str
    status: Status
    form: str | None = None
    year: int | None = None
    name: str = ""
    uscc: str = ""
    region_code: str = ""
    # cell values in the form model's order: int for counts, Decimal for amounts (in 万元),
    # None where the cell is blank or not a number
    values: tuple[Any, ...] | None = None
    findings: tuple[Finding, ...] = ()
    problem: str = ""  # why the record cannot be summed whatever the options (e.g. its unit)
    members: int = 1  # the agencies it adds up: 1, or for a summary as many as it holds

    @property
    def readable(self) -> bool:
        return self.status != UNREADABLE

    @property
    def tally(self) -> Tally:
        return Tally.of(self.findings)

    @property
    def errors(self) -> int:
        return self.tally.errors


def _whole(value: Any) -> int | None:
    t = type(value)
    if t is int:
        return value
    if t is float and value.is_integer():
        return int(value)
    return None


def _exact(value: Any) -> Decimal | None:
    t = type(value)
    if t is int:
        return Decimal(value)
    if t is float and math.isfinite(value):
        return Decimal(repr(value))
    return None


def numbers(m: FormModel, document: dict[str, Any], raw: Sequence[Any] | None = None) -> tuple[tuple[Any, ...], str]:
    """The cell values of a report as exact numbers (amounts in 万元), and a problem that
    keeps it out of any sum ("" when none). ``raw`` are the document's cell values
    (:meth:`FormModel.values`), when the caller has them."""
    raw = m.values(document) if raw is None else raw
    out = bounded(m, [v if type(v) is int else _whole(v) for v in raw])  # counts: whole numbers only
    meta = document.get("meta")
    unit = meta.get(PROCUREMENT_UNIT_KEY) if isinstance(meta, dict) else None
    unit = unit or DEFAULT_PROCUREMENT_UNIT
    problem = ""
    for cell in m.amount_cells:
        index = cell.index
        v = raw[index]
        d = _exact(v)
        if d is not None and abs(d) > KIND_BOUNDS[AMOUNT][1]:
            d = None  # beyond its bound (RANGE): never added
        if d is not None and index in m.unit_cells and unit != DEFAULT_PROCUREMENT_UNIT:
            if unit != YUAN:
                problem = f"{cell.label}的单位「{unit}」无法识别，不能与其他单位的金额相加"
                d = None
            else:
                d = d / YUAN_PER_WAN
                if d != d.quantize(_QUANTUM, rounding="ROUND_DOWN"):
                    problem = (
                        f"{cell.label}以元为单位（{v}），换算为万元超过 {AMOUNT_DECIMALS} 位小数，"
                        "无法精确相加；请以万元填报"
                    )
                    d = None
        out[index] = d
    return tuple(out), problem


def _text(value: Any, limit: int) -> str:
    """A text field of a report as a record keeps it: at most ``limit`` characters (a longer
    one is an error of the report, TEXT, and must not be copied into every row of every
    output)."""
    if not isinstance(value, str):
        return ""
    text: str = value.strip()
    return text if len(text) <= limit else text[:limit] + "…"
def _summary_members(document: dict[str, Any]) -> int:
    """How many agencies a report adds up: those a summary records, else 1."""
    meta = document.get("meta")
    info = meta.get(SUMMARY_KEY) if isinstance(meta, dict) else None
    members = info.get(SUMMARY_MEMBERS_KEY) if isinstance(info, dict) else None
    if isinstance(members, list):
        return len(members)
    return members if type(members) is int and members >= 0 else 1




def examine(path: str) -> Record:
    """Read and validate one file into a :class:`Record`. Never raises for a bad file."""
    try:
        result = check_file(path)
        if result.unreadable or not isinstance(result.document, dict):
            return Record(path, UNREADABLE, findings=result.findings)
        doc = result.document
        form = doc.get("form")
        year = doc.get("year")
        agency = doc.get("agency")
        agency = agency if isinstance(agency, dict) else {}
        values = None
        problem = ""
        if form in FORMS:
            values, problem = numbers(model(form), doc, result.values)
        return Record(
            source=path,
            status=result.status,
            form=form if form in FORMS else None,
            year=year if type(year) is int else None,
            name=_text(agency.get("name"), TEXT_LENGTHS["name"]),
            uscc=_text(agency.get("uscc"), MAX_TEXT_LENGTH).upper(),
            region_code=_text(agency.get("region_code"), MAX_TEXT_LENGTH),
            values=values,
            findings=result.findings,
            problem=problem,
            members=_summary_members(doc),
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - a reader's bug (even a parser's panic) must not stop the batch
        return Record(path, UNREADABLE, findings=(finding(Code.READ, f"{Path(path).name}：读取时发生意外错误（{type(e).__name__}: {e}）"),))


# ---------------------------------------------------------------------------------------
# Inputs


def supported_suffixes() -> tuple[str, ...]:
    # nianbao.io.readers imports the workbook reader, which registers itself, as it loads
    return tuple(sorted(READERS))


def _skipped(name: str) -> bool:
    # Office lock files (~$x.xlsx), hidden files, our own temporary outputs (.x.xlsx.part).
    return name.startswith(("~$", "."))


@dataclass(frozen=True, eq=False)
class Inputs:
    """The input files found under some paths, each once: ``found`` maps a file's key (its
    real path) to its path as found; ``missing`` holds a record for each path that names
    nothing. Found once (:func:`find_inputs`), used both to check that no output would
    overwrite a report (:func:`reports_overwritten`) and to consolidate."""

    found: dict[str, str]
    missing: tuple[Record, ...]
    # links to folders met while searching folders recursively: never followed (a link to a
    # folder above it would make the search endless); the CLI says which
    skipped: tuple[str, ...] = ()

    def files(self, exclude: Iterable[str | os.PathLike[str]] = ()) -> list[str]:
        """The input files, sorted, but those of ``exclude`` (the outputs)."""
        excluded = {_key(p) for p in exclude}
        return sorted(p for k, p in self.found.items() if k not in excluded)


def find_inputs(paths: Iterable[str | os.PathLike[str]]) -> Inputs:
    """The input files of files, folders (recursive) and glob patterns.

    A file named explicitly is always an input (an unsupported one is then reported as
    unreadable); inside folders and glob matches only files of a readable type count, and
    hidden files and Office lock files are skipped."""
    found, missing, skipped = _discover(paths)
    return Inputs(found, tuple(missing), tuple(skipped))


def discover(paths: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()) -> tuple[list[str], list[Record]]:
    """Input files (:func:`find_inputs`), sorted, each once, but the paths of ``exclude``
    (the output); and a record for each path that names nothing."""
    inputs = find_inputs(paths)
    return inputs.files(exclude), list(inputs.missing)


def _discover(paths: Iterable[str | os.PathLike[str]]) -> tuple[dict[str, str], list[Record], list[str]]:
    """:func:`find_inputs`, by key (the file's real path): {key: path as found}; and the links
    to folders not followed."""
    suffixes = set(supported_suffixes())
    found: dict[str, str] = {}
    missing: list[Record] = []
    skipped: list[str] = []

    def add(p: str, key: str | None = None) -> None:
        found.setdefault(key or _key(p), p)

    def unreadable_folder(e: OSError) -> None:
        where = e.filename or ""
        missing.append(Record(where, UNREADABLE, findings=(finding(Code.READ, f"文件夹「{where}」无法打开：{e.strerror or e}"),)))

    def walk(folder: str) -> None:
        # os.scandir rather than os.walk: a file's key is its folder's real path (found once
        # per folder) joined with its name, not os.path.realpath of each of thousands of files
        stack = [(folder, _key(folder))]
        while stack:
            shown, real = stack.pop()
            try:
                with os.scandir(shown) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as err:
                unreadable_folder(err)
                continue
            folders = []
            for e in entries:
                try:
                    if e.is_dir():
                        # like os.walk: a link to a folder is listed, never followed
                        if e.name.startswith("."):
                            continue
                        if e.is_symlink():
                            skipped.append(e.path)
                        else:
                            folders.append((e.path, os.path.join(real, os.path.normcase(e.name))))
                    elif not _skipped(e.name) and os.path.splitext(e.name)[1].lower() in suffixes:
                        add(e.path, None if e.is_symlink() else os.path.join(real, os.path.normcase(e.name)))
                except OSError:
                    continue
            stack.extend(reversed(folders))

    for raw in paths:
        p = os.fspath(raw)
        if os.path.isdir(p):
            walk(p)
        elif os.path.exists(p):  # a file (a FIFO or a device too: the reader refuses it, saying so)
            add(p)
        elif glob.has_magic(p):
            matches = sorted(_glob(p, skipped))
            if not matches:
                missing.append(Record(p, UNREADABLE, findings=(finding(Code.READ, f"「{p}」没有匹配到任何文件"),)))
            for m in matches:
                if os.path.isdir(m):
                    walk(m)
                elif not _skipped(Path(m).name) and Path(m).suffix.lower() in suffixes:
                    add(m)
        else:
            missing.append(Record(p, UNREADABLE, findings=(finding(Code.READ, f"{Path(p).name}：文件不存在"),)))
    return found, missing, skipped


def _glob(pattern: str, skipped: list[str]) -> list[str]:
    """``glob.glob(pattern, recursive=True)``, except that ``**`` never goes down a link to a
    folder (``glob`` does, and a link to a folder above it makes it run for ever); such links
    are added to ``skipped``. Hidden names match only a part that starts with a dot."""
    head, *parts = _split(pattern)
    out: list[str] = []
    stack: list[tuple[str, int]] = [(head, 0)]
    while stack:
        at, i = stack.pop()
        if i == len(parts):
            out.append(at)
            continue
        part = parts[i]
        if not glob.has_magic(part):
            nxt = os.path.join(at, part)
            if os.path.lexists(nxt):
                stack.append((nxt, i + 1))
            continue
        try:
            with os.scandir(at or os.curdir) as it:
                entries = list(it)
        except OSError:
            continue
        for e in entries:
            if e.name.startswith(".") and not part.startswith("."):
                continue
            path = os.path.join(at, e.name)
            if part == "**":
                try:
                    if not e.is_dir():
                        continue
                    if e.is_symlink():
                        skipped.append(path)
                        continue
                except OSError:
                    continue
                stack.append((path, i))  # one folder deeper, still under **
            elif fnmatch.fnmatch(e.name, part):
                stack.append((path, i + 1))
        if part == "**":
            stack.append((at, i + 1))  # ** matching no folder at all
    return list(dict.fromkeys(out))


def _split(pattern: str) -> list[str]:
    """A glob pattern as (the folder before its first wildcard, *its parts from there*)."""
    parts = pattern.split(os.sep) if os.altsep is None else pattern.replace(os.altsep, os.sep).split(os.sep)
    n = next((k for k, x in enumerate(parts) if glob.has_magic(x)), len(parts))
    head = os.sep.join(parts[:n]) or ("" if not pattern.startswith(os.sep) else os.sep)
    return [head, *[x for x in parts[n:] if x]]


def _key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(path))


def reports_overwritten(
    inputs: Inputs | Iterable[str | os.PathLike[str]],
    outputs: Iterable[str | os.PathLike[str]],
    is_ours: Callable[[Path], bool],
) -> list[Path]:
    """The outputs that already exist as input files (e.g. ``-o 各单位/甲.xlsx``; ``inputs``
    as found, or the paths to look in) and are not files this tool wrote before
    (``is_ours``): writing them would destroy a report. An earlier summary in an input
    folder may be replaced; it is never read as input."""
    existing = [Path(t) for t in outputs if Path(t).is_file()]
    if not existing:  # the usual first run: nothing to overwrite
        return []
    found = _as_inputs(inputs).found
    return [t for t in existing if _key(t) in found and not is_ours(t)]


def _as_inputs(paths: Inputs | Iterable[str | os.PathLike[str]]) -> Inputs:
    return paths if isinstance(paths, Inputs) else find_inputs(paths)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def read_records(
    files: Sequence[str],
    jobs: int | None = None,
    progress: Callable[[Record], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Record]:
    """Examine every file, in ``jobs`` worker processes; records sorted by source path, so the
    outcome does not depend on which worker finished first. ``meanwhile`` is called once in
    this process while the workers read (say, to import what writing the summary needs); it
    is only a head start, so should it fail, the failure is ignored here.

    A worker only ever sends back records, so a bad file cannot stop the run; and should a
    file kill its worker process outright (a crash in a parser), the files left are run again
    in halves until that file is found alone; it is then recorded as unreadable."""
    jobs = jobs or default_jobs()
    records: list[Record] = []
    waiting = [meanwhile] if meanwhile else []

    def emit(r: Record) -> None:
        records.append(r)
        if progress:
            progress(r)

    def meanwhile_once() -> None:
        while waiting:
            try:
                waiting.pop()()
            except Exception:  # noqa: BLE001 - only a head start: what failed is done again later
                pass

    if jobs <= 1 or len(files) <= 1:
        for f in files:
            emit(examine(f))
    else:
        jobs = min(jobs, len(files))
        left = _run_pool(list(files), jobs, emit, meanwhile_once)
        queue = [left] if left else []
        while queue:
            group = queue.pop()
            if len(group) == 1:
                if _run_pool(group, 1, emit):
                    emit(Record(group[0], UNREADABLE, findings=(finding(
                        Code.READ, f"{Path(group[0]).name}：读取时处理进程意外终止（文件可能已损坏或含有异常内容）"),)))
                continue
            half = len(group) // 2
            for part in (group[:half], group[half:]):
                rest = _run_pool(part, min(jobs, len(part)), emit)
                if rest:
                    queue.append(rest)
    meanwhile_once()  # if the pool never got to it
    records.sort(key=lambda r: r.source)
    return records


def _examine_many(paths: list[str]) -> list[Record]:
    return [examine(p) for p in paths]


def _worker_start() -> None:
    # What the worker inherited from its parent stays put: the collector never walks it, so
    # its pages are never written to and stay shared with the parent.
    import gc
    import signal

    gc.freeze()
    # Ctrl-C (sent to the whole process group) and SIGTERM end a worker at once and quietly:
    # the parent alone cleans up and says so (not a traceback from every worker)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


CHUNK_FILES = 64  # files a worker examines per task: fewer round trips, a short tail


def _run_pool(files: list[str], jobs: int, emit: Callable[[Record], None], meanwhile: Callable[[], None] | None = None) -> list[str]:
    """Examine ``files`` in a pool of ``jobs`` processes, in chunks, emitting records as they
    arrive; the files not done because a worker died. ``meanwhile`` runs here once the
    workers have started (they are all forked on the first task: nothing forks after it)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    size = max(1, min(CHUNK_FILES, len(files) // (jobs * 8)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    done: set[str] = set()
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start) as pool:
            try:
                futures = [pool.submit(_examine_many, chunk) for chunk in chunks]
                if meanwhile:
                    meanwhile()
                for future in as_completed(futures):
                    try:
                        batch = future.result()
                    except BrokenProcessPool:
                        continue
                    for r in batch:
                        done.add(r.source)
                        emit(r)
            except BaseException:  # Ctrl-C, SIGTERM: stop the workers now, not after every file
                _stop(pool)
                raise
    except BrokenProcessPool:
        pass
    return [f for f in files if f not in done]


def _stop(pool: Any) -> None:
    """End a pool's workers at once (the pool's own shutdown would wait for their files)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.kill()
        except (OSError, ValueError, AttributeError):
            continue


# ---------------------------------------------------------------------------------------
# Roster


NAME_HEADERS = (NAME_LABEL, "单位", "单位全称", "机关名称", "部门名称", "部门", "报送单位", "填报单位", "名称", "name", "agency")
USCC_HEADERS = (USCC_LABEL, "社会信用代码", "信用代码", "统一代码", "代码", "uscc")
REGION_HEADERS = (REGION_LABEL, "区划代码", "region_code")
NAME_HINT, USCC_HINT, REGION_HINT = NAME_LABEL, "信用代码", "区划"


class RosterError(Exception):
    """A roster that cannot be read. ``str(error)`` is the Chinese message."""


@dataclass(frozen=True)
class Member:
    name: str
    uscc: str = ""
    region_code: str = ""
    line: int = 0  # row in the roster file


def _norm_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def _norm_header(h: Any) -> str:
    return _norm_name(str(h or "")).lower().strip("*＊:：")


def _find_column(headers: list[str], wanted: tuple[str, ...], hint: str = "") -> int | None:
    """The column whose header is one of ``wanted`` (in order of preference), else the first
    whose header contains ``hint`` (e.g. "单位名称（全称）")."""
    for w in (_norm_header(w) for w in wanted):
        if w in headers:
            return headers.index(w)
    if hint:
        for i, h in enumerate(headers):
            if hint in h:
                return i
    return None


def _members(rows: Iterator[list[Any]], path: Path) -> list[Member]:
    header_at = None
    for n, row in enumerate(rows, 1):
        headers = [_norm_header(c) for c in row]
        name_col = _find_column(headers, NAME_HEADERS, NAME_HINT)
        if name_col is not None:
            header_at = n
            uscc_col = _find_column(headers, USCC_HEADERS, USCC_HINT)
            region_col = _find_column(headers, REGION_HEADERS, REGION_HINT)
            break
        if n >= 10:
            break
    if header_at is None:
        raise RosterError(
            f"单位名单 {path.name} 的前 10 行中没有找到「{NAME_LABEL}」列（也可写作：{'、'.join(NAME_HEADERS[1:8])}）"
        )
    out: list[Member] = []

    def cell(row: list[Any], col: int | None) -> str:
        if col is None or col >= len(row) or row[col] is None:
            return ""
        v = row[col]
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    for n, row in enumerate(rows, header_at + 1):
        name = cell(row, name_col)
        uscc = cell(row, uscc_col).upper()
        if name or uscc:
            out.append(Member(name, uscc, cell(row, region_col), n))
    return out


MAX_ROSTER_BYTES = 16 * 1024 * 1024


def read_roster(path: str | os.PathLike[str]) -> list[Member]:
    """The agencies expected to report, from a CSV (UTF-8 or GB18030) or xlsx file."""
    p = Path(path)
    too_large = f"单位名单 {p.name} 过大（超过 {MAX_ROSTER_BYTES // 1024 // 1024} MB），请只保留单位名单"
    try:
        if p.stat().st_size > MAX_ROSTER_BYTES:
            raise RosterError(too_large)
        problem = regular_problem(p)
        if problem:  # a FIFO, a device: never opened
            raise RosterError(f"单位名单 {p.name}：{problem}")
        if p.suffix.lower() in (".xlsx", ".xlsm"):
            import openpyxl

            from ..io.safety import check_container

            try:
                check_container(p)
            except ReadError as e:
                raise RosterError(f"单位名单 {e}") from None

            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
            try:
                rows = (list(r) for r in wb.worksheets[0].iter_rows(values_only=True))
                return _members(rows, p)
            finally:
                wb.close()
        raw = read_regular(p, MAX_ROSTER_BYTES, too_large)
    except NotRegular as e:
        raise RosterError(e.problem if e.problem == too_large else f"单位名单 {p.name}：{e.problem}") from None
    except RosterError:
        raise
    except OSError as e:
        raise RosterError(f"单位名单 {p.name} 无法打开：{e.strerror or e}") from None
    except Exception as e:  # noqa: BLE001 - whatever openpyxl raises on a damaged workbook
        raise RosterError(f"单位名单 {p.name} 无法读取：{type(e).__name__}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError(f"单位名单 {p.name} 不是 UTF-8 或 GBK 编码的 CSV 文件")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    # newline="": lines end in \n, \r\n or \r alone (old Mac files), as csv expects them
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _members(reader, p)
    except csv.Error as e:  # a field over csv.field_size_limit(), a stray quote, a NUL
        raise RosterError(f"单位名单 {p.name} 第 {reader.line_num} 行无法读取：{_csv_problem(e)}") from None


def _csv_problem(e: csv.Error) -> str:
    text = str(e)
    if "field larger than field limit" in text:
        return f"某一格超过 {csv.field_size_limit()} 个字符，不像单位名单；请检查文件是否正确"
    if "new-line character" in text:
        return "换行符混乱；请用 Excel 或 WPS 打开后另存为 CSV（UTF-8）再试"
    if "NUL" in text:
        return "含有空字符（NUL），可能不是文本文件；请用 Excel 或 WPS 打开后另存为 CSV（UTF-8）再试"
    return f"CSV 格式错误（{text}）；请用 Excel 或 WPS 打开后另存为 CSV（UTF-8）再试"


# ---------------------------------------------------------------------------------------
# Combining records


@dataclass(frozen=True)
class Entry:
    """One input and what consolidation made of it."""

    record: Record
    summed: bool
    reason: str = ""  # why it was not summed
    duplicate_of: str = ""  # the key shared with another input (统一社会信用代码 or name)
    duplicate_by: str = ""  # which of the two it is: USCC_LABEL or NAME_LABEL
    notes: tuple[Finding, ...] = ()  # what consolidation itself found (DUPLICATE)
    kind: str = ""  # the kind of reason: 无法读取, 有错误, 重复报送, 年度或表式不同, ...

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.record.findings + self.notes

    @property
    def disposition(self) -> str:
        return SUMMED if self.summed else NOT_SUMMED


@dataclass
class Consolidation:
    """Everything a consolidation found: the sums, and what became of every input."""

    form: str | None
    year: int | None
    name: str
    entries: tuple[Entry, ...]
    values: tuple[Any, ...] | None  # the sums, in the form model's cell order
    include_errors: bool = False
    roster: tuple[Member, ...] | None = None
    missing: tuple[Member, ...] = ()  # on the roster, no report of the summed year and form
    unexpected: tuple[Entry, ...] = ()  # reports of the summed year and form not on the roster
    duplicates: tuple[tuple[Entry, ...], ...] = ()
    unusable_cells: int = 0  # blank or non-numeric cells skipped in included reports with errors

    @property
    def summed(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.summed)

    @property
    def left_out(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if not e.summed)

    @property
    def included_with_errors(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.summed and e.record.status == ERRORS)

    @property
    def complete(self) -> bool:
        """Every input summed, and no roster gap."""
        return not self.left_out and not self.missing and not self.unexpected

    def document(self) -> dict[str, Any] | None:
        """The summary as a report in the interchange format (None when nothing was summed)."""
        if self.form is None or self.values is None or not self.summed:
            return None
        m = model(self.form)
        doc: dict[str, Any] = {"form": self.form, "year": self.year, "agency": {"name": self.name}}
        # the summary says it is one, of which level, over how many reports (nianbao publish
        # prints it); the hidden sheet of the summary workbook keeps it
        members = sum(e.record.members for e in self.summed)
        doc["meta"] = {SUMMARY_KEY: {SUMMARY_LEVEL_KEY: self.name, SUMMARY_MEMBERS_KEY: members}}
        if m.unit_cells:
            doc["meta"][PROCUREMENT_UNIT_KEY] = DEFAULT_PROCUREMENT_UNIT
        doc.update(m.document([plain(v) for v in self.values]))
        return doc

    def reasons(self) -> Counter[str]:
        """How many inputs were left out, by kind of reason."""
        return Counter(e.kind for e in self.left_out)

    def line(self) -> str:
        """The one line the CLI prints at the end."""
        read = sum(1 for e in self.entries if e.record.readable)
        parts = [f"共 {len(self.entries)} 个文件，读取 {read} 个，汇总 {len(self.summed)} 个"]
        if self.form or self.year:
            parts[0] += f"（{describe(self.year, self.form, '，')}）"
        out = self.left_out
        if out:
            why = "、".join(f"{k} {n} 个" for k, n in sorted(self.reasons().items(), key=lambda kv: -kv[1]))
            parts.append(f"未汇总 {len(out)} 个：{why}")
        if self.included_with_errors:
            parts.append(f"其中 {len(self.included_with_errors)} 个有错误的报告已按要求计入")
        if self.roster is not None:
            parts.append(f"名单 {len(self.roster)} 个单位，未报送 {len(self.missing)} 个，不在名单中 {len(self.unexpected)} 个")
        return "；".join(parts)


def describe(year: int | None, form: str | None, sep: str = "、") -> str:
    """"2020 年度、2019 年表式", leaving out what is not known."""
    return sep.join(x for x in (f"{year} 年度" if year else "", f"{form} 年表式" if form else "") if x) or "未定"


def plain(value: Any) -> Any:
    """A sum as a JSON number: int, or float for an amount with decimals (exact to 4 places)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _choose(records: Sequence[Record], year: int | None, form: str | None) -> tuple[int | None, str | None]:
    """The year and form to sum: as asked, else the most common among readable reports."""
    counts = Counter((r.year, r.form) for r in records if r.form and r.year is not None)
    if year is not None:
        counts = Counter({k: n for k, n in counts.items() if k[0] == year})
    if form is not None:
        counts = Counter({k: n for k, n in counts.items() if k[1] == form})
    if not counts:
        if year is not None and form is None:
            f = form_for_year(year)
            return year, f.key if f else None
        return year, form
    (y, f), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0][0], kv[0][1]))
    return y, f


def combine(
    records: Sequence[Record],
    *,
    year: int | None = None,
    form: str | None = None,
    include_errors: bool = False,
    name: str = DEFAULT_NAME,
    roster: Sequence[Member] | None = None,
) -> Consolidation:
    """Decide which records are summed, sum them, and match them against the roster."""
    records = sorted(records, key=lambda r: r.source)
    year, form = _choose(records, year, form)
    wanted = describe(year, form)

    # Duplicates among the reports of the chosen year and form: by USCC, else by name. A
    # report without a USCC is the same agency as one with a USCC when the names agree.
    in_group = [r for r in records if _in_group(r, year, form)]
    by_name_uscc: dict[str, str] = {}
    for r in in_group:
        if r.uscc and r.name:
            by_name_uscc.setdefault(_norm_name(r.name), r.uscc)
    keys: dict[str, str] = {}
    groups: dict[str, list[Record]] = {}
    for r in in_group:
        k = r.uscc or by_name_uscc.get(_norm_name(r.name), "") or _norm_name(r.name)
        if k:
            keys[r.source] = k
            groups.setdefault(k, []).append(r)
    dup_keys = {k for k, rs in groups.items() if len(rs) > 1}

    def out(r: Record, kind: str, detail: str, **kw: Any) -> Entry:
        return Entry(r, False, f"{kind}：{detail}" if detail else kind, kind=kind, **kw)

    entries: list[Entry] = []
    for r in records:
        if not r.readable:
            entries.append(out(r, UNREADABLE.display, r.findings[0].message if r.findings else ""))
        elif r.form is None or r.year is None:
            entries.append(out(r, "无法识别表式或年度", ""))
        elif (r.year, r.form) != (year, form):
            entries.append(out(r, "年度或表式不同", f"{describe(r.year, r.form)}，本次汇总 {wanted}"))
        elif r.source in keys and keys[r.source] in dup_keys:
            k = keys[r.source]
            how = USCC_LABEL if any(o.uscc == k for o in groups[k]) else NAME_LABEL
            others = "、".join(Path(o.source).name for o in groups[k] if o is not r)
            note = finding(Code.DUPLICATE, f"{how}「{k}」共报送 {len(groups[k])} 份（另见 {others}），均未计入汇总")
            entries.append(out(r, "重复报送", f"{how}「{k}」共 {len(groups[k])} 份，均未汇总", duplicate_of=k, duplicate_by=how, notes=(note,)))
        elif r.problem:
            entries.append(out(r, "金额无法换算", r.problem))
        elif r.status == ERRORS and not include_errors:
            entries.append(out(r, ERRORS.display, f"{r.errors} 个错误，未计入汇总（可用 --include-errors 计入）"))
        else:
            entries.append(Entry(r, True))

    values = None
    unusable = 0
    if form is not None:
        values, unusable = sum_values(model(form), [e.record.values for e in entries if e.summed and e.record.values])

    duplicates = tuple(
        tuple(e for e in entries if e.duplicate_of == k) for k in sorted(dup_keys, key=lambda k: groups[k][0].source)
    )

    missing: tuple[Member, ...] = ()
    unexpected: tuple[Entry, ...] = ()
    members = tuple(roster) if roster is not None else None
    if members is not None:
        missing, unexpected = _match_roster(members, [e for e in entries if _in_group(e.record, year, form)])

    return Consolidation(
        form=form,
        year=year,
        name=name,
        entries=tuple(entries),
        values=values,
        include_errors=include_errors,
        roster=members,
        missing=missing,
        unexpected=unexpected,
        duplicates=duplicates,
        unusable_cells=unusable,
    )


def _in_group(r: Record, year: int | None, form: str | None) -> bool:
    """A readable report of the summed year and form."""
    return r.readable and r.form == form and r.year == year and r.form is not None


def sum_values(m: FormModel, vectors: Iterable[Sequence[Any]]) -> tuple[tuple[Any, ...], int]:
    """The cell-by-cell sum of value vectors (ints, and Decimals for amounts), and how many
    unusable (None) values were skipped: an included report with errors adds nothing for
    them. Column by column, each column summed in one call (exact: ints and Decimals)."""
    cells: tuple[Cell, ...] = m.cells
    vectors = list(vectors)
    columns = zip(*vectors) if vectors else (() for _ in cells)
    totals: list[Any] = []
    skipped = 0
    for cell, column in zip(cells, columns):
        start = Decimal(0) if cell.kind == AMOUNT else 0
        try:
            totals.append(sum(column, start))
        except TypeError:  # a None among them
            skipped += column.count(None)
            totals.append(sum((v for v in column if v is not None), start))
    return tuple(totals), skipped


def _match_roster(members: Sequence[Member], entries: Sequence[Entry]) -> tuple[tuple[Member, ...], tuple[Entry, ...]]:
    by_uscc: dict[str, list[Entry]] = {}
    by_name: dict[str, list[Entry]] = {}
    for e in entries:  # each name normalised once
        if e.record.uscc:
            by_uscc.setdefault(e.record.uscc, []).append(e)
        by_name.setdefault(_norm_name(e.record.name), []).append(e)
    matched: set[str] = set()
    missing: list[Member] = []
    for m in members:
        name = _norm_name(m.name)
        hit = by_uscc[m.uscc][0] if m.uscc and m.uscc in by_uscc else None
        if hit is None and m.name and name in by_name:
            hit = by_name[name][0]
            # A roster USCC that contradicts the report's own is not a match.
            if m.uscc and hit.record.uscc and hit.record.uscc != m.uscc:
                hit = None
        if hit is None:
            missing.append(m)
        else:
            # every report of that agency (duplicates included) is on the roster
            for e in (by_uscc.get(m.uscc, []) if m.uscc else []) + (by_name.get(name, []) if m.name else []):
                matched.add(e.record.source)
    unexpected = tuple(e for e in entries if e.record.source not in matched)
    return tuple(missing), unexpected


def consolidate(
    paths: Inputs | Iterable[str | os.PathLike[str]],
    *,
    roster: str | os.PathLike[str] | Sequence[Member] | None = None,
    jobs: int | None = None,
    year: int | None = None,
    form: str | None = None,
    include_errors: bool = False,
    name: str = DEFAULT_NAME,
    exclude: Iterable[str | os.PathLike[str]] = (),
    progress: Callable[[Record], None] | None = None,
    on_discovered: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Consolidation:
    """Discover (unless ``paths`` are :class:`Inputs` found already), read and validate (in
    parallel), and combine. Never raises for a bad input file; a roster that cannot be read
    raises :class:`RosterError` before any work. ``meanwhile`` is called once in this
    process while the workers read."""
    members = None
    if roster is not None:
        members = read_roster(roster) if isinstance(roster, (str, os.PathLike)) else list(roster)
    inputs = _as_inputs(paths)
    files, missing = inputs.files(exclude), list(inputs.missing)
    if on_discovered:
        on_discovered(len(files))
    records = read_records(files, jobs, progress, meanwhile) + missing
    return combine(records, year=year, form=form, include_errors=include_errors, name=name, roster=members)


__all__ = [
    "Consolidation",
    "Entry",
    "Inputs",
    "Member",
    "Record",
    "RosterError",
    "combine",
    "consolidate",
    "discover",
    "examine",
    "find_inputs",
    "read_records",
    "read_roster",
    "reports_overwritten",
    "sum_values",
]
