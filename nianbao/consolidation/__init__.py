"""Consolidation: many agencies' reports (and lower-level summaries) into one summary.

Modules by job: ``inputs`` (files, folders, globs), ``pool`` and ``records`` (read and
validate in worker processes), ``roster``, ``names`` (names as people read them),
``combine`` (which records are summed, and why; the sums), ``outcome`` (the typed result),
``previous`` (last year beside this year), ``marker`` (what makes a workbook a summary), and
the summary writer: ``summary``, ``lists``, ``sheetxml``, ``charts``. ``consolidate`` is the
library call. May import nianbao.core, nianbao.io and nianbao.excel; nothing above.
"""
