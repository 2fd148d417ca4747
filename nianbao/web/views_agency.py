"""The agency clerk's pages, reached through the agency's own link (``/r/{token}``): no
account, and the token opens its own agency's pages and nothing else."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from . import library, queries, store
from .app import DOCX, XLSX, download, in_thread, render, state, submission_of, when
from .uploads import MAX_FIELDS, Refused, check_csrf, read_form, receive_file, submit, submit_document

JSON_TYPE = "application/json"


def wants_json(request: Request) -> bool:
    return JSON_TYPE in request.headers.get("accept", "")


def agency(request: Request) -> sqlite3.Row:
    row = queries.agency_by_token(state(request).conn, request.path_params["token"])
    if row is None:
        raise HTTPException(404)
    return row


def agency_info(a: sqlite3.Row) -> dict[str, str]:
    return {"name": a["name"], "uscc": a["uscc"], "region_code": a["region_code"]}


def receipt(r: Any) -> dict[str, Any]:
    return {"id": r.id, "time": when(r.created), "file": r.filename, "sha256": r.sha256, "size": r.size}


def result_context(a: sqlite3.Row, row: sqlite3.Row) -> dict[str, Any]:
    """What a submission's page shows: the findings, the tables marked, the receipt."""
    file, document = queries.parsed(row)
    findings = library.findings_of(file)
    form = document.get("form") if document else None
    form = form if form in library.forms() else a["form"]
    return {
        "sub": row,
        "file": file,
        "findings": findings,
        "others": library.unplaced(form, findings),
        "tables": library.tables(form, document, findings) if document else [],
        "status_word": library.status_word(row["status"]),
        "annotatable": library.can_annotate(row["suffix"]),
    }


async def home(request: Request) -> Response:
    a = agency(request)
    conn = state(request).conn
    subs = queries.submissions(conn, a["id"])
    context: dict[str, Any] = {"agency": a, "subs": subs, "token": request.path_params["token"],
                               "accept": library.upload_suffixes()}
    if subs:
        latest = queries.submission(conn, a["id"], subs[0]["id"])
        assert latest is not None
        context.update(result_context(a, latest))
    return render(request, "agency.html", **context)


async def template(request: Request) -> Response:
    a = agency(request)
    data = await in_thread(library.template_bytes, a["form"], a["year"], agency_info(a))
    return download(data, f"{a['name']}{a['year']}年度报告模板.xlsx", XLSX)


async def upload(request: Request) -> Response:
    a = agency(request)
    token = request.path_params["token"]
    try:
        _form, file = await receive_file(request)
    except Refused as e:
        return refused(request, e, a, token)
    got = await submit(request, a["id"], file, "api" if wants_json(request) else "upload", f"agency:{a['id']}")
    if wants_json(request):
        body = library.validate_json([got.checked["file"]])
        body["receipt"] = receipt(got)
        return JSONResponse(body)
    return RedirectResponse(f"/r/{token}/s/{got.id}", status_code=303)


def refused(request: Request, e: Refused, a: sqlite3.Row | None = None, token: str = "") -> Response:
    if wants_json(request):
        return JSONResponse({"error": str(e)}, status_code=e.status)
    return render(request, "error.html", status=e.status, title="未能接收", message=str(e),
                  back=f"/r/{token}" if token else None)


async def shown(request: Request) -> Response:
    a = agency(request)
    row = submission_of(request, a["id"])
    return render(request, "submission.html", agency=a, token=request.path_params["token"], receipt_of=True,
                  **result_context(a, row))


def _stored(request: Request) -> tuple[sqlite3.Row, sqlite3.Row]:
    a = agency(request)
    return a, submission_of(request, a["id"])


async def original(request: Request) -> Response:
    _a, row = _stored(request)
    data = store.path_of(state(request).data, row["sha256"]).read_bytes()
    return download(data, row["filename"])


async def annotated(request: Request) -> Response:
    _a, row = _stored(request)
    return await annotated_copy(request, row)


async def annotated_copy(request: Request, row: sqlite3.Row) -> Response:
    st = state(request)
    if not library.can_annotate(row["suffix"]) or row["status"] == "unreadable":
        raise HTTPException(404)
    file, _doc = queries.parsed(row)
    folder = store.workdir(st.data)
    try:
        source = folder / f"原件{row['suffix']}"
        source.write_bytes(store.path_of(st.data, row["sha256"]).read_bytes())
        out = folder / "标注副本.xlsx"
        await in_thread(library.annotated, source, file, out)
        data = out.read_bytes()
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    stem = row["filename"].rsplit(".", 1)[0]
    return download(data, f"{stem}（标注副本）.xlsx", XLSX)


async def filled(request: Request) -> Response:
    a, row = _stored(request)
    return await filled_template(row, a["name"])


async def filled_template(row: sqlite3.Row, name: str) -> Response:
    _file, document = queries.parsed(row)
    if not document or document.get("form") not in library.forms():
        raise HTTPException(404)
    data = await in_thread(library.template_bytes, document["form"], document.get("year"), None, document)
    return download(data, f"{name}（填入模板）.xlsx", XLSX)


def typed_of(form: FormData, pointers: list[str]) -> dict[str, str]:
    return {p: str(form.get(p) or "")[:40] for p in pointers if form.get(p)}


def cover_of(form: FormData, a: sqlite3.Row) -> dict[str, str]:
    """The agency's fields typed on the page; its name is the roster's."""
    typed = {key: str(form.get(f"agency.{key}") or "")[:200] for key, _label in library.agency_fields()}
    typed["name"] = a["name"]
    return typed


def cover_fields(a: sqlite3.Row, document: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(key, label, value) of each agency field for the 填报 page."""
    given = dict(agency_info(a))
    if document and isinstance(document.get("agency"), dict):
        given.update({k: str(v) for k, v in document["agency"].items() if isinstance(v, (str, int)) and v != ""})
    given["name"] = a["name"]
    return [(key, label, given.get(key, "")) for key, label in library.agency_fields()]


async def fill(request: Request) -> Response:
    a = agency(request)
    token = request.path_params["token"]
    pointers = library.cell_pointers(a["form"])
    if request.method in ("GET", "HEAD"):
        conn = state(request).conn
        subs = queries.submissions(conn, a["id"])
        typed: dict[str, str] = {}
        latest: dict[str, Any] | None = None
        for s in subs:  # start from the latest report read
            row = queries.submission(conn, a["id"], s["id"])
            if row is not None and row["document"]:
                _f, doc = queries.parsed(row)
                if doc and doc.get("form") == a["form"]:
                    typed = library.typed_of_document(doc)
                    latest = doc
                    break
        return render(request, "fill.html", agency=a, token=token, cover=cover_fields(a, latest),
                      tables=library.tables(a["form"], None, (), typed=typed), findings=[], others=[])
    form = await read_form(request, 0, MAX_FIELDS)
    try:
        check_csrf(request, form)
    except Refused as e:
        return refused(request, e, a, token)
    typed = typed_of(form, pointers)
    document = library.typed_report(a["form"], a["year"], cover_of(form, a), typed)
    got = await submit_document(request, a["id"], document, f"agency:{a['id']}")
    return RedirectResponse(f"/r/{token}/s/{got.id}", status_code=303)


async def fill_check(request: Request) -> Response:
    """The typed tables checked by the server's validation (the page's script calls this as
    the clerk types; the rules stay in the library)."""
    a = agency(request)
    form = await read_form(request, 0, MAX_FIELDS)
    try:
        check_csrf(request, form)
    except Refused as e:
        return JSONResponse({"error": str(e)}, status_code=e.status)
    typed = typed_of(form, library.cell_pointers(a["form"]))
    document = library.typed_report(a["form"], a["year"], cover_of(form, a), typed)
    checked = await in_thread(library.check_document, document, "在线填报")
    findings = library.findings_of(checked["file"])
    cells: dict[str, list[dict[str, str]]] = {}
    for t in library.tables(a["form"], document, findings):
        for row in t.rows:
            for box in row:
                if box.marks:
                    cells[box.pointer] = [{"severity": m.severity, "word": m.word, "rule": m.rule,
                                           "message": m.message} for m in box.marks]
    computed = {box.pointer: box.text for t in library.tables(a["form"], document) for row in t.rows
                for box in row if box.computed}
    return JSONResponse({
        "status": library.status_word(checked["status"]),
        "errors": checked["file"]["errors"], "warnings": checked["file"]["warnings"],
        "cells": cells, "computed": computed,
        "others": [{"severity": f.severity.value, "word": f.severity.display, "message": f.message}
                   for f in library.unplaced(a["form"], findings)],
    })


routes = [
    Route("/r/{token}", home),
    Route("/r/{token}/template.xlsx", template),
    Route("/r/{token}/upload", upload, methods=["POST"]),
    Route("/r/{token}/fill", fill, methods=["GET", "POST"]),
    Route("/r/{token}/fill/check", fill_check, methods=["POST"]),
    Route("/r/{token}/s/{sid:int}", shown),
    Route("/r/{token}/s/{sid:int}/file", original),
    Route("/r/{token}/s/{sid:int}/annotated.xlsx", annotated),
    Route("/r/{token}/s/{sid:int}/template.xlsx", filled),
]

__all__ = ["DOCX", "json", "routes"]
