"""``nianbao serve --demo``: a throw-away data folder with the examples' district loaded —
the roster, every agency's report submitted through its link, one agency that has not
submitted — and a login for it."""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from . import db, intake, library, office, store

DEMO_USER = "demo"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(st: Any, examples: Path = EXAMPLES) -> tuple[str, str, bool]:
    """Load the examples into the data folder of ``st``; the demo login (name, password) and
    whether there were examples to load (a source checkout has them; an installed wheel not)."""
    from .accounts import add_user

    password = secrets.token_urlsafe(9)
    add_user(st.data, DEMO_USER, password)
    roster_file = examples / "应报送单位名单.csv"
    reports = examples / "各单位报告"
    if not roster_file.is_file() or not reports.is_dir():
        return DEMO_USER, password, False
    cid = office.new_collection(st.conn, DEMO_USER, "张店区2020年度（示例）", "2020", "2019", "张店区人民政府")
    office.add_agencies(st, cid, library.roster(roster_file), DEMO_USER)
    agencies = st.conn.execute("SELECT * FROM agencies WHERE collection_id = ?", (cid,)).fetchall()
    # a report sent by mistake first, a corrected one after (as the examples' README tells)
    for path in sorted(reports.iterdir(), key=lambda p: ("修改" in p.stem, "年度" not in p.stem, p.name)):
        stem = path.stem.split("（")[0]
        match = next((a for a in agencies if library.name_key(a["name"]) == library.name_key(stem)), None)
        if match is None:
            continue
        folder = store.workdir(st.data)
        try:
            copy = folder / path.name
            shutil.copyfile(path, copy)
            checked = intake.examine(st.config.limits, copy, path.name)
            intake.record(st, match["id"], copy, path.name, "upload", checked, f"agency:{match['id']}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        time.sleep(0.01)
    with db.transaction(st.conn):
        db.audit(st.conn, "demo", "demo-loaded", f"collection={cid}")
    return DEMO_USER, password, True
