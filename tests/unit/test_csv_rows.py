"""The rows of a history CSV keep what repeats once (``import_peak_mib``)."""

from __future__ import annotations

from hwcore.application.exchange.csvfile import parse_csv

HEADER = "client,session,date,assignment,format,size,framing,outcome\n"


def test_repeated_values_are_one_object_and_equal_to_the_text() -> None:
    text = HEADER + "".join(
        f"{client},{n},2026-01-0{n},walk {n},written,small,Experiment,completed\n"
        for client in ("AB", "CD")
        for n in (1, 2, 3)
    )
    rows = parse_csv(text)
    assert [r.client for r in rows] == ["AB"] * 3 + ["CD"] * 3
    assert rows[0].client is rows[2].client
    assert rows[0].design.framing is rows[5].design.framing == "Experiment"
    assert rows[0].date is rows[3].date  # the same session date: one date object
    assert rows[0].design.title == "walk 1"
