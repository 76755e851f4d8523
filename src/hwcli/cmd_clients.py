"""``hw client add|show|purge``, ``hw clients`` and ``hw session``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hwcli.common import (
    LazyGroup,
    echo_json,
    json_option,
    pass_app,
)
from hwcli.render import (
    render_assignments,
    render_clients,
)

if TYPE_CHECKING:
    from hwcore.application import HwApplication

VOCAB_HELP = "(see 'hw vocab')"


# ----------------------------------------------------------------- clients


@click.group(
    "client",
    cls=LazyGroup,
    lazy_subcommands={"purge": "hwcli.cmd_store:client_purge"},
)
def client_group() -> None:
    """Register and inspect clients."""


@client_group.command("add")
@click.argument("client")
@json_option
@pass_app
def client_add(app: HwApplication, client: str, as_json: bool) -> None:
    """Register a new CLIENT (initials or a code, e.g. AB or C-017)."""
    info = app.register_client(client)
    if as_json:
        echo_json(info)
    else:
        click.echo(f"registered client {info.client}")


@client_group.command("show")
@click.argument("client")
@click.option("--pending", is_flag=True, help="Only assignments without an outcome.")
@json_option
@pass_app
def client_show(app: HwApplication, client: str, pending: bool, as_json: bool) -> None:
    """Show CLIENT's summary and assignments (with their numbers)."""
    info = app.client(client)
    items = app.assignments(client, pending_only=pending)
    if as_json:
        echo_json({"client": info, "assignments": items})
        return
    last = (
        f"last session {info.last_session} ({info.last_session_date})"
        if info.last_session
        else "no session yet"
    )
    click.echo(
        f"{info.client}: {info.sessions} sessions, {last},"
        f" {info.assignments} assignments, {info.pending} pending"
    )
    click.echo(render_assignments(items))


@click.command("clients")
@json_option
@pass_app
def clients(app: HwApplication, as_json: bool) -> None:
    """List every registered client."""
    items = app.clients()
    if as_json:
        echo_json(items)
    else:
        click.echo(render_clients(items))


@click.command("session")
@click.argument("client")
@click.argument("number", type=int)
@click.option("--date", metavar="YYYY-MM-DD", help="Date of the session (default: today).")
@click.option(
    "--correct",
    "reason",
    metavar="REASON",
    help="Correct the recorded date of session NUMBER to --date, saying why it was wrong.",
)
@json_option
@pass_app
def session(
    app: HwApplication,
    client: str,
    number: int,
    date: str | None,
    reason: str | None,
    as_json: bool,
) -> None:
    """Record that session NUMBER with CLIENT was held (or correct its date)."""
    if reason is not None:
        if not date:
            raise click.UsageError("--correct needs --date (the session's right date)")
        info = app.correct_session_date(client, number, date, reason)
    else:
        info = app.hold_session(client, number, date)
    if as_json:
        echo_json(info)
    elif reason is not None:
        click.echo(f"{info.client}: session {info.number}'s date corrected to {info.date}")
    elif info.created:
        click.echo(f"{info.client}: session {info.number} held on {info.date}")
    else:
        click.echo(f"{info.client}: session {info.number} ({info.date}) was already recorded")
