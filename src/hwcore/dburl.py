"""The PostgreSQL database URL: every libpq parameter honoured, the password never shown.

``HW_DATABASE_URL`` (or ``--database-url``) is a libpq connection string:
a ``postgresql://`` URI or ``key=value`` pairs. It is parsed by libpq itself
(through psycopg), so percent-encoding, IPv6 literals (``[::1]``), several
hosts and every query parameter mean what they mean to ``psql``.

The event store library passes only host, port, database, user and password to
libpq; every other parameter (``sslmode=verify-full``, ``sslrootcert``,
``application_name``, ``target_session_attrs``...) is handed to libpq through
its documented environment variable (``PGSSLMODE``...), which libpq reads for
any parameter not given explicitly. A parameter libpq has no environment
variable for is refused with a clear line (put it in a service file instead).
A ``service`` (``~/.pg_service.conf``) and ``~/.pgpass``/``PGPASSFILE`` work as
in ``psql``, and keep the password out of the URL, the shell history and ``ps``.

No message ever repeats the URL as given: only :func:`describe` (user, host,
port, database) is shown.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Mapping
from pathlib import Path

from hwcore.domain.errors import InvalidValueError

__all__ = ["LIBPQ_ENV", "DatabaseUrlError", "describe", "libpq_environment", "parse"]

LIBPQ_ENV: dict[str, str] = {
    "hostaddr": "PGHOSTADDR",
    "passfile": "PGPASSFILE",
    "require_auth": "PGREQUIREAUTH",
    "channel_binding": "PGCHANNELBINDING",
    "service": "PGSERVICE",
    "servicefile": "PGSERVICEFILE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "sslmode": "PGSSLMODE",
    "sslnegotiation": "PGSSLNEGOTIATION",
    "requiressl": "PGREQUIRESSL",
    "sslcompression": "PGSSLCOMPRESSION",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcertmode": "PGSSLCERTMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "sslcrldir": "PGSSLCRLDIR",
    "sslsni": "PGSSLSNI",
    "requirepeer": "PGREQUIREPEER",
    "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION",
    "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION",
    "gssencmode": "PGGSSENCMODE",
    "krbsrvname": "PGKRBSRVNAME",
    "gsslib": "PGGSSLIB",
    "gssdelegation": "PGGSSDELEGATION",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "client_encoding": "PGCLIENTENCODING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "load_balance_hosts": "PGLOADBALANCEHOSTS",
}
"""libpq parameters other than the five the store passes, and their environment variables."""

_DIRECT = ("host", "port", "dbname", "user", "password")
_FORMS = "postgresql://user@host:port/dbname?sslmode=verify-full, or libpq key=value pairs"
_NAME = re.compile(r"[a-z_]{1,40}")


class DatabaseUrlError(InvalidValueError):
    """The database URL cannot be used (the message never holds the URL)."""

    def __init__(self, message: str) -> None:
        self.field = "database URL"
        self.value = None
        self.allowed = _FORMS
        Exception.__init__(self, message)


def _libpq_parse(url: str) -> dict[str, str]:
    try:
        from psycopg import ProgrammingError
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:  # pragma: no cover - the postgres extra is not installed
        msg = "PostgreSQL support is not installed: pip install 'hw[postgres]'"
        raise DatabaseUrlError(msg) from None
    try:
        parsed = conninfo_to_dict(url)
    except ProgrammingError as e:
        # libpq's message may quote part of the URL (the password too): name
        # only an unknown option, and only when it is shaped like one.
        found = re.search(r'(?:option|parameter):? "([^"]*)"', str(e))
        if found and _NAME.fullmatch(found.group(1)) and "invalid" in str(e):
            reason = f"unknown parameter {found.group(1)!r}"
        else:
            reason = "libpq cannot parse it (check the quoting, brackets and percent-encoding)"
        msg = (
            f"invalid database URL (not shown: it may hold a password): {reason}; expected {_FORMS}"
        )
        raise DatabaseUrlError(msg) from None
    return {k: str(v) for k, v in parsed.items() if v is not None}


def _service_values(service: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The connection values of a libpq service (``~/.pg_service.conf`` and friends)."""
    files = []
    if environ.get("PGSERVICEFILE"):
        files.append(Path(environ["PGSERVICEFILE"]))
    else:
        files.append(Path.home() / ".pg_service.conf")
    if environ.get("PGSYSCONFDIR"):
        files.append(Path(environ["PGSYSCONFDIR"]) / "pg_service.conf")
    for path in files:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read(path, encoding="utf-8")
        except (OSError, configparser.Error, UnicodeDecodeError):
            continue
        if parser.has_section(service):
            return {k.strip().lower(): v.strip() for k, v in parser.items(service)}
    msg = f"database URL: service {service!r} is not defined in a pg_service.conf file"
    raise DatabaseUrlError(msg)


def parse(url: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The libpq parameters of a database URL, with host/port/dbname/user resolved.

    Resolution for each of the five parameters the store passes explicitly:
    the URL, then libpq's own environment variable (``PGHOST``...), then the
    URL's (or ``PGSERVICE``'s) service file, then libpq's defaults (host
    ``localhost``, port 5432; the password ``''`` lets libpq read ``~/.pgpass``).

    Args:
        url: a ``postgresql://`` URI or libpq ``key=value`` pairs.
        environ: the environment (default ``os.environ``).

    Returns:
        Parameter name -> value; always with host, port, dbname, user, password.

    Raises:
        DatabaseUrlError: not a PostgreSQL URL, unparseable, no database name,
            a bad port, or a parameter hw cannot pass on.
    """
    env = os.environ if environ is None else environ
    text = url.strip()
    scheme = text.split("://", 1)[0].lower() if "://" in text else None
    if scheme is None and "=" not in text:
        msg = f"invalid database URL (not shown: it may hold a password): expected {_FORMS}"
        raise DatabaseUrlError(msg)
    if scheme is not None and scheme not in ("postgresql", "postgres"):
        shown = scheme if _NAME.fullmatch(scheme) else "?"
        msg = f"invalid database URL scheme {shown!r}: expected {_FORMS}"
        raise DatabaseUrlError(msg)
    params = _libpq_parse(text)
    unsupported = sorted(k for k in params if k not in _DIRECT and k not in LIBPQ_ENV)
    if unsupported:
        names = ", ".join(repr(k) for k in unsupported)
        msg = (
            f"database URL parameter {names} cannot be passed on by hw:"
            " put it in a service file (?service=NAME) instead"
        )
        raise DatabaseUrlError(msg)
    service = params.get("service") or env.get("PGSERVICE")
    from_service = _service_values(service, env) if service else {}
    for key, var in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("dbname", "PGDATABASE"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
    ):
        if not params.get(key):
            value = env.get(var) or from_service.get(key)
            if value:
                params[key] = value
    params.setdefault("host", "localhost")
    params.setdefault("port", "5432")
    params.setdefault("user", "")
    params.setdefault("password", "")
    if not params.get("dbname"):
        msg = f"database URL names no database: expected {_FORMS}"
        raise DatabaseUrlError(msg)
    for port in params["port"].split(","):
        if not (port.strip().isdigit() and 0 < int(port) < 65536):
            shown = repr(port) if port.strip().isdigit() else "(not a number)"
            msg = f"invalid port {shown} in the database URL: allowed 1 to 65535"
            raise DatabaseUrlError(msg)
    return params


def libpq_environment(params: Mapping[str, str]) -> dict[str, str]:
    """The libpq environment variables that carry the URL's other parameters.

    Args:
        params: from :func:`parse`.

    Returns:
        ``PGSSLMODE`` and friends -> value, for each parameter the URL gave.
    """
    return {LIBPQ_ENV[k]: v for k, v in params.items() if k in LIBPQ_ENV}


def describe(url: str) -> str:
    """The URL as it may be shown: ``postgresql://user@host:port/dbname``, no password."""
    try:
        params = parse(url, environ={})
    except DatabaseUrlError:
        return "<database URL, not shown>"
    user = f"{params['user']}@" if params.get("user") else ""
    host = params["host"]
    if ":" in host and "," not in host:
        host = f"[{host}]"
    return f"postgresql://{user}{host}:{params['port']}/{params['dbname']}"
