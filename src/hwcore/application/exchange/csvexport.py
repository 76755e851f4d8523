"""The history CSV written back out: the import format of spec section 5.

One row per assignment, with every design field and its outcome, so
``hw export --format csv``, an edit in a spreadsheet and ``hw import`` give
the same planners. The CSV holds what the import reads and nothing else:
sessions without homework, framing changes, noted changes, reviews, measures,
consents and corrections' reasons are in the lossless JSON export only (a
correction's new values are in the row, as the assignment now stands). The
outcome's session is not a column: the import records it at the next session
the file knows (see :mod:`hwcore.application.exchange.csvimport`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

from hwcore.application.commands import design_fields
from hwcore.application.exchange.csvfile import COLUMN_OF, OPTIONAL, REQUIRED
from hwcore.domain import Assignment, Case, Outcome

COLUMNS = (*REQUIRED, *OPTIONAL)
"""The header of an exported CSV: the required columns, then every optional one."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def assignment_row(client: str, a: Assignment) -> dict[str, str]:
    """One assignment as a CSV row (column to text)."""
    plain = a.spec.plain()
    row = {COLUMN_OF.get(f.name, f.name): _cell(plain[f.name]) for f in design_fields()}
    row.update(client=client, session=str(a.session), date=a.assigned_on.isoformat())
    row["outcome"] = a.outcome.value
    r = a.resolution
    if r is not None:
        if r.outcome is Outcome.PARTIAL:
            row["done"], row["planned"] = _cell(r.done), _cell(r.planned)
        row["experience"] = r.experience
        row["insights"] = r.insights
        row["modification"] = r.modification
        row["explanation"] = r.explanation
        row["reasons"] = ";".join(reason.value for reason in r.reasons)
    return row


def export_csv(
    cases: Iterable[Case], total: int, progress: Callable[[int, int], None] | None = None
) -> str:
    """The cases' assignments as one history CSV (header first, then by client and id).

    ``progress`` is called after each case with (cases done, ``total``).
    """
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for done, case in enumerate(cases, start=1):
        for ident in sorted(case.assignments):
            writer.writerow(assignment_row(case.client, case.assignments[ident]))
        if progress is not None:
            progress(done, total)
    return out.getvalue()
