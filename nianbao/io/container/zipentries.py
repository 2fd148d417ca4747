"""A zip's entries, read bounded: the declared entry count, one entry inflated and checked.

:func:`inflate_bounded` streams an entry in chunks, refusing it the moment it yields more
than its directory declares (a bomb) and checking its CRC, feeding each chunk to an XML
check; :func:`inflated` inflates a small entry at once (the quick check), keeping the parts
that workbooks of one template share in a :class:`~nianbao.io.memory.Memory`.
:func:`declared_entries` reads the entry count before :mod:`zipfile` builds one object per
entry. The central directory itself is read by :mod:`zipfile`: ~0.033 ms for a template's 13
entries (hand-written parsing took ~0.018 ms; under 0.05 ms per workbook, zipfile is worth
its care). Inflating is not left to it: see :func:`inflated`. (``scripts/bench_zip.py``.)
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from zlib_ng import zlib_ng  # the quick path's inflate and CRC: zlib's API, ~1.4x and ~7x faster

from ..memory import Memory, SeenPart
from ..registry import SAVE_AS, ReadError
from .limits import ASK_AGAIN, CHUNK, short
from .xmlparts import XmlCheck


def declared_entries(data: bytes) -> int | None:
    """The entry count the end-of-central-directory record declares, read before
    :mod:`zipfile` builds one object per entry (a million tiny entries would cost
    gigabytes). ``None`` when the record cannot be found: then zipfile decides."""
    size = len(data)
    start = max(0, size - (22 + 65535 + 20 + 56))
    tail = data[start:]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count: int = struct.unpack_from("<H", tail, at + 10)[0]
    if count == 0xFFFF and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        offset = struct.unpack_from("<Q", tail, at - 20 + 8)[0]
        rec = data[offset : offset + 56]
        if len(rec) == 56 and rec[:4] == b"PK\x06\x06":
            total: int = struct.unpack_from("<Q", rec, 32)[0]
            return total
    return count


def read_small(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int) -> bytes:
    """At most ``limit`` bytes of an entry, through zipfile."""
    with zf.open(name) as f:
        return f.read(limit)


def inflate_bounded(p: Path, raw: BinaryIO, info: zipfile.ZipInfo, sink: XmlCheck | None = None) -> None:
    """Inflate one entry from its raw bytes, counting: refuse it the moment it yields more
    than its declared size (the central directory lied) or fails its CRC (damaged). Each
    chunk goes to ``sink`` (an XML check) as it comes.

    Not :meth:`zipfile.ZipFile.open`: its reader stops quietly at the declared size and
    then reports a bad CRC, so a lying directory (a bomb) could not be told from damage;
    this runs only in the full check, where the message matters more than the cost."""
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
        raise ReadError(
            p,
            f"工作簿内部的“{short(info.filename)}”使用了不常见的压缩方式（{method}）"
            f"，Excel、WPS 不会这样保存；{SAVE_AS}",
        )
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
            raise ReadError(
                p,
                f"工作簿内部的“{short(info.filename)}”解压后的实际大小超过其声明的大小（疑似“压缩炸弹”或文件被篡改）"
                "，为安全起见拒绝读取；"
                + ASK_AGAIN,
            )
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


ONE_SHOT_BYTES = 4096  # deflate expands at most 1032:1, so one zlib.decompress of this many
# compressed bytes yields at most ~4 MB, whatever the directory declares
STREAM_BYTES = 1024 * 1024  # entries declared larger are inflated in chunks, never held


def entry_key(info: zipfile.ZipInfo) -> tuple[int, int, int, int, int]:
    """What decides an entry's bytes: two directory records may share a local header."""
    return (info.header_offset, info.compress_size, info.file_size, info.CRC, info.compress_type)


# Parts that every workbook made from one template carries byte for byte (theme, styles, the
# workbook part with its defined names, relationships, content types): compressed bytes seen
# before inflate to the same bytes again, already checked against their size and CRC, and
# pass or fail the plain-XML check alike, so the last few such parts are kept with the
# verdict (in a Memory: nianbao.io.memory). Worksheets and shared strings hold each
# agency's own figures and are always inflated and checked.


def seen_key(info: zipfile.ZipInfo) -> tuple[str, int, int, int] | None:
    """The key under which a part may be kept as seen (None: never kept)."""
    lower = info.filename.lower()
    if lower.startswith("xl/worksheets/") or lower == "xl/sharedstrings.xml" or info.file_size > Memory.PART_BYTES:
        return None
    return (info.filename, info.CRC, info.file_size, info.compress_size)


def inflated(data: bytes, info: zipfile.ZipInfo, key: tuple[str, int, int, int] | None, memory: Memory) -> bytes | None:
    """The entry's bytes, or None unless it inflates to exactly its declared size and CRC
    (``key``: its :func:`seen_key`; a part seen before is taken from ``memory``).

    Hand-written rather than :meth:`zipfile.ZipFile.read`: inflating the 13 entries of a
    filled template costs ~0.13 ms here (zlib-ng, one call per entry, no file object) and
    ~0.41 ms through zipfile, 0.28 ms more per workbook (``scripts/bench_zip.py``)."""
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
        seen = memory.parts.get(key) if key else None
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
        memory.keep_part(key, SeenPart(bytes(raw), out))
    return out


__all__ = [
    "ONE_SHOT_BYTES",
    "STREAM_BYTES",
    "declared_entries",
    "entry_key",
    "inflate_bounded",
    "inflated",
    "read_small",
    "seen_key",
]
