"""`@fieldwise`: classes of named fields, as `@dataclass` makes them, for the classes every command imports.

The model's records, findings and figures, and the document's reading, are imported by each `tmtui check` that CI
runs. `@dataclass` cost each of them some 60 M instructions at start, a quarter of importing the command line:
importing `dataclasses` imports `inspect` (with `ast`, `dis` and `tokenize`), and each class gets its `__init__`
compiled from source. `@fieldwise`
reads the same class body (annotations, defaults, `field(...)`) and gives every class the same few functions,
written once here: `__init__`, `__eq__`, `__repr__`, and for a frozen class `__hash__` and a guard against changes.
Type checkers read a `@fieldwise` class as a dataclass (`dataclass_transform`). Classes that only the app or
other commands import are plain dataclasses.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T", bound=type)
Item = TypeVar("Item")

_FIELDS = "__fieldwise_fields__"  # a class's fields, in order: its bases' first, each where it was first declared


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # no default given


class FrozenInstanceError(AttributeError):
    """A field of a frozen instance was assigned or deleted."""


class Field:
    """One field of a `@fieldwise` class: its name, its default (or what makes one), and whether `==` and `repr`
    take it in."""

    __slots__ = ("compare", "default", "default_factory", "metadata", "name", "repr")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        compare: bool = True,
        repr: bool = True,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr
        self.metadata: Mapping[str, Any] = metadata or {}

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] = MISSING,
    compare: bool = True,
    repr: bool = True,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """A field with a default, or a function that makes one for each instance (a list, a dict), as
    `dataclasses.field`."""
    return Field(default, default_factory, compare, repr, metadata)


@dataclass_transform(field_specifiers=(field, Field))
def fieldwise(*, frozen: bool = False) -> Callable[[T], T]:
    """Make the decorated class a class of fields, as `@dataclass(frozen=frozen)` would."""

    def make(cls: T) -> T:
        fields: dict[str, Field] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update((f.name, f) for f in base.__dict__.get(_FIELDS, ()))
        # the class's own annotations; `inspect.get_annotations` would import what this module is here to avoid
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
            if _is_class_var(annotation):
                continue
            value = cls.__dict__.get(name, MISSING)
            made = value if isinstance(value, Field) else Field(default=value)
            if isinstance(made.default, (list, dict, set)):
                raise ValueError(f"mutable default {type(made.default).__name__} for field {name}: use default_factory")
            made.name = name
            fields[name] = made  # a field declared again keeps its place, as in a dataclass
            if isinstance(value, Field):
                if made.default is MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, made.default)
        ordered = tuple(fields.values())
        required_after = [f.name for n, f in enumerate(ordered) if _required(f) and any(map(_optional, ordered[:n]))]
        if required_after:
            raise TypeError(f"non-default argument {required_after[0]!r} follows default argument")
        setattr(cls, _FIELDS, ordered)
        cls.__init__ = _init_for(ordered, getattr(cls, "__post_init__", None))  # type: ignore[misc]
        cls.__eq__ = _eq  # type: ignore[assignment,method-assign]
        cls.__repr__ = _repr  # type: ignore[assignment,method-assign]
        if frozen:
            cls.__hash__ = _hash  # type: ignore[assignment,method-assign]
            cls.__setattr__ = _refuse_setattr  # type: ignore[assignment,method-assign]
            cls.__delattr__ = _refuse_delattr  # type: ignore[assignment,method-assign]
        else:
            cls.__hash__ = None  # type: ignore[assignment]  # equal by value and changeable: not hashable
        return cls

    return make


def fields(item: Any) -> tuple[Field, ...]:
    """The fields of a `@fieldwise` class or instance, in order, as `dataclasses.fields`."""
    found = getattr(item, _FIELDS, None)
    if found is None:
        raise TypeError(f"{item!r} is not a @fieldwise class or instance")
    return found


def replace(item: Item, /, **changes: Any) -> Item:
    """A new instance with `changes` and the other fields of `item`, as `dataclasses.replace`."""
    names = [f.name for f in fields(item)]
    unknown = set(changes).difference(names)
    if unknown:
        raise TypeError(f"{type(item).__name__} has no field {sorted(unknown)[0]!r}")
    made: Item = item.__class__(**{name: changes[name] if name in changes else getattr(item, name) for name in names})
    return made


def _is_class_var(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return isinstance(text, str) and text.split("[", 1)[0].rsplit(".", 1)[-1] == "ClassVar"


def _required(item: Field) -> bool:
    return item.default is MISSING and item.default_factory is MISSING


def _optional(item: Field) -> bool:
    return not _required(item)


def _init_for(ordered: tuple[Field, ...], post_init: Callable[[Any], None] | None) -> Callable[..., None]:
    """An `__init__` taking each field by position or by name, in order, then calling `__post_init__` if the class
    has one, as a dataclass's does. Fields are set one by one past any guard of a frozen class, as a dataclass
    sets them: that keeps each instance's attributes in Python's compact per-class layout (filling `__dict__`
    at once made a dict of its own per instance, twice the memory)."""
    names = tuple(f.name for f in ordered)
    count = len(names)
    known = frozenset(names)
    template = {f.name: f.default for f in ordered}  # MISSING where a value is required or made for each instance
    made = tuple((f.name, f.default_factory) for f in ordered if f.default_factory is not MISSING)
    required = tuple(f.name for f in ordered if _required(f))

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) == count and not kwargs:  # every field by position: a grid's cells and rows
            for name, value in zip(names, args, strict=True):
                _set(self, name, value)
            if post_init is not None:
                post_init(self)
            return
        state = template.copy()
        if args:
            if len(args) > count:
                raise TypeError(f"{type(self).__name__}() takes {count} arguments but {len(args)} were given")
            state.update(zip(names, args, strict=False))  # the first fields, given by position
        if kwargs:
            if not known.issuperset(kwargs):
                unknown = next(name for name in kwargs if name not in known)
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {unknown!r}")
            if args and not kwargs.keys().isdisjoint(names[: len(args)]):
                twice = next(name for name in names[: len(args)] if name in kwargs)
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {twice!r}")
            state.update(kwargs)
        for name, factory in made:
            if state[name] is MISSING:
                state[name] = factory()
        for name in required:
            if state[name] is MISSING:
                raise TypeError(f"{type(self).__name__}() missing required argument: {name!r}")
        for name, value in state.items():
            _set(self, name, value)
        if post_init is not None:
            post_init(self)

    return __init__


_set = object.__setattr__

_SHOWN_AND_COMPARED: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _shown_and_compared(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The fields `repr` shows, and a getter of the tuple `==` compares and `hash` hashes."""
    known = _SHOWN_AND_COMPARED.get(cls)
    if known is None:
        ordered = fields(cls)
        compared = [f.name for f in ordered if f.compare]
        getter = attrgetter(*compared) if len(compared) > 1 else lambda item: tuple(getattr(item, n) for n in compared)
        known = _SHOWN_AND_COMPARED[cls] = (tuple(f.name for f in ordered if f.repr), getter)
    return known


def _eq(self: Any, other: object) -> bool:
    """Equal when of the same class with equal compared fields."""
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = _shown_and_compared(self.__class__)[1]
    return bool(compared(self) == compared(other))


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    """`Class(field=value, …)`, and `...` where an instance holds itself."""
    shown = _shown_and_compared(self.__class__)[0]
    return f"{self.__class__.__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"


def _hash(self: Any) -> int:
    return hash(_shown_and_compared(self.__class__)[1](self))


def _refuse_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
