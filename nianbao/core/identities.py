"""Ledger identities (勾稽关系) as typed data: how one is repeated over its table (:class:`Scope`),
the cells each side adds up (:class:`Selector`), and the identity itself (:class:`Identity`).

The forms (:mod:`nianbao.core.forms`) declare their identities in a short notation —
``identity(Code.I1, ERROR, "applications", "column", ("new", "carried_over"), ...)`` — that
:func:`identity` parses here, once, at import: a malformed scope or selector is an error when
the forms are imported. The model (:mod:`nianbao.core.model`) expands the parsed identities
into cell-level checks; nothing else reads the notation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .codes import Code, Severity


class Each(StrEnum):
    """How an identity is repeated over its table."""

    COLUMN = "column"  # table 3: one check per applicant column; selectors are row paths
    ROW = "row"  # table 3: one check per leaf row; selectors are column keys
    GROUP = "group"  # table 4: one check per group; selectors are column keys
    ROWS = "rows"  # table 2: one check per named row; selectors are column keys


@dataclass(frozen=True)
class Scope:
    each: Each
    rows: tuple[str, ...] = ()  # the named rows of Each.ROWS

    @classmethod
    def parse(cls, text: str) -> Scope:
        """``"column"``, ``"row"``, ``"group"`` or ``"rows:a,b"``."""
        head, _, rest = text.partition(":")
        each = Each(head)
        rows = tuple(rest.split(",")) if rest else ()
        if (each is Each.ROWS) != bool(rows):
            raise ValueError(f"scope {text!r}: rows are named with \"rows:a,b\" and only there")
        return cls(each, rows)

    @property
    def per_column(self) -> bool:
        """Checks that run down a column of a table (I1, I2, I4), not along a row."""
        return self.each in (Each.COLUMN, Each.GROUP)


@dataclass(frozen=True)
class Selector:
    """One side's term of an identity, parsed from its declaration.

    ``"outcomes/total"`` names a row path (column scopes) or ``"in_force"`` a column key;
    ``"outcomes/**"`` every leaf row under ``outcomes`` and ``"*"`` every column that the
    identity does not name elsewhere (``rest``); a leading ``-`` subtracts (``sign``), and
    ``prev:`` reads the cell from last year's report of the same agency (``previous``).
    """

    keys: tuple[str, ...]
    sign: int = 1
    previous: bool = False
    rest: bool = False

    @classmethod
    def parse(cls, text: str) -> Selector:
        body, sign, previous = text, 1, False
        if body.startswith("-"):
            body, sign = body[1:], -1
        if body.startswith("prev:"):
            body, previous = body[5:], True
        if body == "*":
            return cls((), sign, previous, rest=True)
        if body.endswith("/**"):
            return cls(tuple(body[:-3].split("/")), sign, previous, rest=True)
        keys = tuple(body.split("/"))
        if not all(k.isidentifier() for k in keys):
            raise ValueError(f"selector {text!r}")
        return cls(keys, sign, previous)


@dataclass(frozen=True)
class Identity:
    """A ledger identity: ``sum(lhs) <op> sum(rhs)``, repeated over its scope (see
    :class:`Each`, :class:`Selector`). Declared with :func:`identity`, which parses the
    selectors' short notation once."""

    rule: Code
    severity: Severity
    table: str
    scope: Scope
    lhs: tuple[Selector, ...]
    rhs: tuple[Selector, ...]
    op: str = "="  # "=" or ">="
    title: str = ""
    hint: str = ""

    @property
    def cross_year(self) -> bool:
        """Whether some term is read from last year's report."""
        return any(s.previous for s in self.lhs + self.rhs)

    @property
    def named(self) -> frozenset[tuple[str, ...]]:
        """The cells the identity names one by one (what ``*`` and ``**`` leave out)."""
        return frozenset(s.keys for s in self.lhs + self.rhs if not s.rest)


def identity(
    rule: Code, severity: Severity, table: str, each: str, lhs: tuple[str, ...], rhs: tuple[str, ...], **kw: str
) -> Identity:
    """An identity from its short notation: ``each`` as :meth:`Scope.parse` reads it, each
    side's selectors as :meth:`Selector.parse` reads them."""
    return Identity(
        rule,
        severity,
        table,
        Scope.parse(each),
        tuple(map(Selector.parse, lhs)),
        tuple(map(Selector.parse, rhs)),
        **kw,
    )
