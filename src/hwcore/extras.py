"""The optional extras of the ``hw-planner`` distribution, and what to say when one is missing.

The core (``hwcore``, ``hwcli``, ``hwtui``) installs without them; a feature
that needs one imports its packages on first use. When they are not installed,
the feature raises :class:`MissingExtraError`, whose one line names the one
command that installs them (see docs/adr/0005-licences-and-extras.md).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hwcore.domain.errors import HwError

DISTRIBUTION = "hw-planner"
"""The name hw is published under (``hw`` on PyPI is an unrelated package)."""

EXTRAS: dict[str, str] = {
    "print": "printing needs the optional PDF stack (markdown-pdf, PyMuPDF: AGPL-3.0)",
    "postgres": "a PostgreSQL event store needs psycopg",
    "crypto": "encryption at rest needs cryptography",
}
"""Each optional extra -> what it is for (the start of the missing-extra line)."""

MODULE_EXTRA: dict[str, str] = {
    "markdown_pdf": "print",
    "pymupdf": "print",
    "fitz": "print",
    "babel": "print",
    "psycopg": "postgres",
    "psycopg_pool": "postgres",
    "psycopg_binary": "postgres",
    "cryptography": "crypto",
}
"""Top-level import name -> the extra that installs it."""


class MissingExtraError(HwError):
    """A feature needs an optional extra that is not installed."""

    def __init__(self, extra: str) -> None:
        self.extra = extra
        super().__init__(f"{EXTRAS[extra]}: install it with {install_command(extra)}")


def install_command(extra: str) -> str:
    """The one command that adds ``extra`` to this installation (pipx or pip)."""
    spec = f"'{DISTRIBUTION}[{extra}]'"
    if _in_pipx_venv():
        return f"pipx install --force {spec}"
    return f"pip install {spec}"


def _in_pipx_venv() -> bool:
    parts = Path(sys.prefix).parts
    return len(parts) >= 3 and parts[-2] == "venvs" and "pipx" in parts[-3]


def extra_of(error: ImportError) -> str | None:
    """The extra whose missing package caused ``error`` (None: not one of ours)."""
    name = getattr(error, "name", None) or ""
    return MODULE_EXTRA.get(name.partition(".")[0])


@contextmanager
def needs(extra: str) -> Iterator[None]:
    """Turn a missing package of ``extra`` (imported inside) into :class:`MissingExtraError`."""
    try:
        yield
    except ModuleNotFoundError as e:
        if extra_of(e) != extra:
            raise
        raise MissingExtraError(extra) from None


def missing_extra(error: BaseException) -> MissingExtraError | None:
    """A :class:`MissingExtraError` when ``error`` comes from a missing optional package.

    The import error may be the cause of another one (eventsourcing resolving
    its cipher's topic raises ``TopicError`` from it): the chain is followed.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ModuleNotFoundError):
            extra = extra_of(current)
            if extra is not None:
                return MissingExtraError(extra)
        current = current.__cause__ or current.__context__
    return None
