"""The one table of store errors: a driver failure becomes one clear, content-free line."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from eventsourcing.persistence import (
    ConnectionPoolClosedError,
    MapperDeserialisationError,
    PersistenceError,
)

from hwcore.domain import HwError, StoreError

STORE_ERRORS: tuple[type[Exception], ...] = (
    PersistenceError,
    MapperDeserialisationError,
    ConnectionPoolClosedError,
    sqlite3.Error,
)
"""Exceptions from the storage layer that hw turns into :class:`StoreError`."""

CLOSED = "the hw application is closed: open it again (hwcore.bootstrap.open_application)"
"""The message of any use of an application after its ``close()``."""

Words = tuple[str, ...]
"""Words that must all appear in a driver's message (lower case)."""

STORE_ERROR_TABLE: tuple[tuple[tuple[Words, ...], str, str], ...] = (
    (
        (("not a database",), ("malformed",), ("corrupt",)),
        "the event store is not a readable hw database (corrupt or not an hw file)",
        "the event store {name} is corrupt or not an hw database",
    ),
    (
        (("locked",), ("busy",)),
        "the event store is busy (another hw is writing): try again",
        "the event store is busy (another hw is writing): try again",
    ),
    (
        (("readonly",), ("read-only",)),
        "the event store is read-only: check the hw home's permissions",
        "cannot open the event store {name}: check the hw home is writable",
    ),
    (
        (("disk", "full"),),
        "the disk is full: nothing was written",
        "cannot use the event store {name}: the disk is full or failing"
        " (SQLite needs a little space even to read): free some space; nothing was changed",
    ),
    (
        (("unable to open",),),
        "cannot open the event store: check the hw home exists and is writable",
        "cannot open the event store {name}: check the hw home is writable",
    ),
    (
        (("disk i/o error",), ("no space",), ("file too large",)),
        "the event store could not be read or written (disk full or I/O error):"
        " free some space; nothing was written",
        "cannot use the event store {name}: the disk is full or failing"
        " (SQLite needs a little space even to read): free some space; nothing was changed",
    ),
    (
        (("failed to deserialise",),),
        "an event cannot be read (damaged, or HW_CIPHER_KEY does not fit this store)",
        "an event cannot be read (damaged, or HW_CIPHER_KEY does not fit this store)",
    ),
    (
        (("does not support ssl",),),
        "the PostgreSQL server offers no TLS but the database URL requires it (sslmode):"
        " nothing was sent; enable TLS on the server or change sslmode",
        "the PostgreSQL server offers no TLS but the database URL requires it (sslmode):"
        " nothing was sent; enable TLS on the server or change sslmode",
    ),
    (
        (("root certificate",), ("certificate verify failed",), ("ssl error",)),
        "the PostgreSQL server's TLS certificate could not be verified (sslmode, sslrootcert"
        " in the database URL): nothing was sent",
        "the PostgreSQL server's TLS certificate could not be verified (sslmode, sslrootcert"
        " in the database URL): nothing was sent",
    ),
    (
        (("could not translate host name",), ("name or service not known",)),
        "cannot resolve the PostgreSQL host in the database URL: check its spelling",
        "cannot resolve the PostgreSQL host in the database URL: check its spelling",
    ),
    (
        (("server closed the connection",), ("terminating connection",)),
        "the PostgreSQL server closed the connection (restarted or stopped?):"
        " check with 'hw history' whether the last command was recorded, then try again",
        "the PostgreSQL server closed the connection (restarted or stopped?):"
        " check with 'hw history' whether the last command was recorded, then try again",
    ),
    (
        (("no password supplied",),),
        "PostgreSQL wants a password: put it in ~/.pgpass (or PGPASSFILE) or a service file",
        "PostgreSQL wants a password: put it in ~/.pgpass (or PGPASSFILE) or a service file",
    ),
    (
        (("password authentication failed",), ("role", "does not exist")),
        "PostgreSQL refused the user or password in the database URL",
        "PostgreSQL refused the user or password in the database URL",
    ),
    (
        (("database", "does not exist"),),
        "the PostgreSQL database in the database URL does not exist: create it first",
        "the PostgreSQL database in the database URL does not exist: create it first",
    ),
    (
        (("permission denied",),),
        "PostgreSQL denied this database role the operation (permission denied): nothing was"
        " changed; an owner grants what it needs with 'hw db grant' (--purge to erase clients)",
        "PostgreSQL denied this database role the operation (permission denied): nothing was"
        " changed; an owner grants what it needs with 'hw db grant' (--purge to erase clients)",
    ),
    (
        (("connection refused",), ("couldn't get a connection",), ("timeout",)),
        "cannot reach the PostgreSQL server in the database URL: is it running?",
        "cannot reach the PostgreSQL server in the database URL: is it running?",
    ),
)
"""(alternatives of words in the driver's message, the message, the message naming the file).

The first row whose words all appear (in any one alternative) gives the
message; the driver's own text is never shown (it can quote stored values).
"""


def store_error_message(error: BaseException, name: str | None = None) -> str:
    """A clear, content-free message for a storage failure.

    Args:
        error: the driver's or the library's exception.
        name: the store file's name, when the failure is about one file.

    Returns:
        One line from :data:`STORE_ERROR_TABLE`, else naming only the error's type.
    """
    if isinstance(error, ConnectionPoolClosedError):  # a use after close() (an embedder)
        return CLOSED
    text = str(error).lower()
    for alternatives, message, named in STORE_ERROR_TABLE:
        if any(all(word in text for word in words) for words in alternatives):
            return message if name is None else named.format(name=repr(name))
    if name is None:
        return f"the event store failed ({type(error).__name__})"
    return f"the event store {name!r} failed ({type(error).__name__})"


def store_error(error: BaseException, name: str | None = None) -> StoreError:
    """The :class:`StoreError` to raise for a storage failure (see :func:`store_error_message`)."""
    return StoreError(store_error_message(error, name))


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a storage failure inside the block into one :class:`StoreError` (hw's own pass)."""
    try:
        yield
    except HwError:
        raise
    except STORE_ERRORS as e:
        raise store_error(e) from None
