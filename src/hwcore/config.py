"""Where hw keeps its data and which event store it uses.

Resolution order for each setting: explicit argument (``--home``,
``--database-url``, ``--caseload``) > environment (``HW_HOME``,
``HW_DATABASE_URL``, ``HW_CIPHER_KEY``, ``HW_CASELOAD``, ``HW_CLINICIAN``) >
the home's configuration (``clinician.id``) > default (the platform's user
data dir, SQLite, the home's own caseload, the operating-system user).

A **caseload** is one clinician's store, kept apart from the others: on
PostgreSQL a schema of its own (``POSTGRES_SCHEMA``; the default caseload is
the ``public`` schema), on SQLite a folder of the home
(``caseloads/NAME/``, with its own events file and read model; the default
caseload is the home itself). Its name is checked by :func:`check_caseload`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

# hwcore.domain.errors is imported where an error is raised: importing the
# domain package costs start-up time the quick read path does not spend.

EVENTS_FILE = "events.sqlite"
READMODEL_FILE = "readmodel.sqlite"
CASELOADS_DIR = "caseloads"
"""The home's folder holding one folder per named caseload (SQLite)."""
DEFAULT_CASELOAD = "default"
"""The name of the home's own caseload (PostgreSQL: the ``public`` schema)."""
CASELOAD_RULE = (
    "lowercase letters, digits and '_', starting with a letter, at most 63 characters,"
    " not starting with 'pg_'"
)
"""What a caseload name may be (a PostgreSQL schema name that needs no quoting)."""
_CASELOAD = re.compile(r"[a-z][a-z0-9_]{0,62}")


def check_caseload(name: str) -> str:
    """The caseload name, checked: a plain PostgreSQL identifier, also a folder name.

    Raises:
        InvalidValueError: not a caseload name (the message names the value and the rule).
    """
    from hwcore.domain.errors import InvalidValueError

    text = name.strip()
    if not _CASELOAD.fullmatch(text) or text.startswith("pg_") or text == "public":
        shown = text if len(text) <= 70 and text.isprintable() else "<given>"
        raise InvalidValueError("caseload", shown, CASELOAD_RULE)
    return text


def default_home() -> Path:
    """The platform's user data dir for hw (imported lazily: start-up time)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("hw", appauthor=False))


class Settings(NamedTuple):
    """Resolved settings: the data folder, the store, the optional cipher key.

    Immutable and compared by value. A named tuple rather than an attrs class:
    every command resolves its settings first, and the quick read path must
    not pay for importing attrs. Its ``repr`` never shows the cipher key or a
    database password.
    """

    home: Path
    database_url: str | None = None
    cipher_key: str | None = None
    caseload: str | None = None
    """The named caseload (see the module's docstring); None: the default one."""
    clinician: str | None = None
    """Who records and reads (``HW_CLINICIAN``, else the home's ``clinician.id``); None:
    resolved when the store is opened (see :mod:`hwcore.clinician`: else the OS user)."""

    def __repr__(self) -> str:
        key = None if self.cipher_key is None else "'***'"
        url = None if self.database_url is None else repr(_redact(self.database_url))
        caseload = "" if self.caseload is None else f", caseload={self.caseload!r}"
        who = "" if self.clinician is None else f", clinician={self.clinician!r}"
        return (
            f"Settings(home={str(self.home)!r}, database_url={url}, cipher_key={key}"
            f"{caseload}{who})"
        )

    def json_data(self) -> dict[str, Any]:
        """JSON-ready settings for ``to_dict``: the password and the cipher key never shown."""
        return {
            "home": str(self.home),
            "backend": self.backend,
            "database": None if self.database_url is None else _server_only(self.database_url),
            "encrypted": self.cipher_key is not None,
            "caseload": self.caseload_name,
            "clinician": self.clinician,
        }

    @property
    def caseload_name(self) -> str:
        """The caseload's name as shown: its own, or ``default``."""
        return self.caseload or DEFAULT_CASELOAD

    @property
    def data_dir(self) -> Path:
        """The folder of this caseload's files: the home, or ``caseloads/NAME`` in it."""
        if self.caseload is None:
            return self.home
        return self.home / CASELOADS_DIR / self.caseload

    @property
    def schema(self) -> str:
        """The PostgreSQL schema of this caseload (``public`` for the default one)."""
        return self.caseload or "public"

    @property
    def events_path(self) -> Path:
        """The SQLite event store file (when no database URL is set)."""
        return self.data_dir / EVENTS_FILE

    @property
    def readmodel_path(self) -> Path:
        """The disposable SQLite read model file (one per caseload: never mixed)."""
        return self.data_dir / READMODEL_FILE

    def with_caseload(self, caseload: str | None) -> Settings:
        """The same settings on another caseload (None or ``default``: the default one)."""
        name = None if caseload in (None, DEFAULT_CASELOAD) else check_caseload(caseload)
        return self._replace(caseload=name)

    @property
    def readmodel_location(self) -> Path | None:
        """Where the read model lives: its file, or None (in memory) with a cipher key.

        The read model holds clinical text in plain columns; with encryption at
        rest it is never written to disk (see docs/security.md).
        """
        return None if self.cipher_key else self.readmodel_path

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgres'."""
        return "postgres" if self.database_url else "sqlite"

    def event_store_env(self) -> dict[str, str]:
        """The eventsourcing environment for this store (no os.environ leaks in)."""
        env: dict[str, str] = {}
        if self.database_url:
            env.update(postgres_env(self.database_url))
            # The schema is made by 'hw db init' (an owner): opening creates nothing.
            env["CREATE_TABLE"] = "no"
            if self.caseload is not None:
                env["POSTGRES_SCHEMA"] = self.caseload
        else:
            env["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
            env["SQLITE_DBNAME"] = str(self.events_path)
            env["SQLITE_LOCK_TIMEOUT"] = "30"
        if self.cipher_key:
            env["CIPHER_TOPIC"] = "eventsourcing.cryptography:AESCipher"
            env["CIPHER_KEY"] = self.cipher_key
            env["COMPRESSOR_TOPIC"] = "eventsourcing.compressor:ZlibCompressor"
        return env


def postgres_env(url: str) -> dict[str, str]:
    """eventsourcing's postgres settings from a database URL (see :mod:`hwcore.dburl`).

    Raises:
        InvalidValueError: the URL cannot be used (the message never shows it).
    """
    from hwcore.dburl import parse

    params = parse(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": params["dbname"],
        "POSTGRES_HOST": params["host"],
        "POSTGRES_PORT": params["port"],
        "POSTGRES_USER": params["user"],
        "POSTGRES_PASSWORD": params["password"],
        "POSTGRES_CONN_MAX_AGE": "",
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "2",
    }


_EXPORTED: dict[str, str | None] = {}
"""The libpq variables :func:`apply_libpq_environment` set, with the values they replaced."""


def apply_libpq_environment(settings: Settings) -> None:
    """Hand the database URL's other libpq parameters (``sslmode``...) to libpq.

    libpq reads ``PGSSLMODE`` and friends for every parameter not given
    explicitly; the event store passes only host, port, database, user and
    password. The variables a previous call set are put back first, so one
    process can open stores with different URLs one after the other.
    """
    for var, old in _EXPORTED.items():
        if old is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = old
    _EXPORTED.clear()
    if not settings.database_url:
        return
    from hwcore.dburl import libpq_environment, parse

    for var, value in libpq_environment(parse(settings.database_url)).items():
        _EXPORTED[var] = os.environ.get(var)
        os.environ[var] = value


def _server_only(url: str) -> str:
    """scheme://host:port/dbname of a database URL: no user, password or parameters."""
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(hidden)"
    if not parts.scheme or not parts.hostname:
        return "(hidden)"
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"


def _redact(url: str) -> str:
    from hwcore.dburl import describe

    return describe(url)


def resolve_settings(
    home: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    caseload: str | None = None,
) -> Settings:
    """Resolve settings from arguments, then the environment, then defaults.

    Raises:
        InvalidValueError: the caseload (``caseload`` or ``HW_CASELOAD``) is not a valid name.
        StoreError: the home's path cannot be made absolute (see :func:`absolute_home`).
    """
    env = os.environ if environ is None else environ
    chosen_home = home or env.get("HW_HOME") or None
    url = database_url or env.get("HW_DATABASE_URL") or None
    key = env.get("HW_CIPHER_KEY") or None
    from hwcore.clinician import chosen_clinician

    chosen = caseload or env.get("HW_CASELOAD") or None
    home_path = absolute_home(chosen_home)
    who = chosen_clinician(env, home_path)
    settings = Settings(home=home_path, database_url=url, cipher_key=key, clinician=who)
    return settings.with_caseload(chosen) if chosen else settings


def absolute_home(chosen: str | os.PathLike[str] | None) -> Path:
    """The home folder's absolute path: ``chosen`` with ``~`` expanded, else the default.

    Raises:
        StoreError: a ``~name`` of no known user, a relative path while the
            current folder no longer exists, a NUL character (the message
            names the path and what to check).
    """
    if chosen is None:
        return default_home().absolute()
    text = os.fspath(chosen)
    why = ""
    if "\0" in text:
        why = "a path cannot contain a NUL character"
    else:
        try:
            return Path(text).expanduser().absolute()
        except RuntimeError:  # Path.expanduser: no such user, or no home directory
            why = "its '~' names no user with a home directory"
        except OSError:  # Path.absolute: os.getcwd() of a deleted folder
            why = "the current folder no longer exists: give an absolute path"
    from hwcore.domain.errors import StoreError

    msg = f"cannot use {text!r} as the hw home: {why}: check --home or HW_HOME"
    raise StoreError(msg)


def ensure_private_home(settings: Settings) -> None:
    """Create the home folder (owner-only) and the SQLite file (owner-only).

    SQLite creates its -wal and -shm files with the main file's permissions, so
    creating the main file 0600 first keeps the whole store private.
    """
    from hwcore.domain.errors import StoreError

    home = settings.home
    try:
        if not home.exists():
            # A folder hw creates is owner-only. An existing folder (e.g. one the
            # user chose, such as their home directory) is never re-permissioned:
            # the store files inside it are created owner-only instead.
            home.mkdir(parents=True, mode=0o700)
            home.chmod(0o700)  # mkdir's mode is filtered by the umask
        if settings.caseload is not None:
            for folder in (settings.data_dir.parent, settings.data_dir):
                if not folder.exists():
                    folder.mkdir(mode=0o700)
                    folder.chmod(0o700)
        if settings.database_url is None:
            for path in (settings.events_path,):
                if not path.exists():
                    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
                    os.close(fd)
    except PermissionError:
        msg = (
            f"cannot write to the hw home {str(home)!r}: permission denied: check that this"
            " user may write to it, or to the folder it is created in (ls -ld), or choose"
            " another with --home or HW_HOME"
        )
        raise StoreError(msg) from None
    except OSError as e:
        reason = (
            "a part of that path is a file" if isinstance(e, NotADirectoryError) else e.strerror
        )
        msg = f"cannot prepare the hw home {str(home)!r}: {reason}: check --home or HW_HOME"
        raise StoreError(msg) from None
