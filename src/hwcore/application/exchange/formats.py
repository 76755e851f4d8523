"""``hw export --format``: one client's or every client's records as text.

``json`` is hw's lossless export (:mod:`.jsonfile`, what ``hw import`` reads
back exactly), ``csv`` the history CSV of spec section 5 (:mod:`.csvexport`,
the import format: assignments and outcomes) and ``fhir`` a FHIR R4 Bundle
(:mod:`.fhir`, for a health record). Nothing here writes a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from hwcore.application.exchange.port import ExchangeStore
from hwcore.domain import Case, ClientNotFoundError, InvalidValueError, validate_client
from hwcore.textsafe import json_text
from hwcore.valueclass import Value

EXPORT_FORMATS = ("json", "csv", "fhir")
"""The formats of :func:`export_text`, the lossless one first."""


@attrs.frozen(repr=False, eq=False)
class ExportText(Value):
    """An export as text, with how many clients it holds."""

    format: str
    clients: int
    text: str


def _cases(store: ExchangeStore, names: list[str]) -> Iterator[Case]:
    for name in names:
        case, new = store.load_or_new(name)
        if new:
            raise ClientNotFoundError(name)
        yield case


def _authors(store: ExchangeStore) -> Callable[[Case], dict[int, str | None]]:
    """Who recorded each of a case's assignments, from its stored events."""
    from hwcore.application.exchange.csvexport import assignment_authors

    return lambda case: assignment_authors(store.stored_events(case.client))


def export_text(
    store: ExchangeStore,
    client: str | None = None,
    fmt: str = "json",
    progress: Callable[[int, int], None] | None = None,
) -> ExportText:
    """One client's (or, with None, every client's) export in ``fmt``.

    ``progress`` is called after each client with (clients done, all clients).

    Raises:
        InvalidValueError: ``fmt`` is not one of :data:`EXPORT_FORMATS`.
        ClientNotFoundError: ``client`` is not in the store.
    """
    if fmt not in EXPORT_FORMATS:
        shown = fmt if len(fmt) <= 10 and fmt.isprintable() else "the given value"
        raise InvalidValueError("format", shown, list(EXPORT_FORMATS))
    names = [validate_client(client)] if client else store.client_names()
    if fmt == "json":
        from hwcore.application.exchange.jsonfile import export_document

        document = export_document(store, client, progress)
        text = json_text(document) + "\n"
    elif fmt == "csv":
        from hwcore.application.exchange.csvexport import export_csv

        text = export_csv(_cases(store, names), len(names), progress, _authors(store))
    else:
        from hwcore.application.exchange.fhir import bundle

        data = bundle(_cases(store, names), len(names), progress, authors=_authors(store))
        text = json_text(data) + "\n"
    return ExportText(format=fmt, clients=len(names), text=text)
