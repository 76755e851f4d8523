"""``hw note``: the homework part of a session's progress note, to paste into a health record."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hwcli.common import echo_json, json_option, pass_app

if TYPE_CHECKING:
    from hwcore.application import HwApplication


@click.command("note")
@click.argument("client")
@click.option(
    "--session", type=int, metavar="N", help="The session of the note (default: the latest)."
)
@click.option("--markdown", is_flag=True, help="Markdown instead of plain text.")
@click.option(
    "--width",
    type=click.IntRange(min=0),
    default=78,
    show_default=True,
    metavar="N",
    help="Wrap plain text at N columns (0: one line per entry); words are never cut.",
)
@json_option
@pass_app
def note(
    app: HwApplication,
    client: str,
    session: int | None,
    markdown: bool,
    width: int,
    as_json: bool,
) -> None:
    """The homework part of CLIENT's progress note for a session, to paste into the record.

    What was assigned (the assignment, clinical rationale, method and format,
    the client's understanding and agreement, accommodations, barriers,
    follow-up plan), then the last homework's review (completion rate, the
    client's experience or explanation, clinical insights gained, the
    modification for the next assignment), then the outcome measures taken
    and their change. A field not recorded says "not recorded". Nothing is
    written.
    """
    if markdown and as_json:
        raise click.UsageError("choose one of --markdown and --json")
    progress_note = app.clinical.progress_note(client, session)
    if as_json:
        echo_json(progress_note)
    elif markdown:
        click.echo(progress_note.markdown())
    else:
        click.echo(progress_note.text(width))
