"""The JSON API for scripts and other systems, authenticated by an office user's bearer
token (``nianbao users token NAME``). Uploads go to an agency's link with
``Accept: application/json`` (:mod:`~nianbao.web.views_agency`)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import queries, store
from .app import XLSX, download, in_thread, state, when
from .office import collection_agencies, import_roster, make_summary, new_collection
from .uploads import Refused, bearer_user, receive_file


def _user(request: Request) -> str:
    name = bearer_user(request)
    if name is None:
        raise Refused("需要有效的访问令牌（Authorization: Bearer …，由 nianbao users token 生成）。", 401)
    return name


def _collection(request: Request) -> sqlite3.Row:
    row: sqlite3.Row | None = state(request).conn.execute("SELECT * FROM collections WHERE id = ?",
                                      (request.path_params["cid"],)).fetchone()
    if row is None:
        raise Refused("没有这个报送任务。", 404)
    return row


def _error(e: Refused) -> JSONResponse:
    return JSONResponse({"error": str(e)}, status_code=e.status)


async def create(request: Request) -> Response:
    try:
        name = _user(request)
        try:
            body: Any = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise Refused("请求内容应为 JSON，如 {\"name\": \"张店区2025年度\", \"year\": 2025, "
                          "\"form\": \"2021\", \"level\": \"张店区人民政府\"}。") from None
        if not isinstance(body, dict):
            raise Refused("请求内容应为 JSON 对象。")
        cid = new_collection(state(request).conn, name, str(body.get("name", "")), str(body.get("year", "")),
                             str(body.get("form", "") or ""), str(body.get("level", "")))
    except Refused as e:
        return _error(e)
    return JSONResponse({"id": cid}, status_code=201)


async def roster(request: Request) -> Response:
    try:
        name = _user(request)
        c = _collection(request)
        _form, file = await receive_file(request)
        added = await in_thread(import_roster, state(request), c["id"], file, name)
    except Refused as e:
        return _error(e)
    rows = collection_agencies(state(request), c["id"], str(request.base_url).rstrip("/"))
    return JSONResponse({"added": added, "agencies": rows})


async def agencies(request: Request) -> Response:
    try:
        _user(request)
        c = _collection(request)
    except Refused as e:
        return _error(e)
    st = state(request)
    links = {r["id"]: r["link"] for r in collection_agencies(st, c["id"], str(request.base_url).rstrip("/"))}
    out = []
    for x in queries.dashboard(st.conn, c["id"]):
        out.append({
            "id": x.id, "name": x.name, "uscc": x.uscc, "link": links[x.id],
            "state": x.state, "state_text": x.state_word, "submissions": x.count,
            "latest": None if x.latest is None else {
                "id": x.latest, "time": when(x.last or 0), "errors": x.errors, "warnings": x.warnings,
                "headlines": {h: v for h, v in x.headlines},
            },
        })
    return JSONResponse({"collection": {"id": c["id"], "name": c["name"], "year": c["year"], "form": c["form"],
                                        "level": c["level"]}, "agencies": out})


async def summary(request: Request) -> Response:
    try:
        name = _user(request)
        c = _collection(request)
        sid = await in_thread(make_summary, state(request), c, name)
    except Refused as e:
        return _error(e)
    st = state(request)
    row = st.conn.execute("SELECT sha256 FROM summaries WHERE id = ?", (sid,)).fetchone()
    response = download(store.path_of(st.data, row["sha256"]).read_bytes(), f"{c['name']}汇总表.xlsx", XLSX)
    response.headers["x-nianbao-summary"] = str(sid)
    return response


routes = [
    Route("/api/collections", create, methods=["POST"]),
    Route("/api/collections/{cid:int}/roster", roster, methods=["PUT"]),
    Route("/api/collections/{cid:int}/agencies", agencies),
    Route("/api/collections/{cid:int}/summary", summary, methods=["POST"]),
]
