"""The clinical record's use cases: outcome measures, consents and risk alerts (r2).

A room of the application, composed into it as ``hw.clinical`` (as printing is
``hw.printing``): each use case is "load, call the domain, save", through the
application's own load-and-save with retries. The domain side is
:mod:`hwcore.domain.clinical` and :mod:`hwcore.domain.measures`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from hwcore.application.catalog import MeasureCatalog
from hwcore.application.commands import DateLike, session_for
from hwcore.application.dto import MeasureResult
from hwcore.application.entries import take_measure_on
from hwcore.application.notes import ProgressNote, compose_note
from hwcore.application.records import ClinicalRecordInfo
from hwcore.domain import Case
from hwcore.domain.clinical import ConsentRecord
from hwcore.domain.measures import Instrument, RiskAlert


class ClinicalRecordService:
    """Outcome measures, consents and risk alerts of a client's case.

    Args:
        change: the application's load-run-save of one case (with retries).
        load: the application's load of one case.
        today: the clock used for default session dates.
        home: the hw home (where the practice's measures are defined), if any.
    """

    def __init__(
        self,
        *,
        change: Callable[[str, Callable[[Case], Any]], Any],
        load: Callable[[str], Case],
        today: Callable[[], dt.date],
        home: Path | None,
        logged: Callable[[str, str, str], object] | None = None,
    ) -> None:
        self._change = change
        self._load = load
        self._today = today
        self._home = home
        self._logged = logged
        """The access log's ``record(action, client, detail)`` (a read of the record is logged)."""
        self._catalog: MeasureCatalog | None = None

    @property
    def catalog(self) -> MeasureCatalog:
        """The instruments ``take_measure`` accepts: PHQ-9, GAD-7 and the practice's own."""
        if self._catalog is None:
            self._catalog = MeasureCatalog(self._home)
        return self._catalog

    def take_measure(
        self,
        client: str,
        instrument: str,
        *,
        items: Sequence[int] = (),
        score: int | None = None,
        session: int | None = None,
        date: DateLike = None,
    ) -> MeasureResult:
        """Record an outcome measure (PHQ-9/GAD-7 item by item, a practice measure's score).

        Args:
            client: the client identifier.
            instrument: ``phq9``, ``gad7`` or a name given to ``define_measure``.
            items: the item scores, in the instrument's order (PHQ-9: 9, GAD-7: 7).
            score: the one score of a practice measure.
            session: the session it was taken at (latest when omitted).
            date: that session's date when it is new.

        Returns:
            The total, its severity band, the instrument's series after it and
            the risk alert it raised (PHQ-9 item 9 above 0), if any.
        """
        definition = self.catalog.get(instrument)

        def command(case: Case) -> MeasureResult:
            number = session_for(case, session, date, self._today())
            return take_measure_on(case, number, definition, items=items, score=score)

        return cast("MeasureResult", self._change(client, command))

    def define_measure(
        self,
        name: str,
        minimum: int,
        maximum: int,
        better: str,
        reliable_change: float | None = None,
    ) -> Instrument:
        """Define the practice's own single-score measure (e.g. a 0-10 mood rating).

        Args:
            name: lowercase letters, digits and '-' (not phq9 or gad7).
            minimum: the lowest score.
            maximum: the highest score.
            better: ``high`` or ``low``: which direction is better.
            reliable_change: the smallest change in points that counts as
                reliable (Jacobson & Truax), when the measure has one.
        """
        return self.catalog.define(name, minimum, maximum, better, reliable_change)

    def instruments(self) -> list[Instrument]:
        """Every measure ``take_measure`` accepts, PHQ-9 and GAD-7 first."""
        return self.catalog.all()

    def record_consent(
        self,
        client: str,
        channel: str,
        *,
        boundaries: str,
        privacy_risk: str,
        days: Sequence[str] | str = (),
        note: str = "",
        session: int | None = None,
        date: DateLike = None,
    ) -> ConsentRecord:
        """Record a consent for reminders or a digital channel (refused when incomplete).

        Args:
            client: the client identifier.
            channel: sms, email, phone, app, messaging, calendar, paper or other.
            boundaries: what was agreed, e.g. "not for crisis support".
            privacy_risk: the privacy risk the client accepted.
            days: the agreed days (mon..sun), as a sequence or "tue,thu".
            note: anything else.
            session: the session it was recorded at (latest when omitted).
            date: that session's date when it is new.
        """
        agreed = days.split(",") if isinstance(days, str) else list(days)

        def command(case: Case) -> ConsentRecord:
            number = session_for(case, session, date, self._today())
            case.record_consent(
                number,
                channel,
                boundaries=boundaries,
                privacy_risk=privacy_risk,
                days=[d for d in agreed if d.strip()],
                note=note,
            )
            return case.consents[-1]

        return cast("ConsentRecord", self._change(client, command))

    def acknowledge_alert(
        self,
        client: str,
        alert_session: int,
        note: str,
        *,
        kind: str = "phq9_item9",
        session: int | None = None,
        date: DateLike = None,
    ) -> RiskAlert:
        """Acknowledge an open risk alert, saying what was done (a recorded event).

        Args:
            client: the client identifier.
            alert_session: the session of the measurement that raised it.
            note: what was done (e.g. "safety plan reviewed").
            kind: the alert's kind (``phq9_item9``).
            session: the session it is acknowledged at (latest when omitted).
            date: that session's date when it is new.
        """

        def command(case: Case) -> RiskAlert:
            number = session_for(case, session, date, self._today())
            case.acknowledge_alert(number, kind, alert_session, note)
            return next(a for a in case.alerts() if (a.kind, a.session) == (kind, alert_session))

        return cast("RiskAlert", self._change(client, command))

    def progress_note(self, client: str, session: int | None = None) -> ProgressNote:
        """The homework part of a session's progress note, in seed 003's order.

        Nothing is written. Render it with ``.text()`` (plain, wrapped),
        ``.markdown()``, or :func:`hwcore.application.to_dict` for JSON.

        Args:
            client: the client identifier.
            session: the session (default: the latest held).

        Raises:
            InvalidValueError: the session was not held.
        """
        note = compose_note(self._load(client), session)
        self._log("note", client)
        return note

    def _log(self, detail: str, client: str) -> None:
        if self._logged is not None:
            self._logged("history", client, detail)

    def clinical_record(self, client: str) -> ClinicalRecordInfo:
        """A client's measures with their change, risk alerts and consents."""
        case = self._load(client)
        self._log("measures", client)
        return ClinicalRecordInfo(
            client=case.client,
            measures=tuple(case.measure_series()),
            alerts=tuple(case.alerts()),
            consents=tuple(case.consents),
        )
