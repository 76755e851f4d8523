"""Least privilege and caseloads on the real PostgreSQL server (spec section 7).

An owner runs ``hw db init`` and ``hw db grant``; real roles with passwords
and LOGIN connect through the real CLI in a subprocess: a writer with SELECT
and INSERT records and reads, a supervisor with read-only access reads and is
refused writes in one line, a role without a grant can read nothing, not even
with plain SQL, and opening as a limited role runs no DDL.
"""

# The SQL here is the test's own (schema names it chose), never input.
# ruff: noqa: S608

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from hwcore.application.eventstore.schema import SCHEMA_PARTS
from tests.pgserver import PASSWORD, SUPERUSER, PgServer

pytestmark = pytest.mark.postgres

ROLES = {"writer": "writer-pw", "supervisor": "supervisor-pw", "outsider": "outsider-pw"}


CIPHER = {"key": ""}
"""The practice key of an encrypted practice (empty: not encrypted); set by a test."""


def hw(
    url: str, home: Path, *args: str, caseload: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real ``hw`` CLI in a subprocess, on ``url`` (and a caseload, through HW_CASELOAD)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    if CIPHER["key"]:
        env["HW_CIPHER_KEY"] = CIPHER["key"]
    env["HW_HOME"] = str(home)
    env["HW_DATABASE_URL"] = url
    if caseload is not None:
        env["HW_CASELOAD"] = caseload
    return subprocess.run(
        [sys.executable, "-m", "hwcli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """Assert an ``hw`` run succeeded (showing its stderr if not)."""
    assert result.returncode == 0, (result.returncode, result.stderr, result.stdout)
    return result


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """Assert an ``hw`` run failed with one ``hw: error:`` line and no traceback; the line."""
    assert result.returncode == 1, (result.returncode, result.stderr, result.stdout)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hw: error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


class Practice:
    """One database of the suite's server: its owner's URL and its roles' URLs."""

    def __init__(self, server: PgServer, dbname: str, tmp: Path) -> None:
        self.server = server
        self.dbname = dbname
        self.tmp = tmp
        self.owner = server.url(dbname)

    def url(self, role: str) -> str:
        """The URL a role connects with (its password in it: test only)."""
        host, port = self.server.host, self.server.port
        return f"postgresql://{role}:{ROLES[role]}@{host}:{port}/{self.dbname}"

    def home(self, role: str) -> Path:
        """Each role works on a machine (home, read model) of its own."""
        return self.tmp / f"home-{role}"

    def run(self, role: str, *args: str, caseload: str | None = "alice") -> Any:
        """``hw ARGS`` as ``role`` (the owner: ``owner``) on a caseload."""
        url = self.owner if role == "owner" else self.url(role)
        return hw(url, self.home(role), *args, caseload=caseload)

    def sql(self, role: str, statement: str) -> list[tuple[object, ...]]:
        """Plain SQL as a role (psycopg, no hw), autocommit."""
        password = PASSWORD if role == SUPERUSER else ROLES[role]
        conninfo = (
            f"host={self.server.host} port={self.server.port} dbname={self.dbname}"
            f" user={role} password={password}"
        )
        with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute(statement)  # test-made SQL
            return cursor.fetchall() if cursor.description else []


@pytest.fixture
def practice(pg_server: PgServer, tmp_path: Path) -> Iterator[Practice]:
    """An empty database (no hw schema yet) and three login roles, dropped afterwards."""
    url = pg_server.create_database(hw_schema=False)
    dbname = url.rsplit("/", 1)[-1]
    with psycopg.connect(pg_server.conninfo(dbname), autocommit=True) as conn:
        for role, password in ROLES.items():
            conn.execute(f"DROP ROLE IF EXISTS {role}")
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        # A practice's roles may not create anything in the database.
        conn.execute(f'REVOKE CREATE ON DATABASE "{dbname}" FROM PUBLIC')
    yield Practice(pg_server, dbname, tmp_path)
    pg_server.drop_database(url)
    with psycopg.connect(pg_server.conninfo("postgres"), autocommit=True) as conn:
        for role in ROLES:
            conn.execute(f"DROP ROLE IF EXISTS {role}")


def _assign(practice: Practice, role: str, client: str) -> Any:
    return practice.run(
        role, "assign", client, "--session", "1", "--date", "2026-03-02", "--title",
        "Ten-minute walk", "--format", "behavioral", "--size", "small", "--framing",
        "experiment", "--frequency", "daily", "--doses", "7",
    )  # fmt: skip


def _events(practice: Practice, schema: str) -> int:
    rows = practice.sql(SUPERUSER, f'SELECT count(*) FROM "{schema}".hw_events')
    return int(str(rows[0][0]))


def test_before_init_opening_names_hw_db_init_and_creates_nothing(practice: Practice) -> None:
    line = refused(practice.run("owner", "clients", caseload=None))
    assert "hw db init" in line
    line = refused(practice.run("owner", "client", "add", "AB", caseload="alice"))
    assert "'alice'" in line
    assert "hw db init --caseload alice" in line
    tables = practice.sql(
        SUPERUSER,
        "SELECT table_schema, table_name FROM information_schema.tables"
        " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    )
    assert tables == []  # opening created nothing
    assert practice.sql(SUPERUSER, "SELECT 1 FROM pg_namespace WHERE nspname = 'alice'") == []


def test_init_twice_and_a_stale_schema_is_named(practice: Practice) -> None:
    first = json.loads(ok(practice.run("owner", "db", "init", "--json")).stdout)
    assert first["caseload"] == "alice"
    parts = dict(map(tuple, first["parts"]))
    assert parts == {part.name: part.version for part in SCHEMA_PARTS}
    assert {"events", "audit", "keys"} <= set(parts)
    ok(practice.run("owner", "client", "add", "AB"))
    again = ok(practice.run("owner", "db", "init"))  # idempotent: nothing lost
    assert "caseload 'alice'" in again.stdout
    assert _events(practice, "alice") == 1
    # A store whose schema is older than this hw says so, naming the command.
    practice.sql(SUPERUSER, "UPDATE alice.hw_schema SET version = 0 WHERE part = 'audit'")
    line = refused(practice.run("owner", "clients"))
    assert "older than this hw" in line
    assert "'hw db init --caseload alice'" in line
    ok(practice.run("owner", "db", "init"))
    ok(practice.run("owner", "clients"))


def test_a_select_insert_role_records_and_reads(practice: Practice) -> None:
    ok(practice.run("owner", "db", "init"))
    granted = json.loads(
        ok(practice.run("owner", "db", "grant", "--role", "writer", "--json")).stdout
    )
    assert granted["access"] == "read-write"
    ok(practice.run("writer", "client", "add", "W-1"))
    ok(_assign(practice, "writer", "W-1"))
    plan = json.loads(ok(practice.run("writer", "plan", "W-1", "--json")).stdout)
    assert plan["client"] == "W-1"
    # Exactly SELECT and INSERT (and the sequence): no UPDATE, DELETE, TRUNCATE or CREATE.
    privileges = practice.sql(
        SUPERUSER,
        "SELECT p, has_table_privilege('writer', 'alice.hw_events', p)"
        " FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) AS p",
    )
    assert {str(p): bool(v) for p, v in privileges} == {
        "SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False,
    }  # fmt: skip
    assert practice.sql(SUPERUSER, "SELECT has_schema_privilege('writer', 'alice', 'CREATE')") == [
        (False,)
    ]
    # Erasure needs the purge grant; without it one line, and the client stays.
    recorded = _events(practice, "alice")
    line = refused(practice.run("writer", "client", "purge", "W-1", "--yes"))
    assert "hw db grant" in line
    assert _events(practice, "alice") == recorded > 0
    ok(practice.run("owner", "db", "grant", "--role", "writer", "--purge"))
    ok(practice.run("writer", "client", "purge", "W-1", "--yes"))
    left = practice.sql(SUPERUSER, "SELECT topic FROM alice.hw_events")
    assert left == [("hwcore.application.eventstore.shredding:ClientPurged",)]  # the tombstone
    audit = ok(practice.run("writer", "admin-log")).stdout
    assert "purged" in audit


def test_a_read_only_role_reads_and_is_refused_writes(practice: Practice) -> None:
    ok(practice.run("owner", "db", "init"))
    ok(practice.run("owner", "client", "add", "AB"))
    ok(_assign(practice, "owner", "AB"))
    ok(practice.run("owner", "db", "grant", "--role", "supervisor", "--read-only"))
    plan = json.loads(ok(practice.run("supervisor", "plan", "AB", "--json")).stdout)
    assert plan["client"] == "AB"
    assert "AB" in ok(practice.run("supervisor", "history", "AB")).stdout
    assert "AB" in ok(practice.run("supervisor", "caseload")).stdout
    before = _events(practice, "alice")
    for args in (("client", "add", "ZZ"), ("done", "AB", "latest", "--session", "2")):
        line = refused(practice.run("supervisor", *args))
        assert "read-only access to caseload 'alice'" in line
        assert "nothing was written" in line
    assert _events(practice, "alice") == before  # nothing written
    # A grant is exact: a writer turned supervisor loses INSERT.
    ok(practice.run("owner", "db", "grant", "--role", "writer"))
    sequence = "'alice.hw_events_notification_id_seq', 'USAGE'"
    usage = f"SELECT has_sequence_privilege('writer', {sequence})"
    assert practice.sql(SUPERUSER, usage) == [(True,)]
    ok(practice.run("owner", "db", "grant", "--role", "writer", "--read-only"))
    refused(practice.run("writer", "client", "add", "ZZ"))
    assert practice.sql(SUPERUSER, usage) == [(False,)]


def test_a_role_without_a_grant_reads_nothing_even_with_plain_sql(practice: Practice) -> None:
    for caseload in ("alice", "bob"):
        ok(practice.run("owner", "db", "init", caseload=caseload))
    ok(practice.run("owner", "client", "add", "AL-1", caseload="alice"))
    ok(practice.run("owner", "client", "add", "BO-1", caseload="bob"))
    ok(practice.run("owner", "db", "grant", "--role", "writer", caseload="bob"))
    # hw says one line...
    line = refused(practice.run("writer", "clients", caseload="alice"))
    assert "no access to caseload 'alice'" in line
    assert "hw db grant --caseload alice" in line
    refused(practice.run("outsider", "clients", caseload="bob"))
    # ...and the database itself refuses plain SQL.
    for role, schema in (("writer", "alice"), ("outsider", "alice"), ("outsider", "bob")):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            practice.sql(role, f"SELECT * FROM {schema}.hw_events")
    assert practice.sql("writer", "SELECT count(*) FROM bob.hw_events") == [(1,)]
    # Each caseload's read model is its own: bob's machine never sees alice's clients.
    clients = ok(practice.run("writer", "clients", caseload="bob")).stdout
    assert "BO-1" in clients
    assert "AL-1" not in clients
    names = json.loads(ok(practice.run("writer", "db", "caseloads", "--json")).stdout)
    assert names == {"caseloads": ["bob"]}
    every = json.loads(
        ok(practice.run("writer", "caseload", "--all-caseloads", "--json", caseload=None)).stdout
    )
    assert [(c["caseload"], c["client"]) for c in every["clients"]] == [("bob", "BO-1")]
    owner = json.loads(
        ok(practice.run("owner", "caseload", "--all-caseloads", "--json", caseload=None)).stdout
    )
    assert owner["caseloads"] == ["alice", "bob"]
    assert [(c["caseload"], c["client"]) for c in owner["clients"]] == [
        ("alice", "AL-1"),
        ("bob", "BO-1"),
    ]
    text = ok(practice.run("owner", "caseload", "--all-caseloads", caseload=None)).stdout
    assert "caseload alice:" in text
    assert "caseload bob:" in text


def test_opening_as_a_limited_role_runs_no_ddl(practice: Practice) -> None:
    ok(practice.run("owner", "db", "init"))
    ok(practice.run("owner", "db", "grant", "--role", "writer"))
    ok(practice.run("owner", "db", "grant", "--role", "supervisor", "--read-only"))
    for role in ("writer", "supervisor"):
        practice.sql(SUPERUSER, f"ALTER ROLE {role} SET log_statement = 'all'")
    log = practice.server.root / "server.log"
    start = log.stat().st_size
    ok(practice.run("writer", "client", "add", "W-1"))
    ok(_assign(practice, "writer", "W-1"))
    ok(practice.run("writer", "plan", "W-1"))
    ok(practice.run("supervisor", "caseload"))
    with log.open("rb") as f:
        f.seek(start)
        logged = f.read().decode("utf-8", "replace")
    statements = [
        line
        for line in logged.splitlines()
        if "LOG:  statement:" in line or "LOG:  execute" in line
    ]
    assert any("INSERT INTO" in s for s in statements)  # the log did record them
    ddl = [
        s
        for s in statements
        if any(word in s.upper() for word in ("CREATE ", "ALTER ", "DROP ", "GRANT ", "COMMENT "))
    ]
    assert ddl == []
    assert "permission denied" not in logged


def test_only_an_owner_inits_and_grants(practice: Practice) -> None:
    ok(practice.run("owner", "db", "init"))
    ok(practice.run("owner", "db", "grant", "--role", "writer", "--purge"))
    line = refused(practice.run("writer", "db", "init"))
    assert "needs an owner of the database" in line
    line = refused(practice.run("writer", "db", "grant", "--role", "supervisor"))
    assert "needs an owner" in line
    assert practice.sql(
        SUPERUSER, "SELECT has_table_privilege('supervisor', 'alice.hw_events', 'SELECT')"
    ) == [(False,)]  # nothing was granted
    line = refused(practice.run("owner", "db", "grant", "--role", "nobody"))
    assert "'nobody'" in line


def test_an_encrypted_practice_runs_on_the_granted_privileges(
    practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per-client keys (ADR 0007) need nothing beyond the grants: 'hw db init' made hw_keys."""
    from hwcore.application import generate_key

    monkeypatch.setitem(CIPHER, "key", generate_key())
    ok(practice.run("owner", "db", "init"))
    ok(practice.run("owner", "db", "grant", "--role", "writer", "--purge"))
    ok(practice.run("owner", "db", "grant", "--role", "supervisor", "--read-only"))
    ok(practice.run("writer", "client", "add", "K-1"))
    ok(_assign(practice, "writer", "K-1"))
    keys = practice.sql(SUPERUSER, "SELECT count(*) FROM alice.hw_keys")
    assert int(str(keys[0][0])) == 1  # the writer's INSERT of the client's data key
    plan = json.loads(ok(practice.run("supervisor", "plan", "K-1", "--json")).stdout)
    assert plan["client"] == "K-1"
    refused(practice.run("supervisor", "client", "add", "K-2"))
    ok(practice.run("writer", "client", "purge", "K-1", "--yes"))
    assert practice.sql(SUPERUSER, "SELECT count(*) FROM alice.hw_keys") == [(0,)]
