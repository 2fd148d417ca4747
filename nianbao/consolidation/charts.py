"""Native Excel charts of a summary, in a sheet of their own (图表): placeholder."""

from __future__ import annotations

from typing import Any


def add_charts(wb: Any, c: Any) -> None:
    return None
