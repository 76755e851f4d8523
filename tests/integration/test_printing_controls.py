"""A stored escape sequence prints as the terminal shows it, never as a replacement glyph.

An explanation recorded before hw refused control characters printed in the
planner PDF as ``I \N{REPLACEMENT CHARACTER}[31mhate...``; it now reads
``I \\x1b[31mhate\\x1b[0m it``, as ``hw plan`` shows it on a terminal.
"""

from __future__ import annotations

from pathlib import Path

from hwcore.application import AssignmentSpec, HwApplication
from tests.integration.test_printing import flat, pdf_text
from tests.oldstore import text_guard_lifted


def test_an_older_stores_escape_sequences_print_visibly(app: HwApplication, tmp_path: Path) -> None:
    with text_guard_lifted():  # an older store
        app.register_client("EZ")
        app.assign(
            "EZ",
            AssignmentSpec(
                title="Walk\x1b[2J", format="behavioral", size="small", framing="cur\x1b[31miosity"
            ),
            session=1,
            date="2026-02-02",
        )
        app.miss(
            "EZ", "latest", session=2, date="2026-02-09", explanation="I \x1b[31mhate\x1b[0m it"
        )
        app.assign(
            "EZ",
            AssignmentSpec(title="Note\u202e it", format="written", size="tiny", framing="x"),
            session=2,
        )
    plan = tmp_path / "plan.pdf"
    app.printing.print_plan("EZ", plan)
    handout = tmp_path / "handout.pdf"
    app.printing.print_handout("EZ", 2, handout)
    for path in (plan, handout):
        text = " ".join(pdf_text(path))
        assert "\ufffd" not in text, path
        assert "\x1b" not in text
        assert "\u202e" not in text
    planned = flat(" ".join(pdf_text(plan)))
    assert "I \\x1b[31mhate\\x1b[0m it" in planned
    assert "cur\\x1b[31miosity" in planned
    assert "Note\\u202e it" in flat(" ".join(pdf_text(handout)))
