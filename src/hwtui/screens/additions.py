"""The wrap-up's additions to the session: the review and the other entries (r2).

The base of :class:`~hwtui.screens.wrapup.WrapUpScreen`: the
review, opened before the next assignment is designed, and the changes,
framing changes, measures, consents and corrections added from the ``ctrl+o``
menu. Nothing here writes: the wrap-up records all of it on its Record step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.widgets import Static

from hwtui.screens.alerts import AlertScreen
from hwtui.screens.entries import DIALOGS, AddMenuScreen, Entry, describe
from hwtui.screens.review import ReviewScreen
from hwtui.text import shown
from hwtui.widgets.assignment_form import AssignmentForm

if TYPE_CHECKING:
    from hwcore.application import (
        Alert,
        AssignmentInfo,
        HwApplication,
        Instrument,
        WrapUpResult,
    )


class SessionAdditions(AlertScreen[bool]):
    """The review step and the add menu of the wrap-up screen (and its cheap repaints)."""

    if TYPE_CHECKING:  # provided by the wrap-up screen
        application: HwApplication
        client: str
        session: int | None
        date: str | None
        step: str
        loaded: bool
        written: WrapUpResult | None
        entries: list[Entry]
        review: dict[str, Any] | None
        _review_offered: bool
        _prefill_after_review: bool
        _preview: WrapUpResult | None
        _pristine: dict[str, Any]
        _instruments: list[Instrument]
        _assignments: list[AssignmentInfo]
        last: AssignmentInfo | None
        _stored_alerts: tuple[Alert, ...]

        def _go(self, step: str) -> None: ...
        def refresh_preview(self) -> None: ...
        def action_record_summary(self) -> None: ...

    KEYS: tuple[Binding, ...] = ()
    _bindings_key: tuple[object, ...]
    _texts: dict[str, object]

    def on_screen_resume(self) -> None:
        """Back from a dialog: once written, no field takes keys (Enter is Done); keys again."""
        if self.written is not None:
            self.set_focus(None)
        self._bindings_key = ()
        self._bindings_changed()

    def action_review(self) -> None:
        """Open the review (before the next assignment is designed): written on Record."""
        if self.written is None and self.loaded:
            self._open_review()

    def _open_review(self) -> None:
        """The review screen on the planner as entered (its choice comes back here)."""
        self._review_offered = True
        preview = self._preview
        if preview is None:
            return

        def chosen(fields: dict[str, Any]) -> None:
            self.review = fields
            self._prefill_after_review = self._untouched()

        origin = self.step

        def closed(_: bool | None) -> None:
            # Esc there: not now (the banner keeps saying it is due); either way, on to
            # the next assignment (or back to the Record step it was opened from).
            self._go("record" if origin == "record" else "next")
            self.refresh_preview()
            if origin == "record":
                self.action_record_summary()

        screen = ReviewScreen(self.application, self.client, preview=preview, on_choose=chosen)
        self.app.push_screen(screen, closed)

    def action_acknowledge_alert(self) -> None:
        """Acknowledge a risk alert; one raised by a measure added here is recorded first."""
        unwritten = [a for a in self.open_alerts if a not in self._stored_alerts]
        if self.written is None and unwritten and unwritten[0] == self.open_alerts[0]:
            self.notify(
                "This alert comes from the measure added to this wrap-up: record the"
                " wrap-up (ctrl+s), then ctrl+y acknowledges it.",
                severity="warning",
            )
            return
        super().action_acknowledge_alert()

    def _untouched(self) -> bool:
        return self.query_one(AssignmentForm).fields(strict=False) == self._pristine

    def _prefill_from_outcomes(self) -> None:
        """An untouched form follows the outcomes entered in this wrap-up (issue 13 item 9)."""
        preview = self._preview
        if preview is None or not self._untouched():
            return
        form = self.query_one(AssignmentForm)
        form.prefill(preview.planner, self.last)
        self._pristine = form.fields(strict=False)

    # ----------------------------------------------------------------- entries

    def action_add_entry(self) -> None:
        """Add a change, framing change, measure, consent or correction (written on Record)."""
        if self.written is not None or not self.loaded:
            return

        def picked(name: str | None) -> None:
            if name == "undo" and self.entries:
                removed = self.entries.pop()
                self.notify(shown(f"Removed: {describe(removed)[0]}"), markup=False)
                self._entries_changed()
            elif name == "review":
                self._open_review()
            elif name in DIALOGS:
                self._open_dialog(name)

        self.app.push_screen(AddMenuScreen(len(self.entries)), picked)

    def _open_dialog(self, name: str) -> None:
        where = (self.application, self.client, self.session, self.date)
        if name == "measure":
            dialog = DIALOGS[name](*where, instruments=self._instruments)  # type: ignore[call-arg]
        elif name == "correction":
            dialog = DIALOGS[name](*where, assignments=self._assignments)  # type: ignore[call-arg]
        else:
            dialog = DIALOGS[name](*where)

        def added(entry: Entry | None) -> None:
            if entry is not None:
                self.entries.append(entry)
                self.notify(shown(f"Added: {describe(entry)[0]}"), markup=False)
                self._entries_changed()

        self.app.push_screen(dialog, added)

    def _entries_changed(self) -> None:
        """Show the planner with them at once (a PHQ-9 item 9 above 0: the risk banner)."""
        self.refresh_preview()
        if self.step == "record":
            self.action_record_summary()

    def _update(self, ident: str, content: object) -> None:
        """Update a label only when its text changed (each update re-lays the screen out)."""
        if self._texts.get(ident) != content:
            self._texts[ident] = content
            self.query_one(ident, Static).update(content)  # type: ignore[arg-type]

    def _bindings_changed(self) -> None:
        """Refresh the footer only when the keys that work changed (rebuilding it is slow)."""
        key = (self.step, *(self.check_action(b.action, ()) for b in self.KEYS))
        if key != self._bindings_key:
            self._bindings_key = key
            self.refresh_bindings()
