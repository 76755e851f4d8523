"""The event contract: docs/events.md and docs/schema/hw-export.schema.json match the code,
and a real export of every kind of event validates against the schema."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from hwcore.domain import AssignmentSpec, Case, FollowupProtocol, SystemChoice
from tests.cli.conftest import HISTORY_CSV, invoke, ok

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs/schema/hw-export.schema.json").read_text(encoding="utf-8"))
EVENTS_MD = (ROOT / "docs/events.md").read_text(encoding="utf-8")
ENVELOPE = ("originator_id", "originator_version", "timestamp")
BASES = {"Event", "Created", "Snapshot"}
"""eventsourcing's base classes nested in every aggregate: no command records them."""


def event_classes() -> dict[str, type[Aggregate.Event]]:
    """Every event class a command of a case records, by its stored topic."""
    return {
        get_topic(value): value
        for name, value in vars(Case).items()
        if isinstance(value, type) and issubclass(value, Aggregate.Event) and name not in BASES
    }


def state_fields(cls: type[Aggregate.Event]) -> list[str]:
    """The fields an event stores besides the envelope."""
    return [f.name for f in dataclasses.fields(cls) if f.name not in ENVELOPE]  # type: ignore[arg-type]


def validator() -> jsonschema.Draft202012Validator:
    """The export schema's validator, formats (date, date-time) checked."""
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def every_event(home: Path, tmp_path: Path) -> dict[str, Any]:
    """An export holding at least one event of every stored topic."""
    source = tmp_path / "history.csv"
    source.write_text(HISTORY_CSV, encoding="utf-8")
    ok(invoke(home, "import", str(source)))
    steps = [
        ("session", "A1", "6", "--date", "2026-02-10", "--correct", "typed the wrong day"),
        ("framing", "A1", "curiosity", "--wording", "let's see", "--reason", "fits better"),
        ("change", "A1", "--kind", "life", "--note", "moved house"),
        ("review", "A1", "--next-review", "12"),
        ("correct", "A1", "2", "--set", "size=small", "--reason", "recorded wrong"),
        ("measure", "add", "A1", "phq9", "--items", "1,0,2,1,0,1,2,0,1"),
        ("measure", "define", "sleep-diary", "--min", "0", "--max", "10", "--better", "high"),
        ("measure", "add", "A1", "sleep-diary", "--score", "6"),
        ("alert", "ack", "A1", "6", "--note", "safety plan reviewed"),
        ("consent", "A1", "--channel", "sms", "--days", "mon", "--boundaries", "not for crisis",
         "--privacy-risk", "shared phone"),
        ("done", "A1", "6", "--insights", "tension shows first", "--modification", "shorter"),
    ]  # fmt: skip
    for step in steps:
        ok(invoke(home, *step))
    data: dict[str, Any] = json.loads(ok(invoke(home, "export")).stdout)
    return data


def test_a_real_export_of_every_event_validates_against_the_schema(
    every_event: dict[str, Any],
) -> None:
    topics = {e["topic"] for c in every_event["clients"] for e in c["events"]}

    assert topics == set(event_classes())  # the fixture covers every topic
    errors = [e.message for e in validator().iter_errors(every_event)]
    assert errors == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("clients", 0, "events", 7, "state", "spec", "_data_", "confidence"), "high"),
        (("clients", 0, "events", 1, "state", "held_on", "_data_"), "5 Jan"),
        (("clients", 0, "events", 7, "state", "surprise"), 1),
        (("clients", 0, "events", 7, "topic"), "hwcore.domain.case:Case.Renamed"),
        (("version",), 3),
    ],
)
def test_the_schema_refuses_an_edited_export(
    every_event: dict[str, Any], path: tuple[Any, ...], value: Any
) -> None:
    data = copy.deepcopy(every_event)
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value

    assert not validator().is_valid(data)


def test_the_schema_names_every_topic_and_every_field() -> None:
    defs = SCHEMA["$defs"]
    classes = event_classes()

    assert set(defs["event"]["properties"]["topic"]["enum"]) == set(classes)
    for topic, cls in classes.items():
        state = defs[topic.rpartition(".")[2]]
        # recorded_by: in every event's state, stamped by the store (not a class field)
        assert sorted(state["properties"]) == sorted([*state_fields(cls), "recorded_by"]), topic
        assert "recorded_by" not in state.get("required", []), topic  # old events lack it


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("hw_assignment_spec", AssignmentSpec),
        ("hw_system_choice", SystemChoice),
        ("hw_followup", FollowupProtocol),
    ],
)
def test_the_schema_names_every_field_of_the_stored_values(name: str, cls: type) -> None:
    data = SCHEMA["$defs"][name]["properties"]["_data_"]
    fields = [f.name for f in attrs.fields(cls)]

    assert sorted(data["properties"]) == sorted(fields)
    for field in fields:
        assert f"`{field}`" in EVENTS_MD, field


def test_every_exported_event_says_who_recorded_it(every_event: dict[str, Any]) -> None:
    authors = {e["state"].get("recorded_by") for c in every_event["clients"] for e in c["events"]}

    assert authors == {"dr.test"}  # HW_CLINICIAN of the CLI tests' environment
    assert "`recorded_by`" in EVENTS_MD


def test_docs_events_md_documents_every_topic_and_field() -> None:
    for topic, cls in event_classes().items():
        heading = f"\n### `{topic}`\n"
        assert heading in EVENTS_MD, topic
        section = EVENTS_MD.split(heading, 1)[1].split("\n### ", 1)[0]
        for field in state_fields(cls):
            assert f"| `{field}` |" in section, (topic, field)


def test_an_export_of_every_event_imports_into_a_new_home_unchanged(
    every_event: dict[str, Any], tmp_path: Path
) -> None:
    # Measures, consents and acknowledgements too (they were refused as "a
    # registration after the first event" before they had a command here).
    path = tmp_path / "every.json"
    path.write_text(json.dumps(every_event), encoding="utf-8")
    other = tmp_path / "other"
    ok(invoke(other, "import", str(path)))
    assert json.loads(ok(invoke(other, "export")).stdout) == every_event
    [done] = [e for e in every_event["clients"][0]["events"] if e["state"].get("insights")]
    assert (done["state"]["insights"], done["state"]["modification"]) == (
        "tension shows first",
        "shorter",
    )
