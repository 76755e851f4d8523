"""``hw plan``, ``hw history`` and ``hw vocab``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hwcli.common import (
    State,
    echo_json,
    echo_json_data,
    fail,
    json_option,
    pass_app,
    pass_state,
)
from hwcli.render import (
    render_history,
    render_planner,
)

if TYPE_CHECKING:
    from hwcore.application import HwApplication

VOCAB_HELP = "(see 'hw vocab')"


# ---------------------------------------------------------------- queries


def _is_iso_date(text: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@click.command("plan")
@click.argument("client")
@click.option(
    "--as-of",
    "as_of",
    metavar="SESSION|DATE",
    help="The planner as it stood at a past session number or date (YYYY-MM-DD).",
)
@json_option
@pass_state
def plan(state: State, client: str, as_of: str | None, as_json: bool) -> None:
    """Show CLIENT's Between-Session System Planner."""
    as_of_session: int | None = None
    as_of_date: str | None = None
    if as_of is not None:
        text = as_of.strip()
        try:
            as_of_session = int(text)
        except ValueError:
            as_of_date = text
            if not _is_iso_date(text):
                fail(f"invalid as-of {text!r}: allowed a session number or a date YYYY-MM-DD")
    # The read policy: a current read model's cached planner (no case to load,
    # start-up time), else the application's.
    from hwcore.application.reads import answer, planner_read

    read = planner_read(client, as_of_session=as_of_session, as_of_date=as_of_date)
    answered = answer(read, state.home, state.database_url, open_application=lambda: state.app)
    assert answered is not None  # an application was offered
    planner = answered.value
    if as_json:
        from hwcore.application import to_dict

        echo_json_data(to_dict(planner, digits=None))
        return
    # The text is rendered from the typed planner, as the TUI renders it.
    click.echo(render_planner(planner))


@click.command("history")
@click.argument("client")
@json_option
@pass_app
def history(app: HwApplication, client: str, as_json: bool) -> None:
    """Show CLIENT's events in the order they were recorded."""
    entries = app.history(client)
    if as_json:
        echo_json(entries)
    else:
        click.echo(render_history(entries))


@click.command("vocab")
@json_option
def vocab(as_json: bool) -> None:
    """List the allowed values of every vocabulary field."""
    from hwcore.application import (
        CORRECTABLE_FIELDS,
        FORMAT_DESCRIPTIONS,
        SIZE_DESCRIPTIONS,
        VOCABULARY,
    )

    if as_json:
        echo_json({**VOCABULARY, "correctable": list(CORRECTABLE_FIELDS)})
        return
    described = {
        "format": {k.value: v for k, v in FORMAT_DESCRIPTIONS.items()},
        "size": {k.value: v for k, v in SIZE_DESCRIPTIONS.items()},
    }
    for field, values in VOCABULARY.items():
        click.echo(f"{field}:")
        for value in values:
            text = described.get(field, {}).get(value)
            click.echo(f"  {value}" + (f"  ({text})" if text else ""))
    click.echo("framing: a free label (compared ignoring case and surrounding spaces)")
    click.echo("correctable (hw correct --set FIELD=VALUE): " + ", ".join(CORRECTABLE_FIELDS))
