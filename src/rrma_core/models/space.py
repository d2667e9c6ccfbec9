"""Multi-actor spaces: the exchange groups networks animate, their members and meetings."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from rrma_core.models._base import (
    ActorRef,
    LocalizedText,
    Model,
    Person,
    Place,
    Record,
    check_span,
    personal_field,
    span_id,
    unique,
)
from rrma_core.models._types import (
    SDG,
    CountryCode,
    DateOrDateTime,
    DepartementCode,
    HttpURL,
    RegionCode,
    SectorCode,
)
from rrma_core.vocabularies._closed import SpaceKind

__all__ = ["Meeting", "Membership", "MultiActorSpace"]


class Membership(Model):
    """An actor's place in a space."""

    actor: ActorRef
    role: str = Field(default="member", description='"member", "animator", "observer"...')
    since: date | None = None
    until: date | None = None


class Meeting(Model):
    """One meeting of a space."""

    id: str = Field(
        default="", description="Stable id; made from the start (and end) when not given."
    )
    title: str | None = None
    start: DateOrDateTime
    end: DateOrDateTime | None = None
    venue: Place | None = None
    online_url: HttpURL | None = None
    attendance: int | None = Field(default=None, ge=0, description="How many people came.")
    organisations_present: list[ActorRef] = Field(default_factory=list)
    participants: list[Person] = personal_field(description="Who came.")
    minutes_url: HttpURL | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        check_span(self.start, self.end)
        if not self.id:
            object.__setattr__(self, "id", span_id("meeting", self.start, self.end))
        return self


class MultiActorSpace(Record):
    """An exchange group: generalist, thematic, sectoral or geographic.

    A geographic space is about countries (a "groupe pays") or a territory, and must name one.

    Example:
        >>> space = MultiActorSpace(name="Groupe pays Sénégal", space_kind="geographic",
        ...                         countries=["SN"])
        >>> space.space_kind.value
        'geographic'
    """

    record_type = "space"

    name: LocalizedText
    space_kind: SpaceKind
    description: LocalizedText | None = None
    themes: Annotated[list[SectorCode], AfterValidator(unique)] = Field(default_factory=list)
    sdgs: Annotated[list[SDG], AfterValidator(unique)] = Field(default_factory=list)
    countries: Annotated[list[CountryCode], AfterValidator(unique)] = Field(default_factory=list)
    regions: list[RegionCode] = Field(default_factory=list)
    departements: list[DepartementCode] = Field(default_factory=list)
    members: list[Membership] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    url: HttpURL | None = None

    @model_validator(mode="after")
    def _check_space(self) -> Self:
        if self.space_kind == SpaceKind.GEOGRAPHIC and not (
            self.countries or self.regions or self.departements
        ):
            raise ValueError("a geographic space needs countries, regions or départements")
        if self.space_kind in (SpaceKind.THEMATIC, SpaceKind.SECTORAL) and not (
            self.themes or self.sdgs
        ):
            raise ValueError(f"a {self.space_kind.value} space needs themes or SDGs")
        seen: set[str] = set()
        for membership in self.members:
            key = membership.actor.id or (membership.actor.name or "").casefold()
            if key in seen:
                raise ValueError(f"{membership.actor} is a member twice")
            seen.add(key)
        return self
