"""Shared PDF machinery: HTML snippets, the branded header, markdown-pdf, footers.

The documents are written as HTML blocks inside the markdown that markdown-pdf
renders (raw HTML passes through markdown-it untouched), so user text is only
ever HTML-escaped, never interpreted as markdown. markdown-pdf and PyMuPDF are
imported inside :func:`render_pdf` only: they are slow to import, and optional
(the `print` extra: without it printing raises ``MissingExtraError``).

Fonts: MuPDF's built-in fonts (Nimbus Sans for Latin, Greek and Cyrillic) with
its built-in Noto / Droid fallbacks for CJK, Arabic, Hebrew, Devanagari, Thai...
so names and explanations in any script render without system fonts.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any, cast

import attrs

from hwcore.printing.branding import Branding
from hwcore.printing.colours import readable_ink
from hwcore.textsafe import terminal_text
from hwcore.valueclass import Value

MARGIN = 52
"""Page margin in points (left, right, top)."""
FOOTER_SPACE = 44
"""Extra room at the bottom of each page for the footer line."""


def esc(text: object) -> str:
    """HTML-escaped text with line breaks kept (never a blank line: see module doc).

    Control characters (an escape sequence in text stored before hw refused
    them) are shown as the terminal shows them (``\\x1b[31m``), never as a
    replacement glyph; a newline (or a stored ``\\r\\n``) breaks a line.
    """
    shown = terminal_text(str(text).replace("\r\n", "\n").replace("\t", " "))
    lines = [escape(line.strip()) for line in shown.split("\n")]
    return "<br/>".join(line for line in lines if line)


PAPER_WIDTHS = {"A4": 595.28, "Letter": 612.0}
"""Paper widths in points."""
CELL_PADDING = 10.0
"""Horizontal padding and borders of a table cell, in points."""


def content_width(paper: str) -> float:
    """The text area's width in points on this paper."""
    return PAPER_WIDTHS.get(paper, PAPER_WIDTHS["A4"]) - 2 * MARGIN


def table(
    headers: Iterable[str],
    rows: Iterable[Iterable[str]],
    *,
    widths: Iterable[float] = (),
    total: float = PAPER_WIDTHS["A4"] - 2 * MARGIN,
    css_class: str = "grid",
) -> str:
    """An HTML table; cells are already-escaped HTML.

    ``widths`` are fractions of ``total`` (points): MuPDF ignores percentage
    widths on cells but honours absolute ones.
    """
    width_list = [max(10.0, w * total - CELL_PADDING) for w in widths]
    head = "".join(
        f'<th style="width:{width_list[i]:.0f}pt">{h}</th>'
        if i < len(width_list)
        else f"<th>{h}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{css_class}"><tr>{head}</tr>{body}</table>'


def facts(rows: Iterable[tuple[str, str]]) -> str:
    """Label/value lines ('Label: value'); values are already-escaped HTML.

    Paragraphs rather than a two-column table: MuPDF's table layout squeezes a
    label column to one word per line.
    """
    return "".join(
        f'<p class="fact"><span class="label">{esc(label)}:</span> {value}</p>'
        for label, value in rows
    )


def header(branding: Branding, title: str, subtitle: str = "") -> str:
    """The branded page header: logo, clinic name, document title."""
    logo = ""
    if branding.logo_bytes is not None:
        logo = f'<td class="logo"><img src="{branding.logo_name}" style="height:48px"/></td>'
    clinic = f'<p class="clinic">{esc(branding.clinic_name)}</p>' if branding.clinic_name else ""
    sub = f'<p class="subtitle">{subtitle}</p>' if subtitle else ""
    return (
        f'<table class="masthead"><tr>{logo}<td>{clinic}'
        f"<h1>{esc(title)}</h1>{sub}</td></tr></table>"
    )


def stylesheet(branding: Branding, *, base_pt: float = 10.0) -> str:
    """The CSS of every hw document, in the clinic's accent colour.

    No background colours on blocks that may meet a page break: MuPDF's story
    layout repaints them as stray strips on the following pages.
    """
    accent = branding.accent
    ink = readable_ink(accent)
    return f"""
body {{ font-family: sans-serif; font-size: {base_pt}pt; color: #222222; line-height: 1.3;
       margin: 0; }}
h1 {{ font-size: {base_pt * 1.9:.1f}pt; color: {ink}; margin: 0 0 2pt 0; }}
h2 {{ font-size: {base_pt * 1.35:.1f}pt; color: {ink}; margin: 12pt 0 4pt 0;
     padding-bottom: 2pt; border-bottom: 1.5pt solid {accent}; }}
h3 {{ font-size: {base_pt * 1.1:.1f}pt; color: #333333; margin: 8pt 0 3pt 0; }}
p {{ margin: 0 0 5pt 0; }}
.clinic {{ font-size: {base_pt * 1.15:.1f}pt; font-weight: bold; color: #444444;
          margin: 0 0 2pt 0; }}
.subtitle {{ color: #555555; margin: 0; }}
table.masthead {{ width: 100%; border-collapse: collapse; margin-bottom: 6pt; }}
table.masthead td {{ vertical-align: middle; padding: 0 8pt 0 0; }}
table.masthead td.logo {{ width: 60px; }}
table.grid {{ width: 100%; border-collapse: collapse; margin: 2pt 0 8pt 0; }}
table.grid th {{ text-align: left; color: {ink}; font-size: {base_pt * 0.9:.1f}pt;
                padding: 3pt 4pt; border: 0.6pt solid #bbbbbb;
                border-bottom: 1.5pt solid {accent}; }}
table.grid td {{ font-size: {base_pt * 0.9:.1f}pt; padding: 3pt 4pt; vertical-align: top;
                border: 0.6pt solid #cccccc; }}
p.fact {{ margin: 0 0 3pt 0; }}
.label {{ color: #555555; font-weight: bold; }}
.muted {{ color: #666666; }}
.small {{ font-size: {base_pt * 0.85:.1f}pt; }}
.note {{ padding: 2pt 7pt; margin: 4pt 0 8pt 0; border-left: 3pt solid {accent}; }}
.warn {{ padding: 2pt 7pt; margin: 4pt 0 8pt 0; border-left: 3pt solid #d98c00;
         font-weight: bold; }}
.options {{ margin: 0 0 4pt 0; }}
.chosen {{ font-weight: bold; color: {ink}; }}
"""


@attrs.frozen(repr=False, eq=False)
class Page(Value):
    """Where the page sits: paper name and the footer's two halves."""

    paper: str
    footer_left: str
    footer_right: str


def _paper_rect_name(paper: str) -> str:
    return "letter" if paper.lower() == "letter" else "a4"


def render_pdf(
    html: str,
    css: str,
    page: Page,
    *,
    files: Mapping[str, bytes] | None = None,
    title: str = "",
    author: str = "",
    subject: str = "",
    keywords: str = "",
    toc_level: int = 0,
) -> tuple[bytes, int]:
    """Render HTML (inside markdown) to PDF bytes with markdown-pdf, then add footers.

    Args:
        html: the document body (HTML blocks, no blank lines).
        css: the stylesheet.
        page: paper size and footer text (plain text, escaped here).
        files: images the HTML refers to by name (logo, chart).
        title: the PDF's title metadata.
        author: the PDF's author metadata.
        subject: the PDF's subject metadata.
        keywords: the PDF's keywords metadata.
        toc_level: heading levels kept as PDF bookmarks (0: none).

    Returns:
        The PDF bytes and its page count.
    """
    from hwcore.extras import needs

    with needs("print"):  # the optional AGPL PDF stack (the `print` extra)
        import pymupdf as _pymupdf
        from markdown_pdf import MarkdownPdf, Section

    pymupdf: Any = _pymupdf  # PyMuPDF's annotations are partial: treat it as untyped

    archive = pymupdf.Archive()
    for name, data in (files or {}).items():
        archive.add((data, name))
    pdf = MarkdownPdf(toc_level=toc_level)
    now = pymupdf.get_pdf_now()
    pdf.meta = {
        **MarkdownPdf.meta,
        "creationDate": now,
        "modDate": now,
        "creator": "hw (between-session planner)",
        "producer": "markdown-pdf / PyMuPDF",
        "title": title or None,
        "author": author or None,
        "subject": subject or None,
        "keywords": keywords or None,
    }
    borders = (MARGIN, MARGIN - 6, -MARGIN, -(MARGIN + FOOTER_SPACE - 10))
    section = Section(
        f"<div>{html}</div>\n",
        toc=toc_level > 0,
        # markdown-pdf hands 'root' to PyMuPDF's Story, which also takes an Archive
        root=cast("str", archive),
        paper_size=_paper_rect_name(page.paper),
        borders=borders,
    )
    pdf.add_section(section, user_css=css)
    buffer = io.BytesIO()
    pdf.save_bytes(buffer)
    doc: Any = pymupdf.open("pdf", buffer.getvalue())
    try:
        total = doc.page_count
        footer_css = (
            "p { font-family: sans-serif; font-size: 7.5pt; color: #666666; margin: 0; }"
            " td { padding: 0; vertical-align: top; }"
        )
        for number, sheet in enumerate(doc, start=1):
            rect = sheet.rect
            box = pymupdf.Rect(
                MARGIN, rect.height - MARGIN - 4, rect.width - MARGIN, rect.height - 14
            )
            sheet.draw_line(
                pymupdf.Point(MARGIN, box.y0 - 3),
                pymupdf.Point(rect.width - MARGIN, box.y0 - 3),
                color=(0.75, 0.75, 0.75),
                width=0.5,
            )
            right = page.footer_right.replace("{page}", str(number)).replace("{pages}", str(total))
            sheet.insert_htmlbox(
                box,
                '<table style="width:100%"><tr>'
                f'<td><p>{esc(page.footer_left)}</p></td><td style="text-align:right">'
                f'<p style="text-align:right">{esc(right)}</p></td></tr></table>',
                css=footer_css,
            )
        data = doc.tobytes(garbage=3, deflate=True)
    finally:
        doc.close()
    return data, total
