"""What the pages read from the database, and the dashboard's status of each agency."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import library, security

# The dashboard's states, in the order they are listed and filtered.
NOT_SUBMITTED, ERRORS, WARNINGS, PASSED, DUPLICATE, NOT_ON_ROSTER = (
    "missing", "errors", "warnings", "passed", "duplicate", "unlisted",
)
STATES = {
    NOT_SUBMITTED: "未报送",
    ERRORS: "有错误",
    WARNINGS: "仅有警告",
    PASSED: "通过",
    DUPLICATE: "重复",
    NOT_ON_ROSTER: "不在名单",
}


def agency_by_token(conn: sqlite3.Connection, token: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT a.*, c.name AS collection, c.year, c.form, c.level FROM agencies a"
        " JOIN collections c ON c.id = a.collection_id WHERE a.token_hash = ?",
        (security.token_hash(token),),
    ).fetchone()
    return row


def agency_link_token(key: bytes, agency: sqlite3.Row) -> str:
    return security.agency_token(key, agency["id"], str(agency["created"]))


def submissions(conn: sqlite3.Connection, agency_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT id, created, filename, suffix, sha256, size, via, status, errors, warnings FROM submissions"
        " WHERE agency_id = ? ORDER BY id DESC", (agency_id,)).fetchall()


def submission(conn: sqlite3.Connection, agency_id: int, sid: int) -> sqlite3.Row | None:
    """A submission of this agency only: a token or a page never reaches another agency's."""
    row: sqlite3.Row | None = conn.execute("SELECT * FROM submissions WHERE id = ? AND agency_id = ?",
                                           (sid, agency_id)).fetchone()
    return row


def parsed(row: sqlite3.Row) -> tuple[dict[str, Any], dict[str, Any] | None]:
    file = json.loads(row["result"])
    document = json.loads(row["document"]) if row["document"] else None
    return file, document


@dataclass
class Line:
    """One agency on the dashboard."""

    id: int
    name: str
    uscc: str
    state: str
    count: int
    last: float | None
    latest: int | None
    errors: int
    warnings: int
    headlines: list[Any]
    reported: str
    other_year: str = ""  # the report is of another year or form than the collection's (not summed)

    @property
    def state_word(self) -> str:
        return STATES[self.state]


def dashboard(conn: sqlite3.Connection, collection_id: int) -> list[Line]:
    """Every agency of the collection with its latest submission and its state, in one query."""
    rows = conn.execute(
        """
        SELECT a.id, a.name, a.uscc, n.count, s.id AS sid, s.created, s.status, s.errors, s.warnings,
               s.reported_name, s.reported_uscc, s.sha256, s.headlines, s.reported_year, s.reported_form,
               c.year AS collection_year, c.form AS collection_form
        FROM agencies a
        JOIN collections c ON c.id = a.collection_id
        LEFT JOIN (SELECT agency_id, COUNT(*) AS count, MAX(id) AS last FROM submissions GROUP BY agency_id) n
               ON n.agency_id = a.id
        LEFT JOIN submissions s ON s.id = n.last
        WHERE a.collection_id = ? ORDER BY a.id
        """,
        (collection_id,),
    ).fetchall()
    return states(rows)


def states(rows: Iterable[sqlite3.Row]) -> list[Line]:
    rows = list(rows)
    usccs = {library.uscc_key(r["uscc"]) for r in rows if r["uscc"]}
    names = {library.name_key(r["name"]) for r in rows}
    by_hash: dict[str, int] = {}
    for r in rows:
        if r["sid"] is not None:
            by_hash[r["sha256"]] = by_hash.get(r["sha256"], 0) + 1
    out = []
    for r in rows:
        state = NOT_SUBMITTED
        if r["sid"] is not None:
            name, uscc = r["reported_name"], r["reported_uscc"]
            own = library.same_agency(name, uscc, r["name"], r["uscc"]) or (
                not r["uscc"] and library.same_agency(name, "", r["name"], ""))
            listed = (uscc and library.uscc_key(uscc) in usccs) or library.name_key(name) in names
            if by_hash[r["sha256"]] > 1 or (name and not own and listed):
                state = DUPLICATE  # the same file sent by two links, or another roster agency's report
            elif r["status"] != "unreadable" and name and not own and not listed:
                state = NOT_ON_ROSTER
            elif r["status"] in ("errors", "unreadable") or other_year(r):
                state = ERRORS
            elif r["status"] == "warnings":
                state = WARNINGS
            else:
                state = PASSED
        out.append(Line(r["id"], r["name"], r["uscc"], state, r["count"] or 0, r["created"], r["sid"],
                        r["errors"] or 0, r["warnings"] or 0, json.loads(r["headlines"]) if r["headlines"] else [],
                        r["reported_name"] or "", other_year(r) if r["sid"] is not None else ""))
    return out


def other_year(r: sqlite3.Row) -> str:
    """"2019 年度，2019 年表式" when the report is not of the collection's year and form."""
    year, form = r["reported_year"], r["reported_form"]
    if r["status"] == "unreadable" or year is None or (year == r["collection_year"] and form == r["collection_form"]):
        return ""
    return f"{year} 年度，{form} 年表式"
