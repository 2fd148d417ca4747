"""What a file can be, and the limits every container check keeps.

The vocabulary shared by the container checks (:mod:`nianbao.io.container.sniff`,
:mod:`nianbao.io.container.zipcheck`, :mod:`nianbao.io.container.ole`, :mod:`nianbao.io.container.calamine_guards`):
the limits on sizes, counts and ratios, the kinds of workbook by content (:class:`Kind`),
what a check returns (:class:`Opened`), and the pieces of Chinese messages they share.
Imports nothing of the project but :mod:`nianbao.io.registry`'s advice texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# --- limits -------------------------------------------------------------------------------
# A filled template is ~30 KB. Real workbooks from offices carry logos and extra sheets; the
# limits leave them a thousand times that and still keep memory and time bounded.
MAX_FILE_BYTES = 64 * 1024 * 1024  # the file on disk
MAX_ENTRIES = 4096  # zip entries
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # sum of inflated sizes
MAX_ENTRY_BYTES = 128 * 1024 * 1024  # one inflated entry (images, embedded objects)
MAX_XML_ENTRY_BYTES = 48 * 1024 * 1024  # one inflated XML part (a sheet)
MAX_RATIO = 200  # inflated / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024  # small entries may compress as well as they like
MAX_GRID_CELLS = 2_000_000  # rows x columns spanned by a sheet's filled cells (~100 MB parsed)
MAX_PROLOG_BYTES = 64 * 1024  # XML declaration + comments before the root element
CHUNK = 64 * 1024

ASK_AGAIN = "请向报送单位重新索取原文件"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

OOXML_SHEET_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
)
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
XML_SUFFIXES = (".xml", ".rels", ".vml")


@dataclass(frozen=True)
class Kind:
    """What a file is, by its content: ``key`` is one of ``xlsx``, ``xlsm``, ``xls``,
    ``ods``, or something that is not a workbook (then ``problem`` says what it is)."""

    key: str
    name: str  # Chinese, for messages
    problem: str = ""  # Chinese: why no reader takes it, and what to do

    @property
    def workbook(self) -> bool:
        return not self.problem


XLSX = Kind("xlsx", "Excel 工作簿（.xlsx）")
XLSM = Kind("xlsm", "启用宏的 Excel 工作簿（.xlsm）")
XLS = Kind("xls", "旧版 Excel 97-2003 / WPS 工作簿（.xls/.et）")
ODS = Kind("ods", "OpenDocument 电子表格（.ods）")

# which suffixes a content kind may carry
SUFFIXES = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm"),
    "xlsm": (".xlsx", ".xlsm", ".xltx", ".xltm"),
    "xls": (".xls", ".et", ".xlt", ".ett"),
    "ods": (".ods",),
}


@dataclass(frozen=True)
class Opened:
    """A workbook file that passed the check: what it is, and for an .xlsx/.xlsm that the
    quick check vouched for, its XML parts as inflated then (name -> bytes), so that a
    reader need not inflate them again (:mod:`nianbao.io.xlsx.ooxml`); otherwise ``parts`` is None."""

    kind: Kind
    # kept only by the quick check, which then leaves what python-calamine needs besides
    # (grid extents, shared strings count, cells placed by counting) to ready_for_calamine
    parts: Mapping[str, bytes] | None = None
    # the SHA-256 of the file's bytes as the check read them (a zip or an OLE2 file is read
    # whole, once): consolidation records it without reading the file a second time
    sha256: str = ""


SEND_TEMPLATE = "请提交用本工具模板填写的 Excel 工作簿（.xlsx）"  # what to send instead


def not_workbook(problem: str) -> Kind:
    """What a file is when no workbook reader takes it: ``problem`` says what and what to do."""
    return Kind("other", "", problem)


def mb(n: int) -> str:
    """A size for messages."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} 字节"


def short(name: str) -> str:
    """A part name for messages, cut to 60 characters."""
    return name if len(name) <= 60 else name[:57] + "…"


__all__ = [
    "ASK_AGAIN",
    "CHUNK",
    "MAX_ENTRIES",
    "MAX_ENTRY_BYTES",
    "MAX_FILE_BYTES",
    "MAX_GRID_CELLS",
    "MAX_PROLOG_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "MAX_XML_ENTRY_BYTES",
    "ODS",
    "ODS_MIMETYPE",
    "OLE2_MAGIC",
    "OOXML_SHEET_TYPES",
    "RATIO_FLOOR",
    "SEND_TEMPLATE",
    "SUFFIXES",
    "XLS",
    "XLSM",
    "XLSX",
    "XML_SUFFIXES",
    "ZIP_MAGICS",
    "Opened",
    "Kind",
    "mb",
    "not_workbook",
    "short",
]
