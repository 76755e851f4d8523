"""Writing output files: owner-only (0600) and atomic (never half-written).

The guard and the writer live in :mod:`hwcore.outputs` (shared with export and
backup); they are re-exported here for the printing adapters.
"""

from __future__ import annotations

from hwcore.outputs import OutputError, check_output_path, write_private

__all__ = ["OutputError", "check_output_path", "write_private"]
