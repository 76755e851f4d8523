"""The next assignment's form, with live fit feedback beside each choice."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label

from hwcore.application import VOCABULARY, AssignmentInfo, Fit, Planner
from hwtui.text import cell, parse_int, shown
from hwtui.widgets.choice import ChoiceField
from hwtui.widgets.field import FieldRow, field_input, show_field_error
from hwtui.widgets.outcome import FieldError

DOSES_BY_FREQUENCY = {"daily": "7", "several-weekly": "3", "weekly": "1", "once": "1"}
"""Default planned doses for a week at each frequency (the therapist can change it)."""
FIT_FIELDS = ("format", "size", "frequency", "framing")
PREVIEW_TITLE = "(untitled)"
"""Stands in for a title not typed yet, so the fit shows from the first choice."""


class AssignmentForm(VerticalScroll):
    """Title, task, format, size, framing, frequency, doses, rationale, when/where,
    barriers and confidence, in that order."""

    class Changed(Message):
        """A choice that changes the fit (format, size, framing, frequency, confidence)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self._doses_typed = False
        self._auto_doses: str | None = None
        """The doses this form filled in itself (from the frequency)."""
        self._filling = False

    def compose(self) -> ComposeResult:
        """The rows, in the order the therapist fills them in."""
        yield FieldRow("Title", field_input(placeholder="short title (required)", id="f-title"))
        yield FieldRow(
            "Task", field_input(placeholder="the assignment in one sentence", id="f-task")
        )
        yield FieldRow("Format", ChoiceField(VOCABULARY["format"], id="f-format"), feedback=True)
        yield FieldRow("Size", ChoiceField(VOCABULARY["size"], id="f-size"), feedback=True)
        yield FieldRow(
            "Framing",
            field_input(placeholder="label", id="f-framing", classes="medium"),
            feedback=True,
        )
        yield FieldRow(
            "Frequency",
            ChoiceField(VOCABULARY["frequency"], "weekly", id="f-frequency"),
            feedback=True,
        )
        yield FieldRow("Doses", field_input(placeholder="planned", id="f-doses", classes="short"))
        yield FieldRow("Rationale", field_input(placeholder="why this, now", id="f-rationale"))
        yield FieldRow("When/where", field_input(placeholder="when and where", id="f-when"))
        yield FieldRow("Barriers", field_input(placeholder="barriers discussed", id="f-barriers"))
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
        """Copy the last assignment's words and choices (to repeat or adjust it)."""
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
            self.input("f-rationale").value = cell(last.rationale)
            self.input("f-when").value = cell(last.when_where)
            self.input("f-barriers").value = cell(last.barriers)
            self._doses_typed = True
        finally:
            self._filling = False
        self.post_message(self.Changed())

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
        """The assignment's fields for the application.

        Strict: FieldError (with the widget) on the first invalid entry. Not
        strict (live preview): invalid optional numbers are left out and a
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
        return {
            "title": title or PREVIEW_TITLE,
            "task": self.input("f-task").value.strip(),
            "format": self.choice("f-format").value or "other",
            "size": self.choice("f-size").value or "small",
            "framing": framing or "-",
            "frequency": self.choice("f-frequency").value or "weekly",
            "planned_doses": numbers["planned_doses"],
            "rationale": self.input("f-rationale").value.strip(),
            "when_where": self.input("f-when").value.strip(),
            "barriers": self.input("f-barriers").value.strip(),
            "confidence": numbers["confidence"],
        }

    def show_fit(self, fit: Fit | None) -> None:
        """Show how this client has done with each chosen value."""
        by_field = {f.field: f for f in fit.fields} if fit else {}
        for name in FIT_FIELDS:
            label = self.query_one(f"#f-{name}-fit", Label)
            f = by_field.get(name)
            label.update(Content(shown(f.summary)) if f else "")
            label.set_class(f is not None and f.n >= 2 and (f.rate or 0) < 0.5, "-poor")
        confidence = self.query_one("#f-confidence-fit", Label)
        low = fit is not None and any("confidence" in w for w in fit.warnings)
        confidence.update(
            shown(f"below 9: consider a smaller task ('{fit.suggested_size}')")
            if low and fit is not None and fit.suggested_size
            else "0-10; below 9 suggests a smaller task"
        )
        confidence.set_class(low, "-poor")

    def clear_errors(self) -> None:
        """Clear every error line of the form."""
        for row in self.query(FieldRow):
            row.show_error("")
