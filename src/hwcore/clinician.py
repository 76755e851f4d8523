"""Who is using hw: the clinician identifier every event and access-log entry records.

Resolution order (spec section 3, ``recorded_by``): ``HW_CLINICIAN`` > the
home's ``hw config set clinician.id`` > the operating-system user. An
identifier is a short code, never a name hw needs: 1 to 64 letters, digits
or ``. _ - @ +`` (a login, an initials code, an e-mail address).

Standard library only, imported by the quick read path (start-up time).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

MAX_CLINICIAN = 64
"""The longest clinician identifier."""
CONFIG_KEY = "clinician.id"
"""The configuration key (``hw config set clinician.id CODE``)."""
ENV_VAR = "HW_CLINICIAN"
"""The environment variable that overrides the configuration."""
UNKNOWN = "unknown"
"""The operating-system user when even that cannot be told."""
ALLOWED = f"1 to {MAX_CLINICIAN} letters, digits or . _ - @ + (no spaces)"
"""What a clinician identifier may be, as error messages say it."""


def is_clinician(value: str) -> bool:
    """Whether ``value`` is a well-formed clinician identifier."""
    return (
        0 < len(value) <= MAX_CLINICIAN
        and value[0].isalnum()
        and all(c.isalnum() or c in "._-@+" for c in value)
    )


def check_clinician(value: object, source: str = "clinician id") -> str:
    """The identifier, stripped, when it is well formed.

    Raises:
        InvalidValueError: naming ``source`` (``HW_CLINICIAN``, ``clinician.id``);
            the value is shown only when it is short (it is never clinical text).
    """
    text = str(value).strip()
    if is_clinician(text):
        return text
    from hwcore.domain.errors import InvalidValueError

    shown = text if len(text) <= MAX_CLINICIAN else f"{text[:20]}..."
    raise InvalidValueError(source, shown, ALLOWED)


def os_user() -> str:
    """The operating-system user's login name (``unknown`` when it cannot be told).

    Read from the user database, not from ``$USER`` (the environment is
    hw's settings' business: see :data:`ENV_VAR`). A login that is not a
    valid identifier keeps only its allowed characters.
    """
    try:
        import pwd

        name = pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):  # no user database (Windows, a container)
        import getpass

        try:
            name = getpass.getuser()
        except (ImportError, KeyError, OSError):
            return UNKNOWN
    kept = "".join(c for c in name if c.isalnum() or c in "._-@+")[:MAX_CLINICIAN]
    return kept if is_clinician(kept) else UNKNOWN


def configured_clinician(home: Path) -> str | None:
    """The ``clinician.id`` of the home's ``config.json``, or None when unset.

    An unreadable configuration is left to ``hw config`` to report: here it
    counts as unset.
    """
    try:
        data = json.loads((home / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get(CONFIG_KEY) if isinstance(data, dict) else None
    return check_clinician(value, CONFIG_KEY) if isinstance(value, str) else None


def chosen_clinician(environ: Mapping[str, str], home: Path) -> str | None:
    """The clinician chosen: ``HW_CLINICIAN``, else ``clinician.id`` in ``home``; else None.

    Raises:
        InvalidValueError: ``HW_CLINICIAN`` or the configured id is malformed.
    """
    given = environ.get(ENV_VAR)
    if given is not None and given.strip():
        return check_clinician(given, ENV_VAR)
    return configured_clinician(home)


def resolve_clinician(environ: Mapping[str, str], home: Path) -> str:
    """The clinician: ``HW_CLINICIAN``, else ``clinician.id`` in ``home``, else the OS user.

    Raises:
        InvalidValueError: ``HW_CLINICIAN`` or the configured id is malformed.
    """
    return chosen_clinician(environ, home) or os_user()
