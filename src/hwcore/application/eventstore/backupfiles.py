"""The files of a backup besides the events: the home's own files, the keys, the temp file.

Which files of the home a backup copies and a restore may write
(:func:`is_home_file`, never a client record saved there: ``erasure``), their
digest, the wrapped per-client keys and their digest, and the clean-up of a
killed backup's temp file. Used by :mod:`~hwcore.application.eventstore.backup`.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from hwcore.application.eventstore.erasure import is_stray_file
from hwcore.application.eventstore.shredding import KeyRow
from hwcore.domain import InvalidValueError

STORE_SUFFIXES = ("", "-wal", "-shm", "-journal")
"""The store file and the files SQLite keeps beside it."""


def is_home_file(rel: str) -> bool:
    """Whether a path (relative, '/'-separated) names one of the files hw backs up and restores.

    The home's own files (configuration, logo, branding): never the store or
    the read model (nor their ``-wal``/``-shm``/``-journal``), and nothing
    hidden (a dot-file such as ``.bashrc``, a temp file, anything in a
    dot-folder). Restore writes only these, so a crafted backup cannot plant
    a file hw would not have backed up.
    """
    from hwcore.config import CASELOADS_DIR, EVENTS_FILE, READMODEL_FILE

    skipped = {f"{n}{s}" for n in (EVENTS_FILE, READMODEL_FILE) for s in STORE_SUFFIXES}
    parts = rel.split("/")
    return (
        bool(rel)
        and rel not in skipped
        and parts[0] != CASELOADS_DIR  # other caseloads' stores: never in this one's backup
        and all(p not in ("", ".", "..") and not p.startswith(".") for p in parts)
    )


def store_files(
    home: Path, exclude: set[Path], left_out: list[str]
) -> Iterator[tuple[str, int, bytes]]:
    """The home's own files (see :func:`is_home_file`), in path order.

    Client records saved inside the home (exports, PDFs, backups:
    ``erasure.is_stray_file``) are left out and their paths added to ``left_out``.
    """
    if not home.is_dir():
        return
    for path in sorted(home.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.resolve() in exclude:
            continue
        rel = path.relative_to(home).as_posix()
        if is_home_file(rel):
            if is_stray_file(path, rel):
                left_out.append(rel)
                continue
            yield rel, path.stat().st_mode & 0o777, path.read_bytes()


def files_digest(files: Iterable[tuple[str, int, bytes]]) -> str:
    """SHA-256 over the home files of a backup (path, mode, content), in path order."""
    digest = hashlib.sha256()
    for rel, mode, content in sorted(files):
        for part in (rel.encode(), str(int(mode)).encode(), bytes(content)):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


TEMP_PREFIX = ".hw-backup-"
TEMP_SUFFIX = ".tmp"
"""A backup is written as ``.hw-backup-<pid>-<random>.tmp`` beside its target, then renamed."""
ABANDONED_AFTER = 3600.0
"""Seconds after which a temp file without a process id (an older hw's) counts as abandoned."""


def remove_abandoned_temp_files(folder: Path) -> int:
    """Delete the temp files of backups that were killed before they finished.

    A killed backup cannot remove its own temp file, which holds a full copy
    of the store. The next backup into the same folder removes every one whose
    process is gone (its id is in the name), so none stays readable for long.

    Returns:
        How many were removed.
    """
    import time

    removed = 0
    for candidate in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        pid_text = candidate.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        try:
            if pid_text.isdigit():
                if _process_alive(int(pid_text)):
                    continue
            elif time.time() - candidate.stat().st_mtime < ABANDONED_AFTER:
                continue
            candidate.unlink()
            removed += 1
        except OSError:
            continue  # another backup removed it first, or it is not ours to remove
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive, and not ours to judge
    return True


def keys_digest(keys: Iterable[KeyRow]) -> str:
    """SHA-256 over a backup's wrapped keys (id, wrapped key, created), in id order."""
    digest = hashlib.sha256()
    for ident, wrapped, created in sorted(keys):
        for part in (ident.encode(), bytes(wrapped), created.encode()):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def backup_keys(conn: sqlite3.Connection, meta: Mapping[str, str], path: Path) -> list[KeyRow]:
    """A backup's wrapped keys, checked against its digest (older backups have none)."""
    if "keys_digest" not in meta:
        return []
    try:
        rows = [
            (str(i), bytes(w), str(c))
            for i, w, c in conn.execute("SELECT originator_id, wrapped, created FROM keys")
        ]
    except (sqlite3.Error, ValueError, TypeError):
        raise InvalidValueError("backup file", str(path), "an intact hw backup") from None
    if keys_digest(rows) != meta["keys_digest"]:
        raise InvalidValueError(
            "backup file", str(path), "an intact hw backup (its keys digest does not match)"
        )
    return sorted(rows)


def backup_files(
    conn: sqlite3.Connection, meta: Mapping[str, str], path: Path
) -> list[tuple[str, int, bytes]]:
    """The backup's home files that restore may write, checked against its digest.

    Backups made since the files digest (``files_digest``) must match it;
    older ones carry none. Either way only :func:`is_home_file` names are kept.
    """
    try:
        rows = [
            (str(rel), int(mode), bytes(content))
            for rel, mode, content in conn.execute(
                "SELECT path, mode, content FROM files ORDER BY path"
            )
        ]
    except (sqlite3.Error, ValueError, TypeError):
        raise InvalidValueError("backup file", str(path), "an intact hw backup") from None
    expected = meta.get("files_digest")
    if expected is not None and files_digest(rows) != expected:
        raise InvalidValueError(
            "backup file", str(path), "an intact hw backup (its files digest does not match)"
        )
    return [row for row in rows if is_home_file(row[0])]


def restore_files(home: Path | None, files: list[tuple[str, int, bytes]], *, replace: bool) -> int:
    if home is None:
        return 0
    written = 0
    root = home.resolve()
    for rel, mode, content in files:
        target = (home / rel).resolve()
        if root not in target.parents:
            continue  # never write outside the home
        if target.exists() and not replace:
            continue
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".hw-restore-", dir=target.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(bytes(content))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, int(mode) & 0o700 or 0o600)
        os.replace(tmp, target)
        written += 1
    return written
