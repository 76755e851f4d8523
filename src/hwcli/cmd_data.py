"""``hw import`` and ``hw export``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from hwcli.common import (
    echo_json,
    fail,
    json_option,
    pass_app,
)
from hwcli.progress import bar, quiet_option, stages

if TYPE_CHECKING:
    from hwcore.application import HwApplication

VOCAB_HELP = "(see 'hw vocab')"


# --------------------------------------------------------- import / export


def _stdin_text() -> str:
    """Standard input as UTF-8 text (a BOM accepted), or one error line."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("standard input is not UTF-8 text: save the spreadsheet as CSV UTF-8")


@click.command("import")
@click.argument("file", metavar="FILE|-")
@json_option
@quiet_option
@pass_app
def import_(app: HwApplication, file: str, as_json: bool, quiet: bool) -> None:
    """Import a history CSV or an hw JSON export (all or nothing; idempotent).

    FILE '-' reads standard input (CSV, or JSON when it starts with '{'). On a
    terminal a progress bar with counts shows each stage on stderr.
    """
    text = _stdin_text() if file == "-" else None
    with stages(quiet) as progress:
        if text is not None:
            report = app.import_text(text, progress=progress)
        else:
            report = app.import_file(file, progress=progress)
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "fhir"]),
    default="json",
    show_default=True,
    help="json: lossless, for 'hw import'; csv: the history CSV (import format);"
    " fhir: a FHIR R4 Bundle.",
)
@click.option("-o", "--output", metavar="FILE|-", help="Write to FILE (0600); '-' or none: stdout.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@json_option
@quiet_option
@pass_app
def export(
    app: HwApplication,
    client: str | None,
    fmt: str,
    output: str | None,
    force: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Export CLIENT's (or every client's) records: lossless JSON, CSV or FHIR R4.

    json (the default) holds every event and imports back exactly. csv is the
    history CSV 'hw import' reads (assignments and outcomes: export, edit,
    import). fhir is a FHIR R4 Bundle (type collection) for a health record:
    a Patient with the client identifier only, the current system as a
    CarePlan, a Task per assignment, each measure as an Observation and a
    QuestionnaireResponse. With -o FILE, --json prints {"file": ...,
    "format": ..., "clients": N} instead of the 'exported' line; without it
    the export itself is on stdout.
    """
    if output is not None and output != "-":  # refused before anything is read or logged
        app.printing.check_output(output, force=force)
    with bar("Exporting clients", quiet) as progress:
        export = app.export_text(client, fmt, progress)
    if output is None or output == "-":
        text = export.text
        if fmt == "csv" and sys.stdout.isatty():  # JSON escapes controls itself; a pipe gets
            from hwcore.application import terminal_text  # the exact text

            text = terminal_text(text)
        click.echo(text, nl=False)
        return
    path = app.printing.write_output(output, export.text.encode("utf-8"), force=force)
    n = export.clients
    if as_json:
        echo_json({"file": str(path.absolute()), "format": fmt, "clients": n})
        return
    click.echo(f"exported {n} client{'s' if n != 1 else ''} to {path} ({fmt})", err=True)
