"""The core: what a report is and what makes it right, as data and pure functions.

It holds the two national forms declared once (:mod:`.forms`, their identities parsed in
:mod:`.identities`), what derives from them (:mod:`.model`: every cell and every check;
:mod:`.layout`: where each sits in the template; :mod:`.schema`: the JSON Schemas), the typed
codes and the findings they label (:mod:`.codes`, :mod:`.findings`), the rules and
:func:`.validate.validate`, the agency-code checks (:mod:`.agency_codes`), the conventions that
turn a cell's text into a value (:mod:`.cleaning`), and :mod:`.sanitize` for text copied into
outputs. It imports nothing of nianbao's above it and no spreadsheet, document, zip or
data-frame library (import-linter holds both); strict mypy holds its types.
"""
