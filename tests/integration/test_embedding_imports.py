"""What an embedder's process imports: never a frontend, never a sqlite-utils plugin.

docs/architecture.md and docs/embedding.md say so precisely: hwcore's own
code imports no UI; click arrives only as sqlite-utils' dependency (its
``hookspecs`` module), when the read model migrates; on a home whose read
model is already migrated neither is imported. hw opens sqlite-utils'
``Database`` with ``execute_plugins=False``: a sqlite-utils plugin installed
on the machine (here a stand-in, registered by entry point) is never loaded.
Each case runs in a fresh interpreter, so earlier imports cannot hide one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FRONTENDS = ("hwcli", "hwtui", "textual")
PLUGIN = "hw_test_sqlite_plugin"

REPORT = """\
import json, sys

def top_level():
    return sorted({name.split(".")[0] for name in sys.modules})

def plugins():
    if "sqlite_utils.plugins" not in sys.modules:
        return None
    from sqlite_utils.plugins import pm
    return {
        "registered": sorted(pm.get_name(p) or repr(p) for p in pm.get_plugins()),
        "from_entry_points": [d.project_name for _, d in pm.list_plugin_distinfo()],
    }
"""

MIGRATE = (
    REPORT
    + """
from hwcore.bootstrap import open_application
with open_application(home=sys.argv[1]) as hw:      # a new home: the read model migrates
    hw.register_client("AB")
    hw.caseload()
report = {"modules": top_level(), "plugins": plugins()}
# The stand-in plugin can be found: loading sqlite-utils' plugins would register it.
from sqlite_utils.plugins import ensure_plugins_loaded, pm
ensure_plugins_loaded()
report["discoverable"] = [d.project_name for _, d in pm.list_plugin_distinfo()]
print(json.dumps(report))
"""
)

MIGRATED = (
    REPORT
    + """
import hwcore.application
from hwcore.bootstrap import open_application
with open_application(home=sys.argv[1], create=False) as hw:
    hw.caseload(); hw.plan("AB"); hw.history("AB")
with open_application(home=sys.argv[1]) as hw:      # a write and its catch-up
    hw.register_client("CD")
    hw.caseload()
print(json.dumps({"modules": top_level(), "plugins": plugins()}))
"""
)


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    """A folder holding a stand-in sqlite-utils plugin, installed by entry point."""
    site = tmp_path / "site"
    dist = site / f"{PLUGIN}-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {PLUGIN}\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[sqlite_utils]\nstandin = {PLUGIN}\n")
    (site / f"{PLUGIN}.py").write_text(
        "from sqlite_utils import hookimpl\n\n"
        "@hookimpl\n"
        "def prepare_connection(conn):\n"
        "    conn.create_function('hw_test_plugin_ran', 0, lambda: 1)\n"
    )
    return site


def run(script: str, home: Path, plugin_path: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["HW_CLINICIAN"] = "dr.test"
    env["PYTHONPATH"] = os.pathsep.join([str(plugin_path), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-c", script, str(home)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_a_migration_loads_no_frontend_and_no_sqlite_utils_plugin(
    tmp_path: Path, plugin_path: Path
) -> None:
    report = run(MIGRATE, tmp_path / "home", plugin_path)
    modules = report["modules"]
    assert not set(FRONTENDS) & set(modules)
    assert PLUGIN not in modules
    assert report["plugins"] == {"registered": [], "from_entry_points": []}
    # click came with sqlite-utils (its hookspecs), nothing else: it is a dependency's.
    assert "sqlite_utils" in modules
    assert "click" in modules
    # The check can fail: the stand-in is found once sqlite-utils loads its plugins.
    assert report["discoverable"] == [PLUGIN]


def test_a_migrated_home_loads_neither_a_frontend_nor_click(
    tmp_path: Path, plugin_path: Path
) -> None:
    home = tmp_path / "home"
    run(MIGRATE, home, plugin_path)
    report = run(MIGRATED, home, plugin_path)
    modules = report["modules"]
    assert not set(FRONTENDS) & set(modules)
    assert "click" not in modules
    assert "sqlite_utils" not in modules  # nothing to migrate: the stdlib driver only
    assert report["plugins"] is None
    assert PLUGIN not in modules
