"""Issue 14 item 13: the one sanitiser for terminal-bound text (hwcore.textsafe)."""

from __future__ import annotations

import json

import pytest

from hwcore.application import calendar_text, is_terminal_safe, json_text, terminal_text

HOSTILE = "Walk\x1b[2J\x1b]0;pwned\x07 \x9b31m\r\x08\x7f\u202eevil\u2066 done"


def test_terminal_text_shows_every_control_character_instead_of_passing_it() -> None:
    safe = terminal_text(HOSTILE)
    assert is_terminal_safe(safe)
    assert not is_terminal_safe(HOSTILE)
    assert "\x1b" not in safe
    assert "\x9b" not in safe
    assert "\u202e" not in safe
    assert safe == ("Walk\\x1b[2J\\x1b]0;pwned\\x07 \\x9b31m\\x0d\\x08\\x7f\\u202eevil\\u2066 done")


@pytest.mark.parametrize("code", [*range(0x20), 0x7F, *range(0x80, 0xA0)])
def test_every_c0_and_c1_control_is_escaped(code: int) -> None:
    text = f"a{chr(code)}b"
    kept = terminal_text(text)
    one_line = terminal_text(text, keep_layout=False)
    assert "\x1b" not in one_line
    assert is_terminal_safe(one_line)
    assert "\n" not in one_line
    if chr(code) in "\t\n":
        assert kept == text  # the layout is kept where it is allowed
    else:
        assert kept == f"a\\x{code:02x}b"


def test_plain_text_is_returned_unchanged() -> None:
    text = "Zoë's walk — 3×/week, 10 min\n\tthen rest"
    assert terminal_text(text) is text


def test_json_text_keeps_the_exact_text_and_no_raw_control_reaches_the_terminal() -> None:
    document = {"title": HOSTILE, "n": [1, 2.5, None, True]}
    text = json_text(document)
    assert json.loads(text) == document
    assert is_terminal_safe(text)
    assert terminal_text(text) == text  # the CLI's stream wrapper leaves JSON alone
    assert "Zoë" in json_text({"c": "Zoë"})  # not ASCII-escaped


def test_calendar_text_has_no_control_characters() -> None:
    cleaned = calendar_text(HOSTILE + "\nline two\tend")
    assert all(c == "\n" or not (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) for c in cleaned)
    assert "\u202e" not in cleaned
    assert cleaned.endswith("\nline two end")
