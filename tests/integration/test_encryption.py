"""Encryption at rest, on both backends: AES-GCM + zlib payloads, clear key errors.

The raw bytes are read the hard way: every file of the home (SQLite store with
its -wal and -shm, the read model) and, on PostgreSQL, the table's bytes and
every file of the server's data directory after a checkpoint.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hwcore.application import (
    AssignmentSpec,
    HwApplication,
    InvalidValueError,
    StoreError,
    generate_key,
)
from hwcore.application.eventstore.persistence import AdminRecorder
from hwcore.application.eventstore.shredding import key_rows
from hwcore.bootstrap import Settings, open_application
from hwcore.domain import case_id_for
from tests.conftest import TODAY
from tests.pgserver import PgServer

SECRET = "Zebra marmalade on Tuesdays 7431"
"""A distinctive explanation (invented) that must never appear in raw bytes."""
NOTE = "Moved flat after the quince incident"


def record(app: HwApplication) -> None:
    """A short invented history with clinical text in several fields."""
    app.register_client("QX")
    a = app.assign(
        "QX",
        AssignmentSpec(
            title="Evening log",
            format="written",
            size="small",
            framing="experiment",
            rationale="Notice the quince pattern",
        ),
        session=1,
        date="2026-01-05",
    ).assignment.assignment_id
    app.miss("QX", a, session=2, date="2026-01-12", explanation=SECRET, reasons="too-complex")
    app.note_change("QX", "life", NOTE)
    app.take_snapshot(case_id_for("QX"))


def raw_bytes(settings: Settings, request: pytest.FixtureRequest) -> bytes:
    """Every byte hw or the server keeps for this store, concatenated."""
    chunks = [p.read_bytes() for p in sorted(settings.home.rglob("*")) if p.is_file()]
    if settings.database_url:
        import psycopg

        server: PgServer = request.getfixturevalue("pg_server")
        dbname = settings.database_url.rsplit("/", 1)[1]
        with psycopg.connect(server.conninfo(dbname), autocommit=True) as conn:
            for topic, state in conn.execute("SELECT topic, state FROM hw_events"):
                chunks += [topic.encode(), bytes(state)]
            for (state,) in conn.execute("SELECT state FROM hw_snapshots"):
                chunks.append(bytes(state))
            conn.execute("CHECKPOINT")
        chunks += [p.read_bytes() for p in sorted(server.datadir.rglob("*")) if p.is_file()]
    return b"".join(chunks)


def needles(text: str) -> list[bytes]:
    """The text as it could appear raw: UTF-8, JSON-escaped, UTF-16."""
    return [text.encode(), json.dumps(text).encode(), text.encode("utf-16-le")]


@pytest.fixture
def key() -> str:
    """A fresh cipher key."""
    return generate_key()


@pytest.fixture
def secure(store_settings: Settings, key: str) -> Settings:
    """This test's home and backend, with encryption at rest."""
    return Settings(
        home=store_settings.home, database_url=store_settings.database_url, cipher_key=key
    )


def test_generated_keys_are_random_aes256(key: str) -> None:
    raw = base64.b64decode(key, validate=True)
    assert len(raw) == 32
    assert generate_key() != key


def test_hw_key_generate_prints_a_key(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hwcli.main", "--home", str(tmp_path / "h"), "key", "generate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    assert len(base64.b64decode(printed, validate=True)) == 32
    assert not (tmp_path / "h").exists()  # no store is opened for this


def test_encrypted_store_holds_no_plaintext(
    secure: Settings, key: str, request: pytest.FixtureRequest
) -> None:
    with open_application(settings=secure, today=lambda: TODAY) as app:
        record(app)
        app.caseload()  # the read model catches up (in memory with a key)
        assert app.assignment("QX", 1).explanation == SECRET
        stored = app.recorder.select_notifications(1, 100)
        recorder = app.recorder
        assert isinstance(recorder, AdminRecorder)
        with recorder.admin_transaction(commit=False) as cursor:
            wrapped = {i: w for i, w, _ in key_rows(recorder, cursor)}
    data = raw_bytes(secure, request)
    for needle in needles(SECRET) + needles(NOTE) + needles("quince"):
        assert needle not in data
    # Event type names and ids are not encrypted (documented in docs/security.md).
    assert b"Case.HomeworkMissed" in data
    # The payload is AES-GCM (nonce, ciphertext and tag, bound to the case id) over
    # zlib-compressed JSON, with the client's own data key; the data key is stored
    # wrapped (AES-GCM) by the practice key (docs/adr/0007-crypto-shredding.md).
    missed = next(n for n in stored if n.topic.endswith("Case.HomeworkMissed"))
    case = case_id_for("QX")
    assert list(wrapped) == [case.hex]
    w = wrapped[case.hex]
    practice = AESGCM(base64.b64decode(key))
    data_key = practice.decrypt(w[:12], w[12:], b"hw-data-key:" + case.bytes)
    blob = missed.state
    plain = zlib.decompress(AESGCM(data_key).decrypt(blob[:12], blob[12:], case.bytes))
    assert json.loads(plain)["explanation"] == SECRET
    with pytest.raises(InvalidTag):  # the practice key alone does not open an event
        practice.decrypt(blob[:12], blob[12:], case.bytes)


def test_plain_store_does_hold_plaintext(
    store_settings: Settings, request: pytest.FixtureRequest
) -> None:
    """The control: without a key the same grep finds the explanation."""
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        record(app)
    assert json.dumps(SECRET).encode()[1:-1] in raw_bytes(store_settings, request)


def _row_count(settings: Settings) -> int:
    with open_application(settings=settings, today=lambda: TODAY) as app:
        return len(app.recorder.select_notifications(1, 10_000))


def test_wrong_missing_and_unexpected_keys_are_clear_errors(
    secure: Settings, store_settings: Settings
) -> None:
    with open_application(settings=secure, today=lambda: TODAY) as app:
        record(app)
    before = _row_count(secure)
    wrong = Settings(secure.home, secure.database_url, generate_key())
    with pytest.raises(StoreError, match="wrong key"):
        open_application(settings=wrong)
    with pytest.raises(StoreError, match="encrypted: set HW_CIPHER_KEY"):
        open_application(settings=store_settings)
    malformed = Settings(secure.home, secure.database_url, "not-a-key")
    with pytest.raises(InvalidValueError, match="hw key generate") as info:
        open_application(settings=malformed)
    assert "not-a-key" not in str(info.value)
    assert _row_count(secure) == before


def test_key_on_a_plain_store_is_refused(store_settings: Settings, key: str) -> None:
    with open_application(settings=store_settings, today=lambda: TODAY) as app:
        record(app)
    keyed = Settings(store_settings.home, store_settings.database_url, key)
    with pytest.raises(StoreError, match="not encrypted but HW_CIPHER_KEY is set"):
        open_application(settings=keyed)
    assert _row_count(store_settings) > 0


def test_cli_reports_a_missing_key_in_one_line(
    secure: Settings, store_env: dict[str, str], key: str
) -> None:
    with open_application(settings=secure, today=lambda: TODAY) as app:
        record(app)
    result = subprocess.run(
        [sys.executable, "-m", "hwcli.main", "plan", "QX"],
        capture_output=True,
        text=True,
        env=store_env,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "hw: error: the event store is encrypted: set HW_CIPHER_KEY to its key"
        " (nothing was read or changed)"
    ]
    ok = subprocess.run(
        [sys.executable, "-m", "hwcli.main", "plan", "QX", "--json"],
        capture_output=True,
        text=True,
        env={**store_env, "HW_CIPHER_KEY": key},
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["client"] == "QX"
