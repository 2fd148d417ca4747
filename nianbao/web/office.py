"""The office's work behind its pages and the API: collections, the roster and its links,
汇总 from the latest acceptable submissions, 导出."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile

from . import db, library, queries, security, store
from .uploads import Refused, save

MAX_NAME = 100


def new_collection(conn: sqlite3.Connection, actor: str, name: str, year: str, form: str, level: str) -> int:
    name, level = name.strip(), level.strip()
    if not name or len(name) > MAX_NAME:
        raise Refused(f"请填写名称（不超过 {MAX_NAME} 个字符），如「张店区2025年度」。")
    if not year.strip().isdigit() or not 2019 <= int(year) <= 2100:
        raise Refused("年度应为 2019 至 2100 之间的四位数字。")
    expected = library.form_of_year(int(year))
    form = form or (expected or "")
    if form not in library.forms():
        raise Refused(f"表式应为 {'、'.join(library.forms())} 之一。")
    if form != expected:
        raise Refused(f"{year} 年度应使用 {expected} 年表式，与所选的 {form} 年表式不符。")
    if not level or len(level) > MAX_NAME:
        raise Refused(f"请填写汇总表的单位名称（不超过 {MAX_NAME} 个字符），如「张店区人民政府」。")
    with db.transaction(conn):
        cur = conn.execute("INSERT INTO collections(name, year, form, level, created) VALUES (?,?,?,?,?)",
                           (name, int(year), form, level, time.time()))
        cid = int(cur.lastrowid or 0)
        db.audit(conn, actor, "collection-create", f"collection={cid} name={name}")
    return cid


def import_roster(st: Any, cid: int, upload: UploadFile, actor: str) -> int:
    """Read the roster (the reader of ``consolidate --roster``) and add each agency not on
    the collection's list yet, with its link; how many were added."""
    folder, path, _name = save(st, upload)
    try:
        try:
            rows = library.roster(path)
        except library.RosterProblem as e:
            raise Refused(str(e)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return add_agencies(st, cid, rows, actor)


def add_agencies(st: Any, cid: int, rows: list[tuple[str, str, str]], actor: str) -> int:
    conn: sqlite3.Connection = st.conn
    have = conn.execute("SELECT name, uscc FROM agencies WHERE collection_id = ?", (cid,)).fetchall()
    known = {library.uscc_key(r["uscc"]) for r in have if r["uscc"]} | {library.name_key(r["name"]) for r in have}
    added = 0
    with db.transaction(conn):
        for name, uscc, region in rows:
            if (uscc and library.uscc_key(uscc) in known) or library.name_key(name) in known:
                continue
            now = time.time()
            cur = conn.execute(
                "INSERT INTO agencies(collection_id, name, uscc, region_code, token_hash, created)"
                " VALUES (?,?,?,?,?,?)", (cid, name, uscc, region, os.urandom(16).hex(), now))
            aid = int(cur.lastrowid or 0)
            token = security.agency_token(st.key, aid, str(now))
            conn.execute("UPDATE agencies SET token_hash = ? WHERE id = ?", (security.token_hash(token), aid))
            known |= {library.name_key(name)} | ({library.uscc_key(uscc)} if uscc else set())
            added += 1
        db.audit(conn, actor, "roster-import", f"collection={cid} added={added}")
    return added


def collection_agencies(st: Any, cid: int, base: str) -> list[dict[str, Any]]:
    rows = st.conn.execute("SELECT * FROM agencies WHERE collection_id = ? ORDER BY id", (cid,)).fetchall()
    return [{"id": r["id"], "name": r["name"], "uscc": r["uscc"], "region_code": r["region_code"],
             "link": f"{base}/r/{queries.agency_link_token(st.key, r)}"} for r in rows]


def diff_rows(first: dict[str, Any] | None, second: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    return library.diff(first, second)


def latest_acceptable(conn: sqlite3.Connection, cid: int) -> list[sqlite3.Row]:
    """Each agency's latest submission without errors."""
    return conn.execute(
        """
        SELECT s.*, a.name AS agency FROM agencies a
        JOIN submissions s ON s.id = (SELECT MAX(id) FROM submissions t
                                      WHERE t.agency_id = a.id AND t.status IN ('passed', 'warnings'))
        WHERE a.collection_id = ? ORDER BY a.id
        """, (cid,)).fetchall()


def _link_inputs(st: Any, rows: list[sqlite3.Row], folder: Path) -> dict[str, int]:
    """Each submission's stored file linked into ``folder`` under its agency's name."""
    names: dict[str, int] = {}
    for r in rows:
        stem = security.safe_filename(r["agency"], f"单位{r['agency_id']}")
        name = f"{stem}{r['suffix']}"
        if name in names:
            name = f"{stem}（{r['agency_id']}）{r['suffix']}"
        target = folder / name
        source = store.path_of(st.data, r["sha256"])
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        names[name] = r["id"]
    return names


def make_summary(st: Any, c: sqlite3.Row, actor: str, jobs: int | None = None) -> int:
    """汇总: the latest acceptable submission of each agency through the same consolidation as
    the CLI, with the collection's roster; the workbook stored, its members recorded."""
    conn: sqlite3.Connection = st.conn
    rows = latest_acceptable(conn, c["id"])
    if not rows:
        raise Refused("还没有可以汇总的报告（各单位最近一次无错误的报送）。")
    roster = [(r["name"], r["uscc"], r["region_code"]) for r in
              conn.execute("SELECT * FROM agencies WHERE collection_id = ? ORDER BY id", (c["id"],))]
    folder = store.workdir(st.data)
    try:
        used = _link_inputs(st, rows, folder)
        try:
            s = library.summarise(sorted(folder.iterdir()), roster, c["level"], c["year"], c["form"],
                                  jobs or st.config.limits.parallel)
        except library.SummaryProblem as e:
            raise Refused(str(e)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    sha = store.keep_bytes(st.data, s.data)
    members = {"summed": [list(m) for m in s.members], "submissions": used, "left_out": [list(r) for r in s.reasons]}
    with db.transaction(conn):
        cur = conn.execute("INSERT INTO summaries(collection_id, created, sha256, line, members) VALUES (?,?,?,?,?)",
                           (c["id"], time.time(), sha, s.line, json.dumps(members, ensure_ascii=False)))
        sid = int(cur.lastrowid or 0)
        db.audit(conn, actor, "summary", f"collection={c['id']} summary={sid} sha256={sha}")
    return sid


def export_zip(st: Any, c: sqlite3.Row, actor: str) -> bytes:
    """导出: every submission (byte-identical), its findings, and the latest summary, as one zip."""
    conn: sqlite3.Connection = st.conn
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        rows = conn.execute(
            "SELECT s.*, a.name AS agency FROM submissions s JOIN agencies a ON a.id = s.agency_id"
            " WHERE a.collection_id = ? ORDER BY s.id", (c["id"],)).fetchall()
        for r in rows:
            folder = security.safe_filename(r["agency"], f"单位{r['agency_id']}")
            base = f"报送/{folder}/{r['id']:06d}-{security.safe_filename(r['filename'])}"
            z.write(store.path_of(st.data, r["sha256"]), base)
            file = json.loads(r["result"])
            z.writestr(f"{base}.校验结果.json", json.dumps(library.validate_json([file]), ensure_ascii=False,
                                                           indent=2))
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["单位名称", "状态", "报送次数", "最近报送"])
        for x in queries.dashboard(conn, c["id"]):
            last = time.strftime("%Y-%m-%d %H:%M", time.localtime(x.last)) if x.last else ""
            w.writerow([x.name, x.state_word, x.count, last])
        z.writestr("报送情况.csv", "\ufeff" + out.getvalue())
        latest = conn.execute("SELECT * FROM summaries WHERE collection_id = ? ORDER BY id DESC LIMIT 1",
                              (c["id"],)).fetchone()
        if latest is not None:
            z.write(store.path_of(st.data, latest["sha256"]), f"{c['name']}汇总表.xlsx")
    with db.transaction(conn):
        db.audit(conn, actor, "export", f"collection={c['id']}")
    return buf.getvalue()
