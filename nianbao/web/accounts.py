"""Office accounts: ``nianbao users add`` and ``nianbao users token``."""

from __future__ import annotations

import time
from pathlib import Path

from . import db, security

MIN_PASSWORD = 8


class AccountError(Exception):
    """``str()`` is the Chinese message."""


def prepare(data: Path) -> None:
    data.mkdir(parents=True, exist_ok=True)
    security.secret_key(data)


def add_user(data: Path, name: str, password: str) -> bool:
    """Create the user, or set a new password for an existing one; whether it was new."""
    name = name.strip()
    if not name or len(name) > 50:
        raise AccountError("用户名不能为空，且不超过 50 个字符")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符")
    prepare(data)
    conn = db.connect(data)
    try:
        hashed = security.hash_password(password)
        with db.transaction(conn):
            row = conn.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
            if row is None:
                conn.execute("INSERT INTO users(name, password, created) VALUES (?, ?, ?)", (name, hashed, time.time()))
            else:
                conn.execute("UPDATE users SET password = ? WHERE id = ?", (hashed, row["id"]))
            db.audit(conn, "cli", "user-add" if row is None else "user-password", name)
        return row is None
    finally:
        conn.close()


def new_token(data: Path, name: str) -> str:
    """A new API token for the user (any earlier one stops working); only its hash is kept."""
    prepare(data)
    conn = db.connect(data)
    try:
        token = security.api_token()
        with db.transaction(conn):
            cur = conn.execute("UPDATE users SET token_hash = ? WHERE name = ?", (security.token_hash(token), name))
            if cur.rowcount == 0:
                raise AccountError(f"没有用户「{name}」；请先运行 nianbao users add {name}")
            db.audit(conn, "cli", "user-token", name)
        return token
    finally:
        conn.close()


def user_count(data: Path) -> int:
    conn = db.connect(data)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM users").fetchone()[0])
    finally:
        conn.close()
