"""The read policy: the one place that decides whether a read is fast or full.

Every frontend's caseload and current planner come through :func:`answer`
(``hw plan``, ``hw caseload``, the TUI's caseload, and
:mod:`hwcore.application.quick` for embedders). A read is *fast* when a read
model file already holds the answer and is provably as current as the event
log: then it is read with the stdlib ``sqlite3`` driver, and neither
eventsourcing, the domain nor the planner is imported. Otherwise it is *full*:
the application answers, catching the read model up first. The fast read is
taken only when all of these hold (see docs/adr/0004-one-read-policy.md):

- no application is open yet in this process (an open one answers as fast,
  and is current by construction);
- the store is the embedded SQLite file (no database URL) without a cipher key
  (with one, the read model lives in memory only);
- both files exist and the store's header is sound;
- the store's last event is plain JSON (:func:`~hwcore.application.eventstore.sqlitefile.log_head`)
  and the read model tracks exactly that event, with every migration applied
  (:func:`~hwcore.readmodel.fastread.answer_if_current`);
- for a planner: no ``--as-of``, and the cached ``plans`` row has the client's
  current version.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:
    import sqlite3

    from hwcore.application.app import HwApplication
    from hwcore.application.eventstore.sqlitefile import LogHead
    from hwcore.planner import Planner
    from hwcore.readmodel.caseload import CaseloadEntry
    from hwcore.readmodel.fastread import Query

T = TypeVar("T")

READ_MODEL = "read model"
"""An answer's source: a current read model file (the fast read)."""
APPLICATION = "application"
"""An answer's source: the application (the full read)."""


class Read(NamedTuple, Generic[T]):
    """One question, asked both ways: a read-model query and the application's answer."""

    fast: Query[T] | None
    """The query on a current read model (None: never fast, e.g. a planner as of a session)."""
    full: Callable[[HwApplication], T]
    """The application's answer (it catches the read model up first)."""
    access: tuple[str, str] | None = None
    """The access-log entry a fast answer appends, (action, client); the full
    answer's application logs its own (None: the read is not logged)."""


class Answer(NamedTuple, Generic[T]):
    """An answer and where it came from (:data:`READ_MODEL` or :data:`APPLICATION`)."""

    value: T
    source: str


def caseload_read(*, due_only: bool = False) -> Read[list[CaseloadEntry]]:
    """The caseload (attention first), as :meth:`HwApplication.caseload` gives it."""
    from hwcore.readmodel.fastread import caseload_query

    return Read(caseload_query(due_only=due_only), lambda app: app.caseload(due_only=due_only))


def caseload_text_read(*, due_only: bool = False) -> Read[str]:
    """The caseload as ``hw caseload`` prints it (one line per client, attention first)."""
    from hwcore.readmodel.fastread import caseload_text_query

    def full(app: HwApplication) -> str:
        from hwcore.readmodel.caseload_text import render_caseload

        return render_caseload(app.caseload(due_only=due_only), due_only=due_only)

    return Read(caseload_text_query(due_only=due_only), full)


def planner_read(
    client: str, *, as_of_session: int | None = None, as_of_date: str | None = None
) -> Read[Planner]:
    """CLIENT's typed planner, as :meth:`HwApplication.plan` gives it (what the CLI renders)."""

    def full(app: HwApplication) -> Planner:
        return app.plan(client, as_of_session=as_of_session, as_of_date=as_of_date)

    if as_of_session is not None or as_of_date is not None:
        return Read(None, full)  # the past is computed from the log, never cached
    from hwcore.readmodel.fastread import planner_query

    text = planner_query(client)

    def cached(conn: sqlite3.Connection) -> Planner | None:
        found = text(conn)
        if found is None:
            return None
        from hwcore.planner.cache import from_cache

        try:
            return from_cache(found)
        except ValueError:  # another hw's cached form: the application computes it
            return None

    return Read(cached, full, ("plan", client.strip()))


def answer(
    read: Read[T],
    home: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    *,
    opened: HwApplication | None = None,
    open_application: Callable[[], HwApplication] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Answer[T] | None:
    """Answer a read: from a current read model when it provably can, else from the application.

    Args:
        read: the question (:func:`caseload_read`, :func:`planner_read`).
        home: the data folder (else ``HW_HOME``, else the user data dir).
        database_url: a database URL (else ``HW_DATABASE_URL``).
        opened: the application, if one is open already: it answers.
        open_application: opens the application when the fast read declines
            (None: return None instead, e.g. on a UI thread that must not block).
        environ: the environment to resolve settings from (default ``os.environ``).

    Returns:
        The answer and its source; None only when the fast read declined and
        no application was given.
    """
    if opened is not None:
        return Answer(read.full(opened), APPLICATION)
    if read.fast is not None:
        value = _fast(read.fast, home, database_url, environ, read.access)
        if value is not None:
            return Answer(value, READ_MODEL)
    if open_application is None:
        return None
    return Answer(read.full(open_application()), APPLICATION)


def _fast(
    query: Query[T],
    home: str | os.PathLike[str] | None,
    database_url: str | None,
    environ: Mapping[str, str] | None,
    access: tuple[str, str] | None = None,
) -> T | None:
    from hwcore.application.eventstore.sqlitefile import with_log_head
    from hwcore.config import resolve_settings
    from hwcore.readmodel.fastread import answer_if_current

    settings = resolve_settings(home, database_url, environ)
    if settings.database_url or settings.cipher_key:
        return None
    try:
        if not settings.readmodel_path.is_file() or not settings.events_path.is_file():
            return None
    except OSError:  # a home this user may not enter: the application explains
        return None

    def use(head: LogHead, conn: sqlite3.Connection) -> T | None:
        value = answer_if_current(settings.readmodel_path, head, query)
        if value is None or access is None:
            return value
        from hwcore.application.eventstore.accesslog import AccessRow, append_on_connection, now
        from hwcore.clinician import os_user

        row = AccessRow(now(), settings.clinician or os_user(), *access)
        # Not logged (a file this process may not write): the application answers instead.
        return value if append_on_connection(conn, row) else None

    return with_log_head(settings.events_path, use)
