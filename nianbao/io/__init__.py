"""Files into report documents: the reader registry, the container checks, the readers.

May import :mod:`nianbao.core` and file-format libraries (python-calamine, olefile,
zlib-ng), nothing above (``nianbao.excel``, ``nianbao.consolidation``, the CLI), and never
pandas, numpy, openpyxl or xlwings. Inside, from the top down (nothing imports upward,
deferred imports included):

* :mod:`~nianbao.io.check` — read and validate one file, findings placed at sheet and cell;
* :mod:`~nianbao.io.readers` — ``read(path)``: the reader for the suffix, after the
  container check;
* :mod:`~nianbao.io.xlsx.workbook` — a filled template into a report document, from a
  :class:`~nianbao.io.xlsx.sheets.SheetSource`: the fast path :mod:`~nianbao.io.xlsx.ooxml` (the XML
  parts the check inflated) or :mod:`~nianbao.io.xlsx.calamine_sheets` (python-calamine);
* :mod:`~nianbao.io.container.safety` — the container check's entry points, over one module per job:
  :mod:`~nianbao.io.container.sniff` (what a file is), :mod:`~nianbao.io.container.zipcheck` and
  :mod:`~nianbao.io.container.zipentries` (zip: kind, bombs, sizes, entries inflated bounded),
  :mod:`~nianbao.io.container.xmlparts` (XML parts: no DTD, well-formed), :mod:`~nianbao.io.container.ole`
  (legacy .xls/.et), :mod:`~nianbao.io.container.calamine_guards` (what python-calamine would abort
  on), :mod:`~nianbao.io.container.panics` (a Rust panic that still happens);
* :mod:`~nianbao.io.container.limits` (kinds and limits), :mod:`~nianbao.io.xlsx.sheets` (the seam),
  :mod:`~nianbao.io.memory` (what reading keeps between workbooks, and its threading story);
* :mod:`~nianbao.io.registry` — :class:`ReadError`, :class:`Loaded`, the registry: the bottom;
* :mod:`~nianbao.io.atomic` — outputs written whole or not at all.
"""
