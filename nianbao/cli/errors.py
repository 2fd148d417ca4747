"""How a command ends: its exit statuses, and the one error type that stops it.

Every command raises :class:`Failure` for what it cannot do (a file it cannot read or write,
a usage it cannot follow); click prints the Chinese message on stderr, with whatever came from
an input escaped, and exits with the failure's status. The statuses are the same for every
command (each command's help says what they mean for it).
"""

from __future__ import annotations

from typing import IO, Any

import click

from ..core.codes import Exit
from .output import say


class Failure(click.ClickException):
    """A command that cannot go on: ``prefix`` + ``message`` on stderr, exit ``code``."""

    def __init__(self, message: str, *, code: Exit = Exit.FAILED, prefix: str = "错误：") -> None:
        super().__init__(message)
        # click reads the status off the exception it caught, but types it as a ClassVar: one per instance here
        self.exit_code = int(code)  # type: ignore[misc]
        self.prefix = prefix

    def show(self, file: IO[Any] | None = None) -> None:
        say(f"{self.prefix}{self.message}", err=True)


__all__ = ["Exit", "Failure"]
