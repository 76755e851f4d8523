"""The composition root: one function that wires settings, store and application."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from hwcore.application import HwApplication
from hwcore.application.eventstore.checks import check_not_emptied
from hwcore.config import Settings, ensure_private_home, resolve_settings
from hwcore.extras import missing_extra, needs
from hwcore.readmodel.fastread import tracked_position

__all__ = ["Settings", "open_application", "resolve_settings"]


def open_application(
    home: str | os.PathLike[str] | None = None,
    *,
    database_url: str | None = None,
    settings: Settings | None = None,
    today: Callable[[], dt.date] = dt.date.today,
) -> HwApplication:
    """Open the hw application on the configured store.

    Args:
        home: the data folder (else ``HW_HOME``, else the user data dir).
        database_url: a ``postgresql://`` URL (else ``HW_DATABASE_URL``, else
            SQLite in the home folder).
        settings: already resolved settings (overrides home and database_url).
        today: the clock for default session dates.

    Returns:
        An open :class:`~hwcore.application.HwApplication`; close it (or use it
        as a context manager) when done.

    Raises:
        StoreError: the store cannot be opened (clear, content-free message).
        MissingExtraError: the store needs an extra that is not installed
            (``postgres`` for a database URL, ``crypto`` for a cipher key).
    """
    resolved = settings or resolve_settings(home, database_url)
    require_extras(resolved)
    if resolved.database_url is None:
        check_not_emptied(resolved.events_path, lambda: tracked_position(resolved.readmodel_path))
    ensure_private_home(resolved)
    try:
        app = HwApplication(resolved.event_store_env(), today=today, home=resolved.home)
    except Exception as e:  # psycopg or cryptography missing: an optional extra
        missing = missing_extra(e)
        if missing is None:
            raise
        raise missing from None
    # The planner cache serves the quick path, which reads only the embedded store.
    app.attach_readmodel(resolved.readmodel_location, plan_cache=resolved.backend == "sqlite")
    return app


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
