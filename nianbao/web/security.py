"""Passwords, tokens, CSRF and the headers every response carries.

* Office passwords: scrypt (``hashlib.scrypt``), a random salt each, compared in constant time.
* Agency links: a token of 192 bits, made from the server's secret key and the agency's id
  (HMAC-SHA256), so the office can print the links again; the database keeps only the
  token's SHA-256, so a copy of the database alone opens no link.
* API tokens: 256 random bits, printed once by ``nianbao users token``; only the hash is kept.
* Sessions: Starlette's signed cookie (HttpOnly, SameSite=Lax); the CSRF token lives in it
  and every form carries it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_NAME = "secret.key"
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
FAILED_LOGIN_WINDOW = 15 * 60  # seconds
FAILED_LOGIN_DELAY = 1.0  # seconds per recent failure, at most MAX_LOGIN_DELAY
MAX_LOGIN_DELAY = 10.0

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",  # the agency's token is in the path: never sent elsewhere
    "cache-control": "no-store",
}


def secret_key(data: Path) -> bytes:
    """The server's secret (sessions, agency links), made once and kept in the data folder."""
    path = data / SECRET_NAME
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key.hex())
        return key


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT, maxmem=64 * 1024 * 1024)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                         maxmem=64 * 1024 * 1024)
    return hmac.compare_digest(got.hex(), digest)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def agency_token(key: bytes, agency_id: int, salt: str) -> str:
    """The token of an agency's link (192 bits, URL-safe)."""
    mac = hmac.new(key, f"agency:{agency_id}:{salt}".encode(), hashlib.sha256).digest()[:24]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def api_token() -> str:
    return secrets.token_urlsafe(32)


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def login_delay(failures: int) -> float:
    """Seconds to wait before answering a login after ``failures`` recent failures."""
    return min(MAX_LOGIN_DELAY, FAILED_LOGIN_DELAY * failures)


def safe_filename(name: str, fallback: str = "文件") -> str:
    """A file name for display and for a download's Content-Disposition: the last part of
    whatever path was sent, without control characters, quotes or path separators."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*;')
    name = name.strip().lstrip(".")
    return name[:120] or fallback
