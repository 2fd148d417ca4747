"""Typed codes: rule codes, severities, report statuses, exit statuses, and what became of an
input in a consolidation; one catalogue of the words shown for them.

Logic compares these members, never the Chinese words shown for them; the words are looked
up here (each code's ``display``), at the edge, by whatever prints. A rule code that is not declared here is an
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


# --- consolidation: what became of an input, and why --------------------------------------


class Shown:
    """A code whose Chinese word is in :data:`WORDS`."""

    @property
    def display(self) -> str:
        return WORDS[self]  # type: ignore[index]


class Disposition(Shown, StrEnum):
    """What became of an input."""

    SUMMED = "summed"
    NOT_SUMMED = "not_summed"


class Reason(Shown, StrEnum):
    """Why an input was left out."""

    UNREADABLE = "unreadable"
    UNRECOGNISED = "unrecognised"  # no form or year could be told
    OTHER_GROUP = "other_group"  # another year or form than the one summed
    EARLIER_OUTPUT = "earlier_output"  # a summary of files that are all among the inputs
    DUPLICATE = "duplicate"  # two reports of one agency
    OVERLAP = "overlap"  # a summary holding an agency another input holds too
    OLD_SUMMARY = "old_summary"  # a summary without a record of its members, beside agency reports
    UNIT = "unit"  # an amount whose unit cannot be converted exactly
    ERRORS = "errors"  # a report with errors


class Presence(Shown, StrEnum):
    """Whether an agency reported this year, last year, or both (with ``--previous``)."""

    BOTH = "both"
    NEW = "new"
    GONE = "gone"


class Alike(Shown, StrEnum):
    """Why two agencies are listed for review without being merged."""

    NAMES = "names"


WORDS: dict[StrEnum, str] = {code: word for words in (SEVERITY_WORDS, STATUS_WORDS) for code, word in words.items()}
WORDS |= {
    Disposition.SUMMED: "已汇总",
    Disposition.NOT_SUMMED: "未汇总",
    Reason.UNREADABLE: "无法读取",
    Reason.UNRECOGNISED: "无法识别表式或年度",
    Reason.OTHER_GROUP: "年度或表式不同",
    Reason.EARLIER_OUTPUT: "已包含于其他输入的汇总表",
    Reason.DUPLICATE: "重复报送",
    Reason.OVERLAP: "汇总表与其他报告重复",
    Reason.OLD_SUMMARY: "旧版汇总表",
    Reason.UNIT: "金额无法换算",
    Reason.ERRORS: "有错误",
    Alike.NAMES: "名称相近（请核对，已分别汇总）",
    Presence.BOTH: "两年均有",
    Presence.NEW: "本年新增",
    Presence.GONE: "上年有本年无",
}
