"""Client identifiers that look like what they are: NFC, one script (issue 14 item 17).

``AB`` in Latin letters and ``АВ`` in Cyrillic ones look the same in every
listing, so a new identifier may not mix letters of two scripts; identifiers
are compared in Unicode normalisation form NFC (``Zoë`` typed with a combining
diaeresis is the same client as ``Zoë`` typed with one character).
"""

from __future__ import annotations

import unicodedata
import uuid

from hwcore.domain.errors import InvalidValueError

__all__ = ["check_new_client", "legacy_case_ids", "nfc", "scripts_of", "stored_forms"]

# Scripts that are written together: Japanese mixes Han, Hiragana and Katakana.
_FAMILIES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK", "HANGUL": "CJK"}
_NOT_A_SCRIPT = {"DIGIT", "FULLWIDTH", "SUPERSCRIPT", "SUBSCRIPT", "MODIFIER"}


def nfc(text: str) -> str:
    """``text`` in Unicode normalisation form NFC."""
    return unicodedata.normalize("NFC", text)


def stored_forms(name: str) -> list[str]:
    """Other spellings an identifier may have been stored under before NFC (NFD)."""
    return [form for form in (unicodedata.normalize("NFD", name),) if form != name]


def legacy_case_ids(name: str) -> list[uuid.UUID]:
    """The case ids ``name`` had when stored in another normal form (see :func:`stored_forms`)."""
    from hwcore.domain.guards import CASE_NAMESPACE

    return [uuid.uuid5(CASE_NAMESPACE, form) for form in stored_forms(name)]


def _script(char: str) -> str | None:
    if not unicodedata.category(char).startswith("L"):
        return None  # digits, '.', '-', '_' and combining marks belong to every script
    word = unicodedata.name(char, "").split(" ", 1)[0]
    if not word or word in _NOT_A_SCRIPT:
        return None
    return _FAMILIES.get(word, word)


def scripts_of(name: str) -> set[str]:
    """The scripts of the letters in ``name`` ('LATIN', 'CYRILLIC', 'GREEK', 'CJK', ...)."""
    return {script for script in map(_script, name) if script is not None}


def check_new_client(name: str) -> str:
    """Refuse a new identifier that mixes letters of two scripts; return it.

    Args:
        name: a validated (NFC) identifier.

    Returns:
        The identifier.

    Raises:
        InvalidValueError: its letters come from more than one script.
    """
    scripts = scripts_of(name)
    if len(scripts) > 1:
        mixed = " and ".join(sorted(s.title() for s in scripts))
        raise InvalidValueError(
            "client",
            name,
            f"letters of one script only (this one mixes {mixed}, which look alike)",
        )
    return name
