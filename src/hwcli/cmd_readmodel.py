"""``hw caseload``, ``hw audit`` and ``hw readmodel rebuild|status``.

The caseload is answered from the read model (``readmodel.sqlite`` in the hw
home, caught up with the event log first); the audit trail is computed from
the event log itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from hwcli.common import (
    State,
    echo_json,
    echo_json_data,
    json_option,
    pass_app,
    pass_state,
    percent,
)
from hwcli.progress import bar, quiet_option

if TYPE_CHECKING:
    from hwcore.application import AuditEntry, CaseloadEntry, HwApplication

# ------------------------------------------------------------------ caseload


@click.command("caseload")
@click.option("--due", is_flag=True, help="Only the clients whose review is due.")
@click.option(
    "--all-caseloads",
    "every",
    is_flag=True,
    help="Every caseload this role may read (hw db caseloads), each named.",
)
@json_option
@pass_state
def caseload(state: State, due: bool, every: bool, as_json: bool) -> None:
    """Every client, the ones who need attention first (due, triggers, low completion).

    --json prints one JSON object: {"clients": [...], "due_only": ...}; with
    --all-caseloads each client also names its "caseload", and "caseloads"
    lists the caseloads read.
    """
    if every:
        _every_caseload(state, due, as_json)
        return
    # The read policy: a read model already current with the log answers alone
    # (start-up time); otherwise the application catches it up first.
    from hwcore.application.reads import answer, caseload_read, caseload_text_read

    if as_json:
        from hwcore.application.caseload import caseload_data

        read = caseload_read(due_only=due)
        answered = answer(read, state.home, state.database_url, open_application=lambda: state.app)
        assert answered is not None  # an application was offered
        echo_json_data({"clients": caseload_data(answered.value), "due_only": due})
        return
    # The text itself comes from the read model when it is current (caseload_50k:
    # the per-row work is done in SQLite, see hwcore.readmodel.caseload_text).
    text = answer(
        caseload_text_read(due_only=due),
        state.home,
        state.database_url,
        open_application=lambda: state.app,
    )
    assert text is not None  # an application was offered
    # color=True: nothing to strip (every cell is terminal-safe already), which
    # spares click a pass over every line (caseload_50k).
    click.echo(text.value, color=True)


def _every_caseload(state: State, due: bool, as_json: bool) -> None:
    """The caseload of every caseload the role may read, one after the other, each named."""
    from hwcore.application.caseload import caseload_data, render_caseload
    from hwcore.application.database import caseload_names
    from hwcore.bootstrap import open_application, resolve_settings

    settings = resolve_settings(state.home, state.database_url)
    names = caseload_names(settings)
    found: list[tuple[str, list[CaseloadEntry]]] = []
    from hwcli import startup

    startup.done()  # each caseload's application is opened here (see hwcli.startup)
    for name in names:
        with open_application(settings=settings.with_caseload(name), create=False) as app:
            found.append((name, app.caseload(due_only=due)))
    if as_json:
        clients = [
            {"caseload": name, **row} for name, entries in found for row in caseload_data(entries)
        ]
        echo_json_data({"caseloads": names, "clients": clients, "due_only": due})
        return
    if not found:
        click.echo("no caseload this role may read (hw db caseloads)")
        return
    blocks = [
        f"caseload {name}:\n" + render_caseload(entries, due_only=due) for name, entries in found
    ]
    click.echo("\n\n".join(blocks))


# --------------------------------------------------------------------- audit


@click.command("audit")
@click.argument("client")
@json_option
@pass_app
def audit(app: HwApplication, client: str, as_json: bool) -> None:
    """How CLIENT's between-session system evolved: each review, what changed, how it went."""
    entries = app.audit(client)
    name = client.strip()
    if as_json:
        echo_json({"client": name, "reviews": entries})
        return
    click.echo(render_audit(name, entries))


def _value(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)


def render_audit(client: str, entries: Sequence[AuditEntry]) -> str:
    """The audit trail as text, one block per review."""
    if not entries:
        return f"{client}: no review recorded yet (hw review {client})"
    lines = [f"{client}: {len(entries)} review{'s' if len(entries) != 1 else ''}"]
    for e in entries:
        lines.append("")
        when = f" ({e.date})" if e.date else ""
        lines.append(f"Review {e.review} at session {e.session}{when}, trigger: {e.trigger}")
        lines.append(f"  recorded by: {e.recorded_by or 'unknown'}")
        chosen = {"format": e.format, "size": e.size, "frequency": e.frequency}
        chosen["framing"] = e.framing
        lines.append("  system:      " + ", ".join(f"{k} {_value(v)}" for k, v in chosen.items()))
        if e.framing_wording:
            lines.append(f"  wording:     {e.framing_wording}")
        differs = [k for k, v in chosen.items() if e.recommended.get(k) != v]
        if any(v is not None for v in e.recommended.values()):
            advice = ", ".join(f"{k} {_value(v)}" for k, v in e.recommended.items())
            note = f" (overridden: {', '.join(differs)})" if differs else " (accepted)"
            lines.append(f"  planner:     {advice}{note}")
        else:
            lines.append("  planner:     no recommendation (not ready)")
        if e.previous_session is None:
            lines.append("  changed:     first review")
        elif e.changes:
            changes = "; ".join(f"{c.field} {_value(c.old)} -> {_value(c.new)}" for c in e.changes)
            lines.append(f"  changed:     {changes} (since session {e.previous_session})")
        else:
            lines.append(f"  changed:     nothing (since session {e.previous_session})")
        for n in e.noted:
            label = f" {n.label}" if n.label else ""
            lines.append(f"  noted:       session {n.session}, {n.kind}{label}: {_value(n.text)}")
        if e.notes:
            lines.append(f"  notes:       {e.notes}")
        span = (
            f"sessions {e.session}-{e.until_session - 1}"
            if e.until_session is not None
            else f"since session {e.session}"
        )
        if e.assigned_after:
            lines.append(
                f"  after ({span}): {e.assigned_after} assigned, {e.resolved_after} resolved"
                f" ({e.completed_after} completed, {e.partial_after} partial,"
                f" {e.missed_after} missed), completion {percent(e.completion_rate_after)}"
            )
        else:
            lines.append(f"  after ({span}): no assignment yet")
        lines.append(f"  next review: session {e.next_review_session}")
    return "\n".join(lines)


# ----------------------------------------------------------------- readmodel


@click.group("readmodel")
def readmodel_group() -> None:
    """The caseload read model (readmodel.sqlite in the hw home; disposable)."""


@readmodel_group.command("rebuild")
@json_option
@quiet_option
@pass_app
def readmodel_rebuild(app: HwApplication, as_json: bool, quiet: bool) -> None:
    """Drop the read model and rebuild it from the event log (a bar on a terminal)."""
    with bar("Rebuilding the read model", quiet) as progress:
        applied = app.rebuild_readmodel(progress)
    status = _status(app)
    if as_json:
        echo_json({**status, "applied": applied})
        return
    click.echo(
        f"read model rebuilt: {applied} events, {status['clients']} clients ({status['path']})"
    )


@readmodel_group.command("status")
@json_option
@pass_app
def readmodel_status(app: HwApplication, as_json: bool) -> None:
    """Show where the read model is and how far it has applied the event log."""
    with bar("Updating the read model") as progress:
        app.refresh_readmodel(progress)
    status = _status(app)
    if as_json:
        echo_json(status)
        return
    click.echo(
        f"read model: {status['path']}\n"
        f"position: {status['position']} of {status['log_position']} events,"
        f" {status['clients']} clients"
    )


def _status(app: HwApplication) -> dict[str, Any]:
    readmodel = app.readmodel
    path = readmodel.path if readmodel is not None else None
    return {
        "path": str(path) if path is not None else None,
        "position": app.readmodel_position(),
        "log_position": app.event_source.max_notification_id(),
        "clients": len(app.client_names()),
    }
