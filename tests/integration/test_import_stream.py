"""A large CSV import is planned and written a chunk of clients at a time, in one transaction.

More clients than one chunk (``CHUNK_CLIENTS``), on both backends: a bad row
in the last chunk writes nothing, even though earlier chunks' events were
already handed to the store; a second import loads the existing clients of
later chunks while the write transaction is open; the report is summed over
the chunks; the text is split into lines as ``io.StringIO(newline="")`` does.
"""

from __future__ import annotations

import csv
import io

import pytest

from hwcore.application import HwApplication, ImportFileError
from hwcore.application.exchange.csvfile import csv_lines
from hwcore.application.exchange.csvimport import CHUNK_CLIENTS

HEADER = "client,session,date,assignment,format,size,framing,outcome"
CLIENTS = 2 * CHUNK_CLIENTS + 10  # three chunks


def _rows(clients: int, sessions: int) -> list[str]:
    rows = []
    for c in range(clients):
        for s in range(1, sessions + 1):
            outcome = "completed" if (c + s) % 3 else "missed"
            rows.append(f"S{c:04d},{s},2026-01-{s * 7 - 2:02d},task {s},written,small,f,{outcome}")
    return rows


def _csv(rows: list[str]) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def test_a_bad_row_in_the_last_chunk_writes_nothing(app: HwApplication) -> None:
    rows = _rows(CLIENTS, 2)
    rows.append(f"S{CLIENTS - 1:04d},3,2026-01-19,bad,written,huge,f,completed")
    with pytest.raises(ImportFileError, match=f"row {len(rows) + 1}: .*size"):
        app.exchange.import_csv_text(_csv(rows))
    assert app.client_names() == []
    assert app.caseload() == []
    assert app.recorder.max_notification_id() in (None, 0)


def test_a_second_import_extends_clients_of_every_chunk(app: HwApplication) -> None:
    first = app.exchange.import_csv_text(_csv(_rows(CLIENTS, 2)))
    assert (first.rows, first.clients, first.new_clients) == (2 * CLIENTS, CLIENTS, CLIENTS)
    assert (first.assignments_added, first.outcomes_added) == (2 * CLIENTS, 2 * CLIENTS)
    # 2 sessions, an inferred third, 2 assignments and 2 outcomes, and the registration
    assert first.events_written == CLIENTS * 8
    again = app.exchange.import_csv_text(_csv(_rows(CLIENTS, 3)))
    assert (again.new_clients, again.unchanged_rows, again.assignments_added) == (
        0,
        2 * CLIENTS,
        CLIENTS,
    )
    assert again.outcomes_added == CLIENTS
    caseload = {e.client: e for e in app.caseload()}
    assert len(caseload) == CLIENTS
    last = caseload[f"S{CLIENTS - 1:04d}"]
    assert (last.sessions, last.assignments, last.pending) == (4, 3, 0)
    assert app.exchange.import_csv_text(_csv(_rows(CLIENTS, 3))).events_written == 0


@pytest.mark.parametrize(
    "text",
    [
        "a,b\r\nc,d\r\n",
        "a,b\nc,d",
        'a,"x\r\ny"\rz,w\r',
        'a,"q\u2028r"\n\u2028,b\n',
        "",
        "\n\n",
        'x,"a\nb","c\r\nd"\r\ne,f',
    ],
)
def test_lines_split_as_a_csv_file_opened_with_newline_empty(text: str) -> None:
    assert "".join(csv_lines(text)) == text
    assert list(csv.reader(csv_lines(text))) == list(csv.reader(io.StringIO(text, newline="")))
