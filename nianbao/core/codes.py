"""Typed codes: rule codes, severities and report statuses, each with its one display map.

Logic compares these members, never the Chinese words shown for them; the words are looked
up here, at the edge, by whatever prints. A rule code that is not declared here is an
``AttributeError`` when the module that names it is imported (and a type error under mypy),
not a ``KeyError`` at run time.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def display(self) -> str:
        return SEVERITY_WORDS[self]


SEVERITY_WORDS = {Severity.ERROR: "错误", Severity.WARNING: "警告"}


class Status(StrEnum):
    """What became of checking one input."""

    PASSED = "passed"
    WARNINGS = "warnings"
    ERRORS = "errors"
    UNREADABLE = "unreadable"

    @property
    def display(self) -> str:
        return STATUS_WORDS[self]


STATUS_WORDS = {
    Status.PASSED: "通过",
    Status.WARNINGS: "有警告",
    Status.ERRORS: "有错误",
    Status.UNREADABLE: "无法读取",
}


class Code(StrEnum):
    """Every rule's code. Titles and hints are in the catalogue (:mod:`nianbao.core.findings`);
    the identities' own (I1…X3) are declared with them in :mod:`nianbao.core.forms`."""

    # Reading and shape
    READ = "READ"
    FORM = "FORM"
    YEAR = "YEAR"
    MISSING = "MISSING"
    UNKNOWN = "UNKNOWN"
    BLANK = "BLANK"
    TYPE = "TYPE"
    INTEGER = "INTEGER"
    RANGE = "RANGE"
    DECIMALS = "DECIMALS"
    TEXT = "TEXT"
    USCC = "USCC"
    REGION = "REGION"
    PREV = "PREV"
    # Workbooks
    LAYOUT = "LAYOUT"
    CELL = "CELL"
    CACHE = "CACHE"
    TOTAL = "TOTAL"
    FORMULA = "FORMULA"
    LINK = "LINK"
    DUPLICATE = "DUPLICATE"
    # Published reports (web pages, Word, PDF, text copies)
    ABSENT = "ABSENT"
    AMBIGUOUS = "AMBIGUOUS"
    POSITION = "POSITION"
    SOURCE = "SOURCE"
    # Ledger identities (勾稽关系), declared in the forms
    I1 = "I1"
    I2 = "I2"
    I3 = "I3"
    I4 = "I4"
    W1 = "W1"
    W2 = "W2"
    W3 = "W3"
    X1 = "X1"
    X2 = "X2"
    X3 = "X3"
