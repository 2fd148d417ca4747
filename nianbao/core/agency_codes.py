"""The 统一社会信用代码 (GB 32100-2015) and the 6-digit 行政区划代码 (GB/T 2260)."""

from __future__ import annotations

import re
from enum import Enum

# GB 32100-2015: 31 characters, without I, O, Z, S, V.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
_USCC_RE = re.compile(USCC_PATTERN)

REGION_PATTERN = "^[0-9]{6}$"
# First two digits of a 行政区划代码: the provinces, autonomous regions and municipalities.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


class Flaw(Enum):
    SHAPE = "shape"  # length or characters: what the schema's pattern says
    CHECK = "check"  # a well-formed code whose check (character, province) fails


class CodeProblem(str):
    """What is wrong with a code, in Chinese, and which kind of flaw it is."""

    flaw: Flaw

    def __new__(cls, text: str, flaw: Flaw) -> CodeProblem:
        self = super().__new__(cls, text)
        self.flaw = flaw
        return self


def uscc_check_char(first17: str) -> str:
    """The check character of a 统一社会信用代码 from its first 17 characters."""
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> CodeProblem | None:
    """What is wrong with a 统一社会信用代码, in Chinese, or None when it is valid."""
    if len(code) != 18:
        return CodeProblem(f"应为 18 位，实为 {len(code)} 位", Flaw.SHAPE)
    if not _USCC_RE.match(code):
        bad = sorted({ch for ch in code if ch not in USCC_CHARSET})
        text = "含有不允许的字符：" + "、".join(bad) if bad else "格式不符合 GB 32100-2015"
        return CodeProblem(text, Flaw.SHAPE)
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return CodeProblem(f"校验码应为 {expected}，实为 {code[17]}", Flaw.CHECK)
    return None


def region_problem(code: str) -> CodeProblem | None:
    """What is wrong with a 6-digit 行政区划代码, in Chinese, or None when it looks valid."""
    if not re.fullmatch(r"[0-9]{6}", code):
        return CodeProblem("应为 6 位数字", Flaw.SHAPE)
    if code[:2] not in PROVINCES:
        return CodeProblem(f"前两位 {code[:2]} 不是省级行政区划代码", Flaw.CHECK)
    return None
