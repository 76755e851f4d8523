"""Imports go through the domain's guards: edited export files are refused whole.

Each test edits a real `hw export` file the way a careless or hostile user
would, imports it into a real SQLite home through the CLI, and checks the one
error line and that nothing was written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import export_text, invoke, ok

Edit = Callable[[dict[str, Any]], None]


def _record(home: Path) -> None:
    """AB: two sessions, one assignment completed partly, one pending."""
    ok(invoke(home, "client", "add", "AB"))
    ok(invoke(home, "session", "AB", "1", "--date", "2026-01-05"))
    design = ("--format", "behavioral", "--size", "small", "--framing", "experiment")
    ok(invoke(home, "assign", "AB", "--title", "Walk", *design, "--doses", "7"))
    ok(invoke(home, "partial", "AB", "1", "--done", "3", "--session", "2", "--date", "2026-01-12"))
    ok(invoke(home, "assign", "AB", "--title", "Call", *design, "--confidence", "8"))


def _events(data: dict[str, Any], topic: str) -> list[dict[str, Any]]:
    return [e for e in data["clients"][0]["events"] if e["topic"].endswith("." + topic)]


def _spec(data: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = _events(data, "HomeworkAssigned")[0]["state"]["spec"]["_data_"]
    return spec


def _set_spec(field: str, value: Any) -> Edit:
    return lambda data: _spec(data).__setitem__(field, value)


def _set_done(data: dict[str, Any]) -> None:
    _events(data, "HomeworkCompleted")[0]["state"]["done"] = 900


def _spec_a_string(data: dict[str, Any]) -> None:
    _events(data, "HomeworkAssigned")[0]["state"]["spec"] = "Walk, behavioral, small"


def _entry_key(data: dict[str, Any]) -> None:
    data["clients"][0]["notes"] = "extra"


def _spec_key(data: dict[str, Any]) -> None:
    _spec(data)["priority"] = "high"


def _top_key(data: dict[str, Any]) -> None:
    data["exported_by"] = "someone"


CASES: dict[str, tuple[Edit, str]] = {
    "a 10 MB title": (
        _set_spec("title", "x" * 10_000_000),
        "event 3: invalid title '<10000000 characters>': allowed at most 4000",
    ),
    "a 10,000-character framing": (
        _set_spec("framing", "y" * 10_000),
        "event 3: invalid framing '<10000 characters>'",
    ),
    "confidence 99": (
        _set_spec("confidence", 99),
        "event 3: invalid confidence 99: allowed a whole number 0-10",
    ),
    "confidence as text": (
        _set_spec("confidence", "8"),
        "event 3: invalid confidence '<str>': allowed a whole number",
    ),
    "done 900 of 7": (
        _set_done,
        "event 5: invalid done 900: allowed fewer than planned (7) for a partial outcome",
    ),
    "a spec made a string": (
        _spec_a_string,
        "event 3: invalid spec 'str': allowed a AssignmentSpec",
    ),
    "an extra key in a client entry": (_entry_key, "client entry 1: unknown key 'notes'"),
    "an extra key in a spec": (_spec_key, "event 3: unknown key 'priority'"),
    "an extra key at the top": (_top_key, "unknown key 'exported_by' in the export"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_edited_export_is_refused_whole_with_one_line(
    home: Path, tmp_path: Path, case: str
) -> None:
    _record(home)
    data = json.loads(export_text(home))
    edit, expected = CASES[case]
    edit(data)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    other = tmp_path / "fresh"
    for target in (other, home):  # a new home, and the home it came from
        before = export_text(target) if target == home else None
        result = invoke(target, "import", str(path))
        assert result.exit_code == 1, result.stdout
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        if target == other:
            assert expected in lines[0], lines[0]
            assert lines[0].startswith("hw: error: edited.json")
            assert len(lines[0]) < 200
        else:
            assert export_text(home) == before
    assert "AB" not in ok(invoke(other, "clients")).stdout


def test_an_export_whose_client_was_renamed_is_refused(home: Path, tmp_path: Path) -> None:
    """Issue 14 item 6: AB's events under ZZ would be listed as AB and escape a purge."""
    _record(home)
    data = json.loads(export_text(home))
    data["clients"][0]["client"] = "ZZ"
    path = tmp_path / "renamed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    other = tmp_path / "fresh"
    result = invoke(other, "import", str(path))
    assert result.exit_code == 1
    assert "client 'ZZ': its registration names another client" in result.stderr
    assert ok(invoke(other, "clients")).stdout.startswith("no clients yet")
    ok(invoke(other, "client", "add", "AB"))  # and AB is free, with nothing hidden


def test_reimporting_an_export_when_the_store_is_ahead_changes_nothing_and_says_so(
    home: Path, tmp_path: Path
) -> None:
    """Issue 14 item 21."""
    _record(home)
    path = tmp_path / "export.json"
    ok(invoke(home, "export", "-o", str(path)))
    ok(invoke(home, "change", "AB", "--kind", "life", "--note", "moved house"))
    before = export_text(home)
    result = ok(invoke(home, "import", str(path)))
    assert "nothing new" in result.stdout
    assert "the store is ahead of the file for 1 of them" in result.stdout
    assert export_text(home) == before
    report = json.loads(ok(invoke(home, "import", str(path), "--json")).stdout)
    assert (report["events_written"], report["store_ahead"]) == (0, 1)


def test_an_export_from_before_the_new_design_fields_still_imports(
    home: Path, tmp_path: Path
) -> None:
    """Assignments exported by an hw without client_why, days and time read with defaults."""
    _record(home)
    data = json.loads(export_text(home))
    for event in _events(data, "HomeworkAssigned"):
        for key in ("client_why", "days", "time"):
            del event["state"]["spec"]["_data_"][key]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    other = tmp_path / "fresh"
    ok(invoke(other, "import", str(path)))
    assert export_text(other) == export_text(home)


def test_an_outcome_at_the_assigning_session_is_refused_in_an_export(
    home: Path, tmp_path: Path
) -> None:
    _record(home)
    data = json.loads(export_text(home))
    _events(data, "HomeworkCompleted")[0]["state"]["session"] = 1
    path = tmp_path / "same-session.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = invoke(tmp_path / "fresh", "import", str(path))
    assert result.exit_code == 1
    assert "an outcome belongs to a later session" in result.stderr


def test_a_csv_row_with_a_huge_title_is_refused(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "client,session,date,assignment,format,size,framing,outcome\n"
        f"AB,1,2026-01-05,{'t' * 5000},written,small,experiment,completed\n",
        encoding="utf-8",
    )
    result = invoke(home, "import", str(path))
    assert result.exit_code == 1
    assert "row 2: invalid title '<5000 characters>'" in result.stderr


def test_a_csv_row_carries_every_design_field(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        "client,session,date,assignment,format,size,framing,outcome,client_why,days,time,"
        "started_in_session,followup_plan\n"
        "AB,1,2026-01-05,Walk,behavioral,small,experiment,pending,It clears my head,"
        "thu;mon,17:30,yes,ask first\n",
        encoding="utf-8",
    )
    ok(invoke(home, "import", str(path)))
    (a,) = json.loads(ok(invoke(home, "history", "AB", "--json")).stdout)[-1:]
    spec = a["data"]["spec"]
    assert (spec["client_why"], spec["days"], spec["time"]) == (
        "It clears my head",
        ["mon", "thu"],
        "17:30",
    )
    assert (spec["started_in_session"], spec["followup_plan"]) == (True, "ask first")
    path.write_text(
        "client,session,date,assignment,format,size,framing,outcome,days\n"
        "CD,1,2026-01-05,Walk,behavioral,small,experiment,pending,someday\n",
        encoding="utf-8",
    )
    result = invoke(home, "import", str(path))
    assert result.exit_code == 1
    assert "row 2: invalid day 'someday'" in result.stderr


def test_an_export_with_a_corrected_session_date_round_trips(home: Path, tmp_path: Path) -> None:
    _record(home)
    ok(invoke(home, "session", "AB", "1", "--date", "2026-01-04", "--correct", "typo"))
    ok(invoke(home, "correct", "AB", "1", "--set", "done=4", "--reason", "miscounted"))
    path = tmp_path / "export.json"
    ok(invoke(home, "export", "-o", str(path)))
    other = tmp_path / "fresh"
    ok(invoke(other, "import", str(path)))
    assert export_text(other) == export_text(home)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "hw-export", "version": "1", "clients": []}', 'version the text "1"'),
        ('{"format": "hw-export", "version": 7, "clients": []}', "export version 7: this hw"),
        ('{"format": "hw-export", "version": 1, "clients": ' + "[" * 100_000, "nested too deeply"),
    ],
)
def test_a_bad_export_document_is_one_clear_line(
    home: Path, tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    result = invoke(home, "import", str(path))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert expected in line


def test_a_client_listed_twice_is_refused(home: Path, tmp_path: Path) -> None:
    _record(home)
    data = json.loads(export_text(home))
    data["clients"].append(data["clients"][0])
    path = tmp_path / "twice.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = invoke(tmp_path / "fresh", "import", str(path))
    assert result.exit_code == 1
    assert "client 'AB' is listed twice" in result.stderr
