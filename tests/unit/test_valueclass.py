"""hwcore's values share ``repr``, ``==`` and ``hash`` (hwcore.valueclass): the same as attrs'.

Each check compares a value class with a twin that has the same fields and attrs'
own generated methods.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import hwcore
from hwcore.planner import build_planner
from hwcore.valueclass import Value
from tests.unit.builders import give, new_case


def _twin(cls: type) -> type:
    """A class with ``cls``'s fields, name and qualname, and attrs' own repr, eq and hash."""
    these = {
        f.name: attrs.field(
            repr=f.repr,
            eq=f.eq if getattr(f, "eq_key", None) is None else f.eq_key,
            hash=f.hash,
            init=f.init,
            kw_only=f.kw_only,
        )
        for f in attrs.fields(cls)
    }
    twin = attrs.make_class(cls.__name__, these, frozen=True)
    twin.__qualname__ = cls.__qualname__
    return twin


def _as_twin(value: Any, twin: type) -> Any:
    copy = object.__new__(twin)
    for f in attrs.fields(type(value)):
        if hasattr(value, f.name):
            object.__setattr__(copy, f.name, getattr(value, f.name))
    return copy


@attrs.frozen(repr=False, eq=False)
class Sample(Value):
    """Every field option the shared methods honour."""

    a: int
    b: str = "x"
    hidden: str = attrs.field(default="secret", repr=False)
    shown: int = attrs.field(default=7, repr=lambda v: f"<{v}>")
    loose: int = attrs.field(default=0, eq=False)
    unhashed: tuple[int, ...] = attrs.field(default=(), hash=False)
    folded: str = attrs.field(default="A", eq=str.lower)
    later: int = attrs.field(init=False, default=3)


@attrs.frozen(repr=False, eq=False)
class Empty(Value):
    """No fields at all."""


@attrs.frozen(repr=False, eq=False)
class One(Value):
    """One field: compared as a one-tuple, as attrs does."""

    x: float


@attrs.frozen(repr=False, eq=False)
class Holder(Value):
    """A value holding a mutable list (which can end up holding the value itself)."""

    items: list[Any]


samples = st.builds(
    Sample,
    a=st.integers(-3, 3),
    b=st.sampled_from(["x", "y", "É\n"]),
    hidden=st.sampled_from(["s", "t"]),
    shown=st.integers(0, 2),
    loose=st.integers(0, 2),
    unhashed=st.sampled_from([(), (1,), (1, 2)]),
    folded=st.sampled_from(["A", "a", "b"]),
)


@given(samples, samples)
def test_sample_behaves_as_attrs_writes_it(left: Sample, right: Sample) -> None:
    twin = _twin(Sample)
    tl, tr = _as_twin(left, twin), _as_twin(right, twin)
    assert repr(left) == repr(tl)
    assert (left == right) is (tl == tr)
    assert (left != right) is (tl != tr)
    if left == right:
        assert hash(left) == hash(right)


def test_repr_leaves_out_hidden_fields_and_uses_field_repr() -> None:
    text = repr(Sample(1))
    assert text == "Sample(a=1, b='x', shown=<7>, loose=0, unhashed=(), folded='A', later=3)"
    assert "secret" not in text


@pytest.mark.parametrize("x", [1.0, float("nan")])
def test_one_field_and_no_field(x: float) -> None:
    twin = _twin(One)
    value = One(x)
    same = _as_twin(value, twin)
    assert (value == value) is (same == same)  # nan: never equal, not even to itself
    assert (value == One(x)) is (same == _as_twin(One(x), twin))
    assert repr(value) == repr(same)
    assert Empty() == Empty()
    assert hash(Empty()) == hash(Empty())
    assert repr(Empty()) == repr(_as_twin(Empty(), _twin(Empty))) == "Empty()"


def test_other_classes_are_never_equal() -> None:
    @attrs.frozen(repr=False, eq=False)
    class Other(Value):
        x: float

    assert One(1.0) != Other(1.0)
    assert One(1.0).__eq__(Other(1.0)) is NotImplemented
    assert One(1.0).__eq__(1.0) is NotImplemented
    assert One(1.0) != 1.0


def test_a_value_that_holds_itself_repr_as_attrs_does() -> None:
    value = Holder([1])
    value.items.append(value)
    twin = _as_twin(Holder([1]), _twin(Holder))
    twin.items.append(twin)
    assert repr(value) == repr(twin) == "Holder(items=[1, ...])"


def _hwcore_value_classes() -> list[type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(hwcore.__path__, "hwcore."):
        module = importlib.import_module(info.name)
        for thing in vars(module).values():
            if isinstance(thing, type) and attrs.has(thing) and thing.__module__ == info.name:
                found[f"{thing.__module__}.{thing.__qualname__}"] = thing
    return [found[name] for name in sorted(found)]


CLASSES = _hwcore_value_classes()


def test_every_hwcore_attrs_class_is_a_value() -> None:
    assert len(CLASSES) > 60  # the walk found them
    for cls in CLASSES:
        assert issubclass(cls, Value), cls
        for method in ("__repr__", "__eq__", "__hash__"):
            assert getattr(cls, method) is getattr(Value, method), (cls, method)


def _values_in(value: Any, seen: dict[int, Any]) -> None:
    if isinstance(value, Value) and id(value) not in seen:
        seen[id(value)] = value
        for f in attrs.fields(type(value)):
            _values_in(getattr(value, f.name), seen)
    elif isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            _values_in(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            _values_in(item, seen)


def test_a_real_case_and_planner_repr_and_compare_as_attrs_does() -> None:
    case = new_case()
    give(case, 1, format="written", outcome="completed")
    give(case, 3, format="behavioral", outcome="missed", reasons=("forgotten",), explanation="x")
    give(case, 5, size="tiny", outcome="partial", done=1, planned=3)
    give(case, 7, format="visual", frequency="daily", outcome="completed")
    planner = build_planner(case)
    again = build_planner(case)
    seen: dict[int, Any] = {}
    _values_in([planner, *case.assignments.values(), *case.sessions.values()], seen)
    kinds = {type(v) for v in seen.values()}
    assert len(kinds) >= 10
    twins = {cls: _twin(cls) for cls in kinds}
    for value in seen.values():
        twin = twins[type(value)]
        assert repr(value) == repr(_as_twin(value, twin)), type(value)
    assert planner == again
    assert hash(planner.system) == hash(again.system)
    assert _as_twin(planner, twins[type(planner)]) == _as_twin(again, twins[type(planner)])
