"""The fast .xlsx reader (nianbao.io.xlsx.ooxml) reads what python-calamine reads, the same way.

It reads the parts the container check inflated, and declines (``Unsupported``) whatever
it is not sure of; python-calamine then reads the file. Each test here holds it to
python-calamine: cell by cell on hand-written markup, report by report on real workbooks
(ours, LibreOffice's) and on fuzzed ones.
"""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import hostile_cases as hc
import pytest
import python_calamine
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nianbao.core.layout import cell_index
from nianbao.core.model import model
from nianbao.io.container.panics import panic_messages_hidden
from nianbao.io.container.safety import open_container
from nianbao.io.memory import MEMORY, Memory
from nianbao.io.readers import ReadError, read
from nianbao.io.xlsx import calamine_sheets, ooxml, workbook
from nianbao.io.xlsx.calamine_sheets import CalamineSource

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "各单位报告"

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types '
    'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
    'Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表" '
    'sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
# style 0: General; 1: a date (built-in 14); 2: 0.0000; 3: yyyy"年"m"月"; 4: #,##0"件";
# 5: a duration (built-in 46); 6: h:mm; 7: yyyy/m/d;@; 8: a date and time (built-in 22)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?><styleSheet '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="5"><numFmt numFmtId="164" formatCode="0.0000"/><numFmt numFmtId="165" '
    'formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>'
    '<numFmt numFmtId="166" formatCode="#,##0&quot;件&quot;"/><numFmt numFmtId="167" formatCode="h:mm"/>'
    '<numFmt numFmtId="168" formatCode="yyyy/m/d;@"/></numFmts>'
    '<cellXfs count="9"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf '
    'numFmtId="166"/>'
    '<xf numFmtId="46"/><xf numFmtId="167"/><xf numFmtId="168"/><xf numFmtId="22"/></cellXfs></styleSheet>'
)
SHARED = [
    "<si><t>普通</t></si>",
    '<si><t xml:space="preserve">  留空格  </t></si>',
    "<si><t>  去空格  </t></si>",
    "<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb=\"0\" eb=\"1\"><t>フ</t></rPh></si>",
    "<si><t>a &amp; b &lt; c &#x4E2D;&#10;d</t></si>",
    "<si><t/></si>",
]


def parts(rows: str, shared: list[str] = SHARED, styles: str = _STYLES, date1904: bool = False) -> dict[str, bytes]:
    """The parts of a workbook of one sheet 表 whose sheet data holds ``rows``."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )
    sst = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(shared)}" uniqueCount="{len(shared)}">{"".join(shared)}</sst>'
    )
    book = _WB.replace("<sheets>", '<workbookPr date1904="1"/><sheets>') if date1904 else _WB
    return {name: text.encode() for name, text in (
        ("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", book),
        ("xl/_rels/workbook.xml.rels", _WB_RELS),
        ("xl/styles.xml", styles), ("xl/sharedStrings.xml", sst), ("xl/worksheets/sheet1.xml", sheet))}


def column(cells: list[str]) -> str:
    """Rows holding ``cells`` (the markup inside each <c>, with its r attribute written here)
    in the first column, one per row."""
    return "".join(f'<row r="{n}">' + c.replace("<c", f'<c r="A{n}"', 1) + "</row>" for n, c in enumerate(cells, 1))


def xlsx(path: Path, cells: list[str], shared: list[str] = SHARED) -> Path:
    """A workbook of one sheet 表 whose first column holds ``cells`` (as :func:`column`)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts(column(cells), shared).items():
            z.writestr(name, data)
    return path


def fast_column(path: Path) -> list:
    """Column A from A1 to the last filled row, "" where nothing is (as python-calamine's grid)."""
    sheet = ooxml.Workbook(open_container(path).parts).cells("表")
    last = max((cell_index(a.decode())[0] for a in sheet.values), default=-1)
    return [sheet.values.get(f"A{n}".encode(), "") for n in range(1, last + 2)]


def calamine_column(path: Path) -> list:
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表")
    rows = sheet.to_python(skip_empty_area=False)
    return [row[0] if row else "" for row in rows]


# markup the fast reader reads, each as Excel, WPS, LibreOffice or openpyxl may write it
READ_ALIKE = {
    "whole number": '<c><v>25</v></c>',
    "negative and decimal": '<c><v>-1.25</v></c>',
    "exponent": '<c><v>1.5E-3</v></c>',
    "a long whole number": '<c><v>123456789012345678</v></c>',
    "explicit number type": '<c s="0" t="n"><v>7</v></c>',
    "number with a plain custom format": '<c s="2"><v>3.5</v></c>',
    "number with units in quotes": '<c s="4"><v>12</v></c>',
    "formula and its result": '<c><f>SUM(B1:B2)</f><v>9</v></c>',
    "shared formula": '<c><f t="shared" si="0"/><v>4</v></c>',
    "shared string": '<c t="s"><v>0</v></c>',
    "preserved spaces": '<c t="s"><v>1</v></c>',
    "spaces trimmed": '<c t="s"><v>2</v></c>',
    "rich text and a phonetic guide": '<c t="s"><v>3</v></c>',
    "entities": '<c t="s"><v>4</v></c>',
    "empty shared string": '<c t="s"><v>5</v></c>',
    "inline string": '<c t="inlineStr"><is><t>行内</t></is></c>',
    "inline rich text": '<c t="inlineStr"><is><r><t>行</t></r><r><t>内</t></r></is></c>',
    "formula text result": '<c t="str"><f>"a"</f><v> 文本 </v></c>',
    "boolean": '<c t="b"><v>1</v></c>',
    "error": '<c t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    "formula without its result": '<c><f>SUM(B1)</f></c>',
    "formula with an empty result": '<c s="0"><f>IF(A1,"",1)</f><v /></c>',
    "empty value": '<c><v></v></c>',
    "styled blank": '<c s="2" t="n" />',
    "another attribute": '<c s="0" t="n" cm="1"><v>8</v></c>',
    "a date": '<c s="1"><v>44227</v></c>',
    "a date in a custom format": '<c s="3"><v>44227</v></c>',
    "a date in Excel's Chinese format": '<c s="7"><v>44227</v></c>',
    "a date from a date-and-time format": '<c s="8"><v>44227</v></c>',
    "the first day read as a date": '<c s="1"><v>61</v></c>',
    "the last day read as a date": '<c s="1"><v>2958465</v></c>',
    "a date typed by formula": '<c s="1"><f>DATE(2021,1,31)</f><v>44227</v></c>',
}


@pytest.mark.parametrize("case", sorted(READ_ALIKE))
def test_cells_read_as_python_calamine_reads_them(case, tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [READ_ALIKE[case], '<c t="inlineStr"><is><t>尾</t></is></c>'])
    fast, slow = fast_column(path), calamine_column(path)
    # whole numbers come as int, python-calamine's as float; the reader takes both alike
    assert [float(v) if type(v) is int else v for v in fast] == slow


# markup the fast reader declines, so that python-calamine reads the file
DECLINED = {
    "a date with a time of day": '<c s="1"><v>44227.5</v></c>',
    "a day in Excel's imaginary 29 February 1900": '<c s="1"><v>60</v></c>',
    "a day before March 1900": '<c s="1"><v>59</v></c>',
    "a day beyond 9999": '<c s="1"><v>2958466</v></c>',
    "a duration": '<c s="5"><v>2</v></c>',
    "a time of day": '<c s="6"><v>1</v></c>',
    "an escaped character": '<c t="inlineStr"><is><t>a_x000D_b</t></is></c>',
    "a carriage return": '<c t="inlineStr"><is><t>a\rb</t></is></c>',
    "a number with spaces": '<c><v> 7 </v></c>',
    "type before style": '<c t="n" s="0"><v>7</v></c>',
    "an ISO date cell": '<c t="d"><v>2021-01-31</v></c>',
    "an inline string in a number cell": '<c><is><t>x</t></is></c>',
    "an error type with an inline string": '<c t="e"><is><t>填报日期</t></is></c>',
    "a shared string out of range": '<c t="s"><v>99</v></c>',
    "markup it does not know": '<c><v>1</v><extLst/></c>',
    "a reference beyond ZZ999": '<c><v>1</v></c><c r="AAA1"><v>2</v></c>',
}


@pytest.mark.parametrize("case", sorted(DECLINED))
def test_what_it_is_not_sure_of_is_declined(case, tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [DECLINED[case]])
    with pytest.raises(ooxml.Unsupported):
        fast_column(path)


# The cell pattern's quantifiers are possessive, for speed. Its backtracking twin (the same
# pattern without the possessive marks) is the reference: wherever the possessive pattern
# finds every cell of a sheet, it finds the very same matches; where it finds fewer, the
# sheet is declined (the count of "<c" tells), never read otherwise.
BACKTRACKING_CELL = re.compile(re.sub(rb"(?<=[*+?}])\+", b"", ooxml._CELL.pattern))
REFERENCES = [' r="A1"', ' r="B2"', ' r="B2"/', '']
ATTRIBUTES = [' s="1"', ' t="n"', ' t="s"', ' t="inlineStr"', ' cm="1"', ' ', ' s="1"/', '"']
CHILDREN = ['<f>SUM(A1)</f>', '<f t="shared" si="0"/>', '<f/>', '<f a/>x</f>', '<v>1</v>', '<v/>', '<v></v>',
            '<is><t>行</t></is>', '<is><r><t>a</t></r><rPh/></is>', '<is>', '</is>', '<t>x</t>', 'x', '<', '/>', '</f>']
cells = st.builds(
    lambda ref, attributes, closed, children: (
        "<c" + ref + "".join(attributes) + ("/>" if closed else ">" + "".join(children) + "</c>")
    ),
    st.sampled_from(REFERENCES), st.lists(st.sampled_from(ATTRIBUTES), max_size=3), st.booleans(),
    st.lists(st.sampled_from(CHILDREN), max_size=3))


def both_patterns(sheet: bytes) -> tuple[list, list]:
    return ooxml._CELL.findall(sheet), BACKTRACKING_CELL.findall(sheet)


def test_the_twin_is_the_same_pattern_without_its_possessive_marks():
    assert ooxml._CELL.pattern.count(b"+") > BACKTRACKING_CELL.pattern.count(b"+")
    assert re.search(rb"[*+?}]\+", BACKTRACKING_CELL.pattern) is None


@pytest.mark.parametrize("case", sorted(READ_ALIKE) + sorted(DECLINED))
def test_the_possessive_cell_pattern_matches_every_shape_as_its_twin(case):
    cell = (READ_ALIKE | DECLINED)[case].replace("<c", '<c r="A1"', 1).encode()
    fast, twin = both_patterns(cell)
    assert fast == twin and len(fast) == 1 or (len(fast) < cell.count(b"<c") and case in DECLINED)


@settings(max_examples=1000, deadline=None, database=None)
@given(st.lists(cells, min_size=1, max_size=4))
def test_the_possessive_cell_pattern_finds_all_cells_only_as_its_twin_does(sheet_cells):
    sheet = "".join(sheet_cells).encode()
    fast, twin = both_patterns(sheet)
    if len(fast) == sheet.count(b"<c"):  # what the reader accepts
        assert fast == twin


def test_a_cell_without_its_reference_is_declined(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", ["<c><v>1</v></c>"])
    parts = dict(open_container(path).parts)
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b' r="A1"', b"")
    with pytest.raises(ooxml.Unsupported):  # python-calamine would place it by counting
        ooxml.Workbook(parts).cells("表")


def test_errors_and_formulas_without_results_are_told_apart_from_blanks(tmp_path):
    cells = [READ_ALIKE["error"], READ_ALIKE["formula without its result"], READ_ALIKE["formula with an empty result"],
             '<c s="2" t="n" />', READ_ALIKE["whole number"]]
    path = xlsx(tmp_path / "a.xlsx", cells)
    hidden = ooxml.Workbook(open_container(path).parts).cells("表").hidden
    assert hidden == {
        "A1": (ooxml.ERROR, "#DIV/0!"), "A2": (ooxml.UNCACHED, "SUM(B1)"), "A3": (ooxml.UNCACHED, 'IF(A1,"",1)')
    }
    # the python-calamine path finds the same in the sheet XML
    wanted = {"表": {f"A{n}" for n in range(1, 6)}}
    assert CalamineSource(path).hidden(wanted) == {("表", a): what for a, what in hidden.items()}


def test_a_workbook_missing_a_part_it_names_is_declined(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [READ_ALIKE["whole number"]])
    parts = dict(open_container(path).parts)
    for name in ("xl/styles.xml", "_rels/.rels"):
        less = {n: b for n, b in parts.items() if n != name}
        with pytest.raises(ooxml.Unsupported):
            ooxml.Workbook(less)
    wrong = dict(parts)
    wrong["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"/worksheet\"", b"/chartsheet\"")
    with pytest.raises(ooxml.Unsupported):
        ooxml.Workbook(wrong)


# --- whole reports --------------------------------------------------------------------------------


def no_calamine(path):
    """In place of python-calamine where the fast reader must read the file alone."""
    raise AssertionError("python-calamine was asked to read a file the fast reader takes")


def both_readers(path: Path):
    container = open_container(path)
    fast = workbook.read_parsed(path, ooxml.Workbook(container.parts))
    slow = workbook.read_workbook(path, container=container, fast=False)
    return fast, slow


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.xlsx")))
def test_the_example_reports_read_alike(name):
    fast, slow = both_readers(EXAMPLES / name)
    assert fast == slow
    assert fast.values == slow.values == tuple(model(fast.document["form"]).values(fast.document))


def test_reports_saved_by_libreoffice_read_alike_and_take_the_fast_path(report, workbook_of, soffice, monkeypatch):
    for name in ("anyang-2020", "shangzhi-2021"):
        saved = soffice(workbook_of(report(name), name=f"{name}.xlsx"), "xlsx")  # shared strings, LibreOffice's markup
        fast, slow = both_readers(saved)
        assert fast == slow
        with monkeypatch.context() as m:
            m.setattr(calamine_sheets, "_open", no_calamine)
            assert read(saved).document == slow.document


def test_dates_count_from_1904_are_left_to_python_calamine(tmp_path):
    path = xlsx(tmp_path / "a.xlsx", [READ_ALIKE["a date"]])
    parts = dict(open_container(path).parts)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"<sheets>", b'<workbookPr date1904="1"/><sheets>')
    with pytest.raises(ooxml.Unsupported):
        ooxml.Workbook(parts).cells("表")


def test_a_date_typed_into_the_cover_reads_on_the_fast_path(report, workbook_of, tmp_path, monkeypatch):
    """Excel stores a date typed into 填报日期 as a number in the cell's date format; the fast
    reader reads it as the date python-calamine reads."""
    from nianbao.core.forms import FILLED_DATE_POINTER
    from nianbao.core.layout import layout

    path = workbook_of(report("anyang-2020"))
    cell = layout("2019").where[FILLED_DATE_POINTER][1].encode()
    data = path.read_bytes()
    dated = hc.replace_entry(data, hc.first_sheet(data), lambda xml: re.sub(
        rb'<c r="' + cell + rb'"( s="[0-9]+")[^>]*?(/>|>.*?</c>)', rb'<c r="' + cell + rb'"\1><v>44227</v></c>',
        xml, count=1))
    path.write_bytes(dated)
    expected = workbook.read_workbook(path, fast=False)
    assert expected.document["meta"]["filled_date"].startswith("2021-01-31")
    monkeypatch.setattr(calamine_sheets, "_open", no_calamine)
    assert read(path) == expected


def test_a_report_in_a_template_uses_no_calamine(report, workbook_of, monkeypatch):
    path = workbook_of(report("anyang-2020"))
    expected = workbook.read_workbook(path, fast=False)
    monkeypatch.setattr(calamine_sheets, "_open", no_calamine)
    assert read(path) == expected


FUZZ = hc.fuzz_script()


# A sheet whose markup between values is that of a sheet read before is read by its values
# alone (its plan, kept in nianbao.io.memory.MEMORY). The reference is reading it whole: every
# test below holds the two to
# the same cells, and to declining the same sheets.

# workbooks a sheet may be read in: what reading a cell with a value depends on
CONTEXTS = {
    "as the tests' others": {},
    "fewer shared strings": {"shared": SHARED[:2]},
    "dates from 1904": {"date1904": True},
    "other styles": {"styles": _STYLES.replace('<xf numFmtId="14"/>', '<xf numFmtId="0"/>').replace(
        '<xf numFmtId="164"/>', '<xf numFmtId="46"/>')},  # a date style plain, a plain one a duration
}


def read_sheet(rows: str, context: str = "as the tests' others") -> tuple[dict, dict] | str:
    try:
        sheet = ooxml.Workbook(parts(rows, **CONTEXTS[context])).cells("表")
        return sheet.values, sheet.hidden
    except ooxml.Unsupported:
        return "declined"


def plans() -> list:
    return [plan for plan in MEMORY.plans.values() if isinstance(plan, ooxml._MarkupPlan)]


def read_whole(rows: str) -> tuple[dict, dict] | str:
    MEMORY.forget_sheets()
    try:
        return read_sheet(rows)
    finally:
        MEMORY.forget_sheets()


SLOT, REF = "\x00", "\x01"  # where a value goes, and a cell's reference, in the shapes below


def shapes_of(cases: dict[str, str]) -> list[str]:
    return [re.sub(r"<v>[^<]+</v>", f"<v>{SLOT}</v>", c).replace("<c", "<c" + REF, 1) for c in cases.values()]


VALUE_TEXTS = ["0", "7", "25", "-1.25", "1.5E-3", "123456789012345678", "44227", "44227.5", "61", "60", "2958466",
               " 7 ", "1", "2", "5", "99", "#REF!", "#DIV/0!", "x", "a &amp; b", "行", "1e5", "-", ".", '"', ">", "/"]
small = st.integers(0, 5).map(str)  # a shared string's index, a boolean, a whole number
value_texts = st.one_of(small, small, small, st.integers(0, 10**6).map(str), st.sampled_from(VALUE_TEXTS),
                        st.text(st.characters(blacklist_characters="<&\r\x00\x01", codec="utf-8"),
                                min_size=1, max_size=5))
odd_cells = st.builds(  # the pattern test's cells, a value among their children
    lambda ref, attributes, closed, children: (
        "<c" + ref + "".join(attributes) + ("/>" if closed else ">" + "".join(children) + "</c>")
    ),
    st.sampled_from(REFERENCES), st.lists(st.sampled_from(ATTRIBUTES), max_size=2), st.booleans(),
    st.lists(st.sampled_from(CHILDREN + [f"<v>{SLOT}</v>"]), max_size=3))
read_alike, declined = st.sampled_from(shapes_of(READ_ALIKE)), st.sampled_from(shapes_of(DECLINED))
stray_values = st.sampled_from([f"<v>{SLOT}</v>", f'<c{REF} t="inlineStr"><is><t><v>{SLOT}</v></t></is></c>'])
plain_sheets = st.lists(read_alike, min_size=1, max_size=6)  # most are planned
odd_sheets = st.lists(st.one_of(read_alike, declined, odd_cells, stray_values), min_size=1, max_size=5)


def filled(shapes: list[str], values: list[str]) -> str:
    """The rows of a sheet, a shape in each, its references and values filled in."""
    out = iter(values)
    return "".join(f'<row r="{n}">' + re.sub(SLOT, lambda _: next(out), shape.replace(REF, f' r="A{n}"')) + "</row>"
                   for n, shape in enumerate(shapes, 1))


def read_after_its_markup(shapes: list[str], data: st.DataObject) -> None:
    """A sheet read after one of the same markup with other values, in another workbook,
    reads as if read whole. (The one before mostly holds plain values, so that it is
    mostly planned.)"""
    slots = sum(shape.count(SLOT) for shape in shapes)
    first = data.draw(st.lists(st.one_of(small, value_texts), min_size=slots, max_size=slots))
    second = data.draw(st.lists(value_texts, min_size=slots, max_size=slots))
    context = data.draw(st.sampled_from(sorted(CONTEXTS)))
    before, now = filled(shapes, first), filled(shapes, second)
    whole = read_whole(now)
    MEMORY.forget_sheets()
    read_sheet(before, context)
    read_sheet(before, context)  # read whole again: its plan kept, if it can have one
    try:
        assert read_sheet(now) == whole
    finally:
        MEMORY.forget_sheets()


@settings(max_examples=1000, deadline=None, database=None)
@given(plain_sheets, st.data())
def test_a_sheet_with_the_markup_of_one_read_before_reads_as_if_read_whole(shapes, data):
    read_after_its_markup(shapes, data)


@settings(max_examples=1000, deadline=None, database=None)
@given(odd_sheets, st.data())
def test_an_odd_sheet_with_the_markup_of_one_read_before_reads_as_if_read_whole(shapes, data):
    read_after_its_markup(shapes, data)


class Counting:
    """_CELL, counting how often it reads a sheet whole."""

    def __init__(self):
        self.calls = 0

    def findall(self, *args):
        self.calls += 1
        return ooxml._CELL_PATTERN.findall(*args)


@pytest.fixture
def counting(monkeypatch):
    MEMORY.forget_sheets()
    monkeypatch.setattr(ooxml, "_CELL_PATTERN", ooxml._CELL, raising=False)
    counter = Counting()
    monkeypatch.setattr(ooxml, "_CELL", counter)
    yield counter
    MEMORY.forget_sheets()


def test_a_report_in_the_template_of_one_read_before_is_read_by_its_values(report, workbook_of, counting):
    first, second = (workbook_of(report(name), name=f"{name}.xlsx") for name in ("anyang-2020", "arongqi-2020"))
    workbook.read_workbook(first)
    sheets = counting.calls  # each read whole; only the markup kept
    workbook.read_workbook(first)
    assert counting.calls == 2 * sheets  # each read whole again, and planned
    got = workbook.read_workbook(second)
    assert counting.calls - 2 * sheets == 1  # only the cover (another agency's name) is read whole
    MEMORY.forget_sheets()
    assert got == workbook.read_workbook(second)  # as when read whole


def test_a_sheet_of_other_markup_as_long_is_read_whole(counting):
    first = column(['<c t="inlineStr"><is><t>甲</t></is></c>', "<c><v>1</v></c>"])
    second = first.replace("甲", "乙")  # as many values, markup as long
    assert read_sheet(first)[0] == {b"A1": "甲", b"A2": 1}
    assert read_sheet(second)[0] == {b"A1": "乙", b"A2": 1}
    assert counting.calls == 2


def test_sheets_of_as_many_values_filled_in_other_cells_each_keep_their_plan(counting):
    """Two agencies that left other cells blank: as many values, markup as long."""
    first = '<row r="1"><c r="A1"><v>{}</v></c><c r="B1"/></row>'
    second = '<row r="1"><c r="A1"/><c r="B1"><v>{}</v></c></row>'
    for n in range(6):
        assert read_sheet(first.format(n))[0] == {b"A1": n}
        assert read_sheet(second.format(n))[0] == {b"B1": n}
    assert counting.calls == 4 and len(plans()) == 2


def test_a_value_outside_a_cell_keeps_the_sheet_from_being_planned(counting):
    rows = '<row r="1"><v>5</v><c r="A1"><v>1</v></c></row>'
    assert read_sheet(rows)[0] == read_sheet(rows)[0] == {b"A1": 1}
    assert read_sheet(rows.replace("<v>1<", "<v>2<"))[0] == {b"A1": 2}
    assert counting.calls == 3 and not plans()


def test_a_reference_twice_keeps_the_sheet_from_being_planned(counting):
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
    assert read_sheet(rows)[0] == read_sheet(rows)[0] == {b"A1": "x"}
    assert not plans()


def test_a_sheet_is_planned_the_second_time_it_is_read_whole(counting):
    rows = column(['<c t="inlineStr"><is><t>标签</t></is></c>', "<c><v>1</v></c>"])
    for n in range(1, 5):
        assert read_sheet(rows.replace("<v>1<", f"<v>{n}<"))[0] == {b"A1": "标签", b"A2": n}
    assert counting.calls == 2 and len(plans()) == 1


def test_plans_are_few_and_small(counting, monkeypatch):
    label = '<c t="inlineStr"><is><t>标签</t></is></c>'
    for n in range(2 * Memory.PLANS_KEPT):  # as many sheets of other markup, each twice
        read_sheet(column([label] * n + ["<c><v>1</v></c>"]))
        read_sheet(column([label] * n + ["<c><v>2</v></c>"]))
    assert len(MEMORY.plans) == len(plans()) == Memory.PLANS_KEPT
    MEMORY.forget_sheets()
    # a plan in use stays while the sheets seen once or twice come and go
    used = column(["<c><v>1</v></c>"] * 2)
    for n in range(2 * Memory.PLANS_KEPT):
        read_sheet(column([label] * n + ["<c><v>1</v></c>"]))
        calls = counting.calls
        assert read_sheet(used.replace("<v>1<", f"<v>{n}<"))[0] == {b"A1": n, b"A2": n}
        assert counting.calls == calls + (n < 2)
    MEMORY.forget_sheets()
    monkeypatch.setattr(MEMORY, "PLAN_BYTES", 2000)
    big, small = column([label] * 40 + ["<c><v>1</v></c>"]), column([label] + ["<c><v>1</v></c>"])
    assert len(big) > 2000 > len(small)
    read_sheet(big)
    read_sheet(big)
    assert not MEMORY.plans
    read_sheet(small)
    read_sheet(small)
    assert len(plans()) == 1


@pytest.fixture(scope="module")
def templates() -> list[bytes]:
    return [data for suffix, data in FUZZ.seed_workbooks() if suffix == ".xlsx"]


@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), mutator=st.sampled_from(sorted(FUZZ.MUTATORS)))
def test_mutated_workbooks_read_alike_or_are_declined(templates, tmp_path, seed, mutator):
    rng = random.Random(seed)
    data = hc.mutated(rng.choice(templates), mutator, rng)
    path = tmp_path / f"m{seed}.xlsx"
    path.write_bytes(data)
    assert FUZZ.compare_readers(str(path)) is None
    path.unlink()


def test_a_flaw_in_the_fast_reader_falls_back_to_python_calamine(report, workbook_of, monkeypatch):
    path = workbook_of(report("anyang-2020"))
    expected = workbook.read_workbook(path, fast=False)

    def flawed(self, xml):
        raise RuntimeError("a bug")

    monkeypatch.setattr(ooxml.Workbook, "_read", flawed)
    assert read(path) == expected
    # the fuzzer still sees it
    why = FUZZ.run_target(str(path))
    assert why and "RuntimeError: a bug" in why


# --- one seam, two sources -------------------------------------------------------------------------
# The fast path (ooxml.Workbook) and the python-calamine path (CalamineSource) are the two
# SheetSources the template reader reads from: on generated sheets they give the same cells
# (whole numbers as int from the one, as float from the other) and the same hidden cells, or
# the fast path declines the sheet (python-calamine then reads it).


source_values = st.one_of(small, small, small, small, st.integers(61, 2958465).map(str),
                          st.integers(-10**6, 10**12).map(str), st.floats(-1e9, 1e9).map(repr),
                          st.sampled_from(["-1.25", "1.5E-3", "44227", "61", "0.1"]), value_texts)


def _same(value):
    return "" if value is None else float(value) if type(value) is int else value


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=st.lists(st.one_of(read_alike, read_alike, read_alike, read_alike, declined), min_size=1, max_size=5),
       data=st.data())
def test_both_sheet_sources_give_the_same_cells_on_generated_sheets(shapes, data, tmp_path):
    slots = sum(shape.count(SLOT) for shape in shapes)
    rows = filled(shapes, data.draw(st.lists(source_values, min_size=slots, max_size=slots)))
    context = data.draw(st.sampled_from(sorted(CONTEXTS)))
    path = tmp_path / "生成.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts(rows, **CONTEXTS[context]).items():
            z.writestr(name, body)
    try:
        fast = ooxml.Workbook(open_container(path).parts, Memory())
        fast_cells = fast.cells("表")
    except ooxml.Unsupported:
        event("declined by the fast path")
        return  # python-calamine reads the file
    event("read by both")
    with panic_messages_hidden():
        slow = CalamineSource(path)
        try:
            slow_cells = slow.cells("表")
        except ReadError:
            # the one known difference: an error cell whose error python-calamine does not
            # know (t="e" holding "0") fails its whole sheet; the fast path keeps the text as
            # the cell's error, which the validator then reports at that cell
            event("refused by python-calamine")
            assert any(what[0] == ooxml.ERROR for what in fast_cells.hidden.values())
            return
    addresses = [f"A{n}" for n in range(1, len(shapes) + 2)]
    fast_read = [_same(fast_cells.get(a.encode())) for a in addresses]
    assert fast_read == [_same(slow_cells.get(a.encode())) for a in addresses]
    empty = {"表": {a for a in addresses if _same(fast_cells.get(a.encode())) == ""}}
    assert {k: v for k, v in fast.hidden(empty).items() if k[1] in empty["表"]} == slow.hidden(empty)
    slow.close()


def sweep_rows(number: str, string: str, check: str = "✓") -> str:
    """A plain number, a shared string, a number in a plain style of its own (#,##0"件"), a
    date, and a formula's text result: what a workbook re-saved by LibreOffice holds where
    ours holds inline strings."""
    return column([f"<c><v>{number}</v></c>", f'<c t="s"><v>{string}</v></c>', '<c s="4"><v>7</v></c>',
                   '<c s="1"><v>44227</v></c>', f'<c t="str"><f>IF(A1&gt;0,"✓","")</f><v>{check}</v></c>'])


def test_a_planned_sheet_reads_its_numbers_and_shared_strings_in_one_sweep(monkeypatch):
    MEMORY.forget_sheets()
    read_sheet(sweep_rows("1", "0"))
    read_sheet(sweep_rows("3", "1"))  # read whole again: planned
    assert len(plans()) == 1
    one_by_one: list[list[bytes]] = []
    take = ooxml.Workbook._take

    def counted(self, found, values, formulas):
        one_by_one.append([cell[0] for cell in found])
        return take(self, found, values, formulas)

    monkeypatch.setattr(ooxml.Workbook, "_take", counted)
    try:
        now = read_sheet(sweep_rows("25", "3", "✗"))
        assert one_by_one == [[b"A4"]]  # only the date, which the styles decide, cell by cell
        date = read_whole(sweep_rows("1", "0"))[0][b"A4"]
        assert now[0] == {b"A1": 25, b"A2": "富文本", b"A3": 7, b"A4": date, b"A5": "✗"}
        # what the sweep does not take (a fraction, a string the table lacks) is read cell by
        # cell, as a sheet read whole reads it
        for number, string, check in (("1.5", "5", "✓"), ("7", "9", "✓"), ("1234567890123456", "0", "✓"),
                                      ("7", "0", "a &amp; b"), ("7", "0", "_x000D_"), ("7", "0", "&#10;")):
            one_by_one.clear()
            MEMORY.forget_sheets()
            read_sheet(sweep_rows("1", "0"))
            read_sheet(sweep_rows("3", "1"))
            got = read_sheet(sweep_rows(number, string, check))
            assert len(one_by_one[-1]) > 1
            assert got == read_whole(sweep_rows(number, string, check))
    finally:
        MEMORY.forget_sheets()
