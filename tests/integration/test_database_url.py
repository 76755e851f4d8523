"""Issue 14 items 7 and 8: the database URL's libpq parameters are honoured, and
its password is never echoed, whatever form the URL takes.

The PostgreSQL half runs the real ``hw`` against the suite's own server
(tests/pgserver.py), which offers no TLS: ``sslmode=require`` must be refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hwcore.application import InvalidValueError
from hwcore.config import Settings
from hwcore.dburl import describe, libpq_environment, parse
from tests.pgserver import PASSWORD, SUPERUSER, PgServer

SECRET = "s3cret-Pa55"


def _hw(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PG"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "url",
    [
        f"hw:{SECRET}@localhost/hw",  # no scheme
        f"host=localhost password={SECRET} dbname=hw port=x5432",  # libpq key=value
        f"postgresql://hw@localhost/hw?password={SECRET}&bogus=1",
        f"postgresql://hw:{SECRET}@[::1/hw",  # a broken IPv6 literal
        f"postgresql://hw:{SECRET}@localhost:99999/hw",
        f"postgresql://hw:{SECRET}@localhost:{SECRET}/hw",
        f"mysql://hw:{SECRET}@localhost/hw",
        f"postgresql://hw:{SECRET}@localhost/hw?keepalives=1",
        f"postgresql://hw:{SECRET}@localhost/",
        f"password='{SECRET}",  # an unterminated quote
    ],
)
def test_the_password_is_never_echoed(url: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError) as info:
        Settings(tmp_path, url).event_store_env()
    assert SECRET not in str(info.value)
    assert "database URL" in str(info.value)
    assert SECRET not in repr(Settings(tmp_path, url))
    proc = _hw(tmp_path / "home", "clients", HW_DATABASE_URL=url)
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert SECRET not in proc.stderr + proc.stdout
    assert "unexpected internal error" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_every_libpq_parameter_is_kept() -> None:
    url = (
        f"postgresql://hw:{SECRET}@[2001:db8::1]:6432/hw%20db"
        "?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem&application_name=hw"
        "&target_session_attrs=read-write&connect_timeout=3"
    )
    params = parse(url, environ={})
    assert params["host"] == "2001:db8::1"
    assert params["port"] == "6432"
    assert params["dbname"] == "hw db"
    assert params["password"] == SECRET
    assert libpq_environment(params) == {
        "PGSSLMODE": "verify-full",
        "PGSSLROOTCERT": "/etc/ssl/ca.pem",
        "PGAPPNAME": "hw",
        "PGTARGETSESSIONATTRS": "read-write",
        "PGCONNECT_TIMEOUT": "3",
    }
    assert describe(url) == "postgresql://hw@[2001:db8::1]:6432/hw db"
    kv = parse(f"host=db.lan dbname=hw user=hw password={SECRET} sslmode=require", environ={})
    assert libpq_environment(kv) == {"PGSSLMODE": "require"}
    assert kv["host"] == "db.lan"


@pytest.mark.postgres
def test_sslmode_require_is_refused_by_a_server_without_tls(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.create_database()
    try:
        home = tmp_path / "home"
        plain = _hw(home, "client", "add", "AB", HW_DATABASE_URL=url + "?sslmode=disable")
        assert plain.returncode == 0, plain.stderr
        for mode in ("require", "verify-ca", "verify-full"):
            for args, env in (
                (("clients",), {"HW_DATABASE_URL": f"{url}?sslmode={mode}"}),
                (("--database-url", f"{url}?sslmode={mode}", "client", "add", "CD"), {}),
            ):
                proc = _hw(home, *args, **env)
                assert proc.returncode == 1, (mode, proc.stdout)
                assert len(proc.stderr.splitlines()) == 1, proc.stderr
                assert "TLS" in proc.stderr, proc.stderr
                assert PASSWORD not in proc.stderr
        # Nothing was written by the refused commands; the same URL without it works.
        listed = _hw(home, "clients", HW_DATABASE_URL=url)
        assert listed.returncode == 0, listed.stderr
        assert "AB" in listed.stdout
        assert "CD" not in listed.stdout
    finally:
        pg_server.drop_database(url)


@pytest.mark.postgres
def test_pgpass_and_a_service_file_keep_the_password_out_of_the_url(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = pg_server.create_database()
    dbname = url.rsplit("/", 1)[1]
    try:
        pgpass = tmp_path / "pgpass"
        pgpass.write_text(
            f"{pg_server.host}:{pg_server.port}:{dbname}:{SUPERUSER}:{PASSWORD}\n",
            encoding="utf-8",
        )
        pgpass.chmod(0o600)
        services = tmp_path / "pg_service.conf"
        services.write_text(
            f"[hwpractice]\nhost={pg_server.host}\nport={pg_server.port}\n"
            f"dbname={dbname}\nuser={SUPERUSER}\napplication_name=hw-service\n",
            encoding="utf-8",
        )
        home = tmp_path / "home"
        no_password = f"postgresql://{SUPERUSER}@{pg_server.host}:{pg_server.port}/{dbname}"
        proc = _hw(home, "client", "add", "AB", HW_DATABASE_URL=no_password, PGPASSFILE=str(pgpass))
        assert proc.returncode == 0, proc.stderr
        proc = _hw(
            home,
            "clients",
            HW_DATABASE_URL="postgresql://?service=hwpractice",
            PGPASSFILE=str(pgpass),
            PGSERVICEFILE=str(services),
        )
        assert proc.returncode == 0, proc.stderr
        assert "AB" in proc.stdout
        # Without the password file the server refuses: the password came from it.
        proc = _hw(home, "clients", HW_DATABASE_URL=no_password, PGPASSFILE=str(tmp_path / "none"))
        assert proc.returncode == 1
        assert "password" in proc.stderr
    finally:
        pg_server.drop_database(url)


def test_the_option_help_prefers_the_environment_and_a_password_file() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hwcli.main", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    text = " ".join(proc.stdout.split())
    assert "HW_DATABASE_URL" in text
    assert "ps" in text
    assert ".pgpass" in text


def test_an_unresolvable_host_is_named_as_such(tmp_path: Path) -> None:
    url = f"postgresql://hw:{SECRET}@no-such-host.invalid:5432/hw?connect_timeout=5"
    proc = _hw(tmp_path / "home", "client", "add", "AB", HW_DATABASE_URL=url)
    assert proc.returncode == 1
    assert "cannot resolve the PostgreSQL host" in proc.stderr, proc.stderr
    assert SECRET not in proc.stderr
