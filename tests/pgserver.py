"""A throwaway PostgreSQL cluster for the test suite.

``PgServer.start()`` runs ``initdb`` in a fresh temporary folder, starts the
server with ``pg_ctl`` on a free loopback port (password authentication over
TCP, no Unix socket in a shared place), and ``stop()`` shuts it down and removes
the folder. PostgreSQL refuses to run as root, so when the suite runs as root
the cluster is created and run as the ``postgres`` system user (created if
missing). Each test gets a fresh database from :meth:`PgServer.create_database`.

Run as a script to try it by hand: ``python -m tests.pgserver``.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SERVER_USER = "postgres"
SUPERUSER = "hwtest"
PASSWORD = "hw-test-password"


class PgServerError(RuntimeError):
    """The throwaway server could not be found, created or started."""


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl (PATH, then /usr/lib/postgresql/*/bin)."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    msg = (
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the 'postgresql'"
        " package (.ci/run does this when run as root)"
    )
    raise PgServerError(msg)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _traversable(folder: Path) -> bool:
    """True when any user can reach into ``folder`` (o+x on it and every parent)."""
    try:
        return all(p.stat().st_mode & 0o001 for p in [folder, *folder.parents])
    except OSError:
        return False


def base_dir() -> str:
    """Where to put the cluster: a temp folder the server's user can reach.

    As root the server runs as another user, who must be able to enter every
    parent folder; a temp dir made private (0700) would lock it out.
    """
    candidates = [tempfile.gettempdir(), "/var/tmp", "/dev/shm"]
    if os.geteuid() != 0:
        return candidates[0]
    for candidate in candidates:
        if _traversable(Path(candidate)):
            return candidate
    msg = f"no temp folder the {SERVER_USER!r} user can reach (tried {', '.join(candidates)})"
    raise PgServerError(msg)


def _ensure_server_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVER_USER,
            ],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SERVER_USER)


class PgServer:
    """One throwaway PostgreSQL cluster: start, create databases, stop."""

    _counter = itertools.count(1)

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="hw-pg-", dir=base_dir()))
        self.datadir = self.root / "data"
        self.port = 0
        self.host = "127.0.0.1"
        self._user: pwd.struct_passwd | None = None
        self._databases: list[str] = []

    # ------------------------------------------------------------ process

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, object] = {}
        if self._user is not None:
            kwargs["user"] = self._user.pw_uid
            kwargs["group"] = self._user.pw_gid
            kwargs["extra_groups"] = []
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "LANG": "C"}
        result = subprocess.run(
            [str(a) for a in args],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.root,
            env=env,
            **kwargs,  # type: ignore[call-overload]
        )
        if check and result.returncode != 0:
            msg = f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()}"
            raise PgServerError(msg)
        return result

    def start(self) -> PgServer:
        """initdb a new cluster and start it on a free loopback port."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> PgServer:
        if os.geteuid() == 0:
            self._user = _ensure_server_user()
            os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
        self.root.chmod(0o700)
        pwfile = self.root / "pwfile"
        pwfile.write_text(PASSWORD + "\n")
        if self._user is not None:
            os.chown(pwfile, self._user.pw_uid, self._user.pw_gid)
        self._run(
            self.bindir / "initdb",
            "-D",
            self.datadir,
            "-U",
            SUPERUSER,
            "--pwfile",
            pwfile,
            "--auth-host=scram-sha-256",
            "--auth-local=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        )
        pwfile.unlink()
        last_error: PgServerError | None = None
        for _ in range(5):
            self.port = free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                " -c fsync=off -c full_page_writes=off -c max_connections=200"
            )
            result = self._run(
                self.bindir / "pg_ctl",
                "-D",
                self.datadir,
                "-l",
                self.root / "server.log",
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
                check=False,
            )
            if result.returncode == 0:
                self._wait_ready()
                return self
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else result.stderr
            last_error = PgServerError(f"pg_ctl start failed: {tail.strip()}")
        assert last_error is not None
        raise last_error

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.conninfo("postgres"), connect_timeout=5):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        try:
            if (self.datadir / "postmaster.pid").exists():
                self._run(self.bindir / "pg_ctl", "-D", self.datadir, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------- databases

    def conninfo(self, dbname: str) -> str:
        """A libpq connection string for one database of this server."""
        return (
            f"host={self.host} port={self.port} dbname={dbname}"
            f" user={SUPERUSER} password={PASSWORD}"
        )

    def url(self, dbname: str) -> str:
        """The ``postgresql://`` URL hw takes for one database of this server."""
        return f"postgresql://{SUPERUSER}:{PASSWORD}@{self.host}:{self.port}/{dbname}"

    def create_database(self, name: str | None = None, *, hw_schema: bool = True) -> str:
        """Create a fresh database and return its URL.

        With ``hw_schema`` (the default) hw's schema is created in it, as an
        owner's ``hw db init`` does; without, the database is empty.
        """
        import psycopg

        dbname = name or f"hw_test_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        self._databases.append(dbname)
        url = self.url(dbname)
        if hw_schema:
            from hwcore.application.database import init_database
            from hwcore.bootstrap import Settings

            init_database(Settings(home=self.root / "init-home", database_url=url))
        return url

    def drop_database(self, url_or_name: str) -> None:
        """Drop a database made by :meth:`create_database` (connections are ended)."""
        import psycopg

        dbname = url_or_name.rsplit("/", 1)[-1]
        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        if dbname in self._databases:
            self._databases.remove(dbname)


if __name__ == "__main__":
    with PgServer() as server:
        url = server.create_database("hw_try")
        print(url)
        print(server.root)
