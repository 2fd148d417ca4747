"""The quick container check of .xlsx/.xlsm files and the full one it falls back to.

:func:`nianbao.io.container.zipcheck.plainly_safe` refuses nothing itself: it vouches for a workbook as
Excel, WPS or the template writer saves it, and leaves every doubt to the full check. These
tests hold it to that: it vouches for ordinary workbooks (so the fast path is really taken),
never for a hostile one, and markup that only python-calamine would see (a second r, a
quoted ">", an r glued to the previous value) is refused before the parser aborts.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import hostile_cases as hc
import pytest

from nianbao.io.container import calamine_guards, panics, sniff, zipcheck
from nianbao.io.container import limits as container
from nianbao.io.container.safety import check_container, check_container_fully, open_container
from nianbao.io.memory import Memory
from nianbao.io.readers import ReadError, read


def quick(data: bytes) -> bool:
    """Whether the quick check vouches for the file, both halves: the container
    (:func:`nianbao.io.container.zipcheck.plainly_safe`) and what python-calamine needs besides."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = zipcheck.plainly_safe(data, zf.infolist(), {}, Memory())
        return parts is not None and calamine_guards.grids_safe(parts)


@pytest.fixture(scope="module")
def base() -> bytes:
    return hc.plain_workbook_bytes()


@pytest.fixture(scope="module")
def template() -> bytes:
    return hc.template_bytes()


def test_ordinary_workbooks_take_the_quick_path(base, template, tmp_path):
    assert quick(base)
    assert quick(template)
    macro = hc.xlsm_with_macro(tmp_path, template).read_bytes()
    assert quick(macro)


@pytest.mark.parametrize("case", sorted(hc.CONTAINER_CASES))
def test_the_quick_check_never_vouches_for_a_hostile_container(case, base, tmp_path):
    """Of the hostile .xlsx cases that get past the directory limits (which come first,
    quick or not), the quick check vouches for none."""
    build, _ = hc.CONTAINER_CASES[case]
    path = build(tmp_path, base)
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            zipcheck.check_directory(path, zf.infolist())
            kind = zipcheck.zip_what(zf, set(zf.namelist()))
    except Exception:  # noqa: BLE001 - not a zip, or refused from its directory
        return
    if kind not in (container.XLSX, container.XLSM):
        return  # the quick check is for .xlsx/.xlsm only
    assert not quick(data)


def _cell(xml: bytes, cell: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b'<row r="30">' + cell + b"</row></sheetData>", 1)


# cells python-calamine places at XFD1048576 (and aborts the process for), though a
# reader that takes the first r, or stops at the first ">", sees A30 or nothing
FAR_CELLS = {
    "second_r": b'<c r="A30" r="XFD1048576" t="n"><v>1</v></c>',
    "r_glued_to_value": b'<c r="A30"r="XFD1048576" t="n"><v>1</v></c>',
    "r_after_tab": b'<c\tr="XFD1048576" t="n"><v>1</v></c>',
    "r_spaced": b'<c r = "XFD1048576" t="n"><v>1</v></c>',
    "r_after_quoted_gt": b'<c x=">" r="XFD1048576" t="n"><v>1</v></c>',
    "r_behind_quoted_text": b"""<c x=' r="A1"' r="XFD1048576" t="n"><v>1</v></c>""",
    "lowercase": b'<c r="xfd1048576" t="n"><v>1</v></c>',
    "row_without_cell_refs": b'</row><row r="1048576"><c t="n"><v>1</v></c>',
}


def assert_refused(data: bytes, path: Path, match: str) -> None:
    """Not vouched for by the quick check, and refused by the container check."""
    assert not quick(data)
    path.write_bytes(data)
    with pytest.raises(ReadError, match=match):
        check_container(path)


@pytest.mark.parametrize("name", sorted(FAR_CELLS))
def test_a_far_cell_is_refused_however_its_reference_is_written(name, base, tmp_path):
    data = hc.replace_entry(base, hc.first_sheet(base), lambda xml: _cell(xml, FAR_CELLS[name]))
    assert_refused(data, tmp_path / "远处.xlsx", "范围过大|不是完整、正确的 XML")


SST_COUNTS = {
    "after_quoted_gt": b'a=">" uniqueCount="4294967295"',
    "leading_zeros": b'uniqueCount="000000000000000000004294967295"',
    "first_of_two": b'uniqueCount="4294967295" uniqueCount="2"',
    "after_tab": b'\tuniqueCount="4294967295"',
}


@pytest.mark.parametrize("name", sorted(SST_COUNTS))
def test_a_shared_strings_count_is_found_however_it_is_written(name, base, tmp_path):
    import re

    sst = re.sub(rb'uniqueCount="\d+"', SST_COUNTS[name], hc.shared_strings_of(base))
    data = hc.with_shared_strings(base, sst)
    assert_refused(data, tmp_path / "字符串.xlsx", "字符串数量|不是完整、正确的 XML")


def test_a_dtd_after_the_root_element_is_left_to_the_full_check(base, tmp_path):
    dtd = b'<!DOCTYPE x [<!ENTITY e "e">]>'
    sheet = hc.first_sheet(base)
    data = hc.replace_entry(base, sheet, lambda xml: xml.replace(b"<sheetData>", dtd + b"<sheetData>", 1))
    assert_refused(data, tmp_path / "实体.xlsx", "不是完整、正确的 XML")


def test_markup_broken_inside_a_sheet_is_named_when_the_parser_fails(template, tmp_path):
    """A tag lost in the middle of a sheet passes the quick check (the part still ends with
    its root's end tag); python-calamine then fails on it, and the full check names the
    part, line and column as it always did."""
    sheet = "xl/worksheets/sheet3.xml"
    data = hc.replace_entry(template, sheet, lambda xml: xml.replace(b"</sheetData>", b"", 1))
    assert quick(data)
    path = tmp_path / "少了结束标记.xlsx"
    path.write_bytes(data)
    check_container(path)
    with pytest.raises(ReadError, match="sheet3.xml”不是完整、正确的 XML（第"):
        check_container_fully(path)
    with pytest.raises(ReadError, match="sheet3.xml”不是完整、正确的 XML（第"):
        read(path)


def test_the_stderr_file_is_reused_and_passes_other_output_on(capfd):
    import os

    with panics.panic_messages_hidden():
        os.write(2, b"thread 'x' panicked at src/lib.rs\n")
    with panics.panic_messages_hidden():
        os.write(2, "其他输出\n".encode())
    assert capfd.readouterr().err == "其他输出\n"


def test_a_zip_with_an_archive_comment_is_read(template, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w") as dst:
        dst.comment = b"an archive comment"
        for info in src.infolist():
            dst.writestr(info, src.read(info))
    commented = out.getvalue()
    path = tmp_path / "带注释.xlsx"
    path.write_bytes(commented)
    assert read(path).document["form"]  # zipfile reads it, and so does the reader


def test_an_entry_zipfile_cannot_extract_is_refused_as_zipfile_refuses_it(template, tmp_path):
    """Found by the fuzzer: an entry declaring it needs zip version 25.5 to extract. zipfile
    refuses the whole zip; python-calamine reads it. Both checks refuse it alike."""
    data = bytearray(template)
    at = data.rfind(b"PK\x01\x02")  # the last central directory header
    struct.pack_into("<H", data, at + 6, 255)  # version needed to extract
    data = bytes(data)
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(io.BytesIO(data))
    path = tmp_path / "版本.xlsx"
    path.write_bytes(data)
    with pytest.raises(ReadError, match="文件已损坏或不完整"):
        read(path)


def test_a_zip_with_extra_fields_is_read(template, tmp_path):
    """zipfile checks extra fields (and refuses a broken one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            info.extra = struct.pack("<HHBL", 0x5455, 5, 1, 0)  # an extended timestamp, as Info-ZIP writes
            dst.writestr(info, src.read(info))
    data = out.getvalue()
    path = tmp_path / "附加字段.xlsx"
    path.write_bytes(data)
    assert read(path).document["form"]  # zipfile reads it, and so does the reader


# Parts every workbook of one template shares byte for byte are inflated and checked once.


def _entry_data(data: bytes, name: str) -> tuple[int, int]:
    """Where an entry's compressed bytes lie in the zip: (start, size)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + name_len + extra_len, info.compress_size


def test_parts_a_template_shares_are_inflated_once_and_worksheets_always(template, tmp_path):
    memory = Memory()
    a, b = tmp_path / "甲.xlsx", tmp_path / "乙.xlsx"
    a.write_bytes(template)
    b.write_bytes(template)
    first, second = open_container(a, memory).parts, open_container(b, memory).parts
    assert first is not None and second is not None and first == second
    assert second["xl/styles.xml"] is first["xl/styles.xml"]
    assert second["xl/workbook.xml"] is first["xl/workbook.xml"]
    sheets = [n for n in first if n.startswith("xl/worksheets/")]
    assert sheets and all(second[n] is not first[n] for n in sheets)


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/workbook.xml"])
def test_a_part_with_the_same_size_and_crc_but_other_bytes_is_inflated_and_checked_anew(template, tmp_path, part):
    memory = Memory()
    good = tmp_path / "原件.xlsx"
    good.write_bytes(template)
    assert open_container(good, memory).parts  # now in the memory
    start, size = _entry_data(template, part)
    forged = bytearray(template)
    forged[start + size // 2] ^= 0x20  # the directory still declares the original's size and CRC
    bad = tmp_path / "篡改.xlsx"
    bad.write_bytes(bytes(forged))
    with pytest.raises(ReadError, match="损坏"):
        open_container(bad, memory)


def test_a_dtd_in_a_shared_part_is_refused_in_every_copy(base, tmp_path):
    dtd = b'<!DOCTYPE x [<!ENTITY e "e">]>'
    data = hc.replace_entry(base, "xl/styles.xml", lambda xml: xml.replace(b"<styleSheet", dtd + b"<styleSheet", 1))
    for name in ("一.xlsx", "二.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ReadError, match="DTD|文档类型"):
            open_container(path)


def test_only_small_shared_parts_are_kept(template, tmp_path):
    memory = Memory()
    big = b"<big>" + b"x" * (Memory.PART_BYTES + 1) + b"</big>"
    path = tmp_path / "大部件.xlsx"
    path.write_bytes(hc.rezip(hc.entries_of(template) + [("customXml/item1.xml", big)]))
    parts = open_container(path, memory).parts
    assert parts is not None and "customXml/item1.xml" in parts  # read and checked, not kept
    kept = {key[0] for key in memory.parts}
    assert "xl/styles.xml" in kept and "customXml/item1.xml" not in kept


def test_a_file_that_comes_in_short_pieces_is_read_whole():
    class Trickle:  # an unbuffered file may return fewer bytes than asked for
        def __init__(self, data: bytes):
            self.data = data

        def read(self, n: int) -> bytes:
            piece, self.data = self.data[: min(n, 3)], self.data[min(n, 3):]
            return piece

    assert sniff._read_up_to(Trickle(b"abcdefgh"), 5) == b"abcde"
    assert sniff._read_up_to(Trickle(b"abcdefgh"), 100) == b"abcdefgh"
    assert sniff._read_up_to(Trickle(b""), 4) == b""
