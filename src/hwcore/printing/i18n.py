"""The handout's language and reading level: gettext catalogues, dates, accommodations.

The handout's fixed text (headings, labels, the gentle lines, the calendar
file's fixed text) is written in English in the source, marked for extraction,
and translated in gettext catalogues under ``locale/`` (domain ``handout``):
Spanish (``es``, informal *tú*), French (``fr``, *vous*), German (``de``,
*Sie*) and a plain-language English (``en_plain``: short sentences, everyday
words, about a 5th-grade reading level). English itself is the source text.
The ``.po`` files are checked in and compiled to the ``.mo`` files the package
ships (``make locale``); at run time only the standard library's
:mod:`gettext` reads them. Babel (the ``print`` extra) formats the dates and
weekday names, and is imported only while a handout is being rendered.

A language or reading level can be recorded as an accommodation of an
assignment (``hw assign --accommodations``); :func:`accommodation_choice` reads
the vocabulary documented in docs/printing.md ("Language and reading level").
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from hwcore.domain import InvalidValueError
from hwcore.domain.errors import HwError
from hwcore.extras import needs
from hwcore.valueclass import Value

LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de")
"""The handout's languages (ISO 639-1 codes), English first."""
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
}
"""Each language's English name (for messages and the TUI)."""
PLAIN_LANGUAGES: tuple[str, ...] = ("en",)
"""Languages with a plain-language variant (the others are written plainly already)."""
DOMAIN = "handout"
"""The gettext domain of the handout's catalogues."""
LOCALE_DIR = Path(__file__).with_name("locale")
"""Where the catalogues live: ``locale/<catalogue>/LC_MESSAGES/handout.po|.mo``."""
CATALOGUES: tuple[str, ...] = ("es", "fr", "de", "en_plain")
"""The translated catalogues (English is the source text itself)."""


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, where it is printed."""
    return message


class AccommodationError(HwError, ValueError):
    """A handout language or reading level that cannot be printed (asked for, or recorded
    as an accommodation)."""


def check_language(value: str) -> str:
    """The language code for ``value`` ('es', 'ES', ' es '), or a clear error.

    Raises:
        InvalidValueError: not one of :data:`LANGUAGES`.
    """
    code = str(value).strip().lower()
    if code not in LANGUAGES:
        raise InvalidValueError("language", value, ", ".join(LANGUAGES))
    return code


@attrs.frozen(repr=False, eq=False)
class HandoutLanguage(Value):
    """The language and reading level one handout is printed in."""

    language: str = attrs.field(default="en", converter=check_language)
    """One of :data:`LANGUAGES`."""
    plain: bool = False
    """Plain language (English only: see :data:`PLAIN_LANGUAGES`)."""

    @property
    def catalogue(self) -> str:
        """The catalogue's name: 'en', 'en_plain', 'es', 'fr' or 'de'."""
        if self.plain and self.language in PLAIN_LANGUAGES:
            return f"{self.language}_plain"
        return self.language

    @property
    def translations(self) -> gettext.NullTranslations:
        """The catalogue's translations (English: the source text unchanged)."""
        return translations(self.catalogue)

    def gettext(self, message: str) -> str:
        """``message`` in this language."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The singular or plural message for ``count``, in this language."""
        return self.translations.ngettext(singular, plural, count)

    def date(self, iso: str) -> str:
        """A session date (YYYY-MM-DD) in this language's long format: '2 de marzo de 2026'.

        A date that cannot be read is printed as given.
        """
        try:
            day = dt.date.fromisoformat(iso)
        except ValueError:
            return iso
        with needs("print"):
            from babel.dates import format_date

        return str(format_date(day, format="long", locale=self.language))

    def days(self, weekdays: Sequence[int]) -> str:
        """Agreed weekdays (0 = Monday) in words: 'martes y jueves'; every day: 'todos los días'."""
        if len(set(weekdays)) == 7:
            return self.gettext("every day")
        with needs("print"):
            from babel.dates import get_day_names
            from babel.lists import format_list

        names = get_day_names("wide", locale=self.language)
        words = [str(names[d]) for d in sorted(set(weekdays))]
        if self.language == "en" and len(words) > 1:  # 'Tuesday, Thursday and Friday'
            return ", ".join(words[:-1]) + " and " + words[-1]
        return str(format_list(words, locale=self.language))


@functools.cache
def translations(catalogue: str) -> gettext.NullTranslations:
    """The compiled catalogue ``catalogue`` ('en': none, the source text is English)."""
    if catalogue == "en":
        return gettext.NullTranslations()
    if catalogue not in CATALOGUES:
        raise InvalidValueError("handout catalogue", catalogue, ", ".join(("en", *CATALOGUES)))
    path = LOCALE_DIR / catalogue / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


# ----------------------------------------------------------------- accommodations

_NAMES: dict[str, str] = {
    **{code: code for code in LANGUAGES},
    "english": "en",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "castellano": "es",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "german": "de",
    "deutsch": "de",
}
"""Words naming a handout language in an accommodation (codes, English and native names)."""

_LANGUAGE_ITEM = re.compile(r"^(?:handout )?language ?[:=]? ?(?P<word>[\w-]+)$")
_NAMED_HANDOUT = re.compile(r"^(?P<word>[\w-]+)(?: language)? handout$|^handout in (?P<in>[\w-]+)$")
_GRADE = r"(?:[1-9]|1[0-2])(?:st|nd|rd|th)?"
_READING = re.compile(
    rf"^(?:reading level ?[:=]? ?(?:grade )?(?P<level>{_GRADE}|[a-z]+)(?: grade)?"
    rf"|(?P<grade>{_GRADE})[- ]grade reading level)$"
)
_PLAIN_WORDS = ("plain", "easy", "simple", "low")
_STANDARD_WORDS = ("standard", "regular", "normal")
_PLAIN_ITEMS = (
    "plain language",
    "plain english",
    "plain-language handout",
    "plain language handout",
    "easy read",
    "easy-read",
)
_LARGE_ITEMS = ("large print", "large-print", "large print handout", "large-print handout")
_REGULAR_ITEMS = ("regular print", "standard print")


@attrs.frozen(repr=False, eq=False)
class AccommodationChoice(Value):
    """What one assignment's accommodations say about its handout (None: nothing)."""

    language: str | None = None
    plain: bool | None = None
    large_print: bool | None = None


def _items(text: str) -> Iterable[str]:
    for raw in re.split(r"[;,\n]|\.\s", text):
        item = " ".join(raw.lower().split()).strip(" .")
        if item:
            yield item


def _grade(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _reading_level(item: str) -> bool | None:
    """True: plain language; False: the standard text; None: not a reading level."""
    if item in _PLAIN_ITEMS:
        return True
    if item in ("standard language", "reading level standard"):
        return False
    match = _READING.match(item)
    if not match:
        return None
    level = match.group("grade") or match.group("level")
    if level[0].isdigit():
        return _grade(level) <= 6
    if level in _PLAIN_WORDS:
        return True
    if level in _STANDARD_WORDS:
        return False
    return None


def accommodation_choice(text: str, assignment_id: int) -> AccommodationChoice:
    """What an assignment's free-text accommodations say about its handout.

    The text is read as items separated by ';', ',', '. ' or new lines (case
    and spaces do not matter); every other item is ignored. The vocabulary:

    - language: ``language: es`` (also ``language es``, ``handout language: es``),
      ``Spanish handout``, ``handout in Spanish``: a code (en, es, fr, de) or a
      name (English, Spanish, French, German, or Español, Français, Deutsch).
    - reading level: ``plain language`` (or ``language: plain``), ``easy read``,
      ``5th-grade reading level``, ``reading level: grade 5`` (grade 6 or below),
      ``reading level: plain``; ``reading level: standard`` (or grade 7 and up)
      undoes it.
    - print size: ``large print``; ``regular print`` undoes it.

    Raises:
        AccommodationError: ``language: X`` names a language hw has no
            handout in, or the items name two different languages.
    """
    choice, problem = _parse(text, assignment_id)
    if problem:
        raise AccommodationError(problem)
    return choice


def _parse(text: str, assignment_id: int) -> tuple[AccommodationChoice, str]:
    """The choice, and why its language cannot be printed ('' when it can)."""
    languages: list[str] = []
    plain: bool | None = None
    large: bool | None = None
    problem = ""
    for item in _items(text):
        if item in _LARGE_ITEMS:
            large = True
            continue
        if item in _REGULAR_ITEMS:
            large = False
            continue
        level = _reading_level(item)
        if level is not None:
            plain = level
            continue
        match = _LANGUAGE_ITEM.match(item)
        if match:
            word = match.group("word")
            if word in _PLAIN_WORDS:  # 'language: plain' is a reading level
                plain = True
                continue
            if word not in _NAMES:
                shown = repr(word) if len(word) <= 20 else "(not shown)"
                problem = problem or (
                    f"the accommodations of assignment #{assignment_id} ask for a handout"
                    f" language {shown}: allowed {', '.join(LANGUAGES)}"
                    " (or print with --language)"
                )
                languages.append("?")
                continue
            languages.append(_NAMES[word])
            continue
        named = _NAMED_HANDOUT.match(item)
        if named:
            word = named.group("word") or named.group("in")
            if word in _NAMES:
                languages.append(_NAMES[word])
    known = sorted({x for x in languages if x != "?"}, key=LANGUAGES.index)
    if len(known) > 1 and not problem:
        problem = (
            f"the accommodations of assignment #{assignment_id} name two handout languages"
            f" ({', '.join(known)}): print with --language"
        )
    language = "?" if problem else (known[0] if known else None)
    return AccommodationChoice(language, plain, large), problem


@attrs.frozen(repr=False, eq=False)
class HandoutChoice(Value):
    """How a handout is printed, and where each choice came from."""

    language: str
    plain: bool
    large_print: bool
    from_accommodations: tuple[str, ...] = ()
    """The choices taken from the client's accommodations: 'language',
    'reading level', 'large print' (the others were given, or the defaults)."""

    @property
    def language_name(self) -> str:
        """The language's English name: 'Spanish'."""
        return LANGUAGE_NAMES[self.language]

    @property
    def handout_language(self) -> HandoutLanguage:
        """The language and reading level to render with."""
        return HandoutLanguage(self.language, self.plain)


def choose(
    accommodations: Sequence[tuple[int, str]],
    *,
    language: str | None = None,
    plain: bool | None = None,
    large_print: bool | None = None,
) -> HandoutChoice:
    """The handout's language, reading level and print size.

    Each is the one given for this print, else the latest accommodation that
    names it (the assignment's own, then the client's earlier assignments:
    ``accommodations`` is (assignment id, text) newest first), else English,
    the standard text and regular print.

    Raises:
        InvalidValueError: an unknown ``language``.
        AccommodationError: ``plain`` asked for a language without a plain
            variant, or see :func:`accommodation_choice`.
    """
    given_language = check_language(language) if language is not None else None
    found: dict[str, object] = {}
    for assignment_id, text in accommodations:
        if {"language", "reading level", "large print"} <= found.keys():
            break
        choice, problem = _parse(text, assignment_id)
        if problem and given_language is None and "language" not in found:
            raise AccommodationError(problem)
        for key, value in (
            ("language", choice.language),
            ("reading level", choice.plain),
            ("large print", choice.large_print),
        ):
            if value is not None:
                found.setdefault(key, value)
    used: list[str] = []

    def pick(key: str, given: object, default: object) -> object:
        if given is not None:
            return given
        if key in found:
            used.append(key)
            return found[key]
        return default

    lang = str(pick("language", given_language, "en"))
    if plain and lang not in PLAIN_LANGUAGES:
        msg = (
            f"plain language is for English handouts only, not {lang!r}: the"
            f" {LANGUAGE_NAMES[lang]} handout is already written in short, everyday sentences"
            " (leave out --plain)"
        )
        raise AccommodationError(msg)
    is_plain = bool(pick("reading level", plain, False)) and lang in PLAIN_LANGUAGES
    if "reading level" in used and not is_plain:
        used.remove("reading level")
    large = bool(pick("large print", large_print, False))
    return HandoutChoice(lang, is_plain, large, tuple(used))
