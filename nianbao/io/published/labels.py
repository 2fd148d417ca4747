"""The labels the recogniser looks for, every one derived from :mod:`nianbao.core.forms`.

A printed label is compared by its *key*: full-width forms folded to half-width (NFKC),
white space and quotation marks dropped, ``1、`` read as ``1.``. So ``（三）不予公开``,
``(三) 不予公开`` and ``结 果 维 持`` match the official label they stand for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache

from ...core.forms import FORMS, LEGAL_PERSON, LITIGATION, Column, Form, Group, Table
from ...core.model import leaf_rows

# (with what stands for no character at all: "�" for bytes or a reference that was none, a
# lone surrogate — a label with one inside is still that label, and is said to hold it)
_DROP = re.compile(r"[\s\u3000\u200b\ufeff\"'“”‘’「」『』:：\ufffd\ud800-\udfff]+")
INVALID = re.compile(r"[\ufffd\ud800-\udfff]")
_ORDINAL = re.compile(r"^(\d+)[、．,]")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    if text.isascii() and text.isdigit():
        return text
    k = _DROP.sub("", unicodedata.normalize("NFKC", text))
    return _ORDINAL.sub(r"\1.", k)


@cache
def aliases(label: str) -> frozenset[str]:
    """A label's key, and the key without a trailing parenthetical note when what is left is
    still a label of its own (``（二）部分公开``, ``本年收费金额``)."""
    k = key(label)
    out = {k}
    cut = re.sub(r"\([^()]*\)$", "", k)
    if cut != k and len(cut) >= 4:
        out.add(cut)
    return frozenset(out)


def column_keys(column: Column) -> frozenset[str]:
    """The keys a column's header may be printed as: its label's, and under a merged header
    also the two on one line ("法人或其他组织：商业企业")."""
    return _column_keys(column.label, column.parent)


@cache
def _column_keys(label: str, parent: str | None) -> frozenset[str]:  # strings hash once: a Column every time
    return aliases(label) | ({key(f"{parent}{label}")} if parent else set())


def group_keys(group: Group) -> frozenset[str]:
    """The keys a table 4 group may be printed as when it heads a row of its own: its label
    ("行政复议", "复议后起诉" beside a merged "行政诉讼"), and with its merged header
    ("行政诉讼（复议后起诉）", "行政诉讼·复议后起诉", "行政诉讼：复议后起诉")."""
    out = {key(group.label)}
    if group.parent:
        out |= {key(group.heading), key(group.title), key(group.parent + group.label)}
    return frozenset(out)


@dataclass(frozen=True)
class Slot:
    """One printed row of numbers: a row of table 2 or 3, table 4's single row, or one of
    table 4's groups printed as a row of its own."""

    table: Table
    order: int  # position among its table's rows
    label: str  # official row label ("" for table 4)
    paths: tuple[tuple[str, ...], ...]  # one per column
    columns: tuple[Column, ...]

    @property
    def name(self) -> str:
        return f"{self.table.sheet}「{self.label}」行" if self.label else self.table.sheet


@dataclass(frozen=True)
class Catalogue:
    form: Form
    slots: tuple[Slot, ...]
    by_key: dict[str, Slot]  # row label key -> slot
    parents: frozenset[str]  # keys of table 3's parent rows (labels without numbers)
    headers: dict[str, Table]  # keys of column and group headers, titles, notes -> table
    titles: dict[str, Table]  # keys of table titles -> table
    appeal_headers: frozenset[str]  # keys of table 4's column headers
    group_rows: dict[str, Slot]  # table 4 printed a row per group: group label key -> slot
    group_parents: frozenset[str]  # keys of the merged headers over table 4's groups (行政诉讼)

    def slots_of(self, table: Table) -> tuple[Slot, ...]:
        return tuple(s for s in self.slots if s.table.key == table.key)

    @property
    def group_slots(self) -> tuple[Slot, ...]:
        """Table 4's groups as rows, in the form's order."""
        return tuple(sorted({s.order: s for s in self.group_rows.values()}.values(), key=lambda s: s.order))


def _title_keys(title: str) -> set[str]:
    k = key(title)
    return {k, re.sub(r"^[一二三四五六七八九十]+[、.]", "", k)}


@cache
def catalogue(form_key: str) -> Catalogue:
    form = FORMS[form_key]
    slots: list[Slot] = []
    headers: dict[str, Table] = {}
    titles: dict[str, Table] = {}
    parents: set[str] = set()
    appeal: set[str] = set()
    group_rows: dict[str, Slot] = {}
    group_parents: set[str] = set()
    for table in form.tables:
        for k in _title_keys(table.title):
            titles[k] = table
        order = 0
        if table.key == "active":
            for group in table.groups:
                headers[key(group.label)] = table
                headers[key(group.row_header)] = table
                for col in group.columns:
                    for k in column_keys(col):
                        headers[k] = table
                for row in group.rows:
                    slots.append(
                        Slot(
                            table,
                            order,
                            row.label,
                            tuple((table.key, row.key, c.key) for c in group.columns),
                            group.columns,
                        )
                    )
                    order += 1
        elif table.key == "applications":
            for k in (table.column_header, table.note, LEGAL_PERSON):
                headers[key(k)] = table
            for col in table.columns:
                for k in column_keys(col):
                    headers[k] = table
            for parents_, row in leaf_rows(table.rows):
                parents.update(key(p.label) for p in parents_)
                path = tuple(p.key for p in parents_) + (row.key,)
                slots.append(
                    Slot(
                        table, order, row.label, tuple((table.key, *path, c.key) for c in table.columns), table.columns
                    )
                )
                order += 1
        else:
            paths, columns = [], []
            for order, group in enumerate(table.groups):
                for k in (group.label, group.parent or "", LITIGATION):
                    if k:
                        headers[key(k)] = table
                        appeal.add(key(k))
                own = tuple((table.key, group.key, c.key) for c in group.columns)
                by_group = Slot(table, order, group.heading, own, group.columns)
                for k in group_keys(group):
                    group_rows[k] = by_group
                    headers.setdefault(k, table)
                if group.parent:
                    group_parents.add(key(group.parent))
                for col in group.columns:
                    headers[key(col.label)] = table
                    appeal.add(key(col.label))
                    paths.append((table.key, group.key, col.key))
                    columns.append(col)
            slots.append(Slot(table, 0, "", tuple(paths), tuple(columns)))
    by_key: dict[str, Slot] = {}
    for s in slots:
        if s.label:
            for k in aliases(s.label):
                by_key.setdefault(k, s)
    return Catalogue(
        form,
        tuple(slots),
        by_key,
        frozenset(parents - set(by_key)),
        headers,
        titles,
        frozenset(appeal),
        group_rows,
        frozenset(group_parents),
    )


@cache
def variants(form_key: str) -> dict[str, Slot]:
    """Labels another form prints for a row this form prints under its own label (规范性文件 in
    form 2019 is 行政规范性文件 in form 2021): printed key -> this form's slot."""
    own = catalogue(form_key)
    by_path = {s.paths: s for s in own.slots}
    by_row = {tuple(p[:-1] for p in s.paths): s for s in own.slots if s.label}
    out: dict[str, Slot] = {}
    for other in FORMS:
        if other == form_key:
            continue
        for k, slot in catalogue(other).by_key.items():
            mine = by_path.get(slot.paths) or by_row.get(tuple(p[:-1] for p in slot.paths))
            if mine is not None and k not in own.by_key and len(mine.columns) == len(slot.columns):
                out.setdefault(k, mine)
    return out


_ORDINAL_HEAD = re.compile(r"^(\d+\.|\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、)")
SIMILAR = 0.8  # how alike a printed label must be to an official one (difflib's ratio)
MARGIN = 0.1  # and by how much more alike than to any other


@lru_cache(maxsize=4096)
def closest(form_key: str, table_key: str | None, printed: str) -> Slot | None:
    """The one row label of ``table_key`` (any table when None) that a label printed with a
    typo (``2.其他法律行政止公开``) stands for: at least :data:`SIMILAR` alike, clearly closer
    than any other, and with the same ordinal (``2.``, ``(三)``); else None."""
    scores: list[tuple[float, Slot]] = []
    for k, slot in catalogue(form_key).by_key.items():
        if table_key is not None and slot.table.key != table_key:
            continue
        matcher = SequenceMatcher(None, printed, k, autojunk=False)
        if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
            continue
        scores.append((matcher.ratio(), slot))
    best: dict[tuple[str, int], tuple[float, Slot]] = {}
    for score, slot in scores:  # a row's aliases: its best
        at = (slot.table.key, slot.order)
        if at not in best or score > best[at][0]:
            best[at] = (score, slot)
    ranked = sorted(best.values(), key=lambda x: -x[0])
    if not ranked or ranked[0][0] < SIMILAR:
        return None
    if len(ranked) > 1 and ranked[1][0] > ranked[0][0] - MARGIN:
        return None
    slot = ranked[0][1]
    head, other = _ORDINAL_HEAD.match(printed), _ORDINAL_HEAD.match(key(slot.label))
    if (head.group(1) if head else None) != (other.group(1) if other else None):
        return None  # the words say one row, the number another
    return slot


@cache
def every_key() -> frozenset[str]:
    """Keys of every label of every form."""
    out: set[str] = set()
    for f in FORMS:
        c = catalogue(f)
        out |= set(c.by_key) | c.parents | set(c.headers) | set(c.titles)
    return frozenset(out)


@cache
def prefixes() -> frozenset[str]:
    """Proper prefixes (two characters or more) of every label key: where a label broken
    across lines may begin."""
    out: set[str] = set()
    for k in every_key():
        out.update(k[:i] for i in range(2, len(k)))
    return frozenset(out)


@cache
def distinctive() -> dict[str, frozenset[str]]:
    """Per form, the label keys no other form prints: what tells the forms apart."""
    own = {f: set(catalogue(f).by_key) | set(catalogue(f).headers) | catalogue(f).parents for f in FORMS}
    return {f: frozenset(own[f] - set().union(*(own[g] for g in FORMS if g != f))) for f in FORMS}
