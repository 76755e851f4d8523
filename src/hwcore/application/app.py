"""The hw application service: the one API frontends and embedders use.

Every command loads the client's case, calls one domain command (or a few, for
an import), and saves; queries return plain DTOs, never aggregates. Inputs are
plain strings and ints; the application builds the domain values.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import EnvType

from hwcore.application.clinical import ClinicalRecordService
from hwcore.application.commands import (
    DateLike,
    OutcomeEntry,
    ReviewChoice,
    apply_outcome,
    hold_numbered_session,
    outcome_session_for,
    parse_date,
    resolve_assignment_id,
    session_for,
)
from hwcore.application.dto import (
    AssignmentInfo,
    AssignResult,
    AuditEntry,
    ClientInfo,
    HistoryEntry,
    ImportReport,
    NotedChange,
    OutcomeResult,
    ReviewResult,
    SessionInfo,
    WrapUpResult,
)
from hwcore.application.entries import SessionEntries, note_entries, review_on
from hwcore.application.eventstore.application import StoreApplication
from hwcore.application.eventstore.retries import MAX_ATTEMPTS, backoff
from hwcore.application.readside import ReadSide
from hwcore.domain import (
    Assignment,
    AssignmentSpec,
    Case,
    ChangeKind,
    ClientExistsError,
    ClientNotFoundError,
    ConcurrencyError,
    InvalidValueError,
    Outcome,
    check_spec,
    validate_client,
)
from hwcore.domain.identifiers import check_new_client
from hwcore.planner import (
    CONFIDENCE_THRESHOLD,
    Fit,
    Planner,
    assess_fit,
    build_planner,
)
from hwcore.readmodel import (
    ClientSummary,
    EventStoreSource,
    Progress,
    ReadModel,
    summarize,
)
from hwcore.readmodel.caseload import CaseloadEntry, caseload_from, caseload_sql

if TYPE_CHECKING:
    from hwcore.application.exchange.formats import ExportText
    from hwcore.application.printing import Printing

T = TypeVar("T")
StageProgress = Callable[[str], Progress]
"""Given a stage's label ("Checking rows"...), that stage's (done, total) callback."""


class HwApplication(StoreApplication):
    """The hw application: record homework events and read the planner.

    Build one with :func:`hwcore.bootstrap.open_application` (which resolves the
    home folder and store), or directly with an eventsourcing environment
    mapping, e.g. ``HwApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})``
    for an in-memory store. The process environment is deliberately *not* read.

    Args:
        env: eventsourcing settings (PERSISTENCE_MODULE, SQLITE_DBNAME, ...).
        today: the clock used for default session dates (tests pass a fixed one).
        confidence_threshold: confidence below which a smaller task is advised.
        home: the hw home whose files a backup includes (None: none).
    """

    name = "hw"
    """Names the PostgreSQL tables (``hw_events``...): eventsourcing gives each subclass
    its class name unless it sets one, so this stays here, frozen."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        confidence_threshold: int = CONFIDENCE_THRESHOLD,
        home: Path | None = None,
    ) -> None:
        self._today = today
        self._clinical: ClinicalRecordService | None = None
        self.confidence_threshold = confidence_threshold
        self.reads = ReadSide(lambda: self.event_source)
        """The read side: the read model answering caseload queries, kept current."""
        super().__init__(env, home=home)

    @property
    def readmodel(self) -> ReadModel | None:
        """The attached read model (see :meth:`attach_readmodel`), or None."""
        return self.reads.readmodel

    @readmodel.setter
    def readmodel(self, value: ReadModel | None) -> None:
        self.reads.readmodel = value

    # ----------------------------------------------------------------- helpers

    def _save(self, *items: Case | Aggregate.Event, progress: StageProgress | None = None) -> None:
        writing = None if progress is None else progress("Writing events")
        if writing is not None:
            writing(0, 1)
        self._store(*items)
        if writing is not None:
            writing(1, 1)
        self.reads.after_write(None if progress is None else progress("Updating the read model"))

    def _change(self, client: str, command: Callable[[Case], T]) -> T:
        """Load, run a domain command, save; retry if another writer got there first."""
        for attempt in range(MAX_ATTEMPTS):
            case = self._load(client)
            result = command(case)
            try:
                self._save(case)
            except IntegrityError:
                backoff(attempt)
                continue
            return result
        msg = f"client {client!r} is being changed by another writer: try again"
        raise ConcurrencyError(msg)

    # ---------------------------------------------------------------- commands

    def register_client(self, client: str) -> ClientInfo:
        """Register a new client.

        Args:
            client: the identifier (initials or a code), e.g. 'AB' or 'C-017'.

        Returns:
            The new client's summary.

        Raises:
            InvalidValueError: the identifier is not allowed.
            ClientExistsError: the client is already registered.
        """
        name = check_new_client(validate_client(client))
        case = Case(client=name)
        try:
            self._save(case)
        except IntegrityError:
            raise ClientExistsError(name) from None
        return self._client_info(case)

    def hold_session(self, client: str, number: int, date: DateLike = None) -> SessionInfo:
        """Record that a session was held (idempotent for the same date).

        Args:
            client: the client identifier.
            number: the session number (>= 1).
            date: the session date (ISO string or date); today when omitted.

        Returns:
            The session, with ``created`` False if it was already recorded.
        """

        def command(case: Case) -> SessionInfo:
            created = hold_numbered_session(case, number, date, self._today())
            held_on = case.sessions[number].held_on.isoformat()
            return SessionInfo(case.client, number, held_on, created)

        return self._change(client, command)

    def correct_session_date(
        self, client: str, number: int, date: DateLike, reason: str
    ) -> SessionInfo:
        """Correct the recorded date of a held session (a new event, with why).

        Args:
            client: the client identifier.
            number: the session number.
            date: the right date (ISO string or date).
            reason: why the recorded date was wrong.

        Returns:
            The session with its corrected date (``created`` False).
        """
        when = parse_date(date)
        if when is None:
            raise InvalidValueError("date", "none", "the session's right date (YYYY-MM-DD)")

        def command(case: Case) -> SessionInfo:
            case.correct_session_date(number, when, reason)
            return SessionInfo(case.client, number, when.isoformat(), False)

        return self._change(client, command)

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

    def assign(
        self,
        client: str,
        design: AssignmentSpec,
        *,
        session: int | None = None,
        date: DateLike = None,
    ) -> AssignResult:
        """Assign homework at a session (held now if new).

        Args:
            client: the client identifier.
            design: the assignment, e.g. ``AssignmentSpec(title="Mood log",
                format="written", size="small", framing="experiment")``.
            session: the session number; the latest session when omitted.
            date: the session's date when it is new (today when omitted).

        Returns:
            The assignment and its fit with the client's history (warnings are
            advice: the assignment is recorded anyway).
        """
        check_spec(design)

        def command(case: Case) -> AssignResult:
            fit = assess_fit(
                case, design, build_planner(case), confidence_threshold=self.confidence_threshold
            )
            number = session_for(case, session, date, self._today())
            assignment_id = case.assign(number, design)
            return AssignResult(assignment_info(case, case.assignments[assignment_id]), fit)

        return self._change(client, command)

    def complete(
        self,
        client: str,
        assignment_id: int | str,
        *,
        session: int | None = None,
        date: DateLike = None,
        experience: str = "",
    ) -> OutcomeResult:
        """Record that an assignment was fully completed.

        Args:
            client: the client identifier.
            assignment_id: the assignment's number (or 'latest' pending).
            session: the session at which it was reviewed (default: the latest, or
                a new session today when the homework was given at the latest
                session on an earlier day).
            date: that session's date when it is new.
            experience: the client's experience of doing it.
        """
        entry = OutcomeEntry(
            assignment_id=assignment_id, outcome=Outcome.COMPLETED, experience=experience
        )
        return self._resolve(client, entry, session, date)

    def partial(
        self,
        client: str,
        assignment_id: int | str,
        *,
        done: int | None = None,
        planned: int | None = None,
        session: int | None = None,
        date: DateLike = None,
        experience: str = "",
    ) -> OutcomeResult:
        """Record that an assignment was partly completed (``done`` of ``planned``).

        ``planned`` defaults to the assignment's planned doses. Without doses
        the partial scores 0.5.
        """
        entry = OutcomeEntry(
            assignment_id=assignment_id,
            outcome=Outcome.PARTIAL,
            done=done,
            planned=planned,
            experience=experience,
        )
        return self._resolve(client, entry, session, date)

    def miss(
        self,
        client: str,
        assignment_id: int | str,
        *,
        explanation: str = "",
        reasons: Sequence[str] | str = (),
        session: int | None = None,
        date: DateLike = None,
    ) -> OutcomeResult:
        """Record that an assignment was missed.

        Args:
            client: the client identifier.
            assignment_id: the assignment's number (or 'latest' pending).
            explanation: the client's own words, as close to verbatim as possible.
            reasons: zero or more of forgotten, too-complex, wrong-timing,
                wrong-format, framing-pressure, relational, practical-obstacle,
                other (a list, or one string separated by ';').
            session: the session at which it was reviewed (default: the latest, or
                a new session today when the homework was given at the latest
                session on an earlier day).
            date: that session's date when it is new.
        """
        entry = OutcomeEntry(
            assignment_id=assignment_id,
            outcome=Outcome.MISSED,
            explanation=explanation,
            reasons=reasons,
        )
        return self._resolve(client, entry, session, date)

    def _resolve(
        self, client: str, entry: OutcomeEntry, session: int | None, date: DateLike
    ) -> OutcomeResult:
        def command(case: Case) -> OutcomeResult:
            ident = resolve_assignment_id(case, entry.assignment_id, pending_only=True)
            number = outcome_session_for(case, ident, session, date, self._today())
            return apply_outcome(case, number, attrs.evolve(entry, assignment_id=ident))

        return self._change(client, command)

    def change_framing(
        self,
        client: str,
        label: str,
        *,
        wording: str = "",
        reason: str = "",
        session: int | None = None,
        date: DateLike = None,
    ) -> NotedChange:
        """Change the client-level framing approach (e.g. 'curiosity'), with why.

        Returns:
            What was recorded: the session, kind 'framing', the label, the reason.
        """

        def command(case: Case) -> NotedChange:
            number = session_for(case, session, date, self._today())
            case.change_framing(number, label, wording, reason)
            return NotedChange(session=number, kind="framing", label=label.strip(), text=reason)

        return self._change(client, command)

    def note_change(
        self,
        client: str,
        kind: str,
        note: str,
        *,
        session: int | None = None,
        date: DateLike = None,
    ) -> NotedChange:
        """Note a life, relationship or other change (prompts an earlier review).

        Args:
            client: the client identifier.
            kind: 'life', 'relationship' or 'other'.
            note: what changed.
            session: the session it was noted at (latest when omitted).
            date: that session's date when it is new.

        Returns:
            What was recorded: the session, the kind, the note.
        """
        parsed = ChangeKind.parse(kind)

        def command(case: Case) -> NotedChange:
            number = session_for(case, session, date, self._today())
            case.note_change(number, parsed, note)
            return NotedChange(session=number, kind=parsed.value, label=None, text=note)

        return self._change(client, command)

    @property
    def clinical(self) -> ClinicalRecordService:
        """The clinical record's use cases: outcome measures, consents, risk alerts (r2)."""
        if self._clinical is None:
            self._clinical = ClinicalRecordService(
                change=self._change, load=self._load, today=self._today, home=self.home
            )
        return self._clinical

    def review(
        self,
        client: str,
        choice: ReviewChoice | None = None,
        *,
        session: int | None = None,
        date: DateLike = None,
    ) -> ReviewResult:
        """Review the client's system: accept the planner's values or override any.

        Args:
            client: the client identifier.
            choice: what the therapist chose (see :class:`ReviewChoice`); by
                default the planner's recommendation, its follow-up wording,
                the next review 8 sessions on and the first active trigger.
            session: the session of the review (latest when omitted).
            date: that session's date when it is new.
        """
        c = choice or ReviewChoice()

        def command(case: Case) -> ReviewResult:
            return review_on(case, session_for(case, session, date, self._today()), c)

        return self._change(client, command)

    def correct(
        self,
        client: str,
        assignment_id: int | str,
        changes: Mapping[str, Any],
        reason: str,
        *,
        session: int | None = None,
        date: DateLike = None,
    ) -> AssignmentInfo:
        """Correct an earlier entry of an assignment (recorded as a new event).

        Args:
            client: the client identifier.
            assignment_id: the assignment's number.
            changes: field -> new value; fields: title, task, format, size,
                framing, frequency, planned_doses, outcome, done, planned,
                explanation, reasons, experience.
            reason: why the earlier entry was wrong.
            session: the session the correction is made at (latest when omitted).
            date: that session's date when it is new.
        """

        def command(case: Case) -> AssignmentInfo:
            ident = resolve_assignment_id(case, assignment_id, pending_only=False)
            number = session_for(case, session, date, self._today())
            case.correct(ident, number, changes, reason)
            return assignment_info(case, case.assignments[ident])

        return self._change(client, command)

    def wrap_up(
        self,
        client: str,
        *,
        outcomes: Sequence[OutcomeEntry] = (),
        assignment: AssignmentSpec | None = None,
        entries: SessionEntries | None = None,
        session: int | None = None,
        date: DateLike = None,
        dry_run: bool = False,
    ) -> WrapUpResult:
        """Record a session's wrap-up in one write: outcomes, then the next assignment.

        All or nothing: every event (the session if new, the ``entries``, each
        outcome, the review, the assignment) is saved together, or none is. With
        ``dry_run`` nothing is written and the result shows what would be (a
        frontend's live preview).

        Args:
            client: the client identifier.
            outcomes: one :class:`OutcomeEntry` per pending assignment resolved now.
            assignment: the next assignment (as for :meth:`assign`), or None.
            entries: the rest of the session's record (corrections, changes,
                framing, measures, consents, the review: see
                :mod:`hwcore.application.entries`), or None.
            session: the wrap-up's session; when omitted, the session held on
                ``date`` if there is one, else a new session after the latest.
            date: that session's date (today when omitted).
            dry_run: compute everything, write nothing.

        Returns:
            The session, the outcomes, the assignment with its fit, and the
            planner once the outcomes are in.
        """
        if assignment is not None:
            check_spec(assignment)
        when = parse_date(date) or (self._today() if session is None else None)

        def command(case: Case) -> WrapUpResult:
            number = session_for(case, session, when, self._today())
            extra = entries or SessionEntries()
            noted = note_entries(case, number, extra, lambda name: self.clinical.catalog.get(name))
            results = tuple(apply_outcome(case, number, item) for item in outcomes)
            if extra.review is not None:
                noted = attrs.evolve(noted, review=review_on(case, number, extra.review))
            planner = build_planner(case)
            assigned: AssignResult | None = None
            if assignment is not None:
                fit = assess_fit(
                    case, assignment, planner, confidence_threshold=self.confidence_threshold
                )
                ident = case.assign(number, assignment)
                assigned = AssignResult(assignment_info(case, case.assignments[ident]), fit)
            return WrapUpResult(
                client=case.client,
                session=number,
                date=case.sessions[number].held_on.isoformat(),
                outcomes=results,
                assignment=assigned,
                planner=planner,
                written=not dry_run,
                entries=noted if extra else None,
            )

        if dry_run:
            return command(self._load(client))
        return self._change(client, command)

    def today(self) -> dt.date:
        """Today by the application's clock (fixed in tests)."""
        return self._today()

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
            return planner
        if as_of_session is not None and as_of_session < 1:
            raise InvalidValueError("as-of session", as_of_session, "a whole number >= 1")
        events = self._events(client)
        if as_of_session is not None:
            held = sorted(Case.replay(events).sessions)
            if not held or as_of_session > held[-1]:
                allowed = f"a session from 1 to {held[-1]}" if held else "a held session"
                raise InvalidValueError("as-of session", as_of_session, allowed)
        if when is not None:
            full = Case.replay(events)
            eligible = [n for n, s in full.sessions.items() if s.held_on <= when]
            if not eligible:
                first = min((s.held_on for s in full.sessions.values()), default=None)
                allowed = (
                    f"a date on or after the first session ({first})"
                    if first
                    else "a date after a session"
                )
                raise InvalidValueError("as-of date", when.isoformat(), allowed)
            as_of_session = max(eligible)
        case = Case.replay(events, until_session=as_of_session)
        return build_planner(case, as_of_session=as_of_session)

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

        return [describe(e) for e in self._events(client)]

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

        return audit_trail(self._events(client))

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

    # ------------------------------------------------------- import and export

    def import_file(self, path: str | Path, progress: StageProgress | None = None) -> ImportReport:
        """Import a history CSV (spec section 5) or an hw JSON export.

        All or nothing: the first bad row stops the import with its row number
        and nothing from the file is written. Idempotent: importing the same
        file again changes nothing. Every row or event passes the same domain
        guards as a command.
        """
        from hwcore.application.exchange.csvfile import read_text

        file = Path(path)
        text = read_text(file)
        if file.suffix.lower() == ".json":
            self.check_integrity()
            return self.import_export(text, source=file.name, progress=progress)
        return self.import_text(text, source=file.name, progress=progress)

    def import_text(
        self, text: str, source: str = "stdin", progress: StageProgress | None = None
    ) -> ImportReport:
        """Import history CSV or an hw JSON export given as text (``hw import -``).

        Args:
            text: the document; JSON when it starts with ``{``, else CSV.
            source: the name errors and the report use for it.
            progress: given a stage's label, returns that stage's (done, total)
                callback ("Checking rows", "Writing events", "Updating the read
                model"); None for none.

        Returns:
            What was imported (all or nothing, idempotent: see :meth:`import_file`).
        """
        self.check_integrity()
        if text.lstrip().startswith("{"):
            return self.import_export(text, source=source, progress=progress)
        return self.import_csv_text(text, source=source, progress=progress)

    def import_csv_text(
        self, text: str, source: str = "csv", progress: StageProgress | None = None
    ) -> ImportReport:
        """Import history CSV text (see :meth:`import_file` and :meth:`import_text`)."""
        from hwcore.application.exchange.csvfile import parse_csv
        from hwcore.application.exchange.csvimport import CsvImportStream, group_by_client

        stream = CsvImportStream(self, group_by_client(parse_csv(text, source)), source)
        for attempt in range(MAX_ATTEMPTS):
            try:  # one transaction, planned and written a chunk of clients at a time
                self.record_stream(stream.events(progress and progress("Checking rows")))
            except IntegrityError:
                backoff(attempt)
                continue
            self._save(progress=progress)  # nothing left to store; the read model catches up
            return stream.report()
        msg = "the store was changed by another writer during the import: try again"
        raise ConcurrencyError(msg)

    def import_export(
        self, text: str, source: str = "export", progress: StageProgress | None = None
    ) -> ImportReport:
        """Import an hw JSON export: new clients are written, identical ones skipped.

        A client already in the store is extended when its stored events are
        the start of the exported ones, left as it is when the store is ahead
        of the file, and refused when they differ. Each new event must be what
        its domain command records (see :mod:`hwcore.application.exchange.jsonfile`).
        ``progress`` as for :meth:`import_text`.
        """
        from hwcore.application.exchange.jsonfile import plan_json_import

        events, report = plan_json_import(self, text, source)
        if events:
            try:
                self._save(*events, progress=progress)
            except IntegrityError:
                msg = "the store was changed by another writer during the import: try again"
                raise ConcurrencyError(msg) from None
        return report

    def export_data(
        self, client: str | None = None, progress: Progress | None = None
    ) -> dict[str, Any]:
        """A lossless JSON-ready dump of one client's (None: every client's) events.

        ``progress`` is called after each client with (clients done, all clients).
        """
        from hwcore.application.exchange.jsonfile import export_document

        return export_document(self, client, progress)

    def export_text(
        self, client: str | None = None, fmt: str = "json", progress: Progress | None = None
    ) -> ExportText:
        """The export as text in ``fmt``: json (lossless), csv (the import format) or fhir (R4)."""
        from hwcore.application.exchange.formats import export_text

        return export_text(self, client, fmt, progress)

    def load_or_new(self, client: str) -> tuple[Case, bool]:
        """The client's case, or a new unsaved one (True when new)."""
        try:
            return self._load(client), False
        except ClientNotFoundError:
            return Case(client=check_new_client(validate_client(client))), True

    def stored_events(self, client: str) -> list[Aggregate.Event]:
        """The client's stored events in order ([] for a client not in the store).

        For the exchange (the JSON export and its import); other queries
        return DTOs.
        """
        try:
            return self._events(client)
        except ClientNotFoundError:
            return []


def caseload_entry(case: Case) -> CaseloadEntry:
    """The caseload line of one case (the read model's summary, computed directly)."""
    return _caseload_entry(summarize(case))


def _caseload_entry(s: ClientSummary) -> CaseloadEntry:
    return CaseloadEntry(
        client=s.client,
        sessions=s.sessions,
        last_session=s.last_session,
        last_session_date=s.last_session_date,
        assignments=s.assignments,
        pending=s.pending,
        completion_rate=s.completion_rate,
        recent_rate=s.recent_rate,
        trend=s.trend,
        ready=s.ready,
        next_review_session=s.next_review_session,
        due=s.due,
        triggers=s.triggers,
        alerts=s.alerts,
    )


def assignment_info(case: Case, a: Assignment) -> AssignmentInfo:
    """The DTO of one assignment (its design's fields as plain strings and numbers)."""
    r = a.resolution
    return AssignmentInfo(
        client=case.client,
        assignment_id=a.id,
        session=a.session,
        date=a.assigned_on.isoformat(),
        **a.spec.plain(),
        outcome=a.outcome.value,
        resolved_session=r.session if r else None,
        done=r.done if r else None,
        planned=r.planned if r else None,
        experience=r.experience if r else "",
        explanation=r.explanation if r else "",
        reasons=tuple(x.value for x in r.reasons) if r else (),
    )
