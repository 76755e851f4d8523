"""``make bench``: hw measured side by side with its floors, in the same run.

Usage: ``python -m benchmarks.run [--only KEY,KEY] [--runs N] [--quick]``

``--only`` runs some keys (and prepares only the data they need); the other
keys of ``benchmarks/results.json`` keep their last figures.

Every figure is the median of several runs (min and max beside it). A
benchmark whose command does not exist yet is listed as "not available yet:
<reason>" and recorded with ``"status": "unavailable"``. Results go to
``benchmarks/results.json`` and a table on stdout. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import data

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
BIN = Path(sys.executable).parent
HW = str(BIN / "hw")
PY = sys.executable
FLOOR_IMPORTS = "import eventsourcing.application, eventsourcing.sqlite, click"
CASELOAD_CLIENTS = 5000
TUI_CLIENTS = 1000
IMPORT_ROWS = 100_000
LARGE_CLIENTS = 50_000
LARGE_ROWS_PER_CLIENT = 6
"""``caseload_50k``: six assignments per client (about 19 events). ``hw caseload``
reads one summary row per client, whatever the events behind it; 33 rows per
client would make a 5-million-event home that takes a quarter of an hour to
generate."""
KEYSTROKES = 50
IMPORT_PEAK_MIB = 150
PG_WRITERS = 8
PG_CLIENTS = 4
PG_EVENTS_PER_WRITER = 60


class Unavailable(Exception):
    """The command a benchmark needs does not exist yet."""


# ------------------------------------------------------------------ results


@dataclass
class Figure:
    """One measured quantity: its samples and unit."""

    name: str
    samples: list[float]
    unit: str

    def as_dict(self) -> dict[str, Any]:
        """JSON shape: median, min, max, runs, unit."""
        return {
            "median": statistics.median(self.samples),
            "min": min(self.samples),
            "max": max(self.samples),
            "runs": len(self.samples),
            "unit": self.unit,
        }


@dataclass
class Result:
    """One benchmark key: its figures, target and verdict."""

    key: str
    target: str
    status: str = "ok"
    reason: str = ""
    figures: list[Figure] = field(default_factory=list)
    derived: dict[str, float] = field(default_factory=dict)
    met: bool | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, name: str, samples: Sequence[float], unit: str) -> Figure:
        """Record a figure."""
        figure = Figure(name, list(samples), unit)
        self.figures.append(figure)
        return figure

    def median(self, name: str) -> float:
        """The median of a recorded figure."""
        for f in self.figures:
            if f.name == name:
                return statistics.median(f.samples)
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of the key."""
        return {
            "status": self.status,
            "reason": self.reason,
            "target": self.target,
            "met": self.met,
            "figures": {f.name: f.as_dict() for f in self.figures},
            "derived": self.derived,
            "notes": self.notes,
            "seconds": round(self.seconds, 1),
        }


# ---------------------------------------------------------------- processes


@dataclass
class Child:
    """A finished child process: wall time, exit code, peak RSS, output."""

    wall: float
    returncode: int
    maxrss_mib: float
    stdout: str
    stderr: str
    cpu: float = 0.0
    """User plus system CPU seconds of exactly that process (os.wait4)."""

    def json(self) -> Any:
        """The last stdout line as JSON (children print one JSON line)."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        if self.returncode != 0 or not lines:
            tail = self.stderr.strip().splitlines()[-1:] or ["no output"]
            msg = f"child failed (exit {self.returncode}): {tail[0]}"
            raise RuntimeError(msg)
        return json.loads(lines[-1])


def run_child(
    argv: Sequence[str], env: dict[str, str] | None = None, timeout: float = 600
) -> Child:
    """Run one process; peak RSS of exactly that process comes from os.wait4."""
    full_env = {**os.environ, **(env or {})}
    full_env["HW_BENCH_T0"] = repr(time.time())
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=full_env, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            wall=wall,
            returncode=proc.returncode,
            maxrss_mib=usage.ru_maxrss / 1024,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            cpu=usage.ru_utime + usage.ru_stime,
        )


def child(name: str, *args: str, env: dict[str, str] | None = None) -> Child:
    """Run a workload of :mod:`benchmarks.children` in a fresh process."""
    return run_child([PY, "-m", "benchmarks.children", name, *args], env=env)


def hw(*args: str, home: Path | str | None = None, env: dict[str, str] | None = None) -> Child:
    """Run the ``hw`` CLI."""
    full = dict(env or {})
    if home is not None:
        full["HW_HOME"] = str(home)
    return run_child([HW, *args], env=full)


def require_hw(*command: str) -> None:
    """Raise Unavailable unless ``hw COMMAND --help`` works."""
    if not Path(HW).exists():
        msg = f"`hw {' '.join(command)}`: the hw console script is not installed"
        raise Unavailable(msg)
    probe = run_child([HW, *command, "--help"], env={"HW_HOME": tempfile.gettempdir()})
    if probe.returncode != 0:
        lines = (probe.stderr or probe.stdout).strip().splitlines()
        last = lines[-1] if lines else f"exit {probe.returncode}"
        msg = f"`hw {' '.join(command)}` does not exist yet ({last.strip()[:120]})"
        raise Unavailable(msg)


def checked(c: Child, what: str) -> Child:
    """The child, or RuntimeError naming what failed and the last stderr line."""
    if c.returncode != 0:
        tail = (c.stderr.strip().splitlines() or ["no output"])[-1]
        msg = f"{what} failed (exit {c.returncode}): {tail[:200]}"
        raise RuntimeError(msg)
    return c


def scratch() -> Path:
    """A scratch folder on the same disk as the generated homes."""
    path = data.DATA_DIR / "scratch"
    path.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=path))


def event_count(home: Path) -> int:
    """How many events a home's log holds (its last notification id)."""
    db = sqlite3.connect(f"file:{home / 'events.sqlite'}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT max(rowid) FROM stored_events").fetchone()
    finally:
        db.close()
    return int(row[0] or 0)


def forget_cached_planner(home: Path, client: str) -> None:
    """Drop a client's cached planner from the read model (the next plan computes it)."""
    db = sqlite3.connect(home / "readmodel.sqlite")
    try:
        with db:
            db.execute("DELETE FROM plans WHERE client = ?", (client,))
    finally:
        db.close()


# --------------------------------------------------------------- benchmarks


@dataclass
class Context:
    """Shared state of one harness run; each home is prepared (or read from the cache) on use."""

    runs: int
    heavy_runs: int
    peak: dict[str, list[float]] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)
    """Measurements two keys report (e.g. the import runs: events/s and peak RSS)."""

    @cached_property
    def big_home(self) -> Path:
        """5,000 clients and BIG1000, read model caught up (do not write to it)."""
        return data.with_readmodel(data.home("caseload", CASELOAD_CLIENTS, big=True))

    @cached_property
    def tui_home(self) -> Path:
        """1,000 clients (the TUI's first paint, the read-model rebuild)."""
        return data.home("tui", TUI_CLIENTS, big=False)

    @cached_property
    def large_home(self) -> Path:
        """50,000 clients, read model caught up."""
        home = data.home(
            "caseload50k", LARGE_CLIENTS, big=False, rows_per_client=LARGE_ROWS_PER_CLIENT
        )
        return data.with_readmodel(home)

    @cached_property
    def write_home(self) -> Path:
        """A scratch copy of :attr:`big_home` for the keys that record (removed at the end)."""
        copy = scratch() / "caseload"
        shutil.copytree(self.big_home, copy)
        return copy

    @cached_property
    def import_csv(self) -> Path:
        """The 100,000-row history CSV (new clients)."""
        return data.import_csv(IMPORT_ROWS)


def floor_child() -> Child:
    """One run of the import floor: python + eventsourcing + click."""
    return checked(run_child([PY, "-c", FLOOR_IMPORTS]), "floor")


def floor_ms(ctx: Context) -> list[float]:
    """Wall ms of the import floor: python + eventsourcing + click."""
    return [floor_child().wall * 1000 for _ in range(ctx.runs)]


def bench_cli_plan(ctx: Context, r: Result) -> None:
    """``hw plan BIG1000`` vs the import floor."""
    require_hw("plan")
    checked(hw("plan", data.BIG_CLIENT, home=ctx.big_home), "hw plan")  # warm-up
    plan = []
    floor = floor_ms(ctx)
    for _ in range(ctx.runs):
        plan.append(checked(hw("plan", data.BIG_CLIENT, home=ctx.big_home), "hw plan").wall * 1000)
    r.add("hw plan BIG1000", plan, "ms")
    r.add("floor: python -c import eventsourcing+click", floor, "ms")
    # The same command when the planner is not cached yet (the first look after
    # an import, or at a client nobody asked about): load the case, compute it.
    uncached = []
    for _ in range(ctx.runs):
        forget_cached_planner(ctx.big_home, data.BIG_CLIENT)
        uncached.append(
            checked(hw("plan", data.BIG_CLIENT, home=ctx.big_home), "hw plan").wall * 1000
        )
    r.add("reference: hw plan BIG1000, planner not cached", uncached, "ms")
    r.notes.append(
        "hw plan answers from the read model's planner cache when it is current"
        " (docs/readmodel.md); the reference row is the path that computes it"
    )
    ratio = statistics.median(plan) / statistics.median(floor)
    r.derived["ratio"] = ratio
    r.met = ratio <= 1.5


def bench_cli_caseload(ctx: Context, r: Result) -> None:
    """``hw caseload`` on 5,000 clients vs the import floor."""
    require_hw("caseload")
    first = checked(hw("caseload", home=ctx.big_home), "hw caseload")  # warm-up (catch-up)
    r.notes.append(f"first (warm-up) run: {first.wall * 1000:.0f} ms")
    times, rss = [], []
    floor = floor_ms(ctx)
    for _ in range(ctx.runs):
        c = checked(hw("caseload", home=ctx.big_home), "hw caseload")
        times.append(c.wall * 1000)
        rss.append(c.maxrss_mib)
    r.add("hw caseload (5,001 clients)", times, "ms")
    r.add("floor: python -c import eventsourcing+click", floor, "ms")
    ctx.peak["hw caseload (5,001 clients)"] = rss
    ratio = statistics.median(times) / statistics.median(floor)
    r.derived["ratio"] = ratio
    r.met = ratio <= 2.0


def bench_append(ctx: Context, r: Result) -> None:
    """One event per command: hw vs bare eventsourcing vs raw sqlite3."""
    n = "400"
    env = {"HW_BENCH_SCRATCH": str(scratch())}
    samples: dict[str, list[float]] = {"hw": [], "eventsourcing": [], "sqlite3": []}
    for _ in range(max(3, ctx.runs - 2)):
        for variant, values in samples.items():
            values.append(child("append", variant, n, env=env).json()["events_per_s"])
    r.add("hw (hwcore.application, note_change)", samples["hw"], "events/s")
    r.add("bare eventsourcing (get+trigger+save)", samples["eventsourcing"], "events/s")
    r.add("raw sqlite3 INSERT+COMMIT (same sync)", samples["sqlite3"], "events/s")
    ratio = statistics.median(samples["hw"]) / statistics.median(samples["eventsourcing"])
    r.derived["hw_vs_eventsourcing"] = ratio
    r.derived["hw_vs_sqlite3"] = statistics.median(samples["hw"]) / statistics.median(
        samples["sqlite3"]
    )
    r.met = ratio >= 0.8


def import_runs(ctx: Context) -> dict[str, list[float]]:
    """``hw import`` of the 100,000-row CSV into empty homes: events/s and peak RSS.

    Run once per harness run; ``import`` and ``import_peak_mib`` both report it.
    """
    if "import" not in ctx.shared:
        require_hw("import")
        csv_path = ctx.import_csv
        runs: dict[str, list[float]] = {
            "events": [],
            "events_per_s": [],
            "peak_mib": [],
            "floor_mib": [],
        }
        for _ in range(ctx.heavy_runs):
            home = scratch()
            try:
                c = checked(hw("import", str(csv_path), home=home), "hw import")
                events = event_count(home)
                runs["events"].append(events)
                runs["events_per_s"].append(events / c.wall)
                runs["peak_mib"].append(c.maxrss_mib)
            finally:
                shutil.rmtree(home, ignore_errors=True)
            runs["floor_mib"].append(floor_child().maxrss_mib)
        ctx.shared["import"] = runs
    result: dict[str, list[float]] = ctx.shared["import"]
    return result


def bench_import(ctx: Context, r: Result) -> None:
    """``hw import`` of a 100,000-row CSV into an empty home."""
    rates = import_runs(ctx)["events_per_s"]
    r.add("hw import 100,000 rows (wall, incl. start-up)", rates, "events/s")
    r.met = statistics.median(rates) >= 5000


def bench_import_peak(ctx: Context, r: Result) -> None:
    """Peak RSS of ``hw import`` of 100,000 rows (the same runs as ``import``)."""
    runs = import_runs(ctx)
    r.add("peak RSS: hw import 100,000 rows", runs["peak_mib"], "MiB")
    r.add("floor: peak RSS of the import floor process", runs["floor_mib"], "MiB")
    r.add("events/s of the same imports", runs["events_per_s"], "events/s")
    r.notes.append(
        f"{int(runs['events'][0]):,} events from a {ctx.import_csv.stat().st_size / 2**20:.1f}"
        " MiB CSV; peak RSS of the whole process (os.wait4), the same runs as `import`;"
        " where the memory goes: docs/performance.md"
    )
    peak = statistics.median(runs["peak_mib"])
    r.derived["peak_over_floor_mib"] = peak - statistics.median(runs["floor_mib"])
    r.met = peak <= IMPORT_PEAK_MIB and statistics.median(runs["events_per_s"]) >= 5000


def bench_planner(ctx: Context, r: Result) -> None:
    """Cold process: open + load (snapshots) + plan BIG1000; and the computation alone."""
    load_plan, compute, warm, cpu = [], [], [], []
    version = 0
    for _ in range(ctx.runs):
        out = child("planner", str(ctx.big_home), data.BIG_CLIENT, "15").json()
        load_plan.append(out["load_plan_ms"])
        warm.append(out["load_warm_ms"])
        compute.extend(out["compute_ms"])
        cpu.extend(out["compute_cpu_ms"])
        version = out["version"]
    r.add("open+load+plan, cold process (after imports)", load_plan, "ms")
    r.add("load again, warm process", warm, "ms")
    r.add("build_planner alone", compute, "ms")
    r.add("build_planner alone, CPU time (less noise)", cpu, "ms")
    r.notes.append(f"{data.BIG_CLIENT}: {data.BIG_ASSIGNMENTS} assignments, {version} events")
    r.met = statistics.median(load_plan) <= 50 and statistics.median(compute) <= 10


def bench_rebuild(ctx: Context, r: Result) -> None:
    """``hw readmodel rebuild`` vs reading the same notification log without writing.

    On the 1,000-client home (about 100,000 events): a rate per event, and a
    whole-caseload rebuild three times over would not fit the time budget.
    """
    home = ctx.tui_home
    events = event_count(home)
    floor, rates, rss = [], [], []
    for _ in range(ctx.heavy_runs):
        out = child("readfloor", str(home)).json()
        floor.append(out["events"] / out["seconds"])
    r.add("floor: read+decode the notification log", floor, "events/s")
    require_hw("readmodel", "rebuild")
    for _ in range(ctx.heavy_runs):
        c = checked(hw("readmodel", "rebuild", home=home), "hw readmodel rebuild")
        rates.append(events / c.wall)
        rss.append(c.maxrss_mib)
    r.add("hw readmodel rebuild (wall, incl. start-up)", rates, "events/s")
    r.notes.append(f"{events:,} events, {TUI_CLIENTS:,} clients")
    ctx.peak["hw readmodel rebuild (1,000 clients)"] = rss
    ratio = statistics.median(rates) / statistics.median(floor)
    r.derived["ratio"] = ratio
    r.met = ratio >= 0.3


def bench_tui(ctx: Context, r: Result) -> None:
    """First painted caseload (1,000 clients) vs a bare Textual app's static screen."""
    from benchmarks.tuidriver import find_hw_app_class

    try:
        find_hw_app_class()
    except LookupError as e:
        raise Unavailable(f"`hw tui`: {e}") from None
    bare, hw_ms, bare_idle, hw_idle = [], [], [], []
    rows = 0
    for _ in range(ctx.runs):  # a Textual start-up varies more than a CLI one
        out = child("tui", "bare", str(ctx.tui_home)).json()
        bare.append(out["ms"])
        bare_idle.append(out["idle_ms"])
        out = child("tui", "hw", str(ctx.tui_home)).json()
        hw_ms.append(out["ms"])
        hw_idle.append(out["idle_ms"])
        rows = out["rows"]
    import_only = [
        checked(run_child([PY, "-c", "import textual.app"]), "import textual").wall * 1000
        for _ in range(min(ctx.runs, 5))
    ]
    r.add("hw TUI: launch to first frame with caseload rows", hw_ms, "ms")
    r.add("floor: bare Textual app, launch to first frame", bare, "ms")
    r.add("reference: hw TUI until idle (all rows, application open)", hw_idle, "ms")
    r.add("reference: bare Textual app until idle", bare_idle, "ms")
    r.add('reference: python -c "import textual.app" (issue #4)', import_only, "ms")
    r.notes.append(f"caseload rows once idle: {rows} (the first frame shows a screenful)")
    ratio = statistics.median(hw_ms) / statistics.median(bare)
    r.derived["ratio"] = ratio
    r.met = ratio <= 1.5


def pg_server() -> Any:
    """A throwaway cluster from tests/pgserver.py (not started), or Unavailable."""
    try:
        sys.path.insert(0, str(ROOT))
        from tests.pgserver import PgServer, PgServerError, find_bindir
    except ImportError as e:
        raise Unavailable(f"tests/pgserver.py (the throwaway cluster helper): {e}") from None
    try:
        find_bindir()
        import psycopg  # noqa: F401
    except (PgServerError, ImportError) as e:
        raise Unavailable(str(e)) from None
    # The cluster runs as the `postgres` user when we are root: put it under a
    # folder that user can reach (/tmp may be 0700 here).
    pg_parent = data.DATA_DIR / "pg"
    pg_parent.mkdir(parents=True, exist_ok=True)
    saved_tempdir = tempfile.tempdir
    tempfile.tempdir = str(pg_parent)
    try:
        return PgServer()
    finally:
        tempfile.tempdir = saved_tempdir


def bench_postgres(ctx: Context, r: Result) -> None:
    """8 concurrent writer processes on one PostgreSQL log: events/s and lost events."""
    server = pg_server()
    try:
        server.start()
        r.notes.append(
            "cluster from tests/pgserver.py: fsync=off, loopback TCP (events/s is an upper bound)"
        )
        rates, lost, failed, dupes = [], [], [], []
        for _ in range(ctx.heavy_runs):
            url = server.create_database()
            _prepare_pg(url)
            procs = [
                subprocess.Popen(
                    [
                        PY,
                        "-m",
                        "benchmarks.children",
                        "pgwriter",
                        url,
                        str(w),
                        str(PG_EVENTS_PER_WRITER),
                        str(PG_CLIENTS),
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=ROOT,
                    text=True,
                    env={**os.environ, "HW_BENCH_SCRATCH": str(scratch())},
                )
                for w in range(PG_WRITERS)
            ]
            outs = []
            for p in procs:
                stdout, stderr = p.communicate(timeout=300)
                if p.returncode != 0:
                    tail = (stderr.strip().splitlines() or ["no output"])[-1]
                    msg = f"postgres writer failed (exit {p.returncode}): {tail[:200]}"
                    raise RuntimeError(msg)
                outs.append(json.loads(stdout.strip().splitlines()[-1]))
            acked = sum(o["acked"] for o in outs)
            span = max(o["end"] for o in outs) - min(o["start"] for o in outs)
            counted = child("pgcount", url, str(PG_CLIENTS)).json()
            found = counted["found"]
            missing = sum(max(0, o["acked"] - found.get(str(o["writer"]), 0)) for o in outs)
            rates.append(acked / span)
            lost.append(float(missing))
            failed.append(float(sum(o["failed"] for o in outs)))
            dupes.append(float(counted["duplicates"]))
            server.drop_database(url)
        r.add(f"{PG_WRITERS} writers, {PG_CLIENTS} shared clients", rates, "events/s")
        r.add("lost (acknowledged but not stored)", lost, "events")
        r.add("refused after retries (ConcurrencyError)", failed, "commands")
        r.add("stored twice", dupes, "events")
        r.met = max(lost) == 0 and max(dupes) == 0
    finally:
        server.stop()


def _prepare_pg(url: str) -> None:
    """Create the tables and the shared clients before the writers start."""
    code = (
        "import sys, tempfile\n"
        "from hwcore.bootstrap import open_application\n"
        "app = open_application(database_url=sys.argv[1], home=tempfile.gettempdir())\n"
        f"for i in range({PG_CLIENTS}):\n"
        "    app.register_client(f'P{i:02d}')\n"
        "    app.hold_session(f'P{i:02d}', 1, '2026-01-05')\n"
        "app.close()\n"
    )
    checked(run_child([PY, "-c", code, url]), "preparing the PostgreSQL database")


def write_runs(ctx: Context) -> dict[str, list[float]]:
    """Recording commands on BIG1000 (a copy of the caseload home), each followed by ``hw plan``.

    Per run: the import floor, ``hw missed BIG1000 latest`` at a new weekly
    session, ``hw plan BIG1000``, ``hw assign BIG1000 ...`` at that session,
    ``hw plan BIG1000``; each a fresh process. Run once per harness run:
    ``cli_write`` and ``plan_after_write`` both report it.
    """
    if "writes" in ctx.shared:
        done: dict[str, list[float]] = ctx.shared["writes"]
        return done
    require_hw("missed")
    require_hw("assign")
    home = ctx.write_home
    client = data.BIG_CLIENT
    runs: dict[str, list[float]] = {"floor": [], "missed": [], "assign": [], "plan": []}
    # CPU time of the same processes: a reference (the target is wall time), far
    # less moved by other work on a shared machine.
    runs |= {"floor_cpu": [], "missed_cpu": [], "assign_cpu": []}
    session = data.BIG_ASSIGNMENTS  # the last generated session

    def new_session() -> list[str]:
        nonlocal session
        session += 1
        date = data.BIG_START + dt.timedelta(weeks=session)
        return ["--session", str(session), "--date", date.isoformat()]

    def assign(*where: str, cpu: list[float] | None = None) -> float:
        c = hw(
            "assign",
            client,
            *("--title", f"Benchmark walk {session}", "--format", "behavioral"),
            *("--size", "small", "--framing", "experiment"),
            *("--frequency", "several-weekly", "--doses", "3"),
            *where,
            home=home,
        )
        checked(c, "hw assign")
        if cpu is not None:
            cpu.append(c.cpu * 1000)
        return c.wall * 1000

    def plan() -> float:
        return checked(hw("plan", client, home=home), "hw plan").wall * 1000

    # Warm-up (page cache; the planner cache filled): an assignment to miss next.
    plan()
    assign(*new_session())
    plan()
    for _ in range(ctx.runs):
        floor = floor_child()
        runs["floor"].append(floor.wall * 1000)
        runs["floor_cpu"].append(floor.cpu * 1000)
        missed = hw(
            "missed",
            client,
            "latest",
            *("--explanation", "invented explanation", "--reason", "forgotten"),
            *new_session(),
            home=home,
        )
        runs["missed"].append(checked(missed, "hw missed").wall * 1000)
        runs["missed_cpu"].append(missed.cpu * 1000)
        runs["plan"].append(plan())
        runs["assign"].append(assign("--session", str(session), cpu=runs["assign_cpu"]))
        runs["plan"].append(plan())
    ctx.shared["writes"] = runs
    return runs


def bench_plan_after_write(ctx: Context, r: Result) -> None:
    """``hw plan BIG1000`` right after a recording command on BIG1000, vs the import floor."""
    runs = write_runs(ctx)
    r.add("hw plan BIG1000 after hw missed or hw assign", runs["plan"], "ms")
    r.add("floor: python -c import eventsourcing+click", runs["floor"], "ms")
    r.notes.append(
        f"{data.BIG_CLIENT} on a scratch copy of the caseload home; one plan after each"
        " write of `cli_write` (the write has just replaced the cached planner)"
    )
    ratio = statistics.median(runs["plan"]) / statistics.median(runs["floor"])
    r.derived["ratio"] = ratio
    r.met = ratio <= 1.5


def bench_cli_write(ctx: Context, r: Result) -> None:
    """One recording command (``hw missed``, then ``hw assign``) on BIG1000, vs the import floor."""
    runs = write_runs(ctx)
    # Wall time (the target), then the CPU time of the same processes (a reference).
    wall = (
        "hw missed BIG1000 latest (new session)",
        "hw assign BIG1000 (same session)",
        "floor: python -c import eventsourcing+click",
    )
    cpu = tuple(f"reference: CPU time of {who}" for who in ("hw missed", "hw assign", "the floor"))
    for suffix, ratio, labels in (("", "ratio", wall), ("_cpu", "cpu_ratio", cpu)):
        for key, label in zip(("missed", "assign", "floor"), labels, strict=True):
            r.add(label, runs[key + suffix], "ms")
        floor = statistics.median(runs["floor" + suffix])
        for key in ("missed", "assign"):
            r.derived[f"{ratio}_{key}"] = statistics.median(runs[key + suffix]) / floor
    r.notes.append("met when each command's ratio is within the target")
    r.notes.append("the CPU-time rows and cpu_ratio_* are a reference: the target is wall time")
    r.met = max(r.derived["ratio_missed"], r.derived["ratio_assign"]) <= 2.5


def percentile(values: Sequence[float], p: int) -> float:
    """The p-th percentile (inclusive method: p50 is the median)."""
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def bench_keystroke(ctx: Context, r: Result) -> None:
    """Key press in the next-assignment form to the repainted fit feedback (BIG1000)."""
    from benchmarks.tuidriver import find_hw_app_class

    try:
        find_hw_app_class()
    except LookupError as e:
        raise Unavailable(f"`hw tui`: {e}") from None
    n = str(KEYSTROKES)
    hw50, hw95, bare50, bare95 = [], [], [], []
    for _ in range(ctx.heavy_runs):
        bare = child("keys", "bare", "-", data.BIG_CLIENT, n).json()["ms"]
        bare50.append(percentile(bare, 50))
        bare95.append(percentile(bare, 95))
        keys = child("keys", "hw", str(ctx.big_home), data.BIG_CLIENT, n).json()["ms"]
        hw50.append(percentile(keys, 50))
        hw95.append(percentile(keys, 95))
    r.add(f"hw TUI: p95 over {n} keys (format choice -> fit)", hw95, "ms")
    r.add(f"hw TUI: p50 over {n} keys", hw50, "ms")
    r.add("floor: bare Textual app, p95 (key -> repaint)", bare95, "ms")
    r.add("floor: bare Textual app, p50", bare50, "ms")
    r.notes.append(
        f"{data.BIG_CLIENT}'s wrap-up, headless at 120x40 (Textual's pilot); one process per"
        f" run, {n} keys after 3 warm-up keys; the time from the key sent to the first frame"
        " displayed with the new value's fit"
    )
    r.derived["p95_ratio"] = statistics.median(hw95) / statistics.median(bare95)
    r.met = statistics.median(hw95) <= 50


def bench_caseload_50k(ctx: Context, r: Result) -> None:
    """``hw caseload`` on 50,000 clients vs the import floor."""
    require_hw("caseload")
    home = ctx.large_home
    first = checked(hw("caseload", home=home), "hw caseload")  # warm-up (page cache)
    r.notes.append(f"first (warm-up) run: {first.wall * 1000:.0f} ms")
    times, rss, floor = [], [], []
    for _ in range(ctx.runs):
        floor.append(floor_child().wall * 1000)
        c = checked(hw("caseload", home=home), "hw caseload")
        times.append(c.wall * 1000)
        rss.append(c.maxrss_mib)
    r.add(f"hw caseload ({LARGE_CLIENTS:,} clients)", times, "ms")
    r.add("floor: python -c import eventsourcing+click", floor, "ms")
    info = data.home_info(home)
    r.notes.append(
        f"{info['clients']:,} clients, {info['events']:,} events"
        f" ({LARGE_ROWS_PER_CLIENT} assignments per client)"
    )
    ctx.peak[f"hw caseload ({LARGE_CLIENTS:,} clients)"] = rss
    ratio = statistics.median(times) / statistics.median(floor)
    r.derived["ratio"] = ratio
    r.met = ratio <= 2.0


def bench_postgres_append(ctx: Context, r: Result) -> None:
    """One event per command on PostgreSQL: hw vs bare eventsourcing, same server, same run."""
    server = pg_server()
    try:
        server.start()
        env = {"HW_BENCH_SCRATCH": str(scratch())}
        samples: dict[str, list[float]] = {"hw": [], "eventsourcing": []}
        for _ in range(max(3, ctx.runs - 2)):
            for variant, values in samples.items():
                url = server.create_database()
                try:
                    out = child("pgappend", variant, url, "400", env=env).json()
                finally:
                    server.drop_database(url)
                values.append(out["events_per_s"])
        r.add("hw (hwcore.application, note_change)", samples["hw"], "events/s")
        r.add("bare eventsourcing (get+trigger+save)", samples["eventsourcing"], "events/s")
        r.notes.append(
            "cluster from tests/pgserver.py (fsync=off, loopback TCP); 400 commands over"
            " 10 clients, a fresh database per run; hw with its read model in a scratch home"
        )
        ratio = statistics.median(samples["hw"]) / statistics.median(samples["eventsourcing"])
        r.derived["hw_vs_eventsourcing"] = ratio
        r.met = ratio >= 0.8
    finally:
        server.stop()


def bench_peak(ctx: Context, r: Result) -> None:
    """Peak RSS of the caseload and rebuild processes measured above."""
    if not ctx.peak:
        msg = "`hw caseload` and `hw readmodel rebuild` have not run (see their rows)"
        raise Unavailable(msg)
    for name, values in ctx.peak.items():
        r.add(f"peak RSS: {name}", values, "MiB")
    r.met = None


BENCHMARKS: dict[str, tuple[str, Callable[[Context, Result], None]]] = {
    "cli_plan": ("ratio <= 1.5", bench_cli_plan),
    "planner_1000": ("load+plan <= 50 ms; compute <= 10 ms", bench_planner),
    "append": ("hw >= 0.8 x bare eventsourcing", bench_append),
    "import": (">= 5,000 events/s", bench_import),
    "rebuild": (">= 0.3 x the read floor", bench_rebuild),
    "cli_caseload": ("ratio <= 2.0", bench_cli_caseload),
    "tui_first_paint": ("ratio <= 1.5", bench_tui),
    "postgres_writers": ("lost = 0", bench_postgres),
    "plan_after_write": ("ratio <= 1.5", bench_plan_after_write),
    "cli_write": ("ratio <= 2.5 (each command)", bench_cli_write),
    "import_peak_mib": (
        f"<= {IMPORT_PEAK_MIB} MiB, and >= 5,000 events/s",
        bench_import_peak,
    ),
    "tui_keystroke_latency": ("p95 <= 50 ms", bench_keystroke),
    "caseload_50k": ("ratio <= 2.0", bench_caseload_50k),
    "postgres_append": ("hw >= 0.8 x bare eventsourcing", bench_postgres_append),
    "peak_mib": ("printed", bench_peak),
}

NEEDS: dict[str, tuple[str, ...]] = {
    "cli_plan": ("big_home",),
    "planner_1000": ("big_home",),
    "import": ("import_csv",),
    "rebuild": ("tui_home",),
    "cli_caseload": ("big_home",),
    "tui_first_paint": ("tui_home",),
    "plan_after_write": ("big_home",),
    "cli_write": ("big_home",),
    "import_peak_mib": ("import_csv",),
    "tui_keystroke_latency": ("big_home",),
    "caseload_50k": ("large_home",),
}
"""The generated data each key needs (prepared before the first key runs)."""


# ------------------------------------------------------------------ environment


def environment() -> dict[str, Any]:
    """CPU count, Python, SQLite, PostgreSQL and library versions."""
    env: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "machine": platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    for dist in ("eventsourcing", "click", "textual", "sqlite-utils", "psycopg", "hw-planner"):
        try:
            env[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            env[dist] = None
    postgres = shutil.which("postgres")
    env["postgresql"] = None
    if postgres:
        out = subprocess.run([postgres, "--version"], capture_output=True, text=True, check=False)
        env["postgresql"] = out.stdout.strip() or None
    try:
        env["load_average"] = os.getloadavg()
    except OSError:
        env["load_average"] = None
    return env


# ------------------------------------------------------------------- output


def fmt(value: float) -> str:
    """A number for the table."""
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


KEY_WIDTH = max(len(k) for k in BENCHMARKS)


def table(results: Sequence[Result]) -> str:
    """The results as a fixed-width table."""
    head = f"{'key':<{KEY_WIDTH}} {'figure':<47} {'median':>10} {'min':>10} {'max':>10}  unit"
    lines = [head, "-" * len(head)]
    for r in results:
        verdict = {True: "MET", False: "MISSED", None: ""}[r.met]
        if r.status != "ok":
            lines.append(f"{r.key:<{KEY_WIDTH}} {r.reason}")
            continue
        first = True
        for f in r.figures:
            d = f.as_dict()
            label = r.key if first else ""
            lines.append(
                f"{label:<{KEY_WIDTH}} {f.name[:47]:<47} {fmt(d['median']):>10} {fmt(d['min']):>10}"
                f" {fmt(d['max']):>10}  {f.unit}"
            )
            first = False
        for name, value in r.derived.items():
            lines.append(f"{'':<{KEY_WIDTH}} {name:<47} {fmt(value):>10}")
        lines.append(f"{'':<{KEY_WIDTH}} target: {r.target} -> {verdict or 'n/a'}")
        lines.extend(f"{'':<{KEY_WIDTH}} note: {n}" for n in r.notes)
    return "\n".join(lines)


def markdown_table(report: dict[str, Any]) -> str:
    """A results.json report as a Markdown table (for docs/performance.md)."""
    lines = [
        "| key | figure | median | min | max | unit | target | met |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for key, r in report["results"].items():
        verdict = {True: "yes", False: "**no**", None: ""}[r["met"]]
        if r["status"] != "ok":
            lines.append(f"| `{key}` | {r['reason']} | | | | | {r['target']} | {r['status']} |")
            continue
        for i, (name, f) in enumerate(r["figures"].items()):
            first = i == 0
            lines.append(
                f"| {'`' + key + '`' if first else ''} | {name} | {fmt(f['median'])}"
                f" | {fmt(f['min'])} | {fmt(f['max'])} | {f['unit']}"
                f" | {r['target'] if first else ''} | {verdict if first else ''} |"
            )
        for name, value in r["derived"].items():
            lines.append(f"| | {name} | {fmt(value)} | | | | | |")
    env = report["environment"]
    lines.append("")
    lines.append(
        f"Measured {report['generated_at']}: {env['cpu_count']} CPUs, Python {env['python']},"
        f" SQLite {env['sqlite']}, {env['postgresql'] or 'no PostgreSQL'},"
        f" eventsourcing {env['eventsourcing']}, Textual {env['textual']};"
        f" load average at start {', '.join(f'{x:.1f}' for x in report['load_average_at_start'])};"
        f" whole run {report['total_seconds']:.0f} s."
    )
    return "\n".join(lines)


# --------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print the table, write results.json."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--only", default="", help="comma-separated keys to run")
    parser.add_argument("--runs", type=int, default=7, help="runs of the light benchmarks")
    parser.add_argument("--heavy-runs", type=int, default=3, help="runs of the heavy ones")
    parser.add_argument("--quick", action="store_true", help="3 light runs, 1 heavy run")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--markdown", action="store_true", help="print results.json as Markdown and exit"
    )
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown_table(json.loads(args.output.read_text(encoding="utf-8"))))
        return 0
    if args.quick:
        args.runs, args.heavy_runs = 3, 1
    keys = [k.strip() for k in args.only.split(",") if k.strip()] or list(BENCHMARKS)
    unknown = [k for k in keys if k not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown key(s) {', '.join(unknown)}: allowed are {', '.join(BENCHMARKS)}")
    started = time.perf_counter()
    load_before = os.getloadavg()
    # Byte-compile hw as an installed wheel would be: with PYTHONDONTWRITEBYTECODE
    # set, every `hw` start would otherwise recompile hwcore from source.
    subprocess.run(
        [PY, "-m", "compileall", "-q", str(ROOT / "src"), str(ROOT / "benchmarks")],
        check=False,
        capture_output=True,
    )
    print(f"hw benchmarks: {len(keys)} keys, {args.runs} light / {args.heavy_runs} heavy runs")
    print("preparing generated data (cached in benchmarks/.data/) ...", flush=True)
    t0 = time.perf_counter()
    ctx = Context(runs=args.runs, heavy_runs=args.heavy_runs)
    for need in dict.fromkeys(n for key in keys for n in NEEDS.get(key, ())):
        try:
            getattr(ctx, need)
        except Exception as e:  # the key's row will say what is missing
            print(f"  {need} not prepared: {type(e).__name__}: {e}")
    prepare_s = time.perf_counter() - t0
    results: list[Result] = []
    for key in keys:
        target, func = BENCHMARKS[key]
        r = Result(key, target)
        print(f"  {key} ...", end="", flush=True)
        t = time.perf_counter()
        try:
            func(ctx, r)
        except Unavailable as e:
            r.status, r.reason = "unavailable", f"not available yet: {e}"
            r.figures, r.met = [], None
        except Exception as e:  # a broken benchmark must not hide the others
            r.status, r.reason, r.met = "error", f"error: {type(e).__name__}: {e}", None
        r.seconds = time.perf_counter() - t
        print(f" {r.seconds:.1f} s {r.status}", flush=True)
        results.append(r)
    shutil.rmtree(data.DATA_DIR / "scratch", ignore_errors=True)
    total = time.perf_counter() - started
    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "environment": environment(),
        "data": {
            "generator_version": data.GENERATOR_VERSION,
            **{
                f"{name}": data.home_info(getattr(ctx, attribute))
                for name, attribute in (
                    ("caseload_home", "big_home"),
                    ("tui_home", "tui_home"),
                    ("caseload_50k_home", "large_home"),
                )
                if attribute in vars(ctx)  # prepared in this run
            },
            "import_rows": IMPORT_ROWS,
            "prepare_seconds": round(prepare_s, 1),
        },
        "runs": {"light": args.runs, "heavy": args.heavy_runs},
        "load_average_at_start": load_before,
        "total_seconds": round(total, 1),
        "results": {r.key: r.as_dict() for r in results},
    }
    for entry in report["results"].values():
        # A partial run (--only) keeps the other keys' figures: say when each was measured.
        entry["measured_at"] = report["generated_at"]
    if args.only and args.output.exists():
        # A partial run updates its keys and keeps the others' last figures.
        previous = json.loads(args.output.read_text(encoding="utf-8")).get("results", {})
        report["results"] = {**previous, **report["results"]}
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(results))
    missed = [r.key for r in results if r.met is False]
    other = [r.key for r in results if r.status != "ok"]
    print()
    print(f"total {total:.0f} s (data preparation {prepare_s:.0f} s); results: {args.output}")
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    if other:
        print(f"not measured: {', '.join(other)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
