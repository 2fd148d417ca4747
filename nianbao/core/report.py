"""Building and walking report documents in the interchange format."""

from __future__ import annotations

from typing import Any

from .forms import FORMS
from .model import model


def new_report(
    form: str,
    year: int | None = None,
    agency: dict[str, Any] | str | None = None,
    fill: Any = None,
) -> dict[str, Any]:
    """A report of ``form`` with every cell set to ``fill`` (None: blank)."""
    m = model(form)
    if year is None:
        year = FORMS[form].years[0]
    if isinstance(agency, str):
        agency = {"name": agency}
    return {
        "form": form,
        "year": year,
        "agency": dict(agency or {"name": ""}),
        **m.document([fill] * len(m.cells)),
    }
