"""``nianbao backup``: backup and restore of the web intake's data folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.oserror import error_text
from .errors import Failure
from .output import say
from .serve import data_option


@click.command("backup")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), metavar="备份文件夹")
@data_option
@click.option("--restore", is_flag=True, help="从备份文件夹恢复到数据文件夹（请先停止 nianbao serve）。")
def command(folder: Path, data: Path, restore: bool) -> None:
    """备份网上报送的数据文件夹，或从备份恢复。

    数据库用 SQLite 在线备份，服务运行时也可备份；报送的文件按内容逐个复制（已有的跳过），
    连同密钥（各单位的报送链接依赖它）。

    \b
    示例：
      nianbao backup /备份/nianbao-2026-01-31
      nianbao backup --restore /备份/nianbao-2026-01-31 --data nianbao-data

    \b
    退出状态：0 已备份或已恢复；2 不是数据文件夹或备份文件夹、无法读写。
    """
    from ..web.backup import BackupError, backup
    from ..web.backup import restore as put_back

    try:
        copied = put_back(folder, data) if restore else backup(data, folder)
    except (BackupError, OSError) as e:
        raise Failure(error_text(e)) from None
    if restore:
        say(f"已从 {folder} 恢复到 {data}（复制文件 {copied} 个）")
    else:
        say(f"已备份到 {folder}（新复制文件 {copied} 个）")
