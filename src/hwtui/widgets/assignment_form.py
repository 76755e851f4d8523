"""The next assignment's form, with live fit feedback beside each choice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Static

from hwcore.application import VOCABULARY, AssignmentInfo, Confounded, Fit, Planner
from hwtui.text import cell, parse_int, shown
from hwtui.widgets.choice import ChoiceField
from hwtui.widgets.field import FieldRow, field_input, show_field_error
from hwtui.widgets.inplace import show, show_steady
from hwtui.widgets.outcome import FieldError

DOSES_BY_FREQUENCY = {"daily": "7", "several-weekly": "3", "weekly": "1", "once": "1"}
"""Default planned doses for a week at each frequency (the therapist can change it)."""
FIT_FIELDS = ("format", "size", "frequency", "framing")
PREVIEW_TITLE = "(untitled)"
"""Stands in for a title not typed yet, so the fit shows from the first choice."""


TEXT_FIELDS = (
    # (AssignmentSpec field, widget id, label, placeholder), in the form's order
    ("days", "f-days", "Days", "agreed days, e.g. mon,thu"),
    ("time", "f-time", "Time", "HH:MM"),
    ("when_where", "f-when", "When/where", "when and where"),
    ("rationale", "f-rationale", "Rationale", "why this, now"),
    ("barriers", "f-barriers", "Barriers", "barriers discussed"),
    ("client_why", "f-why", "Client's why", "why it can help, in the client's words"),
    ("method", "f-method", "Method", "paper, phone note, app..."),
    ("followup_plan", "f-followup", "Follow-up", "how it will be followed up"),
    ("framing_wording", "f-wording", "Wording", "the words used to frame it"),
    ("understanding", "f-understanding", "Agreement", "e.g. agreed, restated it"),
    ("accommodations", "f-accommodations", "Accommodations", "large print, family joins..."),
    ("notes", "f-notes", "Notes", "free notes"),
)
"""The optional free-text fields between the doses and the confidence."""
COPIED = ("when_where", "rationale", "barriers", "client_why", "method", "followup_plan")
"""Fields ctrl+l copies from the last assignment (besides title, task, design, doses)."""
COPIED_TOO = ("framing_wording", "accommodations")
MAX_WARNINGS = 8
"""Fit warnings shown at most; any beyond are counted ("… and 2 more"), never cut silently."""
KEEP_LINES = 1
"""The fit box keeps its height when the next design's warnings need up to this many lines
fewer: the form above does not move on every key (and Textual need not lay the screen out
again: tui_keystroke_latency, docs/performance.md)."""


def agreement_problem(name: str, text: str) -> str:
    """Why the agreed days or time cannot be recorded ('' when they can, or are empty)."""
    if not text:
        return ""
    from hwcore.application import AssignmentSpec, HwError

    try:
        base = AssignmentSpec(title="-", format="other", size="small", framing="-")
        if name == "days":
            attrs.evolve(base, days=text)
        else:
            attrs.evolve(base, time=text)
    except (HwError, ValueError) as e:
        return str(e)
    return ""


def usable_tests(planner: Planner | None) -> list[Confounded]:
    """The planner's confounded pairs that propose a test the form can fill in."""
    if planner is None:
        return []
    return [c for c in planner.confounded if c.test and c.keep and c.change]


def fit_choice(field: str, value: str | None = None) -> ChoiceField:
    """The choice of a field with fit feedback beside it: held (see ChoiceField).

    A new value is painted with its fit, in one frame (tui_keystroke_latency,
    docs/performance.md); from 100 columns its width is fixed (``.fit-choice``
    in app.tcss), so a new value is never laid out again.
    """
    return ChoiceField(VOCABULARY[field], value, held=True, id=f"f-{field}", classes="fit-choice")


class AssignmentForm(VerticalScroll):
    """Every field of an assignment (AssignmentSpec's list), in the order a session asks them.

    Title, task, format, size, framing, frequency, doses, the agreed days and
    time, when/where, rationale, barriers, the client's why, method, follow-up
    plan, framing wording, agreement, accommodations, notes, started in
    session, and the confidence last (Enter there goes to Record).
    """

    class Changed(Message):
        """A choice that changes the fit (format, size, framing, frequency, confidence)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self._doses_typed = False
        self._auto_doses: str | None = None
        """The doses this form filled in itself (from the frequency)."""
        self._filling = False
        self.planner: Planner | None = None
        """The planner the form designs against (its confounded pairs give the test)."""
        self._next_test = 0

    def compose(self) -> ComposeResult:
        """The rows, in the order the therapist fills them in."""
        yield Static("", id="f-test")
        yield FieldRow("Title", field_input(placeholder="short title (required)", id="f-title"))
        yield FieldRow(
            "Task", field_input(placeholder="the assignment in one sentence", id="f-task")
        )
        yield FieldRow("Format", fit_choice("format"), feedback=True)
        yield FieldRow("Size", fit_choice("size"), feedback=True)
        yield FieldRow(
            "Framing",
            field_input(placeholder="label", id="f-framing", classes="medium"),
            feedback=True,
        )
        yield FieldRow(
            "Frequency",
            fit_choice("frequency", "weekly"),
            feedback=True,
        )
        yield FieldRow("Doses", field_input(placeholder="planned", id="f-doses", classes="short"))
        for _, ident, label, placeholder in TEXT_FIELDS:
            short = "short" if ident == "f-time" else None
            yield FieldRow(label, field_input(placeholder=placeholder, id=ident, classes=short))
        yield FieldRow("In session", ChoiceField(("no", "yes"), id="f-started"))
        yield FieldRow(
            "Confidence",
            field_input(placeholder="0-10", id="f-confidence", classes="short"),
            feedback=True,
        )

    # ------------------------------------------------------------------ filling

    def prefill(self, planner: Planner, last: AssignmentInfo | None) -> None:
        """Start from the current system, else the recommendation; else the last assignment.

        Spec section 4 (r2): the therapist's last review decides; the planner's
        recommendation fills only what the review left open.
        """
        recommended = planner.design_defaults()
        fallback = {
            "format": last.format if last else "written",
            "size": last.size if last else "small",
            "frequency": last.frequency if last else "weekly",
            "framing": last.framing if last else (planner.framing_approach or ""),
        }
        values = {k: recommended[k] or fallback[k] for k in recommended}
        self._filling = True
        try:
            self.choice("f-format").choose(values["format"])
            self.choice("f-size").choose(values["size"])
            self.choice("f-frequency").choose(values["frequency"])
            self.input("f-framing").value = cell(values["framing"] or "")
            self._set_auto_doses(values["frequency"])
        finally:
            self._filling = False

    def copy_last(self, last: AssignmentInfo) -> None:
        """Copy the last assignment's words, design and agreement (to repeat or adjust it).

        The confidence, the agreement, the notes and "in session" are this
        session's own and are not copied.
        """
        self._filling = True
        try:
            # Stored words, shown as the TUI shows any: control characters made visible.
            self.input("f-title").value = cell(last.title)
            self.input("f-task").value = cell(last.task)
            self.choice("f-format").choose(last.format)
            self.choice("f-size").choose(last.size)
            self.choice("f-frequency").choose(last.frequency)
            self.input("f-framing").value = cell(last.framing)
            self._auto_doses = None  # the last assignment's doses: kept when the frequency changes
            self.input("f-doses").value = str(last.planned_doses or "")
            self.input("f-days").value = ",".join(last.days)
            self.input("f-time").value = last.time
            for name, ident, _, _ in TEXT_FIELDS:
                if name in COPIED or name in COPIED_TOO:
                    self.input(ident).value = cell(getattr(last, name))
            self._doses_typed = True
        finally:
            self._filling = False
        self.post_message(self.Changed())

    def show_planner(self, planner: Planner) -> None:
        """The planner the form designs against: its proposed tests are offered (ctrl+f)."""
        self.planner = planner
        tests = usable_tests(planner)
        hint = self.query_one("#f-test", Static)
        hint.display = bool(tests)
        if tests:
            first = tests[self._next_test % len(tests)]
            apart = f"{first.values[0]} and {first.values[1]}"
            more = f" · {len(tests)} tests: ctrl+f again for the next" if len(tests) > 1 else ""
            hint.update(
                Content.assemble(
                    ("ctrl+f tries the test: ", "bold"),
                    shown(f"{first.test} (it tells {apart} apart){more}"),
                )
            )

    def try_test(self) -> None:
        """Fill in the design the planner proposes to tell two confounded values apart.

        The value kept and the value changed are set; every other field stays.
        Pressed again, the next proposed test (when there are several).
        """
        tests = usable_tests(self.planner)
        if not tests:
            return
        entry = tests[self._next_test % len(tests)]
        self._next_test += 1
        for field, value in (entry.keep or ("", ""), entry.change or ("", "")):
            if field == "framing":
                self.input("f-framing").value = cell(value)
            elif field:
                self.choice(f"f-{field}").choose(value)
        if self.planner is not None:
            self.show_planner(self.planner)
        self.notify(shown(f"Trying the test: {entry.test}"), markup=False)

    def choice(self, ident: str) -> ChoiceField:
        """A choice field by id."""
        return self.query_one(f"#{ident}", ChoiceField)

    def input(self, ident: str) -> Input:
        """An input by id."""
        return self.query_one(f"#{ident}", Input)

    def _set_auto_doses(self, frequency: str | None) -> None:
        """Fill in a week's doses at this frequency (the therapist can change them)."""
        self._auto_doses = DOSES_BY_FREQUENCY.get(frequency or "", "")
        self.input("f-doses").value = self._auto_doses

    def on_choice_field_changed(self, event: ChoiceField.Changed) -> None:
        """A new choice: keep the doses in step with the frequency, refresh the fit."""
        if event.choice.id == "f-frequency" and not self._doses_typed:
            self._set_auto_doses(event.value)
        if not self._filling:
            self.post_message(self.Changed())

    def on_input_changed(self, event: Input.Changed) -> None:
        """Clear the field's error; refresh the fit when framing or confidence change."""
        show_field_error(event.input, "")
        if self._filling:
            return
        if event.input.id == "f-doses":
            # Typed (or copied) doses stay; those filled in from the frequency follow it.
            self._doses_typed = event.value != self._auto_doses
        if event.input.id in ("f-framing", "f-confidence"):
            self.post_message(self.Changed())
        if event.input.id == "f-confidence":
            try:
                parse_int(event.value, "confidence", 0, 10)
            except ValueError as e:
                show_field_error(event.input, str(e))

    # ---------------------------------------------------------------- reading

    def fields(self, *, strict: bool) -> dict[str, Any]:
        """The assignment's fields for the application (every field of AssignmentSpec).

        Strict: FieldError (with the widget) on the first invalid entry. Not
        strict (live preview): invalid optional entries are left out and a
        missing title is stood in for.
        """
        title = self.input("f-title").value.strip()
        framing = self.input("f-framing").value.strip()
        if strict and not title:
            raise FieldError(self.input("f-title"), "title: required (a short title)")
        if strict and not framing:
            raise FieldError(self.input("f-framing"), "framing: required (e.g. experiment)")
        numbers: dict[str, int | None] = {}
        for key, ident, label, low, high in (
            ("planned_doses", "f-doses", "doses", 1, None),
            ("confidence", "f-confidence", "confidence", 0, 10),
        ):
            widget = self.input(ident)
            try:
                numbers[key] = parse_int(widget.value, label, low, high)
            except ValueError as e:
                if strict:
                    raise FieldError(widget, str(e)) from None
                numbers[key] = None
        texts = {name: self.input(ident).value.strip() for name, ident, _, _ in TEXT_FIELDS}
        for name in ("days", "time"):
            problem = agreement_problem(name, texts[name])
            if problem and strict:
                raise FieldError(self.input(f"f-{name}"), problem)
            if problem:
                texts[name] = ""
        return {
            "title": title or PREVIEW_TITLE,
            "task": self.input("f-task").value.strip(),
            "format": self.choice("f-format").value or "other",
            "size": self.choice("f-size").value or "small",
            "framing": framing or "-",
            "frequency": self.choice("f-frequency").value or "weekly",
            "planned_doses": numbers["planned_doses"],
            "confidence": numbers["confidence"],
            "started_in_session": self.choice("f-started").value == "yes",
            **texts,
        }

    def show_fit(self, fit: Fit | None) -> None:
        """Show how this client has done with each chosen value (and the values, held till now).

        Each label is repainted in place when its text fills the same lines
        (``inplace.show``): no layout of the screen on a key (tui_keystroke_latency).
        """
        by_field = {f.field: f for f in fit.fields} if fit else {}
        for name in FIT_FIELDS:
            label = self.query_one(f"#f-{name}-fit", Label)
            f = by_field.get(name)
            if name == "framing" and not self.input("f-framing").value.strip():
                f = None  # the preview's stand-in label, not the therapist's
            show(label, Content(shown(f.summary) if f else ""))
            label.set_class(f is not None and f.n >= 2 and (f.rate or 0) < 0.5, "-poor")
            if name != "framing":
                self.choice(f"f-{name}").paint()
        confidence = self.query_one("#f-confidence-fit", Label)
        low = fit is not None and any("confidence" in w for w in fit.warnings)
        text = (
            f"below 9: consider a smaller task ('{fit.suggested_size}')"
            if low and fit is not None and fit.suggested_size
            else "0-10; below 9 suggests a smaller task"
        )
        show(confidence, Content(shown(text)))
        confidence.set_class(low, "-poor")

    def clear_errors(self) -> None:
        """Clear every error line of the form."""
        for row in self.query(FieldRow):
            row.show_error("")


class FitBox(Static):
    """Under the form: every fit warning (beyond MAX_WARNINGS, how many more) and note.

    A client with no outcomes yet is told there is nothing to compare with,
    never that the design "fits". Its height follows the warnings, except that
    it keeps its height when they need up to ``KEEP_LINES`` fewer lines.
    """

    def show_fit(
        self,
        warnings: Sequence[str],
        *,
        notes: Sequence[str] = (),
        history: bool,
        suggested_size: str | None = None,
    ) -> None:
        """Show the warnings and notes of a fit.

        Args:
            warnings: the fit's warnings, most important first.
            notes: what is not a warning (e.g. that this design is the test).
            history: whether the client has outcomes to compare with.
            suggested_size: the smaller size ctrl+g takes, if any.
        """
        lines: list[Content] = []
        if warnings:
            first = warnings if len(warnings) <= MAX_WARNINGS else warnings[: MAX_WARNINGS - 1]
            lines += [Content.styled(f"⚠ {shown(w)}", "bold") for w in first]
            if len(first) < len(warnings):
                lines.append(Content.styled(f"⚠ … and {len(warnings) - len(first)} more", "bold"))
        lines += [Content(f"• {shown(note)}") for note in notes]
        if warnings and suggested_size:
            lines.append(Content(f"  ctrl+g: use size '{shown(suggested_size)}'"))
        if not lines:
            lines.append(
                Content("✓ fits this client's history")
                if history
                else Content("No history yet for this client: nothing to compare with.")
            )
        show_steady(self, lines, KEEP_LINES)
        self.set_class(bool(warnings), "-warn")
