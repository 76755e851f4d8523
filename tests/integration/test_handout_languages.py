"""The handout in the client's language and reading level (issue 16, spec section 5 r2).

Handouts are rendered for real into a SQLite home and read back with PyMuPDF;
calendar files are parsed with icalendar; the catalogues are checked against
the source with Babel. Clients and their texts are invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pymupdf
import pytest

from hwcore.application import (
    HANDOUT_LANGUAGES,
    AccommodationError,
    AssignmentSpec,
    HwApplication,
    InvalidValueError,
)
from hwcore.bootstrap import Settings, open_application
from hwcore.printing.i18n import CATALOGUES, accommodation_choice, translations
from hwcore.printing.locale_build import extract, problems
from tests.conftest import TODAY

# The client's own words, in Spanish, with accents: printed exactly as written.
TITLE = "Paseo corto después de comer"
TASK = "Da un paseo de diez minutos después de comer, aunque llueva."
WHY = "Me despeja la cabeza y duermo mejor; ¡lo noté en verano!"
WHEN = "Después de comer, por el parque"
WORDING = "Probemos a ver qué pasa"

HEADINGS = {
    "en": ("Your step until we meet again", "Why it can help", "When and where"),
    "es": ("Tu paso hasta que nos volvamos a ver", "Por qué puede ayudarte", "Cuándo y dónde"),
    "fr": ("Votre pas d'ici notre prochaine rencontre", "Pourquoi cela peut vous aider"),
    "de": ("Ihr Schritt bis zu unserem nächsten Treffen", "Warum es Ihnen helfen kann"),
}
PERMISSION_START = {
    "en": "You don't have to show this to me.",
    "es": "No tienes que enseñármelo.",
    "fr": "Vous n'avez pas à me la montrer.",
    "de": "Sie müssen mir das nicht zeigen.",
}
SESSION_DATE = {
    "en": "March 2, 2026",
    "es": "2 de marzo de 2026",
    "fr": "2 mars 2026",
    "de": "2. März 2026",
}
AGREED_DAYS = {
    "en": "The days we agreed: Tuesday, Thursday and Saturday, at 14:30.",
    "es": "Los días que acordamos: martes, jueves y sábado, a las 14:30.",
    "fr": "Les jours convenus\u00a0: mardi, jeudi et samedi, à 14:30.",
    "de": "Die vereinbarten Tage: Dienstag, Donnerstag und Samstag, um 14:30 Uhr.",
}
METADATA = {"en": "Homework handout", "es": "Hoja de tarea", "fr": "Fiche d'exercice"}


def text_of(path: Path) -> str:
    """All the PDF's text, whitespace collapsed (non-breaking spaces kept, ligatures undone)."""
    with pymupdf.open(path) as doc:
        text = " ".join(page.get_text() for page in doc)
    for ligature, letters in (("\ufb00", "ff"), ("\ufb01", "fi"), ("\ufb02", "fl")):
        text = text.replace(ligature, letters)
    return " ".join(text.replace("\u00a0", "\x00").split()).replace("\x00", "\u00a0")


def pages(path: Path) -> int:
    """The PDF's page count."""
    with pymupdf.open(path) as doc:
        return int(doc.page_count)


@pytest.fixture
def sqlite_app(home: Path) -> Iterator[HwApplication]:
    """The application on a SQLite file (printing does not depend on the backend)."""
    application = open_application(settings=Settings(home=home), today=lambda: TODAY)
    yield application
    application.close()


def assign(app: HwApplication, client: str, accommodations: str = "", **extra: object) -> int:
    """One pending assignment in the client's own (Spanish) words."""
    if client not in app.client_names():
        app.register_client(client)
    spec = AssignmentSpec(
        title=TITLE,
        task=TASK,
        client_why=WHY,
        when_where=WHEN,
        framing_wording=WORDING,
        format="behavioral",
        size="small",
        framing="experiment",
        frequency="several-weekly",
        days=("tue", "thu", "sat"),
        time="14:30",
        accommodations=accommodations,
        **extra,  # type: ignore[arg-type]
    )
    result = app.assign(client, spec, date=TODAY.isoformat())
    return result.assignment.assignment_id


# ------------------------------------------------------------------ catalogues


def test_every_message_is_translated_in_every_catalogue_and_the_mo_files_are_current() -> None:
    assert problems() == []
    messages = [m for m in extract() if m.id]
    assert len(messages) >= 30
    for catalogue in CATALOGUES:
        compiled = translations(catalogue)
        for message in messages:
            singular = message.id if isinstance(message.id, str) else message.id[0]
            translated = compiled.gettext(singular)
            assert translated.strip(), (catalogue, singular)
            if catalogue != "en_plain" and singular != "{when}: {how_often}.":
                assert translated != singular, (catalogue, singular)  # really translated


def test_the_checker_sees_a_missing_translation_and_a_stale_mo(tmp_path: Path) -> None:
    from babel.messages.pofile import read_po

    from hwcore.printing import locale_build

    po = locale_build.po_path("de")
    original = po.read_bytes()
    try:
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale="de", domain="handout")
        catalogue["Why it can help"].string = ""
        from babel.messages.pofile import write_po

        with po.open("wb") as handle:
            write_po(handle, catalogue, width=100, include_lineno=False)
        found = problems()
    finally:
        po.write_bytes(original)
    assert "de: untranslated 'Why it can help'" in found
    assert any("handout.mo is out of date" in line for line in found)
    assert problems() == []


# ------------------------------------------------------------------ languages


@pytest.mark.parametrize("language", HANDOUT_LANGUAGES)
def test_each_language_translates_the_fixed_text_and_keeps_the_clients_words(
    sqlite_app: HwApplication, tmp_path: Path, language: str
) -> None:
    assign(sqlite_app, "L1")
    out = sqlite_app.printing.print_handout("L1", "latest", tmp_path / "h.pdf", language=language)

    text = text_of(out)
    assert pages(out) == 1
    for heading in HEADINGS[language]:
        assert heading in text, heading
    assert PERMISSION_START[language] in text
    assert SESSION_DATE[language] in text
    assert AGREED_DAYS[language] in text
    for own in (TASK, WHY, WHEN, WORDING, f"({TITLE})"):
        assert own in text, own
    for other, headings in HEADINGS.items():
        if other != language:
            assert headings[1] not in text, other
    with pymupdf.open(out) as doc:
        title = doc.metadata["title"]
    if language in METADATA:
        assert title == METADATA[language]
    for clinical in (TITLE, TASK, WHY, "L1"):
        assert clinical not in title


def test_the_date_is_in_the_languages_format_and_an_unreadable_date_as_given() -> None:
    from hwcore.printing.i18n import HandoutLanguage

    day = "2026-12-24"
    assert HandoutLanguage("en").date(day) == "December 24, 2026"
    assert HandoutLanguage("es").date(day) == "24 de diciembre de 2026"
    assert HandoutLanguage("fr").date(day) == "24 décembre 2026"
    assert HandoutLanguage("de").date(day) == "24. Dezember 2026"
    assert HandoutLanguage("en", plain=True).date(day) == "December 24, 2026"
    assert HandoutLanguage("de").date("not a date") == "not a date"
    assert HandoutLanguage("es").days([0, 1, 2, 3, 4, 5, 6]) == "todos los días"
    assert HandoutLanguage("fr").days([4]) == "vendredi"


def test_every_agreed_day_is_said_once_in_each_language() -> None:
    from hwcore.printing.handout_pdf import agreed_when
    from hwcore.printing.i18n import HandoutLanguage
    from hwcore.printing.schedule import WEEKDAYS

    assert agreed_when(WEEKDAYS, "21:45") == "Every day, at 21:45, as we agreed."
    assert agreed_when(WEEKDAYS, "", HandoutLanguage("es")) == "Todos los días, como acordamos."
    assert agreed_when(WEEKDAYS, "21:45", HandoutLanguage("de")) == (
        "Jeden Tag um 21:45 Uhr, wie vereinbart."
    )
    assert agreed_when(("sun", "mon"), "", HandoutLanguage("fr")) == (
        "Les jours convenus\u00a0: lundi et dimanche."
    )
    assert agreed_when((), "08:00", HandoutLanguage("en", plain=True)) == (
        "The time we picked: 08:00."
    )


def test_plain_language_is_short_everyday_english(
    sqlite_app: HwApplication, tmp_path: Path
) -> None:
    assign(sqlite_app, "P1")
    standard = text_of(sqlite_app.printing.print_handout("P1", 1, tmp_path / "s.pdf"))
    plain = text_of(sqlite_app.printing.print_handout("P1", 1, tmp_path / "p.pdf", plain=True))

    assert "Your step before we meet again" in plain
    assert "How you know it is done" in plain
    assert "You do not have to show this to me. It is yours." in plain
    assert "Do it 3 times, in your own way." in plain
    assert "The days we picked: Tuesday, Thursday and Saturday, at 14:30." in plain
    assert "What done looks like" in standard
    assert "What done looks like" not in plain
    for own in (TASK, WHY, WHEN, WORDING):
        assert own in plain


def test_plain_language_sentences_are_short() -> None:
    compiled = translations("en_plain")
    longest = 0
    for message in extract():
        if not message.id:
            continue
        singular = message.id if isinstance(message.id, str) else message.id[0]
        for sentence in compiled.gettext(singular).split(". "):
            longest = max(longest, len(sentence.split()))
    assert longest <= 14  # about a 5th-grade reading level: short sentences


def test_plain_language_is_refused_for_a_language_without_it(
    sqlite_app: HwApplication, tmp_path: Path
) -> None:
    assign(sqlite_app, "P2")
    with pytest.raises(AccommodationError, match="plain language is for English handouts only"):
        sqlite_app.printing.print_handout("P2", 1, tmp_path / "x.pdf", language="de", plain=True)
    with pytest.raises(InvalidValueError, match="invalid language 'it': allowed en, es, fr, de"):
        sqlite_app.printing.print_handout("P2", 1, tmp_path / "x.pdf", language="it")
    assert not (tmp_path / "x.pdf").exists()


def test_the_calendar_files_fixed_text_follows_the_language(
    sqlite_app: HwApplication, tmp_path: Path
) -> None:
    assign(sqlite_app, "C1", method="en el móvil")
    sqlite_app.printing.print_handout(
        "C1", 1, tmp_path / "c.pdf", ics=tmp_path / "c.ics", language="fr"
    )
    events = list(icalendar.Calendar.from_ical((tmp_path / "c.ics").read_bytes()).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [f"{TITLE} ({i} sur 3)" for i in (1, 2, 3)]
    description = str(events[0]["description"])
    assert f"Quand et où\u00a0: {WHEN}" in description
    assert "Comment\u00a0: en el móvil" in description
    assert "Vous n'avez pas à me la montrer." in description
    alarm = next(iter(events[0].walk("VALARM")))
    assert str(alarm["description"]) == f"Rappel\u00a0: {TITLE}"


# ------------------------------------------------------------------ accommodations


@pytest.mark.parametrize(
    ("text", "language", "plain", "large"),
    [
        ("Spanish handout", "es", None, None),
        ("large print; Spanish handout", "es", None, True),
        ("language: fr", "fr", None, None),
        ("Handout language = DE, family joins", "de", None, None),
        ("handout in Español", "es", None, None),
        ("5th-grade reading level", None, True, None),
        ("reading level: grade 4\nlarge print", None, True, True),
        ("reading level: standard; regular print", None, False, False),
        ("plain language. Deutsch handout", "de", True, None),
        ("language: plain", None, True, None),
        ("reading level: 8th grade", None, False, None),
        ("family joins; ADHD: short segments", None, None, None),
        ("printed handout", None, None, None),
        ("", None, None, None),
    ],
)
def test_the_accommodation_vocabulary(
    text: str, language: str | None, plain: bool | None, large: bool | None
) -> None:
    choice = accommodation_choice(text, 1)
    assert (choice.language, choice.plain, choice.large_print) == (language, plain, large)


def test_unknown_or_conflicting_accommodation_languages_are_one_clear_error() -> None:
    with pytest.raises(AccommodationError, match="handout language 'italian': allowed en, es"):
        accommodation_choice("language: Italian", 3)
    with pytest.raises(AccommodationError, match=r"name two handout languages \(es, fr\)"):
        accommodation_choice("Spanish handout; language: fr", 3)


def test_the_accommodation_picks_the_language_for_this_and_later_assignments(
    sqlite_app: HwApplication, tmp_path: Path
) -> None:
    first = assign(sqlite_app, "A1", accommodations="Spanish handout; large print")
    second = assign(sqlite_app, "A1")  # nothing recorded: the client's earlier accommodation
    third = assign(sqlite_app, "A1", accommodations="English handout; plain language")

    choice = sqlite_app.printing.handout_choice("A1", second)
    assert (choice.language, choice.plain, choice.large_print) == ("es", False, True)
    assert choice.from_accommodations == ("language", "large print")
    out = sqlite_app.printing.print_handout("A1", second, tmp_path / "a.pdf")
    assert HEADINGS["es"][1] in text_of(out)
    assert sqlite_app.printing.handout_choice("A1", first).language == "es"
    latest = sqlite_app.printing.handout_choice("A1", third)
    assert (latest.language, latest.plain, latest.large_print) == ("en", True, True)
    # What is given for this print wins over the accommodations.
    given = sqlite_app.printing.handout_choice("A1", second, language="de", large_print=False)
    assert (given.language, given.large_print, given.from_accommodations) == ("de", False, ())


def test_a_plain_language_accommodation_gives_way_to_another_language(
    sqlite_app: HwApplication,
) -> None:
    ident = assign(sqlite_app, "A2", accommodations="language: es; 5th grade reading level")
    choice = sqlite_app.printing.handout_choice("A2", ident)
    assert (choice.language, choice.plain, choice.from_accommodations) == (
        "es",
        False,
        ("language",),
    )


def test_a_session_date_typo_still_prints(sqlite_app: HwApplication, tmp_path: Path) -> None:
    sqlite_app.register_client("D1")
    sqlite_app.assign(
        "D1",
        AssignmentSpec(title="Walk", format="behavioral", size="small", framing="experiment"),
        date=dt.date(2026, 3, 1).isoformat(),
    )
    out = sqlite_app.printing.print_handout("D1", 1, tmp_path / "d.pdf", language="de")
    assert "vom 1. März 2026" in text_of(out)
