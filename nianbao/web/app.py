"""The ASGI application: Starlette, Jinja2 templates, the middleware every request passes."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.templating import Jinja2Templates

from . import db, security, store, worker

HERE = Path(__file__).parent
UPLOAD_LIMIT = 20 * 1024 * 1024  # bytes


@dataclass
class Config:
    data: Path
    upload_limit: int = UPLOAD_LIMIT
    secure_cookies: bool = False  # set behind an https reverse proxy
    limits: worker.Limits = field(default_factory=lambda: worker.Limits(parallel=worker.worker_count()))


class State:
    """What every request shares: the configuration, the secret, one database connection per thread."""

    def __init__(self, config: Config):
        self.config = config
        self.data = config.data
        self.key = security.secret_key(config.data)
        self._local = threading.local()
        store.sweep(config.data)
        db.connect(config.data).close()  # migrations, once, at start

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = db.connect(self.data)
        return conn


templates = Jinja2Templates(directory=str(HERE / "templates"))


class TooLarge(Exception):
    pass


class Guard:
    """Security headers on every response; request bodies capped before they are read whole:
    a declared length over the cap is refused at once, and a body that grows past it while
    being read stops being read."""

    def __init__(self, app: Any, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
                       send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in security.HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in security.HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._too_large(scope, send_with_headers)
            return
        seen = 0

        async def capped() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge
            return message

        try:
            await self.app(scope, capped, send_with_headers)
        except TooLarge:
            if not started:
                await self._too_large(scope, send_with_headers)

    async def _too_large(self, scope: dict[str, Any], send: Any) -> None:
        mb = self.limit / 1024 / 1024
        text = f"上传的文件超过 {mb:g} MB 的上限，未接收。请压缩图片或另存为 .xlsx 后重试。"
        accept = dict(scope.get("headers") or []).get(b"accept", b"").decode()
        if "application/json" in accept:
            response: Response = JSONResponse({"error": text}, status_code=413)
        else:
            response = HTMLResponse(page("error.html", None, title="文件过大", message=text), status_code=413)
        response.headers["connection"] = "close"
        await response({**scope, "type": "http"}, _no_body, send)


async def _no_body() -> dict[str, Any]:
    return {"type": "http.disconnect"}


def page(name: str, request: Request | None, **context: Any) -> str:
    """A template rendered to text (for responses made outside a route)."""
    return templates.get_template(name).render(request=request, csrf="", user=None, **context)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", request.session.get("user"))
    context["csrf"] = csrf_token(request)
    return templates.TemplateResponse(request, template, context, status_code=status)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = security.new_csrf()
    return str(token)


def state(request: Request) -> State:
    s: State = request.app.state.nianbao
    return s


def submission_of(request: Request, agency_id: int) -> sqlite3.Row:
    """The submission the path names (``sid``), of this agency only; 404 for any other."""
    from starlette.exceptions import HTTPException

    from . import queries

    row = queries.submission(state(request).conn, agency_id, request.path_params["sid"])
    if row is None:
        raise HTTPException(404)
    return row


def download(content: bytes, filename: str, media: str = "application/octet-stream") -> Response:
    """A download: always an attachment, under a safe name (ASCII fallback, RFC 5987 UTF-8)."""
    safe = security.safe_filename(filename)
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in safe)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(safe)}"
    return Response(content, media_type=media, headers={"content-disposition": disposition})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def when(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))


templates.env.filters["when"] = when


def _status_text(status: str) -> str:
    from .library import status_word

    return status_word(status)


templates.env.globals["status_text"] = _status_text


async def in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(fn, *args)
