"""Benchmark of the web intake against a real ``nianbao serve`` on the loopback (bounded loops).

* upload → findings: p50 and p95 of a POST to an agency link answered with the findings, for
  xlsx and for html (a published report), each against the same file checked in one process
  (``check_file``) in the same run;
* the dashboard with N agencies (3,000 by default), every one of which has submitted;
* 50 simultaneous uploads (wall time, and all recorded);
* 汇总 of the N stored submissions, against ``nianbao consolidate`` on the same files in the same run.

    python scripts/bench_web.py --agencies 3000 --uploads 200
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import httpx  # noqa: E402
from bench_consolidate import REGION, generate, uscc  # noqa: E402
from make_examples import YEAR  # noqa: E402
from web_server import USER, Server, make_user, nianbao  # noqa: E402

from nianbao.io.check import check_file  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms"


HEADERS = {"accept": "application/json"}  # and the office's bearer token, set in main()


def timed_uploads(links: list[str], files: list[Path]) -> list[float]:
    out = []
    with httpx.Client(timeout=300, headers=HEADERS) as c:
        for link, f in zip(links, files, strict=True):
            start = time.perf_counter()
            r = c.post(link + "/upload", files={"file": (f.name, f.read_bytes())})
            out.append(time.perf_counter() - start)
            assert r.status_code == 200 and r.json()["files"], r.text[:300]
    return out


def in_process(files: list[Path]) -> list[float]:
    out = []
    for f in files:
        start = time.perf_counter()
        check_file(f)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agencies", type=int, default=3000)
    ap.add_argument("--uploads", type=int, default=200, help="timed uploads per format")
    ap.add_argument("--concurrent", type=int, default=50)
    args = ap.parse_args()
    n = max(args.agencies, args.uploads * 2 + args.concurrent)
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-bench-web-"))
    books = tmp / "books"
    books.mkdir()
    generate(books, n, 50, 20210131)
    files = sorted(books.rglob("*.xlsx"))
    roster = tmp / "名单.csv"
    roster.write_text("单位名称,统一社会信用代码\n" + "".join(
        f"基准县第{i:06d}号单位,{uscc(REGION, 10_000_000 + i)}\n" for i in range(n)), encoding="utf-8")
    html = tmp / "html"
    html.mkdir()
    pages = []
    for f in files[: args.uploads]:
        page = html / (f.stem + ".html")
        got = nianbao("publish", str(f), "-o", str(page))
        assert page.is_file(), got.stderr
        pages.append(page)
    data = tmp / "data"
    make_user(data)
    token = nianbao("users", "token", USER, "--data", str(data)).stdout.strip()
    HEADERS["authorization"] = f"Bearer {token}"
    server = Server(data)
    try:
        api = httpx.Client(base_url=server.base, headers={"authorization": f"Bearer {token}"}, timeout=600)
        cid = api.post("/api/collections", json={"name": "基准", "year": YEAR, "level": "基准县人民政府"}).json()["id"]
        with open(roster, "rb") as f:
            agencies = api.put(f"/api/collections/{cid}/roster", files={"file": ("名单.csv", f)}).json()["agencies"]
        links = [a["link"] for a in agencies]
        print(f"{n} agencies; server {server.base}")

        k = args.uploads
        xlsx = timed_uploads(links[:k], files[:k])
        xlsx_base = in_process(files[:k])
        print(f"upload → findings, xlsx ({k}): p50 {ms(statistics.median(xlsx))}, p95 {ms(pct(xlsx, 95))}; "
              f"check_file in one process p50 {ms(statistics.median(xlsx_base))} "
              f"(ratio {statistics.median(xlsx) / statistics.median(xlsx_base):.1f}×)")
        web = timed_uploads(links[k: 2 * k], pages)
        web_base = in_process(pages)
        print(f"upload → findings, html ({k}): p50 {ms(statistics.median(web))}, p95 {ms(pct(web, 95))}; "
              f"check_file in one process p50 {ms(statistics.median(web_base))} "
              f"(ratio {statistics.median(web) / statistics.median(web_base):.1f}×)")

        # 50 at once
        start_at = threading.Barrier(args.concurrent)
        took: list[float] = []

        def one(i: int) -> None:
            with httpx.Client(timeout=600, headers=HEADERS) as c:
                f = files[2 * k + i]
                start_at.wait()
                t = time.perf_counter()
                r = c.post(links[2 * k + i] + "/upload", files={"file": (f.name, f.read_bytes())})
                assert r.status_code == 200
                took.append(time.perf_counter() - t)

        start = time.perf_counter()
        with ThreadPoolExecutor(args.concurrent) as pool:
            list(pool.map(one, range(args.concurrent)))
        wall = time.perf_counter() - start
        print(f"{args.concurrent} simultaneous uploads: all answered in {wall:.2f} s "
              f"(slowest {max(took):.2f} s, median {statistics.median(took):.2f} s)")

        # every other agency submits (two clients at once: the machine has two cores)
        rest = list(range(2 * k + args.concurrent, n))
        start = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda i: timed_uploads([links[i]], [files[i]]), rest))
        print(f"filled the rest: {len(rest)} uploads in {time.perf_counter() - start:.1f} s")

        office = httpx.Client(base_url=server.base, timeout=600)
        from web_server import PASSWORD, csrf_of

        office.post("/login", data={"csrf": csrf_of(office.get("/login").text), "name": USER, "password": PASSWORD})
        dash = []
        for _ in range(5):
            start = time.perf_counter()
            r = office.get(f"/c/{cid}")
            dash.append(time.perf_counter() - start)
            assert r.status_code == 200
        print(f"dashboard with {n} agencies: median {ms(statistics.median(dash))} "
              f"({len(r.content) // 1024} KB of HTML)")

        start = time.perf_counter()
        r = api.post(f"/api/collections/{cid}/summary")
        summary = time.perf_counter() - start
        assert r.status_code == 200, r.text[:300]
        cli_out = tmp / "cli.xlsx"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nianbao", "consolidate", str(books), "-o", str(cli_out), "-q",
                        "--roster", str(roster)], check=False, capture_output=True)
        cli = time.perf_counter() - start
        print(f"汇总 of {n} stored submissions: {summary:.2f} s; nianbao consolidate on the same files {cli:.2f} s "
              f"(ratio {summary / cli:.2f}×)")
    finally:
        server.stop()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
