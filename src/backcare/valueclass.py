"""Frozen value classes without the import-time cost of `dataclasses`.

`@frozen` (or `@frozen(order=True)`) makes a class behave as `@dataclass(frozen=True)` (or `order=True`) does:
`__init__` (positional and keyword arguments, defaults, `default_factory`, the same TypeError messages for a
missing, unexpected or repeated argument), `__repr__`, `__eq__` (same class only, else NotImplemented), `__hash__`,
`__setattr__`/`__delattr__` raising `dataclasses.FrozenInstanceError`, ordering, `__match_args__`, and
`__dataclass_fields__`/`__dataclass_params__` holding real `dataclasses.Field` objects, so `dataclasses.fields()`,
`replace()`, `asdict()`, `is_dataclass()`, `copy` and `pickle` work on these classes as on dataclasses. Fields
inherited from a dataclass base (made either way) come first, as with dataclasses. `@mutable` is the same
for a plain `@dataclass`: fields can be assigned, and instances are not hashable.

Why: on Python 3.11 `dataclasses` writes the source of each class's `__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__` and `__delattr__` and compiles it with `exec` (about half a millisecond per class), and
calls `inspect.signature` to write a docstring for each class without one. The daily commands create 50-60 such
classes at start-up. Here the methods are closures over the field names worked out once per class: nothing is
compiled, and a class without a docstring keeps `__doc__` None (the only visible difference, with
`inspect.signature` of the class showing `(*args, **kwargs)`). Where dataclasses changed between Pythons, this
follows the one it runs on (from 3.13: `__eq__` field by field after an identity check, `__replace__` for
`copy.replace()`, the wording of one error); `tests/test_valueclass.py` passed on 3.11, 3.12 and 3.13.

Per instance: when every field is given once (all positionally, all by keyword, or the first ones positionally
and the others by keyword, as the stored check-ins are read back), `__init__` puts the values straight into the
instance's `__dict__` with two C calls; otherwise (defaults to fill in) it goes through a short Python loop.
Measured on Python 3.11 for a class of 8 fields (best of 7 x 50,000 on a shared 2-core machine): all positional
0.7 us (dataclasses 1.1 us), all by keyword 1.4 us (1.2 us), the first positionally and the rest by keyword
1.6 us (1.3 us), 6 positionally and 2 defaults 1.4 us (0.9 us), 4 positionally, 2 by keyword and 2 defaults
1.9 us (1.1 us). Reading back 18,000 check-ins (50 years) costs about 5 ms more than with dataclasses; making
a class costs about 0.05 ms instead of about 0.9 ms.

Field options this package does not use (`init=False`, `repr=False`, `compare=False`, `hash=`, `kw_only=`,
`ClassVar`, `InitVar`, `KW_ONLY`, `__post_init__`, `__slots__`) raise NotImplementedError when the class is
decorated rather than behave differently from dataclasses.

It relies on two private names of `dataclasses` (`_FIELD`, the marker of a real field that `fields()` looks
for, and `_DataclassParams`). On a Python without them, or one that no longer keeps a class's annotations in
its `__dict__`, `@frozen` is `dataclasses.dataclass(frozen=True)` itself (and `@mutable` is `dataclass`): the
same behaviour, the old cost.
"""

from __future__ import annotations

import abc
import dataclasses
import sys
from _thread import get_ident
from collections.abc import Callable
from operator import attrgetter, itemgetter
from operator import ge as _ge
from operator import gt as _gt
from operator import le as _le
from operator import lt as _lt
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")
_MISSING: Any = dataclasses.MISSING
_UNSUPPORTED_NAMES = ("ClassVar", "InitVar", "KW_ONLY")


@overload
def frozen(cls: type[_T], /) -> type[_T]: ...


@overload
def frozen(*, order: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def frozen(cls: type[_T] | None = None, /, *, order: bool = False) -> Any:
    """A frozen dataclass (`order=True`: with `<`, `<=`, `>`, `>=`), built without compiling code."""
    if cls is None:
        return lambda cls: _build(cls, order, True)
    return _build(cls, order, True)


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def mutable(cls: type[_T], /) -> type[_T]:
    """A plain (not frozen) dataclass, built without compiling code: its fields can be assigned, it is not
    hashable, and `__init__` sets the fields straight into the instance (a class with a `__setattr__` of its own
    or a property named as a field is refused)."""
    return _build(cls, False, False)


def _private_parts() -> tuple[Any, Any] | None:
    """The private names of `dataclasses` this module needs, or None when this Python lacks one of them."""
    field_marker = getattr(dataclasses, "_FIELD", None)
    params = getattr(dataclasses, "_DataclassParams", None)
    if field_marker is None or params is None or getattr(dataclasses, "_FIELDS", None) != "__dataclass_fields__":
        return None
    return field_marker, params


def _params(params_class: Any, order: bool, frozen: bool) -> Any:
    flags = dict(init=True, repr=True, eq=True, order=order, unsafe_hash=False, frozen=frozen)
    try:
        return params_class(**flags, match_args=True, kw_only=False, slots=False, weakref_slot=False)
    except TypeError:  # Python 3.11 has only the first six
        return params_class(**flags)


def _build(cls: type[_T], order: bool, frozen: bool) -> type[_T]:
    parts = _private_parts()
    own = cls.__dict__
    if parts is None or ("__annotations__" not in own and "__annotate__" in own):
        return dataclasses.dataclass(frozen=frozen, order=order)(cls)
    try:
        params = _params(parts[1], order, frozen)
    except TypeError:
        return dataclasses.dataclass(frozen=frozen, order=order)(cls)
    if "__slots__" in own or hasattr(cls, "__post_init__"):
        raise NotImplementedError(f"{cls.__name__}: __slots__ and __post_init__ are not supported by @frozen")
    fields = _collect_fields(cls, parts[0], frozen)
    if not frozen and (cls.__setattr__ is not object.__setattr__ or any(_settable(cls, name) for name in fields)):
        raise NotImplementedError(f"{cls.__name__}: a __setattr__ or a property named as a field (@mutable)")
    names = tuple(fields)
    _check_defaults(fields)
    cls.__dataclass_params__ = params  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = fields  # type: ignore[attr-defined]

    key = _key(names)
    _add(cls, "__init__", _init(cls, fields))
    _add(cls, "__repr__", _repr(names))
    _add(cls, "__eq__", _eq(key) if sys.version_info < (3, 13) else _eq_by_field(names))
    class_hash = own.get("__hash__", _MISSING)
    if class_hash is _MISSING or (class_hash is None and "__eq__" in own):  # no hash of its own
        if frozen:
            cls.__hash__ = _method(cls, "__hash__", lambda self: hash(key(self)))  # type: ignore[method-assign]
        else:
            cls.__hash__ = None  # type: ignore[assignment]
    for name, method in _frozen_methods(cls, names) if frozen else ():
        if name in own:
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
        setattr(cls, name, _method(cls, name, method))
    if order:
        for name, op in (("__lt__", _lt), ("__le__", _le), ("__gt__", _gt), ("__ge__", _ge)):
            if name in own:
                hint = "Consider using functools.total_ordering"
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}. {hint}")
            setattr(cls, name, _method(cls, name, _compare(op, key)))
    if sys.version_info >= (3, 13):  # copy.replace(), as dataclasses gives it from 3.13 on
        _add(cls, "__replace__", lambda self, /, **changes: dataclasses.replace(self, **changes))
    if "__match_args__" not in own:
        setattr(cls, "__match_args__", names)
    abc.update_abstractmethods(cls)
    return cls


def _collect_fields(cls: type, field_marker: Any, frozen: bool) -> dict[str, dataclasses.Field[Any]]:
    """Inherited fields first (from every dataclass base, furthest first), then the class's own, as dataclasses."""
    fields: dict[str, dataclasses.Field[Any]] = {}
    dataclass_bases = any_frozen_base = False
    for base in cls.__mro__[-1:0:-1]:
        base_fields = getattr(base, "__dataclass_fields__", None)
        if base_fields is not None:
            dataclass_bases = True
            any_frozen_base = any_frozen_base or base.__dataclass_params__.frozen  # type: ignore[attr-defined]
            for inherited in base_fields.values():
                fields[inherited.name] = inherited
    annotations = cls.__dict__.get("__annotations__", {})
    own = []
    for name, annotation in annotations.items():
        if isinstance(annotation, str):
            if any(word in annotation for word in _UNSUPPORTED_NAMES):
                raise NotImplementedError(f"{cls.__name__}.{name}: {annotation} is not supported by @frozen")
        elif (
            annotation is dataclasses.KW_ONLY or isinstance(annotation, dataclasses.InitVar) or _is_classvar(annotation)
        ):
            raise NotImplementedError(f"{cls.__name__}.{name}: {annotation!r} is not supported by @frozen")
        default = getattr(cls, name, _MISSING)
        f: Any = default if isinstance(default, dataclasses.Field) else dataclasses.field(default=default)
        f.name = name
        f.type = annotation
        f._field_type = field_marker
        if f.kw_only is _MISSING:
            f.kw_only = False
        if not (f.init and f.repr and f.compare) or f.hash is not None or f.kw_only:
            raise NotImplementedError(f"{cls.__name__}.{name}: this field() option is not supported by @frozen")
        if f.default is not _MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        own.append(f)
    for f in own:
        fields[f.name] = f
        if isinstance(getattr(cls, f.name, None), dataclasses.Field):
            if f.default is _MISSING:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    for name, value in cls.__dict__.items():
        if isinstance(value, dataclasses.Field) and name not in annotations:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    if dataclass_bases and any_frozen_base and not frozen:
        raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
    if dataclass_bases and not any_frozen_base and frozen:
        raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
    return fields


def _settable(cls: type, name: str) -> bool:
    """Whether the class (or a base) has a data descriptor (a property...) under this name."""
    for base in cls.__mro__:
        if name in base.__dict__:
            return hasattr(type(base.__dict__[name]), "__set__")
    return False


def _is_classvar(annotation: Any) -> bool:
    import typing

    return annotation is typing.ClassVar or getattr(annotation, "__origin__", None) is typing.ClassVar


def _check_defaults(fields: dict[str, dataclasses.Field[Any]]) -> None:
    last_default = None
    for f in fields.values():
        if f.default is not _MISSING or f.default_factory is not _MISSING:
            last_default = f.name
        elif last_default is not None:
            after = f" {last_default!r}" if sys.version_info >= (3, 13) else ""  # as each Python words it
            raise TypeError(f"non-default argument {f.name!r} follows default argument{after}")


def _add(cls: type, name: str, method: Callable[..., Any]) -> None:
    """Add a method the class does not define itself (a class's own __init__, __repr__ or __eq__ is kept)."""
    if name not in cls.__dict__:
        setattr(cls, name, _method(cls, name, method))


def _method(cls: type, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    fn.__name__ = name
    fn.__qualname__ = f"{cls.__qualname__}.{name}"
    fn.__module__ = cls.__module__
    return fn


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of an instance's field values (what eq, hash and ordering compare, as dataclasses)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        only = names[0]
        return lambda self: (getattr(self, only),)
    return lambda self: ()


def _init(cls: type, fields: dict[str, dataclasses.Field[Any]]) -> Callable[..., None]:
    names = tuple(fields)
    n = len(names)
    qualname = f"{cls.__qualname__}.__init__"
    plan: tuple[tuple[str, Any, Any], ...] = tuple((f.name, f.default, f.default_factory) for f in fields.values())
    required = sum(1 for _, default, factory in plan if default is _MISSING and factory is _MISSING)
    index = {name: i for i, name in enumerate(names)}
    self_name = "__dataclass_self__" if "self" in index else "self"
    # the values of the fields from the k-th on, from the keyword arguments, for each k
    by_keyword = tuple(_getter(names[k:]) for k in range(n))

    def bind(values: dict[str, Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # the checks and messages of a Python function `def __init__(self, a, b, c=...)`, in CPython's order
        given = len(args)
        for name in kwargs:
            at = index.get(name)
            if name == self_name:  # the name dataclasses gives the instance argument (self, unless a field is)
                raise TypeError(f"{qualname}() got multiple values for argument '{name}'")
            if at is None:
                raise TypeError(f"{qualname}() got an unexpected keyword argument '{name}'")
            if at < given:
                raise TypeError(f"{qualname}() got multiple values for argument '{name}'")
        if given > n:
            takes = f"from {required + 1} to {n + 1}" if required < n else str(n + 1)
            plural = "s" if n or required < n else ""
            raise TypeError(f"{qualname}() takes {takes} positional argument{plural} but {given + 1} were given")
        missing = [name for name in names[given:required] if name not in kwargs]
        if missing:
            quoted = [f"'{name}'" for name in missing]
            listed = quoted[0] if len(quoted) == 1 else " and ".join(quoted) if len(quoted) == 2 else None
            if listed is None:
                listed = ", ".join(quoted[:-1]) + ", and " + quoted[-1]
            s = "s" if len(missing) > 1 else ""
            raise TypeError(f"{qualname}() missing {len(missing)} required positional argument{s}: {listed}")
        out = list(args)
        for name, default, factory in plan[given:]:
            if name in kwargs:
                out.append(kwargs[name])
            elif factory is not _MISSING:
                out.append(factory())
            else:
                out.append(default)
        values.update(zip(names, out))

    def __init__(self: Any, /, *args: Any, **kwargs: Any) -> None:
        if kwargs:
            given = len(args)
            if given + len(kwargs) == n:  # each field once (the first positionally, the rest by keyword)?
                try:
                    values = by_keyword[given](kwargs)
                except KeyError:  # a name that is not a field, or a field given twice: bind() says which
                    pass
                else:
                    if given:
                        self.__dict__.update(zip(names, args))
                    self.__dict__.update(zip(names[given:], values))
                    return
        elif len(args) == n:
            self.__dict__.update(zip(names, args))
            return
        bind(self.__dict__, args, kwargs)

    return __init__


def _getter(names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The values of these keys of a dict, as a tuple (KeyError when one is missing)."""
    if len(names) > 1:
        return itemgetter(*names)
    only = names[0]
    return lambda kwargs: (kwargs[only],)


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    running: set[tuple[int, int]] = set()
    values = _key(names)

    def __repr__(self: Any) -> str:
        key = (id(self), get_ident())
        if key in running:  # a value that contains itself, as reprlib.recursive_repr says it
            return "..."
        running.add(key)
        try:
            inner = ", ".join([f"{name}={value!r}" for name, value in zip(names, values(self))])
        finally:
            running.discard(key)
        return f"{self.__class__.__qualname__}({inner})"

    return __repr__


def _eq(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _eq_by_field(names: tuple[str, ...]) -> Callable[[Any, Any], Any]:
    """`__eq__` as dataclasses writes it from Python 3.13 on: the same instance is equal, then field by field
    (`self.a == other.a and self.b == other.b`), so a NaN field makes two instances unequal."""

    def __eq__(self: Any, other: Any) -> Any:
        if self is other:
            return True
        if other.__class__ is self.__class__:
            result: Any = True
            for name in names:
                result = getattr(self, name) == getattr(other, name)
                if not result:
                    break
            return result
        return NotImplemented

    return __eq__


def _compare(op: Callable[[Any, Any], Any], key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def compare(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return op(key(self), key(other))
        return NotImplemented

    return compare


def _frozen_methods(cls: Any, names: tuple[str, ...]) -> tuple[tuple[str, Callable[..., None]], ...]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return (("__setattr__", __setattr__), ("__delattr__", __delattr__))
