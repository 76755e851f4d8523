"""The schema parts: what each access is granted, and which versions opening accepts."""

from __future__ import annotations

import pytest

from hwcore.application.eventstore import schema
from hwcore.application.eventstore.schema import (
    SCHEMA_PARTS,
    SchemaPart,
    TableGrant,
    grant_statements,
    sequences,
    version_problem,
)


def _privileges(access: str) -> dict[str, tuple[str, ...]]:
    return {g.table: g.privileges(access) for p in SCHEMA_PARTS for g in p.grants}


def test_each_access_gets_exactly_its_privileges() -> None:
    assert _privileges("read-only") == {
        "hw_events": ("SELECT",),
        "hw_snapshots": ("SELECT",),
        "hw_audit": ("SELECT",),
        "hw_keys": ("SELECT",),
        "hw_access_log": ("SELECT", "INSERT"),
    }
    assert _privileges("read-write") == {
        "hw_events": ("SELECT", "INSERT"),
        "hw_snapshots": ("SELECT", "INSERT"),
        "hw_audit": ("SELECT",),
        "hw_keys": ("SELECT", "INSERT"),
        "hw_access_log": ("SELECT", "INSERT"),
    }
    assert _privileges("purge") == {
        "hw_events": ("SELECT", "INSERT", "DELETE"),
        "hw_snapshots": ("SELECT", "INSERT", "DELETE"),
        "hw_audit": ("SELECT", "INSERT"),
        "hw_keys": ("SELECT", "INSERT", "DELETE", "TRUNCATE"),
        "hw_access_log": ("SELECT", "INSERT", "UPDATE"),
    }
    for access in ("read-only", "read-write", "purge"):
        # UPDATE only where a purge rewrites the access log to a pseudonym (its trigger).
        updated = [t for t, p in _privileges(access).items() if "UPDATE" in p]
        assert updated == (["hw_access_log"] if access == "purge" else [])
        # Only the tiny key table is rewritten by a purge (crypto-shredding, ADR 0007).
        truncated = [t for t, p in _privileges(access).items() if "TRUNCATE" in p]
        assert truncated == (["hw_keys"] if access == "purge" else [])
    assert sequences("read-only") == []
    assert sequences("read-write") == [("hw_events", "notification_id")]


def test_a_new_part_declares_its_grants(monkeypatch: pytest.MonkeyPatch) -> None:
    # As an access log would: a read-only role still appends to it.
    log = SchemaPart(
        "access_log",
        1,
        None,
        (TableGrant("hw_access_log", read_only=("SELECT", "INSERT"), sequence="id"),),
    )
    monkeypatch.setattr(schema, "SCHEMA_PARTS", [*SCHEMA_PARTS, log])
    assert ("hw_access_log", "id") in sequences("read-only")
    statements = grant_statements("read-only")
    assert ("GRANT SELECT, INSERT ON TABLE {schema}.{table} TO {role}", "hw_access_log") in (
        statements
    )
    assert version_problem({"events": 1, "audit": 1}, "alice") is not None
    assert "access_log 1" in str(version_problem({"events": 1, "audit": 1}, "alice"))


def test_versions_opening_accepts() -> None:
    current = {p.name: p.version for p in SCHEMA_PARTS}
    assert version_problem(current, "alice") is None
    older = version_problem({**current, "audit": 0}, "alice")
    assert older is not None
    assert "older than this hw" in older
    assert "'hw db init --caseload alice'" in older
    assert "'hw db init'" in str(version_problem({}, "default"))
    newer = version_problem({**current, "events": 99}, "bob")
    assert newer is not None
    assert "newer hw" in newer
