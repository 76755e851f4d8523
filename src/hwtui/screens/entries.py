"""The wrap-up's other entries: a change, a framing change, a measure, a consent, a correction.

Each dialog collects one entry and checks it with the application (a dry run
of the wrap-up with that entry alone: the same domain guards as ``hw change``,
``hw framing``, ``hw measure``, ``hw consent`` and ``hw correct``), then hands
it to the wrap-up, which writes it with everything else on the Record step.
Nothing is written here.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from hwcore.application import (
    CORRECTABLE_FIELDS,
    VOCABULARY,
    AssignmentInfo,
    AssignmentSpec,
    ChangeEntry,
    ConsentEntry,
    CorrectionEntry,
    FramingEntry,
    HwApplication,
    HwError,
    Instrument,
    MeasureEntry,
    OutcomeEntry,
    ReviewChoice,
    SessionEntries,
    WrapUpResult,
)
from hwtui.calls import CallFailed, call
from hwtui.screens.confirm import ConfirmScreen
from hwtui.text import cell, parse_int, shown
from hwtui.widgets.choice import ChoiceField
from hwtui.widgets.field import FieldRow, field_input, show_field_error
from hwtui.widgets.outcome import FieldError

Entry = ChangeEntry | FramingEntry | MeasureEntry | ConsentEntry | CorrectionEntry
"""One entry a dialog answers."""

CHANNELS = ("sms", "email", "phone", "app", "messaging", "calendar", "paper", "other")
"""The consent channels (the domain's; refused there if it ever differs)."""
MENU = (
    ("c", "change", "a life, relationship or other change"),
    ("f", "framing", "a framing change"),
    ("m", "measure", "a measure (PHQ-9, GAD-7, the practice's own)"),
    ("k", "consent", "a consent (channel, days, boundaries, privacy risk)"),
    ("x", "correction", "a correction of an earlier entry"),
    ("r", "review", "the review of the system (also ctrl+r)"),
)
"""The add menu: key, dialog, what it records."""


def entries_of(entries: list[Entry], review: Any = None) -> SessionEntries:
    """The application's typed input for the entries added so far (and the review)."""
    framings = [e for e in entries if isinstance(e, FramingEntry)]
    return SessionEntries(
        corrections=[e for e in entries if isinstance(e, CorrectionEntry)],
        changes=[e for e in entries if isinstance(e, ChangeEntry)],
        framing=framings[-1] if framings else None,
        measures=[e for e in entries if isinstance(e, MeasureEntry)],
        consents=[e for e in entries if isinstance(e, ConsentEntry)],
        review=review,
    )


def describe(entry: Entry) -> list[str]:
    """How the Record step shows an entry: what will be written, the words included."""
    if isinstance(entry, ChangeEntry):
        return [f"Change ({entry.kind.value}): “{shown(entry.note)}”"]
    if isinstance(entry, FramingEntry):
        lines = [f"Framing → '{shown(entry.label)}'"]
        lines += [f"    Wording: “{shown(entry.wording)}”"] if entry.wording else []
        lines += [f"    Reason: “{shown(entry.reason)}”"] if entry.reason else []
        return lines
    if isinstance(entry, MeasureEntry):
        if entry.items:
            scores = " ".join(str(i) for i in entry.items)
            return [f"Measure {entry.instrument}: items {scores} (total {sum(entry.items)})"]
        return [f"Measure {entry.instrument}: score {entry.score}"]
    if isinstance(entry, ConsentEntry):
        days = ",".join(entry.days) or "no days"
        lines = [f"Consent: {entry.channel} ({days})"]
        lines.append(f"    Boundaries: “{shown(entry.boundaries)}”")
        lines.append(f"    Privacy risk accepted: “{shown(entry.privacy_risk)}”")
        lines += [f"    Note: “{shown(entry.note)}”"] if entry.note else []
        return lines
    changes = ", ".join(f"{k} → {shown(v)}" for k, v in entry.changes.items())
    return [
        f"Correction of #{entry.assignment_id}: {changes}",
        f"    Reason: “{shown(entry.reason)}”",
    ]


def wrap_up_call(
    application: HwApplication,
    client: str,
    *,
    outcomes: list[dict[str, Any]],
    assignment: dict[str, Any],
    entries: list[Entry] = [],  # noqa: B006 (never changed)
    review: dict[str, Any] | None = None,
    **where: Any,
) -> WrapUpResult:
    """The wrap-up with the form's entries as the application's typed commands."""
    return application.wrap_up(
        client,
        outcomes=[OutcomeEntry(**item) for item in outcomes],
        assignment=AssignmentSpec(**assignment),
        entries=entries_of(entries, None if review is None else ReviewChoice(**review)),
        **where,
    )


class AddMenuScreen(ModalScreen[str | None]):
    """What to add to the wrap-up: one key per kind of entry; answers its name, or None."""

    BINDINGS = [  # noqa: RUF012 (Textual API)
        *(Binding(key, f"pick('{name}')", name.capitalize()) for key, name, _ in MENU),
        Binding("u", "pick('undo')", "Remove last"),
        Binding("escape", "pick('')", "Cancel"),
    ]

    def __init__(self, added: int) -> None:
        super().__init__()
        self.added = added

    def compose(self) -> ComposeResult:
        """The menu."""
        with Vertical(id="add-box", classes="dialog-box"):
            yield Static(Content.styled("Add to this wrap-up (written on Record):", "bold"))
            yield Static("\n".join(f"  {key}  {what}" for key, _, what in MENU))
            if self.added:
                yield Static(f"  u  remove the last entry added ({self.added} added)")
            yield Label("Esc: back", classes="dialog-keys")
        yield Footer(show_command_palette=False, compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer u only when there is an entry to remove."""
        if action == "pick" and parameters == ("undo",):
            return self.added > 0
        return True

    def action_pick(self, name: str) -> None:
        """Answer the chosen kind ('' for none)."""
        self.dismiss(name or None)


class EntryDialog(ModalScreen[Any]):
    """A box of fields for one entry: ctrl+s checks it and hands it to the wrap-up.

    Subclasses compose their fields and build the entry; the application's
    dry run decides whether it can be recorded (an error is shown at its
    field and the dialog stays). Esc leaves (asking first once something was typed).
    """

    TITLE = ""
    FIELDS: dict[str, str] = {}  # noqa: RUF012 (the domain's field name -> the widget's id)
    BINDINGS = [  # noqa: RUF012 (Textual API)
        Binding("ctrl+s", "add", "Add"),
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "app.focus_next", "Field", key_display="↑↓"),
        Binding("up", "app.focus_previous", "Previous field", show=False),
    ]

    def __init__(
        self, application: HwApplication, client: str, session: int | None, date: str | None
    ) -> None:
        super().__init__()
        self.application = application
        self.client = client
        self.session = session
        self.date = date
        self._checking = False

    def compose(self) -> ComposeResult:
        """Title, fields, keys."""
        # Not focusable itself: the first field takes the keys typed at once.
        with VerticalScroll(id="entry-box", classes="dialog-box", can_focus=False):
            yield Static(Content.styled(shown(f"{self.TITLE} · {self.client}"), "bold"))
            yield from self.fields()
            yield Static("", id="entry-note")
            yield Label("ctrl+s: add (written on Record) · Esc: cancel", classes="dialog-keys")
        yield Footer(show_command_palette=False, compact=True)

    def fields(self) -> ComposeResult:
        """The entry's fields."""
        yield from ()

    def entry(self) -> Entry:
        """The entry as typed (raises FieldError at a field that is wrong)."""
        raise NotImplementedError

    def on_mount(self) -> None:
        """Focus the first field (again once laid out: keys typed at once land there)."""
        self._focus_first()
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        if self.focused is None:
            self.query(FieldRow).first().field.focus()

    def text(self, ident: str) -> str:
        """A text field's value, trimmed."""
        return self.query_one(f"#{ident}", Input).value.strip()

    def choice(self, ident: str) -> str | None:
        """A choice field's value."""
        return self.query_one(f"#{ident}", ChoiceField).value

    def _refuse(self, message: str, field: str = "") -> None:
        ident = self.FIELDS.get(field) or next(iter(self.FIELDS.values()), "")
        if ident:
            show_field_error(self.query_one(f"#{ident}"), message)
        self.notify(shown(message), severity="error", markup=False)

    def action_add(self) -> None:
        """Check the entry with the application (nothing written), then hand it over."""
        if self._checking:
            return
        for row in self.query(FieldRow):
            row.show_error("")
        try:
            entry = self.entry()
        except FieldError as e:
            show_field_error(e.widget, str(e))
            e.widget.focus()
            self.notify(shown(e), severity="error", markup=False)
            return
        except HwError as e:
            self._refuse(str(e), getattr(e, "field", ""))
            return
        self._checking = True
        self.check(entry)

    @work(thread=True, group="entry-check")
    def check(self, entry: Entry) -> Entry | None:
        """A dry run of the wrap-up with this entry alone (worker thread)."""
        try:
            call(
                self.application.wrap_up,
                self.client,
                entries=entries_of([entry]),
                session=self.session,
                date=self.date,
                dry_run=True,
            )
        except CallFailed as e:
            field = getattr(e.error, "field", "")
            self.app.call_from_thread(self._refused, str(e), field)
            return None
        return entry

    def _refused(self, message: str, field: str) -> None:
        self._checking = False
        self._refuse(message, field)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The entry can be recorded: answer it (once the worker has ended)."""
        if event.worker.name == "check" and event.state == WorkerState.SUCCESS:
            self._checking = False
            if event.worker.result is not None:
                self.dismiss(event.worker.result)

    def typed(self) -> bool:
        """True when something was typed into a text field."""
        return any(field.value.strip() for field in self.query(Input))

    def action_cancel(self) -> None:
        """Leave without adding (asks first once something was typed)."""
        if not self.typed():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard this entry?", "Nothing is added."), answered)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        """Enter moves to the next field."""
        event.stop()
        self.focus_next()


class ChangeDialog(EntryDialog):
    """A life, relationship or other change (``hw change``)."""

    TITLE = "Change"
    FIELDS = {"kind": "en-kind", "note": "en-note"}  # noqa: RUF012

    def fields(self) -> ComposeResult:
        """Kind and note."""
        yield FieldRow("Kind", ChoiceField(VOCABULARY["kind"], id="en-kind"))
        yield FieldRow("What", field_input(placeholder="what changed", id="en-note"))

    def entry(self) -> ChangeEntry:
        """The change as typed."""
        return ChangeEntry(kind=self.choice("en-kind") or "", note=self.text("en-note"))


class FramingDialog(EntryDialog):
    """A framing change (``hw framing``)."""

    TITLE = "Framing"
    FIELDS = {  # noqa: RUF012
        "framing": "en-label",
        "label": "en-label",
        "wording": "en-wording",
        "reason": "en-reason",
    }

    def fields(self) -> ComposeResult:
        """Label, wording, reason."""
        yield FieldRow("Framing", field_input(placeholder="e.g. curiosity", id="en-label"))
        yield FieldRow("Wording", field_input(placeholder="how to say it", id="en-wording"))
        yield FieldRow("Reason", field_input(placeholder="why it changes", id="en-reason"))

    def entry(self) -> FramingEntry:
        """The framing change as typed."""
        label = self.text("en-label")
        if not label:
            raise FieldError(self.query_one("#en-label"), "framing: required (a short label)")
        return FramingEntry(
            label=label, wording=self.text("en-wording"), reason=self.text("en-reason")
        )


class MeasureDialog(EntryDialog):
    """A measure, item by item (``hw measure``): PHQ-9, GAD-7 or the practice's own."""

    TITLE = "Measure"
    FIELDS = {"instrument": "en-instrument", "items": "en-item-1", "score": "en-score"}  # noqa: RUF012
    MAX_ITEMS = 9

    def __init__(self, *args: Any, instruments: list[Instrument]) -> None:
        super().__init__(*args)
        self.instruments = {i.key: i for i in instruments}

    def fields(self) -> ComposeResult:
        """The instrument, one field per item (or the one score)."""
        yield FieldRow(
            "Measure",
            ChoiceField(
                list(self.instruments),
                labels={k: i.name for k, i in self.instruments.items()},
                id="en-instrument",
            ),
        )
        for number in range(1, self.MAX_ITEMS + 1):
            yield FieldRow(f"Item {number}", field_input(id=f"en-item-{number}", classes="short"))
        yield FieldRow("Score", field_input(id="en-score", classes="short"))

    def on_mount(self) -> None:
        """Show the fields of the first instrument."""
        self._show_items()
        super().on_mount()

    @property
    def instrument(self) -> Instrument:
        """The instrument chosen."""
        return self.instruments[self.choice("en-instrument") or ""]

    @on(ChoiceField.Changed, "#en-instrument")
    def _show_items(self) -> None:
        instrument = self.instrument
        for number in range(1, self.MAX_ITEMS + 1):
            row = self.query_one(f"#en-item-{number}").parent
            if row is not None and row.parent is not None:
                row.parent.display = number <= instrument.items
        score_row = self.query_one("#en-score").parent
        if score_row is not None and score_row.parent is not None:
            score_row.parent.display = instrument.items == 0
        self._warn()

    @on(Input.Changed)
    def _warn(self) -> None:
        """PHQ-9 item 9 above 0: say at once that the risk alert will be raised."""
        warning = ""
        if self.instrument.key == "phq9" and self.text("en-item-9") not in ("", "0"):
            warning = "⚠ Item 9 above 0: the risk alert is raised (follow your safety protocol)."
        self.query_one("#entry-note", Static).update(Content.styled(warning, "bold"))

    def entry(self) -> MeasureEntry:
        """The measure as typed (every item a number in the instrument's range)."""
        instrument = self.instrument
        if instrument.items == 0:
            field = self.query_one("#en-score", Input)
            try:
                score = parse_int(field.value, "score", instrument.minimum, instrument.maximum)
            except ValueError as e:
                raise FieldError(field, str(e)) from None
            if score is None:
                raise FieldError(field, "score: required")
            return MeasureEntry(instrument=instrument.key, score=score)
        items = []
        low, high = instrument.item_minimum, instrument.item_maximum
        for number in range(1, instrument.items + 1):
            field = self.query_one(f"#en-item-{number}", Input)
            try:
                value = parse_int(field.value, f"item {number}", low, high)
            except ValueError as e:
                raise FieldError(field, str(e)) from None
            if value is None:
                raise FieldError(field, f"item {number}: required ({low}-{high})")
            items.append(value)
        return MeasureEntry(instrument=instrument.key, items=items)


class ConsentDialog(EntryDialog):
    """A consent (``hw consent``): refused when incomplete, as the CLI refuses it."""

    TITLE = "Consent"
    FIELDS = {  # noqa: RUF012
        "channel": "en-channel",
        "days": "en-days",
        "boundaries": "en-boundaries",
        "privacy risk": "en-risk",
        "note": "en-cnote",
    }

    def fields(self) -> ComposeResult:
        """Channel, days, boundaries, the privacy risk accepted, a note."""
        yield FieldRow("Channel", ChoiceField(CHANNELS, id="en-channel"))
        yield FieldRow("Days", field_input(placeholder="e.g. tue,thu", id="en-days"))
        yield FieldRow(
            "Boundaries", field_input(placeholder="e.g. not for crisis support", id="en-boundaries")
        )
        yield FieldRow("Risk OK'd", field_input(placeholder="privacy risk accepted", id="en-risk"))
        yield FieldRow("Note", field_input(placeholder="optional", id="en-cnote"))

    def entry(self) -> ConsentEntry:
        """The consent as typed (the domain refuses it when incomplete)."""
        return ConsentEntry(
            channel=self.choice("en-channel") or "",
            days=self.text("en-days"),
            boundaries=self.text("en-boundaries"),
            privacy_risk=self.text("en-risk"),
            note=self.text("en-cnote"),
        )


class CorrectionDialog(EntryDialog):
    """A correction of an earlier entry chosen from the client's assignments (``hw correct``)."""

    TITLE = "Correction"
    FIELDS = {"assignment": "en-assignment", "reason": "en-why"}  # noqa: RUF012

    def __init__(self, *args: Any, assignments: list[AssignmentInfo]) -> None:
        super().__init__(*args)
        self.assignments = {str(a.assignment_id): a for a in reversed(assignments)}

    def fields(self) -> ComposeResult:
        """Which assignment, which field, the right value, why."""
        labels = {
            k: cell(f"#{k} {a.title} ({a.outcome})")[:48] for k, a in self.assignments.items()
        }
        yield FieldRow(
            "Entry", ChoiceField(list(self.assignments), labels=labels, id="en-assignment")
        )
        yield FieldRow("Field", ChoiceField(list(CORRECTABLE_FIELDS), id="en-field"))
        yield FieldRow("Right value", field_input(id="en-value"))
        yield FieldRow("Reason", field_input(placeholder="why it was wrong", id="en-why"))

    def on_mount(self) -> None:
        """Show the chosen field's current value."""
        self._current()
        super().on_mount()

    @on(ChoiceField.Changed)
    def _current(self) -> None:
        assignment = self.assignments.get(self.choice("en-assignment") or "")
        field = self.choice("en-field") or ""
        value = getattr(assignment, field, "") if assignment is not None else ""
        if isinstance(value, tuple):
            value = ";".join(str(v) for v in value)
        self.query_one("#en-value", Input).value = cell("" if value is None else value)
        self.query_one("#entry-note", Static).update(
            Content(f"Now: {cell(value)}" if value not in ("", None) else "Now: (empty)")
        )

    def entry(self) -> CorrectionEntry:
        """The correction as typed."""
        field = self.choice("en-field") or ""
        value: Any = self.text("en-value")
        if field in ("planned_doses", "done", "planned") and value:
            try:
                value = parse_int(value, field, low=0)
            except ValueError as e:
                raise FieldError(self.query_one("#en-value"), str(e)) from None
        return CorrectionEntry(
            assignment_id=self.choice("en-assignment") or "",
            changes={field: value},
            reason=self.text("en-why"),
        )


DIALOGS: dict[str, type[EntryDialog]] = {
    "change": ChangeDialog,
    "framing": FramingDialog,
    "measure": MeasureDialog,
    "consent": ConsentDialog,
    "correction": CorrectionDialog,
}
"""The dialog of each menu item."""
