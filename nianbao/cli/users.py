"""``nianbao users``: the office's accounts for the web intake."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import Failure
from .output import say
from .serve import data_option


@click.group("users")
def command() -> None:
    """网上报送的办公室账号：建立账号、生成接口访问令牌。"""


@command.command("add")
@click.argument("name", metavar="用户名")
@data_option
def add(name: str, data: Path) -> None:
    """建立账号（或为已有账号设置新密码）。密码在终端输入；标准输入不是终端时从中读取一行。

    \b
    退出状态：0 已建立或已更新；2 密码不合要求或数据文件夹不可用。
    """
    from ..web.accounts import AccountError, add_user

    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        new = add_user(data, name, password)
    except AccountError as e:
        raise Failure(str(e)) from None
    say(f"{'已建立账号' if new else '已更新密码'}：{name}（数据文件夹 {data}）")


@command.command("token")
@click.argument("name", metavar="用户名")
@data_option
def token(name: str, data: Path) -> None:
    """为账号生成新的接口访问令牌（Authorization: Bearer 令牌），原有令牌随即失效。令牌只显示这一次。

    \b
    退出状态：0 已生成；2 没有这个账号或数据文件夹不可用。
    """
    from ..web.accounts import AccountError, new_token

    try:
        click.echo(new_token(data, name))
    except AccountError as e:
        raise Failure(str(e)) from None
