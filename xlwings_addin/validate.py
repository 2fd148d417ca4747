"""Ribbon button 「校验」: the add-in `xlwings_addin.validate.xlam` calls :func:`main`."""

from __future__ import annotations


def main() -> None:
    import xlwings as xw

    from .backend import validate_book, report_failure

    book = xw.Book.caller()
    with report_failure(book):
        validate_book(book)
