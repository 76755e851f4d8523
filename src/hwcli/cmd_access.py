"""``hw access-log``: who read, printed or exported which client's record, and when."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hwcli.common import echo_json, json_option, pass_app, table

if TYPE_CHECKING:
    from hwcore.application import HwApplication


@click.command("access-log")
@click.option("--client", "client", metavar="CLIENT", help="Only this client's entries.")
@click.option("--since", metavar="DATE", help="Only entries from this date on (YYYY-MM-DD, UTC).")
@json_option
@pass_app
def access_log(app: HwApplication, client: str | None, since: str | None, as_json: bool) -> None:
    """Show the access log: who read, printed or exported which client, and when.

    \b
    Actions: plan, history, audit, open (the TUI), print, export, backup,
    restore, purge. No clinical content is ever in it. A purged client's
    entries name a pseudonym (purged-...), as does the purge's own entry.
    """
    entries = app.access.entries(client=client, since=since)
    if as_json:
        echo_json(entries)
        return
    if not entries:
        click.echo("no access recorded" + (" for this client" if client else ""))
        return
    click.echo(
        table(
            ["at", "clinician", "action", "client", "detail"],
            [[e.at, e.clinician, e.action, e.client or "-", e.detail or "-"] for e in entries],
        )
    )
