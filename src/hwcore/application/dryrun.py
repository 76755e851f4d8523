"""The planner of the last wrap-up dry run, reused while nothing it depends on changed.

A speed trick for ``tui_keystroke_latency``: the TUI's next-assignment form
dry-runs the whole wrap-up on every key (:meth:`HwApplication.wrap_up` with
``dry_run``), and only the proposed assignment changes from key to key. The
planner is computed from the case once the wrap-up's outcomes are applied,
before the assignment, so while the case as stored, the outcomes and the
session are the same, it is the same planner (a frozen value) and is reused
instead of built again over every assignment.

"The case as stored" is the repository's kept copy (:meth:`CaseRepository.get_kept`):
its version, the stored bytes of its last event and the store's generation
(purges and restores change it), the checks the repository itself trusts a
kept case by. A case that is not kept is never
memoised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from uuid import UUID

from hwcore.domain import Case
from hwcore.planner import Planner, build_planner

Token = tuple[UUID, int, bytes, Hashable]
"""A stored case: its id, version, the stored bytes of its last event, the store's generation."""


class PlannerMemo:
    """One remembered planner (the last one), keyed by the stored case and the dry run's inputs.

    Args:
        kept: the repository's kept (version, last event bytes, generation) of a case id.
    """

    def __init__(self, kept: Callable[[UUID], tuple[int, bytes, Hashable] | None]) -> None:
        self._kept = kept
        self._key: Hashable = None
        self._planner: Planner | None = None
        self._lock = threading.Lock()

    def token(self, case: Case) -> Token | None:
        """The stored state of ``case`` as loaded (before any command), or None when not kept."""
        kept = self._kept(case.id)
        if kept is None or kept[0] != case.version:
            return None
        return (case.id, *kept)

    def planner(self, case: Case, token: Token | None, *inputs: Hashable) -> Planner:
        """``build_planner(case)``, or the remembered one for the same token and inputs.

        Args:
            case: the case after the dry run's commands so far (the outcomes).
            token: :meth:`token` of the case before them (None: compute, remember nothing).
            inputs: what the commands applied since depend on (outcomes, session).
        """
        key = (token, case.version, inputs)
        if token is not None:
            with self._lock:
                if self._planner is not None and self._key == key:
                    return self._planner
        planner = build_planner(case)
        if token is not None:
            with self._lock:
                self._key, self._planner = key, planner
        return planner
