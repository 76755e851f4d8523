"""Following the log from another process: the documented follower and ``hw follow``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from hwcore.application import HwApplication
from hwcore.domain import case_id_for
from tests.cli.conftest import HISTORY_CSV, hw_subprocess, invoke, ok

ROOT = Path(__file__).resolve().parents[2]
FOLLOWER = ROOT / "docs/examples/follow_log.py"


def run_follower(
    home: Path, position: Path, env: dict[str, str], copy: Path | None = None
) -> list[Any]:
    """The documented follower in its own process: the JSON lines it printed."""
    extra = [str(copy)] if copy is not None else []
    done = subprocess.run(
        [sys.executable, str(FOLLOWER), str(home), str(position), *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return [json.loads(line) for line in done.stdout.splitlines()]


def exported_events(app: HwApplication) -> list[tuple[str, str, int, Any]]:
    """(client, topic, version, state) of every stored event, as the export has them."""
    data = app.export_data()
    return [
        (c["client"], e["topic"], e["version"], e["state"])
        for c in data["clients"]
        for e in c["events"]
    ]


def seeded(home: Path, tmp_path: Path) -> None:
    """The multi-client history imported (SQLite, through the CLI)."""
    source = tmp_path / "history.csv"
    source.write_text(HISTORY_CSV, encoding="utf-8")
    ok(invoke(home, "import", str(source)))


def test_the_follower_reads_every_event_decoded_then_resumes_after_its_position(
    app: HwApplication, store_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    app.import_text(HISTORY_CSV)
    position = tmp_path / "position"

    first = run_follower(home, position, store_env)

    got = sorted((i["client"], i["topic"], i["version"], i["state"]) for i in first)
    assert got == sorted(exported_events(app))
    assert [i["position"] for i in first] == sorted(i["position"] for i in first)
    assert int(position.read_text()) == first[-1]["position"]
    assert {i["kind"] for i in first} == {"event"}

    app.note_change("B2", "life", "new job")
    app.clinical.take_measure("A1", "gad7", items=[1, 1, 0, 0, 1, 0, 0])
    second = run_follower(home, position, store_env)

    assert [(i["client"], i["topic"].rpartition(".")[2]) for i in second] == [
        ("B2", "ChangeNoted"),
        ("A1", "MeasureTaken"),
    ]
    assert second[0]["state"]["kind"] == {"_type_": "hw_change_kind", "_data_": "life"}
    assert second[0]["position"] > first[-1]["position"]
    assert run_follower(home, position, store_env) == []


def test_the_follower_decodes_an_encrypted_store(home: Path, tmp_path: Path) -> None:
    key = json.loads(ok(invoke(home, "key", "generate", "--json")).stdout)["key"]
    env = {**os.environ, "HW_HOME": str(home), "HW_CIPHER_KEY": key}
    env.pop("HW_DATABASE_URL", None)
    assert (
        subprocess.run(
            [sys.executable, "-m", "hwcli.main", "client", "add", "QX"],
            env=env,
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )

    items = run_follower(home, tmp_path / "position", env)

    assert [(i["client"], i["topic"]) for i in items] == [
        ("QX", "hwcore.domain.case:Case.Registered")
    ]


def test_hw_follow_prints_json_lines_after_a_position(home: Path, tmp_path: Path) -> None:
    seeded(home, tmp_path)
    everything = hw_subprocess(home, "follow", "--json")
    items = [json.loads(line) for line in everything.stdout.splitlines()]

    later = hw_subprocess(home, "follow", "--after", str(items[9]["position"]), "--limit", "2")

    assert everything.returncode == 0, everything.stderr
    assert items[0]["topic"] == "hwcore.domain.case:Case.Registered"
    assert later.returncode == 0, later.stderr
    lines = later.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        str(items[10]["position"]),
        str(items[11]["position"]),
    ]
    assert lines[0].split("\t")[1:] == [
        items[10]["client"],
        items[10]["topic"].rpartition(".")[2],
        f"v{items[10]['version']}",
    ]


def test_hw_follow_refuses_a_negative_position(home: Path) -> None:
    result = invoke(home, "follow", "--after", "-3")

    assert result.exit_code == 2
    assert "-3" in result.stderr


def test_a_follower_in_another_process_erases_a_purged_client(
    app: HwApplication, store_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    app.import_text(HISTORY_CSV)
    position, copy = tmp_path / "position", tmp_path / "copy.jsonl"
    run_follower(home, position, store_env, copy)
    secret = b"Too tired after work"
    assert secret in copy.read_bytes()  # the follower's own copy holds A1's text
    purged = subprocess.run(
        [sys.executable, "-m", "hwcli.main", "client", "purge", "A1", "--yes"],
        env=store_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert purged.returncode == 0, purged.stderr

    items = run_follower(home, position, store_env, copy)

    (tomb,) = items
    assert tomb["kind"] == "purge"
    assert tomb["case"] == case_id_for("A1").hex
    assert tomb["state"] == {}
    assert secret not in copy.read_bytes()
    kept = [json.loads(line) for line in copy.read_text(encoding="utf-8").splitlines()]
    assert {i["client"] for i in kept} == {"B2", "C3"}
    assert run_follower(home, position, store_env, copy) == []
    shown = hw_subprocess(home, "follow", "--after", str(tomb["position"] - 1))
    if "HW_DATABASE_URL" not in store_env:
        assert shown.stdout.split("\t")[1:] == [case_id_for("A1").hex, "purged\n"]
