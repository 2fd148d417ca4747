"""A submission, recorded whole or not at all: the file is stored first (written to a
temporary name, flushed, renamed: :mod:`~nianbao.web.store`), then one transaction records
it. A server killed in between leaves at most a stored file no record names, never a record
without its file; nothing recorded before is touched."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import db, library, store, worker


@dataclass(frozen=True)
class Received:
    id: int
    created: float
    filename: str
    sha256: str
    size: int
    checked: dict[str, Any]


def sha256_of(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def examine(limits: worker.Limits, path: Path, shown: str) -> dict[str, Any]:
    """The file read and validated in a worker process; a worker that gave no result (time,
    memory, a crash) is an unreadable file with the reason, in Chinese."""
    try:
        checked: dict[str, Any] = worker.run(limits, library.check, str(path), shown)
    except worker.Failed as e:
        checked = library.failed_check(shown, f"{shown}：{e}")
    return checked


def record(st: Any, agency_id: int, path: Path, filename: str, via: str,
           checked: dict[str, Any], actor: str) -> Received:
    """Store the file at ``path`` and record the submission, in that order. ``st`` gives the
    data folder and this thread's database connection."""
    conn: sqlite3.Connection = st.conn
    data: Path = st.data
    sha, size = sha256_of(path)
    store.keep(data, path, sha)
    name, uscc = library.agency_of(checked["document"])
    year, form = library.year_and_form(checked["document"])
    file = checked["file"]
    now = time.time()
    with db.transaction(conn):
        cur = conn.execute(
            "INSERT INTO submissions(agency_id, created, filename, suffix, sha256, size, via, status, errors, warnings,"
            " reported_name, reported_uscc, result, document, headlines, reported_year, reported_form)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (agency_id, now, filename, path.suffix.lower(), sha, size, via, checked["status"], file["errors"],
             file["warnings"], name, uscc, json.dumps(file, ensure_ascii=False),
             json.dumps(checked["document"], ensure_ascii=False) if checked["document"] is not None else None,
             json.dumps(checked["headlines"], ensure_ascii=False), year, form),
        )
        sid = cur.lastrowid
        assert sid is not None
        db.audit(conn, actor, "submit", f"agency={agency_id} submission={sid} sha256={sha} via={via}")
    return Received(sid, now, filename, sha, size, checked)
