"""The composition root: one function that wires settings, store and application."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable
from pathlib import Path

from hwcore.application import HwApplication, StoreError
from hwcore.application.eventstore.checks import check_not_emptied
from hwcore.clinician import check_clinician, resolve_clinician
from hwcore.config import (
    Settings,
    apply_libpq_environment,
    ensure_private_home,
    resolve_settings,
)
from hwcore.extras import missing_extra, needs
from hwcore.readmodel.fastread import tracked_position

__all__ = ["Settings", "open_application", "resolve_settings"]


def open_application(
    home: str | os.PathLike[str] | None = None,
    *,
    database_url: str | None = None,
    settings: Settings | None = None,
    today: Callable[[], dt.date] = dt.date.today,
    create: bool = True,
    clinician: str | None = None,
) -> HwApplication:
    """Open the hw application on the configured store.

    Args:
        home: the data folder (else ``HW_HOME``, else the user data dir).
        database_url: a ``postgresql://`` URL (else ``HW_DATABASE_URL``, else
            SQLite in the home folder).
        settings: already resolved settings (overrides home and database_url).
        today: the clock for default session dates.
        create: create the home and its store when missing (False for a read:
            a home or caseload folder that does not exist is then an error and
            nothing is created; an existing folder without a store still gets an
            empty one, so that a new home's first read shows no clients).
        clinician: who records and reads (else the settings', else ``HW_CLINICIAN``,
            the home's ``clinician.id``, the operating-system user).

    Returns:
        An open :class:`~hwcore.application.HwApplication`; close it (or use it
        as a context manager) when done.

    Raises:
        StoreError: the store cannot be opened (clear, content-free message).
        MissingExtraError: the store needs an extra that is not installed
            (``postgres`` for a database URL, ``crypto`` for a cipher key).
        InvalidValueError: a malformed clinician identifier.
    """
    resolved = settings or resolve_settings(home, database_url)
    who = check_clinician(clinician) if clinician is not None else resolved.clinician
    if who is None:
        who = resolve_clinician(os.environ, resolved.home)
    require_extras(resolved)
    apply_libpq_environment(resolved)  # sslmode & co. reach libpq
    if resolved.backend == "sqlite":
        _check_home(resolved, create=create)
    if resolved.database_url is None:
        check_not_emptied(resolved.events_path, lambda: tracked_position(resolved.readmodel_path))
    read_only = not create and resolved.backend == "sqlite" and _read_only(resolved)
    env = resolved.event_store_env()
    if read_only:
        # A home on a read-only disk (or without write permission) is read as
        # it is: the store opened read-only, the read model kept in memory.
        # No writer can change a store on a read-only disk: without a WAL to
        # replay it is read as immutable (SQLite then needs no -shm file).
        wal = resolved.events_path.with_name(resolved.events_path.name + "-wal")
        flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
        env["SQLITE_DBNAME"] = f"{resolved.events_path.as_uri()}?{flags}"
    else:
        ensure_private_home(resolved)
    try:
        app = HwApplication(env, today=today, home=resolved.home, clinician=who)
    except Exception as e:  # psycopg or cryptography missing: an optional extra
        missing = missing_extra(e)
        if missing is None:
            raise
        raise missing from None
    # The planner cache serves the quick path, which reads only the embedded store.
    app.attach_readmodel(
        None if read_only else resolved.readmodel_location,
        plan_cache=resolved.backend == "sqlite" and not read_only,
    )
    return app


def _read_only(settings: Settings) -> bool:
    """True when the home holds a store that this process may not write."""
    events = settings.events_path
    try:
        if not events.is_file():
            return False
    except OSError as e:  # checked by _check_home: only a change since then gets here
        raise _home_error(settings.home, e) from None
    return not (os.access(settings.home, os.W_OK) and os.access(events, os.W_OK))


def _check_home(settings: Settings, *, create: bool) -> None:
    """Refuse, in one clear line, an SQLite home this process cannot use.

    A home path that is a file (or under one), a home or caseload folder this
    user may not enter, an event store that is not a file; with ``create`` off,
    a home or caseload that does not exist (nothing is then created).

    Raises:
        StoreError: the home cannot be used (the message names it and what to check).
    """
    home = settings.home
    try:
        kind = _kind(home)
        if kind is None and not create:
            msg = (
                f"there is no hw home at {str(home)!r} (nothing was created):"
                " check --home or HW_HOME, or record something first"
            )
            raise StoreError(msg)
        if kind not in (None, "folder"):
            msg = f"the hw home {str(home)!r} is a {kind}, not a folder: check --home or HW_HOME"
            raise StoreError(msg)
        data = None if kind is None else _kind(settings.data_dir)
        if data is None and kind is not None and not create:
            msg = (
                f"there is no caseload {settings.caseload_name!r} in this hw home (nothing was"
                " created): check --caseload or HW_CASELOAD (hw db caseloads lists them)"
            )
            raise StoreError(msg)
        if data not in (None, "folder"):
            msg = (
                f"the caseload {settings.caseload_name!r} of the hw home {str(home)!r} is a"
                f" {data}, not a folder: move it away, or choose another caseload"
            )
            raise StoreError(msg)
        events = None if data is None else _kind(settings.events_path)
        if events not in (None, "file"):
            msg = (
                f"the event store {str(settings.events_path)!r} is a {events}, not a file:"
                " move it away, or check --home or HW_HOME"
            )
            raise StoreError(msg)
    except OSError as e:
        raise _home_error(home, e) from None


def _kind(path: Path) -> str | None:
    """'folder', 'file' or 'special file' for what is at ``path``; None when nothing is.

    Raises:
        OSError: the path cannot be looked at (a folder on the way this user
            may not enter: PermissionError; a file on the way: NotADirectoryError).
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "special file"


def _home_error(home: Path, error: OSError) -> StoreError:
    """The one clear line for an OS error met while looking at the hw home."""
    if isinstance(error, PermissionError):
        msg = (
            f"cannot read the hw home {str(home)!r}: permission denied: check that this"
            " user owns it and may enter it (ls -ld), or choose another with --home or HW_HOME"
        )
    elif isinstance(error, NotADirectoryError):
        msg = (
            f"the hw home {str(home)!r} cannot be a folder: a part of that path is a file:"
            " check --home or HW_HOME"
        )
    else:
        reason = error.strerror or type(error).__name__
        msg = f"cannot open the hw home {str(home)!r}: {reason}: check --home or HW_HOME"
    return StoreError(msg)


def require_extras(settings: Settings) -> None:
    """Refuse, before anything is created, a store whose optional extra is not installed.

    Raises:
        MissingExtraError: ``postgres`` for a database URL, ``crypto`` for a cipher key.
    """
    if settings.backend == "postgres":
        with needs("postgres"):
            import psycopg  # noqa: F401
    if settings.cipher_key:
        with needs("crypto"):
            import cryptography  # noqa: F401
