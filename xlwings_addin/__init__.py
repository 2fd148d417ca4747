"""The Excel add-in of nianbao: ribbon tab 政务公开年报 with the buttons 校验, 清除标记 and 导出 JSON.

* :mod:`xlwings_addin.backend` — the xlwings back-end: functions that take the workbook as a
  parameter (read each sheet in one range read, validate as the CLI does, apply the marking
  plan of :mod:`nianbao.excel.marks`);
* :mod:`xlwings_addin.validate`, :mod:`xlwings_addin.clear`, :mod:`xlwings_addin.export` —
  one entry module per button; the add-in ``xlwings_addin.validate.xlam`` runs
  ``import xlwings_addin.validate; xlwings_addin.validate.main()`` (xlwings' ribbon add-in
  calls the module named like the add-in's file);
* :mod:`xlwings_addin.build` — builds the ``.xlam`` files from the ribbon add-in that
  xlwings ships (``nianbao addin build -o DIR``).
"""

TAB = "政务公开年报"  # the ribbon tab's name (it also titles the add-in's messages)
