"""The client's one-page handout for one assignment, in plain, warm language.

The task in one sentence, why it helps (in the words agreed with the client:
``client_why``), when and where (the agreed days and time), what done looks
like, a tick grid with one box per planned dose, a low-pressure permission
line and the clinic's branding. A large-print variant doubles as an accessible
copy.

The handout goes home with the client, so it is built from client-facing
fields only: never the clinical rationale, barriers, notes, miss reasons or
explanations, or the confidence rating (:class:`Handout` has no field for
them). The PDF's metadata holds no clinical text either: its title, subject
and keywords are :data:`METADATA_TITLE`.
"""

from __future__ import annotations

import attrs

from hwcore.domain import Size
from hwcore.printing.branding import Branding
from hwcore.printing.colours import readable_ink, tint
from hwcore.printing.render import Page, esc, header, render_pdf, stylesheet
from hwcore.printing.schedule import describe_days, describe_frequency, planned_doses

PERMISSION = (
    "You don't have to show this to me. It's yours: use it however it helps."
    " If it doesn't happen, that's fine too; we can talk about what got in the way."
)
"""The low-pressure permission line printed on every handout."""

DEFAULT_WHY = (
    "Small steps between our sessions help what we talk about carry into your"
    " everyday life, and show us both what works for you."
)
"""The gentle generic 'why' printed when no ``client_why`` was agreed."""

METADATA_TITLE = "Homework handout"
"""The PDF's title, subject and keywords (no assignment title: it may be clinical)."""

MINUTES: dict[str, str] = {
    Size.TINY.value: "It only takes a few minutes.",
    Size.SMALL.value: "It takes about 5 to 15 minutes.",
    Size.MEDIUM.value: "It takes about 15 to 30 minutes.",
    Size.LARGE.value: "Give yourself about half an hour or a little more.",
}

ATTEMPTS = ((1.0, True), (1.0, False), (0.92, False), (0.84, False), (0.76, False), (0.68, False))
"""(text scale, with the notes lines) tried in order until the handout fits one page:
the optional notes lines go first, then the text shrinks."""


@attrs.frozen
class Handout:
    """What the handout of one assignment says: client-facing values only.

    There is deliberately no field for the clinical rationale, barriers, notes,
    reasons, explanations or confidence: the handout cannot print them.
    """

    client: str
    assignment_id: int
    session_date: str
    title: str
    task: str = ""
    client_why: str = ""
    """Why it can help, in the words agreed with the client."""
    when_where: str = ""
    method: str = ""
    frequency: str = "weekly"
    planned_doses: int | None = None
    framing_wording: str = ""
    size: str = "small"
    days: tuple[str, ...] = ()
    """Agreed days ('mon' ... 'sun'), or none."""
    time: str = ""
    """Agreed time 'HH:MM', or ''."""

    @property
    def sentence(self) -> str:
        """The task in one sentence (the title when no sentence was recorded)."""
        return (self.task or self.title).strip()

    @property
    def doses(self) -> int:
        """Boxes in the tick grid: one per planned dose."""
        return planned_doses(self.frequency, self.planned_doses, self.days)


def _grid(doses: int, box_px: int, per_row: int, accent: str) -> str:
    """One empty box per dose, numbered underneath, ``per_row`` to a line."""
    border = readable_ink(accent)
    gap = max(6, box_px // 3)
    box = (
        f'<td class="box" style="width:{box_px}px;height:{box_px}px;'
        f'border:1.6pt solid {border}">&#160;</td>'
    )
    spacer = f'<td style="width:{gap}px">&#160;</td>'
    rows: list[str] = []
    for first in range(1, doses + 1, per_row):
        numbers = range(first, min(doses, first + per_row - 1) + 1)
        rows.append("<tr>" + spacer.join(box for _ in numbers) + "</tr>")
        rows.append("<tr>" + spacer.join(f'<td class="boxno">{n}</td>' for n in numbers) + "</tr>")
    return '<table class="ticks">' + "".join(rows) + "</table>"


def _lines(count: int, height_px: int) -> str:
    """Ruled lines for the client's own notes."""
    row = f'<tr><td class="rule" style="height:{height_px}px">&#160;</td></tr>'
    return '<table class="rules">' + row * count + "</table>"


def handout_css(branding: Branding, scale: float, *, large_print: bool) -> str:
    """The handout's stylesheet on top of the shared one."""
    base = (16.0 if large_print else 11.5) * scale
    accent = branding.accent
    return (
        stylesheet(branding, base_pt=base)
        + f"""
h2 {{ border-bottom: none; margin: {10 * scale:.1f}pt 0 2pt 0; }}
p {{ margin: 0 0 {4 * scale:.1f}pt 0; }}
.task {{ font-size: {base * 1.45:.1f}pt; font-weight: bold; color: #1a1a1a;
        background-color: {tint(accent, 0.86)}; padding: 9pt 11pt;
        border-left: 5pt solid {accent}; margin: 8pt 0 4pt 0; line-height: 1.25; }}
.quote {{ font-style: italic; color: #444444; }}
table.ticks {{ border-collapse: collapse; margin: 4pt 0 2pt 0; }}
td.boxno {{ font-size: {base * 0.8:.1f}pt; color: #666666; text-align: center;
           padding: 1pt 0 {6 * scale:.1f}pt 0; }}
table.rules {{ width: 100%; border-collapse: collapse; margin: 2pt 0 0 0; }}
td.rule {{ border-bottom: 0.6pt solid #bbbbbb; }}
.permission {{ font-size: {base * 1.05:.1f}pt; color: #333333; background-color: #f6f6f6;
              padding: 8pt 11pt; margin: 12pt 0 0 0; }}
"""
    )


def handout_html(
    handout: Handout,
    branding: Branding,
    *,
    large_print: bool,
    scale: float = 1.0,
    notes: bool = True,
) -> str:
    """The handout's HTML body."""
    doses = handout.doses
    how_often = describe_frequency(handout.frequency, doses)
    subtitle = (
        f"For {esc(handout.client)} &#160;·&#160; from our session on {esc(handout.session_date)}"
    )
    parts = [header(branding, "Your step until we meet again", subtitle)]
    parts.append(f'<p class="task">{esc(handout.sentence)}</p>')
    if handout.task and handout.title.strip() and handout.title.strip() != handout.sentence:
        parts.append(f'<p class="muted">({esc(handout.title)})</p>')
    if handout.framing_wording.strip():
        parts.append(f'<p class="quote">\u201c{esc(handout.framing_wording)}\u201d</p>')
    parts.append("<h2>Why it can help</h2>")
    why = esc(handout.client_why) if handout.client_why.strip() else DEFAULT_WHY
    parts.append(f"<p>{why}</p>")
    parts.append("<h2>When and where</h2>")
    when = esc(handout.when_where) if handout.when_where.strip() else "At a time that suits you"
    parts.append(f"<p>{when}: {esc(how_often)}.</p>")
    agreed = agreed_when(handout.days, handout.time)
    if agreed:
        parts.append(f"<p>{esc(agreed)}</p>")
    if handout.method.strip():
        parts.append(f"<p>How: {esc(handout.method)}</p>")
    parts.append("<h2>What done looks like</h2>")
    minutes = MINUTES.get(handout.size, "")
    times = "once" if doses == 1 else f"{doses} times"
    parts.append(
        f"<p>Doing it {times}, your way. {minutes} Tick a box each time;"
        " a part done still counts.</p>"
    )
    box = round((44 if large_print else 30) * scale)
    per_row = 7 if doses % 7 == 0 or doses <= 7 else (5 if large_print else 10)
    parts.append(_grid(doses, box, per_row, branding.accent))
    if notes:
        parts.append("<h2>Anything you noticed?</h2>")
        parts.append('<p class="muted">Only if you want to: a word or two is plenty.</p>')
        parts.append(_lines(3, round((40 if large_print else 30) * scale)))
    parts.append(f'<p class="permission">{PERMISSION}</p>')
    return "".join(parts)


def agreed_when(days: tuple[str, ...], time: str) -> str:
    """'The days we agreed: Tuesday and Thursday, at 17:30.' (or '' when nothing was agreed)."""
    if days and time:
        return f"The days we agreed: {describe_days(days)}, at {time}."
    if days:
        return f"The days we agreed: {describe_days(days)}."
    if time:
        return f"The time we agreed: {time}."
    return ""


def render_handout(
    handout: Handout, branding: Branding, *, large_print: bool = False
) -> tuple[bytes, int]:
    """The handout as PDF bytes (one page), and its page count.

    Long texts are set smaller until the handout fits one page; the page count
    is returned so callers can tell when even the smallest size did not fit.
    """
    files: dict[str, bytes] = {}
    logo = branding.logo_bytes
    if logo is not None:
        files[branding.logo_name] = logo
    left = " · ".join(x for x in (branding.clinic_name, branding.footer) if x)
    page = Page(paper=branding.paper, footer_left=left, footer_right="")
    result: tuple[bytes, int] = (b"", 0)
    for scale, notes in ATTEMPTS:
        result = render_pdf(
            handout_html(handout, branding, large_print=large_print, scale=scale, notes=notes),
            handout_css(branding, scale, large_print=large_print),
            page,
            files=files,
            title=METADATA_TITLE,
            subject=METADATA_TITLE,
            keywords=METADATA_TITLE,
            author=branding.clinic_name,
        )
        if result[1] <= 1:
            break
    return result
