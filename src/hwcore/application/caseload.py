"""The caseload entry, as the application API names it (defined in the read model).

Frontends import hwcore.application only: this module gives them the
caseload's type and its JSON data without the read model's other modules.
"""

from hwcore.readmodel.caseload import (
    CaseloadEntry,
    caseload_data,
    caseload_from,
    caseload_sql,
    entry_from_row,
    sort_caseload,
)
from hwcore.readmodel.caseload_text import render_caseload

__all__ = [
    "CaseloadEntry",
    "caseload_data",
    "caseload_from",
    "caseload_sql",
    "entry_from_row",
    "render_caseload",
    "sort_caseload",
]
