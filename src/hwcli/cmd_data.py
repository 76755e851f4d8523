"""``hw import`` and ``hw export``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hwcli.common import (
    echo_json,
    json_option,
    pass_app,
)

if TYPE_CHECKING:
    from hwcore.application import HwApplication

VOCAB_HELP = "(see 'hw vocab')"


# --------------------------------------------------------- import / export


@click.command("import")
@click.argument("file", metavar="FILE")
@json_option
@pass_app
def import_(app: HwApplication, file: str, as_json: bool) -> None:
    """Import a history CSV or an hw JSON export (all or nothing; idempotent)."""
    report = app.import_file(file)
    if as_json:
        echo_json(report)
        return
    if report.events_written == 0:
        ahead = (
            f"; the store is ahead of the file for {report.store_ahead} of them:"
            " their later events are kept"
            if report.store_ahead
            else ""
        )
        click.echo(
            f"{report.source}: nothing new ({report.rows} rows, {report.clients} clients"
            f" already recorded{ahead})"
        )
        return
    click.echo(
        f"{report.source}: imported {report.rows} rows for {report.clients} clients"
        f" ({report.new_clients} new): {report.assignments_added} assignments,"
        f" {report.outcomes_added} outcomes, {report.events_written} events written,"
        f" {report.unchanged_rows} unchanged"
    )


@click.command("export")
@click.argument("client", required=False)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (0600) instead of stdout.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@pass_app
def export(app: HwApplication, client: str | None, output: str | None, force: bool) -> None:
    """Export CLIENT's (or every client's) events as lossless JSON for 'hw import'."""
    from hwcore.application import json_text

    data = app.export_data(client)
    text = json_text(data) + "\n"
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    path = app.printing.write_output(output, text.encode("utf-8"), force=force)
    n = len(data["clients"])
    click.echo(f"exported {n} client{'s' if n != 1 else ''} to {path}", err=True)
