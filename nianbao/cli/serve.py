"""``nianbao serve``: the web intake (网上报送)."""

from __future__ import annotations

from pathlib import Path

import click

from .errors import Failure
from .output import say

DATA_DEFAULT = Path("nianbao-data")

data_option = click.option("--data", "-d", type=click.Path(path_type=Path, file_okay=False), default=DATA_DEFAULT,
                           show_default=True, metavar="文件夹", help="数据文件夹：数据库与报送的文件都保存在这里。")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听地址；在内网服务器上通常保持 127.0.0.1，由反向代理（nginx 等）对外提供服务。")
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8000, show_default=True, metavar="端口",
              help="监听端口。")
@data_option
@click.option("--demo", is_flag=True,
              help="示例模式：使用临时数据文件夹，载入 examples/ 中一个区的名单与报告，并给出登录账号。")
@click.option("--max-upload", type=click.FloatRange(0.1, 1024), default=20, show_default=True, metavar="MB",
              help="单个上传文件的大小上限（MB）。")
@click.option("--secure-cookies", is_flag=True, help="登录 Cookie 只经 HTTPS 发送（经 HTTPS 反向代理提供服务时使用）。")
def command(host: str, port: int, data: Path, demo: bool, max_upload: float, secure_cookies: bool) -> None:
    """启动网上报送：各单位凭链接上传报告、当场看到校验结果；政务公开办登录后查看报送情况、一键汇总。

    \b
    示例：
      nianbao users add 张三            先建立办公室账号
      nianbao serve                     然后在浏览器打开 http://127.0.0.1:8000/
      nianbao serve --demo              示例：载入一个区的名单和报告

    \b
    退出状态：0 已停止；2 无法启动（端口已被占用、地址不可用、数据文件夹不可用）。
    """
    from ..web.serve import ServeError, run

    try:
        run(None if demo else data, host, port, demo, max_upload, secure_cookies, say)
    except ServeError as e:
        raise Failure(str(e)) from None
