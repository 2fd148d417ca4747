"""A VBA project (``vbaProject.bin``, MS-OVBA §2.2–2.3) written from module source text.

:func:`build` takes the modules (name, kind, source) and a template project that Excel made;
from the template it carries over the project information records and every reference of the
``dir`` stream, and the host extender and ``HelpContextID``/``VersionCompatible32`` lines of the
``PROJECT`` stream. Given a project ID of its own, ``CMG``/``DPB``/``GC`` (obfuscated with a key
derived from the ID) are made for it by :mod:`.obfuscation` — not protected, no password,
visible; without one, the template's ID and those three lines travel together. It writes:

* ``VBA/_VBA_PROJECT`` — ``0x61CC``, version ``0xFFFF``, ``0x00``, ``0x0001`` (undefined, as in the
  spec's example §3.1.1 and in xlwings' template), and no
  performance cache (§2.3.4.1): the host finds no p-code and compiles the source;
* ``VBA/dir`` — compressed: information (with our project name), references, module records
  whose source starts at offset 0;
* one compressed stream per module, holding only its source;
* ``PROJECT`` (its ``Document=``/``Module=``/``Class=`` lines and ``Name=``) and ``PROJECTwm``.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from . import cfb, dirstream, obfuscation
from .compression import compress, decompress

PROCEDURAL, CLASS, DOCUMENT = "Module", "Class", "Document"
VBA_PROJECT = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)  # Reserved3 as in §3.1.1
CARRIED = ("ID", "HelpContextID", "VersionCompatible32", "CMG", "DPB", "GC")


class ProjectError(ValueError):
    """The project cannot be written (a template that is not a VBA project, a name or
    source the project's code page cannot hold)."""


@dataclass(frozen=True)
class Module:
    name: str
    kind: str  # PROCEDURAL, CLASS or DOCUMENT
    source: str  # as the module stream holds it: Attribute lines first, CRLF line ends


@dataclass(frozen=True)
class Template:
    """What is carried over from a project Excel made."""

    project_lines: dict[str, str]  # PROJECT's key=value lines of CARRIED
    host_extenders: tuple[str, ...]
    dir: dirstream.Project


def read_template(data: bytes) -> Template:
    import io

    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as e:
        raise ProjectError(f"不是 VBA 工程文件：{e}") from None
    try:
        text = ole.openstream("PROJECT").read().decode("cp1252", "replace")
        project = dirstream.read(decompress(ole.openstream("VBA/dir").read()))
    except (OSError, ValueError) as e:
        raise ProjectError(f"VBA 工程文件不完整：{e}") from None
    finally:
        ole.close()
    lines, hosts, section = {}, [], ""
    for line in text.splitlines():
        if line.startswith("["):
            section = line
            continue
        key, sep, value = line.partition("=")
        if not sep:
            continue
        if not section and key in CARRIED:
            lines[key] = value
        elif section == "[Host Extender Info]":
            hosts.append(line)
    missing = [k for k in CARRIED if k not in lines]
    if missing:
        raise ProjectError(f"VBA 工程文件的 PROJECT 流缺少 {'、'.join(missing)}")
    return Template(lines, tuple(hosts), project)


def _encode(text: str, codepage: int, what: str) -> bytes:
    try:
        return text.encode(f"cp{codepage}")
    except UnicodeEncodeError as e:
        raise ProjectError(f"{what} 含代码页 {codepage} 无法表示的字符：{text[e.start:e.end]!r}") from None


def _name_record(information: tuple[dirstream.Record, ...], name: bytes) -> list[dirstream.Record]:
    return [dirstream.Record(r.id, name) if r.id == dirstream.NAME else r for r in information]


def project_stream(name: str, modules: list[Module], template: Template, project_id: str | None = None) -> str:
    t = dict(template.project_lines)
    if project_id is not None:
        t["ID"] = f'"{project_id}"'
        t.update({k: f'"{v}"' for k, v in obfuscation.unprotected(project_id).items()})
    out = [f"ID={t['ID']}"]
    for m in modules:
        out.append(f"Document={m.name}/&H00000000" if m.kind == DOCUMENT else f"{m.kind}={m.name}")
    out += [
        f'Name="{name}"',
        f"HelpContextID={t['HelpContextID']}",
        f"VersionCompatible32={t['VersionCompatible32']}",
        f"CMG={t['CMG']}",
        f"DPB={t['DPB']}",
        f"GC={t['GC']}",
        "",
        "[Host Extender Info]",
        *template.host_extenders,
        "",
        "[Workspace]",
        *[f"{m.name}=0, 0, 0, 0, C" for m in modules],
        "",
    ]
    return "\r\n".join(out)


def build(name: str, modules: list[Module], template: Template, project_id: str | None = None) -> bytes:
    """``vbaProject.bin`` holding ``modules``, named ``name``; ``project_id`` ("{GUID}", upper
    case) gives it an ID of its own instead of the template's."""
    if project_id is not None and not re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", project_id):
        raise ProjectError(f"VBA 工程 ID {project_id!r} 不是大写的 {{GUID}}")
    cp = template.dir.codepage
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", name):
        raise ProjectError(f"VBA 工程名 {name!r} 不合规则")
    seen = set()
    for m in modules:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", m.name) or m.name.lower() in seen:
            raise ProjectError(f"模块名 {m.name!r} 不合规则或重复")
        seen.add(m.name.lower())
        declared = re.match(r'Attribute VB_Name = "([^"]+)"', m.source)
        if not declared or declared.group(1) != m.name:
            raise ProjectError(f"模块 {m.name} 的源代码不以 Attribute VB_Name = \"{m.name}\" 开头")
    kinds = [
        (m.name, dirstream.MODULE_PROCEDURAL if m.kind == PROCEDURAL else dirstream.MODULE_DOCUMENT) for m in modules
    ]
    info = _name_record(template.dir.information, _encode(name, cp, "VBA 工程名"))
    dir_bytes = dirstream.write(info, list(template.dir.references), kinds, cp)
    wm = b"".join(_encode(m.name, cp, "模块名") + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules)
    wm += b"\0\0"
    streams = {
        "PROJECT": _encode(project_stream(name, modules, template, project_id), cp, "PROJECT 流"),
        "PROJECTwm": wm,
        "VBA/_VBA_PROJECT": VBA_PROJECT,
        "VBA/dir": compress(dir_bytes),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(_encode(m.source, cp, f"模块 {m.name} 的源代码"))
    return cfb.write(streams)


@dataclass(frozen=True)
class Contents:
    """A VBA project as read back: its dir stream and each module's source."""

    dir: dirstream.Project
    sources: dict[str, str]
    project_text: str  # the PROJECT stream
    vba_project: bytes  # the _VBA_PROJECT stream


def read(data: bytes) -> Contents:
    """Read a ``vbaProject.bin``: module source from each stream's text offset on."""
    import io

    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except OSError as e:
        raise ProjectError(f"不是 VBA 工程文件：{e}") from None
    try:
        project = dirstream.read(decompress(ole.openstream("VBA/dir").read()))
        sources = {}
        for m in project.modules:
            raw = ole.openstream(f"VBA/{m.stream}").read()
            sources[m.name] = decompress(raw[m.offset :]).decode(f"cp{project.codepage}")
        text = ole.openstream("PROJECT").read().decode(f"cp{project.codepage}")
        head = ole.openstream("VBA/_VBA_PROJECT").read()
    except (OSError, ValueError) as e:
        raise ProjectError(f"VBA 工程文件不完整：{e}") from None
    finally:
        ole.close()
    return Contents(project, sources, text, head)
