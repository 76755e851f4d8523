"""Outcome measures (spec section 4b): instruments, scoring, severity bands, change.

Pure functions and attrs values, no I/O. Two published instruments are built in,
PHQ-9 and GAD-7, scored item by item; a practice may define its own
single-score measures (a 0-10 mood rating, SUDS 0-100).

Severity bands are the published ones (Kroenke, Spitzer & Williams 2001 for
PHQ-9; Spitzer, Kroenke, Williams & Löwe 2006 for GAD-7). Reliable change
follows Jacobson & Truax (1991): a change is reliable when it is at least
``1.96 * SD * sqrt(2 * (1 - r))`` points. For PHQ-9 and GAD-7 hw uses the
thresholds the NHS Talking Therapies manual publishes from that formula: 6
points on PHQ-9 and 4 on GAD-7 (see docs/user-guide.md, "Outcome measures").
A practice's own measure has a reliable-change threshold only when its
definition gives one.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Sequence

import attrs

from hwcore.domain.errors import InvalidValueError, VocabularyError
from hwcore.valueclass import Value


class Better(enum.Enum):
    """Which direction of a score is the better one."""

    LOW = "low"
    HIGH = "high"

    @classmethod
    def parse(cls, text: str | Better) -> Better:
        """Parse ``low`` or ``high`` (case-insensitive)."""
        if isinstance(text, Better):
            return text
        key = str(text).strip().lower()
        for member in cls:
            if member.value == key:
                return member
        raise VocabularyError("better", str(text), [m.value for m in cls])


class Change(enum.Enum):
    """The verdict on a change between two measurements."""

    IMPROVED = "improved"
    DETERIORATED = "deteriorated"
    NO_RELIABLE_CHANGE = "no reliable change"
    NOT_ASSESSED = "not assessed"
    """The measure has no reliable-change threshold."""


@attrs.frozen(repr=False, eq=False)
class Band(Value):
    """A severity band: totals from ``low`` to ``high`` inclusive."""

    low: int
    high: int
    label: str


@attrs.frozen(repr=False, eq=False)
class Instrument(Value):
    """A measure: its range, direction, bands and codes.

    ``items`` is the number of items entered one by one (PHQ-9: 9), or 0 for a
    measure entered as a single score.
    """

    key: str
    """The identifier used on the command line and in events (``phq9``)."""
    name: str
    """The name shown to people (``PHQ-9``)."""
    minimum: int
    maximum: int
    better: Better = Better.LOW
    items: int = 0
    item_minimum: int = 0
    item_maximum: int = 3
    bands: tuple[Band, ...] = ()
    reliable_change: float | None = None
    """The smallest change in points that counts as reliable, or None."""
    loinc_panel: str = ""
    loinc_total: str = ""
    loinc_items: tuple[str, ...] = ()

    @property
    def builtin(self) -> bool:
        """True for the published instruments hw ships (PHQ-9, GAD-7)."""
        return self.key in BUILTIN

    def severity(self, total: int) -> str | None:
        """The severity band of a total, or None for a measure without bands."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.label
        return None

    def score(self, *, items: Sequence[int] = (), score: int | None = None) -> int:
        """Check one measurement and return its total.

        Args:
            items: the item scores, for an instrument entered item by item.
            score: the single score, for a measure entered as one number.

        Raises:
            InvalidValueError: wrong number of items, a value out of range, or
                items given for a single-score measure (and the reverse).
        """
        if self.items:
            if score is not None and not items:
                raise InvalidValueError(
                    f"{self.name} score", score, f"{self.items} item scores (--items)"
                )
            if len(items) != self.items:
                raise InvalidValueError(
                    f"{self.name} items",
                    f"{len(items)} values",
                    f"exactly {self.items} item scores, each "
                    f"{self.item_minimum}-{self.item_maximum}",
                )
            for number, value in enumerate(items, start=1):
                if not self.item_minimum <= value <= self.item_maximum:
                    raise InvalidValueError(
                        f"{self.name} item {number}",
                        value,
                        f"{self.item_minimum}-{self.item_maximum}",
                    )
            return sum(items)
        if items:
            raise InvalidValueError(f"{self.name} items", "item scores", "one score (--score)")
        if score is None:
            raise InvalidValueError(f"{self.name} score", "none", "one score (--score)")
        if not self.minimum <= score <= self.maximum:
            raise InvalidValueError(f"{self.name} score", score, f"{self.minimum}-{self.maximum}")
        return score

    def judge(self, before: int, after: int) -> Change:
        """Whether the change from ``before`` to ``after`` is reliable, and which way."""
        if self.reliable_change is None:
            return Change.NOT_ASSESSED
        delta = after - before
        if abs(delta) < self.reliable_change:
            return Change.NO_RELIABLE_CHANGE
        better = delta < 0 if self.better is Better.LOW else delta > 0
        return Change.IMPROVED if better else Change.DETERIORATED


def jacobson_truax_threshold(sd: float, reliability: float) -> float:
    """The reliable-change threshold in points: ``1.96 * SD * sqrt(2 * (1 - r))``.

    Args:
        sd: the standard deviation of the measure in a reference sample.
        reliability: its test-retest (or internal consistency) reliability, 0-1.
    """
    if sd <= 0 or not 0 <= reliability < 1:
        raise InvalidValueError("reliability", reliability, "SD > 0 and 0 <= r < 1")
    return 1.96 * sd * math.sqrt(2 * (1 - reliability))


PHQ9 = Instrument(
    key="phq9",
    name="PHQ-9",
    minimum=0,
    maximum=27,
    items=9,
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 19, "moderately severe"),
        Band(20, 27, "severe"),
    ),
    reliable_change=6,
    loinc_panel="44249-1",
    loinc_total="44261-6",
    loinc_items=(
        "44250-9",
        "44255-8",
        "44259-0",
        "44254-1",
        "44251-7",
        "44258-2",
        "44252-5",
        "44253-3",
        "44260-8",
    ),
)
"""Patient Health Questionnaire, 9 items (depression)."""

GAD7 = Instrument(
    key="gad7",
    name="GAD-7",
    minimum=0,
    maximum=21,
    items=7,
    bands=(
        Band(0, 4, "minimal"),
        Band(5, 9, "mild"),
        Band(10, 14, "moderate"),
        Band(15, 21, "severe"),
    ),
    reliable_change=4,
    loinc_panel="69737-5",
    loinc_total="70274-6",
    loinc_items=(
        "69725-0",
        "68509-9",
        "69733-4",
        "69734-2",
        "69735-9",
        "69689-8",
        "69736-7",
    ),
)
"""Generalized Anxiety Disorder scale, 7 items."""

BUILTIN: dict[str, Instrument] = {PHQ9.key: PHQ9, GAD7.key: GAD7}

PHQ9_RISK_ITEM = 9
"""PHQ-9 item 9 (thoughts of being better off dead or of self-harm)."""

MEASURE_NAME_RULE = "1-24 characters: lowercase letters, digits and '-', starting with a letter"
_NAME = re.compile(r"[a-z][a-z0-9-]{0,23}")
MAX_RANGE = 1000


def check_measure_name(name: str) -> str:
    """Normalise and check a practice measure's name (``mood``, ``suds``)."""
    key = str(name).strip().lower()
    if not _NAME.fullmatch(key):
        raise VocabularyError("measure name", str(name), MEASURE_NAME_RULE)
    if key in BUILTIN:
        raise InvalidValueError("measure name", key, "a name other than phq9 and gad7 (built in)")
    return key


def define_measure(
    name: str,
    minimum: int,
    maximum: int,
    better: str | Better,
    reliable_change: float | None = None,
) -> Instrument:
    """A practice's own single-score measure, checked.

    Raises:
        InvalidValueError: a bad name, an empty or huge range, a bad direction,
            or a reliable-change threshold outside the range's width.
    """
    key = check_measure_name(name)
    if not -MAX_RANGE <= minimum < maximum <= MAX_RANGE:
        raise InvalidValueError(
            "measure range",
            f"{minimum}..{maximum}",
            f"min < max, both between {-MAX_RANGE} and {MAX_RANGE}",
        )
    if reliable_change is not None and not 0 < reliable_change <= maximum - minimum:
        raise InvalidValueError(
            "reliable change", reliable_change, f"a number of points in 0..{maximum - minimum}"
        )
    return Instrument(
        key=key,
        name=key,
        minimum=minimum,
        maximum=maximum,
        better=Better.parse(better),
        reliable_change=reliable_change,
    )


def int_tuple(values: Iterable[int]) -> tuple[int, ...]:
    """Item scores as a tuple (values read back from JSON come as lists)."""
    return tuple(values)


@attrs.frozen(repr=False, eq=False)
class MeasurePoint(Value):
    """One measurement on the timeline."""

    session: int
    total: int
    severity: str | None = None
    items: tuple[int, ...] = attrs.field(default=(), converter=int_tuple)


@attrs.frozen(repr=False, eq=False)
class MeasureSeries(Value):
    """One instrument's measurements and how they changed."""

    instrument: str
    """The instrument's key (``phq9``)."""
    name: str
    better: str
    points: tuple[MeasurePoint, ...]
    change_since_first: int | None
    change_since_previous: int | None
    reliable_change: str | None
    """``improved``, ``deteriorated``, ``no reliable change`` or ``not assessed``
    (first to last); None with fewer than two points."""
    reliable_change_threshold: float | None


def series(instrument: Instrument, points: Sequence[MeasurePoint]) -> MeasureSeries:
    """The change summary of one instrument's points (in session order)."""
    ordered = tuple(sorted(points, key=lambda p: p.session))
    first = ordered[0].total if ordered else None
    last = ordered[-1].total if ordered else None
    since_first = last - first if first is not None and last is not None else None
    since_previous = ordered[-1].total - ordered[-2].total if len(ordered) >= 2 else None
    verdict = (
        instrument.judge(ordered[0].total, ordered[-1].total).value if len(ordered) >= 2 else None
    )
    return MeasureSeries(
        instrument=instrument.key,
        name=instrument.name,
        better=instrument.better.value,
        points=ordered,
        change_since_first=since_first if len(ordered) >= 2 else None,
        change_since_previous=since_previous,
        reliable_change=verdict,
        reliable_change_threshold=instrument.reliable_change,
    )


@attrs.frozen(repr=False, eq=False)
class RiskAlert(Value):
    """A risk alert no view may hide (PHQ-9 item 9 above 0)."""

    kind: str
    """``phq9_item9``."""
    session: int
    value: int
    acknowledged: bool = False


def risk_alerts(phq9_points: Sequence[MeasurePoint]) -> list[RiskAlert]:
    """A ``phq9_item9`` alert for every PHQ-9 whose item 9 is above 0."""
    return [
        RiskAlert("phq9_item9", p.session, p.items[PHQ9_RISK_ITEM - 1])
        for p in phq9_points
        if len(p.items) == PHQ9.items and p.items[PHQ9_RISK_ITEM - 1] > 0
    ]
