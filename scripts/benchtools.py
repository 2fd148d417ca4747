"""What the benchmark scripts share: timing a call the same way in each."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    """Seconds for each of ``n`` calls of ``fn``, after one call that warms the caches
    (imports, label catalogues, layouts, plans)."""
    fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out
