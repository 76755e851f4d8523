"""The benchmark data generator (benchmarks/data.py): deterministic, invented, dated in the past."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from benchmarks import data


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_big1000_sessions_end_before_the_generation_date() -> None:
    text, count = next(data.caseload_chunks(0, "C", seed=11, big=True))
    big = rows(text)
    assert count == len(big) == data.BIG_ASSIGNMENTS
    assert {r["client"] for r in big} == {data.BIG_CLIENT}
    dates = [dt.date.fromisoformat(r["date"]) for r in big]
    assert dates == sorted(dates)
    assert max(dates) == data.GENERATED_ON - dt.timedelta(weeks=1)


def test_rows_per_client_sets_each_clients_history() -> None:
    chunks = list(data.caseload_chunks(300, "C", seed=11, big=False, rows_per_client=6))
    assert [count for _, count in chunks] == [250 * 6, 50 * 6]
    first = rows(chunks[0][0])
    assert len({r["client"] for r in first}) == 250
    assert all(r["client"].startswith("C") for r in first)


def test_the_same_seed_gives_the_same_rows() -> None:
    a = list(data.client_rows(random.Random(3), "C00001", 10))
    b = list(data.client_rows(random.Random(3), "C00001", 10))
    assert a == b
    assert [int(r[1]) for r in a] == list(range(1, 11))
