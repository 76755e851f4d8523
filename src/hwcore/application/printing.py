"""Printing and branding: a service the application holds (``hw.printing``).

Thin: each method loads plain data through the application's queries, hands it
to :mod:`hwcore.printing`, and writes the result owner-only (0600). Plain
arguments in, the written path out, so every frontend calls them the same way::

    hw.printing.config_set("clinic.name", "Harbour Street Practice")
    hw.printing.print_plan("AB", "ab-planner.pdf")
    hw.printing.print_handout("AB", "latest", "ab-handout.pdf", ics="ab.ics")
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hwcore.printing.branding import KEYS, ConfigError
from hwcore.printing.files import OutputError
from hwcore.printing.i18n import LANGUAGE_NAMES, LANGUAGES, AccommodationError, HandoutChoice
from hwcore.printing.schedule import REMINDER_MINUTES

if TYPE_CHECKING:
    from hwcore.application.access import AccessLog
    from hwcore.application.dto import AssignmentInfo
    from hwcore.planner import Planner
    from hwcore.printing.handout_pdf import Handout

__all__ = [
    "CONFIG_KEYS",
    "HANDOUT_LANGUAGES",
    "HANDOUT_LANGUAGE_NAMES",
    "AccommodationError",
    "ConfigError",
    "HandoutChoice",
    "OutputError",
    "Printing",
    "handout_of",
]

CONFIG_KEYS: dict[str, str] = dict(KEYS)
"""Every branding/configuration key and what it holds."""

HANDOUT_LANGUAGES: tuple[str, ...] = LANGUAGES
"""The languages a handout prints in (``language=`` of :meth:`Printing.print_handout`)."""
HANDOUT_LANGUAGE_NAMES: dict[str, str] = dict(LANGUAGE_NAMES)
"""Each handout language's English name ('es' -> 'Spanish'), e.g. for a picker."""

PathLike = str | os.PathLike[str]


class Queries(Protocol):
    """What printing reads through the application (its queries and its clock)."""

    def today(self) -> dt.date:
        """Today by the application's clock."""

    def plan(
        self,
        client: str,
        *,
        as_of_session: int | None = None,
        as_of_date: dt.date | str | None = None,
    ) -> Planner: ...

    def assignment(self, client: str, assignment_id: int | str) -> AssignmentInfo:
        """One assignment with its outcome."""

    def assignments(self, client: str) -> list[AssignmentInfo]:
        """The client's assignments, oldest first."""

    @property
    def access(self) -> AccessLog:
        """The access log (a print is logged)."""


def _home(app: object) -> Path:
    home = getattr(app, "home", None)
    if home is None:
        msg = "no hw home: open the application with hwcore.bootstrap.open_application"
        raise ConfigError(msg)
    return Path(home)


def _maybe_home(app: object) -> Path | None:
    try:
        return _home(app)
    except ConfigError:
        return None


def _output(
    app: object, path: PathLike | None, default: str, *, force: bool, what: str = "PDF file"
) -> Path:
    """The checked output path: never in the home, a folder or a device; no silent replace."""
    from hwcore.outputs import check_output_path

    target = Path(path) if path is not None else Path.cwd() / default
    return check_output_path(target, home=_maybe_home(app), force=force, what=what)


def handout_of(info: AssignmentInfo, choice: HandoutChoice | None = None) -> Handout:
    """The handout content of one assignment (in ``choice``'s language; default English)."""
    from hwcore.printing.handout_pdf import Handout
    from hwcore.printing.i18n import HandoutLanguage

    return Handout(
        client=info.client,
        assignment_id=info.assignment_id,
        session_date=info.date,
        title=info.title,
        task=info.task,
        client_why=info.client_why,
        when_where=info.when_where,
        method=info.method,
        frequency=info.frequency,
        planned_doses=info.planned_doses,
        framing_wording=info.framing_wording,
        size=info.size,
        days=tuple(info.days),
        time=info.time,
        language=choice.handout_language if choice is not None else HandoutLanguage(),
    )


class Printing:
    """Branding configuration, the planner PDF, handouts and calendar files.

    Args:
        queries: the application (its ``plan``, ``assignment`` and ``today``).
        home: the hw home holding config.json and the logo (None: no branding,
            and configuration is refused).
    """

    def __init__(self, queries: Queries, home: Path | None) -> None:
        self._queries = queries
        self.home = home

    def plan(
        self,
        client: str,
        *,
        as_of_session: int | None = None,
        as_of_date: dt.date | str | None = None,
    ) -> Planner:
        """The client's planner, read through the application."""
        return self._queries.plan(client, as_of_session=as_of_session, as_of_date=as_of_date)

    def assignment(self, client: str, assignment_id: int | str) -> AssignmentInfo:
        """One assignment, read through the application."""
        return self._queries.assignment(client, assignment_id)

    def _today(self) -> dt.date:
        return self._queries.today()

    # ------------------------------------------------------------ configuration

    def config_set(self, key: str, value: str) -> str:
        """Set one branding/configuration value in the hw home's config.json.

        Args:
            key: clinic.name, clinic.logo, clinic.accent, clinic.footer or paper.
            value: the value; a logo is a PNG/JPEG path (copied into the home),
                an accent is #RRGGBB or a CSS colour name, paper is A4 or Letter.

        Returns:
            The value as stored (a colour as '#rrggbb', the logo's path in the home).

        Raises:
            InvalidValueError: unknown key, missing or non-image logo, not a colour.
        """
        from hwcore.printing.branding import set_value

        return set_value(_home(self), key, value)

    def config_get(self, key: str) -> str | None:
        """One configuration value (None when unset).

        Args:
            key: one of :data:`CONFIG_KEYS`.

        Returns:
            The stored value, or None.
        """
        from hwcore.printing.branding import get_value

        return get_value(_home(self), key)

    def config_unset(self, key: str) -> bool:
        """Remove one configuration value (and the copied logo).

        Args:
            key: one of :data:`CONFIG_KEYS`.

        Returns:
            True when there was a value to remove.
        """
        from hwcore.printing.branding import unset_value

        return unset_value(_home(self), key)

    def config_list(self) -> dict[str, str | None]:
        """Every configuration key with its value (None when unset).

        Returns:
            key -> value, in the fixed order of :data:`CONFIG_KEYS`.
        """
        from hwcore.printing.branding import list_values

        return list_values(_home(self))

    # ----------------------------------------------------------------- printing

    def print_plan(
        self,
        client: str,
        out: PathLike | None = None,
        *,
        as_of_session: int | None = None,
        as_of_date: dt.date | str | None = None,
        force: bool = False,
    ) -> Path:
        """Print the client's Between-Session System Planner to a branded PDF.

        Args:
            client: the client identifier.
            out: the PDF path (default: ``CLIENT-planner.pdf`` in the current folder).
            as_of_session: the planner as it stood at this session.
            as_of_date: the planner as of the last session on or before this date.
            force: replace an existing file (never one of the hw home, a folder or a device).

        Returns:
            The absolute path written (owner-only, 0600).
        """
        from hwcore.printing.branding import load_branding
        from hwcore.printing.files import write_private
        from hwcore.printing.planner_pdf import render_planner

        if out is not None:  # a refused path reads (and so logs) no planner
            _output(self, out, "", force=force)
        planner = self.plan(client, as_of_session=as_of_session, as_of_date=as_of_date)
        suffix = f"-session-{planner.as_of_session}" if planner.as_of_session else ""
        target = _output(self, out, f"{planner.client}-planner{suffix}.pdf", force=force)
        data, _ = render_planner(
            planner, load_branding(_maybe_home(self)), printed_on=self._today()
        )
        written = write_private(target, data, force=force, what="PDF file")
        self._queries.access.record("print", client, "plan")
        return written

    def handout_choice(
        self,
        client: str,
        assignment: int | str = "latest",
        *,
        language: str | None = None,
        plain: bool | None = None,
        large_print: bool | None = None,
    ) -> HandoutChoice:
        """The language, reading level and print size a handout would be printed in.

        Each is the one given, else the latest accommodation that names it (this
        assignment's, then the client's earlier ones: the vocabulary of
        :func:`hwcore.printing.i18n.accommodation_choice`), else English, the
        standard text and regular print.

        Args:
            client: the client identifier.
            assignment: the assignment number or 'latest'.
            language: one of :data:`LANGUAGES` (None: from the accommodations).
            plain: plain language, English only (None: from the accommodations).
            large_print: larger text and boxes (None: from the accommodations).

        Raises:
            InvalidValueError: an unknown language, or plain for a language without it.
            AccommodationError: the accommodations ask for a language hw has no handout in.
        """
        info = self.assignment(client, assignment)
        return self._choice(info, language, plain, large_print)

    def _choice(
        self,
        info: AssignmentInfo,
        language: str | None,
        plain: bool | None,
        large_print: bool | None,
    ) -> HandoutChoice:
        from hwcore.printing.i18n import choose

        if None not in (language, plain, large_print):
            texts: list[tuple[int, str]] = []
        else:
            earlier = self._queries.assignments(info.client)
            texts = [
                (a.assignment_id, a.accommodations)
                for a in reversed(earlier)
                if a.assignment_id <= info.assignment_id and a.accommodations.strip()
            ]
        return choose(texts, language=language, plain=plain, large_print=large_print)

    def print_handout(
        self,
        client: str,
        assignment: int | str = "latest",
        out: PathLike | None = None,
        *,
        ics: PathLike | None = None,
        large_print: bool | None = None,
        at: str | None = None,
        reminder_minutes: int = REMINDER_MINUTES,
        force: bool = False,
        language: str | None = None,
        plain: bool | None = None,
    ) -> Path:
        """Print the client's one-page handout for an assignment (and its calendar file).

        The fixed text is in the language and reading level of
        :meth:`handout_choice`; the client's own text (title, task, why, when
        and where, method, wording) is printed exactly as written.

        Args:
            client: the client identifier.
            assignment: the assignment number or 'latest'.
            out: the PDF path (default: ``CLIENT-handout-N.pdf`` in the current folder).
            ics: also write the planned occasions, with reminders, to this .ics file.
            large_print: larger text and boxes (None: from the accommodations).
            at: the reminders' time of day 'HH:MM' (default: a clock time found in
                the assignment's when/where, else 19:00).
            reminder_minutes: how long before each occasion the reminder fires.
            force: replace existing files (never one of the hw home, a folder or a device).
            language: en, es, fr or de (None: from the accommodations, else English).
            plain: the plain-language English (None: from the accommodations).

        Returns:
            The absolute path of the PDF written (owner-only, 0600).
        """
        from hwcore.printing.branding import load_branding
        from hwcore.printing.files import write_private
        from hwcore.printing.handout_pdf import render_handout
        from hwcore.printing.ics import calendar_bytes

        info = self.assignment(client, assignment)
        choice = self._choice(info, language, plain, large_print)
        handout = handout_of(info, choice)
        target = _output(self, out, f"{info.client}-handout-{info.assignment_id}.pdf", force=force)
        calendar: tuple[Path, bytes] | None = None
        if ics is not None:
            ics_target = _output(
                self,
                ics,
                f"{info.client}-handout-{info.assignment_id}.ics",
                force=force,
                what="calendar file",
            )
            if ics_target == target:
                msg = (
                    f"cannot write {str(target)!r} twice:"
                    " give the PDF and the calendar file different names"
                )
                raise OutputError(msg)
            moments = _moments(self, info, handout, at)
            calendar = (
                ics_target,
                calendar_bytes(handout, moments, reminder_minutes=_minutes(reminder_minutes)),
            )
        branding = load_branding(_maybe_home(self))
        data, _ = render_handout(handout, branding, large_print=choice.large_print)
        written = write_private(target, data, force=force, what="PDF file")
        if calendar is not None:
            write_private(*calendar, force=force, what="calendar file")
        self._queries.access.record("print", client, "handout")
        return written

    def write_calendar(
        self,
        client: str,
        assignment: int | str = "latest",
        out: PathLike | None = None,
        *,
        at: str | None = None,
        reminder_minutes: int = REMINDER_MINUTES,
        force: bool = False,
        language: str | None = None,
        plain: bool | None = None,
    ) -> Path:
        """Write an assignment's planned occasions as an iCalendar (.ics) file.

        Args:
            client: the client identifier.
            assignment: the assignment number or 'latest'.
            out: the .ics path (default: ``CLIENT-handout-N.ics`` in the current folder).
            at: the time of day 'HH:MM' (default: from when/where, else 19:00).
            reminder_minutes: how long before each occasion the reminder fires.
            force: replace an existing file (never one of the hw home, a folder or a device).
            language: the fixed text's language (None: as :meth:`handout_choice`).
            plain: the plain-language English (None: as :meth:`handout_choice`).

        Returns:
            The absolute path written (owner-only, 0600).
        """
        from hwcore.printing.files import write_private
        from hwcore.printing.ics import calendar_bytes

        info = self.assignment(client, assignment)
        handout = handout_of(info, self._choice(info, language, plain, False))
        name = f"{info.client}-handout-{info.assignment_id}.ics"
        target = _output(self, out, name, force=force, what="calendar file")
        moments = _moments(self, info, handout, at)
        data = calendar_bytes(handout, moments, reminder_minutes=_minutes(reminder_minutes))
        written = write_private(target, data, force=force, what="calendar file")
        self._queries.access.record("print", client, "calendar")
        return written

    def check_output(self, out: PathLike, *, force: bool = False) -> Path:
        """The path :meth:`write_output` would write, checked now (nothing is written).

        A frontend checks first, so that a refused path costs no read of the
        records (and no access-log entry for an export that never happened).

        Raises:
            OutputError: as :meth:`write_output` for the path.
        """
        return _output(self, out, "", force=force, what="output file")

    def write_output(self, out: PathLike, data: bytes, *, force: bool = False) -> Path:
        """Write a file the user asked for (an export) through the output guard, 0600.

        Args:
            out: the path.
            data: the bytes to write.
            force: replace an existing file (never one of the hw home, a folder or a device).

        Returns:
            The absolute path written.

        Raises:
            OutputError: the path is in the hw home, a folder, a device, or exists
                without force; or it cannot be written.
        """
        from hwcore.outputs import write_private

        target = _output(self, out, "", force=force, what="output file")
        return write_private(target, data, force=force, what="output file")

    def planned_occasions(
        self, client: str, assignment: int | str = "latest", *, at: str | None = None
    ) -> list[dt.datetime]:
        """The dated occasions a handout's calendar file would hold (nothing is written).

        Args:
            client: the client identifier.
            assignment: the assignment number or 'latest'.
            at: the time of day 'HH:MM' (default: from when/where, else 19:00).

        Returns:
            Naive local date-times, one per planned dose.
        """
        info = self.assignment(client, assignment)
        return _moments(self, info, handout_of(info), at)


def _minutes(value: int) -> int:
    from hwcore.domain import InvalidValueError

    if not 0 <= value <= 24 * 60:
        raise InvalidValueError("reminder minutes", value, "a whole number from 0 to 1440")
    return value


def _moments(
    app: Printing, info: AssignmentInfo, handout: Handout, at: str | None
) -> list[dt.datetime]:
    """Occasions from the day after the session (never before today), on the agreed days.

    The time of day: ``at`` when given, else the agreed time, else a clock time
    in when/where, else 19:00.
    """
    from hwcore.printing.schedule import DEFAULT_TIME, clock_in, occasions, parse_time

    if at:
        time = parse_time(at)
    elif info.time:
        time = parse_time(info.time)
    else:
        time = clock_in(info.when_where) or DEFAULT_TIME
    session_day = dt.date.fromisoformat(info.date)
    try:
        start = max(session_day + dt.timedelta(days=1), app._today())
        return occasions(start, handout.frequency, handout.planned_doses, time, days=handout.days)
    except OverflowError:  # a session dated near 9999-12-31 (a typo)
        msg = (
            f"no calendar for assignment #{info.assignment_id}: its session date"
            f" {info.date} leaves no room for its occasions (a date typo: print it without --ics)"
        )
        raise OutputError(msg) from None
