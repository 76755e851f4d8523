"""Seed an invented demo caseload and show one client's planner (``make demo``).

Run ``python -m hwcli.demo --home DIR``. Every client is invented (initials and
codes only). Seeding goes through the application API, like any frontend, and
is idempotent: when the home already holds clients, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hwcli.common import run
from hwcli.render import render_planner

if TYPE_CHECKING:
    from hwcore.application import HwApplication

SHOWN_CLIENT = "AB"
"""The client whose planner the demo prints."""

# key: (title, format, size, framing, frequency, planned doses)
TEMPLATES: dict[str, tuple[str, str, str, str, str, int | None]] = {
    "thought": ("Thought record after a stressful moment", "written", "medium", "challenge",
                "weekly", None),
    "journal": ("Three lines of evening journaling", "written", "small", "practice", "daily", 7),
    "walk": ("Ten-minute walk after lunch", "behavioral", "small", "experiment",
             "several-weekly", 3),
    "text": ("Text a friend to arrange a coffee", "behavioral", "tiny", "experiment", "once",
             None),
    "notice": ("Notice one moment of tension in the body", "observational", "tiny", "Curiosity",
               "daily", 7),
    "breath": ("Two minutes of slow breathing before bed", "behavioral", "tiny", "practice",
               "daily", 7),
    "weather": ("Draw the week's mood as a weather map", "visual", "small", "curiosity", "once",
                None),
    "stone": ("Carry the grounding stone; touch it when anxious", "object", "tiny", "experiment",
              "as-needed", None),
    "letter": ("Write a letter to your younger self (not sent)", "written", "large", "challenge",
               "once", None),
    "talk": ("Tell your partner one appreciation a day", "conversational", "small", "values",
             "daily", 7),
    "queue": ("Stay in the supermarket queue for five minutes", "behavioral", "medium",
              "challenge", "weekly", None),
    "values": ("List three things that mattered this week", "written", "tiny", "values ",
               "weekly", None),
    "ask": ("Ask a colleague one question in the team meeting", "conversational", "small",
            "experiment", "weekly", None),
    "plan": ("Plan the weekend hour by hour", "written", "large", "practice", "once", None),
}  # fmt: skip

MISS_WORDS: dict[str, str] = {
    "forgotten": "I kept meaning to, and then the week was over.",
    "too-complex": "I sat down to do it and didn't know where to start.",
    "wrong-timing": "Evenings are chaos with the kids, there was never a moment.",
    "framing-pressure": "It felt like a test I was going to fail.",
    "practical-obstacle": "I left the notebook at work.",
    "wrong-format": "Writing it down makes it feel like school.",
    "relational": "I wasn't sure you'd want to hear about it anyway.",
}

EXPERIENCES = (
    "Easier than I expected.",
    "I liked having something small to do.",
    "I noticed I felt calmer afterwards.",
    "It was awkward at first, then fine.",
)

# One assignment per session, resolved at the next session; the last is pending.
# Outcomes: "C" completed, "P3/7" partial (done/planned), "M:reason;reason" missed.
Step = tuple[str, str]

CASELOAD: dict[str, tuple[str, list[Step]]] = {
    "AB": ("2025-09-01", [
        ("thought", "M:too-complex;framing-pressure"), ("journal", "P3/7"), ("walk", "C"),
        ("thought", "M:framing-pressure"), ("walk", "C"), ("text", "C"),
        ("letter", "M:too-complex"), ("walk", "C"), ("breath", "P5/7"), ("walk", "C"),
        ("text", "C"), ("walk", ""),
    ]),
    "C-017": ("2025-06-02", [
        ("journal", "C"), ("journal", "C"), ("walk", "M:wrong-timing"), ("journal", "P4/7"),
        ("journal", "C"), ("values", "C"), ("thought", "M:too-complex"), ("values", "C"),
        ("journal", "C"), ("values", "C"), ("journal", "M:wrong-timing;practical-obstacle"),
        ("values", "C"), ("walk", "C"), ("journal", "C"), ("values", "C"), ("journal", "P6/7"),
        ("values", "C"), ("journal", ""),
    ]),
    "DK": ("2025-09-03", [
        ("walk", "C"), ("notice", "C"), ("weather", "C"), ("walk", "C"), ("ask", "M:relational"),
        ("walk", "C"), ("notice", "C"), ("thought", "M:wrong-format"),
        ("letter", "M:too-complex;wrong-format"), ("queue", "M:forgotten"), ("text", ""),
    ]),
    "EM": ("2025-09-04", [
        ("talk", "P5/7"), ("talk", "C"), ("ask", "C"), ("notice", "M:forgotten"), ("talk", "C"),
        ("breath", "P3/7"), ("ask", "C"), ("talk", "C"), ("weather", "M:wrong-format"),
        ("ask", "C"), ("talk", "C"), ("ask", ""),
    ]),
    "FR": ("2025-09-05", [
        ("weather", "C"), ("stone", "C"), ("notice", "C"), ("weather", "P1/2"), ("stone", "C"),
        ("plan", "M:too-complex"), ("weather", "C"), ("notice", "C"), ("stone", "C"),
        ("weather", ""),
    ]),
}  # fmt: skip

Extra = Callable[["HwApplication", str, int], Any]


def _framing(label: str, reason: str) -> Extra:
    return lambda app, client, n: app.change_framing(client, label, reason=reason, session=n)


def _change(kind: str, note: str) -> Extra:
    return lambda app, client, n: app.note_change(client, kind, note, session=n)


def _review(**overrides: Any) -> Extra:
    def review(app: HwApplication, client: str, n: int) -> None:
        from hwcore.application import ReviewChoice

        app.review(client, ReviewChoice(**overrides), session=n)

    return review


# Case events at a session, after the previous homework is resolved and before
# the next is assigned.
EXTRAS: dict[str, dict[int, list[Extra]]] = {
    "AB": {
        5: [_framing("experiment", "'challenge' framing felt like a test")],
        6: [_review(notes="Behavioural and small; keep it an experiment.")],
    },
    "C-017": {
        5: [_review()],
        9: [_change("life", "Started a new job with longer hours.")],
        10: [_review(trigger="life_change", framing="values", notes="Shorter, values-based.")],
        18: [_review(notes="Stable: keep the system.")],
    },
    "DK": {5: [_review(notes="First review.")]},
    "EM": {
        7: [
            _review(
                framing="values",
                framing_wording="Frame it as what matters to you, never as a task.",
                completed_opening="What did you notice when you did it?",
                notes="Conversational tasks land best.",
            )
        ],
        11: [_change("relationship", "Client said sessions feel rushed lately.")],
    },
    "FR": {},
}


def _outcome(app: HwApplication, client: str, ident: int, code: str, session: int) -> None:
    if code == "C":
        experience = EXPERIENCES[(ident + session) % len(EXPERIENCES)]
        app.complete(client, ident, session=session, experience=experience)
    elif code.startswith("P"):
        done, _, planned = code[1:].partition("/")
        app.partial(client, ident, done=int(done), planned=int(planned), session=session)
    elif code.startswith("M:"):
        reasons = code[2:].split(";")
        app.miss(
            client, ident, explanation=MISS_WORDS[reasons[0]], reasons=reasons, session=session
        )


def seed_client(app: HwApplication, client: str, start: str, steps: Sequence[Step]) -> None:
    """Record one invented client's sessions, homework, outcomes and events."""
    from hwcore.application import AssignmentSpec

    app.register_client(client)
    first = dt.date.fromisoformat(start)
    previous: tuple[int, str] | None = None
    for number, (key, outcome) in enumerate(steps, start=1):
        app.hold_session(client, number, first + dt.timedelta(weeks=number - 1))
        if previous is not None:
            _outcome(app, client, previous[0], previous[1], number)
        for extra in EXTRAS.get(client, {}).get(number, []):
            extra(app, client, number)
        title, format_, size, framing, frequency, doses = TEMPLATES[key]
        result = app.assign(
            client,
            AssignmentSpec(
                title=title,
                format=format_,
                size=size,
                framing=framing,
                frequency=frequency,
                planned_doses=doses,
                confidence=8 if size in ("medium", "large") else 9,
                when_where="After dinner, at the kitchen table" if format_ == "written" else "",
            ),
            session=number,
        )
        previous = (result.assignment.assignment_id, outcome)


def seed(app: HwApplication) -> bool:
    """Seed the demo caseload; False (nothing written) when clients already exist."""
    if app.client_names():
        return False
    for client, (start, steps) in CASELOAD.items():
        seed_client(app, client, start, steps)
    return True


def _hw_command(home: str) -> str:
    script = Path(sys.executable).parent / "hw"
    name = "hw"
    if script.exists():
        try:
            name = str(script.relative_to(Path.cwd()))
        except ValueError:
            name = str(script)
    return f"{name} --home {home}"


@click.command("demo")
@click.option(
    "--home",
    metavar="DIR",
    envvar="HW_HOME",
    required=True,
    help="Data folder to seed (created if missing).",
)
def demo(home: str) -> None:
    """Seed an invented demo caseload into DIR and show one client's planner."""
    from hwcore.application import to_dict
    from hwcore.bootstrap import open_application

    with open_application(home) as app:
        created = seed(app)
        clients = app.client_names()
        planner = app.plan(SHOWN_CLIENT)
    if created:
        click.echo(f"Seeded {len(clients)} invented clients into {home}: {', '.join(clients)}")
    else:
        click.echo(f"{home} already holds {len(clients)} clients: nothing added.")
    click.echo(render_planner(to_dict(planner, digits=None)))
    hw = _hw_command(home)
    click.echo(
        "\nTry next:\n"
        f"  {hw} clients\n"
        f"  {hw} plan DK                 # three misses in a row: review due\n"
        f"  {hw} plan C-017 --as-of 8    # the planner as it stood at session 8\n"
        f"  {hw} history EM\n"
        f"  {hw} plan {SHOWN_CLIENT} --json\n"
        f"  {hw} assign {SHOWN_CLIENT} --title 'Weekly letter' --format written"
        " --size large --framing challenge   # see the fit warnings"
    )


def main() -> None:
    """Entry point of ``python -m hwcli.demo``."""
    sys.exit(run(demo, prog_name="python -m hwcli.demo"))


if __name__ == "__main__":
    main()
