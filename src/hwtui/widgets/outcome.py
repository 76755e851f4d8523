"""One pending assignment and how it went: completed, partial, missed or left pending."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from hwcore.application import VOCABULARY, AssignmentInfo
from hwtui.text import parse_int, shown
from hwtui.widgets.choice import ChoiceField
from hwtui.widgets.field import FIELD_KEYS, FieldRow, field_input, show_field_error
from hwtui.widgets.ticks import TickList

OUTCOME_LABELS = {
    "completed": "[c]ompleted",
    "partial": "[p]artial",
    "missed": "[m]issed",
    "pending": "[l]eave pending",
}


class FieldError(ValueError):
    """An invalid entry, with the widget where the message belongs."""

    def __init__(self, widget: Any, message: str) -> None:
        super().__init__(message)
        self.widget = widget


OUTCOME_KEYS = Binding.Group("Outcome", compact=True)
"""c, p, m and l share one footer entry ("cpml Outcome")."""


class OutcomePicker(ChoiceField, inherit_bindings=False):
    """The outcome of one assignment: c, p, m or l (each listed in the footer), or ←/→."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Pick", key_display="←→"),
        Binding("c", "jump('completed')", "Completed", group=OUTCOME_KEYS),
        Binding("p", "jump('partial')", "Partial", group=OUTCOME_KEYS),
        Binding("m", "jump('missed')", "Missed", group=OUTCOME_KEYS),
        Binding("l", "jump('pending')", "Leave pending", group=OUTCOME_KEYS),
        *FIELD_KEYS,
    ]

    def action_jump(self, value: str) -> None:
        """Choose an outcome by its letter; the focus moves to its first detail."""
        self.jumped = True
        self.choose(value)
        self.after_jump()

    def after_jump(self) -> None:
        """Show the outcome's details and move to the first one now, while the key is handled.

        Done here, not when the Changed message reaches the screen: the words
        typed right after ``m`` must go to the explanation, not to this picker
        (each letter of them would choose another outcome).
        """
        card = next((a for a in self.ancestors if isinstance(a, OutcomeCard)), None)
        if card is None:
            return
        card.show_outcome(self.value or "pending")
        detail = card.first_detail()
        if detail is not None:
            card.query_one(detail).focus()


class OutcomeCard(Vertical):
    """How one pending assignment went, with the details its outcome needs."""

    def __init__(self, assignment: AssignmentInfo) -> None:
        super().__init__(classes="outcome-card -pending")
        self.assignment = assignment
        self.key = f"a{assignment.assignment_id}"

    def compose(self) -> ComposeResult:
        """Title line, outcome picker, then the details of the chosen outcome."""
        a = self.assignment
        doses = f", {a.planned_doses} doses" if a.planned_doses else ""
        yield Label(
            Content.assemble(
                (shown(f"#{a.assignment_id} {a.title}"), "bold"),
                shown(f"  {a.format} · {a.size} · {a.frequency}{doses} · '{a.framing}'")
                + f" · session {a.session}",
            ),
            classes="card-title",
        )
        picker = OutcomePicker(
            list(OUTCOME_LABELS),
            "pending",
            inline=True,
            labels=OUTCOME_LABELS,
            id=f"{self.key}-outcome",
        )
        yield FieldRow("Outcome", picker)
        with Vertical(classes="detail detail-done"):
            yield FieldRow(
                "Experience",
                field_input(placeholder="the client's experience (optional)", id=f"{self.key}-exp"),
            )
        with Vertical(classes="detail detail-partial"):
            yield FieldRow(
                "Done",
                field_input(placeholder="doses done", id=f"{self.key}-done", classes="short"),
            )
            yield FieldRow(
                "Planned",
                field_input(
                    str(a.planned_doses or ""),
                    placeholder="doses planned",
                    id=f"{self.key}-planned",
                    classes="short",
                ),
            )
        with Vertical(classes="detail detail-missed"):
            yield FieldRow(
                "Explanation",
                field_input(
                    placeholder="the client's words, close to verbatim", id=f"{self.key}-why"
                ),
            )
            yield FieldRow("Reasons", TickList(VOCABULARY["reason"], id=f"{self.key}-reasons"))
        with Vertical(classes="detail detail-reflect"):
            yield FieldRow(
                "Insights",
                field_input(
                    placeholder="clinical insights gained (optional)", id=f"{self.key}-ins"
                ),
            )
            yield FieldRow(
                "Next change",
                field_input(
                    placeholder="the modification planned for the next assignment (optional)",
                    id=f"{self.key}-mod",
                ),
            )

    @property
    def outcome(self) -> str:
        """The chosen outcome ('pending' when left as it is)."""
        return self.query_one(f"#{self.key}-outcome", ChoiceField).value or "pending"

    def on_choice_field_changed(self, event: ChoiceField.Changed) -> None:
        """Show the details the outcome needs."""
        self.show_outcome(event.value or "pending")
        show_field_error(event.choice, "")

    def show_outcome(self, value: str) -> None:
        """Show the details of this outcome (and hide the others')."""
        for name in OUTCOME_LABELS:
            self.set_class(value == name, f"-{name}")

    def first_detail(self) -> Any:
        """The first detail field of the chosen outcome (None when left pending)."""
        return {
            "completed": f"#{self.key}-exp",
            "partial": f"#{self.key}-done",
            "missed": f"#{self.key}-why",
        }.get(self.outcome)

    def clear_errors(self) -> None:
        """Clear the error lines of this card."""
        for row in self.query(FieldRow):
            row.show_error("")

    def collect(self) -> dict[str, Any] | None:
        """The outcome to record (None when left pending); FieldError when invalid.

        Any outcome carries the insights gained and the modification planned
        (seed 003's next-session checklist) when they were typed.
        """
        item = self._collect()
        if item is None:
            return None
        for name, key in (("insights", "ins"), ("modification", "mod")):
            text = self.query_one(f"#{self.key}-{key}", Input).value.strip()
            if text:
                item[name] = text
        return item

    def _collect(self) -> dict[str, Any] | None:
        outcome = self.outcome
        if outcome == "pending":
            return None
        ident = self.assignment.assignment_id
        experience = self.query_one(f"#{self.key}-exp", Input).value.strip()
        if outcome == "completed":
            return {"assignment_id": ident, "outcome": "completed", "experience": experience}
        if outcome == "missed":
            why = self.query_one(f"#{self.key}-why", Input).value.strip()
            reasons = self.query_one(f"#{self.key}-reasons", TickList).selected
            return {
                "assignment_id": ident,
                "outcome": "missed",
                "explanation": why,
                "reasons": list(reasons),
            }
        done_input = self.query_one(f"#{self.key}-done", Input)
        planned_input = self.query_one(f"#{self.key}-planned", Input)
        try:
            planned = parse_int(planned_input.value, "planned doses", low=1)
        except ValueError as e:
            raise FieldError(planned_input, str(e)) from None
        try:
            done = parse_int(done_input.value, "doses done", low=0)
        except ValueError as e:
            raise FieldError(done_input, str(e)) from None
        if done is not None and planned is None:
            raise FieldError(planned_input, "planned doses: needed when doses done are given")
        if done is None and planned is not None and done_input.value.strip() == "":
            planned = None  # no dose known: the partial scores 0.5
        if done is not None and planned is not None and done >= planned:
            msg = f"doses done: {done} is not fewer than planned ({planned}); choose completed"
            raise FieldError(done_input, msg)
        return {
            "assignment_id": ident,
            "outcome": "partial",
            "done": done,
            "planned": planned,
            "experience": experience,
        }
