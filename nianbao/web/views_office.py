"""The office's pages (政务公开办): login, collections, roster and links, the dashboard, each
agency's submissions, 汇总, 发布稿 and 导出."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from . import db, library, queries, security, store
from .app import DOCX, XLSX, download, in_thread, render, state, submission_of
from .office import collection_agencies, diff_rows, export_zip, import_roster, make_summary, new_collection
from .uploads import Refused, check_csrf, read_form, receive_file
from .views_agency import annotated_copy, filled_template, result_context

SORTS = {"name": lambda x: x.name, "state": lambda x: list(queries.STATES).index(x.state),
         "last": lambda x: -(x.last or 0), "count": lambda x: -x.count, "roster": lambda x: x.id}


def user(request: Request) -> str:
    name = request.session.get("user")
    if not name:
        raise HTTPException(303, headers={"location": "/login"})
    return str(name)


async def posted(request: Request) -> Any:
    form = await read_form(request, 0)
    check_csrf(request, form)
    return form


def collection(request: Request) -> sqlite3.Row:
    row: sqlite3.Row | None = state(request).conn.execute("SELECT * FROM collections WHERE id = ?",
                                      (request.path_params["cid"],)).fetchone()
    if row is None:
        raise HTTPException(404)
    return row


async def login(request: Request) -> Response:
    st = state(request)
    if request.method in ("GET", "HEAD"):
        first = st.conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
        return render(request, "login.html", first=first)
    try:
        form = await posted(request)
    except Refused as e:
        return render(request, "login.html", status=e.status, error=str(e))
    name, password = str(form.get("name") or "").strip(), str(form.get("password") or "")
    since = time.time() - security.FAILED_LOGIN_WINDOW
    failures = st.conn.execute("SELECT COUNT(*) FROM login_failures WHERE name = ? AND at > ?",
                               (name, since)).fetchone()[0]
    await asyncio.sleep(security.login_delay(failures))
    row = st.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
    ok = row is not None and await in_thread(security.check_password, password, row["password"])
    if not ok:
        with db.transaction(st.conn):
            st.conn.execute("INSERT INTO login_failures(name, at) VALUES (?, ?)", (name, time.time()))
            db.audit(st.conn, name or "?", "login-failed")
        return render(request, "login.html", status=401, error="用户名或密码不正确。", name=name)
    request.session.clear()
    request.session["user"] = name
    request.session["csrf"] = security.new_csrf()
    with db.transaction(st.conn):
        st.conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        db.audit(st.conn, name, "login")
    return RedirectResponse("/", status_code=303)


async def logout(request: Request) -> Response:
    try:
        await posted(request)
    except Refused as e:
        return render(request, "error.html", status=e.status, title="未能退出", message=str(e))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


async def collections(request: Request) -> Response:
    name = user(request)
    conn = state(request).conn
    if request.method == "POST":
        try:
            form = await posted(request)
            cid = new_collection(conn, name, str(form.get("name") or ""), str(form.get("year") or ""),
                                 str(form.get("form") or ""), str(form.get("level") or ""))
        except Refused as e:
            return render(request, "collections.html", status=e.status, error=str(e), rows=_collections(conn),
                          forms=library.forms())
        return RedirectResponse(f"/c/{cid}", status_code=303)
    return render(request, "collections.html", rows=_collections(conn), forms=library.forms())


def _collections(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT c.*, (SELECT COUNT(*) FROM agencies a WHERE a.collection_id = c.id) AS agencies"
        " FROM collections c ORDER BY c.id DESC").fetchall()


async def dashboard(request: Request) -> Response:
    user(request)
    c = collection(request)
    conn = state(request).conn
    lines = queries.dashboard(conn, c["id"])
    counts = {k: 0 for k in queries.STATES}
    for line in lines:
        counts[line.state] += 1
    wanted = request.query_params.get("state", "")
    q = request.query_params.get("q", "").strip()
    sort = request.query_params.get("sort", "roster")
    shown = [x for x in lines if (not wanted or x.state == wanted) and (not q or q in x.name)]
    shown.sort(key=SORTS.get(sort, SORTS["roster"]))
    heads = [h for h, _ in (lines[0].headlines if lines and lines[0].headlines else [])]
    for x in lines:
        if x.headlines:
            heads = [h for h, _ in x.headlines]
            break
    summaries = conn.execute("SELECT * FROM summaries WHERE collection_id = ? ORDER BY id DESC LIMIT 5",
                             (c["id"],)).fetchall()
    return render(request, "dashboard.html", c=c, lines=shown, total=len(lines), counts=counts,
                  states=queries.STATES, wanted=wanted, q=q, sort=sort, heads=heads, summaries=summaries,
                  form_doc=library.forms().get(c["form"], ""))


async def roster(request: Request) -> Response:
    name = user(request)
    c = collection(request)
    try:
        _form, file = await receive_file(request)
        added = await in_thread(import_roster, state(request), c["id"], file, name)
    except Refused as e:
        return render(request, "error.html", status=e.status, title="名单未能导入", message=str(e),
                      back=f"/c/{c['id']}")
    request.session["flash"] = f"已导入名单：新增 {added} 个单位。"
    return RedirectResponse(f"/c/{c['id']}/links", status_code=303)


async def links(request: Request) -> Response:
    user(request)
    c = collection(request)
    rows = collection_agencies(state(request), c["id"], str(request.base_url).rstrip("/"))
    flash = request.session.pop("flash", None)
    return render(request, "links.html", c=c, rows=rows, flash=flash)


async def links_csv(request: Request) -> Response:
    user(request)
    c = collection(request)
    rows = collection_agencies(state(request), c["id"], str(request.base_url).rstrip("/"))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["单位名称", "统一社会信用代码", "行政区划代码", "报送链接"])
    for r in rows:
        w.writerow([_cell(r["name"]), _cell(r["uscc"]), _cell(r["region_code"]), r["link"]])
    return download(("\ufeff" + out.getvalue()).encode("utf-8"), f"{c['name']}报送链接.csv", "text/csv")


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _agency(request: Request, c: sqlite3.Row) -> sqlite3.Row:
    a: sqlite3.Row | None = state(request).conn.execute("SELECT * FROM agencies WHERE id = ? AND collection_id = ?",
                                    (request.path_params["aid"], c["id"])).fetchone()
    if a is None:
        raise HTTPException(404)
    return a


async def agency_page(request: Request) -> Response:
    user(request)
    c = collection(request)
    a = _agency(request, c)
    conn = state(request).conn
    subs = queries.submissions(conn, a["id"])
    context: dict[str, Any] = {"c": c, "agency": a, "subs": subs}
    sid = request.query_params.get("s")
    chosen = subs[0]["id"] if subs else None
    if sid and sid.isdigit():
        chosen = int(sid)
    if chosen is not None:
        row = queries.submission(conn, a["id"], chosen)
        if row is None:
            raise HTTPException(404)
        context.update(result_context({"form": c["form"]}, row))  # type: ignore[arg-type]
    return render(request, "office_agency.html", **context)


def _submission(request: Request) -> tuple[sqlite3.Row, sqlite3.Row]:
    user(request)
    c = collection(request)
    a = _agency(request, c)
    return a, submission_of(request, a["id"])


async def office_file(request: Request) -> Response:
    _a, row = _submission(request)
    return download(store.path_of(state(request).data, row["sha256"]).read_bytes(), row["filename"])


async def office_annotated(request: Request) -> Response:
    _a, row = _submission(request)
    return await annotated_copy(request, row)


async def office_template(request: Request) -> Response:
    a, row = _submission(request)
    return await filled_template(row, a["name"])


async def diff(request: Request) -> Response:
    user(request)
    c = collection(request)
    a = _agency(request, c)
    conn = state(request).conn
    try:
        one, two = int(request.query_params.get("a", "")), int(request.query_params.get("b", ""))
    except ValueError:
        return render(request, "error.html", status=400, title="无法比较", message="请选择两次报送进行比较。",
                      back=f"/c/{c['id']}/a/{a['id']}")
    first, second = queries.submission(conn, a["id"], one), queries.submission(conn, a["id"], two)
    if first is None or second is None:
        raise HTTPException(404)
    rows = diff_rows(queries.parsed(first)[1], queries.parsed(second)[1])
    return render(request, "diff.html", c=c, agency=a, first=first, second=second, rows=rows)


async def summary(request: Request) -> Response:
    name = user(request)
    c = collection(request)
    try:
        await posted(request)
        sid = await in_thread(make_summary, state(request), c, name)
    except Refused as e:
        return render(request, "error.html", status=e.status, title="未能汇总", message=str(e), back=f"/c/{c['id']}")
    return RedirectResponse(f"/c/{c['id']}/summaries/{sid}", status_code=303)


def _summary_row(request: Request, c: sqlite3.Row) -> sqlite3.Row:
    row: sqlite3.Row | None = state(request).conn.execute("SELECT * FROM summaries WHERE id = ? AND collection_id = ?",
                                      (request.path_params["sid"], c["id"])).fetchone()
    if row is None:
        raise HTTPException(404)
    return row


async def summary_page(request: Request) -> Response:
    user(request)
    c = collection(request)
    row = _summary_row(request, c)
    members = json.loads(row["members"])
    return render(request, "summary.html", c=c, s=row, members=members)


async def summary_file(request: Request) -> Response:
    user(request)
    c = collection(request)
    row = _summary_row(request, c)
    data = store.path_of(state(request).data, row["sha256"]).read_bytes()
    return download(data, f"{c['name']}汇总表.xlsx", XLSX)


async def summary_published(request: Request) -> Response:
    user(request)
    c = collection(request)
    row = _summary_row(request, c)
    st = state(request)
    data = store.path_of(st.data, row["sha256"]).read_bytes()
    folder = store.workdir(st.data)
    try:
        document = await in_thread(library.read_summary_document, data, folder)
    finally:
        folder.rmdir()
    if document is None:
        raise HTTPException(404)
    checked = await in_thread(library.check_document, document, "汇总表")
    try:
        doc = await in_thread(library.published, document, checked["file"])
    except library.PublishProblem as e:
        return render(request, "error.html", status=400, title="未能生成发布稿", message=str(e))
    return download(doc, library.report_title(c["level"], c["year"]) + ".docx", DOCX)


async def export(request: Request) -> Response:
    name = user(request)
    c = collection(request)
    data = await in_thread(export_zip, state(request), c, name)
    return download(data, f"{c['name']}全部材料.zip", "application/zip")


async def audit_page(request: Request) -> Response:
    user(request)
    rows = state(request).conn.execute("SELECT * FROM audit ORDER BY id DESC LIMIT 500").fetchall()
    return render(request, "audit.html", rows=rows)


routes = [
    Route("/", collections, methods=["GET", "POST"]),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/audit", audit_page),
    Route("/c/{cid:int}", dashboard),
    Route("/c/{cid:int}/roster", roster, methods=["POST"]),
    Route("/c/{cid:int}/links", links),
    Route("/c/{cid:int}/links.csv", links_csv),
    Route("/c/{cid:int}/a/{aid:int}", agency_page),
    Route("/c/{cid:int}/a/{aid:int}/diff", diff),
    Route("/c/{cid:int}/a/{aid:int}/s/{sid:int}/file", office_file),
    Route("/c/{cid:int}/a/{aid:int}/s/{sid:int}/annotated.xlsx", office_annotated),
    Route("/c/{cid:int}/a/{aid:int}/s/{sid:int}/template.xlsx", office_template),
    Route("/c/{cid:int}/summary", summary, methods=["POST"]),
    Route("/c/{cid:int}/summaries/{sid:int}", summary_page),
    Route("/c/{cid:int}/summaries/{sid:int}/汇总表.xlsx", summary_file),
    Route("/c/{cid:int}/summaries/{sid:int}/发布稿.docx", summary_published),
    Route("/c/{cid:int}/export.zip", export),
]
