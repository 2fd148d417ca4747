"""Hostile and broken inputs, built at test time.

Each builder writes one file into a folder and returns its path. Builders that start from a
valid workbook take its bytes (``base``): a filled template when the template writer is
available, else a plain openpyxl workbook (enough for the container-level cases).
"""

from __future__ import annotations

import functools
import io
import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"


# --- a valid workbook to start from ------------------------------------------------------


def plain_workbook_bytes() -> bytes:
    """A small ordinary .xlsx with a shared string and numbers (not our template)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "单位名称"
    ws["B1"] = "某某局"
    for r in range(2, 20):
        ws.cell(r, 1, f"项目{r}")
        ws.cell(r, 2, r * 3)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- raw zip writing (for entries zipfile would not write) ------------------------------------


def raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from (name, stored bytes, method, crc, declared uncompressed size) tuples:
    the caller controls what the directory declares."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, data, method, crc, size in entries:
        n = name.encode("utf-8")
        offset = out.tell()
        out.write(
            struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, method, 0, 0x21, crc, len(data), size, len(n), 0)
        )
        out.write(n)
        out.write(data)
        central.write(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, method, 0, 0x21, crc, len(data), size, len(n),
                0, 0, 0, 0, 0, offset,
            )
        )
        central.write(n)
    cd = central.getvalue()
    start = out.tell()
    out.write(cd)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(cd), start, 0))
    return out.getvalue()


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def entries_of(xlsx: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def rezip(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def replace_entry(xlsx: bytes, name: str, fn: Callable[[bytes], bytes]) -> bytes:
    return rezip([(n, fn(d) if n == name else d) for n, d in entries_of(xlsx)])


def first_sheet(xlsx: bytes) -> str:
    names = [n for n, _ in entries_of(xlsx) if n.startswith("xl/worksheets/sheet")]
    return sorted(names)[0]


def _bomb_stream(total: int, chunk: int = 1 << 20) -> tuple[bytes, int]:
    """A raw deflate stream of ``total`` zero bytes, built without compressing them all:
    after a full flush the compressor starts afresh, so each chunk compresses alike."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(chunk)
    piece = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    assert piece == again
    n = total // chunk
    stream = piece * n + c.flush()
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(zeros, crc)
    return stream, crc


# --- the cases ------------------------------------------------------------------------------


def empty(folder: Path, base: bytes) -> Path:
    p = folder / "空文件.xlsx"
    p.write_bytes(b"")
    return p


def random_bytes(folder: Path, base: bytes) -> Path:
    p = folder / "乱码.xlsx"
    data = random.Random(7).randbytes(8192)
    p.write_bytes(b"\x00\x93" + data)
    return p


def docx_renamed(folder: Path, base: bytes) -> Path:
    p = folder / "其实是Word.xlsx"
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    doc = '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    p.write_bytes(rezip([("[Content_Types].xml", ct.encode()), ("word/document.xml", doc.encode())]))
    return p


def zip_renamed(folder: Path, base: bytes) -> Path:
    p = folder / "压缩包.xlsx"
    p.write_bytes(rezip([("报告/说明.txt", "请查收".encode()), ("报告/数据.csv", b"a,b\n1,2\n")]))
    return p


def truncated(folder: Path, base: bytes) -> Path:
    p = folder / "下载中断.xlsx"
    p.write_bytes(base[: len(base) * 2 // 3])
    return p


def corrupt_entry(folder: Path, base: bytes) -> Path:
    """Same length, central directory intact, a sheet's compressed bytes damaged."""
    p = folder / "损坏.xlsx"
    data = bytearray(base)
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        info = zf.getinfo(first_sheet(base))
    start = info.header_offset + 30 + len(info.filename.encode()) + 10
    for i in range(start, start + 16):
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))
    return p


def encrypted(folder: Path, base: bytes) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    p = folder / "加密.xlsx"
    with open(p, "wb") as out:
        OOXMLFile(io.BytesIO(base)).encrypt("123456", out)
    return p


def pdf_renamed(folder: Path, base: bytes) -> Path:
    p = folder / "扫描件.xlsx"
    p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    return p


def html_as_xls(folder: Path, base: bytes) -> Path:
    p = folder / "系统导出.xls"
    html = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
        "<body><table><tr><td>自然人</td><td>3</td></tr></table></body></html>"
    )
    p.write_bytes(html.encode("utf-8"))
    return p


def csv_as_xlsx(folder: Path, base: bytes) -> Path:
    p = folder / "表格.xlsx"
    p.write_bytes("单位,自然人\n某某局,3\n".encode("gb18030"))
    return p


def doc_ole_renamed(folder: Path, base: bytes) -> Path:
    """An OLE2 compound file whose directory holds a WordDocument stream (a .doc)."""
    p = folder / "其实是doc.xls"
    p.write_bytes(ole_with(["Root Entry", "WordDocument", "\x05SummaryInformation"]))
    return p


def ole_with(names: list[str]) -> bytes:
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 30, 9)
    sector = bytearray(512)
    for k, name in enumerate(names[:4]):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        off = k * 128
        sector[off : off + len(raw)] = raw
        struct.pack_into("<H", sector, off + 64, len(raw))
        sector[off + 66] = 5 if k == 0 else 2
    return bytes(header) + bytes(sector)


def zip_bomb(folder: Path, base: bytes) -> Path:
    """A sheet that declares and really inflates to 1 GiB, in a file of about 1 MB."""
    p = folder / "压缩炸弹.xlsx"
    stream, crc = _bomb_stream(1 << 30)
    sheet = first_sheet(base)
    entries = []
    for name, data in entries_of(base):
        if name == sheet:
            entries.append((name, stream, 8, crc, 1 << 30))
        else:
            entries.append((name, deflate(data), 8, zlib.crc32(data), len(data)))
    p.write_bytes(raw_zip(entries))
    return p


def lying_bomb(folder: Path, base: bytes) -> Path:
    """A sheet whose directory declares 2 KB but which inflates to 64 MB."""
    p = folder / "谎报大小.xlsx"
    stream, crc = _bomb_stream(64 << 20)
    sheet = first_sheet(base)
    entries = []
    for name, data in entries_of(base):
        if name == sheet:
            entries.append((name, stream, 8, crc, 2048))
        else:
            entries.append((name, deflate(data), 8, zlib.crc32(data), len(data)))
    p.write_bytes(raw_zip(entries))
    return p


def many_entries(folder: Path, base: bytes) -> Path:
    p = folder / "文件过多.xlsx"
    entries = [(n, deflate(d), 8, zlib.crc32(d), len(d)) for n, d in entries_of(base)]
    entries += [(f"xl/media/x{i}.bin", b"", 0, 0, 0) for i in range(5000)]
    p.write_bytes(raw_zip(entries))
    return p


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE sst [\n<!ENTITY l0 "哈哈">\n'
    + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>&l9;</t></si></sst>"
)


def with_prolog(xml: bytes, insert: bytes) -> bytes:
    """``insert`` placed after the XML declaration (or first, when there is none)."""
    if xml.startswith(b"<?xml"):
        decl, _, rest = xml.partition(b"?>")
        return decl + b"?>" + insert + rest
    return insert + xml


def with_shared_strings(xlsx: bytes, sst: bytes) -> bytes:
    """``xlsx`` with its shared strings part replaced by (or, if it has none, given) ``sst``."""
    entries = entries_of(xlsx)
    if any(n == "xl/sharedStrings.xml" for n, _ in entries):
        return rezip([(n, sst if n == "xl/sharedStrings.xml" else d) for n, d in entries])
    out = []
    for n, d in entries:
        if n == "[Content_Types].xml":
            d = d.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        if n == "xl/_rels/workbook.xml.rels":
            d = d.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdSST1" '
                b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                b'Target="sharedStrings.xml"/></Relationships>',
            )
        out.append((n, d))
    out.append(("xl/sharedStrings.xml", sst))
    return rezip(out)


def shared_strings_of(xlsx: bytes) -> bytes:
    for n, d in entries_of(xlsx):
        if n == "xl/sharedStrings.xml":
            return d
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1"><si><t>x</t></si></sst>'
    )


def xml_bomb_shared_strings(folder: Path, base: bytes) -> Path:
    p = folder / "实体炸弹.xlsx"
    p.write_bytes(with_shared_strings(base, LAUGHS.encode("utf-8")))
    return p


def external_entity_sheet(folder: Path, base: bytes) -> Path:
    p = folder / "外部实体.xlsx"

    def add_xxe(xml: bytes) -> bytes:
        return with_prolog(xml, b'\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')

    p.write_bytes(replace_entry(base, first_sheet(base), add_xxe))
    return p


def utf16_doctype(folder: Path, base: bytes) -> Path:
    p = folder / "UTF16实体.xlsx"

    xml = with_prolog(shared_strings_of(base), b'<!DOCTYPE sst [<!ENTITY a "aaaa">]>').decode("utf-8")
    xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    p.write_bytes(with_shared_strings(base, xml.encode("utf-16")))
    return p


def padded_prolog(folder: Path, base: bytes) -> Path:
    """A DOCTYPE hidden behind 100 KB of comment before the root element."""
    p = folder / "超长注释.xlsx"

    pad = b"<!--" + b" " * 100_000 + b"--><!DOCTYPE sst [<!ENTITY a 'a'>]>"
    p.write_bytes(with_shared_strings(base, with_prolog(shared_strings_of(base), pad)))
    return p


def xlsm_with_macro(folder: Path, base: bytes) -> Path:
    """The same workbook saved as .xlsm with a VBA project (an Auto_Open that would write
    a file next to it if anything ever ran it)."""
    p = folder / "带宏.xlsm"
    vba = ole_with(["Root Entry", "VBA", "PROJECT", "dir"]) + (
        b"Sub Auto_Open()\r\nOpen \"pwned.txt\" For Output As #1\r\nEnd Sub\r\n"
    )
    out = []
    for name, data in entries_of(base):
        if name == "[Content_Types].xml":
            data = data.replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            ).replace(
                b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
            )
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVBA1" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                b'Target="vbaProject.bin"/></Relationships>',
            )
        out.append((name, data))
    out.append(("xl/vbaProject.bin", vba))
    p.write_bytes(rezip(out))
    return p


def far_cell(folder: Path, base: bytes) -> Path:
    """One number in XFD1048576, the last cell a sheet can have: a dense grid from A1 to it
    is 17 billion cells (python-calamine aborts the process asking for it). Found by
    scripts/fuzz_reader.py as a mutated cell reference; see fixtures/hostile/."""
    p = folder / "最远的单元格.xlsx"

    def add(xml: bytes) -> bytes:
        far = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
        return xml.replace(b"</sheetData>", far, 1)

    p.write_bytes(replace_entry(base, first_sheet(base), add))
    return p


def ods_bytes(content_body: str) -> bytes:
    """A minimal OpenDocument spreadsheet whose first table holds ``content_body``."""
    return fuzz_script().ods_bytes(content_body, "表三")


FUZZ_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fuzz_reader.py"


@functools.cache
def fuzz_script():  # noqa: ANN201 - the module scripts/fuzz_reader.py
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz_reader", FUZZ_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mutated(data: bytes, mutator: str, rng: random.Random) -> bytes:
    """``data`` changed by one of the fuzzer's mutators, or as it was where that one cannot
    apply."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile's warnings about duplicate names
        try:
            return fuzz_script().MUTATORS[mutator](data, rng)
        except Exception:  # noqa: BLE001 - a mutator that cannot apply leaves the bytes alone
            return data


def ods_repeated(folder: Path, base: bytes) -> Path:
    """One short row repeated 99,000 times with a value repeated over 1,000 columns: about
    a hundred million cells once expanded."""
    p = folder / "重复单元格.ods"
    row = (
        '<table:table-row table:number-rows-repeated="99000"><table:table-cell table:number-columns-repeated="1000" '
        'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
    )
    p.write_bytes(ods_bytes(row))
    return p


# name -> (builder, what the Chinese message must mention)
CONTAINER_CASES: dict[str, tuple[Callable[[Path, bytes], Path], tuple[str, ...]]] = {
    "empty": (empty, ("文件为空",)),
    "random_bytes": (random_bytes, ("无法识别",)),
    "docx_renamed": (docx_renamed, ("Word 文档",)),
    "zip_renamed": (zip_renamed, ("zip 压缩包", "解压")),
    "truncated": (truncated, ("损坏或不完整",)),
    "corrupt_entry": (corrupt_entry, ("损坏或不完整",)),
    "encrypted": (encrypted, ("密码", "取消")),
    "pdf_renamed": (pdf_renamed, ("PDF",)),
    "html_as_xls": (html_as_xls, ("网页", "另存为")),
    "csv_as_xlsx": (csv_as_xlsx, ("纯文本", "另存为")),
    "doc_ole_renamed": (doc_ole_renamed, ("Word 文档",)),
    "zip_bomb": (zip_bomb, ("压缩炸弹",)),
    "lying_bomb": (lying_bomb, ("实际大小超过其声明",)),
    "many_entries": (many_entries, ("文件过多",)),
    "xml_bomb_shared_strings": (xml_bomb_shared_strings, ("sharedStrings", "DOCTYPE")),
    "external_entity_sheet": (external_entity_sheet, ("sheet1", "DOCTYPE")),
    "utf16_doctype": (utf16_doctype, ("DOCTYPE",)),
    "padded_prolog": (padded_prolog, ("DOCTYPE",)),
    "far_cell": (far_cell, ("XFD1048576", "范围过大")),
    "ods_repeated": (ods_repeated, ("工作表「表三」", "范围过大")),
}


# --- our template, altered (needs the template writer and the workbook reader) ----------------

SEED = Path(__file__).parent / "fixtures" / "seeds" / "anyang-2020.json"
CELL_POINTER = "/applications/new/natural"  # 表三 一、本年新收 × 自然人


def seed_document() -> dict:
    import json

    return json.loads(SEED.read_text(encoding="utf-8"))


def template_bytes(document: dict | None = None) -> bytes:
    """A filled template of the seed report, as the template writer makes it."""
    from nianbao.excel.template import build_workbook, workbook_bytes

    doc = document or seed_document()
    return workbook_bytes(build_workbook(doc["form"], doc))


def _edit(base: bytes, fn: Callable) -> bytes:
    """``base`` opened with openpyxl, changed by ``fn(workbook)`` and saved again (which,
    as with any tool that is not Excel, drops the cached results of formulas)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(base))
    fn(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def where(pointer: str = CELL_POINTER) -> tuple[str, str]:
    from nianbao.core.layout import layout

    return layout(seed_document()["form"]).where[pointer]


def first_row_label(sheet: str) -> tuple[str, str]:
    from nianbao.core.layout import ROW, layout

    lab = next(lb for lb in layout(seed_document()["form"]).sheet(sheet).labels if lb.role == ROW)
    return lab.anchor, lab.text


def _write(folder: Path, name: str, data: bytes) -> Path:
    p = folder / name
    p.write_bytes(data)
    return p


def sheet_renamed(folder: Path, base: bytes) -> Path:
    def fn(wb):
        wb["表三"].title = "表三（改）"

    return _write(folder, "工作表改名.xlsx", _edit(base, fn))


def sheet_deleted(folder: Path, base: bytes) -> Path:
    def fn(wb):
        del wb["表四"]

    return _write(folder, "删了工作表.xlsx", _edit(base, fn))


def meta_deleted(folder: Path, base: bytes) -> Path:
    def fn(wb):
        del wb["_nianbao"]

    return _write(folder, "删了隐藏表.xlsx", _edit(base, fn))


def rows_inserted(folder: Path, base: bytes) -> Path:
    def fn(wb):
        wb["表三"].insert_rows(6)

    return _write(folder, "插入了行.xlsx", _edit(base, fn))


def label_edited(folder: Path, base: bytes) -> Path:
    anchor, text = first_row_label("表三")

    def fn(wb):
        wb["表三"][anchor] = text.replace("政府信息公开", "")

    return _write(folder, "改了标签.xlsx", _edit(base, fn))


def not_template(folder: Path, base: bytes) -> Path:
    return _write(folder, "别的表格.xlsx", plain_workbook_bytes())


def sheet_hidden(folder: Path, base: bytes) -> Path:
    def fn(wb):
        wb["表三"].sheet_state = "hidden"

    return _write(folder, "隐藏了表三.xlsx", _edit(base, fn))


def protection_removed(folder: Path, base: bytes) -> Path:
    def fn(wb):
        for ws in wb.worksheets:
            ws.protection.sheet = False
        wb.security = None

    return _write(folder, "取消了保护.xlsx", _edit(base, fn))


def resaved(folder: Path, base: bytes) -> Path:
    """Saved again by a tool that keeps formulas but not their cached results."""
    return _write(folder, "公式无缓存.xlsx", _edit(base, lambda wb: None))


def with_cell(value) -> Callable[[Path, bytes], Path]:
    """A builder putting ``value`` into the cell :data:`CELL_POINTER`."""
    sheet, address = where()

    def build(folder: Path, base: bytes) -> Path:
        def fn(wb):
            wb[sheet][address] = value

        return _write(folder, f"单元格{abs(hash(repr(value))) % 10**6}.xlsx", _edit(base, fn))

    return build


# name -> (builder, the Chinese words the message must hold); all are refused (exit 2)
LAYOUT_CASES: dict[str, tuple[Callable[[Path, bytes], Path], tuple[str, ...]]] = {
    "sheet_renamed": (sheet_renamed, ("缺少工作表「表三」", "表三（改）")),
    "sheet_deleted": (sheet_deleted, ("缺少工作表「表四」",)),
    "meta_deleted": (meta_deleted, ("不是本工具生成的年报模板",)),
    "rows_inserted": (rows_inserted, ("工作表「表三」", "模板结构被改动")),
    "label_edited": (label_edited, ("工作表「表三」", "模板结构被改动")),
    "not_template": (not_template, ("不是本工具生成的年报模板",)),
}

# changes that keep every label and value where it was: read as the original
ACCEPTED_CASES: dict[str, Callable[[Path, bytes], Path]] = {
    "sheet_hidden": sheet_hidden,
    "protection_removed": protection_removed,
    "formulas_without_cached_values": resaved,
}


def shared_strings_count(folder: Path, base: bytes) -> Path:
    """A shared strings table that declares four billion strings: python-calamine reserves
    room for them up front and aborts the process."""
    import re

    p = folder / "字符串数量.xlsx"
    sst = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4294967295"', shared_strings_of(base))
    p.write_bytes(with_shared_strings(base, sst))
    return p


CONTAINER_CASES["shared_strings_count"] = (shared_strings_count, ("sharedStrings", "字符串数量"))


def unclosed_xml(folder: Path, base: bytes) -> Path:
    """A sheet whose XML stops before its end tags (zip intact): python-calamine's .ods
    reader loops for ever on the like (fixtures/hostile/fuzz-calamine-ods-hang.ods)."""
    p = folder / "XML不完整.xlsx"
    p.write_bytes(replace_entry(base, first_sheet(base), lambda xml: xml[: len(xml) - 40]))
    return p


CONTAINER_CASES["unclosed_xml"] = (unclosed_xml, ("不是完整、正确的 XML", "sheet1.xml"))


def unknown_encoding(folder: Path, base: bytes) -> Path:
    """An XML declaration naming an encoding no parser knows (found by the fuzzer: it made
    the container check itself raise LookupError)."""
    p = folder / "未知编码.xlsx"
    sst = shared_strings_of(base).replace(b'encoding="UTF-8"', b'encoding="USF-8"', 1)
    p.write_bytes(with_shared_strings(base, sst))
    return p


CONTAINER_CASES["unknown_encoding"] = (unknown_encoding, ("无法识别的文字编码", "sharedStrings", "另存为"))


def xls_with_inverted_dimensions(xls: Path, out: Path) -> Path:
    """A copy of a real .xls whose first sheet's DIMENSIONS record says its first row
    comes after its last (python-calamine's row count wraps round and it aborts)."""
    import shutil

    import olefile

    from nianbao.io.container.ole import biff_records

    shutil.copyfile(xls, out)
    with olefile.OleFileIO(str(out), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        sheets = [struct.unpack_from("<I", body)[0] for kind, body in biff_records(bytes(data), 0) if kind == 0x0085]
        pos = sheets[0]
        while True:
            kind, length = struct.unpack_from("<HH", data, pos)
            if kind == 0x0200:
                first, last = struct.unpack_from("<II", data, pos + 4)
                struct.pack_into("<I", data, pos + 4, last + 0x20000)
                break
            pos += 4 + length
        ole.write_stream("Workbook", bytes(data))
    return out
