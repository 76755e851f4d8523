"""``hw follow``: the event log after a position, for a downstream process."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from hwcli.common import json_option, pass_app

if TYPE_CHECKING:
    from hwcore.application import HwApplication


@click.command("follow")
@click.option(
    "--after",
    "position",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="POSITION",
    help="Start after this position (the last one you handled).",
)
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N events.")
@json_option
@pass_app
def follow(app: HwApplication, position: int, limit: int | None, as_json: bool) -> None:
    """Print the events recorded after POSITION, oldest first, then stop.

    One line per event: its position, client, event and version (no recorded
    text). With --json, one JSON object per line (JSON Lines): position,
    kind, client, topic, version, timestamp, state and case, the state as
    'hw export' writes it (docs/events.md). A purge shows as kind 'purge'
    (its case, and the client when known): erase that client from whatever
    you keep. Store the last position and pass it as --after next time to
    resume.
    """
    from hwcore.application import LogFollower

    follower = LogFollower(app, position=position)
    for item in follower.read(limit=limit):
        if as_json:
            click.echo(json.dumps(item.as_dict(), ensure_ascii=False))
        elif item.kind == "purge":  # a tombstone: erase the client from what you keep
            click.echo(f"{item.position}\t{item.client or item.case}\tpurged")
        else:
            name = item.topic.rpartition(".")[2]
            click.echo(f"{item.position}\t{item.client}\t{name}\tv{item.version}")
