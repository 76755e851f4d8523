"""A downstream follower of hw's event log (docs/events.md, "Following the log").

    python follow_log.py HOME POSITION_FILE

Prints each event recorded since the last run as one JSON line, and keeps its
own position in POSITION_FILE (the notification id of the last event handled),
so the next run resumes after it. Run it from cron, a loop or a systemd timer;
it only reads the store.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hwcore.application import LogFollower
from hwcore.bootstrap import open_application


def main(home: str, position_file: str) -> None:
    """Print what was recorded after the saved position, saving it as we go."""
    saved = Path(position_file)
    position = int(saved.read_text()) if saved.exists() else 0
    with open_application(home) as hw:
        follower = LogFollower(hw, position=position)
        for item in follower.read():
            print(json.dumps(item.as_dict(), ensure_ascii=False), flush=True)
            saved.write_text(str(item.position))  # handled: resume after it


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
