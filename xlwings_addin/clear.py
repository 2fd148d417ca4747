"""Ribbon button: its VBA callback runs ``import xlwings_addin.clear; xlwings_addin.clear.main()``."""

from __future__ import annotations


def main() -> None:
    import xlwings as xw

    from .backend import clear_book, report_failure

    book = xw.Book.caller()
    with report_failure(book):
        clear_book(book)
