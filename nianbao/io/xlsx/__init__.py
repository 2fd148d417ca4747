"""A filled template back into a report document.

:mod:`~nianbao.io.xlsx.workbook` reads the template's layout through one seam,
:class:`~nianbao.io.xlsx.sheets.SheetSource`: the fast path :mod:`~nianbao.io.xlsx.ooxml`
(the XML parts the container check inflated, :mod:`~nianbao.io.xlsx.sweeps`), python-calamine
(:mod:`~nianbao.io.xlsx.calamine_sheets`), or sheet values held in memory
(:mod:`~nianbao.io.xlsx.values`, the add-in).
"""

# the workbook formats read (the table of readers, nianbao.io.readers.READERS, names them)
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")
