"""Build and check the handout's gettext catalogues (a developer tool: ``make locale``).

``python -m hwcore.printing.locale_build`` extracts the handout's messages from
the source with Babel, merges them into each checked-in ``.po`` file
(``hwcore/printing/locale/<catalogue>/LC_MESSAGES/handout.po``) and compiles
the ``.mo`` files the package ships. ``--check`` changes nothing and lists what
is out of date: a message missing or untranslated in a catalogue, a
translation whose ``{placeholders}`` differ from the English, a ``.mo`` file
that does not hold what its ``.po`` file says (the test suite runs it).

Needs Babel (the ``print`` extra); the handout itself reads the ``.mo`` files
with the standard library's :mod:`gettext` only.
"""

from __future__ import annotations

import gettext
import re
import sys
from pathlib import Path
from typing import Any

from hwcore.printing.i18n import CATALOGUES, DOMAIN, LOCALE_DIR

SOURCES: tuple[str, ...] = ("handout_pdf.py", "ics.py", "i18n.py")
"""The modules (in hwcore/printing) whose messages the catalogues translate."""
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
"""The marker functions Babel extracts (``N_`` marks a message translated later)."""
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def po_path(catalogue: str) -> Path:
    """The ``.po`` file of one catalogue."""
    return LOCALE_DIR / catalogue / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Any:
    """The messages in the source, as a Babel template catalogue (msgid order of the source)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    template = Catalog(domain=DOMAIN, project="hw-planner", fuzzy=False)
    here = Path(__file__).parent
    for name in SOURCES:
        found = extract_from_file("python", here / name, keywords=KEYWORDS, comment_tags=())
        for lineno, message, _comments, context in found:
            template.add(message, locations=[(f"hwcore/printing/{name}", lineno)], context=context)
    return template


def _ids(message: Any) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)


def _strings(message: Any) -> tuple[str, ...]:
    text = message.string
    return tuple(text) if isinstance(text, tuple | list) else (text,)


def _read(catalogue: str) -> Any:
    from babel.messages.pofile import read_po

    with po_path(catalogue).open("rb") as handle:
        return read_po(handle, locale=catalogue, domain=DOMAIN)


def problems() -> list[str]:
    """What is out of date in the catalogues (empty: all up to date)."""
    template = extract()
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    found: list[str] = []
    for catalogue in CATALOGUES:
        if not po_path(catalogue).exists():
            found.append(f"{catalogue}: no {po_path(catalogue).name}")
            continue
        po = _read(catalogue)
        have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in po if m.id}
        for key in sorted(wanted - have.keys()):
            found.append(f"{catalogue}: missing {key!r}")
        for key in sorted(have.keys() - wanted):
            found.append(f"{catalogue}: obsolete {key!r}")
        for key, message in have.items():
            strings = _strings(message)
            if message.fuzzy or not all(s.strip() for s in strings):
                found.append(f"{catalogue}: untranslated {key!r}")
                continue
            ids = _ids(message)
            expected = {p for i in ids for p in _PLACEHOLDER.findall(i)}
            for text in strings:
                used = set(_PLACEHOLDER.findall(text))
                if used - expected or (len(ids) == 1 and used != expected):
                    found.append(f"{catalogue}: placeholders {sorted(used)} in {key!r}")
        found += [f"{catalogue}: {p}" for p in _mo_problems(catalogue, po)]
    return found


def _mo_problems(catalogue: str, po: Any) -> list[str]:
    """The .mo file holds exactly the .po file's translations."""
    mo = po_path(catalogue).with_suffix(".mo")
    if not mo.exists():
        return [f"no {mo.name} (run make locale)"]
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    held = {k: v for k, v in compiled._catalog.items() if k != ""}  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for message in po:
        if not message.id:
            continue
        if isinstance(message.id, str):
            expected[message.id] = message.string
        else:
            for index, text in enumerate(_strings(message)):
                expected[(message.id[0], index)] = text
    if held != expected:
        return [f"{mo.name} is out of date with {mo.with_suffix('.po').name} (run make locale)"]
    return []


def update() -> None:
    """Merge the source's messages into every .po file and compile the .mo files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    template = extract()
    for catalogue in CATALOGUES:
        po = _read(catalogue)
        created = po.creation_date
        po.update(template, update_header_comment=False, no_fuzzy_matching=True)
        po.creation_date = created  # unchanged files stay byte-identical
        po.obsolete.clear()
        with po_path(catalogue).open("wb") as handle:
            write_po(handle, po, width=100, include_lineno=False, sort_output=False)
        with po_path(catalogue).with_suffix(".mo").open("wb") as handle:
            write_mo(handle, po)


def main(argv: list[str] | None = None) -> int:
    """``--check``: list what is out of date (exit 1 if anything); else update everything."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    update()
    found = problems()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
