"""Imported once by the workers' fork server: the library loaded and its caches warm."""

from __future__ import annotations

from . import library

library.warm()
