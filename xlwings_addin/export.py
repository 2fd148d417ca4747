"""Ribbon button 「导出 JSON」: the add-in `xlwings_addin.export.xlam` calls :func:`main`."""

from __future__ import annotations


def main() -> None:
    import xlwings as xw

    from .backend import export_book, report_failure

    book = xw.Book.caller()
    with report_failure(book):
        export_book(book)
