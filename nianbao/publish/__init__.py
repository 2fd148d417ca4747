"""Publishing: the annual report's document (Word, HTML, Markdown) made from its numbers.

:func:`compose` turns a report in the interchange format into a
:class:`~nianbao.publish.document.Document` — title, six mandated sections, tables 2–4 as the
national form lays them out, the sentences stating the numbers, marked places for the agency's
own text; :func:`render` writes it in the format a file name asks for, and :func:`publish`
does both and writes the file whole (:mod:`nianbao.io.atomic`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.findings import Finding
from ..io.atomic import write_bytes
from ..io.registry import load
from .compose import PublishError, compose, summary_of
from .document import Document


@dataclass(frozen=True)
class Format:
    """A format we publish in: its name (Chinese) and its writer, ``"package.module:render"``,
    imported when first used (the same kind of table as the readers', :mod:`nianbao.io.registry`)."""

    name: str
    writer: str
    with_report: bool = False  # the writer also takes the report document (Markdown lays the tables out anew)


# Output formats by suffix.
FORMATS: dict[str, Format] = {
    ".docx": Format("Word 文档", "nianbao.publish.word:render"),
    ".html": Format("网页", "nianbao.publish.webpage:render"),
    ".htm": Format("网页", "nianbao.publish.webpage:render"),
    ".md": Format("Markdown", "nianbao.publish.markdown:render", with_report=True),
}


def output_format(path: str | os.PathLike[str]) -> str:
    """The suffix of an output path, refused with a Chinese message unless it is one we write."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = "、".join(sorted(FORMATS))
        raise PublishError(f"不支持的输出格式「{suffix or '无扩展名'}」，可生成：{known}")
    return suffix


def render(doc: Document, document: dict[str, Any], suffix: str) -> bytes:
    """The bytes of ``doc`` (made from the report ``document``) in the format of ``suffix``."""
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise PublishError(f"不支持的输出格式「{suffix}」")
    writer: Callable[..., bytes] = load(fmt.writer)
    return writer(doc, document) if fmt.with_report else writer(doc)


def publish(document: dict[str, Any], target: str | os.PathLike[str], findings: Sequence[Finding] = ()) -> Path:
    """Write the published report of ``document`` to ``target`` (.docx, .html or .md), whole
    or not at all. ``findings`` are the report's validation findings: with errors among
    them, the document says on its first page that it has not passed validation."""
    suffix = output_format(target)
    data = render(compose(document, findings), document, suffix)
    write_bytes(target, data)
    return Path(target)


__all__ = ["FORMATS", "Format", "PublishError", "compose", "output_format", "publish", "render", "summary_of"]
