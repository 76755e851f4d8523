"""The database's administration as use cases: ``hw db init``, ``hw db grant``, the caseloads.

- :func:`init_database` (run once by an owner, and again after an upgrade;
  idempotent) creates every table, type and index hw needs: eventsourcing's
  own through its ``CREATE_TABLE`` setting, then hw's parts
  (:data:`~hwcore.application.eventstore.schema.SCHEMA_PARTS`). On
  PostgreSQL a named caseload is a schema of its own, created here. After it,
  opening the store creates and alters nothing.
- :func:`grant_caseload` grants one role exactly what it needs on one
  caseload (PostgreSQL only): ``read-only``, ``read-write`` or ``purge``.
- :func:`caseload_names` lists every caseload the settings' role may read:
  on PostgreSQL the schemas it has ``USAGE`` on that hold hw's tables it may
  ``SELECT``; on SQLite the home's own store and its ``caseloads/NAME``
  folders that hold an events file.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

import attrs

from hwcore.config import (
    CASELOADS_DIR,
    DEFAULT_CASELOAD,
    EVENTS_FILE,
    Settings,
    apply_libpq_environment,
    check_caseload,
    ensure_private_home,
)
from hwcore.domain import InvalidValueError, StoreError
from hwcore.valueclass import Value

if TYPE_CHECKING:
    from hwcore.application.eventstore.application import StoreApplication

__all__ = ["GrantReport", "InitReport", "caseload_names", "grant_caseload", "init_database"]


@attrs.frozen(repr=False, eq=False)
class InitReport(Value):
    """What ``hw db init`` made: the backend, the caseload, each schema part and its version."""

    backend: str
    caseload: str
    parts: tuple[tuple[str, int], ...]

    def line(self) -> str:
        """One readable line."""
        parts = ", ".join(f"{name} {version}" for name, version in self.parts)
        return f"hw schema ready on {self.backend}, caseload {self.caseload!r}: {parts}"


@attrs.frozen(repr=False, eq=False)
class GrantReport(Value):
    """What ``hw db grant`` granted: to whom, on which caseload, which access, the statements."""

    caseload: str
    role: str
    access: str
    statements: tuple[str, ...]

    def line(self) -> str:
        """One readable line."""
        return f"granted {self.access} access on caseload {self.caseload!r} to role {self.role!r}"


def _store_app(env: dict[str, str], settings: Settings) -> StoreApplication:
    from hwcore.application.eventstore.application import StoreApplication
    from hwcore.extras import missing_extra

    try:
        return StoreApplication(env, home=settings.home)
    except Exception as e:  # psycopg or cryptography missing: an optional extra
        missing = missing_extra(e)
        if missing is None:
            raise
        raise missing from None


def init_database(settings: Settings) -> InitReport:
    """Create (or bring up to date) every table, type and index hw needs; idempotent.

    Args:
        settings: the store and caseload to initialise (an owner role on PostgreSQL).

    Raises:
        StoreError: the database refused (one line: e.g. the role may not create).
    """
    try:
        return _init(settings)
    except StoreError as e:
        if settings.database_url and "permission denied" in str(e):
            msg = (
                "hw db init needs an owner of the database (a role that may create schemas"
                " and tables in it, e.g. the one that owns the database): nothing was created"
            )
            raise StoreError(msg) from None
        raise


def _init(settings: Settings) -> InitReport:
    from hwcore.application.eventstore.errors import STORE_ERRORS, store_error
    from hwcore.application.eventstore.persistence import AdminRecorder
    from hwcore.application.eventstore.schema import create_parts

    env = settings.event_store_env()
    env["CREATE_TABLE"] = "yes"  # the one open that creates: eventsourcing's own tables
    if settings.database_url:
        apply_libpq_environment(settings)
        if settings.caseload is not None:
            _create_schema(env, settings.schema)
    else:
        ensure_private_home(settings)
    app = _store_app(env, settings)
    try:
        recorder = app.recorder
        assert isinstance(recorder, AdminRecorder)
        try:
            parts = create_parts(recorder)
        except STORE_ERRORS as e:
            raise store_error(e) from None
    finally:
        app.close()
    return InitReport(settings.backend, settings.caseload_name, tuple(parts))


def _create_schema(env: dict[str, str], schema: str) -> None:
    import psycopg

    from hwcore.application.eventstore.checks import connect_postgres
    from hwcore.application.eventstore.errors import store_error
    from hwcore.application.eventstore.postgres import create_schema

    conn = connect_postgres(env)
    try:
        create_schema(conn, schema)
    except psycopg.Error as e:
        raise store_error(e) from None
    finally:
        conn.close()


def grant_caseload(settings: Settings, role: str, access: str = "read-write") -> GrantReport:
    """Grant ``role`` exactly ``access`` on the settings' caseload (PostgreSQL; as an owner).

    Raises:
        StoreError: not PostgreSQL, no hw schema there yet, or the database refused.
        InvalidValueError: no such role, or an unknown access.
    """
    if not settings.database_url:
        msg = (
            "hw db grant is for PostgreSQL (a database URL): on SQLite the files'"
            " permissions decide who may read a caseload"
        )
        raise StoreError(msg)
    import psycopg

    from hwcore.application.eventstore.checks import connect_postgres
    from hwcore.application.eventstore.errors import store_error
    from hwcore.application.eventstore.postgres import grant

    name = role.strip()
    if not name or len(name) > 63 or not name.isprintable():
        raise InvalidValueError("role", "<given>", "a database role name (at most 63 characters)")
    apply_libpq_environment(settings)
    conn = connect_postgres(settings.event_store_env())
    try:
        done = grant(conn, settings.schema, name, access)
    except psycopg.Error as e:
        raise store_error(e) from None
    finally:
        conn.close()
    return GrantReport(settings.caseload_name, name, access, tuple(done))


def caseload_names(settings: Settings) -> list[str]:
    """Every caseload the settings' role may read, the default one first, then by name.

    Raises:
        StoreError: the database cannot be reached.
    """
    if settings.database_url:
        import psycopg

        from hwcore.application.eventstore.checks import connect_postgres
        from hwcore.application.eventstore.errors import store_error
        from hwcore.application.eventstore.postgres import caseload_of, readable_schemas

        apply_libpq_environment(settings)
        conn = connect_postgres(settings.event_store_env())
        try:
            return [caseload_of(schema) for schema in readable_schemas(conn)]
        except psycopg.Error as e:
            raise store_error(e) from None
        finally:
            conn.close()
    names = [DEFAULT_CASELOAD] if (settings.home / EVENTS_FILE).is_file() else []
    folder = settings.home / CASELOADS_DIR
    found: list[str] = []
    with suppress(OSError):
        for child in folder.iterdir():
            if not (child / EVENTS_FILE).is_file():
                continue
            with suppress(InvalidValueError):
                found.append(check_caseload(child.name))
    return names + sorted(found)


def describe(report: Any) -> dict[str, Any]:
    """A report of this module as JSON-ready data."""
    return attrs.asdict(report)
