"""The base of hw's value classes: ``repr``, equality and hash as attrs writes them, shared.

Every value of hwcore is declared ::

    @attrs.frozen(repr=False, eq=False)
    class Thing(Value):
        ...

It is an attrs class like any other (``attrs.fields``, ``attrs.evolve``,
``attrs.asdict``, validators and converters all work), and its ``repr``, ``==``
and ``hash`` behave as the ones attrs generates: ``Thing(a=1, b='x')`` (fields
declared ``repr=False`` left out, a field's own repr function used), equal only to
an instance of the very same class whose compared fields are equal one by one, and
a hash consistent with that equality (over the fields compared, less the ones
declared ``hash=False``). ``tests/unit/test_valueclass.py`` checks each against a
twin class with attrs' own methods.

Why not attrs' own methods: attrs writes the source of ``__repr__``, ``__eq__`` and
``__hash__`` for every class when it is created, then parses and compiles it. A
recording command creates about fifty value classes at start-up, and those three
methods were about a tenth of all the instructions of ``hw missed`` (``cli_write``,
docs/performance.md). Here they are written once; each class's fields are read at
its first ``repr``, comparison or hash.
"""

from __future__ import annotations

import operator
import reprlib
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Value"]

Getter = Callable[[Any], tuple[Any, ...]]


class _Spec:
    """What the shared methods need of one class's fields, read once per class."""

    __slots__ = ("eq", "hash", "repr")

    def __init__(self, cls: type) -> None:
        fields = attrs.fields(cls)
        self.repr: tuple[tuple[str, Callable[[Any], str]], ...] = tuple(
            (f.name, repr if f.repr is True else f.repr) for f in fields if f.repr is not False
        )
        self.eq = _getter([f for f in fields if f.eq])
        self.hash = _getter([f for f in fields if f.hash is True or (f.hash is None and f.eq)])


def _getter(fields: list[attrs.Attribute[Any]]) -> Getter:
    """A function giving an instance's values of these fields as a tuple (keys applied)."""
    # ``attrs.field(eq=key_function)``: attrs compares key(value) (``Attribute.eq_key``,
    # documented by attrs, missing from its type stubs).
    keyed = [(f.name, getattr(f, "eq_key", None)) for f in fields]
    if any(key is not None for _name, key in keyed):
        return lambda value: tuple(
            getattr(value, name) if key is None else key(getattr(value, name))
            for name, key in keyed
        )
    names = [f.name for f in fields]
    if not names:
        return lambda _value: ()
    if len(names) == 1:
        get = operator.attrgetter(names[0])
        return lambda value: (get(value),)
    return operator.attrgetter(*names)


_SPECS: dict[type, _Spec] = {}


def _spec(cls: type) -> _Spec:
    try:
        return _SPECS[cls]
    except KeyError:
        spec = _SPECS[cls] = _Spec(cls)
        return spec


class Value:
    """The base of an attrs value class declared ``repr=False, eq=False`` (module docstring)."""

    __slots__ = ()

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        cls = self.__class__
        parts = ", ".join(
            f"{name}={show(getattr(self, name, attrs.NOTHING))}" for name, show in _spec(cls).repr
        )
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({parts})"

    def __eq__(self, other: object) -> bool:
        cls = self.__class__
        if other.__class__ is not cls:
            return NotImplemented
        get = _spec(cls).eq
        # Field by field, stopping at the first unequal one, as attrs' ``a == a and b == b``.
        result: Any = True
        for mine, theirs in zip(get(self), get(other), strict=True):
            result = mine == theirs
            if not result:
                return result  # type: ignore[no-any-return]
        return result  # type: ignore[no-any-return]

    def __hash__(self) -> int:
        cls = self.__class__
        return hash((cls, *_spec(cls).hash(self)))
