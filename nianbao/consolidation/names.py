"""Agency names compared as people read them.

Two names that look the same on paper are the same name here: :func:`fold` drops invisible
and format characters (Unicode category Cf, e.g. the zero-width space of text pasted from a
web page) and every kind of space, folds compatibility forms (NFKC: full-width letters,
digits and punctuation become their ASCII forms), and makes every kind of bracket one.

Names that still differ but look alike (张店区卫生健康局 / 张店区卫健局) are never taken for
one agency: :func:`near_duplicates` only lists them, for a person to review.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# After NFKC, every kind of bracket and a few look-alike marks are one.
_SAME = str.maketrans({
    "[": "(", "【": "(", "〔": "(", "〖": "(", "{": "(", "]": ")", "】": ")", "〕": ")", "〗": ")", "}": ")",
    "・": "·", "•": "·", "‧": "·", "．": ".", "。": ".", "、": ",", "—": "-", "–": "-", "－": "-",
})


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """``name`` as compared: NFKC, no Cf characters, no spaces of any kind, one bracket."""
    text = unicodedata.normalize("NFKC", name)
    if not text.isprintable() or " " in text:  # Cf characters and spaces are not printable (but " ")
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and not ch.isspace())
    return text.translate(_SAME)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def alike(a: str, b: str) -> bool:
    """Whether two different folded names look like one agency's: same first two characters
    and same last one, and the shorter one's characters all appear, in order, in the longer
    (an abbreviation: 卫健局 in 卫生健康局). Names of one length differing in a character
    (教育局 / 体育局) are different agencies."""
    if a == b or len(a) < 4 or len(b) < 4 or a[:2] != b[:2] or a[-1] != b[-1]:
        return False
    short, long = sorted((a, b), key=len)
    return len(short) < len(long) <= len(short) + 4 and _subsequence(short, long)


MAX_PAIRS = 200_000  # comparisons per group of names sharing a first and last character, at most


def near_duplicates(names: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of distinct folded names that look alike (:func:`alike`), each pair once, sorted.
    Only names sharing their first two and last characters, and differing in length by one
    to four characters, are compared."""
    buckets: dict[tuple[str, str], dict[int, list[str]]] = {}
    for n in sorted(set(names)):
        if len(n) >= 4:
            buckets.setdefault((n[:2], n[-1]), {}).setdefault(len(n), []).append(n)
    out: list[tuple[str, str]] = []
    for by_length in buckets.values():
        for length, shorter in by_length.items():
            for extra in range(1, 5):
                longer = by_length.get(length + extra, [])
                if len(shorter) * len(longer) > MAX_PAIRS:
                    continue  # not names people tell apart by eye
                out.extend((a, b) for a in shorter for b in longer if alike(a, b))
    return sorted(out)


__all__ = ["alike", "fold", "near_duplicates"]
