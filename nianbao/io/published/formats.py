"""The published formats by suffix: which module turns such a file into rows of cells, and
what it takes. Data only (no imports of the format modules): the table of readers
(:data:`nianbao.io.readers.READERS`) reads the suffixes, :func:`nianbao.io.published.grid_of`
the table."""

from __future__ import annotations

from dataclasses import dataclass

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
WORD_SUFFIXES = (".docx",)
LEGACY_SUFFIXES = (".doc", ".wps")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES + WORD_SUFFIXES + LEGACY_SUFFIXES + PDF_SUFFIXES

# what a format's function takes
BYTES = "bytes"  # the file's bytes, read with the size cap
TEXT = "text"  # those bytes decoded (nianbao.io.published.text.decode)
PATH = "path"  # the file itself, its size checked first (the format opens it bounded)
PATH_BYTES = "path+bytes"  # the file and its bytes


@dataclass(frozen=True)
class Format:
    grid: str  # "package.module:function": the file as rows of cells (a Table)
    takes: str  # BYTES, TEXT, PATH or PATH_BYTES


FORMATS: dict[str, Format] = {
    **dict.fromkeys(HTML_SUFFIXES, Format("nianbao.io.published.html:html_grid", BYTES)),
    **dict.fromkeys(TEXT_SUFFIXES, Format("nianbao.io.published.text:text_grid", TEXT)),
    **dict.fromkeys(WORD_SUFFIXES, Format("nianbao.io.published.docx:docx_grid", PATH)),
    **dict.fromkeys(PDF_SUFFIXES, Format("nianbao.io.published.pdf:pdf_grid", PATH_BYTES)),
    **dict.fromkeys(LEGACY_SUFFIXES, Format("nianbao.io.published.legacy:legacy_grid", PATH)),
}
