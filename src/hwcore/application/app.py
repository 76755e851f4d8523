"""The hw application service: the one API frontends and embedders use.

Every command loads the client's case, calls one domain command (or a few, for
an import), and saves; queries return plain DTOs, never aggregates. Inputs are
plain strings and ints; the application builds the domain values.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

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
    ClientInfo,
    NotedChange,
    OutcomeResult,
    ReviewResult,
    SessionInfo,
    WrapUpResult,
)
from hwcore.application.eventstore.errors import STORE_ERRORS
from hwcore.application.eventstore.retries import MAX_ATTEMPTS, backoff
from hwcore.application.queries import HwReader
from hwcore.application.views import assignment_info
from hwcore.domain import (
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
    Planner,
    assess_fit,
    build_planner,
)
from hwcore.readmodel import (
    Progress,
)

if TYPE_CHECKING:
    # Imported where used: a recording command (hw missed, hw assign) loads neither
    # the clinical record's services nor the wrap-up's entries (cli_write).
    from hwcore.application.clinical import ClinicalRecordService
    from hwcore.application.dryrun import PlannerMemo
    from hwcore.application.entries import SessionEntries
    from hwcore.application.exchange.formats import ExportText
    from hwcore.application.exchange.service import Exchange
    from hwcore.application.records import ImportReport

T = TypeVar("T")
StageProgress = Callable[[str], Progress]
"""Given a stage's label ("Checking rows"...), that stage's (done, total) callback."""


class HwApplication(HwReader):
    """The hw application: record homework events and read the planner.

    The queries are inherited from :class:`~hwcore.application.queries.HwReader`;
    this class adds the commands (each "load, call the domain, save").

    Build one with :func:`hwcore.bootstrap.open_application` (which resolves the
    home folder and store), or directly with an eventsourcing environment
    mapping, e.g. ``HwApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})``
    for an in-memory store. The process environment is deliberately *not* read.

    Args:
        env: eventsourcing settings (PERSISTENCE_MODULE, SQLITE_DBNAME, ...).
        today: the clock used for default session dates (tests pass a fixed one).
        confidence_threshold: confidence below which a smaller task is advised.
        home: the hw home whose files a backup includes (None: none).
        clinician: who records and reads: every new event's ``recorded_by`` and
            the access log's clinician (None: the operating-system user).
    """

    name = "hw"
    """Names the PostgreSQL tables (``hw_events``...): eventsourcing gives each subclass
    its class name unless it sets one, so this stays here, frozen."""

    @functools.cached_property
    def _dry(self) -> PlannerMemo:
        """The wrap-up preview's memo of its last planner (``tui_keystroke_latency``)."""
        from hwcore.application.dryrun import PlannerMemo

        return PlannerMemo(lambda case_id: self.repository.kept_state(case_id))

    # ----------------------------------------------------------------- helpers

    def _save(self, *items: Case | Aggregate.Event, progress: StageProgress | None = None) -> None:
        writing = None if progress is None else progress("Writing events")
        if writing is not None:
            writing(0, 1)
        self._store(*items)
        if writing is not None:
            writing(1, 1)
        self.reads.after_write(None if progress is None else progress("Updating the read model"))

    def _planner_for_fit(self, case: Case) -> Planner:
        """The planner of the case as loaded, as far as :func:`assess_fit` reads it.

        ``cli_write``: ``hw assign`` weighs the design against the planner, which
        the last write or ``hw plan`` cached; reading it back, without its tables
        of assignments (the fit reads the system, the current system and what is
        confounded), costs a fifth of building it. Only a read model that has
        applied the log's last event answers (never a cache of another history:
        a store replaced meanwhile); else, and without a read model file, the
        planner is built.
        """
        readmodel = self.readmodel
        if readmodel is not None and readmodel.path is not None:
            try:
                cached = readmodel.cached_plan(
                    self.event_source, case.client, case.version, rows=False
                )
            except STORE_ERRORS:
                cached = None
            if cached is not None:
                return cached
        return build_planner(case)

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
            planner = self._planner_for_fit(case)
            fit = assess_fit(case, design, planner, confidence_threshold=self.confidence_threshold)
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
            assignment_id: the assignment's number (or 'latest': the newest, still pending).
            session: the session at which it was reviewed (default: the latest, or
                a new session today when the homework was given at the latest
                session on an earlier day).
            date: that session's date when it is new.
            experience: the client's experience of doing it.
        """
        entry = OutcomeEntry(
            assignment_id=assignment_id, outcome=Outcome.COMPLETED, experience=experience
        )
        return self.record_outcome(client, entry, session=session, date=date)

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
        return self.record_outcome(client, entry, session=session, date=date)

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
            assignment_id: the assignment's number (or 'latest': the newest, still pending).
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
        return self.record_outcome(client, entry, session=session, date=date)

    def record_outcome(
        self, client: str, entry: OutcomeEntry, *, session: int | None = None, date: DateLike = None
    ) -> OutcomeResult:
        """Record one :class:`OutcomeEntry`; ``session`` and ``date`` as for :meth:`complete`."""

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

    @functools.cached_property
    def clinical(self) -> ClinicalRecordService:
        """The clinical record's use cases: outcome measures, consents, risk alerts (r2)."""
        from hwcore.application.clinical import ClinicalRecordService

        return ClinicalRecordService(
            change=self._change,
            load=self._load,
            today=self._today,
            home=self.home,
            logged=self.access.record,
        )

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
        from hwcore.application.entries import review_on

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
                explanation, reasons, experience, insights, modification.
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
        from hwcore.application.entries import SessionEntries, note_entries, review_on

        if assignment is not None:
            check_spec(assignment)
        when, memo = parse_date(date) or (self._today() if session is None else None), self._dry

        def command(case: Case) -> WrapUpResult:
            stored, today = memo.token(case), self._today()  # before any change to the case
            number = session_for(case, session, when, today)
            extra = entries or SessionEntries()
            noted = note_entries(case, number, extra, lambda name: self.clinical.catalog.get(name))
            results = tuple(apply_outcome(case, number, item) for item in outcomes)
            if extra.review is not None:
                noted = attrs.evolve(noted, review=review_on(case, number, extra.review))
            # The memo's key is the stored case, the outcomes and the session: other
            # entries (a review above all) change the planner, so it is built afresh then.
            planner = memo.planner(
                case, None if extra else stored, tuple(outcomes), session, when, today
            )
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
            return command(self._load(client, keep=True))  # a live preview, again and again
        return self._change(client, command)

    # ------------------------------------------------------- import and export

    @functools.cached_property
    def exchange(self) -> Exchange:
        """Import and export, CSV, JSON and FHIR (:class:`.exchange.service.Exchange`)."""
        from hwcore.application.exchange.service import Exchange

        return Exchange(self, self._save)

    def import_file(self, path: str | Path, progress: StageProgress | None = None) -> ImportReport:
        """Import a history CSV or an hw JSON export (``hw.exchange.import_file``)."""
        return self.exchange.import_file(path, progress)

    def import_text(
        self, text: str, source: str = "stdin", progress: StageProgress | None = None
    ) -> ImportReport:
        """Import CSV or an hw JSON export given as text (``hw.exchange.import_text``)."""
        return self.exchange.import_text(text, source, progress)

    def export_data(
        self, client: str | None = None, progress: Progress | None = None
    ) -> dict[str, Any]:
        """A lossless JSON-ready dump of events (``hw.exchange.export_data``)."""
        return self.exchange.export_data(client, progress)

    def export_text(
        self, client: str | None = None, fmt: str = "json", progress: Progress | None = None
    ) -> ExportText:
        """The export as text in json, csv or fhir (``hw.exchange.export_text``)."""
        return self.exchange.export_text(client, fmt, progress)

    def load_or_new(self, client: str) -> tuple[Case, bool]:
        """The client's case, or a new unsaved one (True when new)."""
        try:
            return self._load(client), False
        except ClientNotFoundError:
            return Case(client=check_new_client(validate_client(client))), True
