"""``hw config set|get|unset|list`` (clinic branding) and ``hw print plan|handout``.

markdown-pdf, PyMuPDF and icalendar are imported by hwcore only while a
document is being rendered: these commands add nothing to ``hw``'s start-up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hwcli.common import echo_json, fail, json_option, pass_app

if TYPE_CHECKING:
    from hwcore.application import HandoutChoice, HwApplication

KEYS_HELP = "clinic.name, clinic.logo, clinic.accent, clinic.footer, paper, clinician.id"


# ------------------------------------------------------------------ config


@click.group("config")
def config_group() -> None:
    """Clinic branding for printouts, and who you are (clinician.id).

    \b
    Keys:
      clinic.name    the clinic's name, printed at the top of every page
      clinic.logo    a PNG or JPEG file (copied into the hw home)
      clinic.accent  the accent colour: #RRGGBB or a CSS colour name
      clinic.footer  a footer line: address, phone
      paper          A4 or Letter
      clinician.id   your identifier, recorded on every event and in the
                     access log (HW_CLINICIAN overrides it; default: your login)
    """


@config_group.command("set")
@click.argument("key", metavar="KEY")
@click.argument("value")
@json_option
@pass_app
def config_set(app: HwApplication, key: str, value: str, as_json: bool) -> None:
    """Set KEY to VALUE (KEY: clinic.name, clinic.logo, clinic.accent, clinic.footer, paper,
    clinician.id)."""
    stored = app.printing.config_set(key, value)
    name = key.strip().lower()
    if as_json:
        echo_json({"key": name, "value": stored})
        return
    click.echo(f"{name} = {stored}")


@config_group.command("get")
@click.argument("key", metavar="KEY")
@json_option
@pass_app
def config_get(app: HwApplication, key: str, as_json: bool) -> None:
    """Print KEY's value (nothing, exit 0, when it is unset; null with --json)."""
    value = app.printing.config_get(key)
    if as_json:
        echo_json({"key": key.strip().lower(), "value": value})
    elif value is not None:
        click.echo(value)


@config_group.command("unset")
@click.argument("key", metavar="KEY")
@json_option
@pass_app
def config_unset(app: HwApplication, key: str, as_json: bool) -> None:
    """Remove KEY's value (the copied logo file too)."""
    removed = app.printing.config_unset(key)
    name = key.strip().lower()
    if as_json:
        echo_json({"key": name, "removed": removed})
        return
    click.echo(f"{name} removed" if removed else f"{name} was not set")


@config_group.command("list")
@json_option
@pass_app
def config_list(app: HwApplication, as_json: bool) -> None:
    """Every key with its value."""
    values = app.printing.config_list()
    if as_json:
        echo_json(values)
        return
    width = max(len(k) for k in values)
    for key, value in values.items():
        click.echo(f"{key.ljust(width)}  {value if value is not None else '(unset)'}")


# ------------------------------------------------------------------ print


@click.group("print")
def print_group() -> None:
    """Print the planner for the record, or a client's handout (PDF, .ics)."""


def _as_of(text: str | None) -> tuple[int | None, str | None]:
    if text is None:
        return None, None
    value = text.strip()
    try:
        return int(value), None
    except ValueError:
        pass
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        fail(f"invalid as-of {text!r}: allowed a session number or a date YYYY-MM-DD")
    return None, value


@print_group.command("plan")
@click.argument("client")
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE.pdf",
    help="Where to write the PDF (default: CLIENT-planner.pdf here).",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="SESSION|DATE",
    help="The planner as it stood at a past session number or date (YYYY-MM-DD).",
)
@click.option("--force", is_flag=True, help="Replace FILE.pdf if it exists.")
@json_option
@pass_app
def print_plan(
    app: HwApplication,
    client: str,
    output: str | None,
    as_of: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Print CLIENT's Between-Session System Planner to a branded PDF."""
    session, date = _as_of(as_of)
    path = app.printing.print_plan(
        client, output, as_of_session=session, as_of_date=date, force=force
    )
    if as_json:
        echo_json({"pdf": str(path)})
    else:
        click.echo(f"wrote {path}")


def _describe(choice: HandoutChoice) -> str:
    """'Spanish, large print; language from the accommodations' ('' for the default English)."""
    if (choice.language, choice.plain, choice.large_print) == ("en", False, False):
        return ""
    words = [choice.language_name]
    if choice.plain:
        words.append("plain language")
    if choice.large_print:
        words.append("large print")
    text = ", ".join(words)
    if choice.from_accommodations:
        text += f"; {' and '.join(choice.from_accommodations)} from the accommodations"
    return text


@print_group.command("handout")
@click.argument("client")
@click.argument("assignment", default="latest", metavar="[ASSIGNMENT|latest]")
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE.pdf",
    help="Where to write the PDF (default: CLIENT-handout-N.pdf here).",
)
@click.option(
    "--ics",
    metavar="FILE.ics",
    help="Also write the planned occasions, each with a reminder, as a calendar file.",
)
@click.option(
    "--language",
    metavar="en|es|fr|de",
    help=(
        "The language of the handout's fixed text (default: the client's accommodations,"
        " else en). The client's own text is printed as written."
    ),
)
@click.option(
    "--plain/--no-plain",
    default=None,
    help=(
        "Plain-language English: short sentences, everyday words (default: the client's"
        " accommodations)."
    ),
)
@click.option(
    "--large-print/--regular-print",
    default=None,
    help="Larger text and tick boxes (default: the client's accommodations).",
)
@click.option(
    "--at",
    metavar="HH:MM",
    help=(
        "Time of day of the calendar reminders (default: the agreed time, else a time in"
        " when/where, else 19:00)."
    ),
)
@click.option(
    "--remind",
    type=click.IntRange(0, 1440),
    default=10,
    show_default=True,
    metavar="MINUTES",
    help="Minutes before each occasion the calendar reminder fires.",
)
@click.option("--force", is_flag=True, help="Replace FILE.pdf (and FILE.ics) if they exist.")
@json_option
@pass_app
def print_handout(
    app: HwApplication,
    client: str,
    assignment: str,
    output: str | None,
    ics: str | None,
    language: str | None,
    plain: bool | None,
    large_print: bool | None,
    at: str | None,
    remind: int,
    force: bool,
    as_json: bool,
) -> None:
    """Print CLIENT's one-page handout for ASSIGNMENT (its number, or 'latest').

    The handout goes home with the client: it prints the why agreed with them
    (--client-why of hw assign) and never the clinical rationale, barriers,
    notes or confidence. The calendar's reminders fall only on the agreed days
    (--days); without agreed days they follow the frequency, and the output
    says so.

    The fixed text (headings, labels, the gentle lines, the calendar's) is in
    English, Spanish, French or German, or plain-language English. Without
    --language, --plain or --large-print, the client's accommodations decide
    (hw assign --accommodations "language: es; large print": see the user
    guide); the output names what they chose.
    """
    choice = app.printing.handout_choice(
        client, assignment, language=language, plain=plain, large_print=large_print
    )
    path = app.printing.print_handout(
        client,
        assignment,
        output,
        ics=ics,
        language=choice.language,
        plain=choice.plain,
        large_print=choice.large_print,
        at=at,
        reminder_minutes=remind,
        force=force,
    )
    ics_path = None
    reminders = None
    if ics is not None:
        ics_path = str(Path(ics).expanduser().absolute())
        days = app.assignment(client, assignment).days
        reminders = {"on": "agreed days" if days else "frequency", "days": list(days)}
    chosen = {
        "language": choice.language,
        "plain": choice.plain,
        "large_print": choice.large_print,
        "from_accommodations": list(choice.from_accommodations),
    }
    if as_json:
        echo_json({"pdf": str(path), "ics": ics_path, "reminders": reminders, "handout": chosen})
        return
    described = _describe(choice)
    click.echo(f"wrote {path} ({described})" if described else f"wrote {path}")
    if ics_path is not None and reminders is not None:
        if reminders["days"]:
            click.echo(f"wrote {ics_path} (reminders on the agreed days only)")
        else:
            click.echo(
                f"wrote {ics_path} (no agreed days: reminders follow the frequency;"
                " agree days with hw assign --days)"
            )
