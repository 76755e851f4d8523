"""``hw db init``, ``hw db grant`` and ``hw db caseloads``: the database's administration.

Run by an owner of the database (``init``, ``grant``); see docs/postgres.md
for a practice's set-up: roles, caseloads, grants, what a supervisor sees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hwcli.common import State, echo_json_data, json_option, pass_state

if TYPE_CHECKING:
    from hwcore.bootstrap import Settings


def _settings(state: State, caseload: str | None) -> Settings:
    from hwcore.bootstrap import resolve_settings

    return resolve_settings(state.home, state.database_url, caseload=caseload)


caseload_option = click.option(
    "--caseload",
    metavar="NAME",
    default=None,
    help="The caseload (default: the global --caseload / HW_CASELOAD, else the default one).",
)


@click.group("db")
def db_group() -> None:
    """Set up the store's database: create its schema, grant roles, list caseloads."""


@db_group.command("init")
@caseload_option
@json_option
@pass_state
def db_init(state: State, caseload: str | None, as_json: bool) -> None:
    """Create every table, type and index hw needs (run once by an owner; idempotent).

    On PostgreSQL a named caseload is a schema of its own, created here; after
    this, hw creates and alters nothing when it opens the store, so it runs for
    a role that may only SELECT and INSERT. Run it again after an upgrade that
    says so. On SQLite it creates the events file and its tables.
    """
    from hwcore.application.database import describe, init_database

    report = init_database(_settings(state, caseload))
    if as_json:
        echo_json_data(describe(report))
        return
    click.echo(report.line())


@db_group.command("grant")
@caseload_option
@click.option("--role", required=True, metavar="ROLE", help="The database role (it must exist).")
@click.option("--read-only", "read_only", is_flag=True, help="Read only (a supervisor).")
@click.option(
    "--purge",
    "purge",
    is_flag=True,
    help="Also erase clients and restore backups (DELETE on the events and snapshots).",
)
@json_option
@pass_state
def db_grant(
    state: State, caseload: str | None, role: str, read_only: bool, purge: bool, as_json: bool
) -> None:
    """Grant ROLE exactly what it needs on a caseload (PostgreSQL; run by an owner).

    Read-write (the default): SELECT and INSERT. --read-only: SELECT only. --purge:
    read-write plus DELETE for hw client purge and hw restore --force. Privileges
    the role had on the caseload's tables are replaced, not added to.
    """
    from hwcore.application.database import describe, grant_caseload

    if read_only and purge:
        msg = "--read-only and --purge exclude each other"
        raise click.UsageError(msg)
    access = "read-only" if read_only else "purge" if purge else "read-write"
    report = grant_caseload(_settings(state, caseload), role, access)
    if as_json:
        echo_json_data(describe(report))
        return
    click.echo(report.line())


@db_group.command("caseloads")
@json_option
@pass_state
def db_caseloads(state: State, as_json: bool) -> None:
    """List every caseload this role may read (PostgreSQL: granted schemas; SQLite: folders)."""
    from hwcore.application.database import caseload_names

    names = caseload_names(_settings(state, None))
    if as_json:
        echo_json_data({"caseloads": names})
        return
    click.echo("\n".join(names) if names else "no caseload yet (hw db init)")
