"""The Excel side of a report: what is written into workbooks and painted on them.

It holds the locked template writer (:mod:`.template`, openpyxl), the marking plan that
validation paints on a workbook (:mod:`.marks`: plain data, applied by any back-end through a
small canvas protocol), its openpyxl back-end (:mod:`.annotate`, ``validate --annotate`` and
``clear``), the print setup of lists (:mod:`.printing`), and the reader of sheet values already
in memory (:mod:`.grids`, for the add-in). It may import :mod:`nianbao.core` and
:mod:`nianbao.io` (reading and writing files whole); never the consolidation, the CLI or the
add-in above it, and never xlwings (the add-in's own back-end lives in ``xlwings_addin``).
"""
