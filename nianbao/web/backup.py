"""Backup and restore of a data folder: the database by SQLite's online backup (consistent
while the server runs), the stored files copied (content-addressed: an existing one is the
same file and is skipped), the secret key (the agencies' links depend on it)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from . import db, security, store


class BackupError(Exception):
    pass


def backup(data: Path, target: Path) -> int:
    """Copy ``data`` into the folder ``target``; how many stored files were copied."""
    return _copy(data, target, "不是报送数据文件夹")


def restore(source: Path, data: Path) -> int:
    """Put a backup back into ``data`` (with the server stopped)."""
    copied = _copy(source, data, "不是备份文件夹", db.DB_NAME + ".part")  # whole first: the live
    for extra in ("-wal", "-shm"):  # database is not touched until its copy is
        (data / (db.DB_NAME + extra)).unlink(missing_ok=True)
    (data / (db.DB_NAME + ".part")).replace(data / db.DB_NAME)
    return copied


def _copy(source: Path, target: Path, not_one: str, database: str = db.DB_NAME) -> int:
    """The stored files, the key and the database (into ``database`` in ``target``)."""
    if not (source / db.DB_NAME).is_file():
        raise BackupError(f"{source} {not_one}（没有 {db.DB_NAME}）")
    target.mkdir(parents=True, exist_ok=True)
    copied = _files(source / store.FILES, target / store.FILES)
    shutil.copyfile(source / security.SECRET_NAME, target / security.SECRET_NAME)
    _database(source, target / database)
    return copied


def _database(source: Path, target: Path) -> None:
    """SQLite's online backup of ``source``'s database into the file ``target``."""
    try:
        db.backup(source, target)
    except sqlite3.Error:  # (its words are English)
        target.unlink(missing_ok=True)
        raise BackupError(f"{source / db.DB_NAME} 无法打开或已损坏（SQLite 数据库），未能复制数据库") from None


def _files(source: Path, target: Path) -> int:
    copied = 0
    if not source.is_dir():
        return 0
    for f in source.glob("*/*"):
        if f.name.startswith("."):
            continue
        dest = target / f.parent.name / f.name
        if dest.exists():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{f.name}.part")
        shutil.copyfile(f, tmp)
        tmp.replace(dest)
        copied += 1
    return copied
