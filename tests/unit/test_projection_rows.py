"""The read model's rows: the fast paths write exactly what the plain code would."""

from __future__ import annotations

import itertools
import json
import re

from hwcore.domain import MissReason
from hwcore.readmodel.projection import _reasons_json


def test_reasons_are_written_as_json_dumps_writes_them() -> None:
    """The joined text equals ``json.dumps`` for every combination, in order."""
    for n in range(1, 4):
        for reasons in itertools.permutations(MissReason, n):
            assert _reasons_json(reasons) == json.dumps([r.value for r in reasons])
    # The join relies on words json.dumps does not escape: a new value must stay one.
    assert all(re.fullmatch(r"[a-z][a-z-]*", r.value) for r in MissReason)
