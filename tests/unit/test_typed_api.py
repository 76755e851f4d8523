"""The command inputs are typed: an embedder's misspelt field is a mypy --strict error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hwcore.application import AssignmentSpec, Format, OutcomeEntry, Weekday, design_fields

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = """\
from hwcore.application import AssignmentSpec, HwApplication, OutcomeEntry, ReviewChoice


def record(hw: HwApplication) -> None:
    hw.assign("AB", fromat="written", size="small", framing="experiment")
    hw.assign("AB", AssignmentSpec(title="Walk", fromat="written", size="small", framing="x"))
    hw.wrap_up("AB", outcomes=[OutcomeEntry(outcome="missed", reason="forgotten")])
    hw.review("AB", ReviewChoice(sise="tiny"))
    hw.assign("AB", AssignmentSpec(title="Walk", format="written", size="small", framing="x"))
"""


@pytest.mark.slow
def test_a_misspelt_keyword_is_a_type_error_for_an_embedder(tmp_path: Path) -> None:
    snippet = tmp_path / "embedder.py"
    snippet.write_text(SNIPPET)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--follow-imports=silent",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(snippet),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    flagged = {int(line.split(":")[1]) for line in errors}
    assert flagged == {5, 6, 7, 8}, result.stdout
    assert '"fromat"' in result.stdout
    assert '"reason"' in result.stdout
    assert '"sise"' in result.stdout


def test_the_design_accepts_strings_and_checks_them() -> None:
    spec = AssignmentSpec(
        title="Walk", format="behavioral", size="small", framing="x", days="sun,mon", time="7:30"
    )
    assert spec.format is Format.BEHAVIORAL
    assert spec.days == (Weekday.MON, Weekday.SUN)
    assert spec.time == "07:30"


def test_every_design_field_is_offered_once_in_order() -> None:
    names = [f.name for f in design_fields()]
    assert names[:4] == ["title", "format", "size", "framing"]
    assert names[-5:] == ["client_why", "days", "time", "understanding", "accommodations"]
    assert [f.name for f in design_fields() if f.required] == names[:4]
    kinds = {f.name: f.kind for f in design_fields()}
    assert (kinds["confidence"], kinds["started_in_session"], kinds["days"]) == (int, bool, tuple)


def test_an_outcome_entry_refuses_pending_and_parses_reasons() -> None:
    from hwcore.application import InvalidValueError, MissReason

    entry = OutcomeEntry(outcome="missed", reasons="forgotten; too-complex;forgotten")
    assert entry.reasons == (MissReason.FORGOTTEN, MissReason.TOO_COMPLEX)
    # ',' as --days takes it (a user's habit), as well as ';' (a CSV cell's)
    assert OutcomeEntry(outcome="missed", reasons="too-complex,forgotten").reasons == (
        MissReason.TOO_COMPLEX,
        MissReason.FORGOTTEN,
    )
    with pytest.raises(InvalidValueError, match="outcome 'pending'"):
        OutcomeEntry(outcome="pending")
