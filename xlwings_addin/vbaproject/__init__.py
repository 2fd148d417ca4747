"""Writing a VBA project (``vbaProject.bin``) from source text, by the specifications:
:mod:`.compression` (MS-OVBA §2.4.1), :mod:`.dirstream` (MS-OVBA §2.3.4.2), :mod:`.cfb`
(MS-CFB, version 3), :mod:`.obfuscation` (§2.4.3, the PROJECT stream's CMG/DPB/GC),
:mod:`.project` (the streams of a project, §2.2–2.3).

Evaluated first (PyPI, 2026): ``ms-ovba-compression`` 1.0.1 compresses some inputs wrongly
(4096 bytes of ``bytes(range(256))*16`` decompress, by its own reader and by oletools', to 512
bytes; xlwings' 45 KB module likewise fails its round trip) and takes seconds per module;
``ms-ovba`` 0.0.1 builds on it; ``cfbwrite`` is AGPL-3.0 (this project is MIT); ``ms-cfb``
0.0.6 writes from files on disk and pulls in a red-black-tree package and PyYAML; ``cfb``
reads only; ``olefile`` writes only streams of unchanged size. Hence these small modules,
tested by round trip against ``olefile``, ``oletools`` and LibreOffice.
"""
