"""The README's command reference, generated from the click commands themselves.

The README holds it between cog markers; ``cog -r README.md`` rewrites it and ``cog --check
README.md`` (run by the test suite) fails when it is stale. Each command contributes its usage
line, the first paragraph of its help and its 退出状态 (exit status) paragraph, so the words
shown here are the ones ``nianbao CMD --help`` prints.
"""

from __future__ import annotations

import click

from nianbao.cli import main

EXIT = "退出状态："


def _commands(group: click.Group, ctx: click.Context, prefix: str) -> list[tuple[str, click.Command, click.Context]]:
    out = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        sub = click.Context(cmd, info_name=name, parent=ctx)
        if isinstance(cmd, click.Group):
            out += _commands(cmd, sub, f"{prefix} {name}")
        else:
            out.append((f"{prefix} {name}", cmd, sub))
    return out


def _paragraphs(text: str) -> list[str]:
    paras = [" ".join(line.strip() for line in p.strip().splitlines() if line.strip() != "\b")
             for p in text.split("\n\n")]
    return [p for p in paras if p]


def reference() -> str:
    """The command reference as Markdown."""
    root = click.Context(main, info_name="nianbao")
    lines = ["| 命令 | 作用 | 退出状态 |", "| --- | --- | --- |"]
    for name, cmd, ctx in _commands(main, root, "nianbao"):
        usage = " ".join(cmd.collect_usage_pieces(ctx))
        paras = _paragraphs(cmd.help or "")
        what = paras[0] if paras else ""
        exits = next((p[len(EXIT):] for p in paras if p.startswith(EXIT)), "")
        lines.append(f"| `{name} {usage}` | {what} | {exits} |")
    lines.append("")
    for name, cmd, ctx in _commands(main, root, "nianbao"):
        options = [p.get_help_record(ctx) for p in cmd.get_params(ctx)
                   if isinstance(p, click.Option) and p.name != "help"]
        if not options:
            continue
        lines.append(f"`{name}` 的选项：")
        lines.append("")
        for opts, text in filter(None, options):
            lines.append(f"- `{opts}`：{text}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def emit(cog) -> None:  # called from the README's cog block
    cog.out(reference())


if __name__ == "__main__":
    print(reference(), end="")
