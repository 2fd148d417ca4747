"""What makes a workbook a summary: the names of a summary's own sheets, and the record of
its members it keeps.

A summary is a report like any other (the locked template filled with the sums), plus lists.
That it is a summary, its level's name and how many members it holds are kept in the
template's hidden data (the document's ``meta``, under :data:`SUMMARY_KEY`); the members
themselves (code, name, file hash, and the file they came in) in the hidden sheet
:data:`MEMBERS_SHEET`, one row each — a JSON summary holds them inline. Summaries written
before members were recorded are recognised by their sheet :data:`DETAIL_SHEET`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.forms import NAME_LABEL, SUMMARY_KEY, SUMMARY_LEVEL_KEY, SUMMARY_MEMBERS_KEY, USCC_LABEL

DETAIL_SHEET = "各单位明细"
PROBLEMS_SHEET = "问题清单"
MISSING_SHEET = "未报送"
DUPLICATES_SHEET = "重复报送"
PREVIOUS_SHEET = "上年对比"
CHARTS_SHEET = "图表"
MEMBERS_SHEET = "_汇总成员"

# meta[SUMMARY_KEY] = {SUMMARY_LEVEL_KEY: name, SUMMARY_MEMBERS_KEY: count or [member, ...]}
# (declared with the report's fields in nianbao.core.forms)
LEVEL_KEY, MEMBERS_KEY = SUMMARY_LEVEL_KEY, SUMMARY_MEMBERS_KEY
HASH_LABEL, VIA_LABEL = "文件 SHA-256", "所在汇总文件 SHA-256（空白：即本文件）"
MEMBER_HEADERS = (USCC_LABEL, NAME_LABEL, HASH_LABEL, VIA_LABEL)
MEMBER_FIELDS = ("uscc", "name", "sha256", "via")


@dataclass(frozen=True, slots=True)
class Part:
    """One agency a summary holds: its codes, name, the hash of its own file, and the hash of
    the file it came in when this summary was made (its own file, or a lower summary's)."""

    uscc: str
    name: str
    sha256: str
    via: str

    def to_dict(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in MEMBER_FIELDS}


@dataclass(frozen=True, slots=True)
class SummaryInfo:
    """That a record is a summary: its level's name and its members (None for a summary written
    before members were recorded)."""

    level: str
    members: tuple[Part, ...] | None
    count: int = 1  # how many agencies it adds up (known even where its members are not)


__all__ = [
    "CHARTS_SHEET", "DETAIL_SHEET", "DUPLICATES_SHEET", "MEMBERS_SHEET", "MEMBER_HEADERS", "MISSING_SHEET",
    "PREVIOUS_SHEET", "PROBLEMS_SHEET", "Part", "SUMMARY_KEY", "SummaryInfo",
]
