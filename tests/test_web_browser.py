"""The whole path of the web intake in a real browser (headless Chromium): the office logs
in, creates a collection, imports a roster; the clerk opens the agency link, uploads a
workbook with an I1 error, sees the marked cell and its message, uploads the corrected one,
sees 通过; the dashboard shows it; 汇总 downloads a summary that ``nianbao validate``
accepts and whose totals equal ``nianbao consolidate`` on the same files. Then 填报, checked
as typed by the server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from web_browser import chromium
from web_server import PASSWORD, USER, Server, make_user, nianbao, reports

from nianbao import read


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return reports(tmp_path / "reports")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    make_user(tmp_path / "data")
    s = Server(tmp_path / "data")
    yield s
    s.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    (tmp_path / "downloads").mkdir()
    b = chromium(tmp_path / "downloads")
    b.set_page_load_timeout(120)
    yield b
    b.quit()


def downloaded(folder: Path, suffix: str, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"nothing {suffix} downloaded into {folder}: {list(folder.iterdir())}")


def test_the_whole_path(server: Server, files: dict[str, Path], browser: object, tmp_path: Path) -> None:
    b = browser  # type: ignore[assignment]
    wait = WebDriverWait(b, 120)
    # the office logs in
    b.get(server.base + "/login")
    b.find_element(By.ID, "name").send_keys(USER)
    b.find_element(By.ID, "password").send_keys(PASSWORD)
    b.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
    wait.until(ec.presence_of_element_located((By.ID, "c-name")))
    # creates a collection
    b.find_element(By.ID, "c-name").send_keys("尚志市2021年度")
    b.find_element(By.ID, "c-year").send_keys("2021")
    b.find_element(By.ID, "c-level").send_keys("尚志市人民政府")
    b.find_element(By.CSS_SELECTOR, "form.grid-form button").click()
    wait.until(ec.presence_of_element_located((By.ID, "roster")))
    dashboard = b.current_url
    # imports the roster and gets the links
    b.find_element(By.ID, "roster").send_keys(str(files["roster"]))
    b.find_element(By.CSS_SELECTOR, "form[action$='/roster'] button").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "td.link a")))
    links = {row.find_element(By.CSS_SELECTOR, "th").text.split("\n")[0]: row.find_element(By.CSS_SELECTOR, "td.link a")
             .get_attribute("href") for row in b.find_elements(By.CSS_SELECTOR, "table.links tbody tr")}
    assert set(links) == {"尚志市卫生健康局", "尚志市教育局", "尚志市民政局"}
    # the clerk opens the link and uploads a workbook with an I1 error
    b.get(links["尚志市卫生健康局"])
    b.find_element(By.ID, "file").send_keys(str(files["bad"]))
    b.find_element(By.CSS_SELECTOR, "form[action$='/upload'] button").click()
    cell = wait.until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "td.bad-error[data-pointer='/applications/new/natural']")))
    assert "错误" in cell.text and "I1" in cell.text and "自然人列" in cell.text
    assert cell.is_displayed()
    assert "有错误" in b.find_element(By.ID, "result-h").text
    # uploads the corrected workbook and sees 通过
    b.find_element(By.LINK_TEXT, "← 返回本单位报送页").click()
    b.find_element(By.ID, "file").send_keys(str(files["good"]))
    b.find_element(By.CSS_SELECTOR, "form[action$='/upload'] button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "result-h"), "通过"))
    assert not b.find_elements(By.CSS_SELECTOR, "td.bad-error")
    # 教育局 fills on the page, checked as typed by the server
    b.get(links["尚志市教育局"] + "/fill")
    doc = read(files["other"]).document
    from nianbao.web.library import typed_of_document

    typed = typed_of_document(doc)
    b.find_element(By.ID, "agency-region_code").send_keys("230183")
    for box in b.find_elements(By.CSS_SELECTOR, "td[data-pointer] input"):
        pointer = box.get_attribute("name")
        b.execute_script("arguments[0].value = arguments[1];", box, typed.get(pointer, ""))
    natural = b.find_element(By.CSS_SELECTOR, "input[name='/applications/new/natural']")
    natural.clear()
    natural.send_keys("99")
    wait.until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "td.bad-error[data-pointer='/applications/new/natural'] .msg")))
    natural.clear()
    natural.send_keys(typed["/applications/new/natural"])
    wait.until(ec.invisibility_of_element_located(
        (By.CSS_SELECTOR, "td.bad-error[data-pointer='/applications/new/natural']")))
    b.find_element(By.CSS_SELECTOR, ".sticky-actions button").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "result-h"), "通过"))
    # the dashboard shows both
    b.get(dashboard)
    states = {row.find_element(By.CSS_SELECTOR, "th a").text: row.find_element(By.CSS_SELECTOR, ".badge").text
              for row in b.find_elements(By.CSS_SELECTOR, "table.dashboard tbody tr")}
    assert states == {"尚志市卫生健康局": "通过", "尚志市教育局": "通过", "尚志市民政局": "未报送"}
    # 汇总, and the summary downloaded
    b.find_element(By.CSS_SELECTOR, "form[action$='/summary'] button").click()
    wait.until(ec.presence_of_element_located((By.PARTIAL_LINK_TEXT, "下载汇总表"))).click()
    summary = downloaded(tmp_path / "downloads", ".xlsx")
    assert nianbao("validate", str(summary)).returncode == 0
    cli = tmp_path / "cli.xlsx"
    nianbao("consolidate", str(files["good"]), str(files["other"]), "--roster", str(files["roster"]), "-o", str(cli),
            "--name", "尚志市人民政府", "-q")
    web_doc, cli_doc = read(summary).document, read(cli).document
    for table in ("active", "applications", "appeals"):
        assert web_doc[table] == cli_doc[table]
