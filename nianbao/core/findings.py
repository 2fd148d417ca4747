"""Findings: plain immutable values, and the catalogue of every rule that produces them.

A finding says what is wrong, where (a JSON pointer, and once a workbook was read, its sheet
and cell) and by how much. The CLI, the annotator and the add-in only print or paint them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .codes import Code, Severity, Status
from .forms import AMOUNT_DECIMALS, FORMS, YUAN_DECIMALS

ERROR, WARNING = Severity.ERROR, Severity.WARNING


PASSED, WARNINGS, ERRORS, UNREADABLE = Status.PASSED, Status.WARNINGS, Status.ERRORS, Status.UNREADABLE


@dataclass(frozen=True)
class Rule:
    code: Code
    severity: Severity
    title: str  # Chinese, one line
    hint: str = ""  # Chinese: what to do


def _catalogue() -> dict[Code, Rule]:
    rules = [
        # Reading and shape
        Rule(Code.READ, ERROR, "无法读取文件", "请确认文件是本工具生成的模板或合法的报告 JSON，且未损坏、未加密"),
        Rule(Code.FORM, ERROR, "无法识别表式", "form 应为 \"2019\" 或 \"2021\""),
        Rule(Code.YEAR, ERROR, "报告年度与表式不符", "2019、2020 年度使用 2019 年表式，2021 年度起使用 2021 年表式"),
        Rule(Code.MISSING, ERROR, "缺少必填项目", "请按交换格式补齐该项目"),
        Rule(Code.UNKNOWN, ERROR, "多余的项目", "该项目不属于本表式，请删除或核对表式"),
        Rule(Code.BLANK, ERROR, "未填写", "表中每一格都须填写，没有的填 0；空白不会被当作 0"),
        Rule(Code.TYPE, ERROR, "不是有效数值", "请填写数字"),
        Rule(Code.INTEGER, ERROR, "应为整数", "件数、数量只能填写整数"),
        Rule(Code.RANGE, ERROR, "数值超出范围", "件数、数量、金额不能为负数"),
        Rule(Code.DECIMALS, ERROR, "小数位数过多",
             f"金额精确到分：以万元为单位最多保留 {AMOUNT_DECIMALS} 位小数，以元为单位最多 {YUAN_DECIMALS} 位"),
        Rule(Code.TEXT, ERROR, "格式错误", "请按说明填写"),
        Rule(Code.USCC, ERROR, "统一社会信用代码有误", "统一社会信用代码为 18 位，末位为校验码（GB 32100-2015）"),
        Rule(Code.REGION, ERROR, "行政区划代码有误", "行政区划代码为 6 位数字，前两位为省级代码"),
        Rule(Code.PREV, WARNING, "上年报告与本报告不对应", "请提供同一单位上一年度的报告"),
        # Workbooks
        Rule(Code.LAYOUT, ERROR, "模板结构被改动", "请勿增删工作表、插入行列或修改标签；请将数据重新填入新模板"),
        Rule(Code.CELL, WARNING, "单元格内容已按约定转换", "请改为直接填写数字"),
        Rule(Code.CACHE, WARNING, "公式缓存值与计算结果不一致", "请在 Excel 或 WPS 中重新计算后保存"),
        Rule(Code.TOTAL, ERROR, "合计格的公式被改为其他内容",
             "重新计算无济于事：请恢复该格中模板的公式（用 nianbao fill 把报告填入新模板，或在该格输入模板的公式），"
             "再核对各项数字"),
        Rule(Code.FORMULA, WARNING, "填写的单元格中有公式",
             "请直接填写数字或文字：公式（及其中的链接）不是报告内容，打开文件时还可能访问外部地址"),
        Rule(Code.LINK, WARNING, "工作簿含有外部链接",
             "请在 Excel 中用“数据 → 编辑链接 → 断开链接”去掉外部链接后另存，再报送"),
        Rule(Code.DUPLICATE, ERROR, "重复报送", "同一单位报送了多份报告，请确认应以哪一份为准"),
        # Published reports (web pages, Word, PDF, text copies)
        Rule(Code.ABSENT, ERROR, "发布稿缺少表格或行", "缺少的格按未填写处理，请对照原件核对"),
        Rule(Code.AMBIGUOUS, ERROR, "数字无法对应到表格的列", "这些数字未被采用，请对照原件核对"),
        Rule(Code.POSITION, WARNING, "按位置读取了没有标签的数字", "请对照原件核对这些数字所属的行列"),
        Rule(Code.SOURCE, WARNING, "发布稿的版式问题", "请对照原件核对"),
    ]
    for form in FORMS.values():
        for ident in form.identities:
            rules.append(Rule(ident.rule, ident.severity, ident.title, ident.hint))
    return {r.code: r for r in rules}


CATALOGUE: dict[Code, Rule] = _catalogue()
_UNCATALOGUED = set(Code) - set(CATALOGUE)
if _UNCATALOGUED:  # pragma: no cover - a declaration error, caught at import
    raise ImportError(f"rule codes without a catalogue entry: {sorted(_UNCATALOGUED)}")


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Code
    severity: Severity
    message: str  # Chinese, one line, naming the cells by their official labels
    pointer: str | None = None  # JSON pointer of the cell to look at first
    pointers: tuple[str, ...] = ()  # every cell involved
    difference: int | float | None = None  # lhs - rhs for identities
    sheet: str | None = None  # set once a workbook was read
    cell: str | None = None  # e.g. "D12"
    cells: tuple[str, ...] = ()  # sheet!cell of every cell involved

    @property
    def hint(self) -> str:
        rule = CATALOGUE.get(self.rule)
        return rule.hint if rule else ""

    @property
    def title(self) -> str:
        rule = CATALOGUE.get(self.rule)
        return rule.title if rule else self.rule

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        """"表三!D12" when known, else the JSON pointer."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.pointer or ""

    def located(self, sheet: str | None, cell: str | None, cells: tuple[str, ...] = ()) -> Finding:
        return replace(self, sheet=sheet, cell=cell, cells=cells)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["pointers"] = list(self.pointers)
        d["cells"] = list(self.cells)
        d["title"] = self.title
        return {k: v for k, v in d.items() if v not in (None, [], "")}


def finding(code: Code, message: str, pointer: str | None = None, **kw: Any) -> Finding:
    """A finding of a catalogued rule, with the rule's severity."""
    rule = CATALOGUE[code]
    kw.setdefault("pointers", (pointer,) if pointer else ())
    return Finding(code, kw.pop("severity", rule.severity), message, pointer, **kw)


@dataclass(frozen=True)
class Tally:
    errors: int = 0
    warnings: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Tally:
        e = w = 0
        for f in findings:
            if f.severity == ERROR:
                e += 1
            else:
                w += 1
        return cls(e, w)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def __str__(self) -> str:
        if not self.errors and not self.warnings:
            return "校验通过"
        parts = []
        if self.errors:
            parts.append(f"{self.errors} 个错误")
        if self.warnings:
            parts.append(f"{self.warnings} 个警告")
        return "发现 " + "、".join(parts)


@dataclass(frozen=True)
class Result:
    """The outcome of checking one input: its findings, or why it could not be read."""

    source: str
    findings: tuple[Finding, ...] = ()
    document: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    unreadable: bool = False
    # the document's cell values in the form model's order, when the reader gave them
    values: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def tally(self) -> Tally:
        return Tally.of(self.findings)

    @property
    def status(self) -> Status:
        if self.unreadable:
            return UNREADABLE
        t = self.tally
        return ERRORS if t.errors else (WARNINGS if t.warnings else PASSED)

    def to_dict(self) -> dict[str, Any]:
        t = self.tally
        return {
            "source": self.source,
            "status": self.status.display,
            "readable": not self.unreadable,
            "errors": t.errors,
            "warnings": t.warnings,
            "findings": [f.to_dict() for f in self.findings],
        }
