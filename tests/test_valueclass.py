"""`backcare.valueclass.frozen` against `dataclasses.dataclass(frozen=True)`: the same class built both ways must
give the same results, or the same exception, for everything backcare and its users do with a frozen dataclass."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
import subprocess
import sys
import types
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import valueclass
from backcare.valueclass import frozen, mutable

NAMES = ("a", "b", "self", "other", "value", "name", "x_1")
STDLIB = dataclasses.dataclass(frozen=True)
STDLIB_ORDER = dataclasses.dataclass(frozen=True, order=True)
# each kind of class: backcare's decorator and the dataclasses one it stands for
KINDS = {
    "frozen": (frozen, STDLIB),
    "order": (frozen(order=True), STDLIB_ORDER),
    "mutable": (mutable, dataclasses.dataclass),
}
kinds = st.sampled_from(sorted(KINDS))

values = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.sampled_from([0.5, math.nan, -0.0, 0.0]),
    st.text(max_size=3),
    st.lists(st.integers(0, 2), max_size=2),  # unhashable: hash() must fail the same way
    st.tuples(st.integers(0, 2)),
)
# a field's default: none, a value, a factory, or a mutable value (refused when the class is made)
defaults = st.sampled_from(["none", "none", "int", "str", "tuple", "list-factory", "tuple-factory", "list-value"])
layouts = st.lists(st.tuples(st.sampled_from(NAMES), defaults), max_size=5, unique_by=lambda f: f[0])


def spec_of(kind: str) -> Any:
    return {
        "int": 7,
        "str": "s",
        "tuple": (1,),
        "list-factory": dataclasses.field(default_factory=list),
        "tuple-factory": dataclasses.field(default_factory=tuple),
        "list-value": [],
    }.get(kind, dataclasses.MISSING)


def make(decorator: Any, layout: list[tuple[str, str]], base: type | None = None, name: str = "Value") -> Any:
    """The class `layout` describes (name, default kind per field), made afresh, decorated; or the exception."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__qualname__": name, "__module__": __name__}
    for field_name, kind in layout:
        namespace["__annotations__"][field_name] = "int"
        spec = spec_of(kind)
        if spec is not dataclasses.MISSING:
            namespace[field_name] = spec
    try:
        return decorator(type(name, (base,) if base else (), namespace))
    except Exception as exc:  # noqa: BLE001 - compared with the other side's
        return exc


def outcome(fn: Any) -> Any:
    """What calling fn gives: ("ok", value) or ("raises", type, message)."""
    try:
        return ("ok", fn())
    except Exception as exc:  # noqa: BLE001 - compared with the other side's
        return ("raises", type(exc), str(exc))


def build(cls: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    return outcome(lambda: cls(*copy.deepcopy(args), **copy.deepcopy(kwargs)))


def describe(obj: Any) -> Any:
    """An instance as plain comparable data: its class name, its __dict__ (in order) and its repr."""
    return (type(obj).__qualname__, list(obj.__dict__.items()), repr(obj))


def same(left: Any, right: Any) -> None:
    """Two outcomes agree; instances are compared through describe(), NaN by identity of the repr."""
    if left[0] == "ok" and right[0] == "ok" and dataclasses.is_dataclass(left[1]):
        assert repr(describe(left[1])) == repr(describe(right[1]))
    else:
        assert repr(left) == repr(right)


arguments = st.tuples(
    st.lists(values, max_size=7),
    st.dictionaries(st.sampled_from((*NAMES, "unknown")), values, max_size=4),
)


def field_summary(cls: Any) -> list[tuple[Any, ...]]:
    return [(f.name, f.type, f.default, f.default_factory, f.init, f.repr, f.compare) for f in dataclasses.fields(cls)]


@settings(max_examples=200, deadline=None)
@given(layout=layouts, calls=st.lists(arguments, min_size=1, max_size=3), kind=kinds)
def test_a_class_made_with_valueclass_behaves_as_the_dataclass(layout, calls, kind):
    order = kind == "order"
    ours, theirs = (make(decorator, layout) for decorator in KINDS[kind])
    if isinstance(theirs, Exception):  # a field without a default after one with: refused alike
        assert type(ours) is type(theirs) and str(ours) == str(theirs)
        return
    assert dataclasses.is_dataclass(ours)
    assert field_summary(ours) == field_summary(theirs)
    assert ours.__match_args__ == theirs.__match_args__
    assert {k: getattr(ours, k, None) for k in NAMES} == {k: getattr(theirs, k, None) for k in NAMES}
    made = []
    names = [f.name for f in dataclasses.fields(theirs)]
    for args, kwargs in list(calls):
        # also every field given once: the first len(args) positionally, the others by keyword
        padded = [*args, *kwargs.values(), *range(len(names))][: len(names)]
        split = min(len(args), len(names))
        calls.append((padded[:split], dict(zip(names[split:], padded[split:]))))
    for args, kwargs in calls:
        mine, stdlib = build(ours, args, kwargs), build(theirs, args, kwargs)
        same(mine, stdlib)
        if mine[0] == "ok":
            made.append((mine[1], stdlib[1]))
    for (a, sa), (b, sb) in zip(made, made[1:] + made[:1]):
        assert (a == b) == (sa == sb)
        assert (a != b) == (sa != sb)
        assert a.__eq__(object()) is NotImplemented and (a == object()) is False
        same(outcome(lambda: hash(a)), outcome(lambda: hash(sa)))
        if order:
            for op in ("__lt__", "__le__", "__gt__", "__ge__"):
                same(outcome(lambda: getattr(a, op)(b)), outcome(lambda: getattr(sa, op)(sb)))
            assert a.__lt__(object()) is NotImplemented
        else:
            same(outcome(lambda: a < b), outcome(lambda: sa < sb))


@settings(max_examples=150, deadline=None)
@given(
    layout=layouts.filter(lambda layout: all(kind != "list-value" for _, kind in layout)),
    args=st.lists(values, max_size=5),
    changes=st.dictionaries(st.sampled_from((*NAMES, "unknown")), values, max_size=3),
    attribute=st.sampled_from((*NAMES, "unknown")),
    kind=kinds,
)
def test_replace_asdict_copy_and_assignment_agree_with_dataclasses(layout, args, changes, attribute, kind):
    ours, theirs = (make(decorator, layout) for decorator in KINDS[kind])
    if isinstance(theirs, Exception):
        return
    mine, stdlib = build(ours, args, {}), build(theirs, args, {})
    same(mine, stdlib)
    if mine[0] != "ok":
        return
    a, sa = mine[1], stdlib[1]
    same(outcome(lambda: dataclasses.replace(a, **changes)), outcome(lambda: dataclasses.replace(sa, **changes)))
    if hasattr(copy, "replace"):  # Python 3.13 and later
        same(outcome(lambda: copy.replace(a, **changes)), outcome(lambda: copy.replace(sa, **changes)))
    assert repr(dataclasses.asdict(a)) == repr(dataclasses.asdict(sa))
    assert repr(dataclasses.astuple(a)) == repr(dataclasses.astuple(sa))
    for duplicate in (copy.copy(a), copy.deepcopy(a)):
        assert type(duplicate) is ours and repr(duplicate) == repr(a)
        assert list(duplicate.__dict__) == list(a.__dict__)
    same(outcome(lambda: setattr(a, attribute, 1)), outcome(lambda: setattr(sa, attribute, 1)))
    same(outcome(lambda: describe(a)), outcome(lambda: describe(sa)))
    same(outcome(lambda: delattr(a, attribute)), outcome(lambda: delattr(sa, attribute)))
    same(outcome(lambda: describe(a)), outcome(lambda: describe(sa)))


@settings(max_examples=150, deadline=None)
@given(base_layout=layouts, own_layout=layouts, args=st.lists(values, max_size=8), base_kind=kinds, own_kind=kinds)
def test_a_subclass_takes_its_bases_fields_first_as_dataclasses_do(base_layout, own_layout, args, base_kind, own_kind):
    (base_deco, base_stdlib), (own_deco, own_stdlib) = KINDS[base_kind], KINDS[own_kind]
    base_ours, base_theirs = make(base_deco, base_layout, name="Base"), make(base_stdlib, base_layout, name="Base")
    if isinstance(base_theirs, Exception):
        return
    ours = make(own_deco, own_layout, base=base_ours, name="Child")
    theirs = make(own_stdlib, own_layout, base=base_theirs, name="Child")
    # a subclass of a base made the other way round behaves the same
    mixed = make(own_deco, own_layout, base=base_theirs, name="Child")
    if isinstance(theirs, Exception):  # e.g. a frozen class on a mutable base
        for other in (ours, mixed):
            assert type(other) is type(theirs) and str(other) == str(theirs)
        return
    for other in (ours, mixed):
        assert field_summary(other) == field_summary(theirs)
        same(build(other, args, {}), build(theirs, args, {}))


@frozen(order=True)
class Pickled:
    when: str
    tags: tuple[str, ...] = ()
    notes: list[str] = dataclasses.field(default_factory=list)


def test_instances_pickle_and_copy_like_dataclasses():
    value = Pickled("2026-11-27", ("gym",), ["easy"])
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(value, protocol))
        assert back == value and back is not value and back.notes is not value.notes
    assert copy.deepcopy(value).notes is not value.notes
    assert copy.copy(value).notes is value.notes
    assert sorted([Pickled("b"), Pickled("a", ("x",)), Pickled("a")]) == [
        Pickled("a"),
        Pickled("a", ("x",)),
        Pickled("b"),
    ]
    assert Pickled("a").notes is not Pickled("a").notes  # a fresh list from the factory each time
    match value:
        case Pickled(when, tags):
            assert (when, tags) == ("2026-11-27", ("gym",))


def test_a_value_that_contains_itself_is_shown_as_dataclasses_show_it():
    for decorator in (frozen, STDLIB):
        cls = make(decorator, [("a", "none")])
        value = cls([])
        value.a.append(value)
        assert repr(value) == "Value(a=[...])"


@pytest.mark.parametrize("decorator", ["frozen", "mutable"])
@pytest.mark.parametrize(
    "body",
    [
        "x: int = field(default=1, compare=False)",
        "x: int = field(default=1, repr=False)",
        "x: int = field(default=1, init=False)",
        "x: int = field(default=1, kw_only=True)",
        "x: int = field(default=1, hash=True)",
        "x: ClassVar[int] = 1",
        "x: InitVar[int] = 1",
        "__slots__ = ()",
        "def __post_init__(self):\n        pass",
    ],
)
def test_what_backcare_does_not_use_is_refused_when_the_class_is_made(body, decorator):
    source = f"@{decorator}\nclass Refused:\n    {body}\n"
    namespace = {"frozen": frozen, "mutable": mutable, "field": dataclasses.field, "ClassVar": Any, "InitVar": Any}
    with pytest.raises(NotImplementedError):
        exec(source, namespace)


def test_a_class_keeps_methods_of_its_own_and_refuses_to_lose_frozenness():
    @frozen
    class Own:
        x: int

        def __repr__(self) -> str:
            return "mine"

        def __eq__(self, other: object) -> bool:
            return True

    assert repr(Own(1)) == "mine" and Own(1) == Own(2)
    assert hash(Own(1)) == hash((1,))  # an __eq__ of its own: the hash of the fields is added, as by dataclasses
    for decorator in (frozen, STDLIB):
        with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__"):
            decorator(type("Bad", (), {"__annotations__": {"x": "int"}, "__setattr__": lambda *a: None}))
        with pytest.raises(TypeError, match="non-frozen"):
            decorator(type("Child", (dataclasses.dataclass(type("Mutable", (), {})),), {}))


@pytest.mark.parametrize("lacking", ["_FIELD", "_DataclassParams"])
def test_without_the_private_names_it_needs_frozen_is_dataclasses_itself(monkeypatch, lacking):
    # a dataclasses module as a Python without that private name would have it (its functions still work)
    other_python = types.ModuleType("dataclasses")
    other_python.__dict__.update({k: v for k, v in vars(dataclasses).items() if k != lacking})
    monkeypatch.setattr(valueclass, "dataclasses", other_python)
    assert mutable(type("Plain", (), {"__annotations__": {"x": "int"}})).__doc__ == "Plain(x: 'int')"
    made = frozen(type("Fallback", (), {"__annotations__": {"x": "int"}}))
    assert made.__init__.__code__.co_qualname.startswith("__create_fn__")  # compiled by dataclasses
    assert made.__doc__ == "Fallback(x: 'int')"  # the docstring dataclasses writes
    with pytest.raises(dataclasses.FrozenInstanceError):
        made(1).x = 2
    assert dataclasses.replace(made(1), x=3) == made(3)


def test_no_class_of_backcare_is_compiled_by_dataclasses():
    """Every dataclass of backcare is made by @frozen or @mutable: importing every module creates no class through
    dataclasses (the compiled kind costs about half a millisecond each at start-up)."""
    probe = """
import dataclasses, importlib, pkgutil, backcare
compiled = []
real = dataclasses._process_class
def spy(cls, *args, **kwargs):
    made = real(cls, *args, **kwargs)
    if made.__module__.startswith("backcare"):
        compiled.append(made.__module__ + "." + made.__qualname__)
    return made
dataclasses._process_class = spy
for info in pkgutil.walk_packages(backcare.__path__, "backcare."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
print(sorted(compiled))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_mutable_class_that_intercepts_assignment_is_refused():
    # @mutable's __init__ sets the fields straight into the instance, so nothing may stand between
    with pytest.raises(NotImplementedError):
        mutable(
            type("Guarded", (), {"__annotations__": {"x": "int"}, "__setattr__": lambda *a: object.__setattr__(*a)})
        )
    with pytest.raises(NotImplementedError):
        mutable(type("Computed", (), {"__annotations__": {"x": "int"}, "x": property(lambda self: 1)}))
    made = mutable(
        type("Open", (), {"__annotations__": {"x": "int", "y": "list"}, "y": dataclasses.field(default_factory=list)})
    )
    value = made(1)
    value.x = 2
    assert value == made(2, []) and made.__hash__ is None
