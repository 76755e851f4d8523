"""Turning validated CSV rows into domain commands on in-memory cases.

Nothing is saved here: the caller saves every case in one transaction, so a
bad row (or a crash) leaves the store exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol

from hwcore.application.commands import OutcomeEntry, apply_outcome, session_date
from hwcore.application.eventstore.recording import with_recorded_by
from hwcore.application.exchange.csvfile import CsvRow
from hwcore.application.exchange.errors import ImportFileError
from hwcore.application.records import ImportReport
from hwcore.domain import (
    Assignment,
    Case,
    HwError,
    Outcome,
    normalize_framing,
)


class CaseLoader(Protocol):
    """Where an import finds each client's case (the application)."""

    def load_or_new(self, client: str) -> tuple[Case, bool]:
        """The client's case, or a new unsaved one (True when new)."""

    def today(self) -> dt.date:
        """Today by the application's clock (a session more than a year ahead is refused)."""


R = TypeVar("R")

CHUNK_CLIENTS = 250
"""Clients planned at a time by :class:`CsvImportStream` (``import_peak_mib``)."""

INFERRED_GAP = dt.timedelta(days=7)
"""Gap used to date an outcome session the file does not give (weekly sessions)."""


def _same_assignment(a: Assignment, row: CsvRow) -> bool:
    s, d = a.spec, row.design
    return (
        s.format is d.format
        and s.size is d.size
        and s.frequency is d.frequency
        and normalize_framing(s.framing) == normalize_framing(d.framing)
    )


def _same_outcome(a: Assignment, row: CsvRow) -> bool:
    r = a.resolution
    if r is None or r.outcome is not row.outcome:
        return False
    if row.outcome is Outcome.PARTIAL:
        return (r.done, r.planned) == (row.done, row.planned)
    return True


def plan_csv_import(
    app: CaseLoader,
    rows: Sequence[CsvRow],
    source: str,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Case], ImportReport]:
    """Apply the rows to the clients' cases in memory and report what changed.

    ``progress`` is called after each client with (rows checked, all rows).

    Raises:
        ImportFileError: naming the row, when a row conflicts with the store
            (e.g. a session already recorded on another date, or an outcome
            already recorded differently).
    """
    today = app.today()
    by_client = group_by_client(rows)
    cases: list[Case] = []
    new_clients = assignments_added = outcomes_added = unchanged = 0
    checked = 0
    for client, client_rows in by_client.items():
        checked += len(client_rows)
        if progress is not None:
            progress(checked, len(rows))
        case, is_new = app.load_or_new(client)
        new_clients += is_new
        ordered = sorted(client_rows, key=lambda r: (r.session, r.line))
        # Sessions first, in order, so outcomes can be recorded at later ones.
        dates: dict[int, tuple[dt.date, int]] = {}
        for row in ordered:
            if row.session in dates and dates[row.session][0] != row.date:
                msg = (
                    f"{source}: row {row.line}: session {row.session} of {client} has"
                    f" date {row.date}, but row {dates[row.session][1]} says"
                    f" {dates[row.session][0]}"
                )
                raise ImportFileError(msg)
            dates[row.session] = (row.date, row.line)
        for number, (date, line) in sorted(dates.items()):
            _guard(source, line, partial(session_date, date, today))
            _guard(source, line, partial(case.hold_session, number, date))
        for row in ordered:
            existing = next(
                (
                    a
                    for a in case.assignments.values()
                    if a.session == row.session and a.spec.title.casefold() == row.title.casefold()
                ),
                None,
            )
            changed = False
            if existing is None:
                ident = _guard(source, row.line, partial(case.assign, row.session, row.design))
                if row.recorded_by is not None:  # as the file says; else whoever imports
                    with_recorded_by(case.pending_events[-1], row.recorded_by)
                existing = case.assignments[ident]
                assignments_added += 1
                changed = True
            elif not _same_assignment(existing, row):
                msg = (
                    f"{source}: row {row.line}: assignment #{existing.id} at session"
                    f" {row.session} is already recorded with another format, size,"
                    " frequency or framing: use 'hw correct' to change it"
                )
                raise ImportFileError(msg)
            if row.outcome is not Outcome.PENDING:
                if existing.resolution is None:
                    later = [n for n in case.sessions if n > row.session]
                    if later:
                        at = min(later)
                    else:
                        at = row.session + 1
                        held_on = case.sessions[row.session].held_on + INFERRED_GAP
                        case.hold_session(at, held_on, inferred=True)
                    _guard(source, row.line, partial(_resolve, case, existing, row, at))
                    outcomes_added += 1
                    changed = True
                elif not _same_outcome(existing, row):
                    msg = (
                        f"{source}: row {row.line}: assignment #{existing.id} is already"
                        f" recorded as {existing.outcome.value}, not {row.outcome.value}:"
                        " use 'hw correct' to change a recorded outcome"
                    )
                    raise ImportFileError(msg)
            unchanged += not changed
        cases.append(case)
    events = sum(len(c.pending_events) for c in cases)
    report = ImportReport(
        source=source,
        rows=len(rows),
        clients=len(by_client),
        new_clients=new_clients,
        events_written=events,
        assignments_added=assignments_added,
        outcomes_added=outcomes_added,
        unchanged_rows=unchanged,
    )
    return [c for c in cases if c.pending_events], report


def group_by_client(rows: Sequence[CsvRow]) -> dict[str, list[CsvRow]]:
    """The rows of each client, clients in the order they first appear."""
    by_client: dict[str, list[CsvRow]] = {}
    for row in rows:
        by_client.setdefault(row.client, []).append(row)
    return by_client


class CsvImportStream:
    """The events of a CSV import, planned a chunk of clients at a time.

    The same domain commands as :func:`plan_csv_import`, but a chunk's cases
    and events are dropped once its events are consumed, so a store that
    streams inserts never holds the whole import (``import_peak_mib``). The
    whole stream is still written in one transaction by the caller: a bad
    row raises while it is consumed, before the commit.

    Args:
        app: where each client's case is found.
        by_client: the file's rows by client (:func:`group_by_client`).
        source: the name errors and the report use.
        chunk: clients planned at a time.
    """

    def __init__(
        self,
        app: CaseLoader,
        by_client: dict[str, list[CsvRow]],
        source: str,
        chunk: int = CHUNK_CLIENTS,
    ) -> None:
        self._app = app
        self._by_client = by_client
        self._source = source
        self._chunk = chunk
        self._rows = sum(len(r) for r in by_client.values())
        self._reports: list[ImportReport] = []

    def events(
        self, progress: Callable[[int, int], None] | None = None
    ) -> Iterator[DomainEventProtocol[UUID]]:
        """Every new event, client after client (each time from the start).

        ``progress`` is called with (rows checked, all rows).
        """
        self._reports = []
        clients = list(self._by_client)
        checked = 0
        for start in range(0, len(clients), self._chunk):
            rows = [r for c in clients[start : start + self._chunk] for r in self._by_client[c]]
            done = checked

            def chunk_progress(n: int, _total: int, done: int = done) -> None:
                if progress is not None:
                    progress(done + n, self._rows)

            cases, report = plan_csv_import(self._app, rows, self._source, chunk_progress)
            checked += len(rows)
            self._reports.append(report)
            for case in cases:
                yield from case.collect_events()
            del cases, rows

    def report(self) -> ImportReport:
        """What the consumed stream imported (summed over its chunks)."""
        total = dict.fromkeys(("clients", "new_clients", "events_written", "assignments_added"), 0)
        total |= {"outcomes_added": 0, "unchanged_rows": 0}
        for r in self._reports:
            for name in total:
                total[name] += getattr(r, name)
        return ImportReport(source=self._source, rows=self._rows, **total)


def _resolve(case: Case, a: Assignment, row: CsvRow, session: int) -> None:
    """The row's outcome, recorded as the CLI records one (the same command)."""
    entry = OutcomeEntry(
        assignment_id=a.id,
        outcome=row.outcome,
        done=row.done,
        planned=row.planned if row.outcome is Outcome.PARTIAL else None,
        experience=row.experience,
        explanation=row.explanation,
        reasons=row.reasons,
        insights=row.insights,
        modification=row.modification,
    )
    apply_outcome(case, session, entry)


def _guard(source: str, line: int, action: Callable[[], R]) -> R:
    """Run a domain command; a domain error names the row it came from."""
    try:
        return action()
    except HwError as e:
        msg = f"{source}: row {line}: {e}"
        raise ImportFileError(msg) from None
