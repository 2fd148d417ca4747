"""PDF files with a text layer into rows of cells.

pypdfium2 (PDFium, the engine of Chrome's viewer: C speed, Apache/BSD licensed) gives each
glyph with its box, and the page's path objects — the ruling lines of a table; how a page
becomes rows is in :mod:`.pdfpage`. A PDF without any text (a scan) is refused: there is
nothing to read without OCR.

What is read is bounded, as the workbook path bounds its parts:

* every compressed stream is inflated once, counting, before PDFium sees the file: a file
  whose streams inflate to more than :data:`MAX_INFLATED` bytes is refused as a compression
  bomb (never called a scan);
* at most :data:`MAX_PAGES` pages, :data:`MAX_CHARS_PAGE` characters a page and
  :data:`MAX_CHARS` in all; a page's rules are indexed, and a page with more than any report
  holds is refused by name;
* on POSIX, PDFium works in a forked copy of the process, watched: past :data:`MAX_MEMORY`
  bytes (a few kilobytes can draw one form three thousand times: three million characters
  PDFium would lay out) or :data:`MAX_SECONDS`, the copy is ended and the file refused by name.

pdfplumber finds the same tables but took 0.3 s for a four-page report, against the twenty
reports a second asked for (see scripts/bench_import.py).
"""

from __future__ import annotations

import os
import pickle
import re
import select
import signal
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..registry import ReadError
from ..threads import fork_is_safe
from .noted import NotedGrid
from .pdfpage import PageTooBusy, read_page

SCANNED = (
    "这是扫描件（图片）PDF，没有文字层，无法读出其中的数字；"
    "请向发布单位索取网页、Word 或带文字的 PDF 版本，或先做文字识别（OCR）"
)
NO_TEXT_MAP = (
    "PDF 的字体缺少文字映射（ToUnicode），{share}无法对应到文字，读不出其中的数字；"
    "请向发布单位索取网页、Word 版本，或带文字映射的 PDF"
)
HIDDEN = "{where} 的格内有不可见的文字「{text}」（隐藏或白色），未读取"
UNMAPPED = "PDF 中有 {n} 个字形无法对应到文字（字体的文字映射有缺），以“\ufffd”标出，含它的格未读作数字"
MAX_PAGES = 200
MAX_CHARS_PAGE = 20_000
MAX_CHARS = 400_000
MAX_STREAMS = 100_000  # a report: a few hundred
MAX_SEGMENTS = 300_000  # path segments walked for rules, in all
MAX_INFLATED = 128 * 1024 * 1024  # bytes all streams inflate to
MAX_MEMORY = 350 * 1024 * 1024  # bytes PDFium's copy of the process may grow by
MAX_SECONDS = 20.0
TEXT_PER_PAGE = 20  # characters: fewer, and the pages are pictures (a scan), whatever a header says
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_NOT_DRAWN = re.compile(rb"/Subtype\s*/(?:Image|Type1C|CIDFontType0C|OpenType)|/Length[123]\b")
_FORM = b"/Form"
_TYPE0 = b"/Type0"
_TO_UNICODE = b"/ToUnicode"
_ESCAPED_NAME = re.compile(rb"/([^\s()<>\[\]{}/%]*#[^\s()<>\[\]{}/%]*)")
_OTHER_FILTER = re.compile(rb"/(?:LZW|RunLength|ASCII85|ASCIIHex|A85|AHx)|/Filter\s*\[")
_FORM_ESCAPE = re.compile(rb"#(?:46|6[FfDd]|72)")  # F, o, m or r written as an escape
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _unescaped(name: bytes) -> bytes:
    return _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)


# Without form XObjects, a glyph is at least a byte of some content stream: below this many
# bytes of content PDFium's layout stays well within the memory bound, and the fork is spared.
SMALL_CONTENT = 1_000_000
_CHUNK = 1 << 16


DAMAGED_PAGE = "PDF 文件已损坏（有页面或对象无法载入），无法读取；请向发布单位重新索取原文件"


class _Refused(Exception):
    """The file refused for a reason the user is told."""


@dataclass
class Streams:
    """What the file's streams hold, measured before PDFium sees the file."""

    inflated: int = 0  # bytes all zlib streams inflate to (counted to just past the bound)
    content: int = 0  # of which streams that may draw text (not fonts, not pictures)
    forms: bool = False  # a form XObject: drawn any number of times, its text with it
    fonts: int = 0  # composite fonts (Type0: Chinese text)
    maps: int = 0  # ToUnicode maps: fewer than composite fonts, and some text has no characters
    count: int = 0  # streams (counted to just past MAX_STREAMS)
    unmeasured: bool = False  # a stream this count could not inflate (another filter, a damaged one)


def measure_streams(data: bytes, budget: int = MAX_INFLATED) -> Streams:
    """Each zlib stream inflated chunk by chunk, counted, never held. (A stream's dictionary
    is never compressed: a form XObject shows in the file's own bytes, or hides behind a
    name written with ``#`` escapes.)"""
    view = memoryview(data)
    out = Streams(
        forms=_FORM in data
        or (
            _FORM_ESCAPE.search(data) is not None
            and any(_unescaped(m.group(1)) == b"Form" for m in _ESCAPED_NAME.finditer(data))
        ),
        fonts=data.count(_TYPE0),
        maps=data.count(_TO_UNICODE),
    )
    for m in _STREAM.finditer(data):
        out.count += 1
        if out.count > MAX_STREAMS:
            break
        head = data[max(0, m.start() - 512) : m.start()]
        head = head[head.rfind(b"obj") + 1 :]
        drawn = not _NOT_DRAWN.search(head)
        if _OTHER_FILTER.search(head):  # LZW, run-length, a chain: not measured here
            out.unmeasured = True
        d = zlib.decompressobj()
        pos = m.end()
        size = 0
        try:
            while not d.eof and pos < len(view) and out.inflated + size <= budget:
                piece = d.decompress(view[pos : pos + _CHUNK], 1 << 20)
                pos += _CHUNK
                while True:
                    size += len(piece)
                    if drawn and len(piece) < _CHUNK * 64:  # object streams hold font dictionaries too
                        out.fonts += piece.count(_TYPE0)
                        out.maps += piece.count(_TO_UNICODE)
                    if d.eof or not piece or not d.unconsumed_tail or out.inflated + size > budget:
                        break
                    piece = d.decompress(d.unconsumed_tail, 1 << 20)
        except zlib.error:
            if size == 0 and b"/Fl" in head:  # PDFium may still make something of it
                out.unmeasured = True
        out.inflated += size
        if drawn:
            out.content += size
        if out.inflated > budget:
            break
    return out


def _odd_share(grid: NotedGrid) -> bool:
    """Whether the text is mostly characters no report is written in: neither Chinese nor
    ASCII (what PDFium guesses from a composite font without a ToUnicode map: Ⅶ、＂、＃)."""
    chinese = odd = 0
    for row in grid:
        for c in row:
            if not c.covered:
                for ch in c.text:
                    if "\u4e00" <= ch <= "\u9fff":
                        chinese += 1
                    elif not ch.isascii():
                        odd += 1
    return odd > 4 * chinese


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


def _read(data: bytes, streams: Streams) -> NotedGrid:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise _Refused("PDF 已加密，请去掉密码后再试") from None
        raise _Refused("不是有效的 PDF 文件，可能已损坏") from None
    grid = NotedGrid()
    chars = unmappable = 0
    segments = MAX_SEGMENTS
    try:
        pages = len(doc)
        if pages > MAX_PAGES:
            raise _Refused(f"PDF 有 {pages} 页，不像是一份年度报告（最多 {MAX_PAGES} 页）")
        for number in range(1, pages + 1):
            try:
                page = doc[number - 1]
            except pdfium.PdfiumError:  # (its words are English: a page it cannot load)
                raise _Refused(DAMAGED_PAGE) from None
            try:
                text = read_page(page, raw, number, min(MAX_CHARS_PAGE, MAX_CHARS - chars), segments)
            except PageTooBusy as e:
                raise _Refused(f"{e}，远超一份年度报告的篇幅，疑似恶意构造的文件，已拒绝读取") from None
            except pdfium.PdfiumError:
                raise _Refused(DAMAGED_PAGE) from None
            finally:
                page.close()
            grid.extend(row for _y, row in text.rows)
            chars += sum(len(c.text) for _y, row in text.rows for c in row if not c.covered)
            unmappable += text.unmappable
            segments -= text.segments
            grid.notes.extend(HIDDEN.format(where=where, text=hidden[:20]) for where, hidden in text.hidden_in_cells)
    finally:
        doc.close()
    if chars < TEXT_PER_PAGE * pages:  # a page number or two at most
        raise _Refused(SCANNED)
    if streams.fonts > streams.maps and _odd_share(grid):
        grid.cause = NO_TEXT_MAP.format(share="大部分字形")
    if unmappable:
        if unmappable * 2 > chars:
            raise _Refused(NO_TEXT_MAP.format(share=f"{unmappable * 100 // chars}% 的字形"))
        grid.notes.append(UNMAPPED.format(n=unmappable))
    return grid


def pdf_grid(p: Path, data: bytes) -> NotedGrid:
    streams = measure_streams(data)
    if streams.inflated > MAX_INFLATED:
        raise ReadError(
            p,
            f"PDF 中的数据流解压后超过 {_mb(MAX_INFLATED)}（原文件 {len(data)} 字节），"
            "疑似压缩炸弹，已拒绝读取；请向发布单位重新索取原文件",
        )
    if streams.count > MAX_STREAMS:
        raise ReadError(p, f"PDF 中的数据流超过 {MAX_STREAMS} 个，远超一份年度报告，疑似恶意构造的文件，已拒绝读取")
    try:
        if not (streams.forms or streams.unmeasured) and streams.content + len(data) <= SMALL_CONTENT:
            return _read(data, streams)
        return _watched(lambda: _read(data, streams))
    except _Refused as e:
        raise ReadError(p, str(e)) from None


# --- PDFium in a watched copy of the process ----------------------------------------------------


def _watched(work: Callable[[], NotedGrid]) -> NotedGrid:
    """``work()`` in a forked copy of this process, ended past the memory or time bound; in
    this process where there is no fork (Windows) or other threads run (forking them is unsafe;
    :func:`~nianbao.io.threads.fork_is_safe` tells a quiet one, such as the CLI's watchdog)."""
    if not hasattr(os, "fork") or not fork_is_safe() or not os.path.exists("/proc/self/statm"):
        return work()
    base = _rss(os.getpid())
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child, measured through the parent
        status = 0
        try:
            os.close(r)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                result: tuple[str, Any] = ("ok", work())
            except _Refused as e:
                result = ("refused", str(e))
            except MemoryError:
                result = ("memory", None)
            except Exception as e:  # noqa: BLE001 - reported by the parent as a damaged file
                result = ("failed", type(e).__name__)
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(w, "wb") as f:
                f.write(payload)
        except BaseException:  # noqa: BLE001
            status = 1
        finally:
            os._exit(status)
    os.close(w)
    chunks: list[bytes] = []
    started = time.monotonic()
    verdict = None
    try:
        while True:
            ready, _, _ = select.select([r], [], [], 0.05)
            if ready:
                chunk = os.read(r, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                continue
            if _rss(pid) - base > MAX_MEMORY:
                verdict = f"PDF 的内容排版后占用内存超过 {_mb(MAX_MEMORY)}，疑似恶意构造的文件，已拒绝读取"
                break
            if time.monotonic() - started > MAX_SECONDS:
                verdict = f"PDF 在 {MAX_SECONDS:.0f} 秒内未能读完，疑似恶意构造的文件，已拒绝读取"
                break
    except BaseException:  # Ctrl-C, SIGTERM (raised here): the copy goes too
        verdict = ""
        raise
    finally:
        os.close(r)
        if verdict is not None:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if verdict is not None:
        raise _Refused(verdict)
    if not chunks:
        if os.WIFSIGNALED(status):
            raise _Refused(f"PDF 的内容使读取程序异常终止（信号 {os.WTERMSIG(status)}），文件可能已损坏或被恶意构造")
        raise _Refused("PDF 文件无法解析，可能已损坏")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "refused":
        raise _Refused(value)
    if kind == "memory":
        raise _Refused("PDF 的内容过于庞大，内存不足，疑似恶意构造的文件，已拒绝读取")
    raise _Refused(f"PDF 文件无法解析（{value}），可能已损坏；请向发布单位重新索取原文件")


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
