"""Uploaded files on disk, by the SHA-256 of their bytes: ``files/ab/abcdef…``. A file is
written to a temporary name in the same folder, flushed, then renamed into place; a stored
file is never modified, and never named after the uploader's file name."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

FILES = "files"
WORK = "work"
_HEX = re.compile(r"^[0-9a-f]{64}$")


def path_of(data: Path, sha256: str) -> Path:
    if not _HEX.match(sha256):
        raise ValueError("not a SHA-256")
    return data / FILES / sha256[:2] / sha256


def workdir(data: Path) -> Path:
    """A fresh private folder for one request's temporary files."""
    d = data / WORK / secrets.token_hex(16)
    d.mkdir(parents=True, mode=0o700)
    return d


def keep(data: Path, source: Path, sha256: str) -> Path:
    """Store ``source`` (whose hash is ``sha256``) unless stored already; its stored path."""

    def copy(dst: BinaryIO) -> None:
        with open(source, "rb") as src:
            while chunk := src.read(1 << 20):
                dst.write(chunk)

    return _put(data, sha256, copy)


def keep_bytes(data: Path, content: bytes) -> str:
    """Store ``content`` unless stored already; its SHA-256."""
    sha = hashlib.sha256(content).hexdigest()
    _put(data, sha, lambda dst: dst.write(content))
    return sha


def _put(data: Path, sha256: str, write: Callable[[BinaryIO], object]) -> Path:
    """Written to a temporary name beside the target, flushed, made read-only, renamed."""
    target = path_of(data, sha256)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{sha256}.{secrets.token_hex(4)}.part")
    with open(tmp, "xb") as dst:
        write(dst)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    _sync_dir(target.parent)
    return target


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sweep(data: Path) -> None:
    """At start: remove what interrupted requests left (work folders, half-written files)."""
    import shutil

    shutil.rmtree(data / WORK, ignore_errors=True)
    files = data / FILES
    if files.is_dir():
        for part in files.glob("*/.*.part"):
            part.unlink(missing_ok=True)
