"""Printed output: the planner PDF, client handouts, calendar files and branding.

Adapters only: they turn planner values and plain handout data into bytes.
markdown-pdf, PyMuPDF and icalendar are imported inside the render functions
(they are slow to import). The names below are imported from their submodules
on first use, so importing this package (or one submodule) is cheap.
"""

from typing import TYPE_CHECKING

from hwcore.lazy import lazy_attributes

if TYPE_CHECKING:
    from hwcore.printing.branding import (
        KEYS,
        Branding,
        ConfigError,
        get_value,
        list_values,
        load_branding,
        set_value,
        unset_value,
    )
    from hwcore.printing.files import OutputError, write_private
    from hwcore.printing.handout_pdf import PERMISSION, Handout, render_handout
    from hwcore.printing.ics import calendar_bytes
    from hwcore.printing.planner_pdf import render_planner
    from hwcore.printing.schedule import clock_in, occasions, parse_time, planned_doses

_SUBMODULE: dict[str, str] = {
    "KEYS": "branding",
    "Branding": "branding",
    "ConfigError": "branding",
    "get_value": "branding",
    "list_values": "branding",
    "load_branding": "branding",
    "set_value": "branding",
    "unset_value": "branding",
    "OutputError": "files",
    "write_private": "files",
    "PERMISSION": "handout_pdf",
    "Handout": "handout_pdf",
    "render_handout": "handout_pdf",
    "calendar_bytes": "ics",
    "render_planner": "planner_pdf",
    "clock_in": "schedule",
    "occasions": "schedule",
    "parse_time": "schedule",
    "planned_doses": "schedule",
}
"""Public name -> the submodule defining it (imported on first use, PEP 562)."""


__getattr__ = lazy_attributes(
    __name__, {name: f"{__name__}.{module}" for name, module in _SUBMODULE.items()}
)


__all__ = [
    "KEYS",
    "PERMISSION",
    "Branding",
    "ConfigError",
    "Handout",
    "OutputError",
    "calendar_bytes",
    "clock_in",
    "get_value",
    "list_values",
    "load_branding",
    "occasions",
    "parse_time",
    "planned_doses",
    "render_handout",
    "render_planner",
    "set_value",
    "unset_value",
    "write_private",
]
