"""What reading remembers between workbooks (nianbao.io.memory): bounded, never changing a
result, and shared safely between threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nianbao.io.container.safety import open_container
from nianbao.io.memory import Memory, SeenPart
from nianbao.io.xlsx import ooxml, workbook

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "各单位报告"


def read_with(path: Path, memory: Memory):
    return workbook.read_parsed(path, ooxml.Workbook(open_container(path, memory).parts, memory))


def test_a_workbook_reads_the_same_with_a_memory_empty_or_full():
    paths = sorted(EXAMPLES.glob("*.xlsx"))
    full = Memory()
    for path in paths * 2:  # every sheet seen and planned
        read_with(path, full)
    assert full.plans and full.parts and full.texts
    for path in paths:
        assert read_with(path, full) == read_with(path, Memory())


def test_threads_sharing_one_memory_read_what_one_thread_reads():
    paths = sorted(EXAMPLES.glob("*.xlsx"))
    expected = [read_with(path, Memory()) for path in paths]
    shared = Memory()
    with ThreadPoolExecutor(max_workers=8) as pool:
        rounds = [list(pool.map(lambda p: read_with(p, shared), paths)) for _ in range(6)]
    assert all(got == expected for got in rounds)
    assert len(shared.plans) <= Memory.PLANS_KEPT and len(shared.parts) <= Memory.PARTS_KEPT


def test_every_kind_of_thing_kept_is_bounded():
    memory = Memory()
    for n in range(3 * Memory.PARTS_KEPT):
        memory.keep_part((f"p{n}", n, n, n), SeenPart(b"raw", b"body"))
        memory.keep_plan((n,), [b"markup"])
        memory.keep_text(str(n).encode(), str(n))
        assert memory.derived("double", lambda k: 2 * k, n) == 2 * n
    assert len(memory.parts) <= Memory.PARTS_KEPT
    assert len(memory.plans) == Memory.PLANS_KEPT and (3 * Memory.PARTS_KEPT - 1,) in memory.plans
    assert len(memory.texts) <= Memory.TEXTS_KEPT
    assert len(memory._derived) == Memory.DERIVED_KEPT
    memory.forget_sheets()
    assert not memory.plans and memory.parts
