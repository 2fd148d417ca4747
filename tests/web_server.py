"""A real ``nianbao serve`` on a free loopback port, for the web intake's tests, and the
reports they upload (written from the fixture reports)."""

from __future__ import annotations

import copy
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PASSWORD = "correct horse battery"
USER = "office"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nianbao(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nianbao", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=cwd)


class Server:
    """``nianbao serve --data DATA`` in a process of its own (its own process group)."""

    def __init__(self, data: Path, *extra: str, env: dict[str, str] | None = None):
        self.data = data
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nianbao", "serve", "--port", str(self.port), "--data", str(data), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.base + "/login", timeout=2)
                return
            except httpx.TransportError:
                if self.proc.poll() is not None:
                    out = self.proc.stdout.read() if self.proc.stdout else ""
                    raise RuntimeError("server exited: " + out) from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self, sig: int = signal.SIGTERM) -> str:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        return self.proc.stdout.read() if self.proc.stdout else ""

    def kill9(self) -> None:
        """``kill -9`` of the server and everything it started."""
        self.stop(signal.SIGKILL)


def make_user(data: Path) -> None:
    got = nianbao("users", "add", USER, "--data", str(data), stdin=PASSWORD + "\n")
    assert got.returncode == 0, got.stderr


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def office(base: str) -> httpx.Client:
    """An office session, logged in."""
    c = httpx.Client(base_url=base, follow_redirects=True, timeout=120)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"csrf": token, "name": USER, "password": PASSWORD})
    assert r.status_code == 200 and "报送任务" in r.text, r.text[:500]
    return c


def create_collection(c: httpx.Client, name: str = "尚志市2021年度", year: str = "2021",
                      level: str = "尚志市人民政府") -> int:
    r = c.post("/", data={"csrf": csrf_of(c.get("/").text), "name": name, "year": year, "form": "",
                          "level": level})
    assert r.status_code == 200, r.text[:500]
    return int(str(r.url).rstrip("/").rsplit("/", 1)[-1])


def import_roster(c: httpx.Client, cid: int, roster: Path) -> dict[str, str]:
    """Agency name -> its link."""
    page = c.get(f"/c/{cid}").text
    with open(roster, "rb") as f:
        r = c.post(f"/c/{cid}/roster", data={"csrf": csrf_of(page)}, files={"file": (roster.name, f, "text/csv")})
    assert r.status_code == 200, r.text[:500]
    rows = re.findall(r'<th scope="row">([^<]+)(?:<span[^>]*>[^<]*</span>)?</th><td class="link"><a href="([^"]+)"',
                      r.text)
    return dict(rows)


def upload(client: httpx.Client, link: str, path: Path, *, json_reply: bool = False, name: str | None = None,
           content: bytes | None = None) -> httpx.Response:
    page = client.get(link)
    data = {"csrf": csrf_of(page.text)}
    body = content if content is not None else path.read_bytes()
    headers = {"accept": "application/json"} if json_reply else {}
    return client.post(link + "/upload", data=data, files={"file": (name or path.name, body)}, headers=headers)


# ---------------------------------------------------------------------------------------
# Reports to upload


def reports(folder: Path) -> dict[str, Path]:
    """Workbooks of two agencies of 尚志市 (2021): 卫健局 correct and with an I1 error (a number
    of table 3's 一 raised by one), 教育局 correct; and the roster naming both and a third."""
    from conftest import REPORTS

    from nianbao.core.cleaning import recompute
    from nianbao.core.model import model
    from nianbao.excel.template import write_workbook

    good = copy.deepcopy(REPORTS["shangzhi-2021"])
    bad = copy.deepcopy(good)
    bad["applications"]["new"]["natural"] += 1
    bad["applications"]["new"]["total"] += 1
    other = copy.deepcopy(good)
    other["agency"] = {"name": "尚志市教育局", "region_code": "230183"}
    other["applications"]["new"]["natural"] += 2
    other["applications"]["outcomes"]["disclosed"]["natural"] += 2
    m = model(other["form"])  # the totals as the template computes them
    other.update(m.document(recompute(m, m.values(other))))
    folder.mkdir(parents=True, exist_ok=True)
    roster = folder / "名单.csv"
    roster.write_text("单位名称,统一社会信用代码\n尚志市卫生健康局,91350100M000100Y43\n尚志市教育局,\n尚志市民政局,\n",
                      encoding="utf-8")
    out = {"roster": roster}
    for key, doc, name in (("good", good, "卫健局.xlsx"), ("bad", bad, "卫健局-有错.xlsx"),
                           ("other", other, "教育局.xlsx")):
        out[key] = folder / name
        write_workbook(out[key], doc["form"], doc)
    return out
