"""Files into report documents: one table of readers, the container checks, the readers.

May import :mod:`nianbao.core` and file-format libraries (python-calamine, olefile,
zlib-ng, selectolax, lxml, pypdfium2), nothing above (``nianbao.excel``,
``nianbao.consolidation``, the CLI), and never pandas, numpy, openpyxl or xlwings. By
concern, from the top down (nothing imports upward, deferred imports included):

* :mod:`~nianbao.io.check` — ``check_file(path)`` (one file read and validated, findings
  placed at sheet and cell) and ``validate_files(paths)`` (a batch, into a ``Report``);
* :mod:`~nianbao.io.readers` — ``READERS``, the one table of readers (suffix → reader, each
  imported on first use), and ``read(path)``: the reader for the suffix, after the container
  check;
* the formats: :mod:`~nianbao.io.xlsx` (a filled template back into a report, through one
  seam: the fast path over the parts the container check inflated, python-calamine, or
  sheet values held in memory) and :mod:`~nianbao.io.published` (web pages, Word, PDF and
  text copies; its formats chosen by a table of the same kind);
* :mod:`~nianbao.io.container` — what a file really is, judged before any parser sees it
  (sniffing, zip and OLE checks, XML parts, limits, python-calamine's guards, panics);
* the shared pieces at the top of the package: :mod:`~nianbao.io.memory` (what reading keeps
  between workbooks, and its threading story), :mod:`~nianbao.io.atomic` (outputs written
  whole or not at all, pairs renamed together, a lock beside the output),
  :mod:`~nianbao.io.files` (inputs read as regular files with a cap),
  :mod:`~nianbao.io.oserror` (every OS error said in Chinese) and
  :mod:`~nianbao.io.registry` (:class:`ReadError`, :class:`Loaded`, the lazy table): the bottom.
"""
