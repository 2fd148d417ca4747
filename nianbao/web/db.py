"""The database: SQLite through the standard library, WAL mode, foreign keys on, and numbered
schema migrations applied at start (``PRAGMA user_version`` holds the last one applied)."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

DB_NAME = "nianbao.sqlite3"

# Each migration is applied once, in order, in one transaction with the version it brings.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        password TEXT NOT NULL,          -- scrypt$n$r$p$salt$hash
        token_hash TEXT UNIQUE,          -- SHA-256 of the API bearer token
        created REAL NOT NULL
    );
    CREATE TABLE collections (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        year INTEGER NOT NULL,
        form TEXT NOT NULL,
        level TEXT NOT NULL,             -- the summary's agency name, e.g. 张店区人民政府
        created REAL NOT NULL
    );
    CREATE TABLE agencies (
        id INTEGER PRIMARY KEY,
        collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        uscc TEXT NOT NULL DEFAULT '',
        region_code TEXT NOT NULL DEFAULT '',
        token_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the link's token (the token itself is never stored)
        created REAL NOT NULL
    );
    CREATE INDEX agencies_collection ON agencies(collection_id);
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
        created REAL NOT NULL,
        filename TEXT NOT NULL,          -- the uploader's file name, for display only
        suffix TEXT NOT NULL,
        sha256 TEXT NOT NULL,            -- the stored file (store.py)
        size INTEGER NOT NULL,
        via TEXT NOT NULL,               -- upload / fill / api
        status TEXT NOT NULL,            -- passed / warnings / errors / unreadable
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        reported_name TEXT NOT NULL DEFAULT '',
        reported_uscc TEXT NOT NULL DEFAULT '',
        result TEXT NOT NULL,            -- the file's entry of validate --format json
        document TEXT,                   -- the report read from it (JSON), when readable
        headlines TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX submissions_agency ON submissions(agency_id, id);
    CREATE TABLE summaries (
        id INTEGER PRIMARY KEY,
        collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        created REAL NOT NULL,
        sha256 TEXT NOT NULL,
        line TEXT NOT NULL,
        members TEXT NOT NULL            -- JSON: the agencies summed and the submissions used
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        at REAL NOT NULL
    );
    """,
    # 2: the year and form a submission's report says it is, beside the collection's
    """
    ALTER TABLE submissions ADD COLUMN reported_year INTEGER;
    ALTER TABLE submissions ADD COLUMN reported_form TEXT NOT NULL DEFAULT ''
    """,
)


def connect(data: Path) -> sqlite3.Connection:
    """A connection to the data folder's database, migrated to the latest schema."""
    conn = sqlite3.connect(data / DB_NAME, timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 30000")
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations not applied yet; the schema's version after."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], version + 1):
        with transaction(conn):
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def audit(conn: sqlite3.Connection, actor: str, action: str, detail: str = "") -> None:
    conn.execute("INSERT INTO audit(at, actor, action, detail) VALUES (?, ?, ?, ?)",
                 (time.time(), actor, action, detail))


def backup(data: Path, target: Path) -> None:
    """A consistent copy of the database while the server runs (SQLite's online backup)."""
    source = sqlite3.connect(data / DB_NAME)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    dest = sqlite3.connect(tmp)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    tmp.replace(target)
