"""eventsourcing's application as hw opens and uses its store.

:class:`StoreApplication` is everything the use cases stand on and none of
them: the settings (hw's, never ``os.environ``), the checks before and after
opening, the retries while another process creates the schema, hw's recorder
and repository, the transcodings, and loading and saving with every storage
failure turned into one clear :class:`~hwcore.domain.StoreError`.
:class:`~hwcore.application.HwApplication` adds the use cases.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    Recording,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import Environment, EnvType

from hwcore.application.eventstore.checks import preflight, verify_store
from hwcore.application.eventstore.errors import STORE_ERRORS, store_error
from hwcore.application.eventstore.persistence import RECORDER_TOPICS, AdminRecorder
from hwcore.application.eventstore.recording import RecordingMapper, RecordingShreddingMapper
from hwcore.application.eventstore.repository import (
    DEFAULT_CACHE_MAXSIZE,
    CaseRepository,
    project_case,
)
from hwcore.application.eventstore.retries import open_retrying
from hwcore.application.eventstore.shredding import attach_keys, data_keys
from hwcore.application.eventstore.sqlitefile import FileHold, hold_file, release_file
from hwcore.application.eventstore.transcodings import register_hw_transcodings
from hwcore.clinician import check_clinician, os_user
from hwcore.domain import Case, ClientNotFoundError, StoreError, case_id_for, validate_client
from hwcore.domain.identifiers import legacy_case_ids


def _nothing() -> None:
    """Nothing to do."""


SNAPSHOT_INTERVAL = 200
"""A snapshot of a case is taken every this many events (fast loads)."""


class StoreApplication(Application[UUID]):
    """An eventsourcing application on hw's store: opened, checked, loaded and saved safely.

    Args:
        env: eventsourcing settings (PERSISTENCE_MODULE, SQLITE_DBNAME, ...);
            the process environment is deliberately *not* read.
        home: the hw home the store belongs to (its own files go into backups).
        clinician: who records: stored as ``recorded_by`` on every new event
            (see :mod:`~hwcore.application.eventstore.recording`); None: the
            operating-system user.

    Raises:
        InvalidValueError: a malformed cipher key.
        StoreError: the store cannot be opened or is not a readable hw store.
    """

    name = "hw"
    _file_hold: FileHold = None
    committed_events: int = 0
    """Events this application has committed to the store since it was opened
    (a purge or a restore counts at least one): a committed write stands."""
    snapshotting_intervals = {Case: SNAPSHOT_INTERVAL}  # noqa: RUF012 (eventsourcing API)

    def __init__(
        self, env: EnvType | None = None, *, home: Path | None = None, clinician: str | None = None
    ) -> None:
        self.home = home
        """The hw home (configuration, logos) that backups include, when there is one."""
        self.clinician = check_clinician(clinician) if clinician is not None else os_user()
        """Who records and reads: every new event's ``recorded_by``, the access log's ``who``."""
        store_file = preflight(dict(env or {}))
        # Held before SQLite opens it, released once every connection is closed.
        self._file_hold = hold_file(store_file) if store_file is not None else None
        try:
            open_retrying(lambda: super(StoreApplication, self).__init__(env), self._abandon_open)
        except BaseException:
            release_file(self._file_hold)
            self._file_hold = None
            raise
        if store_file is not None and self._file_hold is None:  # SQLite created it just now
            self._file_hold = hold_file(store_file)
        try:
            attach_keys(self, create=False)  # the first event may be under a data key
            verify_store(self)
            # An encrypted SQLite store from an older hw, or a new one; on PostgreSQL
            # opening creates nothing ('hw db init' made the key table).
            attach_keys(self, create=getattr(self.recorder, "backend", "") != "postgres")
            if isinstance(self.recorder, AdminRecorder):
                self.recorder.remember_log()
        except BaseException as e:
            self.close()
            if isinstance(e, STORE_ERRORS):
                raise store_error(e) from None
            raise

    def _abandon_open(self) -> None:
        """Close what a failed attempt to open the store left open."""
        factory = getattr(self, "factory", None)
        if factory is not None:
            factory.close()

    # ------------------------------------------------------------ construction

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Use only the given settings: hw's config decides, not os.environ.

        On SQLite and PostgreSQL the recorder is hw's (it adds purge, backup
        and restore to eventsourcing's; see ``eventstore.persistence``).
        """
        settings = dict(env or {})
        settings.setdefault("IS_SNAPSHOTTING_ENABLED", "y")
        recorder = RECORDER_TOPICS.get(settings.get("PERSISTENCE_MODULE", ""))
        if recorder is not None:
            settings.setdefault("APPLICATION_RECORDER_TOPIC", recorder)
        return Environment(name, settings)

    def construct_mapper(self) -> Mapper[UUID]:
        """eventsourcing's mapper, recording who stored each new event (``recorded_by``).

        With a cipher key it also gives each client its own data key (see
        :mod:`hwcore.application.eventstore.shredding`, crypto-shredding): the
        keys are attached once the store is open.
        """
        mapper_class = RecordingShreddingMapper if self.env.get("CIPHER_TOPIC") else RecordingMapper
        mapper = self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=mapper_class
        )
        assert isinstance(mapper, RecordingMapper)
        mapper.clinician = self.clinician
        return mapper

    def construct_repository(self) -> CaseRepository:
        """hw's repository: eventsourcing's, with a cache checked against the store.

        ``AGGREGATE_CACHE_MAXSIZE`` sets how many cases a process keeps (see
        :mod:`hwcore.application.eventstore.repository`).
        """
        value = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        recorder = self.recorder
        return CaseRepository(
            self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(value) if value else DEFAULT_CACHE_MAXSIZE,
            # An in-memory store has no purge or restore: its generation never changes.
            generation=recorder.generation if isinstance(recorder, AdminRecorder) else tuple,
        )

    @property
    def repository(self) -> CaseRepository:
        """The repository (see :meth:`construct_repository`)."""
        return cast("CaseRepository", super().repository)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Register dates, the vocabulary enums and the attrs values."""
        super().register_transcodings(transcoder)
        register_hw_transcodings(transcoder)

    @property
    def transcoder(self) -> Transcoder:
        """The JSON transcoder (without cipher or compression)."""
        return self.mapper.transcoder

    def check_integrity(self) -> None:
        """Refuse a damaged store before a bulk write (an import, a purge, a restore).

        Reads every page once (SQLite's ``quick_check``): too slow for every
        command, cheap next to a write that touches the whole store.

        Raises:
            StoreError: the store's pages are damaged (nothing was written).
        """
        recorder = self.recorder
        if not isinstance(recorder, AdminRecorder):
            return
        try:
            problem = recorder.damage()
        except STORE_ERRORS as e:
            raise store_error(e) from None
        if problem is not None:
            msg = (
                f"the event store is damaged ({problem}): nothing was written;"
                " restore it from a backup (hw restore)"
            )
            raise StoreError(msg)

    # ------------------------------------------------------- loading, saving

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Record the pending events of cases (or events); keep the saved cases.

        Raises:
            StoreError: the store's write-ahead log was deleted under this
                process (the write would be lost), or the store file changed
                outside hw and its pages are damaged: nothing is written.
        """
        wrote = self._before_write()
        try:
            keys = data_keys(self)
            if keys is not None:
                keys.check_generation()  # a purge elsewhere destroyed keys this process kept
            recordings = super().save(*objs, **kwargs)
        finally:
            wrote()
        self.repository.keep([o for o in objs if isinstance(o, Case)], recordings)
        return recordings

    def _before_write(self) -> Callable[[], None]:
        """Refuse a write that would be lost or land in a damaged store; what to call after it.

        Raises:
            StoreError: the write-ahead log was deleted under this process, or
                the store file changed outside hw and its pages are damaged.
        """
        recorder = self.recorder
        if not isinstance(recorder, AdminRecorder):
            return _nothing
        problem = recorder.log_problem()
        if problem is not None:
            raise StoreError(problem)
        return recorder.before_write(self.check_integrity)

    def close(self) -> None:
        """Close the store (see the recorder's ``closing``: its log, its stamp)."""
        recorder = getattr(self, "recorder", None)  # None: the open failed before it
        closed = recorder.closing() if isinstance(recorder, AdminRecorder) else _nothing
        try:
            super().close()
        finally:
            closed()
            hold, self._file_hold = self.__dict__.get("_file_hold"), None
            release_file(hold)

    def record_stream(self, events: Iterable[DomainEventProtocol[UUID]]) -> int:
        """Record a long stream of new case events in one transaction; how many.

        For a bulk write (an import) that must not hold every event at once
        (``import_peak_mib``: ``save`` maps all of them to stored events, then
        returns a recording per event). On a backend that streams inserts the
        events are produced, mapped and inserted one after another inside the
        one transaction; elsewhere they are mapped first, then inserted. An
        exception raised by ``events`` rolls everything back. Snapshots are
        taken after the commit, for the cases that reached the interval; no
        case is kept for the next load.

        Raises:
            IntegrityError: another writer stored one of these versions first.
            StoreError: the store failed, or its write-ahead log was deleted
                (nothing is written).
        """
        recorder = self.recorder
        wrote = self._before_write()
        due: dict[UUID, int] = {}
        counted = [0]

        def stored() -> Iterator[StoredEvent]:
            to_stored = self.mapper.to_stored_event
            for event in events:
                counted[0] += 1
                version = event.originator_version
                if version % SNAPSHOT_INTERVAL == 0:
                    due[event.originator_id] = version
                yield to_stored(event)

        keys = data_keys(self)
        if keys is not None:
            keys.check_generation()
        # New data keys are stored in their own transaction, before the events':
        # with per-client keys the events are mapped first.
        streams = (
            isinstance(recorder, AdminRecorder) and recorder.streams_inserts() and keys is None
        )
        try:
            # A lazy sequence, read once in order by a streaming recorder (see
            # AdminRecorder.streams_inserts); anything else is given a list.
            batch = cast("Sequence[StoredEvent]", stored()) if streams else list(stored())
            recorder.insert_events(batch)
        except IntegrityError:
            raise
        except STORE_ERRORS as e:
            raise store_error(e) from None
        finally:
            wrote()
        # The events are committed: a snapshot that fails is only a slower next
        # load (replayed from the events), never a failed write.
        with suppress(*STORE_ERRORS):
            for case_id, version in due.items():
                self.take_snapshot(case_id, version=version, projector_func=project_case)
        return counted[0]

    def _load(self, client: str, *, keep: bool = False) -> Case:
        """The client's case (with ``keep``, kept for the next load: see ``get_kept``).

        Raises:
            ClientNotFoundError: no such client.
            StoreError: the store failed.
        """
        name = validate_client(client)
        try:
            for case_id in (case_id_for(name), *legacy_case_ids(name)):
                with contextlib.suppress(AggregateNotFoundError):
                    get = self.repository.get_kept if keep else self.repository.get
                    return cast("Case", get(case_id))
        except STORE_ERRORS as e:
            raise store_error(e) from None
        raise ClientNotFoundError(name)

    def _store(self, *items: Case | Aggregate.Event) -> None:
        """Save cases (or events) in one transaction.

        Raises:
            IntegrityError: another writer changed one of them first (retry).
            StoreError: the store failed (nothing was written).
        """
        if not items:
            return  # nothing to store (an import records its events with record_stream)
        try:
            recordings = self.save(*items)
        except IntegrityError:
            raise
        except STORE_ERRORS as e:
            raise store_error(e) from None
        self.committed_events += len(recordings)  # see hwcli: a committed write stands

    def _events(self, client: str) -> list[Aggregate.Event]:
        """Every stored event of the client's case, in order.

        Raises:
            ClientNotFoundError: no such client.
            StoreError: the store failed.
        """
        name = validate_client(client)
        try:
            events = list(self.events.get(case_id_for(name)))
            for legacy in () if events else legacy_case_ids(name):
                events = events or list(self.events.get(legacy))  # stored before NFC
        except STORE_ERRORS as e:
            raise store_error(e) from None
        if not events:
            raise ClientNotFoundError(name)
        return cast("list[Aggregate.Event]", events)
