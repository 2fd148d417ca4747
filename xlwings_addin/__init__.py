"""The Excel add-in of nianbao: ``nianbao.xlam``, ribbon tab 政务公开年报 with the buttons 校验,
清除标记 and 导出 JSON.

* :mod:`xlwings_addin.backend` (with :mod:`xlwings_addin.canvas`) — what a click does to the
  open workbook: read each sheet in one range read, validate as the CLI does, apply the
  marking plan of :mod:`nianbao.excel.marks` in few COM round trips;
* :mod:`xlwings_addin.validate`, :mod:`xlwings_addin.clear`, :mod:`xlwings_addin.export` —
  one entry module per button; the button's VBA callback (``NianbaoRibbon.OnValidate`` …,
  ``vba/NianbaoRibbon.bas``) runs ``import xlwings_addin.validate; xlwings_addin.validate.main()``
  through xlwings' ``RunPython``;
* :mod:`xlwings_addin.build` — writes ``nianbao.xlam`` (ribbon, settings sheet ``nianbao.conf``,
  the VBA project assembled by :mod:`xlwings_addin.sources` and written by
  :mod:`xlwings_addin.vbaproject`); :mod:`xlwings_addin.install` — ``nianbao addin install``
  and ``status``.
"""

TAB = "政务公开年报"  # the ribbon tab's name (it also titles the add-in's messages)
