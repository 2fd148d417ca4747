"""Ribbon button 「清除标记」: the add-in `xlwings_addin.clear.xlam` calls :func:`main`."""

from __future__ import annotations


def main() -> None:
    import xlwings as xw

    from .backend import clear_book, report_failure

    book = xw.Book.caller()
    with report_failure(book):
        clear_book(book)
