"""The ``hw`` command line: parse, call ``hwcore.application``, format. Nothing else.

Exit codes: 0 success, 1 domain error (one ``hw: error:`` line on stderr),
2 usage error, 130 interrupted. Each command lives in an ``hwcli.cmd_*`` module
imported only when that command runs (see :data:`COMMANDS`); the application is
opened only by commands that need it, and hwcore is imported only then
(start-up time is a feature).
"""

from __future__ import annotations

import os

import click

from hwcli.common import HwGroup, State

COMMANDS: dict[str, str] = {
    "client": "hwcli.cmd_clients:client_group",
    "clients": "hwcli.cmd_clients:clients",
    "session": "hwcli.cmd_clients:session",
    "assign": "hwcli.cmd_record:assign",
    "done": "hwcli.cmd_record:done",
    "partial": "hwcli.cmd_record:partial",
    "missed": "hwcli.cmd_record:missed",
    "framing": "hwcli.cmd_record:framing",
    "change": "hwcli.cmd_record:change",
    "review": "hwcli.cmd_record:review",
    "measure": "hwcli.cmd_measure:measure_group",
    "consent": "hwcli.cmd_measure:consent",
    "alert": "hwcli.cmd_measure:alert_group",
    "note": "hwcli.cmd_note:note",
    "correct": "hwcli.cmd_record:correct",
    "plan": "hwcli.cmd_plan:plan",
    "history": "hwcli.cmd_plan:history",
    "vocab": "hwcli.cmd_plan:vocab",
    "import": "hwcli.cmd_data:import_",
    "export": "hwcli.cmd_data:export",
    "follow": "hwcli.cmd_follow:follow",
    "caseload": "hwcli.cmd_readmodel:caseload",
    "audit": "hwcli.cmd_readmodel:audit",
    "readmodel": "hwcli.cmd_readmodel:readmodel_group",
    "tui": "hwcli.cmd_tui:tui",
    "config": "hwcli.cmd_print:config_group",
    "print": "hwcli.cmd_print:print_group",
    "key": "hwcli.cmd_store:key_group",
    "backup": "hwcli.cmd_store:backup",
    "restore": "hwcli.cmd_store:restore",
    "admin-log": "hwcli.cmd_store:admin_log",
    "db": "hwcli.cmd_db:db_group",
    "access-log": "hwcli.cmd_access:access_log",
    "completion": "hwcli.cmd_completion:completion",
}
"""Every ``hw`` command and where it lives (``module:attribute``), imported on use.

A new command: define it in an ``hwcli.cmd_*`` module (shared helpers come from
``hwcli.common``, never from here) and add one line to this table.
"""


@click.group(
    cls=HwGroup,
    lazy_subcommands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    help=(
        "PostgreSQL: postgresql://user@host:port/dbname?sslmode=verify-full or libpq"
        " key=value pairs (default: SQLite in the home). Prefer HW_DATABASE_URL, and keep"
        " the password in ~/.pgpass (PGPASSFILE) or a service file (?service=NAME): an"
        " option shows in ps."
    ),
)
@click.option(
    "--caseload",
    metavar="NAME",
    envvar="HW_CASELOAD",
    show_envvar=True,
    help=(
        "One clinician's caseload: on PostgreSQL a schema of its own (hw db init --caseload"
        " NAME creates it), on SQLite the home's folder caseloads/NAME (default: the home's"
        " own caseload)."
    ),
)
@click.version_option(package_name="hw-planner", prog_name="hw")
@click.pass_context
def cli(
    ctx: click.Context, home: str | None, database_url: str | None, caseload: str | None
) -> None:
    """hw: record clients' homework and read their Between-Session System Planner."""
    ctx.obj = State(home or None, database_url or None)
    ctx.call_on_close(ctx.obj.close)
    if caseload:
        # Every path that resolves settings (the quick read, the TUI's opener)
        # reads HW_CASELOAD: the option sets it for this command only.
        before = os.environ.get("HW_CASELOAD")
        os.environ["HW_CASELOAD"] = caseload
        ctx.call_on_close(lambda: _restore("HW_CASELOAD", before))


def _restore(var: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(var, None)
    else:
        os.environ[var] = value


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``hw`` console script."""
    from hwcli import startup

    startup.begin()  # until the application is open (see hwcli.startup)
    try:
        cli.main(args=argv, prog_name="hw")
    finally:
        startup.end()  # a caller that goes on after main() (an embedder) gets its collector back


if __name__ == "__main__":
    main()
