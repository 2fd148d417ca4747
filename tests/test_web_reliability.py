"""The web intake's reliability: a submission recorded whole or not at all, ``kill -9``
during an upload, a restart losing nothing, 50 simultaneous uploads, and the worker's time
and memory limits (the server answering everyone else meanwhile)."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web_server import Server, create_collection, import_roster, make_user, office, reports, upload

from nianbao.web import worker


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return reports(tmp_path_factory.mktemp("reports"))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    make_user(tmp_path / "data")
    return tmp_path / "data"


@pytest.fixture
def server(data: Path) -> Iterator[Server]:
    s = Server(data)
    yield s
    s.stop()


def rows(data: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(data / "nianbao.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [(r[0], r[1]) for r in conn.execute("SELECT id, sha256 FROM submissions ORDER BY id")]
    finally:
        conn.close()


def test_fifty_simultaneous_uploads_are_all_recorded(server: Server, files: dict[str, Path]) -> None:
    c = office(server.base)
    links = import_roster(c, create_collection(c), files["roster"])
    link = links["尚志市卫生健康局"]
    results: list[int] = []
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            with httpx.Client(follow_redirects=True, timeout=300) as a:
                r = upload(a, link, files["good"], json_reply=True, name=f"第{i}份.xlsx")
                assert r.status_code == 200, r.text
                results.append(r.json()["receipt"]["id"])
        except BaseException as e:  # noqa: BLE001 - gathered and asserted below
            errors.append(e)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    assert not errors, errors[:3]
    assert len(set(results)) == 50
    assert len(rows(server.data)) == 50


def test_kill_9_during_an_upload_leaves_no_half_record(data: Path, files: dict[str, Path]) -> None:
    s = Server(data)
    try:
        c = office(s.base)
        links = import_roster(c, create_collection(c), files["roster"])
        a = httpx.Client(follow_redirects=True, timeout=120)
        assert upload(a, links["尚志市卫生健康局"], files["good"]).status_code == 200
        before = rows(data)
        # an upload whose body is half sent when the server is killed
        path = "/" + links["尚志市教育局"].split("/", 3)[3] + "/upload"
        body = files["other"].read_bytes()
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {len(body) * 2}\r\n\r\n").encode()
        sock = socket.create_connection(("127.0.0.1", s.port))
        sock.sendall(head + b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n' + body)
        time.sleep(0.5)
        s.kill9()
        sock.close()
    finally:
        s.stop()
    assert rows(data) == before
    again = Server(data)  # a restart loses nothing
    try:
        a = httpx.Client(follow_redirects=True, timeout=120)
        page = a.get(links["尚志市卫生健康局"].replace(s.base, again.base))
        assert "通过" in page.text
        sid = before[0][0]
        got = a.get(links["尚志市卫生健康局"].replace(s.base, again.base) + f"/s/{sid}/file")
        assert hashlib.sha256(got.content).hexdigest() == before[0][1]
        assert not (data / "work").exists() or not any((data / "work").iterdir())
    finally:
        again.stop()


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def _hog(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def test_worker_time_limit() -> None:
    limits = worker.Limits(parallel=1, seconds=1.0)
    start = time.monotonic()
    with pytest.raises(worker.Failed, match="超过 1 秒"):
        worker.run(limits, _sleep, 30)
    assert time.monotonic() - start < 10
    assert worker.run(limits, _sleep, 0) == "done"


def test_worker_memory_limit() -> None:
    limits = worker.Limits(parallel=1, memory=1024**3)
    with pytest.raises(worker.Failed, match="内存"):
        worker.run(limits, _hog, 2048)
    assert worker.run(limits, _hog, 8) == 8 * 1024 * 1024


def test_server_answers_while_uploads_are_checked(server: Server, files: dict[str, Path]) -> None:
    c = office(server.base)
    links = import_roster(c, create_collection(c), files["roster"])
    link = links["尚志市卫生健康局"]
    done = threading.Event()

    def busy() -> None:
        with httpx.Client(follow_redirects=True, timeout=300) as a:
            for _ in range(6):
                upload(a, link, files["good"])
        done.set()

    threads = [threading.Thread(target=busy) for _ in range(3)]
    for t in threads:
        t.start()
    slowest = 0.0
    while not done.is_set():
        start = time.monotonic()
        assert httpx.get(server.base + "/login", timeout=30).status_code == 200
        slowest = max(slowest, time.monotonic() - start)
        time.sleep(0.05)
    for t in threads:
        t.join(300)
    assert slowest < 5.0  # a bound far above a normal answer (milliseconds): the server is not blocked
