"""The two national forms, declared once, as data.

Everything else — the JSON Schemas, the validator's messages, the Excel templates, the
workbook reader, the highlighter and the consolidator — derives from the declarations in
this module. Labels are exactly as printed on the official forms (full-width punctuation
included); keys are the interchange format's JSON keys.

A form has three tables:

* table 2 (主动公开) — groups of rows sharing one header of columns;
* table 3 (依申请公开) — a tree of rows crossed with the seven applicant columns;
* table 4 (复议诉讼) — three groups of five columns on a single row.

Identities are declared with *selectors* over those tables (see :class:`Identity`) and
expanded into cell-level checks by :mod:`nianbao.core.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .codes import Code, Severity
from .identities import Identity, identity

# Value kinds of a cell.
COUNT = "count"  # whole number >= 0
CHANGE = "change"  # whole number, may be negative (本年增/减)
AMOUNT = "amount"  # number >= 0 with at most AMOUNT_DECIMALS decimals (万元)

# Amounts to the 分: six decimals in 万元 (24252.311082 万元), two in 元 (75394432.52 元).
AMOUNT_DECIMALS = 6
YUAN_DECIMALS = 2

# The largest value a cell may hold: a count above a trillion, or an amount above a trillion
# 万元, is a typing or a reading error, never a report. (lowest, highest) of each kind; the
# JSON Schemas, the validator and consolidation all take them from here.
MAX_COUNT = 10**12
MAX_AMOUNT = 10**12  # 万元
KIND_BOUNDS: dict[str, tuple[int, int]] = {
    COUNT: (0, MAX_COUNT),
    CHANGE: (-MAX_COUNT, MAX_COUNT),
    AMOUNT: (0, MAX_AMOUNT),
}

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# Keys of a report's meta: the date it was filled in, the unit of an amount whose unit the
# form does not print (采购总金额 in form 2019), and what the reader adds — which template,
# which file.
FILLED_DATE_KEY = "filled_date"
PROCUREMENT_UNIT_KEY = "procurement_amount_unit"
PROVENANCE_KEYS = (VERSION_KEY, SOURCE_KEY) = ("template_version", "source_file")
# A report read from a publication (web page, Word, PDF, text) keeps where each number came
# from: JSON pointer -> place in the source ("表格 3 第 5 行第 4 列", "正文 第 57 行").
LOCATIONS_KEY = "source_locations"
LOCATIONS_LABEL = "来源位置"


# Pointers of the report's own fields, and of the agency's (keys in AGENCY_FIELDS).
def agency_pointer(key: str) -> str:
    return f"/agency/{key}"


def meta_pointer(key: str) -> str:
    return f"/meta/{key}"


YEAR_POINTER = "/year"
FILLED_DATE_POINTER = meta_pointer(FILLED_DATE_KEY)


# Labels of the report's own fields (the agency's are AGENCY_FIELDS).
FORM_LABEL = "表式"
YEAR_LABEL = "报告年度"
FILLED_DATE_LABEL = "填报日期"
PROCUREMENT_UNIT_LABEL = "采购总金额单位"
VERSION_LABEL = "模板版本"
SOURCE_LABEL = "来源文件"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT
    parent: str | None = None  # a merged header above this column, if any
    description: str = ""
    unit_key: str = ""  # an amount whose unit the report declares, under meta[unit_key]

    @property
    def heading(self) -> str:
        """The column's header on one line, under its merged header: "法人或其他组织：商业企业"."""
        return f"{self.parent}：{self.label}" if self.parent else self.label


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    short: str = ""  # short label used in messages, e.g. "三(七)总计"
    children: tuple[Row, ...] = ()
    description: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class Group:
    """A block of a table sharing one header: table 2's 第二十条 groups, table 4's groups."""

    key: str  # JSON key of the group (table 4) or "" when rows carry the keys (table 2)
    label: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...] = ()
    parent: str | None = None  # merged header above the group (table 4's 行政诉讼)
    row_header: str = ""  # header of the label column (table 2's 信息内容)

    @property
    def title(self) -> str:
        """The group with its merged header, e.g. "行政诉讼·未经复议直接起诉"."""
        return f"{self.parent}·{self.label}" if self.parent else self.label

    @property
    def heading(self) -> str:
        """The group as a row label of its own, e.g. "行政诉讼（未经复议直接起诉）" (table 4
        printed a row per group)."""
        return f"{self.parent}（{self.label}）" if self.parent else self.label


@dataclass(frozen=True)
class Table:
    key: str  # JSON key: "active", "applications", "appeals"
    number: int  # 2, 3, 4
    sheet: str  # 表二
    title: str  # official section title
    note: str = ""  # printed note (table 3's 勾稽关系)
    groups: tuple[Group, ...] = ()  # tables 2 and 4
    rows: tuple[Row, ...] = ()  # table 3
    columns: tuple[Column, ...] = ()  # table 3
    column_header: str = ""  # table 3's 申请人情况


@dataclass(frozen=True)
class Form:
    key: str  # "2019" / "2021"
    document: str  # 国办公开办函〔…〕…号
    years: tuple[int, int | None]  # first and last report year (None: open ended)
    tables: tuple[Table, ...]
    identities: tuple[Identity, ...] = field(default=())

    def applies_to(self, year: int) -> bool:
        first, last = self.years
        return year >= first and (last is None or year <= last)

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


# ---------------------------------------------------------------------------------------
# Shared pieces

CLAUSE_1 = "第二十条第（一）项"
CLAUSE_5 = "第二十条第（五）项"
CLAUSE_6 = "第二十条第（六）项"
CLAUSE_8 = "第二十条第（八）项"
CLAUSE_9 = "第二十条第（九）项"
CONTENT = "信息内容"
TOTAL = Column("total", "总计")

# Rows of table 2 that both forms print alike
RULES = Row("rules", "规章")
LICENSING = Row("licensing", "行政许可")
PENALTY_ROWS = (Row("penalty", "行政处罚"), Row("enforcement", "行政强制"))
FEES = Row("fees", "行政事业性收费")

LEGAL_PERSON = "法人或其他组织"

APPLICANT_COLUMNS = (
    Column("natural", "自然人"),
    Column("commercial", "商业企业", parent=LEGAL_PERSON),
    Column("research", "科研机构", parent=LEGAL_PERSON),
    Column("social", "社会公益组织", parent=LEGAL_PERSON),
    Column("legal", "法律服务机构", parent=LEGAL_PERSON),
    Column("other", "其他", parent=LEGAL_PERSON),
    TOTAL,
)


def _outcome_rows(other: Row) -> tuple[Row, ...]:
    return (
        Row("disclosed", "（一）予以公开", "三(一)"),
        Row("partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "三(二)"),
        Row(
            "withheld",
            "（三）不予公开",
            "三(三)",
            (
                Row("state_secret", "1.属于国家秘密", "三(三)1"),
                Row("prohibited_by_law", "2.其他法律行政法规禁止公开", "三(三)2"),
                Row("security_stability", "3.危及“三安全一稳定”", "三(三)3"),
                Row("third_party_rights", "4.保护第三方合法权益", "三(三)4"),
                Row("internal_affairs", "5.属于三类内部事务信息", "三(三)5"),
                Row("process_info", "6.属于四类过程性信息", "三(三)6"),
                Row("enforcement_files", "7.属于行政执法案卷", "三(三)7"),
                Row("administrative_query", "8.属于行政查询事项", "三(三)8"),
            ),
        ),
        Row(
            "unable",
            "（四）无法提供",
            "三(四)",
            (
                Row("not_held", "1.本机关不掌握相关政府信息", "三(四)1"),
                Row("needs_creation", "2.没有现成信息需要另行制作", "三(四)2"),
                Row("unclear_after_correction", "3.补正后申请内容仍不明确", "三(四)3"),
            ),
        ),
        Row(
            "not_processed",
            "（五）不予处理",
            "三(五)",
            (
                Row("petition_complaint", "1.信访举报投诉类申请", "三(五)1"),
                Row("duplicate", "2.重复申请", "三(五)2"),
                Row("publications", "3.要求提供公开出版物", "三(五)3"),
                Row("excessive_repeated", "4.无正当理由大量反复申请", "三(五)4"),
                Row("confirm_or_reissue", "5.要求行政机关确认或重新出具已获取信息", "三(五)5"),
            ),
        ),
        other,
        Row("total", "（七）总计", "三(七)总计", description="本年度办理结果的合计"),
    )


OTHER_2019 = Row("other", "（六）其他处理", "三(六)")
OTHER_2021 = Row(
    "other",
    "（六）其他处理",
    "三(六)",
    (
        Row(
            "no_correction_overdue",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "三(六)1",
        ),
        Row(
            "fee_unpaid_overdue",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "三(六)2",
        ),
        Row("other", "3.其他", "三(六)3"),
    ),
)


def _table3(other: Row) -> Table:
    return Table(
        key="applications",
        number=3,
        sheet="表三",
        title="三、收到和处理政府信息公开申请情况",
        note="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        column_header="申请人情况",
        columns=APPLICANT_COLUMNS,
        rows=(
            Row("new", "一、本年新收政府信息公开申请数量", "一"),
            Row("carried_over", "二、上年结转政府信息公开申请数量", "二"),
            Row("outcomes", "三、本年度办理结果", "三", _outcome_rows(other)),
            Row("carried_forward", "四、结转下年度继续办理", "四"),
        ),
    )


APPEAL_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    TOTAL,
)

LITIGATION = "行政诉讼"

TABLE4 = Table(
    key="appeals",
    number=4,
    sheet="表四",
    title="四、政府信息公开行政复议、行政诉讼情况",
    groups=(
        Group("review", "行政复议", APPEAL_COLUMNS),
        Group("litigation_direct", "未经复议直接起诉", APPEAL_COLUMNS, parent=LITIGATION),
        Group("litigation_after_review", "复议后起诉", APPEAL_COLUMNS, parent=LITIGATION),
    ),
)

TABLE2_TITLE = "二、主动公开政府信息情况"

# ---------------------------------------------------------------------------------------
# Identities shared by both forms

I1 = identity(
    Code.I1,
    ERROR,
    "applications",
    "column",
    ("new", "carried_over"),
    ("outcomes/total", "carried_forward"),
    title="第一项加第二项之和，等于第三项加第四项之和",
    hint="本年新收与上年结转之和，应等于本年度办理结果总计与结转下年度之和",
)
I2 = identity(
    Code.I2,
    ERROR,
    "applications",
    "column",
    ("outcomes/total",),
    ("outcomes/**",),
    title="（七）总计等于（一）至（六）各项之和",
    hint="办理结果（七）总计应等于（一）至（六）各明细项之和",
)
I3 = identity(
    Code.I3,
    ERROR,
    "applications",
    "row",
    ("total",),
    ("*",),
    title="总计等于自然人与法人或其他组织各列之和",
    hint="每一行的总计应等于自然人与各类法人或其他组织之和",
)
I4 = identity(
    Code.I4,
    ERROR,
    "appeals",
    "group",
    ("total",),
    ("*",),
    title="总计等于结果维持、结果纠正、其他结果、尚未审结之和",
    hint="总计应等于结果维持、结果纠正、其他结果与尚未审结之和",
)
X1 = identity(
    Code.X1,
    ERROR,
    "applications",
    "column",
    ("carried_over",),
    ("prev:carried_forward",),
    title="本年上年结转等于上年报告的结转下年度继续办理",
    hint="本年“二、上年结转”应等于上一年度报告“四、结转下年度继续办理”",
)

# ---------------------------------------------------------------------------------------
# Form 2021 (国办公开办函〔2021〕30号)

DECISIONS_2021 = (Column("decisions", "本年处理决定数量"),)

FORM_2021 = Form(
    key="2021",
    document="国办公开办函〔2021〕30号",
    years=(2021, None),
    tables=(
        Table(
            key="active",
            number=2,
            sheet="表二",
            title=TABLE2_TITLE,
            groups=(
                Group(
                    "",
                    CLAUSE_1,
                    (
                        Column("issued", "本年制发件数"),
                        Column("repealed", "本年废止件数"),
                        Column("in_force", "现行有效件数"),
                    ),
                    (RULES, Row("normative_documents", "行政规范性文件")),
                    row_header=CONTENT,
                ),
                Group(
                    "",
                    CLAUSE_5,
                    DECISIONS_2021,
                    (LICENSING,),
                    row_header=CONTENT,
                ),
                Group(
                    "",
                    CLAUSE_6,
                    DECISIONS_2021,
                    PENALTY_ROWS,
                    row_header=CONTENT,
                ),
                Group(
                    "",
                    CLAUSE_8,
                    (Column("amount", "本年收费金额（单位：万元）", AMOUNT),),
                    (FEES,),
                    row_header=CONTENT,
                ),
            ),
        ),
        _table3(OTHER_2021),
        TABLE4,
    ),
    identities=(
        I1,
        I2,
        I3,
        I4,
        identity(
            Code.W1,
            WARNING,
            "active",
            "rows:rules,normative_documents",
            ("in_force",),
            ("issued", "-repealed"),
            op=">=",
            title="现行有效件数不小于本年制发件数减本年废止件数",
            hint="否则意味着上年末现行有效件数为负，请核对",
        ),
        X1,
        identity(
            Code.X2,
            WARNING,
            "active",
            "rows:rules,normative_documents",
            ("in_force",),
            ("prev:in_force", "issued", "-repealed"),
            title="现行有效件数等于上年现行有效件数加本年制发件数减本年废止件数",
            hint="本年现行有效件数应等于上年报告的现行有效件数加本年制发、减本年废止",
                ),
    ),
)

# ---------------------------------------------------------------------------------------
# Form 2019 (国办公开办函〔2019〕60号)

ITEMS_COLUMNS = (
    Column("prev_items", "上一年项目数量"),
    Column("change", "本年增/减", CHANGE, description="本年增减变化，可以为负数"),
    Column("decisions", "处理决定数量"),
)

FORM_2019 = Form(
    key="2019",
    document="国办公开办函〔2019〕60号",
    years=(2019, 2020),
    tables=(
        Table(
            key="active",
            number=2,
            sheet="表二",
            title=TABLE2_TITLE,
            groups=(
                Group(
                    "",
                    CLAUSE_1,
                    (
                        Column("new_made", "本年新制作数量"),
                        Column("new_published", "本年新公开数量"),
                        Column("total_published", "对外公开总数量"),
                    ),
                    (RULES, Row("normative_documents", "规范性文件")),
                    row_header=CONTENT,
                ),
                Group(
                    "",
                    CLAUSE_5,
                    ITEMS_COLUMNS,
                    (LICENSING, Row("other_services", "其他对外管理服务事项")),
                    row_header=CONTENT,
                ),
                Group(
                    "",
                    CLAUSE_6,
                    ITEMS_COLUMNS,
                    PENALTY_ROWS,
                    row_header=CONTENT,
                ),
                Group(
                    "",
                    CLAUSE_8,
                    ITEMS_COLUMNS[:2],
                    (FEES,),
                    row_header=CONTENT,
                ),
                Group(
                    "",
                    CLAUSE_9,
                    (
                        Column("items", "采购项目数量"),
                        Column(
                            "amount",
                            "采购总金额",
                            AMOUNT,
                            description=f"单位见 meta.{PROCUREMENT_UNIT_KEY}，未注明时为万元",
                            unit_key=PROCUREMENT_UNIT_KEY,
                        ),
                    ),
                    (Row("procurement", "政府集中采购"),),
                    row_header=CONTENT,
                ),
            ),
        ),
        _table3(OTHER_2019),
        TABLE4,
    ),
    identities=(
        I1,
        I2,
        I3,
        I4,
        identity(
            Code.W2,
            WARNING,
            "active",
            "rows:rules,normative_documents",
            ("total_published",),
            ("new_published",),
            op=">=",
            title="对外公开总数量不小于本年新公开数量",
            hint="对外公开总数量包含本年新公开数量，不应更小",
        ),
        identity(
            Code.W3,
            WARNING,
            "active",
            "rows:licensing,other_services,penalty,enforcement,fees",
            ("prev_items", "change"),
            (),
            op=">=",
            title="上一年项目数量加本年增/减不小于0",
            hint="项目数量不能减至负数，请核对本年增/减",
        ),
        X1,
        identity(
            Code.X3,
            WARNING,
            "active",
            "rows:licensing,other_services,penalty,enforcement,fees",
            ("prev_items",),
            ("prev:prev_items", "prev:change"),
            title="上一年项目数量等于上年报告的上一年项目数量加本年增/减",
            hint="本年“上一年项目数量”应等于上一年度报告的上一年项目数量加其本年增/减",
                ),
    ),
)

FORMS: dict[str, Form] = {form.key: form for form in (FORM_2019, FORM_2021)}

# Unit of 采购总金额 (form 2019 prints none): 万元 unless the agency says otherwise.
PROCUREMENT_UNITS = ("万元", "元")
DEFAULT_PROCUREMENT_UNIT, YUAN = PROCUREMENT_UNITS
YUAN_PER_WAN = 10000
UNIT_DECIMALS = {DEFAULT_PROCUREMENT_UNIT: AMOUNT_DECIMALS, YUAN: YUAN_DECIMALS}  # to the 分 in each unit

# The agency's name, its 18-character 统一社会信用代码 (GB 32100-2015) and 6-digit 行政区划代码.
NAME_LABEL = "单位名称"
USCC_LABEL = "统一社会信用代码"
REGION_LABEL = "行政区划代码"

# Agency metadata: key -> label, as written on the cover sheet.
AGENCY_FIELDS = (
    ("name", NAME_LABEL),
    ("uscc", USCC_LABEL),
    ("region_code", REGION_LABEL),
    ("contact", "联系人"),
    ("phone", "联系电话"),
)

# The longest text a report's fields may hold, in characters: the agency's name and contact
# by key, every other text field (agency or meta) MAX_TEXT_LENGTH. A longer one is an error
# (a 15-million-character name would otherwise be copied into every row of every output).
MAX_TEXT_LENGTH = 500
TEXT_LENGTHS = {"name": 100, "contact": 50, "phone": 50}

REPORT_TITLE = "政府信息公开工作年度报告"

# The report's six mandated sections: the three in prose, and the three tables' titles between.
OVERVIEW_TITLE = "一、总体情况"
PROBLEMS_TITLE = "五、存在的主要问题及改进情况"
OTHER_MATTERS_TITLE = "六、其他需要报告的事项"

# A summary report (a consolidation) says so in its meta: {"level": the level's name (its
# agency name), "members": the agencies it adds up — their number, or the list of them}.
SUMMARY_KEY = "summary"
SUMMARY_LEVEL_KEY = "level"
SUMMARY_MEMBERS_KEY = "members"
SUMMARY_LABEL = "汇总信息"


def report_title(name: str, year: int | str) -> str:
    """The document's title, e.g. "尚志市卫生健康局2021年政府信息公开工作年度报告"."""
    return f"{name}{year}年{REPORT_TITLE}"


def section_titles(form: Form) -> tuple[str, ...]:
    """The six section headings, in order."""
    return (OVERVIEW_TITLE, *(t.title for t in form.tables), PROBLEMS_TITLE, OTHER_MATTERS_TITLE)


def form_for_year(year: int) -> Form | None:
    """The form that applies to a report year, or None before 2019."""
    for form in FORMS.values():
        if form.applies_to(year):
            return form
    return None
