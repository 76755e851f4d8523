"""``hw export --format csv|fhir``: the import format both ways, and a FHIR R4 Bundle."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click
import pytest
from fhir.resources.R4B.bundle import Bundle

from hwcore.application.exchange.csvexport import COLUMNS
from tests.cli.conftest import HISTORY_CSV, invoke, ok, plan_json

CLIENTS = ("A1", "B2", "C3")


@pytest.fixture
def recorded(home: Path, tmp_path: Path) -> Path:
    """The history, a design with every field, a correction, a review and measures."""
    source = tmp_path / "history.csv"
    source.write_text(HISTORY_CSV, encoding="utf-8")
    ok(invoke(home, "import", str(source)))
    ok(
        invoke(
            home, "assign", "B2", "--session", "4", "--date", "2026-01-27",
            "--title", 'Walk, then "rate" it', "--format", "behavioral", "--size", "small",
            "--framing", "practice", "--frequency", "several-weekly", "--doses", "3",
            "--confidence", "7", "--client-why", "so the evenings feel lighter",
            "--days", "mon,thu", "--at", "18:30", "--task", "Walk ten minutes\nthen rate it",
        )
    )  # fmt: skip
    ok(invoke(home, "correct", "A1", "2", "--set", "size=small", "--reason", "typed wrong"))
    ok(invoke(home, "review", "A1", "--session", "6", "--next-review", "12"))
    ok(invoke(home, "measure", "add", "A1", "phq9", "--items", "1,0,2,1,0,1,2,0,1"))
    ok(invoke(home, "measure", "add", "A1", "phq9", "--items", "0,0,1,1,0,0,1,0,0"))
    ok(invoke(home, "measure", "add", "A1", "gad7", "--items", "1,1,0,0,1,0,0"))
    ok(
        invoke(
            home,
            "measure",
            "define",
            "sleep-diary",
            "--min",
            "0",
            "--max",
            "10",
            "--better",
            "high",
        )
    )
    ok(invoke(home, "measure", "add", "B2", "sleep-diary", "--score", "6"))
    return home


def export(home: Path, fmt: str, *args: str) -> str:
    """``hw export --format FMT ARGS`` on stdout."""
    return ok(invoke(home, "export", "--format", fmt, *args)).stdout


def test_csv_export_imports_into_an_empty_home_with_the_same_planners(
    recorded: Path, tmp_path: Path
) -> None:
    text = export(recorded, "csv")
    path = tmp_path / "exported.csv"
    path.write_text(text, encoding="utf-8")
    other = tmp_path / "other"

    ok(invoke(other, "import", str(path)))

    for client in CLIENTS:
        mine, theirs = plan_json(recorded, client), plan_json(other, client)
        # The review and the measures are not assignments: the CSV does not hold them.
        for key in ("review", "measures", "alerts", "chosen_system", "current_system"):
            mine.pop(key, None), theirs.pop(key, None)
        assert theirs == mine, client
    assert export(other, "csv") == text


def test_csv_export_writes_the_import_columns_and_every_design_field(recorded: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export(recorded, "csv", "B2"))))

    assert [r["client"] for r in rows] == ["B2"] * 4
    last = rows[-1]
    assert last["assignment"] == 'Walk, then "rate" it'
    assert (last["days"], last["time"], last["planned"], last["confidence"]) == (
        "mon,thu",
        "18:30",
        "3",
        "7",
    )
    assert last["task"] == "Walk ten minutes\nthen rate it"
    assert (last["outcome"], rows[0]["outcome"]) == ("pending", "completed")


def test_csv_export_keeps_a_partial_dose_and_a_miss_explanation(recorded: Path) -> None:
    rows = {r["assignment"]: r for r in csv.DictReader(io.StringIO(export(recorded, "csv", "A1")))}

    partial, missed = rows["Journal three lines"], rows["Evening journal"]
    assert (partial["outcome"], partial["done"], partial["planned"]) == ("partial", "2", "7")
    assert missed["explanation"] == "Too tired after work, honestly"
    assert missed["reasons"] == "too-complex;wrong-timing"
    assert missed["size"] == "small"  # as corrected


# The required value sets of R4 for the coded fields hw fills (the models check
# cardinality and types, not these codes).
R4_CODES = {
    ("Task", "status"): {
        "draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
        "in-progress", "on-hold", "failed", "completed", "entered-in-error",
    },
    ("Task", "intent"): {
        "unknown", "proposal", "plan", "order", "original-order", "reflex-order",
        "filler-order", "instance-order", "option",
    },
    ("CarePlan", "status"): {
        "draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown",
    },
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("Observation", "status"): {
        "registered", "preliminary", "final", "amended", "corrected", "cancelled",
        "entered-in-error", "unknown",
    },
    ("QuestionnaireResponse", "status"): {
        "in-progress", "completed", "amended", "entered-in-error", "stopped",
    },
}  # fmt: skip


def _check_r4_codes(bundle: dict[str, Any]) -> None:
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for (kind, field), allowed in R4_CODES.items():
            if resource["resourceType"] == kind:
                assert resource[field] in allowed, (kind, field, resource[field])


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_fhir_export_is_an_r4_collection_bundle_the_fhir_models_accept(recorded: Path) -> None:
    data = json.loads(export(recorded, "fhir"))

    Bundle.model_validate(data)  # raises on anything R4(B) does not allow
    _check_r4_codes(data)
    assert (data["resourceType"], data["type"]) == ("Bundle", "collection")
    patients = _resources(data, "Patient")
    assert [p["identifier"] for p in patients] == [
        [{"system": "urn:hw:client", "value": c}] for c in CLIENTS
    ]
    assert all(set(p) == {"resourceType", "id", "identifier"} for p in patients)
    urls = {e["fullUrl"] for e in data["entry"]}
    references = [
        value
        for e in data["entry"]
        for value in json.dumps(e["resource"]).split('"reference": "')[1:]
    ]
    assert {r.split('"')[0] for r in references} <= urls


def test_fhir_tasks_carry_each_outcome_and_a_partials_dose(recorded: Path) -> None:
    data = json.loads(export(recorded, "fhir", "A1"))
    Bundle.model_validate(data)

    tasks = {t["description"]: t for t in _resources(data, "Task")}
    status = {title: (t["status"], t["businessStatus"]["text"]) for title, t in tasks.items()}
    assert status == {
        "Ten-minute walk": ("completed", "completed"),
        "Evening journal": ("failed", "missed"),
        "Walk to the shop": ("completed", "completed"),
        "Journal three lines": ("completed", "partial"),
        "Call a friend": ("completed", "completed"),
        "Notice tension": ("requested", "pending"),
    }
    assert tasks["Journal three lines"]["output"] == [
        {"type": {"text": "doses done"}, "valueInteger": 2},
        {"type": {"text": "doses planned"}, "valueInteger": 7},
    ]
    assert "output" not in tasks["Ten-minute walk"]


def test_fhir_care_plan_is_the_current_system(recorded: Path) -> None:
    data = json.loads(export(recorded, "fhir"))
    plans = {p["subject"]["reference"]: p for p in _resources(data, "CarePlan")}
    patient = {p["identifier"][0]["value"]: p["id"] for p in _resources(data, "Patient")}
    system = plan_json(recorded, "A1")["current_system"]

    a1, b2 = plans[f"urn:uuid:{patient['A1']}"], plans[f"urn:uuid:{patient['B2']}"]
    assert a1["status"] == "active"
    for field in ("format", "size", "frequency", "framing"):
        if system[field] is not None:
            assert f"{field}: {system[field]}" in a1["description"]
    assert b2["status"] == "draft"  # no review recorded for B2
    assert len(a1["activity"]) == 6


def test_fhir_measures_are_observations_with_loinc_and_questionnaire_responses(
    recorded: Path,
) -> None:
    data = json.loads(export(recorded, "fhir", "A1"))

    observations = _resources(data, "Observation")
    responses = {r["id"]: r for r in _resources(data, "QuestionnaireResponse")}
    codes = [(o["code"]["coding"][0]["code"], o["valueInteger"]) for o in observations]
    assert codes == [("44261-6", 8), ("44261-6", 3), ("70274-6", 3)]
    first = responses[observations[0]["derivedFrom"][0]["reference"].removeprefix("urn:uuid:")]
    assert first["questionnaire"] == "http://loinc.org/q/44249-1"
    assert [(i["linkId"], i["answer"][0]["valueInteger"]) for i in first["item"]][:3] == [
        ("44250-9", 1),
        ("44255-8", 0),
        ("44259-0", 2),
    ]
    assert len(first["item"]) == 9
    gad = responses[observations[2]["derivedFrom"][0]["reference"].removeprefix("urn:uuid:")]
    assert gad["questionnaire"] == "http://loinc.org/q/69737-5"


def test_export_to_a_file_says_its_format(recorded: Path, tmp_path: Path) -> None:
    target = tmp_path / "a1.fhir.json"

    result = ok(invoke(recorded, "export", "A1", "--format", "fhir", "-o", str(target), "--json"))

    assert json.loads(result.stdout) == {"file": str(target), "format": "fhir", "clients": 1}
    assert json.loads(target.read_text(encoding="utf-8"))["resourceType"] == "Bundle"


def test_export_of_an_unknown_client_is_one_line_and_exit_1(recorded: Path) -> None:
    for fmt in ("csv", "fhir"):
        result = invoke(recorded, "export", "ZZ", "--format", fmt)
        assert result.exit_code == 1
        assert len(result.stderr.splitlines()) == 1
        assert "'ZZ'" in result.stderr


def test_export_refuses_an_unknown_format(recorded: Path) -> None:
    result = invoke(recorded, "export", "--format", "xml")

    assert result.exit_code == 2
    assert "'xml'" in result.stderr


def test_fhir_export_of_an_empty_home_is_a_valid_empty_bundle(home: Path) -> None:
    data = json.loads(export(home, "fhir"))

    Bundle.model_validate(data)
    assert "entry" not in data  # FHIR JSON never holds an empty array
    assert export(home, "csv").splitlines() == [",".join(COLUMNS)]


def test_fhir_a_practice_measure_is_coded_by_hw_with_its_total(recorded: Path) -> None:
    data = json.loads(export(recorded, "fhir", "B2"))
    Bundle.model_validate(data)

    [observation] = _resources(data, "Observation")
    [response] = _resources(data, "QuestionnaireResponse")
    assert observation["code"]["coding"] == [{"system": "urn:hw:measure", "code": "sleep-diary"}]
    assert observation["valueInteger"] == 6
    assert response["item"] == [{"linkId": "total", "answer": [{"valueInteger": 6}]}]
    assert "questionnaire" not in response


def test_the_cli_offers_exactly_the_applications_export_formats() -> None:
    from hwcli.main import cli
    from hwcore.application import EXPORT_FORMATS

    command = cli.get_command(click.Context(cli), "export")
    assert command is not None
    [option] = [p for p in command.params if p.name == "fmt"]
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == EXPORT_FORMATS


def test_export_never_replaces_a_file_without_force(recorded: Path, tmp_path: Path) -> None:
    target = tmp_path / "kept.csv"
    target.write_text("mine\n", encoding="utf-8")

    refused = invoke(recorded, "export", "--format", "csv", "-o", str(target))
    forced = invoke(recorded, "export", "--format", "csv", "-o", str(target), "--force")

    assert refused.exit_code == 1
    assert len(refused.stderr.splitlines()) == 1
    assert forced.exit_code == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("client,session,date,")
