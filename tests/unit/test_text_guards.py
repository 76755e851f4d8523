"""Control characters in recorded text: refused by the domain, replayed when stored before.

A user trial recorded a framing label ``cur\\x1b[31miosity``, a title of only
``\\x07\\x1b`` and an explanation with colour codes, and corrected an
explanation to 5,000 characters. One-line fields (title, framing label) now
refuse every control character (tab and newline included) and the invisible
format characters; free text refuses the same but newline, tab and the
zero-width joiners. A correction meets the guards of the field it corrects.
"""

from __future__ import annotations

import pytest

from hwcore.domain import (
    MAX_TEXT,
    AssignmentSpec,
    Case,
    InvalidValueError,
    Outcome,
    check_line,
    check_spec,
    check_text,
)
from hwcore.domain.guards import check_label
from hwcore.printing.render import esc
from tests.oldstore import text_guard_lifted
from tests.unit.builders import give, new_case, session_date

ESCAPES = [
    "cur\x1b[31miosity",  # a colour code
    "\x1b[2J",  # clears the screen
    "\x07\x1b",  # bell, ESC
    "a\x9b31mb",  # a one-byte CSI (C1)
    "a\x00b",
    "a\x7fb",
    "evil\u202etxt",  # right-to-left override
    "a\u2066b\u2069",  # bidi isolate
    "a\u200bb",  # zero-width space (Cf)
    "a\ufeffb",  # byte-order mark (Cf)
    "a\u2028b",  # line separator
    "a\ud800b",  # a lone surrogate (undecodable bytes on the command line)
    "a\rb",
    "a\r\nb",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_free_text_refuses_control_characters_and_never_echoes_the_text(text: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_text("explanation", f"I said {text} there")
    message = str(caught.value)
    assert message.startswith("invalid explanation '<control character U+")
    assert "new lines and tabs are allowed" in message
    assert "I said" not in message
    assert not any(c in message for c in text if not c.isprintable())


@pytest.mark.parametrize(
    "text", ["two\nlines", "a\tb", "na\u200cme", "👨\u200d👩", "é ü ß 中文", ""]
)
def test_free_text_keeps_newlines_tabs_and_joiners(text: str) -> None:
    check_text("explanation", text)


@pytest.mark.parametrize("text", [*ESCAPES, "two\nlines", "a\tb", "a\u200db"])
def test_one_line_fields_refuse_every_control_and_format_character(text: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        check_line("title", text)
    assert str(caught.value).startswith("invalid title '<control character U+")
    assert "one line of text without control characters" in str(caught.value)


def test_the_error_names_the_code_point_and_where() -> None:
    with pytest.raises(InvalidValueError, match=r"U\+001B at character 4"):
        check_label("cur\x1b[31miosity")
    with pytest.raises(InvalidValueError, match=r"invalid framing '<control character U\+001B"):
        check_label("\x1b[31m")  # not empty once stripped: refused for its control character


def test_the_length_rule_still_comes_first_and_applies_to_one_line_fields() -> None:
    with pytest.raises(InvalidValueError, match="'<4001 characters>': allowed at most 4000"):
        check_line("title", "x" * (MAX_TEXT + 1))
    check_text("notes", "x" * MAX_TEXT)


def _spec(**fields: str) -> AssignmentSpec:
    return AssignmentSpec(
        **{"title": "Walk", "format": "behavioral", "size": "small", "framing": "x", **fields}
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "\x07\x1b"),
        ("title", "Walk\ntwice"),
        ("framing", "cur\x1b[31miosity"),
        ("framing", "curi\u200dosity"),  # looks like 'curiosity', another key
        ("rationale", "see \x1b]0;title\x07"),
        ("task", "go\u202e out"),
        ("client_why", "because\r\n"),
    ],
)
def test_an_assignment_refuses_a_control_character_in_any_text_field(
    field: str, value: str
) -> None:
    with pytest.raises(InvalidValueError, match=f"invalid {field} '<control character"):
        check_spec(_spec(**{field: value}))
    case = new_case()
    case.hold_session(1, session_date(1))
    with pytest.raises(InvalidValueError):
        case.assign(1, _spec(**{field: value}))
    assert case.assignments == {}


def _case_with_a_miss() -> Case:
    case = new_case()
    give(case, 1, outcome="missed", explanation="it rained")
    return case


def test_every_command_with_text_refuses_control_characters() -> None:
    case = new_case()
    give(case, 1, outcome="pending")  # holds sessions 1 and 2
    before = len(case.pending_events)
    refused = [
        lambda: case.miss(1, 2, explanation="I \x1b[31mhate\x1b[0m it"),
        lambda: case.complete(1, 2, experience="fine\x9b2J"),
        lambda: case.complete(1, 2, insights="a\x07"),
        lambda: case.change_framing(2, "\x1b[2J", "", ""),
        lambda: case.change_framing(2, "curiosity", "notice\x1b[1A", ""),
        lambda: case.note_change(2, "life", "moved\x1b[2K house"),  # type: ignore[arg-type]
        lambda: case.correct_session_date(1, session_date(1).replace(day=6), "typo\x1b"),
        lambda: case.record_consent(2, "sms", boundaries="no\x1b crisis", privacy_risk="ok"),
    ]
    for command in refused:
        with pytest.raises(InvalidValueError, match="control character"):
            command()
    assert len(case.pending_events) == before  # nothing recorded


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"explanation": "x" * 5000}, "invalid explanation '<5000 characters>': allowed at most"),
        ({"experience": "x" * 4001}, "invalid experience '<4001 characters>'"),
        ({"explanation": "I \x1b[31mhate\x1b[0m it"}, "invalid explanation '<control character"),
        ({"insights": "a\u202eb"}, "invalid insights '<control character U+202E"),
        ({"modification": "a\rb"}, "invalid modification '<control character U+000D"),
        ({"task": "go\x1b[2J"}, "invalid task '<control character"),
        ({"title": "\x07\x1b"}, "invalid title '<control character U+0007"),
        ({"title": "a\tb"}, "invalid title '<control character U+0009"),
        ({"framing": "cur\x1b[31miosity"}, "invalid framing '<control character"),
        ({"framing": "x" * 61}, "invalid framing '<61 characters>'"),
    ],
)
def test_a_correction_meets_the_guards_of_the_field_it_corrects(
    changes: dict[str, str], needle: str
) -> None:
    case = _case_with_a_miss()
    before = len(case.pending_events)
    with pytest.raises(InvalidValueError) as caught:
        case.correct(1, 2, changes, "typo")
    assert needle in str(caught.value)
    assert "hate" not in str(caught.value)
    assert len(case.pending_events) == before
    assert case.get_assignment(1).resolution is not None
    assert case.get_assignment(1).resolution.explanation == "it rained"  # type: ignore[union-attr]


def test_a_correction_within_the_rules_is_recorded() -> None:
    case = _case_with_a_miss()
    case.correct(1, 2, {"explanation": "it rained\nall week", "title": "Walk"}, "typo")
    assignment = case.get_assignment(1)
    assert assignment.outcome is Outcome.MISSED
    assert assignment.spec.title == "Walk"


def test_text_stored_before_the_guard_still_replays_unchanged() -> None:
    with text_guard_lifted():  # an older store: hw accepted these then
        old = new_case()
        give(old, 1, framing="cur\x1b[31miosity", title="\x07\x1b", outcome="pending")
        old.hold_session(2, session_date(2))
        old.miss(1, 2, explanation="I \x1b[31mhate\x1b[0m it")
        old.correct(1, 2, {"explanation": "it\x1b[2K rained", "insights": "a\u202eb"}, "r\x1b")
        old.change_framing(2, "\x1b[2J", "", "")
    events = old.collect_events()
    replayed = Case.replay(events)
    assignment = replayed.get_assignment(1)
    assert assignment.spec.framing == "cur\x1b[31miosity"
    assert assignment.spec.title == "\x07\x1b"
    assert assignment.resolution is not None
    assert assignment.resolution.explanation == "it\x1b[2K rained"
    assert assignment.resolution.insights == "a\u202eb"
    assert replayed.framing_history[-1].label == "\x1b[2J"
    # ...but a new command on it is guarded again.
    with pytest.raises(InvalidValueError, match="control character"):
        replayed.correct(1, 2, {"insights": "a\u202eb"}, "again")


def test_a_printout_shows_a_stored_escape_sequence_as_the_terminal_does() -> None:
    shown = esc("I \x1b[31mhate\x1b[0m it\r\nreally\tso\x07")
    assert shown == "I \\x1b[31mhate\\x1b[0m it<br/>really so\\x07"
    assert esc("a\u202eb <i>") == "a\\u202eb &lt;i&gt;"
    assert esc("one\n\ntwo") == "one<br/>two"  # never a blank line
