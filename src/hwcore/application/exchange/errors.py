"""The exchange's one error."""

from __future__ import annotations

from hwcore.domain import HwError


class ImportFileError(HwError):
    """The import file cannot be read or a row is invalid (nothing is imported)."""
