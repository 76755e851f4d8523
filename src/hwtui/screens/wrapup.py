"""The session wrap-up of one client: outcomes, planner, next assignment, record."""

from __future__ import annotations

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
    AssignmentInfo,
    AssignmentSpec,
    HwApplication,
    OutcomeEntry,
    Planner,
    WrapUpResult,
)
from hwtui.calls import CallFailed, call, handout_printer
from hwtui.screens.alerts import AlertScreen, RiskAlertBanner
from hwtui.screens.confirm import ConfirmScreen
from hwtui.screens.summary import summary_lines
from hwtui.text import parse_int, shown
from hwtui.widgets.assignment_form import MAX_WARNINGS as MAX_WARNINGS  # (tests)
from hwtui.widgets.assignment_form import AssignmentForm, FitBox, usable_tests
from hwtui.widgets.choice import ChoiceField
from hwtui.widgets.field import FieldRow, field_input, show_field_error
from hwtui.widgets.outcome import FieldError, OutcomeCard
from hwtui.widgets.planner_glance import PlannerGlance, review_banner, system_line


def _wrap_up(
    application: HwApplication,
    client: str,
    *,
    outcomes: list[dict[str, Any]],
    assignment: dict[str, Any],
    **where: Any,
) -> WrapUpResult:
    """The wrap-up with the form's entries as the application's typed commands."""
    return application.wrap_up(
        client,
        outcomes=[OutcomeEntry(**item) for item in outcomes],
        assignment=AssignmentSpec(**assignment),
        **where,
    )


STEPS = ("outcomes", "planner", "next", "record")
STEP_KEYS = Binding.Group("Step", compact=True)
"""ctrl+n and ctrl+b share one footer entry: the footer must list every key in 80 columns."""
FILL_KEYS = Binding.Group("Fill", compact=True)
"""ctrl+l (the last assignment), ctrl+g (the smaller size), ctrl+f (the planner's test)."""
STEP_TITLES = {"outcomes": "Outcomes", "planner": "Planner", "next": "Next", "record": "Record"}


class WrapUpScreen(AlertScreen[bool]):
    """Resolve last week's homework, see the planner, design and record the next one.

    Nothing is written until the therapist presses ctrl+s on the Record step;
    then everything is written at once (or nothing). Dismisses with True when
    something was recorded.
    """

    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("ctrl+n", "next_step", "Next", group=STEP_KEYS),
        Binding("ctrl+b", "prev_step", "Back", group=STEP_KEYS),
        Binding("ctrl+s", "record", "Record"),
        Binding("ctrl+l", "copy_last", "Copy", group=FILL_KEYS),
        Binding("ctrl+g", "shrink", "Shrink", group=FILL_KEYS),
        Binding("ctrl+f", "try_test", "Test", group=FILL_KEYS),
        Binding("ctrl+r", "review", "Review"),
        Binding("p", "handout", "Handout"),
        Binding("enter", "done", "Done"),
        Binding("escape", "cancel", "Cancel"),
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
        self.pending = [a for a in assignments if a.outcome == "pending"]
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
        self._go("outcomes" if self.pending else "next")
        # Shown only once the focus is set: what is on screen can be typed at.
        self.query_one("#outcomes-empty", Label).update(
            "Pending homework: choose how each went (c / p / m; l leaves it pending)."
            if self.pending
            else "No pending homework for this client."
        )
        self.refresh_preview()

    def _update_title(self) -> None:
        where = f" · session {self.session} ({self.date})" if self.session else ""
        self.query_one("#wu-title", Label).update(Content(shown(f"Wrap-up · {self.client}{where}")))

    # ------------------------------------------------------------------- steps

    def _go(self, step: str) -> None:
        self.step = step
        self._show_step()
        target: Widget | None = None
        if step == "outcomes":
            pickers = list(self.query(ChoiceField).filter(".outcome-card ChoiceField"))
            target = pickers[0] if pickers else None
        elif step == "planner":
            target = self.query_one(PlannerGlance)  # the arrows and page keys scroll it
        elif step == "next":
            target = self.query_one("#f-title", Input)
        elif step == "record" and self.written is None:
            target = None
        if target is not None:
            target.focus()
        else:
            self.set_focus(None)

    def _show_step(self) -> None:
        self.query_one(ContentSwitcher).current = f"step-{self.step}"
        parts: list[str | tuple[str, str]] = []
        for number, name in enumerate(STEPS, start=1):
            text = f" {number} {STEP_TITLES[name]} "
            parts.append((text, "reverse bold") if name == self.step else text)
        self.query_one("#wu-steps", Label).update(Content.assemble(*parts))
        banner = self.query_one("#wu-banner", Static)
        text = review_banner(self.planner) if self.planner and self.step != "planner" else ""
        banner.update(text)
        banner.display = bool(text)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys that do something at this step."""
        written = self.written is not None
        editing = ("next_step", "prev_step", "copy_last", "shrink", "try_test", "record", "cancel")
        if action in editing and (written or not self.loaded):
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
            return written and self.written is not None and self.written.planner.review.due
        if action == "handout":
            return (
                written
                and self.written is not None
                and self.written.assignment is not None
                and handout_printer(self.application) is not None
            )
        return True

    def action_next_step(self) -> None:
        """Go to the next step (checking this one first)."""
        index = STEPS.index(self.step)
        if self.step == "outcomes" and not self._check_outcomes():
            return
        if STEPS[index + 1] == "record":
            self.action_record()
            return
        self._go(STEPS[index + 1])
        if self.step == "planner":
            self.refresh_preview()

    def action_prev_step(self) -> None:
        """Go back a step (nothing is lost)."""
        index = STEPS.index(self.step)
        if index > 0:
            self._go(STEPS[index - 1])

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
        self.preview(self._token, outcomes, assignment)

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
        self, token: int, outcomes: list[dict[str, Any]], assignment: dict[str, Any]
    ) -> None:
        """Dry-run the wrap-up (worker thread)."""
        try:
            result = call(
                _wrap_up,
                self.application,
                self.client,
                outcomes=outcomes,
                assignment=assignment,
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
        if result.planner is not self.planner:
            self._show_planner(result.planner)
        fit = result.assignment.fit if result.assignment else None
        self.query_one(AssignmentForm).show_fit(fit)
        self.suggested_size = fit.suggested_size if fit else None
        self.show_warnings(
            list(fit.warnings) if fit else [],
            notes=list(fit.notes) if fit else [],
            history=fit is not None and any(f.n for f in fit.fields),
        )
        self.refresh_bindings()

    def show_warnings(
        self, warnings: list[str], *, history: bool, notes: list[str] | None = None
    ) -> None:
        """The fit box: every warning (beyond MAX_WARNINGS, how many more) and note."""
        self.query_one(FitBox).show_fit(
            warnings, notes=notes or [], history=history, suggested_size=self.suggested_size
        )

    def _show_planner(self, planner: Planner) -> None:
        self.planner = planner
        self.show_alerts(planner.alerts)
        self.query_one(PlannerGlance).show(planner)
        self.query_one(AssignmentForm).show_planner(planner)
        self.query_one("#planner-strip", Label).update(
            Content.assemble(("Planner: ", "bold"), system_line(planner))
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
        self.query_one("#record-summary", Static).update(
            Content("\n").join(summary_lines(self.pending, outcomes, assignment))
        )
        self.query_one("#record-done", Static).update("")

    @work(thread=True, group="wrapup-commit")
    def commit(
        self, outcomes: list[dict[str, Any]], assignment: dict[str, Any], session: int, date: str
    ) -> None:
        """Write the whole wrap-up at once (worker thread)."""
        try:
            result = call(
                _wrap_up,
                self.application,
                self.client,
                outcomes=outcomes,
                assignment=assignment,
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
        lines = [Content.styled(f"✓ Recorded at session {result.session} ({result.date})", "bold")]
        for outcome in result.outcomes:
            lines.append(Content(f"  #{outcome.assignment_id} {outcome.outcome}"))
        if result.assignment is not None:
            a = result.assignment.assignment
            lines.append(Content(f"  #{a.assignment_id} '{shown(a.title)}' assigned"))
        if result.planner.review.due:
            lines.append(Content.styled("⚠ A review is due: ctrl+r opens it.", "bold"))
        self.query_one("#record-summary", Static).update(Content("\n").join(lines))
        keys = "Enter: back to the caseload"
        if handout_printer(self.application) is not None and result.assignment is not None:
            keys = "p: print the handout · " + keys
        self.query_one("#record-done", Static).update(keys)
        self.set_focus(None)
        self.refresh_bindings()
        self.notify(shown(f"Recorded {self.client}'s wrap-up"), markup=False)

    # ------------------------------------------------------------ after record

    def action_done(self) -> None:
        """Back to the caseload."""
        if self.written is not None:
            self.dismiss(True)

    def action_review(self) -> None:
        """Open the review screen (once the wrap-up is recorded)."""
        if self.written is None:
            return
        from hwtui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.application, self.client))

    def action_handout(self) -> None:
        """Print the client's handout for the new assignment."""
        if self.written is None or self.written.assignment is None:
            return
        self.print_handout(self.written.assignment.assignment.assignment_id)

    @work(thread=True, group="wrapup-handout")
    def print_handout(self, assignment_id: int) -> None:
        """Print the handout (worker thread)."""
        printer = handout_printer(self.application)
        if printer is None:
            return
        try:
            where = call(printer, self.client, assignment_id)
        except CallFailed as e:
            self.app.call_from_thread(self.notify, shown(e), severity="error", markup=False)
            return
        done = f"Handout printed: {where}" if where else "Handout printed"
        self.app.call_from_thread(self.notify, shown(done), markup=False)

    # ------------------------------------------------------------------ cancel

    def unsaved(self) -> bool:
        """True when leaving now would throw away something entered (nothing written yet)."""
        return self.written is None and self.loaded and self._dirty()

    def _dirty(self) -> bool:
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
