"""The exchange: a compliance history CSV and hw's JSON export, in and out.

Nothing here writes: an import turns a file into domain commands on in-memory
cases (CSV, :mod:`.csvimport`) or into checked events (JSON, :mod:`.jsonfile`),
and the application saves them in one transaction, so a bad row or entry
leaves the store as it was. Every imported value passes the same domain
guards as a command's. The modules know the application only through the
small :class:`~hwcore.application.exchange.port.ExchangeStore` protocol (no
import of ``app.py``).
"""
