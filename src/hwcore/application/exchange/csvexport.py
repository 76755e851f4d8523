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
from collections.abc import Callable, Iterable, Mapping

from hwcore.application.commands import design_fields
from hwcore.application.eventstore.recording import recorded_by
from hwcore.application.exchange.csvfile import COLUMN_OF, OPTIONAL, RECORDED_BY, REQUIRED
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


def assignment_row(client: str, a: Assignment, recorded_by: str | None = None) -> dict[str, str]:
    """One assignment as a CSV row (column to text), with who recorded it when known."""
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
    row[RECORDED_BY] = recorded_by or ""
    return row


def assignment_authors(events: Iterable[object]) -> dict[int, str | None]:
    """Who recorded each assignment (assignment id -> clinician; None: unknown)."""
    return {e.assignment_id: recorded_by(e) for e in events if isinstance(e, Case.HomeworkAssigned)}


def export_csv(
    cases: Iterable[Case],
    total: int,
    progress: Callable[[int, int], None] | None = None,
    authors: Callable[[Case], Mapping[int, str | None]] | None = None,
) -> str:
    """The cases' assignments as one history CSV (header first, then by client and id).

    ``progress`` is called after each case with (cases done, ``total``);
    ``authors`` gives a case's :func:`assignment_authors` (None: the column is empty).
    """
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for done, case in enumerate(cases, start=1):
        by = authors(case) if authors is not None else {}
        for ident in sorted(case.assignments):
            writer.writerow(assignment_row(case.client, case.assignments[ident], by.get(ident)))
        if progress is not None:
            progress(done, total)
    return out.getvalue()
