"""The read half of the hw application: every query, and what a reader needs.

:class:`HwReader` answers what a therapist, an auditor or an embedder asks —
the planner (now or as of a past point), assignments, the history, the audit,
the caseload — and keeps the read model attached and current. It writes
nothing: :class:`~hwcore.application.app.HwApplication` extends it with the
commands. The split follows the API's two halves (CQRS): a query never needs
the write side's helpers, and the commands' module stays readable.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from hwcore.application.asof import planner_as_of
from hwcore.application.commands import DateLike, parse_date, resolve_assignment_id
from hwcore.application.dto import AssignmentInfo, ClientInfo
from hwcore.application.eventstore.application import StoreApplication
from hwcore.application.readside import ReadSide
from hwcore.application.views import assignment_info
from hwcore.domain import AssignmentSpec, Case, ClientNotFoundError, check_spec
from hwcore.planner import (
    CONFIDENCE_THRESHOLD,
    CurrentSystem,
    Fit,
    Planner,
    assess_fit,
    build_planner,
)
from hwcore.planner.decisions import decided_system
from hwcore.readmodel import EventStoreSource, Progress, ReadModel
from hwcore.readmodel.caseload import CaseloadEntry, caseload_from, caseload_sql

if TYPE_CHECKING:
    from hwcore.application.access import AccessLog
    from hwcore.application.printing import Printing
    from hwcore.application.records import AuditEntry, HistoryEntry


class HwReader(StoreApplication):
    """The queries of the hw application (see :class:`~hwcore.application.app.HwApplication`).

    Args:
        env: eventsourcing settings (PERSISTENCE_MODULE, SQLITE_DBNAME, ...).
        today: the clock used for default session dates (tests pass a fixed one).
        confidence_threshold: confidence below which a smaller task is advised.
        home: the hw home whose files a backup includes (None: none).
        clinician: who records and reads (``recorded_by``, the access log);
            None: the operating-system user (see :mod:`hwcore.clinician`).
    """

    name = "hw"
    """Names the PostgreSQL tables (``hw_events``...): eventsourcing gives each subclass
    its class name unless it sets one, so this stays, frozen (``HwApplication`` sets it too)."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        confidence_threshold: int = CONFIDENCE_THRESHOLD,
        home: Path | None = None,
        clinician: str | None = None,
    ) -> None:
        self._today = today
        self.confidence_threshold = confidence_threshold
        self.reads = ReadSide(lambda: self.event_source)
        """The read side: the read model answering caseload queries, kept current."""
        super().__init__(env, home=home, clinician=clinician)

    @property
    def readmodel(self) -> ReadModel | None:
        """The attached read model (see :meth:`attach_readmodel`), or None."""
        return self.reads.readmodel

    @readmodel.setter
    def readmodel(self, value: ReadModel | None) -> None:
        self.reads.readmodel = value

    def preview_fit(self, client: str, design: AssignmentSpec) -> Fit:
        """How a proposed assignment fits the client's history (nothing is written).

        Args:
            client: the client identifier.
            design: the proposed assignment (as for :meth:`assign`).

        Returns:
            Per-field history ("written: 1 of 5 completed") and warnings.
        """
        check_spec(design)
        case = self._load(client)
        return assess_fit(
            case, design, build_planner(case), confidence_threshold=self.confidence_threshold
        )

    def today(self) -> dt.date:
        """Today by the application's clock (fixed in tests)."""
        return self._today()

    @functools.cached_property
    def access(self) -> AccessLog:
        """The access log: who read, printed or exported which client, and when (spec 7)."""
        from hwcore.application.access import AccessLog

        return AccessLog(self)

    @functools.cached_property
    def printing(self) -> Printing:
        """Printing and branding (planner PDF, handouts, calendar files), for this home."""
        from hwcore.application.printing import Printing

        return Printing(self, self.home)

    # ----------------------------------------------------------------- queries

    def plan(
        self,
        client: str,
        *,
        as_of_session: int | None = None,
        as_of_date: DateLike = None,
    ) -> Planner:
        """The client's Between-Session System Planner, now or as of a past point.

        Args:
            client: the client identifier.
            as_of_session: compute from the events up to this session.
            as_of_date: compute as of the last session held on or before this date.

        Returns:
            The planner value (see :class:`hwcore.planner.Planner`); use
            :func:`hwcore.application.to_dict` for JSON.
        """
        when = parse_date(as_of_date, "as-of date")
        if as_of_session is None and when is None:
            case = self._load(client)
            planner = build_planner(case)
            if self.readmodel is not None:
                # Cache it for the quick path (``hw plan`` without loading the case).
                self.readmodel.store_plan(case, planner)
            self.access.record("plan", client)
            return planner
        past = planner_as_of(self._events(client), as_of_session, when)
        self.access.record("plan", client, f"as-of {past.as_of_session}")
        return past

    def decided_system(self, client: str) -> CurrentSystem | None:
        """The system chosen at the client's last review: its values only, no planner built.

        What ``hw assign`` takes its defaults from (a framing change since the
        review replacing the framing). :meth:`plan`'s ``current_system`` is the
        same with where the history now points elsewhere.

        Args:
            client: the client identifier.

        Returns:
            The current system's values, or None before the first review.
        """
        return decided_system(self._load(client))

    def assignment(self, client: str, assignment_id: int | str) -> AssignmentInfo:
        """One assignment ('latest' = the most recent one) with its outcome."""
        case = self._load(client)
        ident = resolve_assignment_id(case, assignment_id, pending_only=False)
        return assignment_info(case, case.assignments[ident])

    def assignments(self, client: str, *, pending_only: bool = False) -> list[AssignmentInfo]:
        """The client's assignments, oldest first (optionally only pending ones)."""
        case = self._load(client)
        items = sorted(case.assignments.values(), key=lambda a: a.id)
        return [assignment_info(case, a) for a in items if not (pending_only and a.is_resolved)]

    def history(self, client: str) -> list[HistoryEntry]:
        """Every event of the client's log in order, readable."""
        from hwcore.application.history import describe

        entries = [describe(e) for e in self._events(client)]
        self.access.record("history", client)
        return entries

    def client_names(self) -> list[str]:
        """Identifiers of every registered client, in registration order (read model)."""
        return self.reads.current().client_names()

    def clients(self) -> list[ClientInfo]:
        """Every registered client with a short summary, in registration order (read model)."""
        return [
            ClientInfo(
                client=s.client,
                sessions=s.sessions,
                last_session=s.last_session,
                last_session_date=s.last_session_date,
                assignments=s.assignments,
                pending=s.pending,
            )
            for s in self.reads.current().summaries()
        ]

    def caseload(self, *, due_only: bool = False) -> list[CaseloadEntry]:
        """Every client with completion, trend, next review and triggers (read model).

        Attention first: an open risk alert, due, more triggers, lower recent
        completion, then the identifier.
        Args:
            due_only: only clients whose review is due.

        Returns:
            One entry per client, attention first.
        """
        return caseload_from(self.reads.current().query(caseload_sql(due_only=due_only)))

    def audit(self, client: str) -> list[AuditEntry]:
        """The evolution of the client's system, from the event log: one entry per review.

        Args:
            client: the client identifier.

        Returns:
            Each review in order with its session, trigger, chosen system, what
            changed since the previous review, the notes and the changes noted
            since then, the planner's recommendation at the time, and how
            completion went in the sessions after it (until the next review).
        """
        from hwcore.application.audit import audit_trail

        entries = audit_trail(self._events(client))
        self.access.record("audit", client)
        return entries

    # -------------------------------------------------------------- read model

    def attach_readmodel(self, path: str | Path | None, *, plan_cache: bool = True) -> ReadModel:
        """Keep a read model in this SQLite file (None: in memory) current after writes.

        Args:
            path: the read model file, created owner-only when missing.
            plan_cache: keep computed planners in its ``plans`` table for the
                quick path (which serves only the embedded SQLite store).

        Returns:
            The attached read model.
        """
        return self.reads.attach(path, plan_cache=plan_cache)

    @property
    def event_source(self) -> EventStoreSource:
        """The event store as the read model's source (its notification log)."""
        source: EventStoreSource | None = self.__dict__.get("_event_source")
        if source is None:
            source = EventStoreSource(self.recorder, self.mapper, self.repository)
            self.__dict__["_event_source"] = source
        return source

    def refresh_readmodel(self, progress: Progress | None = None) -> int:
        """Apply the events stored since the read model's position.

        Args:
            progress: called after each batch with (position, last position).

        Returns:
            How many events were applied.
        """
        return self.reads.catch_up(progress)

    def rebuild_readmodel(self, progress: Progress | None = None) -> int:
        """Drop the read model's tables and re-project the whole event log.

        Args:
            progress: called after each batch with (position, last position).

        Returns:
            How many events were applied.
        """
        return self.reads.rebuild(progress)

    def readmodel_position(self) -> int:
        """The last event (notification id) the read model has applied."""
        return self.reads.model().position()

    def close(self) -> None:
        """Close the event store and the read model; closing again does nothing.

        Closing writes nothing: a read model file deleted meanwhile stays
        deleted (the next command that reads it, or ``hw readmodel rebuild``,
        builds it again).
        """
        if self.__dict__.get("_closed"):
            return
        self._closed = True
        reads: ReadSide | None = self.__dict__.get("reads")
        if reads is not None:
            reads.close()
        super().close()

    def client(self, client: str) -> ClientInfo:
        """One client's summary."""
        return self._client_info(self._load(client))

    def _client_info(self, case: Case) -> ClientInfo:
        current = case.current_session
        return ClientInfo(
            client=case.client,
            sessions=len(case.sessions),
            last_session=current,
            last_session_date=case.sessions[current].held_on.isoformat() if current else None,
            assignments=len(case.assignments),
            pending=len(case.pending()),
        )

    def stored_events(self, client: str) -> list[Aggregate.Event]:
        """The client's stored events in order ([] for a client not in the store).

        For the exchange (the JSON export and its import); other queries
        return DTOs.
        """
        try:
            return self._events(client)
        except ClientNotFoundError:
            return []
