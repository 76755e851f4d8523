"""Generated, invented benchmark data: history CSVs and cached hw homes.

Everything is deterministic (seeded) and invented: clients are codes like
``C00042``. Homes are built through :meth:`Exchange.import_csv_text` (``hw.exchange``) in
chunks (one transaction per chunk) and cached under ``benchmarks/.data/``,
keyed by :data:`GENERATOR_VERSION`, so re-runs reuse them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

GENERATOR_VERSION = 4
"""Bump when the generated data changes: cached homes are rebuilt."""

DATA_DIR = Path(__file__).resolve().parent / ".data"
BIG_CLIENT = "BIG1000"
"""The client with 1,000 assignments (one per session)."""
BIG_ASSIGNMENTS = 1000
ROWS_PER_CLIENT = 33
"""About 100 events per client: a session, an assignment and an outcome per row."""
CHUNK_CLIENTS = 250
"""Clients imported per transaction while building a home."""

HEADER = [
    "client",
    "session",
    "date",
    "assignment",
    "format",
    "size",
    "framing",
    "frequency",
    "outcome",
    "done",
    "planned",
    "explanation",
    "reasons",
]
FORMATS = ["written", "behavioral", "observational", "visual", "conversational"]
SIZES = ["tiny", "small", "medium", "large"]
FREQUENCIES = ["once", "weekly", "several-weekly", "daily"]
FRAMINGS = ["experiment", "practice", "curiosity", "values", "choice", "challenge"]
REASONS = ["forgotten", "too-complex", "wrong-timing", "practical-obstacle", "framing-pressure"]
TITLES = ["Thought log", "Walk", "Breathing", "Letter", "Notice urges", "Call a friend", "Drawing"]
START = dt.date(2020, 1, 6)
GENERATED_ON = dt.date(2026, 3, 2)
"""The application's "today" while a home is generated."""
BIG_START = GENERATED_ON - dt.timedelta(weeks=BIG_ASSIGNMENTS + 1)
"""BIG1000's sessions are weekly up to a week before GENERATED_ON (version 3 ran
them 19 years into the future, so a wrap-up today was out of order)."""


def client_rows(
    rng: random.Random, client: str, count: int, start: dt.date = START
) -> Iterator[list[str]]:
    """``count`` CSV rows for one invented client: one assignment per weekly session."""
    skill = rng.random()
    for n in range(1, count + 1):
        fmt = rng.choice(FORMATS)
        size = rng.choice(SIZES)
        bias = 0.2 * (FORMATS.index(fmt) % 2) - 0.1 * SIZES.index(size)
        p = skill + bias
        if n == count and rng.random() < 0.5:
            outcome = "pending"
        else:
            r = rng.random()
            outcome = "completed" if r < p else "partial" if r < p + 0.15 else "missed"
        done = planned = explanation = reasons = ""
        if outcome == "partial":
            planned_n = rng.randint(2, 7)
            done, planned = str(rng.randint(0, planned_n - 1)), str(planned_n)
        elif outcome == "missed":
            explanation = "invented explanation"
            reasons = ";".join(rng.sample(REASONS, rng.randint(0, 2)))
        yield [
            client,
            str(n),
            (start + dt.timedelta(days=7 * n)).isoformat(),
            f"{rng.choice(TITLES)} {n}",
            fmt,
            size,
            rng.choice(FRAMINGS),
            rng.choice(FREQUENCIES),
            outcome,
            done,
            planned,
            explanation,
            reasons,
        ]


def csv_text(rows: Iterator[list[str]]) -> str:
    """CSV text (with the header) of some rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def caseload_chunks(
    clients: int, prefix: str, seed: int, *, big: bool, rows_per_client: int = ROWS_PER_CLIENT
) -> Iterator[tuple[str, int]]:
    """CSV chunks (text, row count) for a caseload, CHUNK_CLIENTS clients each."""
    rng = random.Random(seed)
    if big:
        rows = list(client_rows(rng, BIG_CLIENT, BIG_ASSIGNMENTS, BIG_START))
        yield csv_text(iter(rows)), len(rows)
    for start in range(0, clients, CHUNK_CLIENTS):
        rows = []
        for i in range(start, min(clients, start + CHUNK_CLIENTS)):
            rows.extend(client_rows(rng, f"{prefix}{i:05d}", rows_per_client))
        yield csv_text(iter(rows)), len(rows)


def import_csv(rows: int, seed: int = 7) -> Path:
    """A cached history CSV of about ``rows`` rows (new clients, prefix 'I')."""
    path = DATA_DIR / f"import-v{GENERATOR_VERSION}-{rows}.csv"
    if path.exists():
        return path
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out: list[list[str]] = []
    i = 0
    while len(out) < rows:
        out.extend(client_rows(rng, f"I{i:05d}", min(ROWS_PER_CLIENT, rows - len(out))))
        i += 1
    tmp = path.with_suffix(".tmp")
    tmp.write_text(csv_text(iter(out)), encoding="utf-8")
    tmp.replace(path)
    return path


def home(
    name: str,
    clients: int,
    *,
    big: bool,
    rows_per_client: int = ROWS_PER_CLIENT,
    log: bool = True,
) -> Path:
    """A cached hw home with ``clients`` invented clients (and BIG1000 if ``big``).

    Each client has ``rows_per_client`` weekly assignments (about three events each).
    """
    path = DATA_DIR / f"{name}-v{GENERATOR_VERSION}"
    marker = path / "bench-complete.json"
    if marker.exists():
        return path
    for stale in DATA_DIR.glob(f"{name}-v*"):  # homes of older generator versions
        if stale != path and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    if path.exists():
        shutil.rmtree(path)
    from hwcore.application import HwApplication
    from hwcore.config import ensure_private_home, resolve_settings

    t0 = time.perf_counter()
    events = rows_total = 0
    # The event store only (no read model attached): generating stays fast, and
    # the read model is built by the first catch-up (or `hw readmodel rebuild`).
    settings = resolve_settings(path, environ={})
    ensure_private_home(settings)
    app = HwApplication(settings.event_store_env(), today=lambda: GENERATED_ON)
    try:
        chunks = caseload_chunks(clients, "C", seed=11, big=big, rows_per_client=rows_per_client)
        for text, count in chunks:
            report = app.exchange.import_csv_text(text, source="generated")
            events += report.events_written
            rows_total += count
    finally:
        app.close()
    took = time.perf_counter() - t0
    info = {
        "generator_version": GENERATOR_VERSION,
        "clients": clients + int(big),
        "rows_per_client": rows_per_client,
        "rows": rows_total,
        "events": events,
        "seconds": round(took, 1),
    }
    marker.write_text(json.dumps(info, indent=2), encoding="utf-8")
    if log:
        print(
            f"  generated {name}: {info['clients']} clients, {events} events"
            f" in {took:.1f} s ({events / took:,.0f} events/s)",
            flush=True,
        )
    return path


def with_readmodel(path: Path, *, log: bool = True) -> Path:
    """Catch a generated home's read model up once (cached: marker file)."""
    marker = path / "bench-readmodel.json"
    if marker.exists():
        return path
    from hwcore.bootstrap import open_application

    t0 = time.perf_counter()
    app = open_application(path)
    try:
        app.refresh_readmodel()
    finally:
        app.close()
    took = time.perf_counter() - t0
    marker.write_text(json.dumps({"seconds": round(took, 1)}), encoding="utf-8")
    if log:
        print(f"  caught up the read model of {path.name} in {took:.1f} s", flush=True)
    return path


def home_info(path: Path) -> dict[str, int]:
    """What a generated home holds (clients, rows, events)."""
    data: dict[str, int] = json.loads((path / "bench-complete.json").read_text("utf-8"))
    return data
