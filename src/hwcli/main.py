"""The ``hw`` command line: parse, call ``hwcore.application``, format. Nothing else.

Exit codes: 0 success, 1 domain error (one ``hw: error:`` line on stderr),
2 usage error, 130 interrupted. The application is opened only by commands that
need it, and hwcore is imported only then (start-up time is a feature).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from hwcli.common import (
    HwGroup,
    State,
    date_option,
    echo_json,
    echo_json_data,
    fail,
    json_option,
    pass_app,
    pass_state,
    session_option,
    warn,
)
from hwcli.render import (
    render_assignments,
    render_clients,
    render_fit,
    render_history,
    render_planner,
)

if TYPE_CHECKING:
    from hwcore.application import HwApplication

VOCAB_HELP = "(see 'hw vocab')"


@click.group(cls=HwGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    metavar="DIR",
    envvar="HW_HOME",
    show_envvar=True,
    help="Data folder (default: the platform's user data dir).",
)
@click.option(
    "--database-url",
    metavar="URL",
    envvar="HW_DATABASE_URL",
    show_envvar=True,
    help="postgresql://user:password@host:port/dbname (default: SQLite in the home).",
)
@click.version_option(package_name="hw", prog_name="hw")
@click.pass_context
def cli(ctx: click.Context, home: str | None, database_url: str | None) -> None:
    """hw: record clients' homework and read their Between-Session System Planner."""
    ctx.obj = State(home or None, database_url or None)
    ctx.call_on_close(ctx.obj.close)


# ----------------------------------------------------------------- clients


@cli.group("client")
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


@cli.command("clients")
@json_option
@pass_app
def clients(app: HwApplication, as_json: bool) -> None:
    """List every registered client."""
    items = app.clients()
    if as_json:
        echo_json(items)
    else:
        click.echo(render_clients(items))


@cli.command("session")
@click.argument("client")
@click.argument("number", type=int)
@click.option("--date", metavar="YYYY-MM-DD", help="Date of the session (default: today).")
@json_option
@pass_app
def session(app: HwApplication, client: str, number: int, date: str | None, as_json: bool) -> None:
    """Record that session NUMBER with CLIENT was held."""
    info = app.hold_session(client, number, date)
    if as_json:
        echo_json(info)
    elif info.created:
        click.echo(f"{info.client}: session {info.number} held on {info.date}")
    else:
        click.echo(f"{info.client}: session {info.number} ({info.date}) was already recorded")


# -------------------------------------------------------------- homework


def _given(**values: Any) -> dict[str, Any]:
    """Only the options the user gave (hwcore's defaults apply to the others)."""
    return {k: v for k, v in values.items() if v is not None}


@cli.command("assign")
@click.argument("client")
@click.option("--title", required=True, help="Short title of the assignment.")
@click.option("--format", "format_", required=True, metavar="FORMAT", help=f"Format {VOCAB_HELP}.")
@click.option("--size", required=True, metavar="SIZE", help="tiny, small, medium or large.")
@click.option("--framing", required=True, metavar="LABEL", help="Framing label, e.g. experiment.")
@click.option("--frequency", metavar="FREQ", help=f"Frequency (default weekly) {VOCAB_HELP}.")
@click.option("--task", help="The assignment in one sentence.")
@click.option("--framing-wording", help="The verbatim wording used to frame it.")
@click.option("--rationale", help="The clinical rationale.")
@click.option("--method", help="How the client will do it (paper, phone note, app...).")
@click.option("--barriers", help="Barriers discussed.")
@click.option("--followup-plan", help="How it will be followed up.")
@click.option("--when-where", help="When and where the client expects to do it.")
@click.option(
    "--started-in-session", is_flag=True, default=None, help="It was started in the session."
)
@click.option("--confidence", type=int, metavar="0-10", help="The client's confidence 0-10.")
@click.option("--doses", type=int, metavar="N", help="Planned doses (e.g. 7 for daily).")
@click.option("--notes", help="Free notes.")
@session_option
@date_option
@json_option
@pass_app
def assign(
    app: HwApplication,
    client: str,
    title: str,
    format_: str,
    size: str,
    framing: str,
    frequency: str | None,
    task: str | None,
    framing_wording: str | None,
    rationale: str | None,
    method: str | None,
    barriers: str | None,
    followup_plan: str | None,
    when_where: str | None,
    started_in_session: bool | None,
    confidence: int | None,
    doses: int | None,
    notes: str | None,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Assign homework to CLIENT; warns (with numbers) when it rarely gets done.

    The warnings are advice: the assignment is recorded anyway.
    """
    fields = _given(
        title=title,
        format=format_,
        size=size,
        framing=framing,
        frequency=frequency,
        task=task,
        framing_wording=framing_wording,
        rationale=rationale,
        method=method,
        barriers=barriers,
        followup_plan=followup_plan,
        when_where=when_where,
        started_in_session=started_in_session,
        confidence=confidence,
        planned_doses=doses,
        notes=notes,
    )
    fit = app.preview_fit(client, **fields)
    for line in fit.warnings:
        warn(line)
    if fit.suggested_size:
        warn(f"suggested size: {fit.suggested_size}")
    result = app.assign(client, session=session, date=date, **fields)
    if as_json:
        echo_json(result)
        return
    a = result.assignment
    click.echo(
        f"{a.client}: assigned #{a.assignment_id} '{a.title}' at session {a.session}"
        f" ({a.format}, {a.size}, {a.frequency}, framed as '{a.framing}')"
    )
    click.echo("history with these values: " + "; ".join(render_fit(result.fit)))


def _outcome_echo(result: Any, as_json: bool) -> None:
    if as_json:
        echo_json(result)
    else:
        click.echo(
            f"{result.client}: #{result.assignment_id} recorded as {result.outcome}"
            f" at session {result.session}"
        )


@cli.command("done")
@click.argument("client")
@click.argument("assignment")
@click.option("--experience", default="", help="The client's experience of doing it.")
@session_option
@date_option
@json_option
@pass_app
def done(
    app: HwApplication,
    client: str,
    assignment: str,
    experience: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Record that CLIENT completed ASSIGNMENT (a number, or 'latest').

    Without --session or --date the outcome goes to the latest session, or to a
    new session today when ASSIGNMENT was given at the latest session on an
    earlier day (homework is reviewed at the session after it was given).
    """
    result = app.complete(client, assignment, session=session, date=date, experience=experience)
    _outcome_echo(result, as_json)


@cli.command("partial")
@click.argument("client")
@click.argument("assignment")
@click.option("--done", "done_", type=int, required=True, metavar="N", help="Doses done.")
@click.option("--planned", type=int, metavar="N", help="Doses planned (default: as assigned).")
@click.option("--experience", default="", help="The client's experience of doing it.")
@session_option
@date_option
@json_option
@pass_app
def partial(
    app: HwApplication,
    client: str,
    assignment: str,
    done_: int,
    planned: int | None,
    experience: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Record that CLIENT did part of ASSIGNMENT (--done N of --planned N).

    Without --session or --date the outcome goes to the latest session, or to a
    new session today when ASSIGNMENT was given at the latest session on an
    earlier day (homework is reviewed at the session after it was given).
    """
    result = app.partial(
        client,
        assignment,
        done=done_,
        planned=planned,
        session=session,
        date=date,
        experience=experience,
    )
    _outcome_echo(result, as_json)


@cli.command("missed")
@click.argument("client")
@click.argument("assignment")
@click.option("--explanation", default="", help="The client's words, as close to verbatim.")
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    metavar="REASON",
    help=f"Miss reason, repeatable (or 'a;b') {VOCAB_HELP}.",
)
@session_option
@date_option
@json_option
@pass_app
def missed(
    app: HwApplication,
    client: str,
    assignment: str,
    explanation: str,
    reasons: tuple[str, ...],
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Record that CLIENT missed ASSIGNMENT, with the explanation and reasons.

    Without --session or --date the outcome goes to the latest session, or to a
    new session today when ASSIGNMENT was given at the latest session on an
    earlier day (homework is reviewed at the session after it was given).
    """
    split = [part for r in reasons for part in r.split(";")]
    result = app.miss(
        client, assignment, explanation=explanation, reasons=split, session=session, date=date
    )
    _outcome_echo(result, as_json)


# ---------------------------------------------------------- case events


@cli.command("framing")
@click.argument("client")
@click.argument("label")
@click.option("--wording", default="", help="The language this client responds to.")
@click.option("--reason", default="", help="Why the framing approach changes.")
@session_option
@date_option
@pass_app
def framing(
    app: HwApplication,
    client: str,
    label: str,
    wording: str,
    reason: str,
    session: int | None,
    date: str | None,
) -> None:
    """Change CLIENT's framing approach to LABEL (e.g. curiosity)."""
    app.change_framing(client, label, wording=wording, reason=reason, session=session, date=date)
    click.echo(f"{client.strip()}: framing approach is now '{label.strip()}'")


@cli.command("change")
@click.argument("client")
@click.option("--kind", required=True, metavar="life|relationship|other", help="What changed.")
@click.option("--note", required=True, help="What changed, briefly.")
@session_option
@date_option
@pass_app
def change(
    app: HwApplication,
    client: str,
    kind: str,
    note: str,
    session: int | None,
    date: str | None,
) -> None:
    """Note a life, relationship or other change (prompts an earlier review)."""
    app.note_change(client, kind, note, session=session, date=date)
    click.echo(f"{client.strip()}: {kind.strip().lower()} change noted")


@cli.command("review")
@click.argument("client")
@click.option("--format", "format_", metavar="FORMAT", help="Override the format.")
@click.option("--size", metavar="SIZE", help="Override the size.")
@click.option("--frequency", metavar="FREQ", help="Override the frequency.")
@click.option("--framing", metavar="LABEL", help="Override the framing label.")
@click.option("--framing-wording", default="", help="The language this client responds to.")
@click.option(
    "--accept/--no-accept",
    default=True,
    help="Start from the planner's recommendation (default) or from nothing.",
)
@click.option("--completed-opening", default="", help="Opening question after a completion.")
@click.option("--listen-for", default="", help="What to listen for after a completion.")
@click.option("--missed-opening", default="", help="Non-judgmental opening after a miss.")
@click.option("--diagnostic", default="", help="The diagnostic question after a miss.")
@click.option("--next-review", type=int, metavar="N", help="Next review session (default +8).")
@click.option("--trigger", metavar="TRIGGER", help=f"What prompted the review {VOCAB_HELP}.")
@click.option("--notes", default="", help="Your notes.")
@session_option
@date_option
@json_option
@pass_app
def review(
    app: HwApplication,
    client: str,
    format_: str | None,
    size: str | None,
    frequency: str | None,
    framing: str | None,
    framing_wording: str,
    accept: bool,
    completed_opening: str,
    listen_for: str,
    missed_opening: str,
    diagnostic: str,
    next_review: int | None,
    trigger: str | None,
    notes: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Review CLIENT's system: accept the planner's values or override any."""
    result = app.review(
        client,
        session=session,
        date=date,
        accept=accept,
        format=format_,
        size=size,
        frequency=frequency,
        framing=framing,
        framing_wording=framing_wording,
        completed_opening=completed_opening,
        completed_listen_for=listen_for,
        missed_opening=missed_opening,
        missed_diagnostic=diagnostic,
        next_review_session=next_review,
        trigger=trigger,
        notes=notes,
    )
    if as_json:
        echo_json(result)
        return
    click.echo(
        f"{result.client}: system reviewed at session {result.session} ({result.trigger}):"
        f" format {result.format or '-'}, size {result.size or '-'},"
        f" frequency {result.frequency or '-'}, framing {result.framing or '-'};"
        f" next review at session {result.next_review_session}"
    )


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    changes: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or not name:
            msg = f"{item!r}: expected FIELD=VALUE, e.g. outcome=missed"
            raise click.BadParameter(msg, param_hint="'--set'")
        if name in changes:
            msg = f"field {name!r} is given twice"
            raise click.BadParameter(msg, param_hint="'--set'")
        changes[name] = value.strip()
    return changes


@cli.command("correct")
@click.argument("client")
@click.argument("assignment")
@click.option(
    "--set",
    "sets",
    multiple=True,
    required=True,
    metavar="FIELD=VALUE",
    help="A corrected field, repeatable (fields: see 'hw vocab').",
)
@click.option("--reason", required=True, help="Why the earlier entry was wrong.")
@session_option
@date_option
@json_option
@pass_app
def correct(
    app: HwApplication,
    client: str,
    assignment: str,
    sets: tuple[str, ...],
    reason: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Correct an earlier entry of ASSIGNMENT (recorded as a new event, never an edit)."""
    changes = _parse_sets(sets)
    info = app.correct(client, assignment, changes, reason, session=session, date=date)
    if as_json:
        echo_json(info)
    else:
        fields = ", ".join(f"{k}={v}" for k, v in changes.items())
        click.echo(f"{info.client}: #{info.assignment_id} corrected ({fields})")


# ---------------------------------------------------------------- queries


def _is_iso_date(text: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@cli.command("plan")
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
    document = None
    if as_of is None:
        # The planner cached in a current read model: no case to load (start-up time).
        from hwcore.application.quick import quick_planner

        document = quick_planner(client, state.home, state.database_url)
    if document is None:
        from hwcore.application import to_dict

        planner = state.app.plan(client, as_of_session=as_of_session, as_of_date=as_of_date)
        document = to_dict(planner, digits=None)
    if as_json:
        echo_json_data(document)
    else:
        click.echo(render_planner(document))


@cli.command("history")
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


@cli.command("vocab")
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


# --------------------------------------------------------- import / export


@cli.command("import")
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
        click.echo(
            f"{report.source}: nothing new ({report.rows} rows, {report.clients} clients"
            " already recorded)"
        )
        return
    click.echo(
        f"{report.source}: imported {report.rows} rows for {report.clients} clients"
        f" ({report.new_clients} new): {report.assignments_added} assignments,"
        f" {report.outcomes_added} outcomes, {report.events_written} events written,"
        f" {report.unchanged_rows} unchanged"
    )


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only (0600)."""
    import tempfile

    folder = path.parent if str(path.parent) else Path()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@cli.command("export")
@click.argument("client", required=False)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (0600) instead of stdout.")
@pass_app
def export(app: HwApplication, client: str | None, output: str | None) -> None:
    """Export CLIENT's (or every client's) events as lossless JSON for 'hw import'."""
    import json

    data = app.export_data(client)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    path = Path(output).expanduser()
    try:
        write_private(path, text)
    except OSError as e:
        fail(f"cannot write {str(path)!r}: {e.strerror or type(e).__name__}")
    n = len(data["clients"])
    click.echo(f"exported {n} client{'s' if n != 1 else ''} to {path}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``hw`` console script."""
    cli.main(args=argv, prog_name="hw")


# ===========================================================================
# Command registration. Other modules add their commands HERE, one import and
# one `cli.add_command(...)` line each, e.g.
#     from hwcli.cmd_print import print_group
#     cli.add_command(print_group)
# (ruff wants its E402 "import not at top" silenced on such import lines.)
# Command modules import shared helpers from hwcli.common (never hwcli.main)
# and keep heavy imports (textual, markdown_pdf, psycopg...) inside commands.
# --- registration: begin ---
from hwcli.cmd_readmodel import audit, caseload, readmodel_group  # noqa: E402

cli.add_command(caseload)
cli.add_command(audit)
cli.add_command(readmodel_group)
from hwcli.cmd_tui import tui  # noqa: E402

cli.add_command(tui)
from hwcli.cmd_print import config_group, print_group  # noqa: E402

cli.add_command(config_group)
cli.add_command(print_group)
from hwcli.cmd_store import register as register_store_commands  # noqa: E402

register_store_commands(cli)
# --- registration: end ---
# ===========================================================================

if __name__ == "__main__":
    main()
