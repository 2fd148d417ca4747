"""nianbao (年报): the government information disclosure annual report toolkit.

The library API::

    from nianbao import validate
    findings = validate(document, previous=None)

    import nianbao
    c = nianbao.consolidate(["各单位报告/"], roster="名单.csv", previous=["上年报告/"])
    c.line(), c.document(), c.to_frame()   # the long table as a pandas DataFrame

``nianbao.consolidate`` is loaded on first use, so ``import nianbao`` stays light.
"""

from typing import Any

from .core.findings import CATALOGUE, Finding, Result, Tally
from .core.forms import FORMS, form_for_year
from .core.validate import validate

__version__ = "0.1.0"

_LAZY = {"consolidate": ("nianbao.consolidation.consolidate", "consolidate")}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nianbao' has no attribute {name!r}")


__all__ = ["CATALOGUE", "FORMS", "Finding", "Result", "Tally", "consolidate", "form_for_year", "validate", "__version__"]
