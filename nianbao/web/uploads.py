"""Receiving one uploaded file: the CSRF token (or an office API token) checked, the file
copied to a private work folder under a safe name, read and validated in a worker process,
stored and recorded (:mod:`~nianbao.web.intake`)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from . import intake, library, security, store
from .app import State, in_thread, state

MAX_FIELDS = 2000  # the 填报 form: one field per cell of the largest form, and a few more


class Refused(Exception):
    """The request is refused: ``str()`` says why, in Chinese; ``status`` the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def bearer_user(request: Request) -> str | None:
    """The office user whose API token the request carries, if any."""
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        return None
    token = auth[7:].strip()
    row = state(request).conn.execute("SELECT name FROM users WHERE token_hash = ?",
                                      (security.token_hash(token),)).fetchone()
    return str(row["name"]) if row else None


def check_csrf(request: Request, form: Any) -> None:
    """Every form posted with the session's CSRF token; a script with an office API token needs none."""
    given = form.get("csrf") if form is not None else None
    given = given or request.headers.get("x-csrf-token")
    if security.same(given, request.session.get("csrf")):
        return
    if bearer_user(request):
        return
    raise Refused("页面已过期或请求来源不明（缺少有效的表单校验码），请刷新页面后重试。", 403)


async def read_form(request: Request, max_files: int = 1, max_fields: int = 20) -> Any:
    """The posted form; a malformed one is refused in Chinese."""
    from starlette.formparsers import MultiPartException

    try:
        return await request.form(max_files=max_files, max_fields=max_fields)
    except MultiPartException:
        raise Refused("上传的内容不完整或格式不对（可能是网络中断），请重新上传。") from None


async def receive_file(request: Request, field: str = "file") -> tuple[Any, UploadFile]:
    form = await read_form(request)
    check_csrf(request, form)
    upload = form.get(field)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Refused("请选择要上传的文件。")
    return form, upload


def save(st: State, upload: UploadFile) -> tuple[Path, Path, str]:
    """The upload copied into a fresh work folder: (folder, file, safe name)."""
    name = security.safe_filename(upload.filename or "", "上传的文件")
    folder = store.workdir(st.data)
    path = folder / name
    upload.file.seek(0)
    with open(path, "xb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)
    return folder, path, name


async def submit(request: Request, agency_id: int, upload: UploadFile, via: str, actor: str) -> intake.Received:
    st = state(request)
    folder, path, name = await in_thread(save, st, upload)
    try:
        checked = await in_thread(intake.examine, st.config.limits, path, name)
        got: intake.Received = await in_thread(intake.record, st, agency_id, path, name, via, checked, actor)
        return got
    finally:
        await in_thread(shutil.rmtree, folder, True)


async def submit_document(request: Request, agency_id: int, document: dict[str, Any], actor: str) -> intake.Received:
    """A report typed on the page, saved as a submission like an upload (its JSON file)."""
    st = state(request)
    folder = store.workdir(st.data)
    path = folder / "在线填报.json"
    path.write_bytes(library.document_bytes(document))
    try:
        checked = await in_thread(intake.examine, st.config.limits, path, path.name)
        got: intake.Received = await in_thread(intake.record, st, agency_id, path, path.name, "fill", checked,
                                               actor)
        return got
    finally:
        await in_thread(shutil.rmtree, folder, True)
