"""A downstream follower of hw's event log (docs/events.md, "Following the log").

    python follow_log.py HOME POSITION_FILE [COPY_FILE]

Prints each event recorded since the last run as one JSON line, and keeps its
own position in POSITION_FILE (the notification id of the last event handled),
so the next run resumes after it. With COPY_FILE it also keeps its own copy of
the events (JSON Lines, owner-only), and when a client is purged (an item of
kind "purge", the tombstone) it erases that client from the copy. Run it from
cron, a loop or a systemd timer; it only reads the store.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from hwcore.application import LogFollower
from hwcore.bootstrap import open_application


def erase(copy: Path, case: str) -> None:
    """Rewrite the copy without the purged client's events (the old file is replaced)."""
    if not copy.exists():
        return
    kept = [
        line
        for line in copy.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["case"] != case
    ]
    tmp = copy.with_name(copy.name + ".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in kept))
    os.replace(tmp, copy)


def keep(copy: Path, item: dict[str, Any]) -> None:
    """Append one event to the copy."""
    fd = os.open(copy, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(json.dumps(item, ensure_ascii=False) + "\n")


def main(home: str, position_file: str, copy_file: str | None = None) -> None:
    """Print what was recorded after the saved position, saving it as we go."""
    saved = Path(position_file)
    copy = Path(copy_file) if copy_file else None
    position = int(saved.read_text()) if saved.exists() else 0
    with open_application(home) as hw:
        follower = LogFollower(hw, position=position)
        for item in follower.read():
            data = item.as_dict()
            print(json.dumps(data, ensure_ascii=False), flush=True)
            if copy is not None:
                if item.kind == "purge":
                    erase(copy, item.case)  # the client was purged: forget it here too
                else:
                    keep(copy, data)
            saved.write_text(str(item.position))  # handled: resume after it


if __name__ == "__main__":
    main(*sys.argv[1:4])
