"""What reading remembers between workbooks: one explicit object, :class:`Memory`.

Workbooks made from one template share most of their bytes: the theme, styles, workbook
part and relationships byte for byte, and each sheet's markup between its values. Reading
ten thousand of them, the container check (:mod:`nianbao.io.container.zipcheck`) keeps the last few
shared parts it inflated, with their verdict, and the fast reader (:mod:`nianbao.io.xlsx.ooxml`)
keeps what it made of them (sheet maps, number styles, strings, and a plan per sheet markup,
by which a sheet is read by its values alone). All of that lives in a :class:`Memory`, every
part bounded; nothing else in :mod:`nianbao.io` keeps state between files. Correctness never
depends on it: a file read with an empty memory reads the same (the tests hold the two ways
to the same result).

Threading: consolidation's workers are processes, and each process has its own memory
(:data:`MEMORY`, made on import; a forked worker starts with a copy of its parent's and
goes its own way). A program that reads in threads shares one memory between them, and
that is safe: what is stored is never changed afterwards (plans, parts, strings are
immutable once kept; the exceptions: a part's verdict, written once from ``None`` to the
same boolean by whichever thread asks first, and a plan's cells sorted for a style table,
derived from the plan alone and stored under the lock), lookups are single dictionary reads, and
every store and eviction holds :attr:`Memory.lock`. Two threads missing at once both compute
and one result is kept. Pass your own ``Memory()`` to keep a reader's memory apart.

This module knows nothing of zip or XML; it only holds what those modules keep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class SeenPart:
    """A zip entry seen before (its compressed bytes), what it inflates to, and the verdict
    of the plain-XML check once asked (:mod:`nianbao.io.container.zipcheck`)."""

    raw: bytes
    body: bytes
    plain: bool | None = None


class Memory:
    """Everything reading keeps between workbooks, each kind bounded (see the module's
    docstring for what is kept and the threading story)."""

    PARTS_KEPT = 64  # shared zip parts kept ...
    PART_BYTES = 128 * 1024  # ... each this small (a template's are a few KB): at most ~16 MB held
    PLANS_KEPT = 32  # sheet markups planned or seen once: a few templates' sheets
    PLAN_BYTES = 64 * 1024  # larger sheets (a template's are 1–25 KB) are read whole each time
    TEXTS_KEPT = 8192  # rich strings decoded, by their markup
    DERIVED_KEPT = 32  # what is derived from a whole part (sheet maps, number styles, ...)

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # zip entry key (name, CRC, sizes) -> the part: nianbao.io.container.zipcheck
        self.parts: dict[tuple[str, int, int, int], SeenPart] = {}
        # lengths of a sheet's markup pieces -> a plan, or the markup seen once: nianbao.io.xlsx.ooxml
        self.plans: dict[tuple[int, ...], Any] = {}
        # <si>/<is> markup -> its text: nianbao.io.xlsx.ooxml (read inline in the cell loop)
        self.texts: dict[bytes, str] = {}
        # (what, the part's bytes) -> what was derived from it
        self._derived: dict[tuple[str, Hashable], Any] = {}

    def derived(self, what: str, fn: Callable[[Any], T], key: Hashable) -> T:
        """``fn(key)``, remembered for the last :attr:`DERIVED_KEPT` keys (``what`` names
        the function). An exception is not remembered."""
        k = (what, key)
        try:
            return self._derived[k]  # type: ignore[no-any-return]
        except KeyError:
            pass
        value = fn(key)
        self._store(self._derived, k, value, self.DERIVED_KEPT)
        return value

    def keep_part(self, key: tuple[str, int, int, int], part: SeenPart) -> None:
        self._store(self.parts, key, part, self.PARTS_KEPT, clear=True)

    def keep_plan(self, key: tuple[int, ...], what: Any) -> None:
        """Keep a plan (or a markup seen once) as the most recently used."""
        with self.lock:
            self.plans.pop(key, None)
            if len(self.plans) >= self.PLANS_KEPT:
                del self.plans[next(iter(self.plans))]
            self.plans[key] = what

    def used_plan(self, key: tuple[int, ...], plan: Any) -> None:
        """A plan just used: the last used are kept longest."""
        with self.lock:
            if self.plans.pop(key, None) is plan:
                self.plans[key] = plan

    def keep_text(self, markup: bytes, text: str) -> None:
        self._store(self.texts, markup, text, self.TEXTS_KEPT, clear=True)

    def forget_sheets(self) -> None:
        """Forget every sheet read so far: the next of each markup is read whole, as on a
        template seen for the first time (benchmarks measure that cost with it)."""
        with self.lock:
            self.plans.clear()

    def _store(self, into: dict[Any, Any], key: Any, value: Any, kept: int, clear: bool = False) -> None:
        with self.lock:
            if len(into) >= kept:
                if clear:
                    into.clear()  # cheaper than order-keeping for parts and texts
                else:
                    del into[next(iter(into))]
            into[key] = value


MEMORY = Memory()  # the process's own (see the module's docstring)

__all__ = ["MEMORY", "Memory", "SeenPart"]
