"""Read the VBA project of a workbook with LibreOffice, through UNO (run by /usr/bin/python3,
which has Debian's python3-uno; not the project's virtual environment).

    /usr/bin/python3 tests/uno_vba.py BOOK.xlsm PROFILE_DIR

starts LibreOffice headless with its own user profile, loads the book hidden with the filter
"Calc MS Excel 2007 VBA XML" (VBA imported by LibreOffice's own MS-OVBA reader), and prints
JSON: {"libraries": {library: {module: source}}, "sheets": [...]}. LibreOffice is ended
before the script exits.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main() -> int:
    book, profile = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    pipe = f"nianbao-{uuid.uuid4().hex}"
    proc = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         f"-env:UserInstallation={profile.as_uri()}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + 90
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(
            book.as_uri(), "_blank", 0,
            (prop("FilterName", "Calc MS Excel 2007 VBA XML"), prop("Hidden", True), prop("ReadOnly", True)),
        )
        out = {"libraries": {}, "sheets": list(doc.Sheets.ElementNames)}
        libs = doc.BasicLibraries
        for name in libs.ElementNames:
            if not libs.isLibraryLoaded(name):
                libs.loadLibrary(name)
            lib = libs.getByName(name)
            out["libraries"][name] = {m: lib.getByName(m) for m in lib.ElementNames}
        doc.close(True)
        print(json.dumps(out, ensure_ascii=False))
        try:
            desktop.terminate()
        except Exception:  # the bridge goes down with the office
            pass
        return 0
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
