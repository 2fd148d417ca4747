"""Hostile published reports in the binary formats (issue 24: PDF, Word, .doc through
LibreOffice), each through a real ``nianbao`` process as the earlier rounds
(:mod:`test_hostile_inputs`): a defined exit status, Chinese words naming the file and the
cause, no traceback, within 30 s and 500 MB, no input changed — and nothing left behind: no
file in the temporary folder, no process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hostile_binary as hb
import pytest
from test_hostile_inputs import LIMIT_SECONDS, assert_defined_outcome, run, snapshot


def _processes_naming(text: str) -> list[str]:
    """Command lines of running processes that mention ``text`` (a test's own folder)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmd or text in env:
            found.append(f"{pid}: {cmd[:200]}")
    return found


def run_case(name: str, case, tmp_path: Path, folder: Path) -> tuple[int, str]:
    before = snapshot(folder)
    temp = tmp_path / "temp"
    temp.mkdir(exist_ok=True)
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(temp)  # the process's temporary folder: must stay empty
    try:
        status, stdout, stderr, seconds, peak = run(case.args, tmp_path)
    finally:
        if old is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = old
    shown = stdout + stderr
    assert_defined_outcome(name, case, status, shown, seconds, peak)
    after = snapshot(folder)
    assert {p: h for p, h in after.items() if p in before} == before, f"{name} changed an input"
    assert not os.listdir(temp), (name, os.listdir(temp))
    assert not _processes_naming(str(tmp_path)), _processes_naming(str(tmp_path))
    if case.check:
        case.check(folder)
    return status, shown


@pytest.mark.parametrize("name", sorted(hb.BINARY_CASES))
def test_each_hostile_binary_publication_has_a_defined_outcome(name, tmp_path):
    folder = tmp_path / "案例"
    folder.mkdir()
    case = hb.BINARY_CASES[name](folder)
    run_case(name, case, tmp_path, folder)


def test_every_binary_case_of_the_issue_is_in_the_corpus():
    for words in (
        "surrogate",
        "invisible",
        "white",
        "to_unicode",
        "bomb",
        "form_drawn",
        "rules",
        "hidden_digit",
        "hidden_table",
        "nested_50",
        "encrypted",
        "alt_chunk",
        "broken_xml",
    ):
        assert any(words in name for name in hb.BINARY_CASES), words


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


# --- legacy .doc through LibreOffice: nothing left running, nothing left behind ------------------


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().split(b") ")[1][:1] != b"Z"
    except OSError:
        return False


def _pids_and_pipes(record: Path) -> tuple[list[int], list[Path]]:
    pids, pipes = [], []
    for line in record.read_text().splitlines():
        a, b, pipe = line.split(" ", 2)
        pids += [int(a), int(b)]
        pipes.append(Path(pipe))
    return pids, pipes


def test_libreoffice_is_ended_whole_on_sigterm_leaving_nothing(tmp_path):
    import signal
    import subprocess
    import time

    folder = tmp_path / "案例"
    folder.mkdir()
    doc = folder / "旧版.doc"
    doc.write_bytes(hb.hc.ole_with(["Root Entry", "WordDocument", "1Table"]))
    bin_dir = hb.fake_soffice(tmp_path)
    record, temp = tmp_path / "pids", tmp_path / "temp"
    temp.mkdir()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "FAKE_SOFFICE_PIDS": str(record),
        "TMPDIR": str(temp),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "import", str(doc), "-o", str(folder / "导入.json")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 20
    while not (record.exists() and record.read_text().endswith("\n")) and time.monotonic() < deadline:
        time.sleep(0.05)
    pids, pipes = _pids_and_pipes(record)
    assert all(_alive(pid) for pid in pids) and all(p.exists() for p in pipes)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 143, err.decode()
    assert "Traceback" not in err.decode()
    time.sleep(0.2)
    assert not [pid for pid in pids if _alive(pid)], "LibreOffice left running"
    assert not [p for p in pipes if p.exists()], "socket left in /tmp"
    assert not os.listdir(temp), os.listdir(temp)
    assert sorted(os.listdir(folder)) == ["旧版.doc"]


def test_libreoffice_past_its_time_is_ended_whole_and_named(tmp_path, monkeypatch):
    from nianbao.io.published import legacy
    from nianbao.io.readers import ReadError

    doc = tmp_path / "旧版.doc"
    doc.write_bytes(hb.hc.ole_with(["Root Entry", "WordDocument", "1Table"]))
    bin_dir = hb.fake_soffice(tmp_path)
    record, temp = tmp_path / "pids", tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SOFFICE_PIDS", str(record))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(legacy.tempfile, "tempdir", None)  # TMPDIR read afresh
    monkeypatch.setattr(legacy, "TIMEOUT", 3)
    with pytest.raises(ReadError, match="3 秒内未能转换完"):
        legacy.legacy_grid(doc)
    pids, pipes = _pids_and_pipes(record)
    assert not [pid for pid in pids if _alive(pid)], "LibreOffice left running"
    assert not [p for p in pipes if p.exists()], "socket left in /tmp"
    assert not os.listdir(temp), os.listdir(temp)
    assert legacy.TIMEOUT < LIMIT_SECONDS


def _our_pipes() -> set[str]:
    return {name for name in os.listdir("/tmp") if name.startswith(f"OSL_PIPE_{os.getuid()}_")}


def _pipes_of_running_libreoffice() -> set[str]:
    from nianbao.io.published.legacy import pipe_paths

    names = set()
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        for a in argv:
            if a.startswith("-env:UserInstallation="):
                names.update(p.name for p in pipe_paths(a.split("=", 1)[1]))
    return names


def test_a_real_doc_through_libreoffice_imports_and_leaves_nothing(tmp_path, soffice, report):
    from publications import to_docx

    doc = report("shangzhi-2021")
    to_docx(doc, tmp_path / "r.docx")
    legacy_doc = soffice(tmp_path / "r.docx", "doc")
    folder = tmp_path / "案例"
    folder.mkdir()
    path = folder / "旧版.doc"
    path.write_bytes(legacy_doc.read_bytes())
    before = _our_pipes()
    case = hb.Case(["import", path, "-o", folder / "导入.json"], 0, ("旧版.doc",), check=hb._same_numbers)
    run_case("real_doc", case, tmp_path, folder)
    left = _our_pipes() - before - _pipes_of_running_libreoffice()
    assert not left, left


def test_libreoffice_s_own_docx_is_no_bomb(tmp_path):
    """LibreOffice's .docx of a large .doc compresses better than the ratio a hostile zip may
    have: it is read, and past the size bound named too large."""
    from nianbao.io.published import docx
    from nianbao.io.readers import ReadError

    paragraph = "<w:p><w:r><w:t>一二三四五六七八九十</w:t></w:r></w:p>" * 60_000
    body = f'<w:document xmlns:w="{hb.W_NS}"><w:body>{paragraph}</w:body></w:document>'
    path = tmp_path / "lo.docx"
    path.write_bytes(hb._zip({"word/document.xml": body.encode()}))
    with pytest.raises(ReadError, match="压缩炸弹"):
        docx.docx_grid(path)
    assert len(docx.docx_grid(path, trusted=True)) == 60_000


def test_the_binary_generators_for_the_fuzzer_run_clean(capsys):
    """scripts/fuzz_binary.py: each PDF and Word generator once at least, every outcome a
    ReadError or a reading (never another exception)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fuzz_binary", Path(__file__).parent.parent / "scripts/fuzz_binary.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--n", "12", "--seed", "3"]) == 0, capsys.readouterr().out
    for suffix, generators in module.PUBLICATION_MUTATORS.items():
        data = dict(module.seed_publications())[suffix]
        for name, fn in generators.items():
            assert fn(data, __import__("random").Random(1)) != data or name == "pdf_change_numbers", name


def test_real_libreoffice_is_ended_whole_on_sigterm(tmp_path, soffice, report):
    """The real chain (soffice → oosplash → soffice.bin): SIGTERM to nianbao while LibreOffice
    converts ends every one of them and leaves no socket and no lu*.tmp."""
    import signal
    import subprocess
    import time

    from publications import to_docx

    from nianbao.io.published.legacy import pipe_paths

    to_docx(report("shangzhi-2021"), tmp_path / "r.docx")
    folder = tmp_path / "案例"
    folder.mkdir()
    (folder / "旧版.doc").write_bytes(soffice(tmp_path / "r.docx", "doc").read_bytes())
    temp = tmp_path / "temp"
    temp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "import", str(folder / "旧版.doc"), "-o", str(folder / "导入.json")],
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 20
    running: list[str] = []
    while time.monotonic() < deadline and not any("soffice.bin" in p for p in running):
        running = _processes_naming(str(temp))
        time.sleep(0.05)
    assert any("soffice.bin" in p for p in running), running
    profile = next(a.split("=", 1)[1] for p in running for a in p.split() if a.startswith("-env:UserInstallation="))
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 143, err.decode()
    time.sleep(0.3)
    assert not _processes_naming(str(temp)), _processes_naming(str(temp))
    assert not [p for p in pipe_paths(profile) if p.exists()]
    assert not os.listdir(temp), os.listdir(temp)
    assert sorted(os.listdir(folder)) == ["旧版.doc"]


def test_a_form_xobject_is_seen_however_its_name_is_written():
    """A form XObject sends the PDF to the watched copy: ``/Form`` or the same name written
    with ``#`` escapes; other escaped names (a Chinese font's) do not."""
    from nianbao.io.published.pdf import measure_streams

    assert measure_streams(b"<< /Subtype /Form >>").forms
    assert measure_streams(b"<< /Subtype /F#6frm >>").forms
    assert measure_streams(b"<< /Subtype /#46#6F#72#6D >>").forms
    assert not measure_streams(b"<< /BaseFont /#CB#CE#CC#E5 /Subtype /Image >>").forms


def test_a_stream_the_measure_cannot_inflate_sends_the_pdf_to_the_watched_copy():
    """LZW, run-length, filter chains, a Flate stream zlib refuses: PDFium may inflate them
    still, so their size is unknown — read in the watched copy, never in this process."""
    from nianbao.io.published.pdf import measure_streams

    assert measure_streams(b"1 0 obj << /Filter /LZWDecode /Length 3 >>stream\nabc\nendstream").unmeasured
    assert measure_streams(b"1 0 obj << /Filter [/A85 /Fl] >>stream\nabc\nendstream").unmeasured
    assert measure_streams(b"1 0 obj << /Filter /FlateDecode >>stream\nnot zlib\nendstream").unmeasured
    assert not measure_streams(b"1 0 obj << /Length 3 >>stream\nabc\nendstream").unmeasured
