"""Consolidating many agencies' reports into one regional summary: the library call.

The disclosure office of a government receives one report per department and publishes the
sum. :func:`consolidate` does that job, in steps each its own module:

1. :mod:`~nianbao.consolidation.inputs` turns files, folders (searched recursively) and glob
   patterns into a list of input files;
2. :mod:`~nianbao.consolidation.pool` reads and validates every file in worker processes,
   each into a compact :class:`~nianbao.consolidation.records.Record`;
3. :mod:`~nianbao.consolidation.combine` decides which records are summed and why, and sums
   them cell by cell (counts as ``int``, amounts as exact ``Decimal``);
4. given a roster (:mod:`~nianbao.consolidation.roster`), the agencies that sent nothing are
   listed; given last year's reports (:mod:`~nianbao.consolidation.previous`), every agency is
   checked against its own last year and the headline numbers compared.

Nothing here writes a file: :mod:`nianbao.consolidation.summary.workbook` writes the summary workbook
and the long CSV from the :class:`~nianbao.consolidation.outcome.Consolidation`; the CLI only
prints it. ``nianbao.consolidate`` is this function.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

from .combine import combine, sum_values
from .inputs import Inputs, as_inputs, discover, find_inputs, reports_overwritten, supported_suffixes
from .outcome import DEFAULT_NAME, Consolidation, Disposition, Entry, Reason, describe, plain
from .pool import default_jobs, read_records
from .records import Record, examine, numbers
from .roster import Member, RosterError, read_roster

Paths = Inputs | Iterable[str | os.PathLike[str]]


def consolidate(
    paths: Paths,
    *,
    roster: str | os.PathLike[str] | Sequence[Member] | None = None,
    jobs: int | None = None,
    year: int | None = None,
    form: str | None = None,
    include_errors: bool = False,
    name: str = DEFAULT_NAME,
    exclude: Iterable[str | os.PathLike[str]] = (),
    previous: Paths | None = None,
    progress: Callable[[Record], None] | None = None,
    on_discovered: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Consolidation:
    """Discover (unless ``paths`` are :class:`Inputs` found already), read and validate (in
    parallel), and combine. ``previous`` are last year's reports (files, folders, or last
    year's summary): each agency is then checked against its own last year (X1–X3) and the
    headline numbers compared. Never raises for a bad input file; a roster that cannot be
    read raises :class:`RosterError` before any work. ``meanwhile`` is called once in this
    process while the workers read."""
    members = None
    if roster is not None:
        members = read_roster(roster) if isinstance(roster, (str, os.PathLike)) else list(roster)
    inputs = as_inputs(paths)
    excluded = list(exclude)
    files, missing = inputs.files(excluded), list(inputs.missing)
    before: tuple[list[str], list[Record]] | None = None
    if previous is not None:
        found = as_inputs(previous)
        before = found.files(excluded), list(found.missing)
    if on_discovered:
        on_discovered(len(files) + (len(before[0]) if before else 0))
    if before is None:
        records = read_records(files, jobs, progress, meanwhile) + missing
        return combine(records, year=year, form=form, include_errors=include_errors, name=name, roster=members)
    from .previous import compare

    # both years read by one pool (a file given for both is read once)
    this = set(files)
    both = files + [f for f in before[0] if f not in this]
    got = {r.source: r for r in read_records(both, jobs, progress, meanwhile)}
    c = combine([got[f] for f in files] + missing, year=year, form=form, include_errors=include_errors, name=name,
                roster=members)
    c.previous = compare(c, [got[f] for f in before[0]] + before[1])
    return c


__all__ = [
    "DEFAULT_NAME",
    "Consolidation",
    "Disposition",
    "Entry",
    "Inputs",
    "Member",
    "Reason",
    "Record",
    "RosterError",
    "combine",
    "consolidate",
    "default_jobs",
    "describe",
    "discover",
    "examine",
    "find_inputs",
    "numbers",
    "plain",
    "read_records",
    "read_roster",
    "reports_overwritten",
    "sum_values",
    "supported_suffixes",
]
