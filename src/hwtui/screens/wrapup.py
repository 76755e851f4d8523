"""The session wrap-up of one client: outcomes, planner, review, next assignment, record."""

from __future__ import annotations

import gc
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Footer, Input, Label, Static

from hwcore.application import (
    Alert,
    AssignmentInfo,
    HwApplication,
    Instrument,
    Planner,
    WrapUpResult,
)
from hwtui.calls import CallFailed, call, handout_printer
from hwtui.screens.additions import SessionAdditions
from hwtui.screens.alerts import RiskAlertBanner
from hwtui.screens.confirm import ConfirmScreen
from hwtui.screens.entries import Entry, describe, wrap_up_call
from hwtui.screens.printout import PrintScreen
from hwtui.screens.summary import recorded_lines, review_lines, summary_lines
from hwtui.text import parse_int, shown
from hwtui.widgets.assignment_form import MAX_WARNINGS as MAX_WARNINGS  # (tests)
from hwtui.widgets.assignment_form import AssignmentForm, FitBox, usable_tests
from hwtui.widgets.choice import ChoiceField
from hwtui.widgets.field import FieldRow, field_input, show_field_error
from hwtui.widgets.outcome import FieldError, OutcomeCard
from hwtui.widgets.planner_glance import PlannerGlance, review_banner, system_line

STEPS = ("outcomes", "planner", "review", "next", "record")
STEP_KEYS = Binding.Group("Step", compact=True)
"""ctrl+n and ctrl+b share one footer entry: the footer must list every key in 80 columns."""
ENTRY_KEYS = Binding.Group("More", compact=True)
"""ctrl+o (a change, framing, measure, consent, correction) and ctrl+r (the review): one entry."""
FILL_KEYS = Binding.Group("Fill", compact=True)
"""ctrl+l (the last assignment), ctrl+g (the smaller size), ctrl+f (the planner's test)."""
STEP_TITLES = dict(zip(STEPS, ("Outcomes", "Planner", "Review", "Next", "Record"), strict=True))


class WrapUpScreen(SessionAdditions):
    """Resolve last week's homework, see the planner, design and record the next one.

    Nothing is written until the therapist presses ctrl+s on the Record step;
    then everything is written at once (or nothing). Dismisses with True when
    something was recorded.
    """

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("ctrl+n", "next_step", "Next", group=STEP_KEYS),
        Binding("ctrl+b", "prev_step", "Back", group=STEP_KEYS),
        Binding("ctrl+s", "record", "Save"),  # short: the footer fits 80 columns
        Binding("ctrl+l", "copy_last", "Copy", group=FILL_KEYS),
        Binding("ctrl+g", "shrink", "Shrink", group=FILL_KEYS),
        Binding("ctrl+f", "try_test", "Test", group=FILL_KEYS),
        Binding("ctrl+o", "add_entry", "Add", group=ENTRY_KEYS),
        Binding("ctrl+r", "review", "Review", group=ENTRY_KEYS),
        Binding("p", "print", "Print"),
        Binding("enter", "done", "Done"),
        Binding("escape", "cancel", "Exit"),
        Binding("down", "app.focus_next", "Field", key_display="↑↓"),
        Binding("up", "app.focus_previous", "Previous field", show=False),
    ]

    def __init__(self, application: HwApplication, client: str) -> None:
        super().__init__()
        self.application = application
        self.client = client
        self.step = "outcomes"
        self.pending: list[AssignmentInfo] = []
        self.last: AssignmentInfo | None = None
        self.planner: Planner | None = None
        self.session: int | None = None
        self.date: str | None = None
        self.suggested_size: str | None = None
        self.written: WrapUpResult | None = None
        self.loaded = False
        self._token = 0
        self._previewing = False
        self._committing = False
        self._pristine: dict[str, Any] = {}
        """The form as prefilled: anything else was entered by the therapist."""
        self.entries: list[Entry] = []
        """Changes, framing, measures, consents, corrections added (written on Record)."""
        self.review: dict[str, Any] | None = None
        """The review chosen in this wrap-up (written on Record), as ReviewChoice's fields."""
        self._review_offered = False
        self._prefill_after_review = False
        self._preview: WrapUpResult | None = None
        self._bindings_key: tuple[object, ...] = ()
        self._texts: dict[str, object] = {}
        self._instruments: list[Instrument] = []
        self._assignments: list[AssignmentInfo] = []
        self._stored_alerts: tuple[Alert, ...] = ()  # in the store (not a measure's added here)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        """Top bar with the steps, the step's body, the footer."""
        with Horizontal(id="topbar"):
            yield Label(f"Wrap-up · {self.client}", id="wu-title")
            yield Label("", id="wu-steps")
        yield RiskAlertBanner()
        yield Static("", id="wu-banner", classes="banner")
        with ContentSwitcher(initial="step-outcomes", id="wu-body"):
            yield VerticalScroll(
                Label("Loading…", id="outcomes-empty"), id="step-outcomes", can_focus=False
            )
            with VerticalScroll(id="step-planner", can_focus=False):
                yield PlannerGlance(id="glance")
            with Vertical(id="step-next"):
                yield Label("", id="planner-strip")
                yield AssignmentForm(id="form")
                yield FitBox("", id="fit-warnings")
            with VerticalScroll(id="step-record", can_focus=False):
                yield Static("", id="record-summary")
                with Vertical(id="record-session"):
                    yield FieldRow("Session", field_input(id="r-session", classes="short"))
                    yield FieldRow("Date", field_input(id="r-date", classes="medium"))
                yield Static("", id="record-done")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        """Load the client's pending homework and planner."""
        self._show_step()
        self.load()

    @work(thread=True, group="wrapup-load")
    def load(self) -> None:
        """Read pending assignments and the planner (worker thread)."""
        try:
            assignments = call(self.application.assignments, self.client)
            preview = call(self.application.wrap_up, self.client, dry_run=True)
            call(self.application.access.record, "open", self.client, "wrap-up")
            self._instruments = call(self.application.clinical.instruments)
        except CallFailed as e:
            self.app.call_from_thread(self.notify, shown(e), severity="error", markup=False)
            return
        self.post_message(self.Loaded(assignments, preview))

    class Loaded(Message):
        """The client's assignments and planner were read."""

        def __init__(self, assignments: list[AssignmentInfo], preview: WrapUpResult) -> None:
            super().__init__()
            self.assignments = assignments
            self.preview = preview

    async def on_wrap_up_screen_loaded(self, message: Loaded) -> None:
        """Show the pending homework, the planner and the prefilled form."""
        assignments, preview = message.assignments, message.preview
        self._preview = preview
        self._stored_alerts = tuple(preview.planner.alerts)
        self._assignments = assignments
        # Homework given at this very session is resolved at a later one (spec 3, r2).
        self.pending = [
            a for a in assignments if a.outcome == "pending" and a.session < preview.session
        ]
        self.last = assignments[-1] if assignments else None
        self.session, self.date = preview.session, preview.date
        self.query_one("#r-session", Input).value = str(preview.session)
        self.query_one("#r-date", Input).value = preview.date
        self._update_title()
        body = self.query_one("#step-outcomes", VerticalScroll)
        await body.mount_all([OutcomeCard(a) for a in self.pending])
        self._show_planner(preview.planner)
        form = self.query_one(AssignmentForm)
        form.prefill(preview.planner, self.last)
        self._pristine = form.fields(strict=False)
        self.loaded = True
        # Nothing pending: straight to the design, unless a review comes first.
        self._go("outcomes" if self.pending else "planner" if self._review_due() else "next")
        # Shown only once the focus is set: what is on screen can be typed at.
        self.query_one("#outcomes-empty", Label).update(
            "Pending homework: choose how each went (c / p / m; l leaves it pending)."
            if self.pending
            else "No homework to resolve: none is pending from an earlier session."
        )
        self.refresh_preview()
        # tui_keystroke_latency (docs/performance.md): the objects of the start-up and of
        # this load live as long as the screen; frozen, the collector never walks them again.
        gc.freeze()

    def _update_title(self) -> None:
        # Short: the five steps beside it fit 80 columns (the step bar says it is a wrap-up).
        where = f" · session {self.session} · {self.date}" if self.session else ""
        self._update("#wu-title", Content(shown(f"{self.client}{where}")))

    # ------------------------------------------------------------------- steps

    KEYS = tuple(b for b in BINDINGS if isinstance(b, Binding))
    """The screen's own keys (the footer is refreshed when the ones that work change)."""

    def _go(self, step: str) -> None:
        if step == "review":
            self._open_review()
            return
        self.step = step
        self._show_step()
        target: Widget | None = None
        if step == "outcomes":
            pickers = list(self.query(ChoiceField).filter(".outcome-card ChoiceField"))
            target = pickers[0] if pickers else None
        elif step == "planner":
            target = self.query_one(PlannerGlance)  # the arrows and page keys scroll it
        elif step == "next":
            self._prefill_from_outcomes()
            target = self.query_one("#f-title", Input)
        if target is not None:
            target.focus()
        else:
            self.set_focus(None)

    def _show_step(self) -> None:
        self.query_one(ContentSwitcher).current = f"step-{self.step}"
        parts: list[str | tuple[str, str]] = []
        for number, name in enumerate(STEPS, start=1):
            text = f"{number} {STEP_TITLES[name]}"
            if name == "review" and self.review is not None:
                text += " ✓"
            parts.append((f" {text} ", "reverse bold") if name == self.step else f" {text}")
        self._update("#wu-steps", Content.assemble(*parts))
        text = review_banner(self.planner) if self.planner and self.step != "planner" else ""
        if text and self.review is not None:
            text = ""  # reviewed in this wrap-up (written on Record)
        elif text and self.written is None:
            text += " · ctrl+r: review now"
        self._update("#wu-banner", text)
        self.query_one("#wu-banner", Static).display = bool(text)
        self._bindings_changed()

    def _review_due(self) -> bool:
        return self.planner is not None and self.planner.review.due and self.review is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys that do something at this step."""
        written = self.written is not None
        editing = ("next_step", "prev_step", "copy_last", "shrink", "try_test", "record", "cancel")
        if action in (*editing, "add_entry", "review") and (written or not self.loaded):
            return action == "cancel"
        if action == "next_step":
            return self.step != "record"
        if action == "prev_step":
            return self.step != "outcomes"
        if action == "copy_last":
            return self.step == "next" and self.last is not None
        if action == "shrink":
            return self.step == "next" and self.suggested_size is not None
        if action == "try_test":
            return self.step == "next" and bool(usable_tests(self.planner))
        if action == "done":
            return written
        if action == "review":
            return self.step in ("planner", "next", "record")
        if action == "print":
            return written and handout_printer(self.application) is not None
        return True

    def action_next_step(self) -> None:
        """Go to the next step (checking this one first); a due review comes before Next."""
        if self.step == "outcomes" and not self._check_outcomes():
            return
        following = STEPS[STEPS.index(self.step) + 1]
        if following == "review" and (self._review_offered or not self._review_due()):
            following = "next"
        if following == "record":
            self.action_record()
            return
        self._go(following)
        if self.step == "planner":
            self.refresh_preview()

    def action_prev_step(self) -> None:
        """Go back a step (nothing is lost; the review is reopened with ctrl+r)."""
        index = STEPS.index(self.step)
        if index > 0:
            self._go("planner" if STEPS[index - 1] == "review" else STEPS[index - 1])

    def action_copy_last(self) -> None:
        """Fill the form from the last assignment."""
        if self.last is not None:
            self.query_one(AssignmentForm).copy_last(self.last)
            self.notify(
                shown(f"Copied #{self.last.assignment_id} '{self.last.title}'"), markup=False
            )

    def action_shrink(self) -> None:
        """Use the suggested smaller size."""
        if self.suggested_size:
            self.query_one(AssignmentForm).choice("f-size").choose(self.suggested_size)

    def action_try_test(self) -> None:
        """Fill in the design that would tell two confounded values apart (spec 4a)."""
        self.query_one(AssignmentForm).try_test()

    # -------------------------------------------------------------- validation

    def _outcomes(self, *, strict: bool) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for card in self.query(OutcomeCard):
            try:
                item = card.collect()
            except FieldError:
                if strict:
                    raise
                continue
            if item is not None:
                items.append(item)
        return items

    def _refuse(self, error: FieldError, step: str) -> None:
        self._go(step)
        show_field_error(error.widget, str(error))
        error.widget.focus()
        self.notify(shown(error), severity="error", markup=False)

    def _check_outcomes(self) -> bool:
        for card in self.query(OutcomeCard):
            card.clear_errors()
        try:
            self._outcomes(strict=True)
        except FieldError as e:
            self._refuse(e, "outcomes")
            return False
        return True

    def _check_form(self) -> dict[str, Any] | None:
        form = self.query_one(AssignmentForm)
        try:
            return form.fields(strict=True)
        except FieldError as e:
            self._refuse(e, "next")
            return None

    def _session_fields(self) -> tuple[int, str] | None:
        session_input = self.query_one("#r-session", Input)
        date_input = self.query_one("#r-date", Input)
        try:
            session = parse_int(session_input.value, "session", low=1)
        except ValueError as e:
            self._refuse(FieldError(session_input, str(e)), "record")
            return None
        if session is None:
            self._refuse(FieldError(session_input, "session: required (a number >= 1)"), "record")
            return None
        return session, date_input.value.strip()

    # ------------------------------------------------------------ live preview

    @on(AssignmentForm.Changed)
    def refresh_preview(self) -> None:
        """Recompute the planner and the fit with what is entered (nothing written).

        One preview runs at a time: a change while one runs starts the next as
        soon as it answers, with what is entered then. A thread worker cannot be
        stopped, so none is cancelled (an "exclusive" worker would leave the old
        thread running, untracked, and its cancellation fail whoever waits on it).
        """
        if not self.loaded or self.written is not None:
            return
        self._token += 1
        if not self._previewing:
            self._start_preview()

    def _start_preview(self) -> None:
        self._previewing = True
        outcomes = self._outcomes(strict=False)
        assignment = self.query_one(AssignmentForm).fields(strict=False)
        self.preview(self._token, outcomes, assignment, list(self.entries), self.review)

    def _preview_answered(self, token: int) -> bool:
        """A preview answered: start the next if entries changed meanwhile; True if current."""
        self._previewing = False
        if token == self._token:
            return self.written is None
        if self.written is None and self.is_attached:
            self._start_preview()
        return False

    @on(ChoiceField.Changed, ".outcome-card ChoiceField")
    def outcome_changed(self, event: ChoiceField.Changed) -> None:
        """An outcome was chosen: move to its first detail, refresh the preview."""
        card = next(a for a in event.choice.ancestors if isinstance(a, OutcomeCard))
        detail = card.first_detail()
        if detail and self.focused is event.choice and event.choice.jumped:
            self.query_one(detail).focus()
        self.refresh_preview()

    @work(thread=True, group="wrapup-preview")
    def preview(
        self,
        token: int,
        outcomes: list[dict[str, Any]],
        assignment: dict[str, Any],
        entries: list[Entry],
        review: dict[str, Any] | None,
    ) -> None:
        """Dry-run the wrap-up (worker thread)."""
        try:
            result = call(
                wrap_up_call,
                self.application,
                self.client,
                outcomes=outcomes,
                assignment=assignment,
                entries=entries,
                review=review,
                session=self.session,
                date=self.date,
                dry_run=True,
            )
        except CallFailed as e:
            self.app.call_from_thread(self._preview_failed, token, str(e))
            return
        self.app.call_from_thread(self._previewed, token, result)

    def _preview_failed(self, token: int, message: str) -> None:
        if self._preview_answered(token):
            self.query_one("#fit-warnings", Static).update(Content.styled(shown(message), "bold"))

    def _previewed(self, token: int, result: WrapUpResult) -> None:
        if not self._preview_answered(token):
            return
        self._preview = result
        if result.planner is not self.planner:  # tui_keystroke_latency: only on a change
            self._show_planner(result.planner)
        if self._prefill_after_review:  # the next assignment starts from the reviewed system
            self._prefill_after_review = False
            form = self.query_one(AssignmentForm)
            form.prefill(result.planner, self.last)
            self._pristine = form.fields(strict=False)
        fit = result.assignment.fit if result.assignment else None
        self.query_one(AssignmentForm).show_fit(fit)
        self.suggested_size = fit.suggested_size if fit else None
        self.show_warnings(
            list(fit.warnings) if fit else [],
            notes=list(fit.notes) if fit else [],
            history=fit is not None and any(f.n for f in fit.fields),
        )
        self._bindings_changed()

    def show_warnings(
        self, warnings: list[str], *, history: bool, notes: list[str] | None = None
    ) -> None:
        """The fit box: every warning (beyond MAX_WARNINGS, how many more) and note."""
        self.query_one(FitBox).show_fit(
            warnings, notes=notes or [], history=history, suggested_size=self.suggested_size
        )

    def _show_planner(self, planner: Planner) -> None:
        self.planner = planner
        if tuple(planner.alerts) != self.alerts:  # it refreshes the footer: only on a change
            self.show_alerts(planner.alerts)
        self.query_one(PlannerGlance).show(planner)
        self.query_one(AssignmentForm).show_planner(planner)
        self._update(
            "#planner-strip", Content.assemble(("Planner: ", "bold"), system_line(planner))
        )
        self._show_step()

    # ------------------------------------------------------------------ record

    def action_record(self) -> None:
        """First press: show what will be written. On the Record step: write it."""
        if self.written is not None or not self.loaded:
            return
        if not self._check_outcomes():
            return
        assignment = self._check_form()
        if assignment is None:
            return
        if self.step != "record":
            self._go("record")
            self._summarize(self._outcomes(strict=True), assignment)
            return
        where = self._session_fields()
        if where is None or self._committing:  # one write at a time: ctrl+s twice is once
            return
        self._committing = True
        self.commit(self._outcomes(strict=True), assignment, *where)

    def _summarize(self, outcomes: list[dict[str, Any]], assignment: dict[str, Any]) -> None:
        """Show everything that ctrl+s will write, the client's own words included."""
        extra = [line for entry in self.entries for line in describe(entry)]
        extra += review_lines(self.review)
        lines = summary_lines(self.pending, outcomes, assignment, extra)
        self.query_one("#record-summary", Static).update(Content("\n").join(lines))
        self.query_one("#record-done", Static).update("")

    def action_record_summary(self) -> None:
        """Show the Record step's summary again (an entry was added or removed there)."""
        assignment = self._check_form()
        if assignment is not None and self.written is None:
            self._summarize(self._outcomes(strict=False), assignment)

    @work(thread=True, group="wrapup-commit")
    def commit(
        self, outcomes: list[dict[str, Any]], assignment: dict[str, Any], session: int, date: str
    ) -> None:
        """Write the whole wrap-up at once (worker thread)."""
        try:
            result = call(
                wrap_up_call,
                self.application,
                self.client,
                outcomes=outcomes,
                assignment=assignment,
                entries=list(self.entries),
                review=self.review,
                session=session,
                date=date or None,
            )
        except CallFailed as e:
            self.app.call_from_thread(self._commit_failed, e)
            return
        self.app.call_from_thread(self._committed, result)

    def _commit_failed(self, failure: CallFailed) -> None:
        self._committing = False
        message = str(failure)
        field = getattr(failure.error, "field", "")
        if field in ("session", "date") or "session" in message.split(":")[0]:
            show_field_error(
                self.query_one("#r-date" if field == "date" else "#r-session"), message
            )
        self.notify(shown(f"Nothing was recorded: {message}"), severity="error", markup=False)

    def _committed(self, result: WrapUpResult) -> None:
        self.written = result
        self.query_one("#record-session").display = False
        printing = handout_printer(self.application) is not None
        lines = recorded_lines(result, printing=printing)
        self.query_one("#record-summary", Static).update(Content("\n").join(lines))
        keys = "p: print (handout, calendar, planner) · " if printing else ""
        self.query_one("#record-done", Static).update(keys + "Enter: back to the caseload")
        self.set_focus(None)
        self._bindings_changed()
        self.notify(shown(f"Recorded {self.client}'s wrap-up"), markup=False)

    # ------------------------------------------------------------ after record

    def action_done(self) -> None:
        """Back to the caseload."""
        if self.written is not None:
            self.dismiss(True)

    def action_print(self) -> None:
        """Print the handout (calendar file, large print) and the planner PDF."""
        if self.written is not None:
            given = self.written.assignment
            ident = given.assignment.assignment_id if given is not None else None
            self.app.push_screen(PrintScreen(self.application, self.client, ident))

    # ------------------------------------------------------------------ cancel

    def unsaved(self) -> bool:
        """True when leaving now would throw away something entered (nothing written yet)."""
        return self.written is None and self.loaded and self._dirty()

    def _dirty(self) -> bool:
        if self.entries or self.review is not None:
            return True
        if any(card.outcome != "pending" for card in self.query(OutcomeCard)):
            return True
        return self.query_one(AssignmentForm).fields(strict=False) != self._pristine

    def action_cancel(self) -> None:
        """Leave without writing anything (asks first when something was entered)."""
        if self.written is not None or not self.unsaved():
            self.dismiss(self.written is not None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(
            ConfirmScreen("Discard this wrap-up?", "Nothing has been written."), answered
        )

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        """Enter in a field moves on (on the last field of the form: to Record)."""
        event.stop()
        if event.input.id == "f-confidence" or self.step == "record":
            self.action_record()
            return
        self.focus_next()
