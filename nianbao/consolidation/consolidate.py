"""Consolidating many agencies' reports into one regional summary: the library call.

The disclosure office of a government receives one report per department and publishes the
sum. :func:`consolidate` does that job, in steps each its own module:

1. :mod:`~nianbao.consolidation.inputs` turns files, folders (searched recursively) and glob
   patterns into a list of input files;
2. :mod:`~nianbao.consolidation.pool` reads and validates every file (this year's and last
   year's, each once) in worker processes, each into a compact
   :class:`~nianbao.consolidation.records.Record`, a file stuck past the time limit ended;
3. :mod:`~nianbao.consolidation.combine` decides which records are summed and why (small
   named rules), and sums them cell by cell (counts as ``int``, amounts as exact ``Decimal``);
4. given a roster (:mod:`~nianbao.consolidation.roster`), the agencies that sent nothing are
   listed; given last year's reports (:mod:`~nianbao.consolidation.previous`), every agency is
   checked against its own last year and the headline numbers compared.

The :class:`Consolidation` it returns is immutable; :meth:`Consolidation.write` writes the
summary workbook and the long CSV (:mod:`nianbao.consolidation.summary`), refusing unsafe
outputs and holding the lock beside them. :func:`outputs_held` does the same checks for a
whole run, before any file is read. ``nianbao.consolidate`` is :func:`consolidate`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol

from ..io.atomic import OutputError, check_output, lock_path, output_lock
from ..io.oserror import error_text
from .combine import combine
from .inputs import Inputs, as_inputs, find_inputs, reports_overwritten
from .outcome import DEFAULT_NAME, Outcome
from .pool import TIME_LIMIT, read_records
from .records import Record
from .roster import Member, read_roster
from .summary.workbook import OUTPUT_SUFFIXES, WRONG_SUFFIX, SummaryError, is_summary, prepare, write_outputs

Paths = Inputs | Iterable[str | os.PathLike[str]]
PathLike = str | os.PathLike[str]


class Progress(Protocol):
    """What :func:`consolidate` tells as it reads: how many files, then each file read."""

    def start(self, total: int) -> None: ...

    def step(self, record: Record) -> None: ...


@dataclass(frozen=True)
class Consolidation(Outcome):
    """A consolidation's outcome (:class:`~nianbao.consolidation.outcome.Outcome`: the sums,
    what became of every input, last year beside this year), and how to write it."""

    @classmethod
    def of(cls, outcome: Outcome, previous: Any = None) -> Consolidation:
        values = {f.name: getattr(outcome, f.name) for f in fields(outcome)}
        return cls(**(values | {"previous": previous if previous is not None else outcome.previous}))

    def write(self, path: PathLike, csv: PathLike | None = None) -> tuple[Path, ...]:
        """Write the summary (.xlsx; .json: the summary report alone) and, if asked, the long
        CSV, both or neither. Refused with :class:`OutputError` before anything is written
        when an output is one of the inputs (any file an entry came from), when the two are
        one file, or while another run writes them (the lock beside each output is held)."""
        targets = check_outputs(path, csv, [e.record.source for e in self.entries])
        held = {lock_path(t) for t in targets} <= _HELD  # by this run's outputs_held already
        with contextlib.nullcontext() if held else output_lock(*targets):
            try:
                write_outputs(self, path, csv)
            except (OutputError, SummaryError, OSError) as e:
                what = f"汇总表 {path}" + (f" 和长表 CSV {csv}" if csv else "")
                raise OutputError(f"{what} 未能写入：{error_text(e)}") from None
        return targets


def check_outputs(path: PathLike, csv: PathLike | None = None, inputs: Iterable[PathLike] = ()) -> tuple[Path, ...]:
    """The outputs, refused with :class:`OutputError` unless they can be written safely: a
    summary .xlsx or .json, a CSV that is another file, neither one of ``inputs``, their
    folders there and writable."""
    out = Path(path)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise OutputError(WRONG_SUFFIX.format(name=out.name))
    targets = (out,) + ((Path(csv),) if csv else ())
    if csv and Path(csv).resolve() == out.resolve():
        raise OutputError("长表 CSV 与汇总表不能是同一个文件")
    given = list(inputs)
    for target in targets:
        check_output(target, given)
    return targets


@contextlib.contextmanager
def outputs_held(
    paths: Iterable[PathLike], path: PathLike, csv: PathLike | None = None, roster: PathLike | None = None
) -> Iterator[Inputs]:
    """For a whole run, before any file is read: the outputs checked (:func:`check_outputs`,
    against the files given and the roster), locked for the block (a second run writing them
    is refused, saying so), and the inputs found once (yielded) — none of them a report an
    output would overwrite (an earlier summary may be replaced; it is never read)."""
    given = list(paths)
    targets = check_outputs(path, csv, [*given, *([roster] if roster else [])])
    locks = {lock_path(t) for t in targets}
    with output_lock(*targets):
        inputs = find_inputs(given)
        for target in reports_overwritten(inputs, targets, is_summary):
            raise OutputError(f"输出文件 {target} 是输入中的一份报告；为保护原件，请另选输出路径")
        _HELD.update(locks)
        try:
            yield inputs
        finally:
            _HELD.difference_update(locks)


_HELD: set[Path] = set()  # the lock files outputs_held holds in this process


def consolidate(
    paths: Paths,
    *,
    roster: PathLike | Sequence[Member] | None = None,
    jobs: int | None = None,
    year: int | None = None,
    form: str | None = None,
    include_errors: bool = False,
    name: str = DEFAULT_NAME,
    exclude: Iterable[PathLike] = (),
    previous: Paths | None = None,
    progress: Progress | None = None,
    time_limit: float | None = TIME_LIMIT,
) -> Consolidation:
    """Discover (unless ``paths`` are :class:`Inputs` found already), read and validate (in
    parallel, ``jobs`` processes), and combine. ``previous`` are last year's reports (files,
    folders, or last year's summary): each agency is then checked against its own last year
    (X1–X3) and the headline numbers compared. A file still being read after ``time_limit``
    seconds is left out as unreadable, saying so. Never raises for a bad input file; a roster
    that cannot be read raises :class:`RosterError` before any work. While the workers read,
    this process imports what writing the summary takes."""
    members = None
    if roster is not None:
        members = read_roster(roster) if isinstance(roster, (str, os.PathLike)) else list(roster)
    excluded = list(exclude)
    inputs = as_inputs(paths)
    files, missing = inputs.files(excluded), list(inputs.missing)
    last = as_inputs(previous) if previous is not None else None
    last_files = last.files(excluded) if last is not None else []
    if progress:
        progress.start(len(files) + len(last_files))
    this = set(files)
    both = files + [f for f in last_files if f not in this]  # a file given for both years is read once
    step = progress.step if progress else None
    got = {r.source: r for r in read_records(both, jobs, step, meanwhile=prepare, time_limit=time_limit)}
    outcome = combine([got[f] for f in files] + missing, year=year, form=form, include_errors=include_errors,
                      name=name, roster=members)
    comparison = None
    if last is not None:
        from .previous import compare

        comparison = compare(outcome, [got[f] for f in last_files] + list(last.missing))
    return Consolidation.of(outcome, previous=comparison)


__all__ = ["Consolidation", "Progress", "check_outputs", "consolidate", "outputs_held"]
