"""The review of a client's system: accept or override the planner, set the next review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from hwcore.application import (
    FIELDS,
    VOCABULARY,
    HwApplication,
    Planner,
    Recommendation,
    ReviewChoice,
    ReviewResult,
    WrapUpResult,
)
from hwtui.calls import CallFailed, call
from hwtui.screens.alerts import AlertScreen, RiskAlertBanner
from hwtui.screens.confirm import ConfirmScreen
from hwtui.text import cell, parse_int, percent, shown
from hwtui.widgets.choice import ChoiceField
from hwtui.widgets.field import FieldRow, field_input, row_of, show_field_error
from hwtui.widgets.outcome import FieldError
from hwtui.widgets.planner_glance import review_banner, system_line

REVIEW_INTERVAL = 8
FOLLOWUP_FIELDS = (
    ("completed_opening", "rv-c-open", "If done"),
    ("completed_listen_for", "rv-c-listen", "Listen for"),
    ("missed_opening", "rv-m-open", "If missed"),
    ("missed_diagnostic", "rv-m-diag", "Then ask"),
)


def _review(
    application: HwApplication,
    client: str,
    *,
    session: int | None,
    date: str | None,
    **choice: Any,
) -> ReviewResult:
    """The review with the form's entries as the application's typed command."""
    return application.review(client, ReviewChoice(**choice), session=session, date=date)


def evidence_beside(planner: Planner, name: str, value: str | None) -> tuple[str, bool]:
    """The evidence shown beside one system field's value on the review, and if it is poor.

    The planner's own value shows its n, rate and basis; any other value shows
    how this client has done with it and the planner's value it overrides.
    Poor: a value tried at least twice and done less than half the time.
    """
    rec: Recommendation = getattr(planner.system, name)
    record = f"n={rec.n}, {percent(rec.rate)} done · " if rec.n is not None else ""
    if not planner.ready or rec.value is None:
        planner_says = f"planner: none ({rec.basis})"
    else:
        planner_says = f"planner's {rec.value}: {record}{rec.basis}"
    if value is not None and value == rec.value and planner.ready:
        return f"the planner's value: {record}{rec.basis}", False
    if value is None:
        return f"none chosen · {planner_says}", False
    evidence = next((e for e in rec.candidates if e.value == value), None)
    if evidence is None:
        return f"never tried · overrides the {planner_says}", False
    own = f"n={evidence.n}, {percent(evidence.rate)} done"
    return f"{own} · overrides the {planner_says}", evidence.n >= 2 and evidence.rate < 0.5


class ReviewScreen(AlertScreen[bool]):
    """Accept or override the recommended system; writes one system-reviewed event."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("ctrl+s", "save", "Save review"),
        Binding("ctrl+s", "choose", "Use in wrap-up"),  # in a wrap-up (written on its Record)
        Binding("ctrl+p", "accept", "Use planner"),
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "app.focus_next", "Field", key_display="↑↓"),
        Binding("up", "app.focus_previous", "Previous field", show=False),
    ]

    def __init__(
        self,
        application: HwApplication,
        client: str,
        *,
        preview: WrapUpResult | None = None,
        on_choose: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__()
        self.application = application
        self.client = client
        self.preview = preview
        """The wrap-up's dry run to review from (its planner counts the outcomes entered)."""
        self.on_choose = on_choose
        """In a wrap-up: ctrl+s hands the choice to it (written on its Record step)."""
        self.planner: Planner | None = None
        self.loaded = False
        self._saving = False

    def compose(self) -> ComposeResult:
        """Title, banner, recommendation, the fields, footer."""
        yield Label(Content(shown(f"Review · {self.client}")), id="rv-title")
        yield RiskAlertBanner()
        yield Static("", id="rv-banner", classes="banner")
        with VerticalScroll(id="rv-body", can_focus=False):
            yield Static("Loading…", id="rv-recommended")
            for name in FIELDS[:3]:
                choice = ChoiceField(VOCABULARY[name], allow_none=True, id=f"rv-{name}")
                yield FieldRow(name.capitalize(), choice, feedback=True)
            yield FieldRow(
                "Framing",
                field_input(placeholder="label", id="rv-framing", classes="medium"),
                feedback=True,
            )
            yield FieldRow("Wording", field_input(placeholder="framing wording", id="rv-wording"))
            for _, ident, label in FOLLOWUP_FIELDS:
                yield FieldRow(label, field_input(id=ident))
            yield FieldRow("Next review", field_input(id="rv-next", classes="short"))
            yield FieldRow("Trigger", ChoiceField(VOCABULARY["trigger"], id="rv-trigger"))
            yield FieldRow("Notes", field_input(placeholder="notes (optional)", id="rv-notes"))
            yield FieldRow("Session", field_input(id="rv-session", classes="short"))
            yield FieldRow("Date", field_input(id="rv-date", classes="medium"))
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        """Load the planner (or take the wrap-up's)."""
        if self.preview is None:
            self.load()
            return
        self._loaded(self.preview)
        if self.on_choose is not None:  # the wrap-up's session and date
            for ident in ("#rv-session", "#rv-date"):
                row = row_of(self.query_one(ident))
                if row is not None:
                    row.display = False
            self.query_one("#rv-title", Label).update(
                Content(shown(f"Review · {self.client} · part of the wrap-up (written on Record)"))
            )

    @work(thread=True, group="review-load")
    def load(self) -> None:
        """Read the planner and today's session (worker thread)."""
        try:
            where = call(self.application.wrap_up, self.client, dry_run=True)
            call(self.application.access.record, "open", self.client, "review")
        except CallFailed as e:
            self.app.call_from_thread(self.notify, shown(e), severity="error", markup=False)
            return
        self.app.call_from_thread(self._loaded, where)

    def _loaded(self, where: WrapUpResult) -> None:
        planner = where.planner
        self.planner = planner
        self.show_alerts(planner.alerts)
        self.query_one("#rv-title", Label).update(
            Content(shown(f"Review · {self.client} · session {where.session} ({where.date})"))
        )
        banner = self.query_one("#rv-banner", Static)
        banner.update(Content(review_banner(planner)))
        banner.display = bool(review_banner(planner))
        lines = [Content.assemble(("Planner recommends: ", "bold"), system_line(planner))]
        chosen = planner.chosen_system
        if chosen is not None:
            current = " · ".join(
                v or "—" for v in (chosen.format, chosen.size, chosen.frequency, chosen.framing)
            )
            lines.append(Content(f"Chosen at session {chosen.session}: {shown(current)}"))
        self.query_one("#rv-recommended", Static).update(Content("\n").join(lines))
        self.action_accept()
        followup = planner.followup
        for name, ident, _ in FOLLOWUP_FIELDS:
            self.query_one(f"#{ident}", Input).value = cell(getattr(followup, name))
        self.query_one("#rv-next", Input).value = str(where.session + REVIEW_INTERVAL)
        triggers = planner.review.triggers
        self.query_one("#rv-trigger", ChoiceField).choose(triggers[0] if triggers else "cadence")
        self.query_one("#rv-session", Input).value = str(where.session)
        self.query_one("#rv-date", Input).value = where.date
        self.query_one("#rv-wording", Input).value = (
            cell(chosen.framing_wording) if chosen is not None else ""
        )
        self.loaded = True
        self.show_evidence()
        self.query_one("#rv-format", ChoiceField).focus()

    def chosen(self, name: str) -> str | None:
        """The value chosen for a system field (format, size, frequency, framing) now."""
        if name == "framing":
            return " ".join(self.query_one("#rv-framing", Input).value.split()).casefold() or None
        value: str | None = self.query_one(f"#rv-{name}", ChoiceField).value
        return value

    def show_evidence(self) -> None:
        """Beside each value: its evidence, and the planner's when the value overrides it."""
        if self.planner is None:
            return
        for name in FIELDS:
            text, poor = evidence_beside(self.planner, name, self.chosen(name))
            label = self.query_one(f"#rv-{name}-fit", Label)
            label.update(Content(shown(text)))
            label.set_class(poor, "-poor")

    @on(ChoiceField.Changed)
    @on(Input.Changed, "#rv-framing")
    def _value_changed(self) -> None:
        if self.loaded:
            self.show_evidence()

    def action_accept(self) -> None:
        """Set the system fields to the planner's recommendation."""
        if self.planner is None:
            return
        s = self.planner.system
        ready = self.planner.ready
        self.query_one("#rv-format", ChoiceField).choose(s.format.value if ready else None)
        self.query_one("#rv-size", ChoiceField).choose(s.size.value if ready else None)
        self.query_one("#rv-frequency", ChoiceField).choose(s.frequency.value if ready else None)
        self.query_one("#rv-framing", Input).value = cell(s.framing.value or "") if ready else ""

    def _fields(self) -> dict[str, Any]:
        assert self.planner is not None
        next_input = self.query_one("#rv-next", Input)
        session_input = self.query_one("#rv-session", Input)
        try:
            session = parse_int(session_input.value, "session", low=1)
        except ValueError as e:
            raise FieldError(session_input, str(e)) from None
        if session is None:
            raise FieldError(session_input, "session: required (a number >= 1)")
        try:
            next_review = parse_int(next_input.value, "next review", low=session + 1)
        except ValueError as e:
            raise FieldError(next_input, f"{e} (must come after session {session})") from None
        framing = self.query_one("#rv-framing", Input).value.strip()
        fields: dict[str, Any] = {
            "accept": False,
            "format": self.query_one("#rv-format", ChoiceField).value,
            "size": self.query_one("#rv-size", ChoiceField).value,
            "frequency": self.query_one("#rv-frequency", ChoiceField).value,
            "framing": framing or None,
            "framing_wording": self.query_one("#rv-wording", Input).value.strip(),
            "next_review_session": next_review,
            "trigger": self.query_one("#rv-trigger", ChoiceField).value,
            "notes": self.query_one("#rv-notes", Input).value.strip(),
            "session": session,
            "date": self.query_one("#rv-date", Input).value.strip() or None,
        }
        followup = self.planner.followup
        for name, ident, _ in FOLLOWUP_FIELDS:
            text = self.query_one(f"#{ident}", Input).value.strip()
            # The planner's default wording stays a default: only the therapist's own is stored.
            keep = followup.source != "default" or text != getattr(followup, name)
            fields[name] = text if keep else ""
        return fields

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In a wrap-up ctrl+s takes the review into it; else it saves it."""
        if action in ("save", "choose"):
            return (action == "choose") == (self.on_choose is not None)
        return True

    def action_choose(self) -> None:
        """Hand the review to the wrap-up (nothing is written here)."""
        self.action_save()

    def action_save(self) -> None:
        """Ask, then write the review."""
        if not self.loaded:
            return
        for row in self.query(FieldRow):
            row.show_error("")
        try:
            fields = self._fields()
        except FieldError as e:
            show_field_error(e.widget, str(e))
            e.widget.focus()
            self.notify(shown(e), severity="error", markup=False)
            return
        if self.on_choose is not None:  # part of a wrap-up: written with it, on Record
            for where in ("session", "date"):
                fields.pop(where)
            self.on_choose(fields)
            self.dismiss(True)
            return
        system = " · ".join(
            str(fields[k] or "—") for k in ("format", "size", "frequency", "framing")
        )
        detail = f"{system}; next review at session {fields['next_review_session']}"
        planner = self.planner
        assert planner is not None  # loaded
        overrides = [
            f"{name} {self.chosen(name) or '—'} instead of the planner's {rec.value}"
            for name in FIELDS
            if (rec := getattr(planner.system, name)).value is not None
            and planner.ready
            and self.chosen(name) != rec.value
        ]
        if overrides:
            detail += "\nOverrides: " + "; ".join(overrides)

        def answered(yes: bool | None) -> None:
            if yes and not self._saving:  # one write at a time
                self._saving = True
                self.save(fields)

        self.app.push_screen(
            ConfirmScreen(f"Record this review of {self.client}?", detail), answered
        )

    @work(thread=True, group="review-save")
    def save(self, fields: dict[str, Any]) -> ReviewResult | None:
        """Write the review (worker thread); the result is shown once the worker has ended."""
        try:
            return call(_review, self.application, self.client, **fields)
        except CallFailed as e:
            self.app.call_from_thread(self._failed, e)
            return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The review was written: leave the screen (its worker has ended by now).

        Leaving from inside the worker (``call_from_thread``) would remove the
        screen while its worker still runs, and Textual cancels the workers of a
        removed screen.
        """
        if event.worker.name == "save" and event.state == WorkerState.SUCCESS:
            self._saving = False
            if isinstance(event.worker.result, ReviewResult):
                self._saved(event.worker.result)

    def _failed(self, failure: CallFailed) -> None:
        self._saving = False
        field = getattr(failure.error, "field", "")
        target = {"next review session": "#rv-next", "framing": "#rv-framing"}.get(field)
        if field in ("session", "date"):
            target = f"#rv-{field}"
        if target:
            show_field_error(self.query_one(target), str(failure))
        self.notify(shown(f"Nothing was recorded: {failure}"), severity="error", markup=False)

    def _saved(self, result: ReviewResult) -> None:
        self.notify(
            f"Review recorded at session {result.session}; next at {result.next_review_session}"
        )
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Leave without writing anything."""
        self.dismiss(False)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        """Enter moves to the next field."""
        event.stop()
        self.focus_next()
