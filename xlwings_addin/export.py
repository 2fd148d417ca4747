"""Ribbon button: its VBA callback runs ``import xlwings_addin.export; xlwings_addin.export.main()``."""

from __future__ import annotations


def main() -> None:
    import xlwings as xw

    from .backend import export_book, report_failure

    book = xw.Book.caller()
    with report_failure(book):
        export_book(book)
