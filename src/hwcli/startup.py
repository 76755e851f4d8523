"""The ``hw`` process's start-up, without the cyclic garbage collector.

A speed trick for ``cli_write`` and ``cli_plan`` (docs/performance.md):
importing hw creates about eighty classes (eventsourcing's event dataclasses,
the attrs values of the domain, the planner and the DTOs) and the objects
behind them. Collected as they are made, the cyclic collector runs about 90
times and walks them again each time: about 7% of a recording command's
instructions. They live as long as the process, so the collector is off while
they are made (:func:`begin`), and :func:`done` moves everything made so far
out of its generations (``gc.freeze``) and turns it back on, so that the
command's own work (an import of 100,000 rows, the TUI, ``hw follow``) frees
its cycles as before. A command that never calls :func:`done` is a short read
whose few cycles the exit frees.

The collector then runs after every 20,000 new objects rather than Python's
700 (``GEN0_THRESHOLD``): loading a case of 1,000 assignments and its planner
makes about 30,000, which it otherwise walked some forty times (about 1% of a
recording command's instructions, ``cli_write``). Cyclic garbage waits a little
longer; at most that many objects of it.
"""

from __future__ import annotations

import gc

_paused = False
_caller_threshold: tuple[int, int, int] | None = None

GEN0_THRESHOLD = 20_000
"""New objects between two collections of the youngest generation (Python: 700)."""


def begin() -> None:
    """Turn the collector off for the start-up (the ``hw`` console script only)."""
    global _paused, _caller_threshold
    if gc.isenabled():
        gc.disable()
        _paused = True
        _caller_threshold = gc.get_threshold()


def done(*, long_session: bool = False) -> None:
    """Start-up is over: freeze what it made and turn the collector back on.

    Args:
        long_session: the TUI: Python's own threshold (its screens freeze themselves).
    """
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        if not long_session:
            _, older, oldest = gc.get_threshold()
            gc.set_threshold(GEN0_THRESHOLD, older, oldest)
        gc.enable()


def end() -> None:
    """The command is over: the caller's collector as it was (an embedder of ``main()``)."""
    global _caller_threshold
    done(long_session=True)
    if _caller_threshold is not None:
        gc.set_threshold(*_caller_threshold)
        _caller_threshold = None
