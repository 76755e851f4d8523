"""Headless drivers for the TUI benchmarks (Textual ``App.run_test``).

First paint (``first_paint``):

``bare``: a Textual app painting one static screen (the floor).
``hw``: the hw TUI on a home, until its caseload table shows its rows.

Both apps are timed the same two ways:

- **first frame**: the moment Textual hands the first rendered frame to the
  display (``App._display``, called after each compositor update, headless
  included); for hw, the first frame in which the caseload table has rows.
  This is what the user sees first, and the benchmark's main figure.
- **idle**: when ``pilot.pause()`` next returns after that, i.e. once the app
  has had nothing to do for a moment (for hw: the whole table filled and the
  application opened in the background). Reported as a reference.

Keystroke latency (``keystrokes``): in the wrap-up of ``BIG1000``, on the
next-assignment form, a key press on the format choice to the first frame
Textual displays with that format's fit feedback repainted; the floor is a
bare Textual app whose key handler updates a label, timed the same way.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import time
from typing import Any

PAINT_TIMEOUT = 30.0
"""Seconds to wait for the caseload to appear before giving up."""


def _bare_app() -> Any:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hw benchmark floor: a static screen")

    return Bare()


def find_hw_app_class() -> Any:
    """The hw TUI's App subclass (hwtui.app), or raise LookupError with the reason."""
    from textual.app import App

    try:
        module = importlib.import_module("hwtui.app")
    except ModuleNotFoundError as e:
        msg = f"hwtui.app does not exist ({e.name})"
        raise LookupError(msg) from None
    classes = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, App) and obj.__module__ == module.__name__
    ]
    if not classes:
        msg = "hwtui.app defines no Textual App subclass"
        raise LookupError(msg)
    return classes[0]


def _hw_app(home: str, client: str | None = None) -> Any:
    cls = find_hw_app_class()
    params = inspect.signature(cls).parameters
    extra = {"client": client} if client is not None else {}
    for name in ("home", "hw_home"):
        if name in params:
            return cls(**{name: home}, **extra)
    from hwcore.bootstrap import open_application

    for name in ("app", "application", "hw", "service"):
        if name in params:
            return cls(**{name: open_application(home)})
    msg = f"cannot tell how to build {cls.__name__}{inspect.signature(cls)} on a home"
    raise LookupError(msg)


def _caseload_rows(app: Any) -> int:
    from textual.widgets import DataTable, ListView, OptionList

    best = 0
    for widget in app.screen.query("*"):
        if isinstance(widget, DataTable):
            best = max(best, widget.row_count)
        elif isinstance(widget, ListView):
            best = max(best, len(widget.children))
        elif isinstance(widget, OptionList):
            best = max(best, widget.option_count)
        elif isinstance(getattr(widget, "row_count", None), int):  # e.g. a Line API table
            best = max(best, widget.row_count)
    return best


def _watch_first_frame(app: Any, rows_needed: bool) -> list[float]:
    """Record (time.time()) the first frame displayed; for hw, the first with caseload rows."""
    frames: list[float] = []
    display = app._display

    def watched(screen: Any, renderable: Any) -> Any:
        if renderable is not None and not frames and (not rows_needed or _caseload_rows(app)):
            frames.append(time.time())
        return display(screen, renderable)

    app._display = watched
    return frames


async def first_paint(mode: str, home: str) -> tuple[float, float, int]:
    """Wall times (time.time()) of the first frame and of the next idle, and the rows shown."""
    app = _bare_app() if mode == "bare" else _hw_app(home)
    frames = _watch_first_frame(app, rows_needed=mode != "bare")
    async with app.run_test(headless=True, size=(120, 40)) as pilot:
        await pilot.pause()
        deadline = time.monotonic() + PAINT_TIMEOUT
        while not frames:
            if time.monotonic() > deadline:
                what = "frame" if mode == "bare" else "caseload rows"
                msg = f"the {mode} app painted no {what} within 30 s"
                raise TimeoutError(msg)
            await pilot.pause(0.01)
        await pilot.pause()
        return frames[0], time.time(), _caseload_rows(app)


# --------------------------------------------------------------- keystrokes

# The hw widgets the keystroke benchmark names (src/hwtui/widgets/assignment_form.py):
# kept here, in one place, so a renamed widget is one edit.
FORM_CHOICE = "#f-format"
"""The next-assignment form's format choice (left/right cycle its values)."""
FIT_LABEL = "#f-format-fit"
"""The fit feedback beside it: '<value>: n of m completed (r%)'."""
NEXT_STEP_KEY = "ctrl+n"
"""The wrap-up's key to the next step (outcomes -> planner -> next assignment)."""
KEY = "right"
"""The key pressed: the next format."""
KEY_TIMEOUT = 10.0
"""Seconds to wait for one key's repaint before giving up."""


def _bare_keys_app() -> Any:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widget import Widget
    from textual.widgets import Label

    values = ["written", "behavioral", "observational", "visual", "conversational"]

    class Choice(Widget, can_focus=True):
        BINDINGS = [Binding(KEY, "step", "Next")]  # noqa: RUF012 (Textual API)

        def __init__(self) -> None:
            super().__init__(id=FORM_CHOICE[1:])
            self.options = values
            self.value = values[0]

        def render(self) -> str:
            return f"< {self.value} >"

        def action_step(self) -> None:
            self.value = values[(values.index(self.value) + 1) % len(values)]
            self.refresh()
            self.app.query_one(FIT_LABEL, Label).update(f"{self.value}: 1 of 2 completed (50%)")

    class BareKeys(App[None]):
        def compose(self) -> ComposeResult:
            yield Choice()
            yield Label(f"{values[0]}: 1 of 2 completed (50%)", id=FIT_LABEL[1:])

    return BareKeys()


def _label_text(app: Any) -> str:
    from textual.widgets import Label

    try:
        return str(app.screen.query_one(FIT_LABEL, Label).content)
    except Exception:  # not mounted (yet), or another screen is on top
        return ""


async def _wait(pilot: Any, ready: Any, what: str, timeout: float = PAINT_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            msg = f"{what} within {timeout:.0f} s"
            raise TimeoutError(msg)
        await pilot.pause(0.01)


async def _reach_form(app: Any, pilot: Any) -> Any:
    """Open the wrap-up's next-assignment form and focus its format choice."""
    await _wait(pilot, lambda: _label_text(app), "the wrap-up showed no fit feedback")
    for _ in range(4):  # outcomes -> planner (-> a due review) -> next
        if not app.screen.query(FORM_CHOICE):  # the due review: Esc leaves it for later
            await pilot.press("escape")
            await pilot.pause()
            continue
        choice = app.screen.query_one(FORM_CHOICE)
        if choice.region.height:  # on screen: the form's step is shown
            break
        await pilot.press(NEXT_STEP_KEY)
        await pilot.pause()
    choice.focus()
    await _wait(pilot, lambda: app.focused is choice, "the format choice took no focus")
    return choice


async def keystrokes(mode: str, home: str, client: str, keys: int, warmup: int = 3) -> list[float]:
    """Milliseconds from each key press to the frame showing its new fit feedback."""
    app = _bare_keys_app() if mode == "bare" else _hw_app(home, client=client)
    expected: list[str] = []
    shown: list[float] = []
    display = app._display

    def watched(screen: Any, renderable: Any) -> Any:
        result = display(screen, renderable)
        if (
            renderable is not None
            and expected
            and not shown
            and _label_text(app).startswith(expected[0])
        ):
            shown.append(time.perf_counter())
        return result

    app._display = watched
    latencies: list[float] = []
    async with app.run_test(headless=True, size=(120, 40)) as pilot:
        await pilot.pause()
        choice = await _reach_form(app, pilot)
        await pilot.pause()
        for n in range(warmup + keys):
            options = list(choice.options)
            value = options[(options.index(choice.value) + 1) % len(options)]
            expected[:] = [f"{value}:"]
            shown.clear()
            pressed = time.perf_counter()
            await pilot.press(KEY)
            deadline = time.monotonic() + KEY_TIMEOUT
            while not shown:
                if time.monotonic() > deadline:
                    msg = f"no repainted fit feedback for {value!r} within {KEY_TIMEOUT:.0f} s"
                    raise TimeoutError(msg)
                await asyncio.sleep(0.001)  # not pilot.pause(): that forces a repaint
            if n >= warmup:
                latencies.append((shown[0] - pressed) * 1000)
            expected.clear()
            await pilot.pause()
    return latencies
