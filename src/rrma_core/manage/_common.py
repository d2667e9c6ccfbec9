"""What the management operations share: errors, looking records and actors up, changing them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic

from rrma_core.errors import InvalidRecord, RrmaError
from rrma_core.models import Actor, ActorRef, DateRange, Person, Record
from rrma_core.storage._index import fold_name

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = ["AmbiguousPerson", "ManagementError", "Period", "PersonLike"]

R = TypeVar("R", bound=Record)

PersonLike = Person | Mapping[str, Any] | str
"""A person as the operations take one: a ``Person``, a dict of its fields, or a name."""

Period = DateRange | int | tuple[date, date]
"""A period: a ``DateRange``, a year, or a ``(start, end)`` pair of days."""


class ManagementError(RrmaError, ValueError):
    """Raised when a management operation cannot be done: it names the record, the actor or
    person, and what stands in the way (a member already there, a full session...)."""


class AmbiguousPerson(ManagementError, LookupError):
    """Raised when a name matches several persons: the message lists their ids and where
    each appears, so that one can be chosen by id or e-mail."""


def record_id(value: Record | str) -> str:
    """The id of a record given as a record or as its id."""
    return value.id if isinstance(value, Record) else str(value)


def load(ws: Workspace, value: R | str, model: type[R]) -> R:
    """The stored record ``value`` (a record or an id), checked to be a ``model``.

    Raises:
        ManagementError: when there is none, or it is of another type.
    """
    wanted = record_id(value)
    try:
        record = ws.get(wanted)
    except KeyError:
        raise ManagementError(f"no stored {model.record_type} has id {wanted!r}") from None
    if not isinstance(record, model):
        raise ManagementError(
            f"record {wanted!r} is a {record.record_type}, not a {model.record_type}"
        )
    return record


def change(ws: Workspace, value: R | str, model: type[R], edit: Callable[[R], R]) -> R:
    """Read ``value``, apply ``edit`` and store the result, in one transaction.

    Raises:
        ManagementError: when the record is missing or of another type.
    """
    load(ws, value, model)  # a clear error before the transaction
    try:
        return ws.modify(record_id(value), edit, model)
    except KeyError:
        raise ManagementError(
            f"no stored {model.record_type} has id {record_id(value)!r}"
        ) from None


def actor_ref(ws: Workspace, actor: ActorRef | Actor | str, role: str | None = None) -> ActorRef:
    """A reference to an actor given by record id, by name, or as an ``ActorRef``.

    A name that is exactly one actor's of the directory (case and accents ignored) becomes a
    reference by id, so that indicators find the actor's type; another name stays a name.

    Raises:
        ManagementError: when an id names a record that is not an actor, or an empty name.
    """
    if isinstance(actor, ActorRef):
        return actor.model_copy(update={"role": role}) if role else actor
    if isinstance(actor, Actor):
        return ActorRef(id=actor.id, name=actor.name, role=role)
    text = actor.strip()
    if not text:
        raise ManagementError("an actor needs an id or a name")
    try:
        found = ws.get(text)
    except KeyError:
        found = None
    if found is not None:
        if not isinstance(found, Actor):
            raise ManagementError(f"record {text!r} is a {found.record_type}, not an actor")
        return ActorRef(id=found.id, name=found.name, role=role)
    query = ws.query(Actor)
    query.sql.where_term("name", [fold_name(text)])
    matches = query.all()
    if len(matches) == 1:
        return ActorRef(id=matches[0].id, name=matches[0].name, role=role)
    return ActorRef(name=text, role=role)


def same_actor(a: ActorRef, b: ActorRef) -> bool:
    """Whether two references name the same actor (same id, or same name without ids)."""
    if a.id and b.id:
        return a.id == b.id
    names = [fold_name(x.name) for x in (a, b) if x.name]
    return len(names) == 2 and names[0] == names[1]


def person(value: PersonLike, email: str | None = None) -> Person:
    """A ``Person`` from a ``Person``, a dict of its fields, or a name (and ``email``).

    Raises:
        InvalidRecord: when the fields are not a valid person (an e-mail without ``@``...).
    """
    if isinstance(value, Person):
        return value
    data: dict[str, Any] = {"name": value} if isinstance(value, str) else dict(value)
    if email is not None:
        data["email"] = email
    try:
        return Person.model_validate(data)
    except pydantic.ValidationError as error:
        raise InvalidRecord.from_validation_error(error, item="person") from None


def period_range(period: Period | None) -> DateRange | None:
    """``period`` as a ``DateRange`` (``None`` stays ``None``)."""
    if period is None or isinstance(period, DateRange):
        return period
    if isinstance(period, int):
        return DateRange.year(period)
    start, end = period
    return DateRange(start=start, end=end)


def day_of(value: date | datetime) -> date:
    """The calendar day of a date or date-time (in its own time zone)."""
    return value.date() if isinstance(value, datetime) else value
