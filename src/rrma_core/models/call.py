"""Calls for projects (appels à projets, "AAP") that networks relay to their members."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from typing import Annotated, Self
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field, model_validator

from rrma_core.models._base import ActorRef, LocalizedText, Model, Record, unique, utcnow
from rrma_core.models._types import (
    SDG,
    CountryCode,
    DateOrDateTime,
    DepartementCode,
    HttpURL,
    RegionCode,
    SectorCode,
    finite,
)
from rrma_core.vocabularies._closed import ActorType, CallStatus

__all__ = ["Amount", "CallForProjects", "Perimeter"]

_PARIS = ZoneInfo("Europe/Paris")


class Amount(Model):
    """How much a call grants: a range and/or a co-funding rate."""

    min: Annotated[float, AfterValidator(finite)] | None = Field(default=None, ge=0)
    max: Annotated[float, AfterValidator(finite)] | None = Field(default=None, ge=0)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    rate: Annotated[float, AfterValidator(finite)] | None = Field(
        default=None, ge=0, le=100, description="Share of the budget funded, in percent."
    )
    text: str | None = Field(default=None, description="As written by the funder.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"maximum amount {self.max} is below the minimum {self.min}")
        return self


class Perimeter(Model):
    """Where applicants must be based."""

    national: bool = False
    regions: list[RegionCode] = Field(default_factory=list)
    departements: list[DepartementCode] = Field(default_factory=list)
    text: str | None = Field(default=None, description="As written by the funder.")


def _instant(value: date | datetime, tz: tzinfo, *, end_of_day: bool) -> datetime:
    if isinstance(value, datetime):
        return value
    if end_of_day:
        return datetime.combine(value, time.max, tz)
    return datetime.combine(value, time.min, tz)


class CallForProjects(Record):
    """A call for projects: who funds what, for whom, until when.

    A deadline given as a date means "until the end of that day" in the call's time zone
    (Europe/Paris unless told otherwise).

    Example:
        >>> from datetime import date
        >>> call = CallForProjects(title="Appel ECSI 2027", published_on="2026-11-02",
        ...                        deadline="2027-01-15", eligible_actor_types=["association"])
        >>> call.status(date(2027, 1, 15)).value, call.status(date(2027, 1, 16)).value
        ('open', 'closed')
    """

    record_type = "call"

    title: LocalizedText
    funders: list[ActorRef] = Field(default_factory=list)
    description: LocalizedText | None = None
    url: HttpURL | None = None
    published_on: DateOrDateTime | None = None
    opens_on: DateOrDateTime | None = None
    deadline: DateOrDateTime | None = None
    amount: Amount | None = None
    eligible_actor_types: Annotated[list[ActorType], AfterValidator(unique)] = Field(
        default_factory=list
    )
    perimeter: Perimeter | None = None
    themes: Annotated[list[SectorCode], AfterValidator(unique)] = Field(default_factory=list)
    sdgs: Annotated[list[SDG], AfterValidator(unique)] = Field(default_factory=list)
    countries: Annotated[list[CountryCode], AfterValidator(unique)] = Field(
        default_factory=list, description="Countries where funded projects may take place."
    )

    @model_validator(mode="after")
    def _check_dates(self) -> Self:
        if self.deadline is None:
            return self
        deadline = _instant(self.deadline, _PARIS, end_of_day=True)
        for name in ("published_on", "opens_on"):
            value = getattr(self, name)
            if value is not None and _instant(value, _PARIS, end_of_day=False) > deadline:
                what = "the publication date" if name == "published_on" else "the opening date"
                raise ValueError(
                    f"deadline {self.deadline.isoformat()} is before {what} {value.isoformat()}"
                )
        return self

    def status(self, on: date | datetime | None = None, *, tz: tzinfo = _PARIS) -> CallStatus:
        """Whether the call is upcoming, open or closed on ``on`` (default: now).

        Args:
            on: A day (judged as a whole day in ``tz``) or an aware date-time.
            tz: The time zone of date-only deadlines and of ``on`` when it is a date.
        """
        if on is None:
            on = utcnow()
        if isinstance(on, datetime) and on.utcoffset() is None:
            raise ValueError(
                f"{on.isoformat()} has no time zone: give an aware date-time or a date"
            )
        if isinstance(on, datetime):
            first = last = on
        else:
            first = _instant(on, tz, end_of_day=False)
            last = _instant(on, tz, end_of_day=True)
        if self.deadline is not None and first > _instant(self.deadline, tz, end_of_day=True):
            return CallStatus.CLOSED
        if self.opens_on is not None and last < _instant(self.opens_on, tz, end_of_day=False):
            return CallStatus.UPCOMING
        return CallStatus.OPEN

    def days_left(self, on: date, *, tz: tzinfo = _PARIS) -> int | None:
        """Whole days from ``on`` to the deadline's day (0 on the day itself), or ``None``."""
        if self.deadline is None:
            return None
        deadline = self.deadline
        day = deadline.astimezone(tz).date() if isinstance(deadline, datetime) else deadline
        return (day - on).days
