"""The cells of a planned sheet (:mod:`nianbao.io.xlsx.ooxml`) sorted for reading in one sweep
per kind: whole numbers, shared strings, formulas' text results. A plan holds one
:class:`Split` per style table it has been read with. Knows the cell groups of
``nianbao.io.xlsx.ooxml._CELL`` and nothing else."""

from __future__ import annotations


class Split:
    """A plan's cells with a value sorted by how a workbook's styles read them: the numbers
    (no type or "n", a plain style, no other attribute, no inline string), the shared
    strings (type "s", likewise), the formulas' text results (type "str", as LibreOffice
    saves the template's checks), and the rest; each as positions among the values and their
    references. Read in one sweep per kind; a sweep that meets anything but what the common
    case takes reads its cells one by one instead (``Workbook._take`` in
    :mod:`nianbao.io.xlsx.ooxml`), which decides."""

    __slots__ = ("numbers", "rest", "strings", "texts")

    def __init__(self, cells: list[tuple[bytes, ...]], plain: frozenset[bytes]):
        numbers: list[int] = []
        strings: list[int] = []
        texts: list[int] = []
        rest: list[int] = []
        for i, (_, style, kind, extra, _, _, inline) in enumerate(cells):
            if extra or inline:
                rest.append(i)
            elif not kind or kind == b"n":
                (numbers if not style or style in plain else rest).append(i)
            elif kind == b"s":
                strings.append(i)
            elif kind == b"str":
                texts.append(i)
            else:
                rest.append(i)
        self.numbers = (tuple(numbers), tuple(cells[i][0] for i in numbers))
        self.strings = (tuple(strings), tuple(cells[i][0] for i in strings))
        self.texts = (tuple(texts), tuple(cells[i][0] for i in texts))
        self.rest = tuple(rest)


__all__ = ["Split"]
