"""Store administration commands: cipher keys, erasure, backup and restore, audit.

``hw key generate``, ``hw client purge CLIENT --yes``, ``hw backup FILE``,
``hw restore FILE`` and ``hw admin-log`` (listed in ``hwcli.main.COMMANDS``;
``purge`` in the ``client`` group).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hwcli.common import echo_json, json_option, pass_app, table, warn
from hwcli.progress import bar, quiet_option

if TYPE_CHECKING:
    from hwcore.application import HwApplication, PurgeReport


@click.group("key")
def key_group() -> None:
    """Cipher keys for encryption at rest (HW_CIPHER_KEY)."""


@key_group.command("generate")
@json_option
def key_generate(as_json: bool) -> None:
    """Print a new random AES-256 key for HW_CIPHER_KEY.

    Keep it somewhere safe (a password manager): without it an encrypted store
    and its backups cannot be read by anyone, you included.
    """
    from hwcore.application import generate_key

    key = generate_key()
    if as_json:
        echo_json({"key": key})
    else:
        click.echo(key)
    click.echo(
        "hw: keep this key safe: set HW_CIPHER_KEY to it before the first write;"
        " without it the data cannot be read",
        err=True,
    )


@click.command("purge")
@click.argument("client")
@click.option("--yes", is_flag=True, help="Confirm: erase this client for good.")
@click.option(
    "--reference",
    default="",
    metavar="CODE",
    help="Erasure request reference kept in the audit trail (no clinical text).",
)
@json_option
@pass_app
def client_purge(app: HwApplication, client: str, yes: bool, reference: str, as_json: bool) -> None:
    """Erase CLIENT's events, snapshots and read-model rows (right to erasure).

    Irreversible (except from a backup made before). On an encrypted store
    the client's own data key is destroyed too, so copies of its events left
    anywhere (PostgreSQL's files, dumps) can no longer be read. The audit
    trail keeps the time, the counts and the optional reference; the log
    gets a tombstone for followers (the case id and the time): no
    identifier, no content. Warns about what it could not reach.
    """
    if not yes:
        msg = f"purging {client!r} erases every event of that client for good: add --yes to confirm"
        raise click.UsageError(msg)
    from hwcore.application import purge_client

    report = purge_client(app, client, reference=reference)
    if as_json:
        echo_json(report)
        _purge_warnings(report)
        return
    click.echo(
        f"purged {report.client}: {report.events} events, {report.snapshots} snapshots"
        f"{', read model cleared' if report.readmodel_cleared else ''}"
        f"{', data key destroyed' if report.shredded else ''}"
    )
    click.echo(f"audit: {report.audit.line()}")
    _purge_warnings(report)


def _purge_warnings(report: PurgeReport) -> None:
    """What the purge could not reach, on stderr (also with --json)."""
    if report.remains:
        warn(report.remains)
    if report.left_in_home:
        warn(
            f"{len(report.left_in_home)} file(s) saved inside the hw home"
            f" ({', '.join(report.left_in_home)}) may hold client records a purge cannot"
            " reach: move them out of the home or delete them"
        )


@click.command("backup")
@click.argument("file")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@json_option
@quiet_option
@pass_app
def backup(app: HwApplication, file: str, force: bool, as_json: bool, quiet: bool) -> None:
    """Write the whole home (events, snapshots, audit, settings files) to FILE.

    An encrypted store stays encrypted in its backup: keep the key too.
    """
    from hwcore.application import backup_store

    with bar("Backing up events", quiet) as progress:
        report = backup_store(app, file, overwrite=force, progress=progress)
    if report.left_out:
        warn(
            f"left out {len(report.left_out)} file(s) saved inside the hw home"
            f" ({', '.join(report.left_out)}): exports, PDFs and backups are not the store"
            " (a purge cannot reach them); keep them outside the home"
        )
    if as_json:
        echo_json(report)
        return
    click.echo(
        f"backup {report.path}: {report.events} events, {report.snapshots} snapshots,"
        f" {report.files} files{' (encrypted)' if report.encrypted else ''}"
    )


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a non-empty store (and existing files).")
@click.option(
    "--bring-back",
    "bring_back",
    multiple=True,
    metavar="CLIENT",
    help="Bring back CLIENT, purged after the backup was made (repeat for each).",
)
@json_option
@quiet_option
@pass_app
def restore(
    app: HwApplication,
    file: str,
    force: bool,
    bring_back: tuple[str, ...],
    as_json: bool,
    quiet: bool,
) -> None:
    """Restore a backup FILE into this home's (empty) store.

    Refuses a damaged backup, a backup encrypted with another key, and a
    non-empty store unless --force: then nothing is written. A backup made
    before a purge holds the purged client: replacing the store with it is
    refused, naming the clients who would come back, unless each is named
    with --bring-back.
    """
    from hwcore.application import restore_store

    with bar("Restoring events", quiet) as progress:
        report = restore_store(app, file, replace=force, bring_back=bring_back, progress=progress)
    if as_json:
        echo_json(report)
        return
    extra = " (encrypted on the way in)" if report.reencrypted else ""
    if report.brought_back:
        extra += f"; brought back after their purge: {', '.join(report.brought_back)}"
    click.echo(
        f"restored {report.path}: {report.events} events, {report.snapshots} snapshots,"
        f" {report.files} files{extra}"
    )


@click.command("admin-log")
@json_option
@pass_app
def admin_log(app: HwApplication, as_json: bool) -> None:
    """Show the store's administration log: purges and restores (no client data)."""
    from hwcore.application import store_audit

    entries = store_audit(app)
    if as_json:
        echo_json(entries)
        return
    if not entries:
        click.echo("no purges or restores recorded")
        return
    click.echo(
        table(
            ["at", "action", "events", "snapshots", "reference"],
            [[e.at, e.action, e.events, e.snapshots, e.reference] for e in entries],
        )
    )
