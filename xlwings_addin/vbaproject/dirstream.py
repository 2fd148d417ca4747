"""MS-OVBA §2.3.4.2: the ``dir`` stream — project information, references, module records.

Read as a flat list of records (``id``, ``data``): every record of the stream is a two-byte
id, a four-byte size and that many bytes, except PROJECTVERSION whose size field is a
constant 4 followed by six bytes. Records that come in pairs (a string and its Unicode form,
e.g. MODULESTREAMNAME and its 0x0032 part) are two records here, in the order the stream has.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# record ids (§2.3.4.2)
SYSKIND = 0x0001
NAME = 0x0004
VERSION = 0x0009  # the one record whose size field does not give its length
MODULES = 0x000F
COOKIE = 0x0013
TERMINATOR = 0x0010
REFERENCE_NAME = 0x0016
MODULE_NAME = 0x0019
MODULE_NAME_UNICODE = 0x0047
MODULE_STREAM_NAME = 0x001A
MODULE_STREAM_NAME_UNICODE = 0x0032
MODULE_DOCSTRING = 0x001C
MODULE_DOCSTRING_UNICODE = 0x0048
MODULE_OFFSET = 0x0031
MODULE_HELP_CONTEXT = 0x001E
MODULE_COOKIE = 0x002C
MODULE_PROCEDURAL = 0x0021
MODULE_DOCUMENT = 0x0022  # document and class modules
MODULE_READONLY = 0x0025
MODULE_PRIVATE = 0x0028
MODULE_END = 0x002B
CODEPAGE = 0x0003


class DirError(ValueError):
    """A dir stream that does not follow §2.3.4.2."""


@dataclass(frozen=True)
class Record:
    id: int
    data: bytes

    def to_bytes(self) -> bytes:
        if self.id == VERSION:
            return struct.pack("<HI", self.id, 4) + self.data
        return struct.pack("<HI", self.id, len(self.data)) + self.data


def parse(data: bytes) -> list[Record]:
    """The records of a decompressed dir stream, up to and including its terminator."""
    out, i = [], 0
    while i < len(data):
        if i + 6 > len(data):
            raise DirError(f"truncated record at byte {i}")
        rid, size = struct.unpack_from("<HI", data, i)
        i += 6
        if rid == VERSION:
            size = 6
        if i + size > len(data):
            raise DirError(f"record 0x{rid:04X} at byte {i - 6} runs past the end")
        out.append(Record(rid, bytes(data[i : i + size])))
        i += size
        if rid == TERMINATOR:
            break
    return out


def serialize(records: list[Record]) -> bytes:
    return b"".join(r.to_bytes() for r in records)


@dataclass(frozen=True)
class Module:
    """What the dir stream says about one module."""

    name: str
    stream: str
    kind: int  # MODULE_PROCEDURAL or MODULE_DOCUMENT
    offset: int  # where the source starts in the module's stream (after any p-code)
    records: tuple[int, ...]  # the ids of its records, in order


@dataclass(frozen=True)
class Project:
    """A dir stream split into its three parts (§2.3.4.2.1–3)."""

    information: tuple[Record, ...]  # PROJECTSYSKIND … PROJECTCONSTANTS
    references: tuple[Record, ...]  # every reference record, in order
    modules: tuple[Module, ...]
    codepage: int

    @property
    def name(self) -> str:
        rec = next(r for r in self.information if r.id == NAME)
        return rec.data.decode(f"cp{self.codepage}")

    def reference_names(self) -> list[str]:
        return [r.data.decode(f"cp{self.codepage}") for r in self.references if r.id == REFERENCE_NAME]


def read(data: bytes) -> Project:
    """Split a decompressed dir stream into information, references and modules."""
    records = parse(data)
    ids = [r.id for r in records]
    if MODULES not in ids:
        raise DirError("no PROJECTMODULES record")
    cut = ids.index(MODULES)
    head = records[:cut]
    starts = (REFERENCE_NAME, 0x000D, 0x000E, 0x002F, 0x0033)  # a name, or a reference without one
    first_ref = next((i for i, r in enumerate(head) if r.id in starts), cut)
    information, references = head[:first_ref], head[first_ref:]
    cp = next((struct.unpack("<H", r.data)[0] for r in information if r.id == CODEPAGE), 1252)
    modules, current = [], []
    for r in records[cut + 2 :]:  # past PROJECTMODULES and PROJECTCOOKIE
        if r.id == TERMINATOR:
            break
        current.append(r)
        if r.id == MODULE_END:
            get = {x.id: x.data for x in current}
            name = get.get(MODULE_NAME_UNICODE)
            modules.append(
                Module(
                    name.decode("utf-16-le") if name is not None else get[MODULE_NAME].decode(f"cp{cp}"),
                    get[MODULE_STREAM_NAME_UNICODE].decode("utf-16-le"),
                    MODULE_PROCEDURAL if MODULE_PROCEDURAL in get else MODULE_DOCUMENT,
                    struct.unpack("<I", get[MODULE_OFFSET])[0],
                    tuple(x.id for x in current),
                )
            )
            current = []
    return Project(tuple(information), tuple(references), tuple(modules), cp)


def module_records(name: str, kind: int, codepage: int) -> list[Record]:
    """The records of one module whose source starts at offset 0 (no p-code)."""
    mbcs, uni = name.encode(f"cp{codepage}"), name.encode("utf-16-le")
    return [
        Record(MODULE_NAME, mbcs),
        Record(MODULE_NAME_UNICODE, uni),
        Record(MODULE_STREAM_NAME, mbcs),
        Record(MODULE_STREAM_NAME_UNICODE, uni),
        Record(MODULE_DOCSTRING, b""),
        Record(MODULE_DOCSTRING_UNICODE, b""),
        Record(MODULE_OFFSET, struct.pack("<I", 0)),
        Record(MODULE_HELP_CONTEXT, struct.pack("<I", 0)),
        Record(MODULE_COOKIE, struct.pack("<H", 0xFFFF)),
        Record(kind, b""),
        Record(MODULE_END, b""),
    ]


def write(information: list[Record], references: list[Record], modules: list[tuple[str, int]], codepage: int) -> bytes:
    """A dir stream (decompressed): the given information and references, then a record set
    per module (name, MODULE_PROCEDURAL or MODULE_DOCUMENT)."""
    out = list(information) + list(references)
    out.append(Record(MODULES, struct.pack("<H", len(modules))))
    out.append(Record(COOKIE, struct.pack("<H", 0xFFFF)))
    for name, kind in modules:
        out += module_records(name, kind, codepage)
    out.append(Record(TERMINATOR, b""))
    return serialize(out)
