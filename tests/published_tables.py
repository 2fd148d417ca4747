"""Reading the tables of a published document back, independently of the writer.

Each table becomes a full matrix (every grid position with the text of the cell covering it,
and which cell that is), read from the file with a parser of its own — lxml for HTML, the
WordprocessingML of python-docx's reading for Word (``gridSpan`` across, ``vMerge`` down) —
so the tests see merges as a reader of the file would. Rows and columns are then found by
the official labels of nianbao.core.forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.core.forms import FORMS
from nianbao.core.model import leaf_rows


@dataclass
class Matrix:
    text: list[list[str]]
    origin: list[list[tuple[int, int]]]  # where the covering cell starts
    header_rows: int  # rows marked as header (thead / tblHeader)

    @property
    def width(self) -> int:
        return len(self.text[0]) if self.text else 0

    def span(self, r: int, c: int) -> tuple[int, int]:
        """(rowspan, colspan) of the cell starting at (r, c)."""
        o = self.origin[r][c]
        rows = sum(1 for i in range(len(self.text)) if self.origin[i][c] == o)
        cols = sum(1 for j in range(self.width) if self.origin[r][j] == o)
        return rows, cols


Places = dict[tuple[int, int], tuple[str, tuple[int, int]]]  # (row, col) -> text, where its cell starts


def _place(grid: Places, r: int, c: int, rs: int, cs: int, text: str) -> None:
    for i in range(r, r + rs):
        for j in range(c, c + cs):
            assert (i, j) not in grid, f"cells overlap at {(i, j)}"
            grid[(i, j)] = (text, (r, c))


def _matrix(grid: Places, header_rows: int) -> Matrix:
    rows = 1 + max(i for i, _ in grid)
    cols = 1 + max(j for _, j in grid)
    assert len(grid) == rows * cols, "the table is not a full rectangle"
    return Matrix(
        [[grid[(i, j)][0] for j in range(cols)] for i in range(rows)],
        [[grid[(i, j)][1] for j in range(cols)] for i in range(rows)],
        header_rows,
    )


def html_tables(path: Path) -> list[Matrix]:
    import lxml.html

    tree = lxml.html.fromstring(path.read_bytes())
    out = []
    for table in tree.iter("table"):
        grid: Places = {}
        header = len(table.xpath("./thead/tr"))
        for r, tr in enumerate(table.xpath("./thead/tr | ./tbody/tr | ./tr")):
            c = 0
            for cell in tr.xpath("./td | ./th"):
                while (r, c) in grid:
                    c += 1
                rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
                _place(grid, r, c, rs, cs, cell.text_content().strip())
                c += cs
        out.append(_matrix(grid, header))
    return out


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_tables(path: Path) -> list[Matrix]:
    import docx

    d = docx.Document(str(path))
    out = []
    for table in d.tables:
        grid: Places = {}
        header = 0
        for r, tr in enumerate(table._tbl.findall(f"{W}tr")):
            trpr = tr.find(f"{W}trPr")
            if trpr is not None and trpr.find(f"{W}tblHeader") is not None:
                header = r + 1
            c = 0
            for tc in tr.findall(f"{W}tc"):
                tcpr = tc.find(f"{W}tcPr")
                span = tcpr.find(f"{W}gridSpan") if tcpr is not None else None
                vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                cs = int(span.get(f"{W}val")) if span is not None else 1
                text = "".join(t.text or "" for t in tc.iter(f"{W}t")).strip()
                if vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue":
                    above = grid[(r - 1, c)]
                    for j in range(c, c + cs):
                        grid[(r, j)] = above
                else:
                    _place(grid, r, c, 1, cs, text)
                c += cs
        out.append(_matrix(grid, header))
    return out


# ---------------------------------------------------------------------------------------
# Finding numbers by their labels


def _row_where(m: Matrix, labels: list[str], first: int = 0) -> int:
    """The matrix row whose leading cells read ``labels`` (merged cells repeat), the rest
    being numbers."""
    hits = [i for i in range(first, len(m.text)) if m.text[i][: len(labels)] == labels]
    assert len(hits) == 1, f"row {labels} found {len(hits)} times"
    return hits[0]


def column_heads(m: Matrix, j: int, rows: range) -> list[str]:
    """The headers above column ``j``, top to bottom, each merged cell once."""
    out, seen = [], set()
    for i in rows:
        if m.origin[i][j] not in seen:
            seen.add(m.origin[i][j])
            out.append(m.text[i][j])
    return out


def _column_where(m: Matrix, heads: list[str], rows: range) -> int:
    hits = [j for j in range(m.width) if column_heads(m, j, rows) == heads]
    assert len(hits) == 1, f"column {heads} found {len(hits)} times"
    return hits[0]


def table_values(form_key: str, tables: list[Matrix]) -> dict[str, str]:
    """JSON pointer -> the text printed for it, found by labels only."""
    form = FORMS[form_key]
    t2, t3, t4 = tables
    out: dict[str, str] = {}

    # Table 2: a group's clause spans the table; its header row follows; its rows below.
    active = form.table("active")
    for group in active.groups:
        start = _row_where(t2, [group.label] * t2.width)
        head = start + 1
        assert t2.text[head][0] == group.row_header
        for row in group.rows:
            r = _row_where(t2, [row.label], head)
            for col in group.columns:
                j = [k for k in range(t2.width) if t2.text[head][k] == col.label]
                assert j, f"{group.label} {col.label} not in its header"
                out[f"/active/{row.key}/{col.key}"] = t2.text[r][j[0]]

    # Table 3: labels nest in the label columns; columns found under their headers.
    apps = form.table("applications")
    depth = 3
    assert t3.text[0][0] == apps.note and t3.span(0, 0) == (3, depth)
    for parents, row in leaf_rows(apps.rows):
        labels = [p.label for p in parents] + [row.label] * (depth - len(parents))
        r = _row_where(t3, labels, 3)
        for col in apps.columns:
            heads = [apps.column_header] + ([col.parent] if col.parent else []) + [col.label]
            j = _column_where(t3, heads, range(0, 3))
            keys = "/".join([p.key for p in parents] + [row.key])
            out[f"/applications/{keys}/{col.key}"] = t3.text[r][j]

    # Table 4: one row of numbers under three header rows.
    appeals = form.table("appeals")
    for g in appeals.groups:
        for col in g.columns:
            heads = ([g.parent] if g.parent else []) + [g.label, col.label]
            j = _column_where(t4, heads, range(0, 3))
            out[f"/appeals/{g.key}/{col.key}"] = t4.text[3][j]
    return out


def same_number(text: str, value: Any) -> bool:
    """Whether the printed ``text`` is ``value`` (blank for None)."""
    from decimal import Decimal, InvalidOperation

    if value is None:
        return text == ""
    try:
        return Decimal(text) == Decimal(repr(value) if isinstance(value, float) else str(value))
    except InvalidOperation:
        return False
