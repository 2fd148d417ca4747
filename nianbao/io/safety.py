"""What a file really is, checked before any parser sees it.

Workbooks arrive by e-mail and USB stick from hundreds of offices. Before a reader opens
one, :func:`check_container` looks at the bytes: an empty file, a PDF or a web page saved
as ``.xls``, a Word document renamed, a truncated download, a password-protected workbook,
a zip bomb or an XML part declaring entities are refused here with a Chinese
:class:`~nianbao.io.readers.ReadError` that names the file and says what to do.

Everything here is bounded:

* the file is read once (at most :data:`MAX_FILE_BYTES`); sizes, ratios and the entry count
  come from the zip central directory and are checked before anything is inflated;
* then every entry is inflated once, counting bytes and checking its CRC, so an entry that
  inflates to more than it declares (a lying directory) is caught after at most its
  declared size plus one chunk;
* what makes python-calamine abort or loop is refused up front: a sheet whose filled cells
  span more than :data:`MAX_GRID_CELLS` (xlsx, ods, xls), a shared strings count the part
  cannot hold, a legacy sheet whose used range is inverted, XML cut short; no XML part may
  carry a DTD.

An .xlsx/.xlsm first gets the quick check, which refuses nothing itself. It comes in two
halves. :func:`open_container` (:func:`_plainly_safe`, ~0.3 ms for a filled template) inflates
each entry once into memory, bounded and CRC-checked, and reuses the bytes for every test —
an XML declaration in UTF-8 and then the root, no ``<!`` anywhere, the root's end tag last —
and keeps the XML parts for :mod:`nianbao.io.ooxml`, which needs nothing more. Before
python-calamine opens a file, :func:`ready_for_calamine` adds what python-calamine needs
(:func:`_grid_safe`): every ``uniqueCount`` within what the part can hold, every ``r="…"``
that reads as a cell reference within ZZ999 and every cell carrying one.
:func:`check_container` is both halves. Whatever the quick check cannot vouch for goes to
the full check, which streams each XML part
through expat (well-formed, no DTD, no entities) and measures sheets cell by cell, and
refuses with the exact reason. Markup broken inside an .xlsx part is left to
python-calamine, which raises an error on it (``nianbao.io.workbook`` then runs
:func:`check_container_fully` to name the part, line and column); .ods and .xls files always
get the full check (python-calamine's .ods reader loops for ever on a missing end tag).

Each of those was found by ``scripts/fuzz_reader.py``; the inputs are kept in
``tests/fixtures/hostile/``. :func:`panic_messages_hidden` keeps the English report of a
Rust panic off the terminal (``nianbao.io.readers.read`` turns the panic into a message).

This module knows containers (zip, OLE2, the cell references inside them), not the
template or the rules.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

from zlib_ng import zlib_ng  # the quick path's inflate and CRC: zlib's API, ~1.4x and ~7x faster

from ..core.layout import cell_index
from .readers import READERS, SAVE_AS, ReadError

# --- limits -------------------------------------------------------------------------------
# A filled template is ~30 KB. Real workbooks from offices carry logos and extra sheets; the
# limits leave them a thousand times that and still keep memory and time bounded.
MAX_FILE_BYTES = 64 * 1024 * 1024  # the file on disk
MAX_ENTRIES = 4096  # zip entries
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # sum of inflated sizes
MAX_ENTRY_BYTES = 128 * 1024 * 1024  # one inflated entry (images, embedded objects)
MAX_XML_ENTRY_BYTES = 48 * 1024 * 1024  # one inflated XML part (a sheet)
MAX_RATIO = 200  # inflated / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024  # small entries may compress as well as they like
MAX_GRID_CELLS = 2_000_000  # rows x columns spanned by a sheet's filled cells (~100 MB parsed)
MAX_PROLOG_BYTES = 64 * 1024  # XML declaration + comments before the root element
CHUNK = 64 * 1024

ASK_AGAIN = "请向报送单位重新索取原文件"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

OOXML_SHEET_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
XML_SUFFIXES = (".xml", ".rels", ".vml")


@dataclass(frozen=True)
class Kind:
    """What a file is, by its content: ``key`` is one of ``xlsx``, ``xlsm``, ``xls``,
    ``ods``, or something that is not a workbook (then ``problem`` says what it is)."""

    key: str
    name: str  # Chinese, for messages
    problem: str = ""  # Chinese: why no reader takes it, and what to do

    @property
    def workbook(self) -> bool:
        return not self.problem


XLSX = Kind("xlsx", "Excel 工作簿（.xlsx）")
XLSM = Kind("xlsm", "启用宏的 Excel 工作簿（.xlsm）")
XLS = Kind("xls", "旧版 Excel 97-2003 / WPS 工作簿（.xls/.et）")
ODS = Kind("ods", "OpenDocument 电子表格（.ods）")

# which suffixes a content kind may carry
SUFFIXES = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm"),
    "xlsm": (".xlsx", ".xlsm", ".xltx", ".xltm"),
    "xls": (".xls", ".et", ".xlt", ".ett"),
    "ods": (".ods",),
}


@dataclass(frozen=True)
class Container:
    """A workbook file that passed the check: what it is, and for an .xlsx/.xlsm that the
    quick check vouched for, its XML parts as inflated then (name -> bytes), so that a
    reader need not inflate them again (:mod:`nianbao.io.ooxml`); otherwise ``parts`` is None."""

    kind: Kind
    # kept only by the quick check, which then leaves what python-calamine needs besides
    # (grid extents, shared strings count, cells placed by counting) to ready_for_calamine
    parts: Mapping[str, bytes] | None = None


def check_container(path: str | os.PathLike[str]) -> None:
    """Refuse, with a Chinese :class:`ReadError`, a file that no workbook reader should
    open: not a workbook, damaged, encrypted, a bomb, or carrying a DTD. Returns ``None``
    for a workbook whose content matches its suffix. Never inflates more than the limits
    above, never parses a spreadsheet."""
    ready_for_calamine(Path(path), _check(Path(path), quick=True))


def open_container(path: str | os.PathLike[str]) -> Container:
    """The first half of :func:`check_container`: the container itself (what the file is,
    bombs, encryption, DTDs). For an .xlsx/.xlsm that passes the quick check, the XML parts
    it inflated are kept for :mod:`nianbao.io.ooxml`, which needs nothing more; before
    python-calamine opens the file, :func:`ready_for_calamine` does the second half."""
    return _check(path if isinstance(path, Path) else Path(path), quick=True)


def ready_for_calamine(path: str | os.PathLike[str], container: Container) -> None:
    """The second half of :func:`check_container`, for a container :func:`open_container`
    passed: refuse what would make python-calamine abort or loop (a sheet reaching too far,
    an absurd shared strings count). Quick over the parts kept; in doubt, the full check
    decides and names the reason."""
    if container.parts is None:
        return  # checked in full already
    if not _grids_safe(container.parts):
        _check(Path(path), quick=False)


def check_container_fully(path: str | os.PathLike[str]) -> None:
    """:func:`check_container` without the quick check: every XML part goes through expat.
    For explaining a parser's failure on an .xlsx/.xlsm that passed the quick check (a part
    whose markup is broken inside): the message then names the part, line and column."""
    _check(Path(path), quick=False)


def _check(p: Path, quick: bool) -> Container:
    container = _sniff(p, quick)
    kind = container.kind
    if not kind.workbook:
        raise ReadError(p, kind.problem)
    suffix = p.suffix.lower()
    if suffix and suffix not in SUFFIXES[kind.key]:
        right = SUFFIXES[kind.key][0]
        if right in READERS:
            todo = f"请把扩展名改为 {right} 后再试，或{SAVE_AS[1:]}"
        else:
            todo = SAVE_AS
        raise ReadError(p, f"扩展名是 {p.suffix}，但文件内容其实是{kind.name}；{todo}")
    return container


def sniff(path: str | os.PathLike[str], *, quick: bool = True) -> Kind:
    """What the file is, from its bytes (never its name). Raises :class:`ReadError` only
    when the file cannot be opened or a zip breaks a limit."""
    return _sniff(Path(path), quick).kind


def _sniff(p: Path, quick: bool) -> Container:
    try:
        size = os.stat(p).st_size  # before opening: a pipe or device is never opened (0 bytes)
        if size == 0:
            return Container(_not("文件为空（0 字节），可能保存或拷贝时出错；" + ASK_AGAIN))
        if size > MAX_FILE_BYTES:
            return Container(_not(f"文件过大（{_mb(size)}），超过上限 {_mb(MAX_FILE_BYTES)}；一份年报工作簿通常只有几十 KB，请删除图片等无关内容后另存"))
        with open(p, "rb", buffering=0) as f:  # unbuffered: one system call per read
            # a zip or a compound file is read whole, once (at most MAX_FILE_BYTES): every
            # check below works on these bytes instead of opening the file again
            # (asking for no more than the size: read(n) sets n bytes aside before reading)
            head = _read_up_to(f, 4096)
            whole = head.startswith(ZIP_MAGICS) or head.startswith(OLE2_MAGIC)
            data = head + _read_up_to(f, min(size, MAX_FILE_BYTES) + 1 - len(head)) if whole else b""
    except OSError as e:
        raise ReadError(p, f"无法打开文件：{e.strerror or e}；请确认文件存在、未被其他程序占用且有读取权限") from None
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(p, data, quick)
    if head.startswith(OLE2_MAGIC):
        return Container(_ole_kind(p, data))
    return Container(_other_kind(head))


def _read_up_to(f: io.FileIO, limit: int) -> bytes:
    """Up to ``limit`` bytes from an unbuffered file, which may return fewer per read."""
    chunks = []
    left = limit
    while left > 0:
        chunk = f.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


# --- not a zip ------------------------------------------------------------------------------


def _not(problem: str) -> Kind:
    return Kind("other", "", problem)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} 字节"


_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
    (b"\x09\x08", "Excel 2.x–5.0 的 BIFF 文件"),
)


def _other_kind(head: bytes) -> Kind:
    for magic, what in _MAGICS:
        if head.startswith(magic):
            return _not(f"这是 {what}，不是 Excel 工作簿；{_what_to_send()}")
    text = _as_text(head)
    if text is not None:
        low = text.lstrip("\ufeff \t\r\n").lower()
        if low.startswith(("<html", "<!doctype html", "<table", "<meta", "<head", "<body")) or (
            low.startswith("<") and "<html" in low
        ):
            return _not("这是网页（HTML）文件，只是扩展名像 Excel（常见于从网站或系统“导出 Excel”得到的文件）；" + SAVE_AS)
        if low.startswith("mime-version") or "content-type: multipart/related" in low:
            return _not("这是单个网页文件（.mht），只是扩展名像 Excel；" + SAVE_AS)
        if low.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return _not("这是 XML 电子表格 2003 格式，本工具不读取；" + SAVE_AS)
        if low.startswith(("{", "[")):
            return _not("这是 JSON 文本，只是扩展名像 Excel；如是报告交换格式，请把扩展名改为 .json")
        return _not("这是纯文本文件（可能是 CSV），不是 Excel 工作簿；" + SAVE_AS)
    return _not(f"无法识别的文件格式，不是 Excel 工作簿（文件可能已损坏）；{_what_to_send()}")


def _what_to_send() -> str:
    return "请提交用本工具模板填写的 Excel 工作簿（.xlsx）"


def _as_text(head: bytes) -> str | None:
    """The start of the file as text if it looks like text (UTF-8, UTF-16 with BOM, GBK)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore")
        except UnicodeDecodeError:  # pragma: no cover - errors="ignore"
            return None
    if b"\x00" in head:
        return None
    sample = head[:-4] if len(head) == 4096 else head  # a cut multi-byte character at the end
    for enc in ("utf-8", "gb18030"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        if controls <= len(text) // 100:
            return text
    return None


# --- OLE2 compound files ----------------------------------------------------------------------


def _ole_kind(p: Path, data: bytes) -> Kind:
    names = _ole_names(data)
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        return _not("工作簿设置了打开密码（已加密），本工具无法读取；请在 Excel 或 WPS 中打开，取消“文件-信息-保护工作簿-用密码进行加密”（WPS：“文件-文档加密”），保存后重新提交")
    if "Workbook" in names or "Book" in names:
        _check_biff(p, data)
        return XLS
    if "WordDocument" in names:
        return _not("这是 Word 文档（.doc），不是 Excel 工作簿；" + _what_to_send())
    if "PowerPoint Document" in names:
        return _not("这是 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿；" + _what_to_send())
    if not names:
        return _not("文件已损坏：是 Office 复合文档格式，但目录无法读取；" + ASK_AGAIN)
    return _not("这是 Office 复合文档，但其中没有工作簿；" + _what_to_send())


# BIFF records that place one cell (row at offset 0, column at 2): NUMBER, RK, LABELSST,
# LABEL, FORMULA, BOOLERR, BLANK, MULRK, MULBLANK, RSTRING
_BIFF_CELLS = frozenset((0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205, 0x0201, 0x00BD, 0x00BE, 0x00D6))
_BIFF_DIMENSIONS = 0x0200


def _check_biff(p: Path, data: bytes) -> None:
    """Walk the records of a legacy workbook's stream and refuse what makes
    python-calamine abort the process: a DIMENSIONS record whose first row lies after its
    last (the difference wraps round to a request for terabytes) or a used range larger
    than :data:`MAX_GRID_CELLS`."""
    import olefile

    broken = "文件已损坏：旧版 Excel/WPS 工作簿（.xls/.et）的内部结构无法读取；" + ASK_AGAIN
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            if ole.get_size(name) > MAX_FILE_BYTES:
                raise ReadError(p, broken)
            stream = ole.openstream(name).read(MAX_FILE_BYTES)
    except ReadError:
        raise
    except Exception:  # olefile raises many kinds on a damaged directory or FAT
        raise ReadError(p, broken) from None
    # python-calamine finds each sheet where the globals' BOUNDSHEET records point, so walk
    # the globals, then each sheet from its own offset
    offsets = [struct.unpack_from("<I", body)[0] for kind, body in _biff_records(stream, 0) if kind == 0x0085 and len(body) >= 4]
    for offset in offsets:
        rows: list[int] = []
        cols: list[int] = []
        for kind, body in _biff_records(stream, offset):
            if kind == _BIFF_DIMENSIONS and len(body) >= 10:
                if len(body) >= 14:
                    first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
                else:
                    first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
                if first_row > last_row or first_col > last_col or last_row > 65536 or last_col > 256:
                    raise ReadError(p, "文件已损坏：工作表的已用范围记录自相矛盾；" + ASK_AGAIN)
                if (last_row - first_row) * (last_col - first_col) > MAX_GRID_CELLS:
                    raise ReadError(p, f"工作表的已用范围过大（{last_row - first_row:,} 行 × {last_col - first_col:,} 列），读取会耗尽内存，为安全起见拒绝读取；请删除表格以外多余的单元格内容后另存")
            elif kind in _BIFF_CELLS and len(body) >= 4:
                row, col = struct.unpack_from("<HH", body)
                rows.append(row)
                cols.append(col)
        _biff_extent(p, rows, cols)


def _biff_records(data: bytes, pos: int):  # noqa: ANN202
    """(type, body) of the records from ``pos`` up to the next EOF record."""
    n = len(data)
    while 0 <= pos and pos + 4 <= n:
        kind, length = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4 : pos + 4 + length]
        pos += 4 + length
        yield kind, body
        if kind == 0x000A:  # EOF
            return


def _biff_extent(p: Path, rows: list[int], cols: list[int]) -> None:
    if rows and (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1) > MAX_GRID_CELLS:
        raise ReadError(p, f"工作表中填有内容的单元格范围过大（远至第 {max(rows) + 1:,} 行第 {max(cols) + 1} 列），读取会耗尽内存，为安全起见拒绝读取；请删除表格以外多余的单元格内容后另存")


def _ole_names(data: bytes) -> set[str]:
    """Names of the entries of an OLE2 compound file's directory.

    Directory entries are 128 bytes, aligned on 128 bytes within sectors of 512 or 4096
    bytes after the 512-byte header; an entry holds its UTF-16LE name (64 bytes), the
    name's length in bytes including the terminator, and its type (1 storage, 2 stream,
    5 root). Scanning every aligned slot for that shape finds the directory without
    following the FAT, and cannot loop or run away on a damaged file."""
    names: set[str] = set()
    for off in range(512, len(data) - 127, 128):
        n = struct.unpack_from("<H", data, off + 64)[0]
        kind = data[off + 66]
        if kind not in (1, 2, 5) or not (2 <= n <= 64) or n % 2:
            continue
        raw = data[off : off + n - 2]
        if data[off + n - 2 : off + n] != b"\x00\x00":
            continue
        try:
            name = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            continue
        if name.isprintable():
            names.add(name)
    return names


# --- zip containers -------------------------------------------------------------------------


def _zip_kind(p: Path, data: bytes, quick: bool = True) -> Container:
    entries = _declared_entries(data)
    if entries is not None and entries > MAX_ENTRIES:
        raise ReadError(p, f"压缩包内文件过多（{entries} 个，上限 {MAX_ENTRIES}），不像正常的工作簿，为安全起见拒绝读取；" + ASK_AGAIN)
    try:
        plain = _plain_directory(data) if quick else None
        if plain is not None:  # the common case: zipfile is only opened if a check needs it
            return _zip_checks(p, data, _Directory(data, plain), quick)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _zip_checks(p, data, zf, quick)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, struct.error, ValueError, OSError, NotImplementedError, KeyError, zlib.error, UnicodeDecodeError):
        return Container(_not("文件已损坏或不完整（压缩结构无法读取，常见于下载或拷贝中断）；" + ASK_AGAIN))


def _zip_checks(p: Path, data: bytes, zf: zipfile.ZipFile | _Directory, quick: bool) -> Container:
    infos = zf.infolist()
    _check_directory(p, infos)
    names = {i.filename for i in infos}
    bodies: dict[tuple[int, int, int, int, int], bytes] = {}
    kind = _zip_what(zf, names, data, bodies)
    if not kind.workbook:
        return Container(kind)
    if kind in (XLSX, XLSM):
        _check_sheet_parts(p, zf, names, data, bodies)
    if quick and kind in (XLSX, XLSM):
        parts = _plainly_safe(data, infos, bodies)
        if parts is not None:
            if len(names) == len(infos):
                return Container(kind, parts)
            # two entries of one name: which one a parser takes is its own affair,
            # so no parts are kept, and python-calamine reads the file
            if _grids_safe(parts):
                return Container(kind)
    # the full check: it refuses what the quick one doubted, with the exact reason
    raw = io.BytesIO(data)
    for info in infos:
        _inflate_bounded(p, raw, info, _XmlCheck(p, info) if _parsed_xml(info) else None)
    for info in infos:
        if info.filename.lower().endswith(XML_SUFFIXES):
            whole = kind in (XLSX, XLSM) or (kind == ODS and info.filename == "content.xml")
            body = _read_small(zf, info, MAX_XML_ENTRY_BYTES + 1 if whole else MAX_PROLOG_BYTES)  # read once
            _check_prolog(p, info, body[:MAX_PROLOG_BYTES])
            if kind in (XLSX, XLSM):
                _check_extent(p, info, body)
            elif whole:
                _check_ods_extent(p, body)
    return Container(kind)


# --- the zip directory, read quickly ------------------------------------------------------------
# zipfile builds and checks one ZipInfo per entry with much care (~50 µs for a template). A
# zip as Excel, WPS, LibreOffice and openpyxl write it — nothing before the first entry, no
# archive comment, no zip64, no extra fields, one disk, versions zipfile can extract — has a
# central directory read here in a few µs, into the same ZipInfo objects; anything else is
# read by zipfile, as before.

_EOCD = struct.Struct("<4s4H2LH")  # signature, disk numbers, entry counts, size, offset, comment
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # one central directory header, name etc. follow


def _plain_directory(data: bytes) -> list[zipfile.ZipInfo] | None:
    """The entries of a plain zip, as :meth:`zipfile.ZipFile.infolist` gives them; None
    for anything unusual (zipfile then reads the directory)."""
    end = len(data) - _EOCD.size
    if end < 0:
        return None
    sig, disk, cd_disk, here, total, cd_size, cd_offset, comment = _EOCD.unpack_from(data, end)
    if sig != b"PK\x05\x06" or disk or cd_disk or here != total or comment or cd_offset + cd_size != end:
        return None
    infos = []
    at = cd_offset
    for _ in range(total):
        if at + _CENTRAL.size > end:
            return None
        (sig, _made, need, flags, method, mtime, mdate, crc, csize, usize,
         name_len, extra_len, comment_len, disk_start, _int_attr, ext_attr, offset) = _CENTRAL.unpack_from(data, at)
        if sig != b"PK\x01\x02" or disk_start or 0xFFFFFFFF in (csize, usize, offset):
            return None
        if (need & 0xFF) > zipfile.MAX_EXTRACT_VERSION or extra_len:  # (zipfile reads the low byte)
            return None  # zipfile refuses the one, checks the other (extra fields)
        raw_name = data[at + _CENTRAL.size : at + _CENTRAL.size + name_len]
        # (the names Excel writes are ASCII, alike in both encodings: decoded the quick way)
        name = raw_name.decode("ascii" if raw_name.isascii() else "utf-8" if flags & 0x800 else "cp437")
        if "\x00" in name or len(raw_name) != name_len:
            return None
        info = zipfile.ZipInfo(name, ((mdate >> 9) + 1980, (mdate >> 5) & 0xF, mdate & 0x1F,
                                      mtime >> 11, (mtime >> 5) & 0x3F, (mtime & 0x1F) * 2))
        info.flag_bits, info.compress_type, info.CRC = flags, method, crc
        info.compress_size, info.file_size, info.header_offset = csize, usize, offset
        info.external_attr = ext_attr
        infos.append(info)
        at += _CENTRAL.size + name_len + extra_len + comment_len
    return infos if at == end else None


class _Directory:
    """What the checks ask of a ZipFile, over a directory read by :func:`_plain_directory`;
    opening an entry as a file is left to a real ZipFile, made when first asked for."""

    def __init__(self, data: bytes, infos: list[zipfile.ZipInfo]):
        self.data = data
        self.infos = infos
        self.by_name = {i.filename: i for i in infos}  # the last of a name, as zipfile keeps it
        self._zf: zipfile.ZipFile | None = None

    def infolist(self) -> list[zipfile.ZipInfo]:
        return self.infos

    def getinfo(self, name: str) -> zipfile.ZipInfo:
        return self.by_name[name]

    def open(self, name: str | zipfile.ZipInfo):  # noqa: ANN201 - a binary file object
        if self._zf is None:
            self._zf = zipfile.ZipFile(io.BytesIO(self.data))
        return self._zf.open(name)


# Relationship types whose target python-calamine parses as XML (and sizes a grid from).
_PARSED_RELS = re.compile(rb'Type="[^"]*/(?:worksheet|chartsheet|dialogsheet|macrosheet|sharedStrings|styles)"')
_TARGET = re.compile(rb'Target="([^"]*)"')


def _check_sheet_parts(p: Path, zf: zipfile.ZipFile, names: set[str], data: bytes = b"", bodies: dict[tuple[int, int, int, int, int], bytes] | None = None) -> None:
    """Every part python-calamine parses must be an .xml part: the checks above look at XML
    parts by name, and a sheet stored as, say, ``sheet1.dat`` would slip past them (Excel,
    WPS and LibreOffice never write such a name)."""
    rels = _actual(names, "xl/_rels/workbook.xml.rels")
    if rels not in names:
        return
    shown = _non_xml_sheet_part(_read_known(zf, rels, MAX_PROLOG_BYTES * 16, data, bodies))
    if shown is not None:
        raise ReadError(p, f"工作簿结构异常：工作表部件“{_short(shown)}”不是 XML 文件，不像 Excel 或 WPS 保存的工作簿，为安全起见拒绝读取；" + ASK_AGAIN)


@lru_cache(maxsize=32)
def _non_xml_sheet_part(rels_xml: bytes) -> str | None:
    """The first part python-calamine would parse that is not named .xml (cached: workbooks
    from one template share their relationships byte for byte)."""
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels_xml):
        target = _TARGET.search(tag)
        if _PARSED_RELS.search(tag) and target and not target.group(1).lower().endswith(b".xml"):
            return target.group(1).decode("utf-8", "replace")
    return None


def _declared_entries(data: bytes) -> int | None:
    """The entry count the end-of-central-directory record declares, read before
    :mod:`zipfile` builds one object per entry (a million tiny entries would cost
    gigabytes). ``None`` when the record cannot be found: then zipfile decides."""
    size = len(data)
    start = max(0, size - (22 + 65535 + 20 + 56))
    tail = data[start:]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = struct.unpack_from("<H", tail, at + 10)[0]
    if count == 0xFFFF and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        offset = struct.unpack_from("<Q", tail, at - 20 + 8)[0]
        rec = data[offset : offset + 56]
        if len(rec) == 56 and rec[:4] == b"PK\x06\x06":
            return struct.unpack_from("<Q", rec, 32)[0]
    return count


def _check_directory(p: Path, infos: list[zipfile.ZipInfo]) -> None:
    """The limits, from the central directory alone: nothing inflated yet."""
    if len(infos) > MAX_ENTRIES:
        raise ReadError(p, f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_ENTRIES}），不像正常的工作簿，为安全起见拒绝读取；" + ASK_AGAIN)
    total = 0
    for i in infos:
        limit = MAX_XML_ENTRY_BYTES if i.filename.lower().endswith(XML_SUFFIXES) else MAX_ENTRY_BYTES
        if i.file_size > limit:
            raise ReadError(p, f"工作簿内部的“{_short(i.filename)}”解压后达 {_mb(i.file_size)}，超过上限 {_mb(limit)}（疑似“压缩炸弹”），为安全起见拒绝读取；" + ASK_AGAIN)
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise ReadError(p, f"工作簿内部的“{_short(i.filename)}”压缩比异常（{ratio}:1，疑似“压缩炸弹”），为安全起见拒绝读取；" + ASK_AGAIN)
        total += i.file_size
        if total > MAX_TOTAL_BYTES:
            raise ReadError(p, f"工作簿解压后总大小超过上限 {_mb(MAX_TOTAL_BYTES)}（疑似“压缩炸弹”），为安全起见拒绝读取；" + ASK_AGAIN)
        if i.flag_bits & 0x1:
            raise ReadError(p, "压缩包内容设置了密码（已加密），本工具无法读取；请提交未加密的工作簿")


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "…"


def _zip_what(zf: zipfile.ZipFile, names: set[str], data: bytes = b"", bodies: dict[tuple[int, int, int, int, int], bytes] | None = None) -> Kind:
    lower = {n.lower() for n in names}
    if "mimetype" in names:
        mime = _read_small(zf, "mimetype", 256).strip()
        if mime == ODS_MIMETYPE:
            return ODS
        if mime.startswith(b"application/vnd.oasis.opendocument.text"):
            return _not("这是 OpenDocument 文字文档（.odt），不是电子表格；" + _what_to_send())
        if mime.startswith(b"application/vnd.oasis.opendocument"):
            return _not("这是 OpenDocument 文档，但不是电子表格；" + _what_to_send())
        if mime == b"application/epub+zip":
            return _not("这是电子书（EPUB），不是 Excel 工作簿；" + _what_to_send())
    if "[content_types].xml" in lower:
        types = _read_known(zf, _actual(names, "[Content_Types].xml"), 1024 * 1024, data, bodies).decode("utf-8", "replace")
        if "xl/workbook.bin" in lower or "sheet.binary.macroEnabled.main" in types:
            return _not("这是 Excel 二进制工作簿（.xlsb），本工具不读取；" + SAVE_AS)
        if "ms-excel.sheet.macroEnabled.main" in types or "ms-excel.template.macroEnabled.main" in types:
            return XLSM
        if any(t in types for t in OOXML_SHEET_TYPES) or "xl/workbook.xml" in lower:
            return XLSX
        if "word/document.xml" in lower or "wordprocessingml" in types:
            return _not("这是 Word 文档（.docx），只是扩展名像 Excel，不是工作簿；" + _what_to_send())
        if "ppt/presentation.xml" in lower or "presentationml" in types:
            return _not("这是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿；" + _what_to_send())
        return _not("这是 Office 文档，但其中没有工作簿；" + _what_to_send())
    if "xl/workbook.xml" in lower:
        return _not("工作簿缺少 [Content_Types].xml，文件已损坏；" + ASK_AGAIN)
    listed = "、".join(sorted(names)[:3]) + ("等" if len(names) > 3 else "")
    contents = f"（内含：{_short(listed)}）" if names else "（空压缩包）"
    return _not(f"这是普通的 zip 压缩包{contents}，不是 Excel 工作簿；如报告在压缩包内，请先解压，再提交其中的 .xlsx 文件")


def _actual(names: set[str], wanted: str) -> str:
    for n in names:
        if n.lower() == wanted.lower():
            return n
    return wanted


def _read_known(zf: zipfile.ZipFile, name: str, limit: int, data: bytes, bodies: dict[tuple[int, int, int, int, int], bytes] | None) -> bytes:
    """:func:`_read_small`, through the quick inflater when the entry is intact (its bytes
    are then kept in ``bodies`` for the quick check)."""
    if bodies is not None and data:
        try:
            info = zf.getinfo(name)
            body = _inflated(data, info, _seen_key(info)) if info.file_size <= limit else None
        except Exception:  # noqa: BLE001 - zipfile decides below, with its own errors
            body = None
        if body is not None:
            bodies[_key(info)] = body
            return body
    return _read_small(zf, name, limit)


def _read_small(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int) -> bytes:
    with zf.open(name) as f:
        return f.read(limit)


def _parsed_xml(info: zipfile.ZipInfo) -> bool:
    # VML (legacy drawings, comment boxes) is not well-formed XML even from Excel; its
    # prolog is still checked for a DTD
    name = info.filename.lower()
    return name.endswith((".xml", ".rels")) and info.file_size > 0


class _Dtd(Exception):
    pass


def _refuse_dtd(*args: object) -> None:
    raise _Dtd


class _XmlCheck:
    """Well-formedness of one XML part, fed as it inflates (expat, no DTD allowed): a part
    cut short or with a missing end tag is refused here, before a parser that might loop on
    it (python-calamine's .ods reader never returns on a table without its end tag)."""

    def __init__(self, p: Path, info: zipfile.ZipInfo) -> None:
        self.p, self.info = p, info
        self.parser = expat.ParserCreate()
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = _refuse_dtd
        self.parser.EntityDeclHandler = _refuse_dtd
        self.parser.ExternalEntityRefHandler = _refuse_dtd

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except _Dtd:
            raise _dtd_error(self.p, self.info) from None
        except expat.ExpatError as e:
            raise self._broken(f"（第 {e.lineno} 行第 {e.offset + 1} 列）") from None
        except (LookupError, ValueError, UnicodeError):  # encoding="…" unknown, or GBK (no reader takes it)
            raise ReadError(
                self.p,
                f"工作簿内部的“{_short(self.info.filename)}”使用了无法识别的文字编码（应为 UTF-8），"
                "通常是非 Excel/WPS 软件导出的文件；" + SAVE_AS,
            ) from None

    def _broken(self, where: str) -> ReadError:
        return ReadError(
            self.p,
            f"文件已损坏：工作簿内部的“{_short(self.info.filename)}”不是完整、正确的 XML{where}，"
            "可能被其他软件改坏或传输中出错；" + ASK_AGAIN,
        )


def _dtd_error(p: Path, info: zipfile.ZipInfo) -> ReadError:
    return ReadError(
        p,
        f"工作簿内部的“{_short(info.filename)}”含有 DTD/实体声明（<!DOCTYPE …>），Excel、WPS 保存的文件不会有这种内容，"
        "可能是恶意构造的文件，为安全起见拒绝读取；" + ASK_AGAIN,
    )


def _inflate_bounded(p: Path, raw, info: zipfile.ZipInfo, sink: _XmlCheck | None = None) -> None:  # noqa: ANN001
    """Inflate one entry from its raw bytes, counting: refuse it the moment it yields more
    than its declared size (the central directory lied) or fails its CRC (damaged). Each
    chunk goes to ``sink`` (an XML check) as it comes."""
    if info.file_size == 0 and info.compress_size == 0:
        return
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    method = info.compress_type
    if method == zipfile.ZIP_STORED:
        decomp = None
    elif method == zipfile.ZIP_DEFLATED:
        decomp = zlib.decompressobj(-15)
    else:
        raise ReadError(p, f"工作簿内部的“{_short(info.filename)}”使用了不常见的压缩方式（{method}），Excel、WPS 不会这样保存；{SAVE_AS}")
    left = info.compress_size
    out = 0
    crc = 0
    bound = info.file_size
    while left > 0:
        chunk = raw.read(min(CHUNK, left))
        if not chunk:
            raise zipfile.BadZipFile("truncated entry")
        left -= len(chunk)
        if decomp is None:
            data = chunk
        else:
            data = decomp.decompress(chunk, bound + 1 - out)
            while decomp.unconsumed_tail and out + len(data) <= bound:
                # max_length stopped it: the entry wants to inflate past its declared size
                data += decomp.decompress(decomp.unconsumed_tail, bound + 1 - out - len(data))
        out += len(data)
        if out > bound:
            raise ReadError(p, f"工作簿内部的“{_short(info.filename)}”解压后的实际大小超过其声明的大小（疑似“压缩炸弹”或文件被篡改），为安全起见拒绝读取；" + ASK_AGAIN)
        crc = zlib.crc32(data, crc)
        if sink is not None and data:
            sink.feed(data)
    if decomp is not None:
        tail = decomp.flush()
        out += len(tail)
        crc = zlib.crc32(tail, crc)
        if sink is not None and tail:
            sink.feed(tail)
    if out != bound or crc != info.CRC:
        raise zipfile.BadZipFile("size or CRC mismatch")
    if sink is not None:
        sink.feed(b"", final=True)


# --- the quick check ---------------------------------------------------------------------------
# A workbook as Excel, WPS or the template writer saves it passes a cheaper check, which
# refuses nothing itself: each entry is inflated once (bounded, CRC checked) and its bytes
# serve every test; whatever it cannot vouch for goes to the full check above, which then
# refuses the file with the exact reason, or passes it. What the quick check leaves to
# python-calamine is well-formedness inside .xlsx/.xlsm parts (it raises XmlError on a
# part cut short or a tag left open, and never expands entities); everything calamine
# would abort or loop on is still checked, over the raw bytes, so that markup cannot hide
# it (a second attribute, a ">" inside a quoted value, a DTD after the root element).

ONE_SHOT_BYTES = 4096  # deflate expands at most 1032:1, so one zlib.decompress of this many
# compressed bytes yields at most ~4 MB, whatever the directory declares
STREAM_BYTES = 1024 * 1024  # entries declared larger are inflated in chunks, never held

_DECL = re.compile(rb"""<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]{1,3}\1"""
                   rb"""(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]{0,40})\2)?"""
                   rb"""(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*\?>[ \t\r\n]*""")
_ROOT_NAME = re.compile(rb"<([A-Za-z_][A-Za-z0-9_.:-]{0,100})[ \t\r\n/>]")
_MARKUP_DECLARATION = re.compile(rb"<!")  # a DTD, a comment, CDATA (the regex finds it ~2x faster than `in`)
# a cell's position comes from its r attribute, which python-calamine takes wherever it
# stands in the tag, even twice (the last wins) or glued to the previous value: any r
# whose value reads as a reference must be a small one (col <= ZZ, row <= 999), anywhere
_FAR_REF = re.compile(rb"""r[ \t\r\n]*=[ \t\r\n]*(["'])(?![A-Z]{0,2}[1-9][0-9]{0,2}\1)[A-Za-z]*[0-9]+\1""")
_NEAR_SPAN = 702 * 999  # the most cells such references can span
assert _NEAR_SPAN <= MAX_GRID_CELLS, "references within ZZ999 must stay within the grid limit"
# a cell without its own r is placed by counting; every <c must open with one
_CELL_WITHOUT_REF = re.compile(rb'<c(?=[ \t\r\n/>])(?! r=")')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
# python-calamine reserves room for the first uniqueCount it sees; check every one
_ANY_UNIQUE_COUNT = re.compile(rb"""uniqueCount[ \t\r\n]*=[ \t\r\n]*["'][ \t\r\n]*0*([0-9]{1,40})""")


def _key(info: zipfile.ZipInfo) -> tuple[int, int, int, int, int]:
    """What decides an entry's bytes: two directory records may share a local header."""
    return (info.header_offset, info.compress_size, info.file_size, info.CRC, info.compress_type)


def _plainly_safe(data: bytes, infos: list[zipfile.ZipInfo], bodies: dict[tuple[int, int, int, int, int], bytes]) -> dict[str, bytes] | None:
    """The XML parts (name -> inflated bytes) when an .xlsx/.xlsm passes every check of the
    container itself that the full one makes; None when in doubt (the full check then
    decides). What python-calamine needs besides is :func:`_grids_safe`."""
    parts: dict[str, bytes] = {}
    try:
        for info in infos:
            if info.file_size == 0 and info.compress_size == 0:
                continue
            xml = info.filename.lower().endswith(XML_SUFFIXES)
            if not xml and info.file_size > STREAM_BYTES:
                _inflate_bounded(Path(info.filename), io.BytesIO(data), info)
                continue
            key = _seen_key(info)
            body = bodies.get(_key(info)) or _inflated(data, info, key)
            if body is None:
                return None
            if xml:
                if body and not _plain_part(body, info, key):
                    return None
                parts[info.filename] = body
        return parts
    except Exception:  # noqa: BLE001 - anything unexpected: the full check decides
        return None


def _grids_safe(parts: Mapping[str, bytes]) -> bool:
    """Every XML part of a quickly checked .xlsx/.xlsm within what python-calamine's grids
    can take (:func:`_grid_safe`); False when in doubt."""
    try:
        return all(_grid_safe(body) for body in parts.values())
    except Exception:  # noqa: BLE001 - the full check decides
        return False


# Parts that every workbook made from one template carries byte for byte (theme, styles, the
# workbook part with its defined names, relationships, content types): compressed bytes seen
# before inflate to the same bytes again, already checked against their size and CRC, and
# pass or fail the plain-XML check alike, so the last few such parts are kept with the
# verdict. Worksheets and shared strings hold each agency's own figures and are always
# inflated and checked.
@dataclass
class _Seen:
    raw: bytes  # the compressed bytes
    body: bytes  # what they inflate to
    plain: bool | None = None  # the verdict of _plain_xml, once asked


_SEEN: dict[tuple[str, int, int, int], _Seen] = {}
_SEEN_MAX = 64  # parts kept ...
_SEEN_PART_BYTES = 128 * 1024  # ... each this small (a template's are a few KB): at most ~16 MB held


def _seen_key(info: zipfile.ZipInfo) -> tuple[str, int, int, int] | None:
    lower = info.filename.lower()
    if lower.startswith("xl/worksheets/") or lower == "xl/sharedstrings.xml" or info.file_size > _SEEN_PART_BYTES:
        return None
    return (info.filename, info.CRC, info.file_size, info.compress_size)


def _plain_part(body: bytes, info: zipfile.ZipInfo, key: tuple[str, int, int, int] | None) -> bool:
    """:func:`_plain_xml`, asked once of a part seen before (``key``: its :func:`_seen_key`)."""
    seen = _SEEN.get(key) if key else None
    if seen is None or seen.body is not body:
        return _plain_xml(body, info, _parsed_xml(info))
    if seen.plain is None:
        seen.plain = _plain_xml(body, info, _parsed_xml(info))
    return seen.plain


def _inflated(data: bytes, info: zipfile.ZipInfo, key: tuple[str, int, int, int] | None) -> bytes | None:
    """The entry's bytes, or None unless it inflates to exactly its declared size and CRC
    (``key``: its :func:`_seen_key`)."""
    at = info.header_offset
    if data[at : at + 4] != b"PK\x03\x04" or at + 30 > len(data):
        return None
    name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
    start = at + 30 + name_len + extra_len
    size, bound = info.compress_size, info.file_size
    if start + size > len(data):
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        out = data[start : start + size]
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        seen = _SEEN.get(key) if key else None
        if seen is not None and data[start : start + size] == seen.raw:
            return seen.body  # the same compressed bytes as before: the same part
        raw = memoryview(data)[start : start + size]
        if size <= ONE_SHOT_BYTES:
            # room for what it declares at once (never more than deflate can expand to)
            out = zlib_ng.decompress(raw, -15, min(bound, 1032 * size) + 1)
        else:
            decomp = zlib_ng.decompressobj(-15)
            out = decomp.decompress(raw, bound + 1)
            if len(out) > bound:
                return None
            out += decomp.flush()
    else:
        return None
    if len(out) != bound or zlib_ng.crc32(out) != info.CRC:
        return None
    if key and info.compress_type == zipfile.ZIP_DEFLATED:
        if len(_SEEN) >= _SEEN_MAX:
            _SEEN.clear()
        _SEEN[key] = _Seen(bytes(raw), out)
    return out


def _plain_xml(body: bytes, info: zipfile.ZipInfo, parsed: bool) -> bool:
    """An XML part in UTF-8 with nothing before its root but an XML declaration: no DTD
    (no "<!" anywhere), ends with its root's end tag."""
    pos = 0
    if body.startswith(b"<?xml"):
        decl = _DECL.match(body)
        if decl is None or (decl.group(3) is not None and decl.group(3).lower() != b"utf-8"):
            return False
        pos = decl.end()
    root = _ROOT_NAME.match(body, pos)
    if root is None or (b"!" in body and _MARKUP_DECLARATION.search(body)):  # memchr first: "!" is rare in XML
        return False
    if parsed:
        end = b"</" + root.group(1) + b">"
        if not body[-(len(end) + 64) :].rstrip(b" \t\r\n").endswith(end):
            return False
    return True


def _grid_safe(body: bytes) -> bool:
    """What python-calamine needs besides, in a part inflated to exactly its declared size:
    shared strings and cell references within the limits, every cell placed by its
    reference."""
    if b"q" in body and b"uniqueCount" in body:
        for m in _ANY_UNIQUE_COUNT.finditer(body):
            if not _count_fits(int(m.group(1)), len(body)):
                return False
    if b"sheetData" in body and (_FAR_REF.search(body) or _CELL_WITHOUT_REF.search(body) or _PREFIXED_CELL.search(body)):
        return False  # a sheet reaching far, or placing cells by counting: measured in full
    return True


# quoted values may hold ">" or text such as r="A1": tags and attributes are read past them
_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(rb"""(?:^|(?<=[\s"']))([^\s="'/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _r_value(attrs: bytes) -> bytes | None:
    """The value of a tag's r attribute (the last one, as python-calamine takes it)."""
    found = None
    for m in _ATTRIBUTE.finditer(attrs):
        if m.group(1) == b"r":
            found = m
    if found is None:
        return None
    return found.group(2) if found.group(2) is not None else found.group(3)


_REF = re.compile(rb"([A-Za-z]{1,7})([0-9]{1,12})$")


def _check_extent(p: Path, info: zipfile.ZipInfo, xml: bytes) -> None:
    """Refuse a sheet whose filled cells span more than :data:`MAX_GRID_CELLS`: spreadsheet
    parsers build a dense grid from the first to the last filled cell, so one value in
    XFD1048576 asks for 17 billion cells (python-calamine aborts the whole process)."""
    if b"sheetData" not in xml:
        return  # not a worksheet
    cells, far = _extent(xml)
    if cells > MAX_GRID_CELLS:
        raise _too_large(p, info, far, cells)


def _extent(xml: bytes) -> tuple[int, str]:
    """(cells spanned by the filled cells of a worksheet's XML, the farthest of them)."""
    row = col = 0
    top = left = None
    bottom = right = 0
    far = ""
    for m in _TAG.finditer(xml):
        attrs = m.group(2)
        r = _r_value(attrs)
        if m.group(1) == b"row":
            row = int(r) if r is not None and r.isdigit() else row + 1
            col = 0
            continue
        if r is not None:
            ref = _REF.match(r.strip())
            if not ref:
                continue
            name = ref.group(0).decode("ascii").upper()
            row, col = cell_index(name)
            row, col = row + 1, col + 1
        else:
            col += 1
        if attrs.rstrip().endswith(b"/"):
            continue  # an empty cell (formatting only) is not part of the grid
        top = row if top is None else min(top, row)
        left = col if left is None else min(left, col)
        if row >= bottom or col >= right:
            far = (name if r is not None else f"第 {row} 行第 {col} 列")
        bottom, right = max(bottom, row), max(right, col)
    if top is None or left is None:
        return 0, ""
    return (bottom - top + 1) * (right - left + 1), far


def _too_large(p: Path, info: zipfile.ZipInfo, far: str, cells: int) -> ReadError:
    return ReadError(
        p,
        f"工作簿内部的“{_short(info.filename)}”中填有内容的单元格范围过大（远至 {_short(far)}，约 {cells:,} 格），"
        "读取会耗尽内存，为安全起见拒绝读取；请删除表格以外多余的单元格内容后另存，或" + ASK_AGAIN[1:],
    )


_ODS_TAG = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ROWS = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d{1,12})["']""")
_COLS = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d{1,12})["']""")


def _check_ods_extent(p: Path, xml: bytes) -> None:
    """The same limit for OpenDocument: a row or cell repeated a million times is one
    short element, but a parser expands it if it holds a value (LibreOffice itself repeats
    only empty rows and cells)."""
    sheet = ""
    top = 0  # rows before the current one
    repeat = 1
    width = right = bottom = 0
    col = 0
    for m in _ODS_TAG.finditer(xml):
        closing, tag, attrs = m.groups()
        if tag == b"table":
            if not closing:
                name = re.search(rb"""table:name\s*=\s*["']([^"']*)["']""", attrs)
                sheet = name.group(1).decode("utf-8", "replace") if name else ""
                top = width = right = bottom = col = 0
            continue
        if tag == b"table-row":
            if closing:
                if width:
                    bottom = top + repeat
                    right = max(right, width)
                    if bottom * right > MAX_GRID_CELLS:
                        where = f"工作表「{_short(sheet)}」" if sheet else "工作簿"
                        raise ReadError(
                            p,
                            f"{where}中填有内容的单元格范围过大（约 {bottom:,} 行 × {right:,} 列，含大量重复的非空单元格），"
                            "读取会耗尽内存，为安全起见拒绝读取；请删除表格以外多余的单元格内容后另存，或" + ASK_AGAIN[1:],
                        )
                top += repeat
            else:
                r = _ROWS.search(attrs)
                repeat = int(r.group(1)) if r else 1
                col = width = 0
                if attrs.rstrip().endswith(b"/"):
                    top += repeat
            continue
        if closing:
            continue
        c = _COLS.search(attrs)
        n = int(c.group(1)) if c else 1
        col += n
        if not attrs.rstrip().endswith(b"/") or b"value-type" in attrs:
            width = col


_ROOT = re.compile(rb"<[A-Za-z_:]")


def _check_prolog(p: Path, info: zipfile.ZipInfo, head: bytes) -> None:
    """Refuse an XML part that declares a DTD (entities, external references). A DTD can
    only stand before the root element, so reading up to the root (``head``, the first
    :data:`MAX_PROLOG_BYTES`) is enough."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        enc = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-16-le" if head[:1] == b"<" else "utf-16-be")
        head = head[: len(head) // 2 * 2].decode(enc, "replace").encode("utf-8")
    upper = head.upper()
    root = _first_root(head)
    scope = upper if root is None else upper[:root]
    if b"<!DOCTYPE" in scope or b"<!ENTITY" in scope or b"<!ELEMENT" in scope or b"<!ATTLIST" in scope:
        raise _dtd_error(p, info)
    if root is not None:
        _check_shared_strings(p, info, head[root : root + 4096])
    if root is None and len(head) >= MAX_PROLOG_BYTES:
        raise ReadError(p, f"工作簿内部的“{_short(info.filename)}”开头异常（{_mb(MAX_PROLOG_BYTES)} 内没有正文），为安全起见拒绝读取；" + ASK_AGAIN)


# the first uniqueCount of the tag, past quoted values (which may hold ">"), leading zeros
# skipped (python-calamine reads "000…04294967295" as 4294967295)
_SST = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?sst(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*?\suniqueCount\s*=\s*["']\s*0*(\d{1,40})""")


def _count_fits(count: int, size: int) -> bool:
    """Whether a part of ``size`` bytes can hold ``count`` shared strings: each takes at
    least 5 bytes (``<si/>``)."""
    return count <= size // 5 + 1


def _check_shared_strings(p: Path, info: zipfile.ZipInfo, root: bytes) -> None:
    """A shared strings table declares how many strings it holds, and parsers reserve room
    for that many up front: ``uniqueCount="4294967295"`` in a 1 KB part makes
    python-calamine abort the process. Each string takes at least 5 bytes (``<si/>``), so
    a count the part cannot hold is a lie."""
    m = _SST.match(root)
    if m and not _count_fits(int(m.group(1)), info.file_size):
        raise ReadError(
            p,
            f"工作簿内部的“{_short(info.filename)}”声明的字符串数量（{int(m.group(1)):,}）远超其实际内容，文件已损坏或被篡改，"
            "为安全起见拒绝读取；" + ASK_AGAIN,
        )


def _first_root(head: bytes) -> int | None:
    """Offset of the root element's ``<``, skipping comments and processing instructions."""
    i = 0
    n = len(head)
    while i < n:
        j = head.find(b"<", i)
        if j < 0:
            return None
        if head.startswith(b"<!--", j):
            end = head.find(b"-->", j + 4)
            if end < 0:
                return None
            i = end + 3
        elif head.startswith(b"<?", j):
            end = head.find(b"?>", j + 2)
            if end < 0:
                return None
            i = end + 2
        elif _ROOT.match(head, j):
            return j
        else:
            i = j + 1
    return None


_held: tuple[int, object] | None = None  # (pid, temporary file) holding fd 2 while hidden


def _held_file():  # noqa: ANN202 - a binary file object
    """One temporary file per process, reused (creating one for every read cost more than
    the read's own check); a forked worker makes its own."""
    global _held
    pid = os.getpid()
    if _held is None or _held[0] != pid:
        _held = (pid, tempfile.TemporaryFile())
    return _held[1]


@contextlib.contextmanager
def panic_messages_hidden():  # noqa: ANN201 - a context manager
    """Rust parsers (python-calamine) print ``thread '…' panicked at …`` and a backtrace
    straight to file descriptor 2 before the panic reaches Python as an exception, which
    :func:`nianbao.io.readers.read` turns into a Chinese message. While this is active, fd 2
    goes to a temporary file; afterwards its content is passed on unless it is such a
    panic report."""
    try:
        held = _held_file()
        held.seek(0)
        held.truncate()
        saved = os.dup(2)
    except OSError:
        yield
        return
    os.dup2(held.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        if os.fstat(held.fileno()).st_size:
            held.seek(0)
            text = held.read(1 << 20)
            held.seek(0)
            held.truncate()
            if text and b"panicked at" not in text:
                with contextlib.suppress(OSError):
                    os.write(2, text)


__all__ = ["Container", "Kind", "check_container", "check_container_fully", "open_container", "panic_messages_hidden", "sniff"]
