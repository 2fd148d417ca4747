"""Consolidation: many agencies' reports (and lower-level summaries) into one summary.

The library call is :func:`consolidate`; the :class:`Consolidation` it returns holds the sums
and what became of every input, and writes the summary (:meth:`Consolidation.write`);
:func:`outputs_held` checks and locks the outputs of a whole run before any file is read.

Modules by job: ``inputs`` (files, folders, globs), ``pool`` and ``records`` (read and
validate in worker processes, a per-file time limit), ``roster``, ``names`` (names as people
read them), ``combine`` (which records are summed — small named rules — and the sums),
``outcome`` (the typed, immutable result), ``previous`` (last year beside this year),
``marker`` (what makes a workbook a summary), ``consolidate`` (the library call) and the
summary writer, the sub-package ``summary``. May import nianbao.core, nianbao.io and
nianbao.excel; nothing above.
"""

from ..io.atomic import OutputError
from .consolidate import Consolidation, Progress, consolidate, outputs_held
from .outcome import DEFAULT_NAME, Entry
from .pool import TIME_LIMIT, default_jobs
from .records import Record
from .roster import RosterError

__all__ = [
    "DEFAULT_NAME", "TIME_LIMIT", "Consolidation", "Entry", "OutputError", "Progress", "Record", "RosterError",
    "consolidate", "default_jobs", "outputs_held",
]
