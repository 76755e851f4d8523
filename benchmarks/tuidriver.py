"""Headless first-paint driver for the TUI benchmark (Textual ``App.run_test``).

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
"""

from __future__ import annotations

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


def _hw_app(home: str) -> Any:
    cls = find_hw_app_class()
    params = inspect.signature(cls).parameters
    for name in ("home", "hw_home"):
        if name in params:
            return cls(**{name: home})
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
