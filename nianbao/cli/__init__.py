"""The ``nianbao`` command: a thin layer over the library. Every word it prints is Chinese."""

from __future__ import annotations

import click

from .. import __version__
from . import i18n  # noqa: F401  (Chinese for click's own words)
from .errors import Exit

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# Each subcommand's module, imported when the command is used (or listed in the help): a
# run of one command does not pay for importing what only the others need (openpyxl, ...).
COMMANDS = (
    "validate", "template", "export", "fill", "import", "clear", "addin", "consolidate", "publish",
    "serve", "users", "backup",
)
# each in its module of that name, but for names Python keeps for itself
MODULES = {"import": "import_"}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that what it was writing is cleaned up as
    for Ctrl-C (temporary files removed, locks released)."""


INTERRUPTED = {KeyboardInterrupt: Exit.INTERRUPTED, Terminated: Exit.TERMINATED}


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        """Run a command; Ctrl-C exits 130 and SIGTERM 143 (never 1, which means "written,
        with problems"), after what was being written is cleaned up. An OS error no command
        foresaw (a file name too long for the disk, ...) is said in Chinese, never a traceback."""
        import signal
        import sys

        installed = True
        try:
            previous = signal.signal(signal.SIGTERM, _terminate)
        except ValueError:  # not the main thread (an embedding program): its own handling
            installed = False
        from .watchdog import MESSAGE, watching

        try:
            with watching():  # (even inside a long call of a C library)
                return super().invoke(ctx)
        except KeyboardInterrupt as e:
            code = INTERRUPTED[Terminated] if isinstance(e, Terminated) else INTERRUPTED[KeyboardInterrupt]
            click.echo(MESSAGE.rstrip("\n"), err=True)
            sys.exit(code)
        except OSError as e:
            from ..io.oserror import os_error_text
            from .errors import Failure

            where = f"无法访问 {e.filename}：" if e.filename else "操作失败："
            raise Failure(where + os_error_text(e)) from None
        finally:
            if installed:
                signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        command: click.Command = importlib.import_module(f"{__name__}.{MODULES.get(name, name)}").command
        return command


@click.group(cls=LazyGroup, context_settings=CONTEXT, subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, "-V", "--version", prog_name="nianbao", message="%(prog)s %(version)s")
def main() -> None:
    """nianbao（年报）：政府信息公开工作年度报告的模板、校验与汇总工具。

    \b
    常用命令：
      nianbao validate 报告.xlsx           校验一份或多份报告（也可以是发布的网页、Word、PDF、文本）
      nianbao import 某局年报.html -o 某局.json
      nianbao template --form 2021 -o 模板.xlsx
      nianbao consolidate 文件夹/ -o 汇总.xlsx
      nianbao publish 报告.xlsx -o 年度报告.docx
    """

