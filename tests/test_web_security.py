"""The web intake's security: a token opens its own agency only, CSRF on every form, the
upload cap before the body is read, hostile files refused by the existing checks, harmless
file names, the headers, sessions and the delay after failed logins."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hostile_cases import plain_workbook_bytes, xml_bomb_shared_strings, zip_bomb
from web_server import (
    PASSWORD,
    USER,
    Server,
    create_collection,
    csrf_of,
    import_roster,
    make_user,
    office,
    reports,
    upload,
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return reports(tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("data")
    make_user(data)
    s = Server(data, "--max-upload", "5")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def links(server: Server, files: dict[str, Path]) -> dict[str, str]:
    c = office(server.base)
    return import_roster(c, create_collection(c), files["roster"])


def clerk() -> httpx.Client:
    return httpx.Client(follow_redirects=True, timeout=120)


def count(server: Server) -> int:
    import sqlite3

    conn = sqlite3.connect(server.data / "nianbao.sqlite3")
    try:
        return int(conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])
    finally:
        conn.close()


def test_a_token_opens_its_own_agency_only(server: Server, files: dict[str, Path], links: dict[str, str]) -> None:
    a = clerk()
    r = upload(a, links["尚志市卫生健康局"], files["good"])
    sid = str(r.url).rsplit("/", 1)[-1]
    assert a.get(f"{links['尚志市卫生健康局']}/s/{sid}/file").status_code == 200
    other = links["尚志市教育局"]
    for path in (f"/s/{sid}", f"/s/{sid}/file", f"/s/{sid}/annotated.xlsx", f"/s/{sid}/template.xlsx"):
        r = a.get(other + path)
        assert r.status_code == 404 and files["good"].read_bytes() not in r.content
    base = links["尚志市教育局"].rsplit("/", 1)[0]
    assert a.get(base + "/notatoken").status_code == 404
    assert a.get(links["尚志市教育局"][:-1] + "x").status_code == 404
    # the office's pages need a login
    r = httpx.get(server.base + "/c/1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_forms_need_the_csrf_token(server: Server, files: dict[str, Path], links: dict[str, str]) -> None:
    before = count(server)
    a = clerk()
    a.get(links["尚志市卫生健康局"])
    r = a.post(links["尚志市卫生健康局"] + "/upload", files={"file": ("a.xlsx", files["good"].read_bytes())})
    assert r.status_code == 403 and "校验码" in r.text
    r = a.post(links["尚志市卫生健康局"] + "/upload", data={"csrf": "forged"},
               files={"file": ("a.xlsx", files["good"].read_bytes())})
    assert r.status_code == 403
    assert count(server) == before
    c = httpx.Client(base_url=server.base, timeout=60)
    c.get("/login")
    assert c.post("/login", data={"name": USER, "password": PASSWORD}).status_code == 403
    o = office(server.base)
    r = o.post("/", data={"name": "x", "year": "2021", "level": "x"})
    assert r.status_code == 403


def _raw(server: Server, head: bytes, body: bytes) -> tuple[bytes, float]:
    """Send a request's head and the start of its body; the answer and how long it took."""
    import threading

    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:

        def send() -> None:
            try:
                s.sendall(head + body)
            except OSError:  # the server stopped reading and closed: what the test wants
                pass

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        got = b""
        try:
            while b"\r\n\r\n" not in got:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except ConnectionResetError:
            pass
        took = time.monotonic() - start
    sender.join(5)
    return got, took


def test_oversized_upload_refused_before_it_is_read(server: Server, links: dict[str, str]) -> None:
    path = "/" + links["尚志市卫生健康局"].split("/", 3)[3] + "/upload"
    before = count(server)
    # declared: 500 MB, of which 1 KB is sent; the answer comes at once
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {500 * 1024 * 1024}\r\n\r\n").encode()
    got, took = _raw(server, head, b"x" * 1024)
    assert got.startswith(b"HTTP/1.1 413") and took < 10
    # not declared (chunked): reading stops past the cap
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()
    start = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n'
    chunk = b"y" * 65536
    body = b"%x\r\n%s\r\n" % (len(start), start)
    body += b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(120))  # 7.5 MB > 5 MB
    got, _took = _raw(server, head, body)
    assert got.startswith(b"HTTP/1.1 413")
    assert count(server) == before


@pytest.mark.parametrize("make", [zip_bomb, xml_bomb_shared_strings])
def test_bombs_refused_by_the_existing_checks(server: Server, links: dict[str, str], tmp_path: Path,
                                             make: Any) -> None:
    bomb = make(tmp_path, plain_workbook_bytes())
    r = upload(clerk(), links["尚志市民政局"], bomb, json_reply=True)
    assert r.status_code == 200
    file = r.json()["files"][0]
    assert file["status"] == "无法读取" and file["findings"][0]["rule"] == "READ"
    assert bomb.name in file["findings"][0]["message"]


def test_path_traversal_file_name_is_harmless(server: Server, files: dict[str, Path], links: dict[str, str]) -> None:
    evil = "../../../../tmp/nianbao-evil-web23.xlsx"
    Path("/tmp/nianbao-evil-web23.xlsx").unlink(missing_ok=True)
    r = upload(clerk(), links["尚志市民政局"], files["good"], name=evil, json_reply=True)
    assert r.status_code == 200
    assert r.json()["receipt"]["file"] == "nianbao-evil-web23.xlsx"
    assert not Path("/tmp/nianbao-evil-web23.xlsx").exists()
    stored = [p for p in (server.data / "files").rglob("*") if p.is_file()]
    assert all(re.fullmatch(r"[0-9a-f]{64}", p.name) for p in stored)
    r = upload(clerk(), links["尚志市民政局"], files["good"], name='a"\r\nX-Evil: 1\r\n.xlsx')
    sid = str(r.url).rsplit("/", 1)[-1]
    got = clerk().get(f"{links['尚志市民政局']}/s/{sid}/file")
    assert "x-evil" not in got.headers and got.headers["content-disposition"].startswith("attachment;")


def test_headers(server: Server, links: dict[str, str]) -> None:
    for url in (server.base + "/login", links["尚志市卫生健康局"], links["尚志市卫生健康局"] + "/template.xlsx"):
        r = httpx.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    r = httpx.get(links["尚志市卫生健康局"] + "/template.xlsx")
    assert r.headers["content-disposition"].startswith("attachment;")
    for page in (httpx.get(server.base + "/login").text, httpx.get(links["尚志市卫生健康局"] + "/fill").text):
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), "inline script"
        assert not re.search(r"\son[a-z]+=", page), "inline event handler"


def test_head_is_a_safe_method(server: Server, links: dict[str, str]) -> None:
    """A HEAD (a link checker, a proxy's health check) is answered like a GET, never refused
    as a form posted without its CSRF token."""
    for url in (server.base + "/login", links["尚志市卫生健康局"] + "/fill"):
        assert httpx.head(url).status_code == 200, url


def test_session_cookie_and_login_delay(server: Server) -> None:
    c = httpx.Client(base_url=server.base, timeout=60)
    r = c.get("/login")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    token = csrf_of(r.text)
    times = []
    for _ in range(3):
        start = time.monotonic()
        r = c.post("/login", data={"csrf": token, "name": "nobody", "password": "wrong password"})
        times.append(time.monotonic() - start)
        assert r.status_code == 401 and "不正确" in r.text
    assert times[2] >= 2.0 > times[0]
