"""The optional parts of nianbao and what to install for them: pandas for ``to_frame()``
(``nianbao[pandas]``), xlwings for the Excel add-in (``nianbao[excel]``). Imported where they
are used; a missing one is said in Chinese, naming the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

# module -> the extra that installs it
EXTRAS = {"pandas": "pandas", "xlwings": "excel"}


class MissingExtra(ImportError):
    """An optional library that is not installed. ``str(error)`` is the Chinese message."""


def missing_text(module: str) -> str:
    extra = EXTRAS[module]
    return f"需要 {module}，当前未安装；请运行 pip install 'nianbao[{extra}]'（或 scripts/setup.sh）后再试"


def need(module: str) -> ModuleType:
    """The optional library ``module``, imported now; :class:`MissingExtra` when not installed."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name != module:
            raise
        raise MissingExtra(missing_text(module), name=module) from None


__all__ = ["EXTRAS", "MissingExtra", "missing_text", "need"]
