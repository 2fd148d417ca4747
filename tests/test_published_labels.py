"""Row labels as reports really print them: another form's name for the row, a typo that one
official label is unambiguously closest to — each read with a warning naming the printed text;
anything less certain is not read by its label."""

from __future__ import annotations

from publications import to_text

from nianbao.core.codes import Code
from nianbao.io.published import read_published


def _read(tmp_path, report, *swaps: tuple[str, str]):
    doc = report("shangzhi-2021")
    doc["agency"] = {"name": doc["agency"]["name"]}
    text = to_text(doc, "tabs")
    for before, after in swaps:
        assert text.count(before + "\t") == 1
        text = text.replace(before + "\t", after + "\t")
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return doc, read_published(path)


def test_another_forms_name_for_a_row_is_read_with_a_warning(tmp_path, report):
    doc, loaded = _read(tmp_path, report, ("行政规范性文件", "规范性文件"))
    assert loaded.document["active"] == doc["active"]
    (f,) = [f for f in loaded.findings if f.rule == Code.SOURCE]
    assert "「规范性文件」" in f.message and "「行政规范性文件」" in f.message
    assert f.pointer == "/active/normative_documents/issued"
    assert not [f for f in loaded.findings if f.rule == Code.POSITION]


def test_a_typo_one_label_is_closest_to_is_read_naming_the_printed_text(tmp_path, report):
    doc, loaded = _read(tmp_path, report, ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开"))
    assert loaded.document["applications"] == doc["applications"]
    (f,) = [f for f in loaded.findings if f.rule == Code.SOURCE]
    assert "「2.其他法律行政止公开」" in f.message and "「2.其他法律行政法规禁止公开」" in f.message


def test_a_label_whose_number_says_another_row_is_not_read_by_its_words(tmp_path, report):
    """The words are row 2's of （六）, the ordinal row 1's: no label is unambiguously meant."""
    printed = "1.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    doc, loaded = _read(tmp_path, report, ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", printed))
    assert not [f for f in loaded.findings if f.rule == Code.SOURCE]
    other = loaded.document["applications"]["outcomes"]["other"]
    assert other["fee_unpaid_overdue"] == doc["applications"]["outcomes"]["other"]["fee_unpaid_overdue"]
