"""MS-CFB: a writer of version 3 compound files (512-byte sectors), enough for a VBA project.

:func:`write` takes a mapping of stream paths (``"VBA/dir"``) to bytes and lays out one
file: streams under 4096 bytes in the mini stream (64-byte mini sectors, held by the root
entry), larger ones in regular sectors, then the mini FAT, the directory and the FAT. Each
storage's children form a red-black tree ordered as §2.6.4 says (shorter names first, then by
upper-cased code points): a balanced tree whose deepest level is red, the rest black. At most
109 FAT sectors (about 7 MB), which a VBA project never reaches.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
HEADER_DIFAT = 109


class CfbError(ValueError):
    """The streams cannot be written as a compound file."""


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    index: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN


def _key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def _tree(entries: list[_Entry]) -> int:
    """Link ``entries`` (one storage's children) as a balanced red-black tree; its root."""
    ordered = sorted(entries, key=lambda e: _key(e.name))
    depth_of: dict[int, int] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        e = ordered[mid]
        depth_of[id(e)] = depth
        e.left = build(lo, mid, depth + 1)
        e.right = build(mid + 1, hi, depth + 1)
        return e.index

    root = build(0, len(ordered), 0)
    deepest = max(depth_of.values(), default=0)
    for e in ordered:  # every path from the root to a leaf has the same number of black nodes
        e.color = RED if deepest and depth_of[id(e)] == deepest else BLACK
    return root


def _direntry(e: _Entry, size: int) -> bytes:
    """A 128-byte directory entry (§2.6.1). A free entry is zeros but for its three links;
    a storage has no start sector and no size."""
    name = e.name.encode("utf-16-le") + b"\0\0" if e.kind else b""
    if len(name) > 64:
        raise CfbError(f"name too long: {e.name}")
    color = e.color if e.kind else 0
    start = e.start if e.kind in (STREAM, ROOT) else 0
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name), e.kind, color, e.left, e.right, e.child,
        b"\0" * 16, 0, 0, 0, start, size,
    )


def write(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (paths with ``/`` between storages)."""
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            node = node.children.setdefault(part, _Entry(part, STORAGE))
            if node.kind != STORAGE:
                raise CfbError(f"{part} is both a stream and a storage")
        if parts[-1] in node.children:
            raise CfbError(f"duplicate stream {path}")
        node.children[parts[-1]] = _Entry(parts[-1], STREAM, bytes(data))

    entries: list[_Entry] = []

    def number(e: _Entry) -> None:
        e.index = len(entries)
        entries.append(e)
        for c in e.children.values():
            number(c)

    number(root)
    for e in entries:
        if e.children:
            e.child = _tree(list(e.children.values()))

    # the mini stream: every small stream, each padded to whole mini sectors
    mini = bytearray()
    minifat: list[int] = []
    for e in entries:
        if e.kind == STREAM and len(e.data) < MINI_CUTOFF and e.data:
            e.start = len(minifat)
            n = -(-len(e.data) // MINI_SECTOR)
            minifat += list(range(e.start + 1, e.start + n)) + [ENDOFCHAIN]
            mini += e.data + b"\0" * (n * MINI_SECTOR - len(e.data))

    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        """Append ``data`` in whole sectors chained in the FAT; its first sector."""
        if not data:
            return ENDOFCHAIN
        first = len(sectors)
        n = -(-len(data) // SECTOR)
        for k in range(n):
            sectors.append(data[k * SECTOR : (k + 1) * SECTOR].ljust(SECTOR, b"\0"))
        fat.extend(list(range(first + 1, first + n)) + [ENDOFCHAIN])
        return first

    for e in entries:
        if e.kind == STREAM and len(e.data) >= MINI_CUTOFF:
            e.start = place(e.data)
    root.start = place(bytes(mini))
    minifat_bytes = b"".join(struct.pack("<I", x) for x in minifat)
    minifat_bytes += struct.pack("<I", FREESECT) * (-(len(minifat)) % (SECTOR // 4))
    first_minifat = place(minifat_bytes) if minifat else ENDOFCHAIN
    n_minifat = -(-len(minifat_bytes) // SECTOR) if minifat else 0

    directory = bytearray()
    for e in entries:
        size = len(mini) if e.kind == ROOT else len(e.data)
        directory += _direntry(e, size)
    free = _Entry("", 0)
    while len(directory) % SECTOR:
        directory += _direntry(free, 0)
    first_dir = place(bytes(directory))

    # the FAT itself: enough sectors to describe every sector, its own included
    per = SECTOR // 4
    n_fat = 0
    while n_fat * per < len(sectors) + n_fat:
        n_fat += 1
    if n_fat > HEADER_DIFAT:
        raise CfbError("too large for a compound file without DIFAT sectors")
    fat_start = len(sectors)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREESECT] * (n_fat * per - len(fat)))
    table = b"".join(struct.pack("<I", x) for x in fat)
    for k in range(n_fat):
        sectors.append(table[k * SECTOR : (k + 1) * SECTOR])

    difat = [fat_start + k for k in range(n_fat)] + [FREESECT] * (HEADER_DIFAT - n_fat)
    header = SIGNATURE + b"\0" * 16 + struct.pack(
        "<HHHHH6sIIIIIIIII",
        0x003E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, first_dir, 0, MINI_CUTOFF, first_minifat, n_minifat, ENDOFCHAIN, 0,
    ) + b"".join(struct.pack("<I", x) for x in difat)
    assert len(header) == SECTOR
    return header + b"".join(sectors)
