"""Every rule has a passing and a failing case; the failing case checks the rule id, the
cells named and the difference."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from nianbao import validate
from nianbao.core.agency_codes import uscc_check_char, uscc_problem

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> dict:
    sub = "seeds" if name.endswith("2020") else "reports"
    return json.loads((FIXTURES / sub / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def r2019() -> dict:
    """安阳市卫生健康委员会 2020 (form 2019): a real, consistent report."""
    return load("anyang-2020")


@pytest.fixture
def r2021() -> dict:
    return load("shangzhi-2021")


def only(findings, rule):
    found = [f for f in findings if f.rule == rule]
    assert found, f"no {rule} finding in {[f.rule for f in findings]}"
    return found


def test_clean_reports_pass(r2019, r2021):
    assert validate(r2019) == ()
    assert validate(r2021) == ()


# --- I1: 一 + 二 = 三（七）总计 + 四, per column ------------------------------------------------


def test_i1_fails_with_the_spec_example(r2019):
    r2019["applications"]["carried_over"]["natural"] = 1
    r2019["applications"]["carried_over"]["total"] = 1
    (nat, tot) = only(validate(r2019), "I1")
    assert nat.severity == "error"
    assert nat.message == "表三 自然人列：一(2)+二(1)=3，三(七)总计(2)+四(0)=2，相差1"
    assert nat.difference == 1
    assert nat.pointers == (
        "/applications/new/natural",
        "/applications/carried_over/natural",
        "/applications/outcomes/total/natural",
        "/applications/carried_forward/natural",
    )
    assert tot.message.startswith("表三 总计列：")
    assert {f.rule for f in validate(r2019)} == {"I1"}


def test_i1_difference_is_signed(r2021):
    r2021["applications"]["carried_forward"]["legal"] = 4
    r2021["applications"]["carried_forward"]["total"] = 4
    findings = only(validate(r2021), "I1")
    assert [f.difference for f in findings] == [-4, -4]
    assert "相差4" in findings[0].message
    assert findings[0].message.startswith("表三 法律服务机构列")


# --- I2: （七）总计 = sum of outcomes -----------------------------------------------------------


def test_i2_names_every_nonzero_outcome(r2021):
    outcomes = r2021["applications"]["outcomes"]
    outcomes["withheld"]["state_secret"]["research"] = 2
    outcomes["withheld"]["state_secret"]["total"] = 2
    findings = validate(r2021)
    (i2,) = [f for f in findings if f.rule == "I2" and f.pointer.endswith("/research")]
    assert i2.pointer == "/applications/outcomes/total/research"
    assert "/applications/outcomes/withheld/state_secret/research" in i2.pointers
    assert i2.difference == -2
    assert "三(三)1(2)" in i2.message and "三(七)总计(0)" in i2.message
    # The total column breaks I2 too, and the row's own total still adds up (I3 holds).
    assert {f.rule for f in findings} == {"I2"}


def test_i2_form_2021_counts_the_three_other_sub_items(r2021):
    other = r2021["applications"]["outcomes"]["other"]
    other["fee_unpaid_overdue"]["natural"] = 1
    other["fee_unpaid_overdue"]["total"] = 1
    i2 = only(validate(r2021), "I2")
    assert "三(六)2(1)" in i2[0].message


def test_i2_form_2019_has_one_other_row(r2019):
    r2019["applications"]["outcomes"]["other"]["natural"] = 3
    r2019["applications"]["outcomes"]["other"]["total"] = 3
    i2 = only(validate(r2019), "I2")
    assert "三(六)(3)" in i2[0].message
    assert i2[0].difference == -3


# --- I3: 总计 = the six applicant columns, per row ------------------------------------------


def test_i3_names_the_row(r2019):
    r2019["applications"]["outcomes"]["unable"]["not_held"]["total"] = 5
    findings = validate(r2019)
    (i3,) = only(findings, "I3")
    assert i3.pointer == "/applications/outcomes/unable/not_held/total"
    assert i3.message.startswith("表三「（四）无法提供 1.本机关不掌握相关政府信息」行：总计(5)")
    assert i3.difference == 5
    assert len(i3.pointers) == 7


# --- I4: table 4 totals ------------------------------------------------------------------


def test_i4_per_group(r2021):
    r2021["appeals"]["litigation_after_review"]["corrected"] = 2
    (i4,) = only(validate(r2021), "I4")
    assert i4.message == "表四 行政诉讼·复议后起诉：总计(0)，结果维持(0)+结果纠正(2)+其他结果(0)+尚未审结(0)=2，相差2"
    assert i4.pointer == "/appeals/litigation_after_review/total"
    assert i4.difference == -2


# --- W1–W3: warnings -----------------------------------------------------------------------


def test_w1_in_force_below_net_issued(r2021):
    r2021["active"]["rules"] = {"issued": 5, "repealed": 1, "in_force": 2}
    findings = validate(r2021)
    (w1,) = only(findings, "W1")
    assert w1.severity == "warning"
    assert w1.message == "表二 规章：现行有效件数(2) 小于 本年制发件数(5)−本年废止件数(1)=4，相差2"
    assert w1.pointers == ("/active/rules/in_force", "/active/rules/issued", "/active/rules/repealed")
    assert w1.difference == -2
    assert not [f for f in findings if f.severity == "error"]


def test_w1_holds_at_equality(r2021):
    r2021["active"]["rules"] = {"issued": 5, "repealed": 1, "in_force": 4}
    assert validate(r2021) == ()


def test_w2_total_published_below_new(r2019):
    r2019["active"]["rules"] = {"new_made": 3, "new_published": 3, "total_published": 1}
    (w2,) = only(validate(r2019), "W2")
    assert w2.pointer == "/active/rules/total_published"
    assert w2.difference == -2
    assert w2.severity == "warning"


def test_w3_items_cannot_go_negative(r2019):
    r2019["active"]["fees"] = {"prev_items": 1, "change": -3}
    (w3,) = only(validate(r2019), "W3")
    assert w3.message == "表二 行政事业性收费：上一年项目数量(1)+本年增/减(-3)=-2 小于 0，相差2"
    assert w3.pointers == ("/active/fees/prev_items", "/active/fees/change")
    assert w3.difference == -2


def test_w_rules_belong_to_their_form(r2021, r2019):
    assert {ident.rule for ident in __import__("nianbao").FORMS["2021"].identities} >= {"W1", "X2"}
    assert "W1" not in {ident.rule for ident in __import__("nianbao").FORMS["2019"].identities}
    r2019["active"]["fees"]["change"] = -1  # 1 + (-1) = 0: still fine
    assert validate(r2019) == ()


# --- X1–X3: across years -------------------------------------------------------------------


def previous_of(report: dict) -> dict:
    prev = copy.deepcopy(report)
    prev["year"] -= 1
    return prev


def test_x1_carried_over_equals_last_years_carried_forward(r2021):
    prev = previous_of(r2021)
    prev["active"]["normative_documents"]["in_force"] = 10  # 10 + 3 - 1 = 12: X2 holds
    assert validate(r2021, prev) == ()
    prev["applications"]["carried_forward"]["natural"] = 3
    (x1,) = [f for f in validate(r2021, prev) if f.rule == "X1"]
    assert x1.severity == "error"
    assert x1.message == "表三 自然人列：二(0)，上年报告的四(3)，相差3"
    assert x1.pointers == ("/applications/carried_over/natural", "prev:/applications/carried_forward/natural")
    assert x1.difference == -3


def test_x1_across_forms(r2021, r2019):
    """2021's report checked against a 2020 report on the 2019 form: X1 still applies."""
    r2019["applications"]["carried_forward"]["total"] = 2
    r2019["applications"]["carried_forward"]["natural"] = 2
    found = validate(r2021, r2019)
    assert {f.rule for f in found if f.rule.startswith("X")} == {"X1"}
    assert sorted(f.pointer for f in found if f.rule == "X1") == [
        "/applications/carried_over/natural",
        "/applications/carried_over/total",
    ]


def test_x2_stock_follows_from_last_year(r2021):
    prev = previous_of(r2021)
    r2021["active"]["normative_documents"] = {"issued": 3, "repealed": 1, "in_force": 14}
    prev["active"]["normative_documents"]["in_force"] = 12
    assert [f.rule for f in validate(r2021, prev)] == []
    prev["active"]["normative_documents"]["in_force"] = 10
    (x2,) = [f for f in validate(r2021, prev) if f.rule == "X2"]
    assert x2.severity == "warning"
    assert x2.difference == 2
    assert x2.message.startswith(
        "表二 行政规范性文件：现行有效件数(14)，上年报告的现行有效件数(10)+本年制发件数(3)−本年废止件数(1)=12"
    )


def test_x3_items_follow_from_last_year(r2019):
    prev = previous_of(r2019)
    prev["year"] = 2019
    # Last year: 4000 items, -20 => this year's 上一年项目数量 should be 3980.
    prev["active"]["licensing"] = {"prev_items": 4000, "change": -20, "decisions": 1}
    for row in ("other_services", "penalty", "fees"):
        prev["active"][row]["prev_items"] = r2019["active"][row]["prev_items"]
        prev["active"][row]["change"] = 0
    assert [f.rule for f in validate(r2019, prev)] == []
    prev["active"]["licensing"]["change"] = -21
    (x3,) = [f for f in validate(r2019, prev) if f.rule == "X3"]
    assert x3.pointer == "/active/licensing/prev_items"
    assert x3.difference == 1


def test_x2_needs_form_2021_both_years(r2021, r2019):
    assert not [f for f in validate(r2021, r2019) if f.rule in ("X2", "X3")]


def test_previous_report_of_another_agency_or_year_is_flagged(r2021):
    prev = previous_of(r2021)
    prev["year"] = 2018
    prev["agency"]["uscc"] = "12100000400010398P"
    rules = [f.rule for f in validate(r2021, prev)]
    assert rules.count("PREV") == 2


# --- Schema: shape, types, blanks, ranges ---------------------------------------------------


def test_blank_is_never_zero(r2021):
    r2021["applications"]["new"]["natural"] = None
    findings = validate(r2021)
    (blank,) = only(findings, "BLANK")
    assert blank.message == "表三 一、本年新收政府信息公开申请数量 / 自然人：未填写"
    assert blank.pointer == "/applications/new/natural"
    # The identities that need the blank cell are not evaluated as if it were 0.
    assert {f.rule for f in findings} == {"BLANK"}


def test_wrong_types_and_ranges(r2021):
    r2021["active"]["rules"]["issued"] = "3"
    r2021["active"]["rules"]["repealed"] = -1
    r2021["active"]["penalty"]["decisions"] = 2.5
    r2021["active"]["fees"]["amount"] = 1.2345678
    findings = {f.rule: f for f in validate(r2021)}
    assert findings["TYPE"].pointer == "/active/rules/issued"
    assert findings["RANGE"].pointer == "/active/rules/repealed"
    assert findings["INTEGER"].pointer == "/active/penalty/decisions"
    assert findings["DECIMALS"].message == "表二 行政事业性收费 / 本年收费金额（单位：万元）：1.2345678 超过 6 位小数"


def test_change_may_be_negative_but_counts_may_not(r2019):
    r2019["active"]["penalty"]["change"] = -41
    assert validate(r2019) == ()
    r2019["active"]["penalty"]["decisions"] = -1
    assert [f.rule for f in validate(r2019)] == ["RANGE"]


def test_missing_and_unknown_keys(r2021):
    del r2021["appeals"]["review"]["pending"]
    r2021["active"]["procurement"] = {"items": 1, "amount": 2}  # a 2019-only row
    findings = validate(r2021)
    assert {(f.rule, f.pointer) for f in findings} >= {
        ("MISSING", "/appeals/review/pending"),
        ("UNKNOWN", "/active/procurement"),
    }


def test_form_and_year_must_agree(r2019, r2021):
    r2019["year"] = 2021
    (year,) = only(validate(r2019), "YEAR")
    assert "2019—2020" in year.message
    r2021["year"] = 2020
    assert [f.rule for f in validate(r2021)] == ["YEAR"]


def test_unknown_form_suggests_the_right_one():
    (f,) = validate({"form": "2018", "year": 2022})
    assert f.rule == "FORM"
    assert "2022 年度应使用 2021 年表式" in f.message
    assert validate([1, 2])[0].rule == "FORM"


# --- Codes ---------------------------------------------------------------------------------


def test_uscc_check_character():
    # The example of GB 32100-2015.
    assert uscc_problem("91350100M000100Y43") is None
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert uscc_problem("91350100M000100Y44") == "校验码应为 3，实为 4"
    assert uscc_problem("9135010") == "应为 18 位，实为 7 位"
    assert "I" in uscc_problem("91350100M000100I43")


def test_uscc_and_region_findings(r2021):
    r2021["agency"]["uscc"] = "91350100M000100Y44"
    r2021["agency"]["region_code"] = "990100"
    findings = {f.rule: f for f in validate(r2021)}
    assert findings["USCC"].pointer == "/agency/uscc"
    assert "校验码应为 3" in findings["USCC"].message
    assert findings["REGION"].message == "行政区划代码「990100」前两位 99 不是省级行政区划代码"
    r2021["agency"]["uscc"] = "91350100M00010"
    r2021["agency"]["region_code"] = "23018"
    findings = {f.rule: f for f in validate(r2021)}
    assert "应为 18 位" in findings["USCC"].message
    assert "应为 6 位数字" in findings["REGION"].message


def test_codes_are_optional(r2021):
    del r2021["agency"]["uscc"]
    del r2021["agency"]["region_code"]
    assert validate(r2021) == ()


def test_amounts_to_the_fen_six_decimals_in_wan_two_in_yuan(r2019):
    r2019["active"]["procurement"]["amount"] = 24252.311082  # 万元 to the 分
    assert not [f for f in validate(r2019) if f.rule == "DECIMALS"]
    r2019["meta"] = {"procurement_amount_unit": "元"}
    r2019["active"]["procurement"]["amount"] = 75394432.52
    assert not [f for f in validate(r2019) if f.rule == "DECIMALS"]
    r2019["active"]["procurement"]["amount"] = 75394432.521
    (f,) = [f for f in validate(r2019) if f.rule == "DECIMALS"]
    assert "以元为单位" in f.message and "超过 2 位小数" in f.message
    assert f.pointer == "/active/procurement/amount"
