"""Starting the server (``nianbao serve``)."""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import library
from .accounts import prepare, user_count
from .app import Config, State
from .site import create_app


def run(data: Path | None, host: str, port: int, demo: bool, upload_mb: float, secure_cookies: bool,
        say: Callable[[str], None]) -> None:
    import uvicorn

    if demo:
        data = Path(tempfile.mkdtemp(prefix="nianbao-demo-"))
    assert data is not None
    prepare(data)
    config = Config(data=data.resolve(), upload_limit=int(upload_mb * 1024 * 1024), secure_cookies=secure_cookies)
    app = create_app(config)
    st: State = app.state.nianbao
    if demo:
        from .demo import load

        say("正在载入示例（examples/ 中一个区的各单位报告与名单）……")
        name, password, loaded = load(st)
        shown_data = f"数据文件夹 {data}，退出后可删除"
        if loaded:
            say(f"示例已载入（{shown_data}）。登录：用户名 {name}，密码 {password}")
        else:  # installed without the source checkout's examples/
            say(f"未找到示例（examples/ 只在源代码中），只建立了登录（{shown_data}）：用户名 {name}，密码 {password}")
    elif user_count(data) == 0:
        say(f"尚未建立办公室账号：请另开终端运行 nianbao users add 用户名 --data {data} 设置密码后登录。")
    shown = f"[{host}]" if ":" in host else host
    try:  # bound before saying so: a port in use is said in Chinese, with the exit status of a failure
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as e:
        raise ServeError(
            f"无法在 {shown}:{port} 上启动：{library.os_error(e)}；请用 --port 换一个端口，或先停止占用它的程序"
        ) from None
    say(f"网上报送已启动：http://{shown}:{port}/  （数据文件夹 {data}；按 Ctrl-C 停止）")
    server = uvicorn.Config(app, log_level="warning", proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                            timeout_graceful_shutdown=5)
    uvicorn.Server(server).run(sockets=[sock])


class ServeError(Exception):
    """The server could not start: ``str()`` says why, in Chinese."""
