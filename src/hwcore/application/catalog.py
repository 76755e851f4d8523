"""The practice's own outcome measures (``hw measure define``), kept in the hw home.

Definitions live in ``measures.json`` in the home, readable by the owner only.
Each measurement stores its instrument's definition in its event, so a record
reads the same whatever this file says later; the file only says which names
``hw measure add`` accepts and with which range.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hwcore.domain import InvalidValueError, VocabularyError
from hwcore.domain.measures import BUILTIN, Instrument, define_measure
from hwcore.printing.files import write_private

CATALOG_FILE = "measures.json"


class MeasureCatalog:
    """The instruments ``hw measure add`` knows: PHQ-9, GAD-7 and the practice's own."""

    def __init__(self, home: Path | None) -> None:
        self._path = home / CATALOG_FILE if home is not None else None
        self._memory: dict[str, dict[str, Any]] = {}

    def _read(self) -> dict[str, dict[str, Any]]:
        if self._path is None:
            return dict(self._memory)
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            msg = f"{self._path.name} in the hw home is not readable JSON: fix or remove it"
            raise InvalidValueError("measure definitions", self._path.name, msg) from None
        return data if isinstance(data, dict) else {}

    def define(
        self,
        name: str,
        minimum: int,
        maximum: int,
        better: str,
        reliable_change: float | None = None,
    ) -> Instrument:
        """Define (or redefine) a practice measure; returns the checked instrument."""
        instrument = define_measure(name, minimum, maximum, better, reliable_change)
        definitions = self._read()
        definitions[instrument.key] = {
            "minimum": instrument.minimum,
            "maximum": instrument.maximum,
            "better": instrument.better.value,
            "reliable_change": instrument.reliable_change,
        }
        if self._path is None:
            self._memory = definitions
        else:
            text = json.dumps(definitions, indent=2, sort_keys=True) + "\n"
            write_private(self._path, text.encode("utf-8"))
        return instrument

    def get(self, name: str) -> Instrument:
        """The instrument called ``name`` (phq9, gad7 or a defined one)."""
        key = str(name).strip().lower()
        if key in BUILTIN:
            return BUILTIN[key]
        definition = self._read().get(key)
        if definition is None:
            known = [*BUILTIN, *sorted(self._read())]
            raise VocabularyError(
                "measure", key, ", ".join(known) + " (or define it: hw measure define)"
            )
        return define_measure(
            key,
            int(definition["minimum"]),
            int(definition["maximum"]),
            str(definition["better"]),
            definition.get("reliable_change"),
        )

    def all(self) -> list[Instrument]:
        """Every known instrument, the built-in ones first."""
        return [*BUILTIN.values(), *(self.get(k) for k in sorted(self._read()))]
