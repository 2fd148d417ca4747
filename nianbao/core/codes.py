"""Typed codes: rule codes, severities, report statuses and exit statuses, each with its one display map.

Logic compares these members, never the Chinese words shown for them; the words are looked
up here, at the edge, by whatever prints. A rule code that is not declared here is an
``AttributeError`` when the module that names it is imported (and a type error under mypy),
not a ``KeyError`` at run time.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


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

    @property
    def exit_code(self) -> Exit:
        """A batch that ends in this status exits so (``nianbao validate``)."""
        return STATUS_EXITS[self]


STATUS_WORDS = {
    Status.PASSED: "通过",
    Status.WARNINGS: "有警告",
    Status.ERRORS: "有错误",
    Status.UNREADABLE: "无法读取",
}


class Exit(IntEnum):
    """How a run ends, the same for every command and for a batch :class:`~nianbao.io.check.Report`."""

    OK = 0  # done, nothing wrong
    PROBLEMS = 1  # done, but the report has errors (or the summary left something out)
    FAILED = 2  # not done: usage error, a file that cannot be read or written
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
    TERMINATED = 143  # SIGTERM (128 + 15)


STATUS_EXITS = {
    Status.PASSED: Exit.OK,
    Status.WARNINGS: Exit.OK,
    Status.ERRORS: Exit.PROBLEMS,
    Status.UNREADABLE: Exit.FAILED,
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
