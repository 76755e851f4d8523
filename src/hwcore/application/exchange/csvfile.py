"""The history CSV of spec section 5: parsing and validation (no writes)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs

from hwcore.application.commands import design_fields
from hwcore.application.exchange.errors import ImportFileError
from hwcore.clinician import check_clinician
from hwcore.domain import (
    AssignmentSpec,
    HwError,
    InvalidValueError,
    MissReason,
    Outcome,
    VocabularyError,
    check_dose,
    validate_client,
)
from hwcore.domain.values import parse_reasons
from hwcore.valueclass import Value

REQUIRED = ("client", "session", "date", "assignment", "format", "size", "framing", "outcome")
COLUMN_OF = {"title": "assignment", "planned_doses": "planned"}
"""The CSV column of a design field whose column is not named as the field."""
DESIGN_COLUMNS = tuple(COLUMN_OF.get(f.name, f.name) for f in design_fields())
"""One column per field of an assignment's design (the fields' one list)."""
OUTCOME_COLUMNS = (
    "done",
    "planned",
    "explanation",
    "reasons",
    "experience",
    "insights",
    "modification",
)
RECORDED_BY = "recorded_by"
"""The column naming who recorded the assignment (kept by an import; empty: the importer)."""
OPTIONAL = tuple(
    dict.fromkeys(c for c in (*DESIGN_COLUMNS, *OUTCOME_COLUMNS, RECORDED_BY) if c not in REQUIRED)
)


@attrs.frozen(repr=False, eq=False)
class CsvRow(Value):
    """One validated row of a history CSV: where, the design, and the outcome."""

    line: int
    client: str
    session: int
    date: dt.date
    design: AssignmentSpec
    outcome: Outcome
    done: int | None
    planned: int | None
    explanation: str
    reasons: tuple[MissReason, ...]
    experience: str
    recorded_by: str | None = None
    """Who recorded the assignment, as the file says (None: whoever imports it)."""
    insights: str = ""
    modification: str = ""

    @property
    def title(self) -> str:
        """The assignment's title as the row gives it."""
        return self.design.title


def read_text(path: Path) -> str:
    """Read a UTF-8 file (a BOM is accepted), or raise ImportFileError."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        msg = f"file not found: {str(path)!r}"
        raise ImportFileError(msg) from None
    except IsADirectoryError:
        msg = f"not a file: {str(path)!r}"
        raise ImportFileError(msg) from None
    except PermissionError:
        msg = f"cannot read {str(path)!r}: permission denied"
        raise ImportFileError(msg) from None
    except UnicodeDecodeError:
        msg = f"{str(path)!r} is not UTF-8 text: save the spreadsheet as CSV UTF-8"
        raise ImportFileError(msg) from None


def _int(field: str, text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise VocabularyError(field, text, f"a whole number >= {minimum}") from None
    if value < minimum:
        raise InvalidValueError(field, text, f"a whole number >= {minimum}")
    return value


def _optional_int(field: str, text: str, minimum: int) -> int | None:
    return _int(field, text, minimum) if text else None


@functools.lru_cache(maxsize=4096)
def _date(text: str) -> dt.date:
    """The row's date; a history repeats its session dates, so each is made once."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise VocabularyError("date", text, "an ISO date YYYY-MM-DD") from None


# The rows of an import are kept until it is written (``import_peak_mib``): the
# values that repeat from row to row (a client's identifier, a framing label)
# are kept once, as one string each (sys.intern), not once per row.
_SHARED = frozenset({"framing"})


def parse_row(line: int, raw: dict[str, str]) -> CsvRow:
    """Validate one CSV record (already stripped) into a row."""
    get = raw.get
    for name in REQUIRED:
        if not get(name):
            msg = f"missing required value {name!r}"
            raise ImportFileError(msg)
    outcome = Outcome.parse(raw["outcome"])
    done = _optional_int("done", get("done", ""), 0)
    planned = _optional_int("planned", get("planned", ""), 1)
    if outcome is Outcome.PARTIAL:
        if done is None or planned is None:
            raise InvalidValueError(
                "doses",
                f"done={get('done', '')!r} planned={get('planned', '')!r}",
                "both 'done' and 'planned' for a partial outcome",
            )
        check_dose(done, planned, partial=True)
    reasons_text = get("reasons", "")
    reasons = parse_reasons(reasons_text)  # ';' as exported, or ',' as the CLI takes them
    if reasons and outcome is not Outcome.MISSED:
        raise VocabularyError("reasons", reasons_text, "only on a missed outcome")
    design = _design(raw)
    # The design is checked by the same guards as a command when it is assigned.
    return CsvRow(
        line=line,
        client=sys.intern(validate_client(raw["client"])),
        session=_int("session", raw["session"], 1),
        date=_date(raw["date"]),
        design=design,
        outcome=outcome,
        done=done if outcome is Outcome.PARTIAL else None,
        planned=planned,
        explanation=get("explanation", ""),
        reasons=reasons,
        experience=get("experience", ""),
        recorded_by=check_clinician(get(RECORDED_BY), RECORDED_BY) if get(RECORDED_BY) else None,
        insights=get("insights", ""),
        modification=get("modification", ""),
    )


_YES = frozenset({"yes", "y", "true", "1", "x"})
_NO = frozenset({"no", "n", "false", "0"})


def _design(raw: dict[str, str]) -> AssignmentSpec:
    """The row's design: every design column given (empty ones keep the defaults)."""
    values: dict[str, object] = {}
    for field in design_fields():
        column = COLUMN_OF.get(field.name, field.name)
        text = raw.get(column, "")
        if not text:
            continue
        if field.kind is int:
            values[field.name] = _int(column, text, 1 if field.name == "planned_doses" else 0)
        elif field.kind is bool:
            if text.lower() not in _YES | _NO:
                raise InvalidValueError(column, text[:20], "yes or no")
            values[field.name] = text.lower() in _YES
        else:
            values[field.name] = sys.intern(text) if field.name in _SHARED else text
    return AssignmentSpec(**values)  # type: ignore[arg-type]


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
"""One line with its ending, split as ``open(..., newline="")`` splits (for csv)."""


def _cell(value: str) -> str:
    """A cell's text: trimmed, a ``\\r\\n`` line break read as ``\\n``."""
    text = value.strip()
    return text.replace("\r\n", "\n") if "\r" in text else text


def csv_lines(text: str) -> Iterator[str]:
    """The text's lines, one at a time: ``io.StringIO(text)`` would copy the
    whole file into a buffer of four bytes per character (36 MiB for the
    100,000-row file: ``import_peak_mib``)."""
    for match in _LINE.finditer(text):
        yield match.group()


def parse_csv(text: str, source: str = "file") -> list[CsvRow]:
    """Parse a whole history CSV; the first bad row stops it (row number given).

    Raises:
        ImportFileError: a missing column, an unknown column, or a bad row.
    """
    reader = csv.reader(csv_lines(text))
    try:
        header = next(reader)
    except StopIteration:
        msg = f"{source}: empty file: expected a header row with {', '.join(REQUIRED)}"
        raise ImportFileError(msg) from None
    except csv.Error as e:
        msg = f"{source}: line 1: malformed CSV ({e})"
        raise ImportFileError(msg) from None
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    separator = next((sep for sep in ";\t|" if len(header) == 1 and sep in header[0]), None)
    if missing and separator is not None:
        name = {";": "semicolons", "\t": "tabs", "|": "'|'"}[separator]
        msg = (
            f"{source}: the columns are separated by {name}, not commas: save the file"
            " as CSV with commas (UTF-8)"
        )
        raise ImportFileError(msg)
    if missing:
        msg = (
            f"{source}: missing column(s) {', '.join(missing)}: required are {', '.join(REQUIRED)}"
        )
        raise ImportFileError(msg)
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        msg = (
            f"{source}: unknown column(s) {', '.join(repr(c) for c in unknown)}:"
            f" allowed are {', '.join(REQUIRED + OPTIONAL)}"
        )
        raise ImportFileError(msg)
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        msg = f"{source}: column(s) given twice: {', '.join(duplicates)}"
        raise ImportFileError(msg)
    rows: list[CsvRow] = []
    seen: dict[tuple[str, int, str], int] = {}
    try:
        line = 1  # the spreadsheet row: the header is row 1 (quoted line breaks don't count)
        for record in reader:
            line += 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) < len(columns) and text.count('"') % 2 == 1:
                msg = (
                    f'{source}: row {line}: a quote (") opened in this row is never closed:'
                    ' close it, or double a quote inside a quoted value ("")'
                )
                raise ImportFileError(msg)
            if len(record) != len(columns):
                msg = (
                    f"{source}: row {line}: {len(record)} values for {len(columns)}"
                    " columns (a comma inside a value needs quotes)"
                )
                raise ImportFileError(msg)
            # A line break inside a quoted cell written on Windows (\r\n) is a
            # newline; any other control character is refused by the domain's guards.
            raw = {c: _cell(v) for c, v in zip(columns, record, strict=True)}
            try:
                row = parse_row(line, raw)
            except HwError as e:
                msg = f"{source}: row {line}: {e}"
                raise ImportFileError(msg) from None
            key = (row.client, row.session, row.title.casefold())
            if key in seen:
                msg = (
                    f"{source}: row {line}: the same assignment title for {row.client} at"
                    f" session {row.session} is already on row {seen[key]}"
                )
                raise ImportFileError(msg)
            seen[key] = line
            rows.append(row)
    except csv.Error as e:
        msg = f"{source}: row {line + 1}: malformed CSV ({e})"
        raise ImportFileError(msg) from None
    return rows
