"""Progress bars with counts for long commands: on a terminal only, silent with --quiet or piped.

Like pip and sqlite-utils: the bar goes to stderr, so stdout stays the command's
output, and nothing is drawn when stderr is not a terminal (a script, a pipe, CI).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click

from hwcli.common import own_stderr

F = TypeVar("F", bound=Callable[..., Any])

Update = Callable[[int, int], None]
"""A stage's callback: (done, total)."""


def quiet_option(f: F) -> F:
    """Add ``-q/--quiet`` (no progress bar, even on a terminal)."""
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="No progress bar (there is none when not on a terminal).",
    )(f)


def bars_wanted(quiet: bool) -> bool:
    """True when a progress bar should be drawn: stderr is a terminal and not --quiet."""
    return not quiet and sys.stderr.isatty()


@contextlib.contextmanager
def stages(quiet: bool = False) -> Iterator[Callable[[str], Update] | None]:
    """Yield ``stage(label) -> update(done, total)``, one bar per stage; None when silent."""
    if not bars_wanted(quiet):
        yield None
        return
    with contextlib.ExitStack() as whole:
        current: list[contextlib.ExitStack] = []

        def stage(label: str) -> Update:
            if current:
                current.pop().close()  # the previous stage's bar is finished
            bar_stack = whole.enter_context(contextlib.ExitStack())
            current.append(bar_stack)
            bar: Any = None
            done = 0

            def update(position: int, total: int) -> None:
                nonlocal bar, done
                if bar is None:
                    bar = bar_stack.enter_context(
                        click.progressbar(
                            length=max(total, 1),
                            label=label,
                            show_pos=True,
                            file=own_stderr(),  # its \r and cursor codes, unescaped
                        )
                    )
                bar.update(position - done)
                done = position

            return update

        yield stage


@contextlib.contextmanager
def bar(label: str, quiet: bool = False) -> Iterator[Update | None]:
    """One stage: an ``update(done, total)`` drawing a bar with counts, or None when silent."""
    with stages(quiet) as stage:
        yield None if stage is None else stage(label)
