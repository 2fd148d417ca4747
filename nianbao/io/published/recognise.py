"""Finding tables 2, 3 and 4 of a published report in rows of cells, whatever the format.

Every number comes from a row whose label is one of the form's own (see
:mod:`nianbao.io.published.labels`); its column is its position among the cells after that
label. The rules, each with a defined outcome:

* a row with exactly as many cells as the form has columns is read cell by cell;
* extra trailing cells that are blank or text (a remarks column) are dropped, with a
  ``SOURCE`` warning when they held anything — but only when the cells kept are all filled
  or all blank; otherwise which cell is which column is not known: the row is left blank and
  an ``AMBIGUOUS`` finding names it and the numbers not used;
* fewer cells than columns (blank cells lost in copying): left blank, ``AMBIGUOUS``;
* table 4 is read as the form prints it, one row of fifteen numbers under three header
  rows, or as many sites print it, a row per group (行政复议, 行政诉讼（未经复议直接起诉）,
  行政诉讼（复议后起诉）, or 行政诉讼 merged beside 未经复议直接起诉 and 复议后起诉) under its five
  result columns: a group's label heads such a row only with nothing but its merged header
  before it and numbers (or blanks), never another label, after it;
* a row of numbers without a label is used only when position and count make it
  unambiguous — the one row missing between two recognised rows, or table 4's fifteen
  numbers after its heading — with a ``POSITION`` warning unless table 4's column headers
  were printed;
* a row or table not found is left blank and named in an ``ABSENT`` finding;
* a table printed twice: the first is used, ``SOURCE`` warning;
* odd cells (``0件``, ``—``, ``１２``, ``1,234``) follow :func:`nianbao.core.cleaning.clean_text`,
  with a ``CELL`` warning saying how they were read.
"""

from __future__ import annotations

import bisect
from functools import cache

from ...core.cleaning import ACCEPTED, BLANK, Context, clean_text
from ...core.codes import Code
from ...core.findings import finding
from ...core.forms import AMOUNT, FORMS, Form, Table, form_for_year
from ...core.model import FormModel, model
from .choice import choose
from .events import Event as _Event
from .events import Recognised
from .grid import Cell, Grid, Row
from .labels import (
    INVALID,
    Catalogue,
    Slot,
    aliases,
    catalogue,
    closest,
    column_keys,
    distinctive,
    every_key,
    key,
    prefixes,
    variants,
)
from .layouts import FUSED, blank, fused_label, gather, in_yuan, is_value, label_pieces
from .readings import SPACED, place_of, refuse_spaced, take_yuan, under_headers

_CONTEXTS: dict[str, Context] = {}


def _context(kind: str) -> Context:
    ctx = _CONTEXTS.get(kind)
    if ctx is None:
        ctx = _CONTEXTS[kind] = Context(kind)
    return ctx


def brief(text: str, limit: int = 24) -> str:
    """A cell's text as a message quotes it: at most ``limit`` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------------------
# Rows as the recogniser sees them


def merge_split_labels(grid: Grid) -> Grid:
    """A label broken across lines joined again: a row ending in the start of some label (and
    no label itself), followed by a row whose first cell completes it."""
    labels, starts = every_key(), prefixes()
    grid = list(grid)
    out: Grid = []
    i = 0
    while i < len(grid):
        row = grid[i]
        if i + 1 < len(grid) and row:
            j = len(row) - 1
            while j > 0 and blank(row[j]):
                j -= 1
            k = key(row[j].text)
            nxt = grid[i + 1]
            if k in starts and k not in labels and nxt:
                joined = k + key(nxt[0].text)
                if joined in labels or joined in starts:
                    c = row[j]
                    grid[i + 1] = (*row[:j], Cell(c.text + nxt[0].text, c.place, c.where), *nxt[1:])
                    i += 1
                    continue
        if out and len(row) == 1 and len(out[-1]) > 1:  # the rest of a label carried over a page break
            k = key(row[0].text)
            prev = out[-1]
            for j, c in enumerate(prev):
                head = key(c.text)
                if head in starts and head not in labels and head + k in labels:
                    out[-1] = prev[:j] + (Cell(c.text + row[0].text, c.place, c.where),) + prev[j + 1 :]
                    break
            else:
                out.append(row)
            i += 1
            continue
        out.append(row)
        i += 1
    return out


def logical_rows(grid: Grid) -> Grid:
    """Rows of a one-cell-a-line layout gathered: the numbers on the lines after a label
    belong to that label's row."""
    out: list[list[Cell]] = []
    open_ = False
    for row in grid:
        if len(row) == 1:
            if open_ and out and is_value(row[0].text):
                out[-1].append(row[0])
                continue
            out.append([row[0]])
            open_ = True
        else:
            out.append(list(row))
            open_ = False
    return [tuple(r) for r in out]


# ---------------------------------------------------------------------------------------
# Choosing the form


def choose_form(rows: Grid, year: int | None) -> tuple[Form | None, dict[str, int]]:
    """The form whose own labels the source prints; the year's form on a tie."""
    marks = distinctive()
    hits = {f: 0 for f in FORMS}
    seen: set[str] = set()
    known = every_key()
    for row in rows:
        for c in row:
            k = key(c.text)
            if k in known and k not in seen:
                seen.add(k)
                for f, keys in marks.items():
                    if k in keys:
                        hits[f] += 1
    if not seen:
        return None, hits
    best = max(hits.values())
    chosen = [f for f, n in hits.items() if n == best]
    if len(chosen) == 1:
        return FORMS[chosen[0]], hits
    by_year = form_for_year(year) if year else None
    if by_year is not None:
        return by_year, hits
    return FORMS[max(FORMS)], hits


# ---------------------------------------------------------------------------------------
# Scanning


def recognise(rows: Grid, form: Form) -> Recognised:
    cat = catalogue(form.key)
    known = every_key()
    m = model(form)
    out = Recognised(form, [None] * len(m.cells))
    events: dict[str, list[_Event]] = {t.key: [] for t in form.tables}
    anchors: dict[str, int] = {}  # table key -> times its title (or table 4's header) was seen
    appeal_headers: set[str] = set()
    headers_seen: set[str] = set()  # column headers printed anywhere
    current: str | None = None
    for index, row in enumerate(rows):
        keys = [key(c.text) for c in row]
        label_at = group_at = -1
        for j in range(len(row) - 1, -1, -1):
            if keys[j] in cat.by_key and not row[j].covered:
                label_at = j
                break
            if group_at < 0 and keys[j] in cat.group_rows and not row[j].covered:
                group_at = j
        if label_at >= 0:
            slot = cat.by_key[keys[label_at]]
            if INVALID.search(row[label_at].text):
                c = row[label_at]
                out.findings.append(
                    finding(
                        Code.SOURCE,
                        f"{slot.name}的标签（{c.place} {c.where}）中有无法识别的字符（显示为“�”），"
                        f"已按「{slot.label}」读取该行，请对照原件核对",
                        "/" + "/".join(slot.paths[0]),
                    )
                )
            current = slot.table.key
            cells = [c for c in row[label_at + 1 :] if not c.covered]
            plain = not any(c.covered for c in row[label_at + 1 :])
            events[current].append(
                _Event(slot, row[label_at], cells, index, start=label_at + 1 if plain else -1, width=len(row))
            )
            continue
        if label_at < 0 and group_at < 0 and (near := _near_label(form.key, row, keys, known, current)) is not None:
            at, slot = near
            current = slot.table.key
            events[current].append(_Event(slot, row[at], [c for c in row[at + 1 :] if not c.covered], index))
            out.findings.append(
                finding(
                    Code.SOURCE,
                    f"{slot.name}：原文的行标签「{row[at].text.strip()}」与表式不同"
                    f"（{row[at].place} {row[at].where}），按「{slot.label}」读取",
                    "/" + "/".join(slot.paths[0]),
                )
            )
            continue
        if label_at < 0 and len(row) == 1 and (fused := fused_label(keys[0])) and fused[0] in cat.by_key:
            slot, c = cat.by_key[fused[0]], row[0]
            current = slot.table.key
            one = len(slot.columns) == 1  # one column: the digits are its number
            events[current].append(_Event(slot, c, [Cell(fused[1], c.place, c.where)], index, fused=not one))
            continue
        if group_at >= 0 and _is_group_row(cat, row, keys, group_at, known):
            current = "appeals"
            cells = [c for c in row[group_at + 1 :] if not c.covered]
            events[current].append(_Event(cat.group_rows[keys[group_at]], row[group_at], cells, index))
            continue
        last_text = -1
        piece = False  # a piece of some label printed here: a label broken and scattered
        for j, (c, k) in enumerate(zip(row, keys, strict=True)):
            if k in cat.titles:
                current = cat.titles[k].key
                anchors[current] = anchors.get(current, 0) + 1
                if current == "appeals":
                    appeal_headers.clear()
            elif k in cat.headers:
                headers_seen.add(k)
                headers_seen.add(f"{current}:{k}")
                if current and not c.covered:
                    out.headers.setdefault((current, k), []).append((index, j, len(row)))
                t = cat.headers[k].key
                if t == "appeals" and current != "appeals" and k not in _shared_keys("appeals"):
                    # 总计 or 其他 in table 3's header row is no sign of table 4
                    current = "appeals"
                    anchors["appeals"] = anchors.get("appeals", 0) + 1
                    appeal_headers.clear()
                if k in cat.appeal_headers:
                    appeal_headers.add(k)
            # a label, or prose, ends what came before; a short odd cell ("不详") among
            # numbers is one of them, for the validator to report
            if k and not c.covered and (k in known or (len(k) > 6 and not is_value(c.text))):
                last_text = j
            if len(k) > 2 and not c.covered and k not in known and k in label_pieces():
                piece = True
        if piece:
            out.pieces.append(index)
        cells = [c for c in row[last_text + 1 :] if not c.covered]
        if current and any(is_value(c.text) for c in cells):
            ev = _Event(None, None, cells, index, anchors.get(current, 0))
            if current == "appeals":
                ev.label = Cell("", "", "", covered=len(appeal_headers) >= len(cat.appeal_headers))
            events[current].append(ev)
    for table in form.tables:
        # table 4's single row says so itself when it is read by position
        check = table.key != "appeals" or any(ev.slot is not None for ev in events[table.key])
        _resolve(cat, m, table.key, events[table.key], anchors.get(table.key, 0), out)
        if check:
            _check_columns(table, events[table.key], headers_seen, out)
    return out


def _near_label(
    form_key: str, row: Row, keys: list[str], known: frozenset[str], table_key: str | None
) -> tuple[int, Slot] | None:
    """A row whose label is another form's name for one of this form's rows (规范性文件 for
    行政规范性文件), or an official label printed with a typo that one label is unambiguously
    closest to (:func:`labels.closest`): (where the label is, its slot). Only the last text
    cell before the row's numbers is looked at, and only when numbers follow it."""
    for j in range(len(row) - 1, -1, -1):
        c, k = row[j], keys[j]
        if not k or c.covered or is_value(c.text):
            continue
        if not any(is_value(x.text) for x in row[j + 1 :]):
            return None
        slot = variants(form_key).get(k)
        if slot is None and k not in known and 4 <= len(k) <= 48:
            slot = closest(form_key, table_key, k)
        return (j, slot) if slot is not None else None
    return None


@cache
def _shared_keys(table_key: str) -> frozenset[str]:
    return frozenset(k for label in shared_labels(table_key) for k in aliases(label))


@cache
def _other_widths(table_key: str) -> frozenset[int]:
    """How many numbers a row of the other tables has, in either form."""
    return frozenset(len(s.columns) for f in FORMS for s in catalogue(f).slots if s.table.key != table_key and s.label)


def _is_group_row(cat: Catalogue, row: Row, keys: list[str], at: int, known: frozenset[str]) -> bool:
    """Whether a table 4 group's label at ``at`` heads a row of that group's numbers (table 4
    printed a row per group) rather than a header row of the one-row layout: only its merged
    header (行政诉讼) or nothing before it, and after it cells that are numbers, or all blank —
    never another label (行政诉讼, 结果维持, the other groups of a header row)."""
    for c, k in zip(row[:at], keys[:at], strict=False):
        if k and not c.covered and k not in cat.group_parents:
            return False
    after = [(c, k) for c, k in zip(row[at + 1 :], keys[at + 1 :], strict=False) if not c.covered]
    if not after or any(k in known for _, k in after):
        return False
    return all(not k for _, k in after) or any(is_value(c.text) for c, _ in after)


def _resolve(cat: Catalogue, m: FormModel, table_key: str, events: list[_Event], anchors: int, out: Recognised) -> None:
    table = cat.form.table(table_key)
    slots = [s for s in cat.slots if s.table.key == table_key]
    by_group = table_key == "appeals" and any(ev.slot is not None for ev in events)
    if by_group:  # table 4 printed a row per group: its rows, and the rows of numbers next to them
        slots = list(cat.group_slots)
        rows = {ev.index for ev in events}
        labelled = [ev.index for ev in events if ev.slot is not None]
        top, bottom = labelled[0], labelled[-1]
        while top - 1 in rows:
            top -= 1
        while bottom + 1 in rows:
            bottom += 1
        events = [ev for ev in events if top <= ev.index <= bottom]
    # labelled rows first: from the printing of the table its structure shows (see .choice)
    filled, events = choose(events, table, out.findings)
    repeated = False
    # rows of numbers without a label, placed by position
    if table_key == "appeals" and not by_group:
        slot = slots[0]
        used: set[int] = set()  # one row of numbers per heading: what follows the first is prose
        for ev in events:
            numbers = sum(1 for c in ev.cells if not blank(c)) if ev.slot is None and ev.anchor not in used else 0
            if numbers > 0:
                if len(ev.cells) != len(slot.columns) and numbers in _other_widths(table_key):
                    # a row shaped as another table's (表三's seven numbers after a heading met in
                    # the narrative) is not table 4's by position: named, not used
                    _place_unlabeled([], [ev], filled, out, table)
                    continue
                used.add(ev.anchor)
                if 0 in filled:  # (None: printed twice with different numbers, refused by .choice)
                    repeated = filled[0] is not None
                    continue
                ev.slot = slot
                filled[0] = ev
                if not (ev.label and ev.label.covered):
                    first, last = ev.cells[0], ev.cells[-1]
                    out.findings.append(
                        finding(
                            Code.POSITION,
                            f"{table.sheet} 未找到完整的列标题，按位置读取了「{cat.form.table(table_key).title}」之后的"
                            f" {len(ev.cells)} 个数字（{first.place} {first.where} 至 {last.where}）",
                            "/" + "/".join(slot.paths[0]),
                        )
                    )
    else:
        _place_unlabeled(slots, _among_pieces(events, out, table), filled, out, table)
    if repeated:
        out.findings.append(
            finding(Code.SOURCE, f"{table.sheet}「{table.title}」在原文中重复出现，采用第一次出现的数字")
        )
    if not filled:
        out.findings.append(
            finding(
                Code.ABSENT,
                f"原文中未找到{table.sheet}「{table.title}」，该表各格按未填写处理",
                "/" + "/".join(slots[0].paths[0]),
            )
        )
        return
    for slot in slots:
        if slot.order in filled and filled[slot.order] is None:  # refused, and named, by .choice
            continue
        found = filled.get(slot.order)
        if found is None:
            what = f"{table.sheet} 缺少行「{slot.label}」" if slot.label else f"{table.sheet} 缺少数字行"
            out.findings.append(finding(Code.ABSENT, f"{what}，该行各格按未填写处理", "/" + "/".join(slot.paths[0])))
            continue
        _take(m, slot, found, out)


@cache
def shared_labels(table_key: str) -> frozenset[str]:
    """Column labels of a table that another table of some form prints too."""
    mine: set[str] = set()
    others: set[str] = set()
    for form in FORMS.values():
        for table in form.tables:
            cols = {c.label for g in table.groups for c in g.columns} | {c.label for c in table.columns}
            (mine if table.key == table_key else others).update(cols)
    return frozenset(mine & others)


def _check_columns(table: Table, events: list[_Event], seen: set[str], out: Recognised) -> None:
    """Columns are read in order after a row's label; when the publication does not print a
    column's header where numbers were read, say that they were read by position alone."""
    missing: list[str] = []
    for ev in events:
        if ev.slot is None or not any(not blank(c) for c in ev.cells):
            continue
        for col in ev.slot.columns:
            keys = column_keys(col)
            # a header other tables print too (总计) counts only where this table was being read
            if col.label in shared_labels(table.key):
                keys = frozenset(f"{table.key}:{k}" for k in keys)
            if col.label not in missing and not (keys & seen):
                missing.append(col.label)
    if missing:
        names = "、".join(f"「{x}」" for x in missing)
        out.findings.append(
            finding(
                Code.POSITION,
                f"{table.sheet} 原文中未找到列标题{names}，这些列的数字按表式的列序读取",
                "/" + "/".join(next(e.slot for e in events if e.slot is not None).paths[0]),
            )
        )


MAX_UNUSED_NAMED = 10  # unlabelled rows named one by one; the rest counted in one finding


def _place_unlabeled(
    slots: list[Slot], events: list[_Event], filled: dict[int, _Event], out: Recognised, table: Table
) -> None:
    """An unlabelled row of numbers goes to the one row missing between the recognised rows
    around it, when it has that row's number of cells; otherwise it is named and not used."""
    # the order of the nearest labelled row before and after each event: one pass each way
    # (a page of a million unlabelled rows is read in linear time)
    befores: list[int] = []
    last = -1
    for e in events:
        befores.append(last)
        if e.slot is not None and e.label is not None:
            last = e.slot.order
    afters: list[int] = [len(slots)] * len(events)
    last = len(slots)
    for i in range(len(events) - 1, -1, -1):
        afters[i] = last
        e = events[i]
        if e.slot is not None and e.label is not None:
            last = e.slot.order
    unused = 0
    for i, ev in enumerate(events):
        if ev.slot is not None:
            continue
        before, after = befores[i], afters[i]
        gap = [s for s in slots if before < s.order < after and s.order not in filled]
        values = [c for c in ev.cells if not blank(c)]
        if len(gap) == 1 and _columns(ev.cells, len(gap[0].columns))[1]:
            slot = gap[0]
            ev.slot = slot
            filled[slot.order] = ev
            out.findings.append(
                finding(
                    Code.POSITION,
                    f"{slot.name}未找到标签；{ev.cells[0].place} {ev.cells[0].where} 起的一行 {len(ev.cells)} 个数字"
                    f"位于该行应在的位置，按该行读取",
                    "/" + "/".join(slot.paths[0]),
                )
            )
        else:
            unused += 1
            if unused > MAX_UNUSED_NAMED:
                continue
            shown = "、".join(brief(c.text.strip()) for c in values[:8]) + ("…" if len(values) > 8 else "")
            out.findings.append(
                finding(
                    Code.AMBIGUOUS,
                    f"{table.sheet} {ev.cells[0].place} {ev.cells[0].where} 起的一行数字（{shown}）没有行标签，"
                    "无法确定属于哪一行，未采用",
                )
            )
    if unused > MAX_UNUSED_NAMED:
        out.findings.append(
            finding(
                Code.AMBIGUOUS,
                f"{table.sheet} 另有 {unused - MAX_UNUSED_NAMED} 行没有行标签的数字，无法确定属于哪一行，未采用",
            )
        )


def _columns(cells: list[Cell], n: int) -> tuple[bool, list[Cell], list[Cell]]:
    """Which of a row's cells are its n columns: (known, the n cells or none when blank,
    trailing text dropped). Known when there are exactly n cells, or when the filled cells
    are n side by side (the others blank: a merged label's empty cells, an empty column
    after), or when none is filled."""
    if len(cells) == n:
        return True, cells, []
    rest = list(cells)
    extra: list[Cell] = []
    while rest and not blank(rest[-1]) and not is_value(rest[-1].text):  # a remarks column
        extra.insert(0, rest.pop())
    filled = [i for i, c in enumerate(rest) if not blank(c)]
    if not filled:  # the row printed blank
        return True, [], extra
    if len(filled) == n and filled[-1] - filled[0] == n - 1:  # the numbers, side by side
        return True, rest[filled[0] : filled[0] + n], extra
    return False, [], extra


def _take(m: FormModel, slot: Slot, ev: _Event, out: Recognised) -> None:
    n = len(slot.columns)
    cells = ev.cells
    where = ev.label or (cells[0] if cells else None)
    pointers = ["/" + "/".join(p) for p in slot.paths]
    if where is not None and where.place:
        for p in pointers:
            out.locations[p] = where.location
    ok, kept, extra = _columns(cells, n)
    if not ok and (aligned := under_headers(slot, ev, out)) is not None:
        ok, kept, extra = True, aligned, []
        out.findings.append(
            finding(
                Code.POSITION,
                f"{slot.name}{place_of(where)}有 {len(cells)} 格，与表格的 {n} 列不同；各数字按其所在列标题的位置读取",
                pointers[0],
            )
        )
    if ev.fused:
        out.findings.append(
            finding(
                Code.AMBIGUOUS,
                f"{slot.name}{place_of(where)}：{FUSED}（{cells[0].text}），该行按未填写处理",
                pointers[0],
            )
        )
        return
    if not ok:
        values = [c.text.strip() for c in cells if not blank(c)]
        shown = "、".join(brief(v) for v in values[:8]) + ("…" if len(values) > 8 else "")
        at = f"（{where.place} {where.where}）" if where is not None and where.place else ""
        out.findings.append(
            finding(
                Code.AMBIGUOUS,
                f"{slot.name}{at}有 {len(cells)} 格、{len(values)} 个数字（{shown}），与表格的 {n} 列对不上，"
                "无法确定各数字所属的列，该行按未填写处理",
                pointers[0],
            )
        )
        return
    if any(not blank(c) for c in extra):
        dropped = "、".join(brief(c.text.strip()) for c in extra[:8] if not blank(c)) + ("…" if len(extra) > 8 else "")
        out.findings.append(finding(Code.SOURCE, f"{slot.name}多出的列（{dropped}）不属于表式，已忽略", pointers[0]))
    # kept is [] for a row printed blank
    for col, cell, pointer, path in zip(slot.columns, kept, pointers, slot.paths, strict=False):
        out.locations[pointer] = cell.location
        text = cell.text
        if text.isascii() and text.isdigit() and len(text) < 15:  # the common case: plain digits
            out.values[m.by_path[path].index] = int(text)
            continue
        if " " in text and SPACED.match(text):
            refuse_spaced(m, m.by_path[path], text, pointer, out)
            continue
        if col.kind == AMOUNT and (yuan := in_yuan(text)) is not None:
            take_yuan(m.by_path[path], col, text, yuan, pointer, out)
            continue
        cleaned = clean_text(text, _context(col.kind))
        if cleaned.outcome == BLANK:
            continue
        out.values[m.by_path[path].index] = cleaned.value
        if cleaned.outcome == ACCEPTED and cell.text.strip() != str(cleaned.value):  # plain digits: no note
            out.findings.append(finding(Code.CELL, f"{m.by_path[path].label}：{cleaned.note}", pointer))


def _among_pieces(events: list[_Event], out: Recognised, table: Table) -> list[_Event]:
    """The events without the rows of numbers that pieces of a label lie around (between the
    labelled rows before and after them): such a row belongs to a label printed broken and
    out of order, which position alone cannot tell; it is named and not used."""
    if not out.pieces:
        return events
    labelled = [ev.index for ev in events if ev.slot is not None and ev.label is not None]
    kept = []
    for ev in events:
        if ev.slot is None:
            at = bisect.bisect_left(labelled, ev.index)
            before = labelled[at - 1] if at else -1
            after = labelled[at] if at < len(labelled) else 10**12
            p = bisect.bisect_right(out.pieces, before)
            if p < len(out.pieces) and out.pieces[p] < after:
                _place_unlabeled([], [ev], {}, out, table)  # named: no row is missing by position alone
                continue
        kept.append(ev)
    return kept


def prepare(grid: Grid) -> Grid:
    return logical_rows(merge_split_labels(gather(grid)))


__all__ = ["Recognised", "choose_form", "is_value", "prepare", "recognise", "Row"]
