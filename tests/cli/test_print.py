"""``hw config`` and ``hw print plan|handout``: in-process and as a real subprocess."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import icalendar
import pymupdf

from tests.cli.conftest import hw_subprocess, invoke, ok


def pdf_text(path: Path) -> str:
    """All the PDF's text, whitespace collapsed."""
    with pymupdf.open(path) as doc:
        return " ".join(" ".join(page.get_text() for page in doc).split())


def test_config_set_get_list_unset(home: Path, tmp_path: Path) -> None:
    assert ok(invoke(home, "config", "set", "clinic.name", "Praxis Müller")).stdout == (
        "clinic.name = Praxis Müller\n"
    )
    assert ok(invoke(home, "config", "set", "clinic.accent", "Teal")).stdout == (
        "clinic.accent = #008080\n"
    )
    assert ok(invoke(home, "config", "get", "clinic.name")).stdout == "Praxis Müller\n"
    assert ok(invoke(home, "config", "get", "clinic.footer")).stdout == ""
    listing = ok(invoke(home, "config", "list")).stdout
    assert "clinic.name    Praxis Müller" in listing
    assert "paper          (unset)" in listing
    data = json.loads(ok(invoke(home, "config", "list", "--json")).stdout)
    assert data["clinic.accent"] == "#008080"
    assert data["paper"] is None
    assert ok(invoke(home, "config", "unset", "clinic.name")).stdout == "clinic.name removed\n"
    assert stat.S_IMODE((home / "config.json").stat().st_mode) == 0o600


def test_bad_config_values_exit_1_with_one_line(home: Path, tmp_path: Path) -> None:
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_text("hello", encoding="utf-8")
    cases = [
        (("clinic.colour", "red"), "invalid config key 'clinic.colour'"),
        (("clinic.accent", "blurple"), "invalid clinic.accent 'blurple'"),
        (("clinic.logo", str(tmp_path / "missing.png")), "no such file"),
        (("clinic.logo", str(not_an_image)), "not a PNG or JPEG image"),
        (("paper", "A3"), "invalid paper 'A3': allowed A4, Letter"),
    ]
    for args, message in cases:
        result = invoke(home, "config", "set", *args)
        assert result.exit_code == 1, args
        lines = result.stderr.splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("hw: error: ")
        assert message in lines[0]
    assert not (home / "config.json").exists()


def test_print_plan_writes_a_private_pdf(imported: Path, tmp_path: Path) -> None:
    ok(invoke(imported, "config", "set", "clinic.name", "Harbour Street Practice"))
    out = tmp_path / "a1.pdf"

    result = ok(invoke(imported, "print", "plan", "A1", "-o", str(out)))

    assert result.stdout == f"wrote {out}\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = pdf_text(out)
    assert "Harbour Street Practice" in text
    assert "Client A1" in text
    assert "Too tired after work, honestly" in text
    assert "behavioral (n=3, rate 100%)" in text


def test_print_plan_as_of_a_session_or_a_date(imported: Path, tmp_path: Path) -> None:
    by_session = tmp_path / "s3.pdf"
    by_date = tmp_path / "d.pdf"

    ok(invoke(imported, "print", "plan", "A1", "-o", str(by_session), "--as-of", "3"))
    data = json.loads(
        ok(
            invoke(
                imported,
                "print",
                "plan",
                "A1",
                "-o",
                str(by_date),
                "--as-of",
                "2026-01-20",
                "--json",
            )
        ).stdout
    )

    assert "As of session 3" in pdf_text(by_session)
    assert data == {"pdf": str(by_date)}
    assert "As of session 3" in pdf_text(by_date)
    bad = invoke(imported, "print", "plan", "A1", "--as-of", "soon")
    assert bad.exit_code == 1
    assert "invalid as-of 'soon'" in bad.stderr


def test_print_handout_with_calendar_as_json(imported: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "h.pdf"
    ics = tmp_path / "h.ics"

    result = ok(
        invoke(
            imported,
            "print",
            "handout",
            "A1",
            "latest",
            "-o",
            str(pdf),
            "--ics",
            str(ics),
            "--at",
            "18:45",
            "--remind",
            "5",
            "--large-print",
            "--json",
        )
    )

    assert json.loads(result.stdout) == {
        "pdf": str(pdf),
        "ics": str(ics),
        "reminders": {"on": "frequency", "days": []},
        "handout": {
            "language": "en",
            "plain": False,
            "large_print": True,
            "from_accommodations": [],
        },
    }
    text = pdf_text(pdf)
    assert "Notice tension" in text
    assert "You don't have to show this to me." in text
    events = list(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert len(events) == 7  # daily, no doses given: one a day for the week
    assert {e.decoded("dtstart").strftime("%H:%M") for e in events} == {"18:45"}
    for event in events:
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("trigger").total_seconds() == -300


def test_print_errors_are_one_line(imported: Path, tmp_path: Path) -> None:
    unknown = invoke(imported, "print", "handout", "ZZ9", "latest")
    missing = invoke(imported, "print", "handout", "A1", "99")
    folder = invoke(imported, "print", "plan", "A1", "-o", str(tmp_path / "no" / "x.pdf"))
    usage = invoke(imported, "print", "handout")
    bad_remind = invoke(imported, "print", "handout", "A1", "--remind", "-3")

    assert unknown.exit_code == 1
    assert "unknown client 'ZZ9'" in unknown.stderr
    assert missing.exit_code == 1
    assert "has no assignment #99" in missing.stderr
    assert folder.exit_code == 1
    assert "does not exist" in folder.stderr
    assert usage.exit_code == 2
    assert bad_remind.exit_code == 2
    for result in (unknown, missing, folder):
        assert len(result.stderr.splitlines()) == 1
    assert list(tmp_path.glob("*.pdf")) == []


def test_handout_in_a_real_subprocess(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub.pdf"

    result = hw_subprocess(
        imported, "print", "handout", "A1", "-o", str(out), "--ics", str(tmp_path / "s.ics")
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"wrote {out}",
        f"wrote {tmp_path / 's.ics'} (no agreed days: reminders follow the frequency;"
        " agree days with hw assign --days)",
    ]
    assert "Notice tension" in pdf_text(out)


def test_cli_start_up_does_not_import_the_pdf_or_calendar_libraries() -> None:
    code = (
        "import sys, hwcli.main, hwcli.cmd_print;"
        "heavy = {'markdown_pdf', 'pymupdf', 'fitz', 'icalendar'} & set(sys.modules);"
        "print(sorted(heavy))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.strip() == "[]"


def test_handout_with_agreed_days_says_so_and_keeps_to_them(imported: Path, tmp_path: Path) -> None:
    ok(
        invoke(
            imported,
            "assign",
            "A1",
            "--title",
            "Walk home the long way",
            "--format",
            "behavioral",
            "--size",
            "small",
            "--framing",
            "experiment",
            "--frequency",
            "daily",
            "--days",
            "tue,thu",
            "--at",
            "17:30",
            "--client-why",
            "It helps me leave work at work.",
        )
    )
    pdf, ics = tmp_path / "w.pdf", tmp_path / "w.ics"

    text_run = ok(invoke(imported, "print", "handout", "A1", "-o", str(pdf), "--ics", str(ics)))
    as_json = json.loads(
        ok(
            invoke(
                imported,
                "print",
                "handout",
                "A1",
                "-o",
                str(tmp_path / "again.pdf"),
                "--ics",
                str(tmp_path / "again.ics"),
                "--json",
            )
        ).stdout
    )

    assert text_run.stdout.splitlines()[1] == f"wrote {ics} (reminders on the agreed days only)"
    assert as_json["reminders"] == {"on": "agreed days", "days": ["tue", "thu"]}
    events = list(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert len(events) == 2  # daily, no doses given: one per agreed day
    assert {e.decoded("dtstart").strftime("%a %H:%M") for e in events} == {
        "Tue 17:30",
        "Thu 17:30",
    }
    text = pdf_text(pdf)
    assert "It helps me leave work at work." in text
    assert "The days we agreed: Tuesday and Thursday, at 17:30." in text


def _assign_with(home: Path, accommodations: str) -> None:
    ok(invoke(home, "client", "add", "LG-1"))
    ok(
        invoke(
            home,
            "assign", "LG-1", "--session", "1", "--date", "2026-03-02",
            "--title", "Caminar diez minutos", "--client-why", "Me sienta bien.",
            "--format", "behavioral", "--size", "small", "--framing", "experiment",
            "--accommodations", accommodations,
        )
    )  # fmt: skip


def test_print_handout_in_the_accommodations_language_or_the_one_given(
    home: Path, tmp_path: Path
) -> None:
    _assign_with(home, "Spanish handout; large print")
    es = tmp_path / "es.pdf"
    result = ok(invoke(home, "print", "handout", "LG-1", "-o", str(es)))
    assert result.stdout == (
        f"wrote {es} (Spanish, large print; language and large print from the accommodations)\n"
    )
    text = pdf_text(es)
    assert "Por qué puede ayudarte" in text
    assert "Me sienta bien." in text
    assert "de nuestra sesión del 2 de marzo de 2026" in text

    de = tmp_path / "de.pdf"
    result = ok(
        invoke(home, "print", "handout", "LG-1", "-o", str(de), "--language", "de", "--json")
    )
    assert json.loads(result.stdout)["handout"] == {
        "language": "de",
        "plain": False,
        "large_print": True,
        "from_accommodations": ["large print"],
    }
    assert "Warum es Ihnen helfen kann" in pdf_text(de)

    plain = tmp_path / "plain.pdf"
    args = ("-o", str(plain), "--language", "EN", "--plain", "--regular-print")
    result = ok(invoke(home, "print", "handout", "LG-1", *args))
    assert result.stdout == f"wrote {plain} (English, plain language)\n"
    assert "How you know it is done" in pdf_text(plain)


def test_bad_language_choices_are_one_line_exit_1_and_write_nothing(
    home: Path, tmp_path: Path
) -> None:
    _assign_with(home, "language: Klingon")
    out = tmp_path / "x.pdf"
    cases = [
        (("--language", "it"), "hw: error: invalid language 'it': allowed en, es, fr, de"),
        (("--language", "es", "--plain"), "plain language is for English handouts only, not 'es'"),
        ((), "the accommodations of assignment #1 ask for a handout language 'klingon'"),
    ]
    for args, message in cases:
        result = invoke(home, "print", "handout", "LG-1", "-o", str(out), *args)
        assert result.exit_code == 1, args
        lines = result.stderr.splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("hw: error: ")
        assert message in lines[0], lines[0]
        assert "Traceback" not in result.stderr
        assert not out.exists()
    # --language overrides an accommodation hw cannot print.
    ok(invoke(home, "print", "handout", "LG-1", "-o", str(out), "--language", "fr"))
    assert "Pourquoi cela peut vous aider" in pdf_text(out)
