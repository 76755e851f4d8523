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
"""

from __future__ import annotations

import gc

_paused = False


def begin() -> None:
    """Turn the collector off for the start-up (the ``hw`` console script only)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def done() -> None:
    """Start-up is over: freeze what it made and turn the collector back on."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
