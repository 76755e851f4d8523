"""Printed output: the planner PDF, client handouts, calendar files and branding.

Adapters only: they turn planner values and plain handout data into bytes.
markdown-pdf, PyMuPDF and icalendar are imported inside the render functions
(they are slow to import); importing this package is cheap.
"""

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
