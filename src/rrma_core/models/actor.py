"""Actors: the associations, local authorities, schools... that make up a network."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from rrma_core.models._base import (
    ActorRef,
    LocalizedText,
    Person,
    Place,
    Record,
    personal_field,
    unique,
)
from rrma_core.models._types import RNA, SDG, SIREN, SIRET, CountryCode, HttpURL, SectorCode
from rrma_core.vocabularies._closed import ActorType, LocalAuthorityLevel

__all__ = ["Actor"]


class Actor(Record):
    """A body active in international cooperation and solidarity.

    The directory a network keeps (and counts in its baromètre): who the actor is, where its
    head office is, where and on what it works.

    Example:
        >>> actor = Actor(name="Les Amis du Sahel", actor_type="association",
        ...               rna="W691234567", countries=["bf", "ML"], sdgs=["ODD 6"])
        >>> actor.countries, actor.sdgs
        (['BF', 'ML'], [6])
    """

    record_type = "actor"

    name: str = Field(min_length=1)
    acronym: str | None = None
    actor_type: ActorType
    local_authority_level: LocalAuthorityLevel | None = Field(
        default=None, description="For local authorities only: région, département..."
    )
    description: LocalizedText | None = None
    rna: RNA | None = Field(default=None, description="Association number (W + 9 digits).")
    siren: SIREN | None = None
    siret: SIRET | None = Field(default=None, description="The head office's SIRET.")
    head_office: Place | None = None
    website: HttpURL | None = None
    email: str | None = Field(default=None, description="The organisation's own address.")
    countries: Annotated[list[CountryCode], AfterValidator(unique)] = Field(
        default_factory=list, description="Countries of intervention (ISO 3166-1 alpha-2)."
    )
    sectors: Annotated[list[SectorCode], AfterValidator(unique)] = Field(default_factory=list)
    sdgs: Annotated[list[SDG], AfterValidator(unique)] = Field(default_factory=list)
    memberships: list[ActorRef] = Field(
        default_factory=list, description="Networks and groupings the actor belongs to."
    )
    contacts: list[Person] = personal_field(description="People to contact.")

    @model_validator(mode="after")
    def _check_actor(self) -> Self:
        if self.local_authority_level and self.actor_type != ActorType.LOCAL_AUTHORITY:
            raise ValueError(
                f"local_authority_level is only for local authorities, not {self.actor_type.value}"
            )
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            raise ValueError(f"SIRET {self.siret} does not belong to SIREN {self.siren}")
        if self.siret and not self.siren:
            object.__setattr__(self, "siren", self.siret[:9])
        return self

    @property
    def departement(self) -> str | None:
        """The head office's département code, when known."""
        return self.head_office.departement if self.head_office else None

    @property
    def region(self) -> str | None:
        """The head office's région code, when known."""
        return self.head_office.region if self.head_office else None
