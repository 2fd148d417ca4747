"""The web intake's database and file store, without a server: migrations applied once and in
order, WAL and foreign keys on, files stored by their hash and never rewritten, tokens and
passwords never stored in the clear."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from nianbao.web import db, security, store


def test_migrations_applied_once_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = db.connect(tmp_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.close()
    # a later release adds a migration: only it is applied, on the next start
    monkeypatch.setattr(db, "MIGRATIONS", (*db.MIGRATIONS, "CREATE TABLE later (x INTEGER)"))
    conn = db.connect(tmp_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)
    assert conn.execute("SELECT COUNT(*) FROM later").fetchone()[0] == 0
    conn.close()
    assert db.connect(tmp_path).execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS)


def test_a_failed_migration_leaves_the_schema_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db.connect(tmp_path).close()
    monkeypatch.setattr(db, "MIGRATIONS", (*db.MIGRATIONS, "CREATE TABLE half (x INTEGER); NOT SQL"))
    with pytest.raises(sqlite3.Error):
        db.connect(tmp_path)
    conn = sqlite3.connect(tmp_path / db.DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(db.MIGRATIONS) - 1
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchall()


def test_foreign_keys_refuse_an_orphan_submission(tmp_path: Path) -> None:
    conn = db.connect(tmp_path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO submissions(agency_id, created, filename, suffix, sha256, size, via, status, errors,"
                     " warnings, result) VALUES (999, 0, 'a', '.xlsx', 'x', 1, 'upload', 'passed', 0, 0, '{}')")


def test_files_stored_by_hash_read_only_and_never_rewritten(tmp_path: Path) -> None:
    source = tmp_path / "上传 ../名字.xlsx".replace("/", "_")
    source.write_bytes(b"first")
    sha = hashlib.sha256(b"first").hexdigest()
    kept = store.keep(tmp_path, source, sha)
    assert kept == tmp_path / "files" / sha[:2] / sha and kept.read_bytes() == b"first"
    assert not os.stat(kept).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    inode = os.stat(kept).st_ino
    assert store.keep(tmp_path, source, sha) == kept and os.stat(kept).st_ino == inode
    assert store.keep_bytes(tmp_path, b"first") == sha
    with pytest.raises(ValueError):
        store.path_of(tmp_path, "../../etc/passwd")
    # what an interrupted write left is swept at start
    (kept.parent / f".{sha}.dead.part").write_bytes(b"half")
    (tmp_path / "work" / "x").mkdir(parents=True)
    store.sweep(tmp_path)
    assert sorted(p.name for p in kept.parent.iterdir()) == [sha] and not (tmp_path / "work").exists()


def test_secrets(tmp_path: Path) -> None:
    stored = security.hash_password("a long password")
    assert "a long password" not in stored and security.check_password("a long password", stored)
    assert not security.check_password("a long passwore", stored)
    key = security.secret_key(tmp_path)
    assert security.secret_key(tmp_path) == key and stat.S_IMODE(os.stat(tmp_path / "secret.key").st_mode) == 0o600
    token = security.agency_token(key, 1, "1.5")
    assert len(token) >= 32 and token != security.agency_token(key, 2, "1.5")  # 192 bits, one per agency
    assert security.agency_token(os.urandom(32), 1, "1.5") != token
    assert security.safe_filename("../../etc/passwd") == "passwd"
    assert security.safe_filename('..\\..\\a"b\r\n.xlsx') == "ab.xlsx"


def test_a_port_in_use_is_said_in_chinese_before_anything_is_announced(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "nianbao", "serve", "--port", str(port), "--data",
                              str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"无法在 127.0.0.1:{port} 上启动" in run.stderr and "已被占用" in run.stderr
    assert "Errno" not in run.stdout + run.stderr and "已启动" not in run.stdout


def test_a_restore_from_a_damaged_backup_keeps_the_live_database(tmp_path: Path) -> None:
    from nianbao.web.backup import BackupError, restore

    data = tmp_path / "data"
    data.mkdir()
    conn = db.connect(data)
    conn.close()
    live = (data / db.DB_NAME).read_bytes()
    source = tmp_path / "备份"
    source.mkdir()
    (source / db.DB_NAME).write_bytes(b"not a database at all" * 100)
    (source / security.SECRET_NAME).write_bytes(b"k" * 32)
    with pytest.raises(BackupError, match="无法打开或已损坏"):
        restore(source, data)
    assert (data / db.DB_NAME).read_bytes() == live
