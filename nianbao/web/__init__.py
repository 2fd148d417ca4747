"""网上报送: the web intake (``nianbao serve``), a layer over the library beside the CLI.

Agencies upload their reports through a link of their own and see the findings at once,
located on the tables drawn as the national form; the office (政务公开办) watches its roster,
consolidates, publishes and exports. Modules:

* :mod:`~nianbao.web.library` — every call into the library, in one place;
* :mod:`~nianbao.web.db` — SQLite (WAL, foreign keys, numbered migrations), the only store of records;
* :mod:`~nianbao.web.store` — uploads on disk by their SHA-256, written once, never modified;
* :mod:`~nianbao.web.security` — passwords, tokens, sessions, CSRF, security headers;
* :mod:`~nianbao.web.worker` — each upload read and validated in a worker process (time and memory limits);
* :mod:`~nianbao.web.intake` — a submission recorded whole or not at all;
* :mod:`~nianbao.web.app` and the ``views_*`` modules — the pages and the JSON API.
"""
