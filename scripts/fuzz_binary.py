#!/usr/bin/env python3
"""Generators of hostile published reports in the binary formats — PDF and Word — for the
reader fuzzer (``scripts/fuzz_reader.py`` imports :func:`seed_publications` and
:data:`PUBLICATION_MUTATORS`; :func:`mutate_publication` picks one by suffix).

Seeds are a report drawn as a ruled PDF by hand (tests/published_pdfs.py) and the same report
as Word (tests/publications.py). PDF mutations work inside the content streams (inflated,
edited, deflated again): glyphs made invisible or white, text drawn under odd matrices,
operators and numbers changed, content repeated, a ToUnicode entry pointed at a lone
surrogate; or on the file's bytes (flips, truncation). Word mutations edit the body's XML:
hidden runs, tables nested deep, ``gridSpan``/``vMerge`` floods, an ``altChunk``, broken tags.

    python scripts/fuzz_binary.py --n 50      # each mutation read once in this process
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "tests" / "fixtures" / "reports" / "shangzhi-2021.json"


def seed_publications() -> list[tuple[str, bytes]]:
    """(suffix, bytes) of a valid report as a PDF and as a Word file."""
    sys.path.insert(0, str(ROOT / "tests"))
    import publications
    import published_pdfs

    doc = json.loads(REPORT.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        docx = Path(tmp) / "r.docx"
        publications.to_docx(doc, docx)
        return [(".pdf", published_pdfs.report_pdf(doc)), (".docx", docx.read_bytes())]


# --- PDF ---------------------------------------------------------------------------------------

_STREAM = re.compile(rb"(<<[^>]*?/Length )(\d+)( /Filter /FlateDecode >>\nstream\n)(.*?)(\nendstream)", re.S)


def _edit_streams(data: bytes, edit: Callable[[bytes], bytes], rng: random.Random, holding: bytes = b"BT ") -> bytes:
    """One Flate stream of the file holding ``holding`` (a page's content: ``BT``; the
    ToUnicode map: ``beginbfchar``) inflated, edited, deflated and its /Length set again."""
    streams = []
    for m in _STREAM.finditer(data):
        try:
            plain = zlib.decompress(m.group(4))
        except zlib.error:
            continue
        if holding in plain:
            streams.append((m, plain))
    if not streams:
        return data
    m, plain = rng.choice(streams)
    packed = zlib.compress(edit(plain))
    return (
        data[: m.start()] + m.group(1) + str(len(packed)).encode() + m.group(3) + packed + m.group(5) + data[m.end() :]
    )


def _text_ops(plain: bytes) -> list[re.Match[bytes]]:
    return list(re.finditer(rb"BT .*? ET", plain))


def pdf_hide_text(data: bytes, rng: random.Random) -> bytes:
    def edit(plain: bytes) -> bytes:
        ops = _text_ops(plain)
        if not ops:
            return plain
        m = rng.choice(ops)
        mode = rng.choice([b"3 Tr", b"7 Tr", b"1 1 1 rg", b"0 0 0 0 k"])
        return plain[: m.start()] + m.group().replace(b"0 Tr", mode, 1) + b"\n" + m.group() + plain[m.end() :]

    return _edit_streams(data, edit, rng)


def pdf_odd_matrix(data: bytes, rng: random.Random) -> bytes:
    def edit(plain: bytes) -> bytes:
        a, d = rng.choice([(1, -1), (0.001, 1), (1000, 1000), (-1, 1), (0, 0)])
        return f"q {a} 0 0 {d} {rng.randint(-500, 500)} {rng.randint(-500, 500)} cm\n".encode() + plain + b"\nQ"

    return _edit_streams(data, edit, rng)


def pdf_change_numbers(data: bytes, rng: random.Random) -> bytes:
    def edit(plain: bytes) -> bytes:
        spots = list(re.finditer(rb"-?\d+(\.\d+)?", plain))
        for m in rng.sample(spots, min(len(spots), rng.randint(1, 20))):
            value = rng.choice([b"0", b"-1", b"1e9", b"99999999", b"0.0001", b"-0", b"3.4e38"])
            plain = plain[: m.start()] + value + plain[m.end() :]
            break
        return plain

    return _edit_streams(data, edit, rng)


def pdf_repeat_content(data: bytes, rng: random.Random) -> bytes:
    return _edit_streams(data, lambda plain: plain * rng.randint(2, 40), rng)


def pdf_surrogate_map(data: bytes, rng: random.Random) -> bytes:
    def edit(plain: bytes) -> bytes:
        pairs = list(re.finditer(rb"<([0-9A-F]{4})> <([0-9A-F]{4,8})>", plain))
        if not pairs:
            return plain
        m = rng.choice(pairs)
        odd = rng.choice([b"D800", b"DFFF", b"FFFE", b"0000", b"D83DDE00", b"FFFD"])
        return plain[: m.start(2)] + odd + plain[m.end(2) :]

    return _edit_streams(data, edit, rng, b"beginbfchar")


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


# --- Word --------------------------------------------------------------------------------------


def _edit_body(data: bytes, edit: Callable[[str], str]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        entries = [(i.filename, z.read(i)) for i in z.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, raw in entries:
            if name == "word/document.xml":
                raw = edit(raw.decode("utf-8")).encode("utf-8")
            z.writestr(name, raw)
    return out.getvalue()


def docx_hidden_runs(data: bytes, rng: random.Random) -> bytes:
    def edit(xml: str) -> str:
        runs = [m.start() for m in re.finditer("<w:r>", xml)]
        for at in sorted(rng.sample(runs, min(len(runs), rng.randint(1, 30))), reverse=True):
            xml = xml[:at] + f"<w:r><w:rPr><w:vanish/></w:rPr><w:t>{rng.randint(0, 999)}</w:t></w:r>" + xml[at:]
        return xml

    return _edit_body(data, edit)


def docx_nest_tables(data: bytes, rng: random.Random) -> bytes:
    def edit(xml: str) -> str:
        inner = "<w:p><w:r><w:t>行政许可</w:t></w:r></w:p>"
        for _ in range(rng.randint(10, 200)):
            inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/>"
        return xml.replace("<w:body>", "<w:body>" + inner, 1)

    return _edit_body(data, edit)


def docx_span_flood(data: bytes, rng: random.Random) -> bytes:
    def edit(xml: str) -> str:
        span = rng.choice(["64", "100000", "-1", "x", "99999999999999999999"])
        merge = rng.choice(['<w:vMerge w:val="restart"/>', "<w:vMerge/>", ""])
        return xml.replace("<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{span}"/>{merge}', rng.randint(1, 2000))

    return _edit_body(data, edit)


def docx_alt_chunk(data: bytes, rng: random.Random) -> bytes:
    return _edit_body(
        data, lambda xml: re.sub(r"<w:body>.*</w:body>", '<w:body><w:altChunk r:id="rId99"/></w:body>', xml, flags=re.S)
    )


def docx_break_tags(data: bytes, rng: random.Random) -> bytes:
    def edit(xml: str) -> str:
        at = rng.randrange(len(xml))
        return xml[:at] + rng.choice(["<", "</w:tc>", "<w:tbl>", "&bogus;", "\x00", "]]>"]) + xml[at:]

    return _edit_body(data, edit)


PUBLICATION_MUTATORS: dict[str, dict[str, Callable[[bytes, random.Random], bytes]]] = {
    ".pdf": {
        "pdf_hide_text": pdf_hide_text,
        "pdf_odd_matrix": pdf_odd_matrix,
        "pdf_change_numbers": pdf_change_numbers,
        "pdf_repeat_content": pdf_repeat_content,
        "pdf_surrogate_map": pdf_surrogate_map,
        "flip_bytes": flip_bytes,
        "truncate": truncate,
    },
    ".docx": {
        "docx_hidden_runs": docx_hidden_runs,
        "docx_nest_tables": docx_nest_tables,
        "docx_span_flood": docx_span_flood,
        "docx_alt_chunk": docx_alt_chunk,
        "docx_break_tags": docx_break_tags,
        "flip_bytes": flip_bytes,
        "truncate": truncate,
    },
}


def mutate_publication(data: bytes, rng: random.Random, suffix: str) -> tuple[bytes, str]:
    """``data`` (a publication of ``suffix``) mutated by one generator; (bytes, its name)."""
    name, fn = rng.choice(sorted(PUBLICATION_MUTATORS[suffix].items()))
    return fn(data, rng), name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="用变异的 PDF、Word 年度报告检验读取程序")
    parser.add_argument("--n", type=int, default=50, help="每种格式变异的次数（默认 50）")
    parser.add_argument("--seed", type=int, default=0, help="随机数种子")
    args = parser.parse_args(argv)
    from nianbao.io.published import read_published
    from nianbao.io.readers import ReadError

    rng = random.Random(args.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for suffix, data in seed_publications():
            for k in range(args.n):
                mutated, how = mutate_publication(data, rng, suffix)
                path = Path(tmp) / f"m{k}{suffix}"
                path.write_bytes(mutated)
                try:
                    read_published(path)
                except ReadError:
                    pass
                except Exception as e:  # noqa: BLE001 - the failure this script looks for
                    failures += 1
                    print(f"{suffix} {how}: {type(e).__name__}: {e}")
    print(f"完成：{2 * args.n} 个变异文件，{failures} 个失败")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
