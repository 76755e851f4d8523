"""The exchange as a service of the application: import and export, by composition.

:class:`Exchange` holds what ``hw import`` and ``hw export`` do: a history CSV
or an hw JSON export in (all or nothing, idempotent, every value through the
domain's guards), JSON, CSV or FHIR out. The application gives it its store
through the :class:`ExchangeHost` protocol and its save step as a callable, so
this module never imports ``app.py`` (``hw.exchange`` is how it is reached).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import IntegrityError

from hwcore.application.eventstore.retries import MAX_ATTEMPTS, backoff
from hwcore.application.exchange.port import ExchangeStore
from hwcore.domain import Case, ConcurrencyError

if TYPE_CHECKING:
    import datetime as dt

    from hwcore.application.access import AccessLog
    from hwcore.application.exchange.formats import ExportText
    from hwcore.application.records import ImportReport
    from hwcore.readmodel import Progress

StageProgress = Callable[[str], "Progress"]
"""Given a stage's label ("Checking rows"...), that stage's (done, total) callback."""

Save = Callable[..., None]
"""The application's save step: ``save(*cases_or_events, progress=...)``, one transaction,
then the read model's catch-up."""

_RACED = "the store was changed by another writer during the import: try again"


class ExchangeHost(ExchangeStore, Protocol):
    """The application as the exchange service sees it."""

    def check_integrity(self) -> None:
        """Refuse a damaged store before a bulk write."""

    def record_stream(self, events: Iterable[DomainEventProtocol[UUID]]) -> int:
        """Record a long stream of new case events in one transaction; how many."""

    def today(self) -> dt.date:
        """Today by the application's clock."""

    @property
    def access(self) -> AccessLog:
        """The access log (an export is logged, one entry per client)."""


class Exchange:
    """Import and export of one application's store (``hw.exchange``).

    Args:
        host: the application (its store, integrity check and clock).
        save: the application's save step (one transaction, then the read model).
    """

    def __init__(self, host: ExchangeHost, save: Save) -> None:
        self._host = host
        self._save = save

    def import_file(self, path: str | Path, progress: StageProgress | None = None) -> ImportReport:
        """Import a history CSV (spec section 5) or an hw JSON export.

        All or nothing: the first bad row stops the import with its row number
        and nothing from the file is written. Idempotent: importing the same
        file again changes nothing. Every row or event passes the same domain
        guards as a command.

        Args:
            path: the file; ``.json`` is read as an hw export, anything else as CSV.
            progress: as for :meth:`import_text`.

        Returns:
            What was imported.
        """
        from hwcore.application.exchange.csvfile import read_text

        file = Path(path)
        text = read_text(file)
        if file.suffix.lower() == ".json":
            self._host.check_integrity()
            return self.import_export(text, source=file.name, progress=progress)
        return self.import_text(text, source=file.name, progress=progress)

    def import_text(
        self, text: str, source: str = "stdin", progress: StageProgress | None = None
    ) -> ImportReport:
        """Import history CSV or an hw JSON export given as text (``hw import -``).

        Args:
            text: the document; JSON when it starts with ``{``, else CSV.
            source: the name errors and the report use for it.
            progress: given a stage's label, returns that stage's (done, total)
                callback ("Checking rows", "Writing events", "Updating the read
                model"); None for none.

        Returns:
            What was imported (all or nothing, idempotent: see :meth:`import_file`).
        """
        self._host.check_integrity()
        if text.lstrip().startswith("{"):
            return self.import_export(text, source=source, progress=progress)
        return self.import_csv_text(text, source=source, progress=progress)

    def import_csv_text(
        self, text: str, source: str = "csv", progress: StageProgress | None = None
    ) -> ImportReport:
        """Import history CSV text (see :meth:`import_file` and :meth:`import_text`)."""
        from hwcore.application.exchange.csvfile import parse_csv
        from hwcore.application.exchange.csvimport import CsvImportStream, group_by_client

        stream = CsvImportStream(self._host, group_by_client(parse_csv(text, source)), source)
        for attempt in range(MAX_ATTEMPTS):
            try:  # one transaction, planned and written a chunk of clients at a time
                self._host.record_stream(stream.events(progress and progress("Checking rows")))
            except IntegrityError:
                backoff(attempt)
                continue
            self._save(progress=progress)  # nothing left to store; the read model catches up
            return stream.report()
        raise ConcurrencyError(_RACED)

    def import_export(
        self, text: str, source: str = "export", progress: StageProgress | None = None
    ) -> ImportReport:
        """Import an hw JSON export: new clients are written, identical ones skipped.

        A client already in the store is extended when its stored events are
        the start of the exported ones, left as it is when the store is ahead
        of the file, and refused when they differ. Each new event must be what
        its domain command records (see :mod:`hwcore.application.exchange.jsonfile`).
        ``progress`` as for :meth:`import_text`.
        """
        from hwcore.application.exchange.jsonfile import plan_json_import

        events, report = plan_json_import(self._host, text, source)
        if events:
            items: list[Case | Aggregate.Event] = list(events)
            try:
                self._save(*items, progress=progress)
            except IntegrityError:
                raise ConcurrencyError(_RACED) from None
        return report

    def export_data(
        self, client: str | None = None, progress: Progress | None = None
    ) -> dict[str, Any]:
        """A lossless JSON-ready dump of one client's (None: every client's) events.

        ``progress`` is called after each client with (clients done, all clients).
        """
        from hwcore.application.exchange.jsonfile import export_document

        document = export_document(self._host, client, progress)
        self._logged(client, "json")
        return document

    def export_text(
        self, client: str | None = None, fmt: str = "json", progress: Progress | None = None
    ) -> ExportText:
        """The export as text in ``fmt``: json (lossless), csv (the import format) or fhir (R4)."""
        from hwcore.application.exchange.formats import export_text

        text = export_text(self._host, client, fmt, progress)
        self._logged(client, fmt)
        return text

    def _logged(self, client: str | None, fmt: str) -> None:
        self._host.access.record("export", client if client else self._host.client_names(), fmt)
