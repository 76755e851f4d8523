"""The fast read for embedders: a current read model's answer, or None.

A thin, stable API over the one read policy (:mod:`hwcore.application.reads`)
for callers that ask the application themselves when the read model cannot
answer: ``quick_caseload(home) or app.caseload()``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hwcore.application.reads import answer, caseload_read, planner_read
from hwcore.jsondata import FLOAT_DIGITS, rounded

if TYPE_CHECKING:
    from hwcore.readmodel.caseload import CaseloadEntry

__all__ = ["FLOAT_DIGITS", "quick_caseload", "quick_planner", "rounded"]


def quick_caseload(
    home: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    *,
    due_only: bool = False,
    environ: Mapping[str, str] | None = None,
) -> list[CaseloadEntry] | None:
    """The caseload, when the read model is current; else None (ask the application).

    Args:
        home: the data folder (else ``HW_HOME``, else the user data dir).
        database_url: a database URL (else ``HW_DATABASE_URL``); any URL means None.
        due_only: only clients whose review is due.
        environ: the environment to resolve settings from (default ``os.environ``).

    Returns:
        The same entries as :meth:`HwApplication.caseload`, or None.
    """
    answered = answer(caseload_read(due_only=due_only), home, database_url, environ=environ)
    return None if answered is None else answered.value


def quick_planner(
    client: str,
    home: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any] | None:
    """CLIENT's current planner document, when cached and current; else None.

    Args:
        client: the client identifier, exactly as registered.
        home: the data folder (else ``HW_HOME``, else the user data dir).
        database_url: a database URL (else ``HW_DATABASE_URL``); any URL means None.
        environ: the environment to resolve settings from (default ``os.environ``).

    Returns:
        The document ``to_dict(HwApplication.plan(client), digits=None)`` returns
        (floats at full precision: print ``rounded(document)`` as JSON), or None.
    """
    answered = answer(planner_read(client), home, database_url, environ=environ)
    if answered is None:
        return None
    from hwcore.planner import to_dict

    document: dict[str, Any] = to_dict(answered.value, digits=None)
    return document
