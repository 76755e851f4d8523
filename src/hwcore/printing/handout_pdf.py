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

from hwcore.domain import Frequency, Size
from hwcore.printing.branding import Branding
from hwcore.printing.colours import readable_ink, tint
from hwcore.printing.i18n import N_, HandoutLanguage
from hwcore.printing.render import Page, esc, header, render_pdf, stylesheet
from hwcore.printing.schedule import agreed_weekdays, planned_doses
from hwcore.valueclass import Value

PERMISSION = N_(
    "You don't have to show this to me. It's yours: use it however it helps."
    " If it doesn't happen, that's fine too; we can talk about what got in the way."
)
"""The low-pressure permission line printed on every handout (English; translated in print)."""

DEFAULT_WHY = N_(
    "Small steps between our sessions help what we talk about carry into your"
    " everyday life, and show us both what works for you."
)
"""The gentle generic 'why' printed when no ``client_why`` was agreed."""

METADATA_TITLE = N_("Homework handout")
"""The PDF's title, subject and keywords, translated like the rest of the fixed text
(never the assignment's title: it may be clinical)."""

MINUTES: dict[str, str] = {
    Size.TINY.value: N_("It only takes a few minutes."),
    Size.SMALL.value: N_("It takes about 5 to 15 minutes."),
    Size.MEDIUM.value: N_("It takes about 15 to 30 minutes."),
    Size.LARGE.value: N_("Give yourself about half an hour or a little more."),
}

ATTEMPTS = ((1.0, True), (1.0, False), (0.92, False), (0.84, False), (0.76, False), (0.68, False))
"""(text scale, with the notes lines) tried in order until the handout fits one page:
the optional notes lines go first, then the text shrinks."""


@attrs.frozen(repr=False, eq=False)
class Handout(Value):
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
    language: HandoutLanguage = attrs.field(factory=HandoutLanguage)
    """The language and reading level of the fixed text (the client's own text is as written)."""

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


def _heading(text: str) -> str:
    return f"<h2>{esc(text)}</h2>"


def _para(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def handout_html(
    handout: Handout,
    branding: Branding,
    *,
    large_print: bool,
    scale: float = 1.0,
    notes: bool = True,
) -> str:
    """The handout's HTML body, its fixed text in ``handout.language``."""
    lang = handout.language
    _ = lang.gettext
    doses = handout.doses
    how_often = describe_frequency(lang, handout.frequency, doses)
    subtitle = esc(
        _("For {client} · from our session on {date}").format(
            client=handout.client, date=lang.date(handout.session_date)
        )
    ).replace(" · ", " &#160;·&#160; ")
    parts = [header(branding, _("Your step until we meet again"), subtitle)]
    parts.append(f'<p class="task">{esc(handout.sentence)}</p>')
    if handout.task and handout.title.strip() and handout.title.strip() != handout.sentence:
        parts.append(f'<p class="muted">({esc(handout.title)})</p>')
    if handout.framing_wording.strip():
        quoted = _("\u201c{wording}\u201d").format(wording=handout.framing_wording.strip())
        parts.append(f'<p class="quote">{esc(quoted)}</p>')
    parts.append(_heading(_("Why it can help")))
    why = esc(handout.client_why) if handout.client_why.strip() else esc(_(DEFAULT_WHY))
    parts.append(f"<p>{why}</p>")
    parts.append(_heading(_("When and where")))
    when = handout.when_where.strip() or _("At a time that suits you")
    parts.append(_para(_("{when}: {how_often}.").format(when=when, how_often=how_often)))
    agreed = agreed_when(handout.days, handout.time, lang)
    if agreed:
        parts.append(_para(agreed))
    if handout.method.strip():
        parts.append(_para(_("How: {method}").format(method=handout.method.strip())))
    parts.append(_heading(_("What done looks like")))
    done = lang.ngettext("Doing it once, your way.", "Doing it {count} times, your way.", doses)
    minutes = _(MINUTES[handout.size]) if handout.size in MINUTES else ""
    tick = _("Tick a box each time; a part done still counts.")
    done_line = " ".join(x for x in (done.format(count=doses), minutes, tick) if x)
    parts.append(_para(done_line))
    box = round((44 if large_print else 30) * scale)
    per_row = 7 if doses % 7 == 0 or doses <= 7 else (5 if large_print else 10)
    parts.append(_grid(doses, box, per_row, branding.accent))
    if notes:
        parts.append(_heading(_("Anything you noticed?")))
        only_if = _("Only if you want to: a word or two is plenty.")
        parts.append(f'<p class="muted">{esc(only_if)}</p>')
        parts.append(_lines(3, round((40 if large_print else 30) * scale)))
    parts.append(f'<p class="permission">{esc(_(PERMISSION))}</p>')
    return "".join(parts)


def describe_frequency(lang: HandoutLanguage, frequency: str, doses: int) -> str:
    """How often, in the handout's language: 'every day this week (7 times)'."""
    freq = Frequency.parse(frequency)
    _ = lang.gettext
    if doses == 2:
        times = _("twice")
    else:
        times = lang.ngettext("once", "{count} times", doses).format(count=doses)
    if freq is Frequency.WEEKLY:
        if doses == 1:
            return _("once this week")
        return _("once a week ({times} in all)").format(times=times)
    if freq is Frequency.SEVERAL_WEEKLY:
        return _("a few times this week ({times})").format(times=times)
    if freq is Frequency.DAILY:
        return _("every day this week ({times})").format(times=times)
    if freq is Frequency.AS_NEEDED:
        return _("whenever it would help (up to {times})").format(times=times)
    return _("once before we next meet")  # once, per-cycle


def agreed_when(days: tuple[str, ...], time: str, lang: HandoutLanguage | None = None) -> str:
    """'The days we agreed: Tuesday and Thursday, at 17:30.' (or '' when nothing was agreed).

    Every day agreed: 'Every day, at 17:30, as we agreed.'
    """
    lang = lang or HandoutLanguage()
    _ = lang.gettext
    weekdays = agreed_weekdays(days) if days else []
    named = lang.days(weekdays) if days else ""
    if len(weekdays) == 7:
        if time:
            return _("Every day, at {time}, as we agreed.").format(time=time)
        return _("Every day, as we agreed.")
    if days and time:
        return _("The days we agreed: {days}, at {time}.").format(days=named, time=time)
    if days:
        return _("The days we agreed: {days}.").format(days=named)
    if time:
        return _("The time we agreed: {time}.").format(time=time)
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
    metadata = handout.language.gettext(METADATA_TITLE)
    for scale, notes in ATTEMPTS:
        result = render_pdf(
            handout_html(handout, branding, large_print=large_print, scale=scale, notes=notes),
            handout_css(branding, scale, large_print=large_print),
            page,
            files=files,
            title=metadata,
            subject=metadata,
            keywords=metadata,
            author=branding.clinic_name,
        )
        if result[1] <= 1:
            break
    return result
