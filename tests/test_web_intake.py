"""The web intake over HTTP against a real ``nianbao serve``: the same findings as
``nianbao validate``, the tables drawn and marked, receipts, resubmission, 填报, the
dashboard, 汇总 equal to ``nianbao consolidate``, the API, backup and restore."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_server import (
    USER,
    Server,
    create_collection,
    csrf_of,
    import_roster,
    make_user,
    nianbao,
    office,
    reports,
    upload,
)

from nianbao import read


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return reports(tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("data")
    make_user(data)
    s = Server(data)
    yield s
    s.stop()


@pytest.fixture
def links(server: Server, files: dict[str, Path]) -> tuple[httpx.Client, int, dict[str, str]]:
    c = office(server.base)
    cid = create_collection(c)
    return c, cid, import_roster(c, cid, files["roster"])


def clerk() -> httpx.Client:
    return httpx.Client(follow_redirects=True, timeout=120)


def test_upload_answers_with_validate_json_and_a_receipt(server: Server, files: dict[str, Path], links: Any) -> None:
    _c, _cid, link = links
    r = upload(clerk(), link["尚志市卫生健康局"], files["bad"], json_reply=True)
    assert r.status_code == 200
    got = r.json()
    cli = json.loads(nianbao("validate", "--format", "json", str(files["bad"])).stdout)
    cli["files"][0]["source"] = files["bad"].name
    receipt = got.pop("receipt")
    assert got == cli
    assert {f["rule"] for f in got["files"][0]["findings"]} == {"I1"}
    assert receipt["sha256"] == hashlib.sha256(files["bad"].read_bytes()).hexdigest()
    assert receipt["file"] == files["bad"].name and receipt["size"] == files["bad"].stat().st_size


def test_page_draws_the_form_with_the_problem_cell_marked(server: Server, files: dict[str, Path], links: Any) -> None:
    _c, _cid, link = links
    a = clerk()
    r = upload(a, link["尚志市卫生健康局"], files["bad"])
    assert r.status_code == 200 and "/s/" in str(r.url)
    page = r.text
    cell = re.search(r'<td[^>]*class="n bad-error"[^>]*data-pointer="/applications/new/natural">(.*?)</td>', page, re.S)
    assert cell, "the I1 cell is not marked"
    assert "自然人列" in cell.group(1) and "错误" in cell.group(1)
    # the three tables, titled as the form titles them, and the receipt
    for title in ("主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况"):
        assert title in page
    assert hashlib.sha256(files["bad"].read_bytes()).hexdigest() in page
    # resubmitted: the latest counts, both kept, the original downloadable byte for byte
    r2 = upload(a, link["尚志市卫生健康局"], files["good"])
    assert "通过" in r2.text and "n bad-error" not in r2.text
    home = a.get(link["尚志市卫生健康局"]).text
    ids = re.findall(r'/s/(\d+)">\1</a>', home)
    assert len(ids) == 2
    original = a.get(f"{link['尚志市卫生健康局']}/s/{ids[1]}/file")
    assert original.content == files["bad"].read_bytes()
    assert original.headers["content-disposition"].startswith("attachment;")
    annotated = a.get(f"{link['尚志市卫生健康局']}/s/{ids[1]}/annotated.xlsx")
    assert annotated.status_code == 200 and annotated.content[:2] == b"PK"


def test_blank_template_carries_name_year_and_code(server: Server, links: Any, tmp_path: Path) -> None:
    _c, _cid, link = links
    r = clerk().get(link["尚志市卫生健康局"] + "/template.xlsx")
    path = tmp_path / "t.xlsx"
    path.write_bytes(r.content)
    doc = read(path).document
    assert doc["agency"]["name"] == "尚志市卫生健康局" and doc["agency"]["uscc"] == "91350100M000100Y43"
    assert doc["year"] == 2021 and doc["form"] == "2021"


def test_fill_on_the_page_saves_a_submission(server: Server, links: Any, files: dict[str, Path],
                                            tmp_path: Path) -> None:
    _c, _cid, link = links
    a = clerk()
    page = a.get(link["尚志市教育局"] + "/fill").text
    inputs = re.findall(r'<input name="(/[^"]+)" value="([^"]*)"', page)
    assert len(inputs) > 100
    doc = read(files["other"]).document
    from nianbao.web.library import typed_of_document

    typed = typed_of_document(doc)
    form = {"csrf": csrf_of(page), "agency.region_code": "230183", **{p: typed.get(p, "") for p, _ in inputs}}
    # checked as typed: a wrong number is marked by the server's validation
    wrong = {**form, "/applications/new/natural": str(int(typed["/applications/new/natural"]) + 5)}
    live = a.post(link["尚志市教育局"] + "/fill/check", data=wrong, headers={"accept": "application/json"}).json()
    marked = live["cells"].get("/applications/new/natural")
    assert marked and marked[0]["rule"] == "I1"
    r = a.post(link["尚志市教育局"] + "/fill", data=form)
    assert r.status_code == 200 and "通过" in r.text, r.text[:2000]
    sid = str(r.url).rsplit("/", 1)[-1]
    filled = a.get(f"{link['尚志市教育局']}/s/{sid}/template.xlsx")
    path = tmp_path / "filled.xlsx"
    path.write_bytes(filled.content)
    assert nianbao("validate", str(path)).returncode == 0
    assert read(path).document["applications"] == doc["applications"]


def test_dashboard_states_and_summary_equal_to_the_cli(server: Server, files: dict[str, Path], links: Any,
                                                       tmp_path: Path) -> None:
    c, cid, link = links
    a = clerk()
    upload(a, link["尚志市卫生健康局"], files["good"])
    upload(a, link["尚志市教育局"], files["other"])
    page = c.get(f"/c/{cid}?sort=name").text
    row = r'<a href="/c/\d+/a/\d+">([^<]+)</a>.*?<span class="badge s-\w+">([^<]+)</span>'
    states = dict(re.findall(row, page, re.S))
    assert states == {"尚志市卫生健康局": "通过", "尚志市教育局": "通过", "尚志市民政局": "未报送"}
    r = c.post(f"/c/{cid}/summary", data={"csrf": csrf_of(page)})
    assert r.status_code == 200 and "汇总" in r.text
    workbook = c.get(str(r.url) + "/汇总表.xlsx")
    summary = tmp_path / "web.xlsx"
    summary.write_bytes(workbook.content)
    assert nianbao("validate", str(summary)).returncode == 0
    cli = tmp_path / "cli.xlsx"
    got = nianbao("consolidate", str(files["good"]), str(files["other"]), "--roster", str(files["roster"]), "-o",
                  str(cli), "--name", "尚志市人民政府", "-q")
    assert cli.is_file(), got.stderr
    web_doc, cli_doc = read(summary).document, read(cli).document
    for table in ("active", "applications", "appeals"):
        assert web_doc[table] == cli_doc[table]
    # 发布稿 and 导出
    word = c.get(str(r.url) + "/发布稿.docx")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    z = zipfile.ZipFile(io.BytesIO(c.get(f"/c/{cid}/export.zip").content))
    names = z.namelist()
    assert any(n.endswith("卫健局.xlsx") for n in names) and "报送情况.csv" in names
    assert any(n.endswith("汇总表.xlsx") for n in names)
    # the same file sent through another agency's link: 重复
    upload(a, link["尚志市民政局"], files["good"])
    page = c.get(f"/c/{cid}?state=duplicate").text
    assert "尚志市民政局" in page


def test_district_summary_in_the_city_collection(server: Server, files: dict[str, Path], links: Any,
                                                  tmp_path: Path) -> None:
    c, cid, link = links
    a = clerk()
    upload(a, link["尚志市卫生健康局"], files["good"])
    upload(a, link["尚志市教育局"], files["other"])
    r = c.post(f"/c/{cid}/summary", data={"csrf": csrf_of(c.get(f"/c/{cid}").text)})
    district = tmp_path / "尚志市汇总.xlsx"
    district.write_bytes(c.get(str(r.url) + "/汇总表.xlsx").content)
    city = create_collection(c, name="哈尔滨市2021年度", level="哈尔滨市人民政府")
    roster = tmp_path / "市名单.csv"
    roster.write_text("单位名称\n尚志市人民政府\n", encoding="utf-8")
    city_links = import_roster(c, city, roster)
    got = upload(a, city_links["尚志市人民政府"], district, json_reply=True).json()
    assert got["files"][0]["status"] == "通过"
    r = c.post(f"/c/{city}/summary", data={"csrf": csrf_of(c.get(f"/c/{city}").text)})
    assert "汇总 1 个" in r.text
    summed = re.findall(r"<li>([^<]+)", r.text.split("计入汇总的单位")[1].split("</ol>")[0])
    assert sorted(s.strip() for s in summed) == ["尚志市卫生健康局", "尚志市教育局"]  # its members, once each
    city_doc = tmp_path / "city.xlsx"
    city_doc.write_bytes(c.get(str(r.url) + "/汇总表.xlsx").content)
    assert read(city_doc).document["applications"] == read(district).document["applications"]


def test_api(server: Server, files: dict[str, Path], tmp_path: Path) -> None:
    token = nianbao("users", "token", USER, "--data", str(server.data)).stdout.strip()
    api = httpx.Client(base_url=server.base, headers={"authorization": f"Bearer {token}"}, timeout=120)
    assert httpx.post(server.base + "/api/collections", json={}).status_code == 401
    r = api.post("/api/collections", json={"name": "接口测试", "year": 2021, "form": "2021", "level": "尚志市人民政府"})
    assert r.status_code == 201
    cid = r.json()["id"]
    with open(files["roster"], "rb") as f:
        r = api.put(f"/api/collections/{cid}/roster", files={"file": ("名单.csv", f)})
    assert r.status_code == 200, r.text
    agencies = {x["name"]: x["link"] for x in r.json()["agencies"]}
    assert len(agencies) == 3
    with open(files["good"], "rb") as f:
        r = api.post(agencies["尚志市卫生健康局"] + "/upload", files={"file": ("卫健局.xlsx", f)},
                     headers={"accept": "application/json"})
    assert r.status_code == 200 and r.json()["files"][0]["status"] == "通过" and "receipt" in r.json()
    listed = {x["name"]: x for x in api.get(f"/api/collections/{cid}/agencies").json()["agencies"]}
    assert listed["尚志市卫生健康局"]["state_text"] == "通过" and listed["尚志市民政局"]["state_text"] == "未报送"
    r = api.post(f"/api/collections/{cid}/summary")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    out = tmp_path / "api.xlsx"
    out.write_bytes(r.content)
    assert nianbao("validate", str(out)).returncode == 0


def test_backup_and_restore(server: Server, files: dict[str, Path], links: Any, tmp_path: Path) -> None:
    _c, _cid, link = links
    upload(clerk(), link["尚志市卫生健康局"], files["good"])
    assert nianbao("backup", str(tmp_path / "bak"), "--data", str(server.data)).returncode == 0
    restored = tmp_path / "restored"
    got = nianbao("backup", "--restore", str(tmp_path / "bak"), "--data", str(restored))
    assert got.returncode == 0, got.stderr
    again = Server(restored)
    try:
        page = clerk().get(link["尚志市卫生健康局"].replace(server.base, again.base))
        sid = re.findall(r'/s/(\d+)">\1</a>', page.text)[0]
        original = clerk().get(link["尚志市卫生健康局"].replace(server.base, again.base) + f"/s/{sid}/file")
        assert original.content == files["good"].read_bytes()
    finally:
        again.stop()


def test_users_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    assert nianbao("users", "add", "x", "--data", str(tmp_path), stdin="short\n").returncode == 2
    got = nianbao("users", "add", "张三", "--data", str(tmp_path), stdin="a long password\n")
    assert got.returncode == 0 and "已建立账号" in got.stdout
    assert nianbao("users", "token", "李四", "--data", str(tmp_path)).returncode == 2


def test_agency_page_diff_and_audit(server: Server, files: dict[str, Path], links: Any) -> None:
    c, cid, link = links
    a = clerk()
    upload(a, link["尚志市卫生健康局"], files["bad"])
    upload(a, link["尚志市卫生健康局"], files["good"])
    aid = re.findall(rf'<a href="/c/{cid}/a/(\d+)">尚志市卫生健康局</a>', c.get(f"/c/{cid}").text)[0]
    page = c.get(f"/c/{cid}/a/{aid}").text
    first, second = sorted(int(x) for x in re.findall(r'name="a" value="(\d+)"', page))
    diff = c.get(f"/c/{cid}/a/{aid}/diff", params={"a": first, "b": second}).text
    row = r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]*)</td><td class="num">([^<]*)</td>'
    changed = re.findall(row, diff)
    good = read(files["good"]).document["applications"]["new"]
    assert sorted(changed) == sorted([
        ("表三 一、本年新收政府信息公开申请数量 / 自然人", str(good["natural"] + 1), str(good["natural"])),
        ("表三 一、本年新收政府信息公开申请数量 / 总计", str(good["total"] + 1), str(good["total"])),
    ])
    audit = c.get("/audit").text
    assert "login" in audit and "submit" in audit and "roster-import" in audit


def test_a_report_of_an_agency_not_on_the_roster(server: Server, files: dict[str, Path], links: Any,
                                                 tmp_path: Path) -> None:
    from nianbao.excel.template import write_workbook

    c, cid, link = links
    doc = read(files["good"]).document
    doc["agency"] = {"name": "尚志市某某办公室", "region_code": "230183"}
    stranger = tmp_path / "某某办公室.xlsx"
    write_workbook(stranger, doc["form"], doc)
    upload(clerk(), link["尚志市民政局"], stranger)
    page = c.get(f"/c/{cid}", params={"state": "unlisted"}).text
    assert "尚志市民政局" in page and "报告所载：尚志市某某办公室" in page


def test_a_report_of_another_year(server: Server, links: Any, tmp_path: Path) -> None:
    from conftest import REPORTS

    from nianbao.excel.template import write_workbook

    c, cid, link = links
    doc = dict(REPORTS["arongqi-2020"])
    doc["agency"] = {"name": "尚志市民政局", "region_code": "230183"}
    old = tmp_path / "民政局2020.xlsx"
    write_workbook(old, doc["form"], doc)
    got = upload(clerk(), link["尚志市民政局"], old, json_reply=True).json()
    assert got["files"][0]["errors"] == 0  # a valid report, but of 2020
    page = c.get(f"/c/{cid}", params={"state": "errors"}).text
    assert "尚志市民政局" in page and "报告为 2020 年度，2019 年表式" in page
