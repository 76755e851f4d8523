"""The event-store adapter: everything hw does to and with its eventsourcing store.

One room for the persistence side of the application, so the use cases in
:mod:`hwcore.application.app` only load, call the domain and save:

- :mod:`~hwcore.application.eventstore.errors`: the one table of store errors;
- :mod:`~hwcore.application.eventstore.checks`: settings and file checks on open;
- :mod:`~hwcore.application.eventstore.retries`: opening and write retries, backoff;
- :mod:`~hwcore.application.eventstore.transcodings`: the stored value types;
- :mod:`~hwcore.application.eventstore.repository`: the one aggregate cache;
- :mod:`~hwcore.application.eventstore.audit`: the content-free audit trail;
- :mod:`~hwcore.application.eventstore.admin`: erasure and keys, and
  :mod:`~hwcore.application.eventstore.backup`: backup and restore, both over
  the backend rooms :mod:`~hwcore.application.eventstore.persistence`
  (what every backend does), :mod:`~hwcore.application.eventstore.sqlite` and
  :mod:`~hwcore.application.eventstore.postgres` (how each does it);
- :mod:`~hwcore.application.eventstore.sqlitefile`: the SQLite file itself
  (header, the log's last event), stdlib only, for the quick read.

Nothing here imports the use cases: the modules take an eventsourcing
``Application`` (or its recorder and mapper), so there is no import circle.
This package's own import is free: each module is imported where it is used.
"""
