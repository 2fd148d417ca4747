"""What a file really is, judged before any parser sees it.

:mod:`~nianbao.io.container.safety` holds the entry points, over one module per job:
:mod:`~nianbao.io.container.sniff` (what a file is), :mod:`~nianbao.io.container.zipcheck` and
:mod:`~nianbao.io.container.zipentries` (zip: kind, bombs, sizes, entries inflated bounded),
:mod:`~nianbao.io.container.xmlparts` (XML parts: no DTD, well-formed),
:mod:`~nianbao.io.container.ole` (legacy .xls/.et), :mod:`~nianbao.io.container.calamine_guards`
(what python-calamine would abort on), :mod:`~nianbao.io.container.panics` (a Rust panic that
still happens) and :mod:`~nianbao.io.container.limits` (kinds of file and the limits).
"""
