"""The summary's files: the workbook (:mod:`~nianbao.consolidation.summary.workbook`: the
template filled with the sums, the lists of :mod:`~nianbao.consolidation.summary.lists`
streamed as sheet XML by :mod:`~nianbao.consolidation.summary.sheetxml`, native charts of
:mod:`~nianbao.consolidation.summary.charts`) and the long CSV.
"""
