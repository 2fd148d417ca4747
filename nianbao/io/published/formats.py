"""Which file suffixes are published reports (no imports: the reader registry reads this)."""

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
WORD_SUFFIXES = (".docx",)
LEGACY_SUFFIXES = (".doc", ".wps")
PDF_SUFFIXES = (".pdf",)
SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES + WORD_SUFFIXES + LEGACY_SUFFIXES + PDF_SUFFIXES
