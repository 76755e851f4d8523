"""How often and how patiently hw retries: opening a store, and a write that conflicted."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import InternalError

from hwcore.application.eventstore.errors import STORE_ERRORS, store_error

T = TypeVar("T")

MAX_ATTEMPTS = 12
"""How often a command is retried when another writer changed the same client."""
BACKOFF_SECONDS = 0.005
"""First retry delay; doubles per attempt (capped at 0.5 s), with full jitter."""
OPEN_ATTEMPTS = 5
"""How often opening the store is tried while another process creates its schema."""


def backoff(attempt: int) -> None:
    """Sleep a random while before retrying, so contending writers spread out."""
    import random  # only when there is contention (start-up time)

    time.sleep(random.uniform(0, min(0.5, BACKOFF_SECONDS * 2**attempt)))


def open_retrying(open_store: Callable[[], T], abandon: Callable[[], None]) -> T:
    """Open the store, retrying while another process is creating its schema.

    Two processes opening PostgreSQL at once both run eventsourcing's ``CREATE
    OR REPLACE FUNCTION``: one gets "tuple concurrently updated".

    Args:
        open_store: opens the store (eventsourcing's ``Application.__init__``).
        abandon: releases what a failed attempt left open.

    Returns:
        What ``open_store`` returned.

    Raises:
        StoreError: the store cannot be opened (one clear line).
    """
    attempt = 0
    while True:
        try:
            return open_store()
        except InternalError as e:
            abandon()
            attempt += 1
            if attempt == OPEN_ATTEMPTS:
                raise store_error(e) from None
            time.sleep(0.05 * attempt)
        except STORE_ERRORS as e:
            raise store_error(e) from None
