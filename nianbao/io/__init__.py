"""Files into report documents: the reader registry, the container checks, the readers.

May import :mod:`nianbao.core` and file-format libraries (python-calamine, olefile,
zlib-ng), nothing above (``nianbao.excel``, ``nianbao.consolidation``, the CLI), and never
pandas, numpy, openpyxl or xlwings. Inside, from the top down (nothing imports upward,
deferred imports included):

* :mod:`~nianbao.io.check` — read and validate one file, findings placed at sheet and cell;
* :mod:`~nianbao.io.readers` — ``read(path)``: the reader for the suffix, after the
  container check;
* :mod:`~nianbao.io.workbook` — a filled template into a report document, from a
  :class:`~nianbao.io.sheets.SheetSource`: the fast path :mod:`~nianbao.io.ooxml` (the XML
  parts the check inflated) or :mod:`~nianbao.io.calamine_sheets` (python-calamine);
* :mod:`~nianbao.io.safety` — the container check's entry points, over one module per job:
  :mod:`~nianbao.io.sniff` (what a file is), :mod:`~nianbao.io.zipcheck` and
  :mod:`~nianbao.io.zipentries` (zip: kind, bombs, sizes, entries inflated bounded),
  :mod:`~nianbao.io.xmlparts` (XML parts: no DTD, well-formed), :mod:`~nianbao.io.ole`
  (legacy .xls/.et), :mod:`~nianbao.io.calamine_guards` (what python-calamine would abort
  on), :mod:`~nianbao.io.panics` (a Rust panic that still happens);
* :mod:`~nianbao.io.container` (kinds and limits), :mod:`~nianbao.io.sheets` (the seam),
  :mod:`~nianbao.io.memory` (what reading keeps between workbooks, and its threading story);
* :mod:`~nianbao.io.registry` — :class:`ReadError`, :class:`Loaded`, the registry: the bottom;
* :mod:`~nianbao.io.atomic` — outputs written whole or not at all.
"""
