"""A kept case is never served after another process purged and re-imported it, on both backends.

The store's generation (the audit trail's size and latest time) is asked on
every load of a kept case; on PostgreSQL it is one statement, and once the
audit table was seen only its count is asked. So the scenario runs twice: the
first purge creates the audit table, the second finds it known.
"""

from __future__ import annotations

import json
from pathlib import Path

from hwcore.application import purge_client
from hwcore.bootstrap import open_application
from hwcore.config import Settings
from tests.conftest import TODAY
from tests.integration.test_readmodel import fresh_state


def _edit_and_reimport(settings: Settings, client: str, old: str, new: str, tmp: Path) -> None:
    """Another process: export the client, edit a date, purge it, import the edited file."""
    with open_application(settings=settings, today=lambda: TODAY) as other:
        data = other.export_data(client)
        (held,) = [e for e in data["clients"][0]["events"] if e["version"] == 2]
        held["state"] = json.loads(json.dumps(held["state"]).replace(old, new))
        purge_client(other, client)
        exported = tmp / f"{client}-{new}.json"
        exported.write_text(json.dumps(data), encoding="utf-8")
        other.import_file(exported)


def test_a_re_imported_client_is_read_again_before_and_after_the_audit_table_exists(
    store_settings: Settings, tmp_path: Path
) -> None:
    with open_application(settings=store_settings, today=lambda: TODAY) as mine:
        for client in ("EX", "EY"):
            mine.register_client(client)
            mine.hold_session(client, 1, "2026-01-05")
            mine.note_change(client, "life", "invented note", session=1)
        assert mine._load("EX").sessions[1].held_on.isoformat() == "2026-01-05"
        _edit_and_reimport(store_settings, "EX", "2026-01-05", "2026-01-02", tmp_path)
        case = mine._load("EX")  # the audit table did not exist when last asked
        assert case.sessions[1].held_on.isoformat() == "2026-01-02"
        assert dict(case.__dict__) == fresh_state(mine, "EX")

        assert mine._load("EY").sessions[1].held_on.isoformat() == "2026-01-05"
        mine.note_change("EY", "other", "kept again", session=1)  # EY kept, table now known
        _edit_and_reimport(store_settings, "EY", "2026-01-05", "2026-01-03", tmp_path)
        case = mine._load("EY")
        assert case.sessions[1].held_on.isoformat() == "2026-01-03"
        assert dict(case.__dict__) == fresh_state(mine, "EY")
