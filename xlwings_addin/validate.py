"""Ribbon button: its VBA callback runs ``import xlwings_addin.validate; xlwings_addin.validate.main()``."""

from __future__ import annotations


def main() -> None:
    import xlwings as xw

    from .backend import report_failure, validate_book

    book = xw.Book.caller()
    with report_failure(book):
        validate_book(book)
