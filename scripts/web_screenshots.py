"""Screenshots of every page of the web intake, at desktop and phone width, from a demo server
(``nianbao serve --demo``) in headless Chromium: to look at them.

    python scripts/web_screenshots.py --out /tmp/shots
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from selenium.webdriver.common.by import By  # noqa: E402
from web_browser import chromium  # noqa: E402
from web_server import Server  # noqa: E402

WIDTHS = {"desktop": 1280, "phone": 390}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("web-screenshots"))
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server = Server(Path(tempfile.mkdtemp()), "--demo")
    try:
        deadline = time.monotonic() + 120
        log = ""
        while "登录：" not in log and time.monotonic() < deadline:
            time.sleep(0.5)
            log += server.proc.stdout.readline() if server.proc.stdout else ""
        password = re.search(r"密码 (\S+)", log)
        assert password, log
        shoot(server.base, password.group(1), args.out)
    finally:
        server.stop()


class Camera:
    def __init__(self, b: Any, width: int, kind: str, out: Path):
        self.b, self.width, self.kind, self.out = b, width, kind, out

    def __call__(self, name: str, url: str | None = None) -> None:
        """A screenshot of the whole page (the window as tall as the page)."""
        if url:
            self.b.get(url)
        height = self.b.execute_script("return document.documentElement.scrollHeight")
        self.b.set_window_size(self.width, min(max(height, 600), 8000))
        self.b.save_screenshot(str(self.out / f"{name}-{self.kind}.png"))
        self.b.set_window_size(self.width, 900)


def shoot(base: str, password: str, out: Path) -> None:
    for kind, width in WIDTHS.items():
        b = chromium(out, width=width, height=900)
        snap = Camera(b, width, kind, out)
        try:

            snap("login", base + "/login")
            b.find_element(By.ID, "name").send_keys("demo")
            b.find_element(By.ID, "password").send_keys(password)
            b.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
            snap("collections")
            snap("dashboard", base + "/c/1")
            snap("links", base + "/c/1/links")
            link = b.find_element(By.CSS_SELECTOR, "td.link a").get_attribute("href")
            agencies = {a.text: a.get_attribute("href") for a in b.find_elements(By.CSS_SELECTOR, "td.link a")}
            snap("office-agency", base + "/c/1/a/11")
            snap("audit", base + "/audit")
            b.get(base + "/c/1")
            b.find_element(By.CSS_SELECTOR, "form[action$='/summary'] button").click()
            snap("summary")
            snap("agency-errors", list(agencies.values())[10])
            snap("agency-warnings", list(agencies.values())[7])
            snap("agency-passed", link)
            snap("agency-missing", list(agencies.values())[13])
            snap("fill", list(agencies.values())[13] + "/fill")
            snap("diff", base + "/c/1/a/9/diff?a=9&b=10")
            snap("not-found", base + "/r/nothing")
        finally:
            b.quit()


if __name__ == "__main__":
    main()
