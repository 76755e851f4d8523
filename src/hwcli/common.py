"""What every ``hw`` command shares: the lazily opened application, the error
mapping, and output helpers (JSON, tables, warnings).

Command modules (``hwcli.cmd_*``) import from here, never from ``hwcli.main``
(``python -m hwcli.main`` runs that module as ``__main__``). Keep this module
light: it is imported on every start, so hwcore is only imported when a command
actually needs the application.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TextIO, TypeVar, cast

import click

if TYPE_CHECKING:
    from hwcore.application import HwApplication

P = ParamSpec("P")
R = TypeVar("R")

PROG = "hw"
DEBUG_ENV = "HW_DEBUG"
"""Set to 1 to let unexpected errors raise with a traceback (may show client data)."""
MAX_CELL = 48
"""Longest table cell before it is shortened with an ellipsis."""


class ExitStatus(enum.IntEnum):
    """The process exit codes of ``hw`` (spec section 5)."""

    SUCCESS = 0
    ERROR = 1
    """A domain error: unknown client, invalid value, already resolved..."""
    USAGE = 2
    """A usage error: unknown option, missing argument, bad option type."""
    INTERRUPTED = 130


class State:
    """Where the data lives, and the application opened on first use."""

    def __init__(self, home: str | None = None, database_url: str | None = None) -> None:
        self.home = home
        self.database_url = database_url
        self._app: HwApplication | None = None
        self._committed = 0
        _STATES.append(self)

    @property
    def committed(self) -> bool:
        """True once this command committed a change to the store (it then stands)."""
        app = self._app
        return self._committed > 0 or (app is not None and app.committed_events > 0)

    @property
    def app(self) -> HwApplication:
        """The application (opened now if it is not open yet)."""
        if self._app is None:
            from hwcore.bootstrap import open_application

            self._app = open_application(
                self.home, database_url=self.database_url, create=not _reading()
            )
            from hwcli import startup

            startup.done()
        return self._app

    @property
    def is_open(self) -> bool:
        """True once a command has opened the application."""
        return self._app is not None

    def close(self) -> None:
        """Close the application if it was opened."""
        if self._app is not None:
            app, self._app = self._app, None
            self._committed += app.committed_events
            app.close()


READ_COMMANDS = frozenset(
    {
        "plan", "history", "vocab", "export", "caseload", "audit", "clients", "client show",
        "config get", "config list", "admin-log", "readmodel status", "print plan",
        "print handout", "measure list", "alert list", "access-log", "note",
    }
)  # fmt: skip
"""Commands that only read: on a home that does not exist they fail, creating nothing."""


def _reading() -> bool:
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    path = ctx.command_path.split(" ", 1)
    return len(path) == 2 and path[1] in READ_COMMANDS


_STATES: list[State] = []
"""The states of the command ``run`` is running (to know whether a write committed)."""


def _committed() -> bool:
    return any(state.committed for state in _STATES)


pass_state = click.make_pass_decorator(State, ensure=True)
"""Pass the shared :class:`State` as the first argument of a command."""


def current_state() -> State:
    """The :class:`State` of the running command (created if missing)."""
    ctx = click.get_current_context()
    state = ctx.find_object(State)
    if state is None:
        state = ctx.ensure_object(State)
        ctx.call_on_close(state.close)
    return state


def pass_app(f: Callable[Concatenate[HwApplication, P], R]) -> Callable[P, R]:
    """Pass the (lazily opened) application as the first argument of a command."""

    @functools.wraps(f)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return f(current_state().app, *args, **kwargs)

    return wrapper


# ------------------------------------------------------------------ errors


def one_line(text: str) -> str:
    """Collapse any whitespace (newlines included) so a message is one line."""
    return " ".join(str(text).split())


def error_line(message: str) -> str:
    """The single stderr line of an error."""
    return f"{PROG}: error: {one_line(message)}"


def fail(message: str) -> NoReturn:
    """Stop the command with one error line and exit code 1."""
    raise HwCliError(message)


class HwCliError(click.ClickException):
    """An error raised by a command itself (one 'hw: error:' line, exit 1).

    For usage errors (exit 2) raise ``click.UsageError`` or ``click.BadParameter``.
    """

    exit_code = int(ExitStatus.ERROR)

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the one error line on stderr."""
        click.echo(error_line(self.format_message()), file=file or sys.stderr, color=True)


def _is_hw_error(error: BaseException) -> bool:
    if "hwcore.domain.errors" not in sys.modules:
        return False
    from hwcore.application import HwError

    return isinstance(error, HwError)


def _missing_extra(error: BaseException) -> str | None:
    if "hwcore.extras" not in sys.modules and not isinstance(error, ModuleNotFoundError):
        return None
    from hwcore.application import missing_extra

    found = missing_extra(error)
    return None if found is None else str(found)


def _usage_line(error: click.UsageError) -> str:
    hint = ""
    if error.ctx is not None:
        hint = f" (see '{error.ctx.command_path} --help')"
    return error_line(error.format_message()) + hint


class TerminalSafeStream:
    """A text stream that passes everything written through hwcore's terminal sanitiser.

    ``run`` puts one over stdout and stderr, so no control character or escape
    sequence from stored text (a title, an explanation, the clinic's name)
    reaches the terminal, whatever command printed it. JSON output is escaped
    before it gets here (``json_text``), so it passes unchanged.
    """

    def __init__(self, stream: IO[str]) -> None:
        from hwcore.application import terminal_text

        self._stream = stream
        self._clean = terminal_text

    failed: OSError | None = None
    """The error writing to the underlying stream raised (EPIPE, ENOSPC), if any."""

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters made visible (tab, newline kept)."""
        try:
            self._stream.write(self._clean(text))
        except OSError as e:
            self.failed = e
            raise
        return len(text)

    def flush(self) -> None:
        """Flush the underlying stream (remembering a failure)."""
        try:
            self._stream.flush()
        except OSError as e:
            self.failed = e
            raise

    def writelines(self, lines: Iterable[str]) -> None:
        """Write each line."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    @property
    def unsanitised(self) -> TextIO:
        """The stream underneath, for hw's own control sequences only (a progress bar)."""
        return cast("TextIO", self._stream)


def own_stderr() -> TextIO:
    """stderr for what hw itself draws (a progress bar's \\r and cursor codes).

    Only hw's own labels and counts may be written here: stored text goes to
    ``sys.stderr``, through the terminal sanitiser.
    """
    err: Any = sys.stderr
    return cast("TextIO", err.unsanitised if isinstance(err, TerminalSafeStream) else err)


def _safe_streams() -> tuple[Any, Any]:
    """Put :class:`TerminalSafeStream` over stdout and stderr; return the originals."""
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None and not isinstance(sys.stdout, TerminalSafeStream):
        sys.stdout = TerminalSafeStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, TerminalSafeStream):
        sys.stderr = TerminalSafeStream(sys.stderr)
    return saved


def run(
    command: click.Command,
    args: Sequence[str] | None = None,
    prog_name: str | None = None,
    **extra: Any,
) -> int:
    """Run a click command and map every failure to an exit code and one line.

    hw errors (``HwError``) exit 1; usage errors exit 2; Ctrl-C exits 130; any
    other exception prints one line that names only its type (tracebacks may
    hold client data) and exits 1. Set ``HW_DEBUG=1`` to see the traceback.
    Everything printed passes the terminal sanitiser (:class:`TerminalSafeStream`).
    """
    saved = _safe_streams()
    _STATES.clear()
    try:
        code = _run(command, args, prog_name, **extra)
        try:
            sys.stdout.flush()  # here, not at exit: a failure must be reported
        except OSError as e:
            code = _output_failed(e, code)
        except KeyboardInterrupt:
            code = _interrupted()
        return code
    finally:
        sys.stdout, sys.stderr = saved
        _STATES.clear()


def _stands(why: str) -> None:
    with contextlib.suppress(OSError):
        click.echo(
            f"{PROG}: {why}, but the change was recorded and stands: do not run it again",
            file=sys.stderr,
        )


def _output_failed(error: OSError, code: int) -> int:
    """stdout failed (EPIPE, a full disk): 0 when the command's write committed."""
    _silence_stdout()
    if _committed():
        _stands(f"the output could not be written ({error.strerror or type(error).__name__})")
        return ExitStatus.SUCCESS
    if isinstance(error, BrokenPipeError):
        return ExitStatus.ERROR  # the reader went away (`hw history X | head`): quietly
    reason = error.strerror or type(error).__name__
    click.echo(error_line(f"cannot write the output: {reason}"), file=sys.stderr, color=True)
    return ExitStatus.ERROR if code == 0 else code


def _interrupted() -> int:
    if _committed():
        _silence_stdout()  # unwritten output would block the exit again
        _stands("interrupted")
        return ExitStatus.SUCCESS
    click.echo(f"{PROG}: interrupted", file=sys.stderr, color=True)
    return ExitStatus.INTERRUPTED


def _run(
    command: click.Command,
    args: Sequence[str] | None,
    prog_name: str | None,
    **extra: Any,
) -> int:
    err = sys.stderr
    # color=True: click never strips an escape sequence itself (it would, off a
    # terminal only): every line reaches TerminalSafeStream, which shows it
    # (\x1b[31m) the same way on a terminal, in a pipe and in a file.
    extra.setdefault("color", True)
    try:
        rv = command.main(args=args, prog_name=prog_name, standalone_mode=False, **extra)
    except click.exceptions.NoArgsIsHelpError as e:
        e.show()
        return ExitStatus.USAGE
    except click.UsageError as e:
        click.echo(_usage_line(e), file=err, color=True)
        return ExitStatus.USAGE
    except click.ClickException as e:
        click.echo(error_line(e.format_message()), file=err, color=True)
        return e.exit_code
    except click.Abort as e:
        if isinstance(e.__cause__, KeyboardInterrupt):
            return _interrupted()
        click.echo(f"{PROG}: aborted", file=err, color=True)
        return ExitStatus.ERROR
    except KeyboardInterrupt:
        return _interrupted()
    except OSError as e:
        if isinstance(e, BrokenPipeError) or getattr(sys.stdout, "failed", None) is e:
            return _output_failed(e, ExitStatus.ERROR)
        return _unexpected(e)
    except SystemExit:
        # click turns a broken pipe into exit 1 (and quiets the streams).
        failed = getattr(sys.stdout, "failed", None)
        if isinstance(failed, OSError):
            return _output_failed(failed, ExitStatus.ERROR)
        raise
    except Exception as e:
        return _unexpected(e)
    if isinstance(rv, int) and not isinstance(rv, bool):
        return rv
    return ExitStatus.SUCCESS


def _unexpected(e: Exception) -> int:
    """One line for an hw error, or one that names only the type of any other error."""
    err = sys.stderr
    if _is_hw_error(e):
        click.echo(error_line(str(e)), file=err, color=True)
        return ExitStatus.ERROR
    missing = _missing_extra(e)
    if missing is not None:  # an optional extra (print, postgres, crypto)
        click.echo(error_line(missing), file=err, color=True)
        return ExitStatus.ERROR
    if os.environ.get(DEBUG_ENV):
        raise e
    # Never str(e): the message of an unexpected error may carry client text.
    click.echo(
        error_line(
            f"unexpected internal error ({type(e).__name__}); details hidden to"
            f" protect client data (set {DEBUG_ENV}=1 to see them)"
        ),
        file=err,
        color=True,
    )
    return ExitStatus.ERROR


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class LazyGroup(click.Group):
    """A click group whose subcommands are imported when used (click's lazy-loading pattern).

    Args:
        lazy_subcommands: command name -> ``"module:attribute"``. ``hw caseload``
            imports only the caseload command's module: start-up time.
    """

    def __init__(
        self, *args: Any, lazy_subcommands: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, eager and lazy, sorted."""
        return sorted({*super().list_commands(ctx), *self.lazy_subcommands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, importing its module first if it is a lazy one."""
        target = self.lazy_subcommands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        import importlib

        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):  # a wrong table entry: a bug
            msg = f"{target} is not a click command"
            raise TypeError(msg)
        return command


class HwGroup(LazyGroup):
    """The ``hw`` group: lazy subcommands; ``main`` maps errors to exit codes and one line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the group; in standalone mode exit with hw's exit codes."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        # run() calls main() again with standalone_mode=False: the plain click path.
        sys.exit(run(self, args=args, prog_name=prog_name, complete_var=complete_var, **extra))


# ------------------------------------------------------------------ output


def echo_json(value: Any) -> None:
    """Print one JSON document (DTOs and planner values go through ``to_dict``)."""
    from hwcore.application import json_text, to_dict

    click.echo(json_text(to_dict(value)))


def echo_json_data(document: Any) -> None:
    """Print JSON-ready data as one JSON document (floats rounded as ``to_dict`` does)."""
    from hwcore.application import json_text
    from hwcore.application.quick import rounded

    click.echo(json_text(rounded(document)))


def warn(message: str) -> None:
    """Print one warning line on stderr."""
    click.echo(f"{PROG}: warning: {one_line(message)}", err=True)


def shorten(value: object, width: int = MAX_CELL) -> str:
    """A one-line table cell of at most ``width`` characters (control characters shown)."""
    from hwcore.application import terminal_text

    text = terminal_text(one_line("" if value is None else str(value)), keep_layout=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    indent: str = "",
    width: int = MAX_CELL,
) -> str:
    """A plain-text table with aligned columns (cells shortened to one line)."""
    # Written for speed (``hw caseload`` prints thousands of rows): repeated
    # values are shortened once, widths and lines are built by C-level calls.
    memo: dict[tuple[type, object], str] = {}

    def cell(value: object) -> str:
        if type(value) is int:  # ids and sessions: nothing to shorten or show (cli_plan)
            return str(value)
        key = (type(value), value)  # the type too: 1, 1.0 and True are equal keys
        try:
            return memo[key]
        except KeyError:
            text = memo[key] = shorten(value, width)
            return text
        except TypeError:  # an unhashable value
            return shorten(value, width)

    return aligned(headers, [[cell(c) for c in row] for row in rows], indent=indent)


def aligned(headers: Sequence[str], cells: Sequence[Sequence[str]], *, indent: str = "") -> str:
    """Left-aligned columns of cells that are already one-line strings (see :func:`table`)."""
    widths = [len(h) for h in headers]
    if cells:
        columns = zip(*cells, strict=True)
        widths = [max(w, *map(len, column)) for w, column in zip(widths, columns, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [
        indent + line.format(*headers).rstrip(),
        indent + "  ".join("-" * w for w in widths),
    ]
    lines += [indent + line.format(*row).rstrip() for row in cells]
    return "\n".join(lines)


def percent(rate: float | None) -> str:
    """'75%' (or '-' when there is no rate)."""
    return "-" if rate is None else f"{rate:.0%}"


# ------------------------------------------------------------------ options


def json_option(f: Callable[P, R]) -> Callable[P, R]:
    """Add ``--json`` (print one JSON object instead of text)."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print one JSON object instead of text."
    )(f)


def session_option(f: Callable[P, R]) -> Callable[P, R]:
    """Add ``--session N`` (the session it applies to; latest when omitted)."""
    return click.option(
        "--session",
        type=int,
        metavar="N",
        help="Session number it applies to (held now if new; default: the latest).",
    )(f)


def date_option(f: Callable[P, R]) -> Callable[P, R]:
    """Add ``--date YYYY-MM-DD`` (the session's date when the session is new)."""
    return click.option(
        "--date",
        metavar="YYYY-MM-DD",
        help="Date of the session when it is new (default: today).",
    )(f)
