"""nianbao (年报): the government information disclosure annual report toolkit.

The library API::

    from nianbao import validate
    findings = validate(document, previous=None)
"""

from .core.findings import CATALOGUE, Finding, Result, Tally
from .core.forms import FORMS, form_for_year
from .core.validate import validate

__version__ = "0.1.0"

__all__ = ["CATALOGUE", "FORMS", "Finding", "Result", "Tally", "form_for_year", "validate", "__version__"]
