"""The VBA project writer (xlwings_addin.vbaproject), by round trip through independent readers:
oletools' decompressor and olefile's compound-file reader, and against the project that Excel
made in xlwings' template."""

from __future__ import annotations

import io
import os
import struct
import warnings
import zipfile

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():  # oletools' own deprecation warnings from pyparsing
    warnings.simplefilter("ignore")
    from oletools.olevba import decompress_stream

from xlwings_addin.build import TEMPLATE_VBA, template_path
from xlwings_addin.sources import modules
from xlwings_addin.vbaproject import cfb, dirstream, obfuscation
from xlwings_addin.vbaproject.compression import CompressionError, compress, decompress
from xlwings_addin.vbaproject.project import (
    CLASS,
    DOCUMENT,
    PROCEDURAL,
    Module,
    ProjectError,
    build,
    read,
    read_template,
)


@pytest.fixture(scope="module")
def template_vba() -> bytes:
    with zipfile.ZipFile(template_path()) as z:
        return z.read(TEMPLATE_VBA)


def oletools(container: bytes) -> bytes:
    return bytes(decompress_stream(bytearray(container)))


SAMPLES = {
    "empty": b"",
    "one byte": b"A",
    "zeros 10000": b"\0" * 10000,
    "one chunk of a 256-byte cycle": bytes(range(256)) * 16,  # ms-ovba-compression gets this wrong
    "random 9000": os.urandom(9000),
    "random exactly 4096": os.urandom(4096),
    "4097 repeating": b"abc" * 1365 + b"ab",
    "vba text": ('Attribute VB_Name = "M"\r\nSub A()\r\n    MsgBox "x"\r\nEnd Sub\r\n' * 300).encode(),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_compression_round_trips_through_oletools(name):
    data = SAMPLES[name]
    packed = compress(data)
    assert packed[0] == 0x01
    assert oletools(packed) == data
    assert decompress(packed) == data


def test_compression_of_text_is_smaller():
    text = SAMPLES["vba text"]
    assert len(compress(text)) < len(text) / 10


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=9000), st.text(alphabet="ab \r\nSubEnd", max_size=9000).map(str.encode)))
def test_compression_round_trips_any_bytes(data):
    packed = compress(data)
    assert oletools(packed) == data
    assert decompress(packed) == data


def test_decompress_reads_what_excel_compressed(template_vba):
    ole = olefile.OleFileIO(io.BytesIO(template_vba))
    raw_dir = ole.openstream("VBA/dir").read()
    assert decompress(raw_dir) == oletools(raw_dir)
    project = dirstream.read(decompress(raw_dir))
    for m in project.modules:
        raw = ole.openstream(f"VBA/{m.stream}").read()[m.offset :]
        assert decompress(raw) == oletools(raw), m.name


def test_decompress_refuses_broken_containers():
    for bad in (b"", b"\x02abc", b"\x01\xff", b"\x01" + (0x0B03).to_bytes(2, "little") + b"\x01\x00"):
        with pytest.raises(CompressionError):
            decompress(bad)


def test_dir_stream_parses_and_serializes_excels_byte_for_byte(template_vba):
    ole = olefile.OleFileIO(io.BytesIO(template_vba))
    raw = decompress(ole.openstream("VBA/dir").read())
    assert dirstream.serialize(dirstream.parse(raw)) == raw
    project = dirstream.read(raw)
    assert project.name == "MyAddin"
    assert "Office" in project.reference_names()  # the library that defines IRibbonControl
    assert {m.name for m in project.modules} >= {"ThisWorkbook", "Dictionary", "xlwings"}


def _stream_sizes():
    sizes = [0, 1, 63, 64, 65, 4095, 4096, 4097, 20000, 70000]
    return {f"S{i}/s{n}" if i % 2 else f"s{n}": os.urandom(n) for i, n in enumerate(sizes)}


def test_compound_file_round_trips_through_olefile():
    streams = _stream_sizes()
    streams["VBA/a"], streams["VBA/bb"], streams["PROJECT"] = b"x" * 10, b"y" * 5000, b"z"
    data = cfb.write(streams)
    assert len(data) % cfb.SECTOR == 0
    ole = olefile.OleFileIO(io.BytesIO(data))
    got = {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}
    assert got == streams


def test_directory_entries_follow_the_spec():
    """MS-CFB 2.6: storages carry no start sector or size; free entries are zeros except
    their links (NOSTREAM)."""
    data = cfb.write({"VBA/dir": b"x" * 100, "PROJECT": b"y"})
    first_dir = struct.unpack_from("<I", data, 0x30)[0]
    sector = data[cfb.SECTOR * (first_dir + 1) : cfb.SECTOR * (first_dir + 2)]
    kinds = []
    for k in range(cfb.SECTOR // 128):
        entry = sector[k * 128 : (k + 1) * 128]
        kind = entry[66]
        kinds.append(kind)
        start, size = struct.unpack_from("<IQ", entry, 116)
        if kind == cfb.STORAGE:
            assert (start, size) == (0, 0)
        if kind == 0:
            assert entry[:68] == bytes(68) and entry[68:80] == b"\xff" * 12 and entry[80:] == bytes(48)
    assert kinds == [cfb.ROOT, cfb.STORAGE, cfb.STREAM, cfb.STREAM]


def _check_tree(ole, sid, seen):
    """Entries of a storage form a binary search tree in CFB order with the red-black rules;
    returns the black height."""
    if sid == cfb.NOSTREAM:
        return 1
    e = ole.direntries[sid]
    seen.append(e.name)
    for child_sid in (e.sid_left, e.sid_right):
        if child_sid != cfb.NOSTREAM and e.color == cfb.RED:
            assert ole.direntries[child_sid].color == cfb.BLACK  # no red node has a red child
    left, right = _check_tree(ole, e.sid_left, seen), _check_tree(ole, e.sid_right, seen)
    assert left == right
    return left + (e.color == cfb.BLACK)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 12])
def test_directory_is_a_red_black_tree_in_cfb_order(n):
    names = [f"{'m' * (k % 3 + 1)}{k}" for k in range(n)]
    data = cfb.write({f"VBA/{name}": b"." for name in names})
    ole = olefile.OleFileIO(io.BytesIO(data))
    vba = next(e for e in ole.direntries if e is not None and e.name == "VBA")
    root = ole.direntries[vba.sid_child]
    assert root.color == cfb.BLACK
    order: list[str] = []

    def walk(sid):
        if sid == cfb.NOSTREAM:
            return
        e = ole.direntries[sid]
        walk(e.sid_left)
        order.append(e.name)
        walk(e.sid_right)

    walk(vba.sid_child)
    assert order == sorted(names, key=lambda s: (len(s), s.upper()))
    _check_tree(ole, vba.sid_child, [])


def test_excels_project_rewritten_reads_back_the_same(template_vba):
    ole = olefile.OleFileIO(io.BytesIO(template_vba))
    streams = {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()}
    again = olefile.OleFileIO(io.BytesIO(cfb.write(streams)))
    assert {"/".join(p): again.openstream("/".join(p)).read() for p in again.listdir()} == streams


def test_built_project_reads_back(template_vba):
    mods = modules()
    data = build("nianbao", mods, read_template(template_vba))
    back = read(data)
    assert back.sources == {m.name: m.source for m in mods}
    assert back.dir.name == "nianbao"
    # MS-OVBA 2.3.4.1: version 0xFFFF and no performance cache; every module's source at offset 0
    assert back.vba_project == struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 1)
    assert all(m.offset == 0 for m in back.dir.modules)
    lines = back.project_text.split("\r\n")
    assert 'Name="nianbao"' in lines
    assert [ln for ln in lines if ln.split("=")[0] in ("Document", "Module", "Class")] == [
        "Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000",
        "Class=Dictionary", "Module=xlwings", "Module=NianbaoRibbon",
    ]
    ole = olefile.OleFileIO(io.BytesIO(data))
    wm = ole.openstream("PROJECTwm").read()
    assert wm == b"".join(m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in mods) + b"\0\0"


def test_project_refuses_what_the_code_page_cannot_hold(template_vba):
    t = read_template(template_vba)
    with pytest.raises(ProjectError, match="代码页"):
        build("p", [Module("M", PROCEDURAL, 'Attribute VB_Name = "M"\r\nMsgBox "校验"\r\n')], t)
    with pytest.raises(ProjectError, match="VB_Name"):
        build("p", [Module("M", PROCEDURAL, 'Attribute VB_Name = "N"\r\n')], t)
    with pytest.raises(ProjectError, match="重复"):
        twins = [Module(n, k, f'Attribute VB_Name = "{n}"\r\n') for n, k in (("M", CLASS), ("m", DOCUMENT))]
        build("p", twins, t)


def test_a_file_that_is_not_a_project_is_refused():
    with pytest.raises(ProjectError):
        read_template(b"not a compound file")
    with pytest.raises(ProjectError):
        read(cfb.write({"PROJECT": b"x"}))


def _project_lines(text: str) -> dict[str, str]:
    lines = {}
    for line in text.split("\r\n"):
        if line.startswith("["):
            break
        key, _, value = line.partition("=")
        lines[key] = value.strip('"')
    return lines


def test_obfuscation_reads_what_excel_wrote(template_vba):
    """MS-OVBA 2.4.3: Excel's CMG/DPB/GC decrypt, with the key of Excel's project ID, to an
    unprotected project without password that is visible."""
    ole = olefile.OleFileIO(io.BytesIO(template_vba))
    lines = _project_lines(ole.openstream("PROJECT").read().decode("cp1252"))
    key = obfuscation.project_key(lines["ID"])
    assert obfuscation.decrypt(lines["CMG"]) == (key, b"\0\0\0\0")
    assert obfuscation.decrypt(lines["DPB"]) == (key, b"\0")
    assert obfuscation.decrypt(lines["GC"]) == (key, b"\xff")


@settings(max_examples=100, deadline=None)
@given(st.uuids(), st.binary(max_size=40), st.integers(0, 2**32))
def test_obfuscation_round_trips(u, data, seed):
    import random

    project_id = "{" + str(u).upper() + "}"
    text = obfuscation.encrypt(project_id, data, random.Random(seed))
    assert obfuscation.decrypt(text) == (obfuscation.project_key(project_id), data)


def test_a_project_id_of_its_own(template_vba):
    own = "{058CBC83-7F2F-550B-9075-EBE71A491417}"
    data = build("nianbao", modules(), read_template(template_vba), own)
    lines = _project_lines(read(data).project_text)
    assert lines["ID"] == own
    key = obfuscation.project_key(own)
    assert [obfuscation.decrypt(lines[k]) for k in ("CMG", "DPB", "GC")] == [
        (key, b"\0\0\0\0"), (key, b"\0"), (key, b"\xff"),
    ]
    # the lengths the ABNF of 2.3.1.15-17 allows
    assert 22 <= len(lines["CMG"]) <= 28 and 16 <= len(lines["GC"]) <= 22 and len(lines["DPB"]) >= 16
    with pytest.raises(ProjectError):
        build("nianbao", modules(), read_template(template_vba), "{not-a-guid}")
